"""Fetching a channel live with the real slack_sdk WebClient against the local fake Slack."""

from __future__ import annotations

import json
import math
import socket
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import Settings, load_settings
from facilitator.errors import SourceError
from facilitator.session import SourceSpec
from facilitator.sources import load_source, slack_api
from facilitator.sources.slack_api import fetch_channel
from facilitator.sources.slack_export import load_export
from tests.servers.slack_server import SMALL_EXPORT, TOKEN, FakeSlack, slack_server  # noqa: F401

CHANNEL = "inc-99-db-failover"
TOP_LEVEL = 10  # channel-level messages in the fixture, the broadcast reply included
THREADS = 2


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr(slack_api, "SERVER_BACKOFF_SECONDS", 0.01)


def settings_for(server: FakeSlack, token: str = TOKEN, **slack) -> Settings:
    return Settings.model_validate({"slack": {"token": token, "api_url": server.api_url.rstrip("/"), **slack}})


def fetch(server: FakeSlack, name: str = CHANNEL, **kw) -> object:
    kw.setdefault("settings", settings_for(server))
    return fetch_channel(name, tz="UTC", **kw)


def shape(t) -> list[tuple]:
    return [
        (m.id, m.author, m.author_id, m.is_bot, m.text, m.thread_id, m.reply_ids, m.subtype, m.edited, m.reactions,
         [(a.name, a.mimetype, a.id) for a in m.attachments])
        for m in t.messages
    ]


def test_api_and_export_agree(slack_server: FakeSlack) -> None:
    live = fetch(slack_server)
    export = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    assert shape(live) == shape(export)
    assert (live.source, live.format, live.channel, live.channel_id) == ("slack", "slack-api", CHANNEL, "C099FAIL")
    assert live.workspace_url == "https://acme-test.slack.com/" and live.thread_count == THREADS
    assert all(m.origin == f"api:C099FAIL/{m.id}" for m in live.messages)


@pytest.mark.parametrize("page_size", [1, 2, 15])
def test_paging_is_correct_for_any_page_size_and_costs_pages_not_messages(slack_server: FakeSlack, page_size: int) -> None:
    slack_server.page_size = page_size
    live = fetch(slack_server)
    assert shape(live) == shape(load_export(SMALL_EXPORT, CHANNEL, tz="UTC"))
    pages = lambda n: max(1, math.ceil(n / page_size))  # noqa: E731
    calls = slack_server.methods()
    assert calls["auth.test"] == 1
    assert calls["conversations.history"] == pages(TOP_LEVEL)
    assert calls["conversations.replies"] == pages(4) + pages(2)  # parent + 3 replies, parent + 1 reply
    assert calls["users.list"] == pages(5)
    assert calls["users.info"] == 1  # only the Slack Connect guest missing from users.list
    assert calls["conversations.list"] == 1  # the channel is listed first: no further pages
    assert set(calls) == {"auth.test", "conversations.list", "users.list", "conversations.history", "conversations.replies", "users.info"}
    assert all(c.authorized for c in slack_server.calls)


def test_history_asks_for_big_pages_and_follows_cursors(slack_server: FakeSlack) -> None:
    slack_server.page_size = 3
    fetch(slack_server)
    history = [c.params for c in slack_server.calls if c.method == "conversations.history"]
    assert [p.get("cursor") is None for p in history] == [True, False, False, False]
    assert {p["limit"] for p in history} == {"200"} and {p["channel"] for p in history} == {"C099FAIL"}


def test_users_info_names_a_guest_missing_from_users_list(slack_server: FakeSlack) -> None:
    slack_server.data.hidden_users[0]["profile"]["real_name"] = "Erin from Vendor"
    live = fetch(slack_server)
    assert next(m for m in live.messages if m.author_id == "UEXT0001").author == "Erin from Vendor"
    assert [c.params["user"] for c in slack_server.calls if c.method == "users.info"] == ["UEXT0001"]


def test_channel_by_id_uses_conversations_info(slack_server: FakeSlack) -> None:
    live = fetch(slack_server, "C099FAIL")
    assert live.channel == CHANNEL and len(live) == 13
    assert slack_server.count("conversations.info") == 1 and slack_server.count("conversations.list") == 0


def test_private_channel_by_name_with_hash(slack_server: FakeSlack) -> None:
    slack_server.page_size = 1
    live = fetch(slack_server, "#sec-review")
    assert (live.channel_id, [m.text for m in live.messages]) == ("G077SEC", ["private"])
    listed = [c.params for c in slack_server.calls if c.method == "conversations.list"]
    assert listed[0]["types"] == "public_channel,private_channel" and listed[0]["exclude_archived"] == "0"
    assert len(listed) == 3  # paged through two public channels to reach the private one


def test_permalinks_from_the_workspace_url(slack_server: FakeSlack) -> None:
    live = fetch(slack_server)
    parent = next(m for m in live.messages if m.reply_ids)
    reply = live.get(parent.reply_ids[0])
    base = "https://acme-test.slack.com/archives/C099FAIL/p"
    assert parent.permalink == base + parent.id.replace(".", "")
    assert reply.permalink == f"{base}{reply.id.replace('.', '')}?thread_ts={parent.id}&cid=C099FAIL"


