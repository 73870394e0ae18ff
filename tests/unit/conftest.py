"""Unit-test fixtures shared across files: LLM client clean-up, the local Confluence server, and
extraction with the rules' own choices."""

from __future__ import annotations

import pytest

from facilitator.extract import rerank
from facilitator.llm.core import LLM
from facilitator.publish import confluence
from tests.servers.atlassian_server import AtlassianServer, AtlassianState


@pytest.fixture
async def close_llm_clients(monkeypatch):
    """Close every SDK client a test opened, in the test's own event loop, as the app does on exit.

    An unclosed ``AsyncAnthropic`` schedules its own close on whatever loop is running when it
    is garbage-collected; in a later test that loop may be prompt_toolkit's, whose error
    prompt then swallows a keystroke of the plain-mode interview.
    """
    opened = []
    real_client = LLM.client

    def client(self):
        made = real_client(self)
        if all(made is not c for c in opened):
            opened.append(made)
        return made

    monkeypatch.setattr(LLM, "client", client)
    yield
    for made in opened:
        if not made.is_closed():
            await made.close()


@pytest.fixture
def fast_confluence_retries(monkeypatch):
    """Keep the real Confluence/Jira retry policy but without seconds of sleeping."""
    monkeypatch.setattr(confluence, "RETRY_BACKOFF", 0.01)


@pytest.fixture
def confluence_server(fast_confluence_retries):
    """A local Confluence + Jira server with one parent page ("Incidents", ``srv.parent_id``)."""
    state = AtlassianState()
    with AtlassianServer(state) as srv:
        srv.parent_id = state.add_page("Incidents")
        yield srv


@pytest.fixture
def rules_only(monkeypatch):
    """Extraction with the rules' own choice of each key time: the reranker given no weights.

    The tests of the reading rules pin what each rule decides on a small channel made up to show
    one kind of message. The reranker learned from whole conversations and is tested on its own
    (``test_extract_rerank.py``); with it, such a channel's choice may move to another candidate.
    """
    monkeypatch.setattr(rerank, "weights", lambda: {})
