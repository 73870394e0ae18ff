"""Reviewing many post-mortems: a Confluence tree or a folder, a cache re-read only where changed,
and "has this happened before?" answered from what was read."""

from __future__ import annotations

import json

import pytest

from facilitator.cli import main
from facilitator.findings import Fact, Findings
from facilitator.interview.catalogue import load_catalogue
from facilitator.interview.suggest import suggest
from facilitator.render.storage import markdown_to_storage
from facilitator.review.command import review_tree
from facilitator.review.history import History, similar_postmortems
from facilitator.review.sources import list_tree
from tests.servers.atlassian_server import AtlassianState


def postmortem(title: str, day: str, cause: str, detect: str, resolve: str, actions: str, blame: str = "") -> str:
    return f"""# {title}

Date: {day}

## Summary

Customers could not pay for {title.lower()}.

## Impact

Card payments failed.

## Timeline

- {day} 10:00 deploy starts
- {day} {detect} alert fires, on-call paged
- {day} {resolve} all clear, incident resolved

## Root cause

{cause} {blame}

## Action items

| Action | Owner | Due | Category | Ticket |
| --- | --- | --- | --- | --- |
{actions}
"""


DOCS = {
    "[2024-02-01] Checkout pool exhaustion": postmortem(
        "Checkout pool exhaustion", "2024-02-01", "The database connection pool was too small after a config rename.", "10:10", "11:00",
        "| Add an alert on connection pool saturation above 80% | Ana Ruiz | 2024-03-01 | detect | OPS-1 |"),
    "[2024-06-12] Payments pool exhaustion": postmortem(
        "Payments pool exhaustion", "2024-06-12", "The connection pool of the payments database ran out under peak load.", "10:30", "12:00",
        "| Raise the payments connection pool from 20 to 80 | Kim Lee | 2024-07-01 | prevent | OPS-2 |", blame="Bob forgot to load-test it."),
    "[2024-09-03] Search outage": postmortem(
        "Search outage", "2024-09-03", "An expired TLS certificate on the search cluster.", "10:05", "10:45",
        "| Automate certificate renewal for the search cluster with cert-manager | Li Wu | 2024-10-01 | prevent | |"),
}


pytestmark = pytest.mark.usefixtures("fast_confluence_retries")


@pytest.fixture()
def wiki(confluence_server, monkeypatch):
    """The local Confluence with a year page holding the three post-mortems, configured by env."""
    srv, state = confluence_server, confluence_server.state
    year = state.add_page("2024", srv.parent_id)
    srv.ids = {title: state.add_page(title, year, markdown_to_storage(text.split("\n", 2)[2])) for title, text in DOCS.items()}
    monkeypatch.setenv("CONFLUENCE_URL", srv.url)
    monkeypatch.setenv("CONFLUENCE_EMAIL", "pm@acme.test")
    monkeypatch.setenv("CONFLUENCE_TOKEN", "api-token-123")
    return srv


def body_reads(state: AtlassianState) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in state.requests if r.method == "GET" and "body" in r.query.get("expand", "")]


