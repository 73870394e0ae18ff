"""facilitator.assist: the LLM steps every flow shares, and the engine's LLM suggestions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from facilitator import assist
from facilitator.findings import Fact, Findings, KeyTime
from facilitator.interview.engine import Interview
from facilitator.llm import get_llm
from facilitator.session import LLMUsage, Session, SourceSpec
from facilitator.sessions import SessionStore
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings
from tests.unit.llm_replies import FAKE, helpful

pytestmark = pytest.mark.usefixtures("close_llm_clients")

T0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)


@dataclass
class Proposed:
    """Shaped like facilitator.llm.LLMSuggestion."""

    value: str | list[str]
    message_ids: list[str] = field(default_factory=list)
    note: str = ""
    confidence: float = 0.5


@pytest.fixture
def server():
    with AnthropicServer(responder=helpful) as srv:
        yield srv


def _transcript():
    return chat(
        ("pagerduty", "Triggered: checkout 5xx above 5%"),
        ("alice", "I'm IC. checkout failing since 14:00"),
        ("bob", "we got lucky it was low traffic"),
        ("bob", "rolled back payments-config, errors gone"),
    )


def _interview(tmp_path, transcript=None):
    transcript = transcript or _transcript()
    ids = [m.id for m in transcript.messages]
    findings = Findings(
        detected_at=KeyTime(at=T0, message_ids=[ids[0]], reason="first alert", confidence=0.9),
        luck=[Fact(text="we got lucky it was low traffic", message_ids=[ids[2]], confidence=0.7)],
    )
    store = SessionStore(tmp_path / "store")
    session = Session(name="t", source=SourceSpec(kind="demo"), findings=findings)
    store.save(session)
    return Interview(session, transcript, store), transcript, store


# -- the engine's LLM suggestions -----------------------------------------------------------


def test_llm_suggestions_sit_beside_offline_ones_and_the_more_confident_is_shown(tmp_path):
    iv, tr, _ = _interview(tmp_path)
    ids = [m.id for m in tr.messages]
    kept = iv.add_suggestions(
        {
            "detected_at": Proposed("2024-12-03 14:01", [ids[1]], "IC joined", 0.5),  # less confident than offline
            "luck": Proposed("low traffic at the time\nthe rollback was ready", [ids[2]], "", 0.8),  # more confident
            "fears": Proposed("the config path breaks again", [ids[3]], "from bob", 0.6),  # no offline suggestion
            "detection_method": Proposed("carrier pigeon", [ids[0]]),  # not one of the choices: dropped
            "happened_before": Proposed("unknown", [ids[0]]),  # "unknown" is not a suggestion
            "no_such_question": Proposed("x", [ids[0]]),
        }
    )
    assert kept == ["detected_at", "luck", "fears"]
    assert iv.suggestion("detected_at").source == "offline" and iv.suggestion("detected_at").message_ids == [ids[0]]
    luck = iv.suggestion("luck")
    assert luck.source == "llm" and luck.value == ["low traffic at the time", "the rollback was ready"]  # list-shaped
    assert [s.source for s in iv.alternatives("luck")] == ["llm", "offline"]
    assert iv.suggestion("fears").source == "llm" and iv.suggestion("happened_before") is None
    # The LLM suggestion survives a refresh of the offline ones, and accepting it keeps its citations.
    iv.refresh_suggestions()
    ans = iv.accept_suggestion("fears")
    assert ans.status == "suggested" and ans.message_ids == [ids[3]] and ans.value == "the config path breaks again"


def test_llm_datetime_suggestions_are_stored_in_the_engine_shape(tmp_path):
    iv, tr, _ = _interview(tmp_path)
    assert iv.add_suggestions({"resolved_at": Proposed("2024-12-03T15:03:00+00:00", [tr.messages[3].id], "", 0.7)}) == ["resolved_at"]
    assert iv.suggestion("resolved_at").value == "2024-12-03T15:03+00:00"
    assert iv.add_suggestions({"mitigated_at": Proposed("sometime later", [tr.messages[3].id])}) == []


# -- the LLM steps ----------------------------------------------------------------------------


async def test_refine_then_suggest_updates_the_interview_and_saves_usage(server, tmp_path):
    iv, tr, store = _interview(tmp_path)
    llm = get_llm(llm_settings(server))
    notices: list[str] = []
    try:
        out = await assist.refine_session(iv, tr, llm, notices.append)
        assert out.source == "llm" and out.value.added >= 1 and out.value.dropped >= 1  # the invented citation
        assert any(f.source == "llm" for f in iv.session.findings.causes)
        assert [f.source for f in iv.session.findings.luck] == ["offline"]  # kept; the LLM's same-evidence luck merged away
        assert iv.session.findings.detected_at.source == "offline"
        assert iv.suggestion("actual_cause") is not None  # suggestions were refreshed from the new findings
        got = await assist.suggest_answers(iv, tr, llm, notices.append)
        assert got.source == "llm" and got.value == ["fears"]  # the one citing FAKE is dropped
        assert iv.suggestion("fears").source == "llm"
        asked = server.message_requests[-1].user_text
        assert "`fears`" in asked and "`title`" in asked
    finally:
        await llm.aclose()
    assert notices == []
    saved = store.load("t")
    assert saved.llm_usage.calls == 2 and saved.llm_usage.cache_read_tokens > 0
    assert any(f.source == "llm" for f in saved.findings.causes)
    assert FAKE not in str(saved.model_dump())


async def test_only_open_questions_are_asked_and_nothing_is_asked_when_all_are_answered(server, tmp_path):
    iv, tr, _ = _interview(tmp_path)
    for q in iv.questions:
        if q.id != "fears":
            iv.answer(q.id, "skip")
    llm = get_llm(llm_settings(server))
    try:
        await assist.suggest_answers(iv, tr, llm, print)
        assert "`fears`" in server.message_requests[-1].user_text
        assert "`title`" not in server.message_requests[-1].user_text
        iv.answer("fears", "unknown")
        before = len(server.message_requests)
        out = await assist.suggest_answers(iv, tr, llm, print)
        assert out.value == [] and len(server.message_requests) == before
    finally:
        await llm.aclose()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"status": 500, "message": "boom"}, "failed (500)"),
        ({"status": 429, "message": "slow down", "headers": {"retry-after": "0"}}, "rate limiting"),
        ({"tool": "record_findings", "input": ["not", "an", "object"]}, "could not be read"),
    ],
)
async def test_a_failing_step_keeps_the_offline_findings_with_one_notice(server, tmp_path, reply, expected):
    iv, tr, store = _interview(tmp_path)
    server.responder = lambda body: reply
    before = iv.session.findings.model_dump()
    notices: list[str] = []
    llm = get_llm(llm_settings(server, max_retries=1))
    try:
        out = await assist.refine_session(iv, tr, llm, notices.append)
    finally:
        await llm.aclose()
    assert out.source == "offline" and out.value.findings is iv.session.findings
    assert iv.session.findings.model_dump() == before
    assert len(notices) == 1 and "\n" not in notices[0] and expected in notices[0] and out.notice == notices[0]
    assert store.load("t").findings.model_dump() == before


async def test_bad_key_notice_names_the_variable(server, tmp_path):
    iv, tr, _ = _interview(tmp_path)
    notices: list[str] = []
    llm = get_llm(llm_settings(server, api_key="sk-ant-wrong-key-123456"))
    try:
        out = await assist.draft_sections(iv.session, tr, llm, notices.append)
    finally:
        await llm.aclose()
    assert out.source == "offline" and out.value == {} and iv.session.drafts == {}
    assert len(notices) == 1 and "ANTHROPIC_API_KEY" in notices[0] and "sk-ant-wrong" not in notices[0]


async def test_without_an_llm_every_step_is_offline_and_silent(tmp_path):
    iv, tr, _ = _interview(tmp_path)
    notices: list[str] = []
    assert (await assist.refine_session(iv, tr, None, notices.append)).source == "offline"
    assert (await assist.suggest_answers(iv, tr, None, notices.append)).value == []
    assert (await assist.draft_sections(iv, tr, None, notices.append)).value == {}
    why = await assist.propose_why(iv, tr, None, notices.append)
    assert why.source == "offline" and why.value.question and why.value.candidates == []
    assert notices == []


async def test_propose_why_streams_deltas_and_drafts_never_overwrite(server, tmp_path):
    iv, tr, _ = _interview(tmp_path)
    iv.session.drafts["summary"] = "Mine."
    llm = get_llm(llm_settings(server))
    deltas: list[str] = []
    try:
        why = await assist.propose_why(iv, tr, llm, print, on_text=deltas.append)
        drafted = await assist.draft_sections(iv, tr, llm, print)
    finally:
        await llm.aclose()
    assert len(deltas) > 2 and "".join(deltas).startswith("**Why?** Why did the config change")
    assert why.source == "llm" and [c.text for c in why.value.candidates] == [
        "The pipeline has no config validation step",
        "Reviews do not cover config files",
    ]
    assert "summary" not in drafted.value and iv.session.drafts["summary"] == "Mine."
    assert iv.session.drafts["lessons"].startswith("- Validate")


async def test_cancelling_a_step_propagates_and_changes_nothing(server, tmp_path):
    iv, tr, _ = _interview(tmp_path)
    server.reply({**helpful({"tool_choice": {"name": "propose_why"}}), "chunk_delay": 0.2})
    llm = get_llm(llm_settings(server))
    notices: list[str] = []
    seen: list[str] = []
    try:
        task = asyncio.create_task(assist.propose_why(iv, tr, llm, notices.append, on_text=seen.append))
        while not seen:
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await llm.aclose()
    assert notices == [] and iv.session.whys == []


def test_usage_line_counts_cached_input():
    usage = LLMUsage(input_tokens=100, cache_read_tokens=2_000, cache_write_tokens=900, output_tokens=300, calls=3,
                     estimated_cost_usd=0.0412)
    assert assist.usage_line(usage) == "LLM: 3,000 input (2,000 cached) / 300 output tokens, ~$0.04"
    spent = assist.usage_since(LLMUsage(input_tokens=40, calls=1, estimated_cost_usd=0.01), usage)
    assert (spent.input_tokens, spent.calls, spent.estimated_cost_usd) == (60, 2, 0.0312)
