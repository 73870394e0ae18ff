"""The lines of a paste, normalised and put in the shape the readers know.

Line endings, a BOM and odd spaces are normalised first. Then copies whose lines an app arranges
its own way are rewritten, line count kept where it can be, into the shape of the desktop copy the
readers were written for: Discord's glued "SahilToday at 12:22 AM", slackdump's "> Name [U…] @ …",
an incident tool's time-first "5:45 AM Sarah Gibson #inc-36", Slack's phone copy with the time
under the text, and Element's or incident.io's time above the name.
"""

from __future__ import annotations

import re

from facilitator.sources.paste_chat_apps import join_split_headers
from facilitator.sources.paste_slack import APP_LABELS, SLACK_TIME_RE
from facilitator.sources.paste_speakers import ICON_RE, name_like

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\ufeff": ""})


def split_lines(text: str) -> list[str]:
    """Lines with Windows/Mac endings, BOM, odd spaces and trailing whitespace normalised."""
    text = text.translate(_SPACES).replace("\r\n", "\n").replace("\r", "\n")
    lines = _glued_discord_headers(_slackdump_headers([line.rstrip() for line in text.split("\n")]))
    lines = _role_badges(_dotted_clock_headers(lines))
    lines = _conversation_tags(_cjk_day_lines(lines))
    return _time_over_name(_time_under_text(join_split_headers(_channel_headers(_time_then_name(lines)))))


# A day divider written the Japanese, Chinese or Korean way: "----- 2018年6月28日(木) -----", "2022년 10월 15일 토요일",
# Feishu's "—— 2023年3月22日 星期三 ——"
_CJK_DAY_RE = re.compile(
    r"^(?P<pre>[\s\-\u2013\u2014\u2500\u2501=*_~]*)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:\s*[(（]?[^\s)）\-\u2013\u2014]{1,3}[)）]?)?(?P<post>[\s\-\u2013\u2014\u2500\u2501=*_~]*)$"
)


def _cjk_day_lines(lines: list[str]) -> list[str]:
    """Lines that are only a CJK-written date, rewritten as the ISO date they name (line count kept)."""
    if not any(("年" in line or "년" in line) for line in lines):
        return lines
    out = []
    for line in lines:
        m = _CJK_DAY_RE.match(line) if ("年" in line or "년" in line) else None
        out.append(f"{m.group('pre')}{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}{m.group('post')}" if m else line)
    return out


# Keybase's export tags each header with its conversation: "[#general]  tomaszk  9:33 PM",
# "[DM tomaszk,dortiz]  dortiz  9:34 PM". Read as the "Name  9:33 PM" header it carries.
_CONVERSATION_TAG_RE = re.compile(
    r"^\[(?:#[\w.-]{1,80}|DM\s+[^\]]{1,120})\]\s+(?P<rest>\S.{0,80}?\s\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?)$"
)


def _conversation_tags(lines: list[str]) -> list[str]:
    """Headers tagged with their conversation ("[DM a,b]  dortiz  9:34 PM") without the tag (line count kept)."""
    if sum(1 for line in lines[:200] if line.startswith("[") and _CONVERSATION_TAG_RE.match(line)) < 2:
        return lines
    return [m.group("rest") if line.startswith("[") and (m := _CONVERSATION_TAG_RE.match(line)) else line for line in lines]


# Element's plain-text export puts the time before the sender, on a line of its own above the
# message ("14:21  Lira" / text, a blank line between messages). Read as "Lira  14:21".
_TIME_THEN_NAME_RE = re.compile(r"^(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)(?:\t|\s{2,})(?P<name>[^\s\d](?:(?!\s\s)[^\t]){0,40}?)$")


def _time_then_name(lines: list[str]) -> list[str]:
    """"HH:MM  Name" lines, each opening a message block, rewritten as "Name  HH:MM" (line count kept).

    Only when the paste is made of such blocks: at least three, each after a blank line (or the
    top) with its text below, and every one naming someone; a timeline's "14:21  deploy done"
    rows follow one another and stay as they are."""
    found = []
    for i, line in enumerate(lines):
        m = _TIME_THEN_NAME_RE.match(line)
        if m is None:
            continue
        # (an incident tool's timeline indents the text under "09:52  Dana Whitfield (pinned)")
        block = (i == 0 or not lines[i - 1].strip()) and i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1][0].isspace()
        if not block or not name_like(m.group("name"), strict=False) or len(m.group("name").split()) > 3:
            return lines
        found.append((i, m))
    if len(found) < 3:
        return lines
    out = list(lines)
    for i, m in found:
        out[i] = f"{m.group('name')}  {m.group('time')}"
    return out


