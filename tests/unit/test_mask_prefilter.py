"""The secret-masking prefilter (``redact_detect._pattern_gate`` and the high-entropy gate)
must never change what is masked: the fast path is compared with the plain per-pattern path
(every pattern's ``any(needle in text)``, URLs always located, every high-entropy candidate
checked) on generated texts with and without every kind of credential the patterns cover.

Failures report counts and indexes only: the texts hold (fake) credentials and a test log
must not show them.
"""

from __future__ import annotations

import random
import re

import pytest

from facilitator import redact_detect as rd
from tests.unit import test_redact

# One sample per needle, each holding that needle and no other needle of its own pattern, so
# a gate that forgets any single needle leaves one of these unmasked. Built from pieces so no
# credential-shaped literal sits in the source.
_A = "Zx9" * 14
SAMPLES = [
    "-----BEGIN RSA PRIVATE KEY-----\n" + _A + "\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----\n" + _A + "\n\nafter the key block",
    *(prefix + "Z3MPLE7Q2RXW4N5T" for prefix in ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA")),
    "AIza" + "Sy" + "b" * 30 + "_-X",
    "xoxb-" + "2741-99120-DkT9s8", "xoxp-" + "1234567890ab", "xapp-" + "1-A0B1C2D3E4",
    "https://hooks.slack.com/services/" + "T0ACME/B0HOOK/" + "abcdefgh",
    *(p + "_" + "Xy7Pq2Lm9Nb4Vc8Zr1Ks6Wd3Ft5Gh0Jq2Ea8" for p in ("ghp", "gho", "ghu", "ghs", "ghr")),
    "github_pat_" + "11ABCDEFG0123456789_" + "abcdefghijklmnopqrstuvwxyz",
    "sk-ant-" + "api03-Zm9vYmFy", "sk-" + "a1B2" * 9, "ATATT" + "3xFfGF0a1b2c3d4",
    "sk_live_" + "0123456789abcdefXYZ", "rk_test_" + "0123456789abcdefXYZ",
    "Authorization: Bearer " + "abcdefghijklmnop1234567890", "BEARER " + "abcdefghijklmnop12==",
    "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiJvcmRlcnMtc3ZjIn0" + ".Qm9ndXNTaWduYXR1cmVW",
    "postgres://orders:" + "Tr0ub4dor&3x" + "@db:5432/x",
    "password=" + "hunter2hunter2", "PASSWD: " + "'s3cr3tvalue'", "pwd=" + "abcdef12", "Secret = " + "topsecretvalue",
    "TOKEN: " + "abcdef123456", "api_key=" + "abcdef123456", "x-amz-signature=" + "deadbeefcafe1234",
    "Signature: " + "deadbeefcafe1234",
    "blob " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",  # high-entropy only
]
# Near misses and look-alikes: needles with no secret behind them, casing, non-ASCII.
DECOYS = [
    "", " ", "ok", "the passage about the key decision", "token bucket refill", "secretary", "keyboard",
    "see https://grafana.example.com/d/abc?orgId=1", "ftp://host/x", "://", "sk-", "xox", "eyJ", "ATATT",
    "ghp_short", "AKIA too short", "bearer short", "Private Key", "private key", "hooks.slack.com",
    "_live_", "_test_", "pass", "PASS", "Pwd", "SIGNATURE", "\u212aey=abcdef123", "\u212aEY: abcdef123",
    "Pa\u017fs=abcdef123", "SİGNATURE=abcdef123", "İKEY=abcdef123", "straße token=abcdef123", "ΑΣ key: abcdef1234",
    "déjà vu: the café's token is ça-va-1234567", "日本語のテキスト password=パスワード123456", "👍 api-key=🔑🔑🔑🔑🔑🔑",
    "combining e\u0301 secret: abcdef123", "a" * 30, "A1b2" * 8, "deadbeef" * 5, "v2.31.0 config.yaml",
    "x=" + "Qm9ndXNTaWduYXR1cmVWYWx1ZTEyMw", "https://example.com/" + "Qm9ndXNTaWduYXR1cmVWYWx1ZTEyMw",
]
_FILLER = ["ok", "rollback done", "error rate 8%", "see", "and", "at 14:05", "https://status.example.com/x",
           "cc @marta", "`orders-svc`", "café", "naïve", "🔥", "\n", "\t", ";", ",", "\"", "'", "|", "&"]  # fmt: skip


def _existing_redaction_texts() -> list[str]:
    texts = [text for _, _, text in test_redact.CHANNEL] + [value for _, value in test_redact.PLANTED]
    for mark in getattr(test_redact.test_more_credential_shapes_are_masked, "pytestmark", []):
        if mark.name == "parametrize":
            texts.extend(mark.args[1])
    return texts


def _mixed_case(text: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return text.upper()
    if choice == 1:
        return text.lower()
    if choice == 2:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    return text


def _corpus(n: int = 1500, seed: int = 1234) -> list[str]:
    rng = random.Random(seed)
    pieces = SAMPLES + DECOYS + _existing_redaction_texts()
    texts = list(pieces) + [_mixed_case(p, rng) for p in pieces]
    for _ in range(n):
        parts = [rng.choice(_FILLER) for _ in range(rng.randrange(0, 6))]
        for _ in range(rng.randrange(0, 3)):
            piece = rng.choice(pieces)
            parts.insert(rng.randrange(len(parts) + 1), _mixed_case(piece, rng) if rng.random() < 0.3 else piece)
        texts.append(rng.choice([" ", "", "\n", ", "]).join(parts))
    return texts


CORPUS = _corpus()


def _reference_patterns(text: str, patterns=rd._SECRET_PATTERNS) -> list[tuple[str, re.Pattern[str], int]]:
    lowered = text.lower()
    return [(kind, pattern, group) for kind, pattern, group, needles in patterns
            if any((n in lowered) if n in rd._CASELESS_NEEDLES else (n in text) for n in needles)]  # fmt: skip


def _reference_spans(text: str) -> list[rd.Span]:
    """``secret_spans`` as it was before the prefilter: every pattern asked in turn, on the
    normal form (look-alikes, invisible characters), plus the secrets already remembered."""
    norm, index = rd.normalised(text)
    spans = _reference_plain_spans(norm) + rd._known_spans(norm)
    return rd.to_original(spans, index) if index is not None else spans


def _reference_plain_spans(text: str) -> list[rd.Span]:
    spans = []
    for kind, pattern, group in _reference_patterns(text):
        for m in pattern.finditer(text):
            start, end = m.span(group)
            if start >= 0 and end > start:
                spans.append(rd.Span(start, end, kind, rd.SECRET))
    urls = [m.span() for m in rd.URL.finditer(text)] if "://" in text else []
    for m in rd._HIGH_ENTROPY.finditer(text):
        inside_url = any(a <= m.start() < b for a, b in urls)
        if not inside_url and rd._looks_random(m.group()):
            spans.append(rd.Span(m.start(), m.end(), "high-entropy string", rd.SECRET))
    return spans


def _reference_mask(text: str) -> str:
    return rd.apply(text, rd.resolve(_reference_spans(text))) if text else text


def _differences() -> list[int]:
    """Indexes of corpus texts where the fast path and the reference disagree (never the texts)."""
    wrong = []
    for i, text in enumerate(CORPUS):
        rd.forget_secrets()  # each text on its own: what one reveals is compared separately below
        if rd.secret_spans(text) != _reference_spans(text) or rd.mask_secrets(text) != _reference_mask(text):
            wrong.append(i)
    rd.forget_secrets()
    return wrong


def test_corpus_exercises_every_pattern_and_plenty_of_clean_text():
    fired = {id(p) for text in CORPUS for _, p, _ in _reference_patterns(text) if p.search(text)}
    assert fired == {id(p) for _, p, _, _ in rd._SECRET_PATTERNS}
    clean = sum(1 for text in CORPUS if not _reference_spans(text))
    assert clean > len(CORPUS) // 4 and len(CORPUS) - clean > len(CORPUS) // 4


def test_gate_picks_exactly_the_patterns_the_per_pattern_check_picks():
    wrong = [i for i, text in enumerate(CORPUS) if list(rd._candidate_patterns(text)) != _reference_patterns(text)]
    assert not wrong, f"{len(wrong)} texts gated differently, e.g. indexes {wrong[:5]}"


def test_masked_text_identical_to_the_per_pattern_path():
    wrong = _differences()
    assert not wrong, f"{len(wrong)} texts masked differently, e.g. indexes {wrong[:5]}"


def test_existing_redaction_secrets_still_masked_identically():
    texts = _existing_redaction_texts()
    assert all(rd.mask_secrets(t) == _reference_mask(t) for t in texts)
    secrets = [value for kind, value in test_redact.PLANTED if kind == "secret"]
    channel = "\n".join(text for _, _, text in test_redact.CHANNEL)
    masked = rd.mask_secrets(channel)
    assert all(s in channel for s in secrets) and not any(s in masked for s in secrets)


@pytest.mark.parametrize("needle", sorted({n for *_, needles in rd._SECRET_PATTERNS for n in needles}))
def test_a_gate_missing_any_needle_is_caught(monkeypatch, needle):
    broken = [(k, p, g, tuple(n for n in needles if n != needle)) for k, p, g, needles in rd._SECRET_PATTERNS]
    monkeypatch.setattr(rd, "_candidate_patterns", rd._pattern_gate(broken, rd._CASELESS_NEEDLES))
    assert _differences(), "the comparison did not notice a prefilter that ignores one needle"


def test_a_gate_that_skips_everything_or_a_broken_entropy_gate_is_caught(monkeypatch):
    monkeypatch.setattr(rd, "_candidate_patterns", lambda text: ())
    assert _differences()
    monkeypatch.undo()
    monkeypatch.setattr(rd, "_KEY_RUN", re.compile(r"[A-Za-z0-9+/_=-]{60}"))
    assert _differences()


def test_gate_is_exact_on_overlapping_prefixes_case_and_non_ascii_needles():
    """Synthetic needles where the shortcuts could go wrong: one needle a prefix or suffix of
    another, the same letters caseless in one pattern and case-sensitive in another, a
    non-ASCII needle, an always-run pattern ("") and one with no needles (never run)."""
    dummy = re.compile("x")
    patterns = [("a", dummy, 0, ("ab",)), ("b", dummy, 0, ("abc",)), ("c", dummy, 0, ("bc", "Key")),
                ("d", dummy, 0, ("key",)), ("e", dummy, 0, ("ΑΣ",)), ("f", dummy, 0, ("",)), ("g", dummy, 0, ()),
                ("h", dummy, 0, ("c", "KE"))]  # fmt: skip
    caseless = frozenset({"key", "c"})
    gate = rd._pattern_gate(patterns, caseless)
    rng = random.Random(99)
    alphabet = ["a", "b", "c", "A", "B", "C", "k", "e", "y", "K", "E", "Y", "\u212a", "Α", "Σ", "σ", "İ", " "]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(4000)]
    texts += ["abc", "ABC", "Key", "KEY", "\u212aey", "ΑΣ", "ΑΣΑ", "xΑΣ"]
    for text in texts:
        lowered = text.lower()
        expected = [k for k, _, _, needles in patterns
                    if any((n in lowered) if n in caseless else (n in text) for n in needles)]  # fmt: skip
        assert [k for k, _, _ in gate(text)] == expected, f"text #{texts.index(text)}"


def _batch_differences(texts: list[str]) -> list[int]:
    """Indexes where masking all texts at once disagrees with masking each by the reference."""
    changed = rd.masked_texts(texts)
    return [i for i, text in enumerate(texts) if changed.get(text, text) != _reference_mask(text)]


def test_masking_many_texts_at_once_equals_masking_each():
    # A secret at the very start or end of a text, NUL characters inside one, and letters
    # whose lower case is longer ("İ").
    edges = [s + "\x00tail" for s in SAMPLES[:6]] + ["İİİİ " + s for s in SAMPLES] + [s + " İ" for s in SAMPLES]
    texts = CORPUS + edges + ["", "İ" * 40 + "ok"]
    assert len(rd.masked_texts(texts)) > len(SAMPLES)  # the secrets were found, not waved through
    wrong = _batch_differences(texts)
    assert not wrong, f"{len(wrong)} texts masked differently in a batch, e.g. indexes {wrong[:5]}"
    reordered = list(reversed(texts))
    assert not _batch_differences(reordered)


@pytest.mark.parametrize("skipped", ["literals", "key runs"])
def test_a_batch_that_skips_the_literals_or_the_key_runs_is_caught(monkeypatch, skipped):
    if skipped == "literals":
        monkeypatch.setattr(rd, "_candidate_patterns", lambda text: ())
    else:
        monkeypatch.setattr(rd, "_KEY_RUN", re.compile("(?!)"))
    assert _batch_differences(CORPUS)
