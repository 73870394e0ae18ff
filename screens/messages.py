"""Messages the panes of the app exchange; small dataclasses, nothing else.

Panes never call each other. A citation anywhere posts ``CitationSelected`` and the main
screen asks the transcript pane to jump; any pane that changes the session posts
``SessionChanged`` and the main screen forwards it to every other pane so they refresh.
Long work (LLM turns, publishing) reports through the ``Work*`` family, after elia's
``AgentResponseStarted/Complete/Failed`` and harlequin's query messages: the pane that
started the work locks its form on ``WorkStarted`` and restores it, untouched, on
``WorkFailed``.

Textual delivers ``Worker.StateChanged`` only to the node that started the worker (it does
not bubble), so screens and panes that run workers inherit ``ReportsWorkerErrors``: it hands
failed workers to the app, whose one ``handle_worker_error`` turns them into notices. A
node that shows an error itself calls ``event.prevent_default()`` in its own handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.worker import Worker, WorkerState


@dataclass
class CitationSelected(Message):
    """Show this message in the transcript pane, highlighted."""

    message_id: str


@dataclass
class MessageTagged(Message):
    """The user tagged a transcript message (key ``t``) for the timeline."""

    message_id: str


@dataclass
class SessionChanged(Message):
    """The session changed; ``origin`` names the pane that changed it (it need not refresh)."""

    origin: str = ""


@dataclass
class WorkStarted(Message):
    """Long work began (``group`` is the worker group, e.g. "llm", "publish")."""

    group: str
    label: str = ""


@dataclass
class WorkChunk(Message):
    """A piece of streamed output (LLM text, a progress note)."""

    group: str
    text: str


@dataclass
class WorkFinished(Message):
    """The work completed; ``result`` is whatever the pane needs."""

    group: str
    result: object = None


@dataclass
class WorkFailed(Message):
    """The work failed with a sentence for the user; the form restores untouched."""

    group: str
    error: str


class ReportsWorkerErrors:
    """Mixin for screens and panes: forward failed workers to the app's single error handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Re-post a failure to the app (which turns it into a notice)."""
        app = self.app  # type: ignore[attr-defined]
        if event.state == WorkerState.ERROR and self is not app:
            app.post_message(Worker.StateChanged(event.worker, event.state))
