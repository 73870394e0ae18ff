"""The anchor gate is an optimisation only: it must never change what a vocabulary matches."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.extract.patterns import CUES, FLAGS, Patterns, Vocabulary, patterns, prepare, strip_code
from facilitator.extract.regex_literals import anchors, quick_compile
from facilitator.resources import resource
from facilitator.transcript import Message

SAMPLES = [
    "I'm seeing 502s on checkout since 14:05",
    "Launches aren't working again, this resolved the issue a second time.",
    "[RESOLVED] HighErrorRate checkout — back to normal",
    "Status page updated: Identified - a recent change is being rolled back",
    "Rollback of checkout-service to v2.30.4 complete in all 3 regions at 15:00 UTC.",
    "GitHub is usable again, and the PR gets merged.",
    "could this be a failover? clients would still be holding connections",
    "Problem is identified - launch success rate at zero for hours",
    "Start of incident. The final two nodes in the old pool are cordoned.",
    "re-fired and retriggered alerts; TODO: to-do list; to do: fix it",
    "Service resumes. Incident ends. All clear!",
    "same class of bug twice, this happened before",
    "the api\nreturns 503 for every\nrequest; launch success rate is at 0%",
    "Jobs are backlogged. Investigation begins. Something seems wrong with the queue.",
    "Drained it even though it looks recovered; the volume is still full.",
    "Block the tenant so that others get through. The database recovered on its own.",
    "Exports running again, the throttle rejects bursts as intended.",
]


def _demo_texts() -> list[str]:
    folder = resource("demo", "inc-2041-checkout-errors")
    texts = []
    for day in sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")):
        texts += [m.get("text", "") for m in json.loads(folder.joinpath(day).read_text(encoding="utf-8"))]
    return texts


@pytest.mark.parametrize("source", ["samples", "demo"])
def test_gated_matching_equals_trying_every_branch(source):
    pats = patterns()
    texts = SAMPLES if source == "samples" else _demo_texts()
    assert texts
    for text in texts:
        prose = strip_code(text)
        gate = pats.gate(prose)
        for name, vocab in pats.vocabularies.items():
            everything = any(rx.search(prose) for rx in vocab.branches)
            assert pats.has(name, prose, gate) == everything, (name, text)


def test_branches_need_every_literal_run_not_only_the_anchor():
    vocab = Vocabulary([r"\bhear(?:d)?\s+(?:\w+\s+)?reports?\b", r"\b5\d\ds?\b"])
    assert vocab.requires[0] == (("hear",),)  # the anchor is "report"; "heard" holds "hear"
    assert vocab.anchors[1] is None and vocab.requires[1] == ()
    gate = Patterns(vocabularies={"detect": vocab}, start_context=re.compile("x"), healthy_context=re.compile("x"),
                    human_verbs=frozenset(), action_verbs=frozenset(), by_verbs=re.compile("x"), not_names=frozenset(),
                    not_name_suffixes=(), status_bots=())  # fmt: skip
    assert gate.has("detect", "we heard two reports of 502s")
    assert vocab.branches[0] not in gate.gate("support reports 502s").branches("detect")  # no "hear": not tried


# Every branch of every vocabulary: strings generated to match it must get past the gate.
_BRANCHES = [(name, i) for name, vocab in patterns().vocabularies.items() for i in range(len(vocab.branches))]


@pytest.mark.parametrize("name,i", _BRANCHES, ids=[f"{n}[{i}]" for n, i in _BRANCHES])
def test_the_gate_lets_through_every_text_a_branch_matches(name, i):
    rx = patterns().vocabularies[name].branches[i]
    source = re.compile(patterns().vocabularies[name].sources[i], rx.flags)  # no look-ahead: generates better

    @settings(max_examples=20, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # fmt: skip
    @given(st.from_regex(source, fullmatch=False).filter(lambda t: rx.search(t) is not None))
    def check(text):
        gate = patterns().gate(text)
        assert rx in gate.branches(name), (name, i, text)

    check()


def _every_alternative(pattern: str, picks: int = 12) -> list[str]:
    """Texts built from the regex's parse tree so that, together, they take every alternative
    of every alternation and both sides of every optional part (a walk independent of the
    gate's own parse: characters sets give their first literal or a digit, letter or space)."""
    from re import _constants as c
    from re import _parser

    def build(items, k: int, more: bool) -> str:
        out = []
        for op, av in items:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.NOT_LITERAL or op is c.ANY:
                out.append(" " if av != ord(" ") else "q")
            elif op is c.IN:
                lits = [chr(v) for o, v in av if o is c.LITERAL]
                cats = [v for o, v in av if o is c.CATEGORY]
                negated = any(o is c.NEGATE for o, _ in av)
                if negated:
                    out.append(" " if " " not in lits and c.CATEGORY_SPACE not in cats else "q")
                elif lits:
                    out.append(lits[k % len(lits)])
                elif c.CATEGORY_DIGIT in cats:
                    out.append("5")
                elif c.CATEGORY_SPACE in cats:
                    out.append(" ")
                else:
                    out.append("a")
            elif op is c.SUBPATTERN:
                out.append(build(av[-1], k, more))
            elif op is c.BRANCH:
                alts = av[1]
                out.append(build(alts[k % len(alts)], k // len(alts), more))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                lo, hi, item = av
                times = lo if not more or hi == lo else lo + 1
                out.append("".join(build(item, k + j, more) for j in range(times)))
        return "".join(out)

    tree = _parser.parse(pattern)
    # every alternative index with optional parts skipped, then with them taken once
    return [build(tree, k, more) for more in (False, True) for k in range(picks)]


@pytest.mark.parametrize("name,i", _BRANCHES, ids=[f"{n}[{i}]" for n, i in _BRANCHES])
def test_the_gate_lets_through_every_alternative_of_a_branch(name, i):
    rx = patterns().vocabularies[name].branches[i]
    source = patterns().vocabularies[name].sources[i]
    texts = [t for raw in _every_alternative(source, picks=64) for t in (raw, f"so {raw} now", raw.upper())]
    matching = [t for t in texts if rx.search(t)]
    assert matching or patterns().vocabularies[name].anchors[i] is None  # the walk builds real matches
    for text in matching:
        assert rx in patterns().gate(text).branches(name), (name, i, text)


def test_anchors_are_literals_every_match_contains():
    assert anchors(r"\bback to (?:normal|stable)\b") == {("back to normal", True), ("back to stable", True)}
    assert anchors(r"\bhear(?:d)?\s+reports?\b") == {("report", True)}  # "reports" holds "report"
    assert anchors(r"\bis (?:it|this) (?:a|the)\b") == {("is it a", True), ("is it the", True), ("is this a", True), ("is this the", True)}
    found = anchors(r"\b(?:rolled|rolling)\s+back\b")
    assert found and all(any(literal in text for literal, _ in found) for text in ("rolled back", "rolling back"))
    assert anchors(r"\b5\d\ds?\b") is None  # nothing literal enough: always tried


def test_an_unanchored_branch_is_tried_only_on_texts_holding_every_character_it_needs():
    from facilitator.extract.regex_literals import mandatory_chars

    assert mandatory_chars(r"\b5\d\ds?\b") == "5"
    assert set(mandatory_chars(r"\b(?:p\d{2}|rate)\b[^.]{0,40}>=?\s*\d")) == {">"}  # a sign counts, a class of signs does not
    assert mandatory_chars(r"a [<>] b") == "ab"


def test_prepare_drops_code_and_links_but_keeps_sentences():
    message = Message(
        id="1",
        at=datetime(2024, 1, 1, tzinfo=timezone.utc),
        author="a",
        text="See https://x.org/a. Then `kubectl rollback` ran.\n```\nError: Started\n```\nAll good now",
    )
    prep = prepare(message)
    assert "kubectl" not in prep.prose and "Error: Started" not in prep.prose
    assert "x.org" not in prep.prose
    assert prep.sentences[0] == "See [link]."
    assert prep.sentences[-1] == "All good now"


def test_repeated_texts_are_read_once_but_each_message_keeps_its_own_identity():
    from facilitator.extract.neighbours import scan
    from facilitator.extract.signals import read_message
    from facilitator.transcript import Transcript

    at = datetime(2024, 1, 1, tzinfo=timezone.utc)
    texts = [("Ann", False, "ok"), ("Bo", False, "errors on checkout"), ("Cy", False, "ok"),
             ("Mon", True, "errors on checkout"), ("Ann", False, "errors on checkout")]  # fmt: skip
    messages = [
        Message(id=f"m{i}", at=at.replace(minute=i), author=a, is_bot=bot, text=t) for i, (a, bot, t) in enumerate(texts)
    ]
    sigs = scan(Transcript(messages=messages, source="transcript"))
    assert [s.message.id for s in sigs] == ["m0", "m1", "m2", "m3", "m4"]
    assert [s.index for s in sigs] == [0, 1, 2, 3, 4]
    for sig in sigs:  # shared reading gives exactly what reading the message alone gives
        alone = read_message(sig.index, sig.message, patterns())
        assert (sig.flags, sig.state, sig.is_human, sig.prep.sentences) == (
            alone.flags, alone.state, alone.is_human, alone.prep.sentences,
        )  # fmt: skip
        assert sig.prep.message is sig.message
    assert "alert" in sigs[3].flags and "alert" not in sigs[4].flags  # a bot saying it is an alert


def test_summaries_drop_emoji_codes_and_slack_emphasis_but_keep_identifiers():
    from facilitator.extract.written import summary_of

    alert = ":rotating_light: *Triggered* #58213 *[P2] checkout 5xx rate > 5%* assigned to Priya"
    assert summary_of(alert) == "Triggered #58213 [P2] checkout 5xx rate > 5% assigned to Priya"
    assert summary_of("pool is database.pool.max_size, see snake_case_name at 14:07:00") == (
        "pool is database.pool.max_size, see snake_case_name at 14:07:00"
    )
    assert summary_of("_note_ a * b * c") == "note a * b * c"


@pytest.mark.parametrize("cue", sorted(CUES))
def test_a_cue_is_never_missing_where_its_regex_matches(cue):
    rx = CUES[cue]
    texts = [t for raw in _every_alternative(rx.pattern, picks=32) for t in (raw, f"at {raw}.", raw.upper(), f"x{raw}")]
    texts += SAMPLES + _demo_texts()
    matching = [t for t in texts if rx.search(t.lower())]  # the finders ask it of the lower-cased prose
    assert len(matching) > 5
    for text in texts:
        prose = strip_code(text)
        if rx.search(prose.lower()):
            assert patterns().gate(prose).cue(cue), (cue, text)
    assert not patterns().gate("nothing of the kind here").cue(cue)


def test_a_cue_without_any_literal_is_refused():
    with pytest.raises(ValueError, match="no literal"):
        Patterns(vocabularies={}, start_context=re.compile("x"), healthy_context=re.compile("x"), human_verbs=frozenset(),
                 action_verbs=frozenset(), by_verbs=re.compile("x"), not_names=frozenset(), not_name_suffixes=(),
                 status_bots=(), cues={"digits": re.compile(r"\d+")})  # fmt: skip


_TRICKY = ["ſtill failing", "\u212aelvin 5xx", "İSTANBUL DOWN", "ERRORS", "errorſ", "ﬁxed", "a\u0307b", "ΣΑΣ error", "x" * 50]


@pytest.mark.parametrize("name,i", _BRANCHES, ids=[f"{n}[{i}]" for n, i in _BRANCHES])
def test_the_quick_look_ahead_changes_no_match(name, i):
    vocab = patterns().vocabularies[name]
    plain = re.compile(vocab.sources[i], FLAGS)
    texts = _every_alternative(vocab.sources[i], picks=32) + SAMPLES + _TRICKY
    texts += [f"{a} {b}" for a, b in zip(texts, reversed(texts))]
    for text in texts:
        assert [m.span() for m in vocab.branches[i].finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_quick_compile_leaves_patterns_it_cannot_read_alone():
    assert quick_compile(r"x?", 0).pattern == r"x?"  # may match nothing
    assert quick_compile(r"[^a]b", 0).pattern == r"[^a]b"  # starts with anything but "a"
    assert quick_compile(r"(?i)ab", 0).pattern == r"(?i)ab"  # global flags stay first
    rx = quick_compile(r"\b(?:errors?|down)\b", re.IGNORECASE)
    assert rx.pattern.startswith("(?=[de])") and rx.search("Service DOWN") and not rx.search("lowdown")


def _module_regexes():
    from facilitator.extract import clock, impact, responders, written
    from facilitator.extract import patterns as p

    named = {
        "impact._RATE_RE": impact._RATE_RE, "impact._COUNT_RE": impact._COUNT_RE,
        "impact._DIGIT_COUNT_RE": impact._DIGIT_COUNT_RE, "impact._AFFECTED_RE": impact._AFFECTED_RE,
        "impact._ERROR_RATE_RE": impact._ERROR_RATE_RE, "clock._TIME_HINT_RE": clock._TIME_HINT_RE,
        "responders._THIRD_PERSON_HINT_RE": responders._THIRD_PERSON_HINT_RE, "CLOCK_RE": p.CLOCK_RE,
        "RELATIVE_RE": p.RELATIVE_RE, "SENTENCE_SPLIT_RE": p.SENTENCE_SPLIT_RE, "EMOJI_CODE_RE": written.EMOJI_CODE_RE,
        "start_word": p.CUES["start_word"],
    }  # fmt: skip
    return sorted(named.items())


@pytest.mark.parametrize("name,rx", _module_regexes(), ids=[n for n, _ in _module_regexes()])
def test_the_finders_quick_regexes_match_as_their_source(name, rx):
    assert rx.pattern.startswith("(?=[")  # the look-ahead is in place
    source = rx.pattern[rx.pattern.index("])(?:") + len("])(?:") : -1]
    plain = re.compile(source, rx.flags)
    texts = _every_alternative(source, picks=32) + SAMPLES + _TRICKY + _demo_texts()
    texts += ["error rate 12% on 3 regions", "about 1,200 failed jobs", "since ~ 14:05 UTC", "2 hours ago.\n\n- next",
              ":fire: ok :+1:", "success drops to 0% for all users", "Hundreds of users; 5xx at 30 %"]  # fmt: skip
    for text in texts:
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert rx.split(text) == plain.split(text)
