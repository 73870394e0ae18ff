"""Channel notices in pasted chat: joins, leaves, topic changes, as each app words them.

A copy of a channel carries the app's notices between the messages: Slack's ``joined #inc-123.``
and ``was added to #inc-123 by Dana.``, IRC's ``-!- dana [~d@host] has joined #ops`` and
ZNC's ``*** Joins: dana (~d@host)``, Element's ``Dana joined the room``. They are kept as
system messages (``Message.subtype``), so they never count as conversation, and they say who
they are about.
"""

from __future__ import annotations

import re

# Slack writes the notice as the message text under the person's own header.
_SLACK_NOTICES = (
    (re.compile(r"^(?:has )?joined (?:#\S+|the channel)\.?$", re.IGNORECASE), "channel_join"),
    (re.compile(r"^was added to #\S+(?: by .{1,80})?\.?$", re.IGNORECASE), "channel_join"),
    (re.compile(r"^(?:has )?left (?:#\S+|the channel)\.?$", re.IGNORECASE), "channel_leave"),
    (re.compile(r"^was removed from #\S+(?: by .{1,80})?\.?$", re.IGNORECASE), "channel_leave"),
    (re.compile(r"^set the channel (?:topic|description)\b", re.IGNORECASE), "channel_topic"),
    (re.compile(r"^renamed the channel from\b", re.IGNORECASE), "channel_name"),
    (re.compile(r"^(?:pinned|un-?pinned) a message\b", re.IGNORECASE), "pinned_item"),
)
# A notice that names its subject first ("dana has joined #ops", "Dana Okafor joined the room")
# or after a label ("Joins: dana (~d@host)", ZNC's wording).
_LABELLED = re.compile(r"^(?P<label>Joins|Parts|Quits|Nick change):\s+(?P<who>[^\s(]+)", re.IGNORECASE)
_NAMED = re.compile(
    r"^(?P<who>\S(?:.{0,60}?\S)?)\s+(?:\[[^\]]*\]\s+|\([^)]*\)\s+)?"
    r"(?P<verb>(?:has )?joined (?:#|the (?:room|channel)\b)|"
    r"(?:was )?added to (?:#|the (?:room|channel)\b)|"
    r"(?:has )?left (?:#|the (?:room|channel)\b)|has quit\b|was kicked from #|is now known as |"
    r"(?:has )?changed the topic|set the topic|"
    r"changed their (?:display name|profile picture))",
    re.IGNORECASE,
)
_SUBTYPES = {"join": "channel_join", "added": "channel_join", "part": "channel_leave", "quit": "channel_leave",
             "left": "channel_leave", "kick": "channel_leave", "topic": "channel_topic"}


def slack_notice(text: str) -> str:
    """The system subtype of a Slack message whose whole text is a channel notice, else ''."""
    text = text.strip()
    if len(text) > 200 or "\n" in text:
        return ""
    for pattern, subtype in _SLACK_NOTICES:
        if pattern.match(text):
            return subtype
    return ""


def named_notice(text: str) -> tuple[str, str] | None:
    """(who, subtype) of a notice such as 'dana (~d@host) has joined #ops' or 'Joins: dana'; else None.

    The subtype is '' for notices that are neither a join, a leave nor a topic change (a nick
    change, a profile update): system lines all the same.
    """
    m = _LABELLED.match(text)
    if m is not None:
        return m.group("who"), _subtype(m.group("label"))
    m = _NAMED.match(text)
    if m is not None:
        return m.group("who").strip(), _subtype(m.group("verb"))
    return None


def _subtype(verb: str) -> str:
    low = verb.lower()
    for key, subtype in _SUBTYPES.items():
        if key in low:
            return subtype
    return ""
