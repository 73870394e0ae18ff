"""Building the SDK client from settings, and turning SDK failures into one-sentence errors.

The client is the official ``anthropic`` SDK (``AsyncAnthropic``, or ``AsyncAnthropicBedrock``
/ ``AsyncAnthropicVertex`` when ``llm.provider`` says so): its retries (429, 529, 5xx,
connection errors, honouring ``retry-after``) and timeouts are the reliability layer; we only
configure them. Whatever still fails reaches callers as ``LLMError`` with one plain sentence
that never contains the key, and every public entry point has an offline fallback.

Two gaps in the SDK are closed by a small client middleware (``ResponseGuard``, the SDK's
public hook that runs once per HTTP attempt): a 200 answer that is not the API (an SSO login
page, a proxy's HTML, an empty body) would otherwise be handed back as a plain string, and a
``retry-after`` is obeyed however long it is (a gateway answering ``retry-after: 600`` would
stall the app for ten minutes). The base URL is checked up front for the same reason: a value
such as ``notaurl`` would otherwise surface as "could not reach ... at" with an empty host.

With ``bedrock`` or ``vertex`` the provider's own credentials and region come from their usual
environment (AWS_* / CLOUD_ML_REGION, ANTHROPIC_VERTEX_PROJECT_ID), and ``llm.model`` must be
that provider's model id. The key is passed explicitly (settings, then ``ANTHROPIC_API_KEY``) so the SDK never goes
looking for profiles on disk, and it is never logged or put in a prompt.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

from facilitator.config import Settings, is_http_url
from facilitator.errors import LLMError


class ContextTooLong(LLMError):
    """The request was larger than the model's context window (400 'prompt is too long')."""


def api_key(settings: Settings) -> str:
    """The Anthropic key from the config or ``ANTHROPIC_API_KEY`` ('' when none)."""
    secret = settings.llm.api_key
    value = secret.get_secret_value() if secret is not None else ""
    return value or os.environ.get("ANTHROPIC_API_KEY", "")


def base_url(settings: Settings) -> str | None:
    """Gateway or test server URL, or None for the provider default."""
    return settings.llm.base_url or os.environ.get("ANTHROPIC_BASE_URL") or None


BASE_URL_SETTING = "ANTHROPIC_BASE_URL (llm.base_url)"  # the variable fills the config key, so name both


def shown_url(url: str) -> str:
    """``scheme://host[:port]/path`` without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/")


def check_base_url(settings: Settings) -> str | None:
    """The configured base URL when it is an http(s) URL with a host (None when unset), else LLMError."""
    url = base_url(settings)
    if not url:
        return None
    if not is_http_url(url):
        raise LLMError(
            f"The Anthropic base URL '{url[:80]}' from {BASE_URL_SETTING} is not an http(s) URL;"
            " set it to something like https://api.anthropic.com or unset it."
        )
    return url.strip()


def llm_available(settings: Settings) -> bool:
    """True when the LLM is enabled and has credentials (Bedrock/Vertex bring their own)."""
    if not settings.llm.enabled:
        return False
    return settings.llm.provider != "anthropic" or bool(api_key(settings))  # others bring their own auth


def build_async_client(settings: Settings) -> Any:
    """An async SDK client for the configured provider; LLMError when it cannot be built."""
    llm = settings.llm
    common: dict[str, Any] = {
        "timeout": llm.timeout_seconds,
        "max_retries": llm.max_retries,
        "middleware": [ResponseGuard(settings)],
    }
    url = check_base_url(settings)
    if url:
        common["base_url"] = url
    if llm.provider == "openai-compatible":
        from facilitator.llm.openai_compat import OpenAICompatClient

        return OpenAICompatClient(settings)
    missing = _missing_extra(llm.provider)
    if missing:
        raise LLMError(
            f"The {llm.provider} provider needs {missing}, which is not installed;"
            f" install it with pip install 'facilitator[{llm.provider}]', or use --no-llm."
        )
    try:
        if llm.provider == "bedrock":
            from anthropic import AsyncAnthropicBedrock

            return AsyncAnthropicBedrock(**common)
        if llm.provider == "vertex":
            from anthropic import AsyncAnthropicVertex

            return AsyncAnthropicVertex(**common)
        from anthropic import AsyncAnthropic

        key = api_key(settings)
        if not key:
            raise LLMError("No Anthropic API key is set; set ANTHROPIC_API_KEY or llm.api_key, or use --no-llm.")
        return AsyncAnthropic(api_key=key, **common)
    except LLMError:
        raise
    except ImportError as exc:
        raise LLMError(
            f"The {llm.provider} provider needs an extra package ({exc.name}); install anthropic[{llm.provider}]."
        ) from None
    except (ValueError, TypeError) as exc:
        raise LLMError(f"The {llm.provider} client could not be set up ({_scrub(str(exc), settings)}).") from None


EXTRAS = {"bedrock": ("botocore", "boto3"), "vertex": ("google.auth",)}  # what anthropic[bedrock|vertex] brings


def _missing_extra(provider: str) -> str:
    """The first package the provider's extra brings that cannot be imported ('' when all can)."""
    import importlib.util

    for module in EXTRAS.get(provider, ()):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except (ImportError, ValueError):
            return module
    return ""


def _retryable(response: Any) -> bool:
    """The SDK's own rule for which answers it retries (``_should_retry``)."""
    flag = response.headers.get("x-should-retry")
    if flag in ("true", "false"):
        return flag == "true"
    return response.status_code in (408, 409, 429) or response.status_code >= 500