# Rocket.Chat copies a user's role badge on its own line between the name and the time:
# "kestrel" / "Admin" / "12:05". Read as the one-line header "kestrel  12:05" (a bot's "Bot"
# badge stays as its "BOT" tag): the badge says the line above it is a name, whatever its case.
_ROLE_BADGES = frozenset({"Admin", "Moderator", "Owner", "Leader", "Guest", "admin", "moderator", "owner", "leader", "guest"})
_BARE_CLOCK_RE = re.compile(r"^\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?$")


# Slack's app label and time on one line under the app's name: "Checkly" / "APP · 12:27".
_APP_STAMP_RE = re.compile(r"^(?:APP|BOT)\s*[\u00b7\u2022]\s*(?P<time>\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?)$")


def _role_badges(lines: list[str]) -> list[str]:
    """Name, role badge and time lines joined into one header line (line count kept)."""
    out = list(lines)
    for i in range(1, len(lines)):
        stamp = _APP_STAMP_RE.match(lines[i].strip())
        if stamp and lines[i - 1].strip():
            out[i - 1], out[i] = "", f"{lines[i - 1].strip()} BOT  {stamp.group('time')}"
    for i in range(1, len(lines) - 1):
        badge = lines[i].strip()
        if (badge in _ROLE_BADGES or badge in APP_LABELS) and _BARE_CLOCK_RE.match(lines[i + 1].strip()) and lines[i - 1].strip():
            tag = " BOT" if badge in APP_LABELS else ""  # kept as the name's "BOT" tag
            out[i - 1], out[i], out[i + 1] = "", f"{lines[i - 1].strip()}{tag}  {lines[i + 1].strip()}", ""
    return out


# Slack in locales that write the clock with a dot (Finnish, Danish, Norwegian): "Jussi Laaksonen  7.01",
# "Zabbix  SOVELLUS  6.58". Read as "Jussi Laaksonen  7:01" and "Zabbix APP  6:58".
_DOTTED_HEADER_RE = re.compile(
    r"^(?P<name>[^\s\d][^\d:]{0,60}?)(?:\s+(?P<app>SOVELLUS|APPLI|APLICACIÓN|APLICATIVO|APLIKACE|APLIKACJA|APPAR|APP|BOT))?\s{2,}(?P<h>[012]?\d)\.(?P<m>[0-5]\d)$"
)


def _dotted_clock_headers(lines: list[str]) -> list[str]:
    """Headers with a dotted clock rewritten with a colon (line count kept); only when a paste has
    at least three of them, each with text under it, so "version  1.25" in a message is left alone."""
    hits = [
        (i, m) for i, line in enumerate(lines)
        if line[-3:-2] == "." and i + 1 < len(lines) and lines[i + 1].strip() and (m := _DOTTED_HEADER_RE.match(line))
    ]
    if len(hits) < 3:
        return lines
    out = list(lines)
    for i, m in hits:
        app = " APP" if m.group("app") else ""
        out[i] = f"{m.group('name').strip()}{app}  {m.group('h')}:{m.group('m')}"
    return out


# Discord's newer copy glues the name to the stamp: "SahilToday at 12:22 AM", "GrafanaBOTToday at 12:21 AM".
_GLUED_DISCORD_RE = re.compile(
    r"^(?P<name>\S(?:.{0,40}?\S)?)(?P<tag>BOT|APP)?(?P<rel>Today|Yesterday) at (?P<time>\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?)$"
)


def _glued_discord_headers(lines: list[str]) -> list[str]:
    """Glued Discord headers rewritten as "Sahil — Today at 12:22 AM" (line count kept)."""
    if sum(1 for line in lines if "ay at " in line and _GLUED_DISCORD_RE.match(line)) < 2:
        return lines
    out = list(lines)
    for i, line in enumerate(lines):
        m = _GLUED_DISCORD_RE.match(line) if "ay at " in line else None
        if m:
            tag = " BOT" if m.group("tag") else ""
            out[i] = f"{m.group('name').strip()}{tag} \u2014 {m.group('rel')} at {m.group('time')}"
    return out


# Incident tools that export the channel into their post-mortem (PagerDuty's, for one) write each
# message's header time first, with the channel after the name: "5:45 AM Sarah Gibson #inc-36",
# sometimes wrapped as "6:38 AM" / "Sarah Gibson #inc-36". Read as the Slack header it copies.
_TIME_FIRST_HEADER_RE = re.compile(r"^(?P<time>\d{1,2}:\d{2}\s?[AaPp][Mm])\s+(?P<name>[^#\s][^#]{0,60}?)\s+#[\w.-]+$")
_TIME_ONLY_RE = re.compile(r"^\d{1,2}:\d{2}\s?[AaPp][Mm]$")
_NAME_CHANNEL_RE = re.compile(r"^(?P<name>[^#\s\d][^#]{0,60}?)\s+#[\w.-]+$")


