"""Learn the weights that order each key time's candidates (prompts/rerank.toml).

    python bench/train_rerank.py            # cross-validation figures, then write the weights
    python bench/train_rerank.py --check    # figures only
    python bench/train_rerank.py --check --before 145   # leave sets 145 on out (a round not yet scored)

The data are the labelled conversations in tests/data/eval_* (each case a paste and the times
its published report gives). For each case and key time the rules propose a pool of
candidates (``find_candidates(..., limit=POOL)``); a candidate is right when it is within ten
minutes of the report's time. The model is a conditional logit: a candidate's score is a
weighted sum of its features (``facilitator.extract.rerank.features``) and the pool's
softmax is fitted to the right ones by stochastic gradient ascent, one weight vector per key.

Before writing, it reports how the model does on conversations it did not learn from:
ten folds by evaluation set (a whole set, written by one writer from one batch of reports,
is held out at a time), comparing the rules' first choice with the model's, at the top and
among the three shown; then the rounds from ``FORWARD_FROM`` on replayed in the order they
were written, each scored by a model trained only on the sets before it, as a fresh round is.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
import zlib
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_extract import read_case  # noqa: E402
from facilitator.config import zone_or_utc  # noqa: E402
from facilitator.errors import UserError  # noqa: E402
from facilitator.extract import MIN_MESSAGES  # noqa: E402
from facilitator.extract.candidates import POOL, find_candidates  # noqa: E402
from facilitator.extract.rerank import KEYS, SHOWN, Conversation, features, score  # noqa: E402
from facilitator.extract.neighbours import scan  # noqa: E402
from facilitator.extract.signals import has_speakers  # noqa: E402
from facilitator.extract.times import find_key_times  # noqa: E402

TOLERANCE = timedelta(minutes=10)
EPOCHS = 60
DECAY = 0.1  # weight decay per epoch (L2): small weights, a steadier model
AVERAGE_FROM = 30  # the weights are averaged over the last epochs: the shuffle order then matters less
FOLDS = 10
FORWARD_FROM = 100  # the first round replayed in the order written (the sets before it train the first model)
OUT = ROOT / "prompts" / "rerank.toml"


def load(sets: list[Path]) -> list[dict]:
    """One group per case and key time: the pool's features and which candidates are right."""
    groups = []
    for folder in sets:
        for case in sorted(p for p in folder.iterdir() if (p / "answer_key.json").exists()):
            try:
                key, transcript = read_case(case)
            except UserError:
                continue
            sigs = scan(transcript)
            tz = zone_or_utc(transcript.timezone)
            chat = has_speakers(transcript)
            key_times = find_key_times(sigs, chat, tz)
            pools = find_candidates(sigs, key_times, tz, limit=POOL)
            conv = Conversation([s for s in sigs if s.timed])
            for name in KEYS:
                if key.get(name) is None or not pools.get(name):
                    continue
                want = datetime.fromisoformat(key[name])
                pool = pools[name]
                groups.append({
                    "set": folder.name,
                    "key": name,
                    "chat": chat,
                    "real": not key.get("reconstructed"),
                    "size": len(conv.sigs),
                    "x": [_drop(features(conv, name, c, r, pool, key_times)) for r, c in enumerate(pool)],
                    "y": [int(abs(c.at - want) <= TOLERANCE) for c in pool],
                })
    return groups


_DROP = tuple(x for x in __import__("os").environ.get("RR_DROP", "").split(",") if x)


def _drop(f: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in f.items() if not (_DROP and k.startswith(_DROP))}


def train(groups: list[dict]) -> dict[str, dict[str, float]]:
    """The weights, averaged over the epochs from ``AVERAGE_FROM`` on (steadier than the last epoch's)."""
    weights: dict[str, dict[str, float]] = {name: defaultdict(float) for name in KEYS}
    averaged: dict[str, dict[str, float]] = {name: defaultdict(float) for name in KEYS}
    useful = [g for g in groups if 0 < sum(g["y"]) < len(g["y"])]  # nothing to learn from all-right or all-wrong pools
    rnd, rate = random.Random(0), 0.1
    for epoch in range(EPOCHS):
        rnd.shuffle(useful)
        for g in useful:
            w = weights[g["key"]]
            scores = [score(w, x) for x in g["x"]]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total, right = sum(exps), sum(g["y"])
            for x, e, y in zip(g["x"], exps, g["y"]):
                step = rate * (y / right - e / total)
                for feat, value in x.items():
                    w[feat] += step * value
        for w in weights.values():
            for feat in w:
                w[feat] *= 1 - DECAY
        rate *= 0.97
        if epoch >= AVERAGE_FROM:
            for name, w in weights.items():
                for feat, value in w.items():
                    averaged[name][feat] += value / (EPOCHS - AVERAGE_FROM)
    return {name: dict(w) for name, w in averaged.items()}


