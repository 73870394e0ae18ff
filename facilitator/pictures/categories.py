"""Categories of contributing factors for the cause diagram, and the offline suggestion of one.

The categories are data (``prompts/causes.toml``) so an organisation can use its own words
(technology / process / knowledge & communication / environment / third party by default,
all blameless). When a factor is added the interview offers the category whose keywords the
factor's text mentions most; the user decides, and the choice is stored on the factor
(``WhyTurn.category``). No keyword: the first category is offered.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from facilitator import resources
from facilitator.errors import UserError


@dataclass(frozen=True)
class Category:
    """One bone of the fishbone: a stable id, its label and the words that suggest it."""

    id: str
    name: str
    keywords: tuple[str, ...]


@lru_cache(maxsize=1)
def load_categories() -> tuple[Category, ...]:
    """The configured categories, in their order (shipped in ``prompts/causes.toml``)."""
    data = tomllib.loads(resources.read_text("causes.toml"))
    out = []
    for item in data.get("category", []):
        out.append(Category(str(item["id"]), str(item["name"]),
                            tuple(str(k).lower() for k in item.get("keywords", []))))
    if not out:
        raise UserError("prompts/causes.toml lists no [[category]]; add at least one.")
    return tuple(out)


def category_name(category_id: str) -> str:
    """The label of a category id ('' ids and unknown ids fall back to the first category)."""
    return resolve(category_id).name


def resolve(category_id: str) -> Category:
    """The category with this id or name (case-insensitive), else the first one."""
    wanted = category_id.strip().casefold()
    for cat in load_categories():
        if wanted in (cat.id.casefold(), cat.name.casefold()):
            return cat
    return load_categories()[0]


def find(category_id_or_name: str) -> Category | None:
    """The category with this id, name or name prefix (case-insensitive); None when none matches."""
    wanted = " ".join(category_id_or_name.split()).casefold()
    if not wanted:
        return None
    for cat in load_categories():
        if wanted in (cat.id.casefold(), cat.name.casefold()):
            return cat
    matches = [c for c in load_categories() if c.name.casefold().startswith(wanted) or c.id.startswith(wanted)]
    return matches[0] if len(matches) == 1 else None


def suggest_category(text: str) -> Category:
    """The category whose keywords ``text`` mentions most (ties: the earlier category).

    The first category is also the fallback, so its keywords count half and it loses ties: a
    factor that mentions two of its words and one of another category's belongs to the other one."""
    lowered = text.lower()
    cats = load_categories()
    best, best_score = cats[0], 0.0
    for cat in cats:
        score = 0.0
        for keyword in cat.keywords:
            # whole words, with simple endings: 'alert' matches 'alerts', 'load' does not match 'loader'
            if re.search(r"(?<![a-z0-9])" + re.escape(keyword) + r"(?:s|es|ed|d|ing)?(?![a-z0-9])", lowered):
                score += 1
        if cat is cats[0]:
            score /= 2  # the fallback wins only when its words clearly dominate
        if score > best_score or (score and score == best_score and best is cats[0]):
            best, best_score = cat, score
    return best
