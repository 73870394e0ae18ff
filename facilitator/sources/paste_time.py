"""Times, dates and zones as people write them in pasted transcripts and timeline notes.

Kept apart from the format parsers because every format shares the same vocabulary:
``14:02``, ``2:02 PM``, ``14:02:05.123``, ``2024-12-03T14:02+02:00``, ``16:22 PST``,
``All times in CEST (UTC+2)``, ``Tuesday, December 3rd``, ``--- Day changed Tue Dec 03 2024``.

Zone abbreviations are deliberately read as the *region* they name (``PST`` ->
America/Los_Angeles) rather than as a fixed offset: people write "PST" all year round, and
the tool should place "11:20 PST" on a July day where the team actually was. When the
abbreviation disagrees with the season the parser adds a warning, and an explicit offset
("PST (UTC-7)", "+02:00") always wins over an abbreviation.

Regular expressions and plain ``int()`` do the hot-path work (a 20,000-line paste must parse
well under a second); python-dateutil is only used for the rare free-form date lines.

Dates in words are read in English and in the languages incident tools most often show in
Europe and Latin America (French, German, Spanish, Portuguese, Dutch): ``3 déc. 2024``,
``3. Dez. 2024``, ``3 de dic. de 2024``. The month names are data for a python-dateutil
``parserinfo`` subclass (``MultilingualDates``); the regexes only find where such a date is.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil import parser as dateparser

# Abbreviation -> (IANA region, True when the abbreviation names the summer/daylight time).
ZONE_ABBREVIATIONS: dict[str, tuple[str, bool | None]] = {
    "UTC": ("UTC", None),
    "GMT": ("UTC", None),
    "Z": ("UTC", None),
    "PST": ("America/Los_Angeles", False),
    "PDT": ("America/Los_Angeles", True),
    "PT": ("America/Los_Angeles", None),
    "MST": ("America/Denver", False),
    "MDT": ("America/Denver", True),
    "MT": ("America/Denver", None),
    "CST": ("America/Chicago", False),
    "CDT": ("America/Chicago", True),
    "CT": ("America/Chicago", None),
    "EST": ("America/New_York", False),
    "EDT": ("America/New_York", True),
    "ET": ("America/New_York", None),
    "AKST": ("America/Anchorage", False),
    "AKDT": ("America/Anchorage", True),
    "HST": ("Pacific/Honolulu", None),
    "BRT": ("America/Sao_Paulo", None),
    "WET": ("Europe/Lisbon", False),
    "WEST": ("Europe/Lisbon", True),
    "BST": ("Europe/London", True),
    "CET": ("Europe/Berlin", False),
    "CEST": ("Europe/Berlin", True),
    "EET": ("Europe/Helsinki", False),
    "EEST": ("Europe/Helsinki", True),
    "MSK": ("Europe/Moscow", None),
    "IST": ("Asia/Kolkata", None),
    "SGT": ("Asia/Singapore", None),
    "HKT": ("Asia/Hong_Kong", None),
    "JST": ("Asia/Tokyo", None),
    "KST": ("Asia/Seoul", None),
    "AEST": ("Australia/Sydney", False),
    "AEDT": ("Australia/Sydney", True),
    "NZST": ("Pacific/Auckland", False),
    "NZDT": ("Pacific/Auckland", True),
}

_ABBR_ALT = "|".join(sorted((a for a in ZONE_ABBREVIATIONS if a != "Z"), key=len, reverse=True))
# A zone written after a time: Z, UTC, UTC+2, GMT-07:00, PST, CEST... A bare "+02:00" / "-0700"
# is not in it: "13:30-13:45" is a range far more often than an offset, so bare offsets are
# only read straight after an ISO datetime (``OFFSET`` and ``offset_or_range``).
ZONE = rf"(?:Z|(?:UTC|GMT)\s?[+-]\d{{1,2}}(?::?[0-5]\d)?|(?:{_ABBR_ALT}))(?![\w])"
OFFSET = r"[+-](?:[01]\d|2[0-3]):?[0-5]\d(?![\d:])"
# 14:02, 14:02:05, 14:02:05.123, 2:02 PM, 2:02pm, 2:02 p.m.
# Atomic (Python 3.11+): "10:42 AM" never gives its "AM" back to become a message's text.
TIME = r"(?>(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,6})?)?(?:\s?[AaPp]\.?[Mm]\.?(?![\w]))?)"
# 2024-12-03, 2024/12/03, and the numeric forms chat apps export: 12/3/24, 03/12/2024, 03.12.2024, 24-6-2019,
# and the year-first dotted form of Hungarian and Korean locales: 2025. 11. 16.
ISO_DATE = r"\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}(?!\d)|(?:19|20)\d{2}\.\s?\d{1,2}\.\s?\d{1,2}\.(?!\d)|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?!\d)|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}-\d{1,2}-\d{4}(?!\d)"
# "6/8" as Teams shows a date this year (month first or day first, as the paste's other dates).
SHORT_DATE = r"\d{1,2}/\d{1,2}(?![\d/])"
APPROX = r"(?:ca\.?|circa|approx\.?|approximately|around|about|~)"
# A time someone could not remember: "2X:XX", "??:??", "1?:30" (at least one placeholder).
UNKNOWN_TIME = r"(?=[\d:]*[Xx?])[\dXx?]{1,2}:[\dXx?]{2}(?![\w?:])"

_TIME_PARTS = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s?(?:([AaPp])\.?[Mm]\.?)?")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s?([+-])(\d{1,2})(?::?(\d{2}))?$")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_WEEKDAYS = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
# Month and weekday names in French, German, Spanish, Portuguese and Dutch (full and the
# abbreviations their locales print), beside the English ones dateutil knows. Left out on
# purpose: Portuguese "set" and "out", which are far more often English words than months.
FOREIGN_MONTHS: tuple[tuple[str, ...], ...] = (
    ("janvier", "janv", "januar", "jänner", "enero", "ene", "janeiro", "januari"),
    ("février", "fevrier", "févr", "fevr", "februar", "febrero", "fevereiro", "fev", "februari"),
    ("mars", "märz", "maerz", "mär", "mrz", "marzo", "março", "marco", "maart", "mrt"),
    ("avril", "avr", "abril", "abr"),
    ("mai", "mayo", "maio", "mei"),
    ("juin", "juni", "junio", "junho"),
    ("juillet", "juil", "juli", "julio", "julho"),
    ("août", "aout", "agosto", "ago", "augustus"),
    ("septembre", "septiembre", "setiembre", "setembro"),
    ("octobre", "oktober", "okt", "octubre", "outubro"),
    ("novembre", "noviembre", "novembro"),
    ("décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dezembro"),
)
FOREIGN_WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("lundi", "montag", "lunes", "segunda-feira", "maandag"),
    ("mardi", "dienstag", "martes", "terça-feira", "dinsdag"),
    ("mercredi", "mittwoch", "miércoles", "miercoles", "quarta-feira", "woensdag"),
    ("jeudi", "donnerstag", "jueves", "quinta-feira", "donderdag"),
    ("vendredi", "freitag", "viernes", "sexta-feira", "vrijdag"),
    ("samedi", "samstag", "sábado", "sabado", "zaterdag"),
    ("dimanche", "sonntag", "domingo", "zondag"),
)


def _alternation(groups: tuple[tuple[str, ...], ...]) -> str:
    words = sorted({w for group in groups for w in group}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


_MONTH_WORD = rf"(?:(?:{_MONTHS})[a-z]*|(?:{_alternation(FOREIGN_MONTHS)})(?![^\W\d_]))"
_WEEKDAY_WORD = rf"(?:(?:{_WEEKDAYS})[a-z]*|(?:{_alternation(FOREIGN_WEEKDAYS)})(?![^\W\d_]))"
# "3 de dic. de 2024" (Spanish, Portuguese): the "de" around the month.
_DE = r"(?:de\s+)?"
# Dates in words: "Tuesday, December 3rd", "Dec 3, 2024", "3 December 2024", "Tue Dec 03 2024",
# the day-first "19. April" written in German, Scandinavian and Dutch notes, and the same with
# month names in other languages ("3 déc. 2024", "Dienstag, 3. Dezember 2024").
DAY_MONTH_YEAR = rf"\d{{1,2}}\.?\s+{_DE}{_MONTH_WORD}\.?,?\s+{_DE}\d{{4}}"  # "3 déc. 2024", "3. Dez. 2024"
WORD_DATE = re.compile(
    rf"(?:\b{_WEEKDAY_WORD}\.?,?\s+)?"
    rf"(?:\b{_MONTH_WORD}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s+{_DE}{_MONTH_WORD}\.?(?:,?\s+{_DE}\d{{4}})?)\b",
    re.IGNORECASE,
)


class MultilingualDates(dateparser.parserinfo):
    """dateutil's English date words plus French, German, Spanish, Portuguese and Dutch ones."""

    MONTHS = [(*english, *foreign) for english, foreign in zip(dateparser.parserinfo.MONTHS, FOREIGN_MONTHS)]
    WEEKDAYS = [(*english, *foreign) for english, foreign in zip(dateparser.parserinfo.WEEKDAYS, FOREIGN_WEEKDAYS)]
    JUMP = [*dateparser.parserinfo.JUMP, "de", "à", "às", "um", "om"]


