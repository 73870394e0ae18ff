"""Impact hints: numbers and scopes of harm mentioned in the channel.

Counts of affected things ("240 pods waiting", "~600 pods", "3 regions", "1.2k failed
jobs"), rates ("error rate 12%", "5xx at 30%", "launch success drops to zero") and named
scopes (environments, regions). Each hint keeps the sentence it came from and the message
id; the interview turns them into the impact section, the user confirms the numbers.
"""

from __future__ import annotations

import re

from facilitator.extract.patterns import COUNT_NOUNS
from facilitator.extract.regex_literals import quick_compile
from facilitator.extract.signals import MessageSignals
from facilitator.findings import ImpactHint

_NUMBER = r"(?P<num>\d[\d,]*(?:\.\d+)?(?:\s*[kKM]\b)?|(?<![\w])(?:a few hundred|hundreds|thousands|dozens))"
_NOUNS = COUNT_NOUNS
_NOUN_GROUPS = "|".join(f"(?P<{k}>{v})" for k, v in _NOUNS.items())  # one named group per kind
_COUNT_TAIL = rf"\s+(?:[\w-]+\s+){{0,2}}?(?P<noun>{_NOUN_GROUPS})\b(?![:=/])"
_COUNT_RE = quick_compile(_NUMBER + _COUNT_TAIL, re.IGNORECASE)
# The same pattern without the number words: where none of them occurs it finds exactly the
# same matches, and the regex engine can skip straight to the digits instead of trying
# "hundreds" at every position.
# It also starts only where a number starts: from inside "12345" a match can only end where
# one from its first digit would, which comes first and leaves no room for it.
_DIGIT_COUNT_RE = quick_compile(r"(?<!\d)(?P<num>\d[\d,]*(?:\.\d+)?(?:\s*[kKM]\b)?)" + _COUNT_TAIL, re.IGNORECASE)
_FAILING_RE = re.compile(r"fail|error|stuck|wait|pending|broken", re.IGNORECASE)
_ERROR_RATE_RE = quick_compile(r"error|fail|5xx|4xx|timeout|drop|loss", re.IGNORECASE)
_RATE_RE = quick_compile(
    r"(?P<ctx>\b(?:error|failure|success|5xx|4xx|timeout|drop|loss|launch|availability|uptime|latency|traffic|cpu|memory|utili[sz]ation)\w*\b[^.;\n]{0,40}?)?"
    r"(?P<pct>\d+(?:\.\d+)?)\s?%"
    r"(?P<after>[^.;\n]{0,30}\b(?:error|fail\w*|success|5xx|timeouts?|traffic|requests|availability|cpu|memory|utili[sz]ation|of\s+\w+)\b)?",
    re.IGNORECASE,
)
_ZERO_RE = re.compile(
    r"\b(?P<what>[\w ]{0,30}(?:success|availability|traffic|throughput|launches|requests|signups|orders))\s+(?:drops?|dropped|fell|falls|went|goes)\s+(?:down\s+)?to\s+(?:zero|0)\b",
    re.IGNORECASE,
)
_AFFECTED_RE = quick_compile(
    r"\b(?:all|every|most|some|several|multiple|half of(?: the)?|many)\s+(?:of\s+the\s+|the\s+|our\s+)?(?P<noun>customers|users|pods|regions|projects|environments|requests|launches|builds|jobs)\b",
    re.IGNORECASE,
)


_DIGIT_RE = re.compile(r"\d")
# A count noun right after the one matched is the phrase's head: "payment jobs", "checkout requests".
_HEAD_NOUN_RE = re.compile(rf"\s+(?:{_NOUN_GROUPS})\b", re.IGNORECASE)
# A label the chat put before the figures: "impact so far from the payments side: ~180 failed jobs"
# (not "eu-west: 40% errors": a place is part of the figure)
_LABEL_RE = re.compile(
    r"^[^\d:/]{0,40}\b(?:impact|update|status|summary|numbers|stats|figures|so\s+far|side|fyi|note|heads\s+up)\b[^\d:/]{0,30}:\s+(?=\S)",
    re.IGNORECASE,
)


def _value(raw: str) -> float | None:
    text = raw.replace(",", "").replace("~", "").replace("almost", "").strip()
    mult = 1.0
    if text.endswith(("k", "K")):
        mult, text = 1000.0, text[:-1]
    elif text.endswith("M"):
        mult, text = 1_000_000.0, text[:-1]
    try:
        return float(text.strip()) * mult
    except ValueError:
        return None


