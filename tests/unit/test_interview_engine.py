"""The interview engine: every question type, unknown/skip, saving, order check, metrics, TODOs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from facilitator.findings import Fact, Findings, KeyTime, OpenQuestion, Responder
from facilitator.interview.catalogue import Question, load_catalogue
from facilitator.interview.engine import Interview
from facilitator.interview.parse import AnswerError, format_duration, parse_duration
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript

UTC = timezone.utc


def _transcript() -> Transcript:
    at = datetime(2024, 12, 3, 13, 0, tzinfo=UTC)
    msgs = [
        Message(id="L1", at=at, author="Alice Chen", text="Datadog: checkout 5xx above 5%"),
        Message(id="L2", at=at + timedelta(minutes=5), author="Bob Ruiz", text="I'm incident commander"),
    ]
    return Transcript(messages=msgs, source="transcript", channel="inc-1", timezone="Europe/Berlin")


def _interview(tmp_path, questions=None, findings=None, tz="Europe/Berlin") -> Interview:
    session = Session(name="t", source=SourceSpec(kind="transcript"), timezone=tz, findings=findings or Findings())
    return Interview(session, _transcript(), SessionStore(tmp_path), questions)


ALL_TYPES = [
    Question(id="t_text", text="Text?", type="text"),
    Question(id="t_dt", text="When?", type="datetime"),
    Question(id="t_dur", text="How long?", type="duration"),
    Question(id="t_people", text="Who?", type="people"),
    Question(id="t_list", text="What?", type="list"),
    Question(id="t_choice", text="Which?", type="choice", choices=["monitoring", "user report", "chance", "external party"]),
    Question(id="t_yn", text="Again?", type="yesno"),
]


def test_every_question_type_parses_and_is_saved(tmp_path):
    iv = _interview(tmp_path, ALL_TYPES)
    assert iv.answer("t_text", "  Checkout failed for 12% of EU customers  ").value == "Checkout failed for 12% of EU customers"
    # A bare time takes the transcript's first day, in the session timezone (CET in December).
    assert iv.answer("t_dt", "14:02").value == "2024-12-03T14:02+01:00"
    assert iv.answer("t_dt", "2024-12-03 13:02 UTC").value == "2024-12-03T14:02+01:00"
    assert iv.answer("t_dur", "1 hour 42 minutes").value == "1h 42m"
    assert iv.answer("t_people", "Alice Chen - incident commander; Bob Ruiz: comms\nCarol (scribe)").value == [
        "Alice Chen (incident commander)",
        "Bob Ruiz (comms)",
        "Carol (scribe)",
    ]
    assert iv.answer("t_list", "- first\n\n* second\n3. third").value == ["first", "second", "third"]
    assert iv.answer("t_choice", "User").value == "user report"
    assert iv.answer("t_choice", "2").value == "user report"
    assert iv.answer("t_choice", "other: a partner's status page").value == "other: a partner's status page"
    assert iv.answer("t_yn", "Yes - INC-1880 in March").value == "yes - INC-1880 in March"
    assert iv.answer("t_yn", "n").value == "no"
    reloaded = SessionStore(tmp_path).load("t")
    assert {qid: a.value for qid, a in reloaded.answers.items()} == {qid: a.value for qid, a in iv.session.answers.items()}


@pytest.mark.parametrize(
    ("qid", "raw"),
    [("t_dt", "next blue moon"), ("t_dur", "a while"), ("t_choice", "telepathy"), ("t_yn", "perhaps"), ("t_text", "   ")],
)
def test_bad_answers_are_rejected_with_one_sentence_and_not_saved(tmp_path, qid, raw):
    iv = _interview(tmp_path, ALL_TYPES)
    with pytest.raises(AnswerError) as err:
        iv.answer(qid, raw)
    assert "\n" not in str(err.value) and str(err.value).endswith(".")
    assert iv.validate(qid, raw) == str(err.value)
    assert qid not in iv.session.answers


def test_unknown_and_skip_are_valid_answers_and_become_todos(tmp_path):
    iv = _interview(tmp_path, ALL_TYPES)
    assert iv.answer("t_dt", "unknown").status == "unknown"
    assert iv.answer("t_people", "skip").status == "skipped"
    assert iv.answer("t_text", "fine").status == "answered"
    todos = {t.question_id: t.reason for t in iv.todos()}
    assert todos["t_dt"] == "unknown" and todos["t_people"] == "skipped"
    assert todos["t_dur"] == "not answered" and "t_text" not in todos
    assert iv.progress() == (3, len(ALL_TYPES))


def test_navigation_is_saved_and_resume_lands_on_it(tmp_path):
    iv = _interview(tmp_path)
    assert iv.current.id == "customer_effect"  # what customers saw comes first
    iv.next()
    iv.next()
    iv.next()
    assert iv.current.id == "detected_at"
    assert iv.back().id == "impact_started_at"  # when customers were first affected, after the fault
    assert iv.back().id == "started_at"
    iv.goto("fix")
    resumed = Interview(SessionStore(tmp_path).load("t"), _transcript(), SessionStore(tmp_path))
    assert resumed.current.id == "fix"
    resumed.goto(resumed.questions[-1].id)
    assert resumed.next() is None and resumed.current.id == resumed.questions[-1].id


def test_key_times_order_check_warns(tmp_path):
    iv = _interview(tmp_path)
    iv.answer("started_at", "2024-12-03 14:30")
    iv.answer("detected_at", "2024-12-03 14:10")
    iv.answer("mitigated_at", "2024-12-03 14:50")
    iv.answer("resolved_at", "2024-12-03 14:40")
    warnings = iv.order_warnings()
    assert len(warnings) == 2  # start > detect, mitigate > resolve
    assert any(w.startswith("Started (fault introduced) (2024-12-03 14:30) is after detected") for w in warnings)
    assert any(w.startswith("Mitigated") and "resolved" in w for w in warnings)
    iv.answer("started_at", "2024-12-03 14:00")
    iv.answer("resolved_at", "2024-12-03 15:00")
    assert iv.order_warnings() == []


def test_metrics_from_answers_with_human_format(tmp_path):
    iv = _interview(tmp_path)
    iv.answer("started_at", "2024-12-03 13:48")
    iv.answer("detected_at", "2024-12-03 14:09")
    iv.answer("mitigated_at", "2024-12-03 14:52")
    iv.answer("resolved_at", "2024-12-03 15:30")
    m = iv.metrics()
    assert m.time_to_detect == timedelta(minutes=21)
    assert m.time_to_mitigate == timedelta(minutes=43)
    assert m.time_to_resolve == timedelta(hours=1, minutes=21)
    assert m.time_in == timedelta(hours=1, minutes=42)
    assert m.human()["time_in"] == "1h 42m"
    assert m.estimated == []


def test_metrics_fall_back_to_findings_but_not_over_unknown(tmp_path):
    at = datetime(2024, 12, 3, 13, 0, tzinfo=UTC)
    findings = Findings(
        started_at=KeyTime(at=at, message_ids=["L1"]),
        resolved_at=KeyTime(at=at + timedelta(hours=2), message_ids=["L2"]),
    )
    iv = _interview(tmp_path, findings=findings)
    assert iv.metrics().time_in == timedelta(hours=2)
    assert iv.metrics().estimated == ["started_at", "resolved_at"]
    iv.answer("started_at", "unknown")
    assert iv.metrics().time_in is None
    assert iv.metrics().human()["time_in"] == "unknown"


def test_suggestions_come_from_findings_with_citations(tmp_path):
    at = datetime(2024, 12, 3, 13, 0, tzinfo=UTC)
    findings = Findings(
        detected_at=KeyTime(at=at, message_ids=["L1", "gone"], reason="first alert"),
        detection_method=Fact(text="monitoring alert", message_ids=["L1"], confidence=0.8),
        responders=[Responder(name="Bob Ruiz", role="incident commander", message_ids=["L2"]), Responder(name="Alice Chen")],
    )
    iv = _interview(tmp_path, findings=findings)
    s = iv.suggestion("detected_at")
    assert s.value == "2024-12-03T14:00+01:00" and s.note == "first alert"
    assert s.message_ids == ["L1"]  # ids missing from the transcript are not cited
    assert iv.suggestion("detection_method").value == "monitoring"
    assert iv.suggestion("responders").value == ["Bob Ruiz (incident commander)", "Alice Chen"]
    assert iv.citation_lines("detected_at") == ["[from 14:00 Alice Chen: Datadog: checkout 5xx above 5%]"]
    ans = iv.accept_suggestion("detected_at")
    assert ans.status == "suggested" and ans.message_ids == ["L1"]
    assert SessionStore(tmp_path).load("t").answers["detected_at"].status == "suggested"
    filled = iv.fill_suggestions()
    assert set(filled) == {"detection_method", "responders"}


def test_no_evidence_for_fault_introduced_is_said_and_asked(tmp_path):
    iv = _interview(tmp_path)
    assert iv.suggestion("started_at") is None
    text = iv.display_text("started_at")
    assert "no evidence" in text and "When did it start" in text
    with pytest.raises(AnswerError):
        iv.accept_suggestion("started_at")
    findings = Findings(open_questions=[OpenQuestion(field="started_at", question="Nothing says when the deploy went out; when was it?")])
    iv2 = _interview(tmp_path, findings=findings)
    assert iv2.display_text("started_at") == "Nothing says when the deploy went out; when was it?"


def test_title_answer_sets_session_title(tmp_path):
    iv = _interview(tmp_path)
    iv.answer("title", "Checkout errors after a pool config change")
    assert SessionStore(tmp_path).load("t").title == "Checkout errors after a pool config change"


def test_duration_forms():
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("1:30") == timedelta(hours=1, minutes=30)
    assert parse_duration("PT1H5M") == timedelta(hours=1, minutes=5)
    assert parse_duration("2 days, 3 hours") == timedelta(days=2, hours=3)
    assert format_duration(timedelta(days=1, hours=2, minutes=3)) == "1d 2h 3m"
    assert format_duration(timedelta(seconds=30)) == "30s"
    assert format_duration(None) == ""


def test_real_catalogue_has_every_issue_question():
    ids = [q.id for q in load_catalogue()]
    for qid in ("customer_effect", "started_at", "detected_at", "mitigated_at", "resolved_at", "detection_method",
                "responders", "first_hypothesis", "actual_cause", "fix", "luck", "fears", "happened_before",
                "action_owners", "job_failures", "affected", "support_requests", "messaging", "runbooks",
                "severity", "title"):
        assert qid in ids
    by = {q.id: q for q in load_catalogue()}
    assert by["luck"].multiple and by["luck"].type == "list"
    assert by["detection_method"].choices == ["monitoring", "user report", "chance", "external party"]
    assert by["started_at"].missing  # asked explicitly when there is no evidence


def test_zone_abbreviations_and_unknown_zones(tmp_path):
    iv = _interview(tmp_path, ALL_TYPES)
    assert iv.answer("t_dt", "2024-12-03 08:02 EST").value == "2024-12-03T14:02+01:00"
    with pytest.raises(AnswerError, match="zone"):
        iv.answer("t_dt", "14:02 XYZ")


def test_display_value_is_one_editable_line(tmp_path):
    iv = _interview(tmp_path)
    assert iv.display_value("detected_at", "2024-12-03T13:02+00:00") == "2024-12-03 14:02"  # session zone
    assert iv.display_value("luck", ["a", "b"]) == "a; b"
    assert iv.display_value("fix", "rolled back") == "rolled back"
