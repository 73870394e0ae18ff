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
import hashlib
import inspect
import json
import logging
import math
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, StrictUndefined

from facilitator import resources
from facilitator.config import Settings
from facilitator.errors import LLMError
from facilitator.llm import usage as usage_mod
from facilitator.llm.client import ContextTooLong, build_async_client, not_the_api, to_llm_error
from facilitator.llm.condense import Condensed, condense, new_nonce
from facilitator.llm.privacy import AliasStream, Privacy
from facilitator.llm.tools import tool_definitions
from facilitator.redact_detect import mask_secrets
from facilitator.session import LLMCall, LLMUsage, Session
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
    """What precedes every task: the condensed (or digested) transcript, masked and fenced."""

    condensed: Condensed
    transcript: Transcript
    privacy: Privacy
    images: list[dict[str, Any]] = field(default_factory=list)
    _system: list[dict[str, Any]] = field(default_factory=list)

    def system(self) -> list[dict[str, Any]]:
        """The system blocks; the transcript block carries the cache breakpoint (built once)."""
        if not self._system:
            rules = render("system.md", nonce=self.condensed.nonce)
            self._system = [
                {"type": "text", "text": rules},
                {"type": "text", "text": self.condensed.fenced(), "cache_control": CACHE},
            ]
        return self._system

    @property
    def masked_ids(self) -> frozenset[int]:
        """Blocks already masked (our rules and the transcript masked at condensing time)."""
        return frozenset(id(b) for b in self.system())


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


