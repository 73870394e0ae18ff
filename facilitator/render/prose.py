"""How chat findings read in a post-mortem: the timeline with what was known then, the response
narrative, impact lines as sentences, and the summary.

Split from ``model.py`` (which decides which answer wins over which finding) so the rules that
turn chat fragments into readable facts live together: a scope line says who or what was hurt
and adds a figure the impact sentence does not give; a hypothesis appears once; a belief is
written in the timeline where it starts.
"""

from __future__ import annotations

import re
from datetime import datetime

from facilitator.findings import ImpactHint
from facilitator.interview.wording import drop_lead_ins
from facilitator.render.builder import TODO, Builder, TimelineRow
from facilitator.render.text import dedupe, display, sentence, shorten

SCOPE_KINDS = frozenset({"error_rate", "customers", "users", "projects", "regions", "environments", "requests", "orders", "merchants", "tenants", "accounts"})

_LEAD_MARKS = "-\u2013\u2014:\u2022*> "  # a dash or bullet left in front of a quoted sentence


def _quoted(text: str) -> str:
    """A quoted sentence inside the narrative: no dash or bullet left in front ("found it - the
    batched path skips ..." quoted "the batched path ..."), no full stop at the end."""
    return text.strip().lstrip(_LEAD_MARKS).rstrip(".")


# A scope line says who or what was hurt; "at most 5 active sessions per host" is diagnosis.
HARM = re.compile(r"(?i)\b(?:fail\w*|error\w*|affect\w*|unable|could ?n[o']t|cannot|time[ds]? ?out|declin\w*|lost|down|impact\w*|slow\w*|unavailable|5xx|4xx)\b")

def known_then(b: Builder) -> list[tuple[datetime, str]]:
    """(time, what responders believed from then on), from the hypotheses and their messages."""
    if b.transcript is None:
        return []
    beliefs: list[tuple[datetime, str]] = []
    for h in b.session.findings.hypotheses:
        times = sorted(m.at for mid in h.message_ids if (m := b.transcript.get(mid)) is not None)
        if not times:
            continue
        if h.status == "ruled_out" and len(times) == 1:
            beliefs.append((times[0], f"Ruled out: {h.text}"))  # raised and dropped in one breath
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
    return [(at, shorten(text)) for at, text in sorted(beliefs, key=lambda item: item[0])]


def belief_change(beliefs: list[tuple[datetime, str]], at: datetime, shown: list[str]) -> str:
    """The belief current at ``at`` when it differs from the last one shown, else ''."""
    current = next((text for when, text in reversed(beliefs) if when <= at), "")
    if not current or (shown and shown[-1] == current):
        return ""
    shown.append(current)
    return current


def chat_source(b: Builder) -> str:
    """What the channel's rows say their source is: 'Slack' for Slack channels, else 'channel'."""
    if b.transcript is not None and b.transcript.source in ("slack", "slack-export"):
        return "Slack"
    return "channel"


def timeline_rows(b: Builder, detected: datetime | None) -> list[TimelineRow]:
    """The channel's events and the outside evidence (alerts, pages, logs, PRs) in one time order,
    each row with its Source and Actor; a belief is written where it starts."""
    beliefs = known_then(b)
    shown: list[str] = []  # the last belief written, so each one appears where it starts
    if b.session.timeline:
        source = [(e.at, e.who, e.summary, e.known_then, e.message_ids, e.kind) for e in b.session.timeline]
    else:
        source = [(e.at, e.who, e.summary, "", e.message_ids, e.kind) for e in b.session.findings.events]
    extra = b.session.evidence.rows
    # One day: the date is in the title block.
    multi_day = len({b.local(item[0]).date() for item in source} | {b.local(r.at).date() for r in extra}) > 1
    chat = chat_source(b)
    timed: list[tuple[datetime, int, TimelineRow]] = []  # channel and outside rows in one order
    for at, who, summary, known, ids, kind in sorted(source, key=lambda item: item[0]):
        first = b.transcript.get(ids[0]) if ids and b.transcript is not None else None
        if not who and first is not None:
            who = first.author  # bots and integrations: the alert source is the "what"
        bot = first is not None and (first.is_bot or first.subtype == "bot_message")
        dated_only = first is not None and not first.clocked and b.local(at) == b.local(first.at)
        timed.append((at, len(timed), TimelineRow(
            time=b.local(at).strftime("%Y-%m-%d") if dated_only else b.fmt(at, with_date=multi_day),  # no made-up 00:00
            who=who,
            event=display(summary),
            known_then=known or belief_change(beliefs, at, shown),
            evidence=b.cite(ids),
            kind=kind,
            before_response=detected is not None and at < detected,
            source=f"{chat} (bot)" if bot else chat,
            actor=who,
            automated=bot,
        )))
    for r in extra:
        link = f"[{r.source}]({r.url})" if r.url else f"({r.origin})" if r.origin else ""
        cited = b.cite(r.message_ids, limit=1)
        timed.append((r.at, len(timed), TimelineRow(
            time=b.fmt(r.at, with_date=multi_day),
            who=r.actor,
            event=display(r.summary),
            known_then="",
            evidence=" ".join(p for p in (link, f"linked {cited}" if cited else "") if p),
            kind=r.kind,
            before_response=detected is not None and r.at < detected,
            source=f"{r.source} (automated)" if r.automated else r.source,
            actor=r.actor,
            automated=r.automated,
        )))
    rows: list[TimelineRow] = []
    seen: set[tuple[str, str]] = set()
    for _, _, row in sorted(timed, key=lambda item: (item[0], item[1])):
        same = (row.time, " ".join(re.sub(r"[^\w\s]", " ", row.event.casefold()).split()))
        if same in seen:
            continue  # the same moment told twice (a message and its alert, two copies of a paste): one row
        seen.add(same)
        rows.append(row)
    return rows


