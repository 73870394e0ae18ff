"""Times written inside messages: "since 14:05", "about 2 hours ago", "between 02:26 and 03:40 UTC".

A message is posted at one moment and often tells of another: when errors started, when an
alert fired, when the service came back. These helpers read such times against the message's
own timestamp, in the zone the text names or the channel's, and never reach into the future or
more than a week back. They also tell a plan ("starting ~7am tomorrow") from an observation.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from facilitator.extract.patterns import CLOCK_RE, CUES, RELATIVE_RE, patterns
from facilitator.extract.regex_literals import quick_compile
from facilitator.extract.signals import MessageSignals


MAX_LOOKBACK = timedelta(days=7)  # "since 14:05" never means last month


_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5,
    "EST": -5, "EDT": -4, "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "JST": 9, "AEST": 10, "AET": 10,
}  # fmt: skip


_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
    "fifteen": 15, "twenty": 20, "thirty": 30, "half an": 0.5, "half a": 0.5, "a couple": 2,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}  # fmt: skip


def _zone(name: str | None, default: ZoneInfo) -> timezone | ZoneInfo:
    if not name:
        return default
    if name.upper().startswith("UK"):
        return ZoneInfo("Europe/London")  # "10 am UK time": GMT or BST, as the day has it
    offset = _ZONES.get(name.upper().replace(".", ""))
    return default if offset is None else timezone(timedelta(hours=offset))


def resolve_clock(match, at: datetime, tz: ZoneInfo) -> datetime:
    """The moment a clock time in a message means: the latest such time not after the message."""
    hour, minute = int(match.group("h")), int(match.group("m") or 0)  # "10 am": on the hour
    end = _RANGE_END_RE.match(match.string, match.end())  # "between 5:20 and 5:38 AM EDT"
    ampm = (match.group("ampm") or match.group("ampm2") or (end and end.group("ampm")) or "").lower().replace(".", "")
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    said = _ZONE_SAID_AFTER_RE.match(match.string, match.end())  # "at 00:00:01. that's UTC, so 02:00 for us"
    zone = _zone(match.group("zone") or _range_zone(end) or (said and said.group("zone")), tz)
    local_day = at.astimezone(zone).date()
    candidate = datetime.combine(local_day, time(hour, minute), tzinfo=zone)
    slack = timedelta(minutes=10)
    if candidate > at + slack:
        candidate -= timedelta(days=1)
    if not ampm and hour < 12 and candidate + timedelta(hours=12) <= at + slack:
        candidate += timedelta(hours=12)  # "since 2:05" said at 14:30 means 14:05
    elif not ampm and hour == 12 and match.group("m") and candidate + timedelta(hours=12) <= at + slack:
        candidate += timedelta(hours=12)  # "started climbing at 12:29" said at 01:10 means 00:29
    return candidate.astimezone(tz)


# The zone named just after a clock, in its own words: "at 00:00:01. that's UTC", "02:14 (that is GMT)"
_ZONE_SAID_AFTER_RE = re.compile(
    r"(?::\d{2})?[\s.,;(]{0,3}(?:that[\x27\u2019]?s|that\s+is|which\s+is|i\.e\.)\s+(?:in\s+)?(?P<zone>UTC|GMT)\b", re.IGNORECASE
)
# "between 02:26 and 03:40 UTC", "between 5:20 and 5:38 AM": the zone and the AM/PM written
# after a range's end are the start's too.
_RANGE_END_RE = re.compile(
    r"\s*(?:and|to|until|till|-|\u2013|\u2014)\s*\d{1,2}[:h.]\d{2}\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>[A-Za-z]{1,4})?\b",
    re.IGNORECASE,
)


def _range_zone(end: re.Match[str] | None) -> str | None:
    """The zone named after the end of a time range (``_RANGE_END_RE``'s match), if it names one."""
    if end is None or not end.group("zone") or end.group("zone").upper().replace(".", "") not in _ZONES:
        return None
    return end.group("zone")


def resolve_relative(match, at: datetime) -> datetime | None:
    """"2 hours ago" / "for the last 30 minutes" against the message time."""
    raw = (match.group("n") or match.group("n2") or "1").lower()
    unit = (match.group("unit") or match.group("unit2") or "").lower()
    try:
        amount = float(raw)
    except ValueError:
        amount = _WORD_NUMBERS.get(raw, 1)
    if unit.startswith("d"):
        delta = timedelta(days=amount)
    elif unit.startswith("h"):
        delta = timedelta(hours=amount)
    else:
        delta = timedelta(minutes=amount)
    return at - delta if delta <= MAX_LOOKBACK else None


# "nothing since 10:40", "no deploys since 1:10": the time of the last thing that did happen
_NOTHING_SINCE_RE = re.compile(
    r"\b(?:nothing|none|not)\s+(?:\w+\s+){0,3}?since\b"  # "nothing to prod since the 9:40 release"
    r"|\bno\s+(?:new\s+)?(?:deploy\w*|changes?|releases?|push\w*|merges?|commits?|rollouts?|config\s+changes?)\s+since\b"
)
_STARTISH_RE = re.compile(r"\b(?:since|started|starting|began|begun|beginning|start|onset|first)\b")
# Words that call the service well: a "since" after them closes a statement of health ("it's been
# clean since", "quiet ever since"), an "until" after them dates when that ended ("fine until around 2:15").
_CALM = r"\b(?:clean|fine|quiet|green|stable|healthy|ok|okay|good|normal)\s+"
_CLEAN_SINCE_RE = re.compile(_CALM + r"(?:ever\s+)?since\b")
_FINE_UNTIL_RE = re.compile(_CALM + r"(?:until|till|til|up\s+(?:to|until))\s+")
CHANGE_TIME = "states when a change was made"  # "last deploy was 6pm": a start only if close to the symptoms


def start_mentions(sig: MessageSignals, tz: ZoneInfo) -> list[tuple[datetime, str]]:
    """Explicit or relative start times stated in a message ("since 14:05", "2 hours ago").

    Two finders ask for every message; the answer is kept on the message's signals.
    """
    if sig.starts is not None and sig.starts[0] is tz:
        return sig.starts[1]
    found = _start_mentions(sig, tz)
    sig.starts = (tz, found)
    return found


def _start_mentions(sig: MessageSignals, tz: ZoneInfo) -> list[tuple[datetime, str]]:
    pats = patterns()
    found: list[tuple[datetime, str]] = []
    at = sig.message.at
    lower = sig.prep.lower
    if "til" in lower or "up to" in lower:
        for fine in _FINE_UNTIL_RE.finditer(lower):  # "everything was fine until around 2:15": it began then
            match = CLOCK_RE.search(lower, fine.end(), fine.end() + 24)
            if match is not None and match.start() == fine.end():
                moment = resolve_clock(match, at, tz)
                if timedelta(0) <= at - moment <= _CLOCK_LOOKBACK:
                    return [(moment, f"states a start time: {fine.group(0).strip()} {match.group(0).strip()}")]
    if not (sig.flags & _STATED_NEXT_TO or (sig.prep.cue("start_word") and _START_WORDS_RE.search(lower))):
        return found  # a start time is only stated next to a failure, a change or "since"
    if not ("ago" in lower or "for" in lower or (sig.prep.cue("clock") and _CLOCK_HINT_RE.search(lower))):
        return found  # no clock and no "2 hours ago" / "for the last hour": nothing to resolve
    sentences = sig.prep.sentences
    for position, sentence in enumerate(sentences):
        if not _TIME_HINT_RE.search(sentence):
            continue  # the time is in another sentence
        if PLAN_RE.search(sentence.lower()) or _BEFORE_IT_RE.search(sentence.lower()):
            continue  # tomorrow's plan, or a time told as "before the outage": not a start
        symptom = pats.has("symptom", sentence, sig.prep.gate)
        if not symptom and _NOTHING_SINCE_RE.search(sentence.lower()):
            continue  # "nothing since 10:40", "no deploys since 1:10": the last change, cleared
        failing = symptom or pats.has("change", sentence, sig.prep.gate)
        if not failing and pats.healthy_context.search(sentence):
            continue  # "running fine since 15:10" is about health
        if not (failing or pats.start_context.search(sentence)):
            continue
        low = sentence.lower()
        core = _CLOCK_HINT_RE.search(low)
        # A clock match holds its "14:05" at most _CLOCK_REACH characters after its start (the
        # sentence's spaces are single): start there. Lower-casing may move positions ("İ").
        start = max(0, core.start() - _CLOCK_REACH) if core is not None and len(low) == len(sentence) else 0
        # the next sentence's opening is kept in view for a zone it names: "at 00:00:01. that's UTC"
        seen = f"{sentence} {sentences[position + 1][:40]}" if position + 1 < len(sentences) else sentence
        for match in CLOCK_RE.finditer(seen, start, len(sentence)) if core is not None else ():
            if match.group("pre").strip().lower() in _END_WORDS:
                continue  # "(until 13:45)", "by 14:00": the end of something, not its start
            if set_for_later(sentence, match):
                continue  # "next update 1:45", "ETA 15:00", "call at 9:30": a time set for later
            moment = resolve_clock(match, at, tz)
            if timedelta(0) <= at - moment <= _CLOCK_LOOKBACK:
                told = "states a start time" if symptom or _STARTISH_RE.search(_CLEAN_SINCE_RE.sub(" ", low)) else CHANGE_TIME
                found.append((moment, f"{told}: {match.group(0).strip()}"))
                break
        for match in RELATIVE_RE.finditer(sentence) if "ago" in low or "for" in low else ():
            moment = resolve_relative(match, at)
            if moment is not None:
                found.append((moment, f"says it began {match.group(0).strip()}"))
                break
    return found


# What any CLOCK_RE or RELATIVE_RE match must contain ("14:05", "2h05", "ago", "for the last"):
# a message or sentence without it is passed over before the costlier checks.
_TIME_HINT_RE = quick_compile(r"\d[:h][0-5]\d|\b\d{1,2}\s?[ap]\.?m\b|ago\b|\bfor\s+the\s", re.IGNORECASE)


_CLOCK_HINT_RE = CUES["clock"]  # on lower-cased text


_END_WORDS = frozenset({"until", "by", "before"})
_PLANNED_AT_RE = re.compile(
    r"(?i)\b(?:update|eta|check-?in|sync|call|standup|meeting|review|maintenance)\W*(?:at|by|in|around|~)?\W*$"
    # another day's clock: "maintenance Tue, 26th at 9 am", "on the 26th at 9:00"
    r"|\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|\d{1,2}(?:st|nd|rd|th))\W+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)\W+)?(?:at|@|from)?\W*$"
)



def set_for_later(sentence: str, match: re.Match[str]) -> bool:
    """True when the words just before a clock set it for later or for another day ("ETA 15:00", "Tue, 26th at 9 am")."""
    return _PLANNED_AT_RE.search(sentence[max(0, match.start() - 24) : match.start()]) is not None

# The most characters CLOCK_RE can match before the hour's last digit: "approximately ~ 1" (its
# longest lead-in word, a space, "~", a space, a digit), with a margin.
_CLOCK_REACH = 24


_CLOCK_LOOKBACK = timedelta(hours=18)  # a bare "since 14:05" means today, or last night at most


_STATED_WINDOW = timedelta(hours=12)


_STATE_WORDS = {
    "detect": re.compile(r"\b(?:fired|firing|alerted|paged|noticed|reported|spotted|detected)\b", re.IGNORECASE),
    "recover": re.compile(
        r"\b(?:mitigated|recovered|restored|rolled back|stable|back to normal|came back|back up|back online)\b", re.IGNORECASE
    ),
    "resolve": re.compile(r"\b(?:resolved|closed|all clear|fixed|restored)\b", re.IGNORECASE),
}


_START_WORDS_RE = CUES["start_word"]


# "metrics flatlining from ~05:30": when the symptom began, not when someone saw it
_FROM_CLOCK_RE = re.compile(r"\bfrom\s+(?:about\s+|around\s+|~\s*)?\d{1,2}[:.h]\d{2}", re.IGNORECASE)
_STATED_NEXT_TO = frozenset({"symptom", "change", "start_marker"})


_STATE_SIGNALS = {
    "detect": ("detect", "alert", "symptom"),
    "recover": ("recover", "declare_resolved"),
    "resolve": ("declare_resolved", "recover"),
}


def stated_time(sig: MessageSignals, kind: str, tz: ZoneInfo, window: timedelta = _STATED_WINDOW) -> datetime | None:
    """A time the message states for its own moment ("fired at 14:07", "resolved at 15:40 UTC")."""
    pats = patterns()
    at = sig.message.at
    for sentence in sig.prep.sentences:
        word = _STATE_WORDS[kind].search(sentence)
        if not (word or any(pats.has(signal, sentence, sig.prep.gate) for signal in _STATE_SIGNALS[kind])):
            continue
        if kind == "detect" and (
            _START_WORDS_RE.search(sentence) or _FROM_CLOCK_RE.search(sentence) or pats.has("change", sentence, sig.prep.gate)
        ):
            continue  # "errors started at 14:00" is the start; "the rollout finished around 10:05" a change
        # "hit 0% at 10:34 and came back at 10:55": the clock after the state word is its time;
        # else the nearest before it ("impact 11:23-11:44 PM, self recovered": the range's end)
        clocks = sorted(
            CLOCK_RE.finditer(sentence),
            key=lambda m: (False, m.start()) if word is None or m.start() >= word.start() else (True, -m.start()),
        )
        for match in clocks:
            if not (match.group("pre").strip() or match.group("zone") or (match.group("ampm") and kind != "detect")):
                continue  # a bare number is too weak to move a key time ("back to normal 11:44 PM" is a clock)
            if set_for_later(sentence, match):
                continue  # "maintenance Tue, 26th at 9 am": a time set for later
            if _DATA_LABEL_RE.search(sentence, max(0, match.start() - 30), match.start()):
                continue  # "check FAILED for hour 2020-05-27 03:00 UTC": the data's hour, not the alert's
            at_h = match.start("h")  # after the words CLOCK_RE takes in front ("From 9:58")
            if kind in ("recover", "resolve") and _RANGE_START_RE.search(sentence, max(0, at_h - 12), at_h):
                continue  # "[Resolved] From 9:58 PM UTC on Jan 27 to 2:00 AM ...": when the impact began, not this moment
            if kind == "resolve" and _RANGE_END_BEFORE_RE.search(sentence, max(0, at_h - 12), at_h):
                continue  # "... to 2:00 AM UTC on Feb 1, some users experienced": when the impact ended, not the close
            moment = resolve_clock(match, at, tz)
            if timedelta(0) <= at - moment <= window:
                return moment
        if kind == "detect" and (ago := RELATIVE_RE.search(sentence)) and "ago" in ago.group(0).lower() and _NOTICE_BEFORE_RE.search(sentence[: ago.start()]):
            # "security@ got a report ~45 min ago of a phishing mail": noticed then, told now
            moment = resolve_relative(ago, at)
            if moment is not None and timedelta(0) <= at - moment <= window:
                return moment
    return None


# the ends of a stated range: "from 9:58 PM UTC ... to 2:00 AM UTC", "between 13:21 and 19:09"
_RANGE_START_RE = re.compile(r"\b(?:from|between)\s*~?\s*$", re.IGNORECASE)
_RANGE_END_BEFORE_RE = re.compile(r"(?:\b(?:to|until|till|and)|[\u2013-])\s*~?\s*$", re.IGNORECASE)
# a clock naming the data a job or check is about: "for hour 2020-05-27 03:00 UTC", "batch of 14:00"
_DATA_LABEL_RE = re.compile(
    r"\b(?:for|of)\s+(?:the\s+)?(?:hour|batch|window|partition|interval|bucket|snapshot|slot)\b[\s\d:/-]{0,14}$", re.IGNORECASE
)


# a notice just before "N min ago" (not "looked fine an hour ago")
_NOTICE_BEFORE_RE = re.compile(
    r"\b(?:report(?:ed)?|noticed|spotted|alert(?:ed)?|fired|paged|flagged|emailed|told|pinged|saw|complaint)\b[^.!?]{0,12}$", re.IGNORECASE
)


# How an all-clear dates the end it reports: "zero errors since 7:27", "stable since ~15:12",
# "down from 18:51 to 19:33": the moment after "since", or the end of the range.
_SINCE_RE = re.compile(r"\b(?:since|as\s+of)\s+(?=~?\s*\d)", re.IGNORECASE)
_RANGE_RE = re.compile(r"\b(?:from|between)\s+~?\s*\d{1,2}[:h.]\d{2}\S*\s*(?:[ap]\.?m\.?\s*)?(?:to|until|till|and|-|\u2013)\s*(?=~?\s*\d)", re.IGNORECASE)
_HEALTHY_SINCE_RE = re.compile(
    r"\b(?:zero|no|none|clean|stable|healthy|normal|fine|ok|okay|good|back|green|quiet|working|recovered|steady|"
    r"restored|resolved|fixed|operational|available)\b", re.IGNORECASE
)


def ended_at(sig: MessageSignals, tz: ZoneInfo, window: timedelta = _STATED_WINDOW) -> datetime | None:
    """When an all-clear says the impact ended: "zero errors since 7:27", "down from 18:51 to 19:33"."""
    at = sig.message.at
    for sentence in sig.prep.sentences:
        mark = _RANGE_RE.search(sentence)
        if mark is None:
            mark = _SINCE_RE.search(sentence)
            if mark is None or not _HEALTHY_SINCE_RE.search(sentence[: mark.start()]):
                continue  # "errors since 14:05" is the start; "no errors since 14:05" the end
        match = CLOCK_RE.search(sentence, mark.end())
        if match is None or match.start() - mark.end() > 3:
            continue
        moment = resolve_clock(match, at, tz)
        if timedelta(0) <= at - moment <= window:
            return moment
    return None


_BEFORE_IT_RE = re.compile(r"\bbefore\s+(?:the|this|our)\s+(?:outage|incident|problem|issue|errors?|impact)\b")


# A plan, not an observation: "starting ~7am tomorrow", "reminder: the build-out continues tomorrow".
PLAN_RE = re.compile(
    r"\b(?:tomorrow|tonight|later\s+today|next\s+(?:week|month)|reminder|(?:going\s+to|gonna)(?!\s+(?:sleep|bed|crash|log\s+off)\b)|"
    r"plan(?:ning|ned)?\s+(?:to|for)|scheduled\s+(?:for|to)|so\s+i[\x27\u2019]?m\s+done\s+before)\b"
)
