"""Evidence from GitHub, GitLab, Jira and PagerDuty through their real client libraries and local servers.

The end-to-end case: a channel that links a pull request and Jira tickets, started with tokens
configured against the local servers and with alert, page and log files: the interview's "when did
it start" offers the PR's deployment with its citation, and the document's timeline shows Source
and Actor rows for the PR, the alert, the page and the first error. Without tokens nothing is fetched.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from facilitator.config import Settings
from facilitator.evidence.changes import parse_ref
from facilitator.evidence.gather import gather_evidence
from facilitator.evidence.github import GitHubError, make_github, resolve_change
from facilitator.evidence.gitlab import GitLabError, make_gitlab
from facilitator.evidence.gitlab import resolve_change as resolve_gitlab
from facilitator.evidence.pagerduty import PagerDutyError, fetch_incident_rows, make_pagerduty
from facilitator.findings import Findings
from facilitator.interview.engine import Interview
from facilitator.render import build_document, render_markdown
from facilitator.session import SourceSpec
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript
from tests.servers.atlassian_server import AtlassianServer, AtlassianState
from tests.servers.github_server import GitHubServer, GitHubState
from tests.servers.gitlab_server import GitLabServer, GitLabState
from tests.servers.pagerduty_server import PagerDutyServer, PagerDutyState

UTC = timezone.utc
WEB = "https://github.test"


def at(hh: int, mm: int) -> datetime:
    return datetime(2024, 12, 3, hh, mm, tzinfo=UTC)


def github_state(**kw) -> GitHubState:
    st = GitHubState(page_size=1, **kw)  # one item per page: every list is paged
    st.add_pull("acme/checkout", 42, "Lower the payments pool size", "2024-12-03T13:40:00Z", "aaa4242")
    st.add_deployment("acme/checkout", "aaa4242", "staging", [("success", "2024-12-03T13:43:00Z")])
    st.add_deployment("acme/checkout", "aaa4242", "production", [("pending", "2024-12-03T13:45:00Z"), ("success", "2024-12-03T13:48:00Z")])
    st.add_pull("acme/checkout", 43, "Revert pool size", "2024-12-03T14:38:00Z", "bbb4343", merged_by="kenji")
    st.add_release("acme/checkout", "v2.31.1", "2024-12-03T14:45:00Z", {"bbb4343"})
    return st


def channel(jira_url: str) -> Transcript:
    msgs = [
        Message("L1", at(14, 5), "Alertmanager", "[FIRING:1] CheckoutHighErrorRate checkout page", is_bot=True),
        Message("L2", at(14, 9), "Priya", "I'll take IC. Customers report checkout failing: " + f"{jira_url}/browse/SUP-7"),
        Message("L3", at(14, 20), "Léon", f"Suspect {WEB}/acme/checkout/pull/42 lowered the pool size"),
        Message("L4", at(14, 30), "Priya", f"We have {jira_url}/browse/OPS-3 about pool sizing in the backlog already"),
        Message("L5", at(14, 40), "Kenji", f"Revert is out: {WEB}/acme/checkout/pull/43"),
        Message("L6", at(14, 55), "Priya", "Resolved, error rate back to normal."),
    ]
    return Transcript(messages=msgs, source="transcript", channel="inc-checkout", timezone="UTC")


def evidence_files(tmp_path) -> list[str]:
    alerts = [
        {"labels": {"alertname": "CheckoutLatencyHigh", "severity": "warning"}, "annotations": {"summary": "p99 > 2s"},
         "startsAt": "2024-12-03T14:02:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f1", "status": {"state": "active"}},
        {"labels": {"alertname": "CheckoutHighErrorRate", "severity": "page"}, "annotations": {},
         "startsAt": "2024-12-03T14:05:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f2", "status": {"state": "active"}},
    ]
    incident = {"id": "Q1", "summary": "checkout p99 latency", "html_url": "https://acme.pagerduty.test/incidents/Q1"}
    pages = {"log_entries": [
        {"type": "trigger_log_entry", "created_at": "2024-12-03T14:03:00Z", "agent": {"type": "service_reference", "summary": "Prometheus"}, "incident": incident},
        {"type": "notify_log_entry", "created_at": "2024-12-03T14:03:10Z", "user": {"summary": "Priya"}, "channel": {"type": "push_notification"}, "incident": incident},
    ]}
    (tmp_path / "alerts.json").write_text(json.dumps(alerts))
    (tmp_path / "pd.json").write_text(json.dumps(pages))
    (tmp_path / "api.log").write_text("2024-12-03T13:49:30Z ERROR pool exhausted\n2024-12-03T13:49:31Z INFO retry\n")
    return [str(tmp_path / n) for n in ("alerts.json", "pd.json", "api.log")]


@pytest.fixture()
def servers():
    jira = AtlassianState()
    jira.issues["SUP-7"] = {"id": "1", "key": "SUP-7", "fields": {
        "summary": "Checkout fails with 502", "created": "2024-12-03T14:07:00.000+0000", "status": {"name": "Open", "statusCategory": {"key": "new"}}}}
    jira.issues["OPS-3"] = {"id": "2", "key": "OPS-3", "fields": {
        "summary": "Pool sizing is fragile", "created": "2024-11-20T09:00:00.000+0000", "status": {"name": "To Do", "statusCategory": {"key": "new"}}}}
    with GitHubServer(github_state()) as gh, AtlassianServer(jira) as atl:
        yield gh, atl


def configured(gh, atl) -> Settings:
    return Settings(
        github={"token": gh.state.token, "url": WEB, "api_url": gh.api_url},
        jira={"url": atl.jira_url, "email": "pm@acme.test", "token": "api-token-123"},
    )


def test_channel_with_pr_and_ticket_offers_deploy_time_and_fills_the_timeline(servers, tmp_path):
    gh, atl = servers
    settings = configured(gh, atl)
    transcript = channel(atl.jira_url)
    spec = SourceSpec(kind="transcript", ref="paste.txt", evidence=evidence_files(tmp_path))
    session, transcript = start_session(spec, settings, SessionStore(), transcript=transcript, name="inc-checkout")

    # "When did it start?" offers PR #42's production deployment, citing the PR and the message that linked it.
    interview = Interview(session, transcript)
    offered = [s for s in interview.alternatives("started_at") if s.source == "evidence"]
    pr = next(s for s in offered if "#42" in s.note)
    assert pr.value == "2024-12-03T13:48+00:00"
    assert f"{WEB}/acme/checkout/pull/42" in pr.note and "deployed to production" in pr.note
    assert pr.message_ids == ["L3"]
    assert any("first error logged in api.log" in s.note and s.value.startswith("2024-12-03T13:49") for s in offered)
    # The channel itself says nothing about the start, so the deployment is the suggestion shown, the log an alternative.
    assert interview.suggestion("started_at") == pr and interview.citation_lines("started_at")[0].startswith("[from 14:20 Léon: Suspect https://github.test/acme/checkout/pull/42")
    alternatives = interview.alternative_lines("started_at")
    assert "2024-12-03 13:49 — first error logged in api.log" in alternatives
    # the channel's own estimate (its first alert) stays on offer, below the deployment
    assert any(line.startswith("2024-12-03 14:05 — no earlier sign in the channel") for line in alternatives)
    # The revert landed after the incident was noticed: a "fix deployed" candidate, from its release.
    fix = session.evidence.candidates_for("resolved_at")
    assert [(c.at, c.message_ids) for c in fix] == [(at(14, 45), ["L5"])] and "release v2.31.1" in fix[0].label

    doc = build_document(session, transcript, settings)
    rows = {(r.source, r.actor): r for r in doc.timeline}
    assert "acme/checkout#42" in rows[("GitHub", "lead")].event  # merged by lead
    shipped = [r.event for r in doc.timeline if r.source == "GitHub (automated)"]
    assert shipped == ["PR acme/checkout#42 'Lower the payments pool size' deployed to production",
                       "PR acme/checkout#43 'Revert pool size' shipped in release v2.31.1"]
    assert rows[("Alertmanager (automated)", "CheckoutLatencyHigh")].kind == "alert"
    assert rows[("PagerDuty (automated)", "Prometheus")].event == "Incident triggered: checkout p99 latency"
    assert rows[("PagerDuty (automated)", "PagerDuty")].event.startswith("Paged Priya")
    assert rows[("Logs (automated)", "api.log")].event.startswith("First error logged")
    assert rows[("Logs (automated)", "api.log")].evidence == "(api.log)"
    assert rows[("channel", "Priya")].automated is False and rows[("channel (bot)", "Alertmanager")].automated is True
    jira_rows = [r.event for r in doc.timeline if r.source == "Jira"]
    assert any(e.startswith("First support ticket SUP-7 'Checkout fails with 502' opened") for e in jira_rows)
    assert not any("OPS-3" in e for e in jira_rows)  # weeks old: the backlog check below, not a timeline row
    assert all(len(r.time) == 5 for r in doc.timeline)  # so the one-day timeline keeps times without dates
    # The alert the channel's bot already posted is not repeated.
    assert session.evidence.duplicates == 1
    assert not any(r.actor == "CheckoutHighErrorRate" and r.source.startswith("Alertmanager") for r in doc.timeline)
    times = [r.time for r in doc.timeline]
    assert times == sorted(times)  # channel and outside rows in one order

    assert doc.backlog == [f"[OPS-3]({atl.jira_url}/browse/OPS-3) Pool sizing is fragile: open since 2024-11-20 (To Do) (msg L4, 14:30)"]
    markdown = render_markdown(session, transcript, settings)
    assert "**Already in the backlog:** [OPS-3]" in markdown
    assert "Already in the backlog before the incident: [OPS-3]" in render_markdown(session, transcript, settings, template="classic")
    assert "| Time (UTC) | Source | Actor | Event |" in markdown
    assert f"[GitHub]({WEB}/acme/checkout/pull/42)" in markdown
    assert gh.state.token not in markdown and gh.state.token not in SessionStore().path(session.name).read_text()


def test_without_tokens_nothing_is_fetched(servers):
    gh, atl = servers
    transcript = channel(atl.jira_url)
    session, _ = start_session(SourceSpec(kind="transcript", ref="paste.txt"), Settings(), SessionStore(), transcript=transcript)
    assert session.evidence.rows == [] and session.evidence.candidates == [] and session.evidence.notes == []
    assert gh.state.requests == [] and atl.state.requests == []
    assert "## Timeline" in render_markdown(session, transcript, Settings())


def test_enterprise_base_url(tmp_path):
    st = github_state(enterprise=True)
    with GitHubServer(st) as gh:
        settings = Settings(github={"token": st.token, "url": "https://ghe.acme.test", "api_url": gh.api_url})
        ref = parse_ref("https://ghe.acme.test/acme/checkout/pull/42", settings.github.url)
        change = resolve_change(make_github(settings), ref, settings)
    assert change.merged_at == at(13, 40) and change.deployed_to == "production"
    assert all(path.startswith("/api/v3/") for _, path, _ in st.requests)
    # Without api_url, an Enterprise web URL means its /api/v3 REST base.
    from facilitator.evidence.github import api_url

    assert api_url(Settings(github={"url": "https://ghe.acme.test/"})) == "https://ghe.acme.test/api/v3"
    assert api_url(Settings()) == "https://api.github.com"


def test_github_rate_limits_are_waited_out_when_short():
    st = github_state()
    st.faults += [("GET", r"/pulls/42$", "rate403"), ("GET", r"/deployments$", "rate429")]
    with GitHubServer(st) as gh:
        settings = Settings(github={"token": st.token, "url": WEB, "api_url": gh.api_url})
        change = resolve_change(make_github(settings), parse_ref(f"{WEB}/acme/checkout/pull/42", WEB), settings)
    assert change.deployed_at == at(13, 48)
    assert [p for _, p, _ in st.requests].count("/repos/acme/checkout/pulls/42") == 2  # asked again after the reset


@pytest.mark.parametrize(("fault", "token", "ref", "says"), [
    (None, "wrong", "pull/42", "refused the token (401)"),
    (None, None, "pull/999", "found nothing (404)"),
    (("GET", r"/pulls/42$", "rate403-long"), None, "pull/42", "rate limit is used up"),
    (("GET", r"/pulls/42$", "html"), None, "pull/42", "did not answer with JSON"),
])
def test_github_failures_are_one_sentence(fault, token, ref, says):
    st = github_state()
    if fault:
        st.faults.append(fault)
    with GitHubServer(st) as gh:
        settings = Settings(github={"token": token or st.token, "url": WEB, "api_url": gh.api_url})
        with pytest.raises(GitHubError) as err:
            resolve_change(make_github(settings), parse_ref(f"{WEB}/acme/checkout/{ref}", WEB), settings)
    text = str(err.value)
    assert says in text and "\n" not in text and "Traceback" not in text and st.token not in text


def test_gather_keeps_going_after_a_refused_link(servers):
    gh, atl = servers
    settings = Settings(github={"token": "ghp_wrongwrongwrongwrongwrongwrong00", "url": WEB, "api_url": gh.api_url})
    record = gather_evidence(channel(atl.jira_url), _findings_for(channel(atl.jira_url)), settings)
    assert len(record.notes) == 1 and "(401)" in record.notes[0]  # one sentence, not one per link
    assert "ghp_wrong" not in record.notes[0]


def _findings_for(transcript: Transcript) -> Findings:
    from facilitator.extract import extract_findings

    return extract_findings(transcript)


def test_gitlab_merge_request_self_managed_with_paging_and_429():
    st = GitLabState(prefix="/gitlab", page_size=1)
    st.add_mr("group/sub/app", 7, "Drop the orders index", "2024-12-03T13:40:00Z", "abc123")
    st.add_deployment("group/sub/app", "zzz999", "production", "2024-12-03T13:41:00Z")
    st.add_deployment("group/sub/app", "abc123", "staging", "2024-12-03T13:45:00Z")
    st.add_deployment("group/sub/app", "abc123", "production", "2024-12-03T13:50:00Z")
    st.faults.append(("GET", "merge_requests", "rate429"))
    with GitLabServer(st) as gl:
        settings = Settings(gitlab={"token": st.token, "url": gl.url})
        ref = parse_ref(f"{gl.url}/group/sub/app/-/merge_requests/7", "", settings.gitlab.url)
        change = resolve_gitlab(make_gitlab(settings), ref, settings)
        assert (change.title, change.merged_by, change.deployed_at, change.deployed_to) == (
            "Drop the orders index", "lead", at(13, 50), "production")
        assert sum(1 for _, p, q in st.requests if p.endswith("/deployments")) == 3  # three pages
        bad = Settings(gitlab={"token": "nope", "url": gl.url})
        with pytest.raises(GitLabError, match=r"refused the token \(401\).*GITLAB_TOKEN"):
            resolve_gitlab(make_gitlab(bad), ref, bad)
        missing = parse_ref(f"{gl.url}/group/sub/app/-/merge_requests/99", "", settings.gitlab.url)
        with pytest.raises(GitLabError, match=r"found nothing \(404\)"):
            resolve_gitlab(make_gitlab(settings), missing, settings)


def test_pagerduty_incident_fetched_by_id_with_paging_and_429():
    st = PagerDutyState(page_size=2, rate_limited=1)
    for i, kind in enumerate(["trigger", "notify", "acknowledge", "annotate", "resolve"]):
        person = kind in ("acknowledge", "annotate", "resolve")
        st.add_entry("Q1ABCDEF", kind, f"2024-12-03T14:0{i}:00Z", user="Priya" if kind == "notify" else "",
                     agent=("user_reference", "Priya") if person else ("service_reference", "Prometheus"))
    with PagerDutyServer(st) as pd:
        settings = Settings(pagerduty={"token": st.token, "api_url": pd.url})
        client = make_pagerduty(settings, pause=0.01, verify=pd.ssl_context)
        record = gather_evidence(channel("http://jira.invalid"), Findings(), settings, ["pagerduty:Q1ABCDEF"],
                                 clients={"pagerduty": client})
        assert [r.summary.split(":")[0] for r in record.rows] == [
            "Incident triggered", "Paged Priya by api", "Acknowledged", "Note", "Resolved in PagerDuty"]
        assert len([q for _, q in st.requests if "offset" in q or "limit" in q]) >= 3  # paged, after a 429
        bad = Settings(pagerduty={"token": "wrong", "api_url": pd.url})
        with pytest.raises(PagerDutyError, match=r"refused the API key \(401\)"):
            fetch_incident_rows(bad, "Q1ABCDEF", "UTC", client=make_pagerduty(bad, pause=0.01, verify=pd.ssl_context))
        with pytest.raises(PagerDutyError, match=r"no incident QNOPE1 \(404\)"):
            fetch_incident_rows(settings, "QNOPE1", "UTC", client=client)
    with pytest.raises(PagerDutyError, match="No PagerDuty token"):
        fetch_incident_rows(Settings(), "Q1ABCDEF", "UTC")


def test_commit_link_and_the_first_release_that_carries_it():
    st = github_state()
    st.add_commit("acme/checkout", "c0ffee1234", "Tune retries\n\nlong body", "2024-12-03T12:00:00Z", author="ana")
    st.add_release("acme/checkout", "v2.30.9", "2024-12-03T11:00:00Z", {"older"})  # published before the commit
    st.add_release("acme/checkout", "v2.31.0", "2024-12-03T12:30:00Z", {"other"})  # after it, but without it
    st.add_release("acme/checkout", "v2.31.1", "2024-12-03T13:10:00Z", {"c0ffee1234"})
    with GitHubServer(st) as gh:
        settings = Settings(github={"token": st.token, "url": WEB, "api_url": gh.api_url})
        ref = parse_ref(f"{WEB}/acme/checkout/commit/c0ffee1234", WEB)
        change = resolve_change(make_github(settings), ref, settings)
    assert (ref.kind, ref.label) == ("commit", "acme/checkout@c0ffee1")
    assert (change.title, change.author, change.merged_at) == ("Tune retries", "ana", at(12, 0))
    assert (change.deployed_at, change.deployed_to) == (at(13, 10), "release v2.31.1")
    compared = [p for _, p, _ in st.requests if "/compare/" in p]
    assert compared == ["/repos/acme/checkout/compare/c0ffee1234...v2.31.0", "/repos/acme/checkout/compare/c0ffee1234...v2.31.1"]


def test_a_linked_jira_issue_that_is_gone_is_one_note(servers):
    gh, atl = servers
    transcript = Transcript([Message("L1", at(14, 0), "Ana", f"see {atl.jira_url}/browse/OPS-404")], "transcript")
    settings = Settings(jira={"url": atl.jira_url, "email": "pm@acme.test", "token": "api-token-123"})
    record = gather_evidence(transcript, _findings_for(transcript), settings)
    assert record.notes == ["Jira has no issue OPS-404 (404), or the token cannot see it; it is left out of the timeline."]
    assert record.rows == [] and gh.state.requests == []  # no GitHub token: GitHub is not asked


@pytest.mark.parametrize(("url", "label"), [
    ("https://github.com/acme/api/pull/42/files", "github pull acme/api#42"),
    ("https://www.github.com/acme/api/pull/42#discussion_r1", "github pull acme/api#42"),
    ("https://github.com/acme/api/commit/abc1234def?diff=split", "github commit acme/api@abc1234"),
    ("https://gitlab.com/grp/sub/app/-/merge_requests/3/diffs", "gitlab merge_request grp/sub/app!3"),
    ("https://gitlab.com/grp/app/-/commit/abcdef12", "gitlab commit grp/app@abcdef1"),
    ("https://acme.atlassian.net/browse/OPS-12?focusedCommentId=1", "jira issue OPS-12"),
    ("https://github.com/acme/api/issues/7", None),  # an issue is not a change
    ("https://gitlab.example.org/grp/app/-/merge_requests/3", None),  # not the configured GitLab
])
def test_links_the_channel_makes_to_configured_services(url, label):
    ref = parse_ref(url, "https://github.com", "https://gitlab.com", "https://acme.atlassian.net")
    assert (f"{ref.service} {ref.kind} {ref.label}" if ref else None) == label
