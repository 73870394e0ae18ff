"""The executive summary: three sentences at the top of the internal document, for leadership.

What happened to customers, for how long, and what we are doing about it; nothing about the
mechanism (that is the technical summary's job, just below it). The interview's
``exec_summary`` answer wins; otherwise it is composed here from the same answers and times
the rest of the document uses, so it can never disagree with the impact section. While the
customer impact is unknown there is nothing honest to say, and the composed summary is empty
(the template then leaves the block out and the TODO list asks for the impact).
"""

from __future__ import annotations

from datetime import datetime

from facilitator.interview.action_wording import reads_as_verb_phrase
from facilitator.redact_detect import identifier_spans
from facilitator.render.text import format_duration, sentence

TODO = "[TODO]"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def compose(customer_impact: str, times: dict[str, datetime | None], zone: str, fmt,
            prevention: list[str], actions_total: int, fix: str) -> str:
    """Three sentences from the impact, the key times and the action items ('' while impact is unknown).

    ``prevention`` is the action items, most preventive first; the first that reads as a verb
    phrase finishes "we will …" ('Thanks all' or 'Alert severity bump' never does).
    ``fmt(at, with_date)`` formats a time in the document's zone, as the rest of the document does.
    """
    impact = " ".join(customer_impact.split())
    if not impact or impact.startswith(TODO):
        return ""
    parts = [sentence(impact)]
    start = times.get("started_at") or times.get("detected_at")
    end = times.get("mitigated_at") or times.get("resolved_at")
    if start and end and end > start:
        dated = start.date() != end.date()
        span = f"Customers were affected for about {format_duration(end - start)}, from {fmt(start, True)} to {fmt(end, dated)} {zone}"
        resolved = times.get("resolved_at")
        if resolved and resolved > end:
            span += f"; the incident was closed at {fmt(resolved, resolved.date() != start.date())}"
        parts.append(span + ".")
    plan = next((a.strip().rstrip(".") for a in prevention if reads_as_verb_phrase(a)), "")
    if plan:
        more = actions_total - 1
        tail = f" ({more} more action item{'s are' if more != 1 else ' is'} tracked below)" if more > 0 else ""
        parts.append(f"To keep it from happening again we will {_lower_first(plan)}{tail}.")
    elif fix and not fix.startswith(TODO) and not identifier_spans(fix) and _one_plain_sentence(fix):
        parts.append(sentence(f"Service was restored by: {fix}"))
    elif fix and not fix.startswith(TODO):
        # a fix written as a command, with versions and hosts, or as chat ("Here. The upgrade changed
        # the defaults… revert is faster.") is for engineers, not leadership
        follow_ups = "tracked below" if actions_total else "still to be agreed"
        parts.append(f"Service has been restored; the follow-up actions are {follow_ups}.")
    return " ".join(parts)


def _one_plain_sentence(text: str) -> bool:
    """True for a fix leadership can read as written: one short sentence, no question, nothing cut off."""
    text = " ".join(text.split()).rstrip(".")
    return len(text) <= 110 and not any(mark in text for mark in ("?", "\u2026", "...", ". "))

