"""Fetching one channel live from Slack through slack_sdk's ``WebClient``.

The call plan is fixed and small, so a 20,000-message channel costs pages, not messages:
``auth.test`` once (the workspace URL, for permalinks built locally), the channel by id
(``conversations.info``) or by name (paging ``conversations.list``), ``users.list`` paged once
for names (``users.info`` only for ids the list lacks, such as Slack Connect guests),
``conversations.history`` with cursor paging and ``conversations.replies`` per thread.

Rate limits: since 2025 Slack allows non-Marketplace commercial apps 1 history/replies
request a minute and 15 messages a page. The fetcher never assumes a page size (it follows
``next_cursor`` until there is none) and slack_sdk's retry handlers wait out 429s; the
rate-limit handler here is a subclass that reports "waiting 60 s (rate limited)" through the
progress callback, so a slow fetch is visibly slow rather than frozen.

Every failure a user can fix becomes one ``SourceError`` sentence (bad token, unknown
channel, app not in channel, missing scope, rate limited past retries, server unreachable).
The token is only ever placed in an ``Authorization`` header; messages never contain it.
"""

from __future__ import annotations

import difflib
import math
import random
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from facilitator.config import Settings
from facilitator.errors import SourceError
from facilitator.sources.slack_convert import Directory, convert, referenced_user_ids
from facilitator.transcript import Attachment, Transcript

Progress = Callable[[int, int, str], None]

RATE_LIMIT_RETRIES = 8  # under the 1-request-a-minute tier a page may wait more than once
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 2
SERVER_BACKOFF_SECONDS = 0.5  # first wait after a 5xx or a dropped connection; doubles each retry
PAGE_LIMIT = 200  # what we ask for; Slack may return fewer (15 under the 2025 limit)
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
_CHANNEL_ID_RE = re.compile(r"[CGD][A-Z0-9]{6,}")
_AUTH_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
_FILE_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com")


class _Backoff(RetryIntervalCalculator):
    """Exponential backoff with a little jitter, read from the module setting at call time."""

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        base = SERVER_BACKOFF_SECONDS * (2**current_attempt)
        return base + random.random() * base / 2


class ReportingRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler that honours Retry-After and says so through ``report``."""

    def __init__(self, report: Callable[[str], None], max_retry_count: int = RATE_LIMIT_RETRIES) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.report = report

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:  # type: ignore[override]
        """Sleep for Retry-After seconds, reporting the countdown, then allow the retry."""
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        remaining = _retry_after(response.headers)
        if remaining <= 0:
            self.report("retrying (rate limited)")
        while remaining > 0:
            self.report(f"waiting {remaining} s (rate limited)")
            step = min(remaining, 5)
            time.sleep(step)
            remaining -= step
        state.increment_current_attempt()


class _ServerErrorHandler(ServerErrorRetryHandler):
    """Retries 502 and 504 from proxies too, not only 500 and 503."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:  # type: ignore[override]
        return response is not None and response.status_code in (500, 502, 503, 504)


def _retry_after(headers: Any) -> int:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0, math.ceil(float(raw)))
            except (TypeError, ValueError):
                return 1
    return 1


def api_base_url(url: str) -> str:
    """The configured API URL with the trailing slash WebClient needs to join method names."""
    return url if url.endswith("/") else url + "/"


