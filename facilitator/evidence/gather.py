"""Gathering the evidence of one session: files named with ``--evidence``, and the linked records.

Order of work, each step independent so one failure costs only its own rows:

1. ``--evidence`` files and ``pagerduty:ID`` references (a bad file is a ``SourceError`` before
   anything is fetched; a PagerDuty id needs a token).
2. The links in the channel, each resolved only when its service has a token configured: GitHub
   (or an Enterprise server) PRs and commits, GitLab MRs and commits, Jira issues.
3. De-duplication: an automated row that a bot message in the channel already carries (the
   alert's name in a bot's message within a few minutes) is left out and counted.

Network failures become one sentence each in ``EvidenceRecord.notes``; the session starts with
the rest. Nothing here runs without a token or a named file.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.evidence.changes import Change, LinkedRef, change_rows, parse_ref
from facilitator.evidence.files import read_evidence_file
from facilitator.evidence.model import EvidenceRecord, EvidenceRow, TicketInfo, TimeCandidate
from facilitator.findings import Findings
from facilitator.transcript import Message, Transcript

DUPLICATE_WINDOW = timedelta(minutes=3)
MAX_REFS = 25  # links resolved per service: a channel pasting a release's worth of PRs is not evidence of one
PAGERDUTY_PREFIX = "pagerduty:"
_WORD_RE = re.compile(r"[a-z0-9]{4,}")


def evidence_wanted(settings: Settings, evidence: list[str] | None) -> bool:
    """True when there is anything to read: an --evidence item, or a token for a service links resolve on."""
    return bool(evidence) or any(
        (settings.github.token, settings.gitlab.token, settings.jira.token and settings.jira.url)
    )


def linked_refs(findings: Findings, transcript: Transcript, settings: Settings) -> list[LinkedRef]:
    """PRs, MRs, commits and Jira issues the channel links to, for services with a token."""
    github = settings.github.url if settings.github.token else ""
    gitlab = settings.gitlab.url if settings.gitlab.token else ""
    jira = settings.jira.url if settings.jira.token and settings.jira.url else ""
    if not (github or gitlab or jira):
        return []
    urls: dict[str, list[str]] = {}
    for link in findings.links:
        urls.setdefault(link.url, []).extend(link.message_ids)
    refs: dict[tuple[str, str, str, str], LinkedRef] = {}
    for url, ids in urls.items():
        ref = parse_ref(url, github, gitlab, jira)
        if ref is None:
            continue
        key = (ref.service, ref.kind, ref.project.lower(), ref.number)
        if key in refs:
            refs[key].message_ids.extend(i for i in ids if i not in refs[key].message_ids)
        else:
            ref.message_ids = sorted(dict.fromkeys(ids), key=lambda mid: transcript.index.get(mid, 0))
            refs[key] = ref
    return list(refs.values())


def noticed_at(findings: Findings, transcript: Transcript) -> datetime | None:
    """When the incident was noticed: the detected key time, else the channel's first message."""
    if findings.detected_at is not None:
        return findings.detected_at.at
    return transcript.first_at


