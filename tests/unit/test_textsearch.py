"""``matches_in`` asks one regex about many texts at once; it must answer as each text alone."""

from __future__ import annotations

import random
import re

import pytest

from facilitator.textsearch import matches_in

TEXTS = [
    "", "ok", "since 14:05 the api fails", "P1 declared", "roles: IC @ana", "no digits here", "x" * 300,
    "ends with a digit 7", "7 starts with one", "a\x00b with a NUL inside", "\x00", "café 2 users", "İstanbul 3",
    "on-call paged", "oncall", "word boundary at the end: ic", "ic", "tail ", " head",
]
PATTERNS = [
    r"\d", r"\d[:h][0-5]\d", r"P[0-4]\b", r"\b(?:ic|on-?call|roles?)\b", r"\bno\b", r"[^a-z ]{2}", r"\W+\w",
    r"x{10}", r"(?<!\d)\d(?!\d)", r"\bb\b", r"a\x00?b", r"\s(?!\w)",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_answers_as_each_text_alone(pattern):
    rx = re.compile(pattern, re.IGNORECASE)
    rng = random.Random(pattern)
    for _ in range(30):
        texts = rng.sample(TEXTS, k=rng.randint(1, len(TEXTS)))
        assert matches_in(rx, texts) == [rx.search(t) is not None for t in texts], (pattern, texts)


def test_a_match_running_into_the_next_text_is_checked_on_its_own_text():
    # "[^a-z ]{2}" could take the NUL between "end7" and "8start" in the joined text
    rx = re.compile(r"[^a-z ]{2}")
    assert matches_in(rx, ["end7", "8start"]) == [False, False]
    assert matches_in(rx, ["end77", "start"]) == [True, False]


def test_no_texts_no_answers():
    assert matches_in(re.compile("x"), []) == []
