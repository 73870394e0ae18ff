"""The problem back after a recovery, or never gone: "dead again", "aaand it's back", a monitor
failing minutes after its recovery, a step that changed nothing; and what only sounds like it (a wish
that it never happens again, a different monitor failing, blaming the provider once it is over)."""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_chat_recovery import cands
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


def test_back_to_timeouts_after_a_step_is_the_problem_again():
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: api down"),
                ("10:40", "kessler", "restarted nginx on web2. responses working again"),
                ("10:47", "kessler", "nope, back to timeouts"),
                ("11:40", "kessler", "raised the limits. all requests normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:40"


def test_errors_going_back_up_is_a_relapse_and_a_recovery_naming_the_symptom_still_counts():
    f = extract_findings(
        channel(
            [
                ("16:02", "bot:PagerDuty", "TRIGGERED api-gateway 5xx ratio > 50%"),
                ("16:55", "lena", "batch 1 applied, error rate back to normal"),
                ("17:14", "lena", "hmm error rate went back UP to 70% for a couple min"),
                ("17:36", "lena", "gateway 5xx back to baseline. we're good"),
                ("18:12", "dmitri", "all clear. closing this out"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "17:36"  # the first recovery after it broke again


def test_dead_again_is_a_relapse():
    f = extract_findings(
        channel(
            [
                ("13:08", "bot:Pingdom", "DOWN alert: realtime-gw is DOWN"),
                ("13:15", "kyle", "process is up but not answering. restarting it"),
                ("13:27", "mel", "ohio dept says buttons work again 👍"),
                ("13:42", "kyle", "nope. dead again"),
                ("15:12", "mel", "ohio + two other depts confirm buttons, positions and chat all working 🙌"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "15:12"


def test_its_back_after_a_recovery_is_the_problem_back():
    f = extract_findings(
        channel(
            [
                ("19:05", "bot:Statuspage", "Investigating - Some customers received HTTP 5XX errors"),
                ("19:24", "elena", "new routers are in, 5xx dropping"),
                ("19:31", "marcus", "looks better. under 0.1% now"),
                ("20:03", "bot:Alertmanager", "[FIRING:1] ELB5xxRate production (5xx > 5% for 5m)"),
                ("20:04", "marcus", "aaand it's back"),
                ("22:01", "marcus", "5xx on the shared LBs back to baseline ✅"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "22:01"
    assert "19:24" in cands(f, "mitigated_at") or "19:31" in cands(f, "mitigated_at")


def test_cpu_back_at_100_percent_is_the_problem_back():
    f = extract_findings(
        channel(
            [
                ("22:10", "bot:Pingdom", "DOWN: node bh006"),
                ("22:28", "sam", "tried `systemctl restart wings` already, same thing, cpu back at 100% within a minute"),
                ("22:54", "sam", "wings pinned to the old version, cpu at 4%, servers starting. all good"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "22:54"


def test_a_step_whose_problem_goes_on_is_no_recovery():
    for text in ("rollback is done but lag still climbs. so it was not the deploy", "restart done but it fills up again immediately"):
        f = extract_findings(
            channel(
                [
                    ("09:24", "bot:PagerDuty", "Triggered: processor lag > 10 min on trace-ingest"),
                    ("09:38", "yuki", text),
                    ("11:06", "marcus", "lag back under a minute, impact over from our side"),
                ]
            )
        )
        assert hm(f.mitigated_at) == "11:06", text


def test_recoveries_in_ops_words_and_a_test_rollback_that_crashed_the_same_way():
    f = extract_findings(
        channel(
            [
                ("13:02", "bot:Datadog", "Triggered: directory pods crash looping"),
                ("13:16", "ben", "rolled back to tuesday's build on one pod as a test... it crashed the same way. not the deploy"),
                ("13:38", "ben", "rule live. no restarts since"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "13:38"


def test_a_second_step_that_also_changed_nothing_and_a_plan_to_close_later():
    f = extract_findings(
        channel(
            [
                ("11:02", "bot:Nagios", "PROBLEM: core-switch-2 unreachable"),
                ("11:30", "ana", "reverted the vlan change. no change"),
                ("11:42", "ana", "rolled back last week's acl change too just in case. also nothing"),
                ("16:00", "ana", "replacement supervisor card in, everything is working again"),
                ("16:20", "lee", "leaving our incident open until the vendor posts their rca, then i'll mark resolved"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:00"
    assert hm(f.resolved_at) != "16:20"  # a plan to close is not the close


def test_a_monitor_that_fails_again_minutes_after_its_recovery_never_recovered():
    f = extract_findings(
        channel(
            [
                ("08:43", "bot:opsbot", "[PROBLEM] rubygems.org HTTP is CRITICAL: Socket timeout after 10 seconds"),
                ("08:52", "bot:opsbot", "[RECOVERY] rubygems.org HTTP is OK: HTTP/1.1 200 OK"),
                ("08:58", "bot:opsbot", "[PROBLEM] rubygems.org HTTP is CRITICAL: Socket timeout after 10 seconds"),
                ("10:13", "lena", "gem install is hanging for me too"),
                ("14:07", "kalina", "workers idle, db load back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:07"


def test_a_different_monitor_failing_does_not_undo_a_recovery():
    f = extract_findings(
        channel(
            [
                ("08:43", "bot:opsbot", "[PROBLEM] api.example.com HTTP is CRITICAL"),
                ("08:52", "bot:opsbot", "[RECOVERY] api.example.com HTTP is OK"),
                ("09:10", "bot:opsbot", "[PROBLEM] backup-07 disk is CRITICAL"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:52"


@pytest.mark.parametrize("text", ["nope, died again at 07:20", "nope, pegged again in 3 min"])
def test_a_service_dying_again_is_a_relapse(text):
    f = extract_findings(
        channel(
            [
                ("06:00", "kofi", "api is down, OOM crash loop"),
                ("06:40", "kofi", "bumped the heap, api is back up"),
                ("07:25", "kofi", text),
                ("08:33", "lewis", "api back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:33"


@pytest.mark.parametrize(
    "text",
    [
        "thanks all. don't want to sit on that lock again",
        "let's not do that again lol",
        "we can't let this happen again",
        "we need a second box, can't sit through 4h of this again",
    ],
)
def test_a_wish_that_it_never_happens_again_is_not_a_relapse(text):
    f = extract_findings(
        channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("10:40", "kofi", "back to normal"), ("11:00", "lewis", text)])
    )
    assert hm(f.resolved_at) == "10:40"


def test_not_working_again_is_still_a_relapse():
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: service down"),
                ("10:40", "kofi", "back to normal"),
                ("11:00", "lewis", "login not working again"),
                ("11:30", "kofi", "login back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:30"


def test_blaming_the_provider_after_the_recovery_is_not_a_relapse():
    f = extract_findings(
        channel(
            [
                ("20:21", "marten", "everyone just got kicked, site doesnt load"),
                ("20:45", "marten", "and we're back. weird"),
                ("21:24", "marten", "transip answered: incident with the VPS firewall. so not us 🙃"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "20:45" and hm(f.resolved_at) == "20:45"


def test_the_problem_gone_and_the_service_healthy_again_is_a_recovery_not_the_problem_again():
    f = extract_findings(
        channel(
            [
                ("10:00", "bot:Grafana", "[Alerting] api 5xx > 2%"),
                ("10:05", "ana", "api returning 502s"),
                ("10:12", "ben", "restarting the api pods"),
                ("10:30", "ana", "errors gone, api healthy again"),
                ("10:40", "ben", "errors again after the restart of the second pool"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:30"  # "errors ... again" across the health words is no relapse
    assert "10:40" not in cands(f, "mitigated_at")  # while "errors again" still is one
