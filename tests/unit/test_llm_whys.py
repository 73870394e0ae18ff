"""Streamed 5-whys turns: deltas as they arrive, grounded candidates, cancellation, failures."""

from __future__ import annotations

import asyncio
import time

import pytest

from facilitator.errors import LLMError
from facilitator.llm import WhyProposal, get_llm, stream_why, why_or_offline
from facilitator.llm.whys import render_partial
from facilitator.session import Answer, Session, SourceSpec, WhyTurn
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")

WHY = {
    "question": "Why did the bad config reach production?",
    "candidates": [
        {"message_ids": ["m1"], "text": "The config change skipped the canary stage", "confidence": 0.7},
        {"message_ids": ["m42"], "text": "An invented reason", "confidence": 0.9},
        {"message_ids": ["m3", "m4"], "text": "Config validation does not check gateway URLs", "confidence": 0.6},
    ],
    "unactionable": False,
    "reason": "",
}


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


def setup():
    tr = chat(
        ("deploybot", "deployed payments-config v42 (no canary)", {"is_bot": True}),
        ("alice", "checkout failing"),
        ("bob", "gateway URL in v42 is wrong"),
        ("bob", "validation did not catch it"),
    )
    session = Session(name="t", source=SourceSpec(kind="demo"), title="Checkout errors")
    session.whys.append(WhyTurn(id="w1", question="Why did checkout fail?", answer="Bad gateway URL", message_ids=[tr.messages[2].id]))
    session.answers["title"] = Answer(question_id="title", value="Checkout errors")
    return tr, session


async def test_streams_markdown_deltas_and_returns_grounded_candidates(server):
    tr, session = setup()
    llm = get_llm(llm_settings(server))
    server.reply({"tool": "propose_why", "input": WHY})
    deltas: list[str] = []

    async def on_text(delta: str) -> None:
        deltas.append(delta)

    proposal = await stream_why(llm, session, tr, on_text=on_text)
    req = server.message_requests[0]
    assert req.body["stream"] is True and req.body["tool_choice"] == {"type": "tool", "name": "propose_why"}
    assert "Why did checkout fail?" in req.user_text and "Because (confirmed: Bad gateway URL) [m3]" in req.user_text
    assert len(deltas) > 5  # many small pieces, not one block at the end
    assert deltas[0].startswith("**Why?** ")
    shown = "".join(deltas)
    assert shown == render_partial(WHY, {"m1", "m2", "m3", "m4"})
    assert "invented" not in shown and "2. Config validation does not check gateway URLs [m3, m4]" in shown
    assert proposal.question == WHY["question"]
    assert [c.text for c in proposal.candidates] == [
        "The config change skipped the canary stage",
        "Config validation does not check gateway URLs",
    ]
    assert proposal.candidates[1].message_ids == [tr.messages[2].id, tr.messages[3].id]
    assert session.whys[-1].id == "w1" and len(session.whys) == 1  # the session is not written
    assert session.llm_usage.calls == 1 and session.llm_usage.output_tokens > 0


async def test_first_text_arrives_before_the_stream_ends(server):
    tr, session = setup()
    server.reply({"tool": "propose_why", "input": WHY, "chunk_delay": 0.02})
    first: list[float] = []
    start = time.monotonic()
    await stream_why(get_llm(llm_settings(server)), session, tr, on_text=lambda d: first.append(time.monotonic()) if not first else None)
    assert first and first[0] - start < (time.monotonic() - start) / 2


async def test_unactionable_level(server):
    tr, session = setup()
    server.reply({"tool": "propose_why", "input": {"question": "", "candidates": [], "unactionable": True, "reason": "a business decision"}})
    chunks: list[str] = []
    proposal = await stream_why(get_llm(llm_settings(server)), session, tr, on_text=chunks.append)
    assert proposal.unactionable and proposal.reason == "a business decision" and proposal.candidates == []
    assert "unactionable level" in "".join(chunks)


async def test_cancellation_closes_the_stream(server):
    tr, session = setup()
    server.reply({"tool": "propose_why", "input": WHY, "chunk_delay": 0.05})
    started = asyncio.Event()
    task = asyncio.create_task(stream_why(get_llm(llm_settings(server)), session, tr, on_text=lambda d: started.set()))
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if server.message_requests[0].stream_state:
            break
        await asyncio.sleep(0.05)
    assert server.message_requests[0].stream_state == "aborted"
    assert session.llm_usage.calls == 0


async def test_malformed_stream_and_midstream_error_fall_back(server):
    tr, session = setup()
    llm = get_llm(llm_settings(server, max_retries=0))
    server.reply({"tool": "propose_why", "input_raw": '{"question": "Why?", "candidates": [}}}'})
    with pytest.raises(LLMError, match="could not be read"):
        await stream_why(llm, session, tr, on_text=lambda d: None)
    server.reply({"tool": "propose_why", "input": WHY, "stream_error": True})
    offline = WhyProposal(question="Why did that happen?")
    outcome = await why_or_offline(llm, session, tr, offline=lambda: offline, on_text=lambda d: None)
    assert outcome.source == "offline" and outcome.value.question == "Why did that happen?"
    assert outcome.value.source == "offline" and "overloaded" in outcome.notice.lower()
    assert (await why_or_offline(None, session, tr, offline=lambda: WhyProposal(question="q"))).notice == ""
