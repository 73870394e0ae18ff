"""Microsoft Teams and Discord copy-paste: a header line with the author and time, the text below.

What these apps put on the clipboard when you select a stretch of a conversation and copy it
(as seen in users' pastes; Slack's own shape is in ``paste_slack.py``):

* ``teams``   ``[10:37 AM] Dana Okafor`` alone on its line, then the message (usually after a
  blank line), and reaction lines such as ``like 1`` or ``👍 2``. Some builds write the date
  in the header: ``[10:42 • 13/08/2024] Dana Okafor:``, ``[6/8/2021 10:42 AM] Dana Okafor``,
  ``[Yesterday 10:42 PM] Dana Okafor``. The one-line variant
  ``[10:37] Dana Okafor: text`` is an IRC-style line and is read by the ``irc`` format.
* ``discord`` ``Dana — Today at 10:32 AM``, ``Dana — Yesterday at 21:05``,
  ``Dana — 03/12/2024 10:32 AM``, then the messages of that group, one or more lines each.
  Interface text is copied too: ``(edited)``, ``Expand`` / ``Collapse`` around long code,
  an attachment's size (``32 KB``), reaction counts, a bot's ``BOT`` tag, and the hidden stamp
  of each follow-up message in a group (``[10:33 AM]``, which starts a message of its own). A
  header with an en dash and a bare time (``Dana Okafor – 8:55 AM``) is read the same way.
  So is Telegram Desktop's copy of several messages, ``Dana Okafor, [04.07.17 15:39]`` (or
  ``[7/4/17 3:39 PM]`` in a US locale) above each message's text, with a date line between days,
  a Zulip archive page's ``Pietro Albini (Jan 05 2021 at 14:02):`` (zulip-archive's pages), and
  Rocket.Chat's export, ``Olu Adeyemi (oadeyemi) - 2/26/2021, 1:13:40 PM`` (a handle ending in
  "bot" is a bot's), a copy with the sender and time on one line, ``Nina Kowalczyk | 09:21``, and an
  Element export naming each sender by Matrix ID and display name, ``@mira.s:example.org (Mira Schulte) 15:26:02``.

The header is the only thing that starts a message: every other line, however it looks,
belongs to the message above it (so a quoted reply stays inside the reply). Recognised
interface text is dropped, and an "edited" marker sets ``Entry.edited``. "Today" and
"Yesterday" are read against ``Ctx.today`` (``--date``, else the current date).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import (
    CHANNEL_HEADER_RE,
    DASHED_DAY,
    DOTTED_SHORT_YEAR,
    Ctx,
    DayMark,
    Entry,
    Parsed,
    match_day,
    new_log,
    structural_line,
)
from facilitator.sources.paste_slack import APP_TAG, EMOJI_CODE, date_divider
from facilitator.sources.paste_time import ISO_DATE, SHORT_DATE, TIME, WORD_DATE, parse_clock

# A name in a chat app's header: display names may hold commas, dots and brackets
# ("Okafor, Dana (Ext)", "Lyn."), but not a colon or a URL, and are short.
_NAME = r"[^\s:\[\]][^:\[\]]{0,63}?"
TEAMS_HEADER_RE = re.compile(
    # "[10:42 AM] Dana", "[Yesterday 10:42 PM] Dana", "[6/8 10:42 AM] Dana", "[10:42 • 13/08/2024] Dana:",
    # DiscordChatExporter's text export: "[12-Jul-18 11:41 AM] Mod Wren"
    rf"^\[(?:(?P<rel>today|yesterday)\s+|(?P<before>{ISO_DATE}|{SHORT_DATE}|{DASHED_DAY}),?\s+)?"
    rf"(?P<time>{TIME})(?:\s*[•·,]\s*(?P<date>{ISO_DATE}))?\]\s*(?P<name>{_NAME})\s*:?$",
    re.IGNORECASE,
)
DISCORD_HEADER_RE = re.compile(
    # a nickname may carry a tag in brackets: "Kasia [RippleX] — 25/11/2024 14:43"
    # or a date in words, as some copies write it: "Sina Huber — Mon, Feb 10 2025 00:27"
    rf"^(?P<name>{_NAME}(?:\s*\[[^\]:]{{1,30}}\])?)\s+[—–]\s+(?:(?P<rel>today|yesterday)\s+at\s+|(?P<date>{ISO_DATE}|{WORD_DATE.pattern}),?\s+(?:at\s+)?)?"
    rf"(?P<time>{TIME})$",
    re.IGNORECASE,
)
# The same with the stamp first, as some Element exports write it: "Tue, 8 Jun 2021, 12:11 — Bart V."
DATE_FIRST_HEADER_RE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?P<date>{ISO_DATE}|{WORD_DATE.pattern}),?\s+(?:at\s+)?(?P<time>{TIME})"
    rf"\s+[—–]\s+(?P<name>{_NAME})$",
    re.IGNORECASE,
)
# Telegram Desktop: "Dana Okafor, [04.07.17 15:39]", "Dana Okafor, [7/4/17 3:39 PM]"
TELEGRAM_HEADER_RE = re.compile(
    rf"^(?P<name>{_NAME}),\s*\[(?P<date>{DOTTED_SHORT_YEAR}|{ISO_DATE})\s+(?P<time>{TIME})\]$", re.IGNORECASE
)
# A Zulip archive page (zulip-archive, as projects publish their streams): "Pietro Albini (Jan 05 2021
# at 14:02):" above each message, after the "view this post on Zulip" image's text when that is copied
ZULIP_ARCHIVE_HEADER_RE = re.compile(
    rf"^(?:view this post on zulip\s+)?(?P<name>{_NAME})\s+\((?P<date>{WORD_DATE.pattern})\s+at\s+(?P<time>{TIME})\):$",
    re.IGNORECASE,
)
# Rocket.Chat's export: "Olu Adeyemi (oadeyemi) - 2/26/2021, 1:13:40 PM" above the text, a bot's
# handle ending in "bot" ("Uptime.com (uptime.bot)")
ROCKET_HEADER_RE = re.compile(
    rf"^(?P<name>{_NAME})\s+\((?P<handle>@?[\w.\-]{{1,40}})\)\s+-\s+(?P<date>{ISO_DATE}),?\s+(?P<time>{TIME})$",
    re.IGNORECASE,
)
# A Zulip or Mattermost copy with the sender and the time on one line, a pipe between:
# "Nina Kowalczyk | 09:21", "build-monitor (bot) | 09:21", then the text below
PIPE_HEADER_RE = re.compile(rf"^(?P<name>{_NAME})\s+\|\s+(?P<time>{TIME})$", re.IGNORECASE)
# An Element export with each sender's Matrix ID, display name and time above the text:
# "@mira.s:safe-ops.example (Mira Schulte) 15:26:02" (the ID alone when no display name is set)
MATRIX_HEADER_RE = re.compile(
    rf"^@(?P<handle>[\w.=/+-]{{1,60}}):[\w.-]{{1,100}}(?:\s+\((?P<name>[^()]{{1,64}})\))?\s+(?P<time>{TIME})$", re.IGNORECASE
)
# Teams' named reactions ("like 1", "heart 2"); emoji reactions are read by ``_reactions``.
_TEAMS_NOISE = re.compile(r"^(?:like|heart|laugh|surprised|sad|angry)\s+\d+$", re.IGNORECASE)
# Discord's interface text: attachment sizes, long-message toggles, hover buttons.
_DISCORD_NOISE = re.compile(
    r"^(?:\d+(?:[.,]\d+)?\s?(?:bytes|KB|MB|GB)|expand|collapse|add reaction|reply|forward|more)$", re.IGNORECASE
)
# Discord's hidden stamp of a follow-up message in a group, copied with it: "[10:43 AM]" alone
# on its line or glued to the text.
_FOLLOW_UP = re.compile(rf"^\[(?P<time>{TIME})\]\s*(?P<text>.*)$")
_EMOJI_PARTS = frozenset({"So", "Sk", "Mn", "Cf"})  # pictographs, skin tones, variation selectors, joiners
_EDITED = re.compile(r"^\(?edited\)?$", re.IGNORECASE)
_EDITED_SUFFIX = re.compile(r"\s*\(edited\)$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]")


# Discord sometimes copies a header over three lines: the name, its "APP"/"BOT" tag, then
# " — 01/05/2025 04:18" (or " — Today at 4:18 AM") on a line of its own.
_SPLIT_STAMP = re.compile(
    rf"^\s*[—–]\s+(?:(?:today|yesterday)\s+at\s+|(?:{ISO_DATE}),?\s+(?:at\s+)?)?{TIME}$", re.IGNORECASE
)
_TAG_LINE = re.compile(r"^(?:BOT|APP)$")


def join_split_headers(lines: list[str]) -> list[str]:
    """Discord headers copied over several lines, joined on the name's line (line count kept)."""
    if not any("—" in line or "–" in line for line in lines):
        return lines
    out = list(lines)
    for i, line in enumerate(lines):
        if i == 0 or not _SPLIT_STAMP.match(line):
            continue
        j = i - 1
        tag = ""
        if _TAG_LINE.match(lines[j].strip()) and j > 0:
            tag, j = " " + lines[j].strip(), j - 1
        name = lines[j].strip()
        if app_name(name) and not _SPLIT_STAMP.match(name) and "—" not in name:
            out[j] = f"{name}{tag} {line.strip()}"
            for k in range(j + 1, i + 1):
                out[k] = ""
    return out


