"""The incident timeline chart drawn with the terminal's own characters (the Timeline tab).

The same picture as ``timeline.svg`` (``facilitator.pictures.data.timeline_data``: answers win
over findings, the user's curated timeline over extracted events), scaled to the pane width:

    Fault 13:52  Detected 14:07                 Mitigated 15:00          Resolved 15:40
    ●━━━━━━━━━━━━●━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━●────────────────────────●
                  !!  ◆ !     ✗✗    ★ ↺↺◆          ◆ ↺  !  ◆               ◆
    13:50     14:00     14:10     14:20  ...
    detect 15 min · mitigate 53 min · resolve 1 h 33 min · time-in 1 h 48 min

The thick red stretch is the customer-impact window; the symbols under the axis are key
events (legend on the last line when there is room). Milestone labels take a second line, then
shorter names, rather than overlap. Self-contained: it reads the session, draws, and holds no
state of its own, so any screen can show it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.widget import Widget

from facilitator.config import Settings
from facilitator.interview.engine import Interview
from facilitator.pictures.data import TimelineData, timeline_data
from facilitator.transcript import Transcript

MILESTONE_STYLE = {"started_at": "bold", "detected_at": "bold dark_orange", "mitigated_at": "bold dodger_blue2",
                   "resolved_at": "bold green"}
SHORT_NAMES = {"started_at": ("Fault", "F"), "detected_at": ("Detected", "D"), "mitigated_at": ("Mitigated", "M"),
               "resolved_at": ("Resolved", "R")}
MARKER_SYMBOLS = {
    "alert": ("!", "bold red"), "incident_created": ("◉", "magenta"), "status_page": ("◆", "cyan"),
    "customer_comms": ("◇", "cyan"), "hypothesis_ruled_out": ("✗", "grey62"), "root_cause": ("★", "magenta"),
    "rollback": ("↺", "dark_orange"), "fix_deployed": ("✓", "green"),
}
LEGEND_NAMES = {"alert": "alert", "incident_created": "declared", "status_page": "status page",
                "customer_comms": "customer update", "hypothesis_ruled_out": "ruled out", "root_cause": "cause found",
                "rollback": "rollback", "fix_deployed": "fix"}
TICK_STEPS_MIN = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


class IncidentChart(Widget):
    """Milestones, impact window, key events, time ticks and durations, proportional to the width."""

    DEFAULT_CSS = """
    IncidentChart { height: auto; }
    """

    def __init__(self, interview: Interview, transcript: Transcript | None, settings: Settings, **kwargs) -> None:
        super().__init__(**kwargs)
        self.interview = interview
        self.transcript = transcript
        self.settings = settings

    def data(self) -> TimelineData:
        """The chart's data from the session as it is now."""
        session = self.interview.session
        return timeline_data(session, self.transcript, self.settings, session.title or session.name)

    def render(self) -> Text:
        """The chart, or one line saying what it needs."""
        width = max(24, (self.size.width or 80) - 1)
        roomy = self.screen.size.height >= 36  # a legend line of its own only on a tall terminal
        return draw(self.data(), width, self._durations(width), legend_line=roomy)

    def _durations(self, width: int) -> Text:
        from screens.timeline import KeyTimesBar  # the same wording as the key-times bar

        return KeyTimesBar._durations(self.interview.metrics(), width)


def _column(at: datetime, lo: datetime, hi: datetime, width: int) -> int:
    total = (hi - lo).total_seconds() or 1.0
    return max(0, min(width - 1, round((at - lo).total_seconds() / total * (width - 1))))


def _label_rows(data: TimelineData, lo: datetime, hi: datetime, width: int) -> list[list[tuple[int, str, str]]]:
    """Milestone labels in at most two rows, with shorter names when the full ones do not fit."""
    for variant in range(3):
        rows: list[list[tuple[int, str, str]]] = [[], []]
        ok = True
        for m in data.milestones:
            name = m.label if variant == 0 else SHORT_NAMES.get(m.key, (m.label, m.label[:1]))[variant - 1]
            text = f"{name} {data.clock(m.at)}"
            wanted = min(_column(m.at, lo, hi, width), max(0, width - len(text)))
            # at its column in the first row with room, else just right of a row's last label
            spot = None
            for shifted in (False, True):
                for row in rows:
                    last_end = max((other + len(taken) + 1 for other, taken, _ in row), default=0)
                    start = wanted if wanted >= last_end else (last_end if shifted else -1)
                    if start >= 0 and start - wanted <= 12 and start + len(text) <= width:
                        spot = (row, start)
                        break
                if spot:
                    break
            if spot:
                spot[0].append((spot[1], text, m.key))
                continue
            ok = False
            break
        if ok:
            return [row for row in rows if row] or [[]]
    return [[]]


