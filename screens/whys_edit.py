"""The modal that edits one turn of the 5-whys chain: its question, answer and level."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from facilitator.session import WhyTurn

LEVELS = (("derived from the position", ""), ("immediate", "immediate"), ("contributing", "contributing"), ("systemic", "systemic"))


class WhyEditScreen(ModalScreen[dict | None]):
    """Edit one turn: question, answer, level."""

    CSS_PATH = "whys.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="why_form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="why_form.save", tooltip="Save the turn"),
    ]

    def __init__(self, turn: WhyTurn) -> None:
        super().__init__()
        self.turn = turn

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="wy-form"):
            yield Static(f"Edit {self.turn.id} ({self.turn.kind})", markup=False, id="wy-form-title")
            yield Label("Why?")
            yield Input(self.turn.question, id="wy-edit-question")
            yield Label("Because…")
            yield TextArea(self.turn.answer, id="wy-edit-answer", soft_wrap=True)
            yield Label("Level")
            yield Select(LEVELS, value=self.turn.level, allow_blank=False, id="wy-edit-level")
            with Horizontal(id="wy-form-buttons"):
                yield Button("Save", variant="primary", id="wy-edit-save", compact=True, tooltip="Ctrl+S")
                yield Button("Cancel", id="wy-edit-cancel", compact=True, tooltip="Esc")

    def on_mount(self) -> None:
        self.query_one("#wy-edit-answer", TextArea).focus()

    def action_save(self) -> None:
        """Close with the edited parts."""
        level = self.query_one("#wy-edit-level", Select).value
        self.dismiss(
            {
                "question": self.query_one("#wy-edit-question", Input).value,
                "answer": self.query_one("#wy-edit-answer", TextArea).text,
                "level": level if isinstance(level, str) else "",
            }
        )

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    @on(Button.Pressed, "#wy-edit-save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#wy-edit-cancel")
    def _cancel(self) -> None:
        self.action_cancel()
