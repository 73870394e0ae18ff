"""The home screen: start a post-mortem from a source, or resume a saved one.

Sources: a live Slack channel (needs a token from ``SLACK_TOKEN`` or the config; the screen
says which), a Slack export (path + channel), a pasted transcript (its own screen with a
live preview) and the bundled demo. Saved sessions are listed most recent first with their
title, last change and progress, so "quit and come back tomorrow" is one keypress.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.session import SourceSpec
from screens.loading import LoadJob
from screens.messages import ReportsWorkerErrors


def llm_hint(app) -> str:
    """One line on the LLM: on (which model), turned off, or how to turn it on."""
    if getattr(app, "llm", None) is not None:
        return f"LLM help is on ({app.settings.llm.model})."
    if not app.settings.llm.enabled:
        return "LLM help is off (--no-llm): suggestions come from the transcript alone."
    return "Optional: set ANTHROPIC_API_KEY for LLM suggestions, whys and drafts."


class HomeScreen(ReportsWorkerErrors, Screen):
    """Where the app starts when no source is given."""

    PALETTE_GROUP = "home"
    HELP_TITLE = "Home"
    HELP = """\
Start a post-mortem from a **Slack channel** (a token is needed: set `SLACK_TOKEN` or run
`facilitator init`), a **Slack export** (the folder or zip, and the channel name), a
**pasted transcript**, or the **demo** incident. Or resume a saved session from the list:
every answer is saved as you give it.
"""
    BINDINGS = [
        Binding("d", "demo", "Demo", id="home.demo", tooltip="Open the bundled demo incident"),
        Binding("p", "paste", "Paste", id="home.paste", tooltip="Paste a transcript"),
        Binding("r", "resume", "Resume", id="home.resume", tooltip="Move to the list of saved sessions"),
        Binding("delete,x", "delete", "Delete", id="home.delete", tooltip="Delete the selected saved session (asks first)", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="home-body"):
            yield Static("[b]facilitator[/b] · turn an incident channel into a blameless post-mortem", id="home-title")
            with Vertical(id="home-resume", classes="home-section"):
                yield Static("Resume a post-mortem", classes="section-title")
                yield OptionList(id="home-sessions")
            with Vertical(id="home-start", classes="home-section"):
                yield Static("Start a new one", classes="section-title")
                with Horizontal(classes="home-row"):
                    yield Button("Try the demo", id="home-demo", variant="primary", compact=True)
                    yield Button("Paste a transcript", id="home-paste", compact=True)
                yield Static("Slack channel", classes="field-label")
                with Horizontal(classes="home-row"):
                    yield Input(placeholder="#inc-2041 or C0123456", id="home-slack-channel")
                    yield Button("Load", id="home-slack-load", compact=True)
                yield Static("", id="home-token-hint", classes="hint")
                yield Static("Slack export", classes="field-label")
                with Horizontal(classes="home-row"):
                    yield Input(placeholder="path to the export folder or .zip", id="home-export-path")
                    yield Input(placeholder="channel", id="home-export-channel")
                    yield Button("Load", id="home-export-load", compact=True)
                yield Static("", id="home-llm-hint", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        token = self.app.settings.slack.token
        hint = self.query_one("#home-token-hint", Static)
        if token is not None and token.get_secret_value():
            hint.update("A Slack token is configured.")
        else:
            hint.update("No Slack token yet: set SLACK_TOKEN (xoxb-/xoxp-) or run `facilitator init`.")
        self.query_one("#home-llm-hint", Static).update(llm_hint(self.app))
        self.refresh_sessions()
        sessions = self.query_one("#home-sessions", OptionList)
        (sessions if sessions.option_count else self.query_one("#home-demo")).focus()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        """Re-read the saved sessions."""
        zone = ZoneInfo(self.app.settings.timezone)
        listing = self.query_one("#home-sessions", OptionList)
        listing.clear_options()
        for s in self.app.store.list():
            done, total = s.progress
            when = f"{s.updated_at.astimezone(zone):%Y-%m-%d %H:%M}" if s.updated_at else "?"
            title = s.title or s.name
            filled = max(1, round(10 * done / total)) if total and done else 0  # any answer shows
            bar = "█" * filled + "░" * (10 - filled)  # progress at a glance, then in words
            listing.add_option(Option(f"{title}\n  {bar} {done}/{total} answered · {when} · {s.source}", id=s.name))
        self.query_one("#home-resume").display = listing.option_count > 0
        if listing.option_count:
            listing.highlighted = 0  # Enter resumes the most recent at once

    def _spec(self, **kwargs) -> SourceSpec:
        return SourceSpec(timezone=self.app.settings.timezone, **kwargs)

    def action_demo(self) -> None:
        """Open the demo incident."""
        self.app.load(LoadJob(spec=self._spec(kind="demo")))

    def action_paste(self) -> None:
        """Open the paste screen."""
        from screens.paste import PasteScreen

        self.app.push_screen(PasteScreen())

    def action_resume(self) -> None:
        """Focus the session list."""
        listing = self.query_one("#home-sessions", OptionList)
        if listing.option_count:
            listing.focus()
        else:
            self.notify("No saved sessions yet: start one from a source below.")

    def action_delete(self) -> None:
        """Delete the highlighted session after confirmation."""
        listing = self.query_one("#home-sessions", OptionList)
        if not listing.has_focus or listing.highlighted is None:
            return
        name = listing.get_option_at_index(listing.highlighted).id or ""

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.app.store.delete(name)
                self.notify(f"Deleted session {name}.")
                self.refresh_sessions()

        self.app.push_screen(ConfirmScreen(f"Delete the session {name}? Its answers cannot be recovered."), done)

    @on(OptionList.OptionSelected, "#home-sessions")
    def _resume(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.load(LoadJob(session_name=event.option.id))

    @on(Button.Pressed, "#home-demo")
    def _demo(self) -> None:
        self.action_demo()

    @on(Button.Pressed, "#home-paste")
    def _paste(self) -> None:
        self.action_paste()

    @on(Button.Pressed, "#home-slack-load")
    @on(Input.Submitted, "#home-slack-channel")
    def _slack(self) -> None:
        channel = self.query_one("#home-slack-channel", Input).value.strip()
        if not channel:
            self.notify("Type the channel name (#inc-2041) or id first.", severity="warning")
            return
        ref = channel.lstrip("#")
        self.app.load(LoadJob(spec=self._spec(kind="slack", ref=ref, channel=ref)))

    @on(Button.Pressed, "#home-export-load")
    @on(Input.Submitted, "#home-export-path")
    @on(Input.Submitted, "#home-export-channel")
    def _export(self) -> None:
        path = self.query_one("#home-export-path", Input).value.strip()
        channel = self.query_one("#home-export-channel", Input).value.strip().lstrip("#")
        if not path or not channel:
            self.notify("Give both the export path and the channel name.", severity="warning")
            (self.query_one("#home-export-path") if not path else self.query_one("#home-export-channel")).focus()
            return
        self.app.load(LoadJob(spec=self._spec(kind="slack-export", ref=path, channel=channel)))


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; Esc or n answers no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no", tooltip="No"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; max-width: 100%; height: auto; border: round $warning; padding: 1 2; background: $surface; }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            with Horizontal():
                yield Button("Yes (y)", id="confirm-yes", variant="error", compact=True)
                yield Button("No (n)", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no").focus()

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")
