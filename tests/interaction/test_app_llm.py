"""The LLM in the app: refined findings and grounded suggestions, a quiet fallback, no key = no calls.

The real anthropic client talks to the local Anthropic server (tests/servers); the
responder answers like a helpful model (tests/unit/llm_replies.py), citing real messages.
"""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, Static, TextArea

from facilitator.sessions import SessionStore
from screens.interview import InterviewPane
from screens.main import MainScreen
from screens.widgets.llm_status import LLMStatus
from tests.interaction.apphelp import SIZE, demo_app, settle, wait_for_screen
from tests.servers.anthropic_server import AnthropicServer
from tests.servers.atlassian_server import AtlassianServer, AtlassianState
from tests.unit.llm_replies import helpful


@pytest.fixture
def server():
    with AnthropicServer(responder=helpful) as srv:
        yield srv


def llm_app(server: AnthropicServer, **more):
    overrides = {
        "llm.api_key": server.api_key,
        "llm.base_url": server.base_url,
        "llm.max_retries": 1,
        "llm.timeout_seconds": 10.0,
    }
    overrides.update(more)
    return demo_app(**overrides)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _toasts(app) -> list[str]:
    return [str(t.render()) for t in app.screen.query("Toast")]


def _tools(server: AnthropicServer) -> list[str]:
    return [(r.body.get("tool_choice") or {}).get("name", "") for r in server.message_requests]


async def _llm_done(pilot, screen) -> None:
    await settle(screen)
    await pilot.pause()


async def test_refined_findings_and_llm_suggestions_reach_the_interview(server):
    answer = threading.Event()  # the API answers only once the user has typed

    def held_helpful(body):
        answer.wait(20)
        return helpful(body)

    server.responder = held_helpful
    app = llm_app(server)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        for _ in range(200):  # the first call starts after the first paint
            if server.message_requests:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert screen.query_one(LLMStatus).state == "busy"  # "refining findings…", then "suggesting answers…"
        assert "LLM: refining findings" in _text(screen, "#llm-status")
        # the user accepts a suggestion, then types while the LLM works
        pane.goto("luck")
        await pilot.press("ctrl+r")
        accepted = SessionStore().load(screen.interview.session.name).answers["luck"].value
        pane.goto("fears")
        await pilot.pause()
        area = screen.query_one("#iv-text", TextArea)
        area.load_text("my own fear, typed before the LLM answered")
        answer.set()
        await _llm_done(pilot, screen)

        assert _tools(server) == ["record_findings", "suggest_answers"]
        session = screen.interview.session
        luck = [f for f in session.findings.luck if f.source == "llm"]
        assert luck and "the incident started outside peak hours" in luck[0].text
        assert all("m99999" not in f.message_ids for f in session.findings.luck)  # invented citation dropped

        s = screen.interview.suggestion("fears")
        assert s.source == "llm" and "the same config path breaks again" in s.value and s.message_ids
        assert area.text == "my own fear, typed before the LLM answered"
        assert "Suggested by the LLM (confidence 90%)" in _text(screen, "#iv-suggestion")

        # the accepted answer stays what the user accepted, even re-saved after a richer suggestion came
        assert any("outside peak hours" in line for line in screen.interview.suggestion("luck").value)
        pane.goto("luck")
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert SessionStore().load(session.name).answers["luck"].value == accepted

        # a fresh visit shows the LLM suggestion pre-filled, with its citation; accepting keeps it
        pane.goto("fears")
        await pilot.pause()
        assert area.text == s.value
        await pilot.press("ctrl+r")
        saved = SessionStore().load(session.name)
        assert saved.answers["fears"].status == "suggested" and saved.answers["fears"].message_ids == s.message_ids
        assert saved.llm_usage.calls == 2 and saved.llm_usage.input_tokens > 0

        status = _text(screen, "#llm-status")
        assert " in (" in status and "~$" in status and "offline" not in status
    assert app.llm._client is None  # closed on exit


