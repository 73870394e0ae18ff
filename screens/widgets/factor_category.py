"""Ask which kind of contributing factor was just recorded (a bone of the cause diagram).

A small self-contained modal: the factor's text, the configured categories
(``prompts/causes.toml``) with the one suggested from the text highlighted. Enter picks the
highlighted category, Escape keeps the suggestion; either way the factor gets a category, so
the fishbone never has to guess later. It returns the category id; the caller stores it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

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

    def __init__(self, factor: str) -> None:
        super().__init__()
        self.factor = factor
        self.suggested = suggest_category(factor)

    def compose(self) -> ComposeResult:
        with Vertical(id="fc-box"):
            yield Static("What kind of contributing factor is this?", markup=False, id="fc-title")
            yield Static(self.factor, markup=False, id="fc-factor")
            options = [
                Option(c.name + ("  (suggested)" if c.id == self.suggested.id else ""), id=c.id)
                for c in load_categories()
            ]
            yield OptionList(*options, id="fc-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(self.suggested.id)
        options.focus()

    @on(OptionList.OptionSelected, "#fc-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or self.suggested.id)

    def action_keep(self) -> None:
        """Close with the suggested category."""
        self.dismiss(self.suggested.id)
