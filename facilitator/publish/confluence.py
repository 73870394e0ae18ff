"""Confluence: put the post-mortem in the right place of the company's page tree.

Client choice (verified by reading atlassian-python-api 5.0.x): ``Confluence(url)`` with an
``*.atlassian.net`` URL dispatches to a Cloud class that lacks ``create_page``/``update_page``,
and ``api_version=1`` routes to the v2 client, which is broken for this use. The Server
client (``ConfluenceServer``, i.e. ``cloud=False``) speaks the v1 REST API
(``/rest/api/content``, ``/rest/api/search``), which Cloud still serves under
``https://SITE.atlassian.net/wiki`` with email + API token as basic auth, and Data Center serves
with a personal access token. It is also the only path with CQL search. So we always build
``ConfluenceServer`` and pick the auth from the settings: email set -> basic, else bearer PAT.

Layout: parent page (``confluence.parent_page_id``) -> year page ``Post-mortems YYYY``
(``confluence.year_page_title``; an existing child titled just ``YYYY`` is reused; the default
is not a bare year because Confluence titles are unique per space and "2024" would collide
across teams) -> ``[YYYY-MM-DD] <title>``. Publishing again updates
the same page (found by the id recorded in the session, then by title), never a duplicate, and
a page found by title is updated only when its owner property says it is this session's
(``publish.owner``): a colleague's page with the same title is never overwritten; a
409 (someone saved in between) is retried against the latest version.

The client returns whatever the server sent: a single sign-on login page answered with 200
comes back as a string (GET) or None (POST/PUT). So the URL is checked up front, a response
hook refuses any successful answer that is not JSON, and every answer we read is checked to
be the object we expect (``expect_dict``); each case is one sentence naming the URL setting.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from atlassian.confluence import ConfluenceServer
from atlassian.errors import ApiError

from facilitator.config import Settings, is_http_url
from facilitator.errors import PublishError, strip_userinfo
from facilitator.publish.owner import PROPERTY_KEY, describe

YEAR_TITLE = "Post-mortems {year}"
CONFLICT_RETRIES = 3
TIMEOUT_SECONDS = 30
SIMILAR_TIMEOUT_SECONDS = 4.0  # the interview waits on it; a slow wiki must not stall a question
# Transient answers (rate limit, gateway errors) are retried with exponential backoff and
# Retry-After honoured. We mount our own urllib3 Retry instead of the client's
# ``backoff_and_retry``: that one sets ``total=None``, which retries a refused connection
# forever. Duplicate creates are impossible on retry because Confluence refuses a second page
# with the same title in a space.
RETRY_STATUSES = [429, 502, 503, 504]
RETRIES = 3
RETRY_BACKOFF = 0.5  # seconds, doubled per attempt
RETRY_AFTER_MAX = 30  # seconds: a longer Retry-After is cut to this (urllib3's default is six hours)


@dataclass
class PageTarget:
    """Where a page goes and whether it exists already."""

    title: str
    space: str
    parent_id: str
    parent_title: str
    year_title: str
    year_page_id: str  # "" when the year page would be created
    page_id: str  # "" when the page would be created
    version: int  # current version of the existing page, 0 when new
    conflict: str = ""  # a same-title page that is not ours: the one-sentence refusal, "" when none


@dataclass
class PublishedPage:
    """The outcome of a publish."""

    page_id: str
    url: str
    version: int
    created: bool
    year_page_id: str
    target: PageTarget


def _status(exc: BaseException) -> int | None:
    if isinstance(exc, ApiError) and isinstance(exc.reason, requests.HTTPError):
        exc = exc.reason
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _port(parts: Any) -> int | None:
    try:
        return parts.port
    except ValueError:  # a port that is not a number: leave it out
        return None


class Unreachable(PublishError):
    """The service could not be asked (network, timeouts, 5xx): not a problem of the settings."""


@contextlib.contextmanager
def translate_errors(service: str, what: str, url: str, hint_401: str) -> Iterator[None]:
    """Turn client exceptions into one-sentence PublishErrors (no secrets, no traceback)."""
    parts = urlparse(url)
    host = f"{parts.hostname}{':' + str(parts.port) if _port(parts) else ''}" if parts.hostname else strip_userinfo(url)
    try:
        yield
    except (requests.ConnectionError, requests.Timeout):
        raise Unreachable(f"Could not reach {service} at {host} while trying to {what}; check the URL and your network.") from None
    except (requests.HTTPError, ApiError) as exc:
        status = _status(exc)
        if status == 401:
            raise PublishError(f"{service} rejected the credentials (401) while trying to {what}; {hint_401}") from None
        if status == 403 or (status is None and "permission" in str(exc).lower()):
            raise PublishError(f"{service} denied permission (403) to {what}; ask an admin for the rights or use another account.") from None
        if status == 404 or status is None:
            raise PublishError(f"{service} could not find what was needed to {what} (404); check the ids in your config.") from None
        raise Unreachable(f"{service} failed with HTTP {status} while trying to {what}; try again later.") from None
    except requests.RequestException:  # e.g. RetryError once transient failures outlast the retries
        raise Unreachable(f"{service} kept failing while trying to {what}, even after retries; try again later.") from None


CONFLUENCE_URL_SETTING = "confluence.url (CONFLUENCE_URL)"


def check_url(url: str, setting: str, example: str = "https://SITE.atlassian.net/wiki") -> None:
    """PublishError unless ``url`` is an http(s) URL with a host."""
    if not is_http_url(url):
        raise PublishError(f"The {setting} value '{strip_userinfo(url)[:80]}' is not an http(s) URL; set it to something like {example}.")


def _shown(url: str) -> str:
    parts = urlparse(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}".rstrip("/")


def not_the_api(service: str, setting: str, url: str, what: str) -> PublishError:
    """The error for a successful answer that is not the service's REST API (login page, proxy)."""
    return PublishError(
        f"{service} at {_shown(url)} answered with {what}, not its REST API (a single sign-on login page or proxy"
        f" may be in the way); check that {setting} is the site's base URL."
    )


