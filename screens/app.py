"""``FacilitatorApp``: the Textual application shell.

The app owns what every screen shares: the settings, the session store, the theme and the
user's keymap, F1 help, the command palette and the single place where worker errors
become notices (harlequin's ``handle_worker_error``). Screens do the work: the home screen
(the default screen, always at the bottom of the stack), the paste and loading screens, and
the main layout. Started with a source or a session name, the app goes straight to loading
it; the home screen stays underneath so "back" always has somewhere to go.

The app also owns the one ``facilitator.llm.LLM`` every screen shares (``self.llm``; None
without a key or with ``--no-llm``): one client, one memoised condensed transcript, so every
call after the first reads the transcript from the prompt cache. ``llm_offline`` holds the
sentence of the last LLM failure (the status line shows it; "llm: retry" clears it). The
client is closed when the app unmounts, while its event loop still runs. The LLM layer is
imported the first time ``self.llm`` is asked for (never with ``--no-llm``), and F1 help's
Markdown widgets when F1 is pressed, so neither delays the first frame.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.session import SourceSpec
from facilitator.session_files import BulkWriter
from facilitator.sessions import SessionStore
from screens.commands import FacilitatorCommands
from screens.home import HomeScreen
from screens.loading import LoadJob, LoadingScreen

if TYPE_CHECKING:
    from facilitator.llm import LLM

_UNSET = object()


# Keys that move the focus or save a form. Textual runs such a key's binding only once the key
# has bubbled back to the app, behind the keys typed after it, which then land in the field
# being left ("2024-12-03 14:05on-call"). These run as soon as the keys typed before them
# are in their field, and before any key typed after them is handed out.
FOCUS_KEYS = frozenset({"tab", "shift+tab", "ctrl+s", "ctrl+n"})  # Ctrl+N: a new item or row, typed into next
# Keys that save or break a line in the focused field: ordered the same way, but only where
# the focused widget itself binds them (elsewhere Enter keeps its usual meaning).
FIELD_KEYS = frozenset({"enter", "ctrl+j", "shift+enter"})


class FacilitatorApp(App[int]):
    """The full-screen post-mortem facilitator."""

    TITLE = "facilitator"
    # home.tcss is listed here because Textual does not load CSS_PATH of the default screen
    CSS_PATH = ["app.tcss", "home.tcss"]
    COMMANDS = App.COMMANDS | {FacilitatorCommands}
    PALETTE_GROUP = "app"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Help and keys for this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit (answers are already saved)", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        spec: SourceSpec | None = None,
        session_name: str | None = None,
        store: SessionStore | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.spec = spec
        self.session_name = session_name
        # bulky files (findings, transcript copy) are written in the background: see session_files
        self.store = store if store is not None else SessionStore(writer=BulkWriter())
        self.user_keymap: dict[str, str] = dict(settings.ui.keymap)
        self._llm: object = _UNSET  # built on first use: see the ``llm`` property
        self.llm_offline = ""  # why the LLM stopped helping in this run ("" while it works)
        self.current_session = ""  # the session on screen (printed as a resume command on quit)
        self.originals: dict[str, str] = {}  # clear text of messages masked on screen (this run only)

    @property
    def llm(self) -> LLM | None:
        """The shared LLM (None when off or without credentials), built the first time it is asked for."""
        if self._llm is _UNSET:
            if self.settings.llm.enabled:
                from facilitator.llm import get_llm

                self._llm = get_llm(self.settings)
            else:
                self._llm = None
        return self._llm  # type: ignore[return-value]

    @llm.setter
    def llm(self, value: LLM | None) -> None:
        self._llm = value

    @property
    def llm_off_reason(self) -> str:
        """Why there is no LLM at all: disabled or no key ("" when there is one)."""
        if self.llm is not None:
            return ""
        if not self.settings.llm.enabled:
            return "turned off with --no-llm"
        return "no ANTHROPIC_API_KEY; suggestions come from the transcript alone"

    async def on_unmount(self) -> None:
        """Close the LLM client while the event loop still runs; finish the session's writes."""
        self.store.flush()
        if self._llm is not _UNSET and self._llm is not None:
            await self._llm.aclose()  # type: ignore[attr-defined]

    async def on_event(self, event: events.Event) -> None:
        """Run Tab, Shift+Tab, Ctrl+S and a field's Enter in the order they were typed (see ``FOCUS_KEYS``)."""
        if isinstance(event, events.Key) and event.key in FOCUS_KEYS | FIELD_KEYS and self.focused is not None:
            await self._drain(self.focused)
            active = self.screen.active_bindings.get(event.key)  # the focus chain's binding, after check_action
            if active is not None and active.enabled and (event.key in FOCUS_KEYS or active.node is self.focused):
                event.stop()
                await self.run_action(active.binding.action, active.node)
                return
        await super().on_event(event)

    @staticmethod
    async def _drain(widget) -> None:
        """Wait until ``widget`` has handled the events already sent to it (a short cap)."""
        handled = asyncio.Event()
        widget.call_later(handled.set)
        try:
            await asyncio.wait_for(handled.wait(), 0.5)
        except TimeoutError:
            pass

    def get_default_screen(self) -> Screen:
        """The home screen; a blank one when starting straight into a source (faster first paint)."""
        if self.spec is not None or self.session_name:
            return Screen()
        return HomeScreen()

    def go_home(self) -> None:
        """Back to the home screen from the screen on top (creating it if the app started elsewhere)."""
        if any(isinstance(s, HomeScreen) for s in self.screen_stack[:-1]):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def on_mount(self) -> None:
        theme = self.settings.ui.theme
        self.theme = theme if theme in self.available_themes else "textual-dark"
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        if self.spec is not None or self.session_name:
            self.load(LoadJob(spec=self.spec, session_name=self.session_name))

    def load(self, job: LoadJob) -> None:
        """Load a source or a saved session, then open the main screen.

        A source that already has a saved session asks first: resume it, or start a new one.
        """
        if job.spec is not None and not job.session_name and job.transcript is None and job.source_file is None:
            from facilitator.resume import sessions_for
            from screens.resume import ResumeOrNewScreen

            found = sessions_for(job.spec, self.store)
            if found:
                def chosen(name: str | None) -> None:
                    if name is None:
                        self.call_later(self._home_if_blank)
                    elif name:
                        self.push_screen(LoadingScreen(LoadJob(session_name=name)))
                    else:
                        self.push_screen(LoadingScreen(job))

                self.push_screen(ResumeOrNewScreen(found[0], len(found) - 1, self.settings.timezone), chosen)
                return
        self.push_screen(LoadingScreen(job))

    def _home_if_blank(self) -> None:
        """Show the home screen when the app started straight into a source (a blank screen)."""
        if not any(isinstance(s, HomeScreen) for s in self.screen_stack):
            self.push_screen(HomeScreen())

    @property
    def resume_hint(self) -> str:
        """What to print when the app ends: the exact command that resumes the open session."""
        if not self.current_session:
            return ""
        from facilitator.resume import resume_command

        return f"Your answers are saved. Resume with: {resume_command(self.current_session)}"

    def action_help(self) -> None:
        """F1: help for the screen on top."""
        from screens.help import HelpScreen, help_markdown

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(help_markdown(self.screen)))

    @on(Worker.StateChanged)
    def handle_worker_error(self, event: Worker.StateChanged) -> None:
        """Any worker that fails ends as a notice, never a crash or a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, UserError):
            self.notify(str(error), title=error.title, severity="error", timeout=10, markup=False)
        else:
            self.log.error(f"worker {event.worker.name} failed: {error!r}")
            self.notify(
                f"Something went wrong ({type(error).__name__}: {error}). Your answers are saved; please report this.",
                title="Unexpected error",
                severity="error",
                timeout=15,
                markup=False,
            )
