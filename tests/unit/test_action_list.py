"""One action list: the owners question, the Actions tab, `draft --answers` and the channel's
follow-ups feed the same items, without duplicates, with the Jira keys the channel gave."""

from __future__ import annotations

import io

import pytest

from facilitator.config import Settings, load_settings
from facilitator.draft import run_draft
from facilitator.interview.actions import ActionBook, same_action, split_owner_line
from facilitator.interview.engine import Interview
from facilitator.interview.lint import action_findings
from facilitator.render import render_markdown
from facilitator.session import ActionItem, SourceSpec
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore


@pytest.fixture
def demo(tmp_path):
    store = SessionStore(tmp_path / "store")
    session, transcript = start_session(SourceSpec(kind="demo"), load_settings(), store, name="acts")
    return Interview(session, transcript, store), store


def test_accepting_the_owners_suggestion_fills_the_action_list(demo):
    interview, store = demo
    assert interview.session.actions == []
    interview.accept_suggestion("action_owners")
    actions = interview.session.actions
    assert actions, "the suggestion's lines became action items"
    assert len({a.action.casefold() for a in actions}) == len(actions)
    assert store.load("acts").actions == actions  # saved
    # the channel's Jira keys for those follow-ups stay linked to them
    keyed = {a.jira_key: a.action for a in actions if a.jira_key}
    assert "OPS-1240" in keyed and "alert" in keyed["OPS-1240"].casefold()
    # accepting again adds nothing: the owners' lines now come from the same list
    interview.refresh_suggestions()
    before = [a.id for a in actions]
    interview.accept_suggestion("action_owners")
    assert [a.id for a in interview.session.actions] == before


def test_an_owner_line_updates_the_item_it_names(demo):
    interview, _ = demo
    book = ActionBook(interview.session, interview.store)
    item = book.add("Add an alert for DB pool saturation above 80% for 5 minutes")
    interview.answer("action_owners", ["Add an alert on DB pool saturation above 80% for 5 minutes - Dana Okafor - 2024-12-20"])
    assert len(interview.session.actions) == 1
    updated = interview.session.actions[0]
    assert updated.id == item.id and updated.owner == "Dana Okafor" and updated.due.isoformat() == "2024-12-20"
    # and the Actions tab's list is what the question suggests next
    interview.refresh_suggestions()
    assert interview.suggestion("action_owners").value == [f"{updated.action} - Dana Okafor - 2024-12-20"]


def test_draft_answers_and_channel_follow_ups_make_one_list(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text(
        '[answers]\naction_owners = ["Add an alert for DB pool saturation - Marcus Webb - 2024-12-20"]\n'
        '[[actions]]\naction = "Add an alert for DB pool saturation (checked-out connections over 80% for 5 min)"\n',
        encoding="utf-8")
    store = SessionStore(tmp_path / "store")
    run_draft(load_settings(), SourceSpec(kind="demo"), out=tmp_path / "out", answers=answers, store=store,
              stdout=io.StringIO(), stderr=io.StringIO(), session_name="one")
    actions = store.load("one").actions
    assert len(actions) == 1 and actions[0].owner == "Marcus Webb"


def test_draft_without_answers_links_channel_keys_and_owners(tmp_path):
    store = SessionStore(tmp_path / "store")
    run_draft(load_settings(), SourceSpec(kind="demo"), out=tmp_path / "out", store=store, stdout=io.StringIO(),
              stderr=io.StringIO(), session_name="keys")
    actions = store.load("keys").actions
    rotations = [a for a in actions if "rotat" in a.action.casefold()]
    assert len(rotations) == 1  # "rotate the password" said twice is one item
    assert {a.jira_key for a in actions} >= {"OPS-1240", "OPS-1241"}
    internal = (tmp_path / "out" / "internal.md").read_text(encoding="utf-8")
    assert "| Priority | Category |" in internal and "(OPS-1241)" in internal


def test_prevents_recurrence_has_no_silent_default():
    item = ActionItem(id="a1", action="Add an alert on pool saturation above 80%")
    assert item.prevents_recurrence == "not assessed"


def test_not_assessed_renders_as_todo(demo):
    interview, _ = demo
    ActionBook(interview.session).add("Add an alert on pool saturation above 80%", owner="Dana Okafor", due="2024-12-20")
    text = render_markdown(interview.session, interview.transcript, Settings())
    row = next(line for line in text.splitlines() if line.startswith("| Add an alert on pool saturation"))
    assert row.split("|")[6].strip() == "[TODO]"
    assert "without 'prevents recurrence?': 1" in text


def test_a_team_as_owner_gets_a_hint_to_name_the_person():
    for owner in ("payments team", "SRE", "sre-oncall"):
        problems = action_findings(ActionItem(id="a1", action="Add an alert on pool saturation above 80%", owner=owner))
        hint = next(p for p in problems if "not a person" in p.problem)
        assert "Name the person" in hint.suggestion
    problems = action_findings(ActionItem(id="a1", action="Add an alert on pool saturation above 80%", owner="Dana Okafor"))
    assert not any("not a person" in p.problem for p in problems)


def test_owner_lines_and_sameness():
    assert split_owner_line("Add an alert - owner? - due?") == ("Add an alert", "", "")
    assert split_owner_line("Roll back a - b change - Dana Okafor - 2025-01-15") == ("Roll back a - b change", "Dana Okafor", "2025-01-15")
    assert same_action("Rotate the checkout_app password once we're stable",
                       "Rotate the checkout_app DB password + the AWS key from that env dump")
    assert not same_action("Add an alert for DB pool saturation", "Add a load test for the canary")


def test_an_item_added_from_the_actions_tab_gets_the_key_the_channel_gave(demo):
    interview, store = demo
    book = ActionBook(interview.session, store, interview.transcript.messages)
    item = book.add("Add an alert on DB pool saturation above 80% for 5 minutes")
    assert item.jira_key == "OPS-1240" and item.owner  # "I'll take OPS-1240" in the channel
    other = book.add("Add an alert for pool saturation on the replica too")
    assert other.jira_key == ""  # a key goes to one item only
