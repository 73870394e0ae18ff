"""Display-text helpers for the document model: durations, short lines, chat noise, link labels.

Kept apart from ``model.py`` (which decides what goes where) so the small, well-tested rules
about how a piece of chat text reads in a document live in one place.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from facilitator.extract.written import EMOJI_CODE_RE as EMOJI_CODE

if TYPE_CHECKING:
    from facilitator.findings import SupportTicket


def format_duration(delta: timedelta | None) -> str:
    """'2 h 14 min', '45 min', '3 d 2 h'; empty for None or negative."""
    if delta is None or delta.total_seconds() < 0:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts[:2])


def shorten(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def support_lines(tickets: list[SupportTicket]) -> list[str]:
    """Support requests as Markdown: '[#88412](url): summary', a summary shown once."""
    out: list[str] = []
    seen: set[str] = set()
    for t in tickets:
        url = t.url or (t.ref if t.ref.startswith("http") else "")
        label = t.ref if not t.ref.startswith("http") else "#" + t.ref.rstrip("/").rsplit("/", 1)[-1]
        text = f"[{label}]({url})" if url else label
        summary = shorten(display(t.summary), 80) if t.summary else ""
        if re.search(r"#\d+|https?://|\(\w[\w-]*\.[\w.-]+\)", summary):
            summary = ""  # a message listing tickets says nothing the links don't
        if summary and summary not in seen:
            seen.add(summary)
            text += f": {summary}"
        out.append(text)
    return out


def display(text: str) -> str:
    """Chat text as a document shows it: Slack emoji codes (':rotating_light:') dropped."""
    return " ".join(EMOJI_CODE.sub("", text).split())


def dedupe(items: list[str], limit: int | None = None) -> list[str]:
    """Items without repeats (ignoring case, spacing and end punctuation), first ``limit`` kept."""
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        key = " ".join(item.casefold().split()).rstrip(".!;,")
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out[:limit] if limit else out


def link_label(label: str, url: str, ambiguous: bool) -> str:
    """The link's own label when it says which one ('PR #881'); for a generic or repeated label
    ('dashboard' five times) also where it points: 'dashboard: app.datadoghq.com/monitors/812'."""
    where = shorten(re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I).split("?")[0].split("#")[0].rstrip("/"), 70)
    if not label or label == url:
        return where
    generic = not re.search(r"\d", label) and len(label) <= 12
    return f"{label}: {where}" if ambiguous or generic else label


def sentence(text: str) -> str:
    """One line ending in a full stop, so fragments join into prose."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."
