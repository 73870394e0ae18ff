"""How long saving one answer takes (the engine saves after every answer).

Prints milliseconds per answer for the demo session and for a synthetic large session
(findings with many events, as a long Slack channel produces). Run:

    /work/venv/bin/python bench/session_save.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from facilitator.config import load_settings
from facilitator.findings import Event, Fact
from facilitator.interview.engine import Interview
from facilitator.session import SourceSpec
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore


def per_answer_ms(interview: Interview, n: int = 30) -> float:
    start = time.perf_counter()
    for i in range(n):
        interview.answer("fears", f"answer {i}")
    return (time.perf_counter() - start) / n * 1000


def _size(store: SessionStore, name: str) -> str:
    """Sizes of session.toml (rewritten per answer) and findings.json (only when findings change)."""
    session_kib = store.path(name).stat().st_size / 1024
    findings_kib = (store.folder(name) / "findings.json").stat().st_size / 1024
    return f"session.toml {session_kib:.0f} KiB, findings.json {findings_kib:.0f} KiB"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = SessionStore(Path(tmp))
        session, transcript = start_session(SourceSpec(kind="demo"), load_settings(env={}), store)
        size = _size(store, session.name)
        print(f"demo session ({size}): {per_answer_ms(Interview(session, transcript, store)):.1f} ms per answer")
        t0 = datetime(2024, 12, 3, tzinfo=timezone.utc)
        for n_events in (500, 2000):
            session.findings.events = [
                Event(at=t0 + timedelta(seconds=i), kind="other", summary=f"event {i} " + "text " * 20, message_ids=[f"{i}.000100"])
                for i in range(n_events)
            ]
            session.findings.action_hints = [Fact(text=f"hint {i}", message_ids=[f"{i}.1"]) for i in range(n_events // 10)]
            interview = Interview(session, transcript, store)
            interview.save()
            size = _size(store, session.name)
            print(f"{n_events} events ({size}): {per_answer_ms(interview):.1f} ms per answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