def retry_after_seconds(headers: Any) -> float | None:
    """``retry-after-ms`` / ``retry-after`` (seconds or an HTTP date) as seconds, None when absent."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) / scale
        except ValueError:
            pass
    parsed = email.utils.parsedate_tz(headers.get("retry-after") or "")
    return None if parsed is None else float(email.utils.mktime_tz(parsed) - time.time())


def not_the_api(settings: Settings, what: str) -> LLMError:
    """The error for a 200 answer that is not an Anthropic API answer (login page, proxy, gateway)."""
    url = base_url(settings)
    if url:
        where, fix = f"The server at {shown_url(url)}", f"check {BASE_URL_SETTING}"
    else:
        where, fix = "The Anthropic API address (api.anthropic.com)", "check the network or proxy"
    return LLMError(
        f"{where} answered with {what}, not the Anthropic API (a login page or proxy may be in the way);"
        f" {fix}, offline suggestions are used meanwhile."
    )


class ResponseGuard:
    """SDK middleware: refuse answers that are not the API, and waits longer than we allow."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.max_wait = settings.llm.max_retry_wait_seconds
        self.max_retries = settings.llm.max_retries

    async def __call__(self, request: Any, call_next: Any) -> Any:
        """Run one attempt and check what came back (the SDK calls this once per attempt)."""
        response = await call_next(request)
        status = response.status_code
        if status == 200:
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            streamed = "event-stream" in ctype or "eventstream" in ctype  # Bedrock: vnd.amazon.eventstream
            what = ""
            if response.headers.get("content-length") == "0":
                what = "an empty body"
            elif not (streamed if request.stream else ctype.endswith("json")):
                what = "an HTML page" if "html" in ctype else f"a body of type {ctype or 'unknown'}"
            elif not request.stream:
                raw = await response.http_response.aread()  # cached: the SDK parses the same bytes
                try:
                    json.loads(raw)
                except ValueError:
                    what = "a body that is not JSON"
            if what:
                await response.http_response.aclose()
                raise not_the_api(self.settings, what)
            return response
        retries_left = request.options.get_max_retries(self.max_retries) - request.retries_taken
        if retries_left > 0 and _retryable(response):
            wait = retry_after_seconds(response.headers)
            if wait is not None and wait > self.max_wait:
                await response.http_response.aclose()
                raise LLMError(
                    f"The Anthropic API asked us to wait {wait:.0f} s before retrying (status {status}), longer than"
                    f" llm.max_retry_wait_seconds ({self.max_wait:g} s); continuing offline, try again later."
                )
        return response


def _scrub(text: str, settings: Settings) -> str:
    key = api_key(settings)
    return text.replace(key, "[redacted]") if key else text


def to_llm_error(exc: BaseException, settings: Settings) -> LLMError:
    """One plain sentence for an SDK failure (after the SDK's own retries)."""
    import anthropic

    retries = settings.llm.max_retries
    host = urlsplit(base_url(settings) or "https://api.anthropic.com").netloc
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, anthropic.AuthenticationError):
        msg = "The Anthropic API rejected the key (401); check ANTHROPIC_API_KEY or llm.api_key in the config."
    elif isinstance(exc, anthropic.PermissionDeniedError):
        msg = "The Anthropic key is not allowed to use this model (403); check llm.model or the key's workspace."
    elif isinstance(exc, anthropic.NotFoundError):
        msg = f"The model '{settings.llm.model}' was not found (404); set llm.model to a current model id."
    elif isinstance(exc, anthropic.RateLimitError) or getattr(exc, "type", None) == "rate_limit_error":
        msg = f"The Anthropic API is rate limiting requests (429) after {retries} retries; wait a minute and try again."
    elif isinstance(exc, anthropic.APIStatusError) and (exc.status_code == 529 or exc.type == "overloaded_error"):
        msg = f"The Anthropic API is overloaded (529) after {retries} retries; try again in a few minutes."
    elif isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500:
        msg = f"The Anthropic API failed ({exc.status_code}) after {retries} retries; try again later."
    elif isinstance(exc, anthropic.BadRequestError):
        detail = (exc.api_message or "bad request").rstrip(".")
        if "too long" in detail.lower() or "context" in detail.lower() and "exceed" in detail.lower():
            return ContextTooLong(f"The transcript is too large for the model ({detail}); it will be summarised in parts.")
        msg = f"The Anthropic API refused the request (400: {detail[:200]}); this is a bug, please report it."
    elif isinstance(exc, anthropic.APITimeoutError):
        msg = f"The Anthropic API did not answer within {settings.llm.timeout_seconds:g} s; try again or raise llm.timeout_seconds."
    elif isinstance(exc, anthropic.APIConnectionError):
        msg = f"Could not reach the Anthropic API at {host}; check the network or ANTHROPIC_BASE_URL."
    elif isinstance(exc, anthropic.APIStatusError) and exc.status_code == 200:
        msg = "The Anthropic API stopped the answer midway (stream error); try again later."
    elif isinstance(exc, anthropic.APIStatusError):
        msg = f"The Anthropic API answered {exc.status_code}; try again later."
    else:
        msg = f"The LLM call failed ({type(exc).__name__}); offline suggestions are used instead."
    return LLMError(_scrub(msg, settings))
