"""GitHub (and GitHub Enterprise Server) through PyGithub: resolving linked changes, and the client.

PyGithub is the long-maintained synchronous client: it pages lists for us (``PaginatedList``
follows the ``Link`` header), waits out rate limits using GitHub's own reset headers
(``GithubRetry``: 403 with ``X-RateLimit-Reset``, ``Retry-After`` on 403/429), and takes an
Enterprise ``base_url``. We cap that wait (``MAX_RATE_WAIT``) so a used-up hourly limit is one
sentence rather than a frozen screen, and every failure is turned into one sentence that names
the setting to fix (``github_error``). The token is only ever in the client's header.

``make_github`` is shared with ``facilitator.publish.github``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import urlsplit

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.evidence.changes import Change, LinkedRef

MAX_RATE_WAIT = 60.0  # seconds: longer than this, say when to try again instead of waiting
TIMEOUT_SECONDS = 20
MAX_RELEASES = 30  # releases looked at (newest pages first) to find the first that carries a change
DEPLOY_OK = frozenset({"success"})
_PROD_RE = re.compile(r"\b(?:prod|production|live|prd)\b", re.I)


class GitHubError(UserError):
    """GitHub refused or could not be reached."""

    title = "GitHub"


def api_url(settings: Settings) -> str:
    """The REST base: the configured one, api.github.com for github.com, else the Enterprise URL + /api/v3."""
    g = settings.github
    if g.api_url:
        return g.api_url.rstrip("/")
    host = (urlsplit(g.url).hostname or "").lower()
    if host in ("", "github.com", "www.github.com"):
        return "https://api.github.com"
    return g.url.rstrip("/") + "/api/v3"


def make_github(settings: Settings, write_pause: float = 1.0):
    """A PyGithub client for the configured server; GitHubError when there is no token."""
    from github import Auth, Github, GithubRetry

    token = settings.github.token.get_secret_value() if settings.github.token else ""
    if not token:
        raise GitHubError("No GitHub token; set GITHUB_TOKEN (or github.token in the config) to a token that can read the repository.")
    # PyGithub attaches its own stderr handler and logs every retried 403 there; in the app that
    # text would be painted over the screen, and the failure reaches the user as one sentence anyway.
    logging.getLogger("github").setLevel(logging.ERROR)
    retry = GithubRetry(total=3, backoff_factor=0.2, max_rate_limit_wait=MAX_RATE_WAIT,
                        status_forcelist=[429, 502, 503, 504])
    return Github(
        auth=Auth.Token(token), base_url=api_url(settings), timeout=TIMEOUT_SECONDS, retry=retry, per_page=100,
        seconds_between_requests=None, seconds_between_writes=write_pause or None, lazy=True,
    )


def _reset_time(headers: dict | None) -> str:
    value = (headers or {}).get("x-ratelimit-reset") or (headers or {}).get("X-RateLimit-Reset")
    if value and str(value).isdigit():
        return datetime.fromtimestamp(int(value), timezone.utc).strftime("%H:%M UTC")
    return ""


@contextmanager
def github_error(doing: str, settings: Settings) -> Iterator[None]:
    """Turn PyGithub's and the network's exceptions into one GitHubError sentence."""
    import requests
    from github import GithubException
    from github.GithubException import (
        BadCredentialsException,
        RateLimitExceededException,
        UnknownObjectException,
    )

    where = api_url(settings)
    try:
        yield
    except BadCredentialsException:
        raise GitHubError(f"GitHub at {where} refused the token (401) while trying to {doing}; check GITHUB_TOKEN.") from None
    except RateLimitExceededException as exc:
        when = _reset_time(exc.headers)
        raise GitHubError(
            f"GitHub's rate limit is used up while trying to {doing}; try again"
            f"{' after ' + when if when else ' later'}, or use a token with a higher limit."
        ) from None
    except UnknownObjectException:
        raise GitHubError(
            f"GitHub at {where} found nothing (404) while trying to {doing}; check the name, and that the token can see it."
        ) from None
    except GithubException as exc:
        if exc.status == 403:
            raise GitHubError(f"GitHub at {where} refused (403) to {doing}; the token lacks the scope or the repository access.") from None
        if exc.status == 429:
            raise GitHubError(f"GitHub kept answering 'too many requests' (429) while trying to {doing}; try again later.") from None
        raise GitHubError(f"GitHub at {where} answered {exc.status} while trying to {doing}; try again later.") from None
    except requests.exceptions.RetryError:
        raise GitHubError(f"GitHub at {where} kept failing while trying to {doing}; try again later.") from None
    except json.JSONDecodeError:  # a sign-in page or a proxy answered instead of the API
        raise GitHubError(
            f"GitHub at {where} did not answer with JSON while trying to {doing}; check github.api_url (GITHUB_API_URL) points at the API."
        ) from None
    except requests.exceptions.RequestException as exc:
        raise GitHubError(
            f"GitHub at {where} could not be reached while trying to {doing} ({exc.__class__.__name__}); "
            "check github.url / GITHUB_API_URL and the network."
        ) from None


def expect_api(value: object, doing: str, settings: Settings) -> None:
    """GitHubError when an object came back empty: PyGithub keeps a non-JSON answer (an SSO sign-in
    page with status 200) as raw text instead of failing, so every field reads None."""
    if value is None:
        raise GitHubError(
            f"GitHub at {api_url(settings)} did not answer with JSON while trying to {doing}; "
            "check github.api_url (GITHUB_API_URL) points at the API."
        )


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def is_production(environment: str) -> bool:
    """True for environment names that mean production ('production', 'prod-eu', 'live')."""
    return bool(_PROD_RE.search(environment or ""))


def _first_deploy(repo, sha: str) -> tuple[datetime | None, str]:
    """The earliest successful deployment of ``sha`` to production, else to any environment."""
    found: list[tuple[bool, datetime, str]] = []
    for deployment in repo.get_deployments(sha=sha):
        for status in deployment.get_statuses():
            at = _aware(status.created_at)
            if status.state in DEPLOY_OK and at is not None:
                env = deployment.environment or ""
                found.append((not is_production(env), at, env))
    if not found:
        return None, ""
    _, at, env = min(found)
    return at, env


def _first_release(repo, sha: str, after: datetime) -> tuple[datetime | None, str]:
    """The earliest published release after ``after`` whose tag contains ``sha``."""
    releases = []
    for i, release in enumerate(repo.get_releases()):
        if i >= MAX_RELEASES:
            break
        published = _aware(release.published_at)
        if published is not None and published >= after and not release.draft:
            releases.append((published, release.tag_name))
    for published, tag in sorted(releases):
        comparison = repo.compare(sha, tag)
        if comparison.status in ("ahead", "identical"):
            return published, f"release {tag}"
    return None, ""


def resolve_change(client, ref: LinkedRef, settings: Settings) -> Change:
    """A GitHub PR or commit as a ``Change`` (GitHubError with one sentence when it cannot be read)."""
    with github_error(f"read {ref.label}", settings):
        repo = client.get_repo(ref.project)
        if ref.kind == "pull":
            pr = repo.get_pull(int(ref.number))
            expect_api(pr.raw_data.get("title"), f"read {ref.label}", settings)  # raw_data: fetched now, even when lazy
            change = Change(
                ref, "GitHub", " ".join((pr.title or "").split()), author=pr.user.login if pr.user else "",
                merged_by=pr.merged_by.login if pr.merged_by else "", merged_at=_aware(pr.merged_at),
            )
            sha = pr.merge_commit_sha if pr.merged else ""
        else:
            commit = repo.get_commit(ref.number)
            expect_api(commit.raw_data.get("sha"), f"read {ref.label}", settings)
            first_line = (commit.commit.message or "").strip().splitlines()[0:1]
            change = Change(
                ref, "GitHub", first_line[0] if first_line else ref.number[:7],
                author=commit.author.login if commit.author else (commit.commit.author.name if commit.commit.author else ""),
                merged_at=_aware(commit.commit.committer.date if commit.commit.committer else None),
            )
            sha = commit.sha
        if sha and change.merged_at is not None:
            change.deployed_at, change.deployed_to = _first_deploy(repo, sha)
            if change.deployed_at is None:
                change.deployed_at, change.deployed_to = _first_release(repo, sha, change.merged_at)
    return change
