"""How key times hold up when a channel is longer than the labelled conversations.

    python bench/eval_padded.py [K] [SET ...]     # default K=8, the sets eval_holdout100 on

The labelled conversations are short (a median of 25 messages); real incident channels often run
to hundreds, with people joining, acknowledging and chatting between the moments that matter.
This inserts K messages of such chatter ("looking", "ack", "joining the bridge", by people who
say nothing else) between every two timed messages of each case, spread over the gap, and
scores detect / mitigate / resolve within 10 minutes, with the reranker and with the rules
alone, before and after. The chatter carries no signal, so a drop measures how much the
choice depends on the channel's length and density rather than on what was said.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_extract import read_case  # noqa: E402
from facilitator.errors import UserError  # noqa: E402
from facilitator.extract import extract_findings, rerank  # noqa: E402
from facilitator.transcript import Message, Transcript  # noqa: E402

TOLERANCE = timedelta(minutes=10)
KEYS = ("detected_at", "mitigated_at", "resolved_at")
CHATTER = (
    "looking", "ok", "+1", "I'll check the dashboards", "anyone from the db team around?", "joining the bridge",
    "reading back", "which dashboard is that?", "thanks", "on it", "ack", "let me know if I can help", "brb",
    "following along", "lunch in 10, ping me if needed",
)  # fmt: skip
PEOPLE = ("Quinn Park", "Ravi Shah", "Mo Diallo", "Ines Roy")


def padded(transcript: Transcript, k: int, rnd: random.Random) -> Transcript:
    out: list[Message] = []
    messages = transcript.messages
    for i, message in enumerate(messages):
        out.append(message)
        following = messages[i + 1] if i + 1 < len(messages) else None
        if following is None or message.time_precision or following.time_precision or following.at <= message.at:
            continue
        step = (following.at - message.at) / (k + 1)
        for j in range(k):
            out.append(Message(id=f"{message.id}-chatter{j}", at=message.at + step * (j + 1),
                               author=rnd.choice(PEOPLE), text=rnd.choice(CHATTER)))
    return replace(transcript, messages=out)


def score(sets: list[Path], k: int) -> tuple[int, int]:
    rnd, hits, total = random.Random(0), 0, 0
    for folder in sets:
        for case in sorted(p for p in folder.iterdir() if (p / "answer_key.json").exists()):
            try:
                key, transcript = read_case(case)
            except UserError:
                continue
            findings = extract_findings(padded(transcript, k, rnd) if k else transcript)
            for name in KEYS:
                if key.get(name) is None:
                    continue
                got, want = getattr(findings, name), datetime.fromisoformat(key[name])
                total += 1
                hits += got is not None and abs(got.at - want) <= TOLERANCE
    return hits, total


def main(argv: list[str]) -> int:
    k = int(argv[0]) if argv and argv[0].isdigit() else 8
    named = [Path(a) for a in argv if not a.isdigit()]
    sets = named or sorted(p for p in (ROOT / "tests" / "data").glob("eval_holdout*") if p.name[12:].isdigit() and int(p.name[12:]) >= 100)
    learned = rerank.weights()
    for label, weights in (("reranker", learned), ("rules alone", {})):
        rerank.weights = lambda w=weights: w  # type: ignore[assignment]
        (h0, n), (h1, _) = score(sets, 0), score(sets, k)
        print(f"{label:12} as written {h0}/{n} = {h0 / n:.1%}   with {k} chatter messages between each two: {h1}/{n} = {h1 / n:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
