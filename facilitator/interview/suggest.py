"""Suggested answers: what the findings already say about each question, with citations.

A suggestion is only a proposal: the engine records it as ``status="suggested"`` when the
user (or ``draft``) accepts it, and the document shows it as unconfirmed. Each builder reads
one field of ``Findings`` (the question's ``finding`` key, optionally ``field:filter``) and
returns ``None`` when there is no evidence: a question without evidence is asked explicitly
rather than answered with a guess. Values have the shape ``Interview.answer`` stores
(ISO datetimes, lists of lines), so accepting a suggestion never needs re-parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from facilitator.findings import Fact, Findings, KeyTime
from facilitator.interview.catalogue import Question
from facilitator.interview.parse import stored_datetime
from facilitator.transcript import Transcript

SCOPE_KINDS = ("customers", "projects", "regions", "environments", "environment", "region", "project", "customer")


@dataclass
class Suggestion:
    """A pre-filled answer: the value, the messages it rests on, and why."""

    value: str | list[str]
    message_ids: list[str] = field(default_factory=list)
    note: str = ""  # one line shown with the suggestion ("from the first alert at 14:02")
    confidence: float = 0.5
    source: str = "offline"  # "offline" (built from the findings) or "llm" (Interview.add_suggestions)


def _ids(*groups: list[str]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        for mid in group:
            if mid not in seen:
                seen.append(mid)
    return seen


def _key_time(kt: KeyTime | None, tz: str) -> Suggestion | None:
    if kt is None:
        return None
    return Suggestion(stored_datetime(kt.at, tz), list(kt.message_ids), kt.reason, kt.confidence)


def _fact(fact: Fact | None) -> Suggestion | None:
    if fact is None or not fact.text.strip():
        return None
    return Suggestion(fact.text.strip(), list(fact.message_ids), "", fact.confidence)


def _best(facts: list[Fact]) -> Fact | None:
    """The most confident fact; the earliest among equals (lists keep transcript order)."""
    if not facts:
        return None
    return max(facts, key=lambda f: f.confidence)


def _choice(question: Question, fact: Fact | None) -> Suggestion | None:
    """A Fact mapped onto one of the question's choices (by word match), else None."""
    if fact is None:
        return None
    text = fact.text.casefold()
    for choice in question.choices:
        if choice.casefold() in text or text in choice.casefold():
            return Suggestion(choice, list(fact.message_ids), fact.text if fact.text != choice else "", fact.confidence)
    return None


def _responders(findings: Findings) -> Suggestion | None:
    if not findings.responders:
        return None
    lines = [f"{r.name} ({r.role})" if r.role else r.name for r in findings.responders]
    ids = _ids(*(r.message_ids for r in findings.responders))
    roles = sum(1 for r in findings.responders if r.role)
    note = f"{len(lines)} people wrote in the channel; {roles} role(s) were stated there"
    return Suggestion(lines, ids, note, 0.6 if roles else 0.4)


def _first_hypothesis(findings: Findings) -> Suggestion | None:
    if not findings.hypotheses:
        return None
    first = findings.hypotheses[0]
    note = {"ruled_out": "later ruled out", "confirmed": "later confirmed", "raised": ""}[first.status]
    return Suggestion(first.text, list(first.message_ids), note, 0.6)


def _actual_cause(findings: Findings) -> Suggestion | None:
    confirmed = [h for h in findings.hypotheses if h.status == "confirmed"]
    best = _best(findings.causes)
    if best is not None:
        return Suggestion(best.text, list(best.message_ids), "", best.confidence)
    if confirmed:
        return Suggestion(confirmed[-1].text, list(confirmed[-1].message_ids), "a hypothesis confirmed in the channel", 0.6)
    return None


def _list_of_facts(facts: list[Fact], note: str) -> Suggestion | None:
    if not facts:
        return None
    lines = [f.text.strip() for f in facts if f.text.strip()]
    conf = max(f.confidence for f in facts)
    return Suggestion(lines, _ids(*(f.message_ids for f in facts)), note, conf) if lines else None


def _happened_before(findings: Findings) -> Suggestion | None:
    if not findings.prior_incidents:
        return None
    quotes = "; ".join(f.text for f in findings.prior_incidents[:3])
    ids = _ids(*(f.message_ids for f in findings.prior_incidents))
    return Suggestion("yes", ids, f"the channel mentions earlier occurrences: {quotes}", 0.5)


