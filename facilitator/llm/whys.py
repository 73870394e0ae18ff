"""The 5-whys facilitator: the next why-question and 2-3 candidate answers, streamed.

The model reasons with the commander, it does not write the chain: it starts from the
problem statement (the customer effect plus what was found, not the title), proposes the
next question, candidates marked immediate / contributing / systemic, branches for
contributing factors on the technical, process and organisational layers, and at the end an
action item for the last why. Candidates grounded in the channel keep their citations; a
likely cause nobody wrote in the channel may be proposed but carries no citation and is
labelled "not in the channel — to confirm". A proposed question or candidate that blames a
person (the blame lint, questions included) is left out.

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
from facilitator.llm.condense import defuse
from facilitator.llm.facts import fence, whys_text
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import WhyOut, validate_items
from facilitator.session import Session
from facilitator.transcript import Transcript

MAX_CANDIDATES = 3
MAX_BRANCHES = 3
NOT_IN_CHANNEL = "not in the channel — to confirm"


@dataclass
class WhyCandidate:
    """A candidate answer with its evidence (none when it is beyond the channel)."""

    text: str
    message_ids: list[str] = field(default_factory=list)
    confidence: float = 0.5
    in_channel: bool = True
    level: str = ""  # immediate / contributing / systemic

    @property
    def label(self) -> str:
        """'' for a channel-grounded candidate, else the note it is shown with."""
        return "" if self.in_channel else NOT_IN_CHANNEL


@dataclass
class WhyBranch:
    """A suggested contributing factor beside the main chain (technical, process or organisational)."""

    layer: str
    factor: str
    message_ids: list[str] = field(default_factory=list)


@dataclass
class WhyAction:
    """The action item the last why leads to (a proposal for the Actions list)."""

    action: str
    category: str = "prevent"
    done_when: str = ""


@dataclass
class WhyProposal:
    """The facilitator's proposal for the next turn; nothing of it enters the chain unaccepted."""

    question: str = ""
    candidates: list[WhyCandidate] = field(default_factory=list)
    unactionable: bool = False
    reason: str = ""
    source: str = "llm"
    branches: list[WhyBranch] = field(default_factory=list)
    action: WhyAction | None = None
    notice: str = ""  # e.g. the proposed question was left out because it asked about a person


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
            elif not ids and "confidence" in cand:
                out += f" _({NOT_IN_CHANNEL})_"
    reason = data.get("reason")
    if data.get("unactionable") is True and isinstance(reason, str) and reason:
        out += f"\n\n_Reached an unactionable level:_ {reason}"
    return out


def _answer_value(session: Session, qid: str) -> tuple[str, bool] | None:
    answer = session.answers.get(qid)
    if answer is None or not answer.value or answer.status not in ("answered", "suggested"):
        return None
    value = answer.value if isinstance(answer.value, str) else "; ".join(answer.value)
    return value, answer.status == "answered"


def problem_statement(session: Session) -> str:
    """What the chain starts from: the customer effect plus what was found, each marked confirmed or not.

    Not the title: "Checkout errors" says nothing a why can dig into; "customers could not pay for
    40 minutes; the DB connection pool was exhausted" does.
    """
    parts: list[str] = []
    effect = _answer_value(session, "customer_effect")
    if effect is not None:
        parts.append(f"Customer effect{'' if effect[1] else ' (suggested, not confirmed)'}: {effect[0]}")
    elif session.findings.customer_effect is not None:
        parts.append(f"Customer effect (from the channel, not confirmed): {session.findings.customer_effect.text}")
    found = _answer_value(session, "actual_cause")
    if found is not None:
        parts.append(f"What was found{'' if found[1] else ' (suggested, not confirmed)'}: {found[0]}")
    else:
        confirmed = [h.text for h in session.findings.hypotheses if h.status == "confirmed"]
        causes = confirmed or [c.text for c in session.findings.causes[:2]]
        if causes:
            parts.append("What was found (from the channel, not confirmed): " + "; ".join(causes))
    fix = _answer_value(session, "fix")
    if fix is not None:
        parts.append(f"Fix{'' if fix[1] else ' (suggested, not confirmed)'}: {fix[0]}")
    if not parts:
        title = session.title or (session.findings.title.text if session.findings.title is not None else "")
        parts.append(f"Incident: {title or 'the incident described in the channel'}")
    return "\n".join(parts)


def _names(session: Session, transcript: Transcript) -> list[str]:
    from facilitator.interview.lint import _names as lint_names

    return sorted(lint_names(session, transcript))


async def stream_why(
    llm: LLM,
    session: Session,
    transcript: Transcript,
    on_text: OnText | None = None,
    problem: str | None = None,
) -> WhyProposal:
    """Stream the next why-turn; ``on_text`` gets Markdown deltas as they arrive."""
    from facilitator.interview.lint import blame_findings, question_findings

    ctx = await llm.context(transcript, session.llm_usage, session=session)
    answered = sum(1 for t in session.whys if t.answer and t.kind == "chain")
    task = render(
        "task_why.md",
        problem=fence(ctx.condensed, defuse(problem or problem_statement(session), ctx.condensed.nonce),
                      "the problem statement, from the commander's answers and the channel"),
        chain=whys_text(session, ctx.condensed),
        answered=answered,
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
    names = _names(session, transcript)
    candidates = []
    for cand in data.candidates:  # type: ignore[attr-defined]
        text = cand.text.strip()
        if not text or blame_findings(text, "candidate", names, session):
            continue  # a candidate that blames a person is not offered
        ids = ctx.condensed.resolve(cand.message_ids)
        if cand.in_channel and not ids:
            continue  # it claimed evidence that does not exist
        candidates.append(WhyCandidate(text=text, message_ids=ids if cand.in_channel else [], confidence=cand.confidence,
                                       in_channel=cand.in_channel, level=cand.level))
    branches = [
        WhyBranch(layer=b.layer, factor=b.factor.strip(), message_ids=ctx.condensed.resolve(b.message_ids))
        for b in data.branches  # type: ignore[attr-defined]
        if b.factor.strip() and not blame_findings(b.factor, "branch", names, session)
    ][:MAX_BRANCHES]
    action = data.action  # type: ignore[attr-defined]
    proposal = WhyProposal(
        question=data.question.strip(),  # type: ignore[attr-defined]
        candidates=candidates[:MAX_CANDIDATES],
        unactionable=data.unactionable,  # type: ignore[attr-defined]
        reason=data.reason.strip(),  # type: ignore[attr-defined]
        branches=branches,
        action=WhyAction(action.action.strip(), action.category, action.done_when.strip()) if action and action.action.strip() else None,
    )
    if proposal.question and question_findings(proposal.question, "proposal", names, session):
        proposal.notice = f"The facilitator's question asked about a person and was left out: {proposal.question}"
        proposal.question = ""
        if not proposal.candidates:
            raise LLMError("The model's why-question asked about a person, not the system; ask the why yourself.")
    elif not proposal.question and not proposal.unactionable:
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
