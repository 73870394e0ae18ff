"""An email thread pasted as text: alert mails and replies, each with its own headers.

Incidents are still handled by mail (an ops list, a mailing-list archive, alert mails from
Nagios or a provider), and a copy of the thread keeps every message's headers::

    From: Sarah Okafor <sarah@prgmr.com>
    Date: Tue, 9 Mar 2021 13:24:10 -0800
    Subject: Re: ** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **

    on it. v4 looks dead from outside ...

Each "From:" block with a "Date:" starts a message dated exactly (the standard library reads
RFC 2822 dates, offset included). A mailing-list archive's thread (a subject, "Name addr at host",
a ctime-style date) is read too, its dates in the transcript's zone. The body is the text down to the next header block; quoted
lines ("> ...", "On Tue, Sarah wrote:") repeat earlier mails and are left out. A mail's own
subject opens its text unless it is a reply ("Re: ..."), because alert mails say what fired there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parseaddr, parsedate_to_datetime

from facilitator.config import zone_or_utc
from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_time import find_date, parse_clock
from facilitator.transcript import Message, Transcript

# Header names as mail clients write them, in English, German, French, Spanish, Portuguese, Dutch, Swedish.
_FROM_RE = re.compile(r"^\s*(?:from|von|de|van|fr\u00e5n|fra)\s*:\s*(?P<who>\S.*)$", re.IGNORECASE)
_HEADER_RE = re.compile(
    r"^\s*(?P<key>date|datum|sent|gesendet|envoy\u00e9|enviado|verzonden|skickat|subject|betreff|objet|asunto|assunto|onderwerp|\u00e4mne|"
    r"to|an|\u00e0|para|aan|till|cc|reply-to|message-id|in-reply-to|references|list-id)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_KEYS = {
    "datum": "date", "sent": "date", "gesendet": "date", "envoy\u00e9": "date", "enviado": "date", "verzonden": "date",
    "skickat": "date", "betreff": "subject", "objet": "subject", "asunto": "subject", "assunto": "subject",
    "onderwerp": "subject", "\u00e4mne": "subject",
}
# Gmail's printed thread: the sender and the date on one line, "iCUK NOC <noc@ic.co.uk>    Wed, 10 Jan 2018 at 13:38"
# (a tab between them when copied from the page).
_PRINTED_SENDER_RE = re.compile(r"^\s*(?P<who>[^<>\s][^<>]{0,60}?\s*<[^<>@\s]+@[^<>\s]+>)(?:\s{2,}|\t)(?P<date>\S.*\d{1,2}:\d{2}.*)$")
_SENDER_ALONE_RE = re.compile(r"^\s*(?P<who>[^<>\s][^<>]{0,60}?\s*<[^<>@\s]+@[^<>\s]+>)\s*$")
_CLOCK_RE = re.compile(r"(?<![\d:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?\s*(?P<ap>[ap]\.?m\.?)?(?![\d:])", re.I)
_QUOTE_RE = re.compile(r"^\s*>|^\s*on\s.{4,120}\swrote:\s*$", re.IGNORECASE)
_RULE_RE = re.compile(r"^\s*(?:[-=_*]\s*){8,}$")
_REPLY_RE = re.compile(r"^\s*(?:re|fwd?|aw|sv)\s*:", re.IGNORECASE)
# Mail from a machine: "nagios@", "alerts@", "noreply@"...
_MACHINE_ADDRESS_RE = re.compile(
    r"^(?:nagios|icinga|zabbix|alerts?|alerting|monitor\w*|no-?reply|do-?not-?reply|notifications?|notify|status|pagerduty|opsgenie"
    # a team's shared mailbox announces, no one person writes: "noc@", "leitstand@", "servicedesk@"
    r"|noc|leitstand|service-?desk|help-?desk|announce\w*)@",
    re.I,
)


def _date(value: str) -> datetime | None:
    """An RFC 2822 date with its offset; else a client's own wording ("Montag, 29. Juli 2013 14:41"),
    read as local time (naive)."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment
    day = find_date(value, default_year=datetime.now().year)
    clock = _CLOCK_RE.search(value)
    if day is None or clock is None:
        return None
    # "14.41" as well as "14:41": rewritten with a colon, the clock reader does the rest (AM/PM too)
    at = parse_clock(f"{clock.group('h')}:{clock.group('m')}:{clock.group('s') or '00'} {clock.group('ap') or ''}".strip())
    return datetime.combine(day, at)


