"""Bulky session data: findings.json and transcript.json, background writes, older sessions, pending findings."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import tomlkit

from facilitator.config import load_settings
from facilitator.findings import Fact, Findings
from facilitator.interview.engine import Interview
from facilitator.session import Session, SourceSpec
from facilitator.session_files import BulkWriter
from facilitator.session_start import apply_findings, open_session, start_session
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript
from facilitator.transcript_io import load_transcript, transcript_from_dict, transcript_json, transcript_to_dict

TOKEN = "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx"


def _transcript(n: int = 30) -> Transcript:
    at = datetime(2025, 3, 11, 9, 41, tzinfo=timezone.utc)
    msgs = [
        Message(id=f"1741686{i:03d}.000100", at=at + timedelta(minutes=i), author=f"P{i % 3}",
                text="checkout errors at 5%, rolled back the deploy" if i == 3 else f"looking at dashboards {i}")
        for i in range(n)
    ]
    msgs[5].text = f"use this token {TOKEN}"
    return Transcript(messages=msgs, source="slack", channel="inc-9-checkout", timezone="Europe/Berlin")


def test_transcript_json_has_the_shape_of_transcript_to_dict():
    t = _transcript()
    t.messages[1].reactions = {"eyes": 2}
    t.messages[2].thread_id = t.messages[1].id
    fast = json.loads(transcript_json(t))
    slow = json.loads(json.dumps(transcript_to_dict(t)))  # every field, as older versions wrote
    assert fast["messages"][0]["at"] in ("2025-03-11T09:41:00Z", "2025-03-11T09:41:00+00:00")  # ISO 8601 either way
    assert set(fast["messages"][0]) == {"id", "at", "author", "text"}  # fields at their default are left out
    assert fast["messages"][1]["reactions"] == {"eyes": 2} and fast["messages"][2]["thread_id"] == t.messages[1].id
    assert {k: v for k, v in fast.items() if k != "messages"} == {k: v for k, v in slow.items() if k != "messages"}
    assert transcript_from_dict(fast).messages == transcript_from_dict(slow).messages == t.messages


def test_findings_and_transcript_are_json_masked_and_reload(tmp_path):
    store = SessionStore(tmp_path)
    session, transcript = start_session(SourceSpec(kind="slack", ref="C1"), load_settings(), store, transcript=_transcript())
    folder = store.folder(session.name)
    assert sorted(p.name for p in folder.iterdir()) == ["findings.json", "session.lock", "session.toml", "transcript.json"]
    assert TOKEN not in (folder / "transcript.json").read_text()
    assert TOKEN not in (folder / "findings.json").read_text()
    assert "findings" not in tomlkit.parse(store.path(session.name).read_text())
    again = SessionStore(tmp_path).load(session.name)
    assert again.findings == session.findings
    assert len(load_transcript(folder).messages) == 30


def test_a_session_with_findings_toml_is_read_and_moved_to_json(tmp_path):
    """Sessions saved by the previous version keep a findings.toml; the next save replaces it."""
    store = SessionStore(tmp_path)
    folder = store.folder("older")
    folder.mkdir(parents=True)
    (folder / "session.toml").write_text('name = "older"\n[source]\nkind = "demo"\n')
    (folder / "findings.toml").write_text('# comment\n[[luck]]\ntext = "lucky"\nmessage_ids = ["m9"]\n')
    session = store.load("older")
    assert session.findings.luck[0].text == "lucky"
    Interview(session, None, store).answer("fears", "that it happens again")
    assert not (folder / "findings.toml").exists()
    assert json.loads((folder / "findings.json").read_text())["luck"][0]["message_ids"] == ["m9"]
    assert SessionStore(tmp_path).load("older").answers["fears"].value == "that it happens again"


def test_an_answer_does_not_rewrite_findings_but_replaced_findings_are_written(tmp_path):
    store = SessionStore(tmp_path)
    session = Session(name="s", source=SourceSpec(kind="demo"))
    iv = Interview(session, None, store)
    iv.answer("fears", "one")
    path = store.folder("s") / "findings.json"
    path.write_text(path.read_text().replace("{", '{"luck":[{"text":"kept"}],', 1))  # not rewritten by answers
    iv.answer("fears", "two")
    assert "kept" in path.read_text()
    session.findings = Findings(luck=[Fact(text="new")])
    iv.answer("fears", "three")
    assert json.loads(path.read_text())["luck"] == [{"text": "new", "message_ids": [], "confidence": 0.5, "source": "offline"}]


def test_pending_findings_stay_unwritten_until_extracted_and_a_resume_extracts_them(tmp_path):
    """The app saves the session before extracting; quitting before extraction ends loses nothing."""
    store = SessionStore(tmp_path)
    session, transcript = start_session(
        SourceSpec(kind="slack", ref="C1"), load_settings(), store, transcript=_transcript(), extract=False
    )
    folder = store.folder(session.name)
    assert not (folder / "findings.json").exists() and store.findings_pending(session.name)
    Interview(session, transcript, store).answer("fears", "early answer")  # before extraction finished
    assert not (folder / "findings.json").exists()

    fresh = SessionStore(tmp_path)
    resumed, _ = open_session(session.name, fresh, extract=False)
    assert fresh.findings_pending(session.name) and resumed.answers["fears"].value == "early answer"
    fresh.save(resumed)
    assert not (folder / "findings.json").exists()

    done, _ = open_session(session.name, SessionStore(tmp_path))
    assert (folder / "findings.json").exists() and done.findings.responders
    assert done.answers["fears"].value == "early answer"


def test_apply_findings_sets_the_title_only_when_there_is_none():
    session = Session(name="s", source=SourceSpec(kind="demo"))
    apply_findings(session, Findings(title=Fact(text="Checkout errors")))
    assert session.title == "Checkout errors"
    apply_findings(session, Findings(title=Fact(text="Other")))
    assert session.title == "Checkout errors"


def test_background_writer_writes_the_newest_job_and_flush_waits(tmp_path):
    writer = BulkWriter()
    gate = threading.Event()
    written: list[str] = []

    def slow() -> None:
        gate.wait(5)
        written.append("first")

    writer.submit(tmp_path / "a", slow)
    time.sleep(0.05)  # the first job is running
    writer.submit(tmp_path / "b", lambda: written.append("b-old"))
    writer.submit(tmp_path / "b", lambda: written.append("b-new"))
    assert writer.busy and writer.pending(tmp_path / "b")
    assert not writer.flush(timeout=0.05)
    gate.set()
    assert writer.flush(timeout=5)
    assert written == ["first", "b-new"] and not writer.busy


def test_background_writer_reports_failures_and_goes_on(tmp_path):
    writer = BulkWriter()
    writer.submit(tmp_path / "x", lambda: 1 / 0)
    writer.submit(tmp_path / "y", lambda: (tmp_path / "y").write_text("ok"))
    assert writer.flush(timeout=5)
    assert (tmp_path / "y").read_text() == "ok"
    assert len(writer.errors) == 1 and "ZeroDivisionError" in writer.errors[0]


def test_a_store_with_a_writer_saves_in_the_background(tmp_path):
    store = SessionStore(tmp_path, writer=BulkWriter())
    session, transcript = start_session(SourceSpec(kind="slack", ref="C1"), load_settings(), store, transcript=_transcript())
    assert store.path(session.name).exists()  # the answers file is written at once
    assert store.flush(timeout=10)
    folder = store.folder(session.name)
    assert (folder / "findings.json").exists() and len(load_transcript(folder).messages) == 30


def test_a_session_loaded_without_its_findings_reads_them_later_and_never_overwrites_them(tmp_path):
    """What the app does on resume: first frame without the findings, then read them in a worker."""
    store = SessionStore(tmp_path)
    session, transcript = start_session(SourceSpec(kind="slack", ref="C1"), load_settings(), store, transcript=_transcript())
    path = store.folder(session.name) / "findings.json"
    saved = path.read_text()

    fresh = SessionStore(tmp_path)
    resumed, _ = open_session(session.name, fresh, extract=False, findings=False)
    assert fresh.findings_deferred(session.name) and not fresh.findings_pending(session.name)
    assert resumed.findings == Findings()
    Interview(resumed, transcript, fresh).answer("fears", "answered before the findings arrived")
    assert path.read_text() == saved  # the empty placeholder is never written over them

    fresh.adopt_findings(resumed, fresh.read_saved_findings(session.name))
    assert resumed.findings == session.findings and not fresh.findings_deferred(session.name)
    before = path.stat().st_mtime_ns
    Interview(resumed, transcript, fresh).answer("fears", "again")
    assert path.stat().st_mtime_ns == before  # adopted as on disk: not rewritten by an answer
    assert SessionStore(tmp_path).load(session.name).answers["fears"].value == "again"


def test_a_held_writer_starts_on_release_and_flush_releases_it(tmp_path):
    writer = BulkWriter()
    writer.hold()
    writer.submit(tmp_path / "a", lambda: (tmp_path / "a").write_text("a"))
    time.sleep(0.05)
    assert not (tmp_path / "a").exists() and writer.busy
    writer.release()
    assert writer.flush(timeout=5) and (tmp_path / "a").read_text() == "a"
    writer.hold()
    writer.submit(tmp_path / "b", lambda: (tmp_path / "b").write_text("b"))
    assert writer.flush(timeout=5) and (tmp_path / "b").read_text() == "b"  # nothing is left behind at exit


def test_json_written_in_pieces_equals_the_whole(monkeypatch):
    """Long transcripts and findings lists are written in pieces; the text is the same JSON."""
    import facilitator.session_files as sf
    import facilitator.transcript_io as tio

    monkeypatch.setattr(tio, "CHUNK", 7)
    monkeypatch.setattr(sf, "CHUNK", 3)
    t = _transcript(30)
    whole = json.loads(tio.transcript_json(t))
    assert len(whole["messages"]) == 30 and transcript_from_dict(whole).messages == t.messages
    findings = Findings(luck=[Fact(text=f"luck {i}", message_ids=[str(i)]) for i in range(10)], title=Fact(text="T"))
    assert json.loads(sf.findings_json(findings)) == json.loads(findings.model_dump_json(exclude_none=True))
    assert Findings.model_validate_json(sf.findings_json(findings)) == findings


def test_removing_a_session_drops_its_queued_writes(tmp_path):
    """A load cancelled after the session was created leaves no folder behind."""
    writer = BulkWriter()
    store = SessionStore(tmp_path, writer=writer)
    writer.hold()  # as while the app opens a session
    session, _ = start_session(SourceSpec(kind="slack", ref="C1"), load_settings(), store, transcript=_transcript(), extract=False)
    assert writer.pending(store.folder(session.name) / "transcript.json")
    store.delete(session.name)
    assert writer.flush(timeout=5)
    assert not store.folder(session.name).exists() and not writer.errors
