"""The incident timeline chart as SVG: fault introduced to resolved on a time axis.

Top to bottom: a title and the zone; the milestones (fault introduced, detected, mitigated,
resolved) labelled above the axis; the axis with the customer-impact window shaded; numbered
badges for the key events (alerts, status-page updates, rollback, fix, hypotheses ruled out)
below it; time ticks (dated on a multi-day incident); the durations (time to detect, mitigate,
resolve) as brackets; and a legend that says what each numbered badge is. Numbered badges and a
legend, rather than labels on the axis, keep a busy incident readable: labels never pile up.

Every label is placed in lanes (``layout.Lanes``, ``_place_milestones``) so no two text boxes
intersect and, where the geometry allows, no leader line crosses a label; every box
drawn is returned with the SVG so tests can check that. ``drawsvg`` writes the SVG; it is
imported here only, so commands that draw nothing never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

import drawsvg as dw

from facilitator.pictures.data import TimelineData
from facilitator.pictures.layout import FONT_FAMILY, Box, Lanes, fit, label_box, text_width

WIDTH = 960
MARGIN = 28
PLOT_LEFT = MARGIN + 8
PLOT_RIGHT = WIDTH - MARGIN - 8
MILESTONE_COLOURS = {
    "started_at": "#6b7280", "detected_at": "#d97706", "mitigated_at": "#2563eb", "resolved_at": "#16a34a",
}
MARKER_COLOURS = {
    "alert": "#dc2626", "incident_created": "#7c3aed", "status_page": "#0891b2", "customer_comms": "#0891b2",
    "hypothesis_ruled_out": "#6b7280", "root_cause": "#9333ea", "rollback": "#ea580c", "fix_deployed": "#16a34a",
}
TICK_STEPS_MIN = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
BADGE_R = 8.5


@dataclass
class Drawn:
    """An SVG picture and the boxes of every label on it."""

    svg: str
    boxes: list[Box]
    width: float
    height: float


class _Canvas:
    """A drawsvg group plus the label boxes, so text is never drawn without being measured."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self.boxes: list[Box] = []

    def add(self, element: object) -> None:
        self.items.append(element)

    def text(self, text: str, x: float, y: float, size: float, anchor: str = "start", bold: bool = False,
             fill: str = "#111827", cls: str = "") -> Box:
        box = label_box(text, x, y, size, anchor, bold)
        kwargs = {"font_family": FONT_FAMILY, "text_anchor": anchor, "fill": fill}
        if bold:
            kwargs["font_weight"] = "bold"
        if cls:
            kwargs["class_"] = cls
        self.add(dw.Text(text, size, x, y, **kwargs))
        self.boxes.append(box)
        return box


def _x(at: datetime, lo: datetime, hi: datetime) -> float:
    total = (hi - lo).total_seconds() or 1.0
    return PLOT_LEFT + (at - lo).total_seconds() / total * (PLOT_RIGHT - PLOT_LEFT)


