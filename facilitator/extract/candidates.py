"""Alternatives for each key time: the chosen moment plus up to two others, each with its reason.

Live chat is ambiguous: the rollback is announced, then someone says errors are dropping, then
the all-clear comes an hour later; an alert fires but the first person to notice spoke ten
minutes before. Rather than bet on one message, the extractor offers the commander the best
candidate and the next two plausible ones, so picking the right one is a single choice.

Each candidate comes from what the message says, read by the same signals the key-time finder
uses (``neighbours.scan``): an alert or a report for detection; a recovery, a rollback, a fix, a
workaround or the last step told of for mitigation; a declaration or the last recovery for
resolution; a stated start, the last change or the first symptom for the start. Alternatives
are at least ``SPREAD`` away from every candidate already offered: two choices a minute apart
are one choice. Their order follows how often each kind was the reported time on the
evaluation sets: a later recovery people report is more often the mitigation than a rollback or
step merely announced.

For a conversation, the reranker (``rerank``) asks for a wider pool (``POOL``): the rules'
candidates, then every report, recovery, step and status post and every turning point
(``widen``), which only the model weighs and orders.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from facilitator.extract.signals import MessageSignals, reports_problem
from facilitator.extract.clock import MAX_LOOKBACK, start_mentions
from facilitator.extract.conversation import DOUBT_RE, dismissal, partial, revert_link, told_done, waved_off_alerts
from facilitator.extract.monitors import unseen_alerts
from facilitator.extract.patterns import CUES
from facilitator.findings import KeyTime

MAX_CANDIDATES = 3
POOL = 8  # candidates the reranker chooses among
_ACTED = frozenset({"rollback", "fix_deployed", "workaround", "symptom"})  # messages that may carry a step or a doubt
STEP_REACH = timedelta(hours=1)  # a step told of longer before the recovery than this did not bring it
SPREAD = timedelta(minutes=10)  # the tolerance a reader gives a key time: closer candidates add nothing
_INVESTIGATING_RE = re.compile(r"\binvestigat\w*|\bidentified\b")  # a status page's first post


def _pool_detected(sigs: list[MessageSignals], end: int) -> list[tuple[MessageSignals, float, str]]:
    pool: list[tuple[MessageSignals, float, str]] = []
    seen: set[str] = set()

    def first(kind: str, sig: MessageSignals, score: float, reason: str) -> None:
        if kind not in seen:
            seen.add(kind)
            pool.append((sig, score, reason))

    waved = waved_off_alerts(sigs[:end])
    unseen = unseen_alerts(sigs[:end])
    for sig in sigs[:end]:
        flags = sig.flags
        if sig.message.id in waved:
            if not sig.is_human:
                first("waved", sig, 0.45, "an alert the responders waved off")
            continue  # nor is "flapping all week, ignore it" a report
        if sig.message.id in unseen:
            if sig.state != "recover":
                first("unseen", sig, 0.45, "an alert its monitor resolved before anyone saw it")
            continue
        if "alert" in flags and not sig.is_human:
            first("alert", sig, 0.8, "first alert")
        if "detect" in flags:
            first("detect", sig, 0.75, "first report of the problem")
        if "symptom" in flags and sig.is_human and not sig.asks and sig.state != "recover":
            first("symptom", sig, 0.6, "first message describing a symptom")
        if "symptom" in flags and sig.asks:
            first("asked", sig, 0.55, "first question about a symptom")
        if "investigate" in flags:
            first("investigate", sig, 0.5, "investigation began")
        if "incident_created" in flags or ("status_page" in flags and _INVESTIGATING_RE.search(sig.prep.lower)):
            # reports often date detection when the incident was declared or the status page said so
            first("declared", sig, 0.52, "the incident declared, or the status page's first post")
        if flags & _ACTED and DOUBT_RE.search(sig.prep.lower):
            first("doubt", sig, 0.5, "doubts an earlier step worked: the problem is still there")
        if sig.is_human:
            first("human", sig, 0.3, "first message of the channel")
    return pool


def _pool_mitigated(sigs: list[MessageSignals], start: int) -> list[tuple[MessageSignals, float, str]]:
    pool: list[tuple[MessageSignals, float, str]] = []
    recoveries = partials = fulls = 0
    last_step: MessageSignals | None = None  # the step someone announced before a recovery came
    for sig in sigs[start:]:
        flags = sig.flags
        if sig.state == "relapse":
            last_step = None
        elif _told_step(sig) and sig.state != "recover":
            last_step = sig
        if sig.state == "recover" and last_step is not None:
            pool.append((last_step, 0.44, "the step taken just before the service recovered"))
            last_step = None
        if not (sig.state == "recover" or flags & _ACTED or "ttp" in (sig.message.text or "")):
            continue  # no recovery, no step taken, no link: chatter
        question = sig.asks
        if _ruled_out(sig):
            continue  # a hypothesis ruled out, or doubt that a step worked: not a recovery
        if sig.state == "recover":
            recoveries += 1
            if partial(sig):
                score, reason = (0.6 if not partials else 0.4), "a partial recovery reported (errors dropping, some back)"
                partials += 1
            else:
                score, reason = (0.65 if not fulls else 0.5), "a recovery reported"
                fulls += 1
            pool.append((sig, score, reason))
        elif question:
            continue
        elif "rollback" in flags or "fix_deployed" in flags:
            pool.append((sig, 0.42, "rollback or fix put in place"))
        elif "workaround" in flags:
            pool.append((sig, 0.5, "workaround put in place"))
        elif revert_link(sig):
            pool.append((sig, 0.5, "revert or rollback linked"))
    if last_step is not None:
        # the channel tells of a step but never of the service coming back: the step may be the mitigation
        pool.append((last_step, 0.35, "the last step taken (no recovery was reported after it)"))
    return pool


def _told_step(sig: MessageSignals) -> bool:
    """A person telling of a step taken ("restarting the cluster"), not asking about one."""
    return "step" in sig.flags and sig.is_human and not sig.asks


def _held(tail: list[MessageSignals]) -> tuple[MessageSignals | None, bool]:
    """The first full recovery after the last relapse in ``tail``, and whether there was a relapse."""
    relapse = max((s.index for s in tail if s.state == "relapse"), default=-1)
    return next((s for s in tail if s.index > relapse and s.state == "recover" and not partial(s)), None), relapse >= 0


def _pool_resolved(sigs: list[MessageSignals], start: int) -> list[tuple[MessageSignals, float, str]]:
    pool: list[tuple[MessageSignals, float, str]] = []
    tail = sigs[start:]
    declared = [s for s in tail if "declare_resolved" in s.flags]
    human = [s for s in declared if s.is_human]
    for i, sig in enumerate(human):
        pool.append((sig, 0.75 if i == 0 else 0.45, "declared resolved"))
    bots = [s for s in declared if not s.is_human]
    if bots:
        pool.append((bots[0], 0.6, "status page or monitor declared it resolved"))
    if len(bots) > 1:  # "Monitoring - the incident has been resolved and we are monitoring", then the page's last word
        pool.append((bots[-1], 0.5, "status page or monitor's last resolved post"))
    recoveries = [s for s in tail if s.state == "recover" and "declare_resolved" not in s.flags]  # the service, not the all-clear
    settled, _ = _held(tail)  # when the impact ended: back for good after the last time it broke again
    if settled is not None:
        pool.append((settled, 0.62, "the service was back for good (the impact ended)"))
    if recoveries:
        pool.append((recoveries[-1], 0.55, "last recovery reported"))
    humans = [s for s in tail if s.is_human]
    if humans:
        pool.append((humans[-1], 0.3, "last message of the incident"))
    return pool


def _pool_started(sigs: list[MessageSignals], limit_index: int, tz: ZoneInfo) -> list[KeyTime]:
    if limit_index < 0:
        return []
    limit = sigs[limit_index].message.at
    pool: list[KeyTime] = []
    last_change: MessageSignals | None = None
    for sig in sigs:
        for moment, reason in start_mentions(sig, tz):
            if limit - MAX_LOOKBACK <= moment <= limit:
                pool.append(_kt(sig, 0.7, reason, moment))
        if sig.index >= limit_index:
            continue
        if "start_marker" in sig.flags:
            pool.append(_kt(sig, 0.8, "marked as the start of the incident"))
        if "change" in sig.flags:
            last_change = sig
        if "symptom" in sig.flags:
            pool.append(_kt(sig, 0.45, "a symptom before the problem was noticed"))
    if last_change is not None:
        pool.append(_kt(last_change, 0.55, "last change made before the problem was noticed"))
    return pool


def _kt(sig: MessageSignals, score: float, reason: str, at=None) -> KeyTime:
    return KeyTime(at=at or sig.message.at, confidence=score, message_ids=[sig.message.id], reason=reason)


def _pick(best: KeyTime | None, pool: list[KeyTime], limit: int) -> list[KeyTime]:
    chosen = [best] if best is not None else []
    for cand in sorted(pool, key=lambda k: (-k.confidence, k.at)):
        if len(chosen) >= limit:
            break
        if all(abs(cand.at - c.at) >= SPREAD for c in chosen):
            chosen.append(cand)
    return chosen


def find_candidates(
    sigs: list[MessageSignals], key_times: dict[str, KeyTime | None], tz: ZoneInfo, limit: int = MAX_CANDIDATES
) -> dict[str, list[KeyTime]]:
    """Up to ``limit`` candidates per key time, the chosen one first; empty lists when nothing fits.

    The reranker (``rerank``) asks for a wider pool and keeps the best three of it.
    """
    sigs = [s for s in sigs if s.timed]
    position = {s.message.id: i for i, s in enumerate(sigs)}

    def index_of(key: KeyTime | None, default: int) -> int:
        if key is None or not key.message_ids:
            return default
        return position.get(key.message_ids[0], default)

    detected, mitigated = key_times.get("detected_at"), key_times.get("mitigated_at")
    det_i = index_of(detected, 0)
    mit_i = index_of(mitigated, len(sigs))
    pools = {
        "detected_at": [_kt(s, c, r) for s, c, r in _pool_detected(sigs, min(mit_i, len(sigs)))],
        "mitigated_at": [_kt(s, c, r) for s, c, r in _pool_mitigated(sigs, det_i + 1 if detected else 0)],
        "resolved_at": [_kt(s, c, r) for s, c, r in _pool_resolved(sigs, mit_i if mitigated else det_i + 1)],
        "started_at": _pool_started(sigs, det_i if detected else -1, tz),
    }
    if mitigated is not None and mitigated.message_ids:
        # The action that brought the chosen recovery: reports often date the mitigation by it.
        for sig in reversed(sigs[det_i + 1 if detected else 0 : mit_i]):
            if sig.state == "relapse" or mitigated.at - sig.message.at > STEP_REACH:
                break  # the problem came back in between, or the step is too long before to have brought it
            if _told_step(sig) or told_done(sig):
                pools["mitigated_at"].append(_kt(sig, 0.63, "the step that brought the recovery"))
                break
    # When the service broke again after a recovery, the recovery that held is the other reading.
    held, broke_again = _held(sigs[det_i + 1 if detected else 0 :])
    if held is not None and broke_again:
        pools["mitigated_at"].append(_kt(held, 0.6, "the recovery that held (after the problem came back)"))
    if limit > MAX_CANDIDATES:  # a pool for the reranker: every message that could mark the moment
        widen(pools, sigs, det_i if detected else -1, mit_i if mitigated else None)
    return {name: _pick(key_times.get(name), pool, limit) for name, pool in pools.items()}


_TURNED = "the complaints stopped after it (no problem reported for half an hour)"
_CONFIRMED = "another person confirmed it"
WIDER = frozenset(
    {"a report of the problem", "another recovery reported", "a step taken", "a status page post", "another recovery or all-clear", _TURNED, _CONFIRMED}
)
TURN = timedelta(minutes=30)  # problem reports this close before a message, and none this long after: the talk turned


def widen(pools: dict[str, list[KeyTime]], sigs: list[MessageSignals], det_i: int, mit_i: int | None) -> None:
    """Every message of a kind that could mark the moment, below the rules' own candidates.

    The rules' pools hold the first alert, the first report, the first recovery and so on; a
    report may date the moment by a later one of the same kind. Offered with a low score, these
    fill the pool after the rules' candidates, and the reranker weighs them by their place. What
    the rules rule out stays out: a question, a hypothesis dismissed, a step someone doubts.
    """
    end = mit_i if mit_i is not None else len(sigs)
    for sig in sigs[:end]:
        if sig.flags & {"alert", "detect", "symptom"} and not sig.asks:
            pools["detected_at"].append(_kt(sig, 0.2, "a report of the problem"))
    ruled = [_ruled_out(sig) for sig in sigs]  # asked once, used thrice
    for i in range(det_i + 1, len(sigs)):
        sig = sigs[i]
        if sig.asks or ruled[i]:
            continue
        if sig.state == "recover":
            pools["mitigated_at"].append(_kt(sig, 0.2, "another recovery reported"))
        elif _told_step(sig) or told_done(sig):
            pools["mitigated_at"].append(_kt(sig, 0.15, "a step taken"))
        elif "status_page" in sig.flags:
            pools["mitigated_at"].append(_kt(sig, 0.1, "a status page post"))
    pools["mitigated_at"] += [_kt(sig, 0.05, _TURNED) for sig in turning_points(sigs, det_i + 1, ruled)]
    for sig, i in confirmed(sigs, det_i + 1, ruled):
        pools["mitigated_at"].append(_kt(sig, 0.05, _CONFIRMED))
        if mit_i is None or i >= mit_i:
            pools["resolved_at"].append(_kt(sig, 0.05, _CONFIRMED))
    for sig in sigs[(mit_i if mit_i is not None else det_i + 1) :]:
        if sig.state == "recover" or "declare_resolved" in sig.flags:
            pools["resolved_at"].append(_kt(sig, 0.2, "another recovery or all-clear"))
        elif "status_page" in sig.flags:
            pools["resolved_at"].append(_kt(sig, 0.1, "a status page post"))


def _ruled_out(sig: MessageSignals) -> bool:
    """A hypothesis dismissed, or doubt that a step worked: no moment of the mitigation."""
    return dismissal(sig) or DOUBT_RE.search(sig.prep.lower) is not None


def turning_points(sigs: list[MessageSignals], start: int, ruled: list[bool] | None = None) -> list[MessageSignals]:
    """People's messages after which the complaints stop, whatever words they use.

    "disconnected it, traffic going via the healthy node now", "cron disabled in prod", "store is
    off": a step or a recovery the vocabulary may not know, recognised by what follows it, a
    problem reported in the half hour before and none in the half hour after, while people go
    on talking. ``ruled[i]`` is ``_ruled_out(sigs[i])``, when the caller has it already.
    """
    ruled = ruled or [_ruled_out(s) for s in sigs]
    problem = [reports_problem(s) for s in sigs]
    upcoming: list[datetime | None] = [None] * len(sigs)  # the next problem report after each message
    following = None
    for i in range(len(sigs) - 1, -1, -1):
        upcoming[i] = following
        if problem[i]:
            following = sigs[i].message.at
    last_problem, out = None, []
    for i, sig in enumerate(sigs):
        at = sig.message.at
        said_by_a_person = i >= start and sig.is_human and not sig.asks and not problem[i] and not ruled[i]
        if said_by_a_person and last_problem is not None and at - last_problem <= TURN:
            talk_goes_on = i + 1 < len(sigs) and sigs[i + 1].message.at - at <= TURN
            if talk_goes_on and (upcoming[i] is None or upcoming[i] - at > TURN):
                out.append(sig)
        if problem[i]:
            last_problem = at
    return out


# Someone else saying it holds, minutes later: "confirmed from here", "works for me now", "👍"
CONFIRM_RE = re.compile(CUES["confirm"].pattern + "|\U0001f44d")
CONFIRM_REACH = timedelta(minutes=10)


def _confirms(sig: MessageSignals) -> bool:
    lower = sig.prep.lower  # the gate's pass has told whether any word of it occurs
    return (sig.prep.cue("confirm") or "\U0001f44d" in lower) and CONFIRM_RE.search(lower) is not None


def confirmed(sigs: list[MessageSignals], start: int, ruled: list[bool] | None = None) -> list[tuple[MessageSignals, int]]:
    """People's statements another person confirms within minutes, whatever their words, with their index.

    "store is off. every path returns the maintenance page now" / "confirmed from here";
    "done. binaries now served from the other source" / "confirmed, both match now": the step
    or the recovery is known by the answer it gets, not by its own vocabulary. A confirmation
    answers the last statement before it. ``ruled`` is as for ``turning_points``.
    """
    ruled = ruled or [_ruled_out(s) for s in sigs]
    out: dict[int, MessageSignals] = {}
    last: int | None = None  # the latest statement a confirmation could answer
    for i, sig in enumerate(sigs):
        if not sig.is_human or sig.asks or reports_problem(sig) or ruled[i]:
            continue
        said = sigs[last] if last is not None else None
        if (said is not None and sig.message.author != said.message.author
                and sig.message.at - said.message.at <= CONFIRM_REACH and _confirms(sig)):
            out.setdefault(last, said)
        if i >= start:
            last = i
    return [(sig, i) for i, sig in sorted(out.items())]
