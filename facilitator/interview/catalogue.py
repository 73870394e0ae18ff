"""The question catalogue: ``prompts/questions.toml`` read into ``Question`` models.

The catalogue is data so facilitators can tune wording without touching code; question ids
are stable because sessions, templates and the UI refer to them. Loaded once per process
(``load_catalogue`` is cached); callers get a fresh list they may filter or reorder.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from facilitator import resources
from facilitator.errors import ConfigError

QuestionType = Literal["text", "datetime", "duration", "people", "list", "choice", "yesno"]
QUESTION_TYPES: tuple[str, ...] = ("text", "datetime", "duration", "people", "list", "choice", "yesno")

# Ids other modules rely on (templates, screens, the LLM layer). A catalogue edit that drops
# one is a bug, so load_catalogue checks it.
CORE_IDS: tuple[str, ...] = (
    "title",
    "severity",
    "customer_effect",
    "started_at",
    "impact_started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "detection_method",
    "responders",
    "first_hypothesis",
    "actual_cause",
    "fix",
    "luck",
    "fears",
    "happened_before",
    "job_failures",
    "affected",
    "support_requests",
    "messaging",
    "runbooks",
    "action_owners",
    "what_happened",
    "data_impact",
    "went_well",
    "went_badly",
    "customer_explanation",
    "customer_changes",
    "lessons",
)
KEY_TIME_IDS: tuple[str, ...] = ("started_at", "detected_at", "mitigated_at", "resolved_at")


class Question(BaseModel):
    """One interview question as the catalogue defines it."""

    id: str
    text: str
    help: str = ""
    type: QuestionType = "text"
    choices: list[str] = Field(default_factory=list)
    finding: str = ""  # findings field (optionally "field:filter") that suggests an answer
    section: str = ""  # template section the answer feeds
    missing: str = ""  # asked instead of ``text`` when the findings hold no evidence
    multiple: bool = False  # several answers expected (one per line)
    external: bool = False  # written for customers: feeds the external version (else internal-only)

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Question:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"question '{self.id}' is a choice without choices")
        return self

    @property
    def is_list(self) -> bool:
        """True when the answer value is a list of strings (people, list)."""
        return self.type in ("people", "list")


def parse_catalogue(text: str, origin: str = "questions.toml") -> list[Question]:
    """Questions from catalogue TOML text; ConfigError naming the problem when it is invalid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The question catalogue {origin} is not valid TOML ({exc}); fix the file.") from None
    try:
        questions = [Question.model_validate(q) for q in data.get("question", [])]
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"The question catalogue {origin} has an invalid question: {first['msg']}.") from None
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"The question catalogue {origin} repeats the id '{duplicates[0]}'; ids must be unique.")
    return questions


@lru_cache(maxsize=1)
def _bundled() -> tuple[Question, ...]:
    questions = parse_catalogue(resources.read_text("questions.toml"))
    missing = [i for i in CORE_IDS if i not in {q.id for q in questions}]
    if missing:
        raise ConfigError(f"The bundled question catalogue lacks the question '{missing[0]}'; reinstall facilitator.")
    return tuple(questions)


def load_catalogue() -> list[Question]:
    """The bundled catalogue, in interview order (a fresh list of fresh copies each call)."""
    return [q.model_copy(deep=True) for q in _bundled()]


def by_id(questions: list[Question]) -> dict[str, Question]:
    """Question id -> question."""
    return {q.id: q for q in questions}
