"""Plain line mode: another candidate time is picked by typing its number."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from facilitator.config import load_settings
from facilitator.findings import Findings, KeyTime
from facilitator.plain import run_plain_interview
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript
from tests.unit.test_plain import keyboard

T0 = datetime(2025, 3, 11, 9, 41, tzinfo=timezone.utc)


def test_typing_2_stores_the_second_candidate_with_its_citation(tmp_path, capsys):
    store = SessionStore(tmp_path)
    transcript = Transcript(
        messages=[
            Message(id="L1", at=T0, author="Marta", text="search is returning nothing"),
            Message(id="L2", at=T0 + timedelta(minutes=30), author="Jonas", text="PagerDuty paged me just now"),
        ],
        source="transcript",
        channel="inc-78",
    )
    first = KeyTime(at=T0, message_ids=["L1"], reason="first report of the problem")
    other = KeyTime(at=T0 + timedelta(minutes=30), message_ids=["L2"], reason="first alert")
    findings = Findings(detected_at=first, candidates={"detected_at": [first, other]})
    session = Session(name="plain-2", source=SourceSpec(kind="transcript"), findings=findings)
    store.save_transcript(session.name, transcript)
    store.save(session)
    with keyboard("EU customers saw empty search results", "unknown", "skip", "2", "\x03"):
        run_plain_interview(load_settings(), None, session.name, store=store)
    printed = capsys.readouterr().out
    assert "or type 2: 2025-03-11 10:11 (first alert) [from 10:11 Jonas: PagerDuty paged me just now]" in printed
    answer = store.load(session.name).answers["detected_at"]
    assert answer.status == "suggested" and answer.message_ids == ["L2"]
    assert answer.value.startswith("2025-03-11T10:11")
