"""Follow the house style of the page tree we publish into: how year pages are named.

A team whose parent page holds ``2024`` and ``2025`` expects the new post-mortem under a page
called ``2026``, not under a new ``Post-mortems 2026`` beside them; one whose years read
``Incidents 2025 (Payments)`` expects ``Incidents 2026 (Payments)``. So the title of a year
page that does not exist yet is taken from the existing siblings' pattern (the most recent
year's, when they differ), unless the user set ``confluence.year_page_title`` explicitly.
Confluence titles are unique per space: when the patterned title is already used elsewhere in
the space (another team's bare ``2026``), the configured default is used instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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
