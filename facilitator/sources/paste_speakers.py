"""Who speaks on a line: a speaker's name before the text, and whether a short text is a name.

Readers of every format ask the same two things of a line: does it start with a speaker
("Alice Smith: text", "<dana> text", "Note added by Carla Nguyen: \"...\"", an incident tool's
"💬 Aaron Kim (pinned): ..."), and does a short text look like a person's name rather than a
note word ("Update:", "Resolved:").
"""

from __future__ import annotations

import re
from functools import lru_cache

from facilitator.sources.bot_names import MXID, MXID_LOCAL
from facilitator.sources.paste_time import zone_from_token

# "Alice Smith: text" inside a chat line; a name is short and has no sentence punctuation.
# A name written last name first, as Outlook and Teams in some organisations show it: "Haddad, Leila", "Okafor, Dana (Ext)"
LAST_FIRST = re.compile(r"^[A-Z][\w'’-]+, [A-Z][\w'’-]+(?: [A-Z][\w'’.-]*)?(?: \([\w .-]{1,20}\))?$")
SPEAKER_RE = re.compile(r"^(?P<name>[^:\s][^:]{0,47}?)\s*:\s(?P<text>.*)$|^(?P<bare>[^:\s][^:]{0,47}?):$")
_INITIAL_END = re.compile(r"\S\s+[^\W\d_a-z]\.$")  # "Kwame O.", "Deepa S.", "Mantas Ž."
_NAME_WORD = re.compile(r"^[\w.'’()@&+/-]+$")
# Words that start timeline notes but are not people ("14:02 Update: ...").
_NOT_AUTHORS = frozenset(
    "note notes update updates action actions alert alerts status impact decision resolved resolution mitigation "
    "mitigated detection detected todo fyi root cause summary event events issue problem result fix fixed "
    "investigation incident outage deploy deployed rollback customer customers page paged escalation "
    "question answer warning error info debug monitoring identified investigating postmortem followup "
    "follow-up lesson observation symptom trigger triggered".split()
)


@lru_cache(maxsize=4096)  # names repeat on every line of a chat log
def name_like(text: str, *, strict: bool) -> bool:
    """True for 'Alice', 'Tomás Ruiz', 'dana.o'; strict also wants capitalised words and no note words."""
    text = _AFFILIATION_RE.sub("", text.strip())  # "Ola Bankole (NHSE London)": the name before the team
    if not text or len(text) > 48 or "://" in text or (text[-1] in ".,!?;:" and not _INITIAL_END.search(text)):
        return False  # a sentence's end, but "Jonas B." is a name with an initial
    if text[0] in "'\u2018\u2019":
        return False  # a quotation's start: "Alert #88213 created  P2  'useast1-c14: replication link flaps'"
    words = text.split()
    particles = sum(1 for i, w in enumerate(words) if i and w in _PARTICLES)  # "Ruan van der Merwe" is three names' worth
    if len(words) - particles > (3 if strict else 4) or len(words) > 5 or not all(_NAME_WORD.match(w) for w in words):
        return False
    if any(w.isdigit() for w in words) or zone_from_token(text) is not None or _PRIORITY_RE.fullmatch(text):
        return False
    folded = text.casefold()
    if folded in _NOT_AUTHORS or folded in _NOT_AUTHOR_PHRASES or (strict and words[0].casefold() in _NOT_AUTHORS):
        return False
    if strict:
        # a script without capitals (Japanese, Chinese) counts when the name has two words, "石井 大輔"
        caseless = len(words) >= 2 and all(w[0].isalpha() and not w[0].islower() and not w[0].isupper() for w in words)
        return caseless or all(w[0].isupper() or not w[0].isalpha() or (i and w in _PARTICLES) for i, w in enumerate(words))
    return True


# A priority or severity column where a name would be: "P1  CREATED  [Datadog] ...", "SEV2"
_PRIORITY_RE = re.compile(r"(?i)(?:p|sev|s)\d{1,2}")


# A pager's log entries of two words: "Responder request: Carlos Reyes added by Kenji Sato"
_NOT_AUTHOR_PHRASES = frozenset({"responder request", "status update", "incident note", "priority change", "urgency change", "conference bridge"})


# A team, organisation or pronouns after a name, as Teams and Slack show them: "(NHSE London)", "(she/her)", "(External)"
_AFFILIATION_RE = re.compile(r"(?<=\w)\s+\((?:[A-Z][\w&.'-]*(?:\s+[\w&.'-]+){0,3}|[a-z]+/[a-z]+)\)$")


