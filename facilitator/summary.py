"""What a finished post-mortem amounts to: the facts shown after it is exported or published.

The app's result screen and ``facilitator publish`` both end by telling the user where the
document went, the facts at a glance (duration, responders, action items) and what to do
next. Those facts and the next steps are computed here once, from the document model, so the
two can never disagree; each caller only lays them out (aligned rows on the terminal, a
modal on screen) and adds what only it knows (a URL, the Jira command).
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.config import Settings
from facilitator.redact_gate import unticked
from facilitator.render.model import TODO, Document, build_document
from facilitator.session import Session
from facilitator.transcript import Transcript

__all__ = ["TIME_IN", "UNKNOWN_DURATION", "PostmortemSummary", "summarize_postmortem", "summary_from_document"]

TIME_IN = "Time in"  # the label of facilitator.durations: fault introduced to resolution
UNKNOWN_DURATION = "unknown (fault introduced or resolution time missing)"


@dataclass(frozen=True, slots=True)
class PostmortemSummary:
    """The facts at a glance; counts are plain numbers, texts are ready to display."""

    title: str
    duration: str  # fault introduced to resolution; "" when either time is missing
    responders: int
    actions: int
    actions_incomplete: int  # action items without an owner or a due date
    actions_unfiled: int  # action items with no Jira key yet
    todos: int
    next_review: str  # the earliest open action item's due date; "" when none is set
    unticked: int  # redaction checklist items not ticked yet

    @property
    def duration_text(self) -> str:
        """The duration, or a sentence saying why it is unknown."""
        return self.duration or UNKNOWN_DURATION

    def next_steps(self) -> list[str]:
        """What to do next, most important first (worded for any medium: page, file or screen)."""
        steps = ["Review the document with the responders (blameless: systems and processes, not people)."]
        if self.todos:
            steps.append(f"Fill the {self.todos} TODO(s) listed at the top of the document.")
        if self.actions_incomplete:
            steps.append(f"Assign an owner and a due date to {self.actions_incomplete} action item(s).")
        elif not self.actions:
            steps.append("Add 3 to 5 action items with owners and due dates.")
        if self.next_review:
            steps.append(f"Schedule the review meeting (action items next reviewed on {self.next_review}).")
        else:
            steps.append("Schedule the review meeting, and set a date to review the action items.")
        if self.unticked:
            steps.append("Share the document (the external version with customers, once the checklist is ticked).")
        else:
            steps.append("Share the document (the external version with customers).")
        return steps


def summary_from_document(session: Session, doc: Document) -> PostmortemSummary:
    """The summary of ``session`` from its already built document model."""
    return PostmortemSummary(
        title=doc.title,
        duration=doc.metrics.get(TIME_IN, ""),
        responders=len(doc.responders),
        actions=len(doc.actions),
        actions_incomplete=sum(1 for a in session.actions if not a.owner.strip() or a.due is None),
        actions_unfiled=sum(1 for a in session.actions if not (a.jira_key or session.published.jira_keys.get(a.id))),
        todos=len(doc.todos),
        next_review="" if doc.next_review.startswith(TODO) or not doc.next_review[:1].isdigit() else doc.next_review,
        unticked=len(unticked(session)),
    )


def summarize_postmortem(session: Session, transcript: Transcript | None, settings: Settings) -> PostmortemSummary:
    """The summary of ``session`` (builds the document model first)."""
    return summary_from_document(session, build_document(session, transcript, settings))
