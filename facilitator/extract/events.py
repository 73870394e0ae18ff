"""Timeline events: the major moments, one line each, citing the message.

Each message gets at most one event, of the most telling kind it carries (an alert beats a
hypothesis; a resolution beats a rollback). The key times then stamp their own messages
(fault introduced, detected, mitigated, resolved), so the timeline and the key times always
agree. Ordinary chatter produces no event: the timeline is for the moments a post-mortem
reader needs, the transcript pane has the rest.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from facilitator.extract.conversation import DOUBT_RE
from facilitator.extract.patterns import CLOCK_RE
from facilitator.extract.signals import MessageSignals, is_placeholder_author
from facilitator.extract.written import plain_sentence, summary_of
from facilitator.findings import Event, EventKind, KeyTime, MessagingItem

_STEP_FLAGS = frozenset({"step", "workaround"})
_KEY_KINDS: dict[str, EventKind] = {
    "started_at": "fault_introduced",
    "detected_at": "detected",
    "mitigated_at": "mitigated",
    "resolved_at": "resolved",
}


# Every flag _kind looks at: a message with none of them (and no recovery) makes no event.
_EVENT_FLAGS = frozenset(
    {"alert", "declare_resolved", "incident_created", "rollback", "fix_deployed", "escalation", "root_cause", "ruled_out",
     "hypothesis", "step", "workaround"}
)
# Steps people took are told often ("restarting", "restarted", "restarting again"): one row per
# person per few minutes, and a bounded number in all, keeps the timeline readable on a long channel.
_STEP_GAP = timedelta(minutes=10)
MAX_STEPS = 30


def _kind(sig: MessageSignals) -> EventKind | None:
    flags = sig.flags
    text = sig.prep.lower
    question = sig.asks
    if "alert" in flags and not sig.is_human and sig.state != "recover":
        return "alert"  # a bot's "[RESOLVED]" is a recovery, below
    if "declare_resolved" in flags:
        return "closed" if "clos" in text else "resolved"
    if "incident_created" in flags:
        return "incident_created"
    if "rollback" in flags and not question and not DOUBT_RE.search(text):
        return "rollback"  # "not sure X had the desired effect... rolling back" is still the problem
    if "fix_deployed" in flags:
        return "fix_deployed"
    if sig.state == "recover":
        return "recovery"  # only the key time is "mitigated": one row says when the impact stopped
    if "escalation" in flags and not question:
        return "escalation"
    if "root_cause" in flags and not question:
        return "root_cause"
    if flags & _STEP_FLAGS and sig.is_human and not question:
        return "action"  # "wiping the data directory on db2", "taking the site down"
    if "ruled_out" in flags and ("hypothesis" in flags or "ruled out" in text or "red herring" in text):
        return "hypothesis_ruled_out"
    if "hypothesis" in flags:
        return "hypothesis"
    if "alert" in flags:
        return "alert"
    return None


def find_events(
    sigs: list[MessageSignals],
    key_times: dict[str, KeyTime | None],
    messaging: list[MessagingItem],
    aliases: dict[str, str] | None = None,
    decisive: dict[str, EventKind] | None = None,
    quotes: dict[str, str] | None = None,
) -> list[Event]:
    """Events in time order, one per notable message, plus one per key time.

    ``aliases`` names each person as the responder list does ("yusufp" -> "Yusuf Patel").
    ``decisive`` maps the messages the findings rest on (a hypothesis raised or ruled out, the
    cause found, the step that fixed it) to their kind: each is a row even when its words carry
    none of the flags, so the timeline shows the moments the document tells of. ``quotes``
    gives, for the cause's and the fix's messages, the sentence the document quotes: their rows
    read it ("the problem is how many conns each service opens"), not the message's first
    sentence ("went through every service's config.").
    """
    names = aliases or {}
    by_id = {sig.message.id: sig for sig in sigs}
    events: list[tuple[int, Event]] = []
    keyed: set[str] = set()
    stamped: dict[tuple[str, object], int] = {}  # (message, time) -> position in events
    for name, kind in _KEY_KINDS.items():
        key = key_times.get(name)
        if key is None or not key.message_ids or key.message_ids[0] not in by_id:
            continue
        sig = by_id[key.message_ids[0]]
        keyed.add(sig.message.id)
        event = _event(sig, kind, key.at, names)  # a stated time ("since 14:05") wins
        if abs(key.at - sig.message.at) >= _STATED and (said := _sentence_stating(sig, key.at)) is not None:
            # "as of 3 pm it has recovered ... events missing from ~6:00 am": the row at 06:00
            # reads the sentence that dates it, not the message's first one ("Opening this
            # channel for the alert. Datadog fired at 14:07": the 14:07 row reads the second)
            event = event.model_copy(update={"summary": plain_sentence(said, limit=140)})
        slot = stamped.get((sig.message.id, key.at))
        if slot is not None:
            events[slot] = (sig.index, event)  # one row per moment: the later phase names it ("resolved")
            continue
        stamped[(sig.message.id, key.at)] = len(events)
        events.append((sig.index, event))
    comms = {
        mid: ("status_page" if item.channel == "status page" else "customer_comms")
        for item in messaging
        for mid in item.message_ids
    }
    last_step: dict[str, datetime] = {}
    steps = 0
    opened, closed = _response_window(sigs, key_times)
    for sig in sigs:
        if sig.message.id in keyed:
            continue
        kind = comms.get(sig.message.id)
        if kind is None and (sig.flags & _EVENT_FLAGS or sig.state == "recover"):  # else chatter: no event
            kind = _kind(sig)
        if kind is None and decisive:
            kind = decisive.get(sig.message.id)
        if kind == "action":
            last = last_step.get(sig.message.author)
            if steps >= MAX_STEPS or (last is not None and sig.message.at - last < _STEP_GAP):
                continue
            if not (opened <= sig.message.at <= closed) or _LATER_RE.search(sig.prep.lower):
                continue  # a step before the response or after the end, or one planned for later, is a follow-up
            last_step[sig.message.author] = sig.message.at
            steps += 1
        if kind is not None:
            event = _event(sig, kind, sig.message.at, names)
            if quotes and kind in ("root_cause", "action") and (said := quotes.get(sig.message.id)):
                event = event.model_copy(update={"summary": plain_sentence(said, limit=140)})
            events.append((sig.index, event))
    events.sort(key=lambda pair: (pair[1].at, pair[0]))
    return _one_row_per_moment([event for _, event in events], by_id, keyed)


# Rows that tell the same moment: a person's "declaring resolved", the incident tool's "INC-1873
# marked as Resolved by Maya Chen" and its export's "Status changed to Resolved by Maya Chen".
_FAMILY = {"resolved": "closed", "closed": "closed", "incident_created": "opened"}
_SAME_MOMENT = timedelta(minutes=2)


def _one_row_per_moment(events: list[Event], by_id: dict[str, MessageSignals], keyed: set[str]) -> list[Event]:
    """The events without a tool's echo of a moment another row already tells: a bot's or an
    export's row is dropped when a person's row, a key time's row or an earlier tool row of the
    same kind (opened, closed) is within two minutes of it."""

    def told_by_person_or_key(event: Event) -> bool:
        mid = event.message_ids[0] if event.message_ids else ""
        sig = by_id.get(mid)
        return mid in keyed or (sig is not None and sig.is_human and bool(sig.message.author))

    tellings = [(n, event) for n, event in enumerate(events) if event.kind in _FAMILY]
    echoes: set[int] = set()
    for n, event in tellings:
        if told_by_person_or_key(event):
            continue
        family = _FAMILY[event.kind]
        if any(
            m != n and _FAMILY[other.kind] == family and abs(other.at - event.at) <= _SAME_MOMENT
            and (m < n or told_by_person_or_key(other))
            for m, other in tellings
        ):
            echoes.add(n)
    return [event for n, event in enumerate(events) if n not in echoes]


_STATED = timedelta(minutes=1)  # a key time this far from its message was stated, not lived
def _sentence_stating(sig: MessageSignals, at: datetime) -> str | None:
    """The message's sentence that names the clock of ``at`` ("from ~6:00 am UTC"), if any."""
    local = at.astimezone(sig.message.at.tzinfo)
    for sentence in sig.prep.sentences:
        for m in CLOCK_RE.finditer(sentence):
            if int(m.group("h")) % 12 == local.hour % 12 and int(m.group("m") or 0) == local.minute:
                return sentence
    return None


_LATER_RE = re.compile(r"\bfollow[- ]?ups?\b|\baction items?\b|\bpost-?mortem\b|\bonce (?:we|it|things)\b|\b(?:later|tomorrow)\b")


def _response_window(sigs: list[MessageSignals], key_times: dict[str, KeyTime | None]) -> tuple[datetime, datetime]:
    """From detection (or the first message) to resolution (or the last message)."""
    detected, resolved = key_times.get("detected_at"), key_times.get("resolved_at")
    first = sigs[0].message.at if sigs else datetime.min.replace(tzinfo=None)
    last = sigs[-1].message.at if sigs else first
    return (detected.at if detected else first), (resolved.at if resolved else last)


def _event(sig: MessageSignals, kind: EventKind, at, names: dict[str, str]) -> Event:
    message = sig.message
    # Bots keep their name too ("PagerDuty", "Datadog"): the timeline's who/what column.
    who = "" if is_placeholder_author(message.author) else names.get(message.author, message.author)
    # A row is a short written sentence (no "hey all,", no "I'm seeing"); the citation keeps the words.
    summary = plain_sentence(message.text, limit=140) if sig.is_human else summary_of(message.text)
    return Event(at=at, kind=kind, summary=summary, message_ids=[message.id], who=who)
