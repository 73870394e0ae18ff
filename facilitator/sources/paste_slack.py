"""Slack desktop copy-paste: what you get when you select a stretch of a channel and copy it.

Slack puts the author and time on a header line (``Alice Smith  10:32 AM``, or with a date
as in ``Alice Smith 3/12/2024 10:32 AM``, or the name and
``10:32 AM`` on two lines), shows follow-up messages from the same person with a bare time
(``10:33``, no AM/PM), separates days with dividers (``Tuesday, December 3rd``, ``Today``,
``Yesterday``) and mixes in interface text ("3 replies", "View thread", ":eyes: 2" reaction
counts, "(edited)"). The interface text is recognised and dropped; everything else is kept.

Mattermost and Rocket.Chat copy the same shape (a name line, then a time line, then the text)
with their own extras: Mattermost an avatar line ("dana.o profile image") and a "BOT" line,
Rocket.Chat the name twice (display name and username). Both are read here too, and so are the
other apps that copy a name and a time over the text: Zulip (with its "stream > topic" bars),
Google Chat ("Dana Okafor, 10:32 AM", "Jun 8, 10:32 AM"), Teams' newer one-line headers
("Dana Okafor 10:32 AM", "Okafor, Dana 6/8 10:32 AM", "Dana Okafor Yesterday 10:32 PM"), old
Slack ("dana [10:32 AM]") and Slack's archive pages, which keep the text on the header line
("dana 10:32 AM text"). Messages that are only a channel notice ("joined #inc-123.") become
system messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date, time, timedelta
from functools import lru_cache

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import (
    BOX_RULES,
    CHANNEL_HEADER_RE,
    BlockMark,
    Ctx,
    DayMark,
    Entry,
    Parsed,
    match_day,
    new_log,
    structural_line,
)
from facilitator.sources.paste_speakers import LAST_FIRST, MATRIX_ID, name_like
from facilitator.sources.paste_time import (
    AGO,
    ISO_DATE,
    REL_DAY_AT,
    SHORT_DATE,
    TIME,
    WORD_DATE,
    ago_delta,
    find_date,
    parse_clock,
    relative_day,
    weekday_year,
)
from facilitator.sources.paste_system import named_notice, slack_notice

# A header's stamp: "10:32 AM", "[10:32]", "yesterday at 5:25 PM", "[3 hours ago]".
_STAMP = rf"[\[(]?(?:(?P<relday>{REL_DAY_AT}))?(?:(?P<time>{TIME})|(?P<ago>{AGO}))[\])]?"
_MONTH_DAY = r"(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s\d{1,2}(?:st|nd|rd|th)?(?:,\s\d{4})?)"
_MERIDIEM_TIME = r"\d{1,2}:\d{2}\s?[AaPp]\.?[Mm]"
_WEEKDAY = r"(?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?)(?=\s\d)"  # a day named by its weekday alone
# "Alice 3/12/2024 10:32 AM", Teams' "Alice, 6/8/2021 10:32 AM" and "Alice 6/8 10:32 AM", Google
# Chat's "Alice, 10:32 AM" and "Alice, Jun 8, 10:32 AM".
SLACK_HEADER_RE = re.compile(
    # Google Chat: "PagerDuty, App, 10:32" (or "PagerDuty · App, 10:32"); Zulip's Markdown copy: "**Pieter de Vries** [03:22]"
    rf"^(?:\*\*)?(?P<name>[^\s*].*?)(?:\*\*)?(?P<app>\s*\bAPP|(?<=[a-z])APP|\s+BOT|(?:,|\s[\u00b7\u2022])\sApp(?=,))?"
    rf"(?:,?\s+(?P<date>{ISO_DATE}|{SHORT_DATE}|{_MONTH_DAY})(?:\s+at(?=\s))?|,\s+(?P<wday>{_WEEKDAY}))?"  # Slack's "Jun 8th at 10:32 AM"; Google Chat's "Alice, Fri 4:51 AM"
    rf"(?:,?\s{{2,}}|\t|\s[\u00b7\u2022]\s|,?\s(?=[\[(]|{REL_DAY_AT}|{_MERIDIEM_TIME}|{AGO}|\d{{1,2}}:[0-5]\d$))"  # Zulip's web copy: "Rhys Morgan · 23:03"
    rf"{_STAMP}:?"  # Lync's and Zulip's saved copies: "Jason Koh [2:11 PM]:", "Omar Haddad (11:52 AM):"
    r"(?P<tag>\s+(?:BOT|APP))?$"  # the app's label after the time: "pretixstatus  22:29  BOT"
)
# Every header ends with its stamp: a cheap test of the line's last characters spares the full
# pattern on the other lines of long pastes.
_STAMP_END = re.compile(r"(?:\d:[0-5]\d(?::[0-5]\d)?\s?(?:[AaPp]\.?[Mm]\.?)?|\bago|\bnow)[\])]?:?(?:\s+(?-i:BOT|APP))?$", re.IGNORECASE)


def _weekday_day(word: str | None, ctx: Ctx) -> date | None:
    """The day a header's weekday ("Fri") names, or None. Counted back from the day of the copy, as
    the app wrote it; when the day given is where the paste starts (--date), the day with that
    weekday within three days of it."""
    if not word:
        return None
    if not ctx.started:
        return relative_day(word.rstrip("."), ctx.today)
    wanted = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(word[:3].lower())
    return ctx.today + timedelta(days=(wanted - ctx.today.weekday() + 3) % 7 - 3)


def slack_header(line: str) -> re.Match[str] | None:
    """The match of a one-line header ('Alice Smith  10:32 AM'), or None."""
    if _STAMP_END.search(line, max(0, len(line) - 16)) is None:
        return None
    m = SLACK_HEADER_RE.match(line)
    if m is not None and DATED_TIME_RE.match(line):
        return None  # "Jun 24th at 7:53 PM" alone: a dated stamp under the name (search results), not a person
    if m is not None and _REL_DAY_NAME.match(m.group("name")):
        return None  # "Yesterday at 2:16 PM" alone is a follow-up message's stamp, not a person
    if (
        m is not None and _ONE_SPACE_24H.fullmatch(line) and not m.group("app") and not m.group("tag")
        and not name_like(m.group("name"), strict=True) and not _HANDLE_RE.match(m.group("name"))
    ):
        return None  # "Reto Gasser 08:01" (Zulip) and "sanne.bakker 07:58" (Mattermost) are headers; "deploy done 08:01" is not
    return m


_ONE_SPACE_24H = re.compile(r"\S(?:.*\S)? \d{1,2}:[0-5]\d")


_REL_DAY_NAME = re.compile(r"^(?i:today|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?:\s+at)?$")


# Slack's archive pages and some exports: the header and the text on one line ("jdoe 10:42 AM text");
# a copy with the clock after the name and a colon ("Kaspar T. 21:02: anyone on?").
_INLINE_RE = re.compile(
    rf"^(?P<name>[^\s\d][^\s]*(?: [^\s\d][^\s]*){{0,2}}) "
    # "Dale Kowalchuk (4:23 PM): text": Lync's and Skype for Business's conversation history
    rf"(?:(?P<time>{_MERIDIEM_TIME})|\[(?P<btime>{TIME})\]|\((?P<ptime>{TIME})\):|(?P<ktime>{TIME}):) (?P<text>\S.*)$"
    # Mattermost's columns: "@markus.h  08:30  text" (a handle, the time and the text, two spaces apart)
    rf"|^@(?P<cname>[\w.-]{{1,40}})\s{{2,}}(?P<ctime>{TIME})\s{{2,}}(?P<ctext>\S.*)$"
)
SLACK_TIME_RE = re.compile(rf"^{_STAMP}$")
APP_LABELS = frozenset({"APP", "BOT", "App", "Bot"})  # an app's label on a line of its own, or as the name
APP_TAG = re.compile(r"\s+(?:APP|BOT|\[(?:APP|BOT)\])$")  # the app label beside a name: "Statuspage APP", Discord's "Bot BOT" or "yHarvest [APP]"
# "July 23 4:10 AM" / "2024-07-23 04:10" alone on a line: a new day and a time at once
# (notes written in the bare-time style often date the entry that crosses midnight).
DATED_TIME_RE = re.compile(
    rf"^\[?(?P<date>{WORD_DATE.pattern}|{ISO_DATE}|{SHORT_DATE}(?:/\d{{2,4}})?),?\s+(?:at\s+)?\[?(?P<time>{TIME})\]?$", re.IGNORECASE
)
_SLACK_NOISE = re.compile(
    r"^(?:\d+\s+repl(?:y|ies)(?: from .{1,80})?|view thread|view (?:newer|older) replies|last reply\b.*|"
    r"(?:show|see) (?:more|less)|collapse all|"
    r"\(edited\)|edited|new(?: messages?)?|"
    r"also sent to the channel|replied to a thread:?.*|commented on .{1,80}'s message:.*|\(message deleted\)|"
    r"this message was deleted\.?|only visible to you|thread|reply…?|reply\.\.\.|"
    r"(?::[\w+'-]+:\s*\d+\s*)+|(?:[^\w\s\x00-\x7f]{1,4}\s*\d+\s*)+|added an integration to this channel:.*)$",
    re.IGNORECASE,
)
EMOJI_CODE = re.compile(r":[\w+'-]+:")
# Interface text a copy glues to the end of a message line, with no space before it.
_GLUED_NOISE = re.compile(
    r"(?<=[^\s])\s*(?:View newer replies|View older replies|View thread|Show more|Show less|"
    r"\d+\s+repl(?:y|ies)(?:\s*Last reply.*)?|Also sent to the channel)$"
)
# A file shared in the channel is copied as its name, then its kind or size ("error.log" / "Plain Text").
_FILE_NAME = re.compile(r"^\S.{0,120}\.[A-Za-z0-9]{1,6}$")
_FILE_KIND = re.compile(
    r"^(?:plain text|text|binary|pdf|png|jpe?g|gif|zip|csv|json|yaml|markdown(?: \(raw\))?|python|shell|"
    r"javascript|html|xml|sql|log|google (?:docs?|sheets?|slides?)|\d+(?:[.,]\d+)?\s?(?:bytes|[kKMG]B)(?: \w+)?)$",
    re.IGNORECASE,
)
_TOPIC_RE = re.compile(r"^#?\w[\w .'&-]{0,60}? > \S.{0,100}$")  # Zulip: "incidents > checkout 502s"
# Enterprise directories' "Doe, Jane (Ext)", as Teams shows them.
_TOPIC_DATE = re.compile(rf"\s((?i:{WORD_DATE.pattern}))$")
# Rocket.Chat: "Dana Okafor @dana.o"; Element: "mrd (@mrd:libera.chat)" (the Matrix ID after the display name)
_HANDLE_AFTER = re.compile(rf"\s+@[\w.-]+$|{MATRIX_ID}$")
_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Cf"})
_DIGIT_COLON = re.compile(r"\d:\d")
# An avatar copied as its alt text: Mattermost's "Dana profile image", Slack web's "Dana Okafor's avatar",
# "Dana Okafor's profile picture", "Avatar of Dana Okafor"
_AVATAR = re.compile(
    r"^(?:(?P<name>\S.{0,63}?)(?: profile image|[\x27\u2019]s? (?:avatar|profile (?:picture|photo|image)))|avatar of (?P<of>\S.{0,63}))$",
    re.IGNORECASE,
)


def date_divider(text: str, ctx: Ctx) -> date | None:
    """The day a divider line names ('Tuesday, December 3rd', 'Today', '2024-12-03'); None otherwise."""
    core = text.strip().strip(f"-—–{BOX_RULES}").strip()
    if not core or len(core) > 40:
        return None
    rel = relative_day(core, ctx.today)
    if rel is not None:
        return rel
    m = WORD_DATE.fullmatch(core) or re.fullmatch(ISO_DATE, core)
    day = find_date(core, ctx.default_year, ctx.today, ctx.day_first) if m else None
    return weekday_year(core, day) if day is not None else None


def parse_slack(lines: list[str], ctx: Ctx) -> Parsed:
    """Slack's copy-paste: 'Name  10:32 AM' or 'Name' + '10:32 AM' headers, dividers, noise."""
    out = Parsed()
    current: Entry | None = None
    nos: list[int] = []  # line number of each line in ``current.lines``
    known: set[str] = _recurring_names(lines)
    labelled_bot = False  # an "APP" / "BOT" label line sat between a name and its time
    after_relative = False  # a "yesterday at 5:25 PM" header came: the next plain header is today's
    inline = _inline_shape(lines)
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current is not None:
                current.lines.append("")
                nos.append(no)
            continue
        avatar = _AVATAR.match(line)
        if avatar is not None and name_like(avatar.group("name") or avatar.group("of"), strict=False):
            known.add(avatar.group("name") or avatar.group("of"))  # the name line below it is an author, whatever its case
            continue
        if CHANNEL_HEADER_RE.match(line):  # another channel's log pasted below: its own clock run
            new_log(out, no, line, ctx)
            current = None
            continue
        if _SLACK_NOISE.match(line):
            if current is not None and "edited" in line.lower():
                current.edited = True
            continue
        if line in APP_LABELS:  # Mattermost's "BOT" tag on its own line, under the name
            labelled_bot = True
            continue
        day = date_divider(line, ctx)
        if day is not None:
            out.items.append(DayMark(no, day))
            current = None
            continue
        if _topic_header(line, lines, no):  # Zulip's "stream > topic" bar over a run of messages
            dated = _TOPIC_DATE.search(line)  # the bar shows the day at its end: "Jun 8"
            day = find_date(dated.group(1), ctx.default_year, ctx.today, ctx.day_first) if dated else None
            if day is not None:
                out.items.append(DayMark(no, day))
            out.title = out.title or (line[: dated.start()].rstrip() if dated else line)
            current = None
            continue
        m = slack_header(line)
        if m and m.group("name").strip() in APP_LABELS:
            # "Prow Bot" then "APP  10:30 AM": the app's label sits on the time line; the name is above it
            found = _pop_name_line(current, nos, out, known)
            name_no, name = found if found is not None else (no, m.group("name").strip())
            current, nos = _stamped(Entry(name_no, [], time(0), name, is_bot=True), m, ctx, None), []
            out.items.append(current)
            continue
        if m and (name := header_name(m)):
            known.add(name)
            bot = bool(m.group("app") or m.group("tag")) or is_bot_name(name)
            day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first) or _weekday_day(m.group("wday"), ctx)
            if after_relative and not m.group("relday") and day is None:
                out.items.append(DayMark(no, ctx.today))  # Slack writes today's messages with a plain time
            after_relative = bool(m.group("relday")) or (after_relative and day is None)
            current, nos = _stamped(Entry(no, [], time(0), name, day=day, is_bot=bot), m, ctx, None), []
            out.items.append(current)
            continue
        dated = DATED_TIME_RE.match(line)
        dated_day = find_date(dated.group("date"), ctx.default_year, ctx.today, ctx.day_first) if dated else None
        m = dated or SLACK_TIME_RE.match(EMOJI_CODE.sub("", line).strip())  # a status emoji may sit before the time
        if m:
            previous = current
            meridiem = bool(re.search(r"[AaPp]\.?[Mm]", m.group("time") or ""))
            found = _pop_name_line(current, nos, out, known, doubled=meridiem)
            if dated_day is not None:  # "Jun 8, 10:44 AM": a new day; a message above is not continued
                out.items.append(DayMark(no, dated_day))
                previous = current = None
            if found is not None:
                name_no, name = found
                tagged = APP_TAG.search(name)  # "Statuspage APP": the app label on the name's line
                if tagged is not None:
                    name = name[: tagged.start()]
                known.add(name)
                current = Entry(name_no, [], time(0), name, is_bot=labelled_bot or bool(tagged) or is_bot_name(name))
            else:
                author = current.author if current else ""
                # a follow-up's bare time is on its header's day: "yesterday at 3:44 PM" then "3:46"
                day = previous.day if previous is not None and dated_day is None else None
                current = Entry(no, [], time(0), author, day=day, is_bot=current.is_bot if current else False)
            current = _stamped(current, m, ctx, previous)
            nos, labelled_bot = [], False
            out.items.append(current)
            continue
        one_line = inline_header(line) if inline[no - 1] else None
        if one_line is not None:
            name = one_line.group("name") or one_line.group("cname")
            clock_text = one_line.group("time") or one_line.group("btime") or one_line.group("ptime") or one_line.group("ktime") or one_line.group("ctime")
            current = Entry(no, [one_line.group("text") or one_line.group("ctext")], parse_clock(clock_text), name,
                            is_bot=is_bot_name(name), clock_text=clock_text)
            nos = [no]
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
        if not line or (_FILE_KIND.match(line) and current.lines and _FILE_NAME.match(current.lines[-1])):
            continue  # a file's type or size under its name ("error.log" / "Plain Text")
        if line.isdigit() and len(line) <= 3 and current.lines and _emoji_only(current.lines[-1]):
            current.lines.pop()  # a reaction copied as its emoji, then its count on the next line
            nos.pop()
            continue
        current.lines.append(line)
        nos.append(no)
    _mark_notices(out)
    return out


