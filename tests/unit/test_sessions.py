"""The session store: TOML round trip with hand edits, list/show/rm, names, transcript copy, no tokens."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import load_settings
from facilitator.errors import SessionError, UserError
from facilitator.interview.actions import ActionBook
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain
from facilitator.session import Session, SourceSpec
from facilitator.session_start import open_session, start_session
from facilitator.sessions import SessionStore
from facilitator.sessions_cli import sessions_command
from facilitator.transcript import Attachment, Message, Transcript, UnattributedLine
from facilitator.transcript_io import dump_transcript, load_transcript

DATA = Path(__file__).parent.parent / "data" / "interview"
PASTE = DATA / "search-outage.txt"


def _transcript(channel: str = "inc-77-search-outage") -> Transcript:
    at = datetime(2025, 3, 11, 9, 41, tzinfo=timezone.utc)
    return Transcript(
        messages=[
            Message(id="1741686060.000100", at=at, author="Marta", text="ack", reply_ids=["1741686120.000200"],
                    attachments=[Attachment(name="graph.png", mimetype="image/png", size=12)], reactions={"eyes": 2}),
            Message(id="1741686120.000200", at=at + timedelta(minutes=1), author="Jonas", text="same",
                    thread_id="1741686060.000100", edited=True),
        ],
        source="slack",
        channel=channel,
        timezone="Europe/Warsaw",
        unattributed=[UnattributedLine(origin="x:3", text="stray")],
        warnings=["one warning"],
    )


def test_transcript_json_round_trip(tmp_path):
    t = _transcript()
    dump_transcript(t, tmp_path / "t.json")
    back = load_transcript(tmp_path / "t.json")
    assert back.messages == t.messages
    assert back.messages[0].at.tzinfo is not None
    assert (back.channel, back.timezone, back.unattributed, back.warnings) == (t.channel, t.timezone, t.unattributed, t.warnings)
    dump_transcript(t, tmp_path / "transcript.json")
    assert load_transcript(tmp_path).messages == t.messages  # a session folder works too
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(SessionError):
        load_transcript(tmp_path / "bad.json")


def test_round_trip_hand_edit_with_comment_then_resume(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(name="s1", source=SourceSpec(kind="demo"), timezone="Europe/Berlin")
    iv = Interview(session, None, store)
    iv.answer("customer_effect", "Search returned empty results for EU customers")
    iv.answer("luck", ["It was a Tuesday", "The import job was paused"])
    iv.goto("fix")
    path = store.path("s1")
    text = path.read_text()
    assert text.startswith("# facilitator session s1")
    # A person edits the file by hand: a comment, a changed value, a new answer.
    text = text.replace(
        'value = "Search returned empty results for EU customers"',
        '# reworded after the review meeting\nvalue = "Search returned no results for EU customers for 34 minutes"  # confirmed by support',
    )
    text += '\n[answers.fears]\nquestion_id = "fears"\nvalue = "The Monday import fails silently"\nstatus = "answered"\n'
    path.write_text(text)

    fresh = SessionStore(tmp_path)
    resumed = fresh.load("s1")
    assert resumed.answers["customer_effect"].value == "Search returned no results for EU customers for 34 minutes"
    assert resumed.answers["fears"].value == "The Monday import fails silently"
    iv2 = Interview(resumed, None, fresh)
    assert iv2.current.id == "fix"  # resumes where the user stopped
    iv2.answer("fix", "Rolled back search-api to v5.2.1")
    after = path.read_text()
    assert "# reworded after the review meeting" in after
    assert "# confirmed by support" in after
    again = fresh.load("s1")
    assert again.answers["fix"].value == "Rolled back search-api to v5.2.1"
    assert again.answers["luck"].value == ["It was a Tuesday", "The import job was paused"]


def test_comments_on_action_items_survive_removing_and_adding_items(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(name="s4", source=SourceSpec(kind="demo"))
    book = ActionBook(session, store)
    book.add("Add an alert on empty search results above 5% for 10 minutes")
    book.add("Write a runbook for search rollbacks")
    path = store.path("s4")
    path.write_text(path.read_text().replace(
        'action = "Write a runbook for search rollbacks"',
        '# agreed in the review on 2025-03-14\naction = "Write a runbook for search rollbacks"',
    ))
    fresh = SessionStore(tmp_path)
    book2 = ActionBook(fresh.load("s4"), fresh)
    book2.remove("a1")
    book2.add("Add a config validation test for timeouts below 1 s")
    book2.edit("a2", owner="search team")
    text = path.read_text()
    assert "# agreed in the review on 2025-03-14" in text
    assert [(a.id, a.owner) for a in fresh.load("s4").actions] == [("a2", "search team"), ("a3", "")]


def test_none_values_are_omitted_and_defaults_restored(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(name="s2", source=SourceSpec(kind="demo"))
    book = ActionBook(session, store)
    book.add("Add an alert on empty search results above 5% for 10 minutes")  # due is None
    WhyChain(session, store).start()  # parent_id None
    text = store.path("s2").read_text()
    assert "due" not in text and "parent_id" not in text and "null" not in text.casefold()
    loaded = store.load("s2")
    assert loaded.actions[0].due is None and loaded.whys[0].parent_id is None
    assert loaded == session.model_copy(update={"updated_at": loaded.updated_at})


def test_missing_and_corrupt_sessions_raise_one_sentence(tmp_path):
    store = SessionStore(tmp_path)
    with pytest.raises(SessionError, match="no session named 'nope'"):
        store.load("nope")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "session.toml").write_text("name = [unclosed\n")
    with pytest.raises(SessionError, match="not valid TOML"):
        store.load("broken")
    (tmp_path / "invalid").mkdir()
    (tmp_path / "invalid" / "session.toml").write_text('name = "invalid"\n[source]\nkind = "carrier pigeon"\n')
    with pytest.raises(SessionError, match="source.kind"):
        store.load("invalid")
    with pytest.raises(UserError):
        store.folder("../escape")
    assert [s.title for s in store.list() if s.name == "broken"] == ["(unreadable session file)"]


def test_new_name_is_a_dated_slug_and_unique(tmp_path):
    store = SessionStore(tmp_path)
    t = _transcript("INC-2041 Checkout errors!")
    name = store.new_name(t)
    assert name == "2025-03-11-inc-2041-checkout-errors"
    store.save(Session(name=name, source=SourceSpec(kind="demo")))
    assert store.new_name(t) == name + "-2"


def test_store_is_created_lazily_in_the_data_dir(hermetic_env):
    store = SessionStore()
    assert store.root == hermetic_env / "data" / "sessions"
    assert not store.root.exists()
    assert store.list() == []
    store.save(Session(name="x", source=SourceSpec(kind="demo")))
    assert (store.root / "x" / "session.toml").is_file()


def test_start_session_from_a_paste_keeps_a_copy_and_resumes_without_the_file(tmp_path):
    settings = load_settings()
    store = SessionStore(tmp_path / "store")
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE.read_text())
    session, transcript = start_session(SourceSpec(kind="transcript", ref=str(paste)), settings, store)
    assert session.name == "2025-03-11-paste"
    assert len(transcript) == 12
    copy = Path(session.source.ref)
    assert copy.parent == store.folder(session.name) and copy.read_text() == PASTE.read_text()
    paste.unlink()  # the original moved away: resume still works from the session folder
    again, t2 = open_session(session.name, store)
    assert t2.messages == transcript.messages
    assert again.findings == session.findings
    with pytest.raises(SessionError, match="already exists"):
        start_session(SourceSpec(kind="transcript", ref=str(copy)), settings, store, name=session.name)


def test_no_token_ever_lands_in_a_session(tmp_path, monkeypatch):
    token = "xoxb-123456789012-abcdefghijklmnop"
    key = "sk-ant-api03-abcdefghijklmnopqrstuv"
    monkeypatch.setenv("SLACK_TOKEN", token)
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    settings = load_settings()
    assert settings.slack.token.get_secret_value() == token
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE.read_text() + f"[2025-03-11 10:41] Jonas Berg: oops pasted {token} rotate it\n")
    store = SessionStore(tmp_path / "store")
    session, _ = start_session(SourceSpec(kind="transcript", ref=str(paste)), settings, store)
    iv = Interview(session, None, store)
    iv.answer("fears", f"someone pastes {key} again")
    for path in store.folder(session.name).rglob("*"):
        if path.is_file():
            body = path.read_text(errors="replace")
            assert token not in body and key not in body, path


def test_sessions_command_list_show_rm(tmp_path, capsys):
    store = SessionStore(tmp_path)
    out = io.StringIO()
    assert sessions_command("list", None, store, out) == 0
    assert "No saved sessions" in out.getvalue()
    session = Session(name="2025-03-11-search", title="Search outage", source=SourceSpec(kind="slack", channel="inc-77"))
    iv = Interview(session, None, store)
    iv.answer("customer_effect", "Empty search results in the EU")
    out = io.StringIO()
    sessions_command("list", None, store, out)
    line = out.getvalue().strip()
    assert line.startswith("2025-03-11-search") and "1/30" in line and "slack inc-77" in line and "Search outage" in line
    out = io.StringIO()
    sessions_command("show", "2025-03-11-search", store, out)
    shown = out.getvalue()
    assert "Title:     Search outage" in shown and "customer_effect: Empty search results in the EU" in shown
    with pytest.raises(UserError, match="needs a session name"):
        sessions_command("show", None, store, out)
    out = io.StringIO()
    sessions_command("rm", "2025-03-11-search", store, out)
    assert not store.folder("2025-03-11-search").exists()
    with pytest.raises(SessionError):
        sessions_command("rm", "2025-03-11-search", store, out)


def test_cli_sessions_uses_the_data_dir(hermetic_env, capsys):
    SessionStore().save(Session(name="cli-one", title="From the CLI", source=SourceSpec(kind="demo")))
    assert main(["sessions"]) == 0
    assert "cli-one" in capsys.readouterr().out
    assert main(["sessions", "show", "missing"]) == 2
    assert "no session named 'missing'" in capsys.readouterr().err


def test_atomic_save_leaves_no_temp_files(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(name="s3", source=SourceSpec(kind="demo"))
    iv = Interview(session, None, store)
    for i in range(5):
        iv.answer("fears", f"fear {i}")
    assert sorted(os.listdir(store.folder("s3"))) == ["findings.json", "session.lock", "session.toml"]  # the lock: one writer


def test_findings_live_apart_and_are_rewritten_only_when_they_change(tmp_path):
    """An answer rewrites session.toml, not the (large) findings file; changed findings are saved."""
    from facilitator.findings import Fact

    store = SessionStore(tmp_path)
    session = Session(name="s4", source=SourceSpec(kind="demo"))
    session.findings.luck = [Fact(text="it was a Tuesday", message_ids=["m1"])]
    iv = Interview(session, None, store)
    iv.answer("fears", "first")
    findings_file = store.folder("s4") / "findings.json"
    before = findings_file.stat().st_mtime_ns
    assert json.loads(findings_file.read_text())["luck"][0]["text"] == "it was a Tuesday"
    assert "findings" not in store.path("s4").read_text()
    os.utime(findings_file, ns=(before - 10**9, before - 10**9))
    iv.answer("fears", "second")
    assert findings_file.stat().st_mtime_ns == before - 10**9  # untouched by an answer
    session.findings.luck.append(Fact(text="the DBA was awake", message_ids=["m2"]))
    iv.answer("fears", "third")
    reloaded = SessionStore(tmp_path).load("s4")
    assert [f.text for f in reloaded.findings.luck] == ["it was a Tuesday", "the DBA was awake"]
    assert reloaded.answers["fears"].value == "third"


def test_a_session_saved_before_the_split_still_loads_its_findings(tmp_path):
    store = SessionStore(tmp_path)
    folder = store.folder("old")
    folder.mkdir(parents=True)
    (folder / "session.toml").write_text(
        'name = "old"\n[source]\nkind = "demo"\n[[findings.luck]]\ntext = "lucky"\nmessage_ids = ["m9"]\n'
    )
    loaded = store.load("old")
    assert loaded.findings.luck[0].text == "lucky"
    store.save(loaded)
    assert "lucky" in (folder / "findings.json").read_text()
    assert "findings" not in (folder / "session.toml").read_text()
    assert store.load("old").findings.luck[0].message_ids == ["m9"]
