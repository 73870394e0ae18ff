"""The document model: everything a post-mortem template needs, computed once from a session.

Templates (data in ``prompts/templates``) should only arrange and word things; every decision
is made here: which answer wins over which finding, how times are shown (always in the
configured zone, zone named), how a claim cites its evidence (Slack permalink when the
message has one, otherwise ``(msg L12, 14:02)``), and what is still unknown. Anything unknown
renders as ``[TODO] ...`` in place and is also collected in ``Document.todos`` for the top of
the document, so a reader sees at once what the post-mortem still lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from facilitator.config import Settings, check_timezone
from facilitator.findings import KeyTime
from facilitator.session import Session
from facilitator.transcript import Transcript

TODO = "[TODO]"
# Timeline kinds that are "major events" for the classic template.
MAJOR_KINDS = frozenset(
    {"fault_introduced", "detected", "alert", "incident_created", "escalation", "root_cause", "rollback",
     "mitigated", "fix_deployed", "status_page", "customer_comms", "resolved", "closed"}
)
EVIDENCE_LINK_KINDS = ("ticket", "pull_request", "commit", "dashboard", "alert", "runbook", "status_page", "docs", "image")
KEY_TIME_LABELS = {
    "started_at": "Fault introduced",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}


@dataclass
class TimelineRow:
    """One timeline line: when, who or what, what happened, what was known then, evidence."""

    time: str
    who: str
    event: str
    known_then: str
    evidence: str
    kind: str
    before_response: bool = False


@dataclass
class WhyRow:
    """One 'why' with its answer and evidence."""

    question: str
    answer: str
    evidence: str
    level: str = ""


@dataclass
class ActionRow:
    """An action item as the documents show it."""

    id: str
    action: str
    owner: str
    due: str
    prevents: str
    status: str
    priority: str
    category: str
    jira_key: str = ""


@dataclass
class Document:
    """A post-mortem ready for a template; every string is display text."""

    title: str
    incident_id: str
    date: str
    timezone: str
    severity: str
    customer_impact: str
    status: str
    next_review: str
    classification: str
    summary: str
    what_happened: str
    lessons: str
    detection_method: str
    services: str
    affected: str
    job_failures: str
    scope: str
    sla: str
    data_impact: str
    times: dict[str, str]
    metrics: dict[str, str]
    timeline: list[TimelineRow]
    unknowns_then: list[str]
    root_cause: str
    whys: list[WhyRow]
    contributing: list[WhyRow]
    fix: str
    went_well: list[str]
    went_badly: list[str]
    luck: list[str]
    fears: str
    happened_before: str
    actions: list[ActionRow]
    rejected: list[tuple[str, str]]
    evidence: list[tuple[str, str]]  # (label, url)
    support_requests: list[str]  # Markdown, links where known
    responders: list[tuple[str, str]]  # (name, role)
    messaging: list[str]
    runbooks: str
    external_summary: str = ""
    todos: list[str] = field(default_factory=list)
    external: str = ""  # the redacted external body, embedded in the internal document


def format_duration(delta: timedelta | None) -> str:
    """'2 h 14 min', '45 min', '3 d 2 h'; empty for None or negative."""
    if delta is None or delta.total_seconds() < 0:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts[:2])


class _Builder:
    """Collects TODOs while turning the session into display text."""

    def __init__(self, session: Session, transcript: Transcript | None, settings: Settings) -> None:
        self.session = session
        self.transcript = transcript
        self.tz: ZoneInfo = check_timezone(settings.timezone or session.timezone)
        self.todos: list[str] = []

    def todo(self, text: str) -> str:
        item = f"{TODO} {text}"
        if item not in self.todos:
            self.todos.append(item)
        return item

    def answer(self, qid: str) -> str:
        """The answer text ('' when unknown, skipped or empty)."""
        answer = self.session.answers.get(qid)
        if answer is None or answer.status in ("unknown", "skipped"):
            return ""
        value = answer.value
        text = "\n".join(v for v in value if v.strip()) if isinstance(value, list) else value
        return text.strip()

    def answer_list(self, qid: str) -> list[str]:
        answer = self.session.answers.get(qid)
        if answer is None or answer.status in ("unknown", "skipped"):
            return []
        if isinstance(answer.value, list):
            return [v.strip() for v in answer.value if v.strip()]
        return [line.strip(" -*\t") for line in answer.value.splitlines() if line.strip(" -*\t")]

    def value(self, qid: str, fallback: str, todo: str) -> str:
        return self.answer(qid) or fallback or self.todo(todo)

    # -- times ---------------------------------------------------------------------------
    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def fmt(self, at: datetime | None, with_date: bool = True) -> str:
        if at is None:
            return ""
        return self.local(at).strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")

    def key_time(self, name: str) -> datetime | None:
        text = self.answer(name)
        if text:
            parsed = self._parse_time(text)
            if parsed is not None:
                return parsed
        found: KeyTime | None = self.session.findings.key_time(name)
        return found.at if found else None

    def _parse_time(self, text: str) -> datetime | None:
        base_day = self._base_day()
        default = datetime.combine(base_day, datetime.min.time()) if base_day else None
        try:
            parsed = dateparser.parse(text, default=default, fuzzy=True)
        except (ValueError, OverflowError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.tz)

    def _base_day(self) -> date | None:
        first = self.transcript.first_at if self.transcript else None
        if first is None and self.session.findings.events:
            first = min(e.at for e in self.session.findings.events)
        return self.local(first).date() if first else None

    # -- evidence ------------------------------------------------------------------------
    def cite(self, message_ids: list[str], limit: int = 3) -> str:
        """Links to the evidence: permalinks when known, otherwise '(msg L12, 14:02)'."""
        parts: list[str] = []
        for mid in message_ids[:limit]:
            message = self.transcript.get(mid) if self.transcript else None
            if message is None:
                parts.append(f"(msg {mid})")
            elif message.permalink:
                parts.append(f"[{self.fmt(message.at, with_date=False)}]({message.permalink})")
            else:
                parts.append(f"(msg {mid}, {self.fmt(message.at, with_date=False)})")
        return " ".join(parts)

    def answer_cite(self, qid: str) -> str:
        answer = self.session.answers.get(qid)
        return self.cite(answer.message_ids) if answer else ""


def _incident_id(session: Session) -> str:
    for text in (session.source.channel, session.source.ref, session.name):
        m = re.search(r"\binc[-_ ]?(\d+)", text or "", re.I)
        if m:
            return f"INC-{m.group(1)}"
    return session.name


def _bullets(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]


def _known_then(b: _Builder) -> list[tuple[datetime, str]]:
    """(time, what responders believed from then on), from the hypotheses and their messages."""
    if b.transcript is None:
        return []
    beliefs: list[tuple[datetime, str]] = []
    for h in b.session.findings.hypotheses:
        times = sorted(m.at for mid in h.message_ids if (m := b.transcript.get(mid)) is not None)
        if not times:
            continue
        beliefs.append((times[0], f"Suspected: {h.text}"))
        if h.status == "ruled_out" and len(times) > 1:
            beliefs.append((times[-1], f"Ruled out: {h.text}"))
        elif h.status == "confirmed" and len(times) > 1:
            beliefs.append((times[-1], f"Confirmed: {h.text}"))
    causes = sorted((e.at, e.summary) for e in b.session.findings.events if e.kind == "root_cause")
    if causes:  # the first identification; later musings do not make the team know less
        found_at = causes[0][0]
        beliefs = [item for item in beliefs if item[0] < found_at]
        beliefs.append((found_at, f"Cause identified: {causes[0][1]}"))
    return [(at, _shorten(text)) for at, text in sorted(beliefs, key=lambda item: item[0])]


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _belief_change(beliefs: list[tuple[datetime, str]], at: datetime, shown: list[str]) -> str:
    """The belief current at ``at`` when it differs from the last one shown, else ''."""
    current = next((text for when, text in reversed(beliefs) if when <= at), "")
    if not current or (shown and shown[-1] == current):
        return ""
    shown.append(current)
    return current


def _support(tickets: list) -> list[str]:
    """Support requests as Markdown: '[#88412](url): summary', a summary shown once."""
    out: list[str] = []
    seen: set[str] = set()
    for t in tickets:
        url = t.url or (t.ref if t.ref.startswith("http") else "")
        label = t.ref if not t.ref.startswith("http") else "#" + t.ref.rstrip("/").rsplit("/", 1)[-1]
        text = f"[{label}]({url})" if url else label
        summary = _shorten(t.summary, 80) if t.summary else ""
        if summary and summary not in seen:
            seen.add(summary)
            text += f": {summary}"
        out.append(text)
    return out


def _timeline(b: _Builder, detected: datetime | None) -> list[TimelineRow]:
    rows: list[TimelineRow] = []
    beliefs = _known_then(b)
    shown: list[str] = []  # the last belief written, so each one appears where it starts
    if b.session.timeline:
        source = [(e.at, e.who, e.summary, e.known_then, e.message_ids, e.kind) for e in b.session.timeline]
    else:
        source = [(e.at, e.who, e.summary, "", e.message_ids, e.kind) for e in b.session.findings.events]
    for at, who, summary, known, ids, kind in sorted(source, key=lambda item: item[0]):
        if not who and ids and b.transcript is not None and (first := b.transcript.get(ids[0])) is not None:
            who = first.author  # bots and integrations: the alert source is the "what"
        rows.append(
            TimelineRow(
                time=b.fmt(at),
                who=who,
                event=summary,
                known_then=known or _belief_change(beliefs, at, shown),
                evidence=b.cite(ids),
                kind=kind,
                before_response=detected is not None and at < detected,
            )
        )
    return rows


def build_document(session: Session, transcript: Transcript | None, settings: Settings) -> Document:
    """The document model for ``session`` (answers win over findings; gaps become TODOs)."""
    b = _Builder(session, transcript, settings)
    f = session.findings
    times = {name: b.key_time(name) for name in KEY_TIME_LABELS}
    shown_times = {
        KEY_TIME_LABELS[name]: b.fmt(at) or b.todo(f"When was the fault {KEY_TIME_LABELS[name].lower()}?")
        for name, at in times.items()
    }

    def span(a: str, z: str) -> str:
        return format_duration(times[z] - times[a]) if times[a] and times[z] else ""

    metrics = {
        "Time to detect": span("started_at", "detected_at"),
        "Time to mitigate": span("detected_at", "mitigated_at"),
        "Time to resolve (from detection)": span("detected_at", "resolved_at"),
        "Time in (fault introduced to resolution)": span("started_at", "resolved_at"),
    }
    title = b.answer("title") or session.title or (f.title.text if f.title else "") or session.name
    severity = b.value("severity", f.severity.text if f.severity else "", "What severity was the incident?")
    customer_impact = b.value(
        "customer_effect", f.customer_effect.text if f.customer_effect else "", "What did customers see?"
    )
    root_cause = b.value("actual_cause", f.causes[0].text if f.causes else "", "What was the root cause, in one sentence?")
    responders = [(r.name, r.role) for r in f.responders]
    for entry in b.answer_list("responders"):
        m = re.match(r"\s*(.*?)\s*(?:\((.*)\))?\s*$", entry)
        name, role = (m.group(1), m.group(2) or "") if m else (entry, "")
        index = next((i for i, (n, _) in enumerate(responders) if n.casefold() == name.casefold()), None)
        if index is None:
            responders.append((name, role))
        elif role and not responders[index][1]:
            responders[index] = (responders[index][0], role)
    if not responders:
        b.todo("Who responded?")
    unknowns = [h.text for h in f.hypotheses if h.status == "ruled_out"]
    first_hypothesis = b.answer("first_hypothesis")
    if first_hypothesis and first_hypothesis not in unknowns:
        unknowns.insert(0, f"First hypothesis: {first_hypothesis}")
    chain = [w for w in session.whys if w.kind == "chain"]
    if not chain:
        b.todo("Ask 'why?' until the systemic cause is reached (five whys).")
    no_owner = sum(1 for a in session.actions if not a.owner.strip())
    no_due = sum(1 for a in session.actions if a.due is None)
    if no_owner or no_due:
        b.todo(f"Action items without an owner: {no_owner}; without a due date: {no_due}.")
    actions = [
        ActionRow(
            id=a.id,
            action=a.action,
            owner=a.owner.strip() or TODO,
            due=a.due.isoformat() if a.due else TODO,
            prevents=a.prevents_recurrence,
            status=a.status,
            priority=a.priority,
            category=a.category,
            jira_key=a.jira_key or session.published.jira_keys.get(a.id, ""),
        )
        for a in session.actions
    ]
    if not actions:
        b.todo("Agree action items with owners and due dates.")
    open_due = sorted(a.due for a in session.actions if a.due and a.status != "done")
    went_well = _bullets(session.drafts.get("went_well", "")) or b.answer_list("went_well")
    went_badly = _bullets(session.drafts.get("went_badly", "")) or b.answer_list("went_badly")
    luck = b.answer_list("luck") or [fact.text for fact in f.luck]
    evidence: list[tuple[str, str]] = []
    for link in f.links:
        if link.kind in EVIDENCE_LINK_KINDS and link.url not in {url for _, url in evidence}:
            evidence.append((link.label or link.url, link.url))
    support = _support(f.support_tickets) or b.answer_list("support_requests")
    messaging = [f"{b.fmt(m.at)} {m.channel}: {m.summary} {b.cite(m.message_ids)}".strip() for m in f.messaging]
    messaging += b.answer_list("messaging")
    doc = Document(
        title=title,
        incident_id=_incident_id(session),
        date=(b.fmt(times["detected_at"] or times["started_at"]) or "")[:10] or session.created_at.date().isoformat(),
        timezone=str(b.tz.key),
        severity=severity,
        customer_impact=customer_impact,
        status="Published" if session.published.confluence_page_id else "Draft",
        next_review=open_due[0].isoformat() if open_due else b.todo("Set a date to review the action items."),
        classification="Internal",
        summary=session.drafts.get("summary", "").strip()
        or (f"{customer_impact} Root cause: {root_cause}" if b.answer("customer_effect") and b.answer("actual_cause") else b.todo("Write a two-sentence summary.")),
        what_happened=session.drafts.get("what_happened", "").strip(),
        lessons=session.drafts.get("lessons", "").strip() or b.todo("What can we learn from this?"),
        detection_method=b.value(
            "detection_method", f.detection_method.text if f.detection_method else "", "How was the incident detected?"
        ),
        services=b.answer("services"),
        affected=b.value("affected", "", "Which projects / customers / regions were affected?"),
        job_failures=b.answer("job_failures") or "; ".join(h.text for h in f.impact_hints if h.kind == "failed_jobs"),
        scope="; ".join(h.text for h in f.impact_hints if h.kind != "failed_jobs"),
        sla=b.answer("sla"),
        data_impact=b.answer("data_impact") or b.todo("Was any data lost, corrupted or exposed?"),
        times=shown_times,
        metrics={k: v for k, v in metrics.items() if v},
        timeline=_timeline(b, times["detected_at"]),
        unknowns_then=unknowns,
        root_cause=root_cause,
        whys=[WhyRow(w.question, w.answer or b.todo(w.question), b.cite(w.message_ids), w.level) for w in chain],
        contributing=[
            WhyRow(w.question, w.answer, b.cite(w.message_ids), w.level) for w in session.whys if w.kind == "contributing"
        ],
        fix=b.value("fix", f.fixes[0].text if f.fixes else "", "What moved the system from broken to working?"),
        went_well=went_well or [b.todo("What went well?")],
        went_badly=went_badly or [b.todo("What didn't go so well?")],
        luck=luck,
        fears=b.answer("fears"),
        happened_before=b.answer("happened_before"),
        actions=actions,
        rejected=[(r.action, r.reason) for r in session.rejected_actions],
        evidence=evidence,
        support_requests=support,
        responders=responders,
        messaging=messaging,
        runbooks=b.answer("runbooks"),
        external_summary=session.drafts.get("external", "").strip(),
    )
    doc.todos = b.todos
    return doc


def cite_for(session: Session, transcript: Transcript | None, settings: Settings, message_ids: list[str]) -> str:
    """Evidence text for message ids (used by callers outside the document, e.g. the UI preview)."""
    return _Builder(session, transcript, settings).cite(message_ids)