@dataclass(slots=True)
class Mail:
    """One mail of the thread: where it starts, who sent it, when, and its text."""

    line: int  # 1-based
    sender: str  # as the "From:" line or the archive writes it
    moment: datetime | None  # aware when the date carries its offset; naive (local) from an archive
    subject: str
    body_start: int  # index of the first line after the headers
    body: list[str] = field(default_factory=list)


# A mailing-list archive (Mailman's pipermail) writes each mail as a subject, the sender with the
# address spelt out, and a ctime-style date: "Glenn Harper glenn.harper at bigpond.net.au" /
# "Sun Aug 9 16:41:12 EST 2009".
_ARCHIVE_SENDER_RE = re.compile(r"^\s*(?P<name>\S.{0,60}?)\s+(?P<addr>[\w.+-]+\s+at\s+[\w-]+(?:\.[\w-]+)+)\s*$")
_CTIME_RE = re.compile(
    r"^\s*(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+(?P<d>\d{1,2})"
    r"\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s+(?:(?P<tz>[A-Z]{2,5})\s+)?(?P<y>\d{4})\s*$",
    re.IGNORECASE,
)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_SUBJECT_LINE_RE = re.compile(r"^\s*\[[^\]]{1,40}\]\s+\S")  # "[techinfo-users] can't get to any websites?"


def _ctime(m: re.Match[str]) -> datetime:
    return datetime(
        int(m.group("y")), _MONTHS.index(m.group("mon").lower()[:3]) + 1, int(m.group("d")),
        int(m.group("h")), int(m.group("m")), int(m.group("s") or 0),
        tzinfo=timezone.utc if (m.group("tz") or "").upper() in ("UTC", "GMT") else None,
    )


def _header_mails(lines: list[str]) -> list[Mail]:
    mails: list[Mail] = []
    for i, line in enumerate(lines):
        m = _FROM_RE.match(line)
        if m is None:
            continue
        headers = {}
        j = i + 1
        while j < len(lines) and (h := _HEADER_RE.match(lines[j])) is not None:
            key = h.group("key").lower()
            headers.setdefault(_KEYS.get(key, key), h.group("value").strip())
            j += 1
        moment = _date(headers.get("date") or "")
        if moment is not None:
            mails.append(Mail(i + 1, m.group("who").strip(), moment, headers.get("subject", ""), j))
    return mails


def _printed_mails(lines: list[str]) -> list[Mail]:
    mails: list[Mail] = []
    for i, line in enumerate(lines):
        m = _PRINTED_SENDER_RE.match(line)
        moment = _date(m.group("date")) if m else None
        j = i + 1
        if m is None and "@" in line and i + 1 < len(lines):
            # the page copied without its layout: the sender's line, then the date on the next
            m = _SENDER_ALONE_RE.match(line)
            moment = _date(lines[i + 1]) if m and _CLOCK_RE.search(lines[i + 1]) else None
            j = i + 2
        if m is None or moment is None:
            continue
        while j < len(lines) and _HEADER_RE.match(lines[j]) is not None:
            j += 1  # "To: ..." under the sender
        subject = next((x.strip() for x in reversed(lines[max(0, i - 3) : i]) if _SUBJECT_LINE_RE.match(x)), "")
        mails.append(Mail(i + 1, m.group("who").strip(), moment, subject, j))
    return mails


def _archive_mails(lines: list[str]) -> list[Mail]:
    mails: list[Mail] = []
    for i in range(len(lines) - 1):
        sender = _ARCHIVE_SENDER_RE.match(lines[i])
        when = _CTIME_RE.match(lines[i + 1]) if sender else None
        if sender is None or when is None:
            continue
        subject = lines[i - 1].strip() if i > 0 and _SUBJECT_LINE_RE.match(lines[i - 1]) else ""
        address = re.sub(r"\s+at\s+", "@", sender.group("addr"))
        mails.append(Mail(i + 1, f"{sender.group('name').strip()} <{address}>", _ctime(when), subject, i + 2))
    return mails


# Navigation and page chrome above a thread: a pipermail index, Gmail's print header ("Gmail\tDana
# Whitlock <dana@itch.io>", "14 messages").
_ARCHIVE_NAV_RE = re.compile(
    r"^\s*(?:messages\s+sorted\s+by|previous\s+message|next\s+message)\b|^\s*gmail\b|^\s*\d+\s+messages?\s*$", re.IGNORECASE
)
_LEAD_LINES = 2  # a thread opens with its first mail (a title or subject line above it at most)


