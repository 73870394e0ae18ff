"""The reranker: choosing among each key time's candidates by where the message sits in the chat.

The mechanism is tested with weights written here (so each test says which candidate must win
and why); the shipped weights are tested for what they must keep (the chosen time is the first
candidate offered, candidates stay apart, notes keep the rules' choice) and for naming only
features the code still makes. The learner in ``bench/train_rerank.py`` is tested on a pool
where one feature marks the right candidate.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench import train_rerank
from facilitator.extract import MIN_MESSAGES, extract_findings, rerank
from facilitator.extract.candidates import (
    POOL,
    SPREAD,
    WIDER,
    confirmed,
    find_candidates,
    turning_points,
    widen,
)
from facilitator.extract.rerank import Conversation, features, reorder, weights
from facilitator.extract.neighbours import scan
from facilitator.extract.times import find_key_times
from facilitator.findings import ESTIMATE_CONFIDENCE, KeyTime
from facilitator.sources.paste import parse_transcript
from tests.unit.test_extract_conversation import channel, hm

UTC = ZoneInfo("UTC")
ROWS = [
    ("10:00", "bot:PagerDuty", "Triggered: checkout error rate > 5%"),
    ("10:03", "ana", "checkout is throwing 500s for everyone"),
    ("10:10", "ben", "rolling back the 9:50 deploy"),
    ("10:20", "ben", "rollback done"),
    ("10:25", "ana", "errors dropping"),
    ("10:50", "ana", "error rate back to baseline, checkout looks normal"),
    ("11:30", "ben", "all clear, resolving the incident"),
]


def rules_and_pools(rows):
    sigs = scan(channel(rows))
    key_times = find_key_times(sigs, True, UTC)
    return sigs, key_times, find_candidates(sigs, key_times, UTC, limit=POOL)


def test_with_no_weights_the_rules_choice_and_first_three_stay():
    sigs, key_times, pools = rules_and_pools(ROWS)
    assert len(pools["mitigated_at"]) > 3  # a wider pool than is shown
    times, shown = reorder(sigs, key_times, pools, learned={})
    assert times == key_times
    assert shown == {name: [c for c in pool if c.reason not in WIDER][:3] for name, pool in pools.items()}
    assert shown["mitigated_at"] == find_candidates(sigs, key_times, UTC)["mitigated_at"]  # what the rules alone offer


def test_the_best_scored_candidate_becomes_the_key_time_and_the_rest_follow_by_score():
    sigs, key_times, pools = rules_and_pools(ROWS)
    assert hm(key_times["mitigated_at"]) == "10:20"  # the rules: "rollback done"
    learned = {"mitigated_at": {"reason=a recovery reported": 2.0, "reason=the step that brought the recovery": 1.0}}
    times, shown = reorder(sigs, key_times, pools, learned=learned)
    assert hm(times["mitigated_at"]) == "10:50"  # the first recovery reported, the earlier of two equal scores
    assert [hm(c) for c in shown["mitigated_at"]] == ["10:50", "11:30", "10:10"]
    assert shown["mitigated_at"][0] is times["mitigated_at"]
    assert times["resolved_at"] == key_times["resolved_at"]  # a key with no weights keeps the rules' choice


def test_a_key_time_is_never_put_before_the_one_it_follows():
    sigs, key_times, pools = rules_and_pools(ROWS)
    learned = {
        "mitigated_at": {"reason=a recovery reported": 2.0},
        "resolved_at": {"reason=the service was back for good": 5.0},  # 10:20, before the mitigation chosen
    }
    times, shown = reorder(sigs, key_times, pools, learned=learned)
    assert hm(times["mitigated_at"]) == "10:50"
    assert hm(times["resolved_at"]) == "11:30"
    assert "10:20" in [hm(c) for c in shown["resolved_at"]]  # still offered, one key away


def test_a_key_the_rules_put_before_the_previous_one_may_stay_there():
    # noticed after it had healed: the rules date the mitigation before the detection, and so may the model
    rows = [
        ("15:00", "lena", "the launch success panel dipped this morning, did anyone look?"),
        ("15:02", "lena", "launch success hit 0% at 10:34 and came back at 10:55 by itself"),
        ("15:20", "max", "found it, disk full on node 3"),
        ("15:41", "lena", "made a log metric for the no space messages"),
    ]
    sigs, key_times, pools = rules_and_pools(rows)
    assert key_times["mitigated_at"].at < key_times["detected_at"].at
    favour_stated = {"mitigated_at": {"at_differs": 3.0}}
    times, _ = reorder(sigs, key_times, pools, learned=favour_stated)
    assert hm(times["mitigated_at"]) == "10:55"


def test_features_read_the_hour_around_the_message():
    rows = [
        ("10:00", "bot:Grafana", "[Alerting] api 5xx > 2%"),
        ("10:05", "ana", "api returning 502s"),
        ("10:12", "ben", "restarting the api pods"),
        ("10:20", "ana", "still 502s"),
        ("10:30", "ana", "errors gone, api healthy again"),
        ("12:00", "ben", "api is down again"),
    ]
    sigs, key_times, _ = rules_and_pools(rows)
    conv = Conversation([s for s in sigs if s.timed])
    step_sig = sigs[2]
    step = KeyTime(at=step_sig.message.at, confidence=0.35, message_ids=[step_sig.message.id], reason="the last step taken")
    f = features(conv, "mitigated_at", step, 1, [step], key_times)
    assert f["relapse_after60"] > 0  # "still 502s" eight minutes later
    assert f["to_next_recovery"] == pytest.approx(math.log1p(18))  # the recovery at 10:30
    assert f["prob_after"] > 0 and f["step_before"] == 0
    assert f["relapse_after"] == 1.0  # it broke again at noon
    assert f["fl_step"] == 1.0 and "fl_recover" not in f
    # a measure is also read in bands (one weight each), the band holding its value set
    for name in ("to_next_recovery", "gap_next", "pos", "since_ref"):
        bands = [k for k in f if k.startswith(name + "_b")]
        assert len(bands) == 1, (name, bands)
    assert "to_next_recovery_b3" in f  # log1p(18) = 2.94, between the edges 2.5 and 3.5


def test_features_tell_a_recovery_that_people_soon_say_is_only_partial():
    rows = [
        ("08:30", "bot:PagerDuty", "[Triggered] event-api 5xx ratio > 20%"),
        ("08:32", "raj", "leader lock stuck, restarting the pods"),
        ("08:38", "raj", "new pods up, leader elected. core service answering again"),
        ("08:41", "ana", "event-api readiness recovering, ~60% of pods ready. 5xx dropping but not gone"),
        ("08:50", "ana", "event-api 100% ready, 5xx back to zero"),
    ]
    sigs, key_times, _ = rules_and_pools(rows)
    conv = Conversation([s for s in sigs if s.timed])

    def feats(i: int, key: str = "mitigated_at") -> dict[str, float]:
        sig = sigs[i]
        cand = KeyTime(at=sig.message.at, confidence=0.65, message_ids=[sig.message.id], reason="a recovery reported")
        return features(conv, key, cand, 0, [cand], key_times)

    first, eased, full = feats(2), feats(3), feats(4)
    assert first["to_next_unfinished"] == pytest.approx(math.log1p(3)) and first["partial"] == 0.0
    assert eased["partial"] == 1.0
    assert full["to_next_unfinished"] == 8.0 and full["partial"] == 0.0  # nobody said it was partial after
    assert "partial" not in feats(2, "detected_at")  # the detection is not read by how a recovery went


def test_notes_without_speakers_keep_the_rules_choice(monkeypatch):
    notes = parse_transcript(
        "10:00 alert fires, on-call paged\n10:20 rollback done, errors back to normal\n"
        "10:50 error rate at baseline\n11:30 incident resolved\n",
        tz="UTC",
        default_date=date(2024, 12, 3),
        origin="notes.txt",
    )
    before = extract_findings(notes)
    monkeypatch.setattr(rerank, "weights", lambda: {"mitigated_at": {"rank0": -9.0}, "resolved_at": {"rank0": -9.0}})
    after = extract_findings(notes)
    assert after.mitigated_at == before.mitigated_at and after.resolved_at == before.resolved_at


LONGER = [
    *ROWS[:2],
    ("10:05", "cleo", "seeing it in eu too"),
    ("10:06", "ben", "looking at the deploy from 9:50"),
    *ROWS[2:4],
    ("10:21", "cleo", "eu checkout still slow"),
    *ROWS[4:6],
    ("11:00", "cleo", "eu looks fine to me now"),
    ("11:10", "ben", "writing the timeline"),
    ROWS[6],
]


def test_in_a_chat_the_weights_change_the_choice(monkeypatch):
    monkeypatch.setattr(rerank, "weights", lambda: {})
    before = extract_findings(channel(LONGER))  # the rules' choice
    monkeypatch.setattr(rerank, "weights", lambda: {"mitigated_at": {"rank0": -9.0}})
    after = extract_findings(channel(LONGER))
    assert after.mitigated_at != before.mitigated_at
    assert after.candidates["mitigated_at"][0] == after.mitigated_at


def test_a_snippet_of_a_few_messages_keeps_the_rules_choice(monkeypatch):
    assert len(ROWS) < MIN_MESSAGES <= len(LONGER)
    monkeypatch.setattr(rerank, "weights", lambda: {})
    before = extract_findings(channel(ROWS))
    monkeypatch.setattr(rerank, "weights", lambda: {"mitigated_at": {"rank0": -9.0}})
    assert extract_findings(channel(ROWS)).mitigated_at == before.mitigated_at


@pytest.mark.parametrize("case", sorted(Path("tests/data/eval_chat").iterdir()), ids=lambda p: p.name)
def test_with_the_shipped_weights_the_key_time_is_the_first_candidate_and_candidates_stay_apart(case, monkeypatch):
    key = json.loads((case / "answer_key.json").read_text(encoding="utf-8"))
    hint = key.get("date_hint")
    transcript = parse_transcript(
        (case / "paste.txt").read_text(encoding="utf-8"),
        tz=key.get("tz_hint") or "UTC",
        default_date=date.fromisoformat(hint) if hint else None,
        origin="paste.txt",
    )
    f = extract_findings(transcript)
    for name in ("detected_at", "mitigated_at", "resolved_at"):
        shown = f.candidates[name]
        assert len(shown) <= 3
        if f.key_time(name) is not None:
            assert shown and shown[0] == f.key_time(name)
        assert all(abs(a.at - b.at) >= SPREAD for i, a in enumerate(shown) for b in shown[i + 1 :])
    if f.mitigated_at and f.resolved_at:
        assert f.mitigated_at.at <= f.resolved_at.at
    if f.detected_at and f.mitigated_at and f.mitigated_at.at < f.detected_at.at:
        monkeypatch.setattr(rerank, "weights", lambda: {})
        rules = extract_findings(transcript)  # only where the rules too put the mitigation first (healed unnoticed)
        assert rules.mitigated_at.at < rules.detected_at.at


def test_the_shipped_weights_name_only_features_the_code_makes():
    """A reason reworded or a feature renamed leaves a weight that nothing matches: retrain then."""
    learned = weights()
    assert set(learned) == {"detected_at", "mitigated_at", "resolved_at"} and all(learned.values())
    made = {name for g in train_rerank.load(sorted(Path("tests/data").glob("eval_*"))) for x in g["x"] for name in x}
    unknown = {name for w in learned.values() for name in w} - made
    assert not unknown, f"weights for features the code no longer makes: {sorted(unknown)}"


def test_the_learner_finds_the_feature_that_marks_the_right_candidate():
    def group(n: int, right: int) -> dict:
        x = [{"noise": (i * 7 + n) % 3 / 3, ("good" if i == right else "bad"): 1.0} for i in range(3)]
        return {"set": f"s{n % 5}", "key": "mitigated_at", "chat": True, "real": False, "x": x, "y": [int(i == right) for i in range(3)]}

    groups = [group(n, n % 3) for n in range(60)]
    learned = train_rerank.train(groups)
    assert learned["mitigated_at"]["good"] > 0 > learned["mitigated_at"]["bad"]
    held = group(61, 2)
    assert train_rerank.order(learned, held)[0] == 2
    tally = train_rerank.cross_validate(groups)
    assert tally["cases"] == 60 and tally["model_top"] == 60 and tally["rules_top"] == 20


def test_a_candidate_is_at_most_the_pool_wide():
    sigs, key_times, pools = rules_and_pools(ROWS)
    assert all(len(pool) <= POOL for pool in pools.values())
    _, shown = reorder(sigs, key_times, pools)
    assert all(len(v) <= 3 for v in shown.values())
    assert all(abs(a.at - b.at) >= timedelta(minutes=10) for a, b in zip(shown["mitigated_at"], shown["mitigated_at"][1:]))


def test_the_wider_pool_holds_every_step_and_recovery_but_not_a_doubted_step_or_a_question():
    rows = [
        ("10:00", "bot:PagerDuty", "Triggered: checkout error rate > 5%"),
        ("10:03", "ana", "checkout is throwing 500s for everyone"),
        ("10:10", "ben", "restarted the checkout pods"),
        ("10:14", "ben", "rolled back the config too, not sure that had the desired effect"),
        ("10:30", "ana", "restarting the db next?"),
        ("10:45", "ana", "checkout is back, error rate normal"),
        ("12:00", "ben", "resolving the incident"),
    ]
    sigs = scan(channel(rows))
    pools: dict[str, list[KeyTime]] = {"detected_at": [], "mitigated_at": [], "resolved_at": []}
    widen(pools, sigs, det_i=1, mit_i=5)
    told = {(hm(c), c.reason) for c in pools["mitigated_at"] if not c.reason.startswith("the complaints stopped")}
    assert told == {("10:10", "a step taken"), ("10:45", "another recovery reported"), ("12:00", "another recovery reported")}
    assert not {"10:14", "10:30"} & {hm(c) for c in pools["mitigated_at"]}  # not the doubted rollback, not the question
    assert [hm(c) for c in pools["detected_at"]] == ["10:00", "10:03"]
    assert [hm(c) for c in pools["resolved_at"]] == ["10:45", "12:00"]


def test_a_turning_point_is_a_message_after_which_the_complaints_stop_whatever_its_words():
    rows = [
        ("09:50", "bot:Pingdom", "DOWN: shop.example.com"),
        ("09:55", "ana", "shop returns 503s"),
        ("10:00", "ben", "pulled node b out of the pool"),  # no word the vocabulary knows
        ("10:05", "ana", "anything in the logs from the payment side?"),
        ("10:12", "ben", "nothing odd there, writing it up"),
        ("11:30", "ana", "shop returns 503s again"),
        ("11:35", "ben", "looking"),
    ]
    sigs = scan(channel(rows))
    assert [hm(s.message) for s in turning_points(sigs, 1)] == ["10:00"]
    # not the question after it, not the last message (nobody talks after it), not before the detection
    assert turning_points(sigs, 3) == []


def test_a_statement_another_person_confirms_within_minutes_joins_the_pool_whatever_its_words():
    rows = [
        ("13:00", "bot:Pingdom", "DOWN: store.example.com"),
        ("13:02", "rick", "store pages show other people's carts"),
        ("13:12", "paulo", "ok preparing the maintenance page at the edge"),
        ("13:20", "paulo", "store is off. every path returns the maintenance page now"),  # no recovery word
        ("13:22", "erin", "confirmed from here and from support's vm"),
        ("13:40", "rick", "purging the cache for the account pages"),
        ("13:41", "rick", "purge confirmed"),  # the same person: no confirmation
        ("14:00", "paulo", "can we switch it back on?"),  # a question
        ("14:03", "erin", "👍"),
        ("14:30", "rick", "store back on, pages look right"),
        ("14:50", "erin", "looks good"),  # twenty minutes on: too late to answer it
    ]
    sigs = scan(channel(rows))
    assert [(hm(s.message), i) for s, i in confirmed(sigs, 2)] == [("13:20", 3)]
    pools: dict[str, list[KeyTime]] = {"detected_at": [], "mitigated_at": [], "resolved_at": []}
    widen(pools, sigs, det_i=1, mit_i=None)
    assert ("13:20", "another person confirmed it") in {(hm(c), c.reason) for c in pools["mitigated_at"]}
    assert "another person confirmed it" in WIDER  # the rules alone never show it


@pytest.mark.parametrize("answer", ["👍", ":+1:", "Works for me now", "no more errors on my side"])
def test_a_confirmation_in_an_emoji_or_in_words_answers_the_statement_before_it(answer):
    rows = [
        ("13:00", "bot:Pingdom", "DOWN: store.example.com"),
        ("13:02", "rick", "store pages show other people's carts"),
        ("13:20", "paulo", "store is off. every path returns the maintenance page now"),
        ("13:22", "erin", answer),
    ]
    assert [(hm(s.message), i) for s, i in confirmed(scan(channel(rows)), 2)] == [("13:20", 2)]


def test_the_detection_is_chosen_among_the_rules_reports_and_later_reports_are_alternatives():
    rows = [
        ("10:00", "bot:PagerDuty", "Triggered: checkout error rate > 5%"),
        ("10:15", "ana", "checkout is throwing 500s for everyone"),
        ("10:30", "bot:PagerDuty", "Triggered: escalation, checkout error rate > 20%"),
        ("10:50", "ben", "rolled back the deploy, errors back to normal"),
    ]
    sigs, key_times, pools = rules_and_pools(rows)
    assert "10:30" in [hm(c) for c in pools["detected_at"] if c.reason in WIDER]
    favour_wider = {"detected_at": {"reason=a report of the problem": 9.0}}
    times, shown = reorder(sigs, key_times, pools, learned=favour_wider)
    assert times["detected_at"].reason not in WIDER
    assert "10:30" in [hm(c) for c in shown["detected_at"]]  # offered, one key away


QUIET_END = [
    ("10:00", "bot:PagerDuty", "Triggered: checkout error rate > 5%"),
    ("10:03", "ana", "checkout is throwing 500s for everyone"),
    ("10:05", "cleo", "seeing it in eu too"),
    ("10:10", "ben", "restarting the payment workers"),
    ("10:20", "ben", "workers restarted"),
    ("10:26", "cleo", "ok"),
    ("10:40", "ana", "writing it up"),
]


def test_where_no_message_marks_the_mitigation_or_the_end_the_best_candidate_is_offered_as_an_estimate():
    sigs, key_times, pools = rules_and_pools(QUIET_END)
    assert key_times["mitigated_at"] is None and key_times["resolved_at"] is None  # "restarted", then silence
    learned = {"mitigated_at": {"reason=the complaints stopped after it": 1.0}, "resolved_at": {"rank0": 1.0}}
    times, shown = reorder(sigs, key_times, pools, learned=learned)
    mitigated, resolved = times["mitigated_at"], times["resolved_at"]
    assert hm(mitigated) == "10:20" and hm(resolved) == "10:40"
    for estimate in (mitigated, resolved):
        assert estimate.confidence < ESTIMATE_CONFIDENCE  # below what the rules ever state: asked about, marked
        assert estimate.reason.startswith("estimate: ") and estimate.message_ids
    assert shown["mitigated_at"][0] is mitigated and shown["resolved_at"][0] is resolved
    assert reorder(sigs, key_times, pools, learned={})[0] == key_times  # no weights: nothing is estimated


def test_an_estimate_gives_way_to_a_later_key_the_rules_dated():
    sigs, key_times, pools = rules_and_pools(QUIET_END)
    late = pools["resolved_at"][0]  # 10:40
    early = KeyTime(at=sigs[4].message.at, confidence=0.6, message_ids=[sigs[4].message.id], reason="declared resolved")
    pools = {**pools, "mitigated_at": [late], "resolved_at": [early]}
    times, shown = reorder(sigs, {**key_times, "resolved_at": early}, pools, learned={"mitigated_at": {"rank0": 1.0}, "resolved_at": {"rank0": 1.0}})
    assert times["mitigated_at"] is None and times["resolved_at"] == early  # 10:40 would come after the end
    assert shown["mitigated_at"] == [late]  # still offered, as the rules offered it


def test_the_detection_is_never_estimated():
    sigs, key_times, pools = rules_and_pools(QUIET_END)
    pools = {**pools, "detected_at": pools["mitigated_at"]}
    times, _ = reorder(sigs, {**key_times, "detected_at": None}, pools, learned={"detected_at": {"rank0": 1.0}})
    assert times["detected_at"] is None


def test_an_estimated_end_is_dropped_while_the_channel_is_still_talking(monkeypatch):
    rows = [*QUIET_END[:4], ("10:12", "dan", "which workers?"), ("10:14", "ben", "the eu ones"), *QUIET_END[4:]]
    rows += [("10:45", "cleo", "I'll check the dashboards again"), ("10:50", "dan", "thanks")]
    assert len(rows) >= MIN_MESSAGES
    monkeypatch.setattr(rerank, "weights", lambda: {"mitigated_at": {"rank0": 1.0}, "resolved_at": {"rank0": 1.0}})
    transcript = channel(rows)
    later = extract_findings(transcript, now=transcript.last_at + timedelta(days=1))
    assert later.resolved_at is not None and later.resolved_at.confidence < ESTIMATE_CONFIDENCE
    assert any(q.field == "resolved_at" for q in later.open_questions)  # an estimate is still asked about
    assert later.mitigated_at is not None and any(q.field == "mitigated_at" for q in later.open_questions)
    live = extract_findings(transcript, now=transcript.last_at + timedelta(minutes=20))
    assert live.resolved_at is None
    assert any("still going on" in q.question for q in live.open_questions)


def test_a_detection_before_the_start_read_moves_the_start_to_it_as_an_estimate():
    rows = [
        ("13:06", "teo", "gecko workers sit in the queue for ~45 min, nothing gets provisioned"),
        ("13:14", "priya", "same for builders, pending count keeps going up"),
        ("13:36", "dana", "took us-east-1 out of the provisioner's regions"),
        ("13:46", "benji", "nothing has been created at all since 13:36"),  # a second break, read as the start
        ("13:49", "dana", "provisioner iterations are failing now: TypeError"),
    ]
    sigs, key_times, pools = rules_and_pools(rows)
    assert hm(key_times["started_at"]) == "13:36"
    favour_first = {"detected_at": {"torder0": 5.0}}  # the earliest report
    times, shown = reorder(sigs, key_times, pools, learned=favour_first)
    assert hm(times["detected_at"]) == "13:06"  # not held after the start the rules read
    start = times["started_at"]
    assert hm(start) == "13:06" and start.confidence < ESTIMATE_CONFIDENCE and "first report" in start.reason
    assert "13:36" in [hm(c) for c in shown["started_at"]]  # the start read is still offered



def test_a_start_estimated_from_the_rules_detection_is_read_again_when_the_detection_moves_later():
    from facilitator.extract import _restart_after
    from facilitator.extract.times import NO_EARLIER_SIGN

    sigs = scan(channel([
        ("11:58", "karthik", "hotfix approved, starting the release now"),
        ("12:24", "karthik", "hotfix is out, will keep an eye on it"),
        ("14:23", "vikram", "sign-in tests failing in two regions, account pages timing out"),
        ("14:27", "ananya", "wait, the AT count went up 2 hours ago and everything was fine until around 2:15"),
    ]))
    at = {s.message.id: s.message.at for s in sigs}
    rules = KeyTime(at=at["L1"], message_ids=["L1"], reason="first message of the channel", confidence=0.3)
    moved = KeyTime(at=at["L3"], message_ids=["L3"], reason="first message reporting a symptom", confidence=0.65)
    estimate = rules.model_copy(update={"confidence": 0.2, "reason": f"{NO_EARLIER_SIGN}: when it was first reported"})
    times, shown = {"started_at": estimate, "detected_at": moved}, {"started_at": [estimate], "detected_at": [moved]}
    _restart_after(times, shown, rules, sigs, True, UTC)
    assert hm(times["started_at"]) == "14:15" and times["started_at"].message_ids == ["L4"]
    assert [hm(c) for c in shown["started_at"]] == ["14:15", "11:58"]  # the old estimate stays an alternative
    # the detection where the rules put it: the start stays as it was
    kept = {"started_at": estimate, "detected_at": rules}
    _restart_after(kept, {"started_at": [estimate]}, rules, sigs, True, UTC)
    assert kept["started_at"] is estimate


def test_a_recovery_the_reranker_chose_is_dated_by_the_time_its_message_states():
    from facilitator.extract import _as_stated

    sigs = scan(channel([
        ("03:29", "bot:UptimeRobot", "Monitor is DOWN: peerio.com - Reason: Connection Timeout"),
        ("04:18", "julien", "just woke up to this. site VM is off, power cycle fails"),
        ("05:07", "julien", "wait. the droplet is back up. uptimerobot says peerio.com came back at 4:37, half an hour ago"),
    ]))
    at = {s.message.id: s.message.at for s in sigs}
    detected = KeyTime(at=at["L2"], message_ids=["L2"], reason="first message reporting a symptom", confidence=0.65)
    chosen = KeyTime(at=at["L3"], message_ids=["L3"], reason="a recovery reported", confidence=0.2)
    rules = {"detected_at": detected, "mitigated_at": None}
    times, shown = {"detected_at": detected, "mitigated_at": chosen}, {"mitigated_at": [chosen]}
    _as_stated(times, shown, rules, sigs, UTC)
    assert hm(times["mitigated_at"]) == "04:37" and times["mitigated_at"].message_ids == ["L3"]
    assert shown["mitigated_at"][0] is times["mitigated_at"]
