"""Jira (optional): one issue per action item, filed once.

Uses atlassian-python-api's ``Jira`` client on the v2 REST API, which Cloud and Data Center
both serve. "Never twice" has two guards: the keys recorded in the session
(``session.published.jira_keys``), and a per-action label (``pm-<session>-<action id>``)
looked up by JQL before creating, so a crash between "created" and "session saved" cannot
produce a duplicate either. The owner becomes the assignee only when the user search finds
exactly one match (Cloud wants an ``accountId``, Data Center a user ``name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from atlassian import Jira

from facilitator.config import Settings
from facilitator.errors import PublishError
from facilitator.publish.confluence import (
    TIMEOUT_SECONDS,
    check_url,
    expect_dict,
    mount_retries,
    refuse_non_json,
    translate_errors,
)
from facilitator.publish.owner import fingerprint
from facilitator.session import ActionItem, Session

LABEL = "post-mortem"
JIRA_URL_SETTING = "jira.url (JIRA_URL)"


@dataclass
class Filed:
    """What happened to one action item."""

    action_id: str
    key: str
    created: bool
    assignee: str = ""


def is_cloud(url: str) -> bool:
    """Atlassian Cloud sites (user search and assignees differ from Data Center)."""
    host = urlparse(url).hostname or ""
    return host.endswith(".atlassian.net") or host.endswith(".jira.com")


def make_client(settings: Settings) -> Jira:
    """A Jira client from the settings (email + API token, or a personal access token)."""
    j = settings.jira
    if not j.url:
        raise PublishError("Jira is not configured; set jira.url in the config or JIRA_URL.")
    check_url(j.url, JIRA_URL_SETTING, "https://SITE.atlassian.net")
    token = j.token.get_secret_value() if j.token else ""
    if not token:
        raise PublishError("No Jira token; set JIRA_TOKEN (an API token on Cloud, a personal access token on Data Center).")
    common: dict[str, Any] = {"cloud": is_cloud(j.url), "timeout": TIMEOUT_SECONDS}
    if j.email:
        client = Jira(j.url.rstrip("/"), username=j.email, password=token, **common)
    else:
        client = Jira(j.url.rstrip("/"), token=token, **common)
    mount_retries(client.session, methods=frozenset({"GET"}))  # never re-send a create: it could file twice
    refuse_non_json(client.session, "Jira", JIRA_URL_SETTING, j.url)
    return client


def action_label(session: Session, action: ActionItem) -> str:
    """The label that identifies this action's issue (JQL-safe). It carries the session's owner
    fingerprint: another session with the same name (the same channel on another laptop) has
    its own issues and never takes ours for its own."""
    slug = re.sub(r"[^a-z0-9]+", "-", session.name.lower()).strip("-")[:40]
    return f"pm-{slug}-{fingerprint(session)}-{re.sub(r'[^a-z0-9]+', '-', action.id.lower())}"


def _assignee(client: Jira, owner: str, cloud: bool) -> dict[str, str] | None:
    if not owner.strip():
        return None
    name = owner.split("(")[0].strip().lstrip("@")
    users = client.user_find_by_user_string(query=name) if cloud else client.user_find_by_user_string(username=name)
    if not isinstance(users, list) or len(users) != 1 or not isinstance(users[0], dict):
        return None
    user = users[0]
    return {"accountId": user["accountId"]} if cloud and user.get("accountId") else {"name": user.get("name", "")}


def _description(session: Session, action: ActionItem, page_url: str, title: str) -> str:
    lines = [
        f"Action item from the post-mortem \"{title}\".",
        f"Post-mortem: {page_url}" if page_url else "Post-mortem: not published to Confluence yet.",
        "",
        f"Priority: {action.priority} · Category: {action.category} · Prevents recurrence: {action.prevents_recurrence}",
    ]
    if action.owner:
        lines.append(f"Owner (from the post-mortem): {action.owner}")
    return "\n".join(lines)


def file_action_items(
    settings: Settings, session: Session, project: str, page_url: str, title: str,
    dry_run: bool = False, client: Jira | None = None,
) -> list[Filed]:
    """File every action item not filed yet; updates ``session`` in place with the new keys."""
    if not session.actions:
        return []
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,19}", project):
        raise PublishError(f"'{project}' is not a Jira project key; use the key in capitals, e.g. OPS.")
    todo = [a for a in session.actions if not (session.published.jira_keys.get(a.id) or a.jira_key)]
    done = [Filed(a.id, session.published.jira_keys.get(a.id) or a.jira_key, False) for a in session.actions if a not in todo]
    if dry_run or not todo:
        return done + [Filed(a.id, "", False) for a in todo]
    client = client or make_client(settings)
    cloud = is_cloud(settings.jira.url)
    url = settings.jira.url
    hint = "check JIRA_EMAIL and JIRA_TOKEN."
    for action in todo:
        label = action_label(session, action)
        with translate_errors("Jira", f"look for an earlier issue for '{action.action[:40]}'", url, hint):
            found = client.jql(f'project = "{project}" AND labels = "{label}"', fields="summary", limit=1)
        issues = expect_dict(found, "Jira", JIRA_URL_SETTING, url, key="issues")["issues"]
        if not isinstance(issues, list):
            expect_dict(None, "Jira", JIRA_URL_SETTING, url)  # raises: a search result holds a list
        if issues:
            key, created, assignee = expect_dict(issues[0], "Jira", JIRA_URL_SETTING, url, key="key")["key"], False, ""
        else:
            fields: dict[str, Any] = {
                "project": {"key": project},
                "summary": " ".join(action.action.split())[:250],
                "description": _description(session, action, page_url, title),
                "issuetype": {"name": "Task"},
                "labels": [LABEL, label],
            }
            if action.due:
                fields["duedate"] = action.due.isoformat()
            with translate_errors("Jira", f"find the user '{action.owner}'", url, hint):
                assignee_field = _assignee(client, action.owner, cloud)
            if assignee_field:
                fields["assignee"] = assignee_field
            with translate_errors("Jira", f"create an issue in {project}", url, hint):
                issue = client.create_issue(fields=fields)
            issue = expect_dict(issue, "Jira", JIRA_URL_SETTING, url, key="key")
            key, created, assignee = issue["key"], True, next(iter(assignee_field.values()), "") if assignee_field else ""
        session.published.jira_keys[action.id] = key
        action.jira_key = key
        done.append(Filed(action.id, key, created, assignee))
    return done
