"""Unit-test fixtures shared by the LLM tests."""

from __future__ import annotations

import pytest

from facilitator.llm.core import LLM


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
