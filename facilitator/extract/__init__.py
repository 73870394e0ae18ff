"""Offline, deterministic evidence extraction: the incident's facts, each with its messages.

``extract_findings`` reads the whole channel once (``neighbours.scan``) and hands the prepared
messages to one finder per concern: key times (``times``), timeline events (``events``),
responders (``responders``), links and support tickets (``links``), impact numbers
(``impact``), status-page and customer messaging (``messaging``) and the interview hints
(``hints``). No network, no LLM, no clock except ``now`` (used only to tell an incident
that may still be running). Every fact cites ``Message.id`` values so the user can jump to
the evidence; the LLM layer may refine the findings but keeps these citations.

What could not be established becomes an ``OpenQuestion`` so the interview asks for it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from facilitator.config import zone_or_utc
from facilitator.extract.candidates import MAX_CANDIDATES, POOL, SPREAD, find_candidates
from facilitator.extract.events import find_events
from facilitator.extract.fixes import fix_from_mitigation
from facilitator.extract.headline import find_customer_effect, find_title
from facilitator.extract.hints import find_detection_method, find_facts, find_hypotheses, find_runbooks, find_severity
from facilitator.extract.impact import find_impact
from facilitator.extract.window import find_impact_window
from facilitator.extract.links import find_links
from facilitator.extract.messaging import find_messaging
from facilitator.extract.phases import find_phases
from facilitator.extract.rerank import reorder
from facilitator.extract.responders import find_people
from facilitator.extract.neighbours import scan
from facilitator.extract.signals import MessageSignals, has_speakers
from facilitator.extract.times import NO_EARLIER_SIGN, find_key_times, find_started, with_stated
from facilitator.findings import ESTIMATE_CONFIDENCE, Findings, KeyTime, OpenQuestion
from facilitator.redact_detect import masked_texts
from facilitator.transcript import Transcript, UnattributedLine

__all__ = ["extract_findings"]

_QUESTIONS = {
    "started_at": "When was the fault introduced (the change, deploy or event that started it)? "
    "The channel does not say.",
    "detected_at": "When and how was the problem first noticed?",
    "mitigated_at": "When did the impact stop (rollback done, failover, workaround live)? "
    "No message says the service recovered.",
    "resolved_at": "When was the incident resolved (fix verified, declared closed)?",
    "responders": "Who took part in the response, and in which roles?",
    "impact": "What was the impact: how many customers, requests, jobs or regions, for how long?",
    "messaging": "Was the status page or were customers updated? When, and what did it say?",
}



_gc_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] = ()


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic GC less often while extracting.

    Extraction allocates a few small, acyclic objects per message; with the default
    thresholds the collector re-walks the whole transcript dozens of times on a 20,000
    message channel (a quarter of the run time). Raising the first threshold for the
    duration, then restoring it, keeps memory use the same and the work linear.
    """
    global _active, _saved
    with _gc_lock:  # extractions may overlap in worker threads: the first in saves, the last out restores
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], 100_000), _saved[1], _saved[2])
        _active += 1
    try:
        yield
    finally:
        with _gc_lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)


def extract_findings(transcript: Transcript, *, now: datetime | None = None) -> Findings:
    """Read the channel and propose every fact the post-mortem needs, with citations.

    Every text field of the result has credentials masked (``scrub_findings``): a key pasted
    into the channel must not travel on into summaries, session files or documents.
    """
    with _few_collections():
        return _masked(_extract(transcript, now))


def _masked(findings: Findings) -> Findings:
    """The findings with every credential masked (``mask_secrets`` on every piece of text).

    The same result as ``facilitator.redact.scrub_findings``, but in place: the distinct
    strings are masked once each (``masked_texts``) and only those that changed are written
    back, with no dump and re-validation of the whole model. Message ids are the loader's
    references (line numbers, Slack timestamps), not prose, and are left alone.
    """
    slots = list(_text_slots(findings))
    changes = masked_texts(text for _, _, text in slots)
    for holder, key, text in slots:
        if text in changes:
            if isinstance(key, str):
                setattr(holder, key, changes[text])
            else:
                holder[key] = changes[text]  # type: ignore[index]
    return findings


