"""What a written post-mortem states: its key times, timeline rows, action items and people.

Documents written by hand put the same facts in many shapes: ``- **Detected:** 14:07``,
``| Detection time | 2024-12-03 14:07 UTC |``, ``Resolved at 15:40``; action items as a
table with any column names, or as bullets with ``(owner: @kim, due 2024-12-20)``. This
module reads those shapes into plain values with the line each came from, so the checks can
point at the place to fix. Dates are parsed with python-dateutil; a time without a date takes
the document's own date (its "Date" field, a date in the title, or its first date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from facilitator.review.document import ReviewedDocument
from facilitator.transcript import Message, Transcript

KEY_TIMES = ("started_at", "detected_at", "mitigated_at", "resolved_at")
KEY_TIME_LABELS = {
    "started_at": "Fault introduced",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}
# Labels people give each key time, as the start of a "label: value" line or table row.
_TIME_LABELS = {
    "started_at": r"(?:fault\s+)?introduced|(?:incident|impact|outage|problem)\s+(?:start(?:ed)?|began|begins)|start(?:ed)?(?:\s+(?:at|time|of (?:impact|incident|the incident|outage)))?|began|t-?0|first (?:error|failure|impact)",
    "detected_at": r"detect(?:ed|ion)(?:\s+(?:at|time))?|alerted(?:\s+at)?|first alert|discovered|noticed|reported(?:\s+at)?",
    "mitigated_at": r"mitigat(?:ed|ion)(?:\s+(?:at|time))?|impact (?:ended|stopped)|end of impact|workaround(?:\s+applied)?",
    "resolved_at": r"resolv(?:ed|ution)(?:\s+(?:at|time))?|recovered(?:\s+at)?|all[- ]clear|fixed(?:\s+at)?|closed(?:\s+at)?|(?:incident|outage)\s+end(?:ed)?",
}
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*+]\s+|\|\s*)?(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z0-9 ()\-/]{1,40}?)(?:\*\*|__)?\s*(?::|\||—|–| - )\s*(?:\*\*|__)?\s*(?P<value>.+)$"
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CITATION = re.compile(r"\((?:msg|message|see)[^)]*\)|\[[^\]]*\]\([^)]*\)", re.I)


@dataclass(frozen=True, slots=True)
class Stated:
    """A value the document states, and the line it is on."""

    value: datetime
    line: int
    text: str
    derived: bool = False  # read from a timeline row rather than stated as a key time


@dataclass(frozen=True, slots=True)
class Row:
    """One timeline row: its time and what happened."""

    at: datetime | None
    line: int
    text: str
    who: str = ""


@dataclass(slots=True)
class DocAction:
    """One action item as the document writes it."""

    text: str
    line: int
    owner: str = ""
    due_text: str = ""
    due: date | None = None
    category: str = ""  # one of the six when recognised, else the document's word
    category_text: str = ""
    priority: str = ""
    status: str = ""
    ticket: str = ""

    @property
    def is_open(self) -> bool:
        """Not marked done, closed or cancelled."""
        return not re.search(r"\b(done|closed|complete(?:d)?|fixed|resolved|cancel+ed|won.?t do)\b", self.status, re.I)


@dataclass(slots=True)
class DocFacts:
    """Everything the checks read from one document."""

    day: date | None
    times: dict[str, Stated] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    actions: list[DocAction] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    external: bool = False

    def span(self, start: str, end: str) -> timedelta | None:
        """The time between two key times, when both are stated."""
        a, b = self.times.get(start), self.times.get(end)
        return b.value - a.value if a and b else None


# The six categories of action items; the words teams use for each.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "investigate": ("investigate", "investigation", "analysis", "research", "understand"),
    "mitigate": ("mitigate", "mitigation", "short term", "short-term", "immediate", "stop the bleeding"),
    "repair": ("repair", "fix", "bug fix", "bugfix", "restore", "cleanup", "clean up"),
    "detect": ("detect", "detection", "monitoring", "monitor", "alerting", "alert", "observability"),
    "mitigate future": ("mitigate future", "mitigation future", "resilience", "reduce impact", "blast radius", "graceful degradation"),
    "prevent": ("prevent", "prevention", "preventive", "preventative", "long term", "long-term", "process", "hardening"),
}


def category_of(text: str) -> str:
    """One of the six categories for what a document wrote ("" when it does not say)."""
    key = " ".join(re.sub(r"[^a-z ]+", " ", text.lower()).split())
    if not key:
        return ""
    for name, words in sorted(CATEGORIES.items(), key=lambda kv: -len(kv[0])):
        if key == name or key in words:
            return name
    for name, words in CATEGORIES.items():
        if any(re.search(rf"\b{re.escape(w)}\b", key) for w in (name, *words)):
            return name
    return ""


def read_facts(doc: ReviewedDocument) -> DocFacts:
    """Key times, timeline rows, action items and people stated in ``doc``."""
    facts = DocFacts(day=_document_day(doc))
    lines = doc.lines
    for n, line in enumerate(lines, start=1):
        m = _LABEL_LINE.match(line)
        if not m:
            continue
        label = m["label"].strip().lower()
        for key, pattern in _TIME_LABELS.items():
            if key in facts.times or not re.fullmatch(rf"(?:{pattern})", label):
                continue
            at = parse_when(m["value"], facts.day)
            if at is not None:
                facts.times[key] = Stated(at, n, line.strip())
    facts.rows = _timeline_rows(doc, facts.day)
    _derive_times(facts, doc.source)
    facts.actions = _actions(doc, facts.day)
    facts.people = _people(doc, facts)
    facts.external = _is_external(doc)
    return facts


def rows_transcript(facts: DocFacts, source: str, title: str = "", tz: str = "UTC") -> Transcript:
    """The timeline rows as a transcript (one message per row, id ``doc-<line>``)."""
    zone = ZoneInfo(tz)
    day = facts.day or date(1970, 1, 1)
    messages = [
        Message(id=f"doc-{row.line}", at=(row.at or datetime.combine(day, time())).replace(tzinfo=zone),
                author=row.who or "timeline", text=row.text or "(no text)", origin=f"{source}:{row.line}")
        for row in facts.rows
    ]
    return Transcript(messages=messages, source="transcript", source_ref=source, channel=title, timezone=tz, format="post-mortem")


def _derive_times(facts: DocFacts, source: str) -> None:
    """Key times the document does not state, read from its timeline rows by the extractor."""
    if all(k in facts.times for k in KEY_TIMES) or not any(r.at for r in facts.rows):
        return
    from facilitator.extract import extract_findings

    findings = extract_findings(rows_transcript(facts, source))
    lines = {f"doc-{r.line}": r for r in facts.rows}
    for key in KEY_TIMES:
        kt = getattr(findings, key, None)
        if key in facts.times or kt is None:
            continue
        row = next((lines[m] for m in kt.message_ids if m in lines), None)
        at = kt.at.astimezone(timezone.utc).replace(tzinfo=None)
        facts.times[key] = Stated(at, row.line if row else 0, row.text if row else kt.reason, derived=True)


_DATE_BEFORE = re.compile(
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+\d{4})?"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?)[\sT,]*(?:at\s+)?$"
)
_AFTER_CLOCK = re.compile(r"\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:UTC|GMT|Z|[+-]\d{2}:?\d{2})\b)?")


def parse_when(value: str, day: date | None) -> datetime | None:
    """A date and time from a cell or phrase ("2024-12-03 14:07 UTC", "14:07", "Dec 3 14:07")."""
    value = _CITATION.sub(" ", value).strip().strip("|*_` ")
    clock = _CLOCK.search(value)
    if clock is None:
        return None
    # Only the time, the date written just before it and an am/pm or UTC offset just after:
    # the words around ("OUTAGE BEGINS") are not part of it.
    dated = _DATE_BEFORE.search(value[max(0, clock.start() - 30) : clock.start()])
    after = _AFTER_CLOCK.match(value, clock.end())
    window = (dated.group(1) + " " if dated else "") + clock.group() + (after.group() if after else "")
    default = datetime.combine(day or date(1970, 1, 1), datetime.min.time())
    try:
        at = dateparser.parse(window, default=default)
    except (ValueError, OverflowError):
        return None
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at


def _document_day(doc: ReviewedDocument) -> date | None:
    for line in doc.lines[:40]:
        if re.search(r"\bdate\b", line, re.I):
            m = _ISO_DATE.search(line)
            if m:
                return _safe_date(m)
    for text in (doc.title, doc.text):
        m = _ISO_DATE.search(text)
        if m:
            return _safe_date(m)
    return None


def _safe_date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    return bool(re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line)) and "-" in line


def _timeline_rows(doc: ReviewedDocument, day: date | None) -> list[Row]:
    section = doc.part("timeline")
    if section is None:
        return []
    rows: list[Row] = []
    current = day
    for n, line in doc.part_lines("timeline"):
        text = line.strip()
        if not text or _is_rule(text) or text.startswith("#"):
            continue
        if "|" in text:
            cells = _cells(text)
            first = cells[0] if cells else ""
            if not _CLOCK.search(first):
                continue
            at = parse_when(first, current)
            who = cells[1] if len(cells) > 2 else ""
            rest = " ".join(c for c in cells[1:] if c)
        else:
            m = re.match(r"^(?:[-*+]\s+)?(?:\*\*|__)?(?P<when>[^|]{0,30}?\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AaPp][Mm]|UTC|Z|[A-Z]{2,4}))?)(?:\*\*|__)?\s*(?:[-–—:]\s*)?(?P<rest>.*)$", text)
            if not m:
                dated = _ISO_DATE.search(text)
                if dated and len(text) < 40:
                    current = _safe_date(dated) or current  # a date line heading the rows below it
                continue
            at = parse_when(m["when"], current)
            rest, who = m["rest"], ""
        if at is not None and current is not None and at.date() != current:
            current = at.date()
        rows.append(Row(at=at, line=n, text=rest.strip(), who=who))
    return rows


_ACTION_COLS = {
    "text": r"action(?: item)?s?|item|description|task|what|follow[- ]?up|title|summary|remediation",
    "owner": r"owners?|assignee|assigned(?: to)?|who|responsible|dri|lead",
    "due": r"due(?: date)?|deadline|by|eta|target(?: date)?|when|date",
    "category": r"category|type|kind|class",
    "priority": r"priority|prio|p|severity",
    "status": r"status|state|done",
    "ticket": r"ticket|issue|jira|link|tracking|bug",
}


def _actions(doc: ReviewedDocument, day: date | None) -> list[DocAction]:
    section = doc.part("actions")
    if section is None:
        return []
    out: list[DocAction] = []
    columns: dict[str, int] | None = None
    for n, line in doc.part_lines("actions"):
        text = line.strip()
        if not text or text.startswith("#"):
            columns = None if not text else columns
            continue
        if "|" in text:
            cells = _cells(text)
            if _is_rule(text):
                continue
            if columns is None:
                columns = _header(cells)
                continue
            row = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
            item = DocAction(text=row.get("text", ""), line=n, owner=_clean(row.get("owner", "")),
                             due_text=_clean(row.get("due", "")), category_text=_clean(row.get("category", "")),
                             priority=_clean(row.get("priority", "")), status=_clean(row.get("status", "")),
                             ticket=_clean(row.get("ticket", "")))
        else:
            m = re.match(r"^(?:[-*+]|\d+[.)])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<rest>.+)$", text)
            if not m:
                continue
            item = _bullet_action(m["rest"], n)
            if m["box"] and m["box"].lower() == "x":
                item.status = item.status or "done"
        if not item.text or _placeholder(item.text):
            continue
        item.due = _due(item.due_text, day)
        item.category = category_of(item.category_text)
        out.append(item)
    return out


def _header(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = re.sub(r"[^a-z ]+", " ", cell.lower()).strip()
        for key, pattern in _ACTION_COLS.items():
            if key not in columns and re.fullmatch(rf"(?:{pattern})(?: \w+)?", name):
                columns[key] = i
                break
    columns.setdefault("text", 0)
    return columns


def _bullet_action(rest: str, line: int) -> DocAction:
    item = DocAction(text=rest, line=line)
    fields = {
        "owner": r"(?:owner|assignee|assigned to|who|dri)\s*[:=]\s*([^,;)\]]+)",
        "due_text": r"(?:due|by|deadline|eta)\s*[:=]?\s*(\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?|\d{1,2} [A-Z][a-z]{2,8}(?: \d{4})?)",
        "category_text": r"(?:category|type)\s*[:=]\s*([^,;)\]]+)",
        "priority": r"\b(P[0-4])\b",
        "ticket": r"\b([A-Z][A-Z0-9]+-\d+)\b",
        "status": r"(?:status)\s*[:=]\s*([^,;)\]]+)",
    }
    for attr, pattern in fields.items():
        m = re.search(pattern, rest, re.I if attr != "ticket" else 0)
        if m:
            setattr(item, attr, _clean(m.group(1)))
    if not item.owner:
        m = re.search(r"(?:^|\s|\()@([\w.-]+)", rest)
        if m:
            item.owner = m.group(1)
    # The action is the text before its bracketed or trailing metadata.
    text = re.split(r"\s[(\[](?=[^)\]]*(?:owner|due|assignee|category|@|P[0-4]\b))|\s[-–—]\s(?=(?:owner|due|@))", rest, maxsplit=1, flags=re.I)[0]
    item.text = _clean(text)
    return item


def _clean(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text).strip().strip(".;,").strip()
    return "" if _placeholder(text) else text


def _placeholder(text: str) -> bool:
    return bool(re.fullmatch(r"\[?todo\]?.*|tbd|n/?a|-+|\.\.\.|none\.?", text.strip(), re.I))


def _due(text: str, day: date | None) -> date | None:
    if not text or _placeholder(text):
        return None
    if not re.search(r"\d", text):
        return None
    try:
        default = datetime.combine(day or date.today(), datetime.min.time())
        return dateparser.parse(text, default=default, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def _people(doc: ReviewedDocument, facts: DocFacts) -> list[str]:
    names: dict[str, None] = {}
    for line in doc.part_text("responders").splitlines():
        m = re.match(r"^\s*(?:[-*+]|\d+[.)]|\|)\s*(?:\*\*)?@?([A-Z][\w'.-]+(?: [A-Z][\w'.-]+){0,2})", line)
        if m:
            names[m.group(1)] = None
    for row in facts.rows:  # actors written as full names; a one-word actor is as often a tool
        if row.who and re.fullmatch(r"@?[A-Z][\w'.-]+(?: [A-Z][\w'.-]+){1,2}", row.who):
            names[row.who.lstrip("@")] = None
    for item in facts.actions:
        if item.owner and not _is_team(item.owner):
            names[item.owner.lstrip("@")] = None
    for handle in re.findall(r"(?<![\w.])@([A-Za-z][\w.-]{1,30})", doc.text):
        names[handle] = None
    return [n for n in names if n.lower() not in {"here", "channel", "everyone", "todo", "tbd"}]


def _is_team(owner: str) -> bool:
    return bool(re.search(r"\b(team|squad|group|sre|ops|oncall|on-call|eng(?:ineering)?|platform|infra)\b", owner, re.I))


def _is_external(doc: ReviewedDocument) -> bool:
    head = "\n".join(doc.lines[:25]).lower()
    return bool(
        re.search(r"classification\W+(?:external|public|customer)", head)
        or re.search(r"\b(customer[- ]facing|public (?:post-?mortem|incident report)|external version)\b", head)
    )
