"""Follow the house style of the page tree we publish into: how year pages are named.

A team whose parent page holds ``2024`` and ``2025`` expects the new post-mortem under a page
called ``2026``, not under a new ``Post-mortems 2026`` beside them; one whose years read
``Incidents 2025 (Payments)`` expects ``Incidents 2026 (Payments)``. So the title of a year
page that does not exist yet is taken from the existing siblings' pattern (the most recent
year's, when they differ), unless the user set ``confluence.year_page_title`` explicitly.
Confluence titles are unique per space: when the patterned title is already used elsewhere in
the space (another team's bare ``2026``), the configured default is used instead.

Labels work the same way: the labels most of the recent post-mortems under the parent carry
(``postmortem``, ``sev2``-free team tags) are added to the new page, so it shows up in the same
label searches and reports. Labels are only ever added, never removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def year_pattern(titles: Iterable[str]) -> str | None:
    """The sibling year-page pattern with ``{year}`` in place of the year (the latest year's), or None."""
    best: tuple[int, str] | None = None
    for title in titles:
        found = YEAR.findall(title)
        if len(found) != 1:
            continue  # '[2024-12-03] Checkout errors' style post-mortem titles are not year pages
        match = YEAR.search(title)
        assert match is not None
        pattern = title[: match.start()] + "{year}" + title[match.end():]
        if re.search(r"\d", pattern.replace("{year}", "")) or len(pattern) > 60:
            continue  # a date or a number besides the year: a page about something else
        year = int(match.group(1))
        if best is None or year > best[0]:
            best = (year, pattern)
    return best[1] if best else None


def year_page_title(siblings: Iterable[str], year: int, configured: str, explicit: bool,
                    taken: Callable[[str], bool]) -> str:
    """The title for the year page of ``year`` under a parent whose children are ``siblings``.

    ``configured`` is ``confluence.year_page_title`` (with ``{year}``); ``explicit`` says the user
    set it; ``taken(title)`` says whether a page of that title exists elsewhere in the space.
    """
    default = configured.replace("{year}", str(year))
    if explicit:
        return default
    pattern = year_pattern(siblings)
    if pattern is None:
        return default
    candidate = pattern.replace("{year}", str(year))
    if candidate != default and taken(candidate):
        return default
    return candidate


RECENT = 5  # how many recent post-mortems set the house labels


def common_labels(label_sets: list[list[str]]) -> list[str]:
    """Labels carried by at least half of the pages (and by two, when there are two or more)."""
    if not label_sets:
        return []
    counts = Counter(label for labels in label_sets for label in dict.fromkeys(labels))
    need = max(1 if len(label_sets) == 1 else 2, -(-len(label_sets) // 2))
    return sorted(label for label, n in counts.items() if n >= need)


def house_labels(client: Any, parent_id: str, exclude: str = "") -> list[str]:
    """The labels most recent post-mortems under ``parent_id`` carry (year pages do not count)."""
    cql = f"type = page AND ancestor = {int(parent_id)} ORDER BY lastmodified DESC"
    found = client.cql(cql, limit=RECENT * 3) or {}
    label_sets: list[list[str]] = []
    for item in found.get("results", []) if isinstance(found, dict) else []:
        content = item.get("content") or {}
        page_id, title = str(content.get("id", "")), str(content.get("title") or item.get("title", ""))
        if not page_id or page_id == exclude or year_pattern([title]) is not None:
            continue
        labels = client.get_page_labels(page_id) or {}
        label_sets.append([str(r.get("name", "")) for r in labels.get("results", []) if isinstance(r, dict) and r.get("name")])
        if len(label_sets) == RECENT:
            break
    return common_labels(label_sets)


def apply_house_labels(client: Any, settings: Any, page_id: str) -> list[str]:
    """Add the house labels to ``page_id`` (those it lacks); returns the labels added."""
    from facilitator.publish.confluence import base_url, translate_errors

    url = base_url(settings)
    with translate_errors("Confluence", "read the labels of recent post-mortems", url, "check CONFLUENCE_TOKEN."):
        wanted = house_labels(client, settings.confluence.parent_page_id, exclude=page_id)
        if not wanted:
            return []
        current = client.get_page_labels(page_id) or {}
    have = {str(r.get("name", "")) for r in current.get("results", []) if isinstance(r, dict)}
    added = [label for label in wanted if label not in have]
    with translate_errors("Confluence", "label the page", url, "check CONFLUENCE_TOKEN."):
        for label in added:
            client.set_page_label(page_id, label)
    return added
