"""The ``facilitator extract`` report: what was read and what was found, as JSON or text.

``extract_report`` builds the one JSON object the CLI prints with ``--json`` (what was read:
source, channel, message counts and span; then every finding), with every time as ISO 8601 with
its offset in the transcript's zone, so a script can rely on the shape. ``format_extract_
summary`` renders the same object as aligned plain text for a terminal; the core never
imports rich, and plain text also pipes cleanly into a file or an email.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from facilitator.config import zone_or_utc
from facilitator.findings import Findings
from facilitator.transcript import Transcript

_KEY_LABELS = {
    "started_at": "Started (fault introduced)",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}



def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat()


def extract_report(transcript: Transcript, findings: Findings) -> dict[str, Any]:
    """The JSON object of ``facilitator extract --json``."""
    tz = zone_or_utc(transcript.timezone)
    key_times: dict[str, Any] = {}
    report: dict[str, Any] = {
        "source": transcript.source,
        "source_ref": transcript.source_ref,
        "channel": transcript.channel,
        "timezone": transcript.timezone,
        "format": transcript.format,
        "messages": len(transcript.messages),
        "threads": transcript.thread_count,
        "first_at": _iso(transcript.first_at, tz),
        "last_at": _iso(transcript.last_at, tz),
        "participants": [{"name": n, "messages": c} for n, c in transcript.participants()],
        "unattributed_lines": len(transcript.unattributed),
    }
    for name in Findings.KEY_TIMES:
        key = findings.key_time(name)
        report[name] = _iso(key.at, tz) if key else None
        key_times[name] = (
            None
            if key is None
            else {
                "at": _iso(key.at, tz),
                "confidence": round(key.confidence, 2),
                "message_ids": key.message_ids,
                "reason": key.reason,
                "source": key.source,
                "candidates": [
                    {"at": _iso(c.at, tz), "confidence": round(c.confidence, 2), "message_ids": c.message_ids, "reason": c.reason}
                    for c in findings.candidates.get(name, [])
                ],
            }
        )
    report.update(
        {
            "responders": [{"name": r.name, "messages": r.messages, "role": r.role} for r in findings.responders],
            "events": [
                {"at": _iso(e.at, tz), "kind": e.kind, "summary": e.summary, "message_ids": e.message_ids}
                for e in findings.events
            ],
            "links": [{"url": l.url, "kind": l.kind, "message_ids": l.message_ids} for l in findings.links],
            "support_tickets": [t.model_dump() for t in findings.support_tickets],
            "messaging": [
                {"at": _iso(m.at, tz), "channel": m.channel, "summary": m.summary, "message_ids": m.message_ids}
                for m in findings.messaging
            ],
            "impact_hints": [h.model_dump() for h in findings.impact_hints],
            "impact_window": (
                {"start": _iso(w.start, tz), "end": _iso(w.end, tz), "text": w.text, "message_ids": w.message_ids}
                if (w := findings.impact_window) is not None else None
            ),
            "open_questions": [q.model_dump() for q in findings.open_questions],
            "key_times": key_times,
            # Per key time, the chosen moment and up to two alternatives (each with citation and reason).
            "candidates": {
                name: [
                    {"at": _iso(c.at, tz), "confidence": round(c.confidence, 2), "message_ids": c.message_ids, "reason": c.reason}
                    for c in findings.candidates.get(name, [])
                ]
                for name in Findings.KEY_TIMES
            },
            "phases": [
                {"name": p.name, "at": _iso(p.at, tz), "message_ids": p.message_ids, "reason": p.reason}
                for p in findings.phases
            ],
            "responder_roles": [
                {"name": r.name, "role": r.role, "message_ids": r.message_ids} for r in findings.responders if r.role
            ],
            "link_labels": {l.url: l.label for l in findings.links if l.label},
            "hypotheses": [h.model_dump() for h in findings.hypotheses],
            "causes": [f.model_dump() for f in findings.causes],
            "fixes": [f.model_dump() for f in findings.fixes],
            "luck": [f.model_dump() for f in findings.luck],
            "went_well": [f.model_dump() for f in findings.went_well],
            "went_badly": [f.model_dump() for f in findings.went_badly],
            "action_hints": [f.model_dump() for f in findings.action_hints],
            "prior_incidents": [f.model_dump() for f in findings.prior_incidents],
            "data_impact": [f.model_dump() for f in findings.data_impact],
            "runbooks": [f.model_dump() for f in findings.runbooks],
            "title": findings.title.model_dump() if findings.title else None,
            "severity": findings.severity.model_dump() if findings.severity else None,
            "detection_method": findings.detection_method.model_dump() if findings.detection_method else None,
            "customer_effect": findings.customer_effect.model_dump() if findings.customer_effect else None,
            "warnings": list(transcript.warnings),
        }
    )
    return report


def _short(iso: str | None) -> str:
    """'2024-12-03T14:05:00+01:00' -> '2024-12-03 14:05 +01:00'."""
    if not iso:
        return "-"
    moment = datetime.fromisoformat(iso)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}" if offset else f"{moment:%Y-%m-%d %H:%M}"


def _ids(ids: list[str], limit: int = 3) -> str:
    if not ids:
        return ""
    more = f" +{len(ids) - limit}" if len(ids) > limit else ""
    return "[" + ", ".join(ids[:limit]) + more + "]"


def _section(lines: list[str], title: str, rows: list[str], empty: str = "none found") -> None:
    lines.append("")
    lines.append(title)
    lines.append("-" * len(title))
    lines.extend(rows or [f"  ({empty})"])


def format_extract_summary(report: dict[str, Any], limit: int = 25) -> str:
    """A readable plain-text summary of an extract report (what the CLI prints without --json)."""
    channel = report.get("channel") or report.get("source_ref") or report.get("source", "")
    lines = [
        f"Channel   {channel} ({report.get('source', '')})",
        f"Messages  {report['messages']} in {report['threads']} threads, "
        f"{_short(report.get('first_at'))} to {_short(report.get('last_at'))} ({report.get('timezone', '')})",
    ]
    if report.get("unattributed_lines"):
        lines.append(f"Unattributed lines kept: {report['unattributed_lines']}")
    if report.get("title"):
        lines.append(f"Title     {report['title']['text']}")
    if report.get("severity"):
        lines.append(f"Severity  {report['severity']['text']}")
    if report.get("detection_method"):
        lines.append(f"Detection {report['detection_method']['text']}")

    rows = []
    for name, label in _KEY_LABELS.items():
        key = report.get("key_times", {}).get(name)
        if key is None:
            rows.append(f"  {label:<28} -  (not found)")
        else:
            rows.append(
                f"  {label:<28} {_short(key['at'])}  {key['confidence']:.2f}  {key['reason']} {_ids(key['message_ids'])}"
            )
    _section(lines, "Key times", rows)

    width = max((len(r["name"]) for r in report["responders"]), default=0)
    rows = [
        f"  {r['name']:<{width}}  {r['messages']:>4} msgs  {r['role']}".rstrip() for r in report["responders"]
    ]
    _section(lines, "Responders", rows)

    events = report["events"]
    rows = [
        f"  {_short(e['at'])}  {e['kind']:<22} {e['summary']} {_ids(e['message_ids'])}" for e in events[:limit]
    ]
    if len(events) > limit:
        rows.append(f"  ... {len(events) - limit} more (use --json)")
    _section(lines, "Timeline", rows)

    links = report["links"]
    rows = [f"  {l['kind']:<13} {l['url']} {_ids(l['message_ids'])}" for l in links[:limit]]
    if len(links) > limit:
        rows.append(f"  ... {len(links) - limit} more (use --json)")
    _section(lines, "Links (not fetched)", rows)

    rows = [f"  {t['ref']}  {t['summary']} {_ids(t['message_ids'])}" for t in report["support_tickets"]]
    _section(lines, "Support tickets", rows)
    rows = [f"  {_short(m['at'])}  {m['channel']}: {m['summary']}" for m in report["messaging"]]
    _section(lines, "Messaging", rows)
    rows = [f"  {h['kind']:<13} {h['text']} {_ids(h['message_ids'])}" for h in report["impact_hints"][:limit]]
    _section(lines, "Impact hints", rows)
    if (w := report.get("impact_window")) is not None:
        _section(lines, "Customer impact window (as stated)", [f"  {_short(w['start'])} to {_short(w['end'])}  {w['text']} {_ids(w['message_ids'])}"])
    rows = [f"  [{h['status']}] {h['text']} {_ids(h['message_ids'])}" for h in report.get("hypotheses", [])[:limit]]
    _section(lines, "Hypotheses", rows)
    for key, title in (("causes", "Possible causes"), ("fixes", "Fixes"), ("action_hints", "Follow-up hints")):
        items = report.get(key, [])
        if items:
            _section(lines, title, [f"  {f['text']} {_ids(f['message_ids'])}" for f in items[:limit]])
    rows = [f"  {q['question']}" for q in report["open_questions"]]
    _section(lines, "Open questions (the interview will ask)", rows, empty="none: the channel answers them")
    if report.get("warnings"):
        _section(lines, "Warnings", [f"  {w}" for w in report["warnings"]])
    return "\n".join(lines) + "\n"