def refuse_non_json(session: requests.Session, service: str, setting: str, url: str) -> None:
    """Install a response hook: a 2xx answer with a body that is not JSON raises ``not_the_api``."""

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if not 200 <= response.status_code < 300 or not response.content:
            return
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not ctype.endswith("json"):
            what = "an HTML page" if "html" in ctype else f"a body of type {ctype or 'unknown'}"
            raise not_the_api(service, setting, url, what)

    session.hooks["response"].append(hook)


def expect_dict(value: Any, service: str, setting: str, url: str, key: str = "id") -> dict[str, Any]:
    """``value`` when it is a JSON object carrying ``key`` (the client hands back anything the server sent)."""
    if isinstance(value, dict) and (not key or key in value):
        return value
    what = "an empty body" if value in (None, "", b"") else "JSON of an unexpected shape"
    raise not_the_api(service, setting, url, what)


def _page(value: Any, settings: Settings) -> dict[str, Any]:
    return expect_dict(value, "Confluence", CONFLUENCE_URL_SETTING, base_url(settings))


def _version(page: dict[str, Any], settings: Settings) -> int:
    number = (page.get("version") or {}).get("number") if isinstance(page.get("version"), dict) else None
    if not isinstance(number, int):
        raise not_the_api("Confluence", CONFLUENCE_URL_SETTING, base_url(settings), "a page without a version")
    return number


def base_url(settings: Settings) -> str:
    """The v1 base URL: Cloud sites need the /wiki context path."""
    url = settings.confluence.url.strip().rstrip("/")
    host = urlparse(url).hostname or ""
    if host.endswith(".atlassian.net") and not urlparse(url).path.startswith("/wiki"):
        url += "/wiki"
    return url