def _ticks(data: TimelineData, lo: datetime, hi: datetime, width: int) -> Text:
    multi = data.multi_day
    for step in TICK_STEPS_MIN:
        fmt = "%d %b" if step >= 1440 else ("%d %b %H:%M" if multi else "%H:%M")
        label_w = len(lo.astimezone(data.tz).strftime(fmt)) + 2
        if (hi - lo).total_seconds() / 60 / step * label_w <= width:
            break
    local = lo.astimezone(data.tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    at = midnight + timedelta(minutes=step * (int((local - midnight).total_seconds() // 60 // step) + 1))
    line = [" "] * width
    while at <= hi:
        text = at.strftime(fmt)
        col = min(_column(at, lo, hi, width), width - len(text))
        if all(c == " " for c in line[max(0, col - 1):col + len(text) + 1]):
            line[col:col + len(text)] = list(text)
        at += timedelta(minutes=step)
    return Text("".join(line).rstrip(), style="dim")


def draw(data: TimelineData, width: int, durations: Text | None = None, legend_line: bool = True) -> Text:
    """The chart as styled terminal text, ``width`` cells wide."""
    if not data.drawable:
        text = Text("No key times yet: answer when it started, was detected, mitigated and resolved (Interview tab).",
                    style="dim")
        if durations is not None:
            text.append("\n")
            text.append_text(durations)
        return text
    points = data.points
    lo, hi = min(points), max(points)
    pad = max((hi - lo) * 0.02, timedelta(seconds=30))
    lo, hi = lo - pad, hi + pad
    out = Text(no_wrap=True, overflow="crop")
    for row in reversed(_label_rows(data, lo, hi, width)):
        line = Text()
        cursor = 0
        for start, text, key in sorted(row):
            line.append(" " * (start - cursor))
            line.append(text, style=MILESTONE_STYLE.get(key, "bold"))
            cursor = start + len(text)
        out.append_text(line)
        out.append("\n")
    axis = [("─", "grey50")] * width
    if data.impact is not None:
        a, z = (_column(t, lo, hi, width) for t in data.impact)
        for col in range(a, z + 1):
            axis[col] = ("━", "bold red")
    for m in data.milestones:
        axis[_column(m.at, lo, hi, width)] = ("●", MILESTONE_STYLE.get(m.key, "bold"))
    for char, style in axis:
        out.append(char, style=style)
    out.append("\n")
    marks = [(" ", "")] * width
    for marker in data.markers:
        symbol, style = MARKER_SYMBOLS.get(marker.kind, ("•", ""))
        col = _column(marker.at, lo, hi, width)
        for candidate in (col, col + 1, col - 1, col + 2, col - 2):
            if 0 <= candidate < width and marks[candidate][0] == " ":
                marks[candidate] = (symbol, style)
                break
    for char, style in marks:
        out.append(char, style=style)
    out.append("\n")
    out.append_text(_ticks(data, lo, hi, width))
    out.append("\n")
    last = durations.copy() if durations is not None else Text()
    kinds = list(dict.fromkeys(m.kind for m in data.markers))
    legend = Text()
    for kind in kinds:
        symbol, style = MARKER_SYMBOLS.get(kind, ("•", ""))
        legend.append("  ")
        legend.append(symbol, style=style)
        legend.append(f" {LEGEND_NAMES.get(kind, kind)}", style="dim")
    if data.impact is not None:
        legend.append("  ")
        legend.append("━", style="bold red")
        legend.append(" customer impact", style="dim")
    if len(last.plain) + len(legend.plain) <= width:
        last.append_text(legend)
    elif legend.plain and legend_line:
        last.append("\n")
        last.append_text(legend[2:])
    out.append_text(last)
    return _cropped(out, width)


def _cropped(text: Text, width: int) -> Text:
    """Every line cut to ``width`` cells (a chart line must never wrap)."""
    lines = text.split("\n", allow_blank=True)
    for line in lines:
        line.truncate(width, overflow="ellipsis")
    return Text("\n", no_wrap=True).join(lines)
