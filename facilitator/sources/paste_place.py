"""Placing a parsed paste's entries in time: clock readings become aware datetimes, by one set of rules.

Every paste format hands over entries with a clock reading (and maybe a day and a zone); this
module turns them into messages, so every format follows the same rules:

* a date stated in the paste (line, heading, divider) carries forward; ``--date`` covers
  times before any stated date; with neither, the user is asked for ``--date``;
* a time that goes backwards by more than an hour in a date-less run rolls to the next day;
* an explicit zone on a time wins, and carries forward to later times without one; a
  preamble ("All times in CEST (UTC+2)") sets the zone for the whole paste; otherwise the
  ``--tz`` / configured zone applies. A written zone that disagrees with that is noted;
* a time that is not a precise clock reading says so in ``Message.time_precision``:
  "~13:30" is "approximate"; a dated heading with notes but no time ("### 2018-01-15") is
  "date-only" (placed at the start of that day, or at the previous message on that day);
  "2X:XX" / "??:??" is "unknown" (placed at the previous message, only to keep the order);
* "[3 hours ago]" stamps are counted back from the paste's newest written time.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from facilitator.config import check_timezone
from facilitator.errors import SourceError
from facilitator.sources.paste_formats import BlockMark, DayMark, Entry, Parsed
from facilitator.sources.paste_time import parse_clock, season_warning, stray_meridiem
from facilitator.transcript import SYSTEM_SUBTYPES, UNTIMED, Message

__all__ = ["MissingDateError", "place_messages"]


class MissingDateError(SourceError):
    """The paste has clock times but no date anywhere: the caller should ask for --date."""


ROLLOVER = timedelta(hours=1)  # a step back larger than this in a date-less run is the next day

# A log below one that ran past midnight goes on from it when it starts this close after its end.
_GO_ON_SLACK = timedelta(minutes=30)
_GO_ON_REACH = timedelta(hours=3)


def place_messages(
    parsed: Parsed, tz: str, default_date: date | None, origin: str, warnings: list[str], carry_zone: bool
) -> list[Message]:
    base_zone: tzinfo = parsed.zone[0] if parsed.zone else check_timezone(tz)
    base_token = parsed.zone[1] if parsed.zone else ""
    first_day = next((i.day for i in parsed.items if not isinstance(i, BlockMark) and i.day is not None), None)
    current_day: date | None = None
    fresh = False  # a date was stated since the previous message: no rollover
    last_zone: tzinfo | None = None
    last_token = ""
    previous: datetime | None = None
    after_midnight: datetime | None = None  # where the log above ended, when a dateless log below must be placed near it
    block_start: datetime | None = None  # the current log's first moment
    said_day: date | None = None  # a day divider with no message after it yet
    noted: set[str] = set()
    messages: list[Message] = []
    block_days = parsed.undated_block_days(default_date or first_day)
    twelve_hour = _twelve_hour_blocks(parsed, carry_zone)
    maybe_12h = twelve_hour[0]
    base_label = base_token or tz
    counted_back: list[tuple[int, Entry]] = []  # "[3 hours ago]" messages, placed once the paste's clock is known
    reordered = False  # another log's clock run began: messages are put back in time order at the end
    stamped: bool | None = None  # whether every timed entry of the current log carried its own zone (None: none yet)
    for item in parsed.items:
        if isinstance(item, BlockMark):
            # Another channel's log: its own run of times, on the paste's day unless it names one
            # (or its times sit with another written day's), in the zone its name line gives
            # ("#ops (Pacific time)"); one that names none is read like the log above it ("my
            # clock, London" over two channels).
            # a day divider just above the log's name ("----- Friday, January 2nd -----" over "#admins") dates it
            current_day = block_days.get(item.line, said_day or default_date or first_day)
            # a log with no date of its own below one that ran past midnight goes on from where that
            # log ended when it starts just after it ("00:02 dropping off", then "(continued)" at "12:04 AM")
            ran_past_midnight = (
                previous is not None and block_start is not None and current_day is not None
                and block_start.date() == current_day and previous.date() == current_day + timedelta(days=1)
            )
            after_midnight = previous if item.line not in block_days and ran_past_midnight else None
            fresh, previous, block_start = True, None, None
            reordered = True
            if item.zone is None and stamped and base_token:
                # the log above wrote its zone on every line ("2020-01-09 23:51:03 UTC  Triggered …"): that
                # zone was its own, and a chat copy pasted below it shows the reader's clock
                base_zone, base_token, last_zone, last_token = check_timezone(tz), "", None, ""
                base_label = tz
            stamped = None
            if item.zone is not None and item.zone != (base_zone, base_token):
                (base_zone, base_token), last_zone, last_token = item.zone, None, ""
                base_label = base_token
                _note(warnings, noted, f"The log that starts at line {item.line} of {origin} gives its times in "
                      f"{base_token}; they were read in that zone.", key=f"block:{item.line}")
            twelve_hour = twelve_hour[1:] or twelve_hour
            maybe_12h = twelve_hour[0]
            continue
        if isinstance(item, DayMark):
            current_day, fresh, said_day = item.day, True, item.day
            continue
        entry: Entry = item
        said_day = None
        if entry.ago is not None:
            counted_back.append((len(messages), entry))
            messages.append(_message(entry, datetime.min.replace(tzinfo=base_zone), origin))
            continue
        if entry.precision == "date-only" and not any(line.strip() for line in entry.lines):
            current_day, fresh = entry.day, True  # a bare dated heading: only says which day it is
            continue
        if after_midnight is not None and entry.day is None and entry.precision not in UNTIMED:
            zone_now = last_zone or base_zone
            gap = datetime.combine(after_midnight.date(), entry.clock, zone_now) - after_midnight
            if -_GO_ON_SLACK <= gap <= _GO_ON_REACH:  # it takes up where that log stopped, not the same hours again
                current_day = after_midnight.date()
            after_midnight = None
        if entry.day is not None:
            day, fresh = entry.day, True
        elif current_day is not None:
            day = current_day
        elif default_date is not None:
            day = default_date
        elif first_day is not None:
            day = first_day
            _note(warnings, noted, f"Times before the first date in {origin} were placed on {first_day.isoformat()}.")
        else:
            raise MissingDateError(
                f"{origin} has times but no dates; pass --date YYYY-MM-DD to say which day it starts on."
            )
        if entry.precision not in UNTIMED:
            stamped = entry.zone is not None and stamped is not False
        if entry.zone is not None:
            last_zone, last_token = entry.zone, entry.zone_token
        elif not carry_zone:
            last_zone, last_token = None, ""
        zone = last_zone or base_zone
        if entry.precision in UNTIMED:
            at = _placeholder_at(day, zone, previous)
            current_day, previous = day, at
            fresh = fresh and entry.precision == "date-only"
            messages.append(_message(entry, at, origin))
            continue
        at = datetime.combine(day, entry.clock, zone)
        if last_token and zone is not base_zone and datetime.combine(day, entry.clock, base_zone).tzname() == last_token.upper():
            # "10:39 AM IST" in a paste read in Europe/Dublin: Irish summer time, not India's
            zone = last_zone = base_zone
            at = datetime.combine(day, entry.clock, zone)
        if entry.zone is not None and at.utcoffset() != datetime.combine(day, entry.clock, base_zone).utcoffset():
            _note(warnings, noted, f"Some times in {origin} carry their own zone ({entry.zone_token}, first at line "
                  f"{entry.line}) that differs from {base_label}; each was read in the zone written beside it.",
                  key=f"zone:{entry.zone_token}")
        if entry.clock_text and stray_meridiem(entry.clock_text):
            _note(warnings, noted, f"'{entry.clock_text}' in {origin} (line {entry.line}) is a 24-hour time with "
                  f"AM/PM; read as {entry.clock.strftime('%H:%M')}.", key=f"meridiem:{entry.clock_text}")
        if not fresh and previous is not None and at < previous and maybe_12h and entry.clock.hour < 12:
            afternoon = at + timedelta(hours=12)  # "11:50" then "1:05" in notes written on a 12-hour clock
            if afternoon >= previous:
                at = afternoon
        if not fresh and previous is not None and at < previous:
            # Notes are written in order, so a step back is the next day; in chat it may be
            # another channel's log pasted below (same day) unless it hops over midnight.
            if previous - at > ROLLOVER and (carry_zone or _crosses_midnight(previous, at)):
                day = day + timedelta(days=1)
                at = datetime.combine(day, entry.clock, zone)
            elif previous - at > ROLLOVER:
                reordered = True  # a clock jump back: another log pasted below, same day
            else:
                _note(warnings, noted, f"Some times in {origin} go backwards (first at line {entry.line}); order kept.")
        note = season_warning(last_token or base_token, at)
        if note:
            _note(warnings, noted, note)
        current_day, fresh, previous = day, False, at
        block_start = block_start or at
        messages.append(_message(entry, at, origin))
    if counted_back:
        _place_counted_back(messages, counted_back, default_date, base_zone)
        reordered = True
    if reordered:
        messages.sort(key=lambda m: m.at)  # stable: messages at the same minute keep their order
        # A thread pasted after its channel (or two logs that overlap) repeats messages: keep one.
        seen: set[tuple[datetime, str, str]] = set()
        unique = []
        for m in messages:
            key = (m.at, m.author, m.text)
            if key not in seen or not m.text.strip():
                seen.add(key)
                unique.append(m)
        messages = unique
    return messages


MIDNIGHT_REACH = timedelta(hours=6)  # "23:50" then "00:20": the night went on; "18:00" then "16:00" did not


def _crosses_midnight(previous: datetime, at: datetime) -> bool:
    """True when a clock that went backwards is read best as the next day (a short hop over midnight).

    A step back of hours within the day ("18:05" then "15:50") is another log pasted below the
    first, or a thread copied after the channel: those stay on their day.
    """
    forward = at + timedelta(days=1) - previous
    return forward <= MIDNIGHT_REACH and forward < previous - at


def _place_counted_back(
    messages: list[Message], counted_back: list[tuple[int, Entry]], default_date: date | None, zone: tzinfo
) -> None:
    """Give "[3 hours ago]" messages a time: counted back from the paste's newest clock time.

    Apps show relative stamps for their newest messages, so they follow the written ones: "now"
    is taken as the newest written time plus the largest count back (the oldest relative stamp
    lands on it, the others after it, in order). With no written time at all, "now" is noon on
    ``--date``, else the moment of parsing.
    """
    relative = {j for j, _ in counted_back}
    placed = [m.at for i, m in enumerate(messages) if i not in relative]
    largest = max(entry.ago for _, entry in counted_back)
    stated = _stated_now(messages, counted_back, default_date, zone) if not placed else None
    if placed:
        now = max(placed) + largest
    elif stated is not None:
        now = stated
    elif default_date is not None:
        now = datetime.combine(default_date, time(12), zone)
    else:
        now = datetime.now(zone)
    for index, entry in counted_back:
        at = (now - entry.ago).replace(second=0, microsecond=0)
        messages[index].at = at




# "As of 3:00 pm UTC", "since 07:30 UTC": a clock a post states, with its zone or AM/PM said.
_STATED_CLOCK_RE = re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\s*(?:(?P<ap>[ap]\.?m\.?)\s*)?(?P<utc>UTC|GMT|Z\b)?", re.IGNORECASE)


def _stated_now(
    messages: list[Message], counted_back: list[tuple[int, Entry]], default_date: date | None, zone: tzinfo
) -> datetime | None:
    """When the page was copied, from the newest counted-back post that states a clock.

    A forum post written "2h" ago that says "as of 3:00 pm UTC the service has recovered" puts
    the copy near 17:00 UTC: the posts are counted back from there rather than from noon.
    """
    if default_date is None:
        return None
    for index, entry in sorted(counted_back, key=lambda pair: pair[1].ago):
        m = next((m for m in _STATED_CLOCK_RE.finditer(messages[index].text) if m.group("ap") or m.group("utc")), None)
        if m is None:
            continue
        clock = parse_clock(f"{m.group('h')}:{m.group('m')}{m.group('ap') or ''}")
        where = timezone.utc if m.group("utc") else zone
        return datetime.combine(default_date, clock, where).astimezone(zone) + entry.ago
    return None


def _placeholder_at(day: date, zone: tzinfo, previous: datetime | None) -> datetime:
    """Where a message without a usable time sits: at the previous message that day, else at the day's start."""
    start = datetime.combine(day, time(0), zone)
    if previous is not None and previous >= start and previous.astimezone(zone).date() == day:
        return previous
    return start


