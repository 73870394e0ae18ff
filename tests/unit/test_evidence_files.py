"""--evidence files: Alertmanager/amtool JSON, PagerDuty log entries, log lines; de-duplication."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from facilitator.errors import SourceError
from facilitator.evidence.files import read_evidence_file
from facilitator.evidence.gather import drop_duplicates
from facilitator.evidence.model import EvidenceRow
from facilitator.transcript import Message, Transcript

UTC = timezone.utc

AMTOOL = [
    {
        "labels": {"alertname": "CheckoutHighErrorRate", "severity": "page", "service": "checkout"},
        "annotations": {"summary": "5xx above 5% for 5m"},
        "startsAt": "2024-12-03T14:05:30.123Z", "endsAt": "2024-12-03T15:01:00Z",
        "fingerprint": "a1", "status": {"state": "resolved"}, "generatorURL": "http://prom.test/graph?g0.expr=x",
    },
    {  # the same alert again (amtool lists it once per receiver): counted once
        "labels": {"alertname": "CheckoutHighErrorRate", "severity": "page", "service": "checkout"},
        "annotations": {}, "startsAt": "2024-12-03T14:05:30.123Z", "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": "a1", "status": {"state": "active"},
    },
]


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_amtool_alerts_become_firing_and_resolved_rows(tmp_path):
    rows = read_evidence_file(write(tmp_path, "alerts.json", AMTOOL), "Europe/Berlin")
    assert [(r.at, r.kind, r.automated) for r in rows] == [
        (datetime(2024, 12, 3, 14, 5, 30, 123000, tzinfo=UTC), "alert", True),
        (datetime(2024, 12, 3, 15, 1, tzinfo=UTC), "other", True),
    ]
    assert rows[0].source == "Alertmanager" and rows[0].actor == "CheckoutHighErrorRate"
    assert "severity=page" in rows[0].summary and "5xx above 5% for 5m" in rows[0].summary
    assert rows[0].url.startswith("http://prom.test/") and rows[1].summary == "CheckoutHighErrorRate resolved"


def test_alertmanager_webhook_payload(tmp_path):
    payload = {"version": "4", "status": "firing", "alerts": [dict(AMTOOL[1], status="firing")]}
    rows = read_evidence_file(write(tmp_path, "hook.json", payload), "UTC")
    assert len(rows) == 1 and rows[0].kind == "alert"


def test_pagerduty_export_rows_tell_pager_from_people(tmp_path):
    incident = {"id": "Q1", "summary": "[#58213] checkout 5xx", "html_url": "https://acme.pagerduty.com/incidents/Q1"}
    entries = [
        {"type": "trigger_log_entry", "created_at": "2024-12-03T14:09:00Z", "agent": {"type": "service_reference", "summary": "Datadog"}, "incident": incident},
        {"type": "notify_log_entry", "created_at": "2024-12-03T14:09:05Z", "user": {"summary": "Priya"}, "channel": {"type": "sms"}, "incident": incident},
        {"type": "notify_log_entry", "created_at": "2024-12-03T14:11:05Z", "user": {"summary": "Priya"}, "channel": {"type": "phone"}, "incident": incident},
        {"type": "acknowledge_log_entry", "created_at": "2024-12-03T14:10:00Z", "agent": {"type": "user_reference", "summary": "Priya"}, "incident": incident},
        {"type": "resolve_log_entry", "created_at": "2024-12-03T15:02:00Z", "agent": {"type": "user_reference", "summary": "Priya"}, "incident": incident},
    ]
    rows = read_evidence_file(write(tmp_path, "pd.json", {"log_entries": entries}), "UTC")
    assert [r.summary for r in rows] == [
        "Incident triggered: [#58213] checkout 5xx", "Paged Priya by sms", "Acknowledged: [#58213] checkout 5xx",
        "Resolved in PagerDuty: [#58213] checkout 5xx",
    ]  # Priya is paged once: a second notification adds nothing to the timeline
    assert [r.automated for r in rows] == [True, True, False, False]
    assert rows[0].actor == "Datadog" and rows[2].actor == "Priya" and rows[3].kind == "resolved"


def test_log_lines_first_error_in_the_channel_zone(tmp_path):
    log = "\n".join([
        "2024-12-03 14:58:00 INFO starting",  # no zone: read in the channel's zone (Berlin, UTC+1)
        "2024-12-03 15:01:12,345 ERROR pool exhausted: timeout acquiring connection",
        "   at db.Pool.acquire",
        "2024-12-03 15:20:00 WARN slow",
        "2024-12-03 15:40:00 ERROR pool exhausted again",
    ])
    rows = read_evidence_file(write(tmp_path, "api.log", log), "Europe/Berlin")
    assert [r.at for r in rows] == [
        datetime(2024, 12, 3, 15, 1, 12, 345000, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2024, 12, 3, 15, 40, tzinfo=ZoneInfo("Europe/Berlin")),
    ]
    assert rows[0].summary.startswith("First error logged (2 error line(s) in api.log): ERROR pool exhausted")
    assert rows[0].source == "Logs" and rows[0].actor == "api.log" and rows[0].origin == "api.log" and rows[0].automated


def test_json_lines_and_syslog(tmp_path):
    lines = '{"time": "2024-12-03T14:02:00Z", "level": "error", "msg": "boom"}\n{"time": "2024-12-03T14:01:00Z", "level": "info", "msg": "ok"}\n'
    rows = read_evidence_file(write(tmp_path, "app.jsonl", lines), "UTC")
    assert [(r.at.minute, r.summary.endswith("boom")) for r in rows] == [(2, True)]
    syslog = "Dec  3 14:07:01 web1 app[12]: ERROR upstream timed out\n"
    rows = read_evidence_file(write(tmp_path, "syslog", syslog), "UTC", year=2024)
    assert rows[0].at == datetime(2024, 12, 3, 14, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize(("name", "content", "says"), [
    ("x.json", {"hello": "world"}, "neither Alertmanager alerts nor PagerDuty log entries"),
    ("notes.txt", "just some words\nno times here\n", "no lines that start with a timestamp"),
])
def test_unusable_file_is_one_sentence(tmp_path, name, content, says):
    with pytest.raises(SourceError) as err:
        read_evidence_file(write(tmp_path, name, content), "UTC")
    assert says in str(err.value) and "\n" not in str(err.value)


def test_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(SourceError, match="There is no evidence file .*check the path"):
        read_evidence_file(tmp_path / "nope.json", "UTC")


def test_bot_messages_already_in_the_channel_are_not_repeated():
    at = datetime(2024, 12, 3, 14, 5, tzinfo=UTC)
    bot = Message("1", at.replace(minute=6), "Alertmanager", "[FIRING:1] CheckoutHighErrorRate checkout page", is_bot=True)
    person = Message("2", at.replace(minute=6), "Alice", "CheckoutHighErrorRate is firing, looking", is_bot=False)
    rows = [
        EvidenceRow(at=at, source="Alertmanager", actor="CheckoutHighErrorRate", automated=True, kind="alert", summary="CheckoutHighErrorRate firing"),
        EvidenceRow(at=at.replace(hour=16), source="Alertmanager", actor="CheckoutHighErrorRate", automated=True, kind="alert", summary="CheckoutHighErrorRate firing"),
        EvidenceRow(at=at, source="Alertmanager", actor="DiskFull", automated=True, kind="alert", summary="DiskFull firing"),
    ]
    kept, dropped = drop_duplicates(rows, Transcript([bot, person], "transcript"))
    assert dropped == 1 and [r.actor for r in kept] == ["CheckoutHighErrorRate", "DiskFull"]
    assert kept[0].at.hour == 16  # the same alert hours later is a new row
    kept, dropped = drop_duplicates(rows, Transcript([person], "transcript"))
    assert dropped == 0  # a person quoting the alert is not the bot's record of it
