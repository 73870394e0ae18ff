"""Export: Markdown files or a Confluence page, then a result screen with the next steps.

Both exports run in a thread worker (the Confluence client is synchronous ``requests``) and
report progress through ``call_from_thread``; the form is locked while they run and given
back untouched when they fail, with the ``UserError`` sentence (what happened, what to do)
shown under it. Documents come from ``facilitator.render``; Confluence publishing from
``facilitator.publish`` (``prepare`` renders and leak-scans before any network call, so a
failure leaves the session as it was); only after success is the page recorded in
``session.published``, so publishing again updates the same page.

The external version is written or published only when the leak scan is clean: the
internal file is still written, and the result says why the external one is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from facilitator.config import Settings
from facilitator.durations import BY_KEY
from facilitator.errors import UserError
from facilitator.render import write_markdown_files
from facilitator.session import Session
from facilitator.summary import summarize_postmortem
from facilitator.transcript import Transcript
from screens.messages import ReportsWorkerErrors, SessionChanged
from screens.workflow import WorkflowPane

@dataclass
class ExportResult:
    """What an export produced, for the result screen."""

    title: str
    location: str
    url: str = ""
    year_page: str = ""
    duration: str = ""
    responders: int = 0
    actions: int = 0
    paths: list[Path] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    warning: str = ""
    published: bool = False


TIME_IN = BY_KEY["time_in"]  # the result screen's one duration, named and defined as everywhere


def summarize(session: Session, transcript: Transcript | None, settings: Settings, location: str, **extra) -> ExportResult:
    """The result screen's facts and next steps, from the core summary (the CLI shows the same)."""
    s = summarize_postmortem(session, transcript, settings)
    return ExportResult(
        title=s.title,
        location=location,
        duration=s.duration_text,
        responders=s.responders,
        actions=s.actions,
        next_steps=s.next_steps(),
        **extra,
    )


def write_markdown(session: Session, transcript: Transcript | None, settings: Settings, folder: Path) -> ExportResult:
    """Write internal.md (and external.md when the leak scan is clean) through the core."""
    try:
        paths, refused = write_markdown_files(session, transcript, settings, folder)
    except OSError as exc:
        raise UserError(f"Could not write to {folder} ({exc.strerror}); choose another folder.") from None
    warning = f"external.md was not written: {refused}" if refused else ""
    return summarize(session, transcript, settings, str(folder), paths=paths, warning=warning)


def publish_confluence(
    session: Session, transcript: Transcript | None, settings: Settings, version: str, progress
) -> tuple[ExportResult, Session]:
    """Publish one version; returns the result and the updated session (not saved here)."""
    from facilitator.publish import finish_page, prepare, record_page
    from facilitator.publish.confluence import make_client, publish_page, template_headings

    progress(1, "Connecting to Confluence")
    client = make_client(settings)
    progress(2, "Reading the template page")
    headings = template_headings(settings, client)
    progress(3, "Rendering and checking the document")
    prepared = prepare(session, transcript, settings, version, headings)
    known = session.published.confluence_page_id if version == "internal" else ""
    progress(4, "Publishing the page")
    from facilitator.publish.owner import owner_of

    page = publish_page(settings, prepared.title, prepared.body, prepared.year, known, client=client, owner=owner_of(session))
    finish_page(client, settings, prepared, page.page_id)  # pictures attached, house labels added
    updated = record_page(session, page, version)
    target = page.target
    verb = "created" if page.created else f"updated to version {page.version}"
    result = summarize(
        updated, transcript, settings, f"{target.space} > {target.parent_title} > {target.year_title}",
        url=page.url, year_page=target.year_title, published=True, warning=f"Page {verb}.",
    )
    result.title = prepared.title
    progress(5, "Done")
    return result, updated


