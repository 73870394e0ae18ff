"""Redaction on real incident write-ups: what gets replaced, what leaks, how fast.

Usage:  python bench/redact_real.py [CASES_DIR]     (default: ../shared/eval from the repo root)
        python bench/redact_real.py --demo          (the bundled demo: whole channel + external version)

For each case folder (``paste.txt`` + ``answer_key.json``, see bench/eval_extract.py) the paste
is redacted the way the external version is: people from the key's ``responders``, plus what the
redactor learns from the text itself (mentions, backticked names, hostnames, ids, secrets).
It prints, per case, the number of replacements by kind, responder names that survived
(leaks; target 0), and every distinct replaced string so a person can judge false positives.
Nothing here is tuned to particular cases.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.redact import Redactor  # noqa: E402
from facilitator.transcript import Message, Transcript  # noqa: E402


def run(cases: Path) -> int:
    total_leaks = 0
    total_spans = 0
    for case in sorted(p for p in cases.iterdir() if (p / "paste.txt").is_file()):
        text = (case / "paste.txt").read_text(encoding="utf-8")
        key = json.loads((case / "answer_key.json").read_text(encoding="utf-8"))
        responders = [r if isinstance(r, str) else r.get("name", "") for r in key.get("responders", [])]
        started = time.perf_counter()
        paste = Message(id="L1", at=datetime.now(timezone.utc), author="paste", text=text, is_bot=True)
        redactor = Redactor.from_context(None, None, Transcript(messages=[paste], source="transcript"))
        for name in responders:
            redactor.add_person(name)
        result = redactor.redact(text)
        elapsed = (time.perf_counter() - started) * 1000
        leaks = [n for n in responders if n and re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", result.text, re.I)]
        kinds = Counter(s.kind for s in result.spans)
        total_leaks += len(leaks)
        total_spans += len(result.spans)
        print(f"{case.name}: {len(text)} chars, {len(result.spans)} replacements in {elapsed:.1f} ms; "
              f"responder leaks: {len(leaks)} {leaks or ''}")
        print("   by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        replaced = sorted({text[s.start:s.end] for s in result.spans})
        print("   replaced: " + "; ".join(r.replace("\n", " ")[:60] for r in replaced))
    print(f"TOTAL: {total_spans} replacements, {total_leaks} responder-name leaks (target 0)")
    return 0 if total_leaks == 0 else 1


def _listing(text: str, spans) -> None:
    by_kind: dict[str, Counter[str]] = {}
    for s in spans:
        by_kind.setdefault(s.kind, Counter())[text[s.start:s.end].replace("\n", " ")[:60]] += 1
    for kind, counter in sorted(by_kind.items()):
        print(f"   {kind} ({sum(counter.values())}): " + "; ".join(f"{t} x{n}" if n > 1 else t for t, n in counter.most_common()))


def run_demo() -> int:
    """Redact every human message of the demo channel and the demo's drafted external version."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACILITATOR_DATA_DIR"] = tmp
        from facilitator.config import load_settings
        from facilitator.draft import run_draft
        from facilitator.session import SourceSpec
        from facilitator.sessions import SessionStore
        from facilitator.render import _load_template, _render  # the external text before redaction
        from facilitator.render.model import build_document

        settings = load_settings(overrides={"llm.enabled": False})
        out = Path(tmp) / "out"
        run_draft(settings, SourceSpec(kind="demo"), out=out, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
        store = SessionStore()
        name = store.list()[0].name
        session = store.load(name)
        transcript = store.transcript(name)
        started = time.perf_counter()
        redactor = Redactor.from_context(settings, session, transcript)
        learn = (time.perf_counter() - started) * 1000
        print(f"demo: learnt {len(redactor.people)} people {sorted(redactor.people)}, systems {sorted(redactor.systems)}, "
              f"handles {sorted(redactor.handles)} in {learn:.1f} ms")
        channel = "\n".join(m.text for m in transcript.messages if not m.is_bot)
        result = redactor.redact(channel)
        print(f"channel (human messages, {len(channel)} chars): {len(result.spans)} replacements")
        _listing(channel, result.spans)
        external = _render(_load_template(None, "external"), build_document(session, transcript, settings), "external")
        result = redactor.redact(external)
        print(f"external version: {len(result.spans)} replacements, leak scan after: {len(redactor.leak_scan(result.text))}")
        _listing(external, result.spans)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--demo"]:
        sys.exit(run_demo())
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval"))
