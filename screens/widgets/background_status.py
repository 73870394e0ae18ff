"""One line saying what is still being done in the background after the first frame.

A new session opens as soon as its channel is loaded: the transcript and the first question
are on screen while the findings are extracted and the session's bulky files are written.
This line says so ("Reading 20,000 messages for facts… 3 s · answers given now are kept"),
and hides itself when nothing is left to do, so it costs no row at 80x24 the rest of the time.
"""

from __future__ import annotations

import time

from textual.widgets import Static

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class BackgroundStatus(Static):
    """'⠹ Reading the channel for facts… 2 s' while work runs; hidden when idle."""

    DEFAULT_CSS = """
    BackgroundStatus {
        height: 1;
        padding: 0 1;
        color: $text-accent;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.doing = ""
        self.started = 0.0
        self._tick = 0
        self.display = False

    def show(self, task: str) -> None:
        """Say what is being done (a phrase without the ellipsis); "" hides the line."""
        if task != self.doing:
            self.started = time.monotonic()
        self.doing = task
        self.display = bool(task)
        self.redraw()

    def redraw(self) -> None:
        """Advance the spinner and the elapsed seconds (called on a timer while busy)."""
        if not self.doing:
            return
        self._tick += 1
        seconds = int(time.monotonic() - self.started)
        elapsed = f" {seconds} s" if seconds else ""
        self.update(f"{SPINNER[self._tick % len(SPINNER)]} {self.doing}…{elapsed}")
