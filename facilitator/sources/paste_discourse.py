"""A forum thread (Discourse) copied from the web page.

Discourse prints each post as the poster's username on a line of its own, maybe their title
or group ("Asana Staff", "Moderator"), then when it was posted, then the post::

    marta.lindqvist
    9h                              (or "25m", "3d", "Feb 1", "Feb 1, 2021", "Jan '21")
    Same here. Also, polling GET /events ...
    ❤ 3                             (reactions, "Solution", "Reply": the interface)

A username followed by such a stamp starts a post. Recent posts show only how long ago they
were written ("9h"): they are counted back from when the page was copied, like other apps'
"3 hours ago" stamps; older ones show their day.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import Ctx, Entry, Parsed, match_day

_USERNAME_RE = re.compile(r"^@?[A-Za-z0-9][\w.-]{1,39}$")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_STAMP_RE = re.compile(
    rf"^(?:(?P<n>\d{{1,3}})\s?(?P<unit>[mhdw])|(?P<date>{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?)|(?P<month>{_MONTHS})\s+[\x27\u2019]\d{{2}})$",
    re.IGNORECASE,
)
# A title or group shown under the username: "Asana Staff", "Moderator", "Regular", "Community Manager".
_TITLE_RE = re.compile(r"^[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3}$")
# The interface between and under posts: reactions, the accepted answer's mark, buttons, counters.
_INTERFACE_RE = re.compile(
    r"^(?:[\u2764\u2665\U0001f44d\U0001f389\U0001f440\U0001f60a\ufe0f\s]+\d*|\d+\s+likes?|solution|reply|share|"
    r"flag|bookmark|copy link|code|\d+\s*/\s*\d+|\d+\s+(?:replies|views|users|links)|(?:\d+\s*[mhdw]|just)\s+ago)$",
    re.IGNORECASE,
)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _stamp_at(lines: list[str], i: int) -> int | None:
    """The index of the post stamp after a username at ``i`` (maybe past a title line), else None."""
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if _STAMP_RE.match(following):
        return i + 1
    if _TITLE_RE.match(following) and i + 2 < len(lines) and _STAMP_RE.match(lines[i + 2].strip()):
        return i + 2
    return None


def starts_post(lines: list[str], i: int) -> bool:
    """True when line ``i`` is a username with a post stamp below it (detection only)."""
    return _USERNAME_RE.match(lines[i].strip()) is not None and _stamp_at(lines, i) is not None


def parse_discourse(lines: list[str], ctx: Ctx) -> Parsed:
    """Read a Discourse thread: a username and a stamp start a post; the interface is dropped."""
    out = Parsed()
    current: Entry | None = None
    skip_to = -1
    for i, raw in enumerate(lines):
        if i <= skip_to:
            continue
        line = raw.strip()
        stamp = _stamp_at(lines, i) if _USERNAME_RE.match(line) else None
        if stamp is not None:
            current = _post(line.lstrip("@"), lines[stamp].strip(), i + 1, ctx)
            out.items.append(current)
            skip_to = stamp
            continue
        if current is None:
            if line and not out.title and not out.items:
                out.title = line
            elif line:
                out.unattributed.append((i + 1, raw))
            continue
        if _INTERFACE_RE.match(line):
            continue
        current.lines.append(raw.rstrip())
    for item in out.items:
        if isinstance(item, Entry):
            while item.lines and not item.lines[-1].strip():
                item.lines.pop()
            while item.lines and not item.lines[0].strip():
                item.lines.pop(0)
    return out


def _post(name: str, stamp: str, no: int, ctx: Ctx) -> Entry:
    m = _STAMP_RE.match(stamp)
    assert m is not None  # _stamp_at matched it
    entry = Entry(no, [], time(0), name, is_bot=is_bot_name(name), precision="date-only")
    if m.group("n"):
        entry.ago = timedelta(**{_UNITS[m.group("unit").lower()]: int(m.group("n"))})
        entry.precision = "approximate"
    elif m.group("date"):
        entry.day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first) or ctx.today
    else:
        entry.day = ctx.today  # "Jan '21": only the month
    if entry.day is not None:
        ctx.default_year = entry.day.year
    return entry
