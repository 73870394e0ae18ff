"""Pasted or saved transcripts: read the file safely, detect the format, build a Transcript.

People paste whatever they have: a chat log with full timestamps, an IRC log, a copy of a
Slack, Microsoft Teams or Discord conversation from the app, or the timeline notes of someone
who was there (bullet lists, Markdown headings, tables). ``detect_format`` scores every known
format on the lines (normalised and rearranged by ``paste_layout.py``) and the best one parses
the paste (``paste_detect.py``, ``paste_formats.py``; logs of several channels pasted together
are each read in their own format); this module then turns clock times into aware datetimes in
one place, so every format follows the same rules:

* a date stated in the paste (line, heading, divider) carries forward; ``--date`` covers
  times before any stated date; with neither, the user is asked for ``--date``;
* a time that goes backwards by more than an hour in a date-less run rolls to the next day;
* an explicit zone on a time wins, and carries forward to later times without one; a
  preamble ("All times in CEST (UTC+2)") sets the zone for the whole paste; otherwise the
  ``--tz`` / configured zone applies. A written zone that disagrees with that is noted;
* a time that is not a precise clock reading says so in ``Message.time_precision``:
  "~13:30" is "approximate"; a dated heading with notes but no time ("### 2018-01-15") is
  "date-only" (placed at the start of that day, or at the previous message on that day);
  "2X:XX" / "??:??" is "unknown" (placed at the previous message, only to keep the order).

Nothing is silently dropped: lines that belong to no message end in
``Transcript.unattributed``. Only recognised chat noise (Slack's "View thread", reaction
counts, IRC "Log opened" lines) is consumed.
"""

from __future__ import annotations

import os
import unicodedata
import re
import textwrap
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from facilitator.config import check_timezone
from facilitator.errors import SourceError
from facilitator.sources.bounded import Limits, read_bounded, too_big
from facilitator.sources.paste_chat_apps import parse_chat_app
from facilitator.sources.paste_email import email_blocks, parse_email_thread
from facilitator.sources.paste_discourse import parse_discourse
from facilitator.sources.paste_github import parse_github
from facilitator.sources.paste_detect import FORMATS, best_format, block_zone, channel_blocks, format_runs, format_scores
from facilitator.sources.paste_formats import BlockMark, Ctx, DayMark, Entry, Parsed, parse_lines
from facilitator.sources.paste_json import parse_slack_json, slack_messages
from facilitator.sources.paste_hipchat import hipchat_items, parse_hipchat
from facilitator.sources.paste_mattermost import mattermost_lines, parse_mattermost
from facilitator.sources.paste_layout import split_lines
from facilitator.sources.paste_tools import name_headers
from facilitator.sources.paste_slack import parse_slack, split_stacked_speakers, split_tabbed_speakers
from facilitator.sources.paste_table import parse_table
from facilitator.sources.paste_time import (
    AGO,
    ago_delta,
    parse_clock,
    season_warning,
    slash_date_order,
    stray_meridiem,
)
from facilitator.transcript import SYSTEM_SUBTYPES, UNTIMED, Message, Transcript, UnattributedLine

__all__ = ["FORMATS", "detect_format", "format_scores", "parse_transcript", "read_transcript_file"]

_CHAT_APPS = ("teams", "discord")  # header line + text below (``paste_chat_apps.py``)
_EXAMPLES = (
    "expected lines like '[2024-12-03 10:32] Alice: text', '10:32 <alice> text', "
    "a Slack copy-paste or timeline notes like '- 14:02 UTC: text'"
)
ROLLOVER = timedelta(hours=1)  # a step back larger than this in a date-less run is the next day


# A copy's own "Yesterday" stamps and dividers: "Name — Yesterday at 7:12 AM", "[Yesterday 10:42 PM] Name",
# "Name  yesterday at 5:25 PM", a line that is only "Yesterday", bare or ruled ("----- Yesterday -----"),
# but not "yesterday at 5pm" in a message.
_YESTERDAY_STAMP_RE = re.compile(
    r"(?im)(?:^|[\u2014\u2013]\s*|\[|\s{2})yesterday\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\]?"
    r"(?:\s*$|\s+\S)|^[\s\-\u2500\u2014\u2013=*_]*yesterday[\s\-\u2500\u2014\u2013=*_]*$"
)
# "commented 4 days ago", "2 weeks ago": a stamp that counts back from the copy (read as the parsers read it)
_AGO_RE = re.compile(AGO)


