"""The customer impact window the channel states ("Customer impact 14:00-15:01 UTC")."""

from __future__ import annotations

from datetime import date

import pytest

from facilitator.extract import extract_findings
from facilitator.sources.paste import parse_transcript


def _window(*lines: str):
    text = "".join(f"{line}\n" for line in ("[13:40] Dana: checkout is failing for everyone", *lines))
    transcript = parse_transcript(text, tz="UTC", default_date=date(2024, 12, 3), origin="paste")
    w = extract_findings(transcript).impact_window
    return None if w is None else (w.start.strftime("%d %H:%M"), w.end.strftime("%d %H:%M"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("[15:41] Priya: All clear. Customer impact 14:00–15:01 UTC: ~12% of checkout requests failed", ("03 14:00", "03 15:01")),
        ("[15:50] Hannah: posted: From 14:15 to 15:05 UTC some customers may have experienced errors at checkout", ("03 14:15", "03 15:05")),
        ("[15:50] Sam: ok so checkout was down 2:05 to 3:10 pm", ("03 14:05", "03 15:10")),
        ("[15:59] Statuspage: Resolved - from 14:10 until 15:20 UTC, users may have encountered errors", ("03 14:10", "03 15:20")),
    ],
)
def test_a_stated_window_of_customer_impact_is_read(said, expected):
    assert _window(said) == expected


def test_a_window_across_midnight_starts_the_day_before():
    transcript = parse_transcript(
        "[23:40] Dana: checkout is failing for everyone\n"
        "[00:30] Sam: for the write-up: impact 23:35 to 00:20, customers could not pay\n",
        tz="UTC", default_date=date(2024, 12, 3), origin="paste",
    )
    w = extract_findings(transcript).impact_window
    assert w is not None and (w.start.day, w.start.hour, w.end.day, w.end.hour) == (3, 23, 4, 0)


@pytest.mark.parametrize(
    "said",
    [
        "[15:50] Leon: maintenance window 03:30-07:30 tomorrow, users will be affected",  # a plan
        "[15:50] Leon: deploys between 13:00 and 14:00 went out to customers",  # a deploy slot
        "[15:50] Sam: all four went down within a minute of each other, 15:34-15:35",  # a moment
        "[15:50] Sam: were customers affected between 14:00 and 15:00?",  # a question
        "[15:50] Sam: error rate between 14:00 and 15:00 peaked at 12%",  # no one affected is named
    ],
)
def test_what_is_not_a_window_of_customer_impact(said):
    assert _window(said) is None


def test_the_last_stated_window_wins():
    assert _window(
        "[15:10] Sam: customers affected 14:00 to 15:00 so far",
        "[15:41] Priya: final: customer impact 14:02 to 15:01 UTC",
    ) == ("03 14:02", "03 15:01")
