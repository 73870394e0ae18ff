"""LLM help for the interview flows, with the offline result whenever the LLM is absent or fails.

``draft``, the plain interview and the Textual app all call these same coroutines, so a key
makes every flow better in the same way and a missing key or a failing API changes nothing
but a one-line notice. Each function takes the LLM (``facilitator.llm.get_llm(settings)``,
None when there is no key or ``--no-llm``) and a ``notice`` callback, and returns an
``Outcome`` (``value``, ``source`` "llm"|"offline", ``notice``). On ``LLMError`` (429/529
after the SDK's retries, 5xx, connection refused, 401...) it calls ``notice`` once with one
sentence saying what happened and what to do, and returns the offline value. Offline work is
never replaced: refined findings are a merge over the offline ones, LLM suggestions sit
beside the engine's own (``Interview.add_suggestions``), drafts never overwrite a section
the user already has. Token usage lands in ``session.llm_usage``, saved with the session.

Calling from the Textual app (screens/), in a worker, one ``LLM`` per app::

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def refine(self) -> None:
        out = await assist.refine_session(self.interview, self.transcript, self.app.llm, self.llm_notice)
        if out.source == "llm":
            self.refresh_questions()          # findings and suggestions changed

    def llm_notice(self, text: str) -> None:   # called on the worker's loop (the app's loop)
        self.notify(text, title="LLM unavailable", severity="warning")

``suggest_answers(interview, ...)`` attaches suggestions the screen reads back through
``interview.suggestion(qid)`` (``source == "llm"``, with ``confidence``). ``propose_why``
takes an ``on_text`` callback (plain function or coroutine, e.g. ``MarkdownStream.write``)
that receives Markdown deltas as they stream. Async workers run on the app's loop, so
callbacks may touch widgets; a *thread* worker must wrap them in ``call_from_thread``.
Cancelling the worker cancels the HTTP call; nothing is written for a cancelled step.
Call ``await llm.aclose()`` when the app exits. Synchronous callers (``draft``, plain mode)
use ``LLMRun``, which runs each step with ``run_sync`` and goes offline for the rest of the
run after the first failure (``Outcome.notice`` set), so the user sees one notice; the app
should do the same (drop its LLM after a notice, or offer "retry").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from facilitator.errors import LLMError
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain
from facilitator.llm import LLM, Outcome, Refined, WhyProposal
from facilitator.llm import draft_sections as llm_draft_sections
from facilitator.llm import refine_findings, stream_why
from facilitator.llm import suggest_answers as llm_suggest_answers
from facilitator.llm.core import OnText
from facilitator.session import LLMUsage, Session
from facilitator.transcript import Transcript

Notice = Callable[[str], None]
Target = Interview | Session


def _parts(target: Target) -> tuple[Session, Interview | None]:
    if isinstance(target, Interview):
        return target.session, target
    return target, None


def _save(interview: Interview | None) -> None:
    """Persist usage and results (a bare Session is saved by its caller)."""
    if interview is not None:
        interview.save()


def fallback_notice(exc: LLMError, instead: str) -> str:
    """One line: what failed and what to do, then what happens instead."""
    text = " ".join(str(exc).split()).rstrip(".")
    if "offline" in text or not instead:
        return text + "."
    return f"{text}; {instead}."


async def refine_session(target: Target, transcript: Transcript, llm: LLM | None, notice: Notice) -> Outcome[Refined]:
    """Refine the session's findings with the LLM (merged over the offline ones, never replacing them)."""
    session, interview = _parts(target)
    offline = session.findings
    if llm is None:
        return Outcome(Refined(offline), "offline")
    try:
        refined = await refine_findings(llm, session, transcript, offline)
    except LLMError as exc:
        _save(interview)  # usage of calls made before the failure (chunk summaries) is kept
        message = fallback_notice(exc, "continuing offline")
        notice(message)
        return Outcome(Refined(offline), "offline", message)
    session.findings = refined.findings
    if interview is not None:
        interview.refresh_suggestions()
    _save(interview)
    return Outcome(refined, "llm")


async def suggest_answers(
    interview: Interview,
    transcript: Transcript,
    llm: LLM | None,
    notice: Notice,
    question_ids: Iterable[str] | None = None,
) -> Outcome[list[str]]:
    """Ask the LLM for grounded suggestions (unanswered questions by default); returns the ids it suggested."""
    if llm is None:
        return Outcome([], "offline")
    ids = list(question_ids) if question_ids is not None else [q.id for q in interview.questions if not interview.is_done(q.id)]
    questions = [interview.question(qid) for qid in ids]
    if not questions:
        return Outcome([], "llm")
    try:
        found = await llm_suggest_answers(llm, interview.session, transcript, questions)
    except LLMError as exc:
        _save(interview)
        message = fallback_notice(exc, "continuing with the offline suggestions")
        notice(message)
        return Outcome([], "offline", message)
    kept = interview.add_suggestions(found, source="llm")
    _save(interview)
    return Outcome(kept, "llm")


