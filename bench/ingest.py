"""Ingest benchmark: a 20,000-message Slack export with 2,000 threads, loaded and fetched.

    /work/venv/bin/python bench/ingest.py [--messages 20000] [--threads 2000] [--page-size 200]

1. Generates a realistic export in a temporary folder (mentions, links, entities, bots with
   attachments, files, reactions, edits, joins, threads with 4 replies on average).
2. Loads it with ``load_export`` in a fresh subprocess, so the peak RSS printed is the
   loader's own (``resource.getrusage``), not the generator's. Target: < 2 s, < 300 MB.
3. Serves the same export from the local fake Slack (tests/servers/slack_server.py) and
   fetches it with ``fetch_channel`` through the real slack_sdk client, counting HTTP calls
   per method: they must be history pages + one replies call per thread + users pages +
   auth + channel lookup, nothing per message. Run with ``--page-size 15`` to see the cost
   under Slack's 2025 limit for non-Marketplace apps (1 request a minute: calls = minutes).

Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHANNEL = "inc-bench-load"
CHANNEL_ID = "C0BENCH01"
START = 1733234400  # 2024-12-03 14:00 UTC


def generate(folder: Path, messages: int, threads: int, seed: int = 7) -> dict[str, int]:
    """Write the export; returns what it contains."""
    rng = random.Random(seed)
    users = [
        {"id": f"U{i:05d}", "name": f"user{i}", "profile": {"real_name": f"Person {i}", "display_name": f"p{i}"}}
        for i in range(60)
    ]
    users.append({"id": "U0BOT", "name": "deploybot", "is_bot": True, "profile": {"real_name": "Deploy Bot"}})
    (folder / CHANNEL).mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users))
    (folder / "channels.json").write_text(
        json.dumps([{"id": "C0GENERAL", "name": "general"}, {"id": CHANNEL_ID, "name": CHANNEL}])
    )
    replies_total = threads * 4  # 4 replies per thread on average
    top_total = messages - replies_total
    raws: list[dict] = []
    t = float(START)
    for i in range(top_total):
        t += rng.uniform(1, 30)
        ts = f"{t:.6f}"
        user = rng.choice(users[:60])["id"]
        kind = rng.random()
        if kind < 0.05:
            raw = {"type": "message", "subtype": "bot_message", "bot_id": "B0GRAF", "username": "Grafana", "ts": ts, "text": "",
                   "attachments": [{"title": f"[Alerting] p99 latency {i}", "title_link": f"https://grafana.example.com/d/{i}",
                                    "text": "checkout p99 > 2s", "fields": [{"title": "severity", "value": "high"}]}]}
        elif kind < 0.07:
            raw = {"type": "message", "subtype": "channel_join", "user": user, "ts": ts, "text": f"<@{user}> has joined the channel"}
        elif kind < 0.10:
            raw = {"type": "message", "subtype": "file_share", "user": user, "ts": ts, "text": "graph",
                   "files": [{"id": f"F{i:07d}", "name": f"graph-{i}.png", "mimetype": "image/png", "size": 12345,
                              "url_private": f"https://files.slack.com/files-pri/T1-F{i:07d}/graph-{i}.png"}]}
        else:
            other = rng.choice(users[:60])["id"]
            raw = {"type": "message", "user": user, "ts": ts,
                   "text": f"<@{other}> error rate is {rng.randint(1, 99)}% &amp; rising, see <https://grafana.example.com/d/{i}|dash {i}> "
                           f"and <#C0GENERAL|general> &lt;{i}&gt;"}
            if rng.random() < 0.1:
                raw["reactions"] = [{"name": "eyes", "users": [other], "count": 1}]
            if rng.random() < 0.05:
                raw["edited"] = {"user": user, "ts": ts}
        raws.append(raw)
    eligible = [r["ts"] for r in raws if "subtype" not in r]
    parents = sorted(rng.sample(eligible, threads), key=float)
    # replies: spread over the parents, 4 on average, each a little after its parent
    by_ts = {r["ts"]: r for r in raws}
    for n in range(replies_total):
        parent = parents[n % len(parents)]
        pt = float(parent) + (n // len(parents) + 1) * 7 + rng.random()
        ts = f"{pt:.6f}"
        reply = {"type": "message", "user": rng.choice(users[:60])["id"], "ts": ts, "thread_ts": parent,
                 "text": f"reply {n}: checked <https://logs.example.com/q/{n}>"}
        if n % 50 == 0:
            reply["subtype"] = "thread_broadcast"
        raws.append(reply)
        by_ts[parent]["thread_ts"] = parent
        by_ts[parent]["reply_count"] = by_ts[parent].get("reply_count", 0) + 1
    raws.sort(key=lambda r: float(r["ts"]))
    days: dict[str, list[dict]] = {}
    for raw in raws:
        day = time.strftime("%Y-%m-%d", time.gmtime(float(raw["ts"])))
        days.setdefault(day, []).append(raw)
    for day, batch in days.items():
        (folder / CHANNEL / f"{day}.json").write_text(json.dumps(batch, indent=1))
    broadcasts = sum(1 for r in raws if r.get("subtype") == "thread_broadcast")  # listed in history too
    return {"messages": len(raws), "threads": len(parents), "days": len(days), "top_level": top_total + broadcasts}


def load_only(folder: Path) -> None:
    """Subprocess mode: load once, print timing and peak RSS as JSON."""
    from facilitator.sources.slack_export import load_export

    t0 = time.perf_counter()
    transcript = load_export(folder, CHANNEL, tz="Europe/Berlin")
    seconds = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "messages": len(transcript), "threads": transcript.thread_count}))


def fetch_live(folder: Path, page_size: int) -> dict:
    """Serve the export from the fake Slack and fetch it; returns timings and call counts."""
    from facilitator.config import Settings
    from facilitator.sources.slack_api import fetch_channel
    from tests.servers.slack_server import TOKEN, FakeSlack, SlackData

    with FakeSlack(SlackData.from_export(folder), page_size=page_size) as server:
        settings = Settings.model_validate({"slack": {"token": TOKEN, "api_url": server.api_url}})
        t0 = time.perf_counter()
        transcript = fetch_channel(CHANNEL, settings=settings, tz="UTC")
        seconds = time.perf_counter() - t0
        return {"seconds": seconds, "messages": len(transcript), "threads": transcript.thread_count, "calls": dict(server.methods())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=2_000)
    parser.add_argument("--page-size", type=int, default=200, help="fake Slack page size (15 = Slack's 2025 limit)")
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)  # subprocess mode
    args = parser.parse_args()
    if args.load:
        load_only(args.load)
        return
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-") as tmp:
        folder = Path(tmp) / "export"
        t0 = time.perf_counter()
        made = generate(folder, args.messages, args.threads)
        print(f"generated {made['messages']} messages, {made['threads']} threads over {made['days']} days "
              f"in {time.perf_counter() - t0:.1f} s")
        out = subprocess.run([sys.executable, __file__, "--load", str(folder)], capture_output=True, text=True, check=True)
        load = json.loads(out.stdout)
        print(f"load_export: {load['seconds']:.2f} s, {load['messages'] / load['seconds']:,.0f} messages/s, "
              f"peak RSS {load['rss_mb']:.0f} MB ({load['messages']} messages, {load['threads']} threads)"
              f"  [target < 2 s, < 300 MB: {'OK' if load['seconds'] < 2 and load['rss_mb'] < 300 else 'MISSED'}]")
        live = fetch_live(folder, args.page_size)
        calls = live["calls"]
        expected_history = -(-made["top_level"] // args.page_size)
        print(f"fetch_channel (page size {args.page_size}): {live['seconds']:.1f} s against the local server, "
              f"{live['messages']} messages, {live['threads']} threads")
        print(f"HTTP calls: {sum(calls.values())} total = " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
        print(f"expected: history pages {expected_history} + one replies call per thread ({live['threads']}, "
              f"more only for threads longer than a page) + users.list pages + auth.test + channel lookup")
        if args.page_size <= 15:
            print(f"under Slack's 1 request/minute tier that is about {calls.get('conversations.history', 0) + calls.get('conversations.replies', 0)} minutes")


if __name__ == "__main__":
    main()
