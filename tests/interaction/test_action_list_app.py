"""One action list in the app: accepting the owners question's suggestion fills the Actions tab."""

from __future__ import annotations

from screens.actions import ActionsPane
from screens.interview import InterviewPane
from screens.main import MainScreen
from textual.widgets import DataTable
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


async def test_accepting_the_owners_suggestion_fills_the_actions_tab():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        screen.query_one(InterviewPane).goto("action_owners")
        await pilot.pause()
        assert screen.interview.suggestion("action_owners") is not None
        await pilot.press("ctrl+r")  # accept the suggested lines
        await pilot.pause()
        actions = screen.interview.session.actions
        assert actions and any("alert" in a.action.casefold() for a in actions)
        screen.action_tab("actions")
        await pilot.pause()
        table = screen.query_one(ActionsPane).query_one("#ac-table", DataTable)
        assert table.row_count == len(actions)
