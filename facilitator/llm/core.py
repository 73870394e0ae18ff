"""The ``LLM`` object: one per app run, shared by every task module.

It owns the SDK client (one per event loop: an async client's connection pool belongs to
the loop that created it), the condensed transcript contexts (memoised, so the cached
prefix is byte-identical on every call), and the three request shapes every task uses:

* ``tool``: a forced tool call, optionally streamed (partial JSON handed to a callback);
* ``text``: plain text, optionally streamed (each text delta handed to a callback);
* ``summarise``: a text call on a chunk, for map-reduce (bulk model, no cached prefix).

Every request has the same prefix: all tools, then ``system`` = [rules, fenced transcript
marked ``cache_control``]. The task comes after the prefix, in the user message. Usage of
every call is added to the ``LLMUsage`` the caller passes (``session.llm_usage``).
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, StrictUndefined

from facilitator import resources
from facilitator.config import Settings
from facilitator.errors import LLMError
from facilitator.llm import usage as usage_mod
from facilitator.llm.client import ContextTooLong, build_async_client, not_the_api, to_llm_error
from facilitator.llm.condense import Condensed, condense, new_nonce
from facilitator.llm.tools import tool_definitions
from facilitator.session import LLMUsage
from facilitator.transcript import Transcript

log = logging.getLogger(__name__)
T = TypeVar("T")
OnText = Callable[[str], Awaitable[None] | None]
OnPartial = Callable[[str], Awaitable[None] | None]  # the tool input JSON received so far

CACHE = {"type": "ephemeral"}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_IMAGE_BYTES = 3_750_000  # the API's 5 MB limit applies to the base64 text
MAX_IMAGES = 8
_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def render(name: str, **values: Any) -> str:
    """Render ``prompts/llm/<name>`` (a Jinja2 template) with ``values``."""
    return _env.from_string(resources.read_text("llm", name)).render(**values).strip()


async def _maybe_await(result: Awaitable[None] | None) -> None:
    if inspect.isawaitable(result):
        await result


@dataclass
class Context:
    """What precedes every task: the condensed (or digested) transcript, fenced."""

    condensed: Condensed
    transcript: Transcript
    images: list[dict[str, Any]] = field(default_factory=list)

    def system(self) -> list[dict[str, Any]]:
        """The system blocks; the transcript block carries the cache breakpoint."""
        rules = render("system.md", nonce=self.condensed.nonce)
        return [{"type": "text", "text": rules}, {"type": "text", "text": self.condensed.fenced(), "cache_control": CACHE}]


def image_blocks(transcript: Transcript, condensed: Condensed) -> list[dict[str, Any]]:
    """Screenshots with a local copy, supported type and size, as labelled image blocks."""
    blocks: list[dict[str, Any]] = []
    count = 0
    for m in transcript.messages:
        for a in m.attachments:
            if count >= MAX_IMAGES or not a.is_image or a.mimetype not in IMAGE_TYPES or not a.local_path:
                continue
            path = Path(a.local_path)
            try:
                if path.stat().st_size > MAX_IMAGE_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            alias = condensed.alias_of(m.id) or "?"
            blocks.append({"type": "text", "text": f"Screenshot attached to {alias} ({a.name}); untrusted data."})
            blocks.append(
                {"type": "image", "source": {"type": "base64", "media_type": a.mimetype, "data": base64.b64encode(data).decode()}}
            )
            count += 1
    if blocks:
        blocks[-1]["cache_control"] = CACHE
    return blocks


class LLM:
    """The facilitator's access to Claude; build it with ``get_llm(settings)``."""

    def __init__(self, settings: Settings, client_factory: Callable[[Settings], Any] | None = None) -> None:
        self.settings = settings
        self.model = settings.llm.model
        self.bulk_model = settings.llm.bulk_model
        self.total = LLMUsage()  # everything this object spent (the benchmark reads it)
        self._factory = client_factory or build_async_client
        self._client: Any = None
        self._client_loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._contexts: dict[tuple[int, int, str, bool], tuple[weakref.ref[Transcript], Context]] = {}
        self._too_long: set[tuple[int, int, str]] = set()  # transcripts the API found too long
        self._nonce = new_nonce()

    # -- plumbing ---------------------------------------------------------------------------
    def client(self) -> Any:
        """The SDK client for the running event loop."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is None or self._client_loop() is not loop:
            self._client = self._factory(self.settings)
            self._client_loop = weakref.ref(loop)
        return self._client

    async def aclose(self) -> None:
        """Close the SDK client of the running loop (call before the loop ends)."""
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.close()

    def _checked(self, message: Any) -> Any:
        """``message`` when it looks like an SDK Message (a list of typed blocks), else LLMError."""
        content = getattr(message, "content", None)
        if not isinstance(content, list) or not all(isinstance(getattr(b, "type", None), str) for b in content):
            raise not_the_api(self.settings, "JSON that is not a message")
        return message

    async def _final(self, stream: Any) -> Any:
        """The stream's final message; LLMError when the stream ended before one was started."""
        try:
            message = await stream.get_final_message()
        except AssertionError:  # the SDK asserts that a message_start event was seen
            raise not_the_api(self.settings, "a stream without a message") from None
        return self._checked(message)

    def _record(self, model: str, sdk_usage: Any, usage: LLMUsage | None) -> None:
        usage_mod.record(self.total, model, sdk_usage)
        if usage is not None and usage is not self.total:
            usage_mod.record(usage, model, sdk_usage)

    async def context(self, transcript: Transcript, usage: LLMUsage | None = None, digest: bool = False) -> Context:
        """The memoised context for a transcript; summarised in chunks when over budget."""
        base = (id(transcript), len(transcript.messages), transcript.messages[-1].id if transcript.messages else "")
        digest = digest or base in self._too_long
        key = (*base, digest)
        hit = self._contexts.get(key)
        if hit is not None and hit[0]() is transcript:
            return hit[1]
        condensed = condense(transcript, self._nonce)
        from facilitator.llm.chunking import digest_if_needed

        condensed = await digest_if_needed(self, condensed, usage, force=digest)
        ctx = Context(condensed=condensed, transcript=transcript, images=image_blocks(transcript, condensed))
        self._contexts[key] = (weakref.ref(transcript), ctx)
        return ctx

    def _mark_too_long(self, transcript: Transcript) -> None:
        last = transcript.messages[-1].id if transcript.messages else ""
        self._too_long.add((id(transcript), len(transcript.messages), last))

    async def _guard(self, coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        try:
            return await coro_factory()
        except asyncio.CancelledError:
            raise
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes one sentence
            import anthropic

            if isinstance(exc, (anthropic.AnthropicError, ValueError, RuntimeError, OSError)):
                if isinstance(exc, ValueError) and not isinstance(exc, anthropic.AnthropicError):
                    raise LLMError("The model's answer could not be read (malformed JSON); offline suggestions are used.") from None
                raise to_llm_error(exc, self.settings) from None
            raise

    # -- request shapes ---------------------------------------------------------------------
    async def tool(
        self,
        name: str,
        task: str,
        transcript: Transcript,
        usage: LLMUsage | None,
        *,
        with_images: bool = False,
        max_tokens: int = 4096,
        on_partial: OnPartial | None = None,
    ) -> Any:
        """Force the tool ``name`` after the cached prefix; the raw tool input (validate it!)."""
        for attempt in (False, True):
            ctx = await self.context(transcript, usage, digest=attempt)
            content = [*(ctx.images if with_images else []), {"type": "text", "text": task}]
            params = {
                "model": self.model,
                "max_tokens": max_tokens,
                "tools": tool_definitions(),
                "tool_choice": {"type": "tool", "name": name},
                "system": ctx.system(),
                "messages": [{"role": "user", "content": content}],
            }
            try:
                if on_partial is None:
                    return await self._guard(lambda: self._create_tool(params, name, usage))
                return await self._guard(lambda: self._stream_tool(params, name, usage, on_partial))
            except ContextTooLong:
                if attempt or ctx.condensed.summarised:
                    raise
                log.info("context too long; summarising the transcript in chunks")
                self._mark_too_long(transcript)
        raise AssertionError("unreachable")

    async def _create_tool(self, params: dict[str, Any], name: str, usage: LLMUsage | None) -> Any:
        message = self._checked(await self.client().messages.create(**params))
        self._record(params["model"], message.usage, usage)
        return _tool_input(message.content, name)

    async def _stream_tool(self, params: dict[str, Any], name: str, usage: LLMUsage | None, on_partial: OnPartial) -> Any:
        buf = ""
        async with self.client().messages.stream(**params) as stream:
            async for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                    buf += event.delta.partial_json
                    await _maybe_await(on_partial(buf))
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    buf += event.delta.text
            message = await self._final(stream)
        self._record(params["model"], message.usage, usage)
        return _tool_input(message.content, name)

    async def text(
        self,
        task: str,
        transcript: Transcript,
        usage: LLMUsage | None,
        *,
        max_tokens: int = 2048,
        on_text: OnText | None = None,
    ) -> str:
        """Plain text after the cached prefix (tools present but not allowed), optionally streamed."""
        for attempt in (False, True):
            ctx = await self.context(transcript, usage, digest=attempt)
            params = {
                "model": self.model,
                "max_tokens": max_tokens,
                "tools": tool_definitions(),
                "tool_choice": {"type": "none"},
                "system": ctx.system(),
                "messages": [{"role": "user", "content": [{"type": "text", "text": task}]}],
            }
            try:
                return await self._guard(lambda: self._stream_text(params, usage, on_text))
            except ContextTooLong:
                if attempt or ctx.condensed.summarised:
                    raise
                self._mark_too_long(transcript)
        raise AssertionError("unreachable")

    async def _stream_text(self, params: dict[str, Any], usage: LLMUsage | None, on_text: OnText | None) -> str:
        if on_text is None:
            message = self._checked(await self.client().messages.create(**params))
        else:
            async with self.client().messages.stream(**params) as stream:
                async for event in stream:
                    if event.type == "content_block_delta" and event.delta.type == "text_delta":
                        await _maybe_await(on_text(event.delta.text))
                message = await self._final(stream)
        self._record(params["model"], message.usage, usage)
        return "".join(b.text for b in message.content if b.type == "text").strip()

    async def summarise(self, system: str, text: str, usage: LLMUsage | None, max_tokens: int = 2048) -> str:
        """One map or reduce step on the bulk model (no tools, no shared prefix)."""
        params = {
            "model": self.bulk_model,
            "max_tokens": max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}],
        }

        async def call() -> str:
            message = self._checked(await self.client().messages.create(**params))
            self._record(self.bulk_model, message.usage, usage)
            return "".join(b.text for b in message.content if b.type == "text").strip()

        return await self._guard(call)

    async def count_tokens(self, system: str, text: str) -> int | None:
        """Exact input tokens from the API, or None when counting is unavailable."""
        try:
            result = await self.client().messages.count_tokens(
                model=self.model, system=system, messages=[{"role": "user", "content": text}]
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - counting is an optimisation; the estimate stands in
            return None
        return int(result.input_tokens)


def _tool_input(content: list[Any], name: str) -> Any:
    """The input of the tool call ``name``; a JSON object found in text as a fallback."""
    for block in content:
        if block.type == "tool_use" and block.name == name:
            return block.input
    text = "".join(getattr(b, "text", "") for b in content if b.type == "text")
    start, end = text.find("{"), text.rfind("}")
    if start >= 0 and end > start:
        import json

        try:
            return json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            pass
    raise LLMError("The model's answer could not be read (no structured answer); offline suggestions are used.")


def run_sync(coro: Coroutine[Any, Any, T], llm: LLM | None = None) -> T:
    """Run an LLM coroutine from synchronous code (plain mode, CLI); not from inside a loop.

    Pass the ``llm`` so its client is closed before the temporary loop ends.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        coro.close()
        raise RuntimeError("run_sync() called inside an event loop; await the coroutine instead")

    async def run() -> T:
        try:
            return await coro
        finally:
            if llm is not None:
                await llm.aclose()

    return asyncio.run(run())