def make_client(settings: Settings, for_writing: bool = True) -> ConfluenceServer:
    """A v1 client (see the module docstring for why ``cloud=False`` on Cloud too).

    Reading pages (``for_writing=False``, as ``review`` does) needs no space or parent page.
    """
    c = settings.confluence
    if not c.url:
        raise PublishError("Confluence is not configured; set confluence.url (run `facilitator init`) or CONFLUENCE_URL.")
    check_url(c.url, CONFLUENCE_URL_SETTING)
    if for_writing and (not c.space or not c.parent_page_id):
        raise PublishError("Set confluence.space and confluence.parent_page_id in the config so the page has a place.")
    token = c.token.get_secret_value() if c.token else ""
    if not token:
        raise PublishError("No Confluence token; set CONFLUENCE_TOKEN (an API token on Cloud, a personal access token on Data Center).")
    common: dict[str, Any] = {"cloud": False, "timeout": TIMEOUT_SECONDS}
    if c.email:
        client = ConfluenceServer(base_url(settings), username=c.email, password=token, **common)
    else:
        client = ConfluenceServer(base_url(settings), token=token, **common)
    mount_retries(client.session)
    refuse_non_json(client.session, "Confluence", CONFLUENCE_URL_SETTING, base_url(settings))
    return client


def mount_retries(session: requests.Session, methods: frozenset[str] | None = None) -> None:
    """Bounded retries for transient statuses and one reconnect; the last answer is returned.

    ``methods`` limits which requests are retried (None: all, safe for Confluence pages).
    """
    retry = Retry(
        total=RETRIES, connect=1, read=0, status=RETRIES, allowed_methods=methods, status_forcelist=RETRY_STATUSES,
        backoff_factor=RETRY_BACKOFF, backoff_max=30, respect_retry_after_header=True, raise_on_status=False,
        retry_after_max=RETRY_AFTER_MAX,
    )
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=retry))


def _hint(settings: Settings) -> str:
    if settings.confluence.email:
        return "check CONFLUENCE_EMAIL and that CONFLUENCE_TOKEN is a current API token."
    return "check that CONFLUENCE_TOKEN is a valid personal access token."


def page_url(page: dict[str, Any], fallback_base: str) -> str:
    """The browser URL of a page from its ``_links``."""
    links = page.get("_links") if isinstance(page.get("_links"), dict) else {}
    return (links.get("base") or fallback_base).rstrip("/") + (links.get("webui") or f"/pages/{page.get('id', '')}")


def _first(result: Any) -> dict[str, Any] | None:
    # 5.0.x returns the raw {"results": [...]} from get_page_by_title
    if isinstance(result, dict):
        items = result.get("results", [result] if result.get("id") else [])
        return items[0] if items else None
    return None


def page_owner(client: ConfluenceServer, settings: Settings, page_id: str) -> dict[str, Any] | None:
    """The owner property of a page (None when it has none)."""
    with translate_errors("Confluence", f"read the owner of page {page_id}", base_url(settings), _hint(settings)):
        try:
            found = client.get_page_property(page_id, PROPERTY_KEY)
        except ApiError as exc:
            if _status(exc) in (404, None):
                return None
            raise
    value = found.get("value") if isinstance(found, dict) else None
    return value if isinstance(value, dict) else None


def set_owner(client: ConfluenceServer, settings: Settings, page_id: str, owner: dict[str, Any]) -> None:
    """Record ``owner`` on the page (create the property, or update it when it differs)."""
    with translate_errors("Confluence", f"record the owner of page {page_id}", base_url(settings), _hint(settings)):
        try:
            current = client.get_page_property(page_id, PROPERTY_KEY)
        except ApiError as exc:
            if _status(exc) not in (404, None):
                raise
            current = None
        if not isinstance(current, dict):
            client.set_page_property(page_id, {"key": PROPERTY_KEY, "value": owner})
        elif current.get("value") != owner:
            number = ((current.get("version") or {}).get("number") or 0) + 1
            client.update_page_property(page_id, {"key": PROPERTY_KEY, "value": owner, "version": {"number": number}})


def _conflict(title: str, page_id: str, space: str, found: dict[str, Any] | None) -> str:
    return (
        f"A page titled '{title[:120]}' already exists in space {space} (page {page_id}) and {describe(found)}; "
        "nothing was changed: give this post-mortem a distinct title with --title \"...\", or, if that page really is "
        f"this incident's, take it over with --adopt-page {page_id}."
    )