class ExportResultScreen(ModalScreen[None]):
    """Where the post-mortem went, the facts at a glance, and what to do next."""

    CSS_PATH = "export.tcss"
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close", id="export_result.close", tooltip="Close the result")]
    HELP_TITLE = "Export result"
    HELP = "Where the post-mortem was written or published, and the next steps. Esc closes."

    def __init__(self, result: ExportResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with VerticalScroll(id="ex-result"):
            yield Static("Published to Confluence" if r.published else "Markdown files written", id="ex-result-title")
            rows = [("Title", r.title), ("Location", r.location)]
            if r.url:
                rows.append(("URL", r.url))
            if r.year_page:
                rows.append(("Year page", r.year_page))
            rows += [(TIME_IN.label, f"{r.duration} ({TIME_IN.definition})"), ("Responders", str(r.responders)),
                     ("Action items", str(r.actions))]
            rows += [("File", str(p)) for p in r.paths]
            for label, value in rows:
                with Horizontal(classes="ex-row"):
                    yield Label(label, classes="ex-label")
                    yield Static(value, markup=False, classes="ex-value")
            if r.warning:
                yield Static(r.warning, markup=False, id="ex-warning")
            yield Static("Next steps", classes="section-title")
            yield Static("\n".join(f"{n}. {step}" for n, step in enumerate(r.next_steps, 1)), markup=False, id="ex-steps")
            yield Button("Close", variant="primary", id="ex-close", compact=True, tooltip="Esc")

    def on_mount(self) -> None:
        self.query_one("#ex-close", Button).focus()

    @on(Button.Pressed, "#ex-close")
    def _close(self) -> None:
        self.dismiss(None)

    async def action_dismiss(self, result=None) -> None:
        """Close the result."""
        self.dismiss(None)


class ExportPane(WorkflowPane, ReportsWorkerErrors, Vertical):
    """Markdown files and Confluence publishing, with progress; lives in the Preview tab."""

    PALETTE_GROUP = "export"
    BINDINGS = [
        Binding("ctrl+s", "write", "Write Markdown", id="export.write", tooltip="Write internal.md and external.md"),
        Binding("ctrl+l", "publish", "Publish", id="export.publish", tooltip="Publish to Confluence"),
    ]

    def default_folder(self) -> Path:
        """The session folder's export/ subfolder (or ./<session> without a store)."""
        store = self.interview.store
        name = self.interview.session.name
        return store.folder(name) / "export" if store is not None else Path.cwd() / name

    def compose(self) -> ComposeResult:
        c = self.settings.confluence
        with VerticalScroll(id="ex-form"):
            yield Static("Markdown files", classes="section-title")
            yield Label("Folder (internal.md and external.md are written here)")
            yield Input(str(self.default_folder()), id="ex-folder")
            yield Button("Write Markdown files", variant="primary", id="ex-write", compact=True, tooltip="Ctrl+S")
            yield Static("Confluence", classes="section-title")
            if c.url and c.space:
                parent = f" · parent page {c.parent_page_id}" if c.parent_page_id else ""
                yield Static(f"{c.url} · space {c.space}{parent}", markup=False, classes="hint")
            else:
                yield Static("Not configured: run `facilitator init`, or set confluence.url, space and parent_page_id "
                             "in the config and CONFLUENCE_TOKEN in the environment.", classes="hint", id="ex-not-configured")
            published = self.interview.session.published
            if published.confluence_url:
                yield Static(f"Published before: {published.confluence_url} (publishing again updates it)", markup=False, classes="hint")
            yield Select([("internal version", "internal"), ("external version", "external")], value="internal",
                         allow_blank=False, id="ex-version")
            yield Button("Publish to Confluence", id="ex-publish", compact=True, tooltip="Ctrl+L")
            yield ProgressBar(total=5, show_eta=False, id="ex-progress")
            yield Static("", markup=False, id="ex-status")

    def on_mount(self) -> None:
        self.query_one("#ex-progress").display = False

    def focus_first(self) -> None:
        """Focus the folder input."""
        self.query_one("#ex-folder", Input).focus()

    def _lock(self, locked: bool, note: str = "") -> None:
        for wid in ("#ex-folder", "#ex-write", "#ex-version", "#ex-publish"):
            self.query_one(wid).disabled = locked
        self.query_one("#ex-status", Static).update(note)
        self.query_one("#ex-status").set_class(False, "error")

    def _error(self, text: str) -> None:
        status = self.query_one("#ex-status", Static)
        status.update(text)
        status.set_class(True, "error")

    # -- Markdown --------------------------------------------------------------------------

    def action_write(self) -> None:
        """Write the Markdown files to the folder in the form."""
        raw = self.query_one("#ex-folder", Input).value.strip()
        if not raw:
            self._error("Give a folder to write to.")
            return
        self._lock(True, "Writing…")
        self.write_files(self.interview.session.model_copy(deep=True), Path(raw).expanduser())

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_files(self, session: Session, folder: Path) -> ExportResult:
        """Render and write (thread)."""
        return write_markdown(session, self.transcript, self.settings, folder)

    # -- Confluence ------------------------------------------------------------------------

    def action_publish(self) -> None:
        """Publish the chosen version to Confluence, with progress."""
        version = self.query_one("#ex-version", Select).value
        self._lock(True, "Publishing…")
        bar = self.query_one("#ex-progress", ProgressBar)
        bar.update(progress=0)
        bar.display = True
        self.publish(self.interview.session.model_copy(deep=True), version if isinstance(version, str) else "internal")

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def publish(self, session: Session, version: str) -> tuple[ExportResult, Session]:
        """Publish (thread); progress goes back through call_from_thread."""
        worker = get_current_worker()

        def progress(step: int, note: str) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, step, note)

        return publish_confluence(session, self.transcript, self.settings, version, progress)

    def _progress(self, step: int, note: str) -> None:
        self.query_one("#ex-progress", ProgressBar).update(progress=step)
        self.query_one("#ex-status", Static).update(note + "…")

    @on(Worker.StateChanged)
    def _done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export" or event.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        self._lock(False)
        self.query_one("#ex-progress").display = False
        if event.state == WorkerState.ERROR:
            event.prevent_default()
            error = event.worker.error
            if isinstance(error, UserError):
                self._error(str(error))
            else:
                self._error(f"Export failed unexpectedly ({type(error).__name__}: {error}); your session is unchanged.")
            return
        if event.state != WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, tuple):
            result, updated = result
            self.interview.session.published = updated.published
            self.interview.save()
            self.post_message(SessionChanged(origin="export"))
        self.query_one("#ex-status", Static).update(
            f"Published: {result.url}" if result.published else "Written: " + ", ".join(str(p) for p in result.paths)
        )
        self.last_result = result
        self.app.push_screen(ExportResultScreen(result))

    @on(Button.Pressed, "#ex-write")
    def _write_pressed(self) -> None:
        self.action_write()

    @on(Button.Pressed, "#ex-publish")
    def _publish_pressed(self) -> None:
        self.action_publish()

    @on(Input.Submitted, "#ex-folder")
    def _folder_submitted(self) -> None:
        self.action_write()