def header_name(m: re.Match[str]) -> str:
    """The author a header match names, cleaned ('Jane Doe', 'Doe, Jane'), or '' when it names nobody."""
    name = _header_name(m.group("name"))
    if not name and (m.group("wday") or m.group("date")):
        # a monitor named like a note word, over its own dated stamp: Google Chat's "Monitoring, Fri 4:51 AM"
        cleaned = clean_name(m.group("name"))
        name = cleaned if " " not in cleaned and is_bot_name(cleaned) else ""
    return name


@lru_cache(maxsize=4096)  # names repeat on every header of a copy
def _header_name(raw: str) -> str:
    name = clean_name(raw)
    display, _, handle = name.rpartition(" ")
    if display and _name_twice(display, handle, False):  # Rocket.Chat: "Dana Okafor dana.okafor"
        name = display
    return name if name_like(name, strict=False) or LAST_FIRST.match(name) else ""


def clean_name(name: str) -> str:
    """A header's name without the status emoji beside it or the @handle after it ('Dana @dana.o')."""
    name = EMOJI_CODE.sub("", name)
    if not name.isascii():
        name = "".join(ch for ch in name if unicodedata.category(ch) not in _EMOJI_CATEGORIES)
    return _HANDLE_AFTER.sub("", name).strip()


