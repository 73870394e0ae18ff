"""The external version's gate: composed for customers, and refused while anything internal,
blameful or vague remains; the leak scan, the Preview and the checklist use the same detectors."""

from __future__ import annotations

import re

import io
from datetime import date

import pytest

from facilitator.checklist import evidence
from facilitator.config import Settings, load_settings
from facilitator.draft import run_draft
from facilitator.interview.customer import customer_changes, customer_story
from facilitator.redact import Redactor
from facilitator.redact_detect import identifier_spans
from facilitator.redact_gate import LeakError, ensure_clean, external_scan
from facilitator.render import render_both, render_markdown
from facilitator.session import ActionItem, Answer, Session, SourceSpec
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore

SETTINGS = Settings()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = SessionStore(tmp_path_factory.mktemp("gate") / "store")
    session, transcript = start_session(SourceSpec(kind="demo"), load_settings(), store, name="gate")
    return session, transcript


def _with_effect(session: Session, text: str) -> Session:
    copy = session.model_copy(deep=True)
    copy.answers["customer_effect"] = Answer(question_id="customer_effect", value=text, status="answered")
    copy.answers["customer_changes"] = Answer(question_id="customer_changes", value=["We now test releases under load."], status="answered")
    return copy


def test_an_unanswered_customer_question_withholds_the_external_version(demo):
    session, transcript = demo
    copy = session.model_copy(deep=True)  # no actions yet: nothing to tell customers we are changing
    with pytest.raises(LeakError, match="customer-facing question is still open"):
        render_markdown(copy, transcript, SETTINGS, version="external")


@pytest.mark.parametrize(("text", "kind"), [
    ("Checkout failed after v2.31.0 was released.", "version string"),
    ("Checkout failed because DB_POOL_MAX was ignored.", "environment variable"),
    ("Checkout failed because database.pool.max_size was ignored.", "config key"),
    ("Checkout failed because the checkout_app user ran out of connections.", "config key"),
    ("Checkout failed after config.yaml changed.", "file name"),
    ("We ran deployctl rollback to recover.", "command"),
    ("We ran the rollback with --regions all.", "command"),
    ("See #4819 for the fix.", "ticket id"),
    ("See OPS-1241 for the fix.", "redaction placeholder"),  # redacted to [ticket], which customers cannot read either
    ("The payment-capture-worker stopped.", "redaction placeholder"),  # a learnt system: Service N
    ("The ledger-sync-worker stopped.", "service name"),  # never seen in the channel: the detector
    ("Service 1 stopped.", "redaction placeholder"),
    ("Engineer B stopped it.", "person placeholder"),
    ("Priya Natarajan stopped it.", "person"),
    ("payments-db-1.prod.acme.internal stopped.", "redaction placeholder"),  # [internal host]
])
def test_gate_refuses_each_leak_kind_in_one_sentence(demo, text, kind):
    session, transcript = demo
    unsafe = _with_effect(session, text)
    with pytest.raises(LeakError) as err:
        render_markdown(unsafe, transcript, SETTINGS, version="external")
    message = str(err.value)
    assert kind in message and message.count(". ") == 0 and message.endswith(".")
    assert message.startswith("The external version is withheld")
    # the checklist evidence scans with the same detectors: it never calls this clean
    found = evidence(unsafe, transcript, SETTINGS)
    said = found["no_personal_names"] if "person" in kind else found["no_internal_names"]
    assert "remain" in said and "clean (" not in said


def test_customer_prose_passes_the_detectors():
    for text in ("~12% of checkout requests failed in 3 regions, 342 payment jobs failed (14:00–15:01 UTC).",
                 "A follow-up in 3-5 days; a well-known third-party provider.", "We reversed a recent change."):
        assert identifier_spans(text) == [], text


def test_default_demo_external_is_written_for_customers(demo):
    session, transcript = demo
    from facilitator.draft import fill_rest
    from facilitator.interview.engine import Interview

    copy = session.model_copy(deep=True)
    fill_rest(Interview(copy, transcript, None))
    text = render_markdown(copy, transcript, SETTINGS, version="external")  # passes the gate
    # no redaction placeholder ("Service 1", "Engineer 2"), version or command is left for customers
    assert not re.search(r"\b(?:Service \d+|Engineer [A-Z])\b", text) and "v2." not in text and "deployctl" not in text
    assert "**Service restored:**" in text and "Detected" not in text
    assert "We reversed that change" in text


