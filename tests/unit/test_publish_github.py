"""Action items as GitHub issues through PyGithub against the local GitHub server: once, then updates."""

from __future__ import annotations

import io

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.evidence.github import GitHubError, make_github
from facilitator.publish.github import file_issues, github_publish_command, marker, owner_login
from facilitator.render import render_markdown
from facilitator.sessions import SessionStore
from tests.servers.github_server import GitHubServer, GitHubState
from tests.unit.test_render import load_incident

REPO = "acme/checkout"


@pytest.fixture()
def server():
    state = GitHubState(page_size=2, assignable={"achen"})
    state.repos.add(REPO)
    with GitHubServer(state) as srv:
        yield srv


def make_settings(srv) -> Settings:
    return Settings(github={"token": srv.state.token, "api_url": srv.api_url, "logins": {"Alice Chen": "achen"}})


def saved_session():
    session, transcript = load_incident()
    session.published.confluence_url = "https://wiki.acme.test/pages/42"
    store = SessionStore()
    store.save(session)
    store.save_transcript(session.name, transcript)
    return session, transcript


def test_one_issue_per_action_then_none(server):
    session, _ = saved_session()
    settings = make_settings(server)
    out = io.StringIO()
    assert github_publish_command(settings, session.name, REPO, dry_run=False, out=out, client=make_github(settings, write_pause=0)) == 0
    issues = server.state.issues[REPO]
    assert len(issues) == 3 and "created 3 issue(s), updated 0, 0 unchanged" in out.getvalue()
    first = issues[0]
    assert first["title"] == "Alert when the payments-api pool is above 80% for 5 minutes"
    assert first["labels"] == ["post-mortem", "detect"] and first["assignees"] == ["achen"]
    body = first["body"]
    for part in ("**What:** Alert when", "**Why:** Root cause found in the post-mortem: ", "[Checkout payments failing after connection pool change](https://wiki.acme.test/pages/42)",
                 "**Owner:** Alice Chen", "**Due:** 2024-12-20", marker(session, session.actions[0])):
        assert part in body
    assert issues[1]["assignees"] == []  # Dana Whitfield maps to no login
    stored = SessionStore().load(session.name)
    assert stored.published.github_issues == {a: f"https://github.test/{REPO}/issues/{n}" for a, n in (("a1", 1), ("a2", 2), ("a3", 3))}

    out = io.StringIO()
    github_publish_command(settings, session.name, REPO, dry_run=False, out=out, client=make_github(settings, write_pause=0))
    assert len(server.state.issues[REPO]) == 3 and "created 0 issue(s), updated 0, 3 unchanged" in out.getvalue()
    assert not [r for r in server.state.requests if r[0] in ("POST", "PATCH")][3:]  # nothing written the second time

    # The document shows the issue links.
    markdown = render_markdown(stored, None, Settings(timezone="Europe/Berlin"))
    assert f"([#1](https://github.test/{REPO}/issues/1))" in markdown


def test_republish_updates_a_changed_item_and_finds_issues_the_session_forgot(server):
    session, _ = saved_session()
    settings = make_settings(server)
    client = make_github(settings, write_pause=0)
    file_issues(settings, session, REPO, "Checkout", client=client)
    forgetful = session.model_copy(deep=True)
    forgetful.published.github_issues.clear()  # e.g. a session restored from before the publish
    forgetful.actions[1].due = forgetful.actions[1].due.replace(month=2)
    plans = file_issues(settings, forgetful, REPO, "Checkout", client=client)
    assert [p.outcome for p in plans] == ["unchanged", "update", "unchanged"]
    assert len(server.state.issues[REPO]) == 3  # found by the marker among the paged issue list
    assert "**Due:** 2025-02-15" in server.state.issues[REPO][1]["body"]
    assert forgetful.published.github_issues["a2"].endswith("/issues/2")


def test_dry_run_changes_nothing(server):
    session, _ = saved_session()
    out = io.StringIO()
    settings = make_settings(server)
    github_publish_command(settings, session.name, REPO, dry_run=True, out=out, client=make_github(settings, write_pause=0))
    assert "would create 3 issue(s)" in out.getvalue() and "nothing was changed" in out.getvalue()
    assert REPO not in server.state.issues and not SessionStore().load(session.name).published.github_issues
    # Without a token the plan comes from the session alone.
    out = io.StringIO()
    github_publish_command(Settings(), session.name, REPO, dry_run=True, out=out)
    assert "would create 3 issue(s)" in out.getvalue()


def test_cli_publish_github_and_errors_in_one_sentence(server, monkeypatch, capsys):
    session, _ = saved_session()
    monkeypatch.setenv("GITHUB_TOKEN", server.state.token)
    monkeypatch.setenv("GITHUB_API_URL", server.api_url)
    monkeypatch.setattr("facilitator.publish.github.make_github", lambda s: make_github(s, write_pause=0))
    assert main(["publish", session.name, "--github", REPO]) == 0
    assert "created 3 issue(s)" in capsys.readouterr().out
    assert main(["publish", session.name, "--github", REPO]) == 0
    assert "created 0 issue(s), updated 0, 3 unchanged" in capsys.readouterr().out
    assert main(["publish", session.name, "--github", "not a repo"]) == 2
    assert "write it as OWNER/REPO" in capsys.readouterr().err
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongwrongwrongwrongwrongwrong00")
    assert main(["publish", session.name, "--github", REPO]) == 2
    err = capsys.readouterr().err
    assert "refused the token (401)" in err and "ghp_wrong" not in err and err.count("\n") == 1
    monkeypatch.setenv("GITHUB_TOKEN", server.state.token)
    assert main(["publish", session.name, "--github", "acme/missing"]) == 2
    assert "found nothing (404)" in capsys.readouterr().err


def test_owner_logins():
    logins = {"Alice Chen": "achen"}
    assert owner_login("Alice Chen (SRE)", logins) == "achen"
    assert owner_login("@dana-w", logins) == "dana-w"
    assert owner_login("kenji", logins) == "kenji"
    assert owner_login("Dana Whitfield", logins) == ""
    assert owner_login("", logins) == ""


def test_no_token_is_one_sentence():
    with pytest.raises(GitHubError, match="No GitHub token; set GITHUB_TOKEN"):
        make_github(Settings())


def test_a_credential_in_an_action_is_masked_in_the_issue(server):
    session, _ = saved_session()
    session.actions[0].action = "Rotate the key xoxb-123456789012-abcdefghijkl that was pasted in the channel"
    file_issues(make_settings(server), session, REPO, "Checkout", client=make_github(make_settings(server), write_pause=0))
    issue = server.state.issues[REPO][0]
    assert "xoxb-123456789012" not in issue["title"] + issue["body"] and "[redacted]" in issue["title"]


def test_two_sessions_with_one_name_never_share_an_issue_marker():
    from datetime import timedelta

    from facilitator.publish.github import marker
    from facilitator.session import ActionItem, Session, SourceSpec

    first = Session(name="checkout", source=SourceSpec(kind="demo"))
    second = Session(name="checkout", source=SourceSpec(kind="demo"), created_at=first.created_at + timedelta(days=3))
    action = ActionItem(id="a1", action="Add an alert on pool saturation")
    assert marker(first, action) != marker(second, action)
    assert marker(first, action) == marker(first.model_copy(), action)  # stable across saves