_DATE_WORDS_INFO = MultilingualDates()
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAY_WORD}\.?,?\s+(?=\S)", re.IGNORECASE)
_ISO_DATE_RE = re.compile(rf"\b(?:{ISO_DATE})\b")
_WEEKDAY_ONLY = re.compile(rf"^(?:{_WEEKDAYS})[a-z]*$", re.IGNORECASE)
_PREAMBLE = re.compile(r"\b(?:times?|timezone|time\s+zone|tz|timestamps?|clock)\b", re.IGNORECASE)
_REGION_WORDS = {
    "central european": "Europe/Berlin",
    "pacific": "America/Los_Angeles",
    "mountain": "America/Denver",
    "central": "America/Chicago",
    "eastern": "America/New_York",
}
_REGION_RE = re.compile(r"\b(central european|pacific|mountain|central|eastern)\b", re.IGNORECASE)
_IANA = re.compile(r"\b([A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\b")
_PLACE = re.compile(r"\b[A-Z][a-z]+(?:[ _][A-Z][a-z]+){0,2}\b")  # "London", "New York", "Sao Paulo"


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """The IANA zones by their city ("new york" -> "America/New_York"), read once when first asked."""
    out: dict[str, str] = {}
    for name in available_timezones():
        area, _, city = name.rpartition("/")
        if area and area.split("/")[0] not in ("Etc", "SystemV", "US", "Antarctica"):
            out.setdefault(city.replace("_", " ").lower(), name)
    return out
