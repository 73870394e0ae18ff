"""The timeline tab: the incident's events as an editable table, and the key times as a bar.

The rows are ``session.timeline`` (the user's curated timeline). While the user has not
touched it, the pane shows the extracted events (``findings.events``), exactly as the
documents do (``facilitator.render.model``); the first edit copies them into the session so
nothing the extractor found is lost by editing one row. Each row keeps the message ids it
rests on: ``g`` shows the cited message in the transcript pane, and ``t`` in the transcript
pane (forwarded by the main screen as ``MessageTagged``) adds a message as a new row.

The chart at the top (``screens.widgets.incident_chart``) is the documents' timeline picture
drawn with terminal characters, from the same key times (answers win over findings): fault
introduced -> detected -> mitigated -> resolved with the impact window, the key events, and time
to detect, mitigate and resolve (``Interview.metrics()``, as ``KeyTimesBar`` words them).
Edits go through a small modal form that validates the time in the session zone; a bad
value is explained inline and nothing is saved until it is fixed.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from facilitator.durations import DURATIONS
from facilitator.errors import UserError
from facilitator.findings import EventKind
from facilitator.interview.engine import Interview, Metrics
from facilitator.interview.parse import format_duration, parse_datetime
from facilitator.session import TimelineEntry
from facilitator.transcript import Transcript
from screens.messages import CitationSelected, MessageTagged, SessionChanged
from facilitator.undo import history_for
from screens.widgets.incident_chart import IncidentChart
from screens.workflow import RefreshesWhenShown, StaysHidden, WorkflowPane, redirect_typing, type_into

EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
SUMMARY_WIDTH = 120  # a tagged message becomes a one-line event of at most this many characters

# (metric attribute, label, colour of the bar segment that ends at this time)
STAGES = (
    ("started_at", "fault", ""),
    ("detected_at", "detected", "red"),
    ("mitigated_at", "mitigated", "dark_orange"),
    ("resolved_at", "resolved", "green"),
)


def entry_from_message(message, tz: str) -> TimelineEntry:
    """A timeline row for a transcript message (its time, author, first line, cited)."""
    first = " ".join(message.text.split())
    if len(first) > SUMMARY_WIDTH:
        first = first[: SUMMARY_WIDTH - 1] + "\u2026"
    return TimelineEntry(
        at=message.at, summary=first or "(no text)", who=message.author, message_ids=[message.id], kind="other"
    )


class KeyTimesBar(Widget):
    """fault introduced -> detected -> mitigated -> resolved, proportional, with the durations."""

    DEFAULT_CSS = """
    KeyTimesBar { height: auto; }
    """

    def __init__(self, interview: Interview, **kwargs) -> None:
        super().__init__(**kwargs)
        self.interview = interview
        self.tooltip = "\n".join(f"{d.label} ({d.short}): {d.definition}" for d in DURATIONS)

    def get_content_height(self, container, viewport, width: int) -> int:
        """The bar, the key times, then the durations and their definitions wrapped to the width."""
        return 2 + len(self._duration_lines(self.interview.metrics(), max(20, width)))

    def render(self) -> Text:
        """The bar, the key times, the durations with what each one measures."""
        metrics = self.interview.metrics()
        width = max(20, self.size.width or 40)
        zone = ZoneInfo(self.interview.tz)
        times = [getattr(metrics, attr) for attr, _, _ in STAGES]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(self._bar(times, width))
        text.append("\n")
        text.append(self._labels(metrics, times, zone, width), style="bold")
        for line in self._duration_lines(metrics, width):
            text.append("\n")
            text.append_text(line)
        return text

    @classmethod
    def _duration_lines(cls, metrics: Metrics, width: int) -> list[Text]:
        """'to detect 15m (fault → detected)' pieces, packed into lines of the width, never cut."""
        pieces = []
        for d in DURATIONS:  # one set of named durations, defined in facilitator.durations
            t = getattr(metrics, d.key)
            piece = Text(f"{d.label} ")
            piece.append(format_duration(t) or "?", style="bold" if t is not None else "dim")
            piece.append(f" ({d.definition})", style="dim")
            pieces.append(piece)
        if metrics.estimated:
            pieces.append(Text("~ from the transcript", style="dim"))
        lines: list[Text] = []
        for piece in pieces:
            if lines and lines[-1].cell_len + 3 + piece.cell_len <= width:
                lines[-1].append(" · ")
                lines[-1].append_text(piece)
                continue
            lines.append(Text())
            for word in piece.split(" "):  # a piece longer than the width wraps at its spaces
                if lines[-1].cell_len and lines[-1].cell_len + 1 + word.cell_len > width:
                    lines.append(Text())
                if lines[-1].cell_len:
                    lines[-1].append(" ")
                lines[-1].append_text(word)
        return lines

    @staticmethod
    def _durations(metrics: Metrics, width: int | None = None) -> Text:
        """The durations on one line ('detect 15m · mitigate 53m ...'), for the chart's narrow strip;
        with ``width``, only the durations that fit whole (never one cut in the middle)."""
        out = Text()
        pieces = []
        for d in DURATIONS:
            value = getattr(metrics, d.key)
            piece = Text(f"{d.short} ")
            piece.append(format_duration(value) or "?", style="bold" if value is not None else "dim")
            pieces.append(piece)
        if metrics.estimated:
            pieces.append(Text("(~ from the transcript)", style="dim"))
        for piece in pieces:
            if width is not None and out.cell_len + (3 if out else 0) + piece.cell_len > width:
                break
            if out:
                out.append(" · ")
            out.append_text(piece)
        return out

    @staticmethod
    def _labels(metrics: Metrics, times: list[datetime | None], zone: ZoneInfo, width: int) -> str:
        """'fault 13:52 → detected 14:09 → ...', shortened until it fits the width."""
        clocks = []
        for (attr, _, _), at in zip(STAGES, times):
            mark = "~" if attr in metrics.estimated else ""
            clocks.append(f"{mark}{at.astimezone(zone):%H:%M}" if at else "?")
        for names in (
            [label for _, label, _ in STAGES],
            ["fault", "det.", "mit.", "res."],
            ["F", "D", "M", "R"],
        ):
            line = " → ".join(f"{n} {c}" for n, c in zip(names, clocks))
            if len(line) <= width:
                return line
        return line

    @staticmethod
    def _bar(times: list[datetime | None], width: int) -> Text:
        """Segments sized by duration; unknown spans drawn as dots of equal share."""
        spans = []
        for (_, _, colour), prev, cur in zip(STAGES[1:], times, times[1:]):
            seconds = (cur - prev).total_seconds() if prev and cur and cur >= prev else None
            spans.append((seconds, colour))
        known = [s for s, _ in spans if s is not None]
        total = sum(known) or 1.0
        usable = width - 4  # the four stage marks
        unknown_share = usable // (len(spans) * 2)
        room = usable - unknown_share * sum(1 for s, _ in spans if s is None)
        bar = Text()
        bar.append("●", style="bold")
        for seconds, colour in spans:
            if seconds is None:
                bar.append("·" * unknown_share, style="dim")
            else:
                bar.append("━" * max(1, int(room * seconds / total)), style=colour)
            bar.append("●", style="bold")
        return bar



class TimelineEntryScreen(ModalScreen[TimelineEntry | None]):
    """Add or edit one timeline row; the time is read in the session zone."""

    CSS_PATH = "timeline.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="timeline_form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="timeline_form.save", tooltip="Save this timeline row"),
    ]

    def __init__(self, entry: TimelineEntry | None, tz: str, reference, transcript: Transcript, title: str) -> None:
        super().__init__()
        self.entry = entry
        self.tz = tz
        self.reference = reference
        self.transcript = transcript
        self.form_title = title

    def compose(self) -> ComposeResult:
        e = self.entry
        zone = ZoneInfo(self.tz)
        with VerticalScroll(id="tl-form"):
            yield Static(self.form_title, markup=False, id="tl-form-title")
            with Grid(id="tl-grid"):
                yield Label(f"Time ({self.tz})")
                at = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if e else ""
                yield Input(at, placeholder="2024-12-03 14:02", id="tl-at", compact=True)
                yield Label("Who or what")
                yield Input(e.who if e else "", placeholder="on-call engineer, CI, alerting", id="tl-who", compact=True)
                yield Label("Event")
                yield Input(e.summary if e else "", placeholder="what happened", id="tl-summary", compact=True)
                yield Label("Kind")
                kind = e.kind if e and e.kind in EVENT_KINDS else "other"
                kinds = [(k.replace("_", " "), k) for k in EVENT_KINDS]
                yield Select(kinds, value=kind, allow_blank=False, id="tl-kind", compact=True)
                yield Label("Known then")
                yield Input(e.known_then if e else "", placeholder="what was known at the time (optional)", id="tl-known", compact=True)
                yield Label("Cited messages")
                yield Input(" ".join(e.message_ids) if e else "", placeholder="ids, space separated (optional)", id="tl-ids", compact=True)
            yield Static("", markup=False, id="tl-error")
            with Horizontal(id="tl-buttons"):
                yield Button("Save", variant="primary", id="tl-save", compact=True)
                yield Button("Cancel", id="tl-cancel", compact=True)

    def on_mount(self) -> None:
        self.screen.set_focus(self.query_one("#tl-at", Input))

    def on_key(self, event) -> None:
        """Letters typed before the form had the focus (right after Ctrl+N) go into its first field."""
        if self.focused is None and event.is_printable and event.character:
            event.stop()
            type_into(self.query_one("#tl-at", Input), event.character)

    def _build(self) -> TimelineEntry:
        """The entry the form describes; UserError naming the first bad field."""
        at = parse_datetime(self.query_one("#tl-at", Input).value, self.tz, self.reference)
        summary = self.query_one("#tl-summary", Input).value.strip()
        if not summary:
            raise UserError("Say what happened in the Event field.")
        ids = self.query_one("#tl-ids", Input).value.replace(",", " ").split()
        missing = [mid for mid in ids if mid not in self.transcript]
        if missing:
            raise UserError(f"Message {missing[0]} is not in this transcript; copy an id from the transcript pane or leave it empty.")
        kind = self.query_one("#tl-kind", Select).value
        return TimelineEntry(
            at=at,
            summary=summary,
            who=self.query_one("#tl-who", Input).value.strip(),
            kind=kind if isinstance(kind, str) else "other",
            known_then=self.query_one("#tl-known", Input).value.strip(),
            message_ids=ids,
        )

    def action_save(self) -> None:
        """Validate and close with the entry; on error say why and keep the form."""
        try:
            entry = self._build()
        except UserError as exc:
            error = self.query_one("#tl-error", Static)
            error.update(str(exc))
            error.add_class("visible")
            return
        self.dismiss(entry)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#tl-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#tl-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class TimelinePane(WorkflowPane, RefreshesWhenShown, StaysHidden, Vertical):
    """Key-time bar + editable timeline table; see the module docstring."""

    PALETTE_GROUP = "timeline"
    DEFAULT_CLASSES = "workflow-pane"
    HELP = """\
