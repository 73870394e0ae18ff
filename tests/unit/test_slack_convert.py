"""The shared raw-message converter: edits, deletions, blocks, bots, threads, unattributed entries."""

from __future__ import annotations

from facilitator.sources.slack_convert import DELETED_TEXT, UNAVAILABLE_FILE, Directory, convert, permalink, strip_token_query

DIRECTORY = Directory.build(
    [{"id": "U1", "profile": {"real_name": "Alice Smith"}}, {"id": "UB", "name": "deploybot", "is_bot": True}],
    [{"id": "C1", "name": "general"}],
)


def run(*raws: dict, **kw) -> list:
    return convert(((r, f"test:{i}") for i, r in enumerate(raws)), DIRECTORY, tz="UTC", **kw).messages


def test_message_changed_replaces_text_and_marks_edited() -> None:
    original = {"type": "message", "user": "U1", "ts": "100.000001", "text": "rollback failed"}
    change = {"type": "message", "subtype": "message_changed", "ts": "105.000000",
              "message": {"type": "message", "user": "U1", "ts": "100.000001", "text": "rollback done"}}
    (m,) = run(original, change)
    assert (m.id, m.text, m.edited) == ("100.000001", "rollback done", True)
    (m,) = run(change, original)  # API order (newest first): the edit still wins
    assert (m.text, m.edited) == ("rollback done", True)


def test_message_deleted_becomes_a_tombstone() -> None:
    original = {"type": "message", "user": "U1", "ts": "100.000001", "text": "secret", "files": [{"id": "F1", "name": "x.log"}]}
    deleted = {"type": "message", "subtype": "message_deleted", "ts": "106.0", "deleted_ts": "100.000001"}
    (m,) = run(original, deleted)
    assert (m.text, m.subtype, m.attachments, m.author) == (DELETED_TEXT, "tombstone", [], "Alice Smith")
    (m,) = run(deleted)
    assert (m.id, m.text) == ("100.000001", DELETED_TEXT)


def test_block_kit_text_is_used_when_text_is_empty() -> None:
    blocks = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "deploy "}, {"type": "user", "user_id": "U1"}, {"type": "text", "text": " see "},
        {"type": "link", "url": "https://ci.example/1", "text": "build"}]}]}]
    (m,) = run({"type": "message", "user": "U1", "ts": "1.0", "text": "", "blocks": blocks})
    assert m.text == "deploy @Alice Smith see build (https://ci.example/1)"


def test_bot_names_and_flags() -> None:
    msgs = run(
        {"subtype": "bot_message", "bot_id": "B1", "ts": "1.0", "text": "a", "username": "Grafana"},
        {"subtype": "bot_message", "bot_id": "B2", "ts": "2.0", "text": "b", "bot_profile": {"name": "Datadog"}},
        {"subtype": "bot_message", "bot_id": "B3", "ts": "3.0", "text": "", "attachments": [{"author_name": "Sentry", "text": "TypeError"}]},
        {"user": "UB", "ts": "4.0", "text": "deployed"},
    )
    assert [(m.author, m.is_bot) for m in msgs] == [("Grafana", True), ("Datadog", True), ("Sentry", True), ("deploybot", True)]
    assert msgs[2].text == "Sentry\nTypeError"


def test_missing_parent_and_bad_entries_are_kept_and_counted() -> None:
    result = convert(
        [({"user": "U1", "ts": "5.0", "thread_ts": "4.0", "text": "orphan reply"}, "a"), ({"text": "no ts"}, "b"), (["odd"], "c")],
        DIRECTORY,
        tz="UTC",
    )
    (m,) = result.messages
    assert m.thread_id is None and m.text == "orphan reply"
    assert [u.origin for u in result.unattributed] == ["b", "c"] and "no ts" in result.unattributed[0].text
    assert result.warnings == ["1 thread replies whose parent message is missing were kept as channel messages."]


def test_hidden_files_and_unknown_users() -> None:
    (m,) = run({"user": "U404", "ts": "1.0", "text": "hi", "files": [{"id": "F9", "mode": "hidden_by_limit"}]})
    assert m.author == "U404" and m.attachments[0].name == UNAVAILABLE_FILE


def test_permalinks_and_token_stripping() -> None:
    assert permalink("https://acme.slack.com", "C1", "1.000200") == "https://acme.slack.com/archives/C1/p1000200"
    assert permalink("https://acme.slack.com/", "C1", "2.000300", "1.000200") == (
        "https://acme.slack.com/archives/C1/p2000300?thread_ts=1.000200&cid=C1"
    )
    assert permalink("", "C1", "1.0") == ""
    assert strip_token_query("https://files.slack.com/a.png?t=xoxe-1-2&x=1") == "https://files.slack.com/a.png?x=1"


def test_api_permalinks_on_converted_messages() -> None:
    msgs = run({"user": "U1", "ts": "1.000200", "text": "p", "thread_ts": "1.000200"},
               {"user": "U1", "ts": "2.000300", "text": "r", "thread_ts": "1.000200"},
               channel_id="C1", workspace_url="https://acme.slack.com/")
    assert msgs[0].permalink.endswith("/p1000200") and msgs[1].permalink.endswith("?thread_ts=1.000200&cid=C1")
    assert msgs[0].reply_ids == ["2.000300"]
