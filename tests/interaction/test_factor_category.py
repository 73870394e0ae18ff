"""The factor-category modal: keyword suggestion at once, the LLM's when it answers."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import OptionList

from facilitator.llm.fallback import Outcome
from facilitator.pictures.categories import find
from screens.widgets.factor_category import FactorCategoryScreen
from tests.interaction.apphelp import until


class Host(App):
    def __init__(self, screen: FactorCategoryScreen) -> None:
        super().__init__()
        self.modal = screen
        self.picked: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.picked.append)


def _held_llm_suggestion() -> tuple[asyncio.Event, Host]:
    """The modal for one factor, and the event that lets its LLM answer 'third_party'."""
    release = asyncio.Event()

    async def ask():
        await release.wait()
        return Outcome(find("third_party"), "llm")

    return release, Host(FactorCategoryScreen("The canary got too little traffic", ask))


async def test_llm_suggestion_moves_the_mark_and_enter_takes_it():
    release, app = _held_llm_suggestion()
    async with app.run_test() as pilot:
        options = app.modal.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == "process"  # keywords, at once
        release.set()
        await until(pilot, lambda: app.modal.suggested.id == "third_party")
        await pilot.pause()
        assert options.get_option_at_index(options.highlighted).id == "third_party"
        assert "(suggested)" in str(options.get_option_at_index(options.highlighted).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: app.picked)
    assert app.picked == ["third_party"]


async def test_a_late_suggestion_does_not_move_the_users_choice_and_escape_keeps_the_suggestion():
    release, app = _held_llm_suggestion()
    async with app.run_test() as pilot:
        await pilot.press("down")  # the user moves off the suggestion first
        options = app.modal.query_one(OptionList)
        chosen = options.highlighted
        release.set()
        await until(pilot, lambda: app.modal.suggested.id == "third_party")
        await pilot.pause()
        assert options.highlighted == chosen
        await pilot.press("escape")
        await until(pilot, lambda: app.picked)
    assert app.picked == ["third_party"]  # Escape keeps the (now the LLM's) suggestion
