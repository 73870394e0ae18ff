"""`facilitator llm-preview SESSION`: the masked prompt, its size and cost, before any call; the audit trail after."""

from __future__ import annotations

import json
import re

import pytest

from facilitator.cli import main
from facilitator.sessions import SessionStore
from tests.servers.anthropic_server import AnthropicServer
from tests.unit.llm_replies import helpful

pytestmark = pytest.mark.usefixtures("close_llm_clients")


@pytest.fixture
def server():
    with AnthropicServer(responder=helpful) as srv:
        yield srv


@pytest.fixture
def env(server, monkeypatch, hermetic_env):
    monkeypatch.setenv("ANTHROPIC_API_KEY", server.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
    (hermetic_env / "config.toml").write_text("[llm]\nmax_retries = 1\n")
    return hermetic_env


def _demo_session(tmp_path, capsys, *flags: str) -> str:
    assert main(["draft", "--demo", "--session", "prev", "--out", str(tmp_path / "out"), *flags]) == 0
    capsys.readouterr()
    return "prev"


def test_preview_shows_the_masked_prompt_size_and_cost_without_any_call(server, env, capsys, tmp_path):
    name = _demo_session(tmp_path, capsys, "--no-llm")
    assert main(["llm-preview", name]) == 0
    out = capsys.readouterr().out
    assert server.requests == []  # nothing was sent to preview it
    assert re.search(r"Size: about [\d,]+ input tokens", out) and re.search(r"Cost: about \$\d+\.\d{3}", out)
    assert "Wint3r-Sunset-42" not in out and "AKIAIOSFODNN7EXAMPLE" not in out
    transcript = SessionStore().transcript(name)
    people = {m.author for m in transcript.messages if not m.is_bot}
    prompt = out.split("----- prompt as it would be sent -----", 1)[1]
    assert people and not [p for p in people if p in prompt]
    assert "Responder A:" in prompt and "<channel-data-" in prompt
    assert "No LLM call has been made" in out


def test_the_audit_trail_records_every_call_and_the_preview_matches_what_is_sent(server, env, capsys, tmp_path):
    name = _demo_session(tmp_path, capsys)
    session = SessionStore().load(name)
    audit = session.llm_usage.audit
    assert len(audit) == len(server.message_requests) == session.llm_usage.calls == 3
    for call, request in zip(audit, server.message_requests):
        assert call.model == request.body["model"] and len(call.prompt_sha256) == 64
        assert call.input_tokens + call.cache_read_tokens + call.cache_write_tokens > 0
    assert sum(c.estimated_cost_usd for c in audit) == pytest.approx(session.llm_usage.estimated_cost_usd, abs=1e-5)
    assert main(["llm-preview", name, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["audit"]) == 3 and data["tokens"] > 1000
    first_sent = server.message_requests[0].body
    # The preview's transcript block is the one the findings call sent, but for the per-process fence nonce.
    sent_lines = first_sent["system"][-1]["text"].splitlines()[2:-1]
    import difflib
    got = data["prompt"].split("[untrusted data: incident channel", 1)[1].splitlines()[1 : len(sent_lines) + 1]
    diff = list(difflib.unified_diff(sent_lines, got, lineterm="", n=0))
    assert not diff, "\n".join(diff[:20])


def test_preview_of_an_unknown_session_is_one_sentence(env, capsys):
    assert main(["llm-preview", "nope"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
