"""GitLab (gitlab.com or self-managed) through python-gitlab: linked merge requests and commits.

python-gitlab is GitLab's community-maintained client: it pages lists (``iterator=True`` follows
the ``Link`` header), obeys 429 with ``Retry-After`` / ``RateLimit-Reset``, and takes any base
URL, so a self-managed instance is just ``gitlab.url``. Failures become one sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from dateutil import parser as dateparser

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.evidence.changes import Change, LinkedRef
from facilitator.evidence.github import is_production

TIMEOUT_SECONDS = 20
MAX_DEPLOYMENTS = 200  # successful deployments looked at after the merge


class GitLabError(UserError):
    """GitLab refused or could not be reached."""

    title = "GitLab"


def make_gitlab(settings: Settings):
    """A python-gitlab client for the configured instance; GitLabError when there is no token."""
    import gitlab

    token = settings.gitlab.token.get_secret_value() if settings.gitlab.token else ""
    if not token:
        raise GitLabError("No GitLab token; set GITLAB_TOKEN (or gitlab.token in the config) to a token with read_api.")
    return gitlab.Gitlab(settings.gitlab.url.rstrip("/"), private_token=token, timeout=TIMEOUT_SECONDS,
                         retry_transient_errors=True, per_page=100)


@contextmanager
def gitlab_error(doing: str, settings: Settings) -> Iterator[None]:
    """Turn python-gitlab's and the network's exceptions into one GitLabError sentence."""
    import requests
    from gitlab import exceptions as gle

    where = settings.gitlab.url
    try:
        yield
    except gle.GitlabAuthenticationError:
        raise GitLabError(f"GitLab at {where} refused the token (401) while trying to {doing}; check GITLAB_TOKEN.") from None
    except gle.GitlabError as exc:
        code = getattr(exc, "response_code", None)
        if code == 404:
            raise GitLabError(f"GitLab at {where} found nothing (404) while trying to {doing}; check the link, and that the token can see the project.") from None
        if code == 403:
            raise GitLabError(f"GitLab at {where} refused (403) to {doing}; the token needs the read_api scope.") from None
        if code == 429:
            raise GitLabError(f"GitLab kept answering 'too many requests' (429) while trying to {doing}; try again later.") from None
        raise GitLabError(f"GitLab at {where} answered {code or 'an error'} while trying to {doing}; try again later.") from None
    except json.JSONDecodeError:  # a sign-in page or a proxy answered instead of the API
        raise GitLabError(
            f"GitLab at {where} did not answer with JSON while trying to {doing}; check gitlab.url (GITLAB_URL) points at the API."
        ) from None
    except requests.exceptions.RequestException as exc:
        raise GitLabError(
            f"GitLab at {where} could not be reached while trying to {doing} ({exc.__class__.__name__}); check gitlab.url and the network."
        ) from None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    at = dateparser.isoparse(value)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _first_deploy(project, shas: set[str], after: datetime) -> tuple[datetime | None, str]:
    """The first successful deployment after ``after`` of one of ``shas``: (time, environment)."""
    deployments = project.deployments.list(
        iterator=True, status="success", order_by="updated_at", sort="asc", updated_after=after.isoformat()
    )
    found: list[tuple[bool, datetime, str]] = []
    for i, d in enumerate(deployments):
        if i >= MAX_DEPLOYMENTS:
            break
        at = _when(d.attributes.get("updated_at") or d.attributes.get("created_at"))
        if d.attributes.get("sha") in shas and at is not None:
            env = (d.attributes.get("environment") or {}).get("name", "")
            found.append((not is_production(env), at, env))
    if not found:
        return None, ""
    _, at, env = min(found)
    return at, env


def resolve_change(client, ref: LinkedRef, settings: Settings) -> Change:
    """A GitLab merge request or commit as a ``Change`` (GitLabError when it cannot be read)."""
    with gitlab_error(f"read {ref.label}", settings):
        project = client.projects.get(ref.project, lazy=True)
        if ref.kind == "merge_request":
            mr = project.mergerequests.get(int(ref.number))
            a = mr.attributes
            merged_by = a.get("merge_user") or a.get("merged_by") or {}
            change = Change(ref, "GitLab", " ".join(str(a.get("title") or "").split()),
                            author=(a.get("author") or {}).get("username", ""), merged_by=merged_by.get("username", ""),
                            merged_at=_when(a.get("merged_at")))
            shas = {s for s in (a.get("merge_commit_sha"), a.get("squash_commit_sha"), a.get("sha")) if s}
        else:
            commit = project.commits.get(ref.number)
            a = commit.attributes
            change = Change(ref, "GitLab", str(a.get("title") or ref.number[:7]), author=str(a.get("author_name") or ""),
                            merged_at=_when(a.get("committed_date")))
            shas = {str(a.get("id") or ref.number)}
        if shas and change.merged_at is not None:
            change.deployed_at, change.deployed_to = _first_deploy(project, shas, change.merged_at)
    return change
