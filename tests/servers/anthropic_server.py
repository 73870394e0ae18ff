"""A local HTTP server that speaks enough of the Anthropic Messages API for the real SDK.

Tests (and ``bench/llm_tokens.py``) point the real ``anthropic`` client at it through
``base_url``. It binds 127.0.0.1 on a free port and serves from a thread. It implements:

* ``POST /v1/messages``: non-streaming JSON and SSE streaming (``message_start``,
  ``content_block_start``/``delta`` (``text_delta``, ``input_json_delta``)/``stop``,
  ``ping``, ``message_delta`` with usage, ``message_stop``, mid-stream ``error``);
* ``POST /v1/messages/count_tokens``;
* authentication (``Authorization: Bearer`` or ``x-api-key``; 401 otherwise);
* a context limit: a request estimated above it gets the real 400 "prompt is too long";
* prompt caching, simulated the way the API documents it: prefixes end at blocks marked
  ``cache_control`` (or at the last block with top-level ``cache_control``), the order is
  tools, system, messages; tools and ``output_config`` are part of every key, and
  ``tool_choice`` is part of the key of breakpoints inside ``messages`` only. A repeated
  prefix is reported as ``cache_read_input_tokens``, a new one (>= ``min_cache_tokens``) as
  ``cache_creation_input_tokens``;
* scripted replies per test (text, tool use, raw malformed tool JSON, HTTP errors with
  headers such as ``retry-after``, delays) and a default ``responder``;
* a request log (path, lower-cased headers, parsed body) to assert on.

Tokens are estimated as characters / 4 (images: 1,600 each): the same estimate on both
sides of every comparison the benchmark makes.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers import leaks
from tests.servers.loopback import LoopbackServer, QuietHandler

IMAGE_TOKENS = 1600
TEST_KEY = "sk-ant-api03-test-0123456789abcdefghijklmnop"


def estimate_tokens(value: Any) -> int:
    """Characters / 4 for text, a flat cost per image, JSON length / 4 for anything else."""
    if isinstance(value, str):
        return max(1, math.ceil(len(value) / 4))
    if isinstance(value, dict):
        if value.get("type") == "image":
            return IMAGE_TOKENS
        if value.get("type") == "text":
            return estimate_tokens(value.get("text", ""))
        stripped = {k: v for k, v in value.items() if k != "cache_control"}
        return max(1, math.ceil(len(json.dumps(stripped, sort_keys=True)) / 4))
    if isinstance(value, list):
        return sum(estimate_tokens(v) for v in value)
    return max(1, math.ceil(len(json.dumps(value)) / 4))


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    usage: dict[str, int] = field(default_factory=dict)
    stream_state: str = ""  # "complete" or "aborted" (the client went away mid-stream)

    @property
    def system_text(self) -> str:
        """All system text joined (for assertions)."""
        system = self.body.get("system", "")
        if isinstance(system, str):
            return system
        return "\n".join(b.get("text", "") for b in system)

    @property
    def user_text(self) -> str:
        """All text of the messages joined (for assertions)."""
        out: list[str] = []
        for msg in self.body.get("messages", []):
            content = msg.get("content")
            if isinstance(content, str):
                out.append(content)
            else:
                out.extend(b.get("text", "") for b in content if isinstance(b, dict))
        return "\n".join(out)


# A reply: {"text": str} | {"tool": name, "input": dict} | {"tool": name, "input_raw": str}
#        | {"status": int, "error_type": str, "message": str, "headers": {...}}
#        | {"raw": str, "content_type": str, "status": int}  (any body, e.g. an HTML login page
#          with status 200, an empty body, or JSON that is not a Message)
# optional keys: "delay" (seconds before answering), "chunk_delay" (between SSE events),
# "stream_error" (an SSE error event after the first delta), "output_tokens".
Reply = dict[str, Any]
Responder = Callable[[dict[str, Any]], Reply]


def default_responder(body: dict[str, Any]) -> Reply:
    """Answer with a minimal valid tool call when a tool is forced, else a short text."""
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool":
        for tool in body.get("tools", []):
            if tool.get("name") == choice.get("name"):
                return {"tool": tool["name"], "input": minimal_instance(tool.get("input_schema", {}), tool)}
    return {"text": "OK."}


def minimal_instance(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """The smallest value matching a JSON schema (required properties only)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        defs = root.get("input_schema", root).get("$defs", {})
        return minimal_instance(defs.get(name, {}), root)
    if "anyOf" in schema:
        return minimal_instance(schema["anyOf"][0], root)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal_instance(props[k], root) for k in schema.get("required", []) if k in props}
    if kind == "array":
        return []
    if kind in ("number", "integer"):
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return ""


