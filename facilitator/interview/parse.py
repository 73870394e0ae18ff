"""Turning what a person typed into the stored value for each question type.

Kept apart from the engine so every UI can validate as the user types (the Textual form, the
questionary validator) with exactly the rules the engine applies when it saves. Every
rejection is an ``AnswerError`` with one sentence saying what is expected.

Stored shapes: ``text``/``choice``/``yesno`` a string, ``datetime`` ISO 8601 with the offset
of the session timezone (to the minute), ``duration`` the human form ("1h 42m"),
``people``/``list`` a list of lines.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from facilitator.errors import UserError
from facilitator.interview.catalogue import Question

UNKNOWN_WORDS = frozenset({"unknown", "?", "dunno", "don't know", "dont know", "idk", "not sure", "n/a", "tbd"})
SKIP_WORDS = frozenset({"skip", "/skip", "pass", "later"})
YES = frozenset({"yes", "y", "true", "yep", "yeah"})
NO = frozenset({"no", "n", "false", "nope", "never"})

_DURATION_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b", re.I
)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# Zone abbreviations people type after a time; dateutil only knows UTC/GMT by itself.
_TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 3600, "BST": 3600, "CET": 3600, "CEST": 7200,
    "EET": 7200, "EEST": 10800, "MSK": 10800, "IST": 19800, "SGT": 28800, "JST": 32400, "KST": 32400,
    "AEST": 36000, "AEDT": 39600, "NZST": 43200, "NZDT": 46800, "EST": -18000, "EDT": -14400,
    "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200,
}
_BULLET_RE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


class AnswerError(UserError):
    """A typed answer does not fit the question's type; the message says what fits."""

    title = "Answer not understood"


def classify(raw: str | list[str]) -> str | None:
    """"unknown" or "skipped" when the raw answer is one of those words, else None."""
    if isinstance(raw, list):
        raw = " ".join(raw)
    word = raw.strip().casefold().rstrip(".!")
    if word in UNKNOWN_WORDS:
        return "unknown"
    if word in SKIP_WORDS:
        return "skipped"
    return None


def split_lines(raw: str | list[str]) -> list[str]:
    """List answers: one item per line, bullets and blank lines dropped."""
    lines = raw if isinstance(raw, list) else raw.splitlines()
    items = [_BULLET_RE.sub("", line).strip() for line in lines]
    return [item for item in items if item]


def _split_outside_parens(line: str, seps: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in line:
        depth += ch == "("
        depth -= ch == ")"
        if ch in seps and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_people(raw: str | list[str]) -> list[str]:
    """People as 'Name (role)' lines; accepts 'Name - role', 'Name: role', commas or semicolons."""
    people: list[str] = []
    for line in split_lines(raw):
        for part in _split_outside_parens(line, ";,"):
            m = re.match(r"^(?P<name>[^():\u2013\u2014-]+?)\s*(?:[:\u2013\u2014]|\s-\s)\s*(?P<role>.+)$", part)
            if m and "(" not in part:
                part = f"{m['name'].strip()} ({m['role'].strip()})"
            people.append(part)
    return people


def parse_duration(raw: str) -> timedelta:
    """'1h 42m', '90 minutes', '1:30', '2 days', 'PT1H30M' as a timedelta; AnswerError otherwise."""
    text = raw.strip()
    iso = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text, re.I)
    if iso and any(iso.groups()):
        d, h, m, s = (int(g or 0) for g in iso.groups())
        return timedelta(days=d, hours=h, minutes=m, seconds=s)
    clock = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text)
    if clock:
        h, m, s = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        return timedelta(hours=h, minutes=m, seconds=s)
    matches = list(_DURATION_RE.finditer(text))
    leftover = _DURATION_RE.sub("", text).replace("and", "").strip(" ,")
    if not matches or leftover:
        if re.fullmatch(r"\d+", text):
            return timedelta(minutes=int(text))  # a bare number means minutes
        raise AnswerError(f"'{raw}' is not a duration; write it like 1h 42m, 90m or 2 days.")
    total = 0.0
    for m in matches:
        total += float(m["num"]) * _UNIT_SECONDS[m["unit"][0].lower()]
    return timedelta(seconds=round(total))


