"""Choosing among a key time's candidates by where each message sits in the conversation.

The rules (``times``, ``candidates``) read what a message says: "rolled back", "errors
dropping", "all clear". Which of those moments a report dates the mitigation or the resolution
by depends less on the words than on the conversation around them: whether complaints go on
after the message, whether a step came just before it, whether the channel falls quiet, how
far it sits from the detection. A reader weighs those without thinking; this
module weighs them with a small linear model (a conditional logit over each key's candidates)
learned from the labelled conversations in ``tests/data``.

The features are shape, not vocabulary: the candidate's kind and the rules' order, the message's
signals, counts of problem reports, recoveries and steps in the hour around it, the gaps before
and after, the speaker's share of the talk. The weights are data in ``prompts/rerank.toml``,
written by ``bench/train_rerank.py``, which also prints how the model does on conversations
it was not trained on (cross-validation by evaluation set).

The model only reorders what the rules proposed (``candidates``, with its wider pool): every
candidate still cites its message and gives its reason, and the order of the key times
(detected, then mitigated, then resolved) is kept.
"""

from __future__ import annotations

import math
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from facilitator.extract.candidates import SPREAD, WIDER
from facilitator.extract.conversation import partial
from facilitator.extract.patterns import URL_RE
from facilitator.extract.signals import STEP_FLAGS, MessageSignals, reports_problem
from facilitator.findings import ESTIMATE_CONFIDENCE, KeyTime
from facilitator.resources import read_text

KEYS = ("detected_at", "mitigated_at", "resolved_at")
SHOWN = 3  # candidates offered per key time
FLAGS = (
    "alert", "detect", "symptom", "recover", "declare_resolved", "relapse", "step", "rollback",
    "fix_deployed", "workaround", "status_page", "investigate", "hypothesis", "root_cause",
    "still_broken", "incident_created", "self_heal", "customer_comms", "change", "start_marker",
)  # fmt: skip
_WINDOW = timedelta(minutes=60)
_ESTIMATED = round(ESTIMATE_CONFIDENCE - 0.05, 2)  # the confidence of a time the model proposes where no message marks it
# Edges of the bands some measures are also read in: how much a gap or a distance matters is not
# a straight line (a minute after the detection and an hour after it differ more than ten hours
# and eleven), and a weight per band lets the model learn that shape. The measures are log-minutes
# (``_slog``, ``log1p``) except ``pos``, the share of the channel before the message.
_BANDS = {
    "since_ref": (-1, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5),
    "since_mit": (-1, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5),
    "gap_next": (0.5, 1.5, 2.5, 3.5, 4.5),
    "to_next_recovery": (0.5, 1.5, 2.5, 3.5, 4.5, 7.9),
    "to_next_unfinished": (0.5, 1.5, 2.5, 3.5, 4.5, 7.9),
    "since_last_problem": (0.5, 1.5, 2.5, 3.5, 4.5, 7.9),
    "pos": (0.2, 0.4, 0.6, 0.8),
}


def reason_kind(reason: str) -> str:
    """The kind of a candidate: its reason up to any qualifier ("; time as stated", "(...)")."""
    return re.split(r";| \(", reason, maxsplit=1)[0].strip()


def _slog(minutes: float) -> float:
    return math.copysign(math.log1p(abs(minutes)), minutes)


