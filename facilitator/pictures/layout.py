"""Text boxes for the pictures: how wide a label is, whether two labels collide, where one fits.

SVG has no text measurement before a browser lays it out, and the pictures must be readable
wherever they are opened (a Markdown viewer, Confluence, a browser), so labels are placed with
a conservative estimate of their width: per-character advance widths of a Helvetica/Arial-like
sans-serif (the ``font-family`` the SVGs ask for), rounded up. Every label drawn is recorded
as a ``Box``; the drawing code places labels in lanes so no two boxes intersect, and the tests
check exactly that on the drawn boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "Helvetica, Arial, sans-serif"
# Advance widths in thousandths of an em (Helvetica AFM, grouped), a little generous.
_NARROW = set("il.,:;'|!()[]`Ijf t")
_MEDIUM_NARROW = set("r-\"*/\\{}")
_WIDE = set("mwMW@%")
_CAPS_WIDE = set("ABCDGHKNOQRUVXY&")
_SAFETY = 1.12  # covers DejaVu Sans, the usual fallback on Linux, which is wider than Helvetica


def _advance(ch: str) -> int:
    if ch in _NARROW:
        return 290
    if ch in _MEDIUM_NARROW:
        return 360
    if ch in _WIDE:
        return 890
    if ch in _CAPS_WIDE:
        return 740
    if ch.isupper():
        return 670
    if ord(ch) > 0x2000:  # arrows, dashes, symbols
        return 1000
    return 560


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated rendered width of ``text`` at font size ``size`` (px)."""
    em = sum(_advance(ch) for ch in text) / 1000.0
    return em * size * _SAFETY * (1.07 if bold else 1.0)


def fit(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis until it is at most ``width`` px wide."""
    if text_width(text, size, bold) <= width:
        return text
    words = text.split()
    while words and text_width(" ".join(words) + "…", size, bold) > width:
        words.pop()
    if words:
        return " ".join(words) + "…"
    cut = text
    while cut and text_width(cut + "…", size, bold) > width:
        cut = cut[:-1]
    return cut + "…" if cut else ""


@dataclass(frozen=True)
class Box:
    """The rectangle a drawn label occupies (x, y is the top-left corner)."""

    text: str
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """True when the two rectangles (grown by ``gap``) intersect."""
        return not (
            self.right + gap <= other.x or other.right + gap <= self.x
            or self.bottom + gap <= other.y or other.bottom + gap <= self.y
        )


def label_box(text: str, x: float, baseline: float, size: float, anchor: str = "start", bold: bool = False) -> Box:
    """The box of a one-line label drawn at ``x`` (per ``anchor``) on ``baseline``."""
    width = text_width(text, size, bold)
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Box(text, left, baseline - size * 0.8, width, size * 1.0)


def overlapping(boxes: list[Box], gap: float = 0.0) -> list[tuple[Box, Box]]:
    """Every pair of boxes that intersect (the tests want this empty)."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.overlaps(b, gap):
                pairs.append((a, b))
    return pairs


class Lanes:
    """Greedy lane assignment: each label goes in the first lane where it collides with nothing."""

    def __init__(self, gap: float = 6.0) -> None:
        self.gap = gap
        self.lanes: list[list[tuple[float, float]]] = []

    def place(self, left: float, right: float) -> int:
        """The lane index for a label spanning ``left``..``right`` (new lanes are opened as needed)."""
        for index, taken in enumerate(self.lanes):
            if all(right + self.gap <= a or b + self.gap <= left for a, b in taken):
                taken.append((left, right))
                return index
        self.lanes.append([(left, right)])
        return len(self.lanes) - 1

    def __len__(self) -> int:
        return len(self.lanes)


def wrap(text: str, size: float, width: float, max_lines: int = 3, bold: bool = False) -> list[str]:
    """``text`` word-wrapped to lines of at most ``width`` px; the last line is cut with an ellipsis."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size, bold) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        lines.append(current)
    return [fit(line, size, width, bold) for line in lines[:max_lines]]
