"""LLM rewrites in the Actions tab: sharpen a vague item, reword a blaming one, never silently.

The real anthropic client talks to the local Anthropic server (tests/servers); replies are
chosen by the tool the app forces, so the background refine/suggest calls the app makes after
loading do not disturb the scripted ones.
"""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Input

from facilitator.sessions import SessionStore
from screens.actions import ActionsPane
from screens.actions_llm import NO_LLM
from screens.main import MainScreen
from tests.interaction.apphelp import SIZE, demo_app, settle, text_of, wait_for_screen
from tests.servers.anthropic_server import AnthropicServer
from tests.unit.llm_replies import helpful

SHARP = {
    "action": "Alert when the checkout 5xx rate exceeds 2% for 5 minutes",
    "done_when": "the alert fires in a staging drill",
    "category": "detect",
    "prevents_recurrence": "detects only",
    "explanation": "names the signal, the threshold and how to verify it",
    "message_ids": [],
}
REWORD = {"text": "The canary check was skipped, so add an automatic check", "explanation": "describes the gap, not the person"}


@pytest.fixture
def server():
    """The fake API: ``server.scripted[tool]`` answers that tool; ``helpful`` answers the rest."""
    scripted: dict = {}

    def respond(body: dict) -> dict:
        tool = (body.get("tool_choice") or {}).get("name")
        if tool in scripted:
            return dict(scripted[tool])
        return helpful(body)

    with AnthropicServer(responder=respond) as srv:
        srv.scripted = scripted
        yield srv


def llm_app(server):
    return demo_app(**{"llm.api_key": server.api_key, "llm.base_url": server.base_url, "llm.max_retries": 0})


def _toasts(app) -> list[str]:
    return [str(t.render()) for t in app.screen.query("Toast")]


def _tools(server) -> list[str]:
    return [(r.body.get("tool_choice") or {}).get("name", "") for r in server.message_requests]


async def _actions(pilot, app) -> tuple[MainScreen, ActionsPane]:
    screen = await wait_for_screen(pilot, MainScreen)
    await settle(app)  # the background refine/suggest calls
    screen.action_tab("actions")
    await pilot.pause()
    return screen, screen.query_one(ActionsPane)


async def _add_and_select(pilot, pane, text: str) -> DataTable:
    """Save ``text`` as an item from the form, then focus it in the table."""
    pane.query_one("#ac-action", Input).focus()
    pane.query_one("#ac-action", Input).value = text
    await pilot.press("ctrl+s")
    await pilot.pause()
    table = pane.query_one("#ac-table", DataTable)
    table.focus()
    table.move_cursor(row=len(pane.interview.session.actions) - 1)
    await pilot.pause()
    return table


async def _settled(pilot, pane) -> None:
    await settle(pane)
    await pilot.pause()


