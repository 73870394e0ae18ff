"""Slack desktop copy-paste: what you get when you select a stretch of a channel and copy it.

Slack puts the author and time on a header line (``Alice Smith  10:32 AM``, or with a date
as in ``Alice Smith 3/12/2024 10:32 AM``, or the name and
``10:32 AM`` on two lines), shows follow-up messages from the same person with a bare time
(``10:33``, no AM/PM), separates days with dividers (``Tuesday, December 3rd``, ``Today``,
``Yesterday``) and mixes in interface text ("3 replies", "View thread", ":eyes: 2" reaction
counts, "(edited)"). The interface text is recognised and dropped; everything else is kept.

Mattermost and Rocket.Chat copy the same shape (a name line, then a time line, then the text)
with their own extras: Mattermost an avatar line ("dana.o profile image"), Rocket.Chat the
name twice (display name and username). Both are read here too.
"""

from __future__ import annotations

import re
from datetime import date, time

from facilitator.sources.paste_formats import (
    CHANNEL_HEADER_RE,
    BlockMark,
    Ctx,
    DayMark,
    Entry,
    Parsed,
    is_bot_name,
    match_day,
    name_like,
    structural_line,
)
from facilitator.sources.paste_time import (
    AGO,
    ISO_DATE,
    REL_DAY_AT,
    TIME,
    WORD_DATE,
    ago_delta,
    find_date,
    parse_clock,
    relative_day,
)

# A header's stamp: "10:32 AM", "[10:32]", "yesterday at 5:25 PM", "[3 hours ago]".
_STAMP = rf"\[?(?:(?P<relday>{REL_DAY_AT}))?(?:(?P<time>{TIME})|(?P<ago>{AGO}))\]?"
SLACK_HEADER_RE = re.compile(
    rf"^(?P<name>\S.*?)(?P<app>\s*\bAPP|(?<=[a-z])APP|\s+BOT)?(?:\s+(?P<date>{ISO_DATE}))?"  # "Alice 3/12/2024 10:32 AM"
    rf"(?:\s{{2,}}|\t|\s(?=\[|{REL_DAY_AT}|\d{{1,2}}:\d{{2}}\s?[AaPp][Mm]|{AGO}))"
    rf"{_STAMP}$"
)
SLACK_TIME_RE = re.compile(rf"^{_STAMP}$")
_APP_LABELS = frozenset({"APP", "BOT", "App", "Bot"})
# "July 23 4:10 AM" / "2024-07-23 04:10" alone on a line: a new day and a time at once
# (notes written in the bare-time style often date the entry that crosses midnight).
_DATED_TIME_RE = re.compile(
    rf"^\[?(?P<date>{WORD_DATE.pattern}|{ISO_DATE}),?\s+(?:at\s+)?\[?(?P<time>{TIME})\]?$", re.IGNORECASE
)
_SLACK_NOISE = re.compile(
    r"^(?:\d+\s+repl(?:y|ies)|view thread|last reply\b.*|\(edited\)|edited|new(?: messages?)?|"
    r"also sent to the channel|replied to a thread:?.*|thread|reply…?|reply\.\.\.|"
    r"(?::[\w+'-]+:\s*\d+\s*)+|(?:[^\w\s]{1,4}\s*\d+\s*)+|added an integration to this channel:.*)$",
    re.IGNORECASE,
)
EMOJI_CODE = re.compile(r":[\w+'-]+:")
# Interface text a copy glues to the end of a message line, with no space before it.
_GLUED_NOISE = re.compile(
    r"(?<=[^\s])\s*(?:View newer replies|View older replies|View thread|Show more|Show less|"
    r"\d+\s+repl(?:y|ies)(?:\s*Last reply.*)?|Also sent to the channel)$"
)
_AVATAR = re.compile(r"^(?P<name>\S.{0,63}?) profile image$")  # Mattermost's avatar, copied as its alt text


def date_divider(text: str, ctx: Ctx) -> date | None:
    """The day a divider line names ('Tuesday, December 3rd', 'Today', '2024-12-03'); None otherwise."""
    core = text.strip().strip("-—–").strip()
    if not core or len(core) > 40:
        return None
    rel = relative_day(core, ctx.today)
    if rel is not None:
        return rel
    m = WORD_DATE.fullmatch(core) or re.fullmatch(ISO_DATE, core)
    return find_date(core, ctx.default_year, ctx.today) if m else None


