"""The main layout: the transcript on the left, the post-mortem workflow in tabs on the right.

Pane protocol (every tab follows it, so panes stay independent of each other):

* A pane is a ``Widget`` constructed as ``Pane(interview, transcript, settings)`` where
  ``interview`` is the ``facilitator.interview.engine.Interview`` (its ``session`` is the
  persisted state, ``interview.save()`` persists it), ``transcript`` the loaded
  ``Transcript`` and ``settings`` the ``Settings``.
* To show evidence it posts ``screens.messages.CitationSelected(message_id)``; this screen
  opens the transcript pane, jumps to the message and highlights it.
* When it changes the session it posts ``SessionChanged(origin=<its name>)``; this screen
  forwards a non-bubbling copy to every pane, which refreshes in ``on_session_changed``.
* ``MessageTagged(message_id)`` (key ``t`` in the transcript) is forwarded the same way; the
  timeline pane adds the message as an event.
* A pane that runs workers inherits ``screens.messages.ReportsWorkerErrors`` (first base) so
  a failed worker becomes a notice; it locks its form on start and restores it on failure.
* Keys: ``BINDINGS`` with ``id=`` and ``tooltip=``, and a ``PALETTE_GROUP`` class attribute
  ("timeline", "whys", ...) so the command palette and F1 help list them; an optional
  ``HELP`` Markdown string is shown in F1 help while the pane is visible.

The workflow panes live in ``screens/timeline.py`` (``TimelinePane``), ``screens/whys.py``
(``WhysPane``), ``screens/actions.py`` (``ActionsPane``) and ``screens/preview.py``
(``PreviewPane``). A module that does not exist yet (during development) gets a
placeholder so the app always runs; any other error is a real bug and is not hidden.
The four workflow panes are wrapped in ``LazyPane`` (a ``Lazy`` that also imports the pane's
module then): they are imported and mounted just after the first paint, so the transcript and
the interview show at once even with a 20,000-message channel.

A session opened before its findings were extracted (``background_findings="extract"``:
every new one, and one whose extraction was interrupted) is extracted here, after the first
paint, in a daemon thread (``find_findings`` says why); a resumed session's findings file is
read the same way (``"load"``). ``BackgroundStatus`` says so while it runs and while the session's
bulky files are still being written. The findings then reach the panes as
``SessionChanged(origin="findings")``, like the LLM's: answers given meanwhile are kept (they
were saved as they were given) and the interview keeps what the user is typing.

LLM help (when ``app.llm`` exists) starts here, after the first paint (after the extraction
when there is one), in one async worker
of group "llm": refine the findings (skipped when a resumed session already has LLM
findings), then ask for suggestions to the open questions. Each step goes through
``facilitator.assist`` which falls back to the offline result; the first failure gives one
notice, the rest of the run stays offline ("llm: retry" in the palette tries again). Results
reach the panes as ``SessionChanged(origin="llm")``; the interview keeps what the user is
typing. ``LLMStatus`` (one line above the footer) says what is happening and what it cost.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane

from facilitator.config import Settings
from facilitator.evidence.model import EvidenceRecord
from facilitator.findings import Findings
from facilitator.interview.engine import Interview
from facilitator.session_start import apply_findings, extract_offline, gather_session_evidence
from facilitator.transcript import Transcript
from screens.interview import InterviewPane
from screens.messages import CitationSelected, MessageTagged, ReportsWorkerErrors, SessionChanged
from screens.widgets.background_status import BackgroundStatus
from screens.widgets.llm_status import LLMStatus
from screens.widgets.transcript_pane import TranscriptPane
from screens.widgets.transcript_view import TranscriptView

# (tab id, tab title, module, class)
WORKFLOW_PANES: tuple[tuple[str, str, str, str], ...] = (
    ("timeline", "Timeline", "screens.timeline", "TimelinePane"),
    ("whys", "5 Whys", "screens.whys", "WhysPane"),
    ("actions", "Actions", "screens.actions", "ActionsPane"),
    ("preview", "Preview", "screens.preview", "PreviewPane"),
)
TAB_ORDER = ("interview",) + tuple(t[0] for t in WORKFLOW_PANES)
MIN_WIDTH, MAX_WIDTH, STEP = 20, 75, 5
NARROW_TERMINAL, NARROW_WIDTH = 100, 38  # below 100 columns the tab titles need ~48 of them
# main.tcss always exists; a pane's sheet is skipped only while its module is being written
PANE_STYLESHEETS = ("main.tcss", "timeline.tcss", "whys.tcss", "actions.tcss", "preview.tcss")


def has_llm_findings(findings: Findings) -> bool:
    """True when an earlier run already merged LLM findings (a resumed session is not re-refined)."""
    for value in findings.__dict__.values():
        items = value if isinstance(value, list) else [value]
        if any(getattr(item, "source", "") == "llm" for item in items):
            return True
    return False


class LazyPane(Lazy):
    """A workflow pane built (its module imported) and mounted after the first paint."""

    def __init__(self, build: Callable[[], Widget]) -> None:
        Widget.__init__(self)
        self._build = build

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if parent is None:
            return

        async def mount() -> None:
            await parent.mount(self._build(), after=self)
            await self.remove()

        self.call_after_refresh(mount)


def build_pane(module: str, name: str, interview: Interview, transcript: Transcript, settings: Settings) -> Widget:
    """The pane class from ``module``, or a placeholder while that module does not exist yet."""
    try:
        cls = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the pane exists but imports something missing: a real bug
            raise
        return Static(f"{name} is coming soon.", classes="placeholder")
    return cls(interview, transcript, settings)


class MainScreen(ReportsWorkerErrors, Screen):
    """Transcript side pane + workflow tabs (Interview, Timeline, 5 Whys, Actions, Preview)."""

    # Widgets cannot have a CSS_PATH, so the panes' stylesheets are listed by their host.
    CSS_PATH = [f for f in PANE_STYLESHEETS if (Path(__file__).parent / f).exists()]
    PALETTE_GROUP = "view"
    HELP_TITLE = "Post-mortem"
    HELP = """\