async def test_w_proposes_a_sharper_item_that_is_saved_only_when_accepted(server):
    server.scripted["sharpen_action"] = {"tool": "sharpen_action", "input": SHARP}
    app = llm_app(server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, pane = await _actions(pilot, app)
        assert pane.query_one("#ac-sharpen", Button).display  # offered with an LLM
        before = screen.interview.session.llm_usage.calls
        await _add_and_select(pilot, pane, "improve monitoring")
        assert "Too vague" in text_of(pane.query_one("#ac-row-lint"))

        await pilot.press("ctrl+r")
        await _settled(pilot, pane)
        assert _tools(server)[-1] == "sharpen_action"
        assert "improve monitoring" in server.message_requests[-1].user_text  # the item is what was sent
        proposal = text_of(pane.query_one("#ac-proposal-text"))
        assert pane.query_one("#ac-proposal").display and "Alert when the checkout 5xx rate exceeds 2%" in proposal
        # only a proposal: the form (the item loaded for editing) and the saved item are unchanged
        assert pane.query_one("#ac-action", Input).value == "improve monitoring"
        assert SessionStore().load(screen.interview.session.name).actions[0].action == "improve monitoring"
        saved = SessionStore().load(screen.interview.session.name)
        assert saved.llm_usage.calls == before + 1 and saved.llm_usage.input_tokens > 0  # usage recorded and saved

        assert app.focused is pane.query_one("#ac-proposal-use", Button)
        await pilot.press("enter")  # "Use it"
        await pilot.pause()
        assert not pane.query_one("#ac-proposal").display
        expected = "Alert when the checkout 5xx rate exceeds 2% for 5 minutes; done when the alert fires in a staging drill"
        assert pane.query_one("#ac-action", Input).value == expected
        await pilot.press("ctrl+s")
        await pilot.pause()
        item = SessionStore().load(screen.interview.session.name).actions[0]
        assert (item.id, item.action, item.category, item.prevents_recurrence) == ("a1", expected, "detect", "detects only")
        assert len(SessionStore().load(screen.interview.session.name).actions) == 1  # edited, not added


async def test_blame_in_the_form_offers_a_blameless_rewording_that_can_be_dismissed(server):
    server.scripted["rewrite_text"] = {"tool": "rewrite_text", "input": REWORD}
    server.scripted["sharpen_action"] = {"tool": "sharpen_action", "input": SHARP}
    app = llm_app(server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        _, pane = await _actions(pilot, app)
        action = pane.query_one("#ac-action", Input)
        reword = pane.query_one("#ac-reword", Button)
        action.value = "Add an alert on checkout 5xx above 2%"
        await pilot.pause()
        assert not reword.display  # nothing to reword
        blaming = "Priya forgot to check the canary so add a check"
        action.value = blaming
        await pilot.pause()
        assert "Blame" in text_of(pane.query_one("#ac-lint")) and reword.display

        reword.press()
        await _settled(pilot, pane)
        sent = server.message_requests[-1].user_text
        assert _tools(server)[-1] == "rewrite_text" and "forgot to check the canary" in sent
        assert "Priya" not in sent  # people are sent as aliases (llm.pseudonymise)
        assert "The canary check was skipped" in text_of(pane.query_one("#ac-proposal-text"))
        await pilot.press("escape")  # dismissed: the form keeps the user's text
        await pilot.pause()
        assert not pane.query_one("#ac-proposal").display and action.value == blaming
        assert pane.screen.query_one("#tabs").active == "actions"  # Esc dismissed, it did not leave the pane

        reword.press()
        await _settled(pilot, pane)
        await pilot.press("enter")
        await pilot.pause()
        assert action.value == REWORD["text"] and "Blame" not in text_of(pane.query_one("#ac-lint"))
        assert pane.interview.session.actions == []  # copied into the form, not saved for the user

        # the form's Sharpen button asks about the unsaved draft; a new form drops the proposal
        action.value = "improve monitoring"
        pane.query_one("#ac-sharpen", Button).press()
        await _settled(pilot, pane)
        assert _tools(server)[-1] == "sharpen_action" and "improve monitoring" in server.message_requests[-1].user_text
        assert pane.query_one("#ac-proposal").display
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not pane.query_one("#ac-proposal").display and action.value == ""


async def test_an_api_failure_gives_one_notice_and_keeps_the_lint_hint(server):
    server.scripted["sharpen_action"] = {"status": 500, "message": "boom"}
    app = llm_app(server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, pane = await _actions(pilot, app)
        await _add_and_select(pilot, pane, "improve monitoring")
        await pilot.press("ctrl+r")
        await _settled(pilot, pane)
        assert _tools(server)[-1] == "sharpen_action"
        assert len([t for t in _toasts(app) if "offline" in t.lower()]) == 1
        assert not pane.query_one("#ac-proposal").display
        assert "Make it concrete" in text_of(pane.query_one("#ac-lint"))  # the offline hint stays
        assert pane.query_one("#ac-action", Input).value == "improve monitoring"
        assert SessionStore().load(screen.interview.session.name).actions[0].action == "improve monitoring"


async def test_without_an_llm_w_explains_and_changes_nothing(server):
    app = demo_app(**{"llm.base_url": server.base_url})  # no key
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, pane = await _actions(pilot, app)
        assert app.llm is None and not pane.query_one("#ac-sharpen", Button).display
        await _add_and_select(pilot, pane, "improve monitoring")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("ANTHROPIC_API_KEY" in t for t in _toasts(app)) and NO_LLM.startswith("Sharpening")
        assert not pane.query_one("#ac-proposal").display
        assert pane.query_one("#ac-action", Input).value == ""  # the form was not touched
        assert SessionStore().load(screen.interview.session.name).actions[0].action == "improve monitoring"
    assert server.requests == []
