"""Benchmark: how long a person waits, from process start to the first frame on a real terminal.

    python bench/tui_start.py [--messages 20000 100000] [--runs 3] [--skip-cli] [--skip-app]

Every figure is wall time of a fresh ``facilitator`` process in a pseudo-terminal
(``bench/pty_run.py``): the clock starts before the fork, so interpreter start-up and every
import count, and stops when a frame showing the main layout (the transcript, the tab bar and
the first question) has been written to the terminal. Each figure is printed beside a
baseline measured in the same run, and the ratio, because this machine is shared and absolute
times swing with its load:

* ``minimal app``   a one-widget Textual app to its first frame (the floor of any Textual app);
* ``python -c pass`` the interpreter alone (the floor of any command);
* ``json.load``      reading the same session files with the standard library.

Scenarios (best of ``--runs`` each, in a temporary data dir, no LLM):

* ``open N``    ``interview --slack-export`` of a generated N-message export (bench/ingest.py's
  generator: mentions, links, bots, threads; the extractor finds thousands of facts in it),
  first frame; then the run waits until the session files are written, quits with Ctrl+Q and
  reports the process's peak RSS (its own, from wait4) and RSS per message above the minimal app;
* ``resume N``  ``interview --session`` of the session the open run saved (with its findings);
* ``preview``   on the demo: F6 -> the first frame of the Preview tab, and -> the frame showing
  the rendered document;
* CLI           ``--version``, ``--help``, ``sessions``, ``render`` and ``checklist`` of the demo
  session, to exit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from ingest import CHANNEL, generate  # noqa: E402
from pty_run import Run, best_of, minimal_app_first_frame, timed_command  # noqa: E402

FACILITATOR = str(Path(sys.executable).with_name("facilitator"))
MAIN_LAYOUT = ("5 Whys", "Preview", "customer-visible effect")  # tab bar + the first question
F6 = "\x1b[17~"


def env_for(data: Path) -> dict[str, str]:
    """An environment with its own data dir and no config file, keys or LLM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "ANTHROPIC_"))}
    env.update(FACILITATOR_DATA_DIR=str(data), FACILITATOR_CONFIG=str(data / "config.toml"), TERM="xterm-256color")
    return env


def session_files_done(folder: Path) -> bool:
    """True once the new session's transcript and findings are written (no temp file left)."""
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    has_findings = any(n.startswith("findings.") for n in names)
    return "transcript.json" in names and has_findings and not any(n.endswith(".tmp") for n in names)


def open_export(export: Path, data: Path, text_marker: str) -> dict[str, float]:
    """One ``interview --slack-export`` run: first frame, files written, peak RSS."""
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    run = Run([FACILITATOR, "interview", "--slack-export", str(export), "--channel", CHANNEL, "--no-llm"], env=env_for(data)).start()
    try:
        first = run.wait_for([*MAIN_LAYOUT, text_marker], timeout=300)
        sessions = data / "sessions"
        deadline = time.perf_counter() + 300
        while time.perf_counter() < deadline:
            folders = list(sessions.iterdir()) if sessions.is_dir() else []
            if folders and session_files_done(folders[0]):
                break
            run.drain(0.05)
        saved = time.perf_counter() - run.t0
        run.drain(0.3)
    finally:
        run.finish()
    return {"first": first, "saved": saved, "rss": run.peak_rss_mb}


def resume(data: Path, name: str, text_marker: str) -> dict[str, float]:
    """One ``interview --session`` run to the first frame; peak RSS after quitting."""
    run = Run([FACILITATOR, "interview", "--session", name, "--no-llm"], env=env_for(data)).start()
    try:
        first = run.wait_for([*MAIN_LAYOUT, text_marker], timeout=300)
        run.drain(0.3)
    finally:
        run.finish()
    return {"first": first, "rss": run.peak_rss_mb}


def preview(data: Path) -> dict[str, float]:
    """The demo: F6 -> first Preview frame, and -> the rendered document."""
    run = Run([FACILITATOR, "interview", "--session", "demo", "--no-llm"], env=env_for(data)).start()
    try:
        run.wait_for(MAIN_LAYOUT, timeout=120)
        run.drain(1.5)  # the lazily mounted tabs settle, as they have when a person presses F6
        since, t = run.mark()
        run.t0 = t
        run.send(F6)
        shown = run.wait_for(["Documents", "Checklist"], since=since)
        document = run.wait_for(["All times are in UTC"], since=since)
    finally:
        run.finish()
    return {"shown": shown, "document": document}


