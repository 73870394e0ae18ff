"""Channels over budget: map-reduce digests with citations kept; usage and cost accounting."""

from __future__ import annotations

import re

import pytest

from facilitator.llm import describe_usage, get_llm, suggest_answers
from facilitator.llm.chunking import keep_known_citations, split_lines
from facilitator.llm.usage import cost_usd
from facilitator.session import LLMUsage, Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, default_responder, llm_settings, chat

pytestmark = pytest.mark.usefixtures("close_llm_clients")

QUESTION = type("Q", (), {"id": "title", "text": "Title?"})


def summarising_responder(body):
    """Bulk calls: one cited line per chunk (plus an invented id); others: the default."""
    if isinstance(body.get("system"), str):
        text = body["messages"][0]["content"][0]["text"]
        ids = re.findall(r"^(m\d+) ", text, flags=re.M)
        return {"text": f"14:00 errors reported in part starting {ids[0]} [{ids[0]}, {ids[-1]}, m99999]"}
    return default_responder(body)


def big_channel(n=400):
    return chat(*[(f"user{i % 7}", f"update {i}: error rate {i % 40}% on shard {i % 9}, investigating pool") for i in range(n)])


def test_split_lines_respects_budget_and_repeats_the_day():
    text = "--- 2024-12-03 (UTC) ---\n" + "\n".join(f"m{i} 14:00 a: " + "x" * 80 for i in range(1, 101))
    chunks = split_lines(text, 500)
    assert len(chunks) > 3
    assert all(c.startswith("--- 2024-12-03") for c in chunks)
    assert sum(c.count("\nm") + c.startswith("m") for c in chunks) == 100


def test_keep_known_citations():
    aliases = {"m1": "a", "m2": "b"}
    assert keep_known_citations("x [m1, m7] y [m9] z [see below]", aliases) == "x [m1] y  z [see below]"


async def test_over_budget_channel_is_digested_by_the_bulk_model():
    tr = big_channel()
    with AnthropicServer(responder=summarising_responder) as server:
        llm = get_llm(llm_settings(server, context_budget_tokens=4000, bulk_model="claude-haiku-5-5"))
        session = Session(name="t", source=SourceSpec(kind="demo"))
        await suggest_answers(llm, session, tr, [QUESTION])
        await suggest_answers(llm, session, tr, [QUESTION])
        reqs = server.message_requests
    maps = [r for r in reqs if r.body["model"] == "claude-haiku-5-5"]
    tasks = [r for r in reqs if r.body["model"] == "claude-opus-5-5"]
    assert len(maps) >= 4 and len(tasks) == 2  # the digest is made once and reused
    assert all("<transcript-" in r.user_text and "UNTRUSTED DATA" in r.system_text for r in maps)
    fenced = tasks[0].body["system"][1]["text"]
    assert "digest of the channel" in fenced and "m99999" not in fenced
    assert re.search(r"\[m1, m\d+\]", fenced)  # citations survive the reduce
    assert len(fenced) < 4000 * 4
    assert session.llm_usage.calls == len(reqs)


async def test_context_too_long_from_the_api_switches_to_a_digest():
    tr = big_channel(300)
    with AnthropicServer(responder=summarising_responder, context_limit=6000) as server:
        llm = get_llm(llm_settings(server, context_budget_tokens=12000))
        session = Session(name="t", source=SourceSpec(kind="demo"))
        await suggest_answers(llm, session, tr, [QUESTION])
        reqs = list(server.message_requests)
        await suggest_answers(llm, session, tr, [QUESTION])
        later = server.message_requests[len(reqs) :]
    assert len(later) == 1 and "digest of the channel" in later[0].system_text  # no second 400
    assert reqs[0].body["model"] == "claude-opus-5-5" and reqs[0].usage == {}  # refused: 400 too long
    assert reqs[-1].body["model"] == "claude-opus-5-5" and reqs[-1].usage["output_tokens"] > 0
    assert "digest of the channel" in reqs[-1].body["system"][1]["text"]
    assert any(r.body["model"] == "claude-haiku-5-5" for r in reqs[1:-1])


def test_usage_and_cost_are_recorded():
    total = LLMUsage()
    sdk_usage = type("U", (), {"input_tokens": 1000, "cache_read_input_tokens": 10_000, "cache_creation_input_tokens": 2000, "output_tokens": 500})
    from facilitator.llm.usage import record

    call = record(total, "claude-opus-5-5", sdk_usage)
    record(total, "claude-opus-5-5", sdk_usage)
    # billable input = 1000 + 2000*1.25 + 10000*0.1 = 4500 at $5/M, output 500 at $25/M
    assert call.estimated_cost_usd == pytest.approx((4500 * 5 + 500 * 25) / 1e6)
    assert total.calls == 2 and total.cache_read_tokens == 20_000 and total.estimated_cost_usd == pytest.approx(2 * call.estimated_cost_usd)
    assert cost_usd("unknown-model", 1_000_000, 0, 0, 0) == pytest.approx(5.0)
    assert "2 calls" in describe_usage(total) and "estimate" in describe_usage(total)
