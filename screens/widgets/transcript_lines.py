"""Row building blocks for the transcript view: wrapping, one row to a ``Strip``, heap holding.

Split from ``transcript_view`` because these three decide how fast a jump is on a 20,000
message channel, and each is easier to check on its own:

* ``wrap`` lays a message out for a width (run once per message per width);
* ``row_strip`` turns one row of text plus its styled spans into a ``Strip`` directly.
  Building a rich ``Text`` per row, rendering it, then padding and restyling the strip
  (with the widget style looked up per row) cost 0.1-0.2 ms a row, a third of that now;
  the spans stack exactly as rich ``Text`` spans do (later spans over earlier ones, the
  widget style underneath), so the cells come out the same;
* ``hold_heap`` / ``release_heap`` move the long-lived heap (the transcript, its layout,
  the widgets) out of the cyclic collector's sight while a big channel is shown. With ~200k
  tracked objects a full collection takes 100-300 ms on a loaded 2-core machine, and the
  rows drawn on each jump trigger one every few dozen jumps: that pause *was* the worst
  jump. Frozen objects are still freed by reference counting; ``release_heap`` hands them
  back to the collector when the last view goes, so a dropped screen's cycles are not lost;
* ``pause_collector`` / ``resume_collector`` hold the collector off while a jump is being
  painted (what Textual's ``PAUSE_GC_ON_SCROLL`` does for smooth scrolling), so a pass that
  falls due then runs once the frame is out, while the person reads, not before it.
"""

from __future__ import annotations

import gc

from rich.cells import cell_len
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

HANGING = " " * 6  # under "HH:MM "
HOLD_HEAP_FROM = 2_000  # messages; below this a full collection is too quick to matter

Span = tuple[int, int, Style]


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap with a hanging indent.

    Hand-rolled because ``textwrap`` costs ~60 µs a message: over 20,000 messages that alone
    would blow the 2 s first-paint budget. Lines break at the last space that fits; a word
    longer than the line is cut.
    """
    if len(text) <= width and "\n" not in text:
        return [text]
    indent = len(HANGING)
    out: list[str] = []
    for n, para in enumerate(text.split("\n")):
        line = para if n == 0 else HANGING + para
        while len(line) > width:
            cut = line.rfind(" ", indent + 1, width + 1)
            if cut <= indent:
                cut = width
            out.append(line[:cut].rstrip())
            line = HANGING + line[cut:].lstrip()
        out.append(line)
    return out


def clean(text: str) -> str:
    """The text without terminal control codes (what rich ``Text`` would keep)."""
    return strip_control_codes(text)


def row_strip(text: str, spans: list[Span], base: Style, width: int) -> Strip:
    """One row ``width`` cells wide: ``spans`` (start, end, style) stacked in order over ``base``."""
    n = len(text)
    cuts = {0, n}
    for start, end, _ in spans:
        cuts.add(min(start, n))
        cuts.add(min(end, n))
    points = sorted(cuts)
    segments: list[Segment] = []
    for a, b in zip(points, points[1:]):
        if a >= b:
            continue
        style = base
        for start, end, span_style in spans:
            if start <= a and b <= end:
                style = style + span_style
        segments.append(Segment(text[a:b], style))
    cells = cell_len(text)
    if cells > width:
        return Strip(segments, cells).adjust_cell_length(width, base)
    if cells < width:
        segments.append(Segment(" " * (width - cells), base))
    return Strip(segments, width)


_holders = 0


def hold_heap() -> None:
    """Freeze every object alive now (one more holder); cheap, and safe to call again."""
    global _holders
    _holders += 1
    gc.freeze()


def release_heap() -> None:
    """Drop one holder; the last one gives the frozen objects back to the collector."""
    global _holders
    if _holders <= 0:
        return
    _holders -= 1
    if _holders == 0:
        gc.unfreeze()


_paused_by_us = False


def pause_collector() -> None:
    """Hold automatic collections off until ``resume_collector`` (no-op if already off)."""
    global _paused_by_us
    if not _paused_by_us and gc.isenabled():
        gc.disable()
        _paused_by_us = True


def resume_collector() -> None:
    """Turn automatic collections back on, if ``pause_collector`` turned them off."""
    global _paused_by_us
    if _paused_by_us:
        _paused_by_us = False
        gc.enable()
