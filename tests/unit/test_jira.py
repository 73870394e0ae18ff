"""Jira action items through the real atlassian-python-api client against a local server."""

from __future__ import annotations

import pytest

from facilitator.config import Settings
from facilitator.errors import PublishError
from facilitator.publish.jira import action_label, file_action_items
from tests.servers.atlassian_server import AtlassianServer, AtlassianState
from tests.unit.test_render import load_incident

PAGE = "http://wiki.test/pages/42"


@pytest.fixture()
def server():
    state = AtlassianState(users=[
        {"name": "achen", "displayName": "Alice Chen", "emailAddress": "alice@acme.test"},
        {"name": "dana", "displayName": "Dana Whitfield", "emailAddress": "dana@acme.test"},
        {"name": "dana2", "displayName": "Dana Whitfield-Jones", "emailAddress": "dj@acme.test"},
    ])
    with AtlassianServer(state) as srv:
        yield srv


def make_settings(srv) -> Settings:
    return Settings(jira={"url": srv.jira_url, "email": "pm@acme.test", "token": "api-token-123"})


def test_files_one_issue_per_action_with_fields(server):
    session, _ = load_incident()
    filed = file_action_items(make_settings(server), session, "OPS", PAGE, "[2024-12-03] Checkout")
    issues = server.state.issues
    assert [f.key for f in filed] == ["OPS-1", "OPS-2", "OPS-3"] and all(f.created for f in filed)
    first = issues["OPS-1"]["fields"]
    assert first["summary"].startswith("Alert when the payments-api pool")
    assert PAGE in first["description"] and first["duedate"] == "2024-12-20"
    assert first["labels"] == ["post-mortem", action_label(session, session.actions[0])]
    assert first["assignee"] == {"name": "achen"}  # exactly one user matched
    assert "assignee" not in issues["OPS-2"]["fields"]  # "Dana Whitfield" is ambiguous: two users
    assert "assignee" not in issues["OPS-3"]["fields"] and "duedate" not in issues["OPS-3"]["fields"]
    assert session.published.jira_keys == {"a1": "OPS-1", "a2": "OPS-2", "a3": "OPS-3"}


def test_never_files_twice(server):
    session, _ = load_incident()
    settings = make_settings(server)
    file_action_items(settings, session, "OPS", PAGE, "t")
    again = file_action_items(settings, session, "OPS", PAGE, "t")
    assert len(server.state.issues) == 3 and not any(f.created for f in again)
    # the session lost its keys (e.g. crash before saving): the label lookup still finds them
    fresh, _ = load_incident()
    third = file_action_items(settings, fresh, "OPS", PAGE, "t")
    assert len(server.state.issues) == 3 and [f.key for f in third] == ["OPS-1", "OPS-2", "OPS-3"]


def test_bad_project_key_and_auth_are_sentences(server):
    session, _ = load_incident()
    with pytest.raises(PublishError, match="not a Jira project key"):
        file_action_items(make_settings(server), session, "ops board", PAGE, "t")
    server.state.basic = ("pm@acme.test", "nope")
    with pytest.raises(PublishError, match=r"Jira rejected the credentials \(401\)"):
        file_action_items(make_settings(server), session, "OPS", PAGE, "t")
    assert session.published.jira_keys == {}


def test_dry_run_files_nothing(server):
    session, _ = load_incident()
    filed = file_action_items(make_settings(server), session, "OPS", PAGE, "t", dry_run=True)
    assert len(filed) == 3 and server.state.requests == []


def test_sso_login_page_is_one_sentence_naming_jira_url(server):
    session, _ = load_incident()
    server.state.login_page = True
    with pytest.raises(PublishError) as err:
        file_action_items(make_settings(server), session, "OPS", PAGE, "t")
    assert "jira.url (JIRA_URL)" in str(err.value) and "HTML page" in str(err.value)
    assert session.published.jira_keys == {} and server.state.issues == {}


def test_create_answered_with_an_empty_body_keeps_earlier_keys_and_says_so(server):
    session, _ = load_incident()
    server.state.odd_answers.append(("POST", "/rest/api/2/issue$", 201, "application/json", ""))
    with pytest.raises(PublishError, match=r"Jira at .* answered with an empty body"):
        file_action_items(make_settings(server), session, "OPS", PAGE, "t")
    assert session.published.jira_keys == {}  # nothing recorded for an issue we could not see


@pytest.mark.parametrize("url", ["notaurl", "jira.acme.test"])
def test_a_jira_url_that_is_not_http_is_named(url):
    session, _ = load_incident()
    settings = Settings(jira={"url": url, "email": "a@b.c", "token": "t"})
    with pytest.raises(PublishError, match=r"jira\.url \(JIRA_URL\) value .* is not an http\(s\) URL"):
        file_action_items(settings, session, "OPS", PAGE, "t")