_ZONE_WORD = re.compile(rf"(?<![\w+-]){ZONE}")
_PAREN_OFFSET = re.compile(r"\(\s*(?:UTC|GMT)\s?([+-]\d{1,2}(?::?\d{2})?)\s*\)")


@lru_cache(maxsize=8192)
def parse_clock(text: str) -> time:
    """'14:02', '2:02 PM', '14:02:05.5' -> time; the caller has already matched TIME."""
    m = _TIME_PARTS.search(text)
    if m is None:  # pragma: no cover - callers only pass matched TIME text
        raise ValueError(text)
    hour, minute = int(m.group(1)), int(m.group(2))
    second = int(m.group(3) or 0)
    micro = int((m.group(4) or "0").ljust(6, "0")[:6])
    if m.group(5) and hour <= 12:  # "17:14pm": a 24-hour clock with a stray suffix, keep 17:14
        pm = m.group(5).lower() == "p"
        if hour == 12:
            hour = 12 if pm else 0
        elif pm:
            hour += 12
    return time(hour % 24, minute, second, micro)


def stray_meridiem(text: str) -> bool:
    """True for '17:14pm': an hour past 12 with AM/PM, whose suffix ``parse_clock`` ignores."""
    m = _TIME_PARTS.search(text)
    return bool(m and m.group(5) and int(m.group(1)) > 12)


def offset_or_range(offset: str, start: str, *, dated: bool, iso: bool) -> tuple[tzinfo | None, str, str]:
    """(zone, token, range end) for a bare '+02:00' / '-13:45' written straight after the time ``start``.

    '+' is always an offset. '-' is one only after a date and time (``dated``): an ISO datetime
    ('2024-12-03T10:00-07:00', or with seconds), an offset without a colon ('-0700', as git and
    syslog write it), or one that as a range end would come before the start ('10:32-07:00').
    Anything else ('13:30-13:45') is a range whose end the caller keeps in the text.
    """
    end = offset[1:] if ":" in offset else f"{offset[1:3]}:{offset[3:]}"
    backwards = parse_clock(end) < parse_clock(start) and end[-2:] in ("00", "30", "45")
    if offset[0] == "+" or (dated and (iso or ":" not in offset or backwards)):
        zone = zone_from_token(offset)
        if zone is not None:
            return zone, offset, ""
    return None, "", end


