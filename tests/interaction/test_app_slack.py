"""Loading from Slack in the app, against the local fake Slack: progress, success, cancel."""

from __future__ import annotations

import time

from facilitator.config import load_settings
from facilitator.sessions import SessionStore
from screens.home import HomeScreen
from screens.launch import make_app
from screens.loading import LoadingScreen
from screens.main import MainScreen
from textual.widgets import Button, Input, Static
from tests.interaction.apphelp import SIZE, wait_for_screen
from tests.servers.slack_server import TOKEN, slack_server  # noqa: F401 - fixture

CHANNEL = "inc-99-db-failover"


def _app(server):
    settings = load_settings(overrides={"slack.token": TOKEN, "slack.api_url": server.api_url})
    return make_app(settings)


async def _start_load(pilot) -> LoadingScreen:
    home = await wait_for_screen(pilot, HomeScreen)
    assert "token is configured" in str(home.query_one("#home-token-hint", Static).render())
    home.query_one("#home-slack-channel", Input).value = f"#{CHANNEL}"
    home.query_one("#home-slack-load", Button).press()
    return await wait_for_screen(pilot, LoadingScreen)


async def test_slack_channel_loads_into_the_main_screen(slack_server):  # noqa: F811
    slack_server.page_size = 5  # several pages, so progress is reported
    app = _app(slack_server)
    async with app.run_test(size=SIZE) as pilot:
        await _start_load(pilot)
        main = await wait_for_screen(pilot, MainScreen)
        assert main.transcript.source == "slack" and len(main.transcript) > 5
        assert slack_server.count("conversations.history") >= 2
        saved = SessionStore().load(main.interview.session.name)
        assert saved.source.kind == "slack" and saved.source.ref == CHANNEL
        assert TOKEN not in SessionStore().path(saved.name).read_text()


async def test_cancel_returns_home_without_opening_the_channel(slack_server):  # noqa: F811
    slack_server.page_size = 2
    slack_server.rate_limit["conversations.history"] = 3  # each answered after Retry-After: 1
    slack_server.retry_after = 1
    app = _app(slack_server)
    async with app.run_test(size=SIZE) as pilot:
        await _start_load(pilot)
        await pilot.pause(0.2)
        started = time.perf_counter()
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        assert time.perf_counter() - started < 2.0  # back at once, not after the 3 s of Retry-After waits
        await pilot.pause(1.5)
        assert isinstance(app.screen, HomeScreen)  # the fetch ended without opening anything