def _looks_same(row: EvidenceRow, message: Message) -> bool:
    text = message.text.casefold()
    if row.actor and len(row.actor) >= 4 and row.actor.casefold() in text:
        return True
    words = set(_WORD_RE.findall(row.summary.casefold())) - {"firing", "triggered", "incident", "resolved", "paged"}
    return len(words) >= 2 and len(words & set(_WORD_RE.findall(text))) >= max(2, (len(words) * 3 + 4) // 5)


def drop_duplicates(rows: list[EvidenceRow], transcript: Transcript) -> tuple[list[EvidenceRow], int]:
    """Automated rows minus those a bot message in the channel already shows; (kept, dropped)."""
    bots = [m for m in transcript.messages if m.is_bot or m.subtype == "bot_message"]
    kept: list[EvidenceRow] = []
    dropped = 0
    for row in rows:
        if row.automated and row.source in ("Alertmanager", "PagerDuty") and any(
            abs(m.at - row.at) <= DUPLICATE_WINDOW and _looks_same(row, m) for m in bots
        ):
            dropped += 1
            continue
        kept.append(row)
    return kept, dropped


def _jira_tickets(settings: Settings, refs: list[LinkedRef], notes: list[str], client=None) -> list[TicketInfo]:
    from dateutil import parser as dateparser

    from facilitator.publish.confluence import translate_errors
    from facilitator.publish.jira import JIRA_URL_SETTING, make_client

    client = client or make_client(settings)
    tickets: list[TicketInfo] = []
    for ref in refs:
        try:
            with translate_errors("Jira", f"read {ref.number}", settings.jira.url, "check JIRA_EMAIL and JIRA_TOKEN."):
                issue = client.issue(ref.number, fields="summary,status,created,resolutiondate,reporter")
        except UserError as exc:
            text = str(exc)
            if "(404)" in text:  # the publishing wording points at the config; here it is a link in the channel
                text = f"Jira has no issue {ref.number} (404), or the token cannot see it; it is left out of the timeline."
            notes.append(text)
            if "(401)" in text:
                break
            continue
        fields = issue.get("fields") if isinstance(issue, dict) else None
        if not isinstance(fields, dict):
            notes.append(f"Jira ({JIRA_URL_SETTING}) did not describe {ref.number}; check the URL.")
            continue
        status = fields.get("status") or {}
        reporter = fields.get("reporter") or {}
        created = fields.get("created")
        tickets.append(TicketInfo(
            key=ref.number, url=ref.url, summary=str(fields.get("summary") or ""), status=str(status.get("name") or ""),
            created=dateparser.parse(created) if isinstance(created, str) and created else None,
            resolved=(status.get("statusCategory") or {}).get("key") == "done" or bool(fields.get("resolutiondate")),
            message_ids=list(ref.message_ids), reporter=str(reporter.get("displayName") or "") if isinstance(reporter, dict) else "",
        ))
    return tickets


def ticket_rows(tickets: list[TicketInfo], noticed: datetime | None) -> tuple[list[EvidenceRow], list[TimeCandidate]]:
    """A row per ticket opened around the incident (the first is the first support ticket); older ones are the
    backlog check (``Document.backlog``), not timeline rows, so a months-old ticket does not date every row."""
    rows: list[EvidenceRow] = []
    candidates: list[TimeCandidate] = []
    for t in sorted((t for t in tickets if t.created is not None), key=lambda t: t.created):  # type: ignore[arg-type, return-value]
        assert t.created is not None
        name = f"{t.key} '{t.summary}'" if t.summary else t.key
        state = f"status {t.status}" if t.status else "status unknown"
        if noticed is not None and t.created < noticed - timedelta(hours=12):
            continue  # the backlog check, not a moment of the incident: the document lists it on its own
        first = not rows
        summary = f"{'First support ticket' if first else 'Support ticket'} {name} opened ({state})"
        kind = "detected" if first else "other"
        if first:
            candidates.append(TimeCandidate(field="detected_at", at=t.created, label=f"{t.key} opened", url=t.url,
                                            message_ids=list(t.message_ids), confidence=0.4))
        rows.append(EvidenceRow(at=t.created, source="Jira", actor=t.reporter, kind=kind, summary=summary, url=t.url,  # type: ignore[arg-type]
                                message_ids=list(t.message_ids)))
    return rows, candidates


def _log_candidates(rows: list[EvidenceRow], noticed: datetime | None) -> list[TimeCandidate]:
    """The first error logged before the incident was noticed is a candidate for 'fault introduced'."""
    firsts = [r for r in rows if r.source == "Logs" and r.summary.startswith("First error logged")]
    if not firsts:
        return []
    first = min(firsts, key=lambda r: r.at)
    if noticed is not None and first.at > noticed:
        return []
    return [TimeCandidate(field="started_at", at=first.at, label=f"first error logged in {first.actor}", confidence=0.35)]


def gather_evidence(
    transcript: Transcript,
    findings: Findings,
    settings: Settings,
    evidence: list[str] | None = None,
    tz: str = "",
    clients: dict[str, object] | None = None,
) -> EvidenceRecord:
    """Everything beyond the channel for one session (empty, with no network use, when nothing is configured).

    ``clients`` lets tests or callers hand in ready clients ("github", "gitlab", "jira", "pagerduty").
    """
    from facilitator.evidence.github import GitHubError
    from facilitator.evidence.gitlab import GitLabError

    clients = dict(clients or {})
    tz = tz or transcript.timezone or settings.timezone
    record = EvidenceRecord()
    year = transcript.first_at.astimezone(ZoneInfo(tz)).year if transcript.first_at else None
    rows: list[EvidenceRow] = []
    for item in evidence or []:
        if item.lower().startswith(PAGERDUTY_PREFIX):
            from facilitator.evidence.pagerduty import fetch_incident_rows

            incident = item[len(PAGERDUTY_PREFIX):].strip()
            try:
                rows.extend(fetch_incident_rows(settings, incident, tz, client=clients.get("pagerduty")))
            except UserError as exc:
                record.notes.append(str(exc))
        else:
            rows.extend(read_evidence_file(item, tz, year))
    noticed = noticed_at(findings, transcript)
    refs = linked_refs(findings, transcript, settings)
    changes: list[Change] = []
    for service, make, resolve, error in _code_hosts():
        todo = [r for r in refs if r.service == service][:MAX_REFS]
        if not todo:
            continue
        try:
            client = clients.get(service) or make(settings)
        except (GitHubError, GitLabError) as exc:
            record.notes.append(str(exc))
            continue
        for ref in todo:
            try:
                changes.append(resolve(client, ref, settings))
            except error as exc:
                record.notes.append(str(exc))
                if "(401)" in str(exc) or "rate limit" in str(exc):
                    break  # the next link would be refused the same way
    for change in changes:
        more, candidates = change_rows(change, noticed)
        rows.extend(more)
        record.candidates.extend(candidates)
    jira_refs = [r for r in refs if r.service == "jira"][:MAX_REFS]
    if jira_refs:
        try:
            record.tickets = _jira_tickets(settings, jira_refs, record.notes, clients.get("jira"))
        except UserError as exc:
            record.notes.append(str(exc))
        more, candidates = ticket_rows(record.tickets, noticed)
        rows.extend(more)
        record.candidates.extend(candidates)
    record.candidates.extend(_log_candidates(rows, noticed))
    rows, record.duplicates = drop_duplicates(rows, transcript)
    from facilitator.redact import mask_secrets

    for row in rows:  # log lines and notes can quote credentials; they are masked before anything keeps them
        row.summary = mask_secrets(row.summary)
    record.rows = sorted(rows, key=lambda r: r.at)
    return record


def _code_hosts():
    from facilitator.evidence import github, gitlab

    return (
        ("github", github.make_github, github.resolve_change, github.GitHubError),
        ("gitlab", gitlab.make_gitlab, gitlab.resolve_change, gitlab.GitLabError),
    )
