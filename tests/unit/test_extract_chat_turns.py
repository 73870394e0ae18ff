"""Turns of real incident chat: a failure explained afterwards, a partial recovery said in new words,
a stalled flow, a status post's stage tag, a monitor's warning sign.

Each test reads a small channel the way the rules read it (no learned order).
"""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from facilitator.extract.signals import scan
from tests.unit.test_extract_chat_recovery import mitigation_after_outage
from tests.unit.test_extract_chat_words import read
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")


def test_an_answer_to_why_it_failed_is_no_relapse_and_the_all_clear_stands():
    f = extract_findings(
        channel([
            ("09:15", "bot:Datadog", "[Triggered] ingest-throughput-zero: events processed/s = 0"),
            ("09:15", "marc", "that's my deploy. rolling back now"),
            ("09:17", "marc", "back. 500s gone, ingestion graph climbing"),
            ("09:18", "ravi", "closing the incident. postmortem doc to follow"),
            ("09:31", "ravi", "why didn't the deploy health check stop this? readiness passed?"),
            ("09:33", "marc", "readiness only checks the http listener, so pods went Ready then died on first message"),
            ("09:40", "anouk", "customer comms sent"),
        ])
    )
    assert hm(f.mitigated_at) == "09:17"
    assert hm(f.resolved_at) == "09:18"


def test_the_problem_back_while_a_why_question_is_open_is_still_a_relapse():
    sigs = scan(channel([
        ("09:15", "bot:Datadog", "[Triggered] ingest-throughput-zero"),
        ("09:17", "marc", "back. 500s gone"),
        ("09:31", "ravi", "why didn't the health check stop this?"),
        ("09:33", "marc", "pods died again, 500s are back"),
    ]))
    assert sigs[-1].state == "relapse"


@pytest.mark.parametrize(
    "partial, full",
    [
        ("that smoothed it a lot, error rate down to maybe 1%. still wobbling on harrier", "edge 5xx back at baseline, HC green on every origin"),
        ("first customer sites serving again, mine loads", "webapp-checker clean: all hosted websites are up again"),
        ("8 of 15 new nodes drained, no new alerts since 15:50", "all workloads back on the old nodes, no disk pressure anywhere"),
    ],
)
def test_a_partial_recovery_gives_way_to_the_full_one(partial, full):
    f = extract_findings(
        channel([
            ("10:30", "bot:Nagios", "PROBLEM: service down"),
            ("10:40", "kofi", "outbound calls failing"),
            ("11:10", "lewis", partial),
            ("11:50", "kofi", full),
        ])
    )
    assert hm(f.mitigated_at) == "11:50"


@pytest.mark.parametrize(
    "text",
    [
        "all workloads moved, calling it repaired for today",
        "testnet producing blocks again (height 15372901)",
        "jobs are being scheduled again 🎉 but there's a big backlog, it'll take a while",
    ],
)
def test_the_work_moving_again_or_a_verdict_of_repaired_is_a_recovery(text):
    assert mitigation_after_outage(text) == "11:10"


@pytest.mark.parametrize("text", ["we stopped processing jobs again", "not producing blocks again yet"])
def test_work_stopped_again_is_no_recovery(text):
    assert read(text).state != "recover"


@pytest.mark.parametrize(
    "text",
    [
        "hmm my node keeps restarting: panic: failed to load latest version",
        "same here, restart loop",
        "well past 2/3 on v4 and still no block",
        "the chain has halted for 20m",
    ],
)
def test_a_process_dying_over_and_over_or_a_stalled_flow_is_a_symptom(text):
    assert "symptom" in read(text).flags


def test_treating_it_as_an_incident_declares_one():
    assert "incident_created" in read("ok this is not a slow upgrade. we're treating this as an incident").flags


def test_a_status_posts_stage_tag_makes_it_a_status_post_still_under_way():
    f = extract_findings(
        channel([
            ("10:30", "bot:Nagios", "PROBLEM: service down"),
            ("10:40", "kofi", "outbound calls failing"),
            ("10:50", "bot:statuspage", "*Identified* — The issue has been identified and calls are working again for some customers."),
            ("11:20", "lewis", "calls back to normal everywhere"),
        ])
    )
    assert "status_page" in read("[Investigating] testnet halted after the upgrade").flags
    assert hm(f.mitigated_at) == "11:20"


def test_a_monitors_warning_sign_is_an_alert():
    sig = read("⚠️ cheqd-testnet-6: no new block for 60s (last height 15372899)", author="bot:Block Monitor")
    assert "alert" in sig.flags


def test_a_step_that_barely_helped_is_what_is_left_not_the_problem_back():
    f = extract_findings(
        channel([
            ("16:41", "anja", "builds not starting, scheduler stuck"),
            ("19:21", "lars", "jobs are being scheduled again but there's a big backlog"),
            ("21:30", "jonas", "bumped scheduler concurrency a bit, didn't help much, it's the db queries"),
            ("23:50", "lars", "backlog fully cleared, scheduling times normal again"),
        ])
    )
    assert hm(f.mitigated_at) == "19:21"
