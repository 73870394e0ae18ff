"""Suggested action items read as things to do later: quips, done steps and write-up remarks are
not suggested, stated follow-ups ("Task added: X", "action items: X, Y") are kept as X, and the
text ends where the action does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from facilitator.findings import Fact, Findings
from facilitator.interview.action_wording import (
    reads_as_follow_up,
    reads_as_verb_phrase,
    stated_actions,
)
from facilitator.interview.actions import ActionBook, suggest_actions
from facilitator.session import Session, SourceSpec


@dataclass
class Msg:
    id: str
    text: str
    author: str = "someone"


def _suggested(*hints: str, messages: list[Msg] | None = None) -> list[str]:
    findings = Findings(action_hints=[Fact(text=t, message_ids=[f"m{i}"]) for i, t in enumerate(hints, 1)])
    return [s.action for s in suggest_actions(findings, messages=messages)]


@pytest.mark.parametrize(
    "chat",
    [
        "thanks all. calling it resolved.",
        "ok.",
        "yep, doc tomorrow.",
        "thx everyone, great work",
        "short postmortem posted on the status page.",
        "we should write this up for the blog",
        "I'll draft the RCA doc tomorrow",
        "action items going in the doc: docs.example.com",
        "follow-ups in the PM doc wiki.example.internal",
        "posting the all clear on the status page",
        "restarted the workers, queue is draining",
    ],
)
def test_quips_done_steps_and_write_up_remarks_are_not_suggested(chat):
    assert _suggested(chat) == []


def test_the_action_is_the_clause_that_says_what_to_do_not_the_chatter_before_it():
    got = _suggested("thanks everyone. closing it. postmortem friday, and we need a way to restore deleted rows within minutes")
    assert got == ["Restore deleted rows within minutes"]


def test_the_text_stops_where_the_action_does():
    assert _suggested(
        "and let's set fillfactor on the jobs table on monday, otherwise this will happen again next time",
        "short writeup posted. follow-up ticket to add a schema check to the deploy runbook acme.atlassian.net",
        "we should really shard the events table, I'll open an issue",
    ) == [
        "Set fillfactor on the jobs table",  # "on monday" is for the due date
        "Add a schema check to the deploy runbook",
        "Shard the events table",
    ]


def test_a_speaker_name_pasted_as_the_last_line_of_the_message_is_trimmed():
    said = "let's add a lag alert on the orders replica\nmk"
    findings = Findings(action_hints=[Fact(text="let's add a lag alert on the orders replica mk", message_ids=["m1"])])
    book = ActionBook(Session(name="a", source=SourceSpec(kind="demo"), findings=findings), messages=[Msg("m1", said)])
    assert [s.action for s in book.suggestions()] == ["Add a lag alert on the orders replica"]


@pytest.mark.parametrize(
    ("chat", "actions"),
    [
        ("Task added: Alert on queue age above 10 min", ["Alert on queue age above 10 min"]),
        ("AI: rotate the deploy key for the build runners", ["Rotate the deploy key for the build runners"]),
        ("TODO: pin the base image digest in CI", ["Pin the base image digest in CI"]),
        ('Follow-up created: "Page on replica lag over 60s" assigned to Sam Lee', ["Page on replica lag over 60s"]),
        ("nice work. ticket for a canary step in the payments deploy: jira.example.com", ["A canary step in the payments deploy"]),
        ("action items so far: cap batch size on the importer, alert on importer lag, and document the replay steps",
         ["Cap batch size on the importer", "Alert on importer lag", "Document the replay steps"]),
        ("follow-ups: alerting on resolver errors, not just timeouts", ["Alert on resolver errors, not just timeouts"]),
        ("adding per-tenant rate limits to the follow-ups", ["Per-tenant rate limits"]),
    ],
)
def test_actions_the_channel_names_outright_are_kept_as_stated(chat, actions):
    assert stated_actions(chat) == actions
    assert _suggested(chat) == actions


def test_a_task_line_the_extractor_did_not_flag_is_still_suggested_from_the_channel():
    task = Msg("m9", '· Task added\n  "Alert on internal resolver failure rate" assigned to Dana Cole', author="")
    got = _suggested("we should add a synthetic login check", messages=[Msg("m1", "hello"), task])
    assert got == ["Add a synthetic login check", "Alert on internal resolver failure rate"]
    book = ActionBook(Session(name="a", source=SourceSpec(kind="demo"), findings=Findings()), messages=[task])
    suggestion = book.suggestions()[0]
    assert suggestion.message_ids == ["m9"] and suggestion.strong


def test_a_step_under_way_is_a_follow_up_only_when_it_says_what_it_prevents():
    assert _suggested("adding an alert on consumer lag so we notice before customers do") == [
        "Add an alert on consumer lag so we notice before customers do"
    ]
    assert _suggested("filing a bug upstream on the client lib") == []


def test_follow_up_and_verb_phrase_predicates():
    assert reads_as_follow_up("Add an alert on checkout 5xx above 2%")
    assert not reads_as_follow_up("Thanks all")
    assert not reads_as_follow_up("Posted the update on the status page")
    assert not reads_as_follow_up("Write up the timeline for the doc")
    assert reads_as_follow_up("Status page off-cluster", said_as_follow_up=True)
    assert not reads_as_follow_up("The alert fired 40 min after the first error", said_as_follow_up=True)
    assert reads_as_verb_phrase("Make the config loader fail startup on unread env vars")
    assert reads_as_verb_phrase("Alert on resolver errors")
    assert not reads_as_verb_phrase("Alert severity bump")
    assert not reads_as_verb_phrase("Ok")
    assert not reads_as_verb_phrase("Short postmortem posted on the status page")


def test_what_to_do_during_the_incident_is_no_follow_up():
    from facilitator.interview.action_wording import reads_as_follow_up

    assert not reads_as_follow_up("Fix customers first", said_as_follow_up=True)
    assert reads_as_follow_up("Fix the pool default in the config loader", said_as_follow_up=True)


def _suggested_from_chat(*rows: tuple[str, str]) -> list[str]:
    """The actions suggested for a channel of (author, text) rows a minute apart, extracted end to end."""
    from datetime import datetime, timedelta, timezone

    from facilitator.extract import extract_findings
    from facilitator.transcript import Message, Transcript

    t0 = datetime(2024, 3, 22, 9, 0, tzinfo=timezone.utc)
    transcript = Transcript(
        messages=[Message(id=f"m{i}", at=t0 + timedelta(minutes=i), author=a, text=x) for i, (a, x) in enumerate(rows)],
        source="slack-export",
    )
    return [s.action for s in suggest_actions(extract_findings(transcript), messages=transcript.messages)]


def test_a_change_promised_for_after_the_incident_is_suggested():
    actions = _suggested_from_chat(
        ("Ann", "sequencer halted, both RPC providers returning 500s"),
        ("Bo", "agreed. I'll write it up and add our own node + a third vendor tomorrow"),
        ("Cy", "deploy-manager stays off until the bulk action validates its params"),
    )
    assert "Add our own node + a third vendor" in actions
    assert "Keep deploy-manager off until the bulk action validates its params" in actions


def test_a_change_with_its_purpose_or_asked_for_is_suggested():
    actions = _suggested_from_chat(
        ("Ann", "rpki validators down, nfs share gone"),
        ("Bo", "We'll fix the script so it refuses to do that."),
        ("Cy", "postmortem draft is up — please add dedupe for jobs + queue depth alerts"),
    )
    assert "Fix the script so it refuses to do that" in actions
    assert "Add dedupe for jobs + queue depth alerts" in actions


def test_a_need_named_as_a_follow_up_reads_as_something_to_do():
    from facilitator.interview.action_wording import stated_actions

    assert stated_actions("Follow-up: canary needs enough traffic to exercise the pool, 40 rps didn't.") == [
        "Give canary enough traffic to exercise the pool"
    ]


def test_follow_ups_agreed_in_chat_words_are_found_and_worded_as_actions():
    from tests.unit.test_extract_hints import channel

    from facilitator.extract import extract_findings

    said = [
        "thanks all. runbook for node restarts needs a line about not failing over mid-restart, I'll add it",
        "we need per-server redis health monitoring",
        "add an alert on queue ingress = 0 while api 2xx > 0",
        "can we get a ticket for the memory thing so this gets looked at properly",
    ]
    transcript = channel(("Ann", "checkout is down for everyone"), *[("Bo", line) for line in said])
    found = suggest_actions(extract_findings(transcript), messages=transcript.messages)
    assert [(s.action, s.message_ids) for s in found] == [
        ("Add a line about not failing over mid-restart to runbook for node restarts", ["m1"]),
        ("Add per-server redis health monitoring", ["m2"]),
        ("Add an alert on queue ingress = 0 while api 2xx > 0", ["m3"]),
        ("Look into the memory thing", ["m4"]),
    ]


def test_a_change_someone_says_they_want_is_an_action():
    from tests.unit.test_extract_hints import channel

    from facilitator.extract import extract_findings

    said = [
        "yes. i also want a default lock_timeout on every migration so it fails fast",
        "for the writeup: renewal checklist needs a CA call and we want an expiry alert 30 days out",
        "I want to check the logs first",
    ]
    transcript = channel(("Ann", "checkout is down for everyone"), *[("Bo", line) for line in said])
    found = suggest_actions(extract_findings(transcript), messages=transcript.messages)
    assert [(s.action, s.message_ids) for s in found] == [
        ("Add a default lock_timeout on every migration so it fails fast", ["m1"]),
        ("Add an expiry alert 30 days out", ["m2"]),
    ]


def test_every_numbered_item_under_a_label_is_an_action():
    said = (
        "action items so far:\n"
        "1. destroy+recreate of network resources needs a second reviewer and a maintenance window\n"
        "2. alerts on appgw backend health + listener cert\n"
        "3. remove inline access_policy from the key vault resource\n"
    )
    assert stated_actions(said) == [
        "Destroy+recreate of network resources needs a second reviewer and a maintenance window",
        "Alerts on appgw backend health + listener cert",
        "Remove inline access_policy from the key vault resource",
    ]


# -- who took an item on ----------------------------------------------------------------------


def _owners(*said: tuple[str, str], bot: str = "") -> list[tuple[str, str]]:
    """(action, owner) suggested from chat lines said as (author, text)."""
    messages = [Msg(f"m{i}", text, author) for i, (author, text) in enumerate(said, 1)]
    for m in messages:
        m.is_bot = m.author == bot
    findings = Findings(action_hints=[Fact(text=m.text, message_ids=[m.id]) for m in messages])
    return [(s.action, s.owner) for s in suggest_actions(findings, messages=messages)]


def test_an_item_its_speaker_takes_on_is_theirs():
    got = _owners(("Tomás Ruiz", "I'll rotate the checkout_app password once we're stable. follow-up for me"))
    assert got == [("Rotate the checkout_app password", "Tomás Ruiz")]


def test_an_item_somebody_only_proposes_has_no_owner_yet():
    got = _owners(("Marcus Webb", "we should add an alert for DB pool saturation at 80% for 5 min"))
    assert got == [("Add an alert for DB pool saturation at 80% for 5 min", "")]


def test_owners_named_in_brackets_after_the_items_are_matched_to_the_people_in_the_channel():
    got = _owners(
        ("Marcus Lindqvist", "disabled the job"),
        ("Ana Sousa", "unlock script done"),
        ("Priya Shah", "closing this out. owners: delete the old job for good (Marcus), alert on dunning status changes (Ana)"),
    )
    assert got == [("Delete the old job for good", "Marcus Lindqvist"), ("Alert on dunning status changes", "Ana Sousa")]


def test_a_bracket_that_names_nobody_in_the_channel_stays_in_the_action():
    got = _owners(("Priya Shah", "action items: add a retry cap to the CLI (P1), page payments on DLQ growth (owner: jules)"))
    assert got == [("Add a retry cap to the CLI (P1)", ""), ("Page payments on DLQ growth", "jules")]


def test_a_bot_never_owns_an_item():
    got = _owners(("deploybot", "I'll rotate the signing keys once we're stable"), bot="deploybot")
    assert got == [("Rotate the signing keys", "")]


def test_a_should_without_a_subject_takes_the_subject_of_the_sentence_before():
    got = _suggested("follow-up: the capture DLQ alert fired 30 min after the first failure. should page payments directly")
    assert got == ["Make the capture DLQ alert page payments directly"]