async def draft_sections(
    target: Target,
    transcript: Transcript,
    llm: LLM | None,
    notice: Notice,
    sections: Iterable[str] | None = None,
) -> Outcome[dict[str, str]]:
    """Draft the narrative sections into ``session.drafts`` (sections the user has are left alone)."""
    session, interview = _parts(target)
    if llm is None:
        return Outcome({}, "offline")
    try:
        new = await llm_draft_sections(llm, session, transcript, sections, overwrite=False)
    except LLMError as exc:
        _save(interview)
        message = fallback_notice(exc, "the documents are written from the answers alone")
        notice(message)
        return Outcome({}, "offline", message)
    _save(interview)
    return Outcome(new, "llm")


def offline_why(session: Session) -> WhyProposal:
    """The engine's own next why (phrased from the last answer), without candidates."""
    chain = WhyChain(session)
    turn = chain.current()
    if turn is not None:
        question = turn.question
    else:
        answered = [t for t in chain.main_chain() if t.answer]
        question = chain.next_question(answered[-1] if answered else None)
    return WhyProposal(question=question, source="offline")


async def propose_why(
    target: Target,
    transcript: Transcript,
    llm: LLM | None,
    notice: Notice,
    on_text: OnText | None = None,
) -> Outcome[WhyProposal]:
    """The next why-question and grounded candidate answers, streamed to ``on_text``; offline: the engine's why."""
    session, interview = _parts(target)
    if llm is None:
        return Outcome(offline_why(session), "offline")
    try:
        proposal = await stream_why(llm, session, transcript, on_text=on_text)
    except LLMError as exc:
        _save(interview)
        message = fallback_notice(exc, "continuing with the offline why")
        notice(message)
        return Outcome(offline_why(session), "offline", message)
    _save(interview)
    return Outcome(proposal, "llm")


def accept_why_action(target: Target, action: Any, turn: Any) -> Any:
    """The user accepted the action item the last why leads to: it joins the Actions list."""
    from facilitator.interview.actions import ActionBook

    session, interview = _parts(target)
    book = ActionBook(session, interview.store if interview is not None else None)
    text = action.action.rstrip(". ")
    if action.done_when:
        text += f"; done when {action.done_when.rstrip('. ')}"
    return book.add(text, category=action.category, addresses=turn.id)


class LLMRun:
    """The LLM steps of a synchronous flow (``draft``, plain mode): offline after the first failure."""

    def __init__(self, llm: LLM | None, interview: Interview, transcript: Transcript, notice: Notice) -> None:
        self.llm = llm
        self.interview = interview
        self.transcript = transcript
        self.notice = notice
        self.before = interview.session.llm_usage.model_copy()

    @property
    def active(self) -> bool:
        """True while an LLM is available and has not failed in this run."""
        return self.llm is not None

    def _run(self, coro: Any) -> Outcome[Any]:
        from facilitator.llm import run_sync

        outcome = run_sync(coro, self.llm)
        if outcome.notice:
            self.llm = None  # one notice per run; the rest of the run is offline
        return outcome

    def refine(self) -> Outcome[Refined]:
        """Refine the findings (once, after loading)."""
        return self._run(refine_session(self.interview, self.transcript, self.llm, self.notice))

    def suggest(self, question_ids: Iterable[str] | None = None) -> Outcome[list[str]]:
        """LLM suggestions for the open questions."""
        return self._run(suggest_answers(self.interview, self.transcript, self.llm, self.notice, question_ids))

    def draft(self) -> Outcome[dict[str, str]]:
        """The narrative sections, into ``session.drafts``."""
        return self._run(draft_sections(self.interview, self.transcript, self.llm, self.notice))

    def why(self, on_text: OnText | None = None) -> Outcome[WhyProposal]:
        """The next why, streamed to ``on_text``; the engine's own why when offline."""
        return self._run(propose_why(self.interview, self.transcript, self.llm, self.notice, on_text))

    def spent(self) -> LLMUsage:
        """Usage of this run (``session.llm_usage`` also holds earlier runs of a resumed session)."""
        return usage_since(self.before, self.interview.session.llm_usage)


def usage_line(usage: LLMUsage) -> str:
    """'LLM: N input (M cached) / K output tokens, ~$X' (input counts cache reads and writes)."""
    total_in = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    return (
        f"LLM: {total_in:,} input ({usage.cache_read_tokens:,} cached) / {usage.output_tokens:,} output tokens,"
        f" ~${usage.estimated_cost_usd:.2f}"
    )


def usage_since(before: LLMUsage, after: LLMUsage) -> LLMUsage:
    """What was spent between two snapshots of ``session.llm_usage``."""
    fields: dict[str, Any] = {
        name: getattr(after, name) - getattr(before, name)
        for name in ("input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "calls")
    }
    fields["estimated_cost_usd"] = round(after.estimated_cost_usd - before.estimated_cost_usd, 6)
    return LLMUsage(**fields)
