"""Links: every URL found, cleaned and classified from the URL alone; support tickets listed."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest

from facilitator.extract import extract_findings
from facilitator.extract.links import classify, clean_url
from facilitator.transcript import Attachment, Message, Transcript, UnattributedLine

T0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)


def channel(*texts: str) -> Transcript:
    return Transcript(
        messages=[
            Message(id=f"m{i}", at=T0 + timedelta(minutes=i), author="Alice", text=text)
            for i, text in enumerate(texts)
        ],
        source="transcript",
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://acme.atlassian.net/browse/OPS-1234", "ticket"),
        ("https://acme.zendesk.com/agent/tickets/88412", "ticket"),
        ("https://linear.app/acme/issue/ENG-42/pool-size", "ticket"),
        ("https://github.com/acme/api/issues/17", "ticket"),
        ("https://github.com/acme/api/pull/4812", "pull_request"),
        ("https://gitlab.com/acme/api/-/merge_requests/9", "pull_request"),
        ("https://github.com/acme/api/commit/6be6d6329de99168d0a0b68f9d52228ecc61ac50", "commit"),
        ("https://grafana.mybinder.org", "dashboard"),
        ("https://app.datadoghq.com/dashboard/abc-123/checkout-slo", "dashboard"),
        ("https://acme.kibana.example.com/app/kibana#/discover", "dashboard"),
        ("https://one.newrelic.com/launcher/nr1-core", "dashboard"),
        ("https://acme.pagerduty.com/incidents/Q1X2Y3", "alert"),
        ("https://app.opsgenie.com/alert/detail/123", "alert"),
        ("https://acme.atlassian.net/wiki/spaces/SRE/pages/22/Checkout+Rollback+Runbook", "runbook"),
        ("https://acme.atlassian.net/wiki/spaces/ENG/pages/1987654/Orders+pool+incident", "docs"),
        ("https://acme.atlassian.net/wiki/spaces/ENG/pages/1/Design", "docs"),
        ("https://www.notion.so/acme/Postmortem-123", "docs"),
        ("https://docs.google.com/document/d/1abc/edit", "docs"),
        ("https://status.cloud.google.com/incident/storage/17006", "status_page"),
        ("https://acme.statuspage.io/incidents/x7k2", "status_page"),
        ("https://acme.slack.com/archives/C123/p1701600000000100", "slack"),
        ("https://gitter.im/jupyterhub/binder?at=5b5f56df12f1be7137683cbc", "chat"),
        ("https://files.gitter.im/jupyterhub/binder/3cSB/thumb/image.png", "image"),
        ("http://10.12.5.36:10254/healthz", "other"),
    ],
)
def test_classification_reads_only_the_url(url, kind):
    assert classify(url)[0] == kind


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://status.cloud.google.com/incident/storage/17006.", "https://status.cloud.google.com/incident/storage/17006"),
        ("http://10.12.5.36:10254/healthz:", "http://10.12.5.36:10254/healthz"),
        ("https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://x.org/a>", "https://x.org/a"),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_url(raw, clean):
    assert clean_url(raw) == clean


def test_every_url_is_found_with_all_citing_messages():
    t = channel(
        "From the [grafana board](https://grafana.mybinder.org), we realized it.",
        "see <https://github.com/acme/api/pull/12> and ![](https://files.gitter.im/b/3cSB/thumb/image.png)",
        "```\nReadiness probe failed: Get http://10.12.5.36:10254/healthz: dial tcp\n```",
        "again https://grafana.mybinder.org.",
    )
    t.messages[0].attachments.append(Attachment(name="shot.png", mimetype="image/png", url="https://files.slack.com/x/shot.png"))
    links = {link.url: link for link in extract_findings(t).links}
    assert set(links) == {
        "https://grafana.mybinder.org",
        "https://github.com/acme/api/pull/12",
        "https://files.gitter.im/b/3cSB/thumb/image.png",
        "http://10.12.5.36:10254/healthz",
        "https://files.slack.com/x/shot.png",
    }
    assert links["https://grafana.mybinder.org"].message_ids == ["m0", "m3"]
    assert links["https://github.com/acme/api/pull/12"].kind == "pull_request"


def test_support_tickets_are_listed_separately_and_once():
    t = channel(
        "Zendesk: #88412 (https://acme.zendesk.com/agent/tickets/88412) all 'payment failed'",
        "> Ticket #88412 from Jordan: I tried to pay 3 times",
        "support ticket #5521 from a merchant about refunds",
        "incident ticket https://acme.atlassian.net/browse/OPS-1234",
    )
    tickets = extract_findings(t).support_tickets
    refs = [ticket.ref for ticket in tickets]
    assert refs == ["https://acme.zendesk.com/agent/tickets/88412", "#5521"]
    assert tickets[0].message_ids == ["m0"]


def test_nothing_is_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("extraction tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    t = channel("dashboards https://grafana.example.com/d/x and https://acme.pagerduty.com/incidents/Q1")
    assert [link.kind for link in extract_findings(t).links] == ["dashboard", "alert"]


def test_links_in_lines_before_the_first_message_are_kept_citing_no_message():
    t = channel("checkout 500s, see https://grafana.example.com/d/abc/checkout")
    t.unattributed = [
        UnattributedLine(origin="paste.txt:1", text="Dashboards: https://grafana.example.com/d/xyz/db and"),
        UnattributedLine(origin="paste.txt:2", text="https://acme.atlassian.net/browse/OPS-7."),
        UnattributedLine(origin="paste.txt:3", text="no link here"),
    ]
    links = {link.url: link for link in extract_findings(t).links}
    assert links["https://grafana.example.com/d/xyz/db"].kind == "dashboard"
    assert links["https://grafana.example.com/d/xyz/db"].message_ids == []
    assert links["https://acme.atlassian.net/browse/OPS-7"].kind == "ticket"
    assert links["https://grafana.example.com/d/abc/checkout"].message_ids == ["m0"]


def test_a_link_whose_password_was_masked_on_load_is_still_the_whole_link():
    """Transcripts are masked as they load: 'https://admin:[secret]@host/...' must stay one link."""
    from facilitator.extract import extract_findings
    from facilitator.redact import mask_transcript
    from facilitator.sources.paste import parse_transcript

    text = (
        "[2024-12-03 14:00] Alice: dashboard https://admin:Hunter2Pass@grafana.example.com/d/x/y is red\n"
        "[2024-12-03 14:30] Alice: back to normal\n"
    )
    transcript = mask_transcript(parse_transcript(text, tz="UTC", default_date=None, origin="paste"))
    urls = [link.url for link in extract_findings(transcript).links]
    assert urls == ["https://admin:[secret]@grafana.example.com/d/x/y"]
