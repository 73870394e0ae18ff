"""The SDK client against the local server: headers, caching, retries, errors, offline fallback."""

from __future__ import annotations

import asyncio
import time

import pytest

from facilitator.config import Settings
from facilitator.errors import LLMError
from facilitator.llm import get_llm, suggest_answers, suggest_or_offline
from facilitator.llm.client import build_async_client
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")

QUESTION = type("Q", (), {"id": "title", "text": "What is a short title?", "type": "text", "choices": []})


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


@pytest.fixture
def session():
    return Session(name="t", source=SourceSpec(kind="demo"))


def transcript(n: int = 60):
    return chat(*[("alice" if i % 2 else "bob", f"checkout error rate at {i}% on eu-west, still rising") for i in range(n)])


def good_reply():
    return {
        "tool": "suggest_answers",
        "input": {"suggestions": [{"question_id": "title", "value": "Checkout errors", "message_ids": ["m2"], "confidence": 0.8}]},
    }


def test_get_llm_is_none_without_key_or_when_disabled(monkeypatch):
    assert get_llm(Settings()) is None
    assert get_llm(Settings.model_validate({"llm": {"api_key": "k", "enabled": False}})) is None
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env-123456789")
    assert get_llm(Settings()) is not None


async def test_requests_carry_auth_version_model_and_no_sampling_params(server, session):
    llm = get_llm(llm_settings(server, model="claude-opus-5-5"))
    server.reply(good_reply())
    got = await suggest_answers(llm, session, transcript(), [QUESTION])
    assert got["title"].value == "Checkout errors"
    req = server.message_requests[0]
    assert req.headers["authorization"] == f"Bearer {server.api_key}"
    assert req.headers["anthropic-version"] == "2026-10-21"
    assert req.body["model"] == "claude-opus-5-5"
    assert not {"temperature", "top_p", "top_k"} & set(req.body)
    assert server.api_key not in str(req.body)


async def test_transcript_is_a_cached_prefix_read_on_every_later_call(server, session):
    llm = get_llm(llm_settings(server))
    tr = transcript()
    for _ in range(3):
        server.reply(good_reply())
        await suggest_answers(llm, session, tr, [QUESTION])
    reqs = server.message_requests
    systems = [r.body["system"] for r in reqs]
    assert systems[0] == systems[1] == systems[2]  # byte-identical prefix
    assert systems[0][-1]["cache_control"] == {"type": "ephemeral"}
    assert "<transcript-" in systems[0][-1]["text"]
    assert reqs[0].body["tools"] == reqs[1].body["tools"] == reqs[2].body["tools"]
    assert reqs[0].usage["cache_creation_input_tokens"] > 1000 and reqs[0].usage["cache_read_input_tokens"] == 0
    assert reqs[1].usage["cache_read_input_tokens"] == reqs[0].usage["cache_creation_input_tokens"]
    assert reqs[2].usage["cache_creation_input_tokens"] == 0
    usage = session.llm_usage
    assert usage.calls == 3 and usage.cache_read_tokens == 2 * reqs[0].usage["cache_creation_input_tokens"]
    assert usage.estimated_cost_usd > 0


async def test_429_with_retry_after_is_retried_and_honoured(server, session):
    llm = get_llm(llm_settings(server))
    server.reply({"status": 429, "headers": {"retry-after": "0.3"}, "message": "rate limited"}, good_reply())
    start = time.monotonic()
    got = await suggest_answers(llm, session, transcript(), [QUESTION])
    assert time.monotonic() - start >= 0.3
    assert "title" in got and len(server.message_requests) == 2
    assert server.message_requests[1].headers["x-stainless-retry-count"] == "1"


@pytest.mark.parametrize(
    ("status", "error_type", "words"),
    [(529, "overloaded_error", "overloaded (529)"), (500, "api_error", "failed (500)"), (429, "rate_limit_error", "rate limiting")],
)
async def test_errors_after_retries_become_one_sentence_without_the_key(server, session, status, error_type, words):
    llm = get_llm(llm_settings(server, max_retries=1))
    err = {"status": status, "error_type": error_type, "message": "nope", "headers": {"retry-after-ms": "5"}}
    server.reply(err, err)
    with pytest.raises(LLMError) as info:
        await suggest_answers(llm, session, transcript(), [QUESTION])
    assert words in str(info.value) and server.api_key not in str(info.value)
    assert len(server.message_requests) == 2  # one try + one retry
    assert session.llm_usage.calls == 0