def _text_slots(model: BaseModel) -> Iterator[tuple[object, str | int, str]]:
    """(model or list, field name or index, text) for every string in a model, nested ones too."""
    for name, value in model.__dict__.items():  # a pydantic model's field values
        if name == "message_ids":
            continue
        if isinstance(value, str):
            yield model, name, value
        elif isinstance(value, BaseModel):
            yield from _text_slots(value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield value, i, item
                elif isinstance(item, BaseModel):
                    yield from _text_slots(item)


def _extract(transcript: Transcript, now: datetime | None) -> Findings:
    sigs = scan(transcript)
    chat = has_speakers(transcript)
    tz = zone_or_utc(transcript.timezone)
    key_times, candidates = _key_times(sigs, chat, tz)
    ended = key_times["resolved_at"]
    if ended is not None and ended.confidence < ESTIMATE_CONFIDENCE and _still_talking(transcript, now):
        key_times["resolved_at"] = None  # the channel is still talking: no estimated end while it may go on
    # A channel's topic or purpose ("oncall: dmitri | runbooks https://wiki/...") holds evidence
    # too, though it is no message of the conversation.
    topics = [
        UnattributedLine(m.origin or m.id, m.text)
        for m in transcript.messages
        if m.is_system and "://" in (m.text or "")
        and (m.subtype in ("channel_topic", "channel_purpose") or "topic" in m.text.lower())
    ]
    links, tickets = find_links(sigs, [*transcript.unattributed, *topics])
    messaging = find_messaging(sigs)
    facts = find_facts(sigs)
    fix = fix_from_mitigation(sigs, key_times["mitigated_at"])
    if fix is not None:  # the step that stopped the impact comes first
        facts["fixes"] = [fix] + [f for f in facts["fixes"] if f.message_ids != fix.message_ids]
    responders, aliases = find_people(sigs, chat, transcript.aliases)
    effect = find_customer_effect(sigs, key_times["detected_at"])
    hypotheses = find_hypotheses(sigs)
    decisive, quotes = _decisive(hypotheses, facts)
    findings = Findings(
        **key_times,
        responders=responders,
        links=links,
        support_tickets=tickets,
        messaging=messaging,
        impact_hints=find_impact(sigs),
        impact_window=find_impact_window(sigs, tz),
        hypotheses=hypotheses,
        events=find_events(sigs, key_times, messaging, aliases, decisive, quotes),
        severity=find_severity(sigs),
        detection_method=find_detection_method(key_times["detected_at"], transcript),
        title=find_title(transcript, sigs, messaging, effect),
        customer_effect=effect,
        runbooks=find_runbooks(sigs, links),
        candidates=candidates,
        phases=find_phases(sigs, key_times),
        **facts,
    )
    findings.open_questions = _open_questions(findings, transcript, now)
    return findings


def _decisive(hypotheses: list, facts: dict[str, list]) -> tuple[dict[str, str], dict[str, str]]:
    """The messages the document's story rests on, by the timeline row kind each makes: every
    hypothesis raised and its verdict, the first cause told, the step that fixed it; and for the
    cause's and the fix's messages, the sentence the document quotes."""
    kinds: dict[str, str] = {}
    quotes: dict[str, str] = {}
    for h in hypotheses:
        if h.message_ids:
            kinds.setdefault(h.message_ids[0], "hypothesis_ruled_out" if h.status == "ruled_out" and len(h.message_ids) == 1 else "hypothesis")
            if len(h.message_ids) > 1:
                kinds.setdefault(h.message_ids[-1], {"ruled_out": "hypothesis_ruled_out", "confirmed": "root_cause"}.get(h.status, "hypothesis"))
    for kind, found in (("root_cause", facts["causes"][:1]), ("action", facts["fixes"][:1])):
        for fact in found:
            for mid in fact.message_ids[:1]:
                kinds.setdefault(mid, kind)
                quotes.setdefault(mid, fact.text)
    return kinds, quotes


MIN_MESSAGES = 10
_LIVE = timedelta(hours=2)  # a channel that spoke this recently may be an incident still going on


def _still_talking(transcript: Transcript, now: datetime | None) -> bool:
    if now is None:
        return False
    last = transcript.last_at
    return last is not None and now - last < _LIVE


def _key_times(
    sigs: list[MessageSignals], chat: bool, tz: ZoneInfo
) -> tuple[dict[str, KeyTime | None], dict[str, list[KeyTime]]]:
    """The key times and each one's candidates (the chosen one first).

    The rules propose them; in a conversation, the reranker then picks among a wider pool by
    where each message sits in it. Notes with no speakers keep the rules' choice: the
    reranker learned from conversations only. So does a snippet of fewer than ``MIN_MESSAGES``
    timed messages: there is too little talk around each message to read its shape (measured,
    the rules lose two or three key times of 2,361 there, and the choice stays the one the
    rules explain).
    """
    key_times = find_key_times(sigs, chat, tz)
    if not chat or sum(1 for s in sigs if s.timed) < MIN_MESSAGES:
        return key_times, find_candidates(sigs, key_times, tz)
    times, shown = reorder(sigs, key_times, find_candidates(sigs, key_times, tz, limit=POOL))
    _restart_after(times, shown, key_times.get("detected_at"), sigs, chat, tz)
    _as_stated(times, shown, key_times, sigs, tz)
    return times, shown


def _as_stated(
    times: dict[str, KeyTime | None], shown: dict[str, list[KeyTime]], rules: dict[str, KeyTime | None],
    sigs: list[MessageSignals], tz: ZoneInfo,
) -> None:
    """A recovery the reranker chose from its wider pool at the time its message states ("uptimerobot
    says it came back at 4:37, half an hour ago"), as the rules date their own choices."""
    chosen, detected = times.get("mitigated_at"), times.get("detected_at")
    if chosen is None or chosen is rules.get("mitigated_at") or "as stated" in chosen.reason:
        return
    moved = with_stated(chosen, {s.message.id: s for s in sigs}, "recover", tz)
    if moved is not chosen and moved.at <= chosen.at and (detected is None or moved.at >= detected.at):
        times["mitigated_at"] = moved
        shown["mitigated_at"] = [moved, *(c for c in shown.get("mitigated_at", []) if c is not chosen)]


def _restart_after(
    times: dict[str, KeyTime | None], shown: dict[str, list[KeyTime]], rules: KeyTime | None,
    sigs: list[MessageSignals], chat: bool, tz: ZoneInfo,
) -> None:
    """A start estimated from the rules' detection is read again when the reranker moved the
    detection later: a start stated before the new detection ("fine until around 2:15") may
    now count, and the estimate no longer sits at a message that is not the detection."""
    started, detected = times.get("started_at"), times.get("detected_at")
    if started is None or detected is None or rules is None or detected.at <= rules.at:
        return
    if not started.reason.startswith(NO_EARLIER_SIGN):
        return
    again = find_started([s for s in sigs if s.timed], detected, chat, tz)
    if again is None or again.reason.startswith(NO_EARLIER_SIGN):
        return
    times["started_at"] = again
    shown["started_at"] = [again, *(c for c in shown.get("started_at", []) if abs(c.at - again.at) >= SPREAD)][:MAX_CANDIDATES]


def _open_questions(findings: Findings, transcript: Transcript, now: datetime | None) -> list[OpenQuestion]:
    questions = [
        OpenQuestion(field=name, question=_QUESTIONS[name])
        for name in Findings.KEY_TIMES
        if findings.key_time(name) is None
    ]
    mitigated, resolved = findings.mitigated_at, findings.resolved_at
    if mitigated is not None and mitigated.confidence < ESTIMATE_CONFIDENCE:
        questions.append(
            OpenQuestion(
                field="mitigated_at",
                question="No message says when the impact stopped; the time proposed is an estimate. When did it stop?",
            )
        )
    if resolved is not None and resolved.confidence < 0.5:
        questions.append(
            OpenQuestion(
                field="resolved_at",
                question="The channel leaves the end unclear; was the incident resolved at the time proposed, or later?",
            )
        )
    if resolved is None and _still_talking(transcript, now):
        questions.append(OpenQuestion(field="resolved_at", question="Is the incident still going on?"))
    if not findings.responders:
        questions.append(OpenQuestion(field="responders", question=_QUESTIONS["responders"]))
    if not findings.impact_hints:
        questions.append(OpenQuestion(field="impact", question=_QUESTIONS["impact"]))
    if not findings.messaging:
        questions.append(OpenQuestion(field="messaging", question=_QUESTIONS["messaging"]))
    return questions