def _impact(findings: Findings, kinds: tuple[str, ...], note: str, prefix: bool = True, limit: int = 8) -> Suggestion | None:
    """Distinct impact hints of these kinds; the kind is prefixed when the text does not say it."""
    hints = [h for h in findings.impact_hints if h.kind in kinds]
    lines: list[str] = []
    ids: list[str] = []
    for h in hints:
        text = " ".join(h.text.split())
        stem = h.kind.rstrip("s").replace("_", " ")
        line = f"{h.kind.replace('_', ' ')}: {text}" if prefix and stem.casefold() not in text.casefold() else text
        if line.casefold() not in {x.casefold() for x in lines}:
            lines.append(line)
            ids.extend(h.message_ids)
        if len(lines) >= limit:
            break
    return Suggestion(lines, _ids(ids), note, 0.5) if lines else None


def _support(findings: Findings) -> Suggestion | None:
    if not findings.support_tickets:
        return None
    lines = [f"{t.ref}: {t.summary}" if t.summary else t.ref for t in findings.support_tickets]
    return Suggestion(lines, _ids(*(t.message_ids for t in findings.support_tickets)), "", 0.7)


def _messaging(findings: Findings, tz: str) -> Suggestion | None:
    if not findings.messaging:
        return None
    zone = ZoneInfo(tz)
    lines = [f"{m.at.astimezone(zone):%H:%M} {m.channel}: {m.summary}" for m in findings.messaging]
    return Suggestion(lines, _ids(*(m.message_ids for m in findings.messaging)), "", 0.7)


def _runbooks(findings: Findings) -> Suggestion | None:
    links = [lk for lk in findings.links if lk.kind == "runbook"]
    if not links:
        return None
    lines = [f"used: {lk.label + ' ' if lk.label else ''}{lk.url}".strip() for lk in links]
    return Suggestion(lines, _ids(*(lk.message_ids for lk in links)), "runbook links shared in the channel", 0.5)


def _action_owners(findings: Findings) -> Suggestion | None:
    from facilitator.interview.actions import suggest_actions

    proposals = suggest_actions(findings)
    strong = [p for p in proposals if p.strong] or proposals
    if not strong:
        return None
    lines = [f"{p.action} - owner? - due?" for p in strong]
    ids = _ids(*(p.message_ids for p in strong))
    return Suggestion(lines, ids, "follow-ups mentioned in the channel; owners and dates still needed", 0.3)


Builder = Callable[[Question, Findings, str], "Suggestion | None"]

_BUILDERS: dict[str, Builder] = {
    "started_at": lambda q, f, tz: _key_time(f.started_at, tz),
    "detected_at": lambda q, f, tz: _key_time(f.detected_at, tz),
    "mitigated_at": lambda q, f, tz: _key_time(f.mitigated_at, tz),
    "resolved_at": lambda q, f, tz: _key_time(f.resolved_at, tz),
    "title": lambda q, f, tz: _fact(f.title),
    "customer_effect": lambda q, f, tz: _fact(f.customer_effect),
    "severity": lambda q, f, tz: _choice(q, f.severity),
    "detection_method": lambda q, f, tz: _choice(q, f.detection_method),
    "responders": lambda q, f, tz: _responders(f),
    "hypotheses": lambda q, f, tz: _first_hypothesis(f),
    "causes": lambda q, f, tz: _actual_cause(f),
    "fixes": lambda q, f, tz: _fact(_best(f.fixes)),
    "luck": lambda q, f, tz: _list_of_facts(f.luck, "moments the channel called lucky or close"),
    "prior_incidents": lambda q, f, tz: _happened_before(f),
    "impact_hints:failed_jobs": lambda q, f, tz: _impact(f, ("failed_jobs", "jobs"), "job failures mentioned", prefix=False),
    "impact_hints:scope": lambda q, f, tz: _impact(f, SCOPE_KINDS, "scope mentioned in the channel"),
    "support_tickets": lambda q, f, tz: _support(f),
    "messaging": lambda q, f, tz: _messaging(f, tz),
    "links:runbook": lambda q, f, tz: _runbooks(f),
    "action_hints": lambda q, f, tz: _action_owners(f),
}


def suggest(
    question: Question,
    findings: Findings,
    transcript: Transcript | None = None,
    tz: str | None = None,
) -> Suggestion | None:
    """The suggested answer for ``question`` from the findings, or None when there is no evidence."""
    builder = _BUILDERS.get(question.finding)
    if builder is None:
        return None
    zone = tz or (transcript.timezone if transcript is not None else "UTC")
    result = builder(question, findings, zone)
    if result is not None and transcript is not None:
        # Cite only messages that exist: findings from an LLM or an older transcript may not.
        result.message_ids = [mid for mid in result.message_ids if mid in transcript]
    return result


def has_builder(question: Question) -> bool:
    """True when the question can ever be suggested from findings."""
    return question.finding in _BUILDERS
