"""Key-time candidates from outside the channel in the interview: alternatives with their citations."""

from __future__ import annotations

from datetime import datetime, timezone

from facilitator.evidence.model import EvidenceRecord, TimeCandidate
from facilitator.findings import Findings, KeyTime
from facilitator.interview.engine import Interview
from facilitator.plain import _ask_question
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript
from tests.unit.test_plain import keyboard

UTC = timezone.utc
PR = "https://github.test/acme/api/pull/42"


def make(offline: bool) -> Interview:
    t0 = datetime(2024, 12, 3, 14, 0, tzinfo=UTC)
    transcript = Transcript([
        Message("L1", t0, "Ana", "errors started around 13:55 I think"),
        Message("L2", t0.replace(minute=20), "Bo", f"suspect {PR}"),
    ], "transcript", timezone="UTC")
    findings = Findings(started_at=KeyTime(at=t0.replace(hour=13, minute=55), message_ids=["L1"], reason="said in the channel", confidence=0.5)) if offline else Findings()
    evidence = EvidenceRecord(candidates=[TimeCandidate(field="started_at", at=t0.replace(hour=13, minute=48), label="PR acme/api#42 'Pool' deployed to production", url=PR, message_ids=["L2"], confidence=0.6)])
    session = Session(name="ev-1", source=SourceSpec(kind="transcript"), findings=findings, evidence=evidence)
    store = SessionStore()
    store.save(session)
    return Interview(session, transcript, store)


def test_candidate_is_an_alternative_beside_the_channel_s_own_time(capsys):
    interview = make(offline=True)
    assert interview.suggestion("started_at").source == "offline"  # the channel's own statement is shown first
    assert interview.alternative_lines("started_at") == [
        f"2024-12-03 13:48 — PR acme/api#42 'Pool' deployed to production ({PR}) [from 14:20 Bo: suspect {PR}]"
    ]
    with keyboard(""):
        _ask_question(interview, "started_at")
    out = capsys.readouterr().out
    assert f"  or type 2: 2024-12-03 13:48 (PR acme/api#42 'Pool' deployed to production ({PR}))" in out


def test_candidate_is_the_suggestion_when_the_channel_has_none(capsys):
    interview = make(offline=False)
    s = interview.suggestion("started_at")
    assert (s.source, s.value, s.message_ids) == ("evidence", "2024-12-03T13:48+00:00", ["L2"])
    with keyboard(""):  # Enter accepts it
        _ask_question(interview, "started_at")
    assert "Suggested from outside the channel (PR acme/api#42" in capsys.readouterr().out
    answer = interview.session.answers["started_at"]
    assert (answer.status, answer.value, answer.message_ids) == ("suggested", "2024-12-03T13:48+00:00", ["L2"])