def request_tokens(params: dict[str, Any]) -> int:
    """A conservative input-token estimate of a request (3.5 characters per token, 1,600 per image)."""
    chars = len(json.dumps(params.get("tools", []))) if params.get("tools") else 0
    images = 0
    system = params.get("system", "")
    blocks = [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
    for msg in params.get("messages", []):
        content = msg.get("content")
        blocks += [{"type": "text", "text": content}] if isinstance(content, str) else content
    for block in blocks:
        if block.get("type") == "image":
            images += 1
        else:
            chars += len(block.get("text", "")) + 8
    return math.ceil(chars / 3.5) + images * 1600


def prompt_hash(params: dict[str, Any]) -> str:
    """SHA-256 of the request body as sent (the audit trail records it, never the text)."""
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


class LLM:
    """The facilitator's access to the model; build it with ``get_llm(settings)``."""

    def __init__(self, settings: Settings, client_factory: Callable[[Settings], Any] | None = None) -> None:
        self.settings = settings
        self.model = settings.llm.model
        self.bulk_model = settings.llm.bulk_model
        self.total = LLMUsage()  # everything this object spent (the benchmark reads it)
        self._factory = client_factory or build_async_client
        self._client: Any = None
        self._client_loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._contexts: dict[tuple[int, int, str, bool], tuple[weakref.ref[Transcript], Context]] = {}
        self._privacy: dict[tuple[int, int, str], tuple[weakref.ref[Transcript], Privacy]] = {}
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

    def _record(self, params: dict[str, Any], message: Any, usage: LLMUsage | None) -> None:
        model = params["model"]
        call = usage_mod.record(None, model, message.usage)
        if self.settings.llm.provider == "openai-compatible":
            call.estimated_cost_usd = 0.0  # a model the company runs itself: no per-token bill
        usage_mod.add(self.total, call)
        entry = LLMCall(
            at=datetime.now(timezone.utc),
            provider=self.settings.llm.provider,
            model=model,
            prompt_sha256=prompt_hash(params),
            input_tokens=call.input_tokens,
            cache_read_tokens=call.cache_read_tokens,
            cache_write_tokens=call.cache_write_tokens,
            output_tokens=call.output_tokens,
            stop_reason=str(getattr(message, "stop_reason", "") or ""),
            estimated_cost_usd=round(call.estimated_cost_usd, 6),
        )
        self.total.audit.append(entry)
        if usage is not None and usage is not self.total:
            usage_mod.add(usage, call)
            usage.audit.append(entry)

    def privacy(self, transcript: Transcript) -> Privacy:
        """The masker for a transcript (memoised: aliases stay stable across calls)."""
        base = _key(transcript)
        hit = self._privacy.get(base)
        if hit is not None and hit[0]() is transcript:
            return hit[1]
        privacy = Privacy(self.settings, transcript)
        self._privacy[base] = (weakref.ref(transcript), privacy)
        return privacy

    async def context(
        self, transcript: Transcript, usage: LLMUsage | None = None, digest: bool = False, session: Session | None = None
    ) -> Context:
        """The memoised context for a transcript; masked, and summarised in chunks when over budget."""
        base = _key(transcript)
        privacy = self.privacy(transcript)
        if session is not None:
            privacy.learn_session(session)
        digest = digest or base in self._too_long
        key = (*base, digest)
        hit = self._contexts.get(key)
        if hit is not None and hit[0]() is transcript:
            return hit[1]
        condensed = condense(transcript, self._nonce)
        condensed.text = privacy.outgoing(condensed.text)  # before chunking, caching or counting
        from facilitator.llm.chunking import digest_if_needed

        condensed = await digest_if_needed(self, condensed, usage, force=digest)
        ctx = Context(condensed=condensed, transcript=transcript, privacy=privacy, images=image_blocks(transcript, condensed))
        self._contexts[key] = (weakref.ref(transcript), ctx)
        return ctx

    def _mark_too_long(self, transcript: Transcript) -> None:
        self._too_long.add(_key(transcript))

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

    # -- sending ----------------------------------------------------------------------------
    async def _fit(self, params: dict[str, Any]) -> None:
        """ContextTooLong, before anything is sent, when the request cannot fit the model's context."""
        limit = self.settings.llm.context_window_tokens - int(params.get("max_tokens", 0))
        estimate = request_tokens(params)
        if estimate <= limit:
            return
        system = params.get("system")
        transcript = system[-1].get("text", "") if isinstance(system, list) and system else ""
        if estimate - math.ceil(len(transcript) / 3.5) >= limit:
            raise _too_large()  # the task alone does not fit: summarising the channel would not help
        exact = await self.count_request(params)
        if exact is None or exact > limit:
            raise ContextTooLong("The request is larger than the model's context window; it will be summarised in parts.")

    async def _complete(self, params: dict[str, Any], on_text: OnText | None, on_partial: OnPartial | None) -> Any:
        """One request through the configured client; the final message (content blocks, stop_reason, usage)."""
        client = self.client()
        if hasattr(client, "complete"):  # the OpenAI-compatible adapter
            return await client.complete(params, on_text=on_text, on_partial=on_partial)
        if on_text is None and on_partial is None:
            return self._checked(await client.messages.create(**params))
        buf = ""
        async with client.messages.stream(**params) as stream:
            async for event in stream:
                if event.type != "content_block_delta":
                    continue
                if event.delta.type == "input_json_delta" and on_partial is not None:
                    buf += event.delta.partial_json
                    await _maybe_await(on_partial(buf))
                elif event.delta.type == "text_delta":
                    if on_text is not None:
                        await _maybe_await(on_text(event.delta.text))
                    elif on_partial is not None:
                        buf += event.delta.text
            return await self._final(stream)

    async def _call(
        self,
        params: dict[str, Any],
        usage: LLMUsage | None,
        privacy: Privacy,
        masked: frozenset[int] = frozenset(),
        on_text: OnText | None = None,
        on_partial: OnPartial | None = None,
    ) -> tuple[Any, str]:
        """Mask, budget, send, check the stop reason; (message, text already received before a continuation).

        A ``max_tokens`` cut-off is continued (text) or retried with twice the room (tool) once;
        a refusal or a second cut-off is an LLMError, so nothing truncated is ever accepted.
        """
        sent = privacy.outgoing_params(params, skip=masked)
        await self._fit(sent)
        before = ""
        for attempt in (0, 1):
            text_cb, partial_cb, stream = _unaliasing(privacy, on_text, on_partial)
            message = await self._guard(lambda: self._complete(sent, text_cb, partial_cb))  # noqa: B023
            if stream is not None:
                rest = stream.flush()
                if rest and on_text is not None:
                    await _maybe_await(on_text(rest))
            self._record(sent, message, usage)
            stop = getattr(message, "stop_reason", None)
            if stop == "refusal":
                raise LLMError("The model declined this request (refusal); nothing was changed, write this part yourself.")
            if stop != "max_tokens":
                return message, before
            if attempt:
                break
            if params.get("tool_choice", {}).get("type") == "tool":
                room = self.settings.llm.context_window_tokens - request_tokens(sent)
                more = min(2 * int(sent["max_tokens"]), MAX_OUTPUT_TOKENS, room)
                if more <= int(sent["max_tokens"]):
                    break  # no more room to give it
                sent = {**sent, "max_tokens": more}
            else:
                partial = _text_of(message).rstrip()
                before += partial
                sent = {**sent, "messages": [*sent["messages"], {"role": "assistant", "content": [{"type": "text", "text": before}]}]}
        raise LLMError("The model's answer was cut off at its length limit twice; nothing was changed, try again or write it yourself.")

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
        """Force the tool ``name`` after the cached prefix; the raw tool input, names mapped back (validate it!)."""
        for attempt in (False, True):
            ctx = await self.context(transcript, usage, digest=attempt)
            llm_settings = self.settings.llm
            images = ctx.images if with_images and llm_settings.send_screenshots and llm_settings.provider != "openai-compatible" else []
            content = [*images, {"type": "text", "text": task}]
            params = {
                "model": self.model,
                "max_tokens": max_tokens,
                "tools": tool_definitions(),
                "tool_choice": {"type": "tool", "name": name},
                "system": ctx.system(),
                "messages": [{"role": "user", "content": content}],
            }
            try:
                message, _ = await self._call(params, usage, ctx.privacy, ctx.masked_ids, on_partial=on_partial)
                return ctx.privacy.incoming(_tool_input(message.content, name))
            except ContextTooLong:
                if attempt or ctx.condensed.summarised:
                    raise _too_large() from None
                log.info("context too long; summarising the transcript in chunks")
                self._mark_too_long(transcript)
        raise AssertionError("unreachable")

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
                message, before = await self._call(params, usage, ctx.privacy, ctx.masked_ids, on_text=on_text)
                return ctx.privacy.incoming(before + _text_of(message)).strip()
            except ContextTooLong:
                if attempt or ctx.condensed.summarised:
                    raise _too_large() from None
                self._mark_too_long(transcript)
        raise AssertionError("unreachable")

    async def summarise(self, system: str, text: str, usage: LLMUsage | None, max_tokens: int = 2048) -> str:
        """One map or reduce step on the bulk model (no tools, no shared prefix); ``text`` is already masked."""
        params = {
            "model": self.bulk_model,
            "max_tokens": max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}],
        }
        sent = {**params, "messages": [{"role": "user", "content": [{"type": "text", "text": mask_secrets(text)}]}]}
        message, before = await self._call(sent, usage, _NO_ALIASES, frozenset(id(b) for b in sent["messages"][0]["content"]))
        return (before + _text_of(message)).strip()

    async def count_tokens(self, system: str, text: str) -> int | None:
        """Exact input tokens from the API, or None when counting is unavailable."""
        return await self.count_request({"system": system, "messages": [{"role": "user", "content": text}]})

    async def count_request(self, params: dict[str, Any]) -> int | None:
        """Exact input tokens of a request from the Anthropic API, None when unavailable (estimate stands)."""
        client = self.client()
        if hasattr(client, "complete"):
            return None
        fields = {k: params[k] for k in ("system", "messages", "tools", "tool_choice") if k in params}
        try:
            result = await client.messages.count_tokens(model=self.model, **fields)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - counting is an optimisation; the estimate stands in
            return None
        return int(result.input_tokens)


