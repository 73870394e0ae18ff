"""A model inside the company: any server speaking the OpenAI chat-completions API.

Ollama, vLLM, llama.cpp's ``llama-server``, LM Studio and most gateways speak
``POST /v1/chat/completions``. ``llm.provider = "openai-compatible"`` with ``llm.base_url``
(``http://localhost:11434/v1`` for Ollama) sends every request there through the official
``openai`` client (its retries honour ``retry-after`` on 429/5xx), so nothing leaves the network.

The rest of the package keeps speaking one request shape (Anthropic's: tools, ``tool_choice``,
system blocks, messages of blocks). This adapter translates that shape to chat completions
and the answer back to the few fields the package reads (content blocks of type ``text`` /
``tool_use``, ``stop_reason``, ``usage``), so grounding, citations, masking, budgeting, stop
reason checks and the offline fallback are the same code for both providers. A forced tool
becomes a forced function call; its arguments arrive as a JSON string (streamed in pieces).
Images are not sent (most local servers do not take them). Local calls cost nothing per token,
so their cost is recorded as $0.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator.config import Settings, is_http_url
from facilitator.errors import LLMError
from facilitator.llm.client import ContextTooLong, shown_url

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "function_call": "tool_use",
                "content_filter": "refusal"}


@dataclass
class Block:
    """A content block as the package reads it."""

    type: str
    text: str = ""
    name: str = ""
    input: Any = None


@dataclass
class Usage:
    """Token usage in the Anthropic field names (``usage.record`` reads these)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0


@dataclass
class Message:
    """The final answer: content blocks, why it stopped, what it used."""

    content: list[Block] = field(default_factory=list)
    stop_reason: str = "end_turn"
    usage: Usage = field(default_factory=Usage)


def _base_url(settings: Settings) -> str:
    url = (settings.llm.base_url or os.environ.get("OPENAI_BASE_URL") or "").strip()
    if not url:
        raise LLMError(
            "llm.provider is openai-compatible but llm.base_url is not set; set it to the server's API,"
            " for example http://localhost:11434/v1 for Ollama."
        )
    if not is_http_url(url):
        raise LLMError(f"The model server URL '{url[:80]}' in llm.base_url is not an http(s) URL; set it to e.g. http://localhost:11434/v1.")
    return url


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def to_chat(params: dict[str, Any]) -> dict[str, Any]:
    """The chat-completions body for an Anthropic-shaped request."""
    messages: list[dict[str, Any]] = []
    system = _text(params.get("system") or "")
    if system:
        messages.append({"role": "system", "content": system})
    for msg in params.get("messages", []):
        messages.append({"role": msg["role"], "content": _text(msg.get("content", ""))})
    body: dict[str, Any] = {"model": params["model"], "messages": messages, "max_tokens": params["max_tokens"]}
    choice = params.get("tool_choice") or {}
    if params.get("tools") and choice.get("type") == "tool":
        body["tools"] = [
            {"type": "function", "function": {"name": t["name"], "description": t.get("description", ""), "parameters": t["input_schema"]}}
            for t in params["tools"]
        ]
        body["tool_choice"] = {"type": "function", "function": {"name": choice["name"]}}
    return body


def _arguments(name: str, raw: str) -> Any:
    try:
        return json.loads(raw or "{}")
    except json.JSONDecodeError:
        raise LLMError(f"The model's '{name}' answer was not valid JSON; nothing was changed, try again.") from None


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage()
    prompt = int(getattr(raw, "prompt_tokens", 0) or 0)
    details = getattr(raw, "prompt_tokens_details", None)
    cached = int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
    return Usage(input_tokens=prompt - cached, cache_read_input_tokens=cached, output_tokens=int(getattr(raw, "completion_tokens", 0) or 0))