class MissingDateError(SourceError):
    """The paste has clock times but no date anywhere: the caller should ask for --date."""


class TranscriptText(str):
    """Decoded file text that remembers how it was decoded (a note for Transcript.warnings)."""

    warnings: tuple[str, ...] = ()


# --- reading files ---------------------------------------------------------------------


def read_transcript_file(path: Path, limits: Limits | None = None) -> str:
    """The text of a transcript file; SourceError naming the file when it is not readable text
    or larger than ``limits`` (read in chunks, so endless inputs like /dev/zero end too)."""
    name = path.name or str(path)
    if not path.exists():
        raise SourceError(f"The transcript file '{path}' does not exist; check the path.")
    if path.is_dir():
        raise SourceError(
            f"'{path}' is a folder, not a transcript file; pass the file itself "
            "(for an unpacked Slack export use --slack-export PATH --channel NAME)."
        )
    limits = limits or Limits()
    try:
        with path.open("rb") as fh:
            try:
                size = os.fstat(fh.fileno()).st_size
            except OSError:
                size = 0
            if size > limits.max_bytes:  # a regular file says its size: refuse before reading
                raise too_big(name, limits, "bytes")
            data = read_bounded(fh, name, limits)
    except OSError as exc:
        raise SourceError(f"Cannot read the transcript file '{name}': {exc.strerror or exc}.") from None
    return decode_transcript(data, name)


