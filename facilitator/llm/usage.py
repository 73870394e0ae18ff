"""Token accounting: what each call cost, added to ``session.llm_usage``.

Prices are data (``prompts/llm/prices.toml``) because they change more often than code and
differ per contract. The cost is an estimate and is labelled as such wherever it is shown.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from facilitator import resources
from facilitator.session import LLMUsage


@lru_cache(maxsize=1)
def price_table() -> dict[str, Any]:
    """The parsed price table."""
    return tomllib.loads(resources.read_text("llm", "prices.toml"))


def billable_input(input_tokens: int, cache_write: int, cache_read: int) -> float:
    """Input tokens weighted as billed: writes x1.25, reads x0.1 (multipliers from the table)."""
    table = price_table()
    return input_tokens + cache_write * table["cache_write_multiplier"] + cache_read * table["cache_read_multiplier"]


def cost_usd(model: str, input_tokens: int, cache_write: int, cache_read: int, output_tokens: int) -> float:
    """Estimated dollars for one call."""
    models = price_table()["models"]
    price = models.get(model) or models["default"]
    return (billable_input(input_tokens, cache_write, cache_read) * price["input"] + output_tokens * price["output"]) / 1e6


def record(total: LLMUsage | None, model: str, usage: Any) -> LLMUsage:
    """Add one response's ``usage`` (SDK object) to ``total`` and return the call's own usage."""
    call = LLMUsage(
        input_tokens=int(getattr(usage, "input_tokens", 0) or 0),
        cache_read_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
        cache_write_tokens=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
        output_tokens=int(getattr(usage, "output_tokens", 0) or 0),
        calls=1,
    )
    call.estimated_cost_usd = cost_usd(
        model, call.input_tokens, call.cache_write_tokens, call.cache_read_tokens, call.output_tokens
    )
    if total is not None:
        add(total, call)
    return call


def add(total: LLMUsage, call: LLMUsage) -> None:
    """Add one call's usage (from ``record``) to a running total."""
    total.input_tokens += call.input_tokens
    total.cache_read_tokens += call.cache_read_tokens
    total.cache_write_tokens += call.cache_write_tokens
    total.output_tokens += call.output_tokens
    total.calls += call.calls
    total.estimated_cost_usd = round(total.estimated_cost_usd + call.estimated_cost_usd, 6)


def describe(usage: LLMUsage) -> str:
    """One line for the user: tokens and estimated cost."""
    return (
        f"LLM: {usage.calls} calls, {usage.input_tokens:,} input + {usage.cache_read_tokens:,} cached read"
        f" + {usage.cache_write_tokens:,} cache write, {usage.output_tokens:,} output tokens,"
        f" about ${usage.estimated_cost_usd:.2f} (estimate)"
    )