def _emoji_only(line: str) -> bool:
    """True for a line of emoji only (':eyes:', '👀'), as a reaction is copied above its count."""
    rest = EMOJI_CODE.sub("", line).strip()
    return bool(line.strip()) and all(unicodedata.category(ch) in _EMOJI_CATEGORIES or ch.isspace() for ch in rest)


def inline_header(line: str) -> re.Match[str] | None:
    """'jdoe 10:42 AM text': a header and its text on one line, when the name reads as a person's."""
    m = _INLINE_RE.match(line)
    if m is None:
        return None
    if m.group("cname"):
        return m if not is_bot_name(m.group("cname")) else None
    name = m.group("name")
    if m.group("ktime"):  # "Monitor (bot) 20:55: :red_circle: Queue is DOWN": a bot's line in the same shape
        return m if name_like(name, strict=" " in name) or is_bot_name(name) else None
    ok = name_like(name, strict=" " in name) and not is_bot_name(name.rstrip(":"))
    return m if ok and not name.endswith(":") else None


def _inline_shape(lines: list[str]) -> list[bool]:
    """Per line: True in a channel's log ("#ops" starts another) whose one-line headers
    ('jdoe 10:42 AM text') outnumber Slack's usual header lines."""
    shape = [False] * len(lines)
    if not any(_INLINE_RE.match(line.strip()) for line in lines if _DIGIT_COLON.search(line)):
        return shape
    start = inline = headers = 0
    for i, line in enumerate([*lines, "#end"]):
        line = line.strip()
        if line.startswith("#") and (i == len(lines) or CHANNEL_HEADER_RE.match(line)):
            if inline > headers:
                shape[start:i] = [True] * (i - start)
            start, inline, headers = i, 0, 0
            continue
        if not line or not _DIGIT_COLON.search(line):
            continue
        if slack_header(line) or SLACK_TIME_RE.match(line):
            headers += 1
        elif inline_header(line) is not None:
            inline += 1
    return shape


