"""Benchmark: the app with a 20,000-message channel (targets: first paint < 2 s, jump < 100 ms).

Prints three figures:
* ``open``   launch -> first paint of the main layout (the transcript pane draws its first
  line) when resuming a saved session whose transcript has 20,000 messages (reading the
  session and transcript copy included), and launch -> settled (lazy tabs mounted, idle);
* ``mount``  MainScreen pushed -> first paint (the UI alone, transcript already in memory);
* ``jump``   median and worst time to jump to a random message (cursor, scroll, highlight,
  repaint), over 50 jumps.
Runs headless (``run_test``), in a temporary data dir. Usage:
``python bench/tui_start.py [--messages 20000]``.
"""

from __future__ import annotations

import argparse
import asyncio
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


async def main(n: int) -> None:
    """Run the measurements and print them."""
    from facilitator.config import load_settings
    from facilitator.interview.engine import Interview
    from facilitator.session import Session, SourceSpec
    from facilitator.sessions import SessionStore
    from screens.launch import make_app
    from screens.main import MainScreen
    from screens.widgets.transcript_pane import TranscriptView

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
        ids = [m.id for m in screen.transcript.messages]
        rng = random.Random(1)
        times, compute = [], []
        for _ in range(50):
            target = rng.choice(ids)
            t = time.perf_counter()
            view.jump_to(target)
            compute.append(time.perf_counter() - t)
            await pilot.pause()
            times.append(time.perf_counter() - t)
        assert view.cursor == screen.transcript.index[target]

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
    print(f"open (launch->paint) {paint_s * 1000:8.0f} ms   target < 2000 ms (first transcript line drawn)")
    print(f"open (settled)       {open_s * 1000:8.0f} ms   (workflow tabs mounted, app idle)")
    print("  stages            " + ", ".join(f"{k} at {v * 1000:.0f} ms" for k, v in marks.items()))
    print(f"mount (UI only)      {mount_s * 1000:8.0f} ms")
    print(f"jump median          {statistics.median(times) * 1000:8.1f} ms   target < 100 ms")
    print(f"jump compute median  {statistics.median(compute) * 1000:8.2f} ms   (before the repaint)")
    print(f"jump 90th percentile {sorted(times)[int(len(times) * 0.9)] * 1000:8.1f} ms")
    print(f"jump worst           {max(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACILITATOR_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["FACILITATOR_CONFIG"] = str(Path(tmp) / "config.toml")
        asyncio.run(main(args.messages))