def app_name(name: str) -> bool:
    """True for a display name as chat apps show it: short, a letter in it, no URL, at most six words."""
    name = name.strip()
    return bool(name) and len(name) <= 64 and "://" not in name and len(name.split()) <= 6 and bool(_WORD.search(name))


def header(line: str, fmt: str) -> re.Match[str] | None:
    """The header match of ``fmt`` ('teams' or 'discord', Telegram's included) on a stripped line, when it names someone."""
    if fmt == "teams":
        m = TEAMS_HEADER_RE.match(line) if line.startswith("[") else None
    else:
        if "—" in line or "–" in line:
            m = DISCORD_HEADER_RE.match(line) or DATE_FIRST_HEADER_RE.match(line)
        elif line.endswith("):") and " at " in line:
            m = ZULIP_ARCHIVE_HEADER_RE.match(line)
        elif ") - " in line:
            m = ROCKET_HEADER_RE.match(line)
        elif line.endswith("]") and ", [" in line:
            m = TELEGRAM_HEADER_RE.match(line)
        elif line.startswith("@"):
            m = MATRIX_HEADER_RE.match(line)
        else:
            m = PIPE_HEADER_RE.match(line) if " | " in line else None
    return m if m is not None and app_name(_sender(m)) else None


def _group(m: re.Match[str], name: str) -> str | None:
    """A named group of a header match, None when that app's header has no such group."""
    return m.group(name) if name in m.re.groupindex else None


