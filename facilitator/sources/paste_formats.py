"""The paste formats: how each one recognises where a message starts and who wrote it.

This module holds what the formats share (``Entry``, the marks, the line patterns, headings);
the line-based formats themselves run in ``paste_lines.py``, the chat apps in their own
modules. Every format turns the lines of a paste into a flat stream of ``Entry`` (a message start,
with the continuation lines that follow it) and ``DayMark`` (a line that says which day it
is: a Slack date divider, an IRC "Day changed", a dated Markdown heading). Turning clock
times into aware datetimes (dates carried forward, midnight rollover, zones) is done once,
for all formats, in ``paste_place.py``; keeping it out of here means each format only answers
"is this line a message start, and what does it say?".

Formats and their names (``Transcript.format``):

* ``timestamped`` ``[2024-12-03 10:32:05] Alice Smith: text``, ``2024-12-03T10:32Z Alice: text``
                  (also ``3 déc. 2024 10:32 Alice: text``: month names in French, German, Spanish...;
                  Element's export ``Tue, Jun 8 2021 10:32:05 - Alice: text``; WeeChat's
                  ``2024-12-03 10:32:05 @alice | text``)
* ``irc``         ``[10:32:05] <alice> text``, ``10:32 <alice> text``, ``--- Day changed ...``, ZNC's
                  ``*** Joins: alice``, WeeChat's ``10:32:05 @alice | text``, Matrix and Discord's
                  compact ``[10:32 AM]alice: text``
* ``slack``       Slack desktop copy-paste: ``Alice Smith  10:32 AM`` headers (``paste_slack.py``;
                  also Mattermost, Rocket.Chat, Zulip, Google Chat and Teams' one-line headers)
* ``teams``       Microsoft Teams copy-paste: ``[10:32 AM] Alice Smith`` + text below (``paste_chat_apps.py``)
* ``discord``     Discord copy-paste: ``Alice — Today at 10:32 AM`` + text below (``paste_chat_apps.py``)
* ``timeline``    notes: ``- 14:02 UTC: text``, ``14:02 - text``, ``* **14:02** text``
* ``headings``    Markdown heading timelines: ``### 2017-11-30 16:22 PST`` + body lines
* ``table``       Markdown tables with a time/when/timestamp column (``paste_table.py``)

Notes are often vague about time, and none of it may be lost or passed off as precise: a
range ``13:30-13:45`` keeps its end in the text (a bare ``-13:45`` is an offset only after a
full date and time), ``~13:30`` is approximate, ``2X:XX`` / ``??:??`` is unknown, and a dated
heading with notes but no time (``### 2018-01-15``) is a date-only entry (``Entry.precision``).

The Slack, Teams / Discord and table parsers live in their own modules; this one holds the shared
model and the line-based formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta, tzinfo
from functools import lru_cache

from facilitator.sources.bot_names import MXID, MXID_BODY
from facilitator.sources.paste_time import (
    APPROX,
    DAY_MONTH_YEAR,
    ISO_DATE,
    OFFSET,
    SHORT_DATE,
    TIME,
    UNKNOWN_TIME,
    WORD_DATE,
    ZONE,
    find_date,
    offset_or_range,
    parse_clock,
    parse_iso_date,
    preamble_zone,
    weekday_year,
    zone_from_token,
)
from facilitator.transcript import UNTIMED


@dataclass(slots=True)
class Entry:
    """A message start found by a format, plus the continuation lines that follow it."""

    line: int  # 1-based
    lines: list[str]
    clock: time
    author: str = ""
    day: date | None = None
    zone: tzinfo | None = None
    zone_token: str = ""
    is_bot: bool = False
    subtype: str = ""
    approx: bool = False
    edited: bool = False
    level: int = 0  # heading level for the headings format
    clock_text: str = ""  # as written, to tell "1:05" (maybe PM) from "01:05" or "1:05 PM"
    until: str = ""  # end of a written range ("8:20 - 8:24")
    precision: str = ""  # Message.time_precision: "", "approximate", "date-only", "unknown"
    ago: timedelta | None = None  # "[3 hours ago]": counted back from when the paste was copied


@dataclass(slots=True)
class BlockMark:
    """A line that starts another channel's log in the paste ("#infra-ops"): its own clock run,
    in the zone the line names ("#ops (Pacific time)") if it names one."""

    line: int
    zone: tuple[tzinfo, str] | None = None

    @classmethod
    def at(cls, line: int, text: str) -> BlockMark:
        return cls(line, preamble_zone(text))


@dataclass(slots=True)
class DayMark:
    """A line that says which day the following messages belong to."""

    line: int
    day: date


@dataclass
class Parsed:
    """What a format found: entries and day marks in order, plus everything else."""

    items: list[Entry | DayMark | BlockMark] = field(default_factory=list)
    unattributed: list[tuple[int, str]] = field(default_factory=list)
    title: str = ""
    zone: tuple[tzinfo, str] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def has_entries(self) -> bool:
        """True once at least one message start was found."""
        return any(isinstance(i, Entry) for i in self.items)

    @property
    def has_timed_entries(self) -> bool:
        """True once a message start with a clock time was found (date-only headings do not count)."""
        return any(isinstance(i, Entry) and i.precision != "date-only" for i in self.items)

    def undated_block_days(self, default: date | None) -> dict[int, date]:
        """For each channel log (by its BlockMark's line) that names no date, the day it is on.

        A log pasted just below a day divider is on that day ("--- Log opened Mon Feb 26" over
        "--- #flutter-release"), and so is a log that goes on from it without a clock jump back
        (a divider "Friday, January 2nd", "#admins" 09:45-10:30, then "#users" from 10:34). A log
        above every stated day is left to the paste's own day. Any other log is on the written
        day whose messages its clock times sit nearest: after two logs dated the 23rd and the
        24th, alerts at 10:07 follow the 24th's 08:47-10:04 rather than precede the 23rd's 17:02.
        Where days fit equally well it stays on ``default`` (the paste's day).
        """
        spans: dict[date, list[time]] = {}
        undated: dict[int, list[time]] = {}
        block: int | None = None  # the line of the current undated log's BlockMark
        day = default
        said = False  # a day was stated with no message after it yet
        divided: date | None = None  # the day of the run below a divider, while logs go on from it
        latest: time | None = None  # the last clock of that run
        out: dict[int, date] = {}
        stated = False  # a day was stated above: logs before any are on the paste's own day
        for item in self.items:
            if isinstance(item, BlockMark):
                block = None if said or not stated else item.line
                if block is not None:
                    undated[block] = []
                elif said:
                    divided, latest = day, None  # a divider over a channel's name: the logs below go on that day
            elif isinstance(item, DayMark) or (isinstance(item, Entry) and item.day is not None):
                day = item.day
                if block is not None and not undated[block]:
                    del undated[block]  # the log opens with its date: nothing to guess
                block = None
                divided, latest = None, None
                stated = True
            said = isinstance(item, DayMark) or (said and isinstance(item, BlockMark))
            if not isinstance(item, Entry) or item.precision in UNTIMED or item.ago is not None:
                continue
            if block is not None and not undated[block] and block not in out and divided is not None:
                if latest is not None and item.clock >= latest:
                    out[block] = divided  # it goes on from the log below the divider
                else:
                    divided = None
            latest = item.clock
            if block is not None and block not in out:
                undated[block].append(item.clock)
            elif block is not None or day is not None:
                spans.setdefault(out[block] if block is not None else day, []).append(item.clock)
        if len(spans) < 2:
            return out
        ranges = {d: (_minutes(min(clocks)), _minutes(max(clocks))) for d, clocks in spans.items()}
        for line, clocks in undated.items():
            if not clocks:
                continue
            first, last = _minutes(min(clocks)), _minutes(max(clocks))
            # the gap between the log's run of times and each day's (0 where they overlap)
            out[line] = min(ranges, key=lambda d: (max(ranges[d][0] - last, first - ranges[d][1], 0), d != default, d))
        return out


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


# --- shared pieces -------------------------------------------------------------------

_DATE_WORDS = WORD_DATE.pattern
_UNTIL = rf"(?:\s*(?:-|–|—|to|until)\s*(?P<until>{TIME})(?:\s*{ZONE})?)?"  # "8:20 - 8:24"
# A clock in notes: a time (maybe followed by "+02:00", read by ``clock_fields``), a zone and a
# range end; or a time nobody remembers ("2X:XX", "??:??").
_CLOCK = rf"(?:(?P<time>{TIME})(?P<offset>{OFFSET})?\s*(?P<zone>{ZONE})?{_UNTIL}|(?P<unknown>{UNKNOWN_TIME}))"
_SEP = r"(?:\s*[-–—:|]\s+|\s*[-–—:|](?=\S)|\s+)"
_MONTH_DAY = r"(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?)"
# "3 déc. 2024 10:32", "3. Dez. 2024 um 10:32": day-first dates in words, as European locales print them.
_DAY_MONTH_YEAR = rf"(?i:{DAY_MONTH_YEAR})"
_LOCALE_AT = r",?\s+(?:at|um|à|às|om)\s+"  # the "at" between date and time, in English, German, French, Portuguese, Dutch
_WEEKDAY_PREFIX = r"(?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"  # Element's export: "Tue, Jun 8 2021 10:42:03"
# "[27.05.18 07:58]": a German day-first date with a two-digit year, read only as a stamp's date
DOTTED_SHORT_YEAR = r"\d{1,2}\.\d{1,2}\.\d{2}(?![\d.])"
# "[12-Jul-18 11:41 AM]": DiscordChatExporter's day, month in words and year, read only as a stamp's date
DASHED_DAY = r"\d{1,2}-(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}-(?:\d{4}|\d{2})"
# "[06/13 11:54]": a day without its year, read only inside a stamp's bracket
TS_RE = re.compile(
    rf"^\[?\s*{_WEEKDAY_PREFIX}(?P<date>{ISO_DATE}|{_MONTH_DAY}|{_DAY_MONTH_YEAR}|{DOTTED_SHORT_YEAR}|(?<=\[){SHORT_DATE})"
    rf"(?P<sep>[T ,]|{_LOCALE_AT})\s*(?P<time>{TIME})"
    rf"(?:\s?(?P<offset>{OFFSET}))?\s*(?P<zone>{ZONE})?\s*\]?{_SEP}?(?P<rest>.*)$"
)
IRC_RE = re.compile(
    rf"^[\[(]?(?P<time>{TIME})(?:[\])]\s*|\s+)"
    rf"(?:(?!{ZONE}\s)(?P<bnick>[@+%&~!]?[^\s|│<]{{1,40}})\s+[|│](?:\s(?P<btext>.*))?"  # WeeChat: "@dana | text"
    # "#ops <dana>" in a merged log; a channel operator's "@" goes, a Matrix ID's stays ("<@simon:acurast.chat>")
    rf"|(?:[#&][\w.\-]{{1,40}}\s+)?<\s*(?:[@+%&~!](?!{MXID_BODY}\s*>))?\s*(?P<nick>[^>]{{1,40}}?)\s*>\s?(?P<text>.*)"
    # a notice in irssi: "-pingbot- DOWN: …", "-OperServ(services@host)- …", "-hc-monitor:#hc- [ALERT] …"
    r"|-(?P<nnick>[^\s\-!()][^\s():]{0,39}?)(?::[#&][^\s()]{1,40})?(?:\([^)\s]{0,80}\))?-\s(?P<ntext>.*)"
    # "[14:02] alice: text", "(14:02:03) alice: text" (Pidgin), "[21:54] #ops  Lena Vogt: text" in a merged log
    # (a Matrix ID as the speaker: "[19:15:40] @marko:toncore.example: text" in an Element export)
    rf"|(?:[#&][\w.\-]{{1,40}}\s+)?(?P<cnick>{MXID}|(?!-!-|--)[^\s:<>\[\]*][^:<>\[\]]{{0,39}}?):\s(?P<ctext>.*)"
    r"|\*\s+(?P<anick>\S+)\s+(?P<atext>.*)"
    r"|(?:-!-|\*\*\*|-->|<--|--)\s*(?P<sys>.*))$"
)
IRC_DAY_RE = re.compile(
    r"^(?:-{2,3}\s+(?:Day changed|Log opened|Log closed)\b|Session (?:Start|Time|Close):)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
TL_RE = re.compile(
    rf"^\s{{0,3}}(?:[-*+•]|\d{{1,3}}[.)])?\s*(?:\*\*|__|`)?\s*(?:(?P<date>{ISO_DATE}|{_MONTH_DAY})(?P<sep>[T ,]+))?"
    rf"(?P<approx>{APPROX}\s*)?{_CLOCK}\s*(?::?(?:\*\*|__|`|\*|_)(?=[\s:|–—-]))?"  # "**18:46:**", "*06:00*:"
    rf"(?:\s*[-–—:|]\s*|\s+)(?P<rest>\S.*)$"
)
# A time alone on its line, marked as a label ("**18:30**", "- 14:02 UTC:"), with the text below it.
BARE_TL_RE = re.compile(
    rf"^\s{{0,3}}(?P<bullet>[-*+•]\s*)?(?P<mark>\*\*|__|`)?\s*(?:(?P<date>{ISO_DATE}|{_MONTH_DAY})(?P<sep>[T ,]+))?"
    rf"(?P<approx>{APPROX}\s*)?{_CLOCK}\s*(?:\*\*|__|`)?\s*(?P<colon>:)?$"
)
HD_RE = re.compile(
    rf"^(?P<hashes>#{{1,6}})\s+(?:\*\*|__)?\s*(?:(?P<date>{ISO_DATE}|{_DATE_WORDS})(?P<sep>[T ,]+))?"
    rf"(?P<approx>{APPROX}\s*)?{_CLOCK}\s*(?:\*\*|__)?\s*"
    rf"(?:[-–—:|]\s*)?(?P<rest>.*)$",
    re.IGNORECASE,
)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A channel's name on a line of its own, as people label each log they paste: "#infra-ops",
# "--- #sig-testing ---", "Channel: #ops", "# #incident-42" (a Markdown heading naming a channel),
# "----- slack #core-incidents -----".
CHANNEL_HEADER_RE = re.compile(
    # "#ops", "== #ops ==", "---- pasted from #inc-42 ----", "== #ubuntu-release (pasted) =="
    # "----- slack #core-incidents -----": the app named before the channel
    r"^(?:#{1,6}\s+)?(?:[-=*_~>]+\s*)?(?:(?i:slack|teams|discord|matrix|element|zulip|mattermost|irc)\s*:?\s+)?"
    r"(?:(?i:channel|room|stream)\s*:?\s*)?(?:(?i:(?:pasted|copied)\s+)?(?i:from)\s+)?"
    r"#(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]{0,79}(?:\s*\([^()]{1,40}\))?(?:\s*[-=*_~]+)?$"
)


BOX_RULES = "\u2500\u2501\u2550"  # box-drawing lines a day divider may be ruled with: "──── Monday, November 1, 2021 ────"


# A ruled line naming what follows: "----- incident.io export -----", "==== PagerDuty log ===="
_NAMED_RULE_RE = re.compile(r"^(?:={2,}|-{3,})\s*[^-=\s].{0,60}?\s*(?:={2,}|-{3,})$")  # "== bridge meeting chat ==" too


_QUOTED_MAIL_RE = re.compile(r"(?i)\b(?:original|forwarded)\s+message\b|\bforwarded\s+by\b|\breply\s+(?:above|below)\b")


def named_rule(line: str) -> bool:
    """True for a ruled line naming the log below it ("=== Chat room: sev1 (copied) ==="): another
    log starts there; not a day divider drawn as a rule ("----- Friday, January 2nd -----")."""
    if not (line[:3] == "---" or line[:2] == "==") or not _NAMED_RULE_RE.match(line.strip()):
        return False
    inner = line.strip().strip("-= ")
    if _QUOTED_MAIL_RE.search(inner):  # "-------- Original Message --------": a mail quoted in a message
        return False
    found = WORD_DATE.search(inner) or re.search(ISO_DATE, inner)
    if found is None:
        return True
    rest = (inner[: found.start()] + " " + inner[found.end() :]).lower()
    return bool(re.sub(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:st|nd|rd|th)\b|[\W\d_]", "", rest))


def bare_date(line: str, ctx: "Ctx") -> date | None:
    """The day a line that holds only a date names ("2024-03-05", "Tuesday, March 5th, 2024")."""
    core = line.strip().strip(f"-—–=*_[]()~ {BOX_RULES}").strip()
    if not core or len(core) > 40 or not any(c.isdigit() for c in core):
        return None
    if not (WORD_DATE.fullmatch(core) or re.fullmatch(ISO_DATE, core)):
        return None
    day = find_date(core, ctx.default_year, ctx.today, ctx.day_first)
    return weekday_year(core, day) if day is not None else None


# A channel's name with the day its log below covers: "#wynton-ops — Friday, September 9, 2022"
# or in brackets after it, one header per day's log: "#inc-orbit-degen-apex  (Sunday, May 12th)"
_CHANNEL_DAY_RE = re.compile(r"^#[\w.-]{1,80}\s+(?:[\u2014\u2013|\-\u00b7]\s+(?P<day>\S.{0,40})|\((?P<bday>[^()]{3,40})\))$")


def channel_day(line: str, ctx: "Ctx") -> date | None:
    """The day a channel's name line gives the log below it ("#ops — Friday, September 9, 2022")."""
    m = _CHANNEL_DAY_RE.match(line.strip())
    return bare_date(m.group("day") or m.group("bday"), ctx) if m else None


FENCE_RE = re.compile(r"^\s*(```|~~~)")
_DIGIT = re.compile(r"\d")


def has_early_digit(line: str) -> bool:
    """Cheap pre-check: a line that starts a timeline entry has a digit near its start."""
    return _DIGIT.search(line, 0, 40) is not None


def match_zone(m: re.Match[str]) -> tuple[tzinfo | None, str, str]:
    """(zone, token, range end) of a time match: a named zone, or a bare offset read by ``offset_or_range``."""
    groups = m.re.groupindex
    offset = m.group("offset") if "offset" in groups else None
    until = m.group("until") or "" if "until" in groups else ""
    if offset:
        clock = m.group("time") or ""
        dated = bool(m.group("date"))
        iso = dated and ("T" in (m.group("sep") or "") or clock.count(":") >= 2)
        zone, token, end = offset_or_range(offset, clock, dated=dated, iso=iso)
        if zone is not None:
            return zone, token, until
        until = until or end
    token = m.group("zone")
    return (zone_from_token(token), token, until) if token else (None, "", until)


def clock_entry(m: re.Match[str], no: int, lines: list[str], ctx: Ctx, **kw: object) -> Entry:
    """An Entry from a match with the ``_CLOCK`` groups: time, zone, range end, precision."""
    zone, token, until = match_zone(m)
    day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first)
    unknown = m.group("unknown") if "unknown" in m.re.groupindex else None
    if unknown:
        first = f"(time unknown: {unknown}) {lines[0] if lines else ''}".rstrip()
        lines = [first, *lines[1:]]
        return Entry(no, lines, time(0), day=day, zone=zone, zone_token=token, precision="unknown", **kw)
    approx = bool(m.group("approx"))
    return Entry(no, lines, parse_clock(m.group("time")), day=day, zone=zone, zone_token=token, approx=approx,
                 clock_text=m.group("time"), until=until, precision="approximate" if approx else "", **kw)


_ISO_DAY = re.compile(f"{ISO_DATE}|{DOTTED_SHORT_YEAR}")
_SHORT_DAY = re.compile(SHORT_DATE)
_DASHED_DAY = re.compile(DASHED_DAY, re.IGNORECASE)


@lru_cache(maxsize=1024)
def match_day(token: str | None, today: date, year: int | None = None, day_first: bool | None = None) -> date | None:
    """The date a regex captured (numeric or in words), read near ``today``; None when invalid.

    A date in words without a year ("19. April") takes ``year`` (the last year the paste stated).
    """
    if not token:
        return None
    if _SHORT_DAY.fullmatch(token):  # "6/8": this year's day, as Teams writes it
        token = f"{token}/{year or today.year}"
    elif dashed := _DASHED_DAY.fullmatch(token):  # "12-Jul-18" is 12 Jul 2018
        day_no, month, short = dashed.group(0).split("-")
        return find_date(f"{day_no} {month} {short if len(short) == 4 else '20' + short}", year or today.year)
    if _ISO_DAY.fullmatch(token):
        try:
            return parse_iso_date(token, today, day_first)
        except ValueError:
            return None
    return find_date(token, year or today.year)


# --- line-based formats --------------------------------------------------------------

@dataclass
class Ctx:
    """What a format needs to know beyond the lines: the year and day for relative dates."""

    default_year: int
    today: date
    day_first: bool | None = None  # how the paste writes '08/06/2021' (``slash_date_order``)
    started: bool = False  # ``today`` is the day the paste starts (--date), not the day it was copied


# Section headings that are not the incident's title.
_SECTION_NAMES = frozenset(
    {"timeline", "incident timeline", "summary", "overview", "notes", "log", "chat log", "transcript", "events",
     "background", "details", "impact", "root cause", "what happened"}
)


_CHANNEL_TOKEN = r"#(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]{0,79}"  # "#cloudbank-incident"
_CHANNEL_TOKEN_RE = re.compile(_CHANNEL_TOKEN)
# A channel's name on the paste's first lines, with a note on how it was copied after it
_CHANNEL_NAME_RE = re.compile(rf"^{_CHANNEL_TOKEN}(?:\s+\([^()]{{1,120}}\))?$")


def name_channel(out: Parsed, line: str) -> None:
    """A channel's name line above the first message names the paste ("#cloudbank-incident"); the
    header lines of logs pasted below it do not."""
    if not out.title and not out.has_entries and (found := _CHANNEL_TOKEN_RE.search(line)):
        out.title = found.group(0)


def new_log(out: Parsed, no: int, line: str, ctx: Ctx) -> None:
    """A line that starts another log ("#ops", "=== Chat room: sev1 ==="): its own clock run, named
    by the channel when it is the paste's first, dated when it gives the day ("#inc-orbit  (Monday,
    May 13th)", one header per day's log)."""
    name_channel(out, line)
    out.items.append(BlockMark.at(no, line))
    if (day := channel_day(line, ctx)) is not None:
        out.items.append(DayMark(no, day))


def structural_line(line: str, no: int, out: Parsed, ctx: Ctx, *, before_first: bool) -> bool:
    """Headings, dated headings, zone preambles and the channel's name above the first message:
    update ``out`` and return True when consumed."""
    stripped = line.strip()
    heading = HEADING_RE.match(stripped)
    text = heading.group(2).strip("*_ ") if heading else stripped
    consumed = False
    if heading or before_first:
        zone = preamble_zone(text)
        if zone is not None:
            out.zone = out.zone or zone
            consumed = True
            if "://" in text:  # "Timeline (times in Europe/Zurich) - https://app.incident.io/…": keep its link
                out.unattributed.append((no, stripped))
    if before_first and not heading and _CHANNEL_NAME_RE.match(stripped):
        name_channel(out, stripped)  # "#cloudbank-incident  (copied from Slack desktop, times as shown on …)"
        consumed = True
    if heading:
        day = find_date(text, ctx.default_year, ctx.today, ctx.day_first)
        if day is not None:
            out.items.append(DayMark(no, day))
            ctx.default_year = day.year
            consumed = True
        if before_first and not out.title and not out.has_timed_entries and text.casefold() not in _SECTION_NAMES:
            out.title = text
            consumed = True
    return consumed


_DATE_FIRST = re.compile(
    rf"^(?:(?P<iso>{ISO_DATE})|(?P<words>{_DATE_WORDS}))(?![\w/.-])\s*(?:[-–—:|,]\s*)?(?P<rest>.*)$", re.IGNORECASE
)


def date_heading(line: str, no: int, out: Parsed, ctx: Ctx) -> Entry | None:
    """'### 2018-01-15' (maybe with a title): a date-only entry that also sets the day for what follows.

    Its own body, if any, becomes a message flagged "date-only"; without a body it only marks
    the day. A level-1 heading that opens the paste with a title stays the paste's title.
    """
    heading = HEADING_RE.match(line.strip())
    if heading is None:
        return None
    m = _DATE_FIRST.match(heading.group(2).strip("*_ "))
    if m is None:
        return None
    day = match_day(m.group("iso") or m.group("words"), ctx.today, ctx.default_year, ctx.day_first)
    rest = m.group("rest").strip("*_ ")
    if day is None or (rest and preamble_zone(rest) is not None):
        return None
    level = len(heading.group(1))
    if rest and level == 1 and not out.title and not out.has_timed_entries:
        return None
    return Entry(no, [rest] if rest else [], time(0), day=day, level=level, precision="date-only")