def test_blameful_and_vague_actions_withhold_the_external_version(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text(
        '[answers]\ncustomer_explanation = "We reversed a recent change."\n'
        '[[actions]]\naction = "Bob forgot to check the config."\nowner = "Priya Natarajan"\ndue = 2024-12-20\n'
        '[[actions]]\naction = "Improve monitoring."\nowner = "Kenji Watanabe"\ndue = 2024-12-20\n', encoding="utf-8")
    err = io.StringIO()
    code = run_draft(load_settings(), SourceSpec(kind="demo"), out=tmp_path / "out", answers=answers,
                     store=SessionStore(tmp_path / "store"), stdout=io.StringIO(), stderr=err, session_name="bob")
    assert code == 1 and not (tmp_path / "out" / "external.md").exists()
    message = err.getvalue()
    assert "blames a person" in message and "too vague" in message and message.count("\n") == 1
    # an override with a reason releases the vague item, never the blame
    code = run_draft(load_settings(), None, out=tmp_path / "out2", session_name="bob", store=SessionStore(tmp_path / "store"),
                     stdout=io.StringIO(), stderr=io.StringIO(), external_override="agreed with legal")
    assert code == 1 and not (tmp_path / "out2" / "external.md").exists()


def test_override_releases_internal_wording_and_is_recorded(demo):
    session, transcript = demo
    unsafe = _with_effect(session, "Checkout failed after v2.31.0 was released.")
    unsafe.external_override = "The version number is in our public changelog."
    rendered = render_both(unsafe, transcript, SETTINGS)
    ensure_clean(rendered.external, rendered.redactor)  # released
    assert "public changelog" in rendered.internal  # and the reason is on record
    unsafe = _with_effect(session, "Priya Natarajan made a change.")
    unsafe.external_override = "anything"
    with pytest.raises(LeakError):
        render_markdown(unsafe, transcript, SETTINGS, version="external")  # names are never released


def test_names_only_the_blame_lint_or_the_answers_know_are_redacted(demo):
    session, transcript = demo
    copy = _with_effect(session, "Zelda forgot to check the config, so checkout failed.")
    copy.answers["responders"] = Answer(question_id="responders", value=["Quentin Ashdown (comms)"], status="answered")
    redactor = Redactor.from_context(SETTINGS, copy, transcript)
    assert {"Zelda", "Quentin Ashdown"} <= set(redactor.people)
    external = render_both(copy, transcript, SETTINGS).external
    assert "Zelda" not in external
    assert "Quentin" not in redactor.redact("Quentin Ashdown wrote the status update.").text
    assert any(leak.kind == "person placeholder" for leak in external_scan(external, redactor))


def test_customer_changes_keep_only_safe_specific_items():
    items = [
        ActionItem(id="a1", action="Add an alert for DB pool saturation (checked-out connections > 80% for 5 min)"),
        ActionItem(id="a2", action="Make config loader fail when DB_POOL_MAX is set but not read"),
        ActionItem(id="a3", action="Rotate the checkout_app password"),
        ActionItem(id="a4", action="Improve monitoring."),
        ActionItem(id="a5", action="Bob forgot to check the config."),
        ActionItem(id="a6", action="Add a load test before every release", prevents_recurrence="no"),
    ]
    assert customer_changes(items) == [
        # in the team's words (an acronym, "pool", an environment variable): told as what it does for customers
        "We are improving our monitoring so that we notice problems like this sooner.",
        "We are fixing the underlying problem.",
    ]


def test_customer_story_is_chosen_by_the_fix_and_names_nothing():
    assert "reversed" in customer_story("Rolled back checkout-service to v2.30.4")
    assert "standby" in customer_story("Failed over to the replica")
    for story in (customer_story("x"), customer_story("restarted the pods")):
        assert identifier_spans(story) == []


def test_due_dates_are_real_dates_not_before_the_incident(demo):
    from facilitator.errors import UserError
    from facilitator.interview.actions import ActionBook, parse_due

    assert parse_due("2025-01-15") == date(2025, 1, 15)
    assert parse_due("15 Jan 2025") == date(2025, 1, 15)
    for bad in ("202", "2024-02-30", "next week", "13/45/2025"):
        with pytest.raises(UserError):
            parse_due(bad)
    session, _ = demo
    book = ActionBook(session.model_copy(deep=True))
    with pytest.raises(UserError, match="before the incident"):
        book.add("Add an alert on pool saturation above 80%", due="2024-11-01")


def test_a_draft_with_open_customer_questions_is_unfinished_not_failed(tmp_path):
    chat = tmp_path / "chat.txt"
    chat.write_text("[2024-12-03 10:32] Alice: checkout is failing\n[2024-12-03 10:40] Bob: rolled back, errors gone\n")
    err = io.StringIO()
    code = run_draft(load_settings(), SourceSpec(kind="transcript", ref=str(chat)), out=tmp_path / "out",
                     store=SessionStore(tmp_path / "store"), stdout=io.StringIO(), stderr=err)
    assert code == 0 and not (tmp_path / "out" / "external.md").exists()
    said = err.getvalue()
    assert "customer-facing questions are still open" in said and "answer them in the interview" in said
    assert "sensitive string" not in said  # a question still to answer is no secret


def test_checklist_evidence_names_what_the_gate_withholds(demo):
    session, transcript = demo
    copy = _with_effect(session, "Some customers could not pay.")
    copy.actions = [ActionItem(id="a1", action="Improve monitoring.", owner="Dana Okafor", due=date(2024, 12, 20))]
    said = evidence(copy, transcript, SETTINGS)["no_internal_names"]
    assert "withheld" in said and "too vague" in said


def test_the_gates_sentence_reads_for_a_vague_item_and_for_a_leak():
    from facilitator.redact_gate import LeakError, ensure_clean

    redactor = Redactor()
    redactor.blockers = ["action item 'Improve things' is too vague"]
    with pytest.raises(LeakError) as vague:
        ensure_clean("We apologise for the disruption.", redactor)
    assert str(vague.value).startswith("The external version is withheld: action item 'Improve things' is too vague;")
    with pytest.raises(LeakError) as leak:
        ensure_clean("Ask alice@acme.internal about it.", Redactor())
    assert str(leak.value).startswith("The external version is withheld: it still contains ")


def test_checklist_evidence_counts_open_questions_apart_from_internal_names(demo):
    session, transcript = demo
    said = evidence(session, transcript, SETTINGS)["no_internal_names"]
    assert "customer-facing question" in said and "open question" not in said
    assert said.startswith("Leak scan of the external version: clean")
