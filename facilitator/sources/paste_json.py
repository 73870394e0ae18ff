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
    """The Slack message objects in a JSON text, or None when it is not Slack JSON.

    An export's day files pasted one after another, each under its file name
    ("inc-42/2014-03-19.json" then "[...]"), or gathered in one object keyed by file name
    ({"inc-42/2014-03-19.json": [...], ...}), are read as one channel; so are several channels
    exported in one object ({"channels": [{"name": "ops", "messages": [...]}, ...]}).
    """
    head = text.lstrip()[:1]
    if head not in ("[", "{"):
        documents = _day_files(text)
    else:
        try:
            documents = [json.loads(text)]
        except (ValueError, RecursionError):
            documents = _day_files(text)
    found: list[Mapping[str, Any]] = []
    for data in documents or []:
        if isinstance(data, Mapping):
            if "messages" in data:
                data = data.get("messages")
            elif isinstance(data.get("channels"), list):
                data = _channels(data["channels"])
            else:
                data = _keyed_day_files(data)
        if not isinstance(data, list):
            return None
        found.extend(m for m in _flatten(data) if "ts" in m and ("text" in m or "blocks" in m or "attachments" in m))
    return found or None


_LABEL_MAX = 120  # a file name or "==> day.json <==" line between two documents
_LABELS_MAX = 3  # label lines per document at most


def _day_files(text: str) -> list[Any] | None:
    """Several JSON documents with only short label lines around them, else None."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    pos, size, labels = 0, len(text), 0
    while pos < size:
        line_end = text.find("\n", pos)
        line_end = size if line_end < 0 else line_end
        line = text[pos:line_end].strip()
        if line[:1] in ("[", "{"):
            start = text.index(line[0], pos)
            try:
                data, end = decoder.raw_decode(text, start)
            except (ValueError, RecursionError):
                return None
            documents.append(data)
            pos = end
            continue
        labels = labels + 1 if line else labels
        comment = line.startswith(("//", "#", "/*"))  # "// Slack export, channel #ops: ..." above the JSON
        if (len(line) > _LABEL_MAX and not comment) or labels > _LABELS_MAX * (len(documents) + 1):
            return None  # prose around the JSON: a chat that quotes some, not an export
        pos = line_end + 1
    return documents or None


def _channels(channels: list[Any]) -> list[Any] | None:
    """The messages of several channels exported in one object ({"channels": [{"name": "ops",
    "messages": [...]}, ...]}), one after another (they are put in time order later); else None."""
    lists = [c["messages"] for c in channels if isinstance(c, Mapping) and isinstance(c.get("messages"), list)]
    return [message for found in lists for message in found] if lists else None


def _keyed_day_files(data: Mapping[str, Any]) -> list[Any] | None:
    """The messages of an object whose every value is a day file's list, in key order; else None."""
    if not data or not all(isinstance(value, list) for value in data.values()):
        return None
    return [message for key in sorted(data) for message in data[key]]


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
        elif isinstance(uid, str) and uid and isinstance(raw.get("user_name"), str) and raw["user_name"].strip():
            directory.names.setdefault(uid, raw["user_name"].strip())  # some exporters write "user_name" beside the id
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
