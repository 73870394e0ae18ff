"""The transcript view: the incident channel, readable, searchable, and jumpable.

A channel may hold 20,000 messages, so the view is a Line API widget (``ScrollView`` with
``render_line``), after toolong's ``LogLines``: it lays the channel out once per width as a
flat list of rows (message index, line within the message) and renders only the rows on
screen. One widget per message would take seconds to mount and megabytes of DOM.

Layout rules:
* replies are shown under their thread parent, indented, and a thread can be collapsed;
* a separator row marks each new day; times are shown in the configured zone;
* bots and system messages (joins, topic changes) are dimmed;
* ``jump_to(message_id)`` moves the cursor there, opens its thread and highlights it;
* ``/`` searches author and text; ``n`` / ``N`` go to the next / previous match.

A jump must repaint within 100 ms, whatever the channel's size: the rows on screen are
built straight into strips (``transcript_lines.row_strip``, no rich ``Text`` per row),
wrapped lines are kept per width (a thread toggle re-flows rows, it does not re-wrap), and
while a big channel is shown its long-lived heap is frozen out of the cyclic collector
(``hold_heap``), whose full passes over 20,000 messages were the slowest jumps; the
collector also waits while a jump is painted.

The first frame must not wait for the whole channel either: ``_layout`` wraps only the first
``FIRST_MESSAGES`` before the paint and the rest in steps of ``LAYOUT_STEP`` messages after the paint, on a
timer so input and frames come in between (the scrollbar is estimated meanwhile). Anything that needs a row not yet
laid out (a jump, End, a scroll past the laid-out rows) finishes the layout first.

The view never changes the transcript; it posts ``MessageTagged`` when the user tags a
message for the timeline (``t``), and the main screen routes it. The pane around it (header
and search box) is ``screens.widgets.transcript_pane``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from facilitator.transcript import Message, Transcript
from screens.messages import MessageTagged
from screens.widgets.transcript_lines import HANGING, HOLD_HEAP_FROM, Span, clean, hold_heap, pause_collector, release_heap, resume_collector, row_strip, wrap

REPLY_PREFIX = "  │ "
THREAD_LINE = -2  # row line number of the "▾ 3 replies" toggle row
DAY_ROW = -1  # message index of a day separator row
FIRST_MESSAGES = 300  # laid out before the first paint (a tall terminal shows ~60 rows)
LAYOUT_STEP = 2_000  # then this many per step, between input events
# Readable author colours for dark and for light backgrounds (picked by the theme).
AUTHOR_COLOURS = ("#5fafff", "#87d787", "#d7af5f", "#d787d7", "#5fd7d7", "#ff875f", "#afafff", "#d7d75f")
AUTHOR_COLOURS_LIGHT = ("#005fd7", "#008700", "#875f00", "#870087", "#00727a", "#af3a00", "#4b4bc8", "#5f5f00")


class TranscriptView(ScrollView, can_focus=True):
    """The virtualized message list (one row per rendered line, only visible rows drawn)."""

    PALETTE_GROUP = "transcript"
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Previous message", id="transcript.up", tooltip="Select the previous message", show=False),
        Binding("down,j", "cursor(1)", "Next message", id="transcript.down", tooltip="Select the next message", show=False),
        Binding("pageup", "page(-1)", "Page up", id="transcript.pageup", tooltip="Scroll a page up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="transcript.pagedown", tooltip="Scroll a page down", show=False),
        Binding("home", "edge(0)", "First message", id="transcript.home", tooltip="Go to the first message", show=False),
        Binding("end", "edge(1)", "Last message", id="transcript.end", tooltip="Go to the last message", show=False),
        Binding("enter,space", "toggle_thread", "Thread", id="transcript.thread", tooltip="Collapse or expand the selected thread"),
        Binding("n", "find(1)", "Next match", id="transcript.next_match", tooltip="Go to the next search match", show=False),
        Binding("N", "find(-1)", "Previous match", id="transcript.prev_match", tooltip="Go to the previous search match", show=False),
        Binding("t", "tag", "Tag", id="transcript.tag", tooltip="Add the selected message to the timeline"),
        Binding("ctrl+r", "reveal", "Reveal", id="transcript.reveal", tooltip="Show or mask again the secret in the selected message", show=False),
    ]
    COMPONENT_CLASSES = {
        "transcript--time",
        "transcript--bot",
        "transcript--cursor",
        "transcript--highlight",
        "transcript--match",
        "transcript--day",
        "transcript--thread",
    }
    DEFAULT_CSS = """
    TranscriptView { background: $surface; overflow-x: hidden; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    TranscriptView > .transcript--time { color: $text-muted; }
    TranscriptView > .transcript--bot { color: $text-disabled; }
    TranscriptView > .transcript--cursor { background: $boost; }
    TranscriptView:focus > .transcript--cursor { background: $primary 35%; }
    TranscriptView > .transcript--highlight { background: $warning 35%; }
    TranscriptView > .transcript--match { background: $accent; color: $text; text-style: bold; }
    TranscriptView > .transcript--day { color: $text-muted; text-style: bold; }
    TranscriptView > .transcript--thread { color: $text-accent; }
    """

    cursor: reactive[int] = reactive(-1, always_update=True, layout=False)

    def __init__(self, transcript: Transcript, timezone: str = "UTC", **kwargs) -> None:
        # Render caches first: Textual may report a style update while the widget is built.
        self._base_style: Style | None = None  # the widget's own style, read once per repaint
        self._author_styles: dict[str, Style] = {}
        super().__init__(**kwargs)
        self.transcript = transcript
        self.zone = ZoneInfo(timezone)
        self.collapsed: set[int] = set()
        self.highlighted: int = -1
        self.term: str = ""
        self.matches: list[int] = []
        self._haystack: list[str] | None = None
        self._match_re: re.Pattern[str] | None = None
        self._holding_heap = False
        self._width = 0
        self._lines_width = 0  # the width ``_lines`` were wrapped for
        self._rows_msg: list[int] = []  # message index per row (DAY_ROW for separators)
        self._rows_line: list[int] = []  # line within the message (THREAD_LINE for toggles)
        self._lines: dict[int, tuple[str, ...]] = {}  # wrapped lines per message, for _lines_width
        self._days: dict[int, str] = {}  # row -> separator text
        self._starts: dict[int, int] = {}  # message index -> first row
        self._order: list[int] = []  # message indices in display order (rows are built from it)
        self._parent_of: list[int] = []
        self.revealed: set[int] = set()  # messages the user chose to see unmasked
        self._laid = 0  # how many of ``_order`` are laid out for ``_width``
        self._last_day = None  # the day of the last top-level message laid out
        self._layout_gen = 0  # bumped by every new layout, so stale queued steps stop
        self._build_order()

    # -- model -------------------------------------------------------------------------
    def _build_order(self) -> None:
        """Display order: top-level messages, each followed by its replies."""
        msgs = self.transcript.messages
        index = self.transcript.index
        self._parent_of = [-1] * len(msgs)
        for i, m in enumerate(msgs):
            if m.is_reply and m.thread_id in index:
                self._parent_of[i] = index[m.thread_id]
        children: dict[int, list[int]] = {}
        for i, p in enumerate(self._parent_of):
            if p >= 0:
                children.setdefault(p, []).append(i)
        self._children = children
        order: list[int] = []
        for i in range(len(msgs)):
            if self._parent_of[i] < 0:
                order.append(i)
                order.extend(children.get(i, ()))
        self._order = order
        self._hhmm: list[str | None] = [None] * len(msgs)  # local times, filled as messages are laid out
        self._days_of: list = [None] * len(msgs)

    def _local(self, i: int) -> None:
        message = self.transcript.messages[i]
        at = message.at.astimezone(self.zone)
        # a message the paste dated without a clock (a GitHub comment, a dated note) shows no time
        self._hhmm[i] = f"{at:%H:%M}" if message.clocked else "--:--"
        self._days_of[i] = at.date()

    def _message_lines(self, i: int, width: int) -> tuple[str, ...]:
        m = self.transcript.messages[i]
        if self._hhmm[i] is None:
            self._local(i)
        reply = self._parent_of[i] >= 0
        avail = max(20, width - (len(REPLY_PREFIX) if reply else 0) - 1)
        body = m.text
        if i in self.revealed:
            body = self._originals().get(m.id, body)
        if m.attachments:
            body += "".join(f"\n[file: {a.name}]" for a in m.attachments)
        if m.edited:
            body += " (edited)"
        head = clean(f"{self._hhmm[i]} {m.author}  {body}")
        # a tuple of strings: the collector stops tracking it, a list it would walk forever
        return tuple(wrap(head, avail))

    def _layout(self, width: int, complete: bool = False) -> None:
        """Flatten the display order into rows for this width: the first messages now, the
        rest in queued steps (all of it now with ``complete``)."""
        self._width = width
        self._rows_msg, self._rows_line, self._days, self._starts = [], [], {}, {}
        self._laid, self._last_day = 0, None
        self._layout_gen += 1
        if width != self._lines_width:
            self._lines, self._lines_width = {}, width
        self._layout_more(len(self._order) if complete else FIRST_MESSAGES)
        if not self.layout_complete:
            gen = self._layout_gen
            self.call_after_refresh(lambda: self._layout_step(gen))

    @property
    def layout_complete(self) -> bool:
        """True once every message has its rows for the current width."""
        return self._laid >= len(self._order)

    def _layout_step(self, gen: int) -> None:
        if gen != self._layout_gen or self.layout_complete:
            return
        self._layout_more(LAYOUT_STEP)
        if not self.layout_complete:
            self.set_timer(0.01, lambda: self._layout_step(gen))  # a timer lets input and paints in between

    def _complete_layout(self) -> None:
        """Lay out the rest now (for a jump, End, or a row not laid out yet)."""
        self._ensure_layout()
        if not self.layout_complete:
            self._layout_more(len(self._order))

    def _layout_more(self, count: int) -> None:
        """Append the rows of the next ``count`` messages of the display order."""
        rows_msg, rows_line = self._rows_msg, self._rows_line
        days, starts = self._days, self._starts
        width = self._width
        lines = self._lines
        last_day = self._last_day
        collapsed = self.collapsed
        parent_of = self._parent_of
        start = self._laid
        batch = self._order[start : start + count]
        for i in batch:
            p = parent_of[i]
            if p >= 0 and p in collapsed:
                continue
            if p < 0:
                day = self._days_of[i]
                if day is None:
                    self._local(i)
                    day = self._days_of[i]
                if day != last_day:
                    days[len(rows_msg)] = f"── {day:%a %d %b %Y} ──"
                    rows_msg.append(DAY_ROW)
                    rows_line.append(0)
                    last_day = day
            text_lines = lines.get(i)
            if text_lines is None:
                text_lines = lines[i] = self._message_lines(i, width)
            starts[i] = len(rows_msg)
            n = len(text_lines)
            rows_msg.extend([i] * n)
            rows_line.extend(range(n))
            if p < 0 and i in self._children:
                rows_msg.append(i)
                rows_line.append(THREAD_LINE)
        self._last_day = last_day
        self._laid = start + len(batch)
        rows = len(rows_msg)
        if not self.layout_complete:  # the rest estimated from the rows per message so far
            rows += (len(self._order) - self._laid) * rows // max(1, self._laid)
        self.virtual_size = Size(width, rows)
        if self.layout_complete and not self._holding_heap and len(self.transcript.messages) >= HOLD_HEAP_FROM:
            self._holding_heap = True
            hold_heap()

    def on_unmount(self) -> None:
        resume_collector()
        if self._holding_heap:
            self._holding_heap = False
            release_heap()

    def relayout(self) -> None:
        """Rebuild rows (after a collapse or a resize) keeping the cursor in view."""
        self._layout(self._content_width(), complete=True)
        self.refresh()

    def _content_width(self) -> int:
        # The scrollbar gutter is always reserved, so the width does not change (and the
        # channel is not laid out twice) when the scrollbar appears.
        width = self.size.width - self.styles.scrollbar_size_vertical - self.styles.gutter.width
        return max(24, width if self.size.width else 80)

    def on_resize(self, event: events.Resize) -> None:
        width = self._content_width()
        if width != self._width:
            self._layout(width, complete=self.cursor >= 0)
            if self.cursor >= 0:
                self._scroll_to_message(self.cursor, center=False)

    def _ensure_layout(self) -> None:
        """Lay out now if no resize has done it yet (jumps and searches can come first)."""
        if not self._width:
            self._layout(self._content_width())

    # -- rendering ---------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._author_styles.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = None  # read the widget style once for this repaint, not per row
        return super().render_lines(crop)

    def _base(self) -> Style:
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _author_style(self, name: str) -> Style:
        style = self._author_styles.get(name)
        if style is None:
            theme = self.app.current_theme
            colours = AUTHOR_COLOURS if theme is None or theme.dark else AUTHOR_COLOURS_LIGHT
            style = self._author_styles[name] = Style(bold=True, color=colours[sum(map(ord, name)) % len(colours)])
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one visible row."""
        self._ensure_layout()
        row = y + int(self.scroll_offset.y)
        width = self.size.width
        base = self._base()
        if row >= len(self._rows_msg) and not self.layout_complete:
            self._complete_layout()
        if row >= len(self._rows_msg):
            return Strip.blank(width, base)
        return self._render_row(row, width, base)

    def _render_row(self, row: int, width: int, base: Style) -> Strip:
        component = self.get_component_rich_style  # cached by Textual until styles change
        i = self._rows_msg[row]
        if i == DAY_ROW:
            day = self._days.get(row, "")
            return row_strip(day, [(0, len(day), component("transcript--day"))], base, width)
        m = self.transcript.messages[i]
        line_no = self._rows_line[row]
        # Later spans draw on top (component styles carry their own background): colours first,
        # then the row-wide bars, then search matches, which stay visible on the cursor row.
        spans: list[Span] = []
        if line_no == THREAD_LINE:
            n = len(self._children.get(i, ()))
            mark = "▸" if i in self.collapsed else "▾"
            text = f"{HANGING}{mark} {n} {'reply' if n == 1 else 'replies'}"
            spans.append((0, len(text), component("transcript--thread")))
        else:
            prefix = REPLY_PREFIX if self._parent_of[i] >= 0 else ""
            text = prefix + self._lines[i][line_no]
            if line_no == 0:
                off = len(prefix)
                spans.append((off, off + 5, component("transcript--time")))
                spans.append((off + 6, off + 6 + len(m.author), self._author_style(m.author)))
            if m.is_bot or m.is_system:
                spans.append((0, len(text), component("transcript--bot")))
        if i == self.highlighted or i == self.cursor:
            text += " " * max(0, width - cell_len(text))  # the bar spans the whole row
            if i == self.highlighted:
                spans.append((0, len(text), component("transcript--highlight")))
            if i == self.cursor:
                spans.append((0, len(text), component("transcript--cursor")))
        if line_no != THREAD_LINE and self._match_re is not None and i in self._match_set:
            match = component("transcript--match")
            spans.extend((found.start(), found.end(), match) for found in self._match_re.finditer(text))
        return row_strip(text, spans, base, width)

    # -- navigation --------------------------------------------------------------------
    def message_at_row(self, row: int) -> int:
        """Message index drawn at a content row (the nearest message for separators)."""
        if row >= len(self._rows_msg):
            self._complete_layout()
        if not self._rows_msg:
            return -1
        row = min(max(row, 0), len(self._rows_msg) - 1)
        i = self._rows_msg[row]
        if i == DAY_ROW and row + 1 < len(self._rows_msg):
            i = self._rows_msg[row + 1]
        return i

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    def _visible_order(self) -> list[int]:
        """Message indices currently laid out, in display order."""
        self._complete_layout()
        return [i for i in self._order if i in self._starts]

    def action_cursor(self, delta: int) -> None:
        """Move the selection to the previous/next message."""
        self._complete_layout()
        rows = self._rows_msg
        if not rows:
            return
        if self.cursor < 0 or self.cursor not in self._starts:
            self.cursor = self.message_at_row(int(self.scroll_offset.y))
        else:
            row = self._starts[self.cursor]
            step = 1 if delta > 0 else -1
            if step > 0:
                while row < len(rows) and rows[row] == self.cursor:
                    row += 1
            else:
                row -= 1
            while 0 <= row < len(rows) and rows[row] in (DAY_ROW, self.cursor):
                row += step
            if 0 <= row < len(rows):
                self.cursor = rows[row]
        self._scroll_to_message(self.cursor, center=False)

    def action_page(self, direction: int) -> None:
        """Scroll one page and select the first message shown."""
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False)
        self.cursor = self.message_at_row(int(self.scroll_target_y))

    def action_edge(self, end: int) -> None:
        """Go to the first or last message."""
        order = self._visible_order()
        if order:
            self.cursor = order[-1] if end else order[0]
            self._scroll_to_message(self.cursor, center=False)

    def _scroll_to_message(self, i: int, center: bool) -> None:
        if i not in self._starts:
            self._complete_layout()
        start = self._starts.get(i)
        if start is None:
            return
        height = max(1, self.scrollable_content_region.height)
        end = start + len(self._lines.get(i, [""]))
        top = int(self.scroll_offset.y)
        if center:
            y = max(0, start - height // 3)
        elif start < top:
            y = start
        elif end > top + height:
            y = end - height
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=True)

    def action_toggle_thread(self) -> None:
        """Collapse or expand the thread of the selected message."""
        if self.cursor < 0:
            return
        parent = self._parent_of[self.cursor]
        root = parent if parent >= 0 else self.cursor
        if root not in self._children:
            return
        if root in self.collapsed:
            self.collapsed.discard(root)
        else:
            self.collapsed.add(root)
            self.cursor = root
        self.relayout()
        self._scroll_to_message(self.cursor, center=False)

    def _originals(self) -> dict[str, str]:
        """Clear texts of the masked messages of this run (empty for a resumed session)."""
        return getattr(self.app, "originals", {}) or {}

    def action_reveal(self) -> None:
        """Show the selected message unmasked, on purpose (again masks it)."""
        m = self.selected
        if m is None:
            return
        if self.cursor in self.revealed:
            self.revealed.discard(self.cursor)
        elif m.id in self._originals():
            self.revealed.add(self.cursor)
        else:
            note = "has no secret masked" if "[secret]" not in m.text and "[redacted]" not in m.text else \
                "was saved masked; the clear text is not kept"
            self.notify(f"This message {note}.", markup=False)
            return
        self._lines.pop(self.cursor, None)
        self.relayout()

    def action_tag(self) -> None:
        """Ask the timeline to add the selected message."""
        if self.cursor >= 0:
            self.post_message(MessageTagged(self.transcript.messages[self.cursor].id))

    def on_click(self, event: events.Click) -> None:
        row = event.y + int(self.scroll_offset.y)
        if row >= len(self._rows_msg):
            self._complete_layout()
        if 0 <= row < len(self._rows_msg):
            i = self.message_at_row(row)
            self.cursor = i
            if self._rows_line[row] == THREAD_LINE:
                self.action_toggle_thread()

    def jump_to(self, message_id: str) -> bool:
        """Select and highlight a message (opening its thread); False when it is unknown."""
        i = self.transcript.index.get(message_id)
        if i is None:
            return False
        self._complete_layout()
        # no collection between here and the frame that shows the message (the timer is a
        # backstop should that frame never come, e.g. the screen is in the background)
        pause_collector()
        self.call_after_refresh(resume_collector)
        self.set_timer(0.5, resume_collector)
        parent = self._parent_of[i]
        if parent >= 0 and parent in self.collapsed:
            self.collapsed.discard(parent)
            self.relayout()
        self.highlighted = i
        self.cursor = i
        self._scroll_to_message(i, center=True)
        return True

    @property
    def selected(self) -> Message | None:
        """The message under the cursor."""
        return self.transcript.messages[self.cursor] if self.cursor >= 0 else None

    # -- search ------------------------------------------------------------------------
    def search(self, term: str) -> int:
        """Set the search term; returns the number of matching messages."""
        self.term = term.strip()
        if not self.term:
            self.matches, self._match_set, self._match_re = [], set(), None
            self.refresh()
            return 0
        self._match_re = re.compile(re.escape(self.term), re.IGNORECASE)  # as rich's highlight_words
        if self._haystack is None:
            self._haystack = [f"{m.author}\n{m.text}".casefold() for m in self.transcript.messages]
        needle = self.term.casefold()
        rank = {i: r for r, i in enumerate(self._order)}
        found = [i for i, hay in enumerate(self._haystack) if needle in hay]
        found.sort(key=rank.__getitem__)
        self.matches = found
        self._match_set = set(found)
        self.refresh()
        return len(found)

    _match_set: set[int] = set()

    def action_find(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) match after the cursor."""
        if not self.matches:
            if self.term:
                self.app.bell()
            return
        rank = {i: r for r, i in enumerate(self._order)} if len(self.matches) > 1 else {}
        if not rank:
            target = self.matches[0]
        else:
            here = rank.get(self.cursor, -1)
            ranks = [rank[i] for i in self.matches]
            if direction > 0:
                k = bisect_right(ranks, here)
                target = self.matches[k % len(self.matches)]
            else:
                k = bisect_right(ranks, here - 1) - 1
                target = self.matches[k % len(self.matches)]
        self.jump_to(self.transcript.messages[target].id)
        self.highlighted = -1
        show_status = getattr(self.parent, "show_status", None)  # the pane's header, when in a TranscriptPane
        if show_status is not None:
            show_status(f"“{self.term}” {self.matches.index(target) + 1}/{len(self.matches)}")