# slackdump's text export: "> Anika Ferreira [U01AF2211] @ 28/05/2020 11:06:10 Z:" over the message.
_SLACKDUMP_RE = re.compile(
    r"^> (?P<name>\S.{0,80}?) \[[UBW][A-Z0-9]{2,}\] @ (?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}) "
    r"(?P<t>\d{1,2}:\d{2}(?::\d{2})?)\s*(?P<z>Z|[+-]\d{2}:?\d{2})?:\s*(?P<rest>.*)$"
)


def _slackdump_headers(lines: list[str]) -> list[str]:
    """slackdump headers rewritten as timestamped lines ("[2020-05-28 11:06:10 +00:00] Anika Ferreira: ...")."""
    if not any(line.startswith("> ") and _SLACKDUMP_RE.match(line) for line in lines[:50]):
        return lines
    out = []
    for line in lines:
        m = _SLACKDUMP_RE.match(line)
        if m is None:
            out.append(line)
            continue
        zone = "+00:00" if m.group("z") in (None, "Z") else m.group("z")
        day = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        out.append(f"[{day} {m.group('t')} {zone}] {m.group('name')}: {m.group('rest')}".rstrip())
    return out


_MESSAGE_LINES = 40  # how far up a message's name may sit above its time


def _time_under_text(lines: list[str]) -> list[str]:
    """Copies from Slack's phone app put each message's time under its text ("Hugo Bernard" / text /
    "11:50", a blank line between messages): they are turned name-over-time, as the desktop copies."""
    blocks: list[tuple[int, int]] = []  # (name line, time line)
    stamps = 0
    for i, line in enumerate(lines):
        if not SLACK_TIME_RE.match(line.strip()):
            continue
        stamps += 1
        if i + 1 < len(lines) and lines[i + 1].strip():
            continue  # the message goes on below the time: not this shape
        start = i
        while start > 0 and i - start < _MESSAGE_LINES and lines[start - 1].strip():
            start -= 1  # back to the blank line above the message (a long one is not this shape)
        if i - start >= 2 and name_like(lines[start], strict=True) and not SLACK_TIME_RE.match(lines[start + 1].strip()):
            blocks.append((start, i))
    if len(blocks) < 3 or 3 * len(blocks) < 2 * stamps:
        return lines
    out = list(lines)
    for name_at, time_at in blocks:
        out[name_at + 1 : time_at + 1] = [lines[time_at], *lines[name_at + 1 : time_at]]
    return out


def _time_over_name(lines: list[str]) -> list[str]:
    """Copies that put each message's time above its sender ("11:29" / "Grant Oyelaran" / text, as
    Element's web copy does) are turned name-first, the shape the Slack reader knows."""
    stamps = [i for i, line in enumerate(lines) if SLACK_TIME_RE.match(line.strip())]
    if len(stamps) < 3:
        return lines
    # incident.io's export marks the sender with the entry's icon: "12:09" / "💬 Dev Patel" / text
    names = {i: ICON_RE.sub("", lines[i + 1].strip()) for i in stamps if i + 1 < len(lines)}
    below = [
        i for i in stamps
        if i + 2 < len(lines) and lines[i + 2].strip() and name_like(names[i], strict=True)
        and not SLACK_TIME_RE.match(lines[i + 1].strip())
    ]
    above = sum(1 for i in stamps if i and name_like(lines[i - 1], strict=True))
    if len(below) < 3 or len(below) <= 2 * above:
        return lines
    out = list(lines)
    for i in below:
        out[i], out[i + 1] = names[i], lines[i]
    return out


def _channel_headers(lines: list[str]) -> list[str]:
    """Time-first "HH:MM AM Name #channel" headers rewritten as "Name  HH:MM AM" (line count kept)."""
    if sum(1 for line in lines if _TIME_FIRST_HEADER_RE.match(line)) < 2:
        return lines
    out = list(lines)
    for i, line in enumerate(lines):
        m = _TIME_FIRST_HEADER_RE.match(line)
        if m:
            out[i] = f"{m.group('name')}  {m.group('time')}"
        elif _TIME_ONLY_RE.match(line) and i + 1 < len(lines) and (n := _NAME_CHANNEL_RE.match(lines[i + 1])):
            out[i], out[i + 1] = f"{n.group('name')}  {line}", ""  # the wrapped header, on its first line
    return out
