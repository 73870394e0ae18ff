"""Never accept a broken answer: stop reasons, malformed shapes, and the user's work untouched."""

from __future__ import annotations

import pytest

from facilitator.errors import LLMError
from facilitator.llm import draft_sections, get_llm, rewrite_blameless, section_or_offline, stream_section, stream_why
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


def setup():
    tr = chat(("alice", "checkout failing"), ("bob", "DB_POOL_MAX is 50, pool exhausted"), ("alice", "raised it, fixed"))
    session = Session(name="t", source=SourceSpec(kind="demo"), title="Checkout errors")
    session.drafts["went_well"] = "The user's own words."
    return tr, session


async def test_text_cut_at_max_tokens_is_continued_once(server):
    tr, session = setup()
    server.reply({"text": "The pool was capped by DB_POOL_MAX, s", "stop_reason": "max_tokens"}, {"text": "o requests queued."})
    shown: list[str] = []
    llm = get_llm(llm_settings(server))
    text = await stream_section(llm, session, tr, "summary", on_text=shown.append)
    assert text == "The pool was capped by DB_POOL_MAX, so requests queued."
    second = server.message_requests[1].body["messages"]
    assert second[-1] == {"role": "assistant", "content": [{"type": "text", "text": "The pool was capped by DB_POOL_MAX, s"}]}
    assert [c.stop_reason for c in session.llm_usage.audit] == ["max_tokens", "end_turn"]


async def test_text_cut_twice_is_refused_and_nothing_is_saved(server):
    tr, session = setup()
    cut = {"text": "…DB_POOL_MAX, s", "stop_reason": "max_tokens"}
    server.reply(cut, cut)
    llm = get_llm(llm_settings(server))
    out = await section_or_offline(llm, session, tr, "went_well", on_text=lambda d: None)
    assert out.source == "offline" and "cut off" in out.notice and "\n" not in out.notice
    assert session.drafts == {"went_well": "The user's own words."}
    assert len(server.message_requests) == 2


async def test_a_cut_tool_answer_is_retried_once_with_more_room(server):
    tr, session = setup()
    server.reply(
        {"tool": "write_sections", "input_raw": '{"summary": "The pool', "stop_reason": "max_tokens"},
        {"tool": "write_sections", "input": {"summary": "The pool filled; raising it fixed checkout."}},
    )
    llm = get_llm(llm_settings(server))
    new = await draft_sections(llm, session, tr, sections=["summary"])
    assert new == {"summary": "The pool filled; raising it fixed checkout."}
    first, second = (r.body["max_tokens"] for r in server.message_requests)
    assert second == 2 * first


async def test_refusal_is_a_notice_and_never_a_draft(server):
    tr, session = setup()
    server.reply({"text": "I can't help with that request.", "stop_reason": "refusal"})
    llm = get_llm(llm_settings(server))
    out = await section_or_offline(llm, session, tr, "summary")
    assert out.source == "offline" and "declined" in out.notice
    assert "summary" not in session.drafts


async def test_refused_why_proposal_raises_one_sentence(server):
    tr, session = setup()
    server.reply({"tool": "propose_why", "input": {}, "stop_reason": "refusal"})
    with pytest.raises(LLMError, match="declined"):
        await stream_why(get_llm(llm_settings(server)), session, tr)


@pytest.mark.parametrize(
    "reply",
    [
        {"tool": "write_sections", "input": {"summary": 5, "lessons": ["a", "b"]}},  # wrongly typed
        {"tool": "write_sections", "input": {"unrelated": "x"}},  # none of the asked sections
        {"text": "Sure! Here is the summary: all good."},  # no tool call, no JSON
        {"tool": "write_sections", "input_raw": "[1, 2, 3]"},  # not an object
    ],
)
async def test_malformed_section_answers_change_nothing(server, reply):
    tr, session = setup()
    server.reply(reply)
    with pytest.raises(LLMError) as info:
        await draft_sections(get_llm(llm_settings(server)), session, tr, sections=["summary", "lessons"])
    assert "\n" not in str(info.value)
    assert session.drafts == {"went_well": "The user's own words."}


async def test_empty_rewrite_is_rejected(server):
    tr, session = setup()
    server.reply({"tool": "rewrite_text", "input": {"text": "   "}})
    with pytest.raises(LLMError, match="empty"):
        await rewrite_blameless(get_llm(llm_settings(server)), session, tr, "Bob broke it")


@pytest.mark.parametrize(
    ("reply", "call"),
    [
        ({"tool": "suggest_answers", "input": {"suggestions": "customers could not pay"}}, "suggest"),
        ({"tool": "suggest_answers", "input": {"suggestions": [{"question_id": 3}]}}, "suggest"),
        ({"tool": "record_findings", "input": {"events": "many", "causes": {"text": "x"}}}, "findings"),
    ],
)
async def test_wrongly_shaped_batches_are_a_notice_not_silence(server, reply, call):
    from facilitator.llm import refine_findings, suggest_answers

    tr, session = setup()
    server.reply(reply)
    llm = get_llm(llm_settings(server))
    before = session.findings.model_copy(deep=True)
    with pytest.raises(LLMError, match="wrongly shaped"):
        if call == "suggest":
            await suggest_answers(llm, session, tr, [type("Q", (), {"id": "fix", "text": "What fixed it?"})()])
        else:
            await refine_findings(llm, session, tr, session.findings)
    assert session.findings == before and session.answers == {}
