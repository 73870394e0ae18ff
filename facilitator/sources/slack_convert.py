"""Raw Slack message dicts -> ``Message`` objects, shared by the export loader and the API fetcher.

An export's per-day files and the Web API's ``conversations.history``/``replies`` return the
same message objects, so one converter serves both and the two sources agree message for
message (the tests load one channel both ways and compare). The converter is pure: the
caller supplies the people/channel directory, the zone, the workspace URL and an origin per
message; no network, no files.

What it handles, because real channels contain all of it:

* subtypes: ``channel_join`` and other system events (kept, flagged by subtype),
  ``bot_message`` (name from ``username``, ``bot_profile`` or the first attachment),
  ``thread_broadcast`` (a reply also shown in the channel: kept once, as a reply),
  ``file_share`` and ``files`` on any message (-> ``Attachment``), ``message_changed``
  (the new text wins, marked edited), ``message_deleted`` and ``tombstone``
  ("This message was deleted.", kept so threads and citations stay whole);
* threads reassembled from ``thread_ts``: a parent lists ``reply_ids``, a reply has ``thread_id``;
* legacy attachments (alerts from monitoring bots often carry all their text there) and
  Block Kit text when the plain ``text`` is empty, so nothing the channel showed is lost;
* permalinks built from the workspace URL instead of a ``chat.getPermalink`` call per message.

Entries without a usable ``ts`` cannot be addressed; they are kept as unattributed lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from facilitator.sources.slack_markup import mentioned_user_ids, resolve
from facilitator.transcript import Attachment, Message, UnattributedLine

DELETED_TEXT = "This message was deleted."
UNAVAILABLE_FILE = "(file no longer available)"


@dataclass(slots=True)
class Directory:
    """Who is who: user id -> display name, which ids are bots, channel id -> name.

    ``handles`` keeps the other names a person goes by (display name, handle) beside the one shown.
    """

    names: dict[str, str] = field(default_factory=lambda: {"USLACKBOT": "Slackbot"})
    handles: dict[str, list[str]] = field(default_factory=dict)
    bots: set[str] = field(default_factory=lambda: {"USLACKBOT"})
    channels: dict[str, str] = field(default_factory=dict)

    def add_user(self, user: Mapping[str, Any]) -> None:
        """Record one Slack user object (from users.json, users.list or users.info)."""
        uid = user.get("id")
        if not uid:
            return
        self.names[uid] = user_name(user)
        self.add_handles(uid, user.get("profile") or {}, user)
        if user.get("is_bot") or uid == "USLACKBOT":
            self.bots.add(uid)

    def add_handles(self, uid: str, *sources: Mapping[str, Any]) -> None:
        """Record the display names and handles ``uid`` goes by, other than the name shown."""
        shown = self.names.get(uid, "").casefold()
        found = self.handles.setdefault(uid, [])
        for source in sources:
            for key in ("display_name", "name", "real_name"):
                value = source.get(key)
                if isinstance(value, str) and value.strip() and value.strip().casefold() != shown and value.strip() not in found:
                    found.append(value.strip())

    def aliases(self, messages: Iterable[Message]) -> dict[str, list[str]]:
        """Each author's other names, for the authors of ``messages`` that have any."""
        out: dict[str, list[str]] = {}
        for message in messages:
            other = self.handles.get(message.author_id)
            if other and message.author not in out:
                out[message.author] = list(other)
        return out

    @classmethod
    def build(cls, users: Iterable[Mapping[str, Any]], channels: Iterable[Mapping[str, Any]] = ()) -> Directory:
        """A directory from Slack user objects and channel objects."""
        directory = cls()
        for user in users:
            if isinstance(user, Mapping):
                directory.add_user(user)
        for channel in channels:
            if isinstance(channel, Mapping) and channel.get("id"):
                directory.channels[channel["id"]] = channel.get("name") or channel["id"]
        return directory


def user_name(user: Mapping[str, Any]) -> str:
    """The name people read: the full name when set, else the display name, else the handle."""
    profile = user.get("profile") or {}
    return (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or user.get("id")
        or "unknown"
    ).strip()


@dataclass(slots=True)
class Converted:
    """The result of a conversion: messages in order, plus what could not be addressed."""

    messages: list[Message]
    unattributed: list[UnattributedLine]
    warnings: list[str]
    aliases: dict[str, list[str]] = field(default_factory=dict)  # author -> other names they go by


def parse_ts(ts: str, zone: ZoneInfo) -> datetime:
    """A Slack ``ts`` ("1701600000.000100") as an aware datetime, exact to the microsecond."""
    seconds, _, fraction = ts.partition(".")
    at = datetime.fromtimestamp(int(seconds), zone)
    return at.replace(microsecond=int((fraction[:6] or "0").ljust(6, "0")))