def locate(client: ConfluenceServer, settings: Settings, title: str, year: int, known_page_id: str = "",
           owner: dict[str, Any] | None = None) -> PageTarget:
    """Find parent, year page and existing page without changing anything.

    With ``owner``, a page found only by its title is checked: when it is not ours the target
    carries a ``conflict`` sentence instead of being updated.
    """
    c = settings.confluence
    url = base_url(settings)
    with translate_errors("Confluence", f"open the parent page {c.parent_page_id}", url, _hint(settings)):
        parent = _page(client.get_page_by_id(c.parent_page_id, expand="space"), settings)
    year_title = (c.year_page_title or YEAR_TITLE).replace("{year}", str(year))
    year_page_id = ""
    with translate_errors("Confluence", "list the year pages", url, _hint(settings)):
        children = [_page(child, settings) for child in client.get_page_child_by_type(c.parent_page_id, type="page") or []]
        for child in children:
            if child.get("title") in (year_title, str(year)):
                year_page_id, year_title = child["id"], child["title"]
                break
    if not year_page_id:  # a new year page is named as its siblings are (house style)
        from facilitator.publish.house_style import year_page_title

        def taken(candidate: str) -> bool:
            with translate_errors("Confluence", "check the year page title", url, _hint(settings)):
                return _first(client.get_page_by_title(c.space, candidate)) is not None

        year_title = year_page_title([str(ch.get("title", "")) for ch in children], year, c.year_page_title or YEAR_TITLE,
                                     "year_page_title" in c.model_fields_set, taken)
        existing = next((ch for ch in children if ch.get("title") == year_title), None)
        if existing is not None:
            year_page_id = existing["id"]
    page_id, version, conflict = "", 0, ""
    if known_page_id:
        try:
            page = _page(client.get_page_by_id(known_page_id, expand="version"), settings)
            page_id, version = page["id"], _version(page, settings)
        except ApiError as exc:
            if _status(exc) not in (404, None):
                raise
    if not page_id:
        with translate_errors("Confluence", "look for an existing page", url, _hint(settings)):
            found = client.get_page_by_title(c.space, title, expand="version")
        if found is not None and not isinstance(found, dict):
            _page(found, settings)  # raises: a string or list is not a search result
        page = _first(found)
        if page:
            page = _page(page, settings)
            page_id, version = page["id"], _version(page, settings)
            if owner is not None:
                theirs = page_owner(client, settings, page_id)
                if not theirs or theirs.get("owner") != owner.get("owner"):
                    conflict = _conflict(title, page_id, c.space, theirs)
    return PageTarget(title, c.space, c.parent_page_id, parent.get("title", ""), year_title, year_page_id, page_id, version,
                      conflict)


def publish_page(settings: Settings, title: str, body: str, year: int, known_page_id: str = "",
                 client: ConfluenceServer | None = None, owner: dict[str, Any] | None = None,
                 adopt_page_id: str = "") -> PublishedPage:
    """Create or update the post-mortem page under its year page; 409s are retried.

    With ``owner`` (``publish.owner.owner_of``) the page is recorded as this session's, and a
    same-title page that is not ours is refused (PublishError) unless ``adopt_page_id`` names it.
    """
    client = client or make_client(settings)
    url = base_url(settings)
    if adopt_page_id:
        if not adopt_page_id.isdigit():
            raise PublishError(f"--adopt-page needs a Confluence page id (digits), not '{adopt_page_id[:40]}'.")
        target = locate(client, settings, title, year, adopt_page_id)
        if target.page_id != adopt_page_id:
            raise PublishError(f"There is no Confluence page {adopt_page_id} to adopt; check the id in the page's URL.")
    else:
        target = locate(client, settings, title, year, known_page_id, owner)
        if target.conflict:
            raise PublishError(target.conflict)
    published = _write_page(client, settings, url, target, title, body)
    if owner is not None:
        set_owner(client, settings, published.page_id, owner)
    return published


