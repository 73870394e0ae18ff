"""The transcript side pane: a header, the channel (``TranscriptView``) and a search box.

The view (``screens.widgets.transcript_view``) does the work: layout, rendering, jumps and
the search itself. The pane adds what sits around it: a one-line summary that also shows the
search position, and the box that ``/`` opens (searching as you type, Enter to go, Esc to
close; the term stays for ``n`` / ``N``).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from facilitator.transcript import Transcript
from screens.widgets.transcript_view import TranscriptView

__all__ = ["TranscriptPane"]


class TranscriptPane(Vertical):
    """Header, the virtualized view, and a search box that opens with ``/``."""

    PALETTE_GROUP = "transcript"
    BINDINGS = [
        Binding("slash", "search", "Search", id="transcript.search", tooltip="Search the transcript (n / N for next / previous)"),
        Binding("escape", "close_search", "Close search", id="transcript.close_search", tooltip="Close the search box", show=False),
    ]
    DEFAULT_CSS = """
    TranscriptPane { height: 1fr; }
    TranscriptPane > #transcript-header { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    TranscriptPane > TranscriptView { height: 1fr; }
    TranscriptPane > #transcript-search { dock: bottom; display: none; }
    TranscriptPane.searching > #transcript-search { display: block; }
    """

    def __init__(self, transcript: Transcript, timezone: str = "UTC", **kwargs) -> None:
        super().__init__(**kwargs)
        self.transcript = transcript
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="transcript-header", markup=False)
        yield TranscriptView(self.transcript, self.timezone, id="transcript-view")
        yield Input(placeholder="Search author or text, Enter to go, Esc to close", id="transcript-search")

    def _summary(self) -> str:
        t = self.transcript
        name = f"#{t.channel}" if t.channel else t.source
        return f"{name} · {len(t):,} messages · {t.thread_count} threads · {self.timezone}"

    @property
    def view(self) -> TranscriptView:
        """The message list."""
        return self.query_one(TranscriptView)

    def show_status(self, text: str) -> None:
        """Show a short note in the header (search position and the like)."""
        self.query_one("#transcript-header", Static).update(f"{text} · {self._summary()}" if text else self._summary())

    def jump_to(self, message_id: str) -> bool:
        """Select and highlight a message; False when it is not in the transcript."""
        return self.view.jump_to(message_id)

    def action_search(self) -> None:
        """Open the search box."""
        self.add_class("searching")
        box = self.query_one("#transcript-search", Input)
        box.value = self.view.term
        box.focus()

    @on(Input.Changed, "#transcript-search")
    def _live_search(self, event: Input.Changed) -> None:
        count = self.view.search(event.value)
        self.show_status(f"{count} match{'es' if count != 1 else ''}" if event.value.strip() else "")

    @on(Input.Submitted, "#transcript-search")
    def _go(self, event: Input.Submitted) -> None:
        self.view.search(event.value)
        self.view.action_find(1)
        if not self.view.matches:
            self.show_status(f"no match for “{event.value.strip()}”")
        self.remove_class("searching")
        self.view.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape only belongs to the pane while the search box is open."""
        if action == "close_search":
            return self.has_class("searching")
        return True

    def action_close_search(self) -> None:
        """Close the search box (the term stays for n / N)."""
        self.remove_class("searching")
        self.view.focus()