def permalink(workspace_url: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """The web permalink Slack itself would give for a message (no API call)."""
    if not workspace_url or not channel_id:
        return ""
    base = workspace_url if workspace_url.endswith("/") else workspace_url + "/"
    link = f"{base}archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def strip_token_query(url: str) -> str:
    """Drop ``t=`` token parameters that exports put on file URLs (they must never be stored)."""
    if not url or "?" not in url:
        return url or ""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def referenced_user_ids(raws: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every user id a batch of raw messages names as author or mention."""
    ids: set[str] = set()
    for raw in raws:
        if not isinstance(raw, Mapping):
            continue
        inner = raw.get("message") if raw.get("subtype") == "message_changed" else raw
        if not isinstance(inner, Mapping):
            continue
        if inner.get("user"):
            ids.add(inner["user"])
        ids.update(mentioned_user_ids(inner.get("text") or ""))
    return ids


def _attachment_text(att: Mapping[str, Any], directory: Directory, shown: str) -> str:
    """The readable text of a legacy attachment (alerts, unfurls, shared messages), minus what ``shown`` has."""
    parts: list[str] = []
    for key in ("pretext", "author_name", "title"):
        if att.get(key):
            parts.append(str(att[key]))
    if att.get("title_link"):
        parts.append(str(att["title_link"]))
    if att.get("text"):
        parts.append(str(att["text"]))
    for fld in att.get("fields") or []:
        if isinstance(fld, Mapping) and (fld.get("title") or fld.get("value")):
            parts.append(f"{fld.get('title', '')}: {fld.get('value', '')}".strip(": "))
    if not parts and att.get("fallback"):
        parts.append(str(att["fallback"]))
    resolved = (resolve(p, directory.names, directory.channels).strip() for p in parts)
    return "\n".join(p for p in dict.fromkeys(resolved) if p and p not in shown)


def _block_text(blocks: Iterable[Any]) -> str:
    """Plain text of Block Kit blocks, for messages whose ``text`` is empty."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            kind = node.get("type")
            if kind in ("text", "mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                out.append(node["text"])
            elif kind == "link" and node.get("url"):
                out.append(node.get("text") and f"{node['text']} ({node['url']})" or node["url"])
            elif kind == "user" and node.get("user_id"):
                out.append(f"<@{node['user_id']}>")
            elif kind == "channel" and node.get("channel_id"):
                out.append(f"<#{node['channel_id']}>")
            for key in ("elements", "text", "fields"):
                child = node.get(key)
                if isinstance(child, (list, Mapping)):
                    walk(child)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(blocks))
    return "".join(out).strip()


def _files(raw: Mapping[str, Any]) -> list[Attachment]:
    files = []
    for f in raw.get("files") or []:
        if not isinstance(f, Mapping):
            continue
        if f.get("mode") in ("tombstone", "hidden_by_limit"):
            files.append(Attachment(name=UNAVAILABLE_FILE, id=f.get("id", "")))
            continue
        url = f.get("url_private_download") or f.get("url_private") or f.get("permalink") or ""
        files.append(
            Attachment(
                name=f.get("name") or f.get("title") or f.get("id", "file"),
                mimetype=f.get("mimetype") or "",
                url=strip_token_query(url),
                size=f.get("size") if isinstance(f.get("size"), int) else None,
                id=f.get("id", ""),
            )
        )
    return files


def _author(raw: Mapping[str, Any], directory: Directory) -> tuple[str, str, bool]:
    """(author id, name, is_bot) for a raw message."""
    user = raw.get("user") or ""
    bot_id = raw.get("bot_id") or ""
    profile = raw.get("bot_profile") or {}
    if raw.get("subtype") == "bot_message" or (not user and bot_id):
        atts = raw.get("attachments") or [{}]
        first = atts[0] if isinstance(atts[0], Mapping) else {}
        name = (
            raw.get("username")
            or profile.get("name")
            or first.get("author_name")
            or directory.names.get(bot_id)
            or bot_id
            or "bot"
        )
        return bot_id or user, name, True
    if not user:
        return "", raw.get("username") or "unknown", False
    user_profile = raw.get("user_profile") or {}
    name = (
        directory.names.get(user)
        or user_profile.get("real_name")
        or user_profile.get("display_name")
        or raw.get("username")
        or user
    )
    return user, name, user in directory.bots or bool(profile)


def convert_message(
    raw: Mapping[str, Any],
    origin: str,
    directory: Directory,
    zone: ZoneInfo,
    channel_id: str = "",
    workspace_url: str = "",
) -> Message:
    """One raw Slack message (with a valid ``ts``) as a ``Message``."""
    ts = raw["ts"]
    subtype = raw.get("subtype") or ""
    thread_ts = raw.get("thread_ts") if _valid_ts(raw.get("thread_ts")) else None
    author_id, author, is_bot = _author(raw, directory)
    if subtype == "tombstone":
        text = DELETED_TEXT
    else:
        text = resolve(raw.get("text") or "", directory.names, directory.channels)
        if not text and raw.get("blocks"):
            text = resolve(_block_text(raw["blocks"]), directory.names, directory.channels)
        extra = []
        for att in raw.get("attachments") or []:
            if isinstance(att, Mapping) and (more := _attachment_text(att, directory, text)):
                extra.append(more)
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
    reactions = {
        r["name"]: int(r.get("count") or len(r.get("users") or []))
        for r in raw.get("reactions") or []
        if isinstance(r, Mapping) and r.get("name")
    }
    return Message(
        id=ts,
        at=parse_ts(ts, zone),
        author=author,
        text=text,
        author_id=author_id,
        is_bot=is_bot,
        thread_id=thread_ts if thread_ts and thread_ts != ts else None,
        attachments=_files(raw),
        permalink=permalink(workspace_url, channel_id, ts, thread_ts),
        origin=origin,
        subtype=subtype,
        edited=bool(raw.get("edited")),
        reactions=reactions,
    )


def _valid_ts(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    seconds, _, fraction = value.partition(".")
    # Past year 9999 a datetime cannot hold it: treat such a ts as damaged, not as a crash.
    return seconds.isdigit() and len(seconds) <= 11 and int(seconds) < 253402300800 and (not fraction or fraction.isdigit())


def convert(
    raws: Iterable[tuple[Mapping[str, Any], str]],
    directory: Directory,
    tz: str,
    channel_id: str = "",
    workspace_url: str = "",
) -> Converted:
    """(raw message, origin) pairs -> messages in time order with threads reassembled."""
    zone = ZoneInfo(tz)
    by_id: dict[str, Message] = {}
    unattributed: list[UnattributedLine] = []
    warnings: list[str] = []
    damaged: list[str] = []

    def keep(raw: Mapping[str, Any], origin: str, replace: bool = False) -> Message | None:
        ts = raw.get("ts")
        if not _valid_ts(ts):
            unattributed.append(UnattributedLine(origin=origin, text=_dump(raw)))
            return None
        key = ts
        if ts in by_id and not replace:
            known = by_id[ts]
            if not raw.get("user") or raw.get("user") == known.author_id or (raw.get("text") or "") == known.text:
                return known  # the same message listed twice (a thread parent in history and in replies)
            key = f"{ts}~{raw.get('user')}"  # a hand-made or merged log giving two people one stamp: both spoke
            if key in by_id:
                return by_id[key]
        try:
            message = convert_message(raw, origin, directory, zone, channel_id, workspace_url)
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
            # A field of the wrong shape (a hand-edited or third-party export): keep the raw
            # text for the record and go on, rather than lose the whole channel.
            unattributed.append(UnattributedLine(origin=origin, text=_dump(raw)))
            damaged.append(origin)
            return None
        if key != ts:
            message.id = key
        by_id[key] = message
        return message

    for raw, origin in raws:
        if not isinstance(raw, Mapping):
            unattributed.append(UnattributedLine(origin=origin, text=_dump(raw)))
            continue
        subtype = raw.get("subtype")
        if subtype == "message_changed" and isinstance(raw.get("message"), Mapping):
            message = keep(raw["message"], origin, replace=True)
            if message is not None:
                message.edited = True
        elif subtype == "message_deleted":
            deleted = raw.get("deleted_ts") or (raw.get("previous_message") or {}).get("ts")
            if deleted in by_id:
                old = by_id[deleted]
                old.text, old.subtype, old.attachments = DELETED_TEXT, "tombstone", []
            elif _valid_ts(deleted):
                stub = {**(raw.get("previous_message") or {}), "ts": deleted, "subtype": "tombstone"}
                keep(stub, origin, replace=True)
        elif subtype == "message_replied" and isinstance(raw.get("message"), Mapping):
            keep(raw["message"], origin)
        else:
            keep(raw, origin)

    messages = sorted(by_id.values(), key=lambda m: (m.at, m.id))
    orphans = 0
    for message in messages:  # time order, so reply_ids come out sorted
        if message.thread_id is None:
            continue
        parent = by_id.get(message.thread_id)
        if parent is None:
            orphans += 1
            message.thread_id = None
        else:
            parent.reply_ids.append(message.id)
    if damaged:
        warnings.append(f"{len(damaged)} message{'s' if len(damaged) > 1 else ''} with fields of an unexpected shape "
            f"(first in {damaged[0]}) set aside.")
    if orphans:
        warnings.append(f"{orphans} thread replies whose parent message is missing were kept as channel messages.")
    return Converted(messages=messages, unattributed=unattributed, warnings=warnings, aliases=directory.aliases(messages))


def _dump(raw: Any) -> str:
    try:
        return json.dumps(raw, ensure_ascii=False, sort_keys=True)[:2000]
    except (TypeError, ValueError):
        return repr(raw)[:2000]
