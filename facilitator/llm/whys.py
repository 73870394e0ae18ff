"""The 5-whys facilitator: the next why-question and 2-3 grounded candidate answers, streamed.

Each turn is a streamed ``propose_why`` tool call. While the tool input arrives, the partial
JSON is parsed (``jiter`` partial mode, the parser the SDK itself uses) and rendered as
Markdown; ``on_text`` receives only what was appended since the last call, so the UI can
feed it to ``Markdown.get_stream()`` and show the first words immediately. Cancelling the
awaiting task (``asyncio`` cancellation, e.g. a Textual worker cancelled) closes the HTTP
stream. The proposal is returned, never written: the user picks, edits or rejects it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, field
from typing import Any

import jiter

from facilitator.errors import LLMError
from facilitator.llm.core import LLM, OnText, _maybe_await, render
from facilitator.llm.facts import whys_text
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import WhyOut, validate_items
from facilitator.session import Session
from facilitator.transcript import Transcript

MAX_CANDIDATES = 3


@dataclass
class WhyCandidate:
    """A candidate answer with its evidence."""

    text: str
    message_ids: list[str] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class WhyProposal:
    """The facilitator's proposal for the next turn."""

    question: str = ""
    candidates: list[WhyCandidate] = field(default_factory=list)
    unactionable: bool = False
    reason: str = ""
    source: str = "llm"


def render_partial(data: Any, known: Container[str] | None = None) -> str:
    """Markdown for a (possibly partial) ``propose_why`` input; grows by appending.

    With ``known`` (the transcript's aliases), invented citations are not shown, and a
    candidate whose citations are all invented is skipped, as the final proposal does.
    """
    if not isinstance(data, dict):
        return ""
    out = ""
    question = data.get("question")
    if isinstance(question, str) and question:
        out += f"**Why?** {question}"
    candidates = data.get("candidates")
    if isinstance(candidates, list):
        n = 0
        for cand in candidates:
            if not isinstance(cand, dict) or not isinstance(cand.get("text"), str):
                break
            ids = cand.get("message_ids")
            ids = [str(i) for i in ids] if isinstance(ids, list) else []
            if known is not None:
                if ids and not any(i in known for i in ids):
                    continue  # the model's schema puts ids first, so this is decided before text shows
                ids = [i for i in ids if i in known]
            n += 1
            out += f"\n\n{n}. {cand['text']}"
            if ids and "confidence" in cand:
                out += f" [{', '.join(ids)}]"
    reason = data.get("reason")
    if data.get("unactionable") is True and isinstance(reason, str) and reason:
        out += f"\n\n_Reached an unactionable level:_ {reason}"
    return out


def problem_statement(session: Session) -> str:
    """What the chain starts from: the title, else the customer effect, else a generic prompt."""
    answer = session.answers.get("customer_effect")
    if session.title:
        return session.title
    if answer is not None and answer.value:
        return answer.value if isinstance(answer.value, str) else "; ".join(answer.value)
    if session.findings.title is not None:
        return session.findings.title.text
    return "the incident described in the channel"


async def stream_why(
    llm: LLM,
    session: Session,
    transcript: Transcript,
    on_text: OnText | None = None,
    problem: str | None = None,
) -> WhyProposal:
    """Stream the next why-turn; ``on_text`` gets Markdown deltas as they arrive."""
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    task = render(
        "task_why.md", problem=problem or problem_statement(session), chain=whys_text(session, ctx.condensed)
    )
    shown = ""

    async def on_partial(buf: str) -> None:
        nonlocal shown
        if on_text is None:
            return
        try:
            data = jiter.from_json(buf.encode(), partial_mode="trailing-strings")
        except ValueError:
            return  # not parseable yet; the final parse decides
        text = render_partial(data, ctx.condensed.aliases)
        if text.startswith(shown) and len(text) > len(shown):
            delta, shown = text[len(shown) :], text
            await _maybe_await(on_text(delta))

    raw = await llm.tool("propose_why", task, transcript, session.llm_usage, max_tokens=2000, on_partial=on_partial)
    try:
        data, _ = validate_items(WhyOut, raw)
    except ValueError:
        raise LLMError("The model's why-proposal could not be read (malformed answer); ask the why yourself.") from None
    candidates = []
    for cand in data.candidates:  # type: ignore[attr-defined]
        ids = ctx.condensed.resolve(cand.message_ids)
        if ids and cand.text.strip():
            candidates.append(WhyCandidate(text=cand.text.strip(), message_ids=ids, confidence=cand.confidence))
    proposal = WhyProposal(
        question=data.question.strip(),  # type: ignore[attr-defined]
        candidates=candidates[:MAX_CANDIDATES],
        unactionable=data.unactionable,  # type: ignore[attr-defined]
        reason=data.reason.strip(),  # type: ignore[attr-defined]
    )
    if not proposal.question and not proposal.unactionable:
        raise LLMError("The model proposed no why-question; ask the why yourself.")
    return proposal


async def why_or_offline(
    llm: LLM | None,
    session: Session,
    transcript: Transcript,
    offline: Callable[[], WhyProposal],
    on_text: OnText | None = None,
) -> Outcome[WhyProposal]:
    """``stream_why`` or the caller's offline proposal (e.g. the catalogue's next why prompt)."""
    call: Callable[[], Awaitable[WhyProposal]] | None = None
    if llm is not None:
        call = lambda: stream_why(llm, session, transcript, on_text)  # noqa: E731

    def fallback() -> WhyProposal:
        proposal = offline()
        proposal.source = "offline"
        return proposal

    return await or_offline(call, fallback)
