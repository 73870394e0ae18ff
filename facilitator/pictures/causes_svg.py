"""The cause diagram as SVG: a fishbone (Ishikawa) with the 5-whys chain as its spine.

The problem sits at the head on the right. The spine carries the answered whys as chips,
from the deepest (the root cause, once the chain is stopped) at the tail on the left to the
immediate cause next to the head, joined by arrows that read "led to". The configured categories (``prompts/causes.toml``) are the bones,
alternately above and below the spine, each listing its contributing factors; a category
with none says so, which shows the team considered it. Text is wrapped to the space it has and
every label's box is returned, as for the timeline chart, so tests can prove nothing overlaps.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import drawsvg as dw

from facilitator.pictures.data import CauseData
from facilitator.pictures.layout import fit, wrap
from facilitator.pictures.timeline_svg import MARGIN, WIDTH, Drawn, _Canvas

HEAD_W = 200
LINE = 14  # line height of factor text
SIZE = 11
BONE_COLOURS = ("#2563eb", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#16a34a", "#6b7280")


def draw_causes(data: CauseData) -> Drawn:
    """The fishbone for ``data``."""
    c = _Canvas()
    back: list[object] = []
    title = fit("Cause diagram", 16, WIDTH - 2 * MARGIN, bold=True)
    c.text(title, MARGIN, 30, 16, bold=True)
    c.text("Contributing factors by category; the spine is the 5-whys chain, root cause at the tail.", MARGIN, 48, 11,
           fill="#4b5563")
    head_left = WIDTH - MARGIN - HEAD_W
    area_left, area_right = MARGIN, head_left - 24
    groups = data.by_category()
    names = dict(data.categories)
    order = list(groups)
    upper, lower = order[0::2], order[1::2]
    columns = max(len(upper), len(lower), 1)
    col_w = (area_right - area_left) / columns

    def factor_lines(cid: str) -> list[list[str]]:
        width = col_w * 0.62
        items = groups[cid]
        if not items:
            return [["(none recorded)"]]
        return [wrap(f.text, SIZE, width, max_lines=3) for f in items]

    def block_height(cid: str) -> float:
        return sum(len(lines) * LINE + 6 for lines in factor_lines(cid))

    top_h = max([block_height(cid) for cid in upper] or [0]) + 36
    bottom_h = max([block_height(cid) for cid in lower] or [0]) + 36

    # -- spine chips: root cause at the left, immediate cause next to the head --
    whys = list(reversed(data.spine)) or ["(no why answered yet)"]
    n = len(whys)
    gap = 22
    chip_w = min(240.0, (area_right - area_left - gap * (n - 1)) / n)
    chips = []
    for index, text in enumerate(whys):
        heading = "Root cause" if index == 0 and data.spine and data.stopped else f"Why {n - index}"
        chips.append((heading, wrap(text, 10.5, chip_w - 12, max_lines=4)))
    chip_h = max(len(lines) for _, lines in chips) * 13 + 24
    spine_top = 60 + top_h
    spine_y = spine_top + chip_h / 2
    height = spine_top + chip_h + bottom_h + MARGIN

    # -- head --
    problem = wrap(data.problem or "The incident", 12, HEAD_W - 16, max_lines=5, bold=True)
    head_h = max(len(problem) * 15 + 28, chip_h)
    head_top = spine_y - head_h / 2
    back.append(dw.Rectangle(head_left, head_top, HEAD_W, head_h, rx=8, fill="#fee2e2", stroke="#b91c1c", stroke_width=1.5))
    c.text("Problem", head_left + 8, head_top + 16, 10, bold=True, fill="#991b1b", cls="head")
    for i, line in enumerate(problem):
        c.text(line, head_left + 8, head_top + 32 + i * 15, 12, bold=True, fill="#111827", cls="head")
    back.append(dw.Line(area_left, spine_y, head_left, spine_y, stroke="#374151", stroke_width=3))

    total = n * chip_w + (n - 1) * gap
    x = area_right - total
    for index, (heading, lines) in enumerate(chips):
        back.append(dw.Rectangle(x, spine_top, chip_w, chip_h, rx=6, fill="#f9fafb", stroke="#374151", stroke_width=1.2))
        c.text(heading, x + 6, spine_top + 14, 10, bold=True, fill="#b91c1c" if heading == "Root cause" else "#374151",
               cls="why-heading")
        for i, line in enumerate(lines):
            c.text(line, x + 6, spine_top + 29 + i * 13, 10.5, cls="why")
        if index < n - 1:
            ax = x + chip_w + 3
            back.append(dw.Lines(ax + gap - 8, spine_y, ax + gap - 14, spine_y - 5, ax + gap - 14, spine_y + 5, close=True,
                                 fill="#374151"))
        x += chip_w + gap

    # -- bones --
    bones: list[object] = []
    for row, cids, above in ((0, upper, True), (1, lower, False)):
        for col, cid in enumerate(cids):
            colour = BONE_COLOURS[order.index(cid) % len(BONE_COLOURS)]
            left = area_left + col * col_w
            bone_end_x = left + col_w * 0.92
            if above:
                label_y = 60 + 14
                bone_top, bone_bottom = label_y + 6, spine_y  # bones meet the spine (behind the chips)
            else:
                bone_top, bone_bottom = spine_y, height - MARGIN - 20
                label_y = bone_bottom + 16
            bone_start_x = left + col_w * 0.70
            # the bone runs from its label towards the spine, leaning towards the head
            if above:
                x1, y1, x2, y2 = bone_start_x, bone_top, bone_end_x, bone_bottom
            else:
                x1, y1, x2, y2 = bone_end_x, bone_top, bone_start_x, bone_bottom
            bones.append(dw.Line(x1, y1, x2, y2, stroke=colour, stroke_width=2.2))
            name = fit(names.get(cid, cid), 12, col_w - 8, bold=True)
            c.text(name, bone_start_x, label_y, 12, anchor="middle", bold=True, fill=colour, cls="category")

            def bone_x(y: float) -> float:
                return x1 + (x2 - x1) * (y - y1) / ((y2 - y1) or 1)

            y = bone_top + 18 if above else spine_top + chip_h + 16
            for lines in factor_lines(cid):
                for i, line in enumerate(lines):
                    tip = bone_x(y - 4) - 6
                    muted = line == "(none recorded)"
                    c.text(line, tip, y, SIZE, anchor="end", fill="#9ca3af" if muted else "#111827",
                           cls="factor-none" if muted else "factor")
                    if i == 0 and not muted:
                        back.append(dw.Line(tip + 2, y - 4, bone_x(y - 4), y - 4, stroke=colour, stroke_width=1))
                    y += LINE
                y += 6
    # drawsvg writes attribute values as given: escape the title, which comes from the chat.
    drawing = dw.Drawing(WIDTH, height, role="img", aria_label=escape(title, {'"': "&quot;"}))
    drawing.append(dw.Title(title))
    drawing.append(dw.Rectangle(0, 0, WIDTH, height, fill="white"))
    for element in bones + back + c.items:
        drawing.append(element)
    return Drawn(drawing.as_svg(), c.boxes, WIDTH, height)
