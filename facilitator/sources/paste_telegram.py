"""Telegram Desktop's chat export as JSON (``result.json``: "Export chat history", format JSON).

The export is one object: the chat's ``name`` and its ``messages``, each with an ``id``, a local
``date`` ("2026-06-30T23:36:29", the exporter's clock) and usually ``date_unixtime`` (the same
moment as a Unix time, which wins), ``from`` (the sender's display name) and ``from_id``
("user7741002913", "channel…"), and ``text``: a string, or a list of strings and entities
(``{"type": "link", "text": "https://…"}``). Service messages ("type": "service": someone joined,
the title changed) carry an ``actor`` and an ``action`` instead and are kept as system lines.
A reply names the message it answers in ``reply_to_message_id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from facilitator.config import zone_or_utc
from facilitator.sources.bot_names import is_bot_name
from facilitator.transcript import Message, Transcript


def telegram_export(text: str) -> tuple[str, list[Mapping[str, Any]]] | None:
    """(the chat's name, its messages), or None when the text is not a Telegram JSON export."""
    if text.lstrip()[:1] != "{" or '"from_id"' not in text and '"date_unixtime"' not in text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("messages"), list) or not data["messages"]:
        return None
    items = [m for m in data["messages"] if isinstance(m, Mapping) and ("date_unixtime" in m or "date" in m)]
    if len(items) < max(1, len(data["messages"]) // 2) or not any("from" in m or "from_id" in m for m in items):
        return None
    return str(data.get("name") or ""), items


def _text(value: Any) -> str:
    """A message's text: a string, or its parts joined (plain strings and entities' own text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v if isinstance(v, str) else str(v.get("text", "")) if isinstance(v, Mapping) else "" for v in value)
    return ""


def _moment(item: Mapping[str, Any], zone: Any) -> datetime | None:
    unix = item.get("date_unixtime")
    if unix is not None:
        try:
            return datetime.fromtimestamp(int(unix), timezone.utc).astimezone(zone)
        except (TypeError, ValueError, OverflowError, OSError):
            pass
    try:
        at = datetime.fromisoformat(str(item.get("date") or ""))
    except ValueError:
        return None
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def parse_telegram(name: str, items: list[Mapping[str, Any]], *, tz: str, origin: str) -> Transcript:
    """The chat's messages as a Transcript, in time order; service lines are system messages."""
    zone = zone_or_utc(tz)
    messages: list[Message] = []
    for number, item in enumerate(items, start=1):
        at = _moment(item, zone)
        if at is None:
            continue
        service = item.get("type") == "service"
        author = str(item.get("from") or item.get("actor") or "")
        sender = str(item.get("from_id") or item.get("actor_id") or author)
        text = _text(item.get("text"))
        if service:
            text = text or f"{author} {str(item.get('action') or '').replace('_', ' ')}".strip()
        reply = item.get("reply_to_message_id")
        messages.append(
            Message(
                id=f"tg{item.get('id', number)}",
                at=at,
                author="" if service else author,
                text=text,
                author_id=sender,
                is_bot=not service and (is_bot_name(author) or sender.startswith("bot")),
                thread_id=f"tg{reply}" if reply is not None else None,
                origin=f"{origin}:{number}",
                subtype="group_join" if service else "",
                edited="edited" in item,
            )
        )
    messages.sort(key=lambda m: m.at)
    return Transcript(messages=messages, source="transcript", channel=name, timezone=tz, format="telegram-json")
