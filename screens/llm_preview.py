"""The app's view of ``facilitator llm-preview``: the masked prompt a call would send, its size
and cost, and the calls made so far, before anything is sent.

Built in a thread worker (condensing and masking a large channel takes a moment) from a copy
of the session; nothing is sent and nothing in the session changes.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea
from textual.worker import Worker, WorkerState

from facilitator.config import Settings
from facilitator.session import Session
from facilitator.transcript import Transcript


class LLMPreviewScreen(ModalScreen[None]):
    """What the next LLM call would send (masked), with its token estimate and cost."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="llm_preview.close", tooltip="Close the preview")]
    HELP_TITLE = "LLM preview"
    HELP = "The prompt the findings call would send, as masked before sending, its size and cost. Esc closes."
    DEFAULT_CSS = """
    LLMPreviewScreen { align: center middle; }
    LLMPreviewScreen > Vertical { width: 90%; height: 90%; border: round $accent; background: $surface; }
    LLMPreviewScreen TextArea { height: 1fr; }
    """

    def __init__(self, settings: Settings, session: Session, transcript: Transcript, task: str = "findings") -> None:
        super().__init__()
        self.settings = settings
        self.session = session
        self.transcript = transcript
        self.preview_task = task

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Building the preview… (nothing is sent)", markup=False, id="lp-status")
            yield TextArea("", read_only=True, id="lp-text")

    def on_mount(self) -> None:
        self.call_after_refresh(self.build)

    @work(thread=True, exclusive=True, group="llm-preview", exit_on_error=False)
    def build(self) -> str:
        """The report text (the same as the command prints)."""
        from facilitator.llm.preview import build_preview, describe

        return describe(build_preview(self.settings, self.session, self.transcript, self.preview_task), self.session)

    @on(Worker.StateChanged)
    def _built(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "llm-preview" or event.state not in (WorkerState.ERROR, WorkerState.SUCCESS):
            return
        status = self.query_one("#lp-status", Static)
        if event.state == WorkerState.ERROR:
            event.prevent_default()
            status.update(f"The preview could not be built ({type(event.worker.error).__name__}).")
        elif event.state == WorkerState.SUCCESS:
            text: str = event.worker.result
            status.update(text.splitlines()[1] if text.count("\n") > 1 else "")
            self.query_one("#lp-text", TextArea).load_text(text)