def decode_transcript(data: bytes, name: str) -> str:
    """Transcript bytes (a file's or stdin's) as text; SourceError when empty, binary or undecodable."""
    empty = (
        "The transcript on stdin is empty; pipe the incident channel's messages in."
        if name == "stdin"
        else f"The transcript file '{name}' is empty; save the incident channel's messages into it."
    )
    if not data.strip():
        raise SourceError(empty)
    text = _decode(data, name)
    if not text.strip():
        raise SourceError(empty)
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise SourceError(f"'{name}' is a zip archive, not a text transcript; for a Slack export use --slack-export.")
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                          (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), name)
            except UnicodeDecodeError:
                raise SourceError(
                    f"'{name}' starts like {encoding.upper()} text but does not decode; re-save it as UTF-8."
                ) from None
    if b"\x00" in data[:65536]:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return _check_text(utf16, name)
        raise SourceError(f"'{name}' looks like a binary file, not a text transcript; save the channel as text.")
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Deliberate fallback: old Windows editors save Windows-1252. Accept it only when every
    # byte decodes, and say so, because names with accents may be wrong if the guess is.
    try:
        text = _check_text(data.decode("cp1252"), name)
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise SourceError(
            f"'{name}' is not UTF-8 text (undecodable byte on line {line}); re-save it as UTF-8 and try again."
        ) from None
    decoded = TranscriptText(text)
    decoded.warnings = (f"'{name}' is not UTF-8; read it as Windows-1252. Re-save it as UTF-8 if names look wrong.",)
    return decoded


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark (some Windows tools): every other byte is NUL for ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    for encoding, nul_at in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls = sample[nul_at::2].count(0)
        if nuls >= 0.9 * (len(sample) // 2) and sample[1 - nul_at :: 2].count(0) == 0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _check_text(text: str, name: str) -> str:
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if "\x00" in sample or controls > max(8, len(sample) // 100):
        raise SourceError(f"'{name}' looks like a binary file, not a text transcript; save the channel as text.")
    return text


# --- detection ----------------------------------------------------------------------


def detect_format(text: str) -> str:
    """The name of the paste format that fits best ('unknown' when none fits)."""
    return best_format(split_lines(text))


# --- parsing ------------------------------------------------------------------------


def parse_transcript(text: str, *, tz: str, default_date: date | None, origin: str) -> Transcript:
    """Parse a pasted transcript in whatever format it is; SourceError when nothing is readable."""
    slack_json = slack_messages(text)
    if slack_json is not None:  # a bare array of Slack messages or {"messages": [...]}
        return parse_slack_json(slack_json, tz=tz, origin=origin)
    export = mattermost_lines(text)
    if export is not None:  # Mattermost's bulk export: one JSON object per line
        return parse_mattermost(export, tz=tz, origin=origin)
    history = hipchat_items(text)
    if history is not None:  # HipChat's room history: {"items": [{"date", "from", "message"}]}
        return parse_hipchat(history, tz=tz, origin=origin)
    lines = split_lines(text)
    if not any(lines):
        raise SourceError(f"{origin} contains no messages I can read: it is empty; {_EXAMPLES}.")
    mixed = _with_json_logs(lines, tz=tz, default_date=default_date, origin=origin)
    if mixed is not None:  # a pager's log, then "===== slack export: #inc/2026-04-22.json =====" over its JSON
        return mixed
    mails = email_blocks(lines)
    if mails is not None:  # a mail thread: every message carries its own From/Date headers
        return parse_email_thread(mails, tz=tz, origin=origin)
    starts: list[tuple[int, str]] = []
    fmt = best_format(lines, starts)
    if fmt == "unknown":
        raise SourceError(f"{origin} contains no messages I can read: {_EXAMPLES}.")
    day_first = slash_date_order(text, hint=default_date is None)
    carry_zone = fmt in ("timeline", "headings", "table")  # notes state a zone once; chat lines each have theirs
    todays = [datetime.now(check_timezone(tz)).date()] if default_date is None else [default_date]
    if default_date is not None and _YESTERDAY_STAMP_RE.search(text):
        # "Yesterday at 7:12 AM" with --date: the messages' day is --date when that keeps the copy
        # in order with the dates it writes out; else --date was the day of the copy.
        todays[:0] = [default_date + timedelta(days=1), default_date + timedelta(days=2)]  # 2: copied two days on
    if default_date is not None:
        # "commented 4 days ago" with --date: the thread may have been copied days after --date
        for back in sorted(_days_back(text))[:4]:
            if default_date + back not in todays:
                todays.insert(0, default_date + back)
    best: tuple[tuple[int, int], Parsed, list[str], list[Message]] | None = None
    for today in todays:
        ctx = Ctx(default_year=today.year, today=today, day_first=day_first)
        parsed = _parse_blocks(lines, fmt, ctx, list(starts))
        if not parsed.has_entries:
            raise SourceError(f"{origin} contains no messages I can read: {_EXAMPLES}.")
        warnings = list(getattr(text, "warnings", ())) + parsed.warnings
        messages = _messages(parsed, tz, default_date, origin, warnings, carry_zone)
        # fewest messages out of order; then the reading that puts most messages on --date
        # ("Yesterday 11:52 PM" ... "Today 12:04 AM" with --date the day of most of them)
        backwards = (_out_of_order(messages, parsed), -_on_day(messages, default_date, tz))
        if best is None or backwards < best[0]:
            best = (backwards, parsed, warnings, messages)
    _, parsed, warnings, messages = best
    unattributed = [UnattributedLine(f"{origin}:{no}", t) for no, t in parsed.unattributed if t.strip()]
    return Transcript(
        messages=messages,
        source="transcript",
        channel=parsed.title,
        timezone=tz,
        unattributed=unattributed,
        warnings=warnings,
        format=fmt,
    )


def _with_json_logs(lines: list[str], *, tz: str, default_date: date | None, origin: str) -> Transcript | None:
    """A paste of several logs where some are Slack JSON under their name line: each JSON log
    read as Slack messages, the rest as the paste it is, merged in time order. None when no log
    below a name line is Slack JSON."""
    blocks = channel_blocks(lines)
    if len(blocks) < 2:
        return None
    found: list[Mapping[str, Any]] = []
    rest: list[str] = []
    for a, b in blocks:
        body = lines[a + 1 : b] if a else lines[a:b]
        messages = slack_messages("\n".join(body)) if any(line.lstrip()[:1] in "[{" for line in body) else None
        if messages:
            found.extend(messages)
        else:
            rest.extend(lines[a:b])
    if not found:
        return None
    read = parse_slack_json(found, tz=tz, origin=origin)
    if any(line.strip() for line in rest):
        other = parse_transcript("\n".join(rest), tz=tz, default_date=default_date, origin=origin)
        read.messages = sorted([*other.messages, *read.messages], key=lambda m: m.at)
        read.unattributed, read.warnings = other.unattributed, [*other.warnings, *read.warnings]
        read.channel, read.format = other.channel or read.channel, f"{other.format}+slack-json"
        read.aliases = {**other.aliases, **read.aliases}
    return read


def _days_back(text: str) -> set[timedelta]:
    """The whole-day counts back that "N days ago" / "N weeks ago" stamps in ``text`` give."""
    deltas = (ago_delta(m.group(0)) for m in _AGO_RE.finditer(text))
    return {timedelta(days=d.days) for d in deltas if d >= timedelta(days=1)}


def _out_of_order(messages: list[Message], parsed: Parsed) -> int:
    """How far a reading is from the paste's own order: messages moved within their own log (two
    channels' logs run side by side in time), or left going back in time."""
    marks = sorted(item.line for item in parsed.items if isinstance(item, BlockMark))
    lines = [int(m.id[1:]) for m in messages if m.id[1:].isdigit()]
    moved = sum(1 for a, b in zip(lines, lines[1:]) if b < a and bisect_right(marks, a) == bisect_right(marks, b))
    kept = sum(1 for a, b in zip(messages, messages[1:]) if b.at < a.at)  # left going backwards
    return moved + kept


def _on_day(messages: list[Message], day: date | None, tz: str) -> int:
    """How many messages a reading puts on ``day`` in the paste's zone."""
    if day is None:
        return 0
    zone = check_timezone(tz)
    return sum(1 for m in messages if m.at.astimezone(zone).date() == day)


def _parse_as(lines: list[str], fmt: str, ctx: Ctx) -> Parsed:
    if fmt == "slack":
        return split_tabbed_speakers(split_stacked_speakers(parse_slack(lines, ctx), lines), lines)
    if fmt == "table":
        return parse_table(lines, ctx)
    if fmt in _CHAT_APPS:
        return parse_chat_app(lines, fmt, ctx)
    if fmt == "github":
        return parse_github(lines, ctx)
    if fmt == "discourse":
        return parse_discourse(lines, ctx)
    parsed = parse_lines(lines, fmt, ctx)
    if fmt == "timeline":
        name_headers(parsed)  # an incident tool's export: the author in a column of its own
    return parsed


# A log below one that ran past midnight goes on from it when it starts this close after its end.
_GO_ON_SLACK = timedelta(minutes=30)
_GO_ON_REACH = timedelta(hours=3)


def _parse_blocks(lines: list[str], fmt: str, ctx: Ctx, starts: list[tuple[int, str]]) -> Parsed:
    """Parse the paste; logs of several channels in different shapes ("#inc-123" over a Slack
    copy, "#ops" over an IRC log) are each read in their own format, in their own clock run."""
    blocks = channel_blocks(lines)
    if len(blocks) >= 2:
        shapes = [best_format(lines[a:b]) for a, b in blocks]
        if len({shape for shape in shapes if shape != "unknown"}) < 2:
            return _parse_as(lines, fmt, ctx)
    else:
        runs = format_runs(lines, starts)
        if runs is None:
            return _parse_as(lines, fmt, ctx)
        blocks, shapes = runs
    out = Parsed()
    for (a, b), shape in zip(blocks, shapes):
        part = _parse_as(lines[a:b], fmt if shape == "unknown" else shape, ctx)  # a title, a preamble
        if a:  # another log: in the zone its name line, a line just above it or its own preamble gives
            out.items.append(BlockMark(a + 1, block_zone(lines, a) or part.zone))
        else:
            out.zone = part.zone  # the first log's zone is the paste's; a later log's is its own
        for item in part.items:
            item.line += a
        out.items.extend(part.items)
        out.unattributed.extend((no + a, line) for no, line in part.unattributed)
        out.title = out.title or part.title
        out.warnings.extend(w for w in part.warnings if w not in out.warnings)
    return out


def _messages(
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
        author=entry.author if entry.subtype not in ("system", "client_notice") else "",
        text=text,
        is_bot=entry.is_bot,
        origin=f"{origin}:{entry.line}",
        subtype=subtype,
        edited=entry.edited,
        time_precision=entry.precision or ("approximate" if entry.approx else ""),
    )