def parse_slack(lines: list[str], ctx: Ctx) -> Parsed:
    """Slack's copy-paste: 'Name  10:32 AM' or 'Name' + '10:32 AM' headers, dividers, noise."""
    out = Parsed()
    current: Entry | None = None
    nos: list[int] = []  # line number of each line in ``current.lines``
    known: set[str] = set()
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current is not None:
                current.lines.append("")
                nos.append(no)
            continue
        avatar = _AVATAR.match(line)
        if avatar is not None and name_like(avatar.group("name"), strict=False):
            known.add(avatar.group("name"))  # the name line below it is an author, whatever its case
            continue
        if CHANNEL_HEADER_RE.match(line):  # another channel's log pasted below: its own clock run
            out.items.append(BlockMark(no))
            current = None
            continue
        if _SLACK_NOISE.match(line):
            if current is not None and "edited" in line.lower():
                current.edited = True
            continue
        day = date_divider(line, ctx)
        if day is not None:
            out.items.append(DayMark(no, day))
            current = None
            continue
        m = SLACK_HEADER_RE.match(line)
        if m and m.group("name").strip() in _APP_LABELS:
            # "Prow Bot" then "APP  10:30 AM": the app's label sits on the time line; the name is above it
            found = _pop_name_line(current, nos, out, known)
            name_no, name = found if found is not None else (no, m.group("name").strip())
            current, nos = _stamped(Entry(name_no, [], time(0), name, is_bot=True), m, ctx, None), []
            out.items.append(current)
            continue
        if m and name_like(EMOJI_CODE.sub("", m.group("name")), strict=False):
            name = EMOJI_CODE.sub("", m.group("name")).strip()
            known.add(name)
            bot = bool(m.group("app")) or is_bot_name(name)
            day = match_day(m.group("date"), ctx.today, ctx.default_year)
            current, nos = _stamped(Entry(no, [], time(0), name, day=day, is_bot=bot), m, ctx, None), []
            out.items.append(current)
            continue
        dated = _DATED_TIME_RE.match(line)
        if dated and (day := find_date(dated.group("date"), ctx.default_year, ctx.today)) is not None:
            out.items.append(DayMark(no, day))
            current = None  # a new day: the author line, if any, is not carried over
        m = dated or SLACK_TIME_RE.match(EMOJI_CODE.sub("", line).strip())  # a status emoji may sit before the time
        if m:
            previous = current
            meridiem = bool(re.search(r"[AaPp]\.?[Mm]", m.group("time") or ""))
            found = _pop_name_line(current, nos, out, known, doubled=meridiem)
            if found is not None:
                name_no, name = found
                known.add(name)
                current = Entry(name_no, [], time(0), name, is_bot=is_bot_name(name))
            else:
                author = current.author if current else ""
                current = Entry(no, [], time(0), author, is_bot=current.is_bot if current else False)
            current = _stamped(current, m, ctx, previous)
            nos = []
            out.items.append(current)
            continue
        if current is None:
            if not structural_line(raw, no, out, ctx, before_first=not out.has_entries):
                out.unattributed.append((no, raw))
            continue
        if line.endswith("(edited)"):
            current.edited = True
            line = line[: -len("(edited)")].rstrip()
        line = _GLUED_NOISE.sub("", line)  # "...not responding at all.View newer replies"
        if not line:
            continue
        current.lines.append(line)
        nos.append(no)
    return out


def _stamped(entry: Entry, m: re.Match, ctx: Ctx, previous: Entry | None) -> Entry:
    """The entry with its stamp read: a clock, "yesterday at 5:25 PM" or "[3 hours ago]".

    ``previous`` is the message above a bare follow-up time (Slack's "2:12", no AM/PM); a
    full header reads its clock as written.
    """
    groups = m.groupdict()
    if groups.get("ago"):
        entry.ago = ago_delta(groups["ago"])
        entry.precision = "approximate"
        return entry
    text = groups["time"]
    entry.clock = parse_clock(text) if m.re is SLACK_HEADER_RE else _slack_clock(text, previous)
    if groups.get("relday"):
        entry.day = relative_day(groups["relday"].split()[0], ctx.today)
    return entry


def _slack_clock(text: str, current: Entry | None) -> time:
    """Slack shows '2:12' (no AM/PM) beside follow-up messages: pick the reading after the last time."""
    clock = parse_clock(text)
    if current is None or re.search(r"[AaPp]\.?[Mm]", text) or clock.hour > 12:
        return clock
    previous = current.clock
    candidates = [clock.replace(hour=clock.hour % 12), clock.replace(hour=clock.hour % 12 + 12)]
    later = [c for c in candidates if c >= previous]
    return later[0] if later else candidates[0]


def _pop_name_line(
    current: Entry | None, nos: list[int], out: Parsed, known: set[str], *, doubled: bool = False
) -> tuple[int, str] | None:
    """The author's name just before a bare time line (Slack's two-line header), removed from where it sat.

    Slack may put the author's status emoji on a line of its own between the name and the time.
    With ``doubled`` (a header time with AM/PM), a name written twice is one name: Rocket.Chat
    copies the display name and the username.
    """
    if current is not None:
        lines = current.lines
        while lines and not lines[-1]:
            lines.pop()
            nos.pop()
        end = len(lines)
        if end and not EMOJI_CODE.sub("", lines[-1]).strip() and end >= 2:
            end -= 1  # the status emoji line
        if not end:
            return None
        candidate = EMOJI_CODE.sub("", lines[end - 1]).strip()
        twice = doubled and end >= 2 and lines[end - 2].strip() == candidate and name_like(candidate, strict=False)
        if candidate in known or twice or (name_like(candidate, strict=True) and end > 1):
            start = end - 2 if twice else end - 1  # Rocket.Chat: display name, then username
            name_no = nos[start]
            del lines[start:]
            del nos[start:]
            return name_no, candidate
        return None
    rows = out.unattributed
    if rows and not EMOJI_CODE.sub("", rows[-1][1]).strip() and len(rows) >= 2:
        rows = rows[:-1]
    if rows:
        no, text = rows[-1]
        candidate = EMOJI_CODE.sub("", text).strip()
        if name_like(candidate, strict=False):
            twice = doubled and len(rows) >= 2 and rows[-2][1].strip() == text.strip()
            start = len(rows) - 2 if twice else len(rows) - 1
            no = rows[start][0]
            del out.unattributed[start:]
            return no, candidate
    return None
