"""The four key times: fault introduced, detected, mitigated, resolved.

Incidents have one shape, and the finder leans on it: something breaks (a change, a first
symptom, "since 14:05"), someone notices (an alert, "I'm seeing", "we realized", a report),
the bleeding stops (rollback done, "back to normal"), and someone declares the end
("resolved", "all clear", "service is restored"). So the finder looks for each moment in
order, each search starting where the previous one ended, which also enforces
started <= detected <= mitigated <= resolved.

* Mitigated is the first recovery after detection; resolved is the first declaration after
  the last relapse ("broken again"), preferring one that says resolved/closed over a
  "service restored" note, else the last recovery. With a single "back to normal"
  both are the same moment, at lower confidence for the resolution.
* Detection needs a notice: an alert, a report, "something is wrong". "The investigation
  begins" only says someone knew by then, so an earlier symptom wins over it. A system that
  healed by itself before anyone noticed has its mitigation before its detection.
* A workaround ("banned the repo to let other builds through", "pointed DNS at the backup
  to restore basic functionality", "disk increased to 12000") is the mitigation when the
  first stated recovery is only the closing message or comes well after it (the real fix);
  a recovery within minutes of it is its stated effect and wins.
* A flapping alert ("X recovers", then "X starts" again) never recovered: its recoveries
  are not mitigations. In notes, an alert line "X starts" that detected the incident also
  dates its start.
* Chat channels start when someone noticed, so the first symptom report is the detection.
  Timeline notes are written afterwards and often open with the fault itself ("16:22 node
  runs out of memory"), so there the first symptom before the first detection phrase is the
  start; notes that never say who noticed date the start by their first symptom entry.
* Explicit times in prose ("since 14:05", "ca 18:30 CEST", "about 2 hours ago") are resolved
  against the message's own timestamp, in the zone they name or the transcript's zone; a
  key message that states its own time ("fired at 14:07", "resolved at 15:40 UTC") wins
  over the time it was posted.
* Recoveries of outside services ("GitHub is usable again") are not ours, and a multi-day
  silence ends the episode: what follows is a follow-up or a new incident.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from facilitator.extract.patterns import CLOCK_RE, CUES, RELATIVE_RE, patterns
from facilitator.extract.regex_literals import quick_compile
from facilitator.extract.signals import MessageSignals
from facilitator.findings import KeyTime

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
    ampm = (match.group("ampm") or match.group("ampm2") or _range_meridiem(match) or "").lower().replace(".", "")
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    zone = _zone(match.group("zone") or _range_zone(match), tz)
    local_day = at.astimezone(zone).date()
    candidate = datetime.combine(local_day, time(hour, minute), tzinfo=zone)
    slack = timedelta(minutes=10)
    if candidate > at + slack:
        candidate -= timedelta(days=1)
    if not ampm and hour < 12 and candidate + timedelta(hours=12) <= at + slack:
        candidate += timedelta(hours=12)  # "since 2:05" said at 14:30 means 14:05
    return candidate.astimezone(tz)


# "between 02:26 and 03:40 UTC": the zone written after a range's end is the start's too.
_RANGE_END_RE = re.compile(
    r"\s*(?:and|to|until|till|-|\u2013|\u2014)\s*\d{1,2}[:h.]\d{2}\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>[A-Za-z]{1,4})?\b",
    re.IGNORECASE,
)


def _range_zone(match) -> str | None:
    """The zone named after the end of a time range that starts at ``match``, if it names one."""
    end = _RANGE_END_RE.match(match.string, match.end())
    if end is None or not end.group("zone") or end.group("zone").upper().replace(".", "") not in _ZONES:
        return None
    return end.group("zone")


def _range_meridiem(match) -> str | None:
    """"between 5:20 and 5:38 AM": the end's AM/PM is the start's too."""
    end = _RANGE_END_RE.match(match.string, match.end())
    return end.group("ampm") if end is not None else None


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


def start_mentions(sig: MessageSignals, tz: ZoneInfo) -> list[tuple[datetime, str]]:
    """Explicit or relative start times stated in a message ("since 14:05", "2 hours ago")."""
    pats = patterns()
    found: list[tuple[datetime, str]] = []
    at = sig.message.at
    lower = sig.prep.lower
    if not (sig.flags & _STATED_NEXT_TO or (sig.prep.cue("start_word") and _START_WORDS_RE.search(lower))):
        return found  # a start time is only stated next to a failure, a change or "since"
    if not ("ago" in lower or "for" in lower or (sig.prep.cue("clock") and _CLOCK_HINT_RE.search(lower))):
        return found  # no clock and no "2 hours ago" / "for the last hour": nothing to resolve
    for sentence in sig.prep.sentences:
        if not _TIME_HINT_RE.search(sentence):
            continue  # the time is in another sentence
        if PLAN_RE.search(sentence.lower()) or _BEFORE_IT_RE.search(sentence.lower()):
            continue  # tomorrow's plan, or a time told as "before the outage": not a start
        failing = pats.has("symptom", sentence, sig.prep.gate) or pats.has("change", sentence, sig.prep.gate)
        if not failing and pats.healthy_context.search(sentence):
            continue  # "running fine since 15:10" is about health
        if not (failing or pats.start_context.search(sentence)):
            continue
        low = sentence.lower()
        core = _CLOCK_HINT_RE.search(low)
        # A clock match holds its "14:05" at most _CLOCK_REACH characters after its start (the
        # sentence's spaces are single): start there. Lower-casing may move positions ("İ").
        start = max(0, core.start() - _CLOCK_REACH) if core is not None and len(low) == len(sentence) else 0
        for match in CLOCK_RE.finditer(sentence, start) if core is not None else ():
            if match.group("pre").strip().lower() in _END_WORDS:
                continue  # "(until 13:45)", "by 14:00": the end of something, not its start
            moment = resolve_clock(match, at, tz)
            if timedelta(0) <= at - moment <= _CLOCK_LOOKBACK:
                found.append((moment, f"states a start time: {match.group(0).strip()}"))
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
        if kind == "detect" and _START_WORDS_RE.search(sentence):
            continue  # "errors started at 14:00" is the start, not the detection
        # "hit 0% at 10:34 and came back at 10:55": the clock after the state word is its time
        clocks = sorted(CLOCK_RE.finditer(sentence), key=lambda m: word is not None and m.start() < word.start())
        for match in clocks:
            if not (match.group("pre").strip() or match.group("zone")):
                continue  # a bare number is too weak to move a key time
            moment = resolve_clock(match, at, tz)
            if timedelta(0) <= at - moment <= window:
                return moment
    return None


def _key(sig: MessageSignals, confidence: float, reason: str, at: datetime | None = None) -> KeyTime:
    if at is None and getattr(sig.message, "time_precision", "") == "approximate":
        confidence, reason = confidence - 0.1, f"{reason} (time approximate)"
    return KeyTime(
        at=at or sig.message.at, confidence=round(confidence, 2), message_ids=[sig.message.id], reason=reason
    )


def _with_stated(key: KeyTime | None, sig_by_id: dict[str, MessageSignals], kind: str, tz: ZoneInfo) -> KeyTime | None:
    """Move a key time to the time its message states, when it states one."""
    if key is None or not key.message_ids or key.message_ids[0] not in sig_by_id:
        return key
    moment = stated_time(sig_by_id[key.message_ids[0]], kind, tz)
    if moment is None or moment == key.at:
        return key
    return key.model_copy(update={"at": moment, "reason": f"{key.reason}; time as stated in the message"})


def find_detected(sigs: list[MessageSignals], chat: bool) -> KeyTime | None:
    """First alert or report; in chat also the first symptom message; else the first message.

    A report is strong evidence ("noticed", "users report", "something is wrong"); "the
    investigation begins" is weak: it says someone knew by then, not when they first saw
    it, so an earlier symptom in the notes wins over it. Notes that mark the start of the
    incident ("Start of incident.") describe the fault there, so the first symptom after
    that marker is the first observation, even if the word "noticed" only comes later.
    """
    if not sigs:
        return None
    first_recovery = _first_recovery_from_a_problem(sigs)
    # an entry that reports the problem and then its fix is still the report
    last = -1 if first_recovery is None else first_recovery.index - (not _recovers_later(first_recovery))
    window = [s for s in sigs if first_recovery is None or s.index <= last] or sigs
    first_symptom: MessageSignals | None = None
    after_marker: MessageSignals | None = None
    marked = False
    answered = _answered_not_seen(sigs)
    for sig in window:
        if sig.message.id in answered:
            continue  # "anyone else seeing slow responses?" - "fine for me": a worry put to rest
        if sig.is_human and "detect" not in sig.flags and PLAN_RE.search(sig.prep.lower):
            continue  # "reminder: the build-out continues tomorrow" tells a plan, not a problem seen
        if "start_marker" in sig.flags and "detect" not in sig.flags:
            marked = True
            continue  # "Start of incident." marks the fault, not the moment someone noticed
        if "alert" in sig.flags and not sig.is_human:
            return _key(sig, 0.8, "first alert")
        if "detect" in sig.flags:
            if after_marker is not None:
                return _key(after_marker, 0.6, "first symptom after the marked start of the incident")
            return _key(sig, 0.75, "first report of the problem")
        if chat and sig.is_human and "symptom" in sig.flags:
            return _key(sig, 0.65, "first message reporting a symptom")
        if "investigate" in sig.flags:
            if first_symptom is not None:
                return _key(first_symptom, 0.55, "first symptom observed before the investigation began")
            return _key(sig, 0.6, "investigation began")
        if "symptom" in sig.flags and not chat:
            first_symptom = first_symptom or sig
            if marked and after_marker is None:
                after_marker = sig
    symptom = next((s for s in window if "symptom" in s.flags and "start_marker" not in s.flags), None)
    if symptom is not None:
        return _key(symptom, 0.5, _FIRST_SYMPTOM)
    first = next((s for s in sigs if s.is_human), sigs[0])
    return _key(first, 0.35, "first message of the channel")


_FIRST_SYMPTOM = "first message describing a symptom"
_PROBLEM = frozenset({"alert", "detect", "symptom", "relapse"})


# "works for me", "fine on my end", "not seeing it": someone else does not see the problem.
_NOT_SEEN_RE = re.compile(
    r"\b(?:fine|ok|okay|works?|working|loads?|loading|good|normal)\s+(?:fine\s+)?(?:for|on|from)\s+(?:me|my\s+(?:end|side))\b"
    r"|\bnot\s+seeing\s+(?:it|that|anything|any)\b|\bjust\s+you\b"
    # the worry waved off: "it does that most tuesdays, I wouldn't worry"
    r"|\b(?:would\s*n[\x27\u2019]?t|don[\x27\u2019]?t|do\s+not)\s+worry\b|\bnothing\s+to\s+worry\b|\bit\s+does\s+that\b"
    r"|\bthat[\x27\u2019]?s\s+(?:normal|expected|known)\b"
)
# A status page's "Investigating" or "Identified" post tells the plan, whatever it says of fixes.
_STATUS_UNDER_WAY_RE = re.compile(r"(?:^|[\u2014\u2013\-:*]\s*)(?:investigating|identified)\s*[:\-\u2013\u2014]")
_BEFORE_IT_RE = re.compile(r"\bbefore\s+(?:the|this|our)\s+(?:outage|incident|problem|issue|errors?|impact)\b")
# A plan, not an observation: "starting ~7am tomorrow", "reminder: the build-out continues tomorrow".
PLAN_RE = re.compile(
    r"\b(?:tomorrow|tonight|later\s+today|next\s+(?:week|month)|reminder|going\s+to|gonna|"
    r"plan(?:ning|ned)?\s+(?:to|for)|scheduled\s+(?:for|to)|so\s+i[\x27\u2019]?m\s+done\s+before)\b"
)
_ANSWER_WINDOW = timedelta(minutes=5)


def _answered_not_seen(sigs: list[MessageSignals]) -> set[str]:
    """Questions about a symptom that someone else answered by not seeing it, within minutes."""
    out: set[str] = set()
    for i, sig in enumerate(sigs):
        if not (sig.is_human and sig.flags & {"symptom", "detect"} and "?" in (sig.message.text or "")):
            continue
        for later in sigs[i + 1 : i + 4]:
            if later.message.at - sig.message.at > _ANSWER_WINDOW:
                break
            if later.message.author != sig.message.author and _NOT_SEEN_RE.search(later.prep.lower):
                out.add(sig.message.id)
                break
    return out


def _first_recovery_from_a_problem(sigs: list[MessageSignals]) -> MessageSignals | None:
    """The first recovery that follows a problem stated in the channel.

    A channel may open with something else that went wrong and was put right ("rolling the
    pool config... rolled back, web looks normal") before the incident's first alert: a
    recovery with no problem before it is that lead-up, not the end of this incident.
    """
    seen_problem = False
    for sig in sigs:
        if sig.state == "recover" and _NOT_SEEN_RE.search(sig.prep.lower):
            continue  # "staging is fine for me": an answer, not a recovery
        if sig.state == "recover" and (seen_problem or sig.flags & _PROBLEM):
            return sig  # "hit 0% at 10:34 and came back at 10:55": its own problem, then the recovery
        if sig.flags & _PROBLEM and sig.state != "recover":
            seen_problem = True
    return None


def find_started(
    sigs: list[MessageSignals], detected: KeyTime | None, chat: bool, tz: ZoneInfo
) -> KeyTime | None:
    """Earliest credible start: stated times, changes before detection, or (notes) first symptom."""
    if detected is None:
        return None
    limit = detected.at
    by_id = {s.message.id: s for s in sigs}
    candidates: list[KeyTime] = []
    symptoms: list[KeyTime] = []
    last_change: KeyTime | None = None
    for sig in sigs:
        for moment, reason in start_mentions(sig, tz):
            if limit - MAX_LOOKBACK <= moment <= limit:
                candidates.append(_key(sig, 0.7, reason, at=moment))
        if sig.message.at > limit or sig.message.id in detected.message_ids:
            continue
        if "start_marker" in sig.flags:
            candidates.append(_key(sig, 0.8, "marked as the start of the incident"))
        if "change" in sig.flags:
            # the change closest to the symptoms is the likeliest culprit, so keep the last one
            last_change = _key(sig, 0.55, "last change made before the problem was noticed")
        if not chat and "symptom" in sig.flags:
            symptoms.append(_key(sig, 0.55, "first symptom, before anyone noticed"))
    if not chat and detected.message_ids:
        # Notes whose detecting entry is an alert starting ("DiskWritesBlocked starts"):
        # that entry is also when the fault began.
        first = next((s for s in sigs if s.message.id == detected.message_ids[0]), None)
        state = _alert_state(first) if first is not None else None
        if state is not None and state[1].startswith("start") and not state[2]:  # "fires" is a notice
            candidates.append(_key(first, 0.5, "the alert that detected it says the fault started then"))
        elif first is not None and "change" in first.flags and "symptom" in first.flags and _told_first(first, "change", "symptom"):
            # "Deployed v2 and noticed errors": the change and its damage share the entry.
            candidates.append(_key(first, 0.45, "the detecting entry also reports the change that broke it"))
    # Timeline notes that show a symptom before detection date the start by it (a change
    # that "deployed fine" is context); otherwise the last change before detection.
    slip = _step_owned_up_to(sigs, limit)
    if slip is not None:
        candidates.append(slip)
    cleared = _cleared_changes(sigs)
    candidates = [k for k in candidates if not (k.message_ids and k.message_ids[0] in cleared)]
    if last_change is not None and last_change.message_ids[0] in cleared:
        last_change = None
    stated = [k for k in candidates if not _asked(k, by_id)]
    if symptoms:
        candidates.append(symptoms[0])
    elif last_change is not None and not (stated and min(k.at for k in stated) - last_change.at > _CHANGE_REACH):
        candidates.append(last_change)  # a change hours before a stated start is earlier history
    confident = [k for k in candidates if not _asked(k, by_id)]
    if confident:
        candidates = confident  # "we deployed at 09:40, could that be it?" only when nothing is stated
    if not candidates and not chat and detected.reason == _FIRST_SYMPTOM:
        # Notes that open with the fault ("11:21 upgrade makes DNS pods crash loop") and never
        # say who noticed: the entry dates the start; detection is only inferred from it.
        return detected.model_copy(update={"confidence": 0.45, "reason": "first symptom in the notes"})
    if not candidates:
        return None
    return min(candidates, key=lambda k: (k.at, -k.confidence))


_CHANGE_REACH = timedelta(hours=2)
# "rollback done, no change... so not the deploy", "not the config push": the change was cleared.
_NOT_THE_CHANGE_RE = re.compile(
    r"\bnot\s+(?:the|our|that|this|a)\s+(?:\w+\s+)?(?:deploy\w*|change|release|rollout|config\w*|migration|upgrade|push)\b|\bnot\s+us\b"
    r"|\bshould\s*n[\x27\u2019]?t\s+(?:touch|affect|matter|be\s+related)\b|\bunrelated\b|\bnot\s+related\b"
)
_CHANGE_WORDS_RE = re.compile(r"\b(?:deploy\w*|releas\w*|rollout|rolled out|merged?|upgrad\w*|config\w*|chang\w*|push\w*)\b")


# Someone saying their own last step went wrong: "STOP. that was not r43, I targeted the wrong zone",
# "oh no. that was db1. I ran it on the primary".
_OWNED_UP_RE = re.compile(
    r"\b(?:oh\s+no|oops|whoops|uh[\s-]?oh|my\s+bad|targeted\s+the\s+wrong|"
    r"i\s+(?:ran|did|deleted|wiped|pushed|applied)\s+(?:it\s+|that\s+|this\s+)?(?:on|to|against)\s+(?:the\s+)?(?:wrong|primary|prod\w*|live)|"
    r"wrong\s+(?:host|server|zone|cluster|db|database|region|box|machine|node|pair|target|env\w*|switch\w*|rack))\b"
)
_SLIP_REACH = timedelta(minutes=30)


def _step_owned_up_to(sigs: list[MessageSignals], limit: datetime) -> KeyTime | None:
    """The step its author then said went wrong: the fault was introduced there."""
    for i, sig in enumerate(sigs):
        if sig.message.at > limit + _SLIP_REACH:
            break
        if not (sig.is_human and _OWNED_UP_RE.search(sig.prep.lower)):
            continue
        for before in reversed(sigs[:i]):
            if sig.message.at - before.message.at > _SLIP_REACH:
                break
            if before.message.author == sig.message.author and not before.prep.lower.rstrip().endswith("?"):
                if before.message.at <= limit:
                    return _key(before, 0.75, "the step its author then said went wrong")
                break
    return None


def _cleared_changes(sigs: list[MessageSignals]) -> set[str]:
    """Messages telling of a change that a later message cleared ("so not the deploy")."""
    cleared: set[str] = set()
    changes: list[str] = []
    for sig in sigs:
        lower = sig.prep.lower
        named = "change" in sig.flags or _CHANGE_WORDS_RE.search(lower) is not None
        if _NOT_THE_CHANGE_RE.search(lower) or ("rollback" in sig.flags and sig.state == "relapse"):
            cleared.update(changes)
            changes = []
            if named:
                cleared.add(sig.message.id)  # "deploy at 20:10 was only the editor bundle, shouldn't touch hosting"
            continue
        if named:
            changes.append(sig.message.id)
    return cleared


def _asked(key: KeyTime, by_id: dict[str, MessageSignals]) -> bool:
    """True when the key's message only asks or guesses ("could that be it?")."""
    sig = by_id.get(key.message_ids[0]) if key.message_ids else None
    return sig is not None and ("hypothesis" in sig.flags or sig.prep.lower.rstrip().endswith("?"))


def _told_first(sig: MessageSignals, name: str, other: str) -> bool:
    """True when the entry mentions ``name`` before ``other`` ("deployed v2, then errors").

    "Errors noticed; the cache is removed" tells the change as the response to the symptom.
    """
    gate = sig.prep.gate
    if gate is None:
        return False
    text = sig.prep.prose

    def first_at(signal: str) -> int:
        return min((m.start() for rx in gate.branches(signal) for m in [rx.search(text)] if m), default=len(text))

    return first_at(name) < first_at(other)


EPISODE_GAP = timedelta(days=3)  # a week of silence, then "another node is lost": a new incident


WORKAROUND_EFFECT = timedelta(minutes=30)


def _same_episode(sigs: list[MessageSignals]) -> list[MessageSignals]:
    """The messages up to the first multi-day silence (later ones are follow-ups or a new event)."""
    for i in range(1, len(sigs)):
        if sigs[i].message.at - sigs[i - 1].message.at > EPISODE_GAP:
            return sigs[:i]
    return sigs


def noticed_after_self_heal(sigs: list[MessageSignals]) -> tuple[MessageSignals, MessageSignals] | None:
    """(symptom, notice) when the system healed by itself and someone noticed only afterwards.

    "10:34 success drops to 0%. 10:55 the cluster self-heals. 15:00 dip noticed on the
    dashboard": the detection is the notice, and the impact ended before it.
    """
    heal = next((s for s in sigs if s.state == "recover"), None)
    if heal is None or "self_heal" not in heal.flags:
        return None
    before = [s for s in sigs if s.index < heal.index]
    if any("detect" in s.flags or "investigate" in s.flags or ("alert" in s.flags and not s.is_human) for s in before):
        return None  # someone already knew: an ordinary mitigation
    symptom = next((s for s in before if "symptom" in s.flags), None)
    later = _same_episode([s for s in sigs if s.index >= heal.index])[1:]
    notice = next((s for s in later if "detect" in s.flags), None)
    if symptom is None or notice is None:
        return None
    return symptom, notice


def find_mitigated_resolved(
    sigs: list[MessageSignals], detected: KeyTime | None, since: KeyTime | None = None, chat: bool = False
) -> tuple[KeyTime | None, KeyTime | None]:
    """First recovery after detection (or after ``since``); resolution after the last relapse.

    A detection entry that goes on to the fix ("... the hub is restarted and launches
    return to 100%") is also the first recovery.
    """
    start = 0
    anchor = since or detected
    if anchor is not None:
        det_ids = set(anchor.message_ids)
        start = next((i for i, s in enumerate(sigs) if s.message.id in det_ids), 0)
    same_entry = since is None and start < len(sigs) and _recovers_later(sigs[start])
    after = _same_episode(sigs[start if same_entry else start + 1 :] or sigs[start:])
    recoveries = [
        s
        for i, s in enumerate(after)
        if s.state == "recover" and not _contradicted(after, i) and not _flapping(after, i) and not dismissal(s)
        and not (_NOT_SEEN_RE.search(s.prep.lower) and i > 0 and after[i - 1].prep.lower.rstrip().endswith("?"))
        and not (not s.is_human and _STATUS_UNDER_WAY_RE.search(s.prep.lower[:120]))
    ]
    if not recoveries:
        return None, None
    first = recoveries[0]
    strong = "declare_resolved" in first.flags or "rolled back" in first.prep.lower
    mitigated = _key(first, 0.75 if strong else 0.65, "first sign of recovery after detection")
    full = _full_recovery_after(after, recoveries) if partial(first) else None
    if full is not None:
        # "half the hosts replaced, errors dropping" then "error rate back to baseline": the
        # impact stopped at the second; the first is when it started to ease (a candidate).
        first = full
        mitigated = _key(full, 0.65, "the service fully recovered (after a partial recovery)")
    # A workaround put in place before the first stated recovery ("banned the repo to let
    # other builds through", "pointed DNS at the backup to restore basic functionality",
    # "disk increased from 8000 to 12000") is when the impact eased, unless that recovery
    # follows within minutes (then it is the workaround's stated effect) and is not just
    # the closing message. A recovery hours later is the real fix, after the workaround.
    failed_after = [s.index for s in after if s.index < first.index and s.state == "relapse"]
    workaround = next(
        (
            s
            for s in after
            if s.index < first.index
            and ("workaround" in s.flags or revert_link(s))
            and not any(i > s.index for i in failed_after)  # "doubled the quota" ... "didn't work either"
        ),
        None,
    )
    if workaround is not None and (
        ("declare_resolved" in first.flags and len(recoveries) == 1)
        or first.message.at - workaround.message.at > WORKAROUND_EFFECT
    ):
        mitigated = _key(workaround, 0.5, "workaround put in place before the first stated recovery")
    tail = [s for s in after if s.index >= first.index]
    last_relapse = max((s.index for s in tail if s.state == "relapse"), default=-1)
    settled = [s for s in tail if s.index > last_relapse]
    if chat and last_relapse >= 0:
        # It broke again: the impact stopped only at the first recovery after the last relapse.
        # (Timeline notes written afterwards name a relapse in passing; there the first stands.)
        again = next((s for s in settled if s in recoveries), None)
        if again is not None and mitigated.message_ids[0] != again.message.id:
            mitigated = _key(again, 0.6, "first recovery after the problem came back")
    # "Mail sent: service restored" then "ticket marked as resolved": the explicit closing
    # word is the declaration; a restoration only stands in when nothing closes the incident.
    declarations = [s for s in settled if "declare_resolved" in s.flags]
    # The responders' own all-clear first ("I think we're good"); a status page's "Resolved"
    # post follows it, sometimes hours later, and stands in only when nobody said it.
    human = [s for s in declarations if s.is_human]
    declared = next((s for s in human if _CLOSING_RE.search(s.prep.lower)), None) or next(iter(human), None)
    if declared is None and chat:
        # Only a pager or status page closed it: the responders' last word on the service's
        # health is when it was over; the bot's post follows whenever someone clicked "resolve".
        done = next((s for s in reversed(settled) if s.state == "recover" and s.is_human and not partial(s)), None)
        if done is not None and any(s.index > done.index for s in declarations):
            watched = _watched_since(settled, done)
            return mitigated, watched or _key(done, 0.6, "last recovery the responders reported before the status page closed it")
    declared = declared or next((s for s in declarations if _CLOSING_RE.search(s.prep.lower)), None)
    declared = declared or next(iter(declarations), None)
    if declared is not None and chat and (back := _watched_since(settled, declared)) is not None:
        return mitigated, back
    if declared is not None:
        return mitigated, _key(declared, 0.8, "declared resolved")
    last = next((s for s in reversed(settled) if s.state == "recover"), None)
    if last is not None and chat and (back := _watched_since(settled, last)) is not None:
        return mitigated, back
    if last is None:
        return mitigated, None
    if last.index == first.index:
        return mitigated, _key(last, 0.4, "only recovery seen; mitigation and resolution coincide")
    return mitigated, _key(last, 0.6, "last recovery, with no relapse after it")


# A recovery that is only under way: part of the fleet, a trend, "starting to".
_PARTIAL_RE = re.compile(
    r"\b(?:some|partial(?:ly)?|half|starting\s+to|beginning\s+to|begin(?:s|ning)?\s+to|slowly|a\s+bit|somewhat|"
    r"mostly|a\s+few|dropping|falling|decreasing|improving|trending|coming\s+down|going\s+down|recovering)\b"
)


def partial(sig: MessageSignals) -> bool:
    """True when the message tells a recovery under way rather than done ("errors dropping").

    Judged sentence by sentence: "p95 back under 400ms. timeouts gone. db cpu dropping" has a
    complete recovery in it, whatever else is still settling.
    """
    if "declare_resolved" in sig.flags or _PARTIAL_RE.search(sig.prep.lower) is None:
        return False
    pats = patterns()
    healthy = [x for x in sig.prep.sentences if pats.has("recover", x, sig.prep.gate)]
    return not healthy or all(_PARTIAL_RE.search(x.lower()) for x in healthy)


def _full_recovery_after(after: list[MessageSignals], recoveries: list[MessageSignals]) -> MessageSignals | None:
    """The first complete recovery after a partial one, if nothing broke again in between."""
    first = recoveries[0]
    for sig in after:
        if sig.index <= first.index:
            continue
        if sig.state == "relapse":
            return None
        if sig in recoveries and not partial(sig):
            return sig
    return None


# A hypothesis dropped ("ruled out network: backbone looks healthy", "red herring") says
# nothing about the service getting better, whatever words of health it uses.
_DISMISSAL_RE = re.compile(
    r"\bruled?\s+out\b|\bruling\s+out\b|\bred\s+herring\b|\bdead\s+end\b"
    r"|\bnot\s+(?:the\s+)?(?:cause|culprit|it)\b|n[\x27\u2019]?t\s+(?:it|the\s+cause|the\s+culprit)\b"
)
# Doubt about an earlier step ("not sure X had the desired effect... rolling back"): the
# problem is still there, so the message is a notice, not the mitigation.
DOUBT_RE = re.compile(
    r"\bnot\s+sure\b[^.?!]{0,80}\b(?:effect|help|work|fix)|\bdesired\s+effect\b"
    r"|\bdid\s*n[\x27\u2019]?t\s+(?:help|work|fix|change)\b|\bno\s+(?:visible\s+)?effect\b"
)
# A link that is itself the mitigation: a revert PR or a rollback job ("…/pull/123 Revert "bump dns"").
_REVERT_LINK_RE = re.compile(r"https?://\S*(?:revert|rollback|roll-back)\S*|\brevert\s+[\"\u201c]", re.IGNORECASE)


def dismissal(sig: MessageSignals) -> bool:
    """True when the message rules a hypothesis out rather than reporting the service's state."""
    return "ruled_out" in sig.flags and _DISMISSAL_RE.search(sig.prep.lower) is not None


def revert_link(sig: MessageSignals) -> bool:
    """True when the message links a revert or rollback (a PR titled 'Revert "…"', a rollback job)."""
    text = sig.message.text or ""
    return ("evert" in text or "ollback" in text or "oll-back" in text) and _REVERT_LINK_RE.search(text) is not None and (
        "http" in text
    ) and not DOUBT_RE.search(sig.prep.lower)


def _watched_since(settled: list[MessageSignals], closing: MessageSignals) -> KeyTime | None:
    """The recovery an all-clear after a watch looks back to ("still flat and healthy, should be fine now").

    The incident was over when the service came back for good; the all-clear only says the
    watch that followed found nothing.
    """
    if not _WATCHED_RE.search(closing.prep.lower):
        return None
    back = next((s for s in settled if s.state == "recover" and not partial(s) and s.index < closing.index), None)
    return None if back is None else _key(back, 0.6, "back for good; the all-clear came after watching it")


# An all-clear given after watching the service: it ended earlier, when the watch began.
_WATCHED_RE = re.compile(
    r"\bstill\s+(?:flat|clean|quiet|healthy|green|good|fine|stable|normal)\b|\bquiet\s+for\b|\bfor\s+(?:the\s+)?(?:last\s+)?\d+\s*(?:min|minutes|h|hours)\b"
    r"|\bhealthy\s+for\b|\bheld\s+(?:up|steady)\b|\bwatched\s+it\b"
)
_CLOSING_RE = re.compile(r"\b(?:resolved|closed|all[- ]clear)\b")


_PHASE_LABEL_RE = re.compile(
    r"^\W*(?P<a>detection|detected|mitigation|mitigated|resolution|resolved)\W*\s*[:\u2014\u2013|-]"
    r"|[\u2014|]\s*(?P<b>detection|detected|mitigation|mitigated|resolution|resolved)\W*$",
    re.IGNORECASE,
)
_PHASES = {"detect": "detect", "mitiga": "mitigate", "resolu": "resolve", "resolv": "resolve"}


def _labelled_phases(sigs: list[MessageSignals]) -> dict[str, KeyTime]:
    """Key times a timeline labels itself: the first row headed "Mitigation", "Detection", "Resolution"."""
    found: dict[str, KeyTime] = {}
    for sig in sigs:
        text = sig.message.text or ""
        if len(text) > 400 or not ("ion" in text or "ed" in text) or not sig.is_human:
            continue  # a status page's "Resolved - This incident has been resolved." is its post, not a label
        match = _PHASE_LABEL_RE.search(text.strip())
        if match is None:
            continue
        phase = _PHASES[(match.group("a") or match.group("b")).lower()[:6]]
        found.setdefault(phase, _key(sig, 0.85, f"the timeline labels this entry {phase}"))
    return found


def _contradicted(after: list[MessageSignals], i: int) -> bool:
    """True when the entry after a recovery says the problem is still there ("still full")."""
    if i + 1 >= len(after):
        return False
    following = after[i + 1]
    if "still_broken" in following.flags and following.state != "recover":
        return True
    # "fra-lan-b back up" and in the same minutes a monitor fires for the whole pool: the step
    # finished, the service did not come back.
    moment = after[i].message.at
    near = after[max(0, i - 2) : i] + after[i + 1 : i + 4]  # same-minute posts may sort either way
    return any(
        abs(other.message.at - moment) <= _CONTRADICT_WINDOW
        and (other.index > after[i].index or other.message.at.replace(second=0) == moment.replace(second=0))
        and other.state != "recover" and "alert" in other.flags and not other.is_human
        for other in near
    )


_CONTRADICT_WINDOW = timedelta(minutes=3)


# An alert's state line as monitoring tools log it: "cp-live-logs - DiskWritesBlocked recovers",
# "HighErrorRate starts", "... recovers and starts". The subject is what the alert is about.
_ALERT_STATE_RE = re.compile(
    r"^\W*(?P<subject>[^\n]{3,80}?)\s+(?P<verb>recover(?:s|ed)|resolve[sd]|start(?:s|ed)|fir(?:es|ed|ing)|trigger(?:s|ed))"
    r"(?:\s+and\s+(?P<then>start(?:s|ed)|fir(?:es|ed|ing)|trigger(?:s|ed)|recover(?:s|ed)))?\W*$",
    re.IGNORECASE,
)
_ALERT_NAME_RE = re.compile(r"[A-Z][a-z0-9]+[A-Z]\w*|\b(?:alert|alarm|monitor|check|error|outage|incident)s?\b", re.IGNORECASE)
_CAMEL_RE = re.compile(r"[A-Z][a-z0-9]+[A-Z]\w*")
FLAP_WINDOW = timedelta(hours=2)  # an alert that fires again within this long never really recovered


def _alert_state(sig: MessageSignals) -> tuple[str, str, str] | None:
    """(subject, verb, then) when the message is an alert's state line, else None."""
    text = (sig.message.text or "").strip()
    if "\n" in text:
        return None
    match = _ALERT_STATE_RE.match(text)
    if match is None:
        return None
    subject = match.group("subject").strip(" -:*_`").casefold()
    if not (_CAMEL_RE.search(match.group("subject")) or _ALERT_NAME_RE.search(subject)):
        return None  # "the engineer starts": a person, not an alert
    return subject, match.group("verb").lower(), (match.group("then") or "").lower()


def _flapping(after: list[MessageSignals], i: int) -> bool:
    """True when an alert's recovery is followed by the same alert starting again soon.

    "X recovers" then "X starts" (or "X recovers and starts") is a flapping alert: the
    problem is still there, so the recovery is a relapse in waiting, not a mitigation.
    """
    state = _alert_state(after[i])
    if state is None or not state[1].startswith(("recover", "resolve")):
        return False
    subject, _, then = state
    if then and not then.startswith("recover"):
        return True
    limit = after[i].message.at + FLAP_WINDOW
    for later in after[i + 1 :]:
        if later.message.at > limit:
            break
        other = _alert_state(later)
        if other is not None and other[0] == subject:
            return not other[1].startswith(("recover", "resolve"))
    return False


def _self_healed(key: KeyTime, by_id: dict[str, MessageSignals]) -> bool:
    """True when the key's message says the system recovered by itself (so before anyone acted)."""
    sig = by_id.get(key.message_ids[0]) if key.message_ids else None
    return sig is not None and "self_heal" in sig.flags


def _healed_before_notice(sigs: list[MessageSignals], tz: ZoneInfo) -> KeyTime | None:
    """A chat that starts after the system healed itself: "hit 0% at 10:34 and came back at 10:55 by itself".

    The recovery happened before anyone spoke, so no message marks it; the first message that
    says it healed by itself and states when is the mitigation, at the stated time.
    """
    for sig in sigs:
        if "self_heal" in sig.flags:
            moment = stated_time(sig, "recover", tz, window=MAX_LOOKBACK)
            if moment is not None:
                return _key(sig, 0.55, "the system recovered by itself; time as stated in the message", at=moment)
    return None


def _recovers_later(sig: MessageSignals) -> bool:
    """True when a report's last health statement, in a later sentence, is a recovery."""
    return sig.state == "recover" and "detect" in sig.flags and len(sig.prep.sentences) > 1


def find_key_times(
    sigs: list[MessageSignals], chat: bool, tz: ZoneInfo
) -> dict[str, KeyTime | None]:
    """All four key times, ordered started <= detected <= mitigated <= resolved.

    Messages without a real time (a dated note with no clock, "??:??") take no part: their
    timestamp is a placeholder, and a key time must be a time someone wrote down.
    """
    sigs = [s for s in sigs if s.timed]
    by_id = {s.message.id: s for s in sigs}
    labelled = _labelled_phases(sigs)
    healed = None if chat else noticed_after_self_heal(sigs)
    if healed is not None:
        symptom, notice = healed
        detected = _key(notice, 0.65, "noticed after the system had recovered by itself")
    else:
        detected = _with_stated(find_detected(sigs, chat), by_id, "detect", tz)
    started = find_started(sigs, detected, chat, tz)
    since = _key(symptom, 0.5, "first symptom") if healed is not None else None
    mitigated, resolved = find_mitigated_resolved(sigs, detected, since, chat)
    if mitigated is None and chat:
        mitigated = _healed_before_notice(sigs, tz)
    mitigated = _with_stated(mitigated, by_id, "recover", tz)
    resolved = _with_stated(resolved, by_id, "resolve", tz)
    if resolved and mitigated and resolved.message_ids == mitigated.message_ids and resolved.at != mitigated.at:
        resolved = resolved.model_copy(update={"at": mitigated.at})  # one message, one moment
    # A timeline that names each row's phase ("| 14:25 | Mitigation | ... |") has said which
    # moment is which: its own label wins over any reading of the words.
    detected = labelled.get("detect", detected)
    mitigated = labelled.get("mitigate", mitigated)
    resolved = labelled.get("resolve", resolved)
    if started and detected and started.at > detected.at:
        started = None
    if mitigated and detected and mitigated.at < detected.at and healed is None and not _self_healed(mitigated, by_id):
        mitigated = None
    if resolved and mitigated and resolved.at < mitigated.at:
        resolved = mitigated
    return {"started_at": started, "detected_at": detected, "mitigated_at": mitigated, "resolved_at": resolved}
