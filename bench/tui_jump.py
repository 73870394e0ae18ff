"""Benchmark: jumping to a message in a 20,000-message channel (target: < 100 ms).

Start-up is measured by ``bench/tui_start.py`` (process start to the first frame written to a
real pseudo-terminal); the ``open`` figures here start after the imports and count a line drawn
by the headless driver, so they only compare runs of this script with each other. Prints:
* ``open``   make_app -> first transcript line drawn by the headless driver, resuming a saved
  session of 20,000 messages without findings, and -> settled (lazy tabs mounted, idle);
* ``mount``  MainScreen pushed -> first paint (the UI alone, transcript already in memory);
* ``jump``   median, 90th percentile and worst time to jump to a message, over 60 jumps to
  seeded random targets each at least a quarter of the channel away from the previous one.
  A jump goes the way a citation does (``CitationSelected`` posted to the main screen) and
  is timed until the frame showing it is composed and encoded for the terminal (the
  headless driver skips the encoding, so the benchmark does it). The app is idle before
  each jump, as it is when a person selects a citation. Full (generation 2) garbage
  collections that land inside a jump are counted: they were the slowest jumps.
Each jump is checked: the target is on screen, selected and highlighted.
Runs headless (``run_test``), in a temporary data dir. Usage:
``python bench/tui_jump.py [--messages 20000] [--jumps 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def synthetic_transcript(n: int):
    """A channel of ``n`` messages: 40 people, a bot, threads every ~15 messages, long lines."""
    from facilitator.transcript import Message, Transcript

    rng = random.Random(7)
    words = "checkout error rate gateway rollback deploy latency pod restart alert grafana db pool".split()
    people = [f"Person {i}" for i in range(40)]
    start = datetime(2024, 12, 3, 9, 0, tzinfo=timezone.utc)
    msgs: list[Message] = []
    parent = None
    for i in range(n):
        at = start + timedelta(seconds=7 * i)
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 60)))
        mid = f"{1733216400 + 7 * i}.{i:06d}"
        bot = i % 50 == 0
        m = Message(id=mid, at=at, author="Datadog" if bot else rng.choice(people), text=text, is_bot=bot)
        if parent is not None and rng.random() < 0.3:
            m.thread_id = parent.id
            parent.reply_ids.append(mid)
        elif i % 15 == 0:
            parent = m
        msgs.append(m)
    return Transcript(messages=msgs, source="slack", channel="inc-bench", timezone="UTC")


async def main(n: int, jumps: int) -> None:
    """Run the measurements and print them."""
    from facilitator.config import load_settings
    from facilitator.interview.engine import Interview
    from facilitator.session import Session, SourceSpec
    from facilitator.sessions import SessionStore
    from screens.launch import make_app
    from screens.main import MainScreen
    from screens.messages import CitationSelected
    from screens.widgets.transcript_view import TranscriptView

    settings = load_settings()
    store = SessionStore()
    transcript = synthetic_transcript(n)
    session = Session(name="bench", source=SourceSpec(kind="slack", ref="C1", channel="inc-bench"))
    store.save(session)
    store.save_transcript("bench", transcript)

    # 1. launch -> first paint, resuming the saved session. "First paint" is the moment the
    # transcript pane draws its first line (what a person sees); "settled" also waits for the
    # lazily mounted workflow tabs and every pending message.
    first_line: list[float] = []
    original_render_line = TranscriptView.render_line

    def timed_render_line(self, y):
        if not first_line:
            first_line.append(time.perf_counter())
        return original_render_line(self, y)

    TranscriptView.render_line = timed_render_line
    t0 = time.perf_counter()
    app = make_app(settings, session_name="bench")
    async with app.run_test(size=(160, 48)) as pilot:
        marks = {}
        while not isinstance(app.screen, MainScreen):
            marks.setdefault(type(app.screen).__name__, time.perf_counter() - t0)
            await pilot.pause(0.005)
        marks["MainScreen"] = time.perf_counter() - t0
        while not (isinstance(app.screen, MainScreen) and app.screen.query(TranscriptView) and app.screen.transcript_view.virtual_size.height):
            await pilot.pause(0.005)
        while not first_line:
            await pilot.pause(0.005)
        paint_s = first_line[0] - t0
        await pilot.pause()
        open_s = time.perf_counter() - t0
        TranscriptView.render_line = original_render_line
        screen = app.screen
        view = screen.transcript_view
        assert len(screen.transcript) == n

        # 3. jumps (after the lazily mounted tabs have settled)
        await pilot.pause(0.5)
        times, full_gcs, all_gcs = await _jumps(app, pilot, screen, view, jumps, CitationSelected)

        # 2. the UI alone: push a fresh MainScreen over the loaded data
        interview = Interview(screen.interview.session, screen.transcript, None)
        t = time.perf_counter()
        fresh = MainScreen(interview, screen.transcript, settings)
        await app.push_screen(fresh)
        while not (fresh.query(TranscriptView) and fresh.transcript_view.virtual_size.height):
            await pilot.pause(0.005)
        await pilot.pause()
        mount_s = time.perf_counter() - t

    print(f"messages           {n:,}")
    print(f"open (launch->paint) {paint_s * 1000:8.0f} ms   headless, after the imports: see bench/tui_start.py")
    print(f"open (settled)       {open_s * 1000:8.0f} ms   (workflow tabs mounted, app idle)")
    print("  stages            " + ", ".join(f"{k} at {v * 1000:.0f} ms" for k, v in marks.items()))
    print(f"mount (UI only)      {mount_s * 1000:8.0f} ms")
    times.sort()
    print(f"jump median          {statistics.median(times) * 1000:8.1f} ms   target < 100 ms ({len(times)} far-apart jumps)")
    print(f"jump 90th percentile {times[int(len(times) * 0.9)] * 1000:8.1f} ms")
    print(f"jump worst           {times[-1] * 1000:8.1f} ms")
    longest = f", longest {max(all_gcs) * 1000:.0f} ms" if all_gcs else ""
    print(f"  full GC passes during the run: {len(all_gcs)}{longest}; inside a jump: {len(full_gcs)}")


def far_targets(count: int, n: int, seed: int = 1) -> list[int]:
    """``count`` seeded message indices, each at least a quarter of the channel from the last."""
    rng = random.Random(seed)
    out: list[int] = []
    while len(out) < count:
        i = rng.randrange(n)
        if not out or abs(i - out[-1]) >= n // 4:
            out.append(i)
    return out


async def _jumps(app, pilot, screen, view, count: int, citation) -> tuple[list[float], list[float], list[float]]:
    """Time ``count`` citation jumps until their frame is on its way to the terminal.

    Returns the jump times, the full collections inside a jump, and all full collections
    during the run (their durations).
    """
    frames: list[tuple[float, int]] = []  # (composed at, message selected in that frame)
    original_display = app._display

    def timed_display(target_screen, renderable):
        original_display(target_screen, renderable)
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)  # what a real terminal driver does
        frames.append((time.perf_counter(), view.cursor))

    gcs: list[tuple[int, float, float]] = []  # (generation, start, end)

    def on_gc(phase, info):
        if phase == "start":
            gcs.append((info["generation"], time.perf_counter(), 0.0))
        elif gcs:
            gen, begun, _ = gcs[-1]
            gcs[-1] = (gen, begun, time.perf_counter())

    app._display = timed_display
    gc.callbacks.append(on_gc)
    times: list[float] = []
    full_gcs: list[float] = []
    messages = screen.transcript.messages
    try:
        for i in far_targets(count, len(messages)):
            await pilot.pause()  # idle, as when a person selects a citation
            seen = len(frames)
            t = time.perf_counter()
            screen.post_message(citation(messages[i].id))
            while not any(cursor == i for _, cursor in frames[seen:]):
                await asyncio.sleep(0.0005)
            done = next(at for at, cursor in frames[seen:] if cursor == i)
            times.append(done - t)
            full_gcs += [end - begun for gen, begun, end in gcs if gen == 2 and t <= begun <= done]
            top = int(view.scroll_offset.y)
            start = view._starts[i]
            assert view.highlighted == i and top <= start < top + view.scrollable_content_region.height, "jump target not shown"
    finally:
        gc.callbacks.remove(on_gc)
        app._display = original_display
    return times, full_gcs, [end - begun for gen, begun, end in gcs if gen == 2]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--jumps", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACILITATOR_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["FACILITATOR_CONFIG"] = str(Path(tmp) / "config.toml")
        asyncio.run(main(args.messages, args.jumps))
