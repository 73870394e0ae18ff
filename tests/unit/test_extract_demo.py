"""The bundled demo incident end to end: what its channel says, the extractor must find.

Expected values are read from the demo story (inc-2041, checkout 5xx after the v2.31.0
config-loader deploy), not from the extractor's output: the deploy at 13:52 UTC, the
Datadog alert "fired at 14:07 UTC", the rollback "complete in all 3 regions at 15:00 UTC",
and "Declaring INC-2041 resolved at 15:40 UTC".
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from facilitator.config import Settings
from facilitator.extract import extract_findings
from facilitator.session import SourceSpec
from facilitator.sources import load_source


@pytest.fixture(scope="module")
def demo():
    transcript = load_source(SourceSpec(kind="demo"), Settings())
    return transcript, extract_findings(transcript)


def utc(hour: int, minute: int) -> datetime:
    return datetime(2024, 12, 3, hour, minute, tzinfo=timezone.utc)


def test_key_times_follow_the_story(demo):
    _, f = demo
    assert f.started_at.at == utc(13, 52)
    assert f.detected_at.at == utc(14, 7)
    assert utc(15, 0) <= f.mitigated_at.at <= utc(15, 4)
    assert f.resolved_at.at == utc(15, 40)
    assert not {q.field for q in f.open_questions} & {"started_at", "detected_at", "mitigated_at", "resolved_at"}


def test_responders_are_the_eight_people_with_their_roles(demo):
    transcript, f = demo
    people = {r.name: r for r in f.responders}
    assert len(people) == 8
    assert not any(m.is_bot and m.author in people for m in transcript.messages)
    assert people["Priya Natarajan"].role == "incident commander"
    assert people["Hannah Lindqvist"].role == "comms"
    assert people["Aisha Rahman"].role == "scribe"
    assert people["Tomás Ruiz"].role.endswith("on-call")
    human_counts = dict(transcript.participants())
    assert {name: r.messages for name, r in people.items()} == human_counts


def test_links_tickets_and_messaging(demo):
    _, f = demo
    kinds = {link.url: link.kind for link in f.links}
    assert kinds["https://github.com/acme-outfitters/checkout-service/pull/4812"] == "pull_request"
    assert kinds["https://acme.zendesk.com/agent/tickets/88412"] == "ticket"
    assert kinds["https://acme.atlassian.net/browse/OPS-1234"] == "ticket"
    assert kinds["https://acme.atlassian.net/wiki/spaces/SRE/pages/2203648/Checkout+Rollback+Runbook"] == "runbook"
    assert kinds["https://status.acme-outfitters.com/incidents/x7k2m9p4qr1s"] == "status_page"
    assert {"dashboard", "alert", "image"} <= set(kinds.values())
    assert {t.url for t in f.support_tickets} >= {
        "https://acme.zendesk.com/agent/tickets/88412",
        "https://acme.zendesk.com/agent/tickets/88431",
    }
    assert not any("atlassian" in t.url for t in f.support_tickets)  # the incident ticket is not a support request
    updates = [m.summary for m in f.messaging if m.channel == "status page"]
    assert [u.split(" - ")[0] for u in updates] == ["Investigating", "Identified", "Monitoring", "Resolved"]


def test_story_beats_are_events_and_hints(demo):
    _, f = demo
    kinds = {e.kind for e in f.events}
    assert {"fault_introduced", "detected", "alert", "escalation", "rollback", "status_page", "mitigated", "resolved"} <= kinds
    failover = [h for h in f.hypotheses if "failover" in h.text]
    assert failover and failover[0].status == "ruled_out"
    assert any(h.value == 342 for h in f.impact_hints)
    assert any(h.kind == "error_rate" and h.value == 12 for h in f.impact_hints)
    assert any("happened before" in p.text for p in f.prior_incidents)
    assert any("lucky" in x.text for x in f.luck)
    assert any("alert for DB pool saturation" in a.text for a in f.action_hints)
    assert f.severity.text == "P2"
    assert f.detection_method.text == "monitoring alert"


def test_every_citation_points_at_a_real_message(demo):
    transcript, f = demo
    cited = f.cited_ids()
    assert cited
    assert cited <= set(transcript.index)
