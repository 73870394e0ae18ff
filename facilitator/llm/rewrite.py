"""Rewrites on request: blameless rewording of a flagged sentence, sharpening a vague action.

Both return a proposal next to the original; the caller shows the two and the user accepts,
edits or discards. The original is never modified here. The user's text goes into the task
inside its own tag and is defused like channel text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.errors import LLMError
from facilitator.llm.core import LLM, render
from facilitator.llm.condense import defuse
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import RewriteOut, SharpenOut, validate_items
from facilitator.session import ActionItem, Session
from facilitator.transcript import Transcript


@dataclass
class Rewrite:
    """A proposed rewording and why it is better."""

    original: str
    text: str
    explanation: str = ""


@dataclass
class SharpenedAction:
    """A proposed sharper action item (fields match ``ActionItem`` where they overlap)."""

    original: str
    action: str
    done_when: str = ""
    category: str = "repair"
    prevents_recurrence: str = "partially"
    explanation: str = ""
    message_ids: list[str] = field(default_factory=list)


async def rewrite_blameless(
    llm: LLM, session: Session, transcript: Transcript, sentence: str, problem: str = ""
) -> Rewrite:
    """A blameless rewording of ``sentence`` (``problem`` is the lint's explanation)."""
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    nonce = ctx.condensed.nonce
    task = render("task_rewrite.md", sentence=defuse(sentence, nonce), problem=defuse(problem, nonce))
    raw = await llm.tool("rewrite_text", task, transcript, session.llm_usage, max_tokens=800)
    try:
        data, _ = validate_items(RewriteOut, raw)
    except ValueError:
        raise LLMError("The rewording could not be read (malformed answer); edit the sentence yourself.") from None
    if not data.text.strip():  # type: ignore[attr-defined]
        raise LLMError("The model returned an empty rewording; edit the sentence yourself.")
    return Rewrite(original=sentence, text=data.text.strip(), explanation=data.explanation)  # type: ignore[attr-defined]


async def sharpen_action(llm: LLM, session: Session, transcript: Transcript, item: ActionItem) -> SharpenedAction:
    """A sharper, verifiable version of a vague action item."""
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    nonce = ctx.condensed.nonce
    task = render("task_sharpen.md", action=defuse(item.action, nonce), addresses=defuse(item.addresses, nonce))
    raw = await llm.tool("sharpen_action", task, transcript, session.llm_usage, max_tokens=800)
    try:
        data, _ = validate_items(SharpenOut, raw)
    except ValueError:
        raise LLMError("The sharpened action could not be read (malformed answer); edit it yourself.") from None
    if not data.action.strip():  # type: ignore[attr-defined]
        raise LLMError("The model returned an empty action; edit it yourself.")
    return SharpenedAction(
        original=item.action,
        action=data.action.strip(),  # type: ignore[attr-defined]
        done_when=data.done_when,  # type: ignore[attr-defined]
        category=data.category,  # type: ignore[attr-defined]
        prevents_recurrence=data.prevents_recurrence,  # type: ignore[attr-defined]
        explanation=data.explanation,  # type: ignore[attr-defined]
        message_ids=ctx.condensed.resolve(data.message_ids),  # type: ignore[attr-defined]
    )


async def rewrite_or_offline(
    llm: LLM | None, session: Session, transcript: Transcript, sentence: str, problem: str = "", offline: str = ""
) -> Outcome[Rewrite]:
    """``rewrite_blameless`` or the lint's own suggestion (``offline``) when there is no LLM."""
    call = None if llm is None else (lambda: rewrite_blameless(llm, session, transcript, sentence, problem))
    return await or_offline(call, lambda: Rewrite(original=sentence, text=offline or sentence, explanation=problem))


async def sharpen_or_offline(
    llm: LLM | None, session: Session, transcript: Transcript, item: ActionItem
) -> Outcome[SharpenedAction]:
    """``sharpen_action`` or the item unchanged when there is no LLM."""
    call = None if llm is None else (lambda: sharpen_action(llm, session, transcript, item))
    return await or_offline(
        call,
        lambda: SharpenedAction(original=item.action, action=item.action, category=item.category,
                                prevents_recurrence=item.prevents_recurrence),
    )
