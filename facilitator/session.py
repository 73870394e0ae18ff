"""The session: everything one post-mortem interview has produced so far.

A session is the unit of persistence. The interview engine saves it after every answer
(see ``facilitator.sessions`` for the store: TOML via tomlkit, atomic write-and-rename, in
the platformdirs user data dir). Screens, the plain mode, ``draft``, rendering and publishing
all read and write this one model. It never holds a token or any other secret.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field

from facilitator.evidence.model import EvidenceRecord
from facilitator.findings import Findings

AnswerStatus = Literal["answered", "suggested", "unknown", "skipped"]
Category = Literal["investigate", "mitigate", "repair", "detect", "mitigate future", "prevent"]
Prevents = Literal["not assessed", "yes", "partially", "detects only", "no"]  # no silent guess: unset until someone says
Priority = Literal["P1", "P2", "P3"]


def utcnow() -> datetime:
    """Aware 'now' in UTC (one place for tests to freeze)."""
    return datetime.now(timezone.utc)


class SourceSpec(BaseModel):
    """Where the transcript came from, enough to load it again. Never a token."""

    kind: Literal["demo", "transcript", "slack-export", "slack"]
    ref: str = ""  # path, channel name/id; for pastes the copy saved in the session folder
    channel: str = ""
    timezone: str = "UTC"
    date: str = ""  # --date for transcripts without dates
    since: str = ""
    until: str = ""
    # --evidence: files (Alertmanager/amtool JSON, PagerDuty log entries, log lines) and
    # "pagerduty:INCIDENT_ID" references, read once when the session starts.
    evidence: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """The answer to one interview question."""

    question_id: str
    value: str | list[str] = ""
    status: AnswerStatus = "answered"
    message_ids: list[str] = Field(default_factory=list)
    answered_at: datetime | None = None


class WhyTurn(BaseModel):
    """One turn of the 5-whys chain; ``parent_id`` makes branches (contributing factors)."""

    id: str
    question: str
    answer: str = ""
    message_ids: list[str] = Field(default_factory=list)
    parent_id: str | None = None
    kind: Literal["chain", "contributing"] = "chain"
    level: Literal["immediate", "contributing", "systemic", ""] = ""
    category: str = ""  # contributing factors: a category id of prompts/causes.toml ('' = not chosen yet)


class ActionItem(BaseModel):
    """A follow-up action."""

    id: str
    action: str
    owner: str = ""
    due: date | None = None
    priority: Priority = "P2"
    category: Category = "repair"
    prevents_recurrence: Prevents = "not assessed"
    status: Literal["open", "in progress", "done"] = "open"
    addresses: str = ""  # why-turn id or finding reference
    message_ids: list[str] = Field(default_factory=list)
    jira_key: str = ""


class RejectedAction(BaseModel):
    """An idea explicitly not taken, and why (documents are better for keeping these)."""

    action: str
    reason: str


class LintFinding(BaseModel):
    """A blameless-language or action-quality finding shown to the user, never auto-applied."""

    kind: Literal["blame", "action_quality"]
    where: str  # "answer:customer_effect", "action:a1", "why:w2"
    text: str  # the offending sentence or item
    problem: str
    suggestion: str = ""


class TimelineEntry(BaseModel):
    """A user-curated timeline row (starts from the extracted events)."""

    at: datetime
    summary: str
    kind: str = "other"
    who: str = ""
    message_ids: list[str] = Field(default_factory=list)
    known_then: str = ""  # what was known at the time


class LLMCall(BaseModel):
    """One LLM request, for the audit trail: what was sent (by hash), to which model, at what cost."""

    at: datetime
    provider: str = "anthropic"
    model: str = ""
    prompt_sha256: str = ""  # of the request body as sent (after masking)
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    stop_reason: str = ""
    estimated_cost_usd: float = 0.0


class LLMUsage(BaseModel):
    """Token accounting for the session."""

    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    estimated_cost_usd: float = 0.0
    audit: list[LLMCall] = Field(default_factory=list)  # one entry per request, newest last


class PublishRecord(BaseModel):
    """Where the post-mortem was published, so publishing again updates instead of duplicating."""

    confluence_page_id: str = ""
    confluence_url: str = ""
    confluence_version: int = 0
    year_page_id: str = ""
    jira_keys: dict[str, str] = Field(default_factory=dict)  # action id -> issue key
    github_issues: dict[str, str] = Field(default_factory=dict)  # action id -> GitHub issue URL


class Session(BaseModel):
    """One post-mortem in progress."""

    name: str
    title: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    source: SourceSpec
    timezone: str = "UTC"
    findings: Findings = Field(default_factory=Findings)
    answers: dict[str, Answer] = Field(default_factory=dict)
    current_question: str = ""  # id of the question to resume at
    timeline: list[TimelineEntry] = Field(default_factory=list)
    whys: list[WhyTurn] = Field(default_factory=list)
    whys_done: bool = False
    actions: list[ActionItem] = Field(default_factory=list)
    rejected_actions: list[RejectedAction] = Field(default_factory=list)
    lints: list[LintFinding] = Field(default_factory=list)
    redaction_checklist: dict[str, bool] = Field(default_factory=dict)
    drafts: dict[str, str] = Field(default_factory=dict)  # LLM-drafted sections, user-editable
    llm_usage: LLMUsage = Field(default_factory=LLMUsage)
    published: PublishRecord = Field(default_factory=PublishRecord)
    evidence: EvidenceRecord = Field(default_factory=EvidenceRecord)  # alerts, pages, logs, PRs
    external_override: str = ""  # why the external version was released despite its gate ("" = never)