def _topic_header(line: str, lines: list[str], no: int) -> bool:
    """True for Zulip's 'stream > topic' line when a message header follows it."""
    if " > " not in line or _TOPIC_RE.match(line) is None:
        return False
    below = [text.strip() for text in lines[no : no + 4] if text.strip()]
    if not below:
        return False
    if slack_header(below[0]):
        return True
    return len(below) > 1 and name_like(below[0], strict=False) and SLACK_TIME_RE.match(below[1]) is not None


_JOIN_LINE_RE = re.compile(r"^\S+(?: \S+)?\s+has\s+(?:joined|left)\s+(?:the\s+channel|#\S+)\.?$", re.IGNORECASE)


def _mark_notices(out: Parsed) -> None:
    """Messages that are only a channel notice become system messages: Slack's 'joined #inc-123.'
    under the person's name, Mattermost's '@dana joined the channel.' under 'System'."""
    for item in out.items:
        if isinstance(item, Entry) and not item.subtype:
            if len(item.lines) > 1:  # "raj has joined the channel" copied between two messages belongs to neither
                item.lines = [item.lines[0], *(line for line in item.lines[1:] if not _JOIN_LINE_RE.match(line.strip()))]
            text = "\n".join(line for line in item.lines if line.strip())
            subtype = slack_notice(text) if text else ""
            if subtype:
                item.subtype = subtype
            elif item.author.casefold() == "system" and (notice := named_notice(text)) is not None and notice[1]:
                item.author, item.subtype, item.is_bot = notice[0].lstrip("@"), notice[1], False


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