MAX_OUTPUT_TOKENS = 16_000


class _Plain:
    """A Privacy stand-in for requests whose text is already masked (chunk summaries)."""

    def outgoing_params(self, params: dict[str, Any], skip: frozenset[int] = frozenset()) -> dict[str, Any]:
        return params

    def incoming(self, value: Any) -> Any:
        return value


_NO_ALIASES: Any = _Plain()


def _key(transcript: Transcript) -> tuple[int, int, str]:
    return (id(transcript), len(transcript.messages), transcript.messages[-1].id if transcript.messages else "")


def _too_large() -> LLMError:
    return LLMError(
        "The request is too large for the model's context even after summarising the channel;"
        " raise llm.context_window_tokens only if the model allows it."
    )


def _text_of(message: Any) -> str:
    return "".join(getattr(b, "text", "") for b in message.content if b.type == "text")


def _unaliasing(
    privacy: Any, on_text: OnText | None, on_partial: OnPartial | None
) -> tuple[OnText | None, OnPartial | None, AliasStream | None]:
    """Callbacks that see real names: text deltas through an ``AliasStream``, partial JSON cut before a half alias."""
    if not isinstance(privacy, Privacy):
        return on_text, on_partial, None
    text_cb: OnText | None = None
    partial_cb: OnPartial | None = None
    stream: AliasStream | None = None
    if on_text is not None:
        stream = AliasStream(privacy)

        async def text_cb(delta: str) -> None:  # type: ignore[no-redef]
            out = stream.feed(delta)
            if out:
                await _maybe_await(on_text(out))

    if on_partial is not None:

        async def partial_cb(buf: str) -> None:  # type: ignore[no-redef]
            await _maybe_await(on_partial(privacy.incoming(buf[: privacy.safe_length(buf)])))

    return text_cb, partial_cb, stream


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
