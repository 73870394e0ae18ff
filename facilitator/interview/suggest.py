"""Suggested answers: what the findings already say about each question, with citations.

A suggestion is only a proposal: the engine records it as ``status="suggested"`` when the
user (or ``draft``) accepts it, and the document shows it as unconfirmed. Each builder reads
one field of ``Findings`` (the question's ``finding`` key, optionally ``field:filter``) and
returns ``None`` when there is no evidence: a question without evidence is asked explicitly
rather than answered with a guess. Values have the shape ``Interview.answer`` stores
(ISO datetimes, lists of lines), so accepting a suggestion never needs re-parsing.

Text values are cleaned by ``facilitator.interview.wording`` (code words kept, lead-ins like
"Found it." and chatter dropped), and the customer effect is composed: the channel's own impact
statement when there is one, else the peak error rate, how long (detected to mitigated), how
widely and how much work failed, each figure citing its message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from facilitator.findings import Fact, Findings, ImpactHint, KeyTime
from facilitator.interview.catalogue import Question
from facilitator.interview.parse import stored_datetime
from facilitator.interview.wording import as_sentence, as_statement, clean_fact, is_channel_meta
from facilitator.transcript import Transcript


def clause_of(hint: ImpactHint) -> str:
    """``facilitator.extract.impact.clause_of``, imported on first use: resuming a session
    suggests answers without loading (and compiling) the whole extractor."""
    from facilitator.extract.impact import clause_of as impl

    return impl(hint)


def status_effect(items: list) -> tuple[str, list[str]] | None:
    """``facilitator.extract.messaging.status_effect``, imported on first use (see ``clause_of``)."""
    from facilitator.extract.messaging import status_effect as impl

    return impl(items)


def status_cause(items: list) -> tuple[str, list[str]] | None:
    """``facilitator.extract.messaging.status_cause``, imported on first use (see ``clause_of``)."""
    from facilitator.extract.messaging import status_cause as impl

    return impl(items)


def count_phrase(hint: ImpactHint) -> str:
    """``facilitator.extract.impact.count_phrase``, imported on first use (see ``clause_of``)."""
    from facilitator.extract.impact import count_phrase as impl

    return impl(hint)


def format_duration(delta) -> str:
    """``facilitator.render.text.format_duration``, imported on first use (the renderer loads jinja2)."""
    from facilitator.render.text import format_duration as impl

    return impl(delta)

SCOPE_KINDS = ("customers", "projects", "regions", "environments", "environment", "region", "project", "customer")


@dataclass
class Suggestion:
    """A pre-filled answer: the value, the messages it rests on, and why."""

    value: str | list[str]
    message_ids: list[str] = field(default_factory=list)
    note: str = ""  # one line shown with the suggestion ("from the first alert at 14:02")
    confidence: float = 0.5
    source: str = "offline"  # "offline" (built from the findings) or "llm" (Interview.add_suggestions)
    # Other plausible answers, best first (key times: the extractor's other candidates, each
    # with its citation and reason), so the user can pick one instead of typing it.
    others: list[Suggestion] = field(default_factory=list)


def _ids(*groups: list[str]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        for mid in group:
            if mid not in seen:
                seen.append(mid)
    return seen


def _key_time(kt: KeyTime | None, tz: str, candidates: list[KeyTime] | None = None) -> Suggestion | None:
    if kt is None:
        return None
    shown = Suggestion(stored_datetime(kt.at, tz), list(kt.message_ids), kt.reason, kt.confidence)
    shown.others = [
        Suggestion(stored_datetime(c.at, tz), list(c.message_ids), c.reason, c.confidence)
        for c in candidates or []
        if c.at != kt.at
    ][:2]
    return shown


def _impact_start(f: Findings, tz: str) -> Suggestion | None:
    """When customers began to be affected, from the impact window the channel states, when it
    starts after the fault was introduced (else the fault's own time is the answer: no suggestion)."""
    w = f.impact_window
    if w is None or not w.moves_start(f.started_at.at if f.started_at else None, None):
        return None
    return Suggestion(stored_datetime(w.start, tz), list(w.message_ids), "the channel states when customers were affected", 0.7)


def _fact(fact: Fact | None, clean: bool = False) -> Suggestion | None:
    if fact is None or not fact.text.strip():
        return None
    text = as_sentence(clean_fact(fact.text)) if clean else fact.text.strip()
    return Suggestion(text, list(fact.message_ids), "", fact.confidence)


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


def _customer_words(findings: Findings) -> set[str]:
    """Message ids of what was said to customers (status page, macros, ticket replies): never a cause."""
    ids = {mid for m in findings.messaging for mid in m.message_ids}
    ids.update(mid for t in findings.support_tickets for mid in t.message_ids)
    return ids


def _not_customer(facts: list, findings: Findings) -> list:
    said = _customer_words(findings)
    return [f for f in facts if not (f.message_ids and set(f.message_ids) <= said) and not f.text.lstrip().startswith((">", "&gt;"))]


def _first_hypothesis(findings: Findings) -> Suggestion | None:
    hypotheses = _not_customer(findings.hypotheses, findings)
    if not hypotheses:
        return None
    first = hypotheses[0]
    note = {"ruled_out": "later ruled out", "confirmed": "later confirmed", "raised": ""}[first.status]
    return Suggestion(clean_fact(first.text), list(first.message_ids), note, 0.6)


def _actual_cause(findings: Findings) -> Suggestion | None:
    confirmed = [h for h in _not_customer(findings.hypotheses, findings) if h.status == "confirmed"]
    best = _best(_not_customer(findings.causes, findings))
    if best is not None:
        return Suggestion(as_sentence(clean_fact(best.text)), list(best.message_ids), "", best.confidence)
    if confirmed:
        text = as_sentence(clean_fact(confirmed[-1].text))
        return Suggestion(text, list(confirmed[-1].message_ids), "a hypothesis confirmed in the channel", 0.6)
    posted = status_cause(findings.messaging)
    if posted is not None:  # the team's own words say nothing of it; the page said this much
        return Suggestion(as_sentence(posted[0]), _ids(posted[1]), "as the status page put it", 0.4)
    return None


def why_candidates(findings: Findings, used: set[str] = frozenset(), limit: int = 5) -> list[tuple[str, list[str], float]]:
    """Candidate answers for the next why from the channel, as (text, message ids, confidence): its
    causes and confirmed hypotheses, written as facts, never what was said to customers, none
    already in the chain (``used``, compared folded)."""
    facts = [(c.text, c.message_ids, c.confidence) for c in _not_customer(findings.causes, findings)]
    facts += [(h.text, h.message_ids, 0.6) for h in _not_customer(findings.hypotheses, findings) if h.status == "confirmed"]
    out: list[tuple[str, list[str], float]] = []
    seen = {u.casefold() for u in used}
    for text, ids, confidence in facts:
        fact = as_sentence(clean_fact(text))
        if not fact or fact.casefold() in seen or text.casefold() in seen:
            continue
        seen.add(fact.casefold())
        out.append((fact, list(ids), confidence))
    return out[:limit]


def _list_of_facts(facts: list[Fact], note: str, told: bool = False) -> Suggestion | None:
    """The facts as sentences; ``told`` says them as statements ("nothing paged me??" reads "Nothing paged me.")."""
    if not facts:
        return None
    lines = _unique([as_statement(f.text) if told else as_sentence(clean_fact(f.text)) for f in facts if f.text.strip()])
    conf = max(f.confidence for f in facts)
    return Suggestion(lines, _ids(*(f.message_ids for f in facts)), note, conf) if lines else None


def _data_impact(findings: Findings) -> Suggestion | None:
    """What the channel said of the data ("No data has been lost", "those 1,284 mails are gone"), in its words."""
    said = _list_of_facts(findings.data_impact[:3], "what the channel said of the data; say what, how much and whether it was recovered")
    if said is None:
        return None
    return Suggestion(" ".join(said.value), said.message_ids, said.note, min(said.confidence, 0.5))


def _happened_before(findings: Findings) -> Suggestion | None:
    # Past post-mortems that `facilitator review` has read (a local cache, never a network call).
    from facilitator.review.history import past_incidents

    about = " ".join([findings.title.text if findings.title else "", *(f.text for f in findings.causes[:3])])
    past = past_incidents(about)
    if not findings.prior_incidents:
        if not past:
            return None
        first = past[0]
        return Suggestion(f"yes - possibly: {first}", [], "similar past post-mortems (check before accepting): " + "; ".join(past), 0.3)
    quotes = "; ".join(f.text for f in findings.prior_incidents[:3])
    ids = _ids(*(f.message_ids for f in findings.prior_incidents))
    note = f"the channel mentions earlier occurrences: {quotes}"
    if past:
        note += "; similar past post-mortems: " + "; ".join(past)
    return Suggestion("yes", ids, note, 0.5)


def _unique(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        key = " ".join(line.casefold().split()).rstrip(".!")
        if key and key not in seen:
            seen.add(key)
            out.append(line)
    return out


# A statement of impact somebody wrote for the record: "Customer impact 14:00-15:01 UTC: ...".
_STATED_IMPACT_RE = re.compile(r"^\W*(?:(?:customer|user|client)s?\s+)?impact\b(?P<when>(?:[^:]|(?<=\d):(?=\d)){0,40}):\s*(?P<what>.+)$", re.I)
_INTERIM_RE = re.compile(r"\b(?:so far|for now|right now|currently|at the moment|still)\b", re.I)
# Alert text states thresholds ("5xx rate > 5%", "threshold 5%"), not what customers saw.
_ALERT_TEXT_RE = re.compile(r"threshold|[<>]=?\s*~?\d|\b(?:triggered|resolved|recovered|firing)\b", re.I)
_NEGATED_RE = re.compile(r"\b(?:no|not|none|zero|nothing|without|never)\b|(?<!\bca)(?<!\bcould)(?<!\bwo)n't\b", re.I)  # "can't log in" is harm
_HARM_RE = re.compile(r"\b(?:fail\w*|error\w*|broke\w*|down|impact\w*|affect\w*|lost|unavailable|timed? ?out|5xx|4xx|declin\w*|stuck)\b", re.I)
_SCOPE_HARM_RE = re.compile(_HARM_RE.pattern + r"|\b(?:can[\x27\u2019]?t|cannot|unable|could\s*n[\x27\u2019]?t)\b", re.I)
_CUT_TAIL_RE = re.compile(r"\s+(?:per|according to|from|on|see)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:dashboard|graph|grafana|datadog|slo|chart)\b.*$", re.I)


def _usable(h: ImpactHint) -> bool:
    """A hint a summary may quote: from a statement, not an alert threshold, a question or a denial."""
    text = h.text.strip()
    return not (text.endswith("?") or _ALERT_TEXT_RE.search(text) or _NEGATED_RE.search(clause_of(h)))


# A rate that names a failure ("~55% of api requests failing"), not a load figure ("db cpu at 30%")
# or the recovery ("5xx back to baseline (0.02%)", "at 1.5% and falling").
_FAILING_RE = re.compile(r"\b(?:errors?|fail\w*|5\d\d|5xx|\d+xx|timeouts?|timing\s+out|unavailable|down|loss|declin\w*|reject\w*|broken|drop(?:ped|ping)?)\b", re.I)
_EASING_RE = re.compile(
    r"\b(?:back|under|below|fell|falling|down\s+to|dropped\s+to|recover\w*|normal|baseline|improv\w*|decreas\w*|lower|better|only)\b", re.I
)


def _failing(h: ImpactHint) -> bool:
    return bool(_FAILING_RE.search(clause_of(h))) and not _EASING_RE.search(h.text)


def _stated_impact(findings: Findings) -> Suggestion | None:
    """The channel's own final impact statement ("Customer impact ...: ~12% of ... failed"), latest wins."""
    for h in reversed(findings.impact_hints):
        match = _STATED_IMPACT_RE.match(clean_fact(h.text))
        if match and not _INTERIM_RE.search(match.group("when")):
            # The window it names ("14:00-15:01") is left out: the key times and their named
            # durations say when, once, so the document never shows two windows for one incident.
            text = as_sentence(match.group("what").rstrip(" ."))
            ids = _ids(*(x.message_ids for x in findings.impact_hints if x.text == h.text))
            return Suggestion(text, ids, "the impact statement written in the channel", 0.6)
    return None


def _peak(hints: list[ImpactHint]) -> ImpactHint | None:
    """The largest value; among equals the clause that names what failed ("of checkout requests")."""
    if not hints:
        return None
    return max(hints, key=lambda h: (h.value or 0, bool(re.search(r"\bof\s+\w", clause_of(h))), bool(_HARM_RE.search(clause_of(h)))))


# A start the sentence states at its end ("unavailable since 02:20 UTC"), left out when the span follows.
_SINCE_TAIL_RE = re.compile(
    r"\s+(?:since|from|starting)\s+(?:about\s+|around\s+|~\s*)?\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:\(?[A-Z]{2,5}\)?)?\s*$",
    re.IGNORECASE,
)


FIRST_SYMPTOM_NOTE = "the first symptom reported in the channel"  # a chat line: not yet fit for customers


def _customer_effect(findings: Findings, tz: str) -> Suggestion | None:
    """What customers saw: the channel's impact statement, else one built from the impact hints
    (peak error rate, how long, how widely, failed work), else the first symptom line."""
    stated = _stated_impact(findings)
    if stated is not None:
        return stated
    posted = status_effect(findings.messaging)
    if posted is not None:
        return Suggestion(posted[0], _ids(posted[1]), "what the first status page post told customers", 0.5)
    usable = [h for h in findings.impact_hints if _usable(h)]
    parts: list[str] = []
    ids: list[str] = []
    rate = _peak([h for h in usable if h.kind == "error_rate" and _failing(h)])
    if rate is not None:
        parts.append(_CUT_TAIL_RE.sub("", clean_fact(clause_of(rate))))
        ids.extend(rate.message_ids)
    # "across 3 customers" only from a figure of harm ("3 customers failing"), not from "3 customers
    # confirmed it's back" or "3 customers wrote in": who spoke up is not how widely it hit
    # ("so 3 regions" counts the places; a count of customers is as often who wrote in)
    scope = _peak([
        h for h in usable
        if h.kind in SCOPE_KINDS and (h.value or 0) > 1 and (not h.kind.startswith("customer") or _SCOPE_HARM_RE.search(clause_of(h)))
    ])
    jobs = _peak([h for h in usable if h.kind in ("failed_jobs", "requests") and _HARM_RE.search(clause_of(h))])
    note = "built from the impact figures in the channel"
    if not parts:
        note = FIRST_SYMPTOM_NOTE
        effect = findings.customer_effect
        if effect is None or is_channel_meta(effect.text) or _ALERT_TEXT_RE.search(effect.text):
            return None  # an alert's threshold is what the monitor saw, not what customers saw
        parts.append(clean_fact(effect.text, keep=1).rstrip(" ."))
        ids.extend(effect.message_ids)
    # When is left out ("unavailable since 02:20 UTC"): the key times and their named durations
    # say it once, so the document never shows two windows for one incident.
    head = _SINCE_TAIL_RE.sub("", parts[0])
    if scope is not None and count_phrase(scope).casefold() not in head.casefold():
        head = f"{head}, across {count_phrase(scope)}"
        ids.extend(scope.message_ids)
    sentences = [head]
    if jobs is not None:
        sentences.append(clean_fact(clause_of(jobs)))
        ids.extend(jobs.message_ids)
    text = "; ".join(s.rstrip(" .") for s in sentences)
    return Suggestion(as_sentence(text), _ids(ids), note, 0.45)


_CAME_BACK_RE = re.compile(
    r"\b(?:restored|recovered|recovering|back\s+(?:up|online|to\s+normal)|are\s+back|is\s+back|working\s+again|healthy\s+again|resolved|fixed)\b",
    re.I,
)


def _affected(findings: Findings) -> Suggestion | None:
    """Who or what was affected: one line per scope and size ("3 regions"), the clause that
    says it best (a statement about harm over a passing mention), citing every mention."""
    best: dict[tuple[str, float | None], ImpactHint] = {}
    cited: dict[tuple[str, float | None], list[str]] = {}
    for h in findings.impact_hints:
        if h.kind not in SCOPE_KINDS or h.text.strip().endswith("?") or _NEGATED_RE.search(clause_of(h)):
            continue
        if _CAME_BACK_RE.search(h.text):
            continue  # "console access restored in all regions" says where it came back, not where it hurt
        key = (h.kind, h.value)
        cited.setdefault(key, []).extend(h.message_ids)
        rank = (bool(_HARM_RE.search(clause_of(h))), -len(clause_of(h)))
        if key not in best or rank > (bool(_HARM_RE.search(clause_of(best[key]))), -len(clause_of(best[key]))):
            best[key] = h
    if not best:
        return None
    lines = _unique([clean_fact(clause_of(h)) for h in best.values()])
    return Suggestion(lines, _ids(*cited.values()), "scope mentioned in the channel", 0.5)


def _impact(
    findings: Findings, kinds: tuple[str, ...], note: str, prefix: bool = True, limit: int = 8, keep=None
) -> Suggestion | None:
    """Distinct impact hints of these kinds (those ``keep`` accepts); the kind is prefixed when the text does not say it."""
    hints = [h for h in findings.impact_hints if h.kind in kinds and (keep is None or keep(h))]
    lines: list[str] = []
    ids: list[str] = []
    for h in hints:
        text = clean_fact(h.text)
        stem = h.kind.rstrip("s").replace("_", " ")
        line = f"{h.kind.replace('_', ' ')}: {text}" if prefix and stem.casefold() not in text.casefold() else text
        if line.casefold() not in {x.casefold() for x in lines}:
            lines.append(line)
            ids.extend(h.message_ids)
        if len(lines) >= limit:
            break
    return Suggestion(lines, _ids(ids), note, 0.5) if lines else None


def _job_failures(findings: Findings) -> Suggestion | None:
    """The counts of jobs that failed or waited, largest first, one line per count stated ("342
    payment jobs failed and were replayed" before an earlier "~180 failed capture jobs"); a count
    asked about is left out."""
    hints = [h for h in findings.impact_hints if h.kind in ("failed_jobs", "jobs") and _hurt_jobs(h) and _usable(h)]
    lines: list[str] = []
    said_values: set[float | None] = set()
    said_lines: set[str] = set()
    for h in sorted(hints, key=lambda h: -(h.value or 0)):
        line = clean_fact(clause_of(h))
        if h.value in said_values or line.casefold() in said_lines:
            continue  # the same count said again
        said_values.add(h.value)
        said_lines.add(line.casefold())
        lines.append(line)
    return Suggestion(lines[:8], _ids(*(h.message_ids for h in hints)), "job failures mentioned", 0.5) if lines else None


_DELAYED_RE = re.compile(r"\b(?:delay\w*|queued|backlog\w*|late|skipped|missed|retr(?:y|ied|ying)|pending|waiting)\b", re.I)


def _hurt_jobs(hint) -> bool:
    """A count of jobs that failed or waited ("~180 failed capture jobs", "400 builds queued"),
    not one that passed ("integration suite green 2 runs in a row")."""
    if hint.kind == "failed_jobs":
        return True
    clause = clause_of(hint)
    return bool(_HARM_RE.search(clause) or _DELAYED_RE.search(clause))


# What a count of support contacts is called in the document: "11 convos" reads "11 support conversations".
_SUPPORT_NOUN_RE = re.compile(
    r"(?i)\b(?:(?P<talk>convos?|conversations?|chats?)|(?P<complaint>complaints?)|(?P<ticket>tickets?|cases?|requests?|calls?)"
    r"|(?P<report>reports?|forum\s+(?:posts?|threads?)|github\s+issues?))\b"
)


def _support_count(findings: Findings) -> Suggestion | None:
    """How many support contacts the channel counted, when it names no ticket: the largest count
    said as a statement ("5 tickets in ~10 min", later "11 convos now"), plus the ones said to
    come on top of it ("2 more tickets"). A floor, not a total: a channel rarely counts them all."""
    said = [h for h in findings.impact_hints if h.kind == "support" and _usable(h) and (h.value or 0) >= 1]
    if not said:
        return None
    total, ids, noun = 0, [], None
    for h in said:
        phrase = count_phrase(h)
        more = re.search(r"(?i)\b(?:more|another|additional|new)\b", phrase) is not None
        if more or (h.value or 0) > total:
            total = total + int(h.value or 0) if more else int(h.value or 0)
            ids = [*ids, *h.message_ids] if more else list(h.message_ids)
            noun = _SUPPORT_NOUN_RE.search(phrase) or noun
    if noun is None:
        return None
    kind = next(k for k in ("talk", "complaint", "ticket", "report") if noun.group(k))
    word = {"talk": "support conversations", "complaint": "customer complaints", "ticket": "support requests", "report": "user reports"}[kind]
    if total == 1:
        word = word[:-1]
    cited = " / ".join(clean_fact(clause_of(h)) for h in said if set(h.message_ids) & set(ids))
    return Suggestion([f"At least {total} {word}, as counted in the channel ({cited})"], _ids(ids), "counted in the channel; no ticket was named", 0.5)


def _support(findings: Findings) -> Suggestion | None:
    if not findings.support_tickets:
        return _support_count(findings)
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
    "started_at": lambda q, f, tz: _key_time(f.started_at, tz, f.candidates.get("started_at")),
    "impact_window": lambda q, f, tz: _impact_start(f, tz),
    "detected_at": lambda q, f, tz: _key_time(f.detected_at, tz, f.candidates.get("detected_at")),
    "mitigated_at": lambda q, f, tz: _key_time(f.mitigated_at, tz, f.candidates.get("mitigated_at")),
    "resolved_at": lambda q, f, tz: _key_time(f.resolved_at, tz, f.candidates.get("resolved_at")),
    "title": lambda q, f, tz: _fact(f.title),
    "customer_effect": lambda q, f, tz: _customer_effect(f, tz),
    "severity": lambda q, f, tz: _choice(q, f.severity),
    "detection_method": lambda q, f, tz: _choice(q, f.detection_method),
    "responders": lambda q, f, tz: _responders(f),
    "hypotheses": lambda q, f, tz: _first_hypothesis(f),
    "causes": lambda q, f, tz: _actual_cause(f),
    "fixes": lambda q, f, tz: _fact(_best(f.fixes), clean=True),
    "luck": lambda q, f, tz: _list_of_facts(f.luck, "moments the channel called lucky or close"),
    "went_well": lambda q, f, tz: _list_of_facts(f.went_well, "what the channel said helped", told=True),
    "went_badly": lambda q, f, tz: _list_of_facts(f.went_badly, "what the channel said slowed it down", told=True),
    "data_impact": lambda q, f, tz: _data_impact(f),
    "prior_incidents": lambda q, f, tz: _happened_before(f),
    "impact_hints:failed_jobs": lambda q, f, tz: _job_failures(f),
    "impact_hints:scope": lambda q, f, tz: _affected(f),
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


def suggest_by_id(question_id: str, findings: Findings, transcript: Transcript | None = None, tz: str | None = None) -> Suggestion | None:
    """The suggestion for a catalogue question by id: what a renderer shows for an unanswered question,
    so documents read the same wording the interview offered."""
    from facilitator.interview.catalogue import load_catalogue

    question = next((q for q in load_catalogue() if q.id == question_id), None)
    return None if question is None else suggest(question, findings, transcript, tz)


def has_builder(question: Question) -> bool:
    """True when the question can ever be suggested from findings."""
    return question.finding in _BUILDERS
