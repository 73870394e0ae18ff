"""Plain mode with the LLM: refined suggestions, streamed whys with candidates, drafts, fallback.

The keyboard is prompt_toolkit pipe input (as in test_plain); the LLM is the real anthropic
client against the local server.
"""

from __future__ import annotations

import pytest

from facilitator.interview.catalogue import load_catalogue
from facilitator.plain import run_plain_interview
from facilitator.sessions import SessionStore
from tests.servers.anthropic_server import AnthropicServer, llm_settings
from tests.unit.llm_replies import SECTION_TEXT, helpful
from tests.unit.test_plain import ACTIONS, ANSWERS, WHYS, _session, keyboard

CLEAR = "\x15"  # Ctrl-U: clear the pre-filled suggestion before typing


@pytest.fixture
def server():
    with AnthropicServer(responder=helpful) as srv:
        yield srv


def test_plain_interview_streams_whys_offers_llm_suggestions_and_drafts(server, tmp_path, capsys):
    store = SessionStore(tmp_path)
    name = _session(store)
    keys = ["" if q.id == "fears" else CLEAR + "skip" for q in load_catalogue()]
    keys += ["1", "stop"]  # take the first candidate of the streamed why, then stop
    keys += [CLEAR + "no", ""]  # the suggested action item (default "yes"), then no more
    with keyboard(*keys):
        code = run_plain_interview(llm_settings(server, max_retries=1), None, name, store=store)
    printed = capsys.readouterr().out
    assert code == 0, printed
    names = [r.body["tool_choice"]["name"] for r in server.message_requests]
    assert names == ["record_findings", "suggest_answers", "propose_why", "propose_why", "write_sections"]
    assert all(r.body.get("stream") for r in server.message_requests if r.body["tool_choice"]["name"] == "propose_why")
    session = store.load(name)
    # The LLM suggestion was offered (labelled, with its confidence) and accepted with Enter.
    assert "Suggested by the LLM (90% confident; from the channel)" in printed
    fears = session.answers["fears"]
    assert fears.status == "suggested" and fears.value.startswith("LLM:") and fears.message_ids == ["L9"]
    # The why was streamed as it arrived; the invented candidate never shown; candidate 1 taken with its evidence.
    assert "**Why?** Why did the config change reach production unvalidated?" in printed
    assert "Invented candidate" not in printed
    assert "1: [from 10:20 Jonas Berg: we got lucky it was a Tuesday]" in printed
    first = session.whys[0]
    assert first.question == "Why did the config change reach production unvalidated?"
    assert first.answer == "The pipeline has no config validation step" and first.message_ids == ["L9"]
    assert session.whys_done
    # Drafts and usage.
    assert session.drafts["summary"] == SECTION_TEXT["summary"]
    assert session.llm_usage.calls == 5 and session.llm_usage.cache_read_tokens > 0
    assert any(line.startswith("LLM: ") and "cached" in line for line in printed.splitlines())


def test_plain_interview_when_the_api_is_overloaded_is_the_offline_interview_plus_one_note(server, tmp_path, capsys):
    server.responder = lambda body: {"status": 529, "message": "Overloaded", "headers": {"retry-after-ms": "5"}}
    store = SessionStore(tmp_path)
    name = _session(store)
    with keyboard(*ANSWERS, *WHYS, *ACTIONS):
        code = run_plain_interview(llm_settings(server, max_retries=1), None, name, store=store)
    printed = capsys.readouterr().out
    assert code == 0, printed
    notes = [line for line in printed.splitlines() if line.startswith("Note: ")]
    assert len(notes) == 1 and "overloaded (529)" in notes[0]
    assert len(server.message_requests) == 2  # the first step and its retry, then offline
    session = store.load(name)
    assert session.answers["detected_at"].status == "suggested" and session.answers["detected_at"].message_ids == ["L1"]
    assert [w.answer for w in session.whys] == WHYS[:2] and session.whys_done
    assert len(session.actions) == 2 and session.drafts == {}
    assert "LLM: " not in printed


def test_no_llm_through_the_cli_makes_no_request_even_with_a_key(server, monkeypatch, capsys):
    from facilitator.cli import main

    monkeypatch.setenv("ANTHROPIC_API_KEY", server.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    name = _session(SessionStore())
    with keyboard("Title", "\x03"):
        code = main(["interview", "--plain", "--no-llm", "--session", name])
    assert code == 130
    assert server.requests == []
    assert "LLM" not in capsys.readouterr().out