def order(weights: dict[str, dict[str, float]], g: dict) -> list[int]:
    """The pool's order as the app shows it: by score, but the rules' order for a short snippet."""
    if g.get("size", MIN_MESSAGES) < MIN_MESSAGES:
        return list(range(len(g["x"])))
    w = weights.get(g["key"]) or {}
    scores = [score(w, x) for x in g["x"]]
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _count(tally: dict[str, int], g: dict, weights: dict[str, dict[str, float]]) -> list[int]:
    """Add one held-out group to the tally (the rules' and the model's first choice, the model's three); its order."""
    ranked = order(weights, g)
    tally["cases"] += 1
    tally["rules_top"] += g["y"][0]
    tally["model_top"] += g["y"][ranked[0]]
    tally["model_shown"] += any(g["y"][i] for i in ranked[:SHOWN])
    return ranked


def cross_validate(groups: list[dict]) -> dict[str, int]:
    tally: dict[str, int] = defaultdict(int)
    for fold in range(FOLDS):
        held = [g for g in groups if zlib.crc32(g["set"].encode()) % FOLDS == fold]
        weights = train([g for g in groups if zlib.crc32(g["set"].encode()) % FOLDS != fold])
        for g in held:
            ranked = _count(tally, g, weights)
            tally["rules_shown"] += any(g["y"][:SHOWN])
            tally["pool"] += any(g["y"])
            for kind in ("chat" if g["chat"] else "notes", "real" if g["real"] else "reconstructed", g["key"]):
                tally[kind] += 1
                tally[kind + "_rules"] += g["y"][0]
                tally[kind + "_model"] += g["y"][ranked[0]]
    return tally


def held_out(groups: list[dict], test) -> tuple[int, int, int]:
    """Rules' and model's right first choices on the groups ``test`` selects, trained on the rest."""
    weights = train([g for g in groups if not test(g)])
    held = [g for g in groups if test(g)]
    return len(held), sum(g["y"][0] for g in held), sum(g["y"][order(weights, g)[0]] for g in held)


def _number(set_name: str) -> int:
    digits = re.search(r"(\d+)$", set_name)
    return int(digits.group(1)) if digits else 0


def forward(groups: list[dict], first: int = FORWARD_FROM) -> dict[str, int]:
    """As the rounds were written: the sets of each round of three held out, trained on the sets before it."""
    tally: dict[str, int] = defaultdict(int)
    last = max(_number(g["set"]) for g in groups)
    for lo in range(first, last + 1, 3):
        weights = train([g for g in groups if _number(g["set"]) < lo])
        for g in (g for g in groups if lo <= _number(g["set"]) < lo + 3):
            _count(tally, g, weights)
    return tally


def write(weights: dict[str, dict[str, float]], tally: dict[str, int], n_sets: int) -> None:
    n = tally["cases"]
    lines = [
        "# Weights of the candidate reranker (facilitator/extract/rerank.py), one table per key time.",
        "# Written by bench/train_rerank.py from the labelled conversations in tests/data/eval_*;",
        "# regenerate after changing the rules or the features. Do not edit by hand.",
        f"# Trained on {n} key times of {n_sets} sets. Ten-fold cross-validation by set (held-out sets):",
        f"#   right at the top   rules {tally['rules_top']}/{n} = {tally['rules_top'] / n:.1%}, "
        f"model {tally['model_top']}/{n} = {tally['model_top'] / n:.1%}",
        f"#   among the 3 shown  rules {tally['rules_shown']}/{n} = {tally['rules_shown'] / n:.1%}, "
        f"model {tally['model_shown']}/{n} = {tally['model_shown'] / n:.1%} (in the pool: {tally['pool']})",
    ]
    for name in KEYS:
        lines += ["", f"[{name}]"]
        for feat, value in sorted(weights[name].items()):
            if abs(value) >= 5e-4:
                lines.append(f"{json.dumps(feat)} = {value:.4f}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    before = int(argv[argv.index("--before") + 1]) if "--before" in argv else None
    sets = sorted(
        p for p in (ROOT / "tests" / "data").glob("eval_*")
        if p.is_dir() and (before is None or not p.name.startswith("eval_holdout") or _number(p.name) < before)
    )
    groups = load(sets)
    tally = cross_validate(groups)
    n = tally["cases"]
    print(f"{n} key times from {len(sets)} sets; held-out sets, ten folds:")
    print(f"  right at the top:  rules {tally['rules_top'] / n:.1%}  model {tally['model_top'] / n:.1%}")
    print(f"  among the 3 shown: rules {tally['rules_shown'] / n:.1%}  model {tally['model_shown'] / n:.1%}"
          f"  (right one anywhere in the pool: {tally['pool'] / n:.1%})")
    for kind in ("chat", "notes", "real", "reconstructed", *KEYS):
        print(f"  {kind}: rules {tally[kind + '_rules']}/{tally[kind]}  model {tally[kind + '_model']}/{tally[kind]}")
    n, rules, model = held_out(groups, lambda g: g["set"].startswith("eval_chat"))
    print(f"  the oldest sets (eval_chat*) held out: rules {rules}/{n}  model {model}/{n}")
    fw = forward(groups)
    n = fw["cases"]
    print(f"rounds {FORWARD_FROM}- in the order written (trained only on the sets before each round): {n} key times,"
          f" rules {fw['rules_top'] / n:.1%}  model {fw['model_top'] / n:.1%} at the top, {fw['model_shown'] / n:.1%} among the 3 shown")
    if "--check" not in argv:
        write(train(groups), tally, len(sets))
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
