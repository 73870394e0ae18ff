"""What the model may answer with: pydantic models turned into tool definitions.

Every structured answer is a forced tool call (``tool_choice={"type": "tool", ...}``) whose
input is validated with the pydantic model below. All tools are sent on every request, in
the same order: tool definitions are the first part of the cached prompt prefix, so a fixed
set lets every task of a session read the same cached transcript (a changing tool list, or a
changing ``output_config`` schema, would start a new cache entry for each task). Choosing the
tool per call only changes ``tool_choice``, which the API documents as affecting the cache of
``messages`` blocks, not of ``system``, where the transcript lives.

Validation is per item: a malformed item is dropped and counted, the rest is kept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from facilitator.findings import EventKind

KeyTimeName = Literal["started_at", "detected_at", "mitigated_at", "resolved_at"]


class Cited(BaseModel):
    """Anything that rests on messages."""

    message_ids: list[str] = Field(default_factory=list, description="ids of the messages (m1, m2...) it rests on")


class FactOut(Cited):
    """A statement with evidence."""

    text: str
    confidence: float = Field(0.6, ge=0, le=1)


class KeyTimeOut(Cited):
    """One of the four key times; its time is the first cited message's time."""

    name: KeyTimeName
    reason: str = Field("", description="one line: why this message marks the moment")
    confidence: float = Field(0.6, ge=0, le=1)


class EventOut(Cited):
    """A timeline event; its time is the first cited message's time."""

    kind: EventKind = "other"
    summary: str
    who: str = ""


class ResponderOut(Cited):
    """A responder and the role they played."""

    name: str
    role: str = ""


class HypothesisOut(Cited):
    """A suspected cause and what became of it."""

    text: str
    status: Literal["raised", "ruled_out", "confirmed"] = "raised"


class ImpactOut(Cited):
    """A number or scope of impact."""

    kind: str
    text: str
    value: float | None = None


class MessagingOut(Cited):
    """A customer-facing update; its time is the first cited message's time."""

    channel: str = "status page"
    summary: str


class FindingsOut(BaseModel):
    """Input of ``record_findings``."""

    title: FactOut | None = None
    severity: FactOut | None = None
    customer_effect: FactOut | None = None
    detection_method: FactOut | None = None
    key_times: list[KeyTimeOut] = Field(default_factory=list)
    events: list[EventOut] = Field(default_factory=list)
    responders: list[ResponderOut] = Field(default_factory=list)
    hypotheses: list[HypothesisOut] = Field(default_factory=list)
    causes: list[FactOut] = Field(default_factory=list)
    fixes: list[FactOut] = Field(default_factory=list)
    impact: list[ImpactOut] = Field(default_factory=list)
    messaging: list[MessagingOut] = Field(default_factory=list)
    runbooks: list[FactOut] = Field(default_factory=list)
    luck: list[FactOut] = Field(default_factory=list)
    action_hints: list[FactOut] = Field(default_factory=list)
    prior_incidents: list[FactOut] = Field(default_factory=list)


class SuggestionOut(Cited):
    """A suggested answer to one interview question."""

    question_id: str
    value: str | list[str]
    confidence: float = Field(0.5, ge=0, le=1)
    note: str = ""


class SuggestionsOut(BaseModel):
    """Input of ``suggest_answers``."""

    suggestions: list[SuggestionOut] = Field(default_factory=list)


Level = Literal["immediate", "contributing", "systemic"]
ActionCategory = Literal["investigate", "mitigate", "repair", "detect", "mitigate future", "prevent"]


class CandidateOut(Cited):
    """A candidate answer to a why-question."""

    text: str
    confidence: float = Field(0.5, ge=0, le=1)
    in_channel: bool = Field(True, description="false for a likely cause nobody wrote in the channel (then no message ids)")
    level: Level = Field("contributing", description="immediate trigger, contributing condition, or systemic cause")


class BranchOut(Cited):
    """A contributing factor beside the main chain, on one layer."""

    layer: Literal["technical", "process", "organisational"]
    factor: str


class WhyActionOut(BaseModel):
    """The action item the last why leads to."""

    action: str
    category: ActionCategory = "prevent"
    done_when: str = ""


class WhyOut(BaseModel):
    """Input of ``propose_why``."""

    question: str = ""
    candidates: list[CandidateOut] = Field(default_factory=list)
    branches: list[BranchOut] = Field(default_factory=list)
    unactionable: bool = False
    reason: str = ""
    action: WhyActionOut | None = None


SECTIONS: tuple[str, ...] = ("summary", "what_happened", "went_well", "went_badly", "luck", "lessons", "external")


class SectionsOut(BaseModel):
    """Input of ``write_sections`` (only the requested sections are filled)."""

    summary: str | None = None
    what_happened: str | None = None
    went_well: str | None = None
    went_badly: str | None = None
    luck: str | None = None
    lessons: str | None = None
    external: str | None = None


class RewriteOut(BaseModel):
    """Input of ``rewrite_text``."""

    text: str
    explanation: str = ""


class SharpenOut(Cited):
    """Input of ``sharpen_action``."""

    action: str
    done_when: str = ""
    category: ActionCategory = "repair"
    prevents_recurrence: Literal["yes", "partially", "detects only", "no"] = "partially"
    explanation: str = ""


TOOL_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "record_findings": (FindingsOut, "Record refined findings from the incident channel, each item citing message ids."),
    "suggest_answers": (SuggestionsOut, "Suggest answers to interview questions, each citing message ids."),
    "propose_why": (WhyOut, "Propose the next why-question with 2-3 grounded candidate answers, or mark the chain unactionable."),
    "write_sections": (SectionsOut, "Write the requested narrative sections of the post-mortem."),
    "rewrite_text": (RewriteOut, "Return a blameless rewording of a sentence."),
    "sharpen_action": (SharpenOut, "Return a sharper, verifiable version of an action item."),
}


def tool_definitions() -> list[dict[str, Any]]:
    """Every tool, always in the same order (part of the cached prefix)."""
    tools = []
    for name, (model, description) in TOOL_MODELS.items():
        tools.append({"name": name, "description": description, "input_schema": _untitled(model.model_json_schema())})
    return tools


def _untitled(schema: Any) -> Any:
    """The schema without pydantic's generated ``title`` keys (tokens on every request)."""
    if isinstance(schema, dict):
        return {k: _untitled(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_untitled(v) for v in schema]
    return schema


def validate_items(model: type[BaseModel], data: Any) -> tuple[BaseModel, int]:
    """Validate tool input leniently: invalid list items are dropped and counted.

    Raises ``ValueError`` when ``data`` is not an object at all.
    """
    if not isinstance(data, dict):
        raise ValueError("tool input is not a JSON object")
    dropped = 0
    clean: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        annotation = info.annotation
        item_type = _list_item_type(annotation)
        if item_type is not None and isinstance(value, list):
            kept = []
            for item in value:
                try:
                    kept.append(item_type.model_validate(item))
                except ValidationError:
                    dropped += 1
            clean[name] = kept
            continue
        try:
            clean[name] = TypeAdapter(Annotated[annotation, info]).validate_python(value)
        except ValidationError:
            dropped += 1
    try:
        return model.model_validate(clean), dropped
    except ValidationError as exc:  # a required field is missing or invalid
        raise ValueError(str(exc)) from None


def _list_item_type(annotation: Any) -> type[BaseModel] | None:
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is list and args and isinstance(args[0], type):
        if issubclass(args[0], BaseModel):
            return args[0]
    return None
