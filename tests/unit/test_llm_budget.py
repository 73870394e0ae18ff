"""Any channel size: every request is budgeted against the model's context before it is sent."""

from __future__ import annotations

import pytest

from facilitator.errors import LLMError
from facilitator.findings import Findings, ImpactHint
from facilitator.llm import draft_sections, get_llm, refine_findings, stream_why, suggest_answers
from facilitator.llm.condense import condense
from facilitator.llm.core import request_tokens
from facilitator.llm.facts import findings_text
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings
from tests.unit.llm_replies import helpful

pytestmark = pytest.mark.usefixtures("close_llm_clients")


def _refused(server) -> list:
    return [r for r in server.message_requests if not r.usage]


def test_near_identical_findings_are_condensed_and_counted():
    tr = chat(*[("datadog", f"5xx rate {i}%") for i in range(500)])
    ids = [m.id for m in tr.messages]
    findings = Findings(impact_hints=[ImpactHint(kind="errors", text=f"5xx rate is {10 + i % 30}.{i}%", message_ids=[ids[i]]) for i in range(500)])
    text = findings_text(findings, condense(tr))
    lines = text.splitlines()
    assert len(lines) <= 5
    assert "(+497 more similar items not shown)" in lines[-1]


async def test_a_request_that_cannot_fit_is_never_sent():
    tr = chat(("alice", "checkout failing"), ("bob", "pool exhausted"))
    session = Session(name="t", source=SourceSpec(kind="demo"), title="x " * 30_000)  # a huge pasted title
    with AnthropicServer(context_limit=12_000) as server:
        llm = get_llm(llm_settings(server, context_window_tokens=12_000, context_budget_tokens=6_000))
        with pytest.raises(LLMError, match="too large"):
            await draft_sections(llm, session, tr, sections=["summary"])
        assert server.message_requests == []  # refused here, not by the API after paying for it
        assert session.drafts == {}


def test_the_estimate_is_conservative_against_the_servers_count():
    from tests.servers.anthropic_server import estimate_tokens

    params = {"system": [{"type": "text", "text": "rules " * 500}], "messages": [{"role": "user", "content": [{"type": "text", "text": "ab" * 3000}]}]}
    assert request_tokens(params) >= estimate_tokens(params["system"]) + estimate_tokens(params["messages"])


@pytest.mark.slow
async def test_a_20000_message_channel_drafts_to_the_end_on_a_200k_context():
    from bench.llm_tokens import synthetic_channel
    from facilitator.extract import extract_findings
    from facilitator.interview.catalogue import load_catalogue

    tr = synthetic_channel(20_000)
    offline = extract_findings(tr)
    session = Session(name="big", source=SourceSpec(kind="demo"), title="Checkout errors")
    with AnthropicServer(responder=helpful, context_limit=200_000) as server:
        llm = get_llm(llm_settings(server, context_window_tokens=200_000))
        refined = await refine_findings(llm, session, tr, offline)
        session.findings = refined.findings
        await suggest_answers(llm, session, tr, load_catalogue())
        await stream_why(llm, session, tr)
        assert await draft_sections(llm, session, tr)
        assert _refused(server) == []
        task_calls = [r for r in server.message_requests if isinstance(r.body.get("system"), list)]
        assert len(task_calls) == 4
        assert all(sum(r.usage.values()) - r.usage["output_tokens"] <= 200_000 for r in server.message_requests)
        assert "digest of the channel" in task_calls[0].body["system"][-1]["text"]


async def test_near_the_limit_the_exact_count_decides():
    """The conservative estimate says too big; the API's count_tokens says it fits: it is sent once counted."""
    tr = chat(("alice", "checkout failing " * 200), ("bob", "pool exhausted " * 200))
    session = Session(name="t", source=SourceSpec(kind="demo"), title="Checkout errors")
    with AnthropicServer(responder=helpful) as server:
        probe = get_llm(llm_settings(server))
        await draft_sections(probe, session, tr, sections=["summary"])
        sent = server.message_requests[0]
        exact = sum(v for k, v in sent.usage.items() if k != "output_tokens")
        estimate = request_tokens(sent.body)
        assert estimate > exact
        window = (exact + estimate) // 2 + sent.body["max_tokens"]
        server.requests.clear()
        session.drafts.clear()
        llm = get_llm(llm_settings(server, context_window_tokens=window))
        assert await draft_sections(llm, session, tr, sections=["summary"])
        paths = [r.path for r in server.requests]
        assert paths == ["/v1/messages/count_tokens", "/v1/messages"]