_RULED_LEAD_RE = re.compile(r"^(?:ruled\s+out|ruling\s+out|not|(?:could|might|can)\s+(?:it|this|that)\s+be|maybe|is\s+it)\b\s*:?\s*", re.IGNORECASE)


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text.casefold()) if w not in {"the", "and", "that", "this", "from", "with", "was", "were"}}


def _one_idea(a: set[str], b: set[str]) -> bool:
    """True when two ideas' words mostly agree: two shared words, or all of the shorter one's."""
    return bool(a and b) and len(a & b) >= min(2, len(a), len(b))


_NOTICED_BY = {
    "monitoring": "Monitoring caught it",
    "chance": "Someone happened to notice it",
    "monitoring alert": "A monitoring alert caught it",
    "monitoring (dashboards)": "Dashboards showed it",
    "user report": "Users reported it",
    "noticed by the team": "The team noticed it",
    "external party": "Someone outside the team reported it",
}


def narrative(
    unknowns: list[str], fix: str, *, when: dict[str, str] | None = None, detection: str = "", cause: str = "", cause_at: str = "",
    cause_after: bool = False,
) -> str:
    """The response in order, a sentence a moment: when it began and was noticed, what was
    suspected and ruled out, when the cause was found, what stopped the impact and when it was
    closed ('' when fewer than two of these are known). ``when`` holds each key time as the
    document shows it ("14:07", "around 15:00"), by question id, and ``affected_from`` when
    customers were affected from a later time than the fault; unknown ones are absent.
    ``cause_after``: the cause was found after the impact stopped, so it is told after that."""
    when = when or {}
    parts = []
    if when.get("started_at") and when.get("affected_from"):  # the fault first, the customers a little later
        parts.append(f"The fault was introduced at {when['started_at']}; customers were affected from {when['affected_from']}.")
    elif when.get("started_at"):
        parts.append(f"It began at {when['started_at']}.")
    if when.get("detected_at"):
        how = detection.casefold() if detection and not detection.startswith(TODO) else ""
        noticed = next((v for k, v in sorted(_NOTICED_BY.items(), key=lambda kv: -len(kv[0])) if how.startswith(k)), "It was noticed")
        parts.append(f"{noticed} at {when['detected_at']}.")
    ruled_out = [u for u in unknowns if not u.startswith((TODO, "First hypothesis:"))]
    first = next((u.removeprefix("First hypothesis: ") for u in unknowns if u.startswith("First hypothesis:")), "")
    items = [_RULED_LEAD_RE.sub("", r).rstrip("?.! ") for r in ruled_out[:3]]
    items = [i for i in items if _content(i)]  # "not it" names nothing
    idea = _RULED_LEAD_RE.sub("", first).rstrip("?.! ")
    dropped = next((i for i in items if _one_idea(_content(i), _content(idea))), None)
    if dropped is not None:  # "A Redis failover earlier that morning" / "Redis failover from the morning": one idea
        items.remove(dropped)
        head = idea.split()[0]
        said = idea[:1].lower() + idea[1:] if head[1:2].islower() or head in ("A", "An", "The") else idea  # not "VPC"
        parts.append(sentence(f"The first hypothesis, {said}, was ruled out"))
    elif first:
        parts.append(sentence(f"The first hypothesis was: {first.rstrip('?')}"))
    if items:
        parts.append(sentence(f"{'Also r' if dropped else 'R'}uled out along the way: {'; '.join(items)}"))
    found = ""
    if cause and not cause.startswith(TODO):
        at = f" at {cause_at}" if cause_at else ""
        lead = f"The cause was found afterwards{',' if at else ''}" if cause_after else "The cause was found"
        found = sentence(f"{lead}{at}: {_quoted(cause)}")
    if found and not cause_after:
        parts.append(found)
    if not fix.startswith(TODO) and fix:
        mitigated = when.get("mitigated_at")
        parts.append(sentence(f"What stopped the impact{' at ' + mitigated if mitigated else ''}: {_quoted(fix)}"))
    elif when.get("mitigated_at"):
        parts.append(f"The impact stopped at {when['mitigated_at']}.")
    if found and cause_after:
        parts.append(found)
    if when.get("resolved_at"):
        parts.append(f"The incident was closed at {when['resolved_at']}.")
    return " ".join(parts) if len(parts) >= 2 else ""