# A username with a separator ("lena.brandt", "j_smith"): above a header time with AM/PM (a
# follow-up's time has none) it names the author even the first time it appears.
_HANDLE_RE = re.compile(r"^@?[a-z0-9][a-z0-9]*[._-][a-z0-9][\w.-]*$")


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
        above = lines[end - 2].strip() if end >= 2 else ""
        twice = _name_twice(above, candidate, doubled)
        tagged = APP_TAG.search(candidate)  # "rocket.cat BOT": an app's name, whatever its case
        handle = doubled and _HANDLE_RE.match(candidate) is not None and end > 1  # "lena.brandt" above "10:47 AM"
        if candidate in known or twice or handle or (name_like(candidate, strict=True) and end > 1) or (
            tagged is not None and name_like(candidate[: tagged.start()], strict=False) and end > 1
        ):
            start = end - 2 if twice else end - 1  # Rocket.Chat: display name, then username
            name_no = nos[start]
            del lines[start:]
            del nos[start:]
            return name_no, above if twice else candidate
        return None
    rows = out.unattributed
    if rows and not EMOJI_CODE.sub("", rows[-1][1]).strip() and len(rows) >= 2:
        rows = rows[:-1]
    if rows:
        no, text = rows[-1]
        candidate = EMOJI_CODE.sub("", text).strip()
        if name_like(candidate, strict=False):
            above = rows[-2][1].strip() if len(rows) >= 2 else ""
            twice = _name_twice(above, candidate, doubled)
            start = len(rows) - 2 if twice else len(rows) - 1
            no = rows[start][0]
            del out.unattributed[start:]
            return no, above if twice else candidate
    return None