def _twelve_hour_blocks(parsed: Parsed, notes: bool) -> list[bool]:
    """For each block of the paste (split at BlockMark), whether it holds notes on a 12-hour clock.

    A block is notes when the whole paste is (``notes``) or when none of its entries names a
    speaker (an incident doc's timeline pasted above the channel's log).
    """
    blocks: list[list[Entry]] = [[]]
    for item in parsed.items:
        if isinstance(item, BlockMark):
            blocks.append([])
        elif isinstance(item, Entry):
            blocks[-1].append(item)
    return [
        bool(entries) and (notes or not any(e.author for e in entries)) and _twelve_hour_notes(entries)
        for entries in blocks
    ]


def _twelve_hour_notes(entries: list[Entry]) -> bool:
    """True when notes look written on a 12-hour clock without AM/PM: no hour past 12, no '09:00'."""
    texts = [i.clock_text for i in entries if i.precision not in UNTIMED]
    if not texts or not all(texts):
        return False
    for text in texts:
        hour = text.split(":", 1)[0]
        if int(hour) > 12 or (len(hour) == 2 and hour[0] == "0") or any(c in text for c in "AaPp"):
            return False
    return True


def _note(warnings: list[str], noted: set[str], text: str, key: str = "") -> None:
    key = key or text
    if key not in noted:
        noted.add(key)
        warnings.append(text)


