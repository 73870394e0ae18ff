"""Blameless and action-quality lints, on phrases taken from real post-mortems."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from facilitator.interview.lint import action_findings, blame_findings, lint_session
from facilitator.session import ActionItem, Answer, Session, SourceSpec, WhyTurn
from facilitator.transcript import Message, Transcript

PEOPLE = {"Alice", "Bob", "Carol", "Dave Miller", "Dave"}

BLAMEY = [
    "Alice deployed the bad config.",
    "The outage happened because Bob forgot to renew the certificate.",
    "It was Carol's mistake.",
    "The on-call engineer should have known better.",
    "Root cause: human error.",
    "Dave accidentally ran the migration against production.",
    "Dave Miller failed to follow the runbook.",
    "Operator carelessness during a routine maintenance window.",  # after a classic outage report
    "The engineer fat-fingered the command and took down the servers.",
    "Joe pushed an untested change to the load balancer.",  # a name not in the channel
    "Bob ignored the alert for twenty minutes.",
    "Alice's config change broke checkout in all three regions.",
    "If Bob had checked the dashboard, we would have caught it an hour earlier.",
    "The root cause was Carol.",
]
FINE = [
    "Alice rolled back the deploy at 14:32.",
    "Jenkins failed to start after the upgrade.",
    "Bob paged the database team, who found the pool exhausted.",
    "The deploy process allowed an unreviewed config change to reach production.",
    "Carol's dashboard showed the spike first.",
    "We should have had an alert on queue depth.",
    "Postgres ran out of connections at 14:05.",
    "Alice's change was rolled back at 15:00.",
    "If the canary had checked the error rate, the deploy would have stopped.",
    "No blame here, the config loader let an ignored env var through silently.",  # from the demo channel
]


@pytest.mark.parametrize("sentence", BLAMEY)
def test_blaming_sentences_are_flagged_with_a_suggestion(sentence):
    found = blame_findings(sentence, "answer:actual_cause", PEOPLE)
    assert len(found) == 1
    assert found[0].kind == "blame" and found[0].where == "answer:actual_cause"
    assert found[0].text == sentence and found[0].suggestion


@pytest.mark.parametrize("sentence", FINE)
def test_neutral_sentences_are_not_flagged(sentence):
    assert blame_findings(sentence, "x", PEOPLE) == []


def test_lint_reads_names_from_transcript_and_covers_all_free_text():
    at = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    transcript = Transcript(messages=[Message(id="L1", at=at, author="Priya Natarajan", text="looking")], source="transcript")
    session = Session(name="s", source=SourceSpec(kind="demo"))
    session.answers["actual_cause"] = Answer(question_id="actual_cause", value="The pool setting was ignored. Priya missed it in review.")
    session.whys.append(WhyTurn(id="w1", question="Why?", answer="because Priya didn't check the diff"))
    session.actions.append(ActionItem(id="a1", action="improve monitoring"))
    original = session.answers["actual_cause"].value
    found = lint_session(session, transcript)
    blame = [f for f in found if f.kind == "blame"]
    assert {f.where for f in blame} == {"answer:actual_cause", "why:w1"}
    assert blame[0].text == "Priya missed it in review."
    assert session.answers["actual_cause"].value == original  # never rewritten silently
    assert any(f.where == "action:a1" and f.kind == "action_quality" for f in found)


def _problems(action: str, owner: str = "Dana Okafor", due: date | None = date(2025, 1, 15)) -> list[str]:
    return [f.problem for f in action_findings(ActionItem(id="a1", action=action, owner=owner, due=due))]


def test_strong_action_items_pass():
    assert _problems("Add an alert on checkout 5xx rate above 2% for 5 minutes that pages the payments on-call") == []
    assert _problems("Require a second reviewer for changes under config/payments/ via CODEOWNERS") == []
    assert _problems("Investigate why the canary passed with 40 rps and write up the findings in OPS-1242") == []


@pytest.mark.parametrize(
    ("action", "problem", "hint"),
    [
        ("improve monitoring", "Too vague", "alert on"),
        ("Better testing", "Does not start with a verb", ""),
        ("More robust deploys", "Too vague", "Make it concrete"),
        ("Be more careful with production changes", "Too vague", "second reviewer"),
        ("Investigate the retry storm", "no done condition", "write up"),
        ("Monitoring of the payment queue", "Does not start with a verb", ""),
    ],
)
def test_weak_action_items_are_flagged_with_rewrite_hints(action, problem, hint):
    found = action_findings(ActionItem(id="a1", action=action, owner="sre", due=date(2025, 1, 1)))
    matching = [f for f in found if problem in f.problem]
    assert matching, [f.problem for f in found]
    assert hint in " ".join(f.suggestion for f in found)


def test_owner_and_due_date_are_required():
    problems = _problems("Add an alert on queue depth above 10k for 10 minutes", owner="", due=None)
    assert "Has no owner." in problems and "Has no due date." in problems
    assert any("not an owner" in p for p in _problems("Add an alert on queue depth above 10k", owner="everyone"))
