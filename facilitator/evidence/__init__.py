"""Evidence beyond the chat: alert, page and log records, and what the channel's links point to.

``gather_evidence`` runs once when a session starts. It reads the ``--evidence`` files (always:
the user named them) and, only for the services the user configured a token for, resolves the
pull requests, merge requests, commits and Jira issues the channel links to. With no token and
no file it returns an empty record without touching the network. What could not be read becomes
one sentence in ``EvidenceRecord.notes``; the session starts anyway with what was found.
"""

from __future__ import annotations

from facilitator.evidence.model import EvidenceRecord, EvidenceRow, TicketInfo, TimeCandidate

__all__ = ["EvidenceRecord", "EvidenceRow", "TicketInfo", "TimeCandidate", "gather_evidence"]


def __getattr__(name: str):  # lazy: the clients behind gather_evidence are heavy imports
    if name == "gather_evidence":
        from facilitator.evidence.gather import gather_evidence

        return gather_evidence
    raise AttributeError(name)
