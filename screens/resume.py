"""Resume or start again: asked when a source that already has a saved session is opened.

Opening the same channel twice used to start a second session at zero answers, silently.
This dialog names the saved session (title, progress, last change) and offers the two
explicit choices; Esc goes back without creating anything.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from facilitator.sessions import SessionSummary


class ResumeOrNewScreen(ModalScreen[str | None]):
    """Dismisses with the session name to resume, "" to start a new one, None to go back."""

    BINDINGS = [Binding("escape", "back", "Back", id="resume.back", tooltip="Go back without opening anything")]
    DEFAULT_CSS = """
    ResumeOrNewScreen { align: center middle; }
    ResumeOrNewScreen > Vertical { width: 70; max-width: 100%; height: auto; border: round $accent; padding: 1 2; background: $surface; }
    ResumeOrNewScreen Horizontal { height: auto; margin-top: 1; }
    ResumeOrNewScreen Button { margin-right: 2; }
    """

    def __init__(self, summary: SessionSummary, others: int, timezone: str) -> None:
        super().__init__()
        self.summary = summary
        self.others = others
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        s = self.summary
        done, total = s.progress
        when = f"{s.updated_at.astimezone(ZoneInfo(self.timezone)):%Y-%m-%d %H:%M}" if s.updated_at else "?"
        more = f" ({self.others} older session{'s' if self.others != 1 else ''} too)" if self.others else ""
        with Vertical():
            yield Static("This source already has a post-mortem in progress", classes="section-title")
            yield Static(f"{s.title or s.name}\n{done}/{total} answered · last change {when} · {s.name}{more}", markup=False)
            with Horizontal():
                yield Button("Resume it", id="resume-yes", variant="primary", compact=True)
                yield Button("Start a new session", id="resume-new", compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume-yes").focus()

    def action_back(self) -> None:
        """Go back without opening anything."""
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.summary.name if event.button.id == "resume-yes" else "")