def format_duration(delta: timedelta | None) -> str:
    """A timedelta the way people write it: '1h 42m', '2d 3h', '45m', '30s'; '' for None."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if not parts:
        parts.append(f"{secs}s")
    return sign + " ".join(parts)


def parse_datetime(raw: str, tz: str, reference: date | None = None) -> datetime:
    """A date and time in ``tz`` (naive input) or its own offset; a bare time takes ``reference``'s date."""
    text = raw.strip()
    if not text:
        raise AnswerError("No time given; type a date and time like 2024-12-03 14:02, or 'unknown'.")
    zone = ZoneInfo(tz)
    default = datetime.combine(reference or datetime.now(zone).date(), datetime.min.time())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", dateparser.UnknownTimezoneWarning)
            parsed = dateparser.parse(text, default=default, tzinfos=_TZ_ABBREVIATIONS)
    except dateparser.UnknownTimezoneWarning:
        raise AnswerError(f"The zone in '{raw}' is not known; write an offset like 14:02 +01:00, or leave the zone out.") from None
    except (ValueError, OverflowError):
        raise AnswerError(f"'{raw}' is not a date and time; type it like 2024-12-03 14:02, or 'unknown'.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def stored_datetime(at: datetime, tz: str) -> str:
    """The stored form of a datetime: ISO to the minute, in the session timezone."""
    return at.astimezone(ZoneInfo(tz)).replace(second=0, microsecond=0).isoformat(timespec="minutes")


def read_datetime(value: str) -> datetime | None:
    """A stored datetime answer back as an aware datetime (None when empty or unreadable)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def parse_choice(raw: str, choices: list[str]) -> str:
    """One of ``choices`` (case-insensitive, by prefix or number), or 'other: ...'."""
    text = raw.strip()
    low = text.casefold()
    if low.startswith("other"):
        detail = text[5:].lstrip(" :-")
        if detail:
            return f"other: {detail}"
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    exact = [c for c in choices if c.casefold() == low]
    if exact:
        return exact[0]
    prefix = [c for c in choices if c.casefold().startswith(low)] if low else []
    if len(prefix) == 1:
        return prefix[0]
    listed = ", ".join(choices)
    raise AnswerError(f"'{raw}' is not one of the choices; pick one of {listed}, or write 'other: ...'.")


def parse_yesno(raw: str) -> str:
    """'yes' or 'no', optionally followed by details ('yes - INC-1880 in March')."""
    text = raw.strip()
    m = re.match(r"^(\w+)\b[\s,.:;\u2013\u2014-]*(.*)$", text, re.S)
    word = m[1].casefold() if m else ""
    if word not in YES | NO:
        raise AnswerError(f"'{raw}' is not yes or no; answer yes, no (details may follow), or 'unknown'.")
    base = "yes" if word in YES else "no"
    detail = m[2].strip() if m else ""
    return f"{base} - {detail}" if detail else base


def parse_value(question: Question, raw: str | list[str], tz: str, reference: date | None = None) -> str | list[str]:
    """The stored value for a real answer to ``question``; AnswerError when it does not fit."""
    if question.type in ("people", "list"):
        items = parse_people(raw) if question.type == "people" else split_lines(raw)
        if not items:
            raise AnswerError("The answer is empty; write one item per line, or 'unknown' / 'skip'.")
        return items
    text = "\n".join(raw).strip() if isinstance(raw, list) else raw.strip()
    if not text:
        raise AnswerError("The answer is empty; write something, or 'unknown' / 'skip'.")
    if question.type == "datetime":
        return stored_datetime(parse_datetime(text, tz, reference), tz)
    if question.type == "duration":
        return format_duration(parse_duration(text))
    if question.type == "choice":
        return parse_choice(text, question.choices)
    if question.type == "yesno":
        return parse_yesno(text)
    return text


def validate(question: Question, raw: str | list[str], tz: str, reference: date | None = None) -> str | None:
    """None when ``raw`` would be accepted for ``question``, else the sentence explaining why not."""
    if classify(raw):
        return None
    try:
        parse_value(question, raw, tz, reference)
    except AnswerError as exc:
        return str(exc)
    return None
