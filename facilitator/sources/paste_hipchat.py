"""HipChat's room history as JSON (the API's ``/room/{id}/history`` or an export's room file).

Each item has an ISO ``date``, a ``message`` and a ``from``: a person (``{"name": "Victor
Okafor", "mention_name": "VictorO"}``) or, for an integration's notification, just its name as a
string ("Nagios"). Items may be under ``"items"`` or a bare list. People are named by their full
name; their @mention name is kept as an alias so "@VictorO" in a message is the same person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from facilitator.config import zone_or_utc
from facilitator.transcript import Message, Transcript


def hipchat_items(text: str) -> list[Mapping[str, Any]] | None:
    """The history's items, or None when the text is not HipChat JSON."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, Mapping):
        data = data.get("items")
    if not isinstance(data, list) or not data:
        return None
    items = [i for i in data if isinstance(i, Mapping) and "date" in i and "from" in i and "message" in i]
    if len(items) < max(1, len(data) // 2):
        return None  # mostly something else: not a HipChat history
    return items


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def parse_hipchat(items: list[Mapping[str, Any]], *, tz: str, origin: str) -> Transcript:
    """The room's messages as a Transcript, in time order; notifications are bots' messages."""
    zone = zone_or_utc(tz)
    messages: list[Message] = []
    aliases: dict[str, list[str]] = {}
    for number, item in enumerate(items, start=1):
        at = _moment(item.get("date"))
        if at is None:
            continue
        sender = item.get("from")
        if isinstance(sender, Mapping):
            author = str(sender.get("name") or sender.get("mention_name") or "")
            handle = str(sender.get("mention_name") or "")
            if handle and author and handle != author and handle not in aliases.setdefault(author, []):
                aliases[author].append(handle)
            bot = False
        else:
            author, bot = str(sender or ""), True  # an integration posts under a plain name
        messages.append(
            Message(
                id=f"hc{number}",  # short, for citations ("msg hc12, 14:02"); HipChat's own ids are UUIDs
                at=at.astimezone(zone),
                author=author,
                text=str(item.get("message") or ""),
                author_id=author,
                is_bot=bot or item.get("type") == "notification",
                origin=f"{origin}:{number}",
            )
        )
    messages.sort(key=lambda m: m.at)
    return Transcript(messages=messages, source="transcript", timezone=tz, format="hipchat-json", aliases=aliases)
