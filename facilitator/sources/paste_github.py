"""A GitHub issue or pull-request thread copied from the web page.

Selecting a thread on github.com and copying it gives, for each comment, a header naming the
author and the day, the interface text around it, then the body::

    dduportal commented on Apr 22, 2026          (or "commented 2 hours ago", "opened on ...")
    @dduportal                                   (the avatar's alt text)
    Member                                       (role badges: Member, Author, Contributor ...)
    Author
    It's back to normal since 14:25 ...

and between comments the thread's events ("dduportal added the jira label on Apr 22, 2026",
"dduportal closed this as completed on Apr 22, 2026"). A header starts a comment; the avatar
line, the badges and a repeat of the author's name with "opened on ..." under it are dropped;
every other line belongs to the comment above. Events become system messages.

GitHub shows only the day ("on Jun 19, 2025", or "4 days ago": a day counted back from the
copy). A comment that tells the time something happened ("down since 13:20 (UTC)", "back to
normal since 14:25") takes the first clock it states, in the zone written beside it, marked
approximate; the others are placed by day only, as notes without a clock are.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import Ctx, Entry, Parsed, match_day
from facilitator.sources.paste_time import AGO, WORD_DATE, ZONE, ago_delta, parse_clock, zone_from_token

_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?"
_WHEN = (
    rf"(?:on\s+)?(?P<date>{WORD_DATE.pattern})"
    rf"|(?P<ago>{AGO}|yesterday)"
    # "6 years ago": no day to be had from it; the thread is placed on --date
    r"|(?P<vague>(?:\d{1,3}|an?|one)\s+(?:months?|years?)\s+ago)"
)
# "tessa-m (Member) commented on May 24, 2026": the role badge copied beside the login
_ROLES = r"(?:\s+\((?:member|owner|contributor|collaborator|author|maintainer|first-time contributor|bot)\))*"
HEADER_RE = re.compile(
    rf"^(?:(?:open|closed|merged|draft)\s*[\u00b7\u2022]?\s+)?(?P<name>{_LOGIN}){_ROLES}\s+(?P<verb>opened|commented)(?:\s+this\s+(?:issue|pull\s+request))?\s+(?:{_WHEN})"
    r"(?:\s*[·•]\s*(?:edited|\d+\s+comments?).*|\s*\(edited\)|\s+edited(?:\s+by\s+\S+)?)?\s*[·•]?$",
    re.IGNORECASE,
)
EVENT_RE = re.compile(
    rf"^(?:@{_LOGIN}\s+)?(?P<name>{_LOGIN})\s+(?P<what>(?:added|removed|closed|reopened|self-assigned|assigned|unassigned|mentioned|"
    r"referenced|linked|changed|pinned|unpinned|locked|unlocked|marked|transferred|converted|merged|requested|"
    rf"deleted|renamed)\b.*?)\s+(?:{_WHEN})$",
    re.IGNORECASE,
)
# The interface text around a comment: avatar alt text, role badges, a repeated "opened on ...".
_BADGE_RE = re.compile(
    r"^(?:@" + _LOGIN + r"|member|author|owner|contributor|collaborator|first-time contributor|maintainer|bot"
    r"|(?:opened|commented)(?:\s+on)?\s+.*|image|edited|(?:open|closed|merged|draft)|copy link|quote reply|"
    r"\d+\s+(?:participants?|comments?)|comments|(?:\u2026|\.\.\.))$",
    re.IGNORECASE,
)
_CLOCK_RE = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])[:h](?P<m>[0-5]\d)(?::\d{2})?\s*\(?(?P<ap>[ap]\.?m\.?)?(?![\d:])", re.I
)
_YESTERDAY_RE = re.compile(r"\byesterday\b", re.I)
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_TODAY_RE = re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", re.I)
# The zone written after a stated clock: "02:20 UTC", "13:20 (UTC)", "04:24 CEST"
_ZONE_AFTER_RE = re.compile(rf"\s*\(?\s*(?P<zone>{ZONE})")


# The newer issue page and GitLab: "yuvipanda (Member) \u2022 Jan 20, 2022",
# "Rob Castellanos @rcastellanos \u00b7 6 years ago", "Issue created 6 years ago by Rob Castellanos".
_ROLE = r"(?:member|owner|author|contributor|collaborator|maintainer|developer|reporter|guest)"
DOTTED_HEADER_RE = re.compile(
    rf"^(?:(?P<name>{_LOGIN})(?:\s+\({_ROLE}\))?|(?P<display>[^@\u00b7\u2022\n]{{1,60}}?)\s+@(?P<handle>[\w.-]+))"
    rf"(?:\s+\({_ROLE}\))?\s+[\u00b7\u2022]\s+(?:{_WHEN})"
    r"(?:,?\s+(?:at\s+)?(?P<clock>(?:[01]?\d|2[0-3]):[0-5]\d\s*(?:[ap]\.?m\.?)?))?(?:\s*[\u00b7\u2022].*)?$",
    re.IGNORECASE,
)
CREATED_RE = re.compile(
    rf"^(?:(?:open|closed)\s+)?(?:issue|incident|merge\s+request)\s+created\s+(?:{_WHEN})\s+by\s+(?P<display>\S.{{0,60}}?)\s*$",
    re.IGNORECASE,
)


def header(line: str) -> re.Match[str] | None:
    """The comment header on a stripped line, when it is one."""
    if " commented " in line or " opened " in line:
        return HEADER_RE.match(line)
    if "\u2022" in line or "\u00b7" in line:
        return DOTTED_HEADER_RE.match(line)
    if " created " in line:
        return CREATED_RE.match(line)
    return None


def author_of(m: re.Match[str]) -> str:
    """The header's author: the login, or GitLab's display name beside the handle."""
    groups = m.groupdict()
    return (groups.get("name") or groups.get("display") or "").strip()


def starts_comment(line: str) -> bool:
    """True for a comment header or a thread event (detection only)."""
    return header(line) is not None or EVENT_RE.match(line) is not None


def parse_github(lines: list[str], ctx: Ctx) -> Parsed:
    """Read a GitHub thread copied from the web page: headers start comments, events are system lines."""
    out = Parsed()
    current: Entry | None = None
    interface = False  # right after a header: the avatar line and badges come before the body
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current is not None and not interface:
                current.lines.append("")
            continue
        m = header(line)
        if m is not None:
            if current is not None and current.author.casefold() == author_of(m).casefold() and not _has_text(current):
                interface = True  # "dduportal" / "opened on Apr 22": the header repeated under the avatar
                continue
            _drop_trailing_interface(current)
            current = _entry(m, no, ctx)
            out.items.append(current)
            interface = True
            continue
        event = EVENT_RE.match(line)
        if event is not None:
            _drop_trailing_interface(current)
            entry = _entry(event, no, ctx)
            entry.author, entry.subtype = "", "system"
            entry.lines = [f"{event.group('name')} {event.group('what')}"]
            out.items.append(entry)
            current, interface = None, False
            continue
        if current is None:
            if not out.items and not out.title:
                out.title = re.sub(r"\s+#\d+$", "", line)  # "[issues.jenkins.io] JIRA outage on 2026-04-22 #5076"
            else:
                out.unattributed.append((no, raw))
            continue
        if interface and (_BADGE_RE.match(line) or line.casefold() == current.author.casefold()):
            continue
        interface = False
        current.lines.append(raw.rstrip())
    earlier: Entry | None = None
    for item in out.items:
        if isinstance(item, Entry) and item.subtype != "system":
            _clock_from_text(item, earlier)
            if item.precision != "date-only":
                earlier = item
    return out


def _drop_trailing_interface(entry: Entry | None) -> None:
    """The next comment's avatar line and badges, copied above its header, leave this comment."""
    if entry is None:
        return
    while entry.lines and (not entry.lines[-1].strip() or _BADGE_RE.match(entry.lines[-1].strip())):
        entry.lines.pop()


