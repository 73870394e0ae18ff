"""Shared helpers for the app's Pilot tests (tier 2): build the app, wait for a screen."""

from __future__ import annotations

from textual.lazy import Lazy
from textual.widgets import TabPane

from facilitator.config import load_settings
from facilitator.session import SourceSpec
from screens.launch import make_app
from screens.main import TAB_ORDER, MainScreen

SIZE = (120, 40)


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
