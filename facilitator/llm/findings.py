"""The structured findings pass: the model refines what the offline extractor found.

The model answers through the ``record_findings`` tool; its input is validated item by item.
Grounding is enforced here, not trusted: every cited alias is mapped back to a real message
id, and an item left without a real citation is dropped (and counted). Times are never taken
from the model: an event's time is its earliest cited message's time.

Merging never loses offline work: offline items stay as they are (citations included); LLM
items are added with ``source="llm"`` when they are new; a key time the model reads
differently from the extractor is not replaced but raised as an open question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from facilitator.errors import LLMError
from facilitator.findings import (
    Event,
    Fact,
    Findings,
    Hypothesis,
    ImpactHint,
    KeyTime,
    MessagingItem,
    OpenQuestion,
    Responder,
)
from facilitator.llm.core import LLM, render
from facilitator.llm.condense import Condensed
from facilitator.llm.facts import fence, findings_text
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import FactOut, FindingsOut, validate_items
from facilitator.session import Session
from facilitator.transcript import Transcript

SAME_MOMENT_SECONDS = 60
_WORD_RE = re.compile(r"\W+")


@dataclass
class Refined:
    """The merged findings and what the pass did."""

    findings: Findings
    added: int = 0
    dropped: int = 0  # items without a citation to an existing message, or malformed


def _norm(text: str) -> str:
    return _WORD_RE.sub(" ", text.casefold()).strip()


class _Merger:
    def __init__(self, offline: Findings, transcript: Transcript, condensed: Condensed) -> None:
        self.out = offline.model_copy(deep=True)
        self.transcript = transcript
        self.condensed = condensed
        self.added = 0
        self.dropped = 0

    def ids(self, cited: list[str]) -> list[str]:
        ids = [i for i in self.condensed.resolve(cited) if i in self.transcript]
        return sorted(ids, key=lambda i: self.transcript.index[i])

    def first_at(self, ids: list[str]) -> datetime:
        return self.transcript.messages[self.transcript.index[ids[0]]].at

    def fact(self, item: FactOut | None) -> Fact | None:
        if item is None:
            return None
        ids = self.ids(item.message_ids)
        if not ids or not item.text.strip():
            self.dropped += 1
            return None
        return Fact(text=item.text.strip(), message_ids=ids, confidence=item.confidence, source="llm")

    def add_facts(self, name: str, items: list[FactOut]) -> None:
        current: list[Fact] = getattr(self.out, name)
        for item in items:
            fact = self.fact(item)
            if fact is None:
                continue
            if any(_norm(f.text) == _norm(fact.text) or set(f.message_ids) == set(fact.message_ids) for f in current):
                continue
            current.append(fact)
            self.added += 1

    def merge(self, data: FindingsOut) -> None:
        for name in ("title", "severity", "customer_effect", "detection_method"):
            fact = self.fact(getattr(data, name))
            if fact is not None and getattr(self.out, name) is None:
                setattr(self.out, name, fact)
                self.added += 1
        for kt in data.key_times:
            self.key_time(kt.name, kt.message_ids, kt.reason, kt.confidence)
        for ev in data.events:
            ids = self.ids(ev.message_ids)
            if not ids:
                self.dropped += 1
                continue
            if any(e.kind == ev.kind and set(e.message_ids) & set(ids) for e in self.out.events):
                continue
            self.out.events.append(
                Event(at=self.first_at(ids), kind=ev.kind, summary=ev.summary, message_ids=ids, who=ev.who, source="llm")
            )
            self.added += 1
        self.out.events.sort(key=lambda e: e.at)
        for r in data.responders:
            self.responder(r.name, r.role, r.message_ids)
        for h in data.hypotheses:
            ids = self.ids(h.message_ids)
            if not ids:
                self.dropped += 1
                continue
            if any(_norm(x.text) == _norm(h.text) or (set(x.message_ids) == set(ids)) for x in self.out.hypotheses):
                continue
            self.out.hypotheses.append(Hypothesis(text=h.text, status=h.status, message_ids=ids))
            self.added += 1
        for name, items in (
            ("causes", data.causes),
            ("fixes", data.fixes),
            ("luck", data.luck),
            ("action_hints", data.action_hints),
            ("prior_incidents", data.prior_incidents),
            ("runbooks", data.runbooks),
        ):
            self.add_facts(name, items)
        for imp in data.impact:
            ids = self.ids(imp.message_ids)
            if not ids:
                self.dropped += 1
                continue
            if any(_norm(x.text) == _norm(imp.text) for x in self.out.impact_hints):
                continue
            self.out.impact_hints.append(ImpactHint(kind=imp.kind, text=imp.text, value=imp.value, message_ids=ids))
            self.added += 1
        for msg in data.messaging:
            ids = self.ids(msg.message_ids)
            if not ids:
                self.dropped += 1
                continue
            if any(set(x.message_ids) & set(ids) for x in self.out.messaging):
                continue
            self.out.messaging.append(
                MessagingItem(at=self.first_at(ids), channel=msg.channel, summary=msg.summary, message_ids=ids)
            )
            self.added += 1
        self.out.messaging.sort(key=lambda m: m.at)

    def key_time(self, name: str, cited: list[str], reason: str, confidence: float) -> None:
        ids = self.ids(cited)
        if not ids:
            self.dropped += 1
            return
        at = self.first_at(ids)
        current: KeyTime | None = getattr(self.out, name)
        if current is None:
            setattr(self.out, name, KeyTime(at=at, confidence=confidence, message_ids=ids, reason=reason, source="llm"))
            self.added += 1
        elif abs((current.at - at).total_seconds()) <= SAME_MOMENT_SECONDS:
            current.message_ids += [i for i in ids if i not in current.message_ids]
            current.confidence = max(current.confidence, confidence)
        else:
            label = name.removesuffix("_at").replace("_", " ")
            question = (
                f"When was the incident {label}? The extractor found {current.at:%Y-%m-%d %H:%M},"
                f" the LLM suggests {at:%Y-%m-%d %H:%M} ({reason or 'see ' + ', '.join(ids)})."
            )
            if not any(q.field == name and q.question == question for q in self.out.open_questions):
                self.out.open_questions.append(OpenQuestion(field=name, question=question))

    def responder(self, name: str, role: str, cited: list[str]) -> None:
        ids = self.ids(cited)
        if not ids:
            self.dropped += 1
            return
        for r in self.out.responders:
            if r.name.casefold() == name.casefold():
                if not r.role and role:
                    r.role = role
                    self.added += 1
                r.message_ids += [i for i in ids if i not in r.message_ids]
                return
        count = dict(self.transcript.participants()).get(name, 0)
        if count == 0:
            self.dropped += 1  # not someone who wrote in the channel
            return
        self.out.responders.append(Responder(name=name, messages=count, role=role, message_ids=ids))
        self.added += 1


async def refine_findings(llm: LLM, session: Session, transcript: Transcript, offline: Findings) -> Refined:
    """Refine ``offline`` findings with the model; LLMError when the call fails."""
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    task = render("task_findings.md", offline=fence(ctx.condensed, findings_text(offline, ctx.condensed)))
    raw = await llm.tool("record_findings", task, transcript, session.llm_usage, with_images=True, max_tokens=8000)
    try:
        data, dropped = validate_items(FindingsOut, raw)
    except ValueError:
        raise LLMError("The model's findings could not be read (malformed answer); the offline findings are kept.") from None
    if dropped and not any(getattr(data, name) for name in FindingsOut.model_fields):
        raise LLMError("The model's findings could not be read (wrongly shaped answer); the offline findings are kept.")
    merger = _Merger(offline, transcript, ctx.condensed)
    merger.merge(data)
    return Refined(merger.out, added=merger.added, dropped=merger.dropped + dropped)


async def refine_or_offline(llm: LLM | None, session: Session, transcript: Transcript, offline: Findings) -> Outcome[Refined]:
    """``refine_findings`` or, without an LLM or on failure, the offline findings unchanged."""
    call = None if llm is None else (lambda: refine_findings(llm, session, transcript, offline))
    return await or_offline(call, lambda: Refined(offline))