async def test_401_names_the_fix_and_never_the_key(session):
    with AnthropicServer(api_key="the-right-key") as srv:
        settings = llm_settings(srv, api_key="wrong-key-abcdefghijklmnop")
        with pytest.raises(LLMError) as info:
            await suggest_answers(get_llm(settings), session, transcript(), [QUESTION])
    message = str(info.value)
    assert "401" in message and "ANTHROPIC_API_KEY" in message
    assert "wrong-key-abcdefghijklmnop" not in message and "wrong-key" not in repr(info.value.args)


async def test_offline_fallback_gives_a_notice_and_keeps_offline_suggestions(server, session):
    llm = get_llm(llm_settings(server, max_retries=0))
    server.reply({"status": 529, "error_type": "overloaded_error", "message": "Overloaded"})
    offline = {"title": "offline title"}
    outcome = await suggest_or_offline(llm, session, transcript(), [QUESTION], offline)
    assert outcome.source == "offline" and outcome.value == offline
    assert outcome.notice.count(".") >= 1 and "overloaded" in outcome.notice and "\n" not in outcome.notice
    none = await suggest_or_offline(None, session, transcript(), [QUESTION], lambda: offline)
    assert none.source == "offline" and none.notice == "" and none.value == offline
    server.reply(good_reply())
    merged = await suggest_or_offline(llm, session, transcript(), [QUESTION], {"title": "x", "severity": "SEV2"})
    assert merged.source == "llm" and merged.value["severity"] == "SEV2" and merged.value["title"].value == "Checkout errors"


async def test_timeout_and_unreachable_server(session):
    with AnthropicServer() as srv:
        settings = llm_settings(srv, timeout_seconds=0.2, max_retries=0)
        srv.reply({"delay": 1.0, **good_reply()})
        with pytest.raises(LLMError, match="did not answer within 0.2 s"):
            await suggest_answers(get_llm(settings), session, transcript(), [QUESTION])
        url = srv.base_url
    dead = Settings.model_validate({"llm": {"api_key": "k-123", "base_url": url, "max_retries": 0, "timeout_seconds": 2}})
    with pytest.raises(LLMError, match="Could not reach the Anthropic API at 127.0.0.1"):
        await suggest_answers(get_llm(dead), session, transcript(), [QUESTION])


async def test_count_tokens_uses_the_endpoint(server):
    llm = get_llm(llm_settings(server))
    count = await llm.count_tokens("system text", "x" * 400)
    assert count is not None and count >= 100
    assert server.requests[-1].path == "/v1/messages/count_tokens"


def test_provider_clients_come_from_the_sdk(monkeypatch):
    monkeypatch.setenv("CLOUD_ML_REGION", "us-east5")
    monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "proj")
    vertex = Settings.model_validate({"llm": {"provider": "vertex"}})
    assert get_llm(vertex) is not None  # no Anthropic key needed
    import facilitator.llm.client as client_mod

    if client_mod._missing_extra("vertex"):  # google-auth is not a test dependency: one sentence names the extra
        with pytest.raises(LLMError, match=r"pip install 'facilitator\[vertex\]'"):
            build_async_client(vertex)
    monkeypatch.setattr(client_mod, "_missing_extra", lambda provider: "")
    client = asyncio.run(_build(vertex))
    assert type(client).__name__ == "AsyncAnthropicVertex"
    monkeypatch.delenv("CLOUD_ML_REGION")
    with pytest.raises(LLMError, match="vertex client could not be set up"):
        build_async_client(vertex)


async def _build(settings):
    client = build_async_client(settings)
    await client.close()
    return client


async def test_key_and_base_url_from_the_environment(server, session, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", server.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    llm = get_llm(Settings())
    server.reply(good_reply())
    assert "title" in await suggest_answers(llm, session, transcript(), [QUESTION])
    assert server.message_requests[0].headers["authorization"] == f"Bearer {server.api_key}"
    await llm.aclose()
