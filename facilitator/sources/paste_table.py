"""Markdown tables as timelines: one row is one message.

A table counts as a timeline when its header names a time column (time, when, timestamp...,
optionally with a zone: ``Time (UTC)``), under Markdown's rule line, a SQL client's
("-----+-----", its rows without the outer pipes) or none. A who/author column gives the
author; without one, a speaker opening the entry ("Meera Iyer: status post is up") is the
author. The event column comes first in the text and every other column follows it, so
nothing in the row is lost but the kind of a row that is someone talking ("Discussion"); any
other kind tags the text ("[State change] New -> Active"). Rows without a readable time
continue the row above (wrapped cells).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import Ctx, Entry, Parsed, match_day, match_zone, structural_line
from facilitator.sources.paste_speakers import split_speaker
from facilitator.sources.paste_time import APPROX, ISO_DATE, OFFSET, TIME, ZONE, find_date, parse_clock, zone_from_token

# Markdown's rule line, or a SQL client's ("-----+-----", psql and mysql's text output)
_TABLE_SEP = re.compile(r"^[|+]?\s*:?-{2,}:?\s*(?:[|+]\s*:?-{2,}:?\s*)+[|+]?$")
TIME_COLS = ("time", "when", "timestamp", "at", "datetime", "date/time", "date & time", "hour", "clock")
_DATE_COLS = ("date", "day")
AUTHOR_COLS = ("who", "author", "actor", "person", "owner", "by", "name", "speaker", "user", "responder",
               "entered by", "logged by", "posted by", "added by", "created by")
_ROW_NUMBER = re.compile(r"^#?\d{1,6}$")  # a log's entry number ("0001"): no part of what happened
_NUMBER_COLS = ("entry", "#", "no", "no.", "nr", "id", "ref", "seq", "row", "line")
_ROLE_AFTER = re.compile(r"\s+\([^()]{2,60}\)$")  # a role or a site after the name
TEXT_COLS = ("event", "what", "description", "details", "detail", "text", "message", "action",
              "activity", "summary", "notes", "note", "update", "entry", "happened", "what happened")
# What kind of entry a row is, as an incident tool's export says it ("Type: Discussion", "source:
# STATUS PAGE"): a tag before the text, left out for the kinds that are just someone talking
_KIND_COLS = ("type", "kind", "source", "category", "entry type", "event type")
_TALK_KINDS = re.compile(r"^(?:discussion|comment|note|message|chat|reply|post)s?\b", re.IGNORECASE)


class TableSpec(NamedTuple):
    """What a timeline table's header says: where each part of a row is."""

    time: int  # column indexes
    date: int | None
    author: int | None
    text: int | None
    token: str  # the header's zone token ('UTC' in 'Time (UTC)')
    numbers: frozenset[int]  # the columns that number the rows ("Entry", "#")
    kind: int | None  # the column of the entry's kind ("Type", "Source")


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


def table_header(line: str, next_line: str) -> TableSpec | None:
    """The table's ``TableSpec`` when ``line`` heads a Markdown table naming a time column, else None."""
    if "|" not in line or not _TABLE_SEP.match(next_line.strip()):
        return None
    return _header_spec(table_cells(line))


def plain_table_header(line: str, next_line: str) -> TableSpec | None:
    """The same for a table without Markdown's rule line, as a log exported to text writes it:
    "Entry | Time | Entered by | Detail" over "0001 | 01:08 | Morag Fraser | All positions dropped".

    The header names a time column after the first (a row that opens with its time is a
    timeline note, read as one) and has no figures in it; the row below has as many cells and
    a time where the header says.
    """
    if line.count("|") < 2 or next_line.count("|") != line.count("|") or any(ch.isdigit() for ch in line):
        return None
    header, row = table_cells(line), table_cells(next_line)
    spec = _header_spec(header)
    if spec is None or spec.time == 0 or len(row) != len(header) or spec.author is None and spec.text is None:
        return None
    return spec if _TIME_IN.search(row[spec.time]) else None