class _Fetch:
    """One fetch of one channel: the client, the counters for progress, the warnings."""

    def __init__(self, settings: Settings, progress: Progress | None) -> None:
        token = settings.slack.token.get_secret_value() if settings.slack.token else ""
        if not token.strip():
            raise SourceError(
                "No Slack token is configured; set SLACK_TOKEN or slack.token in the config (see `facilitator init`)."
            )
        self.token = token.strip()
        self.base_url = api_base_url(settings.slack.api_url.strip())
        if not self.base_url.startswith(("http://", "https://")):
            raise SourceError(
                f"slack.api_url '{settings.slack.api_url}' is not an http(s) URL; use https://slack.com/api/ or your proxy's URL."
            )
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.progress = progress
        self.seen: set[str] = set()  # message ts fetched so far (a thread parent comes twice)
        self.threads = 0
        self.warnings: list[str] = []
        self.client = WebClient(
            token=self.token,
            base_url=self.base_url,
            timeout=60,
            retry_handlers=[
                ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES, interval_calculator=_Backoff()),
                ReportingRateLimitHandler(self.report),
                _ServerErrorHandler(max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=_Backoff()),
            ],
        )
        self.channel_label = ""

    @property
    def messages(self) -> int:
        """Distinct messages fetched so far."""
        return len(self.seen)

    def report(self, note: str = "") -> None:
        """Tell the caller how far we are."""
        if self.progress is not None:
            self.progress(self.messages, self.threads, note)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One Web API call; every failure becomes a SourceError sentence."""
        try:
            response = self.client.api_call(method, params={k: v for k, v in params.items() if v is not None})
        except SlackApiError as exc:
            raise self._api_error(method, exc) from None
        except (URLError, OSError, SlackClientError) as exc:
            reason = getattr(exc, "reason", None) or str(exc) or exc.__class__.__name__
            raise SourceError(
                f"Could not reach the Slack API at {self.host} ({reason}); "
                "check the network, or slack.api_url / FACILITATOR_SLACK_API_URL."
            ) from None
        return response.data if isinstance(response.data, dict) else {}

    def pages(self, method: str, key: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Follow ``response_metadata.next_cursor`` until Slack says there is no more."""
        cursor = None
        used: set[str] = set()
        while True:
            data = self.call(method, cursor=cursor, **params)
            yield [item for item in data.get(key) or [] if isinstance(item, dict)]
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return
            if cursor in used:  # a proxy replaying a cursor must not loop forever
                raise SourceError(f"Slack returned the same page cursor twice for {method}; try again later.")
            used.add(cursor)

    def _api_error(self, method: str, exc: SlackApiError) -> SourceError:
        response = exc.response
        status = getattr(response, "status_code", 200)
        data = response.data if isinstance(getattr(response, "data", None), dict) else {}
        code = str(data.get("error") or "")
        if status == 429 or code == "ratelimited":
            return SourceError(
                f"Slack kept rate-limiting {method} after {RATE_LIMIT_RETRIES} retries; wait a few minutes and try again."
            )
        if status >= 500:
            return SourceError(f"Slack answered {method} with a server error (HTTP {status}) after retries; try again later.")
        if code.startswith("Received a response in a non-JSON format"):
            # A proxy login page, a wrong api_url or a captive portal: not Slack at all.
            return SourceError(
                f"The server at {self.host} answered {method} with something other than Slack's JSON "
                f"(HTTP {status}); check slack.api_url / FACILITATOR_SLACK_API_URL and any proxy in between."
            )
        if code in _AUTH_ERRORS:
            return SourceError(f"Slack rejected the token ({code}); create a new token and set SLACK_TOKEN or slack.token.")
        if code == "channel_not_found":
            return SourceError(
                f"No channel named {self.channel_label} is visible to this token; check the name, "
                "and for a private channel invite the app first (/invite @app)."
            )
        if code == "not_in_channel":
            return SourceError(
                f"The Slack app is not a member of {self.channel_label}; invite the app with /invite @app in that channel."
            )
        if code == "missing_scope":
            needed = data.get("needed") or "a required"
            return SourceError(
                f"The Slack token lacks the {needed} scope needed for {method}; add it under OAuth & Permissions "
                "and reinstall the app."
            )
        return SourceError(f"Slack refused {method} ({code or f'HTTP {status}'}); check the token's scopes and the channel.")

    # --- the call plan -------------------------------------------------------------------

    def find_channel(self, wanted: str, directory: Directory) -> dict[str, Any]:
        """The channel object for an id (conversations.info) or a name (paging conversations.list)."""
        key = wanted.strip().lstrip("#")
        self.channel_label = f"#{key}" if not _CHANNEL_ID_RE.fullmatch(key) else key
        self.report(f"finding {self.channel_label}")
        if _CHANNEL_ID_RE.fullmatch(key):
            channel = self.call("conversations.info", channel=key).get("channel") or {}
            self.channel_label = f"#{channel.get('name') or key}"
            return channel
        seen: list[str] = []
        for page in self.pages(
            "conversations.list", "channels", types="public_channel,private_channel", exclude_archived=False, limit=1000
        ):
            for channel in page:
                directory.channels[channel.get("id", "")] = channel.get("name", "")
                names = {(channel.get(k) or "").casefold() for k in ("name", "name_normalized")}
                if key.casefold() in names:
                    return channel
                seen.append(channel.get("name", ""))
        close = difflib.get_close_matches(key, seen, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join('#' + c for c in close)}?)" if close else ""
        raise SourceError(
            f"No channel named #{key} is visible to this token{hint}; check the name, "
            "and for a private channel invite the app first (/invite @app)."
        )

    def load_users(self, directory: Directory) -> None:
        """Every workspace member from users.list, paged once."""
        self.report("reading people")
        for page in self.pages("users.list", "members", limit=1000):
            for user in page:
                directory.add_user(user)

    def fill_unknown_users(self, raws: list[dict[str, Any]], directory: Directory) -> None:
        """users.info for ids users.list lacked (Slack Connect guests), once per id."""
        for uid in sorted(referenced_user_ids(raws) - directory.names.keys()):
            try:
                user = self.call("users.info", user=uid).get("user") or {}
            except SourceError:
                continue  # unknown to this token: the message keeps the profile name or the id
            if user:
                directory.add_user(user)

    def history(self, channel_id: str, oldest: datetime | None, latest: datetime | None) -> list[dict[str, Any]]:
        """Every channel-level message in range, newest page first as Slack returns them."""
        raws: list[dict[str, Any]] = []
        for n, page in enumerate(
            self.pages(
                "conversations.history",
                "messages",
                channel=channel_id,
                limit=PAGE_LIMIT,
                oldest=_slack_ts(oldest),
                latest=_slack_ts(latest),
                inclusive=True if (oldest or latest) else None,
            ),
            start=1,
        ):
            raws.extend(page)
            self.seen.update(str(m.get("ts")) for m in page)
            self.report(f"history page {n}")
        return raws

    def replies(self, channel_id: str, parents: list[str]) -> list[dict[str, Any]]:
        """Every reply of every thread parent (the parent itself is dropped, it came with history)."""
        raws: list[dict[str, Any]] = []
        for i, ts in enumerate(parents, start=1):
            for page in self.pages("conversations.replies", "messages", channel=channel_id, ts=ts, limit=PAGE_LIMIT):
                new = [m for m in page if m.get("ts") != ts]
                raws.extend(new)
                self.seen.update(str(m.get("ts")) for m in new)
                self.report(f"thread {i} of {len(parents)}")
            self.threads = i
            self.report(f"thread {i} of {len(parents)}")
        return raws

    def download(self, attachments: list[Attachment], folder: Path) -> None:
        """Fetch files with the token into ``folder``; failures become warnings, not errors."""
        todo = {a.id or a.url: a for a in attachments if a.url}
        if not todo:
            return
        folder.mkdir(parents=True, exist_ok=True)
        done: dict[str, str] = {}
        for n, (key, att) in enumerate(todo.items(), start=1):
            self.report(f"downloading file {n} of {len(todo)}")
            done[key] = self._download_one(att, folder)
        for att in attachments:
            att.local_path = done.get(att.id or att.url, "") or att.local_path

    def _download_one(self, att: Attachment, folder: Path) -> str:
        host = urlsplit(att.url).hostname or ""
        if not _token_may_go_to(host, self.host):
            self.warnings.append(f"{att.name} was not downloaded: {host} is not a Slack file host.")
            return ""
        if att.size and att.size > MAX_DOWNLOAD_BYTES:
            self.warnings.append(f"{att.name} was not downloaded: it is larger than 200 MB.")
            return ""
        target = folder / _safe_name(att)
        opener = urllib.request.build_opener(_SlackOnlyRedirects(self.host))
        request = urllib.request.Request(att.url, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with opener.open(request, timeout=60) as response:
                if response.headers.get_content_type() == "text/html" and not att.mimetype.startswith("text/html"):
                    self.warnings.append(f"{att.name} was not downloaded: Slack sent a login page (the token needs files:read).")
                    return ""
                with target.open("wb") as fh:
                    while chunk := response.read(1 << 16):
                        fh.write(chunk)
        except HTTPError as exc:
            hint = " (the token needs files:read)" if exc.code in (401, 403) else ""
            self.warnings.append(f"{att.name} was not downloaded: HTTP {exc.code}{hint}.")
            return ""
        except (URLError, OSError) as exc:
            self.warnings.append(f"{att.name} was not downloaded: {getattr(exc, 'reason', None) or exc.__class__.__name__}.")
            return ""
        return str(target)


class _SlackOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never carry the token to a host that is not Slack's."""

    def __init__(self, api_host: str) -> None:
        self.api_host = api_host

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and not _token_may_go_to(urlsplit(newurl).hostname or "", self.api_host):
            new.remove_header("Authorization")
        return new


def _token_may_go_to(host: str, api_host: str) -> bool:
    host = host.lower()
    return host == api_host.lower() or any(host == h or host.endswith("." + h) for h in _FILE_HOSTS)


def _safe_name(att: Attachment) -> str:
    name = re.sub(r"[^\w.-]+", "_", att.name).strip("._") or "file"
    return f"{att.id}-{name[:120]}" if att.id else name[:120]


def _slack_ts(at: datetime | None) -> str | None:
    return None if at is None else f"{at.timestamp():.6f}"


def fetch_channel(
    name_or_id: str,
    *,
    settings: Settings,
    tz: str,
    oldest: datetime | None = None,
    latest: datetime | None = None,
    progress: Progress | None = None,
    download_dir: Path | None = None,
) -> Transcript:
    """A channel's whole history and every thread, live from Slack, as a Transcript."""
    fetch = _Fetch(settings, progress)
    fetch.report("connecting")
    auth = fetch.call("auth.test")
    workspace_url = auth.get("url") or ""
    directory = Directory()
    channel = fetch.find_channel(name_or_id, directory)
    channel_id = channel.get("id") or name_or_id
    fetch.load_users(directory)
    top = fetch.history(channel_id, oldest, latest)
    parents = [
        m["ts"]
        for m in reversed(top)  # oldest thread first
        if m.get("ts") and m.get("thread_ts") == m.get("ts") and (m.get("reply_count") or m.get("latest_reply"))
    ]
    raws = top + fetch.replies(channel_id, parents)
    fetch.fill_unknown_users(raws, directory)
    converted = convert(
        ((raw, f"api:{channel_id}/{raw.get('ts', '?')}") for raw in raws),
        directory,
        tz=tz,
        channel_id=channel_id,
        workspace_url=workspace_url,
    )
    if download_dir is not None and settings.slack.download_files:
        fetch.download([a for m in converted.messages for a in m.attachments], Path(download_dir))
    fetch.report("done")
    return Transcript(
        messages=converted.messages,
        source="slack",
        source_ref=channel_id,
        channel=channel.get("name") or name_or_id.lstrip("#"),
        timezone=tz,
        channel_id=channel_id,
        workspace_url=workspace_url,
        unattributed=converted.unattributed,
        aliases=converted.aliases,
        warnings=converted.warnings + fetch.warnings,
        format="slack-api",
    )
