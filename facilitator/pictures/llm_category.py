"""The category of a contributing factor, suggested by the LLM when one is available.

One short plain-text call after the cached transcript prefix (so it costs little more than the
factor itself): the model sees the configured categories and answers with one id. An answer
that names no configured category, or any LLM failure, falls back to the offline keyword
suggestion (``categories.suggest_category``); the user picks in any case.
"""

from __future__ import annotations

import re

from facilitator.errors import LLMError
from facilitator.llm.condense import defuse
from facilitator.llm.core import LLM, render
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.pictures.categories import Category, find, load_categories, suggest_category
from facilitator.session import Session
from facilitator.transcript import Transcript


async def suggest_category_llm(llm: LLM, session: Session, transcript: Transcript, factor: str) -> Category:
    """The model's category for ``factor``; LLMError when its answer names none."""
    ctx = await llm.context(transcript, session.llm_usage)
    task = render("task_category.md", categories=load_categories(), factor=defuse(factor, ctx.condensed.nonce))
    answer = await llm.text(task, transcript, session.llm_usage, max_tokens=20)
    lines = answer.strip().splitlines()
    found = find(lines[0].strip(" `'\".:*").lower()) if lines else None
    if found is not None:
        return found
    lowered = answer.lower()
    for cat in load_categories():  # a sentence that names one: "This is a process factor."
        if re.search(rf"(?<![a-z_]){re.escape(cat.id)}(?![a-z_])", lowered) or cat.name.lower() in lowered:
            return cat
    raise LLMError("The model named no known category for the factor.")


async def category_or_offline(llm: LLM | None, session: Session, transcript: Transcript, factor: str) -> Outcome[Category]:
    """``suggest_category_llm`` or the keyword suggestion when there is no LLM or it fails."""
    call = None if llm is None else (lambda: suggest_category_llm(llm, session, transcript, factor))
    return await or_offline(call, lambda: suggest_category(factor))