def _header_spec(header: list[str]) -> TableSpec | None:
    time_col = column(header, TIME_COLS, ("time",))  # "Time (UTC)", "Timestamp"
    if time_col is None:
        return None
    token = ""
    paren = re.search(r"\(([^)]+)\)", header[time_col])
    if paren and zone_from_token(paren.group(1).strip()) is not None:
        token = paren.group(1).strip()
    text_col = next((i for name in TEXT_COLS if (i := column(header, (name,))) is not None), None)
    numbers = frozenset(i for i, cell in enumerate(header) if cell.strip("*_ ").lower() in _NUMBER_COLS)
    return TableSpec(time_col, column(header, _DATE_COLS), column(header, AUTHOR_COLS),
                     text_col if text_col is not None else column(header, TEXT_COLS, TEXT_COLS), token, numbers,
                     column(header, _KIND_COLS))


def parse_table(lines: list[str], ctx: Ctx) -> Parsed:
    """Markdown tables whose header names a time column; one row is one message."""
    out = Parsed()
    spec = None
    current: Entry | None = None
    skip_next = plain = False
    for no, line in enumerate(lines, 1):
        if skip_next:
            skip_next = False
            continue
        stripped = line.strip()
        nxt = lines[no] if no < len(lines) else ""
        header = table_header(stripped, nxt) if "|" in stripped else None
        if header is not None:  # rows open with a pipe as Markdown writes them, or without as a SQL client does
            spec, current, skip_next, plain = header, None, True, not stripped.startswith("|")
            continue
        header = plain_table_header(stripped, nxt) if spec is None and "|" in stripped else None
        if header is not None:
            spec, current, plain = header, None, True
            continue
        if spec is not None and "|" in stripped and (stripped.startswith("|") or plain):
            entry = _table_row(stripped, no, spec, ctx)
            if entry is not None:
                out.items.append(entry)
                current = entry
            elif current is not None:
                current.lines.append(" ".join(c for c in table_cells(stripped) if c))
            else:
                out.unattributed.append((no, line))
            continue
        spec = None if not stripped.startswith("|") and not (plain and "|" in stripped) else spec
        if not stripped:
            current = None
            continue
        if not structural_line(line, no, out, ctx, before_first=not out.has_entries):
            out.unattributed.append((no, line))
        current = None
    return out


def _table_row(line: str, no: int, spec: TableSpec, ctx: Ctx) -> Entry | None:
    time_col, date_col, author_col, text_col, header_token, numbers, kind_col = spec
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
    author = _ROLE_AFTER.sub("", author)  # "Morag Fraser (Duty Supervisor, Inverness EMDC)"
    kind = cells[kind_col] if kind_col is not None and kind_col < len(cells) and kind_col != text_col else ""
    if not author and text_col is not None and text_col < len(cells):
        author, said = split_speaker(cells[text_col], strict=True)  # "Meera Iyer: status post is up"
        if author:
            cells[text_col] = said
    # The event column first, then every other column (impact, links...): nothing is dropped but
    # the kind of a row that is someone talking; any other kind tags the text ("[State change] ...").
    order = [text_col] if text_col is not None and text_col < len(cells) else []
    order += [i for i in range(len(cells)) if i not in (time_col, date_col, author_col, text_col, kind_col)
              and not (i in numbers and _ROW_NUMBER.match(cells[i]))]
    text = " — ".join(cells[i] for i in order if cells[i])
    if kind and not _TALK_KINDS.match(kind) and not (author and kind.lower().startswith(("chat", "slack", "teams"))):
        text = f"[{kind}] {text}"
    text = text.replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n")
    approx = bool(m.group("approx"))
    return Entry(no, [text], parse_clock(m.group("time")), author, day, zone, token, is_bot_name(author),
                 approx=approx, clock_text=m.group("time"), until=until, precision="approximate" if approx else "")