def parse_iso_date(text: str, near: date | None = None, day_first: bool | None = None) -> date:
    """'2024-12-03', '2024/12/03', '12/3/24', '03.12.2024' -> date (ValueError when not a real day).

    '03/12/2024' is ambiguous (US month first, or day first): ``day_first`` (what the whole
    paste shows, ``slash_date_order``) decides; without it the reading nearest to ``near`` (the
    --date, or today) wins, month-first when there is no hint; dotted and dashed dates
    ('03.12.2024', '24-6-2019') are day first.
    """
    text = text.strip().rstrip(".")
    a, b, c = re.split(r"[-/.]\s*", text)
    if len(a) == 4:
        return date(int(a), int(b), int(c))
    year = int(c) + (2000 if len(c) == 2 else 0)
    if "." in text or "-" in text:  # dotted and dashed dates are written day first
        return date(year, int(b), int(a))
    readings = []
    for month, day in ((int(a), int(b)), (int(b), int(a))):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if not readings:
        raise ValueError(text)
    if day_first is not None and len(readings) == 2:
        return readings[1] if day_first else readings[0]
    if near is None:
        return readings[0]
    return min(readings, key=lambda d: abs((d - near).days))


def _offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    h, m = int(hours), int(minutes or 0)
    if h > 14 or m > 59:
        return None
    delta = timedelta(hours=h, minutes=m)
    if delta == timedelta(0):
        return timezone.utc
    return timezone(delta if sign == "+" else -delta)


@lru_cache(maxsize=256)
def zone_from_token(token: str | None) -> tzinfo | None:
    """A tzinfo for 'Z', '+02:00', 'UTC-7', 'PST', 'Europe/Berlin'; None when not a zone."""
    if not token:
        return None
    token = token.strip()
    if token.upper() in ZONE_ABBREVIATIONS:
        name = ZONE_ABBREVIATIONS[token.upper()][0]
        return timezone.utc if name == "UTC" else ZoneInfo(name)
    m = _OFFSET.match(token.replace(" ", ""))
    if m:
        return _offset_zone(m.group(1), m.group(2), m.group(3))
    if "/" in token:
        try:
            return ZoneInfo(token)
        except (KeyError, ValueError):
            return None
    return None


def season_warning(token: str | None, at: datetime) -> str | None:
    """A note when 'PST' is used on a summer day (or 'CEST' in winter): read as the region's time."""
    if not token:
        return None
    entry = ZONE_ABBREVIATIONS.get(token.strip().upper())
    if entry is None or entry[1] is None:
        return None
    dst = bool(at.dst())
    if dst == entry[1]:
        return None
    return (
        f"'{token}' on {at.date().isoformat()} read as {entry[0]} local time "
        f"(UTC{at.strftime('%z')[:3]}:{at.strftime('%z')[3:]}); write an explicit offset if you meant otherwise."
    )


def preamble_zone(line: str) -> tuple[tzinfo, str] | None:
    """The zone a line like 'All times in CEST (UTC+2)' or '(UTC-7)' declares, with its label."""
    stripped = line.strip().strip("*_#>`").strip()
    paren = _PAREN_OFFSET.search(stripped)
    bare_paren = re.fullmatch(r"\(\s*((?:UTC|GMT)\s?[+-]?\d{0,2}(?::?\d{2})?)\s*\)\.?", stripped)
    if not (_PREAMBLE.search(stripped) or bare_paren):
        return None
    if paren:  # an explicit offset wins over the abbreviation next to it
        sign, rest = paren.group(1)[0], paren.group(1)[1:]
        hours, _, minutes = rest.partition(":")
        if len(hours) > 2:
            hours, minutes = hours[:-2], hours[-2:]
        zone = _offset_zone(sign, hours, minutes or None)
        if zone is not None:
            return zone, f"UTC{paren.group(1)}"
    iana = _IANA.search(stripped)
    if iana and (zone := zone_from_token(iana.group(1))) is not None:
        return zone, iana.group(1)
    for m in _ZONE_WORD.finditer(stripped):
        token = m.group(0)
        if token == "Z":
            continue
        zone = zone_from_token(token)
        if zone is not None:
            return zone, token
    region = _REGION_RE.search(stripped)  # "All times in Pacific time", even "UC/Pacific"
    if region:
        name = _REGION_WORDS[region.group(1).lower()]
        return ZoneInfo(name), name
    for place in _PLACE.finditer(stripped):  # "my clock, London": the city's zone
        name = _cities().get(place.group(0).replace("_", " ").lower())
        if name is not None:
            return ZoneInfo(name), name
    return None