def _write_page(client: ConfluenceServer, settings: Settings, url: str, target: PageTarget, title: str,
                body: str) -> PublishedPage:
    year_page_id = target.year_page_id
    if not year_page_id:
        with translate_errors("Confluence", f"create the year page '{target.year_title}'", url, _hint(settings)):
            created = client.create_page(target.space, target.year_title, "<p>Post-mortems of the year.</p>",
                                         parent_id=target.parent_id)
        year_page_id = _page(created, settings)["id"]
    if not target.page_id:
        with translate_errors("Confluence", f"create the page '{title}'", url, _hint(settings)):
            page = _page(client.create_page(target.space, title, body, parent_id=year_page_id), settings)
        return PublishedPage(page["id"], page_url(page, url), _version(page, settings) if page.get("version") else 1, True, year_page_id, target)
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            with translate_errors("Confluence", f"update the page '{title}'", url, _hint(settings)):
                try:
                    page = client.update_page(target.page_id, title, body, parent_id=year_page_id,
                                              version_comment="Updated by facilitator")
                except requests.HTTPError as exc:
                    if _status(exc) == 409 and attempt < CONFLICT_RETRIES:
                        raise _Conflict() from None
                    raise
            break
        except _Conflict:
            continue
    with translate_errors("Confluence", "read back the page", url, _hint(settings)):
        page = _page(client.get_page_by_id(target.page_id, expand="version"), settings)
    return PublishedPage(page["id"], page_url(page, url), _version(page, settings), False, year_page_id, target)


class _Conflict(Exception):
    """A 409: someone saved a newer version between our read and our write."""


def template_headings(settings: Settings, client: ConfluenceServer | None = None) -> list[str]:
    """Headings of the company template page (``confluence.template_page_id``), [] when unset."""
    template_id = settings.confluence.template_page_id
    if not template_id:
        return []
    from facilitator.render.storage import storage_headings

    client = client or make_client(settings)
    with translate_errors("Confluence", f"read the template page {template_id}", base_url(settings), _hint(settings)):
        page = _page(client.get_page_by_id(template_id, expand="body.storage"), settings)
    return storage_headings(((page.get("body") or {}).get("storage") or {}).get("value", ""))


def _cql_text(text: str) -> str:
    return re.sub(r"[\"\\]", " ", text).strip()


def find_similar(settings: Settings, title: str, services: list[str] | None = None, limit: int = 5,
                 client: ConfluenceServer | None = None, timeout: float = SIMILAR_TIMEOUT_SECONDS) -> list[tuple[str, str]]:
    """'Has this happened before?': (title, url) of recent post-mortems under the parent.

    A hint, never a blocker: called from the interview, so it uses its own client with a short
    timeout and no retries, and returns [] when Confluence is not configured or fails in any way.
    """
    try:
        return _find_similar(settings, title, services or [], limit, client, timeout)
    except Exception:  # noqa: BLE001 - best effort: any failure (HTTP, network, odd JSON) means "no hints"
        return []


def _find_similar(settings: Settings, title: str, services: list[str], limit: int,
                  client: ConfluenceServer | None, timeout: float) -> list[tuple[str, str]]:
    c = settings.confluence
    if not (c.url and c.parent_page_id and str(c.parent_page_id).strip().isdigit() and (c.token or client)):
        return []
    if client is None:
        client = make_client(settings)
        client.timeout = timeout
        no_retry = Retry(total=0, connect=0, read=0, status=0, redirect=2, raise_on_status=False)
        for prefix in ("http://", "https://"):
            client.session.mount(prefix, HTTPAdapter(max_retries=no_retry))
    words = [w for w in re.findall(r"[A-Za-z0-9][\w-]{3,}", title) if w.lower() not in {"with", "after", "from", "during"}]
    clauses = [f'title ~ "{_cql_text(" ".join(words[:6]))}"'] if words else []
    clauses += [f'text ~ "{_cql_text(s)}"' for s in services if _cql_text(s)]
    if not clauses:
        return []
    cql = f'type = page AND ancestor = {int(c.parent_page_id)} AND ({" OR ".join(clauses)}) AND lastmodified >= now("-730d")'
    result = client.cql(cql, limit=limit)
    out: list[tuple[str, str]] = []
    for item in (result or {}).get("results", []) if isinstance(result, dict) else []:
        content = item.get("content") or {}
        found = item.get("title") or content.get("title", "")
        if not found or re.match(r"(Post-mortems )?\d{4}$", found):
            continue  # a year page, not a post-mortem
        out.append((found, page_url(content, base_url(settings))))
    return out[:limit]
