"""Answers that are not the Anthropic API, bad base URLs and long retry-after waits.

A gateway or SSO proxy in front of the API can answer 200 with an HTML login page, an empty
body or some other JSON; the real SDK hands such bodies back as strings. Every one of them
must end as one LLMError sentence naming the base URL setting, so callers fall back offline.
"""

from __future__ import annotations

import time

import pytest

from facilitator.config import Settings
from facilitator.errors import LLMError
from facilitator.llm import get_llm, suggest_answers, suggest_or_offline
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")

QUESTION = type("Q", (), {"id": "title", "text": "What is a short title?", "type": "text", "choices": []})
LOGIN_PAGE = "<!doctype html><html><body><form action='/sso'>Sign in</form></body></html>"
TRANSCRIPT = chat(("alice", "checkout errors at 5%"), ("bob", "rolling back the deploy"))

NOT_THE_API = {
    "html-200": {"raw": LOGIN_PAGE},
    "empty-200": {"raw": "", "content_type": "application/json"},
    "not-json-200": {"raw": "{oops", "content_type": "application/json"},
    "json-without-content": {"raw": '{"id": "x", "type": "message", "role": "assistant"}', "content_type": "application/json"},
    "json-list": {"raw": "[1, 2]", "content_type": "application/json"},
    "sse-without-events": {"raw": "hello\n\n", "content_type": "text/event-stream"},
}


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


async def _call(llm, shape: str):
    if shape == "tool":
        return await llm.tool("suggest_answers", "task", TRANSCRIPT, None)
    if shape == "tool-stream":
        return await llm.tool("suggest_answers", "task", TRANSCRIPT, None, on_partial=lambda _: None)
    if shape == "text":
        return await llm.text("task", TRANSCRIPT, None)
    if shape == "text-stream":
        return await llm.text("task", TRANSCRIPT, None, on_text=lambda _: None)
    return await llm.summarise("system", "text", None)


@pytest.mark.parametrize("shape", ["tool", "tool-stream", "text", "text-stream", "summarise"])
@pytest.mark.parametrize("answer", list(NOT_THE_API))
async def test_an_answer_that_is_not_the_api_is_one_sentence_naming_the_base_url(server, answer, shape):
    llm = get_llm(llm_settings(server, max_retries=0))
    server.reply(NOT_THE_API[answer])
    with pytest.raises(LLMError) as info:
        await _call(llm, shape)
    message = str(info.value)
    assert "llm.base_url" in message and server.base_url in message, message
    assert "not the Anthropic API" in message and "\n" not in message and "Traceback" not in message
    assert server.api_key not in message
    assert llm.total.calls == 0  # nothing was billed for a page that is not an answer
    await llm.aclose()


async def test_login_page_falls_back_offline_with_a_notice(server):
    session = Session(name="t", source=SourceSpec(kind="demo"))
    llm = get_llm(llm_settings(server, max_retries=0))
    server.reply({"raw": LOGIN_PAGE})
    outcome = await suggest_or_offline(llm, session, TRANSCRIPT, [QUESTION], {"title": "offline title"})
    assert outcome.source == "offline" and outcome.value == {"title": "offline title"}
    assert "HTML page" in outcome.notice and "llm.base_url" in outcome.notice
    await llm.aclose()


async def test_html_from_anthropic_base_url_env_names_that_variable(server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", server.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    llm = get_llm(Settings())
    server.reply({"raw": LOGIN_PAGE})
    with pytest.raises(LLMError, match="ANTHROPIC_BASE_URL"):
        await _call(llm, "tool")
    await llm.aclose()


async def test_forced_tool_missing_from_the_answer_is_one_sentence(server):
    llm = get_llm(llm_settings(server, max_retries=0))
    server.reply({"text": "I would rather chat."})
    with pytest.raises(LLMError, match="no structured answer"):
        await _call(llm, "tool")
    server.reply({"tool": "some_other_tool", "input": {"x": 1}})
    with pytest.raises(LLMError, match="no structured answer"):
        await _call(llm, "tool-stream")
    await llm.aclose()


@pytest.mark.parametrize("url", ["notaurl", "ftp://example.com", "http://", "https://host:port", "127.0.0.1:8080"])
async def test_a_base_url_that_is_not_http_is_named_before_any_request(url):
    settings = Settings.model_validate({"llm": {"api_key": "k-123", "base_url": url, "max_retries": 0}})
    session = Session(name="t", source=SourceSpec(kind="demo"))
    with pytest.raises(LLMError) as info:
        await suggest_answers(get_llm(settings), session, TRANSCRIPT, [QUESTION])
    message = str(info.value)
    assert f"'{url}'" in message and "llm.base_url" in message and "not an http(s) URL" in message
    assert "Could not reach" not in message


async def test_retry_after_longer_than_the_bound_ends_the_call_at_once(server):
    llm = get_llm(llm_settings(server, max_retries=3, max_retry_wait_seconds=2))
    server.reply({"status": 429, "headers": {"retry-after": "600"}, "message": "slow down"})
    start = time.monotonic()
    with pytest.raises(LLMError) as info:
        await _call(llm, "tool")
    assert time.monotonic() - start < 2
    message = str(info.value)
    assert "wait 600 s" in message and "llm.max_retry_wait_seconds" in message and "offline" in message
    assert len(server.message_requests) == 1  # no retry after the refusal
    await llm.aclose()


async def test_retry_after_as_http_date_and_ms_are_bounded_too(server):
    llm = get_llm(llm_settings(server, max_retries=2, max_retry_wait_seconds=2))
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    server.reply({"status": 529, "headers": {"retry-after": later}, "message": "Overloaded"})
    with pytest.raises(LLMError, match=r"wait \d{4} s"):
        await _call(llm, "text-stream")
    server.reply({"status": 503, "headers": {"retry-after-ms": "90000"}, "message": "down"})
    with pytest.raises(LLMError, match="wait 90 s"):
        await _call(llm, "summarise")
    await llm.aclose()


async def test_retry_after_within_the_bound_is_still_obeyed(server):
    llm = get_llm(llm_settings(server, max_retries=1, max_retry_wait_seconds=2))
    server.reply({"status": 529, "headers": {"retry-after": "0.3"}, "message": "Overloaded"})
    start = time.monotonic()
    assert await _call(llm, "text") == "OK."
    assert time.monotonic() - start >= 0.3 and len(server.message_requests) == 2
    await llm.aclose()


async def test_long_retry_after_on_the_last_attempt_keeps_the_status_sentence(server):
    llm = get_llm(llm_settings(server, max_retries=0, max_retry_wait_seconds=2))
    server.reply({"status": 529, "headers": {"retry-after": "600"}, "message": "Overloaded"})
    with pytest.raises(LLMError, match=r"overloaded \(529\)"):
        await _call(llm, "tool")
    await llm.aclose()