class OpenAICompatClient:
    """Stands where the Anthropic SDK client stands in ``LLM``; built by ``build_async_client``."""

    def __init__(self, settings: Settings) -> None:
        try:
            import openai
        except ImportError:
            raise LLMError(
                "The openai-compatible provider needs the openai package; install it with pip install 'facilitator[local]'."
            ) from None
        self.settings = settings
        self.url = _base_url(settings)
        secret = settings.llm.api_key  # never ANTHROPIC_API_KEY: that key is not for this server
        key = (secret.get_secret_value() if secret is not None else "") or os.environ.get("OPENAI_API_KEY", "")
        key = key or "not-needed"  # Ollama and llama.cpp take any key
        self._key = key
        self._client = openai.AsyncOpenAI(
            base_url=self.url, api_key=key, timeout=settings.llm.timeout_seconds, max_retries=settings.llm.max_retries
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.close()

    def is_closed(self) -> bool:
        """True once closed."""
        return self._client.is_closed()

    async def complete(
        self,
        params: dict[str, Any],
        on_text: Callable[[str], Awaitable[None] | None] | None = None,
        on_partial: Callable[[str], Awaitable[None] | None] | None = None,
    ) -> Message:
        """One chat completion, streamed when a callback is given; errors become one sentence."""
        body = to_chat(params)
        try:
            if on_text is None and on_partial is None:
                return self._message(await self._client.chat.completions.create(**body))
            return await self._stream(body, on_text, on_partial)
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - every client failure becomes one sentence
            raise self._error(exc) from None

    def _message(self, response: Any) -> Message:
        choices = getattr(response, "choices", None)
        if not choices:
            raise LLMError(
                f"The server at {shown_url(self.url)} answered with something that is not a chat completion"
                " (a login page or proxy may be in the way); check llm.base_url."
            )
        choice = choices[0]
        msg = choice.message
        content: list[Block] = []
        if msg.content:
            content.append(Block(type="text", text=msg.content))
        for call in msg.tool_calls or []:
            content.append(Block(type="tool_use", name=call.function.name, input=_arguments(call.function.name, call.function.arguments)))
        stop = STOP_REASONS.get(choice.finish_reason or "stop", "end_turn")
        if getattr(msg, "refusal", None):
            stop = "refusal"
        return Message(content=content, stop_reason=stop, usage=_usage(response.usage))

    async def _stream(self, body: dict[str, Any], on_text: Any, on_partial: Any) -> Message:
        from facilitator.llm.core import _maybe_await

        text, name, args, finish, usage, refusal = "", "", "", "stop", None, ""
        stream = await self._client.chat.completions.create(**body, stream=True, stream_options={"include_usage": True})
        try:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    usage = chunk.usage
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                delta = choice.delta
                if choice.finish_reason:
                    finish = choice.finish_reason
                if getattr(delta, "refusal", None):
                    refusal += delta.refusal
                if delta.content:
                    text += delta.content
                    if on_text is not None:
                        await _maybe_await(on_text(delta.content))
                for call in delta.tool_calls or []:
                    if call.function is not None:
                        name = name or (call.function.name or "")
                        args += call.function.arguments or ""
                        if on_partial is not None:
                            await _maybe_await(on_partial(args))
        finally:
            await stream.close()
        content = [Block(type="text", text=text)] if text else []
        if name:
            content.append(Block(type="tool_use", name=name, input=_arguments(name, args)))
        stop = "refusal" if refusal else STOP_REASONS.get(finish, "end_turn")
        return Message(content=content, stop_reason=stop, usage=_usage(usage))

    def _error(self, exc: BaseException) -> LLMError:
        import openai

        where = shown_url(self.url)
        retries = self.settings.llm.max_retries
        if isinstance(exc, openai.AuthenticationError):
            msg = f"The model server at {where} rejected the key (401); check llm.api_key or OPENAI_API_KEY."
        elif isinstance(exc, openai.NotFoundError):
            msg = f"The model '{self.settings.llm.model}' was not found at {where} (404); set llm.model to a model the server serves."
        elif isinstance(exc, openai.RateLimitError):
            msg = f"The model server at {where} is rate limiting requests (429) after {retries} retries; wait a minute and try again."
        elif isinstance(exc, openai.BadRequestError):
            detail = str(getattr(exc, "message", "") or "bad request")
            if "context" in detail.lower() or "too long" in detail.lower():
                return ContextTooLong(f"The transcript is too large for the model at {where}; it will be summarised in parts.")
            msg = f"The model server at {where} refused the request (400: {detail[:160]}); check llm.model."
        elif isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            msg = f"The model server at {where} failed ({exc.status_code}) after {retries} retries; try again later."
        elif isinstance(exc, openai.APIStatusError):
            msg = f"The model server at {where} answered {exc.status_code}; check llm.base_url and llm.model."
        elif isinstance(exc, openai.APITimeoutError):
            msg = f"The model server at {where} did not answer within {self.settings.llm.timeout_seconds:g} s; try again or raise llm.timeout_seconds."
        elif isinstance(exc, openai.APIConnectionError):
            msg = f"Could not reach the model server at {where}; check that it is running and llm.base_url."
        elif isinstance(exc, (openai.APIResponseValidationError, ValueError, AttributeError, TypeError)):
            msg = f"The server at {where} answered with something that is not a chat completion; check llm.base_url."  # noqa: E501
        else:
            msg = f"The call to the model server at {where} failed ({type(exc).__name__}); offline suggestions are used instead."
        return LLMError(msg.replace(self._key, "[redacted]") if self._key != "not-needed" else msg)
