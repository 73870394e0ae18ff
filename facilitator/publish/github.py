"""Action items as GitHub issues: one per item, filed once, updated on every later publish.

"Never twice" has two guards, like the Jira filing: the issue URL recorded in the session
(``session.published.github_issues``), and a marker comment in the issue body
(``<!-- facilitator:pm-<session>-<action id> -->``) looked up among the repository's
``post-mortem`` issues before creating, so a crash between "created" and "session saved", or a
session file restored from a backup, cannot produce a duplicate either. Publishing again edits
the issue when the action item changed and leaves it alone otherwise.

Labels are ``post-mortem`` and the item's category (GitHub creates missing labels). The owner
becomes the assignee only when it maps to a login that can be assigned in the repository: a
``github.logins`` entry for the owner's name, or an owner written as a login (``@alice``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TextIO

from facilitator.config import Settings
from facilitator.errors import UserError, redact_secrets
from facilitator.evidence.github import GitHubError, expect_api, github_error, make_github
from facilitator.session import ActionItem, Session

LABEL = "post-mortem"
_REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
_LOGIN_RE = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)$")


@dataclass
class IssuePlan:
    """What publishing does (or did) for one action item."""

    action_id: str
    title: str
    body: str
    labels: list[str]
    assignee: str = ""
    url: str = ""
    outcome: str = "create"  # create | update | unchanged (dry run: what would happen)


def marker(session: Session, action: ActionItem) -> str:
    """The hidden line that identifies this action's issue: the session's owner fingerprint is
    part of it, so another post-mortem with the same session name never takes over its issues."""
    from facilitator.publish.owner import fingerprint

    slug = re.sub(r"[^a-z0-9]+", "-", session.name.lower()).strip("-")[:60]
    return f"<!-- facilitator:pm-{slug}-{fingerprint(session)}-{re.sub(r'[^a-z0-9]+', '-', action.id.lower())} -->"


def _why(session: Session, action: ActionItem) -> str:
    turn = next((w for w in session.whys if w.id == action.addresses), None)
    if turn is not None and turn.answer.strip():
        return f"{turn.question.strip()} {turn.answer.strip()}"
    if action.addresses.strip():
        return action.addresses.strip()
    from facilitator.interview.whys import WhyChain

    root = WhyChain(session).result().root_cause
    if root is not None and root.answer.strip():
        return f"Root cause found in the post-mortem: {' '.join(root.answer.split())}"
    return "Agreed in the post-mortem review."


def issue_body(session: Session, action: ActionItem, title: str) -> str:
    """The issue text: what, why, the post-mortem, owner and due date, and the marker."""
    link = session.published.confluence_url
    lines = [
        f"**What:** {' '.join(action.action.split())}",
        f"**Why:** {_why(session, action)}",
        f"**Post-mortem:** [{title}]({link})" if link else f"**Post-mortem:** {title} (session `{session.name}`, not published yet)",
        f"**Owner:** {action.owner.strip() or 'not agreed yet'}",
        f"**Due:** {action.due.isoformat() if action.due else 'not agreed yet'}",
        f"**Priority:** {action.priority} · **Category:** {action.category} · **Prevents recurrence:** {action.prevents_recurrence}",
        "",
        marker(session, action),
    ]
    return "\n".join(lines)


def owner_login(owner: str, logins: dict[str, str]) -> str:
    """The GitHub login an owner maps to ('' when it does not): the config's map first, then '@login'."""
    name = owner.split("(")[0].strip()
    for key, login in logins.items():
        if key.casefold() == name.casefold() or key.casefold() == name.lstrip("@").casefold():
            return login.lstrip("@")
    m = _LOGIN_RE.match(name)
    return m.group(1) if m and (name.startswith("@") or name.islower()) else ""


def plan_issues(session: Session, title: str, settings: Settings) -> list[IssuePlan]:
    """The issue each action item should have (before asking GitHub what exists)."""
    plans = []
    for action in session.actions:
        labels = [LABEL] + ([action.category] if action.category else [])
        # Issues leave the process: a credential pasted into an action's wording is masked like everywhere else.
        plans.append(IssuePlan(
            action.id, redact_secrets(" ".join(action.action.split()))[:250], redact_secrets(issue_body(session, action, title)), labels,
            owner_login(action.owner, settings.github.logins), session.published.github_issues.get(action.id, ""),
        ))
    return plans


