"""Incident-tool exports: the author in a column of its own, not "Name: text".

Rootly, FireHydrant, incident.io and Opsgenie export a timeline in which each entry's author sits in
a column: alone on the stamp line with the message below ("11:47 AM  Oliver Grant"), or in a name
column before the text ("22:17  Jonas Brühwiler  rollout merged"). The timeline reader reads those
entries as notes; this pass names their authors when the paste has that shape throughout.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter

from facilitator.sources.bot_names import is_bot_name
from facilitator.sources.paste_formats import Entry, Parsed
from facilitator.sources.paste_speakers import ICON_RE, NOTE_BY_RE, QUOTED_NOTE, name_like
from facilitator.sources.paste_table import AUTHOR_COLS, TEXT_COLS, TIME_COLS, column, table_cells

# The source after the author: "9:19 AM · Tomás Ruiz · Slack".
_SOURCE_TAIL_RE = re.compile(r"\s+[\u00b7\u2022|]\s+(?:via\s+)?[A-Za-z][\w .-]{0,20}$")


def _header_name(first: str) -> str:
    """The author when a stamp line holds only a name ("11:46 AM  Better Stack"), else ''."""
    text = _SOURCE_TAIL_RE.sub("", ICON_RE.sub("", first.strip()).lstrip("\u00b7\u2022|-\u2013\u2014 ").strip())
    return text if name_like(text, strict=True) else ""


# incident.io: "Pinned message · Ben Ashworth", "Incident reported by Priya Raman", "Status page updated by Grace".
_EVENT_BY_RE = re.compile(
    r"^(?:pinned\s+message|(?:chat\s+|slack\s+|teams\s+)?message|comment|note|(?:status\s+page\s+)?update|alert)\s*[\u00b7\u2022|-]\s*(?P<who>\S.{0,40})$"
    r"|^(?:slack\s+|teams\s+)?(?:message|comment|reply)\s+from\s+(?P<sender>\S.{0,40}?)(?:\s+in\s+#[\w-]+)?(?:\s+\(pinned\))?$"
    r"|^\S.{0,40}?\s(?:reported|updated|declared|posted|added|created|opened|changed|resolved|closed|acknowledged|taken)\s+by\s+(?P<by>\S.{0,40})$",
    re.IGNORECASE,
)
_ROLE_TAIL_RE = re.compile(r"\s*\([^)]{1,30}\)$")  # "Grace Oyelaran (Support)"


def _note_by(first: str) -> str:
    """The author of a tool's note: "Note added by Ryan Kowalski" (PagerDuty), "Karin added note",
    "Pinned message · Ben Ashworth" (incident.io)."""
    line = ICON_RE.sub("", first.strip())  # incident.io: "🔁 Action taken by Rhys Okafor"
    m = NOTE_BY_RE.match(line)
    name = (m.group("who") or m.group("actor")).strip() if m else ""
    if not name and (e := _EVENT_BY_RE.match(line)) is not None:
        name = _ROLE_TAIL_RE.sub("", (e.group("who") or e.group("by") or e.group("sender")).strip())
    return name if name and name_like(name, strict=False) else ""


# Rootly's entry kind before the author: "9:04 PM  Message  Dana Whitfield  is this the deploy?"
_KIND_COLUMN_RE = re.compile(
    r"^(?:message|alert|event|note|comment|update|action|task|milestone|page|status(?:\s+update)?|slack(?:\s+message)?)"
    r"(?:\s{2,}|\t)(?=\S)",
    re.IGNORECASE,
)
# An export's event kind in capitals: "ACK       Kelsey Brandt acknowledged", "COMMS     Public post #1 published"
_CAPS_KIND_RE = re.compile(r"^[A-Z][A-Z_-]{1,15}(?:\s{2,}|\t)(?=\S)")
# "Jonas Brühwiler  rollout merged to production": a name column, a gap, the message.
_NAME_COLUMN_RE = re.compile(r"^(?P<name>\S[^\t]{0,40}?)(?:\s{2,}|\t)(?P<text>\S.*)$")


# FireHydrant's row header over the message: "Chat message | #payments-deploys | Lucas Ferreira",
# "Deploy event | ArgoCD", "Alert | Datadog": the entry's kind, maybe its channel, then who.
_KIND_PIPE_RE = re.compile(
    r"^(?:chat\s+message|message|slack\s+message|alert|deploy(?:ment)?\s+event|event|note|comment|update|status\s+update|action|task|page)"
    r"\s*\|\s*(?:#[\w.-]+\s*\|\s*)?(?P<who>[^|]{1,48}?)\s*$",
    re.IGNORECASE,
)


def _kind_pipe(first: str) -> str:
    """Who wrote the entry a kind-and-author header names ("Chat message | #ops | Lucas Ferreira"), else ''."""
    m = _KIND_PIPE_RE.match(ICON_RE.sub("", first.strip()))
    return m.group("who").strip() if m and name_like(m.group("who"), strict=False) else ""


def _column_name(first: str, caps_kinds: bool = True) -> tuple[str, str] | None:
    """(name, text) when a stamp line's text starts with a name column, else None.

    incident.io marks each row with an icon first: "💬 Ravi Menon   \"shard 7 done\"", Rootly with
    the entry's kind: "Message  Dana Whitfield  restart the primary?". ``caps_kinds`` says a word
    in capitals opening the row is its kind ("ACK", "MESSAGE"), as when most rows open with one;
    else it is someone's initials in the name column ("JP   yeah I'm on it").
    """
    row = ICON_RE.sub("", first.strip())
    kind = _CAPS_KIND_RE.match(row) if caps_kinds else None
    # the row's kind, not its author: a name column may follow it ("MESSAGE  Marcus Oyelaran   ack"),
    # else the people are in its text ("ACK       Kelsey Brandt acknowledged")
    m = _NAME_COLUMN_RE.match(row[kind.end() :] if kind else _KIND_COLUMN_RE.sub("", row, count=1))
    if m is None or not name_like(m.group("name"), strict=True):
        return None
    return m.group("name").strip(), m.group("text").strip()


def pipe_columns(out: Parsed) -> bool:
    """A plain pipe table without Markdown's rule line: "TIME | TYPE | AUTHOR | EVENT" (FireHydrant).

    The timeline reader takes each row's time; the header line, left unread, says which of the
    remaining cells is the author and which the text.
    """
    header = next(
        (cells for _, text in out.unattributed if text.count("|") >= 2 and column(cells := table_cells(text), TIME_COLS, ("time",)) == 0
         and column(cells, AUTHOR_COLS) is not None),
        None,
    )
    if header is None:
        return False
    author_col = column(header, AUTHOR_COLS)
    text_col = column(header, TEXT_COLS, TEXT_COLS)
    text_col = len(header) - 1 if text_col is None else text_col
    named = False
    for entry in out.items:
        if not isinstance(entry, Entry) or entry.author or not entry.lines:
            continue
        cells = table_cells(entry.lines[0])
        if len(cells) != len(header) - 1:  # the time cell went to the stamp
            continue
        entry.author = cells[author_col - 1].strip("*_ ")
        entry.is_bot = is_bot_name(entry.author)
        entry.lines = [cells[text_col - 1]] + entry.lines[1:]
        named = True
    return named


def name_headers(out: Parsed) -> None:
    """Incident-tool exports: the author in a column of its own, not "Name: text".

    Rootly, FireHydrant and incident.io write "11:47 AM  Oliver Grant" with the message on the
    lines below, or "22:17  Jonas Brühwiler  rollout merged" with the name column and the text on
    one line. A timeline note may also be a short capitalised phrase ("14:05 Failover Complete"),
    so the shape is taken as names only when most timed entries have it and some name comes back.
    """
    if pipe_columns(out):
        return
    entries = [e for e in out.items if isinstance(e, Entry) and e.precision not in ("date-only", "unknown")]
    alone = [
        (e, name, None)
        for e in entries
        if not e.author and e.lines and any(x.strip() for x in e.lines[1:]) and (name := _header_name(e.lines[0]))
    ]
    kinds = sum(1 for e in entries if e.lines and _CAPS_KIND_RE.match(ICON_RE.sub("", e.lines[0].strip())))
    caps_kinds = 2 * kinds > len(entries)  # most rows open with a word in capitals
    columns = [
        (e, col[0], col[1]) for e in entries if not e.author and e.lines and (col := _column_name(e.lines[0], caps_kinds))
    ]
    for entry in entries:  # "5:16 PM  Note added by Ryan Kowalski" and the note below: always his
        if not entry.author and entry.lines and any(x.strip() for x in entry.lines[1:]) and (who := _note_by(entry.lines[0]) or _kind_pipe(entry.lines[0])):
            entry.author, entry.lines = who, _unquoted(_dedented(entry.lines[1:]))
            entry.is_bot = is_bot_name(who)  # "Alert · Datadog": the monitor, not a person
            while entry.lines and not entry.lines[0].strip():
                entry.lines.pop(0)
    for named in (alone, columns):
        if len(named) < 3 or 2 * len(named) < len(entries):
            continue
        if max(Counter(name for _, name, _ in named).values()) < 2:
            continue
        for entry, name, text in named:
            entry.author, entry.is_bot = name, is_bot_name(name)
            body = [text] + entry.lines[1:] if text is not None else entry.lines[1:]
            while body and not body[0].strip():
                body.pop(0)
            entry.lines = _dedented(body)
        return


def _unquoted(lines: list[str]) -> list[str]:
    """The note without the quotes the tool put around it ('"rolling back"' is the words rolling back)."""
    body = [i for i, x in enumerate(lines) if x.strip()]
    if len(body) != 1:
        return lines
    out = list(lines)
    out[body[0]] = QUOTED_NOTE.sub(r"\1", lines[body[0]])
    return out


def _dedented(lines: list[str]) -> list[str]:
    """The message below a stamp line, without the export's indentation."""
    return textwrap.dedent("\n".join(lines)).split("\n") if lines else lines


# "07:58  trebmuh: morning. liberapay.com just spins": a chat handle in lower case before its text
_HANDLE_RE = re.compile(r"^(?P<name>[a-z0-9][\w.-]{1,31}):\s+(?P<text>\S.*)$", re.DOTALL)


def handle_speakers(out: Parsed) -> None:
    """Timed lines of a chat whose speakers are handles in lower case ("trebmuh: text"), which the
    timeline reader leaves unnamed (a note may open "api: errors rising"). A handle is taken as
    the speaker when it opens at least two entries and the paste already names speakers in the
    same "Name: text" shape, as a chat log does and a list of notes does not."""
    entries = [e for e in out.items if isinstance(e, Entry)]
    if not any(e.author and not e.is_bot for e in entries):
        return
    found = [(e, m) for e in entries if not e.author and e.lines and (m := _HANDLE_RE.match(e.lines[0]))]
    counts = Counter(m.group("name") for _, m in found)
    for entry, m in found:
        name = m.group("name")
        if counts[name] >= 2 and name_like(name, strict=False) and not name.isdigit():
            entry.author, entry.is_bot = name, is_bot_name(name)
            entry.lines = [m.group("text"), *entry.lines[1:]]
