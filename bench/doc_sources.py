"""Where a draft's headline parts come from, over labelled conversations.

    python bench/doc_sources.py [SET ...]       # default: the sets eval_holdout100 on

A reader judges a post-mortem by its title, its customer impact, its root cause and what fixed
it. This reads each case as ``draft --no-llm`` would and counts, per part, which source filled
it: the title from the channel's name, the status page's incident name or the first report
made a heading; the customer impact from the channel's own impact statement, the first status
page post, the impact figures or a symptom line; the cause from the chat, a confirmed hypothesis
or the status page's words; whether a fix was found at all.
It does not say whether a part is right (read the drafts for that); it shows how much of the
document the chat could fill and from where, so a change to the finders shows up as a shift.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_extract import read_case  # noqa: E402
from facilitator.errors import UserError  # noqa: E402
from facilitator.extract import extract_findings  # noqa: E402
from facilitator.interview.suggest import _actual_cause, _customer_effect  # noqa: E402


def _sets(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    data = ROOT / "tests" / "data"
    return sorted(p for p in data.glob("eval_holdout*") if p.name.removeprefix("eval_holdout").isdigit()
                  and int(p.name.removeprefix("eval_holdout")) >= 100)


def main(args: list[str]) -> int:
    counts: dict[str, Counter] = {"title": Counter(), "customer impact": Counter(), "cause": Counter(), "fix": Counter()}
    cases = 0
    for folder in _sets(args):
        for case in sorted(p for p in folder.iterdir() if (p / "paste.txt").exists()):
            try:
                _, transcript = read_case(case)
            except UserError:
                continue
            cases += 1
            f = extract_findings(transcript)
            title = f.title
            if title is None:
                counts["title"]["none"] += 1
            elif not title.message_ids:
                counts["title"]["channel name"] += 1
            elif any(m.message_ids == title.message_ids for m in f.messaging if m.channel == "status page"):
                counts["title"]["status page"] += 1
            else:
                counts["title"]["first report, as a heading"] += 1
            effect = _customer_effect(f, "UTC")
            counts["customer impact"][effect.note if effect and effect.note else ("a symptom line" if effect else "none")] += 1
            cause = _actual_cause(f)
            counts["cause"][(cause.note or "found in the chat") if cause else "none"] += 1
            counts["fix"]["found" if f.fixes else "none"] += 1
    print(f"{cases} cases")
    for part, counter in counts.items():
        print(f"{part}:")
        for source, n in counter.most_common():
            print(f"  {n:4d}  {n / max(cases, 1):6.1%}  {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