The transcript of the incident is on the left; the post-mortem is built in the tabs on the
right, in order: Interview, Timeline, 5 Whys, Actions, Preview (then export).

**Transcript:** `/` search (Enter goes to the match, `n` / `N` next / previous), arrows
move between messages, `Enter` collapses or expands a thread, `t` tags the selected message
onto the timeline. Citations anywhere in the app jump here and highlight the message.
`Ctrl+T` hides or shows the pane, `[` and `]` make it narrower or wider. Secrets pasted
in the channel show as `[secret]`; `Ctrl+R` on a message shows it in clear, on purpose
(only in the run that loaded the channel: saved copies keep the masked text).

**LLM:** with a key, the line above the footer says what the LLM is doing, the tokens used
and the estimated cost. If the API fails you get one notice and everything continues
offline; `Ctrl+P` then "llm retry" asks again, "llm status" shows the details.

**Tabs:** `F2` Interview, `F3` Timeline, `F4` 5 Whys, `F5` Actions, `F6` Preview; `Esc` puts
the focus on the tab bar (then arrows). `Ctrl+F` searches the transcript even while typing.
"""
    BINDINGS = [
        # not in the footer: at 80 columns the focused widget's own keys need the room (F1 lists it)
        Binding("ctrl+t", "toggle_transcript", "Transcript", id="view.toggle_transcript", tooltip="Show or hide the transcript pane", show=False),
        Binding("slash,ctrl+f", "search", "Search", id="view.search", tooltip="Search the transcript (Ctrl+F works while typing too)"),
        Binding("left_square_bracket", "resize(-1)", "Narrower", id="view.narrower", tooltip="Make the transcript pane narrower", show=False),
        Binding("right_square_bracket", "resize(1)", "Wider", id="view.wider", tooltip="Make the transcript pane wider", show=False),
        # priority: a focused TextArea binds F6 (select line) and would swallow the tab key
        Binding("f2", "tab('interview')", "Go to Interview", id="view.tab_interview", tooltip="Go to the interview", show=False, priority=True),
        Binding("f3", "tab('timeline')", "Go to Timeline", id="view.tab_timeline", tooltip="Go to the timeline", show=False, priority=True),
        Binding("f4", "tab('whys')", "Go to 5 Whys", id="view.tab_whys", tooltip="Go to the 5 whys", show=False, priority=True),
        Binding("f5", "tab('actions')", "Go to Actions", id="view.tab_actions", tooltip="Go to the action items", show=False, priority=True),
        Binding("f6", "tab('preview')", "Go to Preview", id="view.tab_preview", tooltip="Go to the preview and export", show=False, priority=True),
        Binding("escape", "focus_tabs", "Tabs", id="view.focus_tabs", tooltip="Move focus to the tab bar", show=False),
    ]

    def __init__(
        self, interview: Interview, transcript: Transcript, settings: Settings, *, background_findings: str = ""
    ) -> None:
        super().__init__()
        self.background_findings = background_findings  # "extract", "load" or "" (see the module docstring)
        self.interview = interview
        self.transcript = transcript
        self.settings = settings
        self.transcript_width = min(MAX_WIDTH, max(MIN_WIDTH, settings.ui.transcript_width))
        self._resized = False  # once the user sizes the pane, their width wins on any terminal

    def compose(self) -> ComposeResult:
        with Horizontal(id="main-body"):
            yield TranscriptPane(self.transcript, self.interview.tz, id="transcript-pane")
            with TabbedContent(id="tabs", initial="interview"):
                with TabPane("Interview", id="interview"):
                    yield InterviewPane(self.interview, self.transcript, self.settings, id="interview-pane")
                for tab_id, title, module, cls in WORKFLOW_PANES:
                    with TabPane(title, id=tab_id):
                        # hidden tabs mount after the first paint, so the layout shows at once
                        yield LazyPane(partial(build_pane, module, cls, self.interview, self.transcript, self.settings))
        yield BackgroundStatus(id="background-status")
        yield LLMStatus(id="llm-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        title = self.interview.session.title or self.transcript.channel or "post-mortem"
        self.sub_title = title
        self.app.current_session = self.interview.session.name  # type: ignore[attr-defined]  # the resume hint on quit
        self._apply_width()
        self.query_one(InterviewPane).focus_answer()
        self.call_after_refresh(self._start_llm)  # the LLM layer is imported after the first paint
        writer = getattr(self.interview.store, "writer", None)
        if writer is not None:
            self.call_after_refresh(writer.release)  # held by the loading screen until the first paint
        self.set_interval(2.0, self._llm_usage_tick)
        if self.background_findings:
            self.query_one(BackgroundStatus).show(
                f"Reading {len(self.transcript):,} messages for facts (answers given now are kept)"
                if self.background_findings == "extract"
                else "Reading the saved findings"
            )
            self.call_after_refresh(self.find_findings, self.background_findings)  # after the first paint
        self._background_timer = self.set_interval(0.2, self._background_tick, pause=not self._background_busy())

    def _start_llm(self) -> None:
        app = self.app
        llm = getattr(app, "llm", None)
        if llm is None:
            self._llm_state("absent", getattr(app, "llm_off_reason", ""))
        elif getattr(app, "llm_offline", ""):
            self._llm_state("offline", app.llm_offline)
        else:
            self._llm_state("idle", f"{self.settings.llm.model} ready")
            if not self.background_findings:
                self.llm_assist()

    # -- background work: extraction, bulky writes ------------------------------------------
    def _writer_busy(self) -> bool:
        writer = getattr(getattr(self.app, "store", None), "writer", None)
        return bool(writer is not None and writer.busy)

    def _background_busy(self) -> bool:
        return bool(self.background_findings) or self._writer_busy()

    def _background_tick(self) -> None:
        status = self.query_one(BackgroundStatus)
        if self.background_findings:
            status.redraw()
        elif self._writer_busy():
            if not status.doing.startswith("Saving"):
                status.show("Saving the session")
            status.redraw()
        else:
            status.show("")
            self._background_timer.pause()
            writer = getattr(getattr(self.app, "store", None), "writer", None)
            if writer is not None and writer.errors:
                self.notify(writer.errors.pop(), title="Could not save", severity="error", timeout=15, markup=False)

    def find_findings(self, how: str) -> None:
        """Extract the channel's findings and gather the outside evidence ("extract"), or read the
        saved ones ("load"), in a thread.

        A daemon thread rather than a thread worker: Textual's workers run in the event loop's
        executor, which the interpreter waits for at exit, so quitting during the extraction of
        a long channel took as long as the extraction. Nothing is written from this thread (the
        findings are applied and saved on the UI thread), so stopping it at exit loses nothing:
        the session stays "findings pending" and the next resume extracts again.
        """
        store = self.interview.store
        name = self.interview.session.name
        app = self.app

        def run() -> None:
            try:
                evidence: EvidenceRecord | None = None
                if how == "load" and store is not None:
                    found: Findings = store.read_saved_findings(name)
                else:
                    found = extract_offline(self.transcript)
                    # links and files as `draft` reads them; nothing is fetched without a file or a token
                    session = self.interview.session.model_copy(update={"findings": found})
                    gather_session_evidence(session, self.transcript, self.settings)
                    if session.evidence is not self.interview.session.evidence:
                        evidence = session.evidence
                result: tuple[Findings, EvidenceRecord | None] | None = (found, evidence)
                error: BaseException | None = None
            except Exception as exc:  # noqa: BLE001 - reported on the UI thread
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the app has already exited
                app.call_from_thread(self._found, how, result, error)

        threading.Thread(target=run, name="facilitator-findings", daemon=True).start()

    def _found(self, how: str, result: tuple[Findings, EvidenceRecord | None] | None, error: BaseException | None) -> None:
        if not self.is_attached:
            return  # the screen was closed meanwhile: the session stays as saved
        self.background_findings = ""
        if error is not None:
            what = "read the saved findings" if how == "load" else "extract the findings"
            self.notify(
                f"Could not {what} ({type(error).__name__}: {error}); they are extracted again when the session is next opened.",
                title="Findings",
                severity="error",
                timeout=15,
                markup=False,
            )
        elif result is not None:
            store = self.interview.store
            findings, evidence = result
            if how == "load" and store is not None:
                store.adopt_findings(self.interview.session, findings)
            else:
                apply_findings(self.interview.session, findings)
                if evidence is not None:
                    self.interview.session.evidence = evidence
                    for note in evidence.notes:  # a link or page that could not be read: said once, at the start
                        self.notify(note, title="Evidence", severity="warning", timeout=10, markup=False)
                self.interview.save()  # findings.json goes to the background writer
            self.interview.refresh_suggestions()
            self.sub_title = self.interview.session.title or self.sub_title
            self._forward(SessionChanged, "findings")
        self._background_timer.resume()
        self._background_tick()
        if getattr(self.app, "llm", None) is not None and not getattr(self.app, "llm_offline", ""):
            self.llm_assist()

    # -- LLM help ------------------------------------------------------------------------
    def _llm_state(self, state: str, detail: str = "") -> None:
        self.query_one(LLMStatus).show_state(state, detail, self.interview.session.llm_usage)

    def _llm_usage_tick(self) -> None:
        self.query_one(LLMStatus).refresh_usage(self.interview.session.llm_usage)

    def _llm_notice(self, text: str) -> None:
        """assist's one-sentence failure: one notice, then offline for the rest of the run."""
        self.app.llm_offline = text  # type: ignore[attr-defined]
        self._llm_state("offline", text)
        self.notify(text, title="LLM unavailable", severity="warning", timeout=10, markup=False)

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def llm_assist(self) -> None:
        """Refine the findings, then suggest answers to the open questions (offline on failure)."""
        from facilitator import assist

        llm = getattr(self.app, "llm", None)
        if llm is None:
            return
        if not has_llm_findings(self.interview.session.findings):
            self._llm_state("busy", "refining findings from the channel")
            out = await assist.refine_session(self.interview, self.transcript, llm, self._llm_notice)
            if out.notice:
                return
            self._llm_changed()
        self._llm_state("busy", "suggesting answers")
        out = await assist.suggest_answers(self.interview, self.transcript, llm, self._llm_notice)
        if out.notice:
            return
        self._llm_changed()
        count = len(out.value)
        self._llm_state("idle", f"{count} suggestion{'s' if count != 1 else ''}" if count else "ready")

    def _llm_changed(self) -> None:
        """Tell every pane the findings or suggestions changed (the interview keeps edits)."""
        self._forward(SessionChanged, "llm")

    def action_llm_retry(self) -> None:
        """Try the LLM again after a failure (refine if needed, then suggestions)."""
        if getattr(self.app, "llm", None) is None:
            self.notify(f"There is no LLM: {getattr(self.app, 'llm_off_reason', '')}.", markup=False)
            return
        self.app.llm_offline = ""  # type: ignore[attr-defined]
        self.llm_assist()

    def action_llm_status(self) -> None:
        """Say what the LLM did in this session (tokens and estimated cost)."""
        from facilitator.llm import describe_usage

        app = self.app
        usage = self.interview.session.llm_usage
        if getattr(app, "llm", None) is None:
            why = getattr(app, "llm_off_reason", "")
            text = f"LLM off: {why}." + (f" Earlier: {describe_usage(usage)}." if usage.calls else "")
        elif getattr(app, "llm_offline", ""):
            text = f"LLM offline: {app.llm_offline} {describe_usage(usage)}."
        else:
            text = f"{describe_usage(usage)}; model {self.settings.llm.model}."
        self.notify(text, title="LLM", timeout=10, markup=False)

    # -- routing between panes -----------------------------------------------------------
    def _panes(self) -> list[Widget]:
        return [pane.children[0] for pane in self.query(TabPane) if pane.children and not isinstance(pane.children[0], Lazy)]

    def _forward(self, message_type, *args) -> None:
        for widget in self._panes():
            msg = message_type(*args)
            msg.bubble = False
            widget.post_message(msg)

    @on(CitationSelected)
    def _jump(self, event: CitationSelected) -> None:
        event.stop()
        pane = self.query_one(TranscriptPane)
        if not pane.display:
            pane.display = True
        if not pane.jump_to(event.message_id):
            self.notify(f"Message {event.message_id} is not in this transcript.", severity="warning")

    @on(SessionChanged)
    def _session_changed(self, event: SessionChanged) -> None:
        if event.bubble:  # only the original, not our forwarded copies
            event.stop()
            self.sub_title = self.interview.session.title or self.sub_title
            self._forward(SessionChanged, event.origin)

    @on(MessageTagged)
    def _tagged(self, event: MessageTagged) -> None:
        if event.bubble:
            event.stop()
            self._forward(MessageTagged, event.message_id)

    # -- actions -------------------------------------------------------------------------
    def action_toggle_transcript(self) -> None:
        """Show or hide the transcript pane."""
        pane = self.query_one(TranscriptPane)
        pane.display = not pane.display
        if not pane.display and pane.has_focus_within:
            self.query_one(InterviewPane).focus_answer()

    def action_search(self) -> None:
        """Open the transcript search (showing the pane if hidden)."""
        pane = self.query_one(TranscriptPane)
        pane.display = True
        pane.action_search()

    def action_resize(self, direction: int) -> None:
        """Make the transcript pane narrower (-1) or wider (1)."""
        self.transcript_width = min(MAX_WIDTH, max(MIN_WIDTH, self.effective_width + direction * STEP))
        self._resized = True
        self.query_one(TranscriptPane).display = True
        self._apply_width()

    @property
    def effective_width(self) -> int:
        """The pane width in percent: on a narrow terminal the default leaves the tabs room."""
        if not self._resized and self.app.size.width < NARROW_TERMINAL:
            return min(self.transcript_width, NARROW_WIDTH)
        return self.transcript_width

    def _apply_width(self) -> None:
        self.query_one(TranscriptPane).styles.width = f"{self.effective_width}%"

    def on_resize(self) -> None:
        """Re-apply the pane width (the narrow-terminal default depends on the size)."""
        self._apply_width()

    def action_tab(self, tab_id: str) -> None:
        """Switch to a workflow tab."""
        # focus left inside the tab being hidden would make Textual switch straight back
        self.set_focus(None)
        self.query_one(TabbedContent).active = tab_id
        if tab_id == "interview":
            self.query_one(InterviewPane).focus_answer()

    def action_focus_tabs(self) -> None:
        """Put the focus on the tab bar (arrows then switch tabs)."""
        self.query_one(TabbedContent).query_one("Tabs").focus()

    def palette_commands(self):
        """Commands without a key of their own, for the palette."""
        yield ("wider transcript", "Make the transcript pane wider", lambda: self.action_resize(1))
        yield ("narrower transcript", "Make the transcript pane narrower", lambda: self.action_resize(-1))
        yield ("focus transcript", "Move the focus to the transcript", self._focus_transcript)
        yield ("llm status", "What the LLM did in this session: tokens and estimated cost", self.action_llm_status)
        yield ("llm preview", "The masked prompt the next LLM call would send, its size and cost (nothing is sent)", self._llm_preview)
        if getattr(self.app, "llm", None) is not None:
            yield ("llm retry", "Ask the LLM again for refined findings and suggestions", self.action_llm_retry)

    def _llm_preview(self) -> None:
        from screens.llm_preview import LLMPreviewScreen

        self.app.push_screen(LLMPreviewScreen(self.settings, self.interview.session.model_copy(deep=True), self.transcript))

    def _focus_transcript(self) -> None:
        pane = self.query_one(TranscriptPane)
        pane.display = True
        pane.query_one(TranscriptView).focus()

    @property
    def transcript_view(self) -> TranscriptView:
        """The message list (tests and benchmarks use it)."""
        return self.query_one(TranscriptView)
