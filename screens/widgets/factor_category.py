"""Ask which kind of contributing factor was just recorded (a bone of the cause diagram).

A small self-contained modal: the factor's text, the configured categories
(``prompts/causes.toml``) with the one suggested from the text highlighted. Enter picks the
highlighted category, Escape keeps the suggestion; either way the factor gets a category, so
the fishbone never has to guess later. It returns the category id; the caller stores it.
Given ``ask`` (the LLM's suggestion, an ``Outcome`` coroutine), it opens at once with the
keyword suggestion and moves the mark when the model answers, unless the user has moved on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from facilitator.pictures.categories import load_categories, suggest_category


class FactorCategoryScreen(ModalScreen[str]):
    """Pick the category of a contributing factor; dismisses with its id."""

    DEFAULT_CSS = """
    FactorCategoryScreen { align: center middle; }
    #fc-box { width: 64; max-width: 100%; height: auto; max-height: 90%; border: thick $accent; background: $surface;
              padding: 0 1; }
    #fc-factor { color: $text-muted; margin-bottom: 1; }
    #fc-list { height: auto; max-height: 10; }
    """
    BINDINGS = [
        Binding("escape", "keep", "Keep suggestion", id="factor_category.keep",
                tooltip="Use the suggested category"),
    ]

    def __init__(self, factor: str, ask: Callable[[], Awaitable[Any]] | None = None) -> None:
        super().__init__()
        self.factor = factor
        self.suggested = suggest_category(factor)
        self.ask = ask

    def compose(self) -> ComposeResult:
        with Vertical(id="fc-box"):
            yield Static("What kind of contributing factor is this?", markup=False, id="fc-title")
            yield Static(self.factor, markup=False, id="fc-factor")
            yield OptionList(*self._options(), id="fc-list")

    def _options(self) -> list[Option]:
        return [Option(c.name + ("  (suggested)" if c.id == self.suggested.id else ""), id=c.id)
                for c in load_categories()]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(self.suggested.id)
        options.focus()
        if self.ask is not None:
            self._ask()

    @work(exclusive=True, group="factor_category", exit_on_error=False)
    async def _ask(self) -> Any:
        return await self.ask()  # type: ignore[misc]

    @on(Worker.StateChanged)
    def _answered(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "factor_category" or event.state != WorkerState.SUCCESS:
            if event.worker.group == "factor_category" and event.state == WorkerState.ERROR:
                event.prevent_default()  # the keyword suggestion stands
            return
        outcome = event.worker.result
        if outcome is None or getattr(outcome, "source", "") != "llm":
            return
        options = self.query_one(OptionList)
        previous = options.highlighted
        untouched = previous == options.get_option_index(self.suggested.id)
        self.suggested = outcome.value
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = options.get_option_index(self.suggested.id) if untouched else previous

    @on(OptionList.OptionSelected, "#fc-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or self.suggested.id)

    def action_keep(self) -> None:
        """Close with the suggested category."""
        self.dismiss(self.suggested.id)
