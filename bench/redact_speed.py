"""Redaction and rendering speed on a large synthetic channel (20,000 messages, 60 people).

Usage:  python bench/redact_speed.py [MESSAGES]

Prints the time to learn what is sensitive from the whole channel, to redact and leak-scan
2,000 messages of text, and to mask secrets in it. Targets: learning < 3 s, redaction < 1 s.
Every message text is distinct, so the redactor's "learn each repeated text once" shortcut
(which real channels earn from bots re-posting the same alert) does not flatter the figure.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.redact import Redactor, mask_secrets  # noqa: E402
from facilitator.transcript import Message, Transcript  # noqa: E402

LINES = [
    "orders failing, `orders-svc` returns 500s, see https://grafana.corp.example/d/orders?var-host=orders-db-2",
    "orders-db-2.prod.internal at 100% CPU, primary is 10.42.7.19, opened OPS-4521",
    "creds in the log: AKIAZ3MPLE7Q2RXW4N5T and xoxb-2741-99120-DkT9s8fQ1wzPq0RmNbV3, rotating",
    "db url postgres://orders:Tr0ub4dor3x@orders-db-2.prod.internal:5432/orders",
    "status page updated at 14:32, commit 3f2a9c1d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c reverted",
    "call me on +44 20 7946 0958 or mail oncall@example.org",
]


def main(count: int) -> None:
    rng = random.Random(1)
    people = [f"Person{i} Surname{i}" for i in range(60)]
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    messages = [
        Message(id=str(i), at=t0 + timedelta(seconds=i), author=rng.choice(people),
                text=f"{LINES[i % len(LINES)]} @{rng.choice(people).split()[0]} (step {i})")  # every text distinct
        for i in range(count)
    ]
    transcript = Transcript(messages=messages, source="slack")
    started = time.perf_counter()
    redactor = Redactor.from_context(None, None, transcript)
    learn = time.perf_counter() - started
    text = "\n".join(m.text for m in messages[:2000])
    started = time.perf_counter()
    result = redactor.redact(text)
    redact = time.perf_counter() - started
    started = time.perf_counter()
    leaks = redactor.leak_scan(result.text)
    scan = time.perf_counter() - started
    started = time.perf_counter()
    mask_secrets(text)
    mask = time.perf_counter() - started
    print(f"channel: {count} messages, {sum(len(m.text) for m in messages)} chars; learnt {len(redactor.people)} people, "
          f"{len(redactor.systems)} systems, {len(redactor.known)} literals")
    print(f"learn: {learn:.2f} s | redact 2000 msgs ({len(text)} chars): {redact:.2f} s, {len(result.spans)} spans | "
          f"leak scan: {scan:.2f} s, {len(leaks)} leaks | mask secrets: {mask:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
