"""Paste mode: paste a transcript, see how it was read, fix the date or zone, continue.

The parse (``facilitator.sources.paste.parse_transcript``) runs on every pause in typing
(debounced, in an exclusive worker so a long paste never blocks the editor) and the preview
shows what the interview will work from: messages, people, time span, the detected format,
warnings, and the lines that could not be attributed to anyone. Times without a date or a
zone are common in pastes, so the date and zone inputs sit right there and re-run the parse.
The text is never altered; continuing saves a copy in the session folder.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Static, TextArea
from textual.worker import Worker, WorkerState

from facilitator.config import check_timezone
from facilitator.errors import UserError, redact_secrets
from facilitator.session import SourceSpec
from facilitator.transcript import Transcript
from screens.loading import LoadJob
from screens.messages import ReportsWorkerErrors

PREVIEW_MESSAGES = 5
DEBOUNCE_SECONDS = 0.3


def parse(text: str, tz: str, day: str) -> Transcript:
    """Parse pasted text with the user's date and zone; UserError for bad inputs."""
    from facilitator.sources.paste import parse_transcript

    check_timezone(tz)
    default_date = None
    if day.strip():
        try:
            default_date = date.fromisoformat(day.strip())
        except ValueError:
            raise UserError(f"'{day}' is not a date; use YYYY-MM-DD, e.g. 2024-12-03.") from None
    return parse_transcript(text, tz=tz, default_date=default_date, origin="paste")


def for_this_screen(message: str) -> str:
    """Core messages name CLI flags; here the same inputs are fields on screen."""
    text = (
        message.replace("pass --date YYYY-MM-DD", "type the date (YYYY-MM-DD) in the date field below")
        .replace("--date", "the date field")
        .replace("--tz", "the timezone field")
    )
    return text[:1].upper() + text[1:]  # "paste contains..." starts a sentence here


def preview_text(t: Transcript, tz: str) -> str:
    """The preview as Rich markup-free text."""
    zone = ZoneInfo(tz)
    lines = [f"{len(t)} messages" + (f" · format: {t.format}" if t.format else "")]
    people = t.participants(include_bots=True)
    if people:
        shown = ", ".join(f"{name} ({n})" for name, n in people[:8])
        more = f" and {len(people) - 8} more" if len(people) > 8 else ""
        lines.append(f"{len(people)} people: {shown}{more}")
    if t.first_at and t.last_at:
        a, b = t.first_at.astimezone(zone), t.last_at.astimezone(zone)
        lines.append(f"From {a:%a %d %b %Y %H:%M} to {b:%a %d %b %H:%M} ({tz})")
    for w in t.warnings:
        lines.append(f"⚠ {w}")
    if t.unattributed:
        lines.append(f"⚠ {len(t.unattributed)} line(s) not attributed to anyone (kept, not lost):")
        lines.extend(f"    {u.origin}: {redact_secrets(u.text)[:70]}" for u in t.unattributed[:3])
    if t.messages:
        lines.append("")
        lines.append("First messages:")
        for m in t.messages[:PREVIEW_MESSAGES]:
            text = " ".join(redact_secrets(m.text).split())  # masked as the session will show it
            lines.append(f"  {m.at.astimezone(zone):%H:%M} {m.author}: {text[:60]}")
    return "\n".join(lines)


