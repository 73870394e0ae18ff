"""The external 'Customers were affected from ...' window never states an estimated time as fact."""

from __future__ import annotations

from facilitator.findings import KeyTime
from facilitator.render import _load_template, _render, build_document, render_markdown
from facilitator.session import Answer
from tests.unit.test_render import load_incident, settings

WINDOW = "Customers were affected from"


def _estimate(session, name: str) -> None:
    """Make the key time ``name`` the extractor's low-confidence estimate, unanswered."""
    found = getattr(session.findings, name)
    setattr(session.findings, name, KeyTime(at=found.at, confidence=0.2, message_ids=list(found.message_ids),
                                           reason="estimate: the first alert"))
    session.answers.pop(name, None)


def test_a_confirmed_window_is_stated_as_it_was():
    session, transcript = load_incident()
    doc = build_document(session, transcript, settings())
    assert doc.customer_window == "2024-12-03 14:40 to 15:21 Europe/Berlin"
    assert doc.estimated_times == set()


def test_an_estimated_start_is_told_to_customers_as_around():
    session, transcript = load_incident()
    _estimate(session, "started_at")
    doc = build_document(session, transcript, settings())
    assert doc.customer_window == "around 2024-12-03 14:40 to 15:21 Europe/Berlin"
    assert doc.estimated_times == {"Fault introduced"}
    external = render_markdown(session, transcript, settings(), version="external")
    assert f"{WINDOW} around 2024-12-03 14:40 to 15:21 Europe/Berlin." in external
    # the internal version keeps its figures, marked as estimates where they are shown
    assert "(estimate" in doc.times["Fault introduced"]
    assert "2024-12-03 14:40 to 15:21 Europe/Berlin" in doc.summary


def test_an_estimated_end_is_told_to_customers_as_around():
    session, transcript = load_incident()
    _estimate(session, "mitigated_at")
    assert build_document(session, transcript, settings()).customer_window == "2024-12-03 14:40 to around 15:21 Europe/Berlin"


def test_a_window_whose_both_ends_are_estimates_is_not_told_to_customers():
    session, transcript = load_incident()
    _estimate(session, "started_at")
    _estimate(session, "mitigated_at")
    doc = build_document(session, transcript, settings())
    assert doc.customer_window == ""
    assert WINDOW not in render_markdown(session, transcript, settings(), version="external")
    assert "2024-12-03 14:40 to 15:21 Europe/Berlin" in doc.summary  # internal unchanged


def test_an_estimate_the_user_confirmed_is_stated_as_fact():
    session, transcript = load_incident()
    _estimate(session, "started_at")
    session.answers["started_at"] = Answer(question_id="started_at", value="2024-12-03 14:40", status="answered")
    doc = build_document(session, transcript, settings())
    assert doc.customer_window == "2024-12-03 14:40 to 15:21 Europe/Berlin"
    assert doc.estimated_times == set()


def test_the_external_key_times_hide_what_the_model_flags_as_estimated():
    session, transcript = load_incident()
    doc = build_document(session, transcript, settings())
    assert "**We noticed the problem:**" in _render(_load_template("external", "external"), doc, "external")
    doc.estimated_times = {"Detected"}  # the flag decides, not the wording of the value
    assert "**We noticed the problem:**" not in _render(_load_template("external", "external"), doc, "external")


def _stated(session, start_min: int, end_min: int) -> None:
    """A customer impact window the channel states, ``start_min``..``end_min`` minutes after the fault."""
    from datetime import timedelta

    from facilitator.findings import ImpactWindow

    fault = session.findings.started_at.at
    said = session.findings.mitigated_at.message_ids
    session.findings.impact_window = ImpactWindow(
        start=fault + timedelta(minutes=start_min), end=fault + timedelta(minutes=end_min), text="impact", message_ids=said
    )


def test_a_stated_impact_window_after_the_fault_is_what_customers_are_told():
    session, transcript = load_incident()
    _stated(session, 8, 40)  # the fault at 14:40, customers affected from 14:48
    doc = build_document(session, transcript, settings())
    assert doc.customer_window == "2024-12-03 14:48 to 15:21 Europe/Berlin"
    assert doc.impact_began == "2024-12-03 14:48" and doc.impact_began_cite
    internal = render_markdown(session, transcript, settings())
    assert "- **Fault introduced:** 2024-12-03 14:40" in internal and "(impact start)" not in internal
    assert "- **Customers affected from:** 2024-12-03 14:48" in internal
    assert "from 2024-12-03 14:48 to 15:21" in doc.exec_summary
    assert f"{WINDOW} 2024-12-03 14:48 to 15:21 Europe/Berlin." in render_markdown(session, transcript, settings(), version="external")


def test_a_stated_window_before_the_fault_or_after_the_mitigation_changes_nothing():
    for start, end in ((-10, 30), (50, 60)):  # the mitigation is 41 min after the fault
        session, transcript = load_incident()
        _stated(session, start, end)
        doc = build_document(session, transcript, settings())
        assert doc.customer_window == "2024-12-03 14:40 to 15:21 Europe/Berlin"
        assert doc.impact_began == ""


def test_the_commanders_answer_says_when_customers_were_affected_in_the_documents_and_the_chart():
    from facilitator.pictures.data import timeline_data

    session, transcript = load_incident()
    _stated(session, 8, 40)  # the channel says 14:48; the commander knows better
    session.answers["impact_started_at"] = Answer(question_id="impact_started_at", value="2024-12-03 14:52", status="answered")
    doc = build_document(session, transcript, settings())
    assert doc.impact_began == "2024-12-03 14:52" and doc.impact_began_cite == ""  # the answer, not the channel's window
    assert doc.customer_window == "2024-12-03 14:52 to 15:21 Europe/Berlin"
    assert "- **Customers affected from:** 2024-12-03 14:52" in render_markdown(session, transcript, settings())
    assert f"{WINDOW} 2024-12-03 14:52 to 15:21 Europe/Berlin." in render_markdown(session, transcript, settings(), version="external")
    band = timeline_data(session, transcript, settings(), "t", version="external").impact
    assert band is not None and band[0].astimezone(band[1].tzinfo).strftime("%H:%M") == "13:52"  # 14:52 Berlin, in UTC


def test_skip_says_customers_were_affected_from_the_fault_and_unknown_is_a_todo():
    session, transcript = load_incident()
    _stated(session, 8, 40)
    session.answers["impact_started_at"] = Answer(question_id="impact_started_at", value="", status="skipped")
    doc = build_document(session, transcript, settings())
    assert doc.impact_began == "" and doc.customer_window == "2024-12-03 14:40 to 15:21 Europe/Berlin"
    assert not any(t.question_id == "impact_started_at" for t in doc.todo_items)
    session.answers["impact_started_at"] = Answer(question_id="impact_started_at", value="", status="unknown")
    assert any(t.question_id == "impact_started_at" for t in build_document(session, transcript, settings()).todo_items)


def test_the_interview_suggests_the_stated_window_start_with_its_message():
    from facilitator.interview.suggest import suggest_by_id

    session, transcript = load_incident()
    assert suggest_by_id("impact_started_at", session.findings, transcript, "Europe/Berlin") is None  # none stated
    _stated(session, 8, 40)
    shown = suggest_by_id("impact_started_at", session.findings, transcript, "Europe/Berlin")
    assert shown is not None and shown.value.startswith("2024-12-03T14:48")
    assert shown.message_ids == session.findings.mitigated_at.message_ids
    _stated(session, -10, 30)  # a window before the fault moves nothing: no suggestion
    assert suggest_by_id("impact_started_at", session.findings, transcript, "Europe/Berlin") is None