class Conversation:
    """What the features need of the whole channel, computed once: counts by time and by position."""

    def __init__(self, sigs: list[MessageSignals]) -> None:
        self.sigs = sigs
        self.position = {s.message.id: i for i, s in enumerate(sigs)}
        timed = sorted(range(len(sigs)), key=lambda i: sigs[i].message.at)
        self.times = [sigs[i].message.at for i in timed]
        problem = [int(reports_problem(s)) for s in sigs]
        recover = [int(s.state == "recover") for s in sigs]
        step = [int(bool(s.flags & STEP_FLAGS)) for s in sigs]
        relapse = [int(s.state == "relapse") for s in sigs]
        # by time (for the hour around a message) and by position (for everything after it)
        kinds = {"problem": problem, "recover": recover, "step": step, "relapse": relapse}
        self.by_time = {name: [0, *accumulate(flags[i] for i in timed)] for name, flags in kinds.items()}
        self.by_pos = {"problem": [0, *accumulate(problem)], "recover": [0, *accumulate(recover)]}
        # the time of the next recovery after each message, and of the last problem before it
        self.next_recovery: list[datetime | None] = [None] * len(sigs)
        self.last_problem: list[datetime | None] = [None] * len(sigs)
        # and of the next word from people that it is only partly back ("5xx dropping but not gone")
        unfinished = [s.is_human and ("still_broken" in s.flags or (bool(r) and partial(s))) for r, s in zip(recover, sigs)]
        self.next_unfinished: list[datetime | None] = [None] * len(sigs)
        upcoming = coming = None
        for i in range(len(sigs) - 1, -1, -1):
            self.next_recovery[i], self.next_unfinished[i] = upcoming, coming
            if recover[i]:
                upcoming = sigs[i].message.at
            if unfinished[i]:
                coming = sigs[i].message.at
        latest = None
        for i, sig in enumerate(sigs):
            self.last_problem[i] = latest
            if problem[i]:
                latest = sig.message.at
        relapse_at = [i for i, s in enumerate(sigs) if s.state == "relapse"]
        self.last_relapse = relapse_at[-1] if relapse_at else -1
        authors = [s.message.author for s in sigs if s.is_human]
        self.authors = Counter(authors)
        self.spoken = len(authors)
        self.first_author = authors[0] if authors else None

    def count(self, name: str, lo: datetime, hi: datetime, *, upper: bool) -> int:
        """Messages of a kind in (lo, hi] when ``upper``, in [lo, hi) otherwise."""
        cum = self.by_time[name]
        if upper:
            return cum[bisect_right(self.times, hi)] - cum[bisect_right(self.times, lo)]
        return cum[bisect_left(self.times, hi)] - cum[bisect_left(self.times, lo)]


