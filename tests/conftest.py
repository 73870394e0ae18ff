"""Hermetic test environment: no user config, no user data dir, no real tokens, fixed zone.

Every test gets its own config path and data dir; the environment variables that would
point the tool at real services are removed so nothing can reach the internet.
"""

from __future__ import annotations

import pytest

_SCRUB = (
    "SLACK_TOKEN",
    "FACILITATOR_SLACK_API_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_AUTH_TOKEN",
    "CONFLUENCE_URL",
    "CONFLUENCE_EMAIL",
    "CONFLUENCE_TOKEN",
    "JIRA_URL",
    "JIRA_EMAIL",
    "JIRA_TOKEN",
    "FACILITATOR_TZ",
    "FACILITATOR_MODEL",
    "GITHUB_TOKEN",
    "GITHUB_URL",
    "GITHUB_API_URL",
    "GITLAB_TOKEN",
    "GITLAB_URL",
    "PAGERDUTY_TOKEN",
    "PAGERDUTY_API_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
)


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path_factory, monkeypatch):
    """Point config and data at temporary paths and drop service credentials."""
    base = tmp_path_factory.mktemp("facilitator-home")
    for var in _SCRUB:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FACILITATOR_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("TZ", "UTC")
    yield base


@pytest.fixture(autouse=True)
def forget_known_secrets():
    """Secrets one test reveals are remembered process-wide by the masker; start each test afresh."""
    from facilitator.redact_detect import forget_secrets

    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture(autouse=True)
def no_secret_reaches_an_llm():
    """After every test: no request any local LLM server received holds a planted secret."""
    from tests.servers import leaks

    leaks.reset()
    yield
    hits = leaks.found()
    leaks.reset()
    assert not hits, f"secrets were sent to the LLM: {sorted(set(hits))}"
