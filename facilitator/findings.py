"""What the tool found in the transcript, each fact with the message ids it rests on.

Produced by the offline extractor (``facilitator.extract``) and refined by the LLM layer
(``facilitator.llm``), which may add items and adjust confidence but never removes the
offline citations. Pydantic models because findings are serialised to JSON (``extract
--json``), to TOML (sessions) and validated when they come back from an LLM.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

EventKind = Literal[
    "fault_introduced",
    "detected",
    "alert",
    "incident_created",
    "escalation",
    "hypothesis",
    "hypothesis_ruled_out",
    "root_cause",
    "rollback",
    "mitigated",
    "recovery",  # the service said to be better, at a moment that is not the key mitigation
    "fix_deployed",
    "status_page",
    "customer_comms",
    "resolved",
    "closed",
    "action",  # a step the responders took (restart, scale, failover, wipe)
    "other",
]

LinkKind = Literal[
    "ticket",
    "pull_request",
    "commit",
    "dashboard",
    "alert",
    "runbook",
    "docs",
    "status_page",
    "slack",
    "chat",  # other chat and forum threads: Zulip, Matrix, Discourse, Gitter, Discord, Teams, Mattermost
    "image",
    "other",
]


class Fact(BaseModel):
    """A proposed piece of text with its evidence."""

    text: str
    message_ids: list[str] = Field(default_factory=list)
    confidence: float = 0.5
    source: Literal["offline", "llm", "user"] = "offline"


# A key time below this confidence is the extractor's estimate (the first alert standing in for a
# start nobody stated), not a time the channel said: the interview and the document say so.
ESTIMATE_CONFIDENCE = 0.25


class KeyTime(BaseModel):
    """One of the four key times (fault introduced, detected, mitigated, resolved)."""

    at: datetime
    confidence: float = 0.5
    message_ids: list[str] = Field(default_factory=list)
    reason: str = ""  # one line: why this message marks the moment
    source: Literal["offline", "llm", "user"] = "offline"


class Event(BaseModel):
    """A major moment of the incident, for the timeline."""

    at: datetime
    kind: EventKind = "other"
    summary: str
    message_ids: list[str] = Field(default_factory=list)
    who: str = ""
    source: Literal["offline", "llm", "user"] = "offline"


class Responder(BaseModel):
    """A human who took part."""

    name: str
    messages: int = 0
    role: str = ""  # "incident commander", "comms", "subject expert (database)"...
    aliases: list[str] = Field(default_factory=list)  # other names the channel knows them by: "olly", "tomw"
    message_ids: list[str] = Field(default_factory=list)  # where the role was stated


class Link(BaseModel):
    """A URL found in the channel, classified, never fetched."""

    url: str
    kind: LinkKind = "other"
    label: str = ""  # "JIRA OPS-123", "Grafana", "PR #42"
    message_ids: list[str] = Field(default_factory=list)


class SupportTicket(BaseModel):
    """A customer support request pasted or linked in the channel."""

    ref: str  # ticket key or URL
    summary: str = ""
    url: str = ""
    message_ids: list[str] = Field(default_factory=list)


class MessagingItem(BaseModel):
    """A status-page or customer-facing update."""

    at: datetime
    channel: str = "status page"  # "status page", "customer email", "social"...
    summary: str
    message_ids: list[str] = Field(default_factory=list)


class ImpactHint(BaseModel):
    """A number or scope of impact mentioned in the channel."""

    kind: str  # "error_rate", "failed_jobs", "customers", "projects", "regions", "environments"...
    text: str
    value: float | None = None
    message_ids: list[str] = Field(default_factory=list)


class Hypothesis(BaseModel):
    """A suspected cause raised during the response, and what became of it."""

    text: str
    status: Literal["raised", "ruled_out", "confirmed"] = "raised"
    message_ids: list[str] = Field(default_factory=list)


PhaseName = Literal["investigating", "identified", "mitigating", "monitoring", "resolved"]


class Phase(BaseModel):
    """Where the response stood from this moment on, read from the whole exchange."""

    name: PhaseName
    at: datetime
    message_ids: list[str] = Field(default_factory=list)
    reason: str = ""


class ImpactWindow(BaseModel):
    """The window of customer impact as the channel states it ("Customer impact 14:00-15:01 UTC")."""

    start: datetime
    end: datetime
    text: str = ""  # the sentence that states it
    message_ids: list[str] = Field(default_factory=list)

    def moves_start(self, fault: datetime | None, impact_end: datetime | None) -> bool:
        """True when customers were affected from this window's start rather than from the fault:
        it begins after the fault was introduced (a deploy at 13:52, errors from 14:00) and
        before the impact ended."""
        return (fault is None or self.start > fault) and (impact_end is None or self.start < impact_end)


class OpenQuestion(BaseModel):
    """Something the extractor could not establish; the interview asks it explicitly."""

    field: str  # e.g. "started_at"
    question: str


class Findings(BaseModel):
    """Everything extracted from one transcript."""

    started_at: KeyTime | None = None
    detected_at: KeyTime | None = None
    mitigated_at: KeyTime | None = None
    resolved_at: KeyTime | None = None
    detection_method: Fact | None = None  # "monitoring", "user report", ...
    title: Fact | None = None
    severity: Fact | None = None
    customer_effect: Fact | None = None
    responders: list[Responder] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    support_tickets: list[SupportTicket] = Field(default_factory=list)
    messaging: list[MessagingItem] = Field(default_factory=list)
    impact_hints: list[ImpactHint] = Field(default_factory=list)
    impact_window: ImpactWindow | None = None  # as stated in the channel, when it is
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    causes: list[Fact] = Field(default_factory=list)  # root cause candidates
    fixes: list[Fact] = Field(default_factory=list)  # what moved state from broken to working
    luck: list[Fact] = Field(default_factory=list)  # "we got lucky", "could have been worse"
    went_well: list[Fact] = Field(default_factory=list)  # "nice catch that you were watching the rollout"
    went_badly: list[Fact] = Field(default_factory=list)  # "nobody got paged", "that cost us ~20 min"
    action_hints: list[Fact] = Field(default_factory=list)  # "we should", "TODO", "follow-up"
    prior_incidents: list[Fact] = Field(default_factory=list)  # "happened before", "again"
    data_impact: list[Fact] = Field(default_factory=list)  # "no data was lost", "those mails are gone"
    runbooks: list[Fact] = Field(default_factory=list)  # runbooks used, missing or out of date
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)  # investigating -> identified -> mitigating -> monitoring -> resolved
    # Per key time: the chosen candidate first, then up to two alternatives, each with its reason.
    candidates: dict[str, list[KeyTime]] = Field(default_factory=dict)

    KEY_TIMES: ClassVar[tuple[str, ...]] = ("started_at", "detected_at", "mitigated_at", "resolved_at")

    def key_time(self, name: str) -> KeyTime | None:
        """One of the four key times by field name."""
        return getattr(self, name)

    def cited_ids(self) -> set[str]:
        """Every message id any finding cites (used to validate LLM output)."""
        ids: set[str] = set()
        for value in self.__dict__.values():
            items = value if isinstance(value, list) else [value]
            for item in items:
                ids.update(getattr(item, "message_ids", []) or [])
        return ids