def test_tree_review_lists_each_page_with_findings_and_a_summary(wiki, capsys):
    assert main(["review", "--confluence-tree", wiki.parent_id]) == 1  # one page holds a blameful sentence
    out = capsys.readouterr().out
    assert "Reviewed 3 post-mortems" in out and "3 read, 0 unchanged" in out
    for title in DOCS:
        assert title[:50] in out
    assert "2024" not in [line.strip() for line in out.splitlines()]  # the year page is not reviewed
    assert "Blames Bob" in out
    assert "'connection pool' in 2 post-mortems" in out
    assert "Time to detect (fault introduced to detection): median 10 min over 3" in out
    assert main(["review", "--confluence-tree", wiki.parent_id, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["date"] for d in data["documents"]] == ["2024-02-01", "2024-06-12", "2024-09-03"]
    assert data["durations_minutes"]["time_to_resolve"]["max"] == 90
    assert data["categories"] == {"detect": 1, "prevent": 2}
    assert len(data["open_actions"]) == 3


def test_a_second_run_reads_only_the_pages_that_changed(wiki, capsys):
    settings_argv = ["review", "--confluence-tree", wiki.parent_id, "--json"]
    main(settings_argv)
    first = body_reads(wiki.state)
    assert sorted(first) == sorted(wiki.ids.values())
    wiki.state.requests.clear()
    main(settings_argv)
    assert body_reads(wiki.state) == []
    assert json.loads(capsys.readouterr().out.split("\n}\n")[-2] + "\n}")["fetched"] == 0
    changed = wiki.ids["[2024-09-03] Search outage"]
    page = wiki.state.pages[changed]
    page.update(version=page["version"] + 1, body=page["body"].replace("expired", "expired wildcard"))
    wiki.state.requests.clear()
    main(settings_argv)
    assert body_reads(wiki.state) == [changed]
    assert "wildcard" in History.default().entries[f"confluence:{wiki.url}/{changed}"].root_cause


def test_listing_a_tree_follows_every_page_of_results(wiki):
    from facilitator.config import load_settings

    pages = list(list_tree(load_settings(), wiki.parent_id, page_size=2))
    assert sorted(p.page_id for p in pages if p.title != "2024") == sorted(wiki.ids.values())
    starts = [r.query.get("start") for r in wiki.state.requests if r.path == "/rest/api/search"]
    assert starts == ["0", "2"]


def test_folder_review_and_its_cache(tmp_path, capsys):
    for i, text in enumerate(DOCS.values()):
        (tmp_path / f"pm{i}.md").write_text(text)
    (tmp_path / "notes.txt").write_text("shopping list\n")
    summary = review_tree(_settings(), None, tmp_path)
    assert len(summary.postmortems) == 3 and summary.fetched == 4 and summary.skipped == ["shopping list"]
    assert review_tree(_settings(), None, tmp_path).fetched == 0
    (tmp_path / "pm2.md").write_text(DOCS["[2024-09-03] Search outage"] + "\nEdited.\n")
    assert review_tree(_settings(), None, tmp_path).fetched == 1
    assert main(["review", str(tmp_path)]) == 1
    assert "Recurring causes" in capsys.readouterr().out


def test_has_this_happened_before_offers_the_most_similar_past_postmortems(tmp_path):
    question = next(q for q in load_catalogue() if q.id == "happened_before")
    findings = Findings(title=Fact(text="Checkout errors: connection pool exhausted"),
                        causes=[Fact(text="the database connection pool was too small")])
    assert suggest(question, findings) is None  # nothing reviewed yet: no guess
    for i, text in enumerate(DOCS.values()):
        (tmp_path / f"pm{i}.md").write_text(text)
    review_tree(_settings(), None, tmp_path)
    ranked = similar_postmortems("connection pool exhausted database", History.default())
    assert [e.title for e, _ in ranked][:2] == ["Checkout pool exhaustion", "Payments pool exhaustion"]
    assert all(e.title != "Search outage" for e, _ in ranked)
    suggestion = suggest(question, findings)
    assert suggestion is not None and suggestion.value.startswith("yes - possibly: Checkout pool exhaustion (2024-02-01")
    assert "Payments pool exhaustion" in suggestion.note and suggestion.confidence < 0.5


def _settings():
    from facilitator.config import load_settings

    return load_settings()


def test_open_actions_are_checked_against_jira_when_it_is_configured(wiki, monkeypatch, capsys):
    wiki.state.issues["OPS-1"] = {"id": "10001", "key": "OPS-1", "fields": {"status": {"name": "Done", "statusCategory": {"key": "done"}}}}
    wiki.state.issues["OPS-2"] = {"id": "10002", "key": "OPS-2", "fields": {"status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}}}
    monkeypatch.setenv("JIRA_URL", wiki.jira_url)
    monkeypatch.setenv("JIRA_EMAIL", "pm@acme.test")
    monkeypatch.setenv("JIRA_TOKEN", "api-token-123")
    main(["review", "--confluence-tree", wiki.parent_id, "--json"])
    open_actions = json.loads(capsys.readouterr().out)["open_actions"]
    assert [(a["ticket"], a["status"]) for a in open_actions] == [("OPS-2", "In Progress"), ("", "")]
