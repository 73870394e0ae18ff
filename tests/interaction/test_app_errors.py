"""Errors never crash the app: a failing worker becomes a notice, a failed load a clear message."""

from __future__ import annotations

from facilitator.config import load_settings
from facilitator.errors import SourceError
from screens.home import HomeScreen
from screens.launch import make_app
from screens.loading import LoadingScreen
from screens.main import MainScreen
from textual.widgets import Button, Input, Static
from textual.worker import WorkerState
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


def _toasts(app) -> list[str]:
    return [str(t.render()) for t in app.screen.query("Toast")]


async def _settle(pilot, worker) -> None:
    while worker.state not in (WorkerState.ERROR, WorkerState.SUCCESS, WorkerState.CANCELLED):
        await pilot.pause(0.02)
    await pilot.pause(0.1)


async def test_worker_errors_become_notices():
    app = demo_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)

        def boom_user() -> None:
            raise SourceError("Slack said the channel is archived; unarchive it or use an export.")

        def boom_bug() -> None:
            raise RuntimeError("index out of range")

        await _settle(pilot, screen.run_worker(boom_user, thread=True, exit_on_error=False))
        assert any("unarchive it or use an export" in t for t in _toasts(app))
        await _settle(pilot, screen.run_worker(boom_bug, thread=True, exit_on_error=False))
        assert any("RuntimeError" in t and "answers are saved" in t for t in _toasts(app))
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_slack_without_token_explains_and_goes_back_home():
    app = make_app(load_settings())
    async with app.run_test(size=SIZE) as pilot:
        home = await wait_for_screen(pilot, HomeScreen)
        assert "SLACK_TOKEN" in str(home.query_one("#home-token-hint", Static).render())
        home.query_one("#home-slack-channel", Input).value = "#inc-1"
        home.query_one("#home-slack-load", Button).press()
        screen = await wait_for_screen(pilot, LoadingScreen)
        for _ in range(200):
            if screen.query_one("#loading-error").display:
                break
            await pilot.pause(0.05)
        error = screen.query_one("#loading-error", Static)
        assert error.display and "token" in str(error.render()).lower()
        back = screen.query_one("#loading-back", Button)
        assert back.display and app.focused is back
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)


async def test_a_failed_start_from_the_command_line_can_go_home():
    from facilitator.session import SourceSpec

    app = make_app(load_settings(), SourceSpec(kind="slack-export", ref="/nonexistent/export.zip", channel="inc-1"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, LoadingScreen)
        for _ in range(200):
            if screen.query_one("#loading-error").display:
                break
            await pilot.pause(0.05)
        assert "/nonexistent/export.zip" in str(screen.query_one("#loading-error", Static).render())
        await pilot.press("enter")
        home = await wait_for_screen(pilot, HomeScreen)
        assert home.query_one("#home-demo").display
