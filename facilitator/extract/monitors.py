"""Monitor lines in a channel: an alert's state line, a recovery that did not hold, an alert nobody saw.

Monitoring tools post their own lines ("cp-live-logs - DiskWritesBlocked recovers", "[RECOVERY]
rubygems.org HTTP is OK", "Monitor is UP: api (down for 3 minutes)"). A recovery line followed soon
by the same monitor failing again is a flapping check: the service never came back at it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import datetime, timedelta

from facilitator.extract.signals import MessageSignals, is_placeholder_author

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


def alert_state(sig: MessageSignals) -> tuple[str, str, str] | None:
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


def flapping(after: list[MessageSignals], i: int) -> bool:
    """True when an alert's recovery is followed by the same alert starting again soon.

    "X recovers" then "X starts" (or "X recovers and starts") is a flapping alert: the
    problem is still there, so the recovery is a relapse in waiting, not a mitigation.
    """
    state = alert_state(after[i])
    if state is None:
        return _monitor_fires_again(after, i)
    if not state[1].startswith(("recover", "resolve")):
        return False
    subject, _, then = state
    if then and not then.startswith("recover"):
        return True
    limit = after[i].message.at + FLAP_WINDOW
    for later in after[i + 1 :]:
        if later.message.at > limit:
            break
        other = alert_state(later)
        if other is not None and other[0] == subject:
            return not other[1].startswith(("recover", "resolve"))
    return False


def _monitor_fires_again(after: list[MessageSignals], i: int) -> bool:
    """True when a monitor's "UP" / "[RECOVERY]" line is followed soon by the same monitor failing.

    "[RECOVERY] rubygems.org HTTP is OK" and six minutes later "[PROBLEM] rubygems.org HTTP is
    CRITICAL": the check flapped; the service never came back at the recovery.
    """
    sig = after[i]
    if sig.is_human:
        return False
    subject = _subject_words(sig)
    limit = sig.message.at + FLAP_WINDOW
    for later in after[i + 1 :]:
        if later.message.at > limit:
            break
        if later.is_human or later.message.author != sig.message.author:
            continue
        if later.state == "recover":
            return False
        if "alert" in later.flags and subject & _subject_words(later):
            return True
    return False


_SUBJECT_RE = re.compile(r"[a-z0-9][a-z0-9.-]*\.[a-z]{2,}|[a-z][a-z0-9_-]{2,}")
# Words every monitor line uses, whatever it watches.
_MONITOR_WORDS = frozenset(
    "problem recovery recovered critical warning firing resolved alert alarm monitor page pagerduty opsgenie "
    "the and for with http https ping status down reason connection timeout after seconds second response time "
    "was been minutes minute hours escalation unacked host service check".split()
)


def _subject_words(sig: MessageSignals) -> set[str]:
    """What a monitor line is about: its host names and words, less the words every monitor line uses."""
    return {w for w in _SUBJECT_RE.findall(sig.prep.lower) if w not in _MONITOR_WORDS}


# "Monitor is UP ... It was down for 1 minute and 2 seconds", "UP (was down 38m)"
_DOWN_FOR_RE = re.compile(
    r"\b(?:was|been)\s+down\s+(?:for\s+)?(?:(?P<h>\d+)\s*h(?:ours?|rs?)?\s*)?(?:(?P<m>\d+)\s*m(?:in(?:utes?|s)?)?\b)?(?:\s*(?:and\s+)?(?P<s>\d+)\s*s(?:ec(?:onds?|s)?)?\b)?",
    re.IGNORECASE,
)
_BLIP_SLACK = timedelta(minutes=10)


def blip(sig: MessageSignals, since: datetime | None) -> bool:
    """True when a monitor's recovery ends only a short outage of its own inside a longer incident.

    "DOWN" at 08:05 then "UP, it was down for 1 minute" an hour after the incident began is a
    blip the incident went on through, not the service coming back; "UP, it was down for 59
    minutes" an hour after the first alert is.
    """
    if sig.is_human or since is None:
        return False
    match = _DOWN_FOR_RE.search(sig.message.text or "")
    if match is None or not any(match.group(g) for g in "hms"):
        return False
    span = timedelta(
        hours=int(match.group("h") or 0), minutes=int(match.group("m") or 0), seconds=int(match.group("s") or 0)
    )
    return sig.message.at - since > 2 * span + _BLIP_SLACK


# What an uptime monitor watches: a URL or a host, with its path ("https://deno.land/std", "api-3.example.com")
_TARGET_RE = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/[\w.~/-]*)?)")


def _targets(sig: MessageSignals) -> set[str]:
    """What the line's monitor watches: the check's quoted name ('DOWN "DR api gateway" https://…',
    'UP "DR api gateway" back up after 2h'), else the first URL or host it names (a status page
    linked after it is not)."""
    text = (sig.message.text or "").lower()
    named = _CHECK_NAME_RE.search(text) if _STATE_FIRST_RE.match(text) else None
    if named:
        return {named.group(1).strip()}
    found = _TARGET_RE.search(text)
    return {found.group(1).rstrip("/.")} if found else set()


_CHECK_NAME_RE = re.compile(r"[\"\u201c]([^\"\u201d\n]{3,60})[\"\u201d]")  # a check named in double quotes ...
_STATE_FIRST_RE = re.compile(r"^\W*(?:up|down|ok|critical|warning|problem|recovery|recovered|resolved)\b")  # ... after its state


_MONITOR_LOOKBACK = 500  # messages before a monitor's recovery line searched for its other targets


def others_still_down(sigs: list[MessageSignals], sig: MessageSignals) -> bool:
    """True when a monitor's recovery line ("UP: https://dash.deno.com") comes while the same
    monitor still reports another of its targets down ("DOWN: https://deno.land/std", no UP
    since): one part is back, not the service."""
    if sig.is_human:
        return False
    back = _targets(sig)
    if not back:
        return False
    down: set[str] = set()
    at = bisect_left(sigs, sig.index, key=lambda s: s.index)  # ``sigs`` is in channel order
    for earlier in sigs[max(0, at - _MONITOR_LOOKBACK) : at]:  # a bounded look back: a long channel stays linear
        if earlier.is_human or earlier.message.author != sig.message.author:
            continue
        named = _targets(earlier)
        if earlier.state == "recover":
            down -= named
        elif "alert" in earlier.flags or "symptom" in earlier.flags:
            down |= named
    return bool(down - back)


UNSEEN_WINDOW = timedelta(minutes=2)  # an alert its monitor resolves this soon went unseen ...
UNANSWERED = timedelta(minutes=10)  # ... when nobody speaks for this long after
_RESOLVED_ROW_RE = re.compile(r"\bresolved\b")  # a pager log's own row: ',#3391,resolved,"Resolved through the integration API"'


def unseen_alerts(sigs: list[MessageSignals]) -> set[str]:
    """Alerts their monitor resolved within a couple of minutes, the very next line, that nobody
    spoke of in the minutes after; and those resolutions.

    A pager's "triggered" at 08:37:04 and "resolved through the integration API" at 08:37:09, then
    silence until the next alert, is an alert nobody saw: the team first knew at a later alert or
    report. "saw that flap. pods restarted?" two minutes on says it was seen.
    """
    out: set[str] = set()
    for i, (sig, after) in enumerate(zip(sigs, sigs[1:])):
        if not (_machine(sig) and _machine(after)) or "alert" not in sig.flags or sig.state == "recover":
            continue
        if not (after.state == "recover" or _RESOLVED_ROW_RE.search(after.prep.lower)):
            continue
        if not timedelta(0) <= after.message.at - sig.message.at <= UNSEEN_WINDOW:
            continue
        if not _spoken_of(sigs, i + 2, after.message.at + UNANSWERED):
            out.update((sig.message.id, after.message.id))
    return out


def _spoken_of(sigs: list[MessageSignals], start: int, until: datetime) -> bool:
    """True when a person speaks from ``sigs[start]`` on, by ``until``."""
    for later in sigs[start:]:
        if later.message.at > until:
            return False
        if not _machine(later):
            return True
    return False


def _machine(sig: MessageSignals) -> bool:
    """A monitor's or a tool's line: a bot's, or a log row with no author."""
    return not sig.is_human or is_placeholder_author(sig.message.author)
