"""A model inside the company: the openai-compatible provider through the real ``openai`` client,
against the local chat-completions emulator (tests/servers/openai_server.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.errors import LLMError
from facilitator.llm import draft_sections, get_llm, refine_findings, section_or_offline, stream_section, stream_why
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import chat
from tests.servers.leaks import PLANTED
from tests.servers.openai_server import OpenAIServer, local_settings
from tests.unit.llm_replies import helpful

pytestmark = pytest.mark.usefixtures("close_llm_clients")


def as_anthropic(body: dict) -> dict:
    """The chat-completions body seen as the Anthropic-shaped body ``helpful`` reads."""
    msgs = body["messages"]
    system = [{"type": "text", "text": m["content"]} for m in msgs if m["role"] == "system"]
    rest = [{"role": m["role"], "content": [{"type": "text", "text": m["content"]}]} for m in msgs if m["role"] != "system"]
    choice = body.get("tool_choice")
    out = {"system": system, "messages": rest}
    if isinstance(choice, dict):
        out["tool_choice"] = {"type": "tool", "name": choice["function"]["name"]}
    return out


def local_helpful(body: dict) -> dict:
    return helpful(as_anthropic(body))


@pytest.fixture
def server():
    with OpenAIServer(responder=local_helpful) as srv:
        yield srv


def setup():
    tr = chat(
        ("deploybot", "deployed payments-config v42", {"is_bot": True}),
        ("Kenji Tanaka", "checkout error rate is 30%, I'm IC"),
        ("Marta Kowalczyk", f"DATABASE_URL=postgresql://app:{PLANTED[6]}@db.internal/x and {PLANTED[2]}"),
        ("Kenji Tanaka", "rolled back, resolved"),
    )
    return tr, Session(name="t", source=SourceSpec(kind="demo"), title="Checkout errors")


async def test_every_task_runs_on_a_local_model_grounded_and_masked(server):
    tr, session = setup()
    llm = get_llm(local_settings(server))
    refined = await refine_findings(llm, session, tr, session.findings)
    assert [f.text for f in refined.findings.causes] == ["LLM: an unvalidated config change"]
    assert refined.dropped >= 1  # the invented citation
    deltas: list[str] = []
    proposal = await stream_why(llm, session, tr, on_text=deltas.append)
    assert proposal.question and len(deltas) > 1 and "".join(deltas).startswith("**Why?**")
    assert [c.text for c in proposal.candidates] == ["The pipeline has no config validation step", "Reviews do not cover config files"]
    assert await draft_sections(llm, session, tr, sections=["summary"])
    body = json.dumps([r.body for r in server.requests])
    assert "Kenji" not in body and "Marta" not in body and PLANTED[6] not in body and PLANTED[2] not in body
    forced = [r.body["tool_choice"]["function"]["name"] for r in server.completions if "tool_choice" in r.body]
    assert forced == ["record_findings", "propose_why", "write_sections"]
    assert all(r.headers["authorization"] == f"Bearer {server.api_key}" for r in server.completions)
    assert session.llm_usage.calls == 3 and session.llm_usage.estimated_cost_usd == 0.0
    assert {c.provider for c in session.llm_usage.audit} == {"openai-compatible"}


async def test_streamed_text_and_a_length_cut_is_continued(server):
    tr, session = setup()
    server.reply({"text": "Kenji's team rolled back v4", "finish_reason": "length"}, {"text": "2 within minutes."})
    shown: list[str] = []
    text = await stream_section(get_llm(local_settings(server)), session, tr, "summary", on_text=shown.append)
    assert text == "Kenji's team rolled back v42 within minutes."
    assert server.completions[1].body["messages"][-1]["role"] == "assistant"


async def test_refusal_is_a_notice(server):
    tr, session = setup()
    server.reply({"refusal": "I can't help with that."})
    out = await section_or_offline(get_llm(local_settings(server)), session, tr, "summary")
    assert out.source == "offline" and "declined" in out.notice and "summary" not in session.drafts


async def test_429_with_retry_after_is_retried_by_the_client(server):
    tr, session = setup()
    server.reply({"status": 429, "headers": {"retry-after": "0"}, "message": "slow down"})
    assert await draft_sections(get_llm(local_settings(server)), session, tr, sections=["summary"])
    assert len(server.completions) == 2


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        ({"status": 503, "message": "loading model"}, "failed (503) after 2 retries"),
        ({"status": 401, "message": "bad key"}, "rejected the key (401)"),
        ({"status": 404, "message": "model 'x' not found"}, "not found"),
        ({"tool": "write_sections", "arguments_raw": '{"summary": "cut'}, "not valid JSON"),
        ({"raw": "<html>login</html>", "content_type": "text/html"}, "not a chat completion"),
    ],
)
async def test_failures_are_one_sentence_naming_the_server(server, reply, words):
    tr, session = setup()
    server.reply(*[reply] * 3)
    with pytest.raises(LLMError) as info:
        await draft_sections(get_llm(local_settings(server)), session, tr, sections=["summary"])
    message = str(info.value)
    assert words in message and "\n" not in message
    assert server.api_key not in message
    assert session.drafts == {}


async def test_unreachable_server_and_missing_base_url():
    tr, session = setup()
    llm = get_llm(Settings.model_validate({"llm": {"provider": "openai-compatible", "base_url": "http://127.0.0.1:9/v1", "max_retries": 0}}))
    with pytest.raises(LLMError, match="Could not reach the model server at http://127.0.0.1:9/v1"):
        await draft_sections(llm, session, tr, sections=["summary"])
    llm = get_llm(Settings.model_validate({"llm": {"provider": "openai-compatible"}}))
    with pytest.raises(LLMError, match="llm.base_url is not set"):
        await draft_sections(llm, session, tr, sections=["summary"])


async def test_without_the_openai_package_one_sentence_names_the_extra(server, monkeypatch):
    tr, session = setup()
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(LLMError, match=r"pip install 'facilitator\[local\]'"):
        await draft_sections(get_llm(local_settings(server)), session, tr, sections=["summary"])


def test_bedrock_without_its_packages_is_one_sentence(monkeypatch, capsys, hermetic_env, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("botocore", "boto3") else real(name, *a))
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    (hermetic_env / "config.toml").write_text('[llm]\nprovider = "bedrock"\n')
    code = main(["draft", "--demo", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0
    assert "pip install 'facilitator[bedrock]'" in err and "Traceback" not in err and err.count("\n") == 1


def test_draft_cli_with_a_local_model(server, capsys, hermetic_env, tmp_path):
    (hermetic_env / "config.toml").write_text(
        f'[llm]\nprovider = "openai-compatible"\nbase_url = "{server.base_url}"\nmodel = "llama3.1:8b"\n'
        f'api_key = "{server.api_key}"\nmax_retries = 1\n'
    )
    code = main(["draft", "--demo", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(server.completions) == 3
    internal = Path(tmp_path / "out" / "internal.md").read_text()
    assert "Wint3r-Sunset-42" not in internal