def _sender(m: re.Match[str]) -> str:
    """Who a header names: the display name, else the handle (an Element ID with no display name)."""
    return m.group("name") or _group(m, "handle") or ""


def starts_message(lines: list[str], i: int, stripped: str, fmt: str) -> bool:
    """True when line ``i`` is a ``fmt`` header with text below it (detection only).

    The text below is what tells a chat header from a note: "[14:02] Deploy started" or
    "Deploy started — 14:02" lines one after another are timeline notes, not a conversation.
    """
    if header(stripped, fmt) is None:
        return False
    for below in lines[i + 1 : i + 6]:  # Teams leaves a blank line under the header, Mattermost three
        below = below.strip()
        if below:
            return header(below, fmt) is None
    return False


def parse_chat_app(lines: list[str], fmt: str, ctx: Ctx) -> Parsed:
    """Read a Teams or Discord copy-paste: headers start messages, everything else is their text."""
    noise = _TEAMS_NOISE if fmt == "teams" else _DISCORD_NOISE
    out = Parsed()
    current: Entry | None = None
    dropped = 0  # line number of the last interface line dropped
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current is not None:
                current.lines.append("")
            continue
        m = header(line, fmt)
        if m is not None:
            current = _entry(m, no, ctx)
            out.items.append(current)
            if current.day is not None:
                ctx.default_year = current.day.year
            continue
        follow = _FOLLOW_UP.match(line) if fmt == "discord" and current is not None else None
        if follow is not None:
            clock_text = follow.group("time")
            current = Entry(no, [follow.group("text")] if follow.group("text") else [], parse_clock(clock_text),
                            current.author, is_bot=current.is_bot, clock_text=clock_text)
            out.items.append(current)
            continue
        if CHANNEL_HEADER_RE.match(line):  # another channel's log pasted below: its own clock run
            new_log(out, no, line, ctx)
            current = None
            continue
        if current is None:
            day = date_divider(line, ctx)
            if day is not None:
                out.items.append(DayMark(no, day))
            elif not structural_line(raw, no, out, ctx, before_first=not out.has_entries):
                out.unattributed.append((no, raw))  # a profile card or title above the first message
            continue
        if _next_is_header(lines, no, fmt):
            day = date_divider(line, ctx)  # "5 July 2017" between two days' messages
            if day is not None:
                out.items.append(DayMark(no, day))
                current = None
                continue
        if _EDITED.match(line):
            current.edited = True
            continue
        if any(text.strip() for text in current.lines) and (
            noise.match(line) or _reactions(line) or (dropped == no - 1 and line.isdigit())
        ):
            dropped = no  # a reaction (its count may follow on a line of its own) or a button
            continue  # under a message that has text: a message may be just "👍"
        if _EDITED_SUFFIX.search(line):
            current.edited = True
            raw = _EDITED_SUFFIX.sub("", raw.rstrip())
        if not any(text.strip() for text in current.lines) and (tag := _BOT_TAG_FIRST.match(raw)) is not None:
            current.is_bot = True  # the app's tag opening a bot's text: "BOT News post edited: …"
            raw = raw[tag.end() :]
        current.lines.append(raw.rstrip())
    return out


