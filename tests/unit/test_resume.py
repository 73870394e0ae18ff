"""Finding the session a source already has, and the resume command printed on quit."""

from __future__ import annotations

from facilitator.config import load_settings
from facilitator.resume import resume_command, sessions_for
from facilitator.session import SourceSpec
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore


def test_the_demo_started_twice_finds_the_first_session(tmp_path):
    store = SessionStore(tmp_path)
    settings = load_settings()
    spec = SourceSpec(kind="demo", timezone="UTC")
    assert sessions_for(spec, store) == []
    session, _ = start_session(spec, settings, store)
    assert [s.name for s in sessions_for(spec, store)] == [session.name]
    assert sessions_for(SourceSpec(kind="slack", ref="inc-1", channel="inc-1"), store) == []


def test_a_pasted_file_is_recognised_by_its_contents(tmp_path):
    store = SessionStore(tmp_path / "sessions")
    paste = tmp_path / "paste.txt"
    paste.write_text("[2024-12-03 14:02] Alice: checkout is down\n[2024-12-03 14:05] Bob: AKIAIOSFODNN7EXAMPLE rolled back\n",
                     encoding="utf-8")
    spec = SourceSpec(kind="transcript", ref=str(paste), timezone="UTC")
    session, _ = start_session(spec, load_settings(), store)
    assert [s.name for s in sessions_for(spec, store)] == [session.name]
    paste.write_text("[2024-12-03 15:00] Carol: another incident\n", encoding="utf-8")
    assert sessions_for(spec, store) == []


def test_resume_command_quotes_the_name():
    assert resume_command("2024-12-03-demo") == "facilitator interview --session 2024-12-03-demo"
    assert resume_command("a b") == "facilitator interview --session 'a b'"
