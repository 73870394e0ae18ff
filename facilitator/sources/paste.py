"""Pasted or saved transcripts: read the file safely, detect the format, build a Transcript.

People paste whatever they have: a chat log with full timestamps, an IRC log, a copy of a
Slack, Microsoft Teams or Discord conversation from the app, or the timeline notes of someone
who was there (bullet lists, Markdown headings, tables). ``detect_format`` scores every known
format on the lines (normalised and rearranged by ``paste_layout.py``) and the best one parses
the paste (``paste_detect.py``, ``paste_formats.py``; logs of several channels pasted together
are each read in their own format); ``paste_place.py`` then turns clock times
into aware datetimes in one place, so every format follows the same rules (a stated date carries
forward, ``--date`` covers the rest, an explicit zone wins, a step back rolls to the next day).

Nothing is silently dropped: lines that belong to no message end in
``Transcript.unattributed``. Only recognised chat noise (Slack's "View thread", reaction
counts, IRC "Log opened" lines) is consumed.
"""

from __future__ import annotations

import os
import unicodedata
import re
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, datetime, timedelta
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
from facilitator.sources.paste_formats import BlockMark, Ctx, Parsed
from facilitator.sources.paste_lines import parse_lines
from facilitator.sources.paste_json import parse_slack_json, slack_messages
from facilitator.sources.paste_hipchat import hipchat_items, parse_hipchat
from facilitator.sources.paste_mattermost import mattermost_lines, parse_mattermost
from facilitator.sources.paste_layout import split_lines
from facilitator.sources.paste_place import MissingDateError, place_messages
from facilitator.sources.paste_telegram import parse_telegram, telegram_export
from facilitator.sources.paste_tools import handle_speakers, name_headers
from facilitator.sources.paste_slack import parse_slack, split_stacked_speakers, split_tabbed_speakers
from facilitator.sources.paste_table import parse_table
from facilitator.sources.paste_time import AGO, ago_delta, slash_date_order
from facilitator.transcript import Message, Transcript, UnattributedLine

__all__ = ["FORMATS", "MissingDateError", "detect_format", "format_scores", "parse_transcript", "read_transcript_file"]

_CHAT_APPS = ("teams", "discord")  # header line + text below (``paste_chat_apps.py``)
_EXAMPLES = (
    "expected lines like '[2024-12-03 10:32] Alice: text', '10:32 <alice> text', "
    "a Slack copy-paste or timeline notes like '- 14:02 UTC: text'"
)


# A copy's own "Yesterday" stamps and dividers: "Name — Yesterday at 7:12 AM", "[Yesterday 10:42 PM] Name",
# "Name  yesterday at 5:25 PM", a line that is only "Yesterday", bare or ruled ("----- Yesterday -----"),
# but not "yesterday at 5pm" in a message.
_YESTERDAY_STAMP_RE = re.compile(
    r"(?im)(?:^|[\u2014\u2013]\s*|\[|\s{2})yesterday\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\]?"
    r"(?:\s*$|\s+\S)|^[\s\-\u2500\u2014\u2013=*_]*yesterday[\s\-\u2500\u2014\u2013=*_]*$"
)
# "commented 4 days ago", "2 weeks ago": a stamp that counts back from the copy (read as the parsers read it)
_AGO_RE = re.compile(AGO)


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
        return _dated(parse_slack_json(slack_json, tz=tz, origin=origin), origin, "Slack JSON")
    export = mattermost_lines(text)
    if export is not None:  # Mattermost's bulk export: one JSON object per line
        return _dated(parse_mattermost(export, tz=tz, origin=origin), origin, "a Mattermost export")
    history = hipchat_items(text)
    if history is not None:  # HipChat's room history: {"items": [{"date", "from", "message"}]}
        return _dated(parse_hipchat(history, tz=tz, origin=origin), origin, "a HipChat history")
    telegram = telegram_export(text)
    if telegram is not None:  # Telegram Desktop's result.json: {"name", "messages": [{"date", "from", "text"}]}
        return _dated(parse_telegram(*telegram, tz=tz, origin=origin), origin, "a Telegram export", "export the chat again as JSON")
    lines = split_lines(text)
    if not any(lines):
        raise SourceError(f"{origin} contains no messages I can read: it is empty; {_EXAMPLES}.")
    blocks = channel_blocks(lines)  # each channel's log, when several are pasted one under another
    mixed = _with_exports(lines, blocks, tz=tz, default_date=default_date, origin=origin)
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
        ctx = Ctx(default_year=today.year, today=today, day_first=day_first, started=today == default_date)
        parsed = _parse_blocks(lines, blocks, fmt, ctx, list(starts))
        if not parsed.has_entries:
            raise SourceError(f"{origin} contains no messages I can read: {_EXAMPLES}.")
        warnings = list(getattr(text, "warnings", ())) + parsed.warnings
        messages = place_messages(parsed, tz, default_date, origin, warnings, carry_zone)
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