## Timeline
The major moments of the incident. It starts with what was extracted from the channel;
edit it freely: `Ctrl+N` adds a row, `Enter` edits the selected row, `Delete` removes it,
`Ctrl+Z` undoes the last change (the last 50, kept when you quit), `Ctrl+L` shows the cited
message in the transcript. In the transcript pane, `t` tags the selected message onto the
timeline. In the row form, Tab moves to the next field and Enter or `Ctrl+S` saves; a time
out of order with the key times is refused with the reason until you confirm it. The chart
shows fault introduced → detected → mitigated → resolved, the customer-impact window (thick
red), the key events under the axis, and time to detect, mitigate and resolve (answer the key
time questions in the Interview tab to change them; `~` marks times taken from the transcript).
"""
    ORIGIN = "timeline"
    BINDINGS = [
        Binding("ctrl+n", "add", "Add", id="timeline.add", tooltip="Add a timeline row"),
        Binding("enter", "edit", "Edit", id="timeline.edit", tooltip="Edit the selected row", show=False),
        Binding("delete", "delete", "Delete", id="timeline.delete", tooltip="Delete the selected row (Ctrl+Z brings it back)"),
        Binding("ctrl+z", "undo", "Undo", id="timeline.undo", tooltip="Undo the last change to the timeline"),
        Binding("ctrl+l", "goto", "Show message", id="timeline.goto", tooltip="Show the cited message in the transcript"),
    ]

    def compose(self) -> ComposeResult:
        yield IncidentChart(self.interview, self.transcript, self.settings, id="tl-chart")
        yield Static("", markup=False, id="tl-warnings")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="tl-table")
        yield table
        yield Static("", markup=False, id="tl-status")

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_view()

    def _columns(self, table: DataTable, time_width: int) -> bool:
        """(Re)build the columns for the pane width; the event text gets what is left. True when wide."""
        avail = max(30, (self.size.width or 80) - 5)
        wide = avail >= 70
        who = 16 if wide else 10
        fixed = time_width + who + (14 + 16 if wide else 0)
        gaps = 2 * (5 if wide else 3)
        table.clear(columns=True)
        table.add_column("Time", key="time", width=time_width)
        table.add_column("Who", key="who", width=who)
        table.add_column("Event", key="event", width=max(12, avail - fixed - gaps))
        if wide:
            table.add_column("Kind", key="kind", width=14)
            table.add_column("Evidence", key="evidence", width=16)
        return wide

    # -- data ------------------------------------------------------------------------------

    def entries(self) -> list[TimelineEntry]:
        """The rows shown: the curated timeline, or the extracted events until it is edited."""
        if self.session.timeline:
            return self.session.timeline
        return [
            TimelineEntry(at=e.at, summary=e.summary, kind=e.kind, who=e.who, message_ids=list(e.message_ids))
            for e in self.session.findings.events
        ]

    @property
    def is_curated(self) -> bool:
        """True once the user's own timeline exists in the session."""
        return bool(self.session.timeline)

    @property
    def history(self):
        """The session's undo history (kept in the core)."""
        return history_for(self.session, self.interview.store)

    def _materialize(self) -> list[TimelineEntry]:
        """Copy the extracted events into the session before the first edit."""
        if not self.session.timeline:
            self.session.timeline = self.entries()
        return self.session.timeline

    def _save(self, note: str, select: TimelineEntry | None = None) -> None:
        self.session.timeline.sort(key=lambda e: e.at)
        self.interview.save()
        self.refresh_view(select)
        self.query_one("#tl-status", Static).update(note)
        self.post_message(SessionChanged(origin="timeline"))

    # -- view ------------------------------------------------------------------------------

    def _evidence(self, ids: list[str]) -> str:
        if not ids:
            return ""
        m = self.transcript.get(ids[0]) if self.transcript is not None else None
        label = f"{m.at.astimezone(ZoneInfo(self.interview.tz)):%H:%M} {m.author}" if m else ids[0]
        return label + (f" +{len(ids) - 1}" if len(ids) > 1 else "")

    def refresh_view(self, select: TimelineEntry | None = None) -> None:
        """Redraw the bar, the warnings and the table (keeping the cursor where it makes sense)."""
        table = self.query_one(DataTable)
        previous = table.cursor_row
        zone = ZoneInfo(self.interview.tz)
        rows = sorted(self.entries(), key=lambda e: e.at)
        span_days = {e.at.astimezone(zone).date() for e in rows}
        fmt = "%m-%d %H:%M" if len(span_days) > 1 else "%H:%M"
        wide = self._columns(table, 11 if len(span_days) > 1 else 5)
        target = None
        for i, e in enumerate(rows):
            cells = [e.at.astimezone(zone).strftime(fmt), Text(e.who), Text(e.summary)]
            if wide:
                cells += [e.kind.replace("_", " "), Text(self._evidence(e.message_ids))]
            table.add_row(*cells, key=str(i))
            if select is not None and e is select:
                target = i
        if rows:
            table.move_cursor(row=target if target is not None else min(previous, len(rows) - 1))
        self.query_one(IncidentChart).refresh(layout=True)
        warnings = self.interview.order_warnings()
        warn = self.query_one("#tl-warnings", Static)
        warn.update("\n".join(f"⚠ {w}" for w in warnings))
        warn.display = bool(warnings)
        status = "" if self.is_curated else "Extracted events; your first edit makes this timeline yours."
        if not rows:
            status = "No events yet: press Ctrl+N to add one, or t on a message in the transcript."
        self.query_one("#tl-status", Static).update(status)

    def _selected(self) -> tuple[int, TimelineEntry] | None:
        rows = sorted(self.entries(), key=lambda e: e.at)
        table = self.query_one(DataTable)
        if not rows or table.cursor_row < 0 or table.cursor_row >= len(rows):
            return None
        return table.cursor_row, rows[table.cursor_row]

    # -- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        """Open the form for a new row."""
        self.app.push_screen(
            TimelineEntryScreen(None, self.interview.tz, self.interview.reference_date(), self.transcript, "Add a timeline row"),
            self._added,
        )

    def _added(self, entry: TimelineEntry | None) -> None:
        if entry is None:
            return
        self.history.record("timeline", f"add {entry.summary}")
        self._materialize().append(entry)
        self._save(f"Added: {entry.summary}", select=entry)

    def action_edit(self) -> None:
        """Open the form on the selected row."""
        selected = self._selected()
        if selected is None:
            self.notify("There is no row to edit; press Ctrl+N to add one.", severity="warning", markup=False)
            return
        index, entry = selected
        self.app.push_screen(
            TimelineEntryScreen(entry, self.interview.tz, self.interview.reference_date(), self.transcript, "Edit the timeline row"),
            lambda new: self._edited(index, new),
        )

    def _edited(self, index: int, entry: TimelineEntry | None) -> None:
        if entry is None:
            return
        self.history.record("timeline", f"edit {entry.summary}")
        rows = self._materialize()
        rows.sort(key=lambda e: e.at)
        rows[index] = entry
        self._save(f"Saved: {entry.summary}", select=entry)

    def action_delete(self) -> None:
        """Delete the selected row (Ctrl+Z undoes)."""
        selected = self._selected()
        if selected is None:
            return
        index, entry = selected
        self.history.record("timeline", f"delete {entry.summary}")
        rows = self._materialize()
        rows.sort(key=lambda e: e.at)
        entry = rows.pop(index)
        self._save(f"Deleted: {entry.summary} (Ctrl+Z brings it back)")

    def action_undo(self) -> None:
        """Undo the last change to the timeline (add, edit, delete, tag, reset)."""
        label = self.history.undo("timeline")
        if label is None:
            self.notify("Nothing to undo in the timeline.", severity="information", markup=False)
            return
        self._save(f"Undone: {label}.")

    def on_key(self, event) -> None:
        """Letters typed on the table do nothing here (no text goes in the table), never a command."""
        redirect_typing(self, event, (DataTable,), None)

    def action_goto(self) -> None:
        """Show the selected row's first cited message in the transcript."""
        selected = self._selected()
        if selected is None or not selected[1].message_ids:
            self.notify("This row cites no message.", severity="warning", markup=False)
            return
        self.post_message(CitationSelected(selected[1].message_ids[0]))

    def add_message(self, message_id: str) -> TimelineEntry | None:
        """Add a transcript message as a row (the transcript's tag key); None when unknown."""
        message = self.transcript.get(message_id) if self.transcript is not None else None
        if message is None:
            self.notify(f"Message {message_id} is not in this transcript.", severity="warning", markup=False)
            return None
        for e in self.entries():
            if message_id in e.message_ids:
                self.refresh_view(select=e if self.is_curated else None)
                self.notify(f"Already on the timeline: {e.summary}", severity="information", markup=False)
                return None
        entry = entry_from_message(message, self.interview.tz)
        self.history.record("timeline", f"tag {message_id}")
        self._materialize().append(entry)
        self._save(f"Tagged: {entry.summary} (e to edit it)", select=entry)
        self.notify(f"Added to the timeline: {entry.summary}", timeout=3, markup=False)
        return entry

    @on(MessageTagged)
    def _tagged(self, event: MessageTagged) -> None:
        event.stop()
        self.add_message(event.message_id)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _focus_target(self) -> Widget:
        """What takes the focus when the tab is shown."""
        return self.query_one(DataTable)

    def _reload(self) -> None:
        """Re-read everything from the session."""
        self.refresh_view()

    def palette_commands(self):
        """Commands without a key of their own."""
        yield ("reset to extracted events", "Forget your timeline edits and show the extracted events again", self._reset)

    def _reset(self) -> None:
        if not self.session.timeline:
            self.notify("The timeline already shows the extracted events.", markup=False)
            return
        self.history.record("timeline", "reset to the extracted events")
        self.session.timeline = []
        self._save("Back to the extracted events.")