def scope_figures(b: Builder, hints: list[ImpactHint]) -> list[str]:
    """The impact in a few lines: per kind the strongest figure people gave (bots' alerts are in the
    timeline already), skipping what the 'affected' answer says anyway."""
    affected = {" ".join(a.casefold().split()) for a in b.answer_list("affected")}
    best: dict[str, ImpactHint] = {}
    for h in hints:
        if h.kind not in SCOPE_KINDS or " ".join(h.text.casefold().split()) in affected:
            continue
        first = b.transcript.get(h.message_ids[0]) if b.transcript is not None and h.message_ids else None
        if first is not None and first.is_bot:
            continue
        current = best.get(h.kind)
        if current is None or (h.value or 0) > (current.value or 0):
            best[h.kind] = h
    return dedupe([clause(display(h.text)) for h in best.values()], 4)


def clause(text: str) -> str:
    """A chat fragment as a sentence: lead-ins ('so', 'fwiw') and trailing questions dropped, capitalised."""
    text = re.sub(r"^(?:so|fwiw|ok|okay|and|also|btw|then)\b[,:]?\s+", "", text.strip(), flags=re.I).rstrip(" ?.;,")
    text = shorten(text, 120).rstrip(".")
    return text[:1].upper() + text[1:]


def summary_text(b: Builder, customer_impact: str, root_cause: str, window: str, metrics: dict[str, str]) -> str:
    """Two or three sentences from the answers (impact, duration, cause once known); '' while the impact is unknown."""
    if customer_impact.startswith(TODO):
        return ""
    parts = [sentence(customer_impact)]
    if window:
        parts.append(f"Customers were affected from {window}.")
    if metrics.get("Time in"):
        parts.append(f"Time in (fault introduced to resolution): {metrics['Time in']}.")
    if not root_cause.startswith(TODO):
        parts.append(sentence(f"Root cause: {root_cause}"))
    return " ".join(parts)


_WORD = re.compile(r"[^\W\d_]{4,}")  # words long enough to tell a sentence by


def words_in(line: str, text: str, share: float = 0.6) -> bool:
    """True when most of ``line``'s words also stand in ``text``: the same report quoted again
    ('Triggered via Statuspage: "Some customers in the US may experience errors…"')."""
    words = {w.casefold() for w in _WORD.findall(line)}
    said = {w.casefold() for w in _WORD.findall(text)}
    return len(words) >= 4 and len(words & said) >= share * len(words)


def figures_in(line: str, text: str) -> bool:
    """True when every figure of ``line`` ('342', '12%') also stands in ``text`` (and it has one)."""
    figures = re.findall(r"\d+(?:[.,]\d+)?%?", line)
    return bool(figures) and all(re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", text) for n in figures)


def same_hypothesis(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        text = drop_lead_ins(re.sub(r"^first hypothesis:\s*", "", text, flags=re.I))  # "hm canary ..." is "Canary ..."
        return " ".join(text.casefold().split()).strip(" .?!")

    return norm(a) == norm(b)

