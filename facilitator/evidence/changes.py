"""What a code change linked in the channel did and when: the shape every code host resolves to.

GitHub pull requests and commits and GitLab merge requests and commits all become a ``Change``:
its title, who wrote and merged it, when it merged, and when it reached an environment (a
deployment that succeeded, or the first release that contains it). ``change_rows`` turns one
into timeline rows and key-time candidates: a change that landed before the incident was noticed
is a candidate for "fault introduced"; one that landed after is a candidate for "fix deployed".
Each row and candidate cites the change's URL and the channel message that linked it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from facilitator.evidence.model import EvidenceRow, TimeCandidate


@dataclass
class LinkedRef:
    """A reference found in the channel: what it points at and the messages that linked it."""

    service: str  # "github", "gitlab", "jira"
    kind: str  # "pull", "commit", "merge_request", "issue"
    project: str  # "owner/repo", "group/sub/project", or the Jira key's project
    number: str  # PR/MR number, commit sha, Jira key
    url: str
    message_ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'acme/api#42', 'acme/api@1a2b3c4', 'group/app!7', 'OPS-12'."""
        if self.kind == "pull":
            return f"{self.project}#{self.number}"
        if self.kind == "merge_request":
            return f"{self.project}!{self.number}"
        if self.kind == "commit":
            return f"{self.project}@{self.number[:7]}"
        return self.number


@dataclass
class Change:
    """A resolved code change."""

    ref: LinkedRef
    source: str  # "GitHub" or "GitLab"
    title: str
    author: str = ""
    merged_by: str = ""
    merged_at: datetime | None = None  # commits: the commit time
    deployed_at: datetime | None = None
    deployed_to: str = ""  # "production", or "release v1.4.2"


_GITHUB_PATH = re.compile(r"^/(?P<project>[\w.-]+/[\w.-]+)/(?:(?P<pull>pull)/(?P<n>\d+)|commits?/(?P<sha>[0-9a-f]{7,40}))\b")
_GITLAB_PATH = re.compile(
    r"^/(?P<project>[\w.-]+(?:/[\w.-]+)+?)/-/(?:merge_requests/(?P<n>\d+)|commits?/(?P<sha>[0-9a-f]{7,40}))\b"
)
_JIRA_PATH = re.compile(r"/browse/(?P<key>[A-Z][A-Z0-9_]+-\d+)\b")


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _base_path(url: str) -> str:
    try:
        return urlsplit(url).path.rstrip("/")
    except ValueError:
        return ""


def parse_ref(url: str, github_url: str = "", gitlab_url: str = "", jira_url: str = "") -> LinkedRef | None:
    """The reference a URL makes to a configured GitHub, GitLab or Jira, else None."""
    host = _host(url)
    if not host:
        return None
    path = _base_path(url)
    for service, base in (("github", github_url), ("gitlab", gitlab_url), ("jira", jira_url)):
        if not base or host != _host(base):
            continue
        prefix = _base_path(base)
        if prefix and not path.startswith(prefix + "/"):
            continue
        rest = path[len(prefix):]
        if service == "jira":
            m = _JIRA_PATH.search(rest)
            if m:
                return LinkedRef("jira", "issue", m.group("key").split("-")[0], m.group("key"), url)
            continue
        m = (_GITHUB_PATH if service == "github" else _GITLAB_PATH).match(rest + "/")
        if m is None:
            continue
        if m.group("sha"):
            return LinkedRef(service, "commit", m.group("project"), m.group("sha"), url)
        return LinkedRef(service, "pull" if service == "github" else "merge_request", m.group("project"), m.group("n"), url)
    return None


def _shipped(change: Change) -> str:
    """'deployed to production', 'shipped in release v1.4.2', or 'deployed'."""
    if change.deployed_to.startswith("release "):
        return f"shipped in {change.deployed_to}"
    return "deployed" + (f" to {change.deployed_to}" if change.deployed_to else "")


def change_rows(change: Change, noticed: datetime | None) -> tuple[list[EvidenceRow], list[TimeCandidate]]:
    """Timeline rows (merged, deployed) and key-time candidates for one change.

    ``noticed`` is when the incident was detected (or the channel's first message): a change
    live before then may have introduced the fault; one live after it may be the fix.
    """
    rows: list[EvidenceRow] = []
    ref = change.ref
    what = "PR" if ref.kind == "pull" else "MR" if ref.kind == "merge_request" else "commit"
    name = f"{what} {ref.label} '{change.title}'"
    live = change.deployed_at or change.merged_at
    fault = noticed is None or (live is not None and live <= noticed)
    if change.merged_at is not None:
        verb = "committed" if ref.kind == "commit" else "merged"
        rows.append(EvidenceRow(
            at=change.merged_at, source=change.source, actor=change.merged_by or change.author,
            kind="other", summary=f"{name} {verb}", url=ref.url, message_ids=list(ref.message_ids),
        ))
    shipped = _shipped(change)
    if change.deployed_at is not None:
        rows.append(EvidenceRow(
            at=change.deployed_at, source=change.source, actor=change.source, automated=True,
            kind="other" if fault else "fix_deployed", summary=f"{name} {shipped}", url=ref.url,
            message_ids=list(ref.message_ids),
        ))
    if live is None:
        return rows, []
    moment = shipped if change.deployed_at else ("committed" if ref.kind == "commit" else "merged")
    label = f"{name} {moment}"
    if fault:
        rows[-1].kind = "fault_introduced"  # the candidate moment: a major event of the timeline, not a verdict
        candidate = TimeCandidate(field="started_at", at=live, label=label, url=ref.url, message_ids=list(ref.message_ids),
                                  confidence=0.6 if change.deployed_at else 0.5)
    else:
        rows[-1].kind = "fix_deployed"
        candidate = TimeCandidate(field="resolved_at", at=live, label=label, url=ref.url, message_ids=list(ref.message_ids),
                                  confidence=0.4)
    return rows, [candidate]
