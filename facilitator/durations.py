"""The named durations of an incident and what each one means: one set, used everywhere.

A post-mortem that says "1 h 33 min" in the summary, "1 h 48 min" in the impact section and
"14:00–15:01" in the external version leaves the reader guessing which clock was running.
So every place that shows a duration (the documents, the Timeline tab, the interview's strip,
the result screen, the CLI summary) takes its name, its two ends and its definition from
``DURATIONS`` here, and computes it with ``spans``.

The four key times are the interview's ``started_at`` (fault introduced, which is also the
impact start: customers could be affected from then on), ``detected_at``, ``mitigated_at``
(customers stopped being affected) and ``resolved_at`` (back to normal, incident closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

IMPACT_START = "started_at"
IMPACT_START_LABEL = "Impact start"
IMPACT_START_DEFINITION = "when the fault was introduced (the deploy, change or event that began it); customers could be affected from then on"


@dataclass(frozen=True, slots=True)
class Duration:
    """One named duration: from one key time to another, with its definition in words."""

    key: str  # attribute name, e.g. "time_to_detect"
    label: str  # "Time to detect"
    start: str  # key time id it counts from
    end: str  # key time id it counts to
    definition: str  # "from impact start to detection"
    short: str  # one word for narrow places: "detect"


DURATIONS: tuple[Duration, ...] = (
    Duration("time_to_detect", "Time to detect", "started_at", "detected_at",
             "from impact start (fault introduced) to detection", "detect"),
    Duration("time_to_mitigate", "Time to mitigate", "detected_at", "mitigated_at",
             "from detection to the moment customers stopped being affected", "mitigate"),
    Duration("time_to_resolve", "Time to resolve", "detected_at", "resolved_at",
             "from detection to resolution (back to normal, incident closed)", "resolve"),
    Duration("time_in", "Time in", "started_at", "resolved_at",
             "from fault introduced to resolution", "time-in"),
)
BY_KEY: dict[str, Duration] = {d.key: d for d in DURATIONS}


def spans(times: Mapping[str, datetime | None]) -> dict[str, timedelta | None]:
    """Each named duration from the key times (None when either end is unknown or they are out of order)."""
    out: dict[str, timedelta | None] = {}
    for d in DURATIONS:
        start, end = times.get(d.start), times.get(d.end)
        out[d.key] = end - start if start is not None and end is not None and end >= start else None
    return out


def described(d: Duration, value: str) -> str:
    """'1 h 48 min (from fault introduced to resolution: ...)': the number with its definition."""
    return f"{value} ({d.definition})"