def _dated(transcript: Transcript, origin: str, what: str, redo: str = "export it again") -> Transcript:
    """The transcript a structured export gave; SourceError when none of its messages had a readable date."""
    if not transcript.messages:
        raise SourceError(f"{origin} is {what} with no message whose date I can read; {redo}.")
    return transcript


def _with_exports(
    lines: list[str], blocks: list[tuple[int, int]], *, tz: str, default_date: date | None, origin: str
) -> Transcript | None:
    """A paste of several logs (``blocks``) where some are exports under their name line (Slack's
    JSON messages, Telegram Desktop's result.json, a mail thread): each read as its export, the
    rest as the paste it is, merged in time order. None when no log below a name line is such an
    export, or when every one is a mail thread (the paste is one, read whole)."""
    if len(blocks) < 2:
        return None
    found: list[Mapping[str, Any]] = []
    exports: list[Transcript] = []
    rest: list[str] = []
    rest_day, ended = default_date, None  # a log without dates below an export goes on from where it ended
    last: Transcript | None = None  # the export read last
    for a, b in blocks:
        if not rest and last is not None and last.messages:
            ended = last.messages[-1].at
            rest_day = ended.astimezone(check_timezone(tz)).date()
        body = lines[a + 1 : b] if a else lines[a:b]
        text = "\n".join(body) if any(line.lstrip()[:1] in "[{" for line in body) else ""
        if text and (messages := slack_messages(text)):
            found.extend(messages)  # read together below, so threads split over two blocks join
            last = parse_slack_json(messages, tz=tz, origin=origin)
        elif text and (telegram := telegram_export(text)) is not None:
            exports.append(last := parse_telegram(*telegram, tz=tz, origin=origin))
        elif (mails := email_blocks(body)) is not None:
            exports.append(last := parse_email_thread(mails, tz=tz, origin=origin))
        else:
            rest.extend(lines[a:b])
    if not found and not any(line.strip() for line in rest) and all(part.format == "email" for part in exports):
        return None  # mail threads only: read as the one thread they are
    if found:
        exports.insert(0, parse_slack_json(found, tz=tz, origin=origin))
    if not exports:
        return None
    if any(line.strip() for line in rest):
        other = parse_transcript("\n".join(rest), tz=tz, default_date=rest_day, origin=origin)
        if ended is not None and rest_day is not None and other.messages and other.messages[0].at < ended:
            # its first clock is before the export's last one: the log is of the next morning
            other = parse_transcript("\n".join(rest), tz=tz, default_date=rest_day + timedelta(days=1), origin=origin)
        exports.insert(0, other)
    read, *more = exports
    formats = dict.fromkeys(part.format for part in exports)  # "timeline+slack-json"
    for other in more:
        read.messages = sorted([*read.messages, *other.messages], key=lambda m: m.at)
        read.unattributed, read.warnings = [*read.unattributed, *other.unattributed], [*read.warnings, *other.warnings]
        read.channel = read.channel or other.channel
        read.aliases = {**other.aliases, **read.aliases}
    read.format = "+".join(formats)
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
        handle_speakers(parsed)  # a chat log whose speakers are handles in lower case
    return parsed



def _parse_blocks(lines: list[str], blocks: list[tuple[int, int]], fmt: str, ctx: Ctx, starts: list[tuple[int, str]]) -> Parsed:
    """Parse the paste; logs of several channels (``blocks``) in different shapes ("#inc-123" over
    a Slack copy, "#ops" over an IRC log) are each read in their own format, in their own clock run."""
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