# Short replies that may end a message right above a follow-up's time line: never a name.
_REPLY_WORDS = frozenset(
    "ok okay k done yes yep yeah no nope thanks thx ty lol ack same nice cool sure agreed +1 here on it wow ugh hmm oops great".split()
)


def _recurring_names(lines: list[str]) -> set[str]:
    """Lowercase handles ("maksim") that head two or more messages: the line right above a time line.

    A capitalised name is recognised wherever it stands; a bare lowercase word could be the
    last line of a message above a follow-up's time, so it counts only when it recurs.
    """
    seen: dict[str, int] = {}
    for above, line in zip(lines, lines[1:]):
        name = above.strip()
        if name and " " not in name and SLACK_TIME_RE.match(line.strip()) and name.casefold() not in _REPLY_WORDS:
            if name_like(name, strict=False):
                seen[name] = seen.get(name, 0) + 1
    return {name for name, count in seen.items() if count >= 2}


_FEDIVERSE_HANDLE = re.compile(r"^@[\w.-]{1,40}@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def _name_twice(display: str, candidate: str, doubled: bool) -> bool:
    """True when two lines name one person: the same name twice (with ``doubled``), or a display
    name and its username ('Dana Okafor' / 'dana.okafor', as Rocket.Chat copies them)."""
    if not display:
        return False
    if _FEDIVERSE_HANDLE.match(candidate):  # Mastodon: "Kris Nóva" above "@nova@hachyderm.io" above the date
        return name_like(display, strict=False)
    if display == candidate:
        return doubled and name_like(candidate, strict=False)
    handle = candidate.lstrip("@")
    if " " in handle or len(handle) > 40 or not name_like(display, strict=True) or not name_like(handle, strict=False):
        return False
    flat = re.sub(r"[\W_]", "", handle).casefold()
    words = [re.sub(r"\W", "", w).casefold() for w in display.split()]
    words = [w for w in words if w]
    if not flat or not words:
        return False
    joined = "".join(words)
    short = {words[0], words[0][0] + words[-1], words[0] + words[-1][0]} if len(words) > 1 else {words[0]}
    return flat == joined or flat in short or (len(flat) >= 4 and joined.startswith(flat))


def split_stacked_speakers(parsed: Parsed, lines: list[str]) -> Parsed:
    """Messages of several people under one time line, as Stack Exchange's chat copies them
    ("9:31 AM" / "Wren Holloway" / text / "Kip Naidoo" / text): each name line starts a message of
    its own, at the same time. Only names that head a message elsewhere in the paste count, or
    stand alone between texts twice, and only when at least two such lines are found; a line
    naming someone once in a message stays text."""
    entries = [item for item in parsed.items if isinstance(item, Entry)]
    authors = {e.author for e in entries if e.author and not e.is_bot}
    stacked = [(e, i) for e in entries for i in range(1, len(e.lines) - 1) if e.lines[i - 1].strip() and e.lines[i + 1].strip()]
    twice = Counter(e.lines[i].strip() for e, i in stacked)
    # a name that heads a message elsewhere, or one that sits alone between texts twice or more
    cuts = [(e, i) for e, i in stacked if (name := e.lines[i].strip()) in authors or (twice[name] >= 2 and name_like(name, strict=True))]
    if len(cuts) < 2:
        return parsed
    at_lines: dict[int, list[int]] = {}  # each cut entry (by identity): its name lines
    for e, i in cuts:
        at_lines.setdefault(id(e), []).append(i)
    out: list[Entry | DayMark | BlockMark] = []
    for item in parsed.items:
        out.append(item)
        if not isinstance(item, Entry) or id(item) not in at_lines:
            continue
        at = at_lines[id(item)]
        seen = item.line  # the name line's number in the paste, found below the header
        for start, end in zip(at, [*at[1:], len(item.lines)]):
            name = item.lines[start].strip()
            seen = next((n for n in range(seen + 1, len(lines) + 1) if lines[n - 1].strip() == name), seen + 1)
            out.append(replace(item, line=seen, lines=item.lines[start + 1 : end], author=name))
        item.lines = item.lines[: at[0]]
    parsed.items = out
    return parsed


_TABBED_RE = re.compile(r"^(?P<name>[^\t]{1,40}?)\t+(?P<text>\S.*)$")
_PADDED_RE = re.compile(r"^(?P<name>\S.{0,39}?) {2,}(?P<text>\S.*)$")  # the name column padded with spaces


def split_tabbed_speakers(parsed: Parsed, lines: list[str]) -> Parsed:
    """Messages under a bare time line, one "Name<TAB>text" line each, as Campfire's transcript
    page copies them ("10:16 AM" / "David K.\ttext" / "Josh T.\ttext"): each line is a message of
    its own by the name before the tab, at that time. Only unnamed messages whose every line
    starts with a name and a tab are split, and only when the paste holds at least two such lines.
    A copy that padded the name column with spaces instead ("Nora F.      text") is read the same
    way when every such line's text starts at the same column."""
    entries = [item for item in parsed.items if isinstance(item, Entry) and not item.author and item.lines]

    def columns(entry: Entry, row_re: re.Pattern[str]) -> list[re.Match[str]] | None:
        found = [row_re.match(line) for line in entry.lines if line.strip()]
        if not found or not all(m is not None and name_like(m.group("name").strip(), strict=False) for m in found):
            return None
        return [m for m in found if m is not None]

    split = {id(e): rows for e in entries if (rows := columns(e, _TABBED_RE)) is not None}
    if not split:
        split = {id(e): rows for e in entries if (rows := columns(e, _PADDED_RE)) is not None}
        if len({row.start("text") for rows in split.values() for row in rows}) != 1:
            return parsed
    if sum(len(rows) for rows in split.values()) < 2:
        return parsed
    out: list[Entry | DayMark | BlockMark] = []
    for item in parsed.items:
        rows = split.get(id(item)) if isinstance(item, Entry) else None
        if rows is None:
            out.append(item)
            continue
        seen = item.line
        for row in rows:
            seen = next((n for n in range(seen + 1, len(lines) + 1) if lines[n - 1] == row.string), seen + 1)
            name = row.group("name").strip()
            out.append(replace(item, line=seen, lines=[row.group("text")], author=name, is_bot=is_bot_name(name)))
    parsed.items = out
    return parsed