def features(conv: Conversation, key: str, cand: KeyTime, rank: int, cands: list[KeyTime], key_times: dict) -> dict[str, float]:
    """The candidate's features: shape of the conversation around its message, not its words."""
    f = {f"rank{min(rank, 3)}": 1.0, "conf": cand.confidence, "reason=" + reason_kind(cand.reason): 1.0}
    f[f"torder{min(sorted(c.at for c in cands).index(cand.at), 3)}"] = 1.0
    f[f"ncand{min(len(cands), 4)}"] = 1.0
    i = conv.position.get(cand.message_ids[0]) if cand.message_ids else None
    if i is None:
        f["nosig"] = 1.0
        return f
    sigs = conv.sigs
    sig = sigs[i]
    at = sig.message.at
    f["at_differs"] = float(abs((cand.at - at).total_seconds()) > 60)
    if f["at_differs"] and rank == 0:
        f["rules_stated"] = 1.0  # the rules' choice, dated by a time the message states
    f["pos"] = i / max(len(sigs) - 1, 1)
    f["is_human"] = float(sig.is_human)
    f["asks"] = float(sig.asks)
    f["state_" + (sig.state or "none")] = 1.0
    for flag in FLAGS:
        if flag in sig.flags:
            f["fl_" + flag] = 1.0
    text = sig.message.text or ""
    f["words"] = math.log1p(len(text.split()))
    f["url"] = float(URL_RE.search(text) is not None)
    detected, mitigated = key_times.get("detected_at"), key_times.get("mitigated_at")
    ref = detected.at if (key != "detected_at" and detected) else sigs[0].message.at
    f["since_ref"] = _slog((cand.at - ref).total_seconds() / 60)
    if key == "resolved_at" and mitigated:
        f["since_mit"] = _slog((cand.at - mitigated.at).total_seconds() / 60)
    # (how far a message sits from the end of the paste says more about where the paste was cut
    # than about the incident: not a feature)
    following = sigs[i + 1].message.at if i + 1 < len(sigs) else None
    f["gap_next"] = math.log1p(max((following - at).total_seconds(), 0) / 60) if following else 5.0
    lo, hi = at - _WINDOW, at + _WINDOW
    n_after = bisect_right(conv.times, hi) - bisect_right(conv.times, at)
    n_before = bisect_left(conv.times, at) - bisect_left(conv.times, lo)
    f["n_after60"], f["n_before60"] = math.log1p(n_after), math.log1p(n_before)
    f["prob_after"] = math.log1p(conv.count("problem", at, hi, upper=True))
    f["rec_after"] = math.log1p(conv.count("recover", at, hi, upper=True))
    f["prob_before"] = math.log1p(conv.count("problem", lo, at, upper=False))
    f["rec_before"] = math.log1p(conv.count("recover", lo, at, upper=False))
    f["step_before"] = math.log1p(conv.count("step", lo, at, upper=False))
    f["relapse_after"] = float(conv.last_relapse > i)
    f["relapse_after60"] = math.log1p(conv.count("relapse", at, hi, upper=True))
    upcoming, latest = conv.next_recovery[i], conv.last_problem[i]
    f["to_next_recovery"] = math.log1p(max((upcoming - at).total_seconds(), 0) / 60) if upcoming else 8.0
    if key != "detected_at":  # whether it was only partly back then, or people soon said so
        coming = conv.next_unfinished[i]
        f["to_next_unfinished"] = math.log1p(max((coming - at).total_seconds(), 0) / 60) if coming else 8.0
        f["partial"] = float(sig.state == "recover" and partial(sig))
    f["since_last_problem"] = math.log1p(max((at - latest).total_seconds(), 0) / 60) if latest else 8.0
    problems, recoveries = conv.by_pos["problem"], conv.by_pos["recover"]
    f["prob_later_all"] = math.log1p(problems[-1] - problems[i + 1])
    f["rec_earlier_all"] = math.log1p(recoveries[i])
    f["author_share"] = conv.authors[sig.message.author] / max(conv.spoken, 1) if sig.is_human else 0.0
    f["first_author"] = float(sig.message.author == conv.first_author)
    for name, edges in _BANDS.items():
        if name in f:
            f[f"{name}_b{bisect_left(edges, f[name])}"] = 1.0
    return f


@lru_cache(maxsize=1)
def weights() -> dict[str, dict[str, float]]:
    """The learned weights per key time, from prompts/rerank.toml (empty: keep the rules' order)."""
    data = tomllib.loads(read_text("rerank.toml"))
    return {key: {name: float(v) for name, v in (data.get(key) or {}).items()} for key in KEYS}


def score(weights_for_key: dict[str, float], feats: dict[str, float]) -> float:
    return sum(weights_for_key.get(name, 0.0) * value for name, value in feats.items())


