"""The `extract` report: JSON shape (issue 2 + issue 3 keys), zone-aware times, plain text."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from facilitator.extract import extract_findings
from facilitator.report import extract_report, format_extract_summary
from facilitator.transcript import Message, Transcript, UnattributedLine

T0 = datetime(2024, 12, 3, 13, 0, tzinfo=timezone.utc)


def transcript() -> Transcript:
    rows = [
        ("bot:Datadog", "[Triggered] api 5xx rate is 7.4% on env:prod https://app.datadoghq.com/monitors/1"),
        ("Ann", "I'll take IC. I'm seeing errors since 13:55"),
        ("Bo", "rollback complete, error rate back to normal"),
        ("Ann", "All clear, incident resolved."),
    ]
    messages = [
        Message(
            id=f"m{i}",
            at=T0 + timedelta(minutes=10 * i),
            author=a.removeprefix("bot:"),
            is_bot=a.startswith("bot:"),
            text=t,
        )
        for i, (a, t) in enumerate(rows)
    ]
    return Transcript(
        messages=messages,
        source="transcript",
        source_ref="paste.txt",
        channel="inc-7-api-errors",
        timezone="Europe/Zurich",
        unattributed=[UnattributedLine(origin="paste.txt:1", text="All times in UTC")],
    )


def test_report_has_every_documented_key_with_times_in_the_transcript_zone():
    t = transcript()
    report = extract_report(t, extract_findings(t))
    for key in (
        "source", "channel", "timezone", "messages", "threads", "first_at", "last_at", "participants",
        "unattributed_lines", "started_at", "detected_at", "mitigated_at", "resolved_at", "responders",
        "events", "links", "support_tickets", "messaging", "impact_hints", "open_questions", "key_times",
    ):  # fmt: skip
        assert key in report, key
    assert report["messages"] == 4 and report["unattributed_lines"] == 1
    assert report["first_at"] == "2024-12-03T14:00:00+01:00"
    assert report["started_at"] == "2024-12-03T13:55:00+01:00"  # a bare clock is read in the transcript zone
    assert report["detected_at"] == "2024-12-03T14:00:00+01:00"
    assert report["resolved_at"] == "2024-12-03T14:30:00+01:00"
    assert report["participants"] == [{"name": "Ann", "messages": 2}, {"name": "Bo", "messages": 1}]
    assert report["responders"][0] == {"name": "Ann", "messages": 2, "role": "incident commander"}
    assert report["links"] == [{"url": "https://app.datadoghq.com/monitors/1", "kind": "dashboard", "message_ids": ["m0"]}]
    assert report["key_times"]["detected_at"]["message_ids"] == ["m0"]
    assert all(e["at"].endswith("+01:00") for e in report["events"])
    json.dumps(report)  # serialisable as is


def test_missing_times_are_null_and_asked():
    t = transcript()
    t.messages = t.messages[:2]
    report = extract_report(t, extract_findings(t))
    assert report["mitigated_at"] is None and report["resolved_at"] is None
    assert {"mitigated_at", "resolved_at"} <= {q["field"] for q in report["open_questions"]}


def test_plain_summary_is_readable_text():
    t = transcript()
    text = format_extract_summary(extract_report(t, extract_findings(t)))
    assert "Key times" in text and "Responders" in text and "Links (not fetched)" in text
    assert "Detected" in text and "2024-12-03 14:00 +01:00" in text
    assert "Ann" in text and "incident commander" in text
    assert "\x1b[" not in text  # no terminal escapes: pipes into files cleanly


def test_report_and_extractor_do_not_import_rich_or_textual():
    code = (
        "import sys, facilitator.report, facilitator.extract;"
        "print(sorted(m for m in ('rich', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_empty_and_bot_only_channels_do_not_crash():
    empty = Transcript(messages=[], source="transcript")
    findings = extract_findings(empty)
    assert findings.detected_at is None and findings.responders == []
    report = extract_report(empty, findings)
    assert report["first_at"] is None and report["messages"] == 0
    assert "Key times" in format_extract_summary(report)
    bots = Transcript(
        messages=[Message(id="b1", at=T0, author="Datadog", is_bot=True, text="[Triggered] 5xx > 5%")],
        source="slack-export",
    )
    findings = extract_findings(bots)
    assert findings.detected_at.message_ids == ["b1"] and findings.responders == []


def test_extraction_restores_the_garbage_collector_thresholds():
    import gc
    from concurrent.futures import ThreadPoolExecutor

    before = gc.get_threshold()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: extract_findings(transcript()), range(8)))
    assert gc.get_threshold() == before


def test_secrets_pasted_in_the_channel_never_reach_the_extract_json(tmp_path):
    db_password, aws_key, aws_secret = "Sup3rS3cretPw", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    paste = tmp_path / "channel.txt"
    paste.write_text(
        "Dashboards: https://admin:Hunter2Pass@grafana.example.com/d/def/db\n\n"
        f"[2024-12-03 14:00] Alice: I'm seeing 500s, logs show DATABASE_URL=postgres://app:{db_password}@db.internal/shop\n"
        f"[2024-12-03 14:06] Bob: rolled back the deploy that shipped aws_secret_access_key={aws_secret} and {aws_key}\n"
        "[2024-12-03 14:30] Alice: checkout is back to normal\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "facilitator", "extract", "--transcript", str(paste), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(out.stdout)
    assert report["mitigated_at"] is not None  # the messages were read, not dropped
    assert any("grafana.example.com" in link["url"] for link in report["links"])
    for secret in (db_password, aws_key, aws_secret, "Hunter2Pass"):
        assert secret not in out.stdout
    assert "[secret]" in out.stdout