def test_files_are_downloaded_with_the_token(slack_server: FakeSlack, tmp_path: Path) -> None:
    live = fetch(slack_server, download_dir=tmp_path / "files")
    (att,) = [a for m in live.messages for a in m.attachments]
    assert Path(att.local_path) == tmp_path / "files" / "F0DISK01-disk-usage.png"
    assert Path(att.local_path).read_bytes() == slack_server.data.files["F0DISK01"][1]
    assert slack_server.file_requests == [("/files-pri/F0DISK01/disk-usage.png", True)]
    assert not live.warnings


def test_no_download_without_a_folder_or_when_disabled(slack_server: FakeSlack, tmp_path: Path) -> None:
    fetch(slack_server)
    fetch(slack_server, settings=settings_for(slack_server, download_files=False), download_dir=tmp_path)
    assert slack_server.file_requests == [] and list(tmp_path.iterdir()) == []


def test_a_login_page_instead_of_the_file_is_a_warning(slack_server: FakeSlack, tmp_path: Path) -> None:
    slack_server.files_login_page = True  # what Slack sends when the token lacks files:read
    live = fetch(slack_server, download_dir=tmp_path)
    att = next(a for m in live.messages for a in m.attachments)
    assert att.local_path == "" and list(tmp_path.iterdir()) == []
    assert live.warnings == ["disk-usage.png was not downloaded: Slack sent a login page (the token needs files:read)."]


def test_progress_reports_every_page(slack_server: FakeSlack) -> None:
    slack_server.page_size = 2
    seen: list[tuple[int, int, str]] = []
    live = fetch(slack_server, progress=lambda m, t, note: seen.append((m, t, note)))
    history_notes = [n for _, _, n in seen if n.startswith("history page")]
    assert history_notes == [f"history page {i}" for i in range(1, 6)]
    assert [m for m, _, _ in seen] == sorted(m for m, _, _ in seen)  # counts only grow
    assert seen[-1] == (len(live), THREADS, "done")
    assert any(n == "thread 2 of 2" for _, _, n in seen)


def test_429_retry_after_is_waited_out_and_reported(slack_server: FakeSlack) -> None:
    slack_server.rate_limit["conversations.history"] = 2
    slack_server.retry_after = 1
    notes: list[str] = []
    live = fetch(slack_server, progress=lambda m, t, note: notes.append(note))
    assert len(live) == 13
    assert slack_server.count("conversations.history") == 3  # two 429s, then the page
    assert notes.count("waiting 1 s (rate limited)") == 2


def test_429_past_retries_is_one_sentence(slack_server: FakeSlack) -> None:
    slack_server.rate_limit["conversations.replies"] = 100
    with pytest.raises(SourceError) as err:
        fetch(slack_server)
    assert str(err.value) == (
        f"Slack kept rate-limiting conversations.replies after {slack_api.RATE_LIMIT_RETRIES} retries; "
        "wait a few minutes and try again."
    )
    assert slack_server.count("conversations.replies") == slack_api.RATE_LIMIT_RETRIES + 1


def test_5xx_is_retried(slack_server: FakeSlack) -> None:
    slack_server.server_errors["users.list"] = 2
    assert len(fetch(slack_server)) == 13
    assert slack_server.count("users.list") == 3


def test_5xx_past_retries(slack_server: FakeSlack) -> None:
    slack_server.server_errors["auth.test"] = 100
    with pytest.raises(SourceError, match=r"^Slack answered auth.test with a server error \(HTTP 500\) after retries"):
        fetch(slack_server)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda s: None, "Slack rejected the token (invalid_auth); create a new token and set SLACK_TOKEN or slack.token."),
        (lambda s: s.errors.__setitem__("auth.test", {"error": "token_revoked"}), "Slack rejected the token (token_revoked)"),
        (
            lambda s: s.errors.__setitem__(
                "conversations.history", {"error": "missing_scope", "needed": "channels:history", "provided": "channels:read"}
            ),
            "The Slack token lacks the channels:history scope needed for conversations.history;",
        ),
        (
            lambda s: s.data.channels[0].__setitem__("is_member", False),
            "The Slack app is not a member of #inc-99-db-failover; invite the app with /invite @app in that channel.",
        ),
    ],
)
def test_api_errors_are_one_sentence_without_the_token(slack_server: FakeSlack, setup, expected: str) -> None:
    setup(slack_server)
    token = "xoxb-9999-wrong-token-abcdef" if "invalid_auth" in expected else TOKEN
    with pytest.raises(SourceError) as err:
        fetch(slack_server, settings=settings_for(slack_server, token=token))
    message = str(err.value)
    assert message.startswith(expected) and "\n" not in message
    assert token not in message and "xox" not in message


