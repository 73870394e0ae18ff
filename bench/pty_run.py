"""Run a command in a pseudo-terminal and time what a person would see.

The benchmarks in ``bench/tui_start.py`` use this to measure the app the way a user waits
for it: the clock starts just before the process is forked (so interpreter start-up and
every import count) and stops when the expected texts have all been written to the
terminal (searched in the output with the escape sequences removed; the texts are chosen
so that only the screen being timed shows them). The child's peak RSS comes from ``os.wait4`` (its own, not the bench's).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]")


def plain(data: bytes) -> str:
    """Terminal output without its escape sequences."""
    return ANSI.sub(b"", data).decode("utf-8", "replace")


@dataclass
class Run:
    """One process in a pty."""

    argv: Sequence[str]
    env: dict[str, str] | None = None
    size: tuple[int, int] = (160, 48)  # columns, rows
    pid: int = 0
    fd: int = -1
    t0: float = 0.0
    output: bytearray = field(default_factory=bytearray)
    frames_seen: int = 0  # bytes of output already searched
    peak_rss_mb: float = 0.0
    exit_status: int | None = None

    def start(self) -> Run:
        """Fork the process (the clock starts here)."""
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                os.execvpe(self.argv[0], list(self.argv), self.env or os.environ.copy())
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        cols, rows = self.size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        return self

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the child closed the terminal
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def wait_for(self, texts: Sequence[str], timeout: float = 120.0, since: int = 0) -> float:
        """Seconds from start until every text has been written to the terminal after byte ``since``.

        The texts are searched in the output with its escape sequences removed, as each chunk
        arrives; the time is that of the chunk completing the last text.
        """
        deadline = time.perf_counter() + timeout
        missing = list(texts)
        scanned = since
        while time.perf_counter() < deadline:
            alive = self._read(0.02)
            if len(self.output) > scanned:
                now = time.perf_counter()
                text = plain(bytes(self.output[max(since, scanned - 400) :]))
                scanned = len(self.output)
                missing = [t for t in missing if t not in text]
                if not missing:
                    return now - self.t0
            if not alive:
                break
        tail = plain(bytes(self.output[-3000:]))
        raise TimeoutError(f"{' '.join(self.argv)}: never showed {missing!r}; last output: {tail[-800:]!r}")

    def mark(self) -> tuple[int, float]:
        """(bytes received so far, now): frames after this point are new."""
        while self._read(0):
            if not select.select([self.fd], [], [], 0)[0]:
                break
        return len(self.output), time.perf_counter()

    def send(self, data: str | bytes) -> None:
        """Type into the terminal."""
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def drain(self, seconds: float) -> None:
        """Keep reading (so the child never blocks on a full pty) for ``seconds``."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and self._read(0.02):
            pass

    def finish(self, quit_keys: str | bytes = "\x11", timeout: float = 60.0) -> float:
        """Send the quit keys, wait for the exit; returns seconds since start. Sets peak RSS."""
        if quit_keys:
            self.send(quit_keys)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                return self._exited(status, usage)
            self._read(0.02)
        os.kill(self.pid, signal.SIGKILL)
        pid, status, usage = os.wait4(self.pid, 0)
        self._exited(status, usage)
        raise TimeoutError(f"{' '.join(self.argv)} did not exit after the quit keys")

    def _exited(self, status: int, usage) -> float:
        elapsed = time.perf_counter() - self.t0
        self.exit_status = os.waitstatus_to_exitcode(status)
        self.peak_rss_mb = usage.ru_maxrss / 1024  # Linux: KiB
        try:
            os.close(self.fd)
        except OSError:
            pass
        return elapsed


def timed_command(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS MB) of a short command run to its end (no terminal)."""
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvpe(argv[0], list(argv), env or os.environ.copy())
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024


def best_of(n: int, measure: Callable[[], float]) -> float:
    """The smallest of ``n`` measurements (the one least disturbed by other processes)."""
    return min(measure() for _ in range(n))


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("MINIMAL APP READY")
Minimal().run()
"""


def minimal_app_first_frame(python: str = sys.executable) -> tuple[float, float]:
    """(seconds from process start to the first frame, peak RSS MB) of a one-widget Textual app."""
    run = Run([python, "-c", MINIMAL_APP]).start()
    try:
        first = run.wait_for(["MINIMAL APP READY"], timeout=60)
    finally:
        run.finish()
    return first, run.peak_rss_mb
