"""Published pages and filed issues have owners: a colleague's same-title page is never overwritten."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from facilitator.cli import main
from facilitator.errors import PublishError
from facilitator.publish import publish_command
from facilitator.publish.jira import action_label, file_action_items
from facilitator.publish.owner import PROPERTY_KEY, fingerprint, owner_of
from tests.unit.test_confluence import make_settings
from tests.unit.test_render import load_incident

TITLE = "[2024-12-03] Checkout payments failing after connection pool change"


pytestmark = pytest.mark.usefixtures("fast_confluence_retries")


@pytest.fixture()
def server(confluence_server):
    return confluence_server


class Sessions:
    """Several sessions of the same incident (same name and title), each saved in memory."""

    def __init__(self, monkeypatch) -> None:
        self.saved: dict[str, object] = {}
        self.current = ""
        monkeypatch.setattr("facilitator.publish.load_session_and_transcript", self._load)
        monkeypatch.setattr("facilitator.publish._save", self._save)

    def add(self, key: str, created_hour: int) -> None:
        session, transcript = load_incident()
        session.created_at = datetime(2024, 12, 3, created_hour, tzinfo=timezone.utc)  # another laptop, another start
        self.saved[key] = (session, transcript)

    def _load(self, settings, name):
        return self.saved[self.current]

    def _save(self, session) -> None:
        self.saved[self.current] = (session, self.saved[self.current][1])

    def publish(self, key: str, settings, **options) -> str:
        self.current = key
        out = io.StringIO()
        publish_command(settings, "inc-2041", "internal", options.pop("dry_run", False), None, out=out, **options)
        return out.getvalue()


def _pages(server, title=TITLE):
    return [p for p in server.state.pages.values() if p["title"] == title]


def test_two_sessions_with_one_title_never_share_a_page(server, monkeypatch):
    sessions = Sessions(monkeypatch)
    sessions.add("alice", 11)
    sessions.add("bob", 12)
    settings = make_settings(server)
    assert "Created: " in sessions.publish("alice", settings)
    (page,) = _pages(server)
    body = page["body"]
    assert page["properties"][PROPERTY_KEY]["value"]["owner"] == fingerprint(sessions.saved["alice"][0])
    with pytest.raises(PublishError) as err:
        sessions.publish("bob", settings)
    message = str(err.value)
    assert f"--adopt-page {page['id']}" in message and "--title" in message and "\n" not in message
    assert "another post-mortem session" in message
    assert page["body"] == body and page["version"] == 1  # nothing was overwritten
    assert sessions.saved["bob"][0].published.confluence_page_id == ""
    # with a distinct title the second post-mortem gets its own page
    assert "Created: " in sessions.publish("bob", settings, title="Checkout payments failing (EU shard)")
    assert len(_pages(server)) == 1 and len(_pages(server, "[2024-12-03] Checkout payments failing (EU shard)")) == 1
    # and the first session still updates its own page
    assert "Updated (version " in sessions.publish("alice", settings)


def test_our_page_found_by_title_is_updated(server, monkeypatch):
    sessions = Sessions(monkeypatch)
    sessions.add("alice", 11)
    settings = make_settings(server)
    sessions.publish("alice", settings)
    session, transcript = sessions.saved["alice"]
    session.published.confluence_page_id = ""  # the record was lost (an older copy of the session)
    assert "Updated (version " in sessions.publish("alice", settings)
    assert len(_pages(server)) == 1


def test_a_hand_written_page_is_refused_then_adopted_on_request(server, monkeypatch):
    year = server.state.add_page("Post-mortems 2024", server.parent_id)
    theirs = server.state.add_page(TITLE, year, "<p>written by a colleague</p>")
    sessions = Sessions(monkeypatch)
    sessions.add("alice", 11)
    settings = make_settings(server)
    with pytest.raises(PublishError, match=f"not published by facilitator.*--adopt-page {theirs}"):
        sessions.publish("alice", settings)
    with pytest.raises(PublishError, match=f"--adopt-page {theirs}"):
        sessions.publish("alice", settings, dry_run=True)  # the dry run says so too (exit 2)
    assert server.state.pages[theirs]["body"] == "<p>written by a colleague</p>"
    assert "Updated (version 2)" in sessions.publish("alice", settings, adopt_page=theirs)
    assert server.state.pages[theirs]["properties"][PROPERTY_KEY]["value"] == owner_of(sessions.saved["alice"][0])
    assert sessions.saved["alice"][0].published.confluence_page_id == theirs
    with pytest.raises(PublishError, match="no Confluence page 99999"):
        sessions.publish("alice", settings, adopt_page="99999")


def test_cli_refusal_is_one_sentence_with_exit_2(server, monkeypatch, capsys):
    year = server.state.add_page("Post-mortems 2024", server.parent_id)
    server.state.add_page(TITLE, year, "<p>theirs</p>")
    sessions = Sessions(monkeypatch)
    sessions.add("alice", 11)
    sessions.current = "alice"
    for key, value in {"CONFLUENCE_URL": server.url, "CONFLUENCE_EMAIL": "pm@acme.test", "CONFLUENCE_TOKEN": "api-token-123"}.items():
        monkeypatch.setenv(key, value)
    cfg = f'[confluence]\nspace = "OPS"\nparent_page_id = "{server.parent_id}"\n'
    import os
    from pathlib import Path

    Path(os.environ["FACILITATOR_CONFIG"]).write_text(cfg, encoding="utf-8")
    assert main(["publish", "inc-2041"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--adopt-page" in err[0]


def test_jira_issues_of_another_session_with_the_same_name_are_not_taken_for_ours(server):
    first, _ = load_incident()
    second, _ = load_incident()
    second.created_at = datetime(2024, 12, 3, 12, tzinfo=timezone.utc)
    assert action_label(first, first.actions[0]) != action_label(second, second.actions[0])
    settings = make_settings(server).model_copy(update={"jira": {"url": server.jira_url, "email": "pm@acme.test",
                                                                  "token": "api-token-123"}})
    from facilitator.config import JiraSettings

    settings.jira = JiraSettings(url=server.jira_url, email="pm@acme.test", token="api-token-123")
    filed_first = file_action_items(settings, first, "OPS", "", TITLE)
    filed_second = file_action_items(settings, second, "OPS", "", TITLE)
    assert all(f.created for f in filed_first) and all(f.created for f in filed_second)
    assert not {f.key for f in filed_first} & {f.key for f in filed_second}
    again = file_action_items(settings, first.model_copy(update={"published": type(first.published)()}), "OPS", "", TITLE)
    assert {f.key for f in again} == {f.key for f in filed_first} and not any(f.created for f in again)
