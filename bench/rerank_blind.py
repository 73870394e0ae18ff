"""How the reranker does on rounds an older version of the rules never saw.

    git worktree add /tmp/s16 1452d13          # the rules as they were before stop 17's rounds
    python bench/rerank_blind.py /tmp/s16 100 117

The rules of ``OLD`` build every case's candidate pool; the reranker (this checkout's features
and learner) is trained on the evaluation sets numbered below ``LO`` (plus ``eval_holdout`` and
``eval_chat*``) and scored on ``eval_holdoutLO`` ... ``eval_holdoutHI``. Neither the rules nor the
model saw the test rounds, which is how those rounds were first scored: the comparison of the
rules' first choice with the model's is blind.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path, replace: dict[str, str] | None = None):
    source = path.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        source = source.replace(old, new)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def main(argv: list[str]) -> int:
    old, lo, hi = argv[0], int(argv[1]), int(argv[2])
    sys.path.insert(0, old)  # the old rules' facilitator package
    import facilitator.extract.candidates as old_candidates
    import prompts  # the old phrase lists too, before this checkout's folder goes on the path

    assert Path(prompts.__file__).is_relative_to(Path(old).resolve()), prompts.__file__

    old_candidates.MAX_CANDIDATES = 8  # the old code has no pool parameter: lengthen its list instead
    old_candidates.WIDER = frozenset()  # nor the wider pool (its effect was measured on a fresh round)
    rerank = _load("rerank_here", HERE / "facilitator" / "extract" / "rerank.py")
    sys.modules["rerank_here"] = rerank
    train = _load(
        "train_here",
        HERE / "bench" / "train_rerank.py",
        {
            "from facilitator.extract.rerank import": "from rerank_here import",
            "from facilitator.extract import MIN_MESSAGES": "MIN_MESSAGES = 10  # as the app has it now;",
            "from facilitator.extract.candidates import POOL, find_candidates": "from facilitator.extract.candidates import find_candidates",
            "find_candidates(sigs, key_times, tz, limit=POOL)": "find_candidates(sigs, key_times, tz)",
            'if __name__ == "__main__":': "if False:",
        },
    )

    def number(folder: Path) -> int:
        m = re.fullmatch(r"eval_holdout(\d*)", folder.name)
        return (int(m.group(1)) if m.group(1) else 0) if m else -1

    sets = sorted(p for p in (HERE / "tests" / "data").glob("eval_*") if p.is_dir())
    learned = train.train(train.load([p for p in sets if number(p) < lo]))
    test = train.load([p for p in sets if lo <= number(p) <= hi])
    n = len(test)
    rules = sum(g["y"][0] for g in test)
    model = sum(g["y"][train.order(learned, g)[0]] for g in test)
    shown_rules = sum(any(g["y"][:3]) for g in test)
    shown_model = sum(any(g["y"][i] for i in train.order(learned, g)[:3]) for g in test)
    print(f"rules of {old}, rounds {lo}-{hi}: {n} key times")
    print(f"  right at the top:  rules {rules}/{n} = {rules / n:.1%}  model {model}/{n} = {model / n:.1%}")
    print(f"  among the 3 shown: rules {shown_rules}/{n} = {shown_rules / n:.1%}  model {shown_model}/{n} = {shown_model / n:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
