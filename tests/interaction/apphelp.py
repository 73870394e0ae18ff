"""Shared helpers for the app's Pilot tests (tier 2): build the app, wait for a screen or a
condition, open a tab, type as a person does, read a widget's text."""

from __future__ import annotations

import asyncio

from textual import events
from textual.lazy import Lazy
from textual.widgets import TabPane
from textual.worker import WorkerCancelled

from facilitator.config import load_settings
from facilitator.session import SourceSpec
from screens.launch import make_app
from screens.main import TAB_ORDER, MainScreen

SIZE = (120, 40)


async def settle(node) -> None:
    """Wait until none of ``node``'s workers is running.

    An exclusive worker (the preview's render) cancels the one it replaces; waiting on a worker
    that was cancelled raises in Textual, so the survivors are awaited again until all are done.
    """
    for _ in range(50):
        running = [w for w in node.workers if not w.is_finished]
        if not running:
            return
        try:
            await node.workers.wait_for_complete(running)
        except WorkerCancelled:
            continue  # superseded by a newer worker of its group: wait for that one
    raise AssertionError("workers kept running")


def demo_app(**overrides):
    """The app as `facilitator interview --demo` builds it (hermetic settings from conftest)."""
    settings = load_settings(overrides=overrides or None)
    return make_app(settings, SourceSpec(kind="demo", timezone=settings.timezone))


def composed(screen) -> bool:
    """True once the screen has composed and every lazy tab has mounted its pane.

    The main screen's tabs are counted: until TabbedContent has composed there are no
    TabPanes at all, which must not read as "every pane is mounted".
    """
    if not screen.children or screen.query(Lazy):
        return False
    panes = screen.query(TabPane)
    if isinstance(screen, MainScreen) and len(panes) < len(TAB_ORDER):
        return False
    return all(pane.children and not isinstance(pane.children[0], Lazy) for pane in panes)


async def wait_for_screen(pilot, screen_type, tries: int = 400):
    """Pause until ``screen_type`` is on top and fully mounted (loading runs in a thread worker)."""
    for _ in range(tries):
        screen = pilot.app.screen
        if isinstance(screen, screen_type) and composed(screen):
            await pilot.pause()
            return screen
        await pilot.pause(0.05)
    raise AssertionError(f"{screen_type.__name__} never opened; top screen is {type(pilot.app.screen).__name__}")


async def until(pilot, predicate, tries: int = 400, what: str = "the condition") -> None:
    """Pause until ``predicate()`` holds (thread workers report back through messages); fail,
    naming ``what`` was awaited, after ``tries`` pauses of 50 ms."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"waited in vain for {what}")


async def open_tab(pilot, tab: str, pane_type):
    """Wait for the main screen, switch to ``tab``; returns (the main screen, its ``pane_type`` pane)."""
    screen = await wait_for_screen(pilot, MainScreen)
    screen.action_tab(tab)
    await pilot.pause()
    return screen, screen.query_one(pane_type)


def text_of(widget) -> str:
    """What a widget shows, as plain text."""
    return str(widget.render())


def keys(text: str) -> list[str]:
    """The key names Pilot presses to type ``text``."""
    return ["space" if c == " " else c for c in text]


async def burst(pilot, *names: str) -> None:
    """Keys as a terminal delivers fast typing: all queued at once, none waiting for the last.

    Returns once the app has handed out every key (a marker queued behind them has run) and
    the widgets have had time to take them."""
    for name in names:
        char = " " if name == "space" else (name if len(name) == 1 else None)
        pilot.app.post_message(events.Key(name, char))
    handed_out = asyncio.Event()
    pilot.app.call_later(handed_out.set)
    await asyncio.wait_for(handed_out.wait(), 30)
    for _ in range(3):
        await pilot.pause(0.1)
