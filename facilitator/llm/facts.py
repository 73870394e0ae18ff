"""Compact renderings of what the session already knows, for the task part of prompts.

These go after the cached prefix (they change every turn). Message ids are rendered as the
transcript aliases so the model cites consistently. User-entered text is defused like
channel text: the commander is trusted, but answers are often pasted from the channel.
"""

from __future__ import annotations

import re

from facilitator.findings import Findings
from facilitator.llm.condense import Condensed, defuse
from facilitator.session import Session

_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")
_CITES = re.compile(r" \[[^\]]*\]$")


def cite(condensed: Condensed, ids: list[str]) -> str:
    """`` [m3, m7]`` for real ids, or '' when none is in the transcript."""
    aliases = [a for a in (condensed.alias_of(i) for i in ids) if a]
    return f" [{', '.join(aliases)}]" if aliases else ""


MAX_SIMILAR = 3  # near-identical findings (same words, other numbers) shown before "N more like it"
MAX_PER_KIND = 40  # findings of one kind sent at most; the rest are counted


def fence(condensed: Condensed, text: str, label: str = "findings the offline extractor took from the channel") -> str:
    """Channel-derived text inside its own untrusted fence (the same nonce as the transcript)."""
    n = condensed.nonce
    return f"<channel-data-{n}>\n[untrusted data: {label}]\n{text}\n</channel-data-{n}>"


def _shape(line: str) -> str:
    """A line with its numbers and citations blanked: near-duplicates share a shape."""
    return _DIGITS.sub("#", _CITES.sub("", line)).casefold()


def condense_lines(lines: list[str]) -> list[str]:
    """Findings lines deduplicated: at most ``MAX_SIMILAR`` of one shape, ``MAX_PER_KIND`` of one kind.

    A 20,000-message channel yields thousands of near-identical impact lines ("error rate 31%",
    "error rate 32%"...); the model needs a few of them and how many there were, not all.
    """
    shapes: dict[str, int] = {}
    kinds: dict[str, int] = {}
    out: list[str] = []
    for line in lines:
        shape = _shape(line)
        kind = line.split(":", 1)[0]
        shapes[shape] = shapes.get(shape, 0) + 1
        kinds[kind] = kinds.get(kind, 0) + 1
        if shapes[shape] <= MAX_SIMILAR and kinds[kind] <= MAX_PER_KIND:
            out.append(line)
    for kind, count in kinds.items():
        shown = sum(1 for line in out if line.split(":", 1)[0] == kind)
        if count > shown:
            out.append(f"{kind}: (+{count - shown} more similar items not shown)")
    return out


def findings_text(findings: Findings, condensed: Condensed) -> str:
    """The offline findings, one line per item, near-duplicates condensed (see ``condense_lines``)."""
    n = condensed.nonce
    lines: list[str] = []
    for name in Findings.KEY_TIMES:
        kt = findings.key_time(name)
        if kt is not None:
            lines.append(f"- {name}: {kt.at.isoformat()}{cite(condensed, kt.message_ids)}")
    for name in ("title", "severity", "customer_effect", "detection_method"):
        fact = getattr(findings, name)
        if fact is not None:
            lines.append(f"- {name}: {defuse(fact.text, n)}{cite(condensed, fact.message_ids)}")
    for r in findings.responders:
        lines.append(f"- responder: {defuse(r.name, n)}{' (' + defuse(r.role, n) + ')' if r.role else ''}")
    for e in findings.events:
        lines.append(f"- event {e.kind}: {defuse(e.summary, n)}{cite(condensed, e.message_ids)}")
    for h in findings.hypotheses:
        lines.append(f"- hypothesis ({h.status}): {defuse(h.text, n)}{cite(condensed, h.message_ids)}")
    for name in ("causes", "fixes", "luck", "action_hints", "prior_incidents"):
        for fact in getattr(findings, name):
            lines.append(f"- {name}: {defuse(fact.text, n)}{cite(condensed, fact.message_ids)}")
    for i in findings.impact_hints:
        lines.append(f"- impact {i.kind}: {defuse(i.text, n)}{cite(condensed, i.message_ids)}")
    return "\n".join(condense_lines(lines)) or "(none)"


def answers_text(session: Session, condensed: Condensed) -> str:
    """The commander's confirmed answers, then suggestions not yet confirmed, each labelled."""
    n = condensed.nonce
    confirmed, unconfirmed = [], []
    for qid, answer in session.answers.items():
        if answer.status in ("answered", "suggested") and answer.value:
            value = "; ".join(answer.value) if isinstance(answer.value, list) else answer.value
            line = f"- {qid}: {defuse(value, n)}{cite(condensed, answer.message_ids)}"
            (confirmed if answer.status == "answered" else unconfirmed).append(line)
    parts = []
    if confirmed:
        parts.append("Confirmed by the commander:\n" + "\n".join(confirmed))
    if unconfirmed:  # suggestions come from the channel (extractor or model): untrusted data, fenced
        label = "suggested answers taken from the channel, NOT yet confirmed by the commander (treat as hypotheses)"
        parts.append("Suggested, not yet confirmed:\n" + fence(condensed, "\n".join(unconfirmed), label))
    return "\n".join(parts)


def whys_text(session: Session, condensed: Condensed) -> str:
    """The 5-whys chain, in order, with branches and levels marked; every answer in it is the
    commander's (proposals enter the chain only when accepted), so answers are labelled confirmed."""
    n = condensed.nonce
    lines = []
    for i, turn in enumerate(session.whys, 1):
        branch = f" (contributing factor, under {turn.parent_id})" if turn.kind == "contributing" else ""
        level = f" [level: {turn.level}]" if turn.level else ""
        lines.append(f"{i}. [{turn.id}]{branch} Why? {defuse(turn.question, n)}")
        answer = f"confirmed: {defuse(turn.answer, n)}" if turn.answer else "(not answered yet)"
        lines.append(f"   Because ({answer}){level}{cite(condensed, turn.message_ids)}")
    return "\n".join(lines)


def session_text(session: Session, condensed: Condensed) -> str:
    """Everything the commander has established, for drafting."""
    n = condensed.nonce
    parts = []
    if session.title:
        parts.append(f"Title: {defuse(session.title, n)}")
    answers = answers_text(session, condensed)
    if answers:
        parts.append("Answers:\n" + answers)
    if session.timeline:
        rows = [f"- {t.at.isoformat()} {defuse(t.summary, n)}" for t in session.timeline]
        parts.append("Timeline:\n" + "\n".join(rows))
    whys = whys_text(session, condensed)
    if whys:
        parts.append("5 whys:\n" + whys)
    if session.actions:
        rows = [f"- {defuse(a.action, n)} ({a.category}, {a.priority}, owner {defuse(a.owner, n) or 'TBD'})" for a in session.actions]
        parts.append("Action items:\n" + "\n".join(rows))
    return "\n\n".join(parts) or "(nothing yet: rely on the channel)"
