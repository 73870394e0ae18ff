"""The line-based paste formats: timestamped lines, IRC logs, timeline notes, heading timelines.

Each format is a function that says whether a line starts a message (``STARTS``);
``parse_lines`` runs one over a paste, attaching continuation lines to the message above and
reading the lines between messages (channel headers, day dividers, headings, zone preambles)
as marks. The chat apps with multi-line headers (Slack, Teams, Discord...) have their own
parsers beside this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitator.sources.bot_names import is_bot_name, is_matrix_id
from facilitator.sources.paste_formats import (
    BARE_TL_RE,
    CHANNEL_HEADER_RE,
    FENCE_RE,
    HD_RE,
    HEADING_RE,
    IRC_DAY_RE,
    IRC_RE,
    TL_RE,
    TS_RE,
    Ctx,
    DayMark,
    Entry,
    Parsed,
    bare_date,
    channel_day,
    clock_entry,
    date_heading,
    has_early_digit,
    match_day,
    match_zone,
    named_rule,
    new_log,
    structural_line,
)
from facilitator.sources.paste_speakers import name_like, split_speaker
from facilitator.sources.paste_system import named_notice
from facilitator.sources.paste_time import ISO_DATE, find_date, parse_clock, preamble_zone

StartFn = Callable[[str, int, "Ctx"], Entry | None]


def _start_timestamped(line: str, no: int, ctx: Ctx) -> Entry | None:
    m = TS_RE.match(line)
    if m is None or not m.group("rest").strip():
        return None
    zone, token, until = match_zone(m)
    rest = m.group("rest").strip()
    clock = parse_clock(m.group("time"))
    day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first)
    parts = line.split("\t", 2)
    head = TS_RE.match(parts[0]) if len(parts) == 3 else None
    if head is not None and not head.group("rest").strip():  # WeeChat's log: "<date time>\tnick\ttext"
        entry = Entry(no, [], clock, "", day, zone, token, clock_text=m.group("time"))
        return _prefixed(parts[1].strip(), parts[2], entry)
    bar = _WEECHAT_BAR.match(line, _clock_end(m)) if "|" in rest or "│" in rest else None  # "<date> @dana | text"
    if bar is not None:
        return _prefixed(bar.group("nick"), bar.group("text"), Entry(no, [], clock, "", day, zone, token,
                                                                     clock_text=m.group("time")))
    author, text = split_speaker(rest, strict=False)
    notice = named_notice(text) if not author else None
    if notice is not None:  # Element's export: "<date time> - Dana joined the room"
        return Entry(no, [text], clock, notice[0], day, zone, token, subtype=notice[1] or "system",
                     clock_text=m.group("time"))
    return Entry(no, [text], clock, author, day, zone, token, is_bot_name(author), clock_text=m.group("time"),
                 until=until)  # "2024-12-03 13:30-13:45": a range, not an offset


_WEECHAT_BAR = re.compile(r"\]?\s+(?P<nick>[@+%&~!]?[^\s|│]{1,40})\s+[|│](?:\s(?P<text>.*))?$")
_IRC_NOTICE_PREFIXES = frozenset({"-->", "<--", "--", "-!-", "***", "=!="})


def timestamped_speaker(line: str, m: re.Match[str]) -> bool:
    """True when a ``TS_RE`` line names who wrote it ('Alice: text', '<alice>', WeeChat's columns)."""
    rest = m.group("rest")
    if "\t" in line or rest.startswith("<") or ": " in rest[:50] or rest.endswith(":"):  # as ``split_speaker`` reads
        return True
    return ("|" in rest or "│" in rest) and _WEECHAT_BAR.match(line, _clock_end(m)) is not None


def _clock_end(m: re.Match[str]) -> int:
    """Where the clock of a timestamped line ends (after its offset and zone, if written)."""
    return max(m.end(g) for g in ("time", "offset", "zone") if m.group(g))


def _prefixed(nick: str, text: str, entry: Entry) -> Entry:
    """A WeeChat line split into its prefix column and text: a nick, an action ('*') or a notice ('-->')."""
    text = (text or "").strip()
    if nick in _IRC_NOTICE_PREFIXES:
        found = named_notice(text)
        who, subtype = found if found is not None else (text.split(" ", 1)[0], "")
        entry.author, entry.subtype = who, subtype or ("channel_leave" if nick == "<--" else "client_notice")
        entry.lines = [text]
        return entry
    if nick == "*" and text:  # an action: "* | dana restarts the pod"
        entry.author = text.split(" ", 1)[0]
        entry.lines = [f"* {text}"]
    else:
        if nick.startswith("<") and nick.endswith(">") and len(nick) > 2:
            nick = nick[1:-1].strip()  # a log written "<date time>\t<kuba>\ttext": the nick in its brackets
        entry.author = nick if is_matrix_id(nick) else nick.lstrip("@+%&~!") or nick  # a Matrix ID keeps its "@"
        entry.lines = [text]
    entry.is_bot = is_bot_name(entry.author)
    return entry


def _start_irc(line: str, no: int, ctx: Ctx) -> Entry | None:
    m = IRC_RE.match(line)
    if m is None:
        return None
    clock = parse_clock(m.group("time"))
    if m.group("bnick"):  # WeeChat's screen: "10:42:03 @dana | text", "10:40:00 --> | dana has joined"
        return _prefixed(m.group("bnick"), m.group("btext"), Entry(no, [], clock, ""))
    if m.group("nick"):
        nick = m.group("nick")
        if not any(ch.isalnum() for ch in nick):  # ZNC's "<***> Buffer Playback...": the bouncer, nobody
            return Entry(no, [m.group("text")], clock, nick, subtype="client_notice")
        return Entry(no, [m.group("text")], clock, nick, is_bot=is_bot_name(nick))
    if m.group("nnick"):  # services, monitors and bots send notices; people talk in the channel
        return Entry(no, [m.group("ntext")], clock, m.group("nnick"), is_bot=True)
    if m.group("cnick"):
        # Only with a bracketed clock: "14:02 Deploy: done" is a timeline note, read elsewhere.
        if not line.startswith(("[", "(")) or not (is_matrix_id(m.group("cnick")) or name_like(m.group("cnick"), strict=False)):
            return None
        nick = m.group("cnick").strip()
        return Entry(no, [m.group("ctext")], clock, nick, is_bot=is_bot_name(nick))
    if m.group("anick"):
        nick = m.group("anick")
        return Entry(no, [f"* {nick} {m.group('atext')}"], clock, nick, is_bot=is_bot_name(nick))
    sys_text = m.group("sys").strip()
    notice = named_notice(sys_text)
    if notice is not None and notice[1]:
        return Entry(no, [sys_text], clock, notice[0], subtype=notice[1])
    who = sys_text.split(" ", 1)[0] if sys_text else ""
    low = sys_text.lower()
    subtype = "channel_join" if "joined" in low else "channel_leave" if re.search(r"\b(quit|left|part)", low) else ""
    subtype = subtype or ("channel_topic" if "topic" in low else "")
    return Entry(no, [sys_text], clock, who, subtype=subtype or "client_notice")


def bare_time_label(line: str) -> re.Match[str] | None:
    """'**18:30**', '- 14:02 UTC:', '2024-12-03 09:00:' alone on a line; a plain '18:30' is not enough."""
    m = BARE_TL_RE.match(line)
    if m is None or not any(m.group(g) for g in ("bullet", "mark", "colon", "zone", "date")):
        return None
    return m


_PLACEHOLDER_CLOCK = re.compile(r"[\dXx?]:[\dXx?]")


# "2023-09-18 15.26 text": a dotted clock, read as one only right after a full date (alone,
# "15.26" could be a version or a number).
_DOTTED_AFTER_DATE = re.compile(rf"^(\s{{0,3}}(?:[-*+•]\s*)?(?:{ISO_DATE})[T ]+(?:[01]?\d|2[0-3]))\.([0-5]\d)(?=[\s:|–—-])")


def _start_timeline(line: str, no: int, ctx: Ctx) -> Entry | None:
    if not has_early_digit(line) and _PLACEHOLDER_CLOCK.search(line, 0, 40) is None:
        return None
    line = _DOTTED_AFTER_DATE.sub(r"\1:\2", line, count=1)
    m = TL_RE.match(line) or bare_time_label(line)
    if m is None:
        return None
    if "rest" not in m.re.groupindex:  # a label line: the entry's text is on the lines below
        return clock_entry(m, no, [], ctx)
    rest = m.group("rest").strip()
    if rest.endswith("\\") and not rest.endswith("\\\\"):
        rest = rest[:-1].rstrip()  # Markdown's hard line break ("text\"), not part of the text
    author, text = split_speaker(rest, strict=True)
    return clock_entry(m, no, [text], ctx, author=author, is_bot=is_bot_name(author))


def _start_heading(line: str, no: int, ctx: Ctx) -> Entry | None:
    m = HD_RE.match(line) if line.startswith("#") else None
    if m is None:
        return None
    rest = m.group("rest").strip().strip("*_").strip()
    return clock_entry(m, no, [rest] if rest else [], ctx, level=len(m.group("hashes")))


STARTS: dict[str, StartFn] = {
    "timestamped": _start_timestamped,
    "irc": _start_irc,
    "timeline": _start_timeline,
    "headings": _start_heading,
}
_DOCUMENT_FORMATS = frozenset({"timeline", "headings", "table"})  # Markdown notes: fences, headings end entries


def parse_lines(lines: list[str], fmt: str, ctx: Ctx) -> Parsed:
    """Run a line-based format: message starts, continuations, headings, preambles."""
    start = STARTS[fmt]
    document = fmt in _DOCUMENT_FORMATS
    out = Parsed()
    current: Entry | None = None
    in_fence = False
    for no, line in enumerate(lines, 1):
        if in_fence:
            if FENCE_RE.match(line):
                in_fence = False
            if current is not None:
                current.lines.append(line)
            else:
                out.unattributed.append((no, line))
            continue
        if document and FENCE_RE.match(line):
            in_fence = line.strip().count("```") % 2 == 1 or line.strip().count("~~~") % 2 == 1
            if current is not None:
                current.lines.append(line)
            else:
                out.unattributed.append((no, line))
            continue
        if not line.strip():
            if current is not None:
                current.lines.append("")
            continue
        entry = start(line, no, ctx)
        if entry is not None:
            out.items.append(entry)
            current = entry
            if entry.day is not None:
                ctx.default_year = entry.day.year  # "19. April" later on means that year
            continue
        stripped = line.strip()
        if CHANNEL_HEADER_RE.match(stripped) or (out.has_timed_entries and named_rule(line)):
            new_log(out, no, stripped, ctx)  # another log: "#ops", "=== Chat room: sev1 ==="
            current = None
            continue
        if (day_named := bare_date(stripped, ctx) or (channel_day(stripped, ctx) if stripped[0] == "#" else None)) is not None:
            out.items.append(DayMark(no, day_named))
            current = None
            continue
        if fmt == "irc" and (day := IRC_DAY_RE.match(stripped)):
            found = find_date(day.group("rest"), ctx.default_year, ctx.today, ctx.day_first)
            if found is not None:
                out.items.append(DayMark(no, found))
            continue
        heading = HEADING_RE.match(stripped)
        if heading and fmt == "headings" and current is not None and len(heading.group(1)) > current.level:
            current.lines.append(line)  # a sub-heading inside an entry's body
            continue
        if heading and document:  # in Markdown notes a heading ends the entry above it
            current = None
            if (dated := date_heading(line, no, out, ctx)) is not None:
                out.items.append(dated)
                current = dated
                ctx.default_year = dated.day.year
                continue
        if current is None:
            if not structural_line(line, no, out, ctx, before_first=not out.has_timed_entries):
                out.unattributed.append((no, line))
            continue
        if current.precision == "date-only" and not out.has_timed_entries and preamble_zone(stripped) is not None:
            out.zone = out.zone or preamble_zone(stripped)  # "## 2024-12-03" then "All times in UTC"
            continue
        if heading and structural_line(line, no, out, ctx, before_first=False):
            current = None  # a dated heading between chat lines: a new day
            continue
        current.lines.append(line)
    return out
