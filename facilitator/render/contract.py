"""The document contract: where every piece the interview collects lands in the post-mortem.

The interview asks questions, runs the 5 whys, edits action items and extracts findings; the
document model (``model.py``) turns them into display text and the templates arrange it. These
tables declare, for each of those pieces, the ``Document`` attribute that carries it, so that
nothing collected is silently dropped: a test walks the question catalogue, the action fields,
the why levels and the findings, answers or fills each with a marker, and checks that every
shipped internal template shows it, and that the external template shows exactly the
customer-facing answers (``Question.external``) and nothing internal.

``TodoItem`` is the one TODO list: the document lists it at the top, and the interview's
``todos()``, the Preview's "To fix", the export dialog and the CLI summary all count it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Question id -> the Document attribute that shows the answer (the user's answer wins there).
ANSWER_HOMES: dict[str, str] = {
    "customer_effect": "customer_impact",
    "started_at": "times",
    "impact_started_at": "impact_began",  # the start customers are told (the external window too)
    "detected_at": "times",
    "mitigated_at": "times",
    "resolved_at": "times",
    "detection_method": "detection_method",
    "responders": "responders",
    "first_hypothesis": "unknowns_then",
    "actual_cause": "root_cause",  # or immediate_cause once the 5 whys reach deeper
    "fix": "fix",
    "what_happened": "what_happened",
    "luck": "luck",
    "fears": "fears",
    "happened_before": "happened_before",
    "job_failures": "job_failures",
    "affected": "affected",
    "support_requests": "support_requests",
    "data_impact": "data_impact",
    "messaging": "messaging",
    "runbooks": "runbooks",
    "severity": "severity",
    "title": "title",
    "exec_summary": "exec_summary",  # composed from impact, times and actions when not answered
    "went_well": "went_well",
    "went_badly": "went_badly",
    "customer_explanation": "customer_explanation",
    "customer_changes": "customer_changes",
    "action_owners": "actions",  # the owners' lines are the action list (owner and due columns)
    "lessons": "lessons",
}

# Action item field -> how the documents show it ("" = kept for the tool only, with the reason).
ACTION_FIELD_HOMES: dict[str, str] = {
    "action": "action",
    "owner": "owner",
    "due": "due",
    "priority": "priority",
    "category": "category",
    "prevents_recurrence": "prevents",
    "status": "status",
    "jira_key": "jira_key",
    "id": "",  # the tool's handle, meaningless to a reader
    "addresses": "",  # a why-turn id, shown through the why it answers
    "message_ids": "",  # evidence, cited by the channel's own messages
}

# Findings field -> Document attribute ("" = used only to suggest an answer, with the question id).
FINDING_HOMES: dict[str, str] = {
    "started_at": "times",
    "detected_at": "times",
    "mitigated_at": "times",
    "resolved_at": "times",
    "detection_method": "detection_method",
    "title": "title",
    "severity": "severity",
    "customer_effect": "customer_impact",
    "responders": "responders",
    "events": "timeline",
    "links": "evidence",
    "support_tickets": "support_requests",
    "messaging": "messaging",
    "impact_hints": "scope",
    "impact_window": "impact_began",
    "hypotheses": "unknowns_then",
    "causes": "root_cause",
    "fixes": "fix",
    "luck": "luck",
    "went_well": "went_well",
    "went_badly": "went_badly",
    "action_hints": "actions",
    "prior_incidents": "happened_before",
    "data_impact": "data_impact",
    "runbooks": "",  # suggests the runbooks answer
    "open_questions": "",  # reworded interview questions, not document text
    "candidates": "",  # the other moments each key time could be: offered in the interview, one key to pick
    "phases": "",  # the conversation's phases: what the key times are chosen from
}


@dataclass(frozen=True, slots=True)
class TodoItem:
    """Something the document still lacks, and where it is fixed."""

    text: str  # "[TODO] What went well in the response?"
    target: str = ""  # "question:<id>", "tab:actions", "tab:whys" or "" (the document itself)

    @property
    def question_id(self) -> str:
        """The interview question that fills it ('' when it is not a question)."""
        kind, _, ref = self.target.partition(":")
        return ref if kind == "question" else ""
