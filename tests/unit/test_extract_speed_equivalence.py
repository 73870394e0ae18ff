"""The shortcuts that make extraction fast must never change what it finds.

Each cheap pre-check (a substring or small regex tried before a costly one) is only allowed
to skip work that could not have found anything; each test below compares the shortcut
with the full computation on varied chat lines, including the awkward cases (line breaks
inside a phrase, number words, non-ASCII text, several sentences in one message).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from facilitator.extract import clock, hints, impact, links, neighbours, responders, signals
from facilitator.extract.patterns import Gate, patterns, prepare, strip_code
from facilitator.transcript import Message, Transcript

LINES = [
    "I'm seeing 502s on checkout since 14:05, error rate 8% and climbing",
    "about 1,200 failed jobs in the queue, 3 regions affected",
    "a few hundred customers saw timeouts; 12 pods waiting, 1.2k failed builds",
    "thousands of requests dropped, 40 nodes down in eu-west-1",
    "12345 users on api-7f, 99999 requests per minute, 5k sessions, 2 M payments",
    "started about 2 hours ago, for the last 30 minutes nothing works",
    "since 2:05pm the search cluster fails; ca 18:30 CEST it got worse",
    "Alerts fired at 14h07 UTC. Resolved at 15:40 UTC.",
    "Bob is IC, I'll take comms. Alice (scribe). IC: Chiara",
    "paging the DB on-call; roles so far: IC me, comms @Hannah",
    "the incident commander is Deepak, incidents happen",
    "see the runbook https://acme.atlassian.net/wiki/display/RUN/db-failover",
    "Playbook for this? The SOP says restart. Procedures are out of date.",
    "looking at https://grafana.example.com/d/abc/checkout and https://github.com/acme/api/pull/42",
    "ticket https://acme.zendesk.com/agent/tickets/4812 and https://acme.atlassian.net/browse/SUP-12",
    "GitHub is usable again. Our API recovered. Errors are back again.",
    "Errors are back. It recovered an hour later.",
    "rollback complete, error rate back\nto normal",
    "despite the restart, everything is back to normal",
    "it is not the cause, ruling out redis",
    "ok", "thanks, looking at api-12c", "@Eva can you check host web-3?", "ſtill looking, thouſands of ſessions",
    "Ünïcödé: 300 Benutzer betroffen, Fehlerrate 12 %",
]


def _message(i: int, text: str, *, bot: bool = False, author: str = "Alice Martin") -> Message:
    at = datetime(2024, 12, 3, 13, 0, tzinfo=timezone.utc) + timedelta(minutes=i)
    return Message(id=f"m{i}", at=at, author="Datadog" if bot else author, is_bot=bot, text=text)


def _sentences() -> list[str]:
    return [s for i, text in enumerate(LINES) for s in prepare(_message(i, text)).sentences]


def test_gate_asks_unanchored_branches_lazily_but_answers_the_same():
    pats = patterns()
    for text in LINES:
        prose = strip_code(text)
        for name, vocab in pats.vocabularies.items():
            fresh = pats.gate(prose)  # a new gate per question: nothing settled before
            assert pats.has(name, prose, fresh) == any(rx.search(prose) for rx in vocab.branches), (name, text)
            assert pats.has(name, prose, fresh) == pats.has(name, prose, fresh), (name, text)  # settled once
        assert pats.gate(prose).names() == set(pats.gate(prose).settled(frozenset(pats.vocabularies)))


def test_digit_count_pattern_finds_what_the_full_pattern_finds():
    for sentence in _sentences():
        lower = sentence.lower()
        if "hundred" in lower or "thousand" in lower or "dozen" in lower or not lower.isascii():
            continue  # those keep the full pattern
        full = [(m.span(), m.groupdict()) for m in impact._COUNT_RE.finditer(sentence)]
        fast = [(m.span(), m.groupdict()) for m in impact._DIGIT_COUNT_RE.finditer(sentence)]
        assert fast == full, sentence


def test_time_hints_are_present_wherever_a_time_is():
    for sentence in _sentences():
        if clock.CLOCK_RE.search(sentence) or clock.RELATIVE_RE.search(sentence):
            assert clock._TIME_HINT_RE.search(sentence), sentence
            lower = sentence.lower()
            assert clock._CLOCK_HINT_RE.search(lower) or "ago" in lower or "for" in lower, sentence


def test_cheap_checks_never_skip_a_match():
    for text in LINES:
        prose = strip_code(text)
        if responders._THIRD_PERSON_RE.search(prose):
            assert responders._THIRD_PERSON_HINT_RE.search(prose), text
        lower = prose.lower()
        assert hints._may_name_runbook(lower) == bool(hints._RUNBOOK_RE.search(lower)), text


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.zendesk.com/agent/tickets/4812",
        "https://github.com/acme/api/pull/42",
        "https://github.com/acme/api/commit/0123abcd",
        "https://github.com/acme/api/issues/7",
        "https://github.com/acme/api/wiki/Runbook",
        "https://grafana.example.com/d/abc/checkout",
        "https://status.example.com/incidents/x1",
        "https://acme.atlassian.net/browse/SUP-12",
        "https://acme.atlassian.net/wiki/spaces/OPS/pages/1",
        "https://example.com/runbooks/db",
        "https://i.imgur.com/abc.png",
        "https://unknown.example.org/path",
    ],
)
def test_host_rules_cache_classifies_like_every_rule(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path
    expected = ("other", host)
    for kind, host_re, path_re, label in links._COMPILED:
        if (host_re is None or host_re.search(host)) and (path_re is None or path_re.search(path)):
            if label == "Jira" and (key := links._JIRA_KEY_RE.search(path)):
                label = f"Jira {key.group(1)}"
            expected = (kind, label)
            break
    assert links.classify(url) == expected


def test_health_state_is_the_last_statement_in_the_message():
    pats = patterns()
    relapse = signals.read_message(0, _message(0, "It recovered at noon. Errors are back again."), pats)
    recover = signals.read_message(1, _message(1, "Errors are back again. It recovered an hour later."), pats)
    assert relapse.state == "relapse" and recover.state == "recover"
    assert {"recover", "relapse"} <= relapse.flags and {"recover", "relapse"} <= recover.flags


def test_negation_shortcut_answers_as_the_negation_regex():
    from facilitator.extract.patterns import _NEGATION_HINT_RE

    texts = LINES + ["NO WAY", "it isn’t", "IT ISN'T", "Nevermind", "without", "Nord", "snow", "knot", "n’t"]
    for text in texts:
        gate = patterns().gate(text)
        assert gate.negations == (_NEGATION_HINT_RE.search(text.lower()) is not None), text


def _channel(texts: list[str]) -> Transcript:
    return Transcript(messages=[_message(i, t) for i, t in enumerate(texts)], source="paste", channel="x", timezone="UTC")


def test_impact_shortcuts_on_cues_find_what_asking_every_message_finds(monkeypatch):
    texts = LINES + ["api-12 on host 7, see 3", "build 42 done", "down to 0 for 5 users", "a 5 in 10 chance, 40% of 3 regions"]
    found = impact.find_impact(neighbours.scan(_channel(texts)))
    assert len(found) > 5  # the lines hold counts and rates: a shortcut that drops them fails below

    monkeypatch.setattr(Gate, "cue", lambda self, name: True)  # every cue present: no shortcut taken
    assert impact.find_impact(neighbours.scan(_channel(texts))) == found


def test_clock_times_are_found_from_their_reach_before_the_first_clock():
    from facilitator.extract.patterns import CLOCK_RE

    leads = ["", "since ", "approximately ~ ", "approx. ", "ca. ", "circa ~", "until ", "at about ", "x" * 30 + " at "]
    clocks = ["14:05", "2:05pm", "14h07 UTC", "ca 18:30 CEST", "9:59 a.m.", "23:59:59", "1:2", "24:00", "12:00 GMT"]
    found = 0
    for i, lead in enumerate(leads):
        for j, written in enumerate(clocks):
            sentence = " ".join(f"{'word ' * i}{lead}{written} and then {clocks[(i + j) % len(clocks)]} later".split())
            low = sentence.lower()
            core = clock._CLOCK_HINT_RE.search(low)
            if core is None:
                continue
            start = max(0, core.start() - clock._CLOCK_REACH)
            everything = [m.span() for m in CLOCK_RE.finditer(sentence)]
            found += bool(everything)
            assert [m.span() for m in CLOCK_RE.finditer(sentence, start)] == everything, sentence
    assert found > len(leads) * len(clocks) // 2
