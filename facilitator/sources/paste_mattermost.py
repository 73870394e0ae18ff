"""Mattermost's bulk export (JSON lines), pasted or saved to a file.

``mmctl export`` and the server's bulk export write one JSON object per line: a ``version``
line, ``user`` lines (username, first and last name) and ``post`` lines (``channel``, ``user``,
``message``, ``create_at`` in epoch milliseconds, ``replies`` nested under their post).
Direct messages come as ``direct_post``. People are named by their username, as Mattermost shows
them by default; a reply keeps its thread.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from facilitator.config import zone_or_utc
from facilitator.transcript import Message, Transcript

_POST_KINDS = ("post", "direct_post")


def mattermost_lines(text: str) -> list[Mapping[str, Any]] | None:
    """The export's objects, or None when the text is not a Mattermost bulk export."""
    if not text.lstrip().startswith("{"):
        return None
    objects: list[Mapping[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
            return None
        objects.append(item)
    if not any(o["type"] in _POST_KINDS for o in objects):
        return None
    return objects


def _moment(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def parse_mattermost(objects: list[Mapping[str, Any]], *, tz: str, origin: str) -> Transcript:
    """The export's posts and replies as a Transcript, in time order, threads kept."""
    zone = zone_or_utc(tz)
    bots = {
        str(o["user"].get("username", ""))
        for o in objects
        if o.get("type") == "user" and isinstance(o.get("user"), Mapping) and o["user"].get("is_bot")
    }
    messages: list[Message] = []
    channels: list[str] = []
    for number, obj in enumerate(objects, start=1):
        post = obj.get(obj["type"]) if obj["type"] in _POST_KINDS else None
        if not isinstance(post, Mapping):
            continue
        at = _moment(post.get("create_at"))
        if at is None:
            continue
        channel = str(post.get("channel") or "")
        if channel and channel not in channels:
            channels.append(channel)
        parent = _message(post, at, zone, f"mm{number}", None, bots, f"{origin}:{number}")
        messages.append(parent)
        for i, reply in enumerate(post.get("replies") or [], start=1):
            when = _moment(reply.get("create_at")) if isinstance(reply, Mapping) else None
            if when is None:
                continue
            child = _message(reply, when, zone, f"mm{number}.{i}", parent.id, bots, f"{origin}:{number}")
            parent.reply_ids.append(child.id)
            messages.append(child)
    messages.sort(key=lambda m: m.at)
    return Transcript(
        messages=messages,
        source="transcript",
        channel=channels[0] if len(channels) == 1 else "",
        timezone=tz,
        format="mattermost-export",
    )


def _message(
    post: Mapping[str, Any], at: datetime, zone, mid: str, thread: str | None, bots: set[str], origin: str
) -> Message:
    user = str(post.get("user") or "")
    reactions: dict[str, int] = {}
    for reaction in post.get("reactions") or []:
        if isinstance(reaction, Mapping) and reaction.get("emoji_name"):
            name = str(reaction["emoji_name"])
            reactions[name] = reactions.get(name, 0) + 1
    return Message(
        id=mid,
        at=at.astimezone(zone),
        author=user,
        text=str(post.get("message") or ""),
        author_id=user,
        is_bot=user in bots,
        thread_id=thread,
        origin=origin,
        reactions=reactions,
    )
