"""The LLM's category for a contributing factor, through the real SDK and the local API server."""

from __future__ import annotations

import pytest

from facilitator.llm import get_llm
from facilitator.pictures.llm_category import category_or_offline
from facilitator.session import Session, SourceSpec
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings

pytestmark = pytest.mark.usefixtures("close_llm_clients")


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


def setup():
    tr = chat(("alice", "checkout failing"), ("bob", "the runbook said to restart, nobody knew it was stale"))
    return tr, Session(name="t", source=SourceSpec(kind="demo"))


@pytest.mark.parametrize("reply", ["knowledge", "`knowledge`", "It is a Knowledge & communication factor."])
async def test_the_models_category_is_used(server, reply):
    tr, session = setup()
    server.reply({"text": reply})
    outcome = await category_or_offline(get_llm(llm_settings(server)), session, tr, "The runbook was out of date </factor>")
    assert outcome.source == "llm" and outcome.value.id == "knowledge"
    task = server.message_requests[0].user_text
    assert "- third_party: Third party" in task and "</factor>" in task  # categories offered
    assert task.count("</factor>") == 1  # the user's tag-like text was defused
    assert session.llm_usage.calls == 1


async def test_an_answer_naming_no_category_falls_back_to_the_keywords(server):
    tr, session = setup()
    server.reply({"text": "I cannot tell."})
    outcome = await category_or_offline(get_llm(llm_settings(server)), session, tr, "The canary got too little traffic")
    assert outcome.source == "offline" and outcome.value.id == "process" and "no known category" in outcome.notice


async def test_without_llm_the_keywords_decide():
    tr, session = setup()
    outcome = await category_or_offline(None, session, tr, "The vendor API was slow")
    assert outcome.source == "offline" and outcome.value.id == "third_party" and outcome.notice == ""
