"""The structured findings pass: schema sent, citations enforced, offline findings kept."""

from __future__ import annotations

import base64
import pytest

from facilitator.errors import LLMError
from facilitator.findings import Fact, Findings, KeyTime
from facilitator.llm import get_llm, refine_findings, refine_or_offline
from facilitator.session import Session, SourceSpec
from facilitator.transcript import Attachment
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


def incident():
    return chat(
        ("deploybot", "deployed payments-config v42", {"is_bot": True}),
        ("alice", "checkout error rate is 30%, I'm IC"),
        ("bob", "could it be the database? checking"),
        ("bob", "db looks fine, ruling that out"),
        ("alice", "rolling back payments-config to v41"),
        ("alice", "error rate back to normal, mitigated"),
        ("carol", "posted status page update"),
        ("alice", "resolved, we were lucky it was not black friday"),
    )


def offline_findings(tr):
    ids = [m.id for m in tr.messages]
    return Findings(
        detected_at=KeyTime(at=tr.messages[1].at, message_ids=[ids[1]], confidence=0.7),
        mitigated_at=KeyTime(at=tr.messages[5].at, message_ids=[ids[5]], confidence=0.6),
        causes=[Fact(text="payments-config v42", message_ids=[ids[0]])],
    )


LLM_FINDINGS = {
    "title": {"text": "Checkout errors after payments-config v42", "message_ids": ["m1", "m2"], "confidence": 0.8},
    "key_times": [
        {"name": "started_at", "message_ids": ["m1"], "reason": "the deploy", "confidence": 0.7},
        {"name": "detected_at", "message_ids": ["m2"], "reason": "first report", "confidence": 0.9},
        {"name": "mitigated_at", "message_ids": ["m8"], "reason": "disagrees with offline", "confidence": 0.5},
        {"name": "resolved_at", "message_ids": ["m77"], "reason": "invented", "confidence": 0.9},
    ],
    "events": [
        {"kind": "rollback", "summary": "Rolled back to v41", "message_ids": ["m5"]},
        {"kind": "hypothesis", "summary": "Suspected the database", "message_ids": ["m404"]},
        {"kind": "status_page", "summary": "Status page updated", "message_ids": ["m7", "m999"]},
    ],
    "responders": [
        {"name": "alice", "role": "incident commander", "message_ids": ["m2"]},
        {"name": "eve", "role": "hacker", "message_ids": ["m3"]},
    ],
    "hypotheses": [{"text": "database overload", "status": "ruled_out", "message_ids": ["m3", "m4"]}],
    "causes": [{"text": "payments-config v42", "message_ids": ["m1"]}, {"text": "cosmic rays", "message_ids": []}],
    "luck": [{"text": "Not Black Friday", "message_ids": ["m8"]}],
    "runbooks": [{"text": "No rollback runbook for payments-config", "message_ids": ["m5"]}],
    "impact": [{"kind": "error_rate", "text": "30% of checkouts failed", "value": 30, "message_ids": ["m2"]}],
}


async def test_request_shape_and_grounded_merge(server):
    tr = incident()
    offline = offline_findings(tr)
    session = Session(name="t", source=SourceSpec(kind="demo"))
    llm = get_llm(llm_settings(server))
    server.reply({"tool": "record_findings", "input": LLM_FINDINGS})
    result = await refine_findings(llm, session, tr, offline)

    req = server.message_requests[0]
    assert req.body["tool_choice"] == {"type": "tool", "name": "record_findings"}
    schema = next(t for t in req.body["tools"] if t["name"] == "record_findings")["input_schema"]
    assert "key_times" in schema["properties"] and "message_ids" in str(schema)
    assert "payments-config v42 [m1]" in req.user_text  # offline findings given as context, aliased
    ids = [m.id for m in tr.messages]
    f = result.findings
    # Offline items are kept untouched; agreeing LLM evidence is merged in.
    assert f.detected_at.message_ids == [ids[1]] and f.detected_at.confidence == 0.9 and f.detected_at.source == "offline"
    assert f.mitigated_at.at == tr.messages[5].at and f.mitigated_at.source == "offline"
    assert any(q.field == "mitigated_at" and "LLM suggests" in q.question for q in f.open_questions)
    # New grounded items are added as source="llm", with times from the cited messages.
    assert f.started_at.source == "llm" and f.started_at.at == tr.messages[0].at
    assert f.title.source == "llm" and f.title.message_ids == [ids[0], ids[1]]
    # Hallucinated citations: dropped, or trimmed to the real ones.
    assert f.resolved_at is None
    assert [e.summary for e in f.events] == ["Rolled back to v41", "Status page updated"]
    assert f.events[1].message_ids == [ids[6]] and f.events[0].at == tr.messages[4].at
    assert [r.name for r in f.responders] == ["alice"] and f.responders[0].role == "incident commander"
    assert [c.text for c in f.causes] == ["payments-config v42"]  # duplicate not re-added, uncited dropped
    assert f.luck[0].source == "llm" and f.runbooks[0].message_ids == [ids[4]]
    assert f.hypotheses[0].status == "ruled_out" and f.impact_hints[0].value == 30
    assert result.dropped == 4  # resolved_at (m77), the m404 event, eve (not in the channel), cosmic rays
    assert offline.started_at is None and offline.title is None  # the input object is not mutated


async def test_malformed_answers_fall_back_to_offline(server):
    tr = incident()
    offline = offline_findings(tr)
    session = Session(name="t", source=SourceSpec(kind="demo"))
    llm = get_llm(llm_settings(server))
    server.reply({"text": "Sure! {not json at all"})
    with pytest.raises(LLMError, match="could not be read"):
        await refine_findings(llm, session, tr, offline)
    server.reply({"tool": "record_findings", "input": {"key_times": "garbage", "events": [{"kind": "nonsense"}]}})
    with pytest.raises(LLMError, match="wrongly shaped"):  # nothing usable: a notice, not a silent no-op
        await refine_findings(llm, session, tr, offline)
    server.reply({"tool": "record_findings", "input": {"key_times": "garbage", "luck": [{"text": "lucky", "message_ids": ["m8"]}]}})
    refined = await refine_findings(llm, session, tr, offline)
    assert refined.dropped == 1 and [f.text for f in refined.findings.luck] == ["lucky"]
    server.reply({"text": "still not json"})
    outcome = await refine_or_offline(llm, session, tr, offline)
    assert outcome.source == "offline" and outcome.value.findings == offline and "offline" in outcome.notice


async def test_screenshots_are_sent_as_image_blocks(server, tmp_path):
    shot = tmp_path / "graph.png"
    shot.write_bytes(PNG)
    big = tmp_path / "huge.png"
    big.write_bytes(b"\0" * 4_000_000)
    tr = chat(
        ("alice", "see graph", {"attachments": [Attachment(name="graph.png", mimetype="image/png", local_path=str(shot))]}),
        ("bob", "huge", {"attachments": [Attachment(name="huge.png", mimetype="image/png", local_path=str(big))]}),
        ("bob", "not here", {"attachments": [Attachment(name="remote.png", mimetype="image/png", url="https://x")]}),
    )
    session = Session(name="t", source=SourceSpec(kind="demo"))
    await refine_findings(get_llm(llm_settings(server)), session, tr, Findings())
    content = server.message_requests[0].body["messages"][0]["content"]
    images = [b for b in content if b["type"] == "image"]
    assert len(images) == 1
    assert images[0]["source"] == {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()}
    assert images[0]["cache_control"] == {"type": "ephemeral"}
    assert "Screenshot attached to m1" in content[0]["text"]
