"""Due dates the channel gave a follow-up ("doing the DB one tomorrow", "by Friday") fill the
action item's due date, read against the day it was said; write-up plans ("postmortem draft
tomorrow") and past days never do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest

from facilitator.findings import Fact, Findings
from facilitator.interview.actions import due_for, link_channel_tickets, stated_due, suggest_actions
from facilitator.session import ActionItem

THURSDAY = date(2024, 12, 5)


@dataclass
class Msg:
    id: str
    text: str
    author: str = "Tomás Ruiz"
    at: datetime = datetime(2024, 12, 5, 15, 26, tzinfo=timezone.utc)
    is_bot: bool = False


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("doing the DB one tomorrow morning EU time", date(2024, 12, 6)),
        ("I'll have it in by Friday", date(2024, 12, 6)),
        ("I'll do it by Thursday", date(2024, 12, 12)),  # said on a Thursday: the next one
        ("by Monday", date(2024, 12, 9)),
        ("EOD", THURSDAY),
        ("before it runs again tonight", THURSDAY),
        ("by the end of the week", date(2024, 12, 6)),
        ("next week", date(2024, 12, 13)),
        ("by Dec 20", date(2024, 12, 20)),
        ("by 3 Jan", date(2025, 1, 3)),  # the next 3 January after the day said
        ("by 2025-01-15", date(2025, 1, 15)),
        ("it broke yesterday", None),
        ("last Friday it was fine", None),
        ("this happened on 2024-11-01 too", None),  # a date before the day said is no due date
    ],
)
def test_stated_due_reads_the_time_against_the_day_said(text, due):
    assert stated_due(text, THURSDAY) == due


@pytest.mark.parametrize(
    "text",
    [
        "marking resolved, postmortem tomorrow. we need per-server redis health monitoring",
        "Brian can you draft the PM tomorrow, and let's add a server-side synthetic check",
        "yep, doc tomorrow. adding alert severity bump to follow-ups",
        "the big release is tomorrow, so watch the dashboards",
    ],
)
def test_a_write_up_plan_or_an_unrelated_sentence_gives_no_due_date(text):
    action = text.split("need ")[-1] if "need " in text else "Add a pool saturation alert"
    assert due_for(action, text, THURSDAY) is None


def test_a_sentence_naming_the_action_gives_its_due_date():
    assert due_for("Look at vacuum_truncate=off for that table", "and let's look at vacuum_truncate=off for that table on monday", THURSDAY) == date(2024, 12, 9)


def test_the_follow_up_said_twice_cites_both_messages_and_takes_the_due_date_from_the_second():
    first = Msg("m1", "I'll rotate the checkout_app password once we're stable. follow-up for me")
    second = Msg("m2", "follow-up: rotate the checkout_app DB password (pasted above). doing the DB one tomorrow morning EU time")
    findings = Findings(action_hints=[Fact(text=first.text, message_ids=["m1"]), Fact(text=second.text, message_ids=["m2"])])
    suggestions = [s for s in suggest_actions(findings, messages=[first, second]) if "rotate" in s.action.casefold()]
    assert len(suggestions) == 1
    assert suggestions[0].message_ids == ["m1", "m2"]
    item = ActionItem(id="a1", action=suggestions[0].action, owner="Tomás Ruiz", message_ids=suggestions[0].message_ids)
    assert link_channel_tickets([item], [first, second]) == 1
    assert item.due == date(2024, 12, 6)


def test_a_claimed_ticket_takes_the_due_date_said_with_the_claim_and_a_set_due_date_stays():
    filed = Msg("m1", "Jira for the follow-ups: OPS-1240 (pool saturation alert)", author="Aisha Rahman")
    claim = Msg("m2", "I'll take OPS-1240, should have it in by Monday", author="Marcus Webb")
    item = ActionItem(id="a1", action="Add an alert for DB pool saturation")
    kept = ActionItem(id="a2", action="Rotate the password", due=date(2024, 12, 20), message_ids=["m3"])
    link_channel_tickets([item, kept], [filed, claim, Msg("m3", "I'll rotate it tomorrow")])
    assert (item.jira_key, item.owner, item.due) == ("OPS-1240", "Marcus Webb", date(2024, 12, 9))
    assert kept.due == date(2024, 12, 20)


def test_a_bot_never_sets_a_due_date():
    bot = Msg("m1", "Reminder: rotate the checkout_app password by Friday", author="Jira", is_bot=True)
    item = ActionItem(id="a1", action="Rotate the checkout_app password", message_ids=["m1"])
    link_channel_tickets([item], [bot])
    assert item.due is None
