"""Action items: add/edit/remove, suggestions from findings, rejection with reasons, 3-to-5 advice."""

from __future__ import annotations

from datetime import date

import pytest

from facilitator.errors import UserError
from facilitator.findings import Fact, Findings
from facilitator.interview.action_wording import imperative
from facilitator.interview.actions import ActionBook, count_advice, guess_category
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore


def _book(tmp_path, hints=()) -> tuple[ActionBook, SessionStore]:
    findings = Findings(action_hints=[Fact(text=t, message_ids=[f"L{i}"]) for i, t in enumerate(hints, 1)])
    session = Session(name="a", source=SourceSpec(kind="demo"), findings=findings)
    store = SessionStore(tmp_path)
    return ActionBook(session, store), store


def test_add_edit_remove_are_saved(tmp_path):
    book, store = _book(tmp_path)
    a1 = book.add("Add an alert on checkout 5xx above 2% for 5 minutes", owner="payments", due="2025-01-15", category="detect")
    a2 = book.add("Write a runbook for gateway timeouts")
    assert (a1.id, a2.id) == ("a1", "a2")
    assert store.load("a").actions[0].due == date(2025, 1, 15)
    book.edit("a2", owner="sre", priority="P1", status="in progress")
    assert store.load("a").actions[1].priority == "P1"
    book.remove("a1")
    assert [a.id for a in store.load("a").actions] == ["a2"]
    assert book.add("Pin the gateway client version").id == "a3"  # ids are never reused


def test_invalid_fields_are_one_sentence_user_errors(tmp_path):
    book, _ = _book(tmp_path)
    with pytest.raises(UserError, match="category"):
        book.add("Add a test", category="pray")
    with pytest.raises(UserError, match="not a date"):
        book.add("Add a test", due="when pigs fly")
    with pytest.raises(UserError):
        book.add("   ")
    with pytest.raises(UserError):
        book.edit("a9", owner="x")


def test_suggestions_from_channel_hints_are_cleaned_and_categorised(tmp_path):
    book, _ = _book(tmp_path, [
        "we should add an alert for DB pool saturation",
        "TODO: write a runbook for gateway timeouts",
        "follow-up: someone needs to figure out why the canary passed",
        "Let's require a second review for config/payments changes",
    ])
    got = [(s.action, s.category, s.prevents_recurrence) for s in book.suggestions()]
    assert got == [
        ("Add an alert for DB pool saturation", "detect", "detects only"),
        ("Write a runbook for gateway timeouts", "mitigate future", "not assessed"),  # no silent guess
        ("Figure out why the canary passed", "investigate", "no"),
        ("Require a second review for config/payments changes", "prevent", "yes"),
    ]
    item = book.accept(book.suggestions()[0], owner="dba team")
    assert item.message_ids == ["L1"] and item.category == "detect"
    book.reject("Write a runbook for gateway timeouts", "The alert links to the existing payments runbook.")
    remaining = [s.action for s in book.suggestions()]
    assert "Add an alert for DB pool saturation" not in remaining
    assert "Write a runbook for gateway timeouts" not in remaining
    assert book.session.rejected_actions[0].reason.startswith("The alert links")


def test_reject_needs_a_reason_and_can_remove_an_item(tmp_path):
    book, store = _book(tmp_path)
    item = book.add("Freeze deploys on Fridays")
    with pytest.raises(UserError):
        book.reject(item.action, "  ")
    book.reject(item.action, "It hides the problem instead of fixing the canary.", action_id=item.id)
    saved = store.load("a")
    assert saved.actions == [] and saved.rejected_actions[0].action == "Freeze deploys on Fridays"


def test_aim_for_three_to_five():
    assert "aim for 3 to 5" in count_advice(0)
    assert "aim for 3 to 5" in count_advice(2)
    assert count_advice(3) is None and count_advice(5) is None
    assert "merge or reject" in count_advice(7)


def test_imperative_and_category_helpers():
    assert imperative("I think we should probably test the config in staging.") == "Test the config in staging"
    assert imperative("Rotate the DB password") == "Rotate the DB password"
    assert guess_category("Restore the missing orders from the queue backup") == "repair"