_BOT_TAG_FIRST = re.compile(r"^\s*(?:BOT|APP|\[BOT\]|\[APP\])\s+(?=\S)")


def _next_is_header(lines: list[str], no: int, fmt: str) -> bool:
    """True when the next line with text after line ``no`` (1-based) is a ``fmt`` header."""
    for below in lines[no : no + 3]:
        if below.strip():
            return header(below.strip(), fmt) is not None
    return False


def _entry(m: re.Match[str], no: int, ctx: Ctx) -> Entry:
    name = _sender(m).strip()
    tagged = APP_TAG.search(name)  # Discord's "BOT" / "APP" tag beside a bot's name
    if tagged is not None:
        name = name[: tagged.start()]
    if name.startswith("@") and " " not in name:
        name = name[1:]  # Mattermost's "@bea.k — 04:22": the handle, without the mention sign
    written = _group(m, "date") or _group(m, "before")
    day = match_day(written, ctx.today, ctx.default_year, ctx.day_first)
    rel = (_group(m, "rel") or "").lower()
    if rel:
        day = ctx.today if rel == "today" else ctx.today - timedelta(days=1)
    clock_text = m.group("time")
    bot = bool(tagged) or is_bot_name(name) or (_group(m, "handle") or "").lower().endswith("bot")
    return Entry(no, [], parse_clock(clock_text), name, day=day, is_bot=bot, clock_text=clock_text)


def _reactions(line: str) -> bool:
    """True for a line of reactions: emoji or ':code:' tokens, each maybe with a count ('👍 2 ❤️ 1')."""
    found = False
    for token in line.split():
        if token.isdigit():
            continue
        core = EMOJI_CODE.sub("", token)
        if core and not all(ord(ch) > 127 and unicodedata.category(ch) in _EMOJI_PARTS for ch in core):
            return False
        found = True
    return found
