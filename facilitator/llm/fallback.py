"""Offline fallback for every LLM entry point: the step goes on, with a one-line notice.

``or_offline`` runs an LLM coroutine when an ``LLM`` is available; when there is none (no
key, ``--no-llm``) or the call fails after the SDK's retries, it returns the offline value
the caller supplied, with a notice saying what happened. It never touches the session, so
nothing the user typed can be lost by a failing call. Cancellation is not a failure: it
propagates, and the caller keeps what it had.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from facilitator.errors import LLMError

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """A result and where it came from; ``notice`` is one line for the user, '' when none."""

    value: T
    source: Literal["llm", "offline"]
    notice: str = ""


async def or_offline(
    call: Callable[[], Awaitable[T]] | None,
    offline: Callable[[], T],
) -> Outcome[T]:
    """``call()`` when given, else (or when it raises LLMError) ``offline()`` with a notice."""
    if call is None:
        return Outcome(offline(), "offline")
    try:
        return Outcome(await call(), "llm")
    except LLMError as exc:
        return Outcome(offline(), "offline", f"{exc} Showing offline suggestions instead.")