def reorder(
    sigs: list[MessageSignals],
    key_times: dict[str, KeyTime | None],
    candidates: dict[str, list[KeyTime]],
    learned: dict[str, dict[str, float]] | None = None,
) -> tuple[dict[str, KeyTime | None], dict[str, list[KeyTime]]]:
    """The key times and their shown candidates, each key's pool ordered by the model.

    ``candidates`` holds each key's whole pool (the rules' choice first). The best-scored
    candidate that keeps the key times in order (detected <= mitigated <= resolved, not
    before the start) becomes the key time; the next best two follow it. With no weights for a
    key, its pool keeps the rules' order.
    """
    learned = weights() if learned is None else learned
    sigs = [s for s in sigs if s.timed]
    times, shown = dict(key_times), {name: _rules_shown(pool) for name, pool in candidates.items()}
    if not sigs:
        return times, shown
    conv = Conversation(sigs)
    # the detection is not held after the rules' start: a report of the problem before the
    # "fault introduced" time says that time is wrong, not the report (see _start_before)
    floor = previous = None
    estimated = []
    for key in KEYS:
        pool, w, rules = candidates.get(key) or [], learned.get(key), key_times.get(key)
        # no message marks the mitigation or the end ("done", then silence): the best-placed
        # candidate is offered as an estimate, below ESTIMATE_CONFIDENCE, and still asked about
        estimate = rules is None and key != "detected_at"
        if pool and w and (rules is not None or estimate):
            if floor is not None and previous is not None and rules is not None and rules.at < previous.at:
                floor = None  # the rules put it before the key before (it healed before anyone noticed): so may the model
            scored = [(score(w, features(conv, key, c, r, pool, key_times)), -r, c) for r, c in enumerate(pool)]
            ordered = [c for _, _, c in sorted(scored, key=lambda t: (t[0], t[1]), reverse=True)]
            fitting = [c for c in ordered if floor is None or c.at >= floor.at]
            # the detection is the first report, which the rules' own pool holds; the later
            # reports of the wider pool are alternatives to it, never the choice
            best = next((c for c in fitting if key != "detected_at" or c.reason not in WIDER), None)
            if best is not None:
                ordered.remove(best)
                if estimate:
                    best = _as_estimate(best)
                    estimated.append(key)
                times[key], shown[key] = best, [best, *ordered][:SHOWN]
        if not estimate:  # an estimate never bounds the keys after it
            floor = times.get(key) or floor
        previous = rules or previous
    _start_before(times, shown)
    for key in estimated:  # and gives way to a key the rules dated that it would overtake
        later = [times[k] for k in KEYS[KEYS.index(key) + 1:] if times.get(k) is not None and k not in estimated]
        if later and times[key].at > later[0].at:
            times[key], shown[key] = None, _rules_shown(candidates[key])
    if _out_of_order(times, key_times):
        return dict(key_times), {name: _rules_shown(pool) for name, pool in candidates.items()}
    return times, shown


def _start_before(times: dict[str, KeyTime | None], shown: dict[str, list[KeyTime]]) -> None:
    """A detection before the rules' start moves the start to it, as an estimate; the old start stays an alternative."""
    started, detected = times.get("started_at"), times.get("detected_at")
    if started is None or detected is None or detected.at >= started.at:
        return
    notice = "the first alert" if "alert" in detected.reason else "the first report"
    start = detected.model_copy(update={
        "confidence": _ESTIMATED,
        "reason": f"no earlier sign in the channel: {notice}, before the start stated later",
    })
    others = [c for c in shown.get("started_at", []) if abs(c.at - start.at) >= SPREAD]
    times["started_at"], shown["started_at"] = start, [start, *others][:SHOWN]


def _as_estimate(cand: KeyTime) -> KeyTime:
    """A candidate chosen where the rules found no key time: below ESTIMATE_CONFIDENCE, and saying so."""
    return cand.model_copy(update={
        "confidence": min(cand.confidence, _ESTIMATED),
        "reason": f"estimate: {cand.reason}; no message marks this moment",
    })


def _rules_shown(pool: list[KeyTime]) -> list[KeyTime]:
    """The first three the rules proposed, leaving out the wider pool's messages only the model weighs."""
    return [c for c in pool if c.reason not in WIDER][:SHOWN]


def _out_of_order(times: dict[str, KeyTime | None], rules: dict[str, KeyTime | None]) -> bool:
    """True when two key times the rules had in order no longer are (no candidate fitted after a move)."""
    for a, b in zip(KEYS, KEYS[1:]):
        x, y, rx, ry = times.get(a), times.get(b), rules.get(a), rules.get(b)
        if x and y and rx and ry and x.at > y.at and rx.at <= ry.at:
            return True
    return False
