"""The transcript model: what every source (paste, Slack export, Slack API) produces.

A transcript is an ordered list of messages with stable ids, timezone-aware timestamps,
resolved authors, thread structure, attachments and provenance. Everything downstream
(extraction, the interview, citations in documents, the transcript pane) addresses messages
by ``Message.id`` only, so ids must be stable across reloads of the same source:

* Slack sources use the message ``ts`` (``"1701600000.000100"``).
* Pasted transcripts use ``"L<line>"``, the 1-based line where the message starts.

Nothing the source contained is silently dropped: text that cannot be attributed to a
message is kept in ``Transcript.unattributed`` and counted.

Plain slotted dataclasses rather than pydantic models: a channel can hold 20,000 messages
and these objects are created in the hot path of every loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property


@dataclass(slots=True)
class Attachment:
    """A file shared in the channel (screenshot, log, PDF...)."""

    name: str
    mimetype: str = ""
    url: str = ""  # where to get it (Slack url_private, or a link in a paste)
    local_path: str = ""  # downloaded copy in the session folder, when we have one
    size: int | None = None
    id: str = ""  # Slack file id

    @property
    def is_image(self) -> bool:
        """True for image files (screenshots, graphs) that an LLM can look at."""
        return self.mimetype.startswith("image/")


@dataclass(slots=True)
class Message:
    """One message of the incident channel, with Slack markup already resolved."""

    id: str
    at: datetime  # always timezone-aware
    author: str  # display name as people read it
    text: str
    author_id: str = ""
    is_bot: bool = False
    thread_id: str | None = None  # id of the thread parent, for replies only
    reply_ids: list[str] = field(default_factory=list)  # for thread parents
    attachments: list[Attachment] = field(default_factory=list)
    permalink: str = ""
    origin: str = ""  # "paste.txt:12", "export:general/2024-12-03.json", "api:C123/ts"
    subtype: str = ""  # Slack subtype kept for filtering (channel_join, bot_message...)
    edited: bool = False
    reactions: dict[str, int] = field(default_factory=dict)
    # How far ``at`` can be trusted: "" exact, "approximate" ("~13:30"), "date-only" (a dated
    # note with no time: ``at`` is a placeholder on that day), "unknown" ("??:??": ``at`` is the
    # previous entry's time, kept only for ordering). Key times must not come from the last two.
    time_precision: str = ""

    @property
    def clocked(self) -> bool:
        """True when ``at`` holds a time someone wrote down, not a placeholder on its day."""
        return self.time_precision not in UNTIMED

    @property
    def is_reply(self) -> bool:
        """True when the message lives inside a thread (not the parent)."""
        return self.thread_id is not None and self.thread_id != self.id

    @property
    def is_system(self) -> bool:
        """Joins, leaves, topic changes: kept, but not conversation."""
        return self.subtype in SYSTEM_SUBTYPES


# Message.time_precision values whose ``at`` is a placeholder: a dated note with no clock, "??:??"
UNTIMED = frozenset({"date-only", "unknown"})

SYSTEM_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "group_join",
        "group_leave",
        "pinned_item",
        "unpinned_item",
        "bot_add",
        "bot_remove",
        "client_notice",  # an IRC client's or bouncer's own line: "-!- Irssi: #ops: Total of 9 nicks"
    }
)


@dataclass(slots=True)
class UnattributedLine:
    """Source text that could not be attached to any message; kept so nothing is lost."""

    origin: str
    text: str


@dataclass
class Transcript:
    """An incident channel, however it was loaded."""

    messages: list[Message]
    source: str  # "demo" | "transcript" | "slack-export" | "slack"
    source_ref: str = ""  # path, "-", or channel id
    channel: str = ""  # channel name without '#', or a title for pastes
    timezone: str = "UTC"  # IANA name used for display and for naive times
    channel_id: str = ""
    workspace_url: str = ""  # "https://acme.slack.com/" when known
    unattributed: list[UnattributedLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""  # detected paste format, or "slack-export" / "slack-api"
    # Author as shown -> the other names the source gives them ("Oliver Grant" -> ["olly"]).
    aliases: dict[str, list[str]] = field(default_factory=dict)
    # Message id -> its text before secrets were masked on load: in memory only, so the app can
    # reveal one line on purpose; never written (transcript_io lists the fields it saves).
    originals: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def index(self) -> dict[str, int]:
        """Message id -> position in ``messages``."""
        return {m.id: i for i, m in enumerate(self.messages)}

    def get(self, message_id: str) -> Message | None:
        """The message with this id, or None."""
        i = self.index.get(message_id)
        return None if i is None else self.messages[i]

    def __contains__(self, message_id: object) -> bool:
        return message_id in self.index

    def __len__(self) -> int:
        return len(self.messages)

    @property
    def thread_count(self) -> int:
        """Number of threads (parents with at least one reply)."""
        return sum(1 for m in self.messages if m.reply_ids)

    @property
    def first_at(self) -> datetime | None:
        """Timestamp of the earliest message."""
        return min((m.at for m in self.messages), default=None)

    @property
    def last_at(self) -> datetime | None:
        """Timestamp of the latest message."""
        return max((m.at for m in self.messages), default=None)

    def participants(self, include_bots: bool = False) -> list[tuple[str, int]]:
        """(name, message count) for every author, most active first; system messages excluded."""
        counts: dict[str, int] = {}
        for m in self.messages:
            if m.is_system or not m.author or (m.is_bot and not include_bots):
                continue  # timeline notes have no speaker: no participant named ""
            counts[m.author] = counts.get(m.author, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    def replies(self, parent_id: str) -> list[Message]:
        """Replies of a thread parent, in order."""
        parent = self.get(parent_id)
        if parent is None:
            return []
        return [m for rid in parent.reply_ids if (m := self.get(rid)) is not None]
