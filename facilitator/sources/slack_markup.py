"""Slack's message markup ("mrkdwn" control sequences) turned into text people read.

Slack stores mentions, channel links and URLs as angle-bracket sequences and escapes only
``&``, ``<`` and ``>`` (https://api.slack.com/reference/surfaces/formatting#escaping).
Both the export loader and the live fetcher pass every message through ``resolve``:

* ``<@U123>`` / ``<@U123|alice>``          -> ``@Alice Smith`` (name from the directory)
* ``<#C123|inc-1>`` / ``<#C123>``           -> ``#inc-1``
* ``<!here>``, ``<!channel>``, ``<!subteam^S1|@oncall>``, ``<!date^...|fallback>``
* ``<https://x|label>``                     -> ``label (https://x)`` so link finders still see the URL
* ``<https://x>`` / ``<mailto:a@b|a@b>``    -> ``https://x`` / ``a@b``
* ``&amp;`` ``&lt;`` ``&gt;``               -> ``&`` ``<`` ``>``

One compiled regex and one pass: a 20,000-message channel is resolved in milliseconds.
Sequences are matched before entities are unescaped, so an escaped ``&lt;@U1&gt;`` typed by a
person stays literal text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# A control sequence, or one of the three entities Slack escapes.
_TOKEN_RE = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _special(body: str, label: str | None) -> str:
    """``<!here>``, ``<!subteam^S1|@team>``, ``<!date^...|fallback>``."""
    parts = body.split("^")
    if parts[0] in ("here", "channel", "everyone"):
        return "@" + parts[0]
    if label:
        return label
    if parts[0] == "subteam" and len(parts) > 1:
        return "@" + parts[1]
    return "@" + parts[0]


def _link(target: str, label: str | None) -> str:
    """``<url|label>`` -> "label (url)"; mailto links show the address."""
    shown = target[len("mailto:") :] if target.startswith("mailto:") else target
    if not label:
        return shown
    bare = re.sub(r"^[a-z]+://", "", shown).rstrip("/")
    if label in (target, shown) or label.rstrip("/") == bare:
        return shown
    return f"{label} ({shown})"


def resolve(text: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """Slack markup in ``text`` resolved with ``users`` (id -> name) and ``channels`` (id -> name)."""
    if not text or ("<" not in text and "&" not in text):
        return text or ""

    def replace(match: re.Match[str]) -> str:
        entity = match.group(2)
        if entity is not None:
            return _ENTITIES[entity]
        inner = match.group(1)
        body, sep, label = inner.partition("|")
        label = _unescape(label) if sep else None
        if body.startswith("@"):
            uid = body[1:]
            name = users.get(uid) or (label.lstrip("@") if label else uid)
            return "@" + name
        if body.startswith("#"):
            cid = body[1:]
            return "#" + (label or channels.get(cid) or cid)
        if body.startswith("!"):
            return _special(body[1:], label)
        if not body:
            return match.group(0)
        return _link(_unescape(body), label)

    return _TOKEN_RE.sub(replace, text)


def mentioned_user_ids(text: str) -> list[str]:
    """User ids mentioned as ``<@U123>`` in raw Slack text (for resolving unknown people)."""
    return _MENTION_RE.findall(text) if text and "<@" in text else []
