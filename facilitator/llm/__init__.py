"""The optional LLM facilitator (Anthropic SDK, or any OpenAI-compatible server): grounded
suggestions, streamed whys, drafts.

Every request is masked (secrets, and people as "Responder A" aliases mapped back in answers:
``privacy``), budgeted against the model's context before it is sent, and its answer is only
accepted when it finished normally (``stop_reason``) and has the expected shape; each call is
recorded in ``session.llm_usage.audit``. ``preview.build_preview`` shows a request without
sending it.

API summary (everything is async; ``run_sync(coro, llm)`` runs one from synchronous code):

    llm = get_llm(settings)            # LLM, or None when disabled (--no-llm) or without a key
    # Each task has a strict form (raises LLMError with one sentence) and an *_or_offline form
    # that takes llm=None too and returns Outcome(value, source="llm"|"offline", notice).
    await refine_findings(llm, session, transcript, offline_findings) -> Refined(findings, added, dropped)
    await refine_or_offline(llm, session, transcript, offline_findings) -> Outcome[Refined]
    await suggest_answers(llm, session, transcript, questions) -> {question_id: LLMSuggestion}
    await suggest_or_offline(llm, session, transcript, questions, offline) -> Outcome[dict]
    await stream_why(llm, session, transcript, on_text=cb) -> WhyProposal   # cb(markdown_delta)
        # question, candidates (level, in_channel/label), branches, action; nothing is written
    await why_or_offline(llm, session, transcript, offline=lambda: WhyProposal(...), on_text=cb)
    await draft_sections(llm, session, transcript, sections=None, overwrite=False) -> {section: text}
    await stream_section(llm, session, transcript, "summary", on_text=cb) -> str
    await draft_or_offline(...) -> Outcome[dict];  await section_or_offline(..., section, on_text)
    await rewrite_blameless(llm, session, transcript, sentence, problem="") -> Rewrite
    await sharpen_action(llm, session, transcript, action_item) -> SharpenedAction
    describe_usage(session.llm_usage) -> "LLM: 5 calls, ... about $0.12 (estimate)"

Sections: summary, what_happened, went_well, went_badly, luck, lessons, external
(``SECTIONS``). Writes to the session: only ``session.llm_usage`` (every call) and
``session.drafts`` (the drafting calls, never over an existing draft unless ``overwrite``).
Every other result is a proposal the caller shows and the user accepts or edits. Message ids
in results are real transcript ids; citations the model invented are dropped.

Streaming callbacks may be plain functions or coroutines (``MarkdownStream.write`` works).
Cancelling the awaiting task (Textual worker cancel) closes the HTTP stream and raises
``CancelledError``. One ``LLM`` per app is best: it memoises the condensed transcript, so
every call after the first reads the transcript from the prompt cache. Call
``await llm.aclose()`` before the event loop ends.
"""

from __future__ import annotations

from facilitator.config import Settings
from facilitator.llm.client import ContextTooLong, llm_available
from facilitator.llm.core import LLM, run_sync
from facilitator.llm.draft import draft_or_offline, draft_sections, section_or_offline, stream_section
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.findings import Refined, refine_findings, refine_or_offline
from facilitator.llm.rewrite import (
    Rewrite,
    SharpenedAction,
    rewrite_blameless,
    rewrite_or_offline,
    sharpen_action,
    sharpen_or_offline,
)
from facilitator.llm.suggest import LLMSuggestion, suggest_answers, suggest_or_offline
from facilitator.llm.tools import SECTIONS
from facilitator.llm.usage import describe as describe_usage
from facilitator.llm.whys import WhyAction, WhyBranch, WhyCandidate, WhyProposal, stream_why, why_or_offline


def get_llm(settings: Settings) -> LLM | None:
    """An LLM when enabled and credentials exist, else None (the app runs offline)."""
    if not llm_available(settings):
        return None
    return LLM(settings)


__all__ = [
    "LLM",
    "SECTIONS",
    "ContextTooLong",
    "LLMSuggestion",
    "Outcome",
    "Refined",
    "Rewrite",
    "SharpenedAction",
    "WhyAction",
    "WhyBranch",
    "WhyCandidate",
    "WhyProposal",
    "describe_usage",
    "draft_or_offline",
    "draft_sections",
    "get_llm",
    "or_offline",
    "refine_findings",
    "refine_or_offline",
    "rewrite_blameless",
    "rewrite_or_offline",
    "run_sync",
    "section_or_offline",
    "sharpen_action",
    "sharpen_or_offline",
    "stream_section",
    "stream_why",
    "suggest_answers",
    "suggest_or_offline",
    "why_or_offline",
]
