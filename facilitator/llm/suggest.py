"""Suggested answers to interview questions, grounded in the channel, with a confidence.

One call covers a batch of questions (the transcript is read from cache, the questions are
the only new input). A suggestion without a citation to an existing message is dropped:
questions without evidence are asked explicitly instead of answered with a guess. The result
has the same fields as the offline ``facilitator.interview.suggest.Suggestion`` (value,
message_ids, note, confidence) so the interview engine treats both alike; nothing is
written to ``session.answers`` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from facilitator.errors import LLMError
from facilitator.llm.core import LLM, render
from facilitator.llm.facts import answers_text
from facilitator.llm.fallback import Outcome, or_offline
from facilitator.llm.tools import SuggestionsOut, validate_items
from facilitator.session import Answer, Session
from facilitator.transcript import Transcript


class QuestionLike(Protocol):
    """What a question must offer (``facilitator.interview.catalogue.Question`` does)."""

    id: str
    text: str


@dataclass
class LLMSuggestion:
    """A suggested answer from the model."""

    value: str | list[str]
    message_ids: list[str] = field(default_factory=list)
    note: str = ""
    confidence: float = 0.5
    source: str = "llm"

    def to_answer(self, question_id: str) -> Answer:
        """The suggestion as an Answer with ``status="suggested"`` (for the engine to accept)."""
        return Answer(question_id=question_id, value=self.value, status="suggested", message_ids=list(self.message_ids))


def _question_view(q: Any) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text,
        "type": getattr(q, "type", ""),
        "choices": list(getattr(q, "choices", []) or []),
    }


async def suggest_answers(
    llm: LLM, session: Session, transcript: Transcript, questions: Iterable[QuestionLike]
) -> dict[str, LLMSuggestion]:
    """Suggestions keyed by question id (only questions with grounded evidence)."""
    qs = [_question_view(q) for q in questions]
    if not qs:
        return {}
    ctx = await llm.context(transcript, session.llm_usage, session=session)
    task = render("task_suggest.md", questions=qs, answered=answers_text(session, ctx.condensed))
    raw = await llm.tool("suggest_answers", task, transcript, session.llm_usage, max_tokens=6000)
    try:
        data, dropped = validate_items(SuggestionsOut, raw)
    except ValueError:
        raise LLMError("The model's suggestions could not be read (malformed answer); offline suggestions are used.") from None
    if dropped and not data.suggestions:  # type: ignore[attr-defined]
        raise LLMError("The model's suggestions could not be read (wrongly shaped answer); offline suggestions are used.")
    wanted = {q["id"]: q for q in qs}
    out: dict[str, LLMSuggestion] = {}
    for s in data.suggestions:  # type: ignore[attr-defined]
        q = wanted.get(s.question_id)
        ids = ctx.condensed.resolve(s.message_ids)
        if q is None or not ids or s.question_id in out:
            continue
        value = s.value
        if q["choices"] and isinstance(value, str) and value not in q["choices"]:
            continue  # a choice question answered outside its choices is not usable
        out[s.question_id] = LLMSuggestion(value=value, message_ids=ids, note=s.note, confidence=s.confidence)
    return out


async def suggest_or_offline(
    llm: LLM | None,
    session: Session,
    transcript: Transcript,
    questions: Iterable[QuestionLike],
    offline: Callable[[], Mapping[str, Any]] | Mapping[str, Any],
) -> Outcome[dict[str, Any]]:
    """LLM suggestions merged over the offline ones (offline kept where the LLM has none)."""
    questions = list(questions)

    def offline_value() -> dict[str, Any]:
        return dict(offline() if callable(offline) else offline)

    async def call() -> dict[str, Any]:
        merged = offline_value()
        merged.update(await suggest_answers(llm, session, transcript, questions))  # type: ignore[arg-type]
        return merged

    return await or_offline(None if llm is None else call, offline_value)
