"""Redaction on real incident write-ups: what gets replaced, what leaks, how fast.

Usage:  python bench/redact_real.py [CASES_DIR]     (default: ../shared/eval from the repo root)

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


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval"))
