"""Loading a source (or a saved session) off the UI thread, with progress and cancel.

Everything slow before the first frame happens in one thread worker: fetching from Slack,
reading an export, creating or opening the session. Extracting the findings and writing the
session's bulky files are not waited for here: the main screen does them in the background
after its first frame, and so is reading a resumed session's findings (``background`` in the
worker's result: "extract", "load" or ""). The worker reports progress with
``call_from_thread`` and never touches widgets directly. Cancel (Esc) sets the worker's
cancelled flag; the next progress callback raises inside the loader, which stops the fetch.
A failure is shown here in plain words (the ``UserError`` sentence says what to do), with
a way back to the home screen; nothing is half-created on screen.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, LoadingIndicator, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from facilitator.errors import UserError
from facilitator.interview.engine import Interview
from facilitator.session import SourceSpec
from facilitator.session_start import open_session, start_session
from facilitator.transcript import Transcript
from screens.messages import ReportsWorkerErrors


class LoadCancelled(Exception):
    """Raised inside the loader thread when the user cancelled."""


@dataclass
class LoadJob:
    """What to load: a source (optionally with an already parsed transcript) or a session."""

    spec: SourceSpec | None = None
    session_name: str | None = None
    transcript: Transcript | None = None  # already parsed (paste screen)
    source_file: Path | None = None  # pasted text saved to a file, copied into the session

    @property
    def label(self) -> str:
        """What the screen says it is loading."""
        if self.spec is None:
            return f"Opening session {self.session_name}"
        what = {
            "demo": "the demo incident",
            "transcript": "the transcript",
            "slack-export": f"#{self.spec.channel} from the Slack export",
            "slack": f"{self.spec.ref} from Slack",
        }[self.spec.kind]
        return f"Loading {what}"


class LoadingScreen(ReportsWorkerErrors, Screen):
    """Progress while the worker loads; the main screen replaces this one on success."""

    CSS_PATH = "loading.tcss"
    PALETTE_GROUP = "loading"
    HELP_TITLE = "Loading"
    HELP = "The incident is being loaded. Esc cancels and returns to the home screen."
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="loading.cancel", tooltip="Stop loading and go back"),
    ]

    def __init__(self, job: LoadJob) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="loading-box"):
                yield Static(self.job.label + "…", id="loading-title")
                yield LoadingIndicator(id="loading-spinner")
                yield ProgressBar(total=None, show_eta=False, id="loading-progress")
                yield Static("", id="loading-status")
                yield Static("", id="loading-error")
                yield Button("Cancel", id="loading-cancel", compact=True)
                yield Button("Back to home", id="loading-back", variant="primary", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#loading-back").display = False
        self.query_one("#loading-error").display = False
        self.load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> tuple[Interview, Transcript, str]:
        """Load and create/open the session (runs in a thread)."""
        # A long channel makes tens of thousands of objects that all stay: automatic full
        # collections during the load only walk them (a fifth of the wait); collect after.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load()
        finally:
            if enabled:
                gc.enable()

    def _load(self) -> tuple[Interview, Transcript, str]:
        worker = get_current_worker()
        app = self.app
        job = self.job

        def progress(messages: int, threads: int, note: str = "") -> None:
            if worker.is_cancelled:
                raise LoadCancelled()
            app.call_from_thread(self._progress, messages, threads, note)

        store = app.store
        settings = app.settings
        if store.writer is not None:
            store.writer.hold()  # the main screen releases it after its first paint
        created = job.spec is not None and not (job.session_name and store.exists(job.session_name))
        self._created = created  # a plain flag read by _done once the worker has finished
        if created:
            spec = job.spec
            if job.source_file is not None:
                spec = spec.model_copy(update={"ref": str(job.source_file)})
            try:
                session, transcript = start_session(
                    spec, settings, store, transcript=job.transcript, name=job.session_name, progress=progress, extract=False
                )
            finally:
                if job.source_file is not None:  # the session keeps its own (redacted) copy
                    job.source_file.unlink(missing_ok=True)
                    with contextlib.suppress(OSError):
                        job.source_file.parent.rmdir()
        else:
            if not job.session_name:
                raise UserError("Nothing to open: choose a source or a saved session.")
            if not store.exists(job.session_name):
                raise UserError(
                    f"There is no session named '{job.session_name}'; pick one on the home screen or start a new one."
                )
            app.call_from_thread(self._progress, 0, 0, "reading the saved session")
            session, transcript = open_session(job.session_name, store, settings, extract=False, findings=False)
        # Loading masked the secrets (``redact.mask_transcript``) and kept each original in memory:
        # Ctrl+R in the transcript reveals one. A resumed session has none (its copy is masked for good).
        originals = dict(transcript.originals) if created else {}
        app.call_from_thread(setattr, app, "originals", originals)
        if worker.is_cancelled:
            if created and store.exists(session.name):
                store.delete(session.name)  # cancelled after all: leave nothing behind
            raise LoadCancelled()
        app.call_from_thread(self._progress, len(transcript), transcript.thread_count, "preparing the interview")
        background = "extract" if store.findings_pending(session.name) else "load" if store.findings_deferred(session.name) else ""
        return Interview(session, transcript, store), transcript, background

    def _progress(self, messages: int, threads: int, note: str) -> None:
        text = f"{messages:,} messages, {threads:,} threads"
        self.query_one("#loading-status", Static).update(f"{text} · {note}" if note else text)

    @on(Worker.StateChanged)
    def _done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "load":
            return
        if event.state == WorkerState.SUCCESS:
            from screens.main import MainScreen

            interview, transcript, background = event.worker.result
            self.app.switch_screen(MainScreen(interview, transcript, self.app.settings, background_findings=background))
            notes = interview.session.evidence.notes if getattr(self, "_created", False) else []
            for note in notes:  # a link or page that could not be read: said when the session starts, not on resume
                self.app.notify(note, title="Evidence", severity="warning", timeout=10)
        elif event.state == WorkerState.ERROR:
            self._release_writer()
            error = event.worker.error
            event.prevent_default()  # shown here, in full, rather than as a notice
            if isinstance(error, LoadCancelled):
                self.app.go_home()
            elif isinstance(error, UserError):
                self._show_error(error.title, str(error))
            else:
                self.log.error(f"loading failed: {error!r}")
                self._show_error("Unexpected error", f"{type(error).__name__}: {error}. Please report this.")
        elif event.state == WorkerState.CANCELLED:
            self._release_writer()
            self.app.go_home()

    def _release_writer(self) -> None:
        writer = getattr(self.app.store, "writer", None)
        if writer is not None:
            writer.release()

    def _show_error(self, title: str, text: str) -> None:
        self.query_one("#loading-title", Static).update(title)
        error = self.query_one("#loading-error", Static)
        error.update(text)
        error.display = True
        for wid in ("#loading-spinner", "#loading-progress", "#loading-cancel"):
            self.query_one(wid).display = False
        back = self.query_one("#loading-back", Button)
        back.display = True
        back.focus()

    def action_cancel(self) -> None:
        """Cancel the load (or leave after an error)."""
        workers = [w for w in self.workers if w.group == "load" and w.is_running]
        if workers:
            for w in workers:
                w.cancel()
            self.query_one("#loading-status", Static).update("Cancelling…")
        else:
            self.app.go_home()

    @on(Button.Pressed, "#loading-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#loading-back")
    def _back(self) -> None:
        self.app.go_home()