# "Pieter de Graaf", "Ana da Silva", "Ludwig van Beethoven": lowercase words inside a name.
_PARTICLES = frozenset({"de", "da", "das", "do", "dos", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le", "bin", "al", "el", "ter", "ten"})


ICON_RE = re.compile(r"^[^\w\s\"'(\[]{1,3}\s+")  # a row's icon before its first column: "💬 ", "✅ "
# An incident tool's source column in brackets before a person's row: "[Slack] Chris Navarro: ..."
# (a tool's own rows, "[PagerDuty] TRIGGERED: ...", keep their tag and stay the tool's)
_CHAT_TAG_RE = re.compile(r"^\[(?:slack|teams|microsoft teams|discord|mattermost|zulip|matrix|element|google chat|chat|message|note|comment|zoom)\]\s+", re.IGNORECASE)
_PINNED_RE = re.compile(r"\s*\((?:pinned|edited)\)$", re.IGNORECASE)  # incident.io: "Aaron Kim (pinned): ..."


def split_speaker(rest: str, *, strict: bool) -> tuple[str, str]:
    """('Alice Smith', 'text') when the text starts with a speaker, else ('', rest).

    An incident tool's row icon before the speaker ("💬 Aaron Kim (pinned): text") is not part of it.
    """
    bare = ICON_RE.sub("", _CHAT_TAG_RE.sub("", rest, count=1), count=1)
    if bare != rest:
        name, text = _split_speaker(bare, strict=strict)
        if name:
            return name, QUOTED_NOTE.sub(r"\1", text)  # the tool quotes the message
    return _split_speaker(rest, strict=strict)


def _split_speaker(rest: str, *, strict: bool) -> tuple[str, str]:
    zoom = _ZOOM_RE.match(rest) if rest.startswith("From ") else None
    # ("From Monday to Friday: builds fail" is a sentence: a named recipient needs Zoom's "(Direct Message)")
    if zoom and name_like(zoom.group("name"), strict=False) and not (zoom.group("to") and zoom.group("text")):
        return zoom.group("name").strip(), (zoom.group("text") or "").strip()
    if rest.startswith("<") and ">" in rest[:44]:
        nick, _, text = rest[1:].partition(">")
        # "<alice>", or a display name bridged from Matrix: "<Lena Brandt>"
        if nick.strip() and (" " not in nick.strip() or name_like(nick, strict=True)):
            return nick.strip().lstrip("@+%&~"), text.lstrip()
    piped = _PIPED_RE.match(rest) if "|" in rest[:34] else None
    if piped is not None:  # "| Slack | Devon Carter | text"; a pager's "| Acknowledged | by Bea Kowalczyk | via …"
        name = _PIPED_BY_RE.sub("", piped.group("name").strip(), count=1)
        if name_like(name, strict=False) and not _PIPED_EVENT_RE.match(name):
            return name, piped.group("text").strip()
    said = _PIPED_SAID_RE.match(rest) if "|" in rest[:44] else None
    if said is not None and name_like(said.group("name"), strict=False) and not _PIPED_EVENT_RE.match(said.group("name")):
        return said.group("name").strip(), said.group("text").strip()  # "| CHAT #inc-42 | Sam Okafor: rollback finished"
    column = _MXID_COLUMN_RE.match(rest) if rest[:1] in "#!@" else None
    if column is not None:  # Riot's columns: "#sysadmin  @olly:matrix.org      text"
        return column.group("mxid"), column.group("text").strip()
    matrix = _MATRIX_ID_RE.match(rest) if ":" in rest[:100] else None
    if matrix and name_like(matrix.group("name"), strict=False):
        return matrix.group("name").strip(), (matrix.group("text") or "").strip()
    m = SPEAKER_RE.match(rest)
    if m:
        name = m.group("name") or m.group("bare")
        if _COLUMN_GAP.search(name.strip()):
            columns = _COLUMN_GAP.split(name.strip())
            name = columns[-1]  # "Slack  Noor Haddad": a source column, then the person
            label = _FIELD_LABEL_RE.match(name) if len(columns) > 1 else None
            if label is not None and name_like(columns[-2], strict=False):
                # the person, then a ticket's field or event: "Dale Kowalchuk  Work notes: …",
                # "Hannah Lefebvre  Problem PRB0010101 created: …" (an event stays in the text)
                if label.group("event"):
                    return columns[-2], rest[rest.index(name) :].strip()
                name = columns[-2]
        text = (m.group("text") or "").strip()
        name = _PINNED_RE.sub("", name)
        if (by := NOTE_BY_RE.match(name.strip())) is not None:
            name = by.group("who") or by.group("actor")  # Opsgenie's 'Note added by Carla Nguyen: "..."' is Carla's
            text = QUOTED_NOTE.sub(r"\1", text)  # the tool quotes the note; the words are hers
        if name_like(name, strict=strict) or LAST_FIRST.match(name.strip()):
            return name.strip(), text
    return "", rest


# A Matrix ID in brackets after the display name, as Element writes it: "Marco Rossi (@mroach:matrix.org)"
MATRIX_ID = rf"\s*\({MXID}\)"
# An incident tool's export in pipe-separated columns after the time: "| Slack       | Devon Carter     | text"
# (the source, the person, the text)
# A pager log's person column names the actor after "by"; "to Bea (Infra Primary)" or "via …" names no
# author, nor does an event's own wording ("added responder: Luis Ferraro").
_PIPED_BY_RE = re.compile(r"^by\s+", re.IGNORECASE)
_PIPED_EVENT_RE = re.compile(
    r"^(?:to|via|from|added|removed|assigned|reassigned|escalated|changed|set|updated|created|resolved|acknowledged|triggered|notified)\b",
    re.IGNORECASE,
)
_PIPED_RE = re.compile(r"^\|?\s*[A-Za-z][\w .-]{0,28}?\s*\|\s*(?P<name>[^|]{1,48}?)\s*\|\s*(?P<text>\S.*)$", re.DOTALL)
# The same with the person inside the text column, as a timeline export writes a chat line:
# "| CHAT #inc-1216-inbound | Sam Okafor: rollback finished on all DCs"
# ("| NOTE | by judith.k: …", "| Triggered | via Datadog: …"), never a field's label ("| Severity: Major |").
_PIPED_SAID_RE = re.compile(
    r"^\|?\s*[A-Za-z][\w #&.-]{0,40}?\s*\|\s*(?:(?:note|comment|update|message)\s+)?(?:(?:by|via|from)\s+)?"
    r"(?!(?:severity|status|priority|impact|owner|assignee|type|summary|title|service|component|lead|commander|channel)\s*:)"
    r"(?P<name>[^|:\s][^|:]{0,47}?):\s+(?P<text>\S.*)$",
    re.DOTALL | re.IGNORECASE,
)
# A room column, then a bare Matrix ID column, then the text, as a Riot export lines them up:
# "#sysadmin  @olly:matrix.org          GIMPnet is getting DDoSed again"
_MXID_COLUMN_RE = re.compile(rf"^(?:[#!][\w.:-]{{1,60}}\s{{2,}})?(?P<mxid>@{MXID_LOCAL}{{1,40}}:[\w.-]+)\s{{2,}}(?P<text>\S.*)$", re.DOTALL)
# Element's text export: "Marco Rossi (@mroach:matrix.org): text"
_MATRIX_ID_RE = re.compile(rf"^(?P<name>[^:(\s][^:(]{{0,47}}?){MATRIX_ID}\s*:(?:\s(?P<text>.*))?$", re.DOTALL)
# A saved Zoom meeting chat: "16:49:40 From Aisha Farouk to Everyone:" (the text on the lines below)
# or "From Aisha Farouk to Ruben Castellanos (Direct Message): text"
_ZOOM_RE = re.compile(
    r"^From\s+(?P<name>\S.{0,47}?)\s+to\s+(?:everyone|me|\S.{0,47}?\s*\((?:direct\s+message|privately)\)|(?P<to>\S.{0,47}?))"
    r"\s*:(?:\s+(?P<text>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
QUOTED_NOTE = re.compile(r'^\s*["\u201c](.*)["\u201d]\s*$', re.DOTALL)  # a tool's note in its quotes
_COLUMN_GAP = re.compile(r"\s{2,}|\t")  # incident-tool exports align a source column before the name
# A ticket's field after the person, as ServiceNow's activity log writes it: "Dale Kowalchuk  Work notes: text"
_FIELD_LABEL_RE = re.compile(
    r"^(?:work\s+notes?|(?:additional\s+|public\s+|internal\s+)?comments?|internal\s+notes?|public\s+reply"
    r"|(?P<event>(?:problem|change|task|incident|request)\s+[A-Z]{2,6}\d{3,}\s+(?:created|opened|closed|updated|resolved|linked)))$",
    re.I,
)
NOTE_BY_RE = re.compile(
    r"^(?:note|comment|update|message|reply)\s+(?:added|posted|left|written|sent)\s+by\s+(?P<who>\S.{0,40})$"
    r"|^(?P<actor>\S.{0,40}?)\s+(?:added|posted|left|wrote)\s+(?:a\s+)?(?:note|comment|update|message|reply)$",
    re.I,
)
