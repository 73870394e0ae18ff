"""F1 help: what this screen is for, and every key and command available on it.

Each screen (and each pane that has keys) describes itself in a ``HELP`` class attribute
(Markdown). The key table comes from the same collector as the command palette
(``screens.commands.collect``), so remapped keys show as the user set them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from rich.markdown import Markdown
from textual.widgets import Static

from screens.commands import collect, shown

GENERAL = """\
**Everywhere:** `F1` this help · `Ctrl+P` command palette (every action is there) ·
`Tab` / `Shift+Tab` move focus · `Ctrl+Q` quit. Your answers are saved as you give them;
quit at any time and resume from the home screen or with `--session NAME`.
"""


def help_markdown(screen: Screen) -> str:
    """The help text for a screen: its HELP, its panes' HELP, then a key table (all Markdown)."""
    parts = [f"# {getattr(screen, 'HELP_TITLE', '') or type(screen).__name__}\n"]
    if getattr(screen, "HELP", ""):
        parts.append(screen.HELP.strip() + "\n")
    for widget in screen.query("*"):
        text = getattr(widget, "HELP", "") if getattr(widget, "PALETTE_GROUP", "") else ""
        if text and shown(widget):
            parts.append(text.strip() + "\n")
    parts.append(GENERAL)
    parts.append("## Keys and commands\n")
    rows = []
    for cmd in collect(screen):
        key = f"`{cmd.key}`" if cmd.key else "(palette)"
        rows.append(f"- {key} **{cmd.name}**: {cmd.help}")
    parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


class HelpScreen(ModalScreen[None]):
    """Modal help for the screen it was opened from; Esc, F1 or q closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", id="help.close", tooltip="Close the help"),
    ]
    CSS_PATH = "help.tcss"

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            # Rich's Markdown in a Static: Textual's Markdown widget takes seconds on a long key list
            yield Static(Markdown(self.markdown), id="help-text")
        yield Static("Esc closes", id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