def test_unknown_channel_name_suggests(slack_server: FakeSlack) -> None:
    with pytest.raises(SourceError, match=r"^No channel named #inc-99-db-failovr is visible to this token \(did you mean #inc-99-db-failover\?\)"):
        fetch(slack_server, "inc-99-db-failovr")


def test_unknown_channel_id(slack_server: FakeSlack) -> None:
    with pytest.raises(SourceError, match=r"^No channel named C0NOPE123 is visible to this token; check the name"):
        fetch(slack_server, "C0NOPE123")


def test_no_token_makes_no_call(slack_server: FakeSlack) -> None:
    settings = Settings.model_validate({"slack": {"api_url": slack_server.api_url}})
    with pytest.raises(SourceError, match=r"^No Slack token is configured; set SLACK_TOKEN or slack.token in the config"):
        fetch(slack_server, settings=settings)
    assert slack_server.calls == []


def test_unreachable_server_names_the_host_not_the_token() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    settings = Settings.model_validate({"slack": {"token": TOKEN, "api_url": f"http://127.0.0.1:{port}/api/"}})
    with pytest.raises(SourceError) as err:
        fetch_channel(CHANNEL, settings=settings, tz="UTC")
    message = str(err.value)
    assert message.startswith("Could not reach the Slack API at 127.0.0.1 (") and "refused" in message
    assert TOKEN not in message


def test_since_until_are_sent_to_history(slack_server: FakeSlack) -> None:
    spec = SourceSpec(kind="slack", ref=CHANNEL, since="2024-12-04T00:00:00Z", until="2024-12-04T00:01:30Z")
    settings = settings_for(slack_server)
    t = load_source(spec, settings)
    assert [m.author for m in t.messages] == ["Slackbot", "Dana Ó Briain"]
    params = next(c.params for c in slack_server.calls if c.method == "conversations.history")
    assert params["oldest"] == "1733270400.000000" and params["latest"] == "1733270490.000000" and params["inclusive"] == "1"


def test_env_settings_reach_the_fetcher(slack_server: FakeSlack, monkeypatch) -> None:
    monkeypatch.setenv("SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("FACILITATOR_SLACK_API_URL", slack_server.api_url)
    t = load_source(SourceSpec(kind="slack", ref=CHANNEL, channel=CHANNEL), load_settings())
    assert len(t) == 13 and t.source == "slack"


def test_cli_extract_live_channel(slack_server: FakeSlack, monkeypatch, capsys) -> None:
    pytest.importorskip("facilitator.report", reason="extract's report module (helper H4) is not in the tree yet")
    monkeypatch.setenv("SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("FACILITATOR_SLACK_API_URL", slack_server.api_url)
    assert main(["extract", "--slack-channel", CHANNEL, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["source"], report["channel"], report["messages"], report["threads"]) == ("slack", CHANNEL, 13, THREADS)


def test_cli_bad_token_exits_2(slack_server: FakeSlack, monkeypatch, capsys) -> None:
    pytest.importorskip("facilitator.report", reason="extract's report module (helper H4) is not in the tree yet")
    monkeypatch.setenv("SLACK_TOKEN", "xoxb-0000-bad-token-zzzzzz")
    monkeypatch.setenv("FACILITATOR_SLACK_API_URL", slack_server.api_url)
    assert main(["extract", "--slack-channel", CHANNEL, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "invalid_auth" in err and "xoxb-0000" not in err


def test_demo_export_and_live_agree_under_the_2025_page_limit() -> None:
    from facilitator.sources import DEMO_CHANNEL, demo_path
    from tests.servers.slack_server import SlackData

    export = load_export(demo_path(), DEMO_CHANNEL, tz="UTC")
    with FakeSlack(SlackData.from_export(demo_path()), page_size=15) as server:
        live = fetch(server, DEMO_CHANNEL)
        calls = server.methods()
    assert shape(live) == shape(export) and len(live) >= 150
    top = sum(1 for m in export.messages if not m.is_reply or m.subtype == "thread_broadcast")
    assert calls["conversations.history"] == math.ceil(top / 15)
    assert calls["conversations.replies"] == sum(math.ceil((len(m.reply_ids) + 1) / 15) for m in export.messages if m.reply_ids)


def test_api_url_without_scheme_is_a_config_sentence() -> None:
    settings = Settings.model_validate({"slack": {"token": TOKEN, "api_url": "slack.example.com/api"}})
    with pytest.raises(SourceError, match=r"^slack.api_url 'slack.example.com/api' is not an http\(s\) URL"):
        fetch_channel(CHANNEL, settings=settings, tz="UTC")


def test_token_never_reaches_the_logs(slack_server: FakeSlack, caplog, tmp_path: Path) -> None:
    caplog.set_level("DEBUG")
    slack_server.rate_limit["users.list"] = 1
    slack_server.server_errors["conversations.history"] = 1
    fetch(slack_server, download_dir=tmp_path)
    assert caplog.records  # slack_sdk did log at DEBUG
    assert TOKEN not in caplog.text
