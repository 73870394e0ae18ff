"""Evidence from outside the channel: what the pager, the alerting, the logs and the code hosts saw.

The channel is the record people wrote; these rows are what machines recorded at the same time
(an alert firing, a page escalating, the first error logged, a pull request merging). Each row
says where it came from (``source``: "Alertmanager", "PagerDuty", "GitHub", "log: api.log") and
who acted (``actor``, with ``automated`` telling an alert from a person), so the document's
timeline can show both side by side. ``TimeCandidate`` is a proposed key time (when the fault was
introduced, when the fix was deployed) with its citations: the link (a PR's URL) and the channel
message that linked it. Pydantic models because they are saved in the session (TOML) and never
hold a token.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from facilitator.findings import EventKind


class EvidenceRow(BaseModel):
    """One timeline row from outside the channel."""

    at: datetime
    source: str  # "Alertmanager", "PagerDuty", "GitHub", "GitLab", "Jira", "Logs"
    actor: str = ""  # a person, a service or an alert name
    automated: bool = False  # an alert, a page or a log line rather than a person's action
    kind: EventKind = "other"
    summary: str
    url: str = ""  # the record itself (the PR, the PagerDuty incident, the alert's generator URL)
    message_ids: list[str] = Field(default_factory=list)  # channel messages that linked it
    origin: str = ""  # the --evidence file it was read from ("alerts.json"), or the API ("PagerDuty API")


class TimeCandidate(BaseModel):
    """A proposed key time with what it rests on; the interview offers it as an alternative."""

    field: str  # a key-time question id: started_at, detected_at, mitigated_at, resolved_at
    at: datetime
    label: str  # "PR #42 'Raise pool size' deployed"
    url: str = ""
    message_ids: list[str] = Field(default_factory=list)
    confidence: float = 0.5


class TicketInfo(BaseModel):
    """A Jira issue linked in the channel, as Jira describes it."""

    key: str
    url: str = ""
    summary: str = ""
    status: str = ""
    created: datetime | None = None
    resolved: bool = False
    reporter: str = ""
    message_ids: list[str] = Field(default_factory=list)


class EvidenceRecord(BaseModel):
    """Everything gathered for one session beyond the channel (empty when nothing was configured)."""

    rows: list[EvidenceRow] = Field(default_factory=list)
    candidates: list[TimeCandidate] = Field(default_factory=list)
    tickets: list[TicketInfo] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # one sentence per source that could not be read
    duplicates: int = 0  # rows left out because a bot message in the channel already said the same

    def candidates_for(self, field_name: str) -> list[TimeCandidate]:
        """The candidates for one key time, earliest first."""
        return sorted((c for c in self.candidates if c.field == field_name), key=lambda c: c.at)
