"""The transcript pane on a small hand-built channel: zone, days, threads, bots, search, keys."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from facilitator.transcript import Message, Transcript
from screens.messages import MessageTagged
from screens.widgets.transcript_lines import wrap
from screens.widgets.transcript_pane import TranscriptPane
from screens.widgets.transcript_view import TranscriptView

T0 = datetime(2024, 12, 3, 22, 50, tzinfo=timezone.utc)  # 23:50 in Berlin: the next message crosses midnight


def channel() -> Transcript:
    msgs = [
        Message("1", T0, "Alice", "deploy of checkout v2 started"),
        Message("2", T0 + timedelta(minutes=20), "Bob", "errors are climbing on checkout", reply_ids=["3", "4"]),
        Message("3", T0 + timedelta(minutes=21), "Carol", "I see it too", thread_id="2"),
        Message("4", T0 + timedelta(minutes=22), "Alice", "rolling back now", thread_id="2"),
        Message("5", T0 + timedelta(minutes=23), "Datadog", "[Recovered] checkout error rate", is_bot=True),
        Message("6", T0 + timedelta(minutes=30), "Bob", "word " * 60),
    ]
    return Transcript(messages=msgs, source="transcript", channel="inc-7", timezone="Europe/Berlin")


class Host(App):
    """Just the pane, the way MainScreen mounts it."""

    def __init__(self) -> None:
        super().__init__()
        self.tagged: list[str] = []

    def compose(self) -> ComposeResult:
        yield TranscriptPane(channel(), "Europe/Berlin")

    def on_message_tagged(self, event: MessageTagged) -> None:
        self.tagged.append(event.message_id)


def rows(view: TranscriptView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def test_layout_zone_days_threads_and_bots():
    app = Host()
    async with app.run_test(size=(70, 24)) as pilot:
        view = app.query_one(TranscriptView)
        lines = rows(view)
        assert lines[0].startswith("── Tue 03 Dec 2024")
        assert lines[1].startswith("23:50 Alice  deploy")  # shown in Europe/Berlin, not UTC
        assert any(line.startswith("── Wed 04 Dec 2024") for line in lines)  # new day in the zone
        bob = lines.index(next(line for line in lines if line.startswith("00:10 Bob")))
        assert lines[bob + 1].strip() == "▾ 2 replies"
        assert lines[bob + 2].startswith("  │ 00:11 Carol")  # replies under their parent
        # the bot is dimmed: its row carries the dim component style, people's rows do not
        bot_row = next(y for y, line in enumerate(lines) if "Datadog" in line)
        dim = view.get_component_rich_style("transcript--bot")
        assert any(seg.style and seg.style.color == dim.color for seg in view.render_line(bot_row))
        # long messages wrap with a hanging indent
        assert all(len(line) <= view.size.width for line in lines)

        view.focus()
        view.jump_to("2")
        await pilot.press("enter")  # collapse the thread
        assert "▸ 2 replies" in "\n".join(rows(view)) and "Carol" not in "\n".join(rows(view))
        await pilot.press("enter")
        assert "Carol" in "\n".join(rows(view))

        await pilot.press("down", "t")
        await pilot.pause()
        assert app.tagged == ["3"]


async def test_search_box_opens_and_closes_with_keys():
    app = Host()
    async with app.run_test(size=(70, 24)) as pilot:
        pane = app.query_one(TranscriptPane)
        view = pane.view
        view.focus()
        await pilot.press("slash", *"checkout")
        assert pane.has_class("searching")
        assert view.search("checkout") == 3
        await pilot.press("enter")
        assert not pane.has_class("searching") and app.focused is view
        assert view.cursor == 0
        await pilot.press("n")
        assert view.cursor == 1
        header = str(pane.query_one("#transcript-header").render())
        assert header.startswith("“checkout” 2/3 · ")  # the view reports the match position in the pane's header
        await pilot.press("n", "n")  # wraps around
        assert view.cursor == 0
        await pilot.press("slash", "escape")
        assert not pane.has_class("searching") and app.focused is view
        assert not view.jump_to("no-such-id")


def test_wrap_keeps_every_word_and_the_width():
    text = "14:02 Alice  " + " ".join(f"w{i}" for i in range(80)) + " " + "x" * 50
    lines = wrap(text, 30)
    assert all(len(line) <= 30 for line in lines)
    assert all(line.startswith("      ") for line in lines[1:])
    assert " ".join(" ".join(lines).split()).replace("x ", "x").count("w") == 80
    assert "".join(lines).count("x") == 50


async def test_a_message_dated_without_a_clock_shows_no_time():
    dated = Message("1", datetime(2025, 10, 16, tzinfo=timezone.utc), "dduportal", "incrementals is down", time_precision="date-only")
    timed = Message("2", datetime(2025, 10, 16, 9, 5, tzinfo=timezone.utc), "timja", "back since 09:05", time_precision="approximate")

    class Dated(App):
        def compose(self) -> ComposeResult:
            yield TranscriptPane(Transcript(messages=[dated, timed], source="transcript", timezone="UTC"), "UTC")

    app = Dated()
    async with app.run_test(size=(70, 12)) as pilot:
        await pilot.pause()
        lines = rows(app.query_one(TranscriptView))
        assert any(line.startswith("--:-- dduportal") for line in lines)  # not a made-up 00:00
        assert any(line.startswith("09:05 timja") for line in lines)