class PasteScreen(ReportsWorkerErrors, Screen):
    """Paste a transcript, check the preview, continue to the interview."""

    CSS_PATH = "paste.tcss"
    PALETTE_GROUP = "paste"
    HELP_TITLE = "Paste a transcript"
    HELP = """\
Paste the incident channel as copied from Slack (or any chat log with times and names).
The preview on the right shows how it was read. If the times have no date, give the date
of the incident; if they have no zone, check the timezone. Lines that could not be
attributed to anyone are listed and kept. Continue when the preview looks right.
"""
    BINDINGS = [
        Binding("ctrl+s", "continue", "Continue", id="paste.continue", tooltip="Start the post-mortem from this transcript"),
        Binding("escape", "back", "Back", id="paste.back", tooltip="Back to the home screen"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.parsed: Transcript | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="paste-body"):
            with Vertical(id="paste-left"):
                yield Static("Paste the transcript here (Ctrl+V or your terminal's paste)", classes="section-title")
                yield TextArea(id="paste-text", soft_wrap=True, show_line_numbers=False)
                with Horizontal(id="paste-inputs"):
                    yield Input(placeholder="YYYY-MM-DD", id="paste-date", tooltip="The incident's date, for times without one")
                    yield Input(value=self.app.settings.timezone, placeholder="timezone", id="paste-tz", tooltip="IANA zone of times without one")
            with Vertical(id="paste-right"):
                yield Static("Preview", classes="section-title")
                with VerticalScroll(id="paste-preview-box"):
                    yield Static("Nothing pasted yet.", id="paste-preview", markup=False)
                with Horizontal(id="paste-buttons"):
                    yield Button("Continue", id="paste-continue", variant="primary", compact=True, disabled=True)
                    yield Button("Back", id="paste-back", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#paste-text").focus()

    @on(TextArea.Changed, "#paste-text")
    @on(Input.Changed, "#paste-date")
    @on(Input.Changed, "#paste-tz")
    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.reparse)

    def reparse(self) -> None:
        """Parse the current text (in a worker) and update the preview."""
        text = self.query_one("#paste-text", TextArea).text
        if not text.strip():
            self.parsed = None
            self.query_one("#paste-preview", Static).update("Nothing pasted yet.")
            self.query_one("#paste-continue", Button).disabled = True
            return
        tz = self.query_one("#paste-tz", Input).value.strip() or "UTC"
        day = self.query_one("#paste-date", Input).value
        self._parse(text, tz, day)

    @work(thread=True, exclusive=True, group="paste-parse", exit_on_error=False)
    def _parse(self, text: str, tz: str, day: str) -> tuple[Transcript, str]:
        return parse(text, tz, day), tz

    @on(Worker.StateChanged)
    def _parsed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "paste-parse":
            return
        button = self.query_one("#paste-continue", Button)
        preview = self.query_one("#paste-preview", Static)
        if event.state == WorkerState.SUCCESS:
            transcript, tz = event.worker.result
            self.parsed = transcript
            preview.update(preview_text(transcript, tz))
            button.disabled = len(transcript) == 0
            self.query_one("#paste-date", Input).remove_class("needs-input")
        elif event.state == WorkerState.ERROR:
            event.prevent_default()  # shown in the preview, where the user is looking
            self.parsed = None
            button.disabled = True
            error = event.worker.error
            text = str(error) if isinstance(error, UserError) else f"Could not read this: {error}"
            preview.update(for_this_screen(text))
            needs_date = "--date" in text
            self.query_one("#paste-date", Input).set_class(needs_date, "needs-input")

    def action_continue(self) -> None:
        """Save the pasted text and start the session from the parsed transcript."""
        if self.parsed is None or not len(self.parsed):
            self.notify("Paste a transcript first; the preview must show at least one message.", severity="warning")
            return
        text = self.query_one("#paste-text", TextArea).text
        tz = self.query_one("#paste-tz", Input).value.strip() or "UTC"
        day = self.query_one("#paste-date", Input).value.strip()
        folder = Path(tempfile.mkdtemp(prefix="facilitator-paste-"))
        source = folder / "paste.txt"
        source.write_text(text, encoding="utf-8")
        spec = SourceSpec(kind="transcript", ref=str(source), timezone=tz, date=day)
        self.app.switch_screen(self._loading(LoadJob(spec=spec, transcript=self.parsed, source_file=source)))

    @staticmethod
    def _loading(job: LoadJob):
        from screens.loading import LoadingScreen

        return LoadingScreen(job)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()

    @on(Button.Pressed, "#paste-continue")
    def _continue(self) -> None:
        self.action_continue()

    @on(Button.Pressed, "#paste-back")
    def _back(self) -> None:
        self.action_back()