class AnthropicServer(LoopbackServer):
    """The fake API; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        api_key: str = TEST_KEY,
        context_limit: int = 1_000_000,
        min_cache_tokens: int = 1024,
        responder: Responder | None = None,
    ) -> None:
        self.api_key = api_key
        self.context_limit = context_limit
        self.min_cache_tokens = min_cache_tokens
        self.responder = responder or default_responder
        self.script: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.cache: dict[str, float] = {}  # prefix key -> last use (monotonic)
        self.cache_ttl = 300.0
        self._lock = threading.Lock()
        super().__init__()
        leaks.register(self)

    # -- lifecycle -------------------------------------------------------------------------
    poll_interval = 0.05

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server."""
        server = self

        class Handler(_Handler):
            owner = server

        return Handler

    @property
    def base_url(self) -> str:
        """URL to give the SDK (``base_url=``)."""
        return self.origin

    # -- scripting -------------------------------------------------------------------------
    def reply(self, *replies: Reply) -> None:
        """Queue replies; each request pops one, then the responder answers."""
        self.script.extend(replies)

    @property
    def message_requests(self) -> list[Recorded]:
        """Requests to /v1/messages only."""
        return [r for r in self.requests if r.path == "/v1/messages"]

    def totals(self) -> dict[str, int]:
        """Summed usage over every /v1/messages request answered with 200."""
        keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
        return {k: sum(r.usage.get(k, 0) for r in self.message_requests) for k in keys}

    # -- the model of the API --------------------------------------------------------------
    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.script:
                return self.script.popleft()
        return self.responder(body)

    def usage_for(self, body: dict[str, Any]) -> dict[str, int]:
        """Input-side usage of a request, simulating prompt caching (and recording new prefixes)."""
        model = body.get("model", "")
        base = json.dumps(
            {"model": model, "tools": _strip(body.get("tools", [])), "output": body.get("output_config", {})},
            sort_keys=True,
        )
        segments: list[tuple[int, bool, bool]] = []  # (tokens, cache_control, in_messages)
        keys: list[str] = []
        digest = hashlib.sha256(base.encode())
        for tool in body.get("tools", []):
            digest.update(json.dumps(_strip(tool), sort_keys=True).encode())
            segments.append((estimate_tokens(tool), "cache_control" in tool, False))
            keys.append(digest.hexdigest())
        system = body.get("system", [])
        if isinstance(system, str):
            system = [{"type": "text", "text": system}]
        for block in system:
            digest.update(json.dumps(_strip(block), sort_keys=True).encode())
            segments.append((estimate_tokens(block), "cache_control" in block, False))
            keys.append(digest.hexdigest())
        choice = json.dumps(body.get("tool_choice", {}), sort_keys=True)
        for msg in body.get("messages", []):
            content = msg.get("content")
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            for block in blocks:
                digest.update((msg.get("role", "") + json.dumps(_strip(block), sort_keys=True)).encode())
                segments.append((estimate_tokens(block), "cache_control" in block, True))
                keys.append(hashlib.sha256((digest.hexdigest() + choice).encode()).hexdigest())
        if body.get("cache_control") and segments:
            tokens, _, in_msgs = segments[-1]
            segments[-1] = (tokens, True, in_msgs)
        cumulative: list[int] = []
        total = 0
        for tokens, _, _ in segments:
            total += tokens
            cumulative.append(total)
        breakpoints = [i for i, (_, marked, _) in enumerate(segments) if marked]
        now = time.monotonic()
        read = 0
        hit = -1
        with self._lock:
            self.cache = {k: t for k, t in self.cache.items() if now - t < self.cache_ttl}
            for i in breakpoints:
                if keys[i] in self.cache:
                    hit = i
            if hit >= 0:
                read = cumulative[hit]
                self.cache[keys[hit]] = now
            write = 0
            for i in breakpoints:
                if i > hit and cumulative[i] >= self.min_cache_tokens:
                    write = cumulative[i] - read
                    self.cache[keys[i]] = now
        return {
            "input_tokens": total - read - write,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
        }