async def test_overloaded_api_gives_one_notice_and_the_app_keeps_working(server):
    server.responder = lambda body: {"status": 529, "message": "Overloaded", "headers": {"retry-after-ms": "5"}}
    app = llm_app(server)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await _llm_done(pilot, screen)
        notices = [t for t in _toasts(app) if "529" in t or "verloaded" in t]
        assert len(notices) == 1
        assert len(server.message_requests) == 2  # one call and its one retry; no suggestion call after
        status = screen.query_one(LLMStatus)
        assert status.state == "offline" and "offline" in _text(screen, "#llm-status")

        # the interview still works offline, and answers are saved
        assert screen.interview.suggestion("title") is not None  # the offline suggestion remains
        screen.query_one(InterviewPane).goto("title")
        await pilot.pause()
        box = screen.query_one("#iv-input", Input)
        box.value = "Checkout errors after a gateway config change"
        await pilot.press("enter")
        saved = SessionStore().load(screen.interview.session.name)
        assert saved.answers["title"].value == "Checkout errors after a gateway config change"
        assert len([t for t in _toasts(app) if "529" in t or "verloaded" in t]) == 1

        # the API is back: "llm retry" (palette) refines and suggests again
        server.responder = helpful
        screen.action_llm_retry()
        await _llm_done(pilot, screen)
        assert status.state == "idle" and app.llm_offline == ""
        assert screen.interview.suggestion("fears").source == "llm"
        assert SessionStore().load(screen.interview.session.name).answers["title"].status == "answered"


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "no-llm"])
async def test_without_a_key_or_with_no_llm_nothing_is_sent(server, with_key):
    if with_key:  # --no-llm sets llm.enabled = False
        app = llm_app(server, **{"llm.enabled": False})
    else:
        app = demo_app(**{"llm.base_url": server.base_url})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await _llm_done(pilot, screen)
        assert app.llm is None
        assert not screen.query_one(LLMStatus).display
        assert screen.interview.suggestion("title").source == "offline"
    assert server.requests == []


async def test_happened_before_offers_earlier_post_mortems_from_confluence():
    state = AtlassianState()
    with AtlassianServer(state) as confluence:
        parent = state.add_page("Incidents")
        year = state.add_page("Post-mortems 2023", parent)
        state.add_page("[2023-05-01] Checkout errors on gateway failover", year)
        state.add_page("[2023-06-01] Login slow", year)
        app = demo_app(**{
            "confluence.url": confluence.url, "confluence.email": "pm@acme.test",
            "confluence.token": "api-token-123", "confluence.space": "OPS", "confluence.parent_page_id": parent,
        })
        async with app.run_test(size=SIZE) as pilot:
            screen = await wait_for_screen(pilot, MainScreen)
            pane = screen.query_one(InterviewPane)
            screen.interview.answer("title", "Checkout errors after a gateway config change")
            pane.goto("happened_before")
            for _ in range(100):
                await pilot.pause(0.05)
                if "Earlier post-mortems" in _text(screen, "#iv-similar"):
                    break
            shown = _text(screen, "#iv-similar")
            assert "[2023-05-01] Checkout errors on gateway failover" in shown and "Login slow" not in shown
            searches = [r for r in state.requests if r.path == "/rest/api/search"]
            assert len(searches) == 1  # once per session view, not once per visit
            pane.goto("title")
            pane.goto("happened_before")
            await pilot.pause()
            assert len([r for r in state.requests if r.path == "/rest/api/search"]) == 1


def test_a_resumed_session_with_llm_findings_is_not_refined_again():
    from datetime import datetime, timezone

    from facilitator.findings import Fact, Findings, KeyTime
    from screens.main import has_llm_findings

    at = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    assert not has_llm_findings(Findings(luck=[Fact(text="x")], detected_at=KeyTime(at=at)))
    assert has_llm_findings(Findings(luck=[Fact(text="x"), Fact(text="y", source="llm")]))
    assert has_llm_findings(Findings(detected_at=KeyTime(at=at, source="llm")))
