"""Drafting the narrative sections: summary, what happened, went well/badly, luck, lessons, external.

``draft_sections`` writes several sections in one ``write_sections`` call; ``stream_section``
streams one section as plain Markdown for the UI. Drafts are stored in ``session.drafts``
(the one place this package writes, besides ``session.llm_usage``) and only for sections
that have no draft yet unless ``overwrite`` is asked for, so a user's edited draft is never
replaced behind their back. Citation markers the model adds anyway are removed: documents
cite through the answers and the timeline, not through prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from facilitator.errors import LLMError
from facilitator.llm.core import LLM, OnText, render
from facilitator.llm.facts import session_text
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import SECTIONS, SectionsOut, validate_items
from facilitator.session import Session
from facilitator.transcript import Transcript

_MARKER_RE = re.compile(r"\s?\[(?:m\d+(?:,\s*)?)+\]")

GUIDES = {
    "summary": "2-4 sentences: what broke, for whom, for how long, what fixed it.",
    "what_happened": "A short narrative in time order, with times.",
    "went_well": "Bullet lines: what went well.",
    "went_badly": "Bullet lines: what didn't go so well, about systems and process.",
    "luck": "Bullet lines: where we got lucky.",
    "lessons": "Bullet lines: what we can learn.",
    "external": "A customer-facing version: plain language, no internal names, people or links, no speculation.",
}


def clean(text: str) -> str:
    """Prose without ``[m12]`` citation markers and stray whitespace."""
    return _MARKER_RE.sub("", text).strip()


def _targets(session: Session, sections: Iterable[str] | None, overwrite: bool) -> list[str]:
    wanted = list(sections or SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown draft sections: {unknown}")
    return [s for s in wanted if overwrite or not session.drafts.get(s, "").strip()]


async def draft_sections(
    llm: LLM,
    session: Session,
    transcript: Transcript,
    sections: Iterable[str] | None = None,
    overwrite: bool = False,
) -> dict[str, str]:
    """Draft sections in one call, store them in ``session.drafts``, return the new drafts."""
    targets = _targets(session, sections, overwrite)
    if not targets:
        return {}
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    task = render(
        "task_draft.md",
        sections=targets,
        facts=session_text(session, ctx.condensed),
        internal_names=llm.settings.redaction.internal_names,
    )
    raw = await llm.tool("write_sections", task, transcript, session.llm_usage, with_images=True, max_tokens=8000)
    try:
        data, _ = validate_items(SectionsOut, raw)
    except ValueError:
        raise LLMError("The drafted sections could not be read (malformed answer); write them yourself.") from None
    new: dict[str, str] = {}
    for name in targets:
        text = getattr(data, name)
        if isinstance(text, str) and text.strip():
            new[name] = clean(text)
    if not new:
        raise LLMError("The drafted sections could not be read (none of the requested sections came back as text); write them yourself.")
    session.drafts.update(new)
    return new


async def stream_section(
    llm: LLM,
    session: Session,
    transcript: Transcript,
    section: str,
    on_text: OnText | None = None,
) -> str:
    """Stream one section as Markdown, store it in ``session.drafts`` and return it."""
    if section not in SECTIONS:
        raise ValueError(f"unknown draft section: {section}")
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    guide = GUIDES[section]
    if section == "external" and llm.settings.redaction.internal_names:
        guide += " Never mention: " + ", ".join(llm.settings.redaction.internal_names) + "."
    task = render("task_draft_section.md", section=section, guide=guide, facts=session_text(session, ctx.condensed))
    text = clean(await llm.text(task, transcript, session.llm_usage, max_tokens=3000, on_text=on_text))
    if not text:
        raise LLMError(f"The model returned an empty '{section}' draft; write it yourself or try again.")
    session.drafts[section] = text
    return text


async def draft_or_offline(
    llm: LLM | None,
    session: Session,
    transcript: Transcript,
    sections: Iterable[str] | None = None,
    overwrite: bool = False,
) -> Outcome[dict[str, str]]:
    """``draft_sections`` or, offline, no drafts (templates render from the answers alone)."""
    call = None if llm is None else (lambda: draft_sections(llm, session, transcript, sections, overwrite))
    return await or_offline(call, dict)


async def section_or_offline(
    llm: LLM | None,
    session: Session,
    transcript: Transcript,
    section: str,
    on_text: OnText | None = None,
) -> Outcome[str]:
    """``stream_section`` or, offline, the section's current draft ('' when none)."""
    call = None if llm is None else (lambda: stream_section(llm, session, transcript, section, on_text))
    return await or_offline(call, lambda: session.drafts.get(section, ""))
