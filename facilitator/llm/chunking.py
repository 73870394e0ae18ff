"""Channels larger than the context budget: map-reduce summaries that keep their citations.

Instead of failing on a 20,000-message channel, the condensed lines are cut into chunks (on
line boundaries, each chunk re-stating the current date line), each chunk is summarised by
the bulk model into short time-ordered lines that end with the aliases they rest on
(``[m12, m14]``), and the summaries are merged until the digest fits. The digest then takes
the transcript's place in the cached prefix, labelled as a digest. Citations in summaries
are filtered against the alias map, so an invented id never reaches a later step, and the
summaries are defused like channel text (a summary of an injection attempt is still data).
"""

from __future__ import annotations

import asyncio
import math
import re
from typing import TYPE_CHECKING

from facilitator.llm.condense import Condensed, defuse
from facilitator.session import LLMUsage

if TYPE_CHECKING:
    from facilitator.llm.core import LLM

SYSTEM_OVERHEAD = 800  # rules + tools, in tokens, on top of the fenced text
MAP_LINES = 60
REDUCE_LINES = 150
PARALLEL = 4
_CITE_RE = re.compile(r"\[([^\[\]]*)\]")
_ID_RE = re.compile(r"\bm\d+\b")


def estimate_tokens(text: str) -> int:
    """Rough token count (characters / 4); exact counts come from the API when it matters."""
    return math.ceil(len(text) / 4)


def split_lines(text: str, max_tokens: int) -> list[str]:
    """Cut condensed text into chunks under ``max_tokens``, on line boundaries."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    day = ""
    for line in text.split("\n"):
        if line.startswith("--- "):
            day = line
        cost = estimate_tokens(line) + 1
        if current and size + cost > max_tokens:
            chunks.append("\n".join(current))
            current = [day] if day and not line.startswith("--- ") else []
            size = sum(estimate_tokens(x) + 1 for x in current)
        current.append(line)
        size += cost
    if current:
        chunks.append("\n".join(current))
    return chunks


def keep_known_citations(summary: str, aliases: dict[str, str]) -> str:
    """Remove cited ids that are not in the transcript from every ``[...]`` group."""

    def fix(match: re.Match[str]) -> str:
        ids = _ID_RE.findall(match.group(1))
        if not ids:
            return match.group(0)
        known = [i for i in ids if i in aliases]
        return f"[{', '.join(known)}]" if known else ""

    return _CITE_RE.sub(fix, summary)


async def digest_if_needed(llm: LLM, condensed: Condensed, usage: LLMUsage | None, force: bool = False) -> Condensed:
    """``condensed`` unchanged when it fits the budget, else a cited digest of it."""
    from facilitator.llm.core import render

    budget = llm.settings.llm.context_budget_tokens
    estimate = estimate_tokens(condensed.fenced()) + SYSTEM_OVERHEAD
    if not force and estimate <= budget:
        return condensed
    if not force and estimate <= budget * 1.25:
        exact = await llm.count_tokens(render("system.md", nonce=condensed.nonce), condensed.fenced())
        if exact is not None and exact + SYSTEM_OVERHEAD <= budget:
            return condensed
    chunk_tokens = max(2_000, min(budget // 2, 100_000))
    nonce = condensed.nonce
    semaphore = asyncio.Semaphore(PARALLEL)

    async def summarise(part: str, template: str, max_lines: int) -> str:
        async with semaphore:
            system = render(template, nonce=nonce, max_lines=max_lines)
            fenced = f"<transcript-{nonce}>\n{part}\n</transcript-{nonce}>"
            text = await llm.summarise(system, fenced, usage)
        return defuse(keep_known_citations(text, condensed.aliases), nonce)

    parts = split_lines(condensed.text, chunk_tokens)
    summaries = list(await asyncio.gather(*(summarise(p, "chunk_summary.md", MAP_LINES) for p in parts)))
    digest = "\n".join(summaries)
    rounds = 0
    while estimate_tokens(digest) > budget // 2 and len(summaries) > 1 and rounds < 4:
        groups = split_lines(digest, chunk_tokens)
        summaries = list(await asyncio.gather(*(summarise(g, "chunk_reduce.md", REDUCE_LINES) for g in groups)))
        digest = "\n".join(summaries)
        rounds += 1
    return Condensed(
        text=digest,
        nonce=nonce,
        aliases=condensed.aliases,
        kept=condensed.kept,
        dropped=condensed.dropped,
        trimmed=condensed.trimmed,
        summarised=True,
    )