def _has_text(entry: Entry) -> bool:
    return any(text.strip() for text in entry.lines)


def _entry(m: re.Match[str], no: int, ctx: Ctx) -> Entry:
    name = author_of(m)
    day = match_day(m.group("date"), ctx.today, ctx.default_year, ctx.day_first) if m.group("date") else None
    ago = None
    if m.group("ago"):
        if m.group("ago").lower() == "yesterday":
            day = ctx.today - timedelta(days=1)
        else:
            ago = ago_delta(m.group("ago"))  # "2 hours ago", "just now"
            if ago >= timedelta(days=1):  # "4 days ago": a day, its clock unknown (the text may state one)
                day, ago = ctx.today - timedelta(days=ago.days), None
    if day is not None:
        ctx.default_year = day.year
    bot = name.lower().endswith("[bot]") or is_bot_name(name)
    entry = Entry(no, [], time(0), name, day=day or (None if ago is not None else ctx.today), is_bot=bot, precision="date-only")
    if ago is not None:
        entry.ago, entry.precision = ago, "approximate"
    elif m.groupdict().get("clock"):
        entry.clock, entry.precision = parse_clock(m.group("clock")), ""  # GitLab: "Jul 15, 2025 10:58am"
    return entry


def _clock_from_text(entry: Entry, earlier: Entry | None = None) -> None:
    """A dated comment that states a clock ("down since 13:20 (UTC)") is placed at that clock.

    A clock without AM/PM ("since ~3:32") after a comment of the same day placed in the afternoon
    ("paged at 3:30 PM") is read in the afternoon too: the thread goes forward.
    """
    if entry.precision != "date-only":
        return
    for line in entry.lines:
        if not line[:1].isalnum() and not line.startswith("("):
            continue  # quoted command output or logs (";; WHEN: Sun Aug 03 09:24:04 CEST"), not a statement
        line = _URL_RE.sub(lambda m: " " * len(m.group(0)), line)  # "(time:(from:'2018-06-26T00:00:00Z'))" in a link
        match = _CLOCK_RE.search(line)
        if match is None:
            continue
        # "07h30(am)" read as "07:30am"
        clock = parse_clock(f"{match.group('h')}:{match.group('m')}{match.group('ap') or ''}")
        if (
            not match.group("ap") and clock.hour < 12 and earlier is not None and earlier.day == entry.day
            and earlier.clock.hour >= 12 and clock.replace(hour=clock.hour + 12) >= earlier.clock
        ):
            clock = clock.replace(hour=clock.hour + 12)
        entry.clock = clock.replace(second=0, microsecond=0)
        entry.clock_text = match.group(0).strip()
        entry.precision = "approximate"
        written = _ZONE_AFTER_RE.match(line, match.end())
        zone = zone_from_token(written.group("zone")) if written is not None else None
        if zone is not None:
            entry.zone, entry.zone_token = zone, written.group("zone")
        near = line[max(0, match.start() - 40) : match.start()] + line[match.end() : match.end() + 40]
        if entry.day is not None and _YESTERDAY_RE.search(near) and not _TODAY_RE.search(near):
            entry.day -= timedelta(days=1)  # "it was fixed yesterday ~15:30 UTC" (not "merged at ~10:00 this morning")
        return