def _strip(value: Any) -> Any:
    """A block without its cache_control marker (markers are not part of the prefix)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _error_body(error_type: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": f"req_{uuid.uuid4().hex[:20]}",
    }


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class _Handler(QuietHandler):
    owner: AnthropicServer
    protocol_version = "HTTP/1.1"



    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        length = int(self.headers.get("content-length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, _error_body("invalid_request_error", "The request body is not valid JSON."))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = Recorded(path=path, headers=headers, body=body)
        owner = self.owner
        with owner._lock:
            owner.requests.append(record)
        auth = headers.get("authorization", "")
        if auth != f"Bearer {owner.api_key}" and headers.get("x-api-key") != owner.api_key:
            self._json(401, _error_body("authentication_error", "invalid x-api-key"))
            return
        if path == "/v1/messages/count_tokens":
            usage = estimate_tokens(body.get("system", "")) + estimate_tokens(body.get("messages", []))
            usage += estimate_tokens(body.get("tools", [])) if body.get("tools") else 0
            self._json(200, {"input_tokens": usage})
            return
        if path != "/v1/messages":
            self._json(404, _error_body("not_found_error", f"Not found: {path}"))
            return
        for key in ("temperature", "top_p", "top_k"):
            if key in body:
                self._json(400, _error_body("invalid_request_error", f"{key}: Extra inputs are not permitted"))
                return
        reply = owner._next_reply(body)
        if reply.get("delay"):
            time.sleep(reply["delay"])
        if "raw" in reply:
            self._raw(int(reply.get("status", 200)), reply["raw"], reply.get("content_type", "text/html"), reply.get("headers"))
            return
        if "status" in reply:
            status = int(reply["status"])
            error = _error_body(reply.get("error_type", ERROR_TYPES.get(status, "api_error")), reply.get("message", "error"))
            self._json(status, error, reply.get("headers", {}))
            return
        total_in = (
            estimate_tokens(body.get("system", ""))
            + estimate_tokens(body.get("messages", []))
            + estimate_tokens(body.get("tools", []))
        )
        if total_in > owner.context_limit:
            msg = f"prompt is too long: {total_in} tokens > {owner.context_limit} maximum"
            self._json(400, _error_body("invalid_request_error", msg))
            return
        usage = owner.usage_for(body)
        content = _content(reply)
        out_tokens = reply.get("output_tokens") or max(1, estimate_tokens(json.dumps(content)))
        usage["output_tokens"] = out_tokens
        record.usage = usage
        stop = reply.get("stop_reason") or ("tool_use" if "tool" in reply else "end_turn")
        message = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", ""),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
        }
        if body.get("stream"):
            record.stream_state = self._stream(message, reply)
        else:
            self._json(200, message)

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", payload.get("request_id", f"req_{uuid.uuid4().hex[:20]}"))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout, cancel)

    def _raw(self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")  # the client may drop such an answer unread
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stream(self, message: dict[str, Any], reply: Reply) -> str:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        delay = float(reply.get("chunk_delay", 0))
        usage = dict(message["usage"])
        start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        try:
            self._event("message_start", {"type": "message_start", "message": start})
            self._event("ping", {"type": "ping"})
            for index, block in enumerate(message["content"]):
                if block["type"] == "text":
                    self._event(
                        "content_block_start",
                        {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}},
                    )
                    pieces = _pieces(block["text"])
                    kind, key = "text_delta", "text"
                else:
                    first = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
                    self._event("content_block_start", {"type": "content_block_start", "index": index, "content_block": first})
                    raw = reply.get("input_raw")
                    pieces = _pieces(raw if raw is not None else json.dumps(block["input"]))
                    kind, key = "input_json_delta", "partial_json"
                for n, piece in enumerate(pieces):
                    if delay:
                        time.sleep(delay)
                    delta = {"type": "content_block_delta", "index": index, "delta": {"type": kind, key: piece}}
                    self._event("content_block_delta", delta)
                    if n == 0 and reply.get("stream_error"):
                        err = _error_body("overloaded_error", "Overloaded")
                        self._event("error", {"type": "error", "error": err["error"]})
                        return "error"
                self._event("content_block_stop", {"type": "content_block_stop", "index": index})
            self._event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                    "usage": usage,
                },
            )
            self._event("message_stop", {"type": "message_stop"})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return "aborted"  # the client cancelled: exactly what a cancelled stream looks like
        self.close_connection = True
        return "complete"

    def _event(self, name: str, data: dict[str, Any]) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()


def _pieces(text: str, size: int = 24) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _content(reply: Reply) -> list[dict[str, Any]]:
    if "tool" in reply:
        tool_input = reply.get("input")
        if tool_input is None:
            try:
                tool_input = json.loads(reply.get("input_raw", "{}"))
            except json.JSONDecodeError:
                tool_input = {}
        return [{"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:20]}", "name": reply["tool"], "input": tool_input}]
    return [{"type": "text", "text": reply.get("text", "")}]


# -- helpers for the LLM tests and the benchmark --------------------------------------------


def llm_settings(server: AnthropicServer, **llm: Any) -> Any:
    """Settings whose LLM points at ``server`` (fast retries, short timeout unless overridden)."""
    from facilitator.config import Settings

    values = {"api_key": server.api_key, "base_url": server.base_url, "max_retries": 2, "timeout_seconds": 10.0}
    values.update(llm)
    return Settings.model_validate({"llm": values})


def chat(*lines: tuple[str, str] | tuple[str, str, dict[str, Any]], start: str = "2024-12-03T14:00:00+00:00") -> Any:
    """A Transcript from (author, text[, Message fields]) tuples, one minute apart, Slack-like ids."""
    from datetime import datetime, timedelta

    from facilitator.transcript import Message, Transcript

    t0 = datetime.fromisoformat(start)
    messages = []
    for i, line in enumerate(lines):
        author, text = line[0], line[1]
        extra = line[2] if len(line) > 2 else {}
        messages.append(
            Message(id=f"{1733234400 + 60 * i}.{i:06d}", at=t0 + timedelta(minutes=i), author=author, text=text, **extra)
        )
    return Transcript(messages=messages, source="slack-export", channel="inc-test")