def find_impact(sigs: list[MessageSignals]) -> list[ImpactHint]:
    """Counts, rates and scopes of impact, in channel order, one hint per distinct mention."""
    hints: list[ImpactHint] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, text: str, value: float | None, mid: str) -> None:
        text = _LABEL_RE.sub("", text, count=1) or text
        key = (kind, text.casefold())
        if key in seen:
            return
        seen.add(key)
        hints.append(ImpactHint(kind=kind, text=text, value=value, message_ids=[mid]))

    for sig in sigs:
        lower = sig.prep.lower
        zero = "to zero" in lower or "to 0" in lower
        symptom = "symptom" in sig.flags
        # a count needs one of the nouns: the gate's pass says whether any occurs
        counted = sig.prep.cue("count_noun")
        if not (zero or counted or symptom or "%" in lower):
            continue  # no count, rate, drop to zero or affected scope can be there
        words = "hundred" in lower or "thousand" in lower or "dozen" in lower
        if not (zero or words or symptom or _DIGIT_RE.search(lower)):
            continue
        mid = sig.message.id
        # number words could hide behind Unicode case folding ("THOUſANDS") in non-ASCII text
        count_re = _COUNT_RE if words or not lower.isascii() else _DIGIT_COUNT_RE
        for sentence in sig.prep.sentences:
            if zero:
                for match in _ZERO_RE.finditer(sentence):
                    add("error_rate", sentence.strip()[:200], 0.0, mid)
            if not (words or _DIGIT_RE.search(sentence)):
                if symptom:
                    for match in _AFFECTED_RE.finditer(sentence):
                        add(_kind_of(match.group("noun")), sentence.strip()[:200], None, mid)
                continue
            for match in count_re.finditer(sentence) if counted else ():
                before = sentence[match.start() - 1] if match.start() else " "
                if before in "#.-_/:" or before.isalnum():
                    continue  # "#4812", "v2.31", "abc123": identifiers, not counts
                kind = _counted(match)
                if kind == "failed_jobs" and not _FAILING_RE.search(sentence):
                    kind = "jobs"
                add(kind, sentence.strip()[:200], _value(match.group("num")), mid)
            for match in _RATE_RE.finditer(sentence) if "%" in sentence else ():
                if match.group("ctx") or match.group("after"):
                    add("error_rate" if _ERROR_RATE_RE.search(match.group(0)) else "rate",
                        sentence.strip()[:200], float(match.group("pct")), mid)
    return hints


def _kind_of(noun: str) -> str:
    noun = noun.lower()
    for kind, pattern in _NOUNS.items():
        if re.fullmatch(pattern, noun, re.IGNORECASE):
            return kind
    return "scope"


_CLAUSE_SPLIT_RE = re.compile(r"[;,]\s+|:\s+|\s+[-–—]+>?\s+|\s+→\s+|(?<=[.!?])\s+|\s*\(\[link\]\)|\s*\[link\]")


def clause_of(hint: ImpactHint) -> str:
    """The clause of the hint's sentence that holds its number ("3 regions" from "so 3 regions,
    probably not AWS"), so a suggestion can quote the fact without the chat around it."""
    text = " ".join(hint.text.split())
    spans = [m.span() for m in _COUNT_RE.finditer(text) if _kind_matches(hint.kind, m)]
    spans += [m.span("pct") for m in _RATE_RE.finditer(text) if hint.value is not None and _same(m.group("pct"), hint.value)]
    spans += [m.span() for m in _ZERO_RE.finditer(text)]
    spans += [m.span() for m in _AFFECTED_RE.finditer(text)]
    if not spans:
        return text.rstrip(" .")
    start = min(spans)[0]
    cuts = [0, *(m.end() for m in _CLAUSE_SPLIT_RE.finditer(text) if m.end() <= start)]
    begin = max(cuts)
    after = _CLAUSE_SPLIT_RE.search(text, max(start, begin) + 1)
    end = after.start() if after else len(text)
    return text[begin:end].strip(" .")


def _counted(match: re.Match[str]) -> str:
    """What a count counts: its noun, or the noun right after it that heads the phrase ("342
    payment jobs" counts jobs, "payment" says which)."""
    head = _HEAD_NOUN_RE.match(match.string, match.end())
    found = head if head is not None else match
    return next(k for k in _NOUNS if found.group(k))


def _kind_matches(kind: str, match: re.Match[str]) -> bool:
    counted = _counted(match)
    return counted == "failed_jobs" if kind == "jobs" else counted == kind


def _same(raw: str, value: float) -> bool:
    try:
        return abs(float(raw) - value) < 1e-9
    except ValueError:
        return False


def count_phrase(hint: ImpactHint) -> str:
    """Just the count and what it counts ("3 regions", "~180 failed capture jobs"), else the clause."""
    for match in _COUNT_RE.finditer(hint.text):
        if _kind_matches(hint.kind, match):
            head = _HEAD_NOUN_RE.match(hint.text, match.end())
            return " ".join(hint.text[match.start() : head.end() if head else match.end()].split())
    return clause_of(hint)
