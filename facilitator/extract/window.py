"""The customer impact window the channel states: "Customer impact 14:00–15:01 UTC",
"between 15:13 UTC and 18:25 UTC a subset of users experienced errors".

The fault can be introduced well before anyone is affected (a deploy at 13:52, errors from
14:00), so the window customers are told is not always the span from the introduced fault to
the mitigation. When someone in the channel (or a status post) states the window, that is the
one the documents give customers, cited. The last such statement wins: it is usually the
all-clear or the retrospective note, told once the figures were checked.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from facilitator.extract.clock import PLAN_RE, resolve_clock
from facilitator.extract.patterns import CLOCK_RE
from facilitator.extract.signals import MessageSignals
from facilitator.findings import ImpactWindow

_CLOCK = r"~?\s*\d{1,2}[:h.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:UTC|GMT|[ECMP][SD]T|CES?T|BST|IST|JST|AES?T))?"
# "from 14:00 to 15:01", "between 2:05 and 3:40 PM", "14:00–15:01 UTC" (a bare pair only with a dash or "to")
_RANGE_RE = re.compile(
    rf"\b(?:from|between)\s+(?P<a>{_CLOCK})\s*(?:to|until|till|and|-|\u2013|\u2014)\s*(?P<b>{_CLOCK})"
    rf"|(?<![\d:.])(?P<c>{_CLOCK})\s*(?:-|\u2013|\u2014|to)\s*(?P<d>{_CLOCK})(?![\d:])",
    re.IGNORECASE,
)
# what the window is of: people affected or the service failing
_IMPACT_RE = re.compile(
    r"\b(?:impact\w*|affected|customers?|users?|outage|downtime|degrad\w*|unavailable|disrupt\w*|experienc\w*|down)\b",
    re.IGNORECASE,
)
# windows of something else: a maintenance slot, a deploy or a freeze, office hours
_OTHER_WINDOW_RE = re.compile(
    r"\b(?:maintenance|deploy\w*|releas\w*|freeze|rollout|migration|on-?call|shift|office\s+hours|meeting|standup|review)\b",
    re.IGNORECASE,
)
# the cheap test a message must pass first: a clock, then a second one a few characters on
_PAIR_RE = re.compile(r"\d[:h.]\d\d[^\d\n]{1,16}\d{1,2}[:h.]\d\d")
_LONGEST = timedelta(days=3)
_SHORTEST = timedelta(minutes=5)  # "all four went down within a minute, 15:34-15:35" is a moment
_SLACK = timedelta(minutes=10)


def find_impact_window(sigs: list[MessageSignals], tz: ZoneInfo) -> ImpactWindow | None:
    """The last impact window a message states, read against that message's time; None when none does."""
    found: ImpactWindow | None = None
    for sig in sigs:
        if _PAIR_RE.search(sig.prep.lower) is None:
            continue
        for sentence in sig.prep.sentences:
            window = _window_in(sentence, sig, tz)
            if window is not None:
                found = window
                break
    return found


def _window_in(sentence: str, sig: MessageSignals, tz: ZoneInfo) -> ImpactWindow | None:
    if sentence.rstrip().endswith("?") or PLAN_RE.search(sentence.lower()) or _OTHER_WINDOW_RE.search(sentence):
        return None
    span = _RANGE_RE.search(sentence)
    if span is None or not _IMPACT_RE.search(sentence):
        return None
    a, b = ("a", "b") if span.group("a") else ("c", "d")
    # each end read as a clock on its own ("between 2:05 and 3:40 PM": the PM is the start's too)
    begin, end = CLOCK_RE.search(sentence[span.start(a) :]), CLOCK_RE.search(sentence, span.start(b))
    if begin is None or end is None:
        return None
    at = sig.message.at
    stop = resolve_clock(end, at, tz)
    start = resolve_clock(begin, at, tz)
    while start >= stop:
        start -= timedelta(days=1)  # "23:10-00:40": the start was the day before the end
    if not _SHORTEST <= stop - start <= _LONGEST or stop > at + _SLACK:
        return None
    return ImpactWindow(start=start, end=stop, message_ids=[sig.message.id], text=sentence.strip())