def _ticks(data: TimelineData, lo: datetime, hi: datetime) -> list[tuple[datetime, str]]:
    """Round times on the axis, as many as fit without their labels touching."""
    multi_day = data.multi_day
    width = PLOT_RIGHT - PLOT_LEFT
    for step in TICK_STEPS_MIN:
        fmt = "%d %b" if step >= 1440 else ("%d %b %H:%M" if multi_day else "%H:%M")
        sample = lo.astimezone(data.tz).strftime(fmt)
        count = (hi - lo).total_seconds() / 60 / step
        if count * (text_width(sample, 10) + 18) <= width:
            break
    local_lo = lo.astimezone(data.tz)
    midnight = local_lo.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = int((local_lo - midnight).total_seconds() // 60 // step) + 1
    at = midnight + timedelta(minutes=step * steps)
    out = []
    while at <= hi:
        out.append((at, at.strftime(fmt)))
        at += timedelta(minutes=step)
    return out


def _place_milestones(data: TimelineData, lo: datetime, hi: datetime) -> list[tuple[object, str, float, float, int]]:
    """(milestone, text, x, left, lane) for each milestone label.

    Each label tries the lanes nearest the axis first and, in each, centred, then ending at its
    time, then starting at it. A label fits where it overlaps no label of its lane, its leader
    line (down to the axis) crosses no label of a nearer lane, and it covers no leader of a
    farther lane.
    """
    best: tuple[int, int, list[tuple[object, str, float, float, int]]] | None = None
    for order in (data.milestones, list(reversed(data.milestones))):
        placed, crossings = _place_in_order(order, data, lo, hi)
        lanes = max((lane for *_, lane in placed), default=0)
        if best is None or (crossings, lanes) < best[:2]:
            best = (crossings, lanes, placed)
    assert best is not None
    return best[2]


def _place_in_order(order: list, data: TimelineData, lo: datetime, hi: datetime
                    ) -> tuple[list[tuple[object, str, float, float, int]], int]:
    """Labels placed in ``order``, and how many of them had to let a leader cross a label."""
    placed: list[tuple[object, str, float, float, int]] = []
    crossings = 0
    gap = 10
    for m in order:
        text = f"{m.label} {data.clock(m.at)}"
        w = text_width(text, 12, bold=True)
        x = _x(m.at, lo, hi)
        spot = None
        for strict in (True, False):  # leaders are kept clear when possible, labels always are
            for lane in range(len(placed) + 1):
                for left in (x - w / 2, x - w, x):
                    left = min(max(left, MARGIN), WIDTH - MARGIN - w)
                    if _fits(placed, x, left, w, lane, gap, strict):
                        spot = (left, lane)
                        break
                if spot:
                    break
            if spot:
                break
        assert spot is not None  # a lane above every placed label always fits when not strict
        crossings += 0 if _fits(placed, x, spot[0], w, spot[1], gap, True) else 1
        placed.append((m, text, x, spot[0], spot[1]))
    return placed, crossings


def _fits(placed: list[tuple[object, str, float, float, int]], x: float, left: float, w: float, lane: int, gap: float,
          strict: bool) -> bool:
    for _, other_text, ox, oleft, olane in placed:
        oright = oleft + text_width(other_text, 12, bold=True)
        if olane == lane and not (left + w + gap <= oleft or oright + gap <= left):
            return False
        if strict and olane < lane and oleft - 2 <= x <= oright + 2:
            return False  # our leader would cross a nearer label
        if strict and olane > lane and left - 2 <= ox <= left + w + 2:
            return False  # we would sit on a farther label's leader
    return True


def draw_timeline(data: TimelineData) -> Drawn:
    """The chart for ``data`` (which must be ``drawable``)."""
    points = data.points
    lo, hi = min(points), max(points)
    pad = max((hi - lo) * 0.03, timedelta(minutes=1))
    lo, hi = lo - pad, hi + pad
    c = _Canvas()
    back: list[object] = []  # shading and lines, drawn under the text

    # -- header --
    title = fit(f"Incident timeline: {data.title}", 16, WIDTH - 2 * MARGIN, bold=True)
    c.text(title, MARGIN, 30, 16, bold=True)
    days = sorted({p.astimezone(data.tz).date() for p in points})
    when = days[0].strftime("%d %b %Y") if len(days) == 1 else f"{days[0]:%d %b} to {days[-1]:%d %b %Y}"
    c.text(f"{when} · all times in {getattr(data.tz, 'key', 'UTC')}", MARGIN, 48, 11, fill="#4b5563")

    # -- milestone labels above the axis, in lanes; no label crosses another's leader line --
    placed = _place_milestones(data, lo, hi)
    lane_count = max((lane for *_, lane in placed), default=0) + 1
    lane_h = 18
    top = 68
    axis_y = top + lane_count * lane_h + 24
    band_top, band_bottom = axis_y - 14, axis_y + 14
    for m, text, x, left, lane in placed:
        y = top + (lane_count - 1 - lane) * lane_h + 12  # lane 0 sits nearest the axis
        colour = MILESTONE_COLOURS.get(m.key, "#374151")
        back.append(dw.Line(x, y + 4, x, band_bottom, stroke=colour, stroke_width=1.2, stroke_dasharray="3,3"))
        c.text(text, left, y, 12, bold=True, fill=colour, cls="milestone")

    # -- impact window and axis --
    if data.impact is not None:
        a, z = (_x(t, lo, hi) for t in data.impact)
        back.append(dw.Rectangle(a, band_top, z - a, band_bottom - band_top, fill="#fca5a5", fill_opacity=0.45,
                                 class_="impact"))
        label = fit("Customer impact", 10, z - a - 14)
        if label and label != "…":
            c.text(label, a + 9, band_top + 10, 10, fill="#991b1b", cls="impact-label")
    back.append(dw.Line(PLOT_LEFT, axis_y, PLOT_RIGHT, axis_y, stroke="#374151", stroke_width=2))
    for m in data.milestones:
        back.append(dw.Circle(_x(m.at, lo, hi), axis_y, 5.5, fill=MILESTONE_COLOURS.get(m.key, "#374151"),
                              stroke="white", stroke_width=1.5))

    # -- key-event badges below the axis, in lanes --
    badge_lanes = Lanes(gap=3)
    badge_top = band_bottom + 8
    badges = []
    for number, marker in enumerate(data.markers, start=1):
        x = _x(marker.at, lo, hi)
        w = max(2 * BADGE_R, text_width(str(number), 10, bold=True) + 6)
        badges.append((number, marker, x, w, badge_lanes.place(x - w / 2, x + w / 2)))
    badge_h = 2 * BADGE_R + 4
    for number, marker, x, w, lane in badges:
        cy = badge_top + lane * badge_h + BADGE_R
        colour = MARKER_COLOURS.get(marker.kind, "#374151")
        back.append(dw.Line(x, axis_y, x, axis_y + 6, stroke=colour, stroke_width=2))  # where it happened
        if lane == 0:  # deeper badges stack under this one; their leaders would only cross it
            back.append(dw.Line(x, axis_y, x, cy, stroke=colour, stroke_width=1))
        c.add(dw.Rectangle(x - w / 2, cy - BADGE_R, w, 2 * BADGE_R, rx=BADGE_R, fill=colour, class_="marker"))
        c.text(str(number), x, cy + 3.5, 10, anchor="middle", bold=True, fill="white", cls="marker-number")
    ticks_y = badge_top + len(badge_lanes) * badge_h + 14

    # -- ticks --
    for at, text in _ticks(data, lo, hi):
        x = _x(at, lo, hi)
        back.append(dw.Line(x, axis_y - 4, x, axis_y + 4, stroke="#374151", stroke_width=1))
        c.text(text, x, ticks_y, 10, anchor="middle", fill="#4b5563", cls="tick")

    # -- durations as brackets --
    span_lanes = Lanes(gap=12)
    span_rows = []
    for s in data.spans:
        a, z = _x(s.start, lo, hi), _x(s.end, lo, hi)
        text = s.text
        w = text_width(text, 11, bold=True)
        mid = (a + z) / 2
        left = min(max(mid - w / 2, MARGIN), WIDTH - MARGIN - w)
        span_rows.append((s, a, z, text, left, span_lanes.place(min(a, left), max(z, left + w))))
    span_top = ticks_y + 14
    span_h = 30
    for s, a, z, text, left, lane in span_rows:
        y = span_top + lane * span_h
        back.append(dw.Lines(a, y + 14, a, y + 20, z, y + 20, z, y + 14, fill="none", stroke="#374151", stroke_width=1.2))
        c.text(text, left, y + 10, 11, bold=True, fill="#111827", cls="span")
    legend_top = span_top + len(span_lanes) * span_h + 16

    # -- legend --
    y = legend_top
    if data.markers:
        columns = 2 if len(data.markers) > 6 else 1
        col_w = (WIDTH - 2 * MARGIN) / columns
        rows = -(-len(data.markers) // columns)
        for index, marker in enumerate(data.markers):
            col, row = divmod(index, rows)
            x = MARGIN + col * col_w
            ly = legend_top + row * 18 + 10
            colour = MARKER_COLOURS.get(marker.kind, "#374151")
            number = str(index + 1)
            w = max(2 * BADGE_R, text_width(number, 10, bold=True) + 6)
            c.add(dw.Rectangle(x, ly - BADGE_R - 3.5, w, 2 * BADGE_R, rx=BADGE_R, fill=colour))
            c.text(number, x + w / 2, ly, 10, anchor="middle", bold=True, fill="white", cls="legend-number")
            text = fit(f"{data.clock(marker.at)}  {marker.label}", 11, col_w - w - 16)
            c.text(text, x + w + 6, ly, 11, cls="legend")
        y = legend_top + rows * 18 + 6
    height = y + MARGIN / 2
    # drawsvg writes attribute values as given: escape the title, which comes from the chat.
    drawing = dw.Drawing(WIDTH, height, role="img", aria_label=escape(title, {'"': "&quot;"}))
    drawing.append(dw.Title(title))
    drawing.append(dw.Rectangle(0, 0, WIDTH, height, fill="white"))
    for element in back:
        drawing.append(element)
    for element in c.items:
        drawing.append(element)
    return Drawn(drawing.as_svg(), c.boxes, WIDTH, height)
