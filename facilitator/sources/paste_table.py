"""Markdown tables as timelines: one row is one message.

A table counts as a timeline when its header names a time column (time, when, timestamp...,
optionally with a zone: ``Time (UTC)``). A who/author column gives the author; the event
column comes first in the text and every other column follows it, so nothing in the row is
lost. Rows without a readable time continue the row above (wrapped cells).
"""

from __future__ import annotations

import re

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import Ctx, Entry, Parsed, match_day, match_zone, structural_line
from facilitator.sources.paste_time import APPROX, ISO_DATE, OFFSET, TIME, ZONE, find_date, parse_clock, zone_from_token

_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?$")
TIME_COLS = ("time", "when", "timestamp", "at", "datetime", "date/time", "date & time", "hour", "clock")
_DATE_COLS = ("date", "day")
AUTHOR_COLS = ("who", "author", "actor", "person", "owner", "by", "name", "speaker", "user", "responder")
TEXT_COLS = ("event", "what", "description", "details", "detail", "text", "message", "action",
              "activity", "summary", "notes", "note", "update", "entry", "happened", "what happened")
_TIME_IN = re.compile(
    rf"(?P<date>{ISO_DATE})?(?P<sep>[T ,]*)(?P<approx>{APPROX}\s*)?(?P<time>{TIME})(?P<offset>{OFFSET})?"
    rf"\s*(?P<zone>{ZONE})?(?:\s*(?:-|–|—|to|until)\s*(?P<until>{TIME}))?"
)


def table_cells(line: str) -> list[str]:
    """The cells of a Markdown table row (escaped pipes kept)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def column(header: list[str], names: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> int | None:
    for i, cell in enumerate(header):
        key = re.sub(r"\s*\(.*\)$", "", cell.strip("*_ ").lower())
        if key in names or (prefixes and key.startswith(prefixes)):
            return i
    return None


def table_header(line: str, next_line: str) -> tuple[int, int | None, int | None, int | None, str] | None:
    """(time, date, author, text) column indexes and a header zone token ('UTC' in 'Time (UTC)'), or None."""
    if "|" not in line or not _TABLE_SEP.match(next_line.strip()):
        return None
    header = table_cells(line)
    time_col = column(header, TIME_COLS, ("time",))  # "Time (UTC)", "Timestamp"
    if time_col is None:
        return None
    token = ""
    paren = re.search(r"\(([^)]+)\)", header[time_col])
    if paren and zone_from_token(paren.group(1).strip()) is not None:
        token = paren.group(1).strip()
    return (time_col, column(header, _DATE_COLS), column(header, AUTHOR_COLS),
            column(header, TEXT_COLS, TEXT_COLS), token)


def parse_table(lines: list[str], ctx: Ctx) -> Parsed:
    """Markdown tables whose header names a time column; one row is one message."""
    out = Parsed()
    spec = None
    current: Entry | None = None
    skip_next = False
    for no, line in enumerate(lines, 1):
        if skip_next:
            skip_next = False
            continue
        stripped = line.strip()
        nxt = lines[no] if no < len(lines) else ""
        header = table_header(stripped, nxt) if "|" in stripped else None
        if header is not None:
            spec, current, skip_next = header, None, True
            continue
        if spec is not None and "|" in stripped and stripped.startswith("|"):
            entry = _table_row(stripped, no, spec, ctx)
            if entry is not None:
                out.items.append(entry)
                current = entry
            elif current is not None:
                current.lines.append(" ".join(c for c in table_cells(stripped) if c))
            else:
                out.unattributed.append((no, line))
            continue
        spec = None if not stripped.startswith("|") else spec
        if not stripped:
            current = None
            continue
        if not structural_line(line, no, out, ctx, before_first=not out.has_entries):
            out.unattributed.append((no, line))
        current = None
    return out


def _table_row(line: str, no: int, spec: tuple, ctx: Ctx) -> Entry | None:
    time_col, date_col, author_col, text_col, header_token = spec
    cells = table_cells(line)
    if time_col >= len(cells):
        return None
    m = _TIME_IN.search(cells[time_col])
    if m is None:
        return None
    day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first)
    day = day or find_date(cells[time_col], ctx.default_year, ctx.today, ctx.day_first)
    if day is None and date_col is not None and date_col < len(cells):
        day = find_date(cells[date_col], ctx.default_year, ctx.today, ctx.day_first)
    zone, token, until = match_zone(m)
    if zone is None and header_token:
        zone, token = zone_from_token(header_token), header_token
    author = cells[author_col].strip("*_ ") if author_col is not None and author_col < len(cells) else ""
    # The event column first, then every other column (impact, links...): nothing is dropped.
    order = [text_col] if text_col is not None and text_col < len(cells) else []
    order += [i for i in range(len(cells)) if i not in (time_col, date_col, author_col, text_col)]
    text = " — ".join(cells[i] for i in order if cells[i])
    text = text.replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n")
    approx = bool(m.group("approx"))
    return Entry(no, [text], parse_clock(m.group("time")), author, day, zone, token, is_bot_name(author),
                 approx=approx, clock_text=m.group("time"), until=until, precision="approximate" if approx else "")
