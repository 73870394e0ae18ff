"""Text as people read it: the form redaction, the leak scan and secret masking compare on.

``ledger-writеr`` with a Cyrillic ``е``, fullwidth ``ｌｅｄｇｅｒ``, ``db‑primary‑03`` with
non-breaking hyphens and an AWS key split by a zero-width space all read like the plain ASCII
names and keys they imitate, and all slip past patterns written for ASCII. So detectors run on
a normalised form:

* NFKC (fullwidth and mathematical letters, ligatures, non-breaking spaces);
* look-alike letters mapped to the ASCII letter they imitate, from the Unicode confusables
  data (``confusable_homoglyphs``, the maintained copy of Unicode's ``confusables.txt``), only
  for characters outside ASCII so ASCII text is never changed;
* zero-width and other invisible format characters dropped; every dash variant made ``-``.

The output keeps the user's text: ``normalised`` also returns, for every character of the
normal form, where it came from, and ``to_original`` maps a span found there back to the
original, so a replacement covers exactly the characters the user typed (hidden ones included).
Plain ASCII, nearly every chat message, takes the fast path and is returned as it is.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TypeVar

DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u058a\u05be\u1806")
# Invisible but not format characters: variation selectors, the combining grapheme joiner, fillers.
_ALSO_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0") | frozenset(chr(c) for c in range(0xFE00, 0xFE10))


@lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    """Non-ASCII character -> the ASCII character it imitates (same case preferred)."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        options = [h["c"] for h in homoglyphs if len(h.get("c", "")) == 1 and h["c"].isascii() and h["c"].isprintable()]
        if not options:
            continue
        upper = char.isupper()
        options.sort(key=lambda c: (not c.isalnum(), c.isupper() != upper))
        table[char] = options[0]
    return table


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _ALSO_INVISIBLE


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """What one character reads as: "" for invisible ones, "-" for dashes, else its NFKC/skeleton form."""
    if ch.isascii():
        return ch
    if _invisible(ch):
        return ""
    if ch in DASHES:
        return "-"
    nfkc = unicodedata.normalize("NFKC", ch)
    if nfkc != ch:
        return "".join(c if c.isascii() else ("" if _invisible(c) else "-" if c in DASHES else _confusables().get(c, c)) for c in nfkc)
    return _confusables().get(ch, ch)


def normalise(text: str) -> str:
    """The normal form of ``text`` (the text itself when it is plain ASCII)."""
    if text.isascii():
        return text
    return "".join(map(fold_char, text))


def normalised(text: str) -> tuple[str, list[int] | None]:
    """The normal form and, unless it is ``text`` itself, the original position of each of its
    characters (plus one entry for the end)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        if folded:
            out.append(folded)
            index.extend([i] * len(folded))
    index.append(len(text))
    norm = "".join(out)
    if norm == text:
        return text, None
    return norm, index


def original_range(index: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The stretch of the original text that ``[start, end)`` of the normal form came from."""
    if index is None:
        return start, end
    if end <= start:
        return index[start], index[start]
    return index[start], index[end - 1] + 1


S = TypeVar("S")


def to_original(spans: Iterable[S], index: list[int] | None) -> list[S]:
    """Spans found in the normal form, moved to the original text (``start``/``end`` fields)."""
    if index is None:
        return list(spans)
    from dataclasses import replace

    moved = []
    for span in spans:
        start, end = original_range(index, span.start, span.end)  # type: ignore[attr-defined]
        moved.append(replace(span, start=start, end=end))  # type: ignore[type-var]
    return moved
