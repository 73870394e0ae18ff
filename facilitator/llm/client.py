"""Building the SDK client from settings, and turning SDK failures into one-sentence errors.

The client is the official ``anthropic`` SDK (``AsyncAnthropic``, or ``AsyncAnthropicBedrock``
/ ``AsyncAnthropicVertex`` when ``llm.provider`` says so): its retries (429, 529, 5xx,
connection errors, honouring ``retry-after``) and timeouts are the reliability layer; we only
configure them. Whatever still fails reaches callers as ``LLMError`` with one plain sentence
that never contains the key, and every public entry point has an offline fallback.

With ``bedrock`` or ``vertex`` the provider's own credentials and region come from their usual
environment (AWS_* / CLOUD_ML_REGION, ANTHROPIC_VERTEX_PROJECT_ID), and ``llm.model`` must be
that provider's model id. The key is passed explicitly (settings, then ``ANTHROPIC_API_KEY``) so the SDK never goes
looking for profiles on disk, and it is never logged or put in a prompt.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from facilitator.config import Settings
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


def llm_available(settings: Settings) -> bool:
    """True when the LLM is enabled and has credentials (Bedrock/Vertex bring their own)."""
    if not settings.llm.enabled:
        return False
    return settings.llm.provider != "anthropic" or bool(api_key(settings))


def build_async_client(settings: Settings) -> Any:
    """An async SDK client for the configured provider; LLMError when it cannot be built."""
    llm = settings.llm
    common: dict[str, Any] = {"timeout": llm.timeout_seconds, "max_retries": llm.max_retries}
    url = base_url(settings)
    if url:
        common["base_url"] = url
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
