"""Reading ``--evidence`` files: Alertmanager/amtool JSON, PagerDuty log entries, plain log lines.

The shape is recognised from the content, not the file name, because exports get renamed:

* Alertmanager: the v2 API / ``amtool alert query -o json`` list of alerts, or a webhook
  payload (``{"alerts": [...]}``), or a list of payloads. One row when an alert started firing
  and one when it ended.
* PagerDuty: ``{"log_entries": [...]}`` as the REST API and exports give it, or a bare list of
  log entries. Triggers, escalations and notifications are the pager's own (automated) rows;
  acknowledgements, notes and resolutions are people's.
* Anything else is read as log lines that start with a timestamp (ISO 8601, syslog, or JSON
  lines with a time field). Only the first and the last error are kept: "the first error logged"
  is what a post-mortem asks of a log, and the last one says when the errors stopped.

Times without a zone are read in the channel's zone. A file that is none of these is one
sentence (``SourceError``), before anything else happens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from facilitator.errors import SourceError
from facilitator.evidence.model import EvidenceRow

MAX_BYTES = 64 * 1024 * 1024  # an evidence file larger than this is not a log excerpt
_NEVER = "0001-01-01"  # Alertmanager's "no end" time

_ISO_RE = re.compile(
    r"^\W{0,2}(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:Z|[+-]\d{2}:?\d{2}|UTC)?)"
)
_SYSLOG_RE = re.compile(r"^(?P<ts>[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2})\s")
_ERROR_RE = re.compile(r"\b(?:ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|EMERG|ALERT|SEVERE)\b|\bTraceback\b|\bException\b|\blevel=(?:error|fatal|crit)", re.I)
_JSON_TIME_KEYS = ("time", "timestamp", "ts", "@timestamp", "datetime", "date")
_JSON_LEVEL_KEYS = ("level", "severity", "lvl", "log.level", "levelname")
_JSON_MSG_KEYS = ("msg", "message", "event", "error")


def read_evidence_file(path: str | Path, tz: str, year: int | None = None) -> list[EvidenceRow]:
    """The rows of one evidence file; SourceError with one sentence when it cannot be used."""
    p = Path(path).expanduser()
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise SourceError(f"The evidence path {p} is a folder; name a JSON or log file.")
        if size > MAX_BYTES:
            raise SourceError(f"The evidence file {p} is {size // (1024 * 1024)} MB; cut it to the incident's hours (at most 64 MB).")
        text = p.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise SourceError(f"There is no evidence file {p}; check the path given to --evidence.") from None
    except OSError as exc:
        raise SourceError(f"The evidence file {p} cannot be read ({exc.strerror or exc.__class__.__name__}); check its permissions.") from None
    zone = ZoneInfo(tz or "UTC")
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None  # JSON lines, or a log whose first line starts with a bracket
        if data is not None:
            rows = _from_json(data, zone, p.name)
            for row in rows or []:
                row.origin = p.name
            if rows is None:
                raise SourceError(
                    f"The evidence file {p} is JSON but neither Alertmanager alerts nor PagerDuty log entries; "
                    "export those, or pass log lines that start with a timestamp."
                )
            return rows
    rows = read_log_lines(text.splitlines(), zone, p.name, year)
    if rows is None:
        raise SourceError(
            f"The evidence file {p} has no lines that start with a timestamp; pass Alertmanager or PagerDuty JSON, "
            "or log lines such as '2024-12-03T14:02:11Z ERROR ...'."
        )
    return rows


def check_evidence_files(items: list[str], tz: str) -> None:
    """SourceError for the first ``--evidence`` file that cannot be read (``pagerduty:ID`` items are fetched later)."""
    for item in items:
        if not item.lower().startswith("pagerduty:"):
            read_evidence_file(item, tz)


def _from_json(data: Any, zone: ZoneInfo, name: str) -> list[EvidenceRow] | None:
    items: list[Any] = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and isinstance(data.get("log_entries"), list):
        return pagerduty_rows(data["log_entries"], zone)
    if isinstance(data, dict) and isinstance(data.get("log_entry"), dict):
        return pagerduty_rows([data["log_entry"]], zone)
    if items and all(isinstance(i, dict) and str(i.get("type", "")).endswith("log_entry") for i in items):
        return pagerduty_rows(items, zone)
    alerts: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("alerts"), list):  # webhook payload(s)
            alerts.extend(a for a in item["alerts"] if isinstance(a, dict))
        elif isinstance(item, dict) and isinstance(item.get("labels"), dict) and item.get("startsAt"):
            alerts.append(item)
        else:
            return None
    return alertmanager_rows(alerts, zone) if alerts or not items else None


def _when(value: Any, zone: ZoneInfo) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith(_NEVER):
        return None
    try:
        at = dateparser.isoparse(value) if value[:4].isdigit() else dateparser.parse(value)
    except (ValueError, OverflowError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=zone)


def alertmanager_rows(alerts: Iterable[dict[str, Any]], zone: ZoneInfo) -> list[EvidenceRow]:
    """A firing row per distinct alert (fingerprint and start), and a resolved row when it ended."""
    rows: list[EvidenceRow] = []
    seen: set[tuple[str, str]] = set()
    for alert in alerts:
        labels = alert.get("labels") or {}
        notes = alert.get("annotations") or {}
        name = str(labels.get("alertname") or "alert")
        start = _when(alert.get("startsAt"), zone)
        key = (str(alert.get("fingerprint") or sorted(labels.items())), str(alert.get("startsAt")))
        if start is None or key in seen:
            continue
        seen.add(key)
        where = ", ".join(f"{k}={labels[k]}" for k in ("severity", "service", "job", "instance", "namespace") if labels.get(k))
        detail = str(notes.get("summary") or notes.get("description") or "").strip()
        summary = f"{name} firing" + (f" ({where})" if where else "") + (f": {detail}" if detail else "")
        url = str(alert.get("generatorURL") or "")
        rows.append(EvidenceRow(at=start, source="Alertmanager", actor=name, automated=True, kind="alert", summary=summary, url=url))
        state = (alert.get("status") or {}).get("state") if isinstance(alert.get("status"), dict) else alert.get("status")
        end = _when(alert.get("endsAt"), zone)
        if end is not None and end > start and state in ("resolved", "inactive", None):
            rows.append(EvidenceRow(at=end, source="Alertmanager", actor=name, automated=True, summary=f"{name} resolved", url=url))
    return sorted(rows, key=lambda r: r.at)


# PagerDuty log entry type -> (timeline kind, automated, what happened)
_PD_TYPES: dict[str, tuple[str, bool, str]] = {
    "trigger_log_entry": ("alert", True, "Incident triggered"),
    "escalate_log_entry": ("escalation", True, "Escalated"),
    "notify_log_entry": ("escalation", True, "Paged"),
    "acknowledge_log_entry": ("escalation", False, "Acknowledged"),
    "assign_log_entry": ("escalation", False, "Assigned"),
    "annotate_log_entry": ("other", False, "Note"),
    "resolve_log_entry": ("resolved", False, "Resolved in PagerDuty"),
}


def pagerduty_rows(entries: Iterable[dict[str, Any]], zone: ZoneInfo) -> list[EvidenceRow]:
    """Rows from PagerDuty incident log entries (the REST API's shape); one page per person."""
    rows: list[EvidenceRow] = []
    paged: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        known = _PD_TYPES.get(str(entry.get("type", "")).replace("_reference", ""))
        at = _when(entry.get("created_at"), zone)
        if known is None or at is None:
            continue
        kind, automated, verb = known
        agent = entry.get("agent") or {}
        agent_name = str(agent.get("summary") or "") if isinstance(agent, dict) else ""
        person = str(agent.get("type", "")).startswith("user") if isinstance(agent, dict) else False
        incident = entry.get("incident") or {}
        title = str(incident.get("summary") or "") if isinstance(incident, dict) else ""
        url = str((incident.get("html_url") if isinstance(incident, dict) else "") or entry.get("html_url") or "")
        if verb == "Paged":
            user = str((entry.get("user") or {}).get("summary") or "")
            how = str((entry.get("channel") or {}).get("type") or "").replace("_", " ")
            if not user or user in paged:
                continue
            paged.add(user)
            summary, actor = f"Paged {user}" + (f" by {how}" if how else ""), "PagerDuty"
        elif verb == "Note":
            note = str((entry.get("channel") or {}).get("summary") or entry.get("summary") or "")
            summary, actor = f"Note: {note}", agent_name
        elif verb == "Incident triggered":
            summary, actor = f"Incident triggered: {title}" if title else str(entry.get("summary") or verb), agent_name or "PagerDuty"
        else:
            summary, actor = (f"{verb}: {title}" if title else verb), agent_name
        rows.append(
            EvidenceRow(at=at, source="PagerDuty", actor=actor or "PagerDuty", automated=automated and not person,
                        kind=kind, summary=summary, url=url)  # type: ignore[arg-type]
        )
    return sorted(rows, key=lambda r: r.at)


def _line_time(line: str, zone: ZoneInfo, year: int | None) -> tuple[datetime | None, str, str]:
    """(time, level, message) of one log line; time None when the line does not start with one."""
    if line.startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            at = next((_when(str(data[k]), zone) for k in _JSON_TIME_KEYS if data.get(k)), None)
            level = next((str(data[k]) for k in _JSON_LEVEL_KEYS if data.get(k)), "")
            msg = next((str(data[k]) for k in _JSON_MSG_KEYS if data.get(k)), line)
            return at, level, msg
    m = _ISO_RE.match(line)
    text = ""
    if m:
        at = _when(m.group("ts").strip().replace(",", ".").replace(" UTC", "Z"), zone)
        text = line[m.end():]
    elif (m := _SYSLOG_RE.match(line)) is not None:
        try:
            at = dateparser.parse(m.group("ts"), default=datetime(year or datetime.now().year, 1, 1)).replace(tzinfo=zone)
        except (ValueError, OverflowError):
            at = None
        text = line[m.end():]
    else:
        return None, "", ""
    return at, "", text.strip(" \t]-|:")


def read_log_lines(lines: Iterable[str], zone: ZoneInfo, name: str, year: int | None = None) -> list[EvidenceRow] | None:
    """The first and last error of a log (None when no line starts with a timestamp)."""
    stamped = 0
    errors: list[tuple[datetime, str]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        at, level, text = _line_time(line, zone, year)
        if at is None:
            continue
        stamped += 1
        if _ERROR_RE.search(level) or _ERROR_RE.search(text[:200]):
            errors.append((at, " ".join(text.split())[:200]))
    if not stamped:
        return None
    if not errors:
        return []
    errors.sort(key=lambda e: e[0])
    source = "Logs"
    first = errors[0]
    # "alert": the first error is a machine's signal, and a major event of the timeline (seed templates list it)
    rows = [EvidenceRow(at=first[0], source=source, actor=name, automated=True, kind="alert", origin=name,
                        summary=f"First error logged ({len(errors)} error line(s) in {name}): {first[1]}")]
    if len(errors) > 1 and errors[-1][0] > first[0]:
        rows.append(EvidenceRow(at=errors[-1][0], source=source, actor=name, automated=True, origin=name,
                                summary=f"Last error logged: {errors[-1][1]}"))
    return rows
