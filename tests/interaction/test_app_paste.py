"""Paste mode: live preview, the missing date supplied in place, then on to the interview."""

from __future__ import annotations

from pathlib import Path

from facilitator.config import load_settings
from facilitator.sessions import SessionStore
from screens.home import HomeScreen
from screens.launch import make_app
from screens.main import MainScreen
from screens.paste import PasteScreen
from textual.widgets import Button, Input, Static, TextArea
from tests.interaction.apphelp import SIZE, wait_for_screen

PASTE = """10:32 <alice> checkout is throwing 502s
10:33 <bob> looking at grafana, token xoxb-123456789-abcdefghijk
10:35 <alice> rolled back, errors dropping
10:41 <carol> confirmed, all green
"""


async def _preview(pilot, screen) -> str:
    await pilot.pause(0.4)  # the debounce
    for _ in range(200):  # a failed parse is a result here (wait_for_complete would raise it)
        if not any(w.is_running for w in pilot.app.workers):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    return str(screen.query_one("#paste-preview", Static).render())


async def test_paste_preview_asks_for_the_date_then_starts_the_session():
    app = make_app(load_settings(overrides={"timezone": "Europe/Berlin"}))
    async with app.run_test(size=SIZE) as pilot:
        home = await wait_for_screen(pilot, HomeScreen)
        home.query_one("#home-paste", Button).press()
        screen = await wait_for_screen(pilot, PasteScreen)
        assert screen.query_one("#paste-tz", Input).value == "Europe/Berlin"
        screen.query_one("#paste-text", TextArea).load_text(PASTE)
        preview = await _preview(pilot, screen)
        assert "no dates" in preview and "date field" in preview
        assert screen.query_one("#paste-continue", Button).disabled

        screen.query_one("#paste-date", Input).value = "2024-12-03"
        preview = await _preview(pilot, screen)
        assert "4 messages" in preview
        assert "alice (2)" in preview and "bob (1)" in preview and "carol (1)" in preview
        assert "Tue 03 Dec 2024 10:32" in preview and "Europe/Berlin" in preview
        assert not screen.query_one("#paste-continue", Button).disabled

        await pilot.press("ctrl+s")
        main = await wait_for_screen(pilot, MainScreen)
        session = SessionStore().load(main.interview.session.name)
        assert session.source.kind == "transcript" and session.timezone == "Europe/Berlin"
        copy = Path(session.source.ref)
        assert copy.is_file() and "rolled back" in copy.read_text()
        assert "xoxb-123456789" not in copy.read_text()
        assert len(main.transcript) == 4
        assert main.transcript.messages[0].at.isoformat() == "2024-12-03T10:32:00+01:00"