def _existing(repo) -> dict[str, object]:
    """Marker line -> issue, over every issue labelled post-mortem (open or closed; all pages)."""
    found: dict[str, object] = {}
    for issue in repo.get_issues(state="all", labels=[LABEL]):
        if getattr(issue, "pull_request", None) is not None:
            continue
        for line in (issue.body or "").splitlines():
            if line.startswith("<!-- facilitator:"):
                found.setdefault(line.strip(), issue)
    return found


def _number(url: str) -> int | None:
    m = re.search(r"/issues/(\d+)$", url)
    return int(m.group(1)) if m else None


def file_issues(settings: Settings, session: Session, repo_name: str, title: str, dry_run: bool = False,
                client=None, save=None) -> list[IssuePlan]:
    """Create or update one issue per action item; records URLs in ``session`` (and saves after each one)."""
    if not _REPO_RE.match(repo_name):
        raise UserError(f"'{repo_name}' is not a GitHub repository; write it as OWNER/REPO, e.g. acme/payments.")
    plans = plan_issues(session, title, settings)
    if not plans:
        return []
    if dry_run and not settings.github.token and client is None:
        for p in plans:
            p.outcome = "update" if p.url else "create"
        return plans
    client = client or make_github(settings)
    with github_error(f"open {repo_name}", settings):
        repo = client.get_repo(repo_name)
        expect_api(repo.raw_data.get("id"), f"open {repo_name}", settings)  # asks now: a wrong name is a 404 before anything else
        existing = _existing(repo)
    by_action = {a.id: a for a in session.actions}
    for p in plans:
        action = by_action[p.action_id]
        mark = marker(session, action)
        with github_error(f"look up the issue for '{p.title[:40]}'", settings):
            issue = existing.get(mark)
            if issue is None and p.url and (number := _number(p.url)) is not None:
                issue = repo.get_issue(number)
            assignee = p.assignee if p.assignee and repo.has_in_assignees(p.assignee) else ""
        p.assignee = assignee
        if issue is None:
            p.outcome = "create"
            if not dry_run:
                with github_error(f"create an issue in {repo_name}", settings):
                    issue = repo.create_issue(title=p.title, body=p.body, labels=p.labels, assignees=[assignee] if assignee else [])
        else:
            current_labels = sorted(label.name for label in issue.labels)
            current_assignees = [u.login for u in issue.assignees]
            same = issue.title == p.title and (issue.body or "") == p.body and all(lbl in current_labels for lbl in p.labels) and (
                not assignee or assignee in current_assignees)
            p.outcome = "unchanged" if same else "update"
            if not same and not dry_run:
                labels = sorted(set(current_labels) | set(p.labels))
                with github_error(f"update issue #{issue.number} in {repo_name}", settings):
                    issue.edit(title=p.title, body=p.body, labels=labels,
                               assignees=sorted(set(current_assignees) | ({assignee} if assignee else set())))
        if issue is not None:
            p.url = issue.html_url
            if not dry_run:
                session.published.github_issues[p.action_id] = p.url
                if save is not None:
                    save(session)
    return plans


def github_publish_command(settings: Settings, session_name: str, repo_name: str, dry_run: bool,
                           out: TextIO | None = None, client=None) -> int:
    """``facilitator publish SESSION --github OWNER/REPO [--dry-run]``."""
    from facilitator.render import load_session_and_transcript
    from facilitator.sessions import SessionStore

    out = out or sys.stdout
    store = SessionStore()
    session, _ = load_session_and_transcript(settings, session_name)
    if not session.actions:
        out.write("GitHub: the session has no action items; nothing to file.\n")
        return 0
    title = session.answers["title"].value if "title" in session.answers and isinstance(session.answers["title"].value, str) else ""
    title = str(title or session.title or session.name)
    try:
        plans = file_issues(settings, session, repo_name, title, dry_run=dry_run, client=client,
                            save=None if dry_run else store.save)
    except GitHubError:
        if not dry_run:
            store.save(session)  # keep the issues filed before the failure
        raise
    counts = {k: sum(1 for p in plans if p.outcome == k) for k in ("create", "update", "unchanged")}
    if dry_run:
        out.write(f"GitHub dry run ({repo_name}): would create {counts['create']} issue(s), update {counts['update']}, "
                  f"leave {counts['unchanged']} unchanged; nothing was changed.\n")
    else:
        out.write(f"GitHub ({repo_name}): created {counts['create']} issue(s), updated {counts['update']}, "
                  f"{counts['unchanged']} unchanged.\n")
    for p in plans:
        who = f" -> @{p.assignee}" if p.assignee else ""
        out.write(f"  {p.action_id} [{', '.join(p.labels)}]{who}: {p.title} {p.url or '(new)'} ({p.outcome})\n")
    return 0
