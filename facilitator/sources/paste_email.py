"""An email thread pasted as text: alert mails and replies, each with its own headers.

Incidents are still handled by mail (an ops list, a mailing-list archive, alert mails from
Nagios or a provider), and a copy of the thread keeps every message's headers::

    From: Sarah Okafor <sarah@prgmr.com>
    Date: Tue, 9 Mar 2021 13:24:10 -0800
    Subject: Re: ** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **

    on it. v4 looks dead from outside ...

Each "From:" block with a "Date:" starts a message dated exactly (the standard library reads
RFC 2822 dates, offset included). The body is the text down to the next header block; quoted
lines ("> ...", "On Tue, Sarah wrote:") repeat earlier mails and are left out. A mail's own
subject opens its text unless it is a reply ("Re: ..."), because alert mails say what fired there.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parseaddr, parsedate_to_datetime

from facilitator.config import zone_or_utc
from facilitator.sources.paste_formats import is_bot_name
from facilitator.transcript import Message, Transcript

_FROM_RE = re.compile(r"^\s*from:\s*(?P<who>\S.*)$", re.IGNORECASE)
_HEADER_RE = re.compile(r"^\s*(?P<key>date|sent|subject|to|cc|reply-to|message-id|in-reply-to|references|list-id)\s*:\s*(?P<value>.*)$", re.I)
_QUOTE_RE = re.compile(r"^\s*>|^\s*on\s.{4,120}\swrote:\s*$", re.IGNORECASE)
_RULE_RE = re.compile(r"^\s*(?:[-=_*]\s*){8,}$")
_REPLY_RE = re.compile(r"^\s*(?:re|fwd?|aw|sv)\s*:", re.IGNORECASE)
# Mail from a machine: "nagios@", "alerts@", "noreply@"...
_MACHINE_ADDRESS_RE = re.compile(r"^(?:nagios|icinga|zabbix|alerts?|alerting|monitor\w*|no-?reply|do-?not-?reply|notifications?|status|pagerduty|opsgenie)@", re.I)


def _date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def email_blocks(lines: list[str]) -> list[tuple[int, dict[str, str], list[str]]] | None:
    """(line number, headers, body lines) per mail, or None when the text is not a mail thread.

    A thread needs at least two header blocks: a "From:" line with a readable "Date:" among
    the header lines right after it.
    """
    starts: list[tuple[int, dict[str, str], int]] = []  # (first line index, headers, body start)
    for i, line in enumerate(lines):
        m = _FROM_RE.match(line)
        if m is None:
            continue
        headers = {"from": m.group("who").strip()}
        j = i + 1
        while j < len(lines) and (h := _HEADER_RE.match(lines[j])) is not None:
            headers[h.group("key").lower()] = h.group("value").strip()
            j += 1
        when = headers.get("date") or headers.get("sent")
        if when and _date(when) is not None:
            starts.append((i, headers, j))
    if len(starts) < 2:
        return None
    out = []
    for k, (i, headers, body_start) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        out.append((i + 1, headers, lines[body_start:end]))
    return out


def parse_email_thread(blocks: list[tuple[int, dict[str, str], list[str]]], *, tz: str, origin: str) -> Transcript:
    """The mails as messages in time order, their authors from the "From:" names."""
    zone = zone_or_utc(tz)
    messages: list[Message] = []
    for number, headers, body in blocks:
        name, address = parseaddr(headers["from"])
        author = (name or address.split("@")[0] or headers["from"]).strip().strip('"')
        moment = _date(headers.get("date") or headers.get("sent") or "")
        if moment is None:
            continue
        text_lines = [line.rstrip() for line in body if not _QUOTE_RE.match(line) and not _RULE_RE.match(line)]
        subject = headers.get("subject", "")
        if subject and not _REPLY_RE.match(subject):
            text_lines.insert(0, subject)
        text = "\n".join(text_lines).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        messages.append(
            Message(
                id=f"L{number}",
                at=moment.astimezone(zone),
                author=author,
                text=text,
                author_id=address,
                is_bot=is_bot_name(author) or _MACHINE_ADDRESS_RE.match(address or "") is not None,
                origin=f"{origin}:{number}",
            )
        )
    messages.sort(key=lambda m: m.at)
    subjects = [_REPLY_RE.sub("", h.get("subject", "")).strip() for _, h, _ in blocks if h.get("subject")]
    return Transcript(
        messages=messages,
        source="transcript",
        channel=subjects[0] if subjects else "",
        timezone=tz,
        format="email",
    )