def email_blocks(lines: list[str]) -> list[Mail] | None:
    """The mails of a pasted thread, or None when the text is not a mail thread.

    A thread needs at least two mails: "From:" headers with a readable "Date:", or an archive's
    sender line and date line.
    """
    mails = _header_mails(lines)
    if len(mails) < 2:
        mails = _archive_mails(lines)
    if len(mails) < 2:
        mails = _printed_mails(lines)
    if len(mails) < 2:
        return None
    lead = [line for line in lines[: mails[0].line - 1] if line.strip() and not _RULE_RE.match(line) and not _ARCHIVE_NAV_RE.match(line)]
    if len(lead) > _LEAD_LINES:
        return None  # mails quoted inside a chat log are messages of that chat, not the thread
    for k, mail in enumerate(mails):
        start = mail.body_start
        end = mails[k + 1].line - 1 if k + 1 < len(mails) else len(lines)
        if k + 1 < len(mails) and mails[k + 1].subject and end - 1 >= start and _SUBJECT_LINE_RE.match(lines[end - 1]):
            end -= 1  # the next mail's subject line, above its sender
        mail.body = lines[start:end]
    return mails


def parse_email_thread(mails: list[Mail], *, tz: str, origin: str) -> Transcript:
    """The mails as messages in time order, their authors from the senders' names."""
    zone = zone_or_utc(tz)
    messages: list[Message] = []
    # a shared mailbox seen once with its address ("Leitstand ITDZ Berlin <leitstand@...>") is one everywhere
    mailboxes = {name for name, address in map(_sender, (m.sender for m in mails)) if _MACHINE_ADDRESS_RE.match(address or "")}
    for mail in mails:
        if mail.moment is None:
            continue
        name, address = _sender(mail.sender)
        author = (name or address.split("@")[0] or mail.sender).strip().strip('"')
        moment = mail.moment.replace(tzinfo=zone) if mail.moment.tzinfo is None else mail.moment
        text_lines = [line.rstrip() for line in mail.body if not _QUOTE_RE.match(line) and not _RULE_RE.match(line)]
        if mail.subject and not _REPLY_RE.match(mail.subject) and not _SUBJECT_LINE_RE.match(mail.subject):
            text_lines.insert(0, mail.subject)
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(_unwrapped(text_lines)).strip())
        messages.append(
            Message(
                id=f"L{mail.line}",
                at=moment.astimezone(zone),
                author=author,
                text=text,
                author_id=address,
                is_bot=is_bot_name(author) or _MACHINE_ADDRESS_RE.match(address or "") is not None or author in mailboxes,
                origin=f"{origin}:{mail.line}",
            )
        )
    messages.sort(key=lambda m: m.at)
    subjects = [_LIST_TAG_RE.sub("", _REPLY_RE.sub("", mail.subject)).strip() for mail in mails if mail.subject]
    return Transcript(
        messages=messages,
        source="transcript",
        channel=subjects[0] if subjects else "",
        timezone=tz,
        format="email",
    )


_ORG_TAIL_RE = re.compile(r"\s*\([^()]{1,40}\)$")  # "Kowalski, Heike (SenFin)": the sender's unit


def _sender(sender: str) -> tuple[str, str]:
    """(name, address) of a From line: "Sarah <s@x>", "Kowalski, Heike <h@x>", "Kowalski, Heike (SenFin)"."""
    if "<" in sender:  # the comma in "Kowalski, Heike <...>" is the name's, not an address list's
        name, _, rest = sender.partition("<")
        return name.strip().strip('"'), rest.rstrip("> ").strip()
    if "@" not in sender:
        return _ORG_TAIL_RE.sub("", sender.strip()).strip('"'), ""
    return parseaddr(sender)


_LIST_TAG_RE = re.compile(r"^\s*\[[^\]]{1,40}\]\s*")
_WRAP_AT = 60  # a line this long that runs on into the next was wrapped by the mailer, not by the writer
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s")


def _unwrapped(lines: list[str]) -> list[str]:
    """Mail bodies come hard-wrapped at ~72 columns: a wrapped line is joined to the one after it.

    Short lines ("State: CRITICAL", a sign-off) and list items keep their own line.
    """
    out: list[str] = []
    for line in lines:
        previous = out[-1].rstrip() if out else ""
        wrapped = len(previous) >= _WRAP_AT and "://" not in previous.rsplit(" ", 1)[-1]  # a link alone ends its line
        if previous and line.strip() and wrapped and not _LIST_ITEM_RE.match(line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out