def find_date(text: str, default_year: int, near: date | None = None, day_first: bool | None = None) -> date | None:
    """The first date written in ``text`` (numeric or in words); None when there is none."""
    m = _ISO_DATE_RE.search(text)
    if m:
        try:
            return parse_iso_date(m.group(0), near, day_first)
        except ValueError:
            return None
    m = WORD_DATE.search(text)
    if m is None:
        return None
    if not re.search(r"\d{4}", m.group(0)):
        # "Tue Dec 03 10:00:11 2024" (IRC logs): the year comes after the time.
        year = re.search(r"\b(?:19|20)\d{2}\b", text[m.end() :])
        default_year = int(year.group(0)) if year else default_year
    try:
        words = _LEADING_WEEKDAY.sub("", m.group(0))  # the date says which day; "terça-feira" trips dateutil
        parsed = dateparser.parse(words, default=datetime(default_year, 1, 1), parserinfo=_DATE_WORDS_INFO)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None


_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})(?![\d/])")
_MERIDIEM = re.compile(r"\d:[0-5]\d\s?[AaPp]\.?[Mm]\b")


def slash_date_order(text: str, *, hint: bool) -> bool | None:
    """True when the paste's '08/06/2021' dates are day first, False when month first, None when unknown.

    A day past 12 settles it ('13/06/2021' is day first, '06/13/2021' month first). Otherwise,
    when ``hint`` allows a guess (no --date to compare against), the clock decides: apps that
    write '10:42 AM' are set to a US locale (month first), those writing '22:42' mostly are not.
    """
    if "/" not in text:
        return None
    first = second = found = False
    for m in _SLASH_DATE.finditer(text):
        found = True
        first = first or int(m.group(1)) > 12
        second = second or int(m.group(2)) > 12
    if first != second:
        return first
    if not found or not hint:
        return None
    return _MERIDIEM.search(text) is None


_ENGLISH_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_YEAR = re.compile(r"\d{4}")


def weekday_year(text: str, day: date) -> date:
    """``day`` moved to the nearest year whose calendar gives it the weekday ``text`` names.

    Slack's dividers leave the year out ("Thursday, December 30th"); the weekday beside the date
    says which year it was, so a paste crossing New Year's Day keeps the old year's days.
    """
    m = _LEADING_WEEKDAY.match(text)
    if m is None or _YEAR.search(text):
        return day
    word = m.group(0).strip(" ,.").lower()
    wanted = next((i for i, prefix in enumerate(_ENGLISH_WEEKDAYS) if word.startswith(prefix)), None)
    if wanted is None:
        wanted = next((i for i, names in enumerate(FOREIGN_WEEKDAYS) if word in names), None)
    if wanted is None or day.weekday() == wanted:
        return day
    for year in (day.year - 1, day.year + 1):
        try:
            moved = day.replace(year=year)
        except ValueError:  # 29 February
            continue
        if moved.weekday() == wanted:
            return moved
    return day


def relative_day(text: str, today: date) -> date | None:
    """Slack's dividers 'Today', 'Yesterday' and a bare weekday, relative to ``today``."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if _WEEKDAY_ONLY.match(word):
        wanted = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(word[:3])
        return today - timedelta(days=(today.weekday() - wanted) % 7)
    return None


# Stamps that count back from when the page was copied: "[3 hours ago]", "an hour ago", "just now".
AGO = r"(?i:(?:\d{1,3}|an?|one)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)\s+ago|just\s+now)"
# "yesterday at 5:25 PM", "Today at 10:32": a day word before a header's clock time.
REL_DAY_AT = r"(?i:today|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+(?:at\s+)?"  # Teams writes "Yesterday 10:42 PM", "Thursday 3:28 PM"
_AGO_PARTS = re.compile(r"(?P<n>\d+|an?|one)\s+(?P<unit>[a-z])", re.IGNORECASE)


def ago_delta(text: str) -> timedelta:
    """How far back "3 hours ago" / "a minute ago" / "just now" counts."""
    m = _AGO_PARTS.search(text)
    if m is None:
        return timedelta(0)
    amount = int(m.group("n")) if m.group("n").isdigit() else 1
    unit = m.group("unit").lower()
    if unit == "w":
        return timedelta(weeks=amount)
    if unit == "d":
        return timedelta(days=amount)
    if unit == "h":
        return timedelta(hours=amount)
    if unit == "m":
        return timedelta(minutes=amount)
    return timedelta(seconds=amount)
