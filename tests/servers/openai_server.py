"""A local HTTP server that speaks the OpenAI chat-completions API the way Ollama, vLLM and
llama.cpp's server do, for the real ``openai`` client.

It binds 127.0.0.1 on a free port and serves from a thread. It implements:

* ``POST /v1/chat/completions``: JSON answers and SSE streaming (``data: {chunk}`` lines,
  text deltas, tool-call argument deltas in pieces, a final usage chunk when
  ``stream_options.include_usage`` is asked, then ``data: [DONE]``);
* ``GET /v1/models``;
* authentication (``Authorization: Bearer``; 401 with OpenAI's error body otherwise), or none
  when ``api_key`` is None (as Ollama);
* a context limit: a request estimated above it gets a 400 "maximum context length" error;
* scripted replies per test: ``{"text"}``, ``{"tool", "input" | "arguments_raw"}``,
  ``{"finish_reason"}``, ``{"refusal"}``, ``{"status", "headers", "message"}`` (429 with
  ``retry-after``, 5xx, 401), ``{"raw", "content_type"}``; then a default responder;
* a request log (path, lower-cased headers, parsed body), scanned for planted secrets.

Tokens are estimated as characters / 4, as in the Anthropic emulator.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers import leaks
from tests.servers.anthropic_server import Recorded, minimal_instance
from tests.servers.loopback import LoopbackServer, QuietHandler

TEST_KEY = "sk-local-test-0123456789"
Reply = dict[str, Any]


def default_responder(body: dict[str, Any]) -> Reply:
    """A minimal valid function call when one is forced, else a short text."""
    choice = body.get("tool_choice") or {}
    if isinstance(choice, dict) and choice.get("type") == "function":
        name = choice["function"]["name"]
        for tool in body.get("tools", []):
            if tool["function"]["name"] == name:
                schema = tool["function"]["parameters"]
                return {"tool": name, "input": minimal_instance(schema, {"input_schema": schema})}
    return {"text": "OK."}


class OpenAIServer(LoopbackServer):
    """The fake chat-completions API; use as a context manager."""

    poll_interval = 0.05

    def __init__(self, api_key: str | None = TEST_KEY, context_limit: int = 1_000_000,
                 responder: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.api_key = api_key
        self.context_limit = context_limit
        self.responder = responder or default_responder
        self.script: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        super().__init__()
        leaks.register(self)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server."""
        server = self

        class Handler(_Handler):
            owner = server

        return Handler

    @property
    def base_url(self) -> str:
        """What ``llm.base_url`` is set to (with the /v1 the clients expect)."""
        return self.origin + "/v1"

    def reply(self, *replies: Reply) -> None:
        """Queue replies; each completion request pops one, then the responder answers."""
        self.script.extend(replies)

    @property
    def completions(self) -> list[Recorded]:
        """Requests to /v1/chat/completions only."""
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.script:
                return self.script.popleft()
        return self.responder(body)


def _error(status: int, message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


class _Handler(QuietHandler):
    owner: OpenAIServer
    protocol_version = "HTTP/1.1"

    def _auth_ok(self, headers: dict[str, str]) -> bool:
        key = self.owner.api_key
        return key is None or headers.get("authorization") == f"Bearer {key}"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not self._auth_ok(headers):
            self._json(401, _error(401, "Incorrect API key provided.", "invalid_request_error"))
            return
        if self.path.split("?", 1)[0] == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "llama3.1:8b", "object": "model", "owned_by": "library"}]})
            return
        self._json(404, _error(404, "not found", "invalid_request_error"))

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        length = int(self.headers.get("content-length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, _error(400, "We could not parse the JSON body of your request.", "invalid_request_error"))
            return
        record = Recorded(path=path, headers=headers, body=body)
        owner = self.owner
        with owner._lock:
            owner.requests.append(record)
        if not self._auth_ok(headers):
            self._json(401, _error(401, "Incorrect API key provided.", "invalid_request_error"))
            return
        if path != "/v1/chat/completions":
            self._json(404, _error(404, f"Unknown path {path}", "invalid_request_error"))
            return
        prompt = max(1, math.ceil(len(json.dumps(body.get("messages", []))) / 4))
        prompt += math.ceil(len(json.dumps(body.get("tools", []))) / 4) if body.get("tools") else 0
        if prompt > owner.context_limit:
            msg = (f"This model's maximum context length is {owner.context_limit} tokens. However, your messages"
                   f" resulted in {prompt} tokens. Please reduce the length of the messages.")
            self._json(400, _error(400, msg, "invalid_request_error"))
            return
        reply = owner._next(body)
        if reply.get("delay"):
            time.sleep(reply["delay"])
        if "raw" in reply:
            self._raw(int(reply.get("status", 200)), reply["raw"], reply.get("content_type", "text/html"))
            return
        if "status" in reply:
            status = int(reply["status"])
            kind = {401: "invalid_request_error", 404: "invalid_request_error", 429: "rate_limit_exceeded"}.get(status, "server_error")
            self._json(status, _error(status, reply.get("message", "error"), kind), reply.get("headers", {}))
            return
        arguments = reply.get("arguments_raw")
        if "tool" in reply and arguments is None:
            arguments = json.dumps(reply.get("input", {}))
        text = reply.get("text")
        finish = reply.get("finish_reason") or ("tool_calls" if "tool" in reply else "stop")
        completion = max(1, math.ceil(len((text or "") + (arguments or "")) / 4))
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        record.usage = usage
        if body.get("stream"):
            record.stream_state = self._stream(body, reply, text, arguments, finish, usage)
            return
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": reply.get("refusal")}
        if "tool" in reply:
            message["tool_calls"] = [{"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
                                      "function": {"name": reply["tool"], "arguments": arguments}}]
        self._json(200, {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", ""), "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        })

    def _stream(self, body: dict[str, Any], reply: Reply, text: str | None, arguments: str | None,
                finish: str, usage: dict[str, int]) -> str:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model", "")}

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> None:
            self._data({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]})

        try:
            chunk({"role": "assistant", "content": ""})
            if reply.get("refusal"):
                chunk({"refusal": reply["refusal"]})
            for piece in _pieces(text or ""):
                if piece:
                    chunk({"content": piece})
            if "tool" in reply:
                call_id = f"call_{uuid.uuid4().hex[:12]}"
                chunk({"tool_calls": [{"index": 0, "id": call_id, "type": "function",
                                       "function": {"name": reply["tool"], "arguments": ""}}]})
                for piece in _pieces(arguments or ""):
                    chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
            chunk({}, finish)
            if (body.get("stream_options") or {}).get("include_usage"):
                self._data({**base, "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return "aborted"
        self.close_connection = True
        return "complete"

    def _data(self, payload: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
        self.wfile.flush()

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _raw(self, status: int, body: str, content_type: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _pieces(text: str, size: int = 16) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def local_settings(server: OpenAIServer, **llm: Any) -> Any:
    """Settings whose LLM is the openai-compatible provider at ``server`` (fast retries)."""
    from facilitator.config import Settings

    values: dict[str, Any] = {"provider": "openai-compatible", "base_url": server.base_url, "model": "llama3.1:8b",
                              "max_retries": 2, "timeout_seconds": 10.0}
    if server.api_key:
        values["api_key"] = server.api_key
    values.update(llm)
    return Settings.model_validate({"llm": values})
