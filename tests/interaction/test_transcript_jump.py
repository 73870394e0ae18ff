"""Jumping around a 20,000-message channel: the target is on screen, selected and highlighted.

Functional, not timed (``bench/tui_jump.py`` prints the timings). Also checks the pieces
the fast path rests on: rows built straight into strips look exactly like rich ``Text``
rendering, and the collector tricks (frozen heap, paused collector) are undone.
"""

from __future__ import annotations

import gc
import random
from datetime import datetime, timedelta, timezone

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from facilitator.transcript import Message, Transcript
from screens.messages import MessageTagged
from screens.widgets.transcript_lines import row_strip
from screens.widgets.transcript_pane import TranscriptPane
from screens.widgets.transcript_view import TranscriptView

T0 = datetime(2024, 12, 3, 9, 0, tzinfo=timezone.utc)
WORDS = "checkout error rate gateway rollback deploy latency pod restart alert grafana".split()


def big_channel(n: int = 20_000) -> Transcript:
    """``n`` messages over several days, threads every 20 messages, some long, some bots."""
    rng = random.Random(5)
    msgs: list[Message] = []
    parent: Message | None = None
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 50)))
        m = Message(f"m{i}", T0 + timedelta(seconds=30 * i), f"Person {i % 17}", f"#{i} {text}", is_bot=i % 40 == 0)
        if parent is not None and i % 20 in (1, 2, 3):
            m.thread_id = parent.id
            parent.reply_ids.append(m.id)
        elif i % 20 == 0:
            parent = m
        msgs.append(m)
    return Transcript(messages=msgs, source="slack", channel="inc-big", timezone="UTC")


class Host(App):
    """The pane alone, the way MainScreen mounts it."""

    def __init__(self, transcript: Transcript) -> None:
        super().__init__()
        self.transcript = transcript
        self.tagged: list[str] = []

    def compose(self) -> ComposeResult:
        yield TranscriptPane(self.transcript, "UTC")

    def on_message_tagged(self, event: MessageTagged) -> None:
        self.tagged.append(event.message_id)


def on_screen(view: TranscriptView) -> list[tuple[int, Strip]]:
    """(message index, strip) for each row drawn now (-1 for day separators)."""
    top = int(view.scroll_offset.y)
    rows = view._rows_msg[top : top + view.scrollable_content_region.height]
    return [(index, view.render_line(y)) for y, index in enumerate(rows)]


def has_background(strip: Strip, style: Style) -> bool:
    return any(seg.style is not None and seg.style.bgcolor == style.bgcolor for seg in strip)


async def test_jumps_show_select_and_highlight_far_messages():
    transcript = big_channel()
    app = Host(transcript)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(TranscriptPane)
        view = pane.view
        await pilot.pause()
        highlight = view.get_component_rich_style("transcript--highlight")
        cursor = view.get_component_rich_style("transcript--cursor")
        # far apart, both ends, and a reply inside a thread collapsed beforehand
        view.cursor = transcript.index["m12000"]
        view.action_toggle_thread()
        assert transcript.index["m12000"] in view.collapsed
        targets = ["m19999", "m0", "m10001", "m12002", "m5555", "m17321"]
        for message_id in targets:
            assert pane.jump_to(message_id)
            await pilot.pause()
            i = transcript.index[message_id]
            assert view.cursor == i and view.highlighted == i and view.selected is transcript.messages[i]
            rows = on_screen(view)
            mine = [strip for index, strip in rows if index == i]
            assert mine, f"{message_id} is not on screen after the jump"
            assert f"#{i} " in mine[0].text  # the message's own first line, not a neighbour's
            # the jumped-to message is marked across its rows, and only it
            assert all(has_background(strip, cursor) for strip in mine)
            assert not any(has_background(strip, cursor) or has_background(strip, highlight) for index, strip in rows if index != i)
        assert transcript.index["m12000"] not in view.collapsed  # the jump opened the thread

        # moving on leaves the highlight on the cited message while the cursor moves
        view.focus()
        await pilot.press("down")
        target = transcript.index["m17321"]
        assert view.highlighted == target and view.cursor != target
        assert any(has_background(strip, highlight) for index, strip in on_screen(view) if index == target)

        # tagging after a jump tags the message shown
        pane.jump_to("m4242")
        await pilot.press("t")
        await pilot.pause()
        assert app.tagged == ["m4242"]
        assert gc.isenabled()  # the collector is back on once the jump is painted


async def test_search_then_next_lands_on_a_highlighted_match_in_view():
    transcript = big_channel()
    transcript.messages[15_031].text = "the needle-in-a-haystack message"
    app = Host(transcript)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(TranscriptPane)
        view = pane.view
        await pilot.press("slash", *"NEEDLE-in", "enter")
        await pilot.pause()
        assert view.matches == [15_031] and view.cursor == 15_031
        assert any(index == 15_031 for index, _ in on_screen(view))
        # once the cursor moves on, the matching words stand out, in the message's own case
        view.focus()
        await pilot.press("down")
        match = view.get_component_rich_style("transcript--match")
        row = next(strip for index, strip in on_screen(view) if index == 15_031)
        marked = "".join(seg.text for seg in row if seg.style is not None and seg.style.bgcolor == match.bgcolor)
        assert marked == "needle-in"


async def test_big_channel_freezes_the_heap_and_gives_it_back():
    before = gc.get_freeze_count()
    app = Host(big_channel(3_000))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_row_strip_draws_what_rich_text_would():
    """Spans stack in order over the widget style, exactly as rich ``Text`` renders them."""
    console = Console(width=200)
    rng = random.Random(11)
    base = Style(color="white", bgcolor="black")
    palette = [Style(bold=True), Style(color="red"), Style(bgcolor="blue"), Style(italic=True, color="green"), Style(dim=True)]
    for _ in range(300):
        plain = "".join(rng.choice("ab 漢😀") for _ in range(rng.randint(0, 40)))
        width = rng.randint(5, 50)
        spans = []
        for _ in range(rng.randint(1, 5)):
            start = rng.randint(0, len(plain))
            spans.append((start, rng.randint(start, len(plain) + 3), rng.choice(palette)))
        text = Text(plain)
        for start, end, style in spans:
            text.stylize(style, start, end)
        expected = Strip(list(text.render(console))).adjust_cell_length(width).apply_style(base).simplify()
        got = row_strip(plain, spans, base, width).simplify()
        assert got.cell_length == width
        assert list(got) == list(expected), (plain, spans, width)
