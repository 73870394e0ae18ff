"""A local fake of the Slack Web API, for tests and the ingest benchmark.

A real HTTP server (``ThreadingHTTPServer`` on 127.0.0.1, port 0, in a thread) that speaks
the methods the fetcher uses the way slack_sdk's ``WebClient`` calls them: a POST to
``/api/<method>`` with a form (or JSON) body and ``Authorization: Bearer``. Its data is
built from a Slack export folder, so a test can load the same channel from the export and
from "Slack" and compare the two.

Faithful where it matters to the client: cursor pagination (``response_metadata.next_cursor``
and ``has_more``) with a configurable page size (15 reproduces Slack's 2025 limit), history
newest first, threads via ``conversations.replies``, ``users.list`` paging and ``users.info``
for users the list does not show (Slack Connect guests), ``auth.test``, error bodies
(``{"ok": false, "error": ...}``, ``missing_scope`` with ``needed``/``provided``), HTTP 429 with
``Retry-After``, HTTP 5xx, and a file route that, like Slack, answers a request without the
token with an HTML login page. Every call is logged for assertions.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from tests.servers.loopback import LoopbackServer, QuietHandler

SMALL_EXPORT = Path(__file__).resolve().parents[1] / "data" / "slack_export_small"
TOKEN = "xoxb-1111-2222-facilitatortesttoken"
WORKSPACE_URL = "https://acme-test.slack.com/"
_BASE = "{{FAKE_SLACK_BASE}}"
# A Slack Connect guest: users.list does not show them, users.info does.
EXTERNAL_USER = {"id": "UEXT0001", "name": "erin", "team_id": "T0VENDOR", "profile": {"real_name": "Erin External"}}  # replaced by the server's real address when a response is sent


@dataclass
class SlackData:
    """What the fake workspace contains."""

    users: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)  # with is_private
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel id -> raw messages
    hidden_users: list[dict[str, Any]] = field(default_factory=list)  # only reachable with users.info
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file id -> (mimetype, bytes)

    @classmethod
    def from_export(cls, path: Path) -> SlackData:
        """Build the workspace from an unpacked Slack export folder."""
        path = Path(path)
        data = cls(users=_read(path / "users.json", []))
        for list_name, private in (("channels.json", False), ("groups.json", True)):
            for channel in _read(path / list_name, []):
                channel = {**channel, "is_private": private, "is_channel": not private, "is_member": True}
                data.channels.append(channel)
                folder = path / channel["name"]
                raws: list[dict[str, Any]] = []
                for day in sorted(folder.glob("*.json")):
                    raws.extend(_read(day, []))
                data.messages[channel["id"]] = [data._rehost_files(m) for m in raws]
        return data

    def _rehost_files(self, message: dict[str, Any]) -> dict[str, Any]:
        """Point file URLs at this server and remember some bytes to serve for each file."""
        if not message.get("files"):
            return message
        files = []
        for f in message["files"]:
            f = dict(f)
            if f.get("id") and f.get("mode") not in ("tombstone", "hidden_by_limit"):
                url = f"{_BASE}/files-pri/{f['id']}/{quote(f.get('name') or 'file')}"
                f["url_private"] = url
                f["url_private_download"] = url + "?download=1"
                self.files[f["id"]] = (f.get("mimetype") or "application/octet-stream", f"bytes of {f['id']}".encode())
            files.append(f)
        return {**message, "files": files}


def _read(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


@dataclass
class Call:
    """One request the server received."""

    method: str
    params: dict[str, str]
    authorized: bool


class FakeSlack(LoopbackServer):
    """The server and its knobs; see the module docstring."""

    def __init__(self, data: SlackData, *, page_size: int = 100, token: str = TOKEN) -> None:
        self.data = data
        self.page_size = page_size
        self.token = token
        self.workspace_url = WORKSPACE_URL
        self.errors: dict[str, dict[str, Any]] = {}  # method -> error body, returned every time
        self.rate_limit: Counter[str] = Counter()  # method -> how many 429s still to send
        self.retry_after = 0  # seconds in the Retry-After header
        self.server_errors: Counter[str] = Counter()  # method -> how many 500s still to send
        self.calls: list[Call] = []
        self.file_requests: list[tuple[str, bool]] = []  # (path, had the token)
        self.files_login_page = False  # answer file downloads with the login page (token lacks files:read)
        self._lock = threading.Lock()
        self._thread_cache: dict[str, Any] = {}
        self._history_cache: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        super().__init__()

    # --- lifecycle ------------------------------------------------------------------------

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this fake."""
        return type("Handler", (_Handler,), {"fake": self})

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT"""
        return self.origin

    @property
    def api_url(self) -> str:
        """The base URL to give WebClient (and slack.api_url)."""
        return self.base + "/api/"

    # --- assertions -----------------------------------------------------------------------

    def count(self, method: str | None = None) -> int:
        """How many calls (of one method, or all) arrived."""
        return sum(1 for c in self.calls if method is None or c.method == method)

    def methods(self) -> Counter[str]:
        """Calls per method."""
        return Counter(c.method for c in self.calls)

    # --- the API --------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, str], auth: str) -> tuple[int, dict[str, str], dict[str, Any]]:
        """(status, headers, body) for one API call."""
        bearer = auth[7:] if auth.startswith("Bearer ") else params.get("token", "")
        with self._lock:
            self.calls.append(Call(method, dict(params), bearer == self.token))
            if self.rate_limit[method] > 0:
                self.rate_limit[method] -= 1
                return 429, {"Retry-After": str(self.retry_after)}, {"ok": False, "error": "ratelimited"}
            if self.server_errors[method] > 0:
                self.server_errors[method] -= 1
                return 500, {}, {}
        if not bearer:
            return 200, {}, {"ok": False, "error": "not_authed"}
        if bearer != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if method in self.errors:
            return 200, {}, {"ok": False, **self.errors[method]}
        fn = getattr(self, "api_" + method.replace(".", "_"), None)
        if fn is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        return 200, {}, fn(params)

    def _page(self, items: list[Any], params: dict[str, str], key: str) -> dict[str, Any]:
        limit = min(int(params.get("limit") or 100), self.page_size)
        start = int(base64.b64decode(params["cursor"]).decode().split(":")[1]) if params.get("cursor") else 0
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
        return {"ok": True, key: chunk, "has_more": more, "response_metadata": {"next_cursor": cursor}}

    def api_auth_test(self, params: dict[str, str]) -> dict[str, Any]:
        return {"ok": True, "url": self.workspace_url, "team": "Acme", "user": "facilitator", "team_id": "T0ACME", "user_id": "U0BOT"}

    def _channel(self, cid: str) -> dict[str, Any] | None:
        return next((c for c in self.data.channels if c["id"] == cid), None)

    def api_conversations_list(self, params: dict[str, str]) -> dict[str, Any]:
        types = set((params.get("types") or "public_channel").split(","))
        chans = [
            c
            for c in self.data.channels
            if ("private_channel" if c.get("is_private") else "public_channel") in types
            and not (params.get("exclude_archived") in ("1", "true") and c.get("is_archived"))
        ]
        return self._page(chans, params, "channels")

    def api_conversations_info(self, params: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(params.get("channel", ""))
        return {"ok": True, "channel": channel} if channel else {"ok": False, "error": "channel_not_found"}

    def _threads(self, cid: str) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
        """(channel-level messages newest first, replies by parent ts, messages by ts), computed once."""
        if cid not in self._thread_cache:
            top, replies = [], {}
            for m in self.data.messages.get(cid, []):
                thread = m.get("thread_ts")
                if thread and thread != m.get("ts"):
                    replies.setdefault(thread, []).append(m)
                    if m.get("subtype") == "thread_broadcast":
                        top.append(m)
                else:
                    top.append(m)
            for kids in replies.values():
                kids.sort(key=lambda m: float(m["ts"]))
            top = [
                {**m, "reply_count": len(replies[m["ts"]]), "latest_reply": replies[m["ts"]][-1]["ts"]}
                if m.get("thread_ts") == m["ts"] and m["ts"] in replies
                else m
                for m in top
            ]
            top.sort(key=lambda m: float(m["ts"]), reverse=True)
            by_ts = {m["ts"]: m for m in self.data.messages.get(cid, []) if "ts" in m}
            self._thread_cache[cid] = (top, replies, by_ts)
        return self._thread_cache[cid]

    def _member_check(self, cid: str) -> dict[str, Any] | None:
        channel = self._channel(cid)
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not channel.get("is_member", True):
            return {"ok": False, "error": "not_in_channel"}
        return None

    def api_conversations_history(self, params: dict[str, str]) -> dict[str, Any]:
        cid = params.get("channel", "")
        if problem := self._member_check(cid):
            return problem
        top, _, _ = self._threads(cid)
        inclusive = params.get("inclusive") in ("1", "true")
        oldest = float(params.get("oldest") or 0)
        latest = float(params["latest"]) if params.get("latest") else float("inf")
        key = (cid, oldest, latest, inclusive)
        if key not in self._history_cache:  # paging re-asks the same range; filter once
            if inclusive:
                self._history_cache[key] = [m for m in top if oldest <= float(m["ts"]) <= latest]
            else:
                self._history_cache[key] = [m for m in top if oldest < float(m["ts"]) < latest]
        return self._page(self._history_cache[key], params, "messages")

    def api_conversations_replies(self, params: dict[str, str]) -> dict[str, Any]:
        cid = params.get("channel", "")
        if problem := self._member_check(cid):
            return problem
        ts = params.get("ts", "")
        _, replies, by_ts = self._threads(cid)
        if ts not in by_ts:
            return {"ok": False, "error": "thread_not_found"}
        return self._page([by_ts[ts], *replies.get(ts, [])], params, "messages")

    def api_users_list(self, params: dict[str, str]) -> dict[str, Any]:
        return self._page(self.data.users, params, "members")

    def api_users_info(self, params: dict[str, str]) -> dict[str, Any]:
        uid = params.get("user", "")
        user = next((u for u in self.data.users + self.data.hidden_users if u.get("id") == uid), None)
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}


class _Handler(QuietHandler):
    fake: FakeSlack
    protocol_version = "HTTP/1.1"


    def _send(self, status: int, headers: dict[str, str], body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _params(self) -> dict[str, str]:
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        if raw and ctype.startswith("application/json"):
            params.update({k: str(v) for k, v in json.loads(raw).items()})
        elif raw:
            params.update(dict(parse_qsl(raw.decode("utf-8"))))
        return params

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        path = urlsplit(self.path).path
        if not path.startswith("/api/"):
            self._send(404, {}, b"not found", "text/plain")
            return
        status, headers, body = self.fake.handle(path[5:], self._params(), self.headers.get("Authorization", ""))
        if status >= 500:
            self._send(status, headers, b"<html>upstream error</html>", "text/html")
            return
        text = json.dumps(body).replace(_BASE, self.fake.base)
        self._send(status, headers, text.encode(), "application/json; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802 - files are fetched with GET
        path = urlsplit(self.path).path
        if path.startswith("/api/"):
            self.do_POST()
            return
        parts = path.split("/")
        authorized = self.headers.get("Authorization", "") == f"Bearer {self.fake.token}"
        self.fake.file_requests.append((path, authorized))
        if len(parts) >= 3 and parts[1] == "files-pri" and parts[2] in self.fake.data.files:
            if not authorized or self.fake.files_login_page:  # Slack answers a tokenless file request with its login page
                self._send(200, {}, b"<html>Sign in to Slack</html>", "text/html; charset=utf-8")
                return
            mimetype, content = self.fake.data.files[parts[2]]
            self._send(200, {}, content, mimetype)
            return
        self._send(404, {}, b"not found", "text/plain")


@pytest.fixture
def slack_server():
    """A running fake Slack built from tests/data/slack_export_small."""
    data = SlackData.from_export(SMALL_EXPORT)
    data.hidden_users.append(EXTERNAL_USER)
    with FakeSlack(data) as server:
        yield server
