"""Learning across post-mortems: review a whole tree or folder, remember what was read.

``facilitator review --confluence-tree PARENT`` (or a folder of Markdown files) reviews every
post-mortem and writes one summary: per document its blockers; across documents the
durations over time, the causes that recur, the action categories and the actions still
open. What each document said is kept in a small JSON cache in the data directory, keyed by
page (or file) with its version (or size and modification time), so a second run re-reads
only what changed, and the interview can answer "has this happened before?" offline from it.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from facilitator.review.checks import DURATIONS, Review, root_cause_text

CACHE_FILE = "review-history.json"
CACHE_FORMAT = 1

# Words too common in post-mortems to say anything about a cause.
_STOP = frozenset(
    """the and for was were that with this from into when which while have has had not but are our its
    their they them than then there these those what also been being because after before during about
    over under again more most some such only very just each other both same root cause causes caused
    incident outage issue issues error errors failure failed problem problems service services system
    systems team users user customers customer time request requests data change changes which would could
    should will can did does done make made using used use new old one two three all any per via""".split()
)


@dataclass
class Entry:
    """What one reviewed post-mortem said, as remembered between runs."""

    key: str  # "confluence:<base>/<page id>" or "file:<absolute path>"
    stamp: str  # page version, or file size and mtime: unchanged stamp = nothing to re-read
    title: str
    url: str = ""
    date: str = ""  # YYYY-MM-DD when the document states it
    root_cause: str = ""
    durations: dict[str, int] = field(default_factory=dict)  # minutes
    categories: list[str] = field(default_factory=list)
    open_actions: list[dict[str, str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)  # "line 12: problem"
    warnings: int = 0
    is_postmortem: bool = True

    @classmethod
    def from_review(cls, key: str, stamp: str, review: Review) -> Entry:
        """The entry for a fresh review."""
        doc, facts = review.document, review.facts
        parts = len(doc.parts)
        return cls(
            key=key, stamp=stamp, title=doc.title, url=doc.source if doc.page_id else "",
            date=facts.day.isoformat() if facts.day else "",
            root_cause=root_cause_text(doc),
            durations={k: round(v.total_seconds() / 60) for k, v in review.durations().items()},
            categories=sorted({a.category for a in facts.actions if a.category}),
            open_actions=[
                {"text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else "", "ticket": a.ticket, "status": a.status}
                for a in facts.actions if a.is_open
            ],
            blockers=[f"line {f.line}: {f.problem}" if f.line else f.problem for f in review.blockers],
            warnings=len(review.findings) - len(review.blockers),
            is_postmortem=parts >= 2,
        )


class History:
    """The cache of reviewed post-mortems (a JSON file written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get("format") == CACHE_FORMAT:
            for raw in data.get("entries", []):
                try:
                    entry = Entry(**raw)
                except TypeError:
                    continue  # written by another version: re-read it
                self.entries[entry.key] = entry

    @classmethod
    def default(cls) -> History:
        """The history in the user's data directory (FACILITATOR_DATA_DIR in tests)."""
        from facilitator.config import data_dir

        return cls(data_dir() / CACHE_FILE)

    def fresh(self, key: str, stamp: str) -> Entry | None:
        """The remembered entry when its stamp still matches."""
        entry = self.entries.get(key)
        return entry if entry is not None and entry.stamp == stamp else None

    def save(self) -> None:
        """Write the cache atomically (a crash leaves the previous one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": CACHE_FORMAT, "entries": [vars(e) for e in self.entries.values()]}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".history-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)


@dataclass
class TreeSummary:
    """The review of many post-mortems."""

    entries: list[Entry]
    fetched: int  # documents read this run (the rest came from the cache)
    skipped: list[str] = field(default_factory=list)  # titles that are not post-mortems

    @property
    def postmortems(self) -> list[Entry]:
        """Entries that are post-mortems, oldest first."""
        return sorted((e for e in self.entries if e.is_postmortem), key=lambda e: (e.date or "9999", e.title))

    def duration_stats(self) -> dict[str, dict[str, float]]:
        """Median, best and worst of each named duration (minutes) over the documents that state it."""
        out: dict[str, dict[str, float]] = {}
        for key, *_ in DURATIONS:
            values = [e.durations[key] for e in self.postmortems if key in e.durations]
            if values:
                out[key] = {"count": len(values), "median": statistics.median(values), "min": min(values), "max": max(values)}
        return out

    def recurring_causes(self, min_docs: int = 2, limit: int = 8) -> list[tuple[str, list[str]]]:
        """Terms (words and word pairs) found in the root causes of at least ``min_docs`` documents."""
        seen: dict[str, set[str]] = {}
        for entry in self.postmortems:
            for term in _terms(entry.root_cause, stem=False):  # shown to people: the words as written
                seen.setdefault(term, set()).add(entry.title)
        ranked = [(t, sorted(d)) for t, d in seen.items() if len(d) >= min_docs]
        # A pair wins over its own words when it is as common ("connection pool" over "pool").
        ranked.sort(key=lambda td: (-len(td[1]), -len(td[0].split()), td[0]))
        out: list[tuple[str, list[str]]] = []
        for term, docs in ranked:
            if any(term in kept.split() and docs == kept_docs for kept, kept_docs in out):
                continue
            out.append((term, docs))
        return out[:limit]

    def categories(self) -> Counter[str]:
        """How many documents have an action in each category."""
        return Counter(c for e in self.postmortems for c in e.categories)

    def open_actions(self) -> list[tuple[Entry, dict[str, str]]]:
        """Action items not marked done, with their document."""
        return [(e, a) for e in self.postmortems for a in e.open_actions]

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return {
            "documents": [vars(e) for e in self.postmortems],
            "skipped": self.skipped,
            "fetched": self.fetched,
            "durations_minutes": self.duration_stats(),
            "recurring_causes": [{"term": t, "documents": d} for t, d in self.recurring_causes()],
            "categories": dict(self.categories()),
            "open_actions": [{"document": e.title, **a} for e, a in self.open_actions()],
        }


def _stem(word: str) -> str:
    """A light stem, so "exhausted" and "exhaustion" meet."""
    for suffix in ("ation", "ion", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _terms(text: str, stem: bool = True) -> set[str]:
    words = [w for w in re.findall(r"[a-z][a-z0-9_-]{2,}", text.lower()) if w not in _STOP]
    if stem:
        words = [_stem(w) for w in words]
    terms = set(words)
    terms.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return terms


Progress = Callable[[int, int, str], None]


def review_many(
    items: Iterable[tuple[str, str, Callable[[], Review], str]],
    history: History,
    total: int,
    progress: Progress | None = None,
) -> TreeSummary:
    """Review each (key, stamp, read, title), reading only those whose stamp changed."""
    entries: list[Entry] = []
    fetched = 0
    skipped: list[str] = []
    for n, (key, stamp, read, title) in enumerate(items, start=1):
        if progress is not None:
            progress(n, total, title)
        entry = history.fresh(key, stamp)
        if entry is None:
            entry = Entry.from_review(key, stamp, read())
            history.entries[key] = entry
            fetched += 1
        if entry.is_postmortem:
            entries.append(entry)
        else:
            skipped.append(entry.title)
    history.save()
    return TreeSummary(entries=entries, fetched=fetched, skipped=skipped)


def similar_postmortems(text: str, history: History | None = None, limit: int = 3, minimum: float = 0.08) -> list[tuple[Entry, float]]:
    """Past post-mortems most like ``text`` (a title and cause), by tf-idf cosine over their terms."""
    history = history or History.default()
    docs = [e for e in history.entries.values() if e.is_postmortem]
    if not docs:
        return []
    query = _terms(text)
    if not query:
        return []
    vectors = [_terms(f"{e.title} {e.root_cause}") for e in docs]
    df = Counter(t for v in vectors for t in v)
    n = len(docs)

    def weight(term: str) -> float:
        return math.log((n + 1) / (df.get(term, 0) + 0.5))

    # Query terms no past document holds cannot match anything; they do not dilute the score.
    q_norm = math.sqrt(sum(weight(t) ** 2 for t in query if t in df)) or 1.0
    scored = []
    for entry, vec in zip(docs, vectors, strict=True):
        shared = query & vec
        if not shared:
            continue
        d_norm = math.sqrt(sum(weight(t) ** 2 for t in vec)) or 1.0
        score = sum(weight(t) ** 2 for t in shared) / (q_norm * d_norm)
        if score >= minimum:
            scored.append((entry, score))
    scored.sort(key=lambda es: -es[1])
    return scored[:limit]


def past_incidents(text: str, limit: int = 3) -> list[str]:
    """'Title (date, url): root cause' of the past post-mortems most like ``text``, from the local cache."""
    if not text.strip():
        return []
    history = _cached_history()
    if history is None:
        return []
    out = []
    for entry, _score in similar_postmortems(text, history, limit):
        where = ", ".join(x for x in (entry.date, entry.url) if x)
        cause = f": {entry.root_cause[:140]}" if entry.root_cause else ""
        out.append(f"{entry.title}" + (f" ({where})" if where else "") + cause)
    return out


_LOADED: dict[tuple[str, int], History] = {}


def _cached_history() -> History | None:
    """The default history, read again only when the file changed (suggestions ask often)."""
    from facilitator.config import data_dir

    path = data_dir() / CACHE_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), stamp)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = History(path)
    return _LOADED[key]


def minutes_text(minutes: float) -> str:
    """Minutes as the documents write durations."""
    from facilitator.render.text import format_duration

    return format_duration(timedelta(minutes=minutes))
