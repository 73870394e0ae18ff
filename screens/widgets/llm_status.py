"""One quiet line saying what the LLM is doing, why it is offline, and what it has cost.

The main screen owns the LLM work of the interview and tells this line about it
(``busy``, ``failed``, ``idle``); the tokens and the estimated cost are read from
``session.llm_usage`` on every refresh, so calls made by other panes (the 5 whys) show up
too. Without any LLM (no key, ``--no-llm``) the line hides itself: offline is the normal
experience then and a permanent line would cost a row at 80x24.
"""

from __future__ import annotations

from textual.widgets import Static

from facilitator.session import LLMUsage


def compact_usage(usage: LLMUsage) -> str:
    """'17,488 in (7,282 cached) / 181 out · ~$0.07' (in counts cache reads and writes; cost is an estimate)."""
    total_in = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    return (
        f"{total_in:,} in ({usage.cache_read_tokens:,} cached) / {usage.output_tokens:,} out"
        f" · ~${usage.estimated_cost_usd:.2f}"
    )


class LLMStatus(Static):
    """'LLM: refining findings…', 'LLM: offline (reason)', or the tokens and cost so far."""

    DEFAULT_CSS = """
    LLMStatus {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    LLMStatus.-busy {
        color: $text-accent;
    }
    LLMStatus.-offline {
        color: $text-warning;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.state = "idle"  # idle | busy | offline | absent
        self.detail = ""

    def show_state(self, state: str, detail: str, usage: LLMUsage) -> None:
        """Set the state ("busy" with what it does, "offline" with why, "idle", "absent") and redraw."""
        self.state, self.detail = state, detail
        self.refresh_usage(usage)

    def refresh_usage(self, usage: LLMUsage) -> None:
        """Redraw with the current usage (cheap; called on a timer)."""
        self.display = self.state != "absent"
        spent = compact_usage(usage) if usage.calls else ""
        if self.state == "busy":
            text = f"LLM: {self.detail}…" + (f" · {spent}" if spent else "")
        elif self.state == "offline":
            why = self.detail.split(";")[0].rstrip(".")  # the full sentence is in the notice and the tooltip
            text = f"LLM: offline ({why}) · Ctrl+P 'llm retry'"
        else:
            text = "LLM: " + (" · ".join(part for part in (self.detail, spent) if part) or "ready")
        self.set_class(self.state == "busy", "-busy")
        self.set_class(self.state == "offline", "-offline")
        self.update(text)
        self.tooltip = f"{text}\n{self.detail}" if self.state == "offline" else text