def _message(entry: Entry, at: datetime, origin: str) -> Message:
    lines = entry.lines
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    text = "\n".join(lines[start:end])
    if start:  # the text all below the stamp line ("16:49 From Aisha Farouk to Everyone:"), indented the same
        text = textwrap.dedent(text)
    if entry.until:
        text = f"(until {entry.until}) {text}".rstrip()
    if entry.approx:
        text = f"(time approximate) {text}".rstrip()
    subtype = entry.subtype if entry.subtype in SYSTEM_SUBTYPES else ""
    return Message(
        id=f"L{entry.line}",
        at=at,
        author=_unsigiled(entry.author) if entry.subtype not in ("system", "client_notice") else "",
        text=text,
        is_bot=entry.is_bot,
        origin=f"{origin}:{entry.line}",
        subtype=subtype,
        edited=entry.edited,
        time_precision=entry.precision or ("approximate" if entry.approx else ""),
    )


_SIGIL_RE = re.compile(r"@[^\s@:]+")


def _unsigiled(author: str) -> str:
    """A speaker's handle without the "@" a chat writes before it ("@marek.z: fork activated"
    in an Element or Mattermost copy is marek.z); a Matrix ID with its server stays whole."""
    return author[1:] if _SIGIL_RE.fullmatch(author) else author
