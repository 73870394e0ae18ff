"""Suggested answers from findings, and the plain Markdown summary fallback."""

from __future__ import annotations

from datetime import datetime, timezone

from facilitator.findings import Fact, Findings, Hypothesis, ImpactHint, Link, MessagingItem, SupportTicket
from facilitator.interview.catalogue import load_catalogue
from facilitator.interview.suggest import has_builder, suggest

AT = datetime(2024, 12, 3, 14, 20, tzinfo=timezone.utc)
Q = {q.id: q for q in load_catalogue()}

FINDINGS = Findings(
    hypotheses=[
        Hypothesis(text="a regional AWS problem", status="ruled_out", message_ids=["m1"]),
        Hypothesis(text="the DB pool is too small", status="confirmed", message_ids=["m2"]),
    ],
    fixes=[Fact(text="restarted pods", confidence=0.3), Fact(text="rolled back to v2.30.4", message_ids=["m3"], confidence=0.8)],
    support_tickets=[SupportTicket(ref="ZD-4410", summary="card declined twice", message_ids=["m4"])],
    messaging=[MessagingItem(at=AT, summary="Investigating checkout errors", message_ids=["m5"])],
    links=[Link(url="https://wiki.acme.test/runbooks/checkout", kind="runbook", label="Checkout runbook", message_ids=["m6"]),
           Link(url="https://grafana.acme.test/d/1", kind="dashboard")],
    impact_hints=[ImpactHint(kind="failed_jobs", text="342 payment jobs failed", message_ids=["m7"]),
                  ImpactHint(kind="regions", text="3 regions", message_ids=["m8"])],
    prior_incidents=[Fact(text="same as INC-1880 in March", message_ids=["m9"])],
    severity=Fact(text="this is a SEV2", message_ids=["m10"]),
)


def test_each_builder_reads_its_finding():
    tz = "Europe/Berlin"
    first = suggest(Q["first_hypothesis"], FINDINGS, tz=tz)
    assert first.value == "a regional AWS problem" and first.note == "later ruled out"
    assert suggest(Q["actual_cause"], FINDINGS, tz=tz).value == "The DB pool is too small."
    assert suggest(Q["fix"], FINDINGS, tz=tz).value == "Rolled back to v2.30.4."  # the most confident
    assert suggest(Q["support_requests"], FINDINGS, tz=tz).value == ["ZD-4410: card declined twice"]
    assert suggest(Q["messaging"], FINDINGS, tz=tz).value == ["15:20 status page: Investigating checkout errors"]
    assert suggest(Q["runbooks"], FINDINGS, tz=tz).value == ["used: Checkout runbook https://wiki.acme.test/runbooks/checkout"]
    assert suggest(Q["job_failures"], FINDINGS, tz=tz).value == ["342 payment jobs failed"]
    assert suggest(Q["affected"], FINDINGS, tz=tz).value == ["3 regions"]
    hb = suggest(Q["happened_before"], FINDINGS, tz=tz)
    assert hb.value == "yes" and "INC-1880" in hb.note and hb.message_ids == ["m9"]
    assert suggest(Q["severity"], FINDINGS, tz=tz).value == "SEV2"


def test_no_evidence_means_no_suggestion():
    empty = Findings()
    for q in load_catalogue():
        assert suggest(q, empty) is None, q.id
    assert not has_builder(Q["fears"])  # nothing in a channel answers what people fear


def test_why_candidates_are_facts_from_the_channel_never_what_customers_were_told():
    from datetime import datetime, timezone

    from facilitator.findings import Fact, Findings, MessagingItem
    from facilitator.interview.suggest import why_candidates

    findings = Findings(
        causes=[
            Fact(text="Found it. v2.31.0 reads the pool size from config.yaml", message_ids=["m1"]),
            Fact(text="Between 14:00 and 15:01 some payments failed because of a problem on our side.", message_ids=["m9"]),
        ],
        messaging=[MessagingItem(at=datetime(2024, 12, 3, 15, 7, tzinfo=timezone.utc), channel="support macro",
                                 summary="Between 14:00 and 15:01 some payments failed", message_ids=["m9"])],
    )
    got = why_candidates(findings)
    assert [ids for _, ids, _ in got] == [["m1"]]
    assert not got[0][0].startswith("Found it")
    assert why_candidates(findings, used={got[0][0]}) == []  # an answer already in the chain is not offered again
