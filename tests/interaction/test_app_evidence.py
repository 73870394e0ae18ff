"""The interview pane offers key times found outside the channel (a PR's deployment) beside its suggestion."""

from __future__ import annotations

from datetime import datetime, timezone

from textual.widgets import Static

from facilitator.evidence.model import TimeCandidate
from screens.interview import InterviewPane
from screens.main import MainScreen
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen

PR = "https://github.test/acme/checkout/pull/881"


async def test_started_at_shows_the_pr_deployment_as_an_alternative_with_its_citation():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        interview = screen.interview
        linking = interview.transcript.messages[3]
        interview.session.evidence.candidates.append(TimeCandidate(
            field="started_at", at=datetime(2024, 12, 3, 13, 48, tzinfo=timezone.utc),
            label="PR acme/checkout#881 [pool] deployed to production", url=PR, message_ids=[linking.id], confidence=0.3,
        ))
        screen.query_one(InterviewPane).goto("started_at")
        await pilot.pause()
        text = str(screen.query_one("#iv-suggestion", Static).render())
        assert f"Or: 2024-12-03 13:48 — PR acme/checkout#881 [pool] deployed to production ({PR})" in text
        assert f"[from {linking.at:%H:%M} {linking.author}:" in text  # brackets shown as written, not read as markup


async def test_a_refused_token_is_said_once_when_the_session_starts():
    from tests.servers.github_server import GitHubServer, GitHubState

    state = GitHubState()
    state.repos.add("acme-outfitters/checkout-service")
    with GitHubServer(state) as gh:  # the demo channel links three pull requests on github.com
        app = demo_app(**{"github.token": "ghp_notthetoken000000000000000000000", "github.api_url": gh.api_url})
        said: list[tuple[str, str]] = []
        notify = app.notify
        app.notify = lambda message, **kw: (said.append((kw.get("title", ""), message)), notify(message, **kw))[1]
        async with app.run_test(size=SIZE) as pilot:
            screen = await wait_for_screen(pilot, MainScreen)
            await pilot.pause()
            assert [m for t, m in said if t == "Evidence"] == [screen.interview.session.evidence.notes[0]]
            assert "refused the token (401)" in said[-1][1] and len(state.requests) == 1  # one try, not one per link
