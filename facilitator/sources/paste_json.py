"""Slack messages as JSON, pasted or saved to a file: the shapes tools write them in.

The Web API (``conversations.history``), slackdump and most "export this channel" scripts
write either a bare array of Slack message objects (``user``, ``ts``, ``text``) or an object
holding them under ``messages``; some nest a thread's replies under its parent
(``replies`` as message objects). Messages often carry ``user_profile`` (real and display
name) where no ``users.json`` exists, so those names are the directory here: authors and
``<@U123>`` mentions read as people's names, not ids.

The conversion itself is the Slack export's (``slack_convert.convert``), so a channel reads
the same whichever way it arrived.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from facilitator.sources.slack_convert import Directory, convert
from facilitator.transcript import Transcript


def slack_messages(text: str) -> list[Mapping[str, Any]] | None:
    """The Slack message objects in a JSON text, or None when it is not Slack JSON."""
    head = text.lstrip()[:1]
    if head not in ("[", "{"):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, Mapping):
        data = data.get("messages")
    if not isinstance(data, list):
        return None
    messages = [m for m in _flatten(data) if "ts" in m and ("text" in m or "blocks" in m or "attachments" in m)]
    return messages or None


def _flatten(items: list[Any]) -> Iterator[Mapping[str, Any]]:
    for item in items:
        if not isinstance(item, Mapping):
            continue
        ts = item.get("ts")
        if isinstance(ts, (int, float)) and not isinstance(ts, bool):
            item = {**item, "ts": f"{ts:.6f}"}  # some tools write the ts as a number
        yield item
        replies = item.get("replies")
        if isinstance(replies, list) and any(isinstance(r, Mapping) and "text" in r for r in replies):
            yield from _flatten(replies)


def _directory(messages: list[Mapping[str, Any]]) -> Directory:
    directory = Directory()
    for raw in messages:
        uid, profile = raw.get("user"), raw.get("user_profile")
        if isinstance(uid, str) and uid and isinstance(profile, Mapping):
            name = (profile.get("real_name") or profile.get("display_name") or profile.get("name") or "").strip()
            if name and uid not in directory.names:
                directory.names[uid] = name
            if uid in directory.names:
                directory.add_handles(uid, profile)  # a later message may carry a name the first did not
        if raw.get("bot_id") and isinstance(uid, str) and uid:
            directory.bots.add(uid)
    return directory


def parse_slack_json(messages: list[Mapping[str, Any]], *, tz: str, origin: str) -> Transcript:
    """Slack message objects (see ``slack_messages``) as a Transcript, threads reassembled."""
    converted = convert(((m, origin) for m in messages), _directory(messages), tz=tz)
    return Transcript(
        messages=converted.messages,
        source="transcript",
        timezone=tz,
        unattributed=converted.unattributed,
        aliases=converted.aliases,
        warnings=converted.warnings,
        format="slack-json",
    )