def json_load(folder: Path) -> float:
    """Seconds to json.load the session's bulky files (the standard library's floor)."""
    files = [p for p in folder.iterdir() if p.suffix == ".json"]
    t = time.perf_counter()
    for p in files:
        with open(p, "rb") as fh:
            json.load(fh)
    return time.perf_counter() - t


def ratio(value: float, base: float) -> str:
    return f"{value / base:5.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs per figure")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-app", action="store_true")
    args = parser.parse_args()
    n = args.runs
    tmp = Path(tempfile.mkdtemp(prefix="facilitator-tui-bench-"))
    try:
        print(f"best of {n} runs; machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (same-run ratios)")
        minimals = [minimal_app_first_frame() for _ in range(n)]
        minimal, minimal_rss = min(m[0] for m in minimals), max(m[1] for m in minimals)
        py = best_of(max(n, 5), lambda: timed_command([sys.executable, "-c", "pass"])[0])
        print(f"baseline  minimal Textual app, first frame   {minimal * 1000:7.0f} ms")
        print(f"baseline  python -c pass                     {py * 1000:7.0f} ms")
        demo = tmp / "demo"
        env = env_for(demo)
        timed_command([FACILITATOR, "draft", "--demo", "--no-llm", "--out", str(tmp / "demo-out"), "--session", "demo"], env)
        if not args.skip_cli:
            print("\n-- commands (to exit) --")
            for label, argv, goal in [
                ("--version", ["--version"], f"goal <= 4x python ({4 * py * 1000:.0f} ms)"),
                ("--help", ["--help"], ""),
                ("sessions", ["sessions"], "goal <= 400 ms"),
                ("render demo", ["render", "demo"], "goal <= 800 ms"),
                ("checklist demo", ["checklist", "demo"], ""),
            ]:
                secs = best_of(max(n, 5), lambda argv=argv: timed_command([FACILITATOR, *argv], env)[0])
                print(f"{label:<16} {secs * 1000:7.0f} ms  {ratio(secs, py)} python -c pass   {goal}")
        if args.skip_app:
            return
        print("\n-- the app (first frame on a pty) --")
        p = preview(demo)
        p = min((p, *(preview(demo) for _ in range(n - 1))), key=lambda r: r["document"])
        print(f"preview demo     F6 -> Preview shown {p['shown'] * 1000:5.0f} ms (goal <= 100), "
              f"-> document {p['document'] * 1000:5.0f} ms (goal <= 500)")
        for count in args.messages:
            export = tmp / f"export-{count}"
            generate(export, count, max(1, count // 10))
            data = tmp / f"data-{count}"
            marker = "Person "  # an author of the generated channel: the transcript pane is drawn
            runs = [open_export(export, data, marker) for _ in range(n)]
            best = min(runs, key=lambda r: r["first"])
            goal = "goal <= 6x" if count <= 20_000 else "goal <= 25x"
            rss = max(r["rss"] for r in runs)
            print(f"open {count:>7,}    first frame {best['first'] * 1000:7.0f} ms  {ratio(best['first'], minimal)} minimal app   {goal}"
                  f"   (files saved at {best['saved'] * 1000:.0f} ms; median first frame "
                  f"{statistics.median(r['first'] for r in runs) * 1000:.0f} ms)")
            print(f"             peak RSS {rss:7.0f} MB   {(rss - minimal_rss) * 1024 / count:5.1f} KB/message above the minimal app"
                  f" ({minimal_rss:.0f} MB)"
                  f"{'   goal <= 600 MB' if count >= 100_000 else ''}")
            name = next((data / "sessions").iterdir()).name
            folder = data / "sessions" / name
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(folder.iterdir()) if p.is_file())
            print(f"             session files: {sizes}")
            res = [resume(data, name, marker) for _ in range(n)]
            best_r = min(res, key=lambda r: r["first"])
            loads = min(json_load(folder) for _ in range(n))
            print(f"resume {count:>5,}    first frame {best_r['first'] * 1000:7.0f} ms  {ratio(best_r['first'], minimal)} minimal app"
                  f"{'   goal <= 4x' if count <= 20_000 else ''}   json.load of its files {loads * 1000:.0f} ms "
                  f"({ratio(best_r['first'], loads + py)} python + json.load); peak RSS {max(r['rss'] for r in res):.0f} MB")
            shutil.rmtree(export)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
