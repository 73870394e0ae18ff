"""When the fault came in, as chat tells it: stated starts and ranges, clocks in other zones and on
twelve-hour faces, deploys cleared by their rollback or named as history, and times that are no start
(a time asked about, the next update's, the hour of data an alert checked)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


def cands(f, name) -> list[str]:
    return [hm(c) for c in f.candidates[name]]


def test_a_time_asked_about_is_not_the_start_when_one_is_stated():
    f = extract_findings(
        channel(
            [
                ("09:58", "bot:Alertmanager", "[FIRING] rejected inbound payments ratio > 5%"),
                ("09:59", "nadia", "inbound rejections jumped at 09:54, nothing gradual about it"),
                ("10:03", "priyanka", "we deployed fps-inbound at 09:40, could that be it?"),
            ]
        )
    )
    assert hm(f.started_at) == "09:54"


def test_a_range_with_one_zone_puts_both_ends_in_it():
    pacific = channel(
            [
                ("19:29", "bot:IcM", "Sev 2 incident created: elevated connectivity errors"),
                ("19:31", "grace", "customers getting unable to connect errors on repos and boards"),
                ("20:40", "grace", "all scale units back above 99.9%, connectivity errors gone"),
                ("21:06", "priya", "status: between 02:26 and 03:40 UTC customers may have observed connectivity errors"),
            ],
            tz="America/Los_Angeles",
        )
    pacific.timezone = "America/Los_Angeles"  # a bare clock in this channel is Pacific time
    f = extract_findings(pacific)
    assert f.started_at is not None
    assert f.started_at.at == datetime(2024, 12, 4, 2, 26, tzinfo=ZoneInfo("UTC"))  # not 02:26 in the channel's zone


def test_a_deploy_cleared_by_its_rollback_is_not_the_start():
    f = extract_findings(
        channel(
            [
                ("09:35", "bot:PagerDuty", "[Triggered] api-prod write error rate > 20%"),
                ("09:36", "priya", "error rate went vertical like a minute ago"),
                ("09:38", "marcus", "anything deployed in the last hour? I see a bindings deploy went out 9:20"),
                ("09:44", "tom", "rollback done, no change. error rate identical. so not the deploy"),
                ("10:02", "priya", "error rate back to baseline. POSTs succeeding"),
            ]
        )
    )
    assert hm(f.started_at) == "09:35"


def test_a_first_sign_stated_in_another_zone_and_i_think_that_worked():
    pacific = channel(
        [
            ("05:45", "sarah", "there's an incident on the hub, pods fail to schedule"),
            ("06:38", "sarah", "Tried doubling the CPU quota to 48"),
            ("06:48", "sarah", "Didn't work either"),
            ("08:01", "georgiana", "The first ZONE_RESOURCE_POOL_EXHAUSTED was at 10 am uk time"),
            ("08:29", "sarah", "Ooooh, I think that worked!!!!"),
        ],
        tz="America/Los_Angeles",
    )
    pacific.timezone = "America/Los_Angeles"
    f = extract_findings(pacific)
    assert f.started_at is not None and f.started_at.at == datetime(2024, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert hm(f.mitigated_at) == "08:29"  # not the quota bump that "didn't work either"


def test_the_step_its_author_then_owns_up_to_is_where_the_fault_came_in():
    f = extract_findings(
        channel(
            [
                ("07:02", "marisol", "starting on r41-r44 ToRs now"),
                ("07:12", "marisol", "zeroize sent to the pair for r43"),
                ("07:14", "marisol", "STOP. that was not r43. I targeted the wrong zone, that pair is production"),
                ("07:14", "bot:Alertmanager", "[FIRING:58] HypervisorUnreachable nyc1 (r27, r28)"),
                ("07:40", "marisol", "r27 is back. hypervisors reachable again"),
            ]
        )
    )
    assert hm(f.started_at) == "07:12"
    assert hm(f.detected_at) == "07:14"


def test_a_range_gives_its_meridiem_to_its_start_and_still_502_is_no_recovery():
    f = extract_findings(
        channel(
            [
                ("05:21", "bot:Uptime Robot", "Monitor is DOWN: clientsite-4471 - HTTP 502 - Bad Gateway"),
                ("05:27", "pim", "rollback done on all sites. still 502"),
                ("05:38", "nattapong", "memcached restarted, sites loading again, 502s gone"),
                ("05:58", "carla", "statuspage note: between 5:20 and 5:38 AM some client websites returned 502 errors"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "05:38"
    assert hm(f.started_at) == "05:20"


def test_only_the_change_a_failed_rollback_names_is_cleared():
    f = extract_findings(
        channel(
            [
                ("17:21", "bot:Deploy Bot", "api-gateway v2025.11.24-3 rolling out to prod, triggered by Marcus"),
                ("17:26", "bot:Deploy Bot", "api-gateway v2025.11.24-3 rollout complete (42/42 pods)"),
                ("17:29", "bot:Datadog", "[Triggered] Management API 5xx rate > 5% (current 38.2%)"),
                ("17:35", "jonas", "the mgmt-api deploy from this afternoon, 16:50, touched the auth middleware. could that be it?"),
                ("17:40", "wei", "rolling back mgmt-api to be safe"),
                ("17:46", "wei", "no change. data api still 500ing, so that wasn't it"),
                ("17:55", "wei", "gateway rollback done, 5xx back to baseline on every route"),
            ]
        )
    )
    assert hm(f.detected_at) == "17:29"  # "triggered by Marcus" is a deploy, not an alert
    assert hm(f.started_at) == "17:26"  # the gateway rollout, not the mgmt-api deploy the rollback cleared


def test_twelve_oclock_on_a_twelve_hour_clock_after_midnight_and_a_rollout_time_is_no_detection():
    f = extract_findings(
        channel(
            [
                ("01:41", "bot:PagerDuty", "Triggered: [CRITICAL] shard-c ingest lag > 10 min"),
                ("01:45", "ben", "ingest lag on shard c started climbing at 12:29. consumers stuck"),
                ("05:08", "hanne", "checks pass. consumers unpaused, data is processing again, lag back to normal"),
            ]
        )
    )
    assert hm(f.started_at) == "00:29"
    g = extract_findings(
        channel(
            [
                ("10:58", "ebourne", "anyone else notice the auth-svc rollout finished around 10:05?"),
                ("11:00", "bot:nagbot", "PROBLEM: api-http-5xx-rate on lb-api-iad is CRITICAL (14.2% > 5%)"),
                ("12:44", "rkowal", "all services fully functional, 5xx back to normal"),
            ]
        )
    )
    assert hm(g.detected_at) != "10:05"


def test_with_nothing_earlier_told_the_first_alert_is_offered_as_the_start_at_low_confidence():
    f = extract_findings(
        channel(
            [
                ("20:36", "bot:Datadog", "Triggered: [P1] TCP retransmits high on dc-west (retransmit rate 4.8%)"),
                ("20:40", "nadia", "looking, egress packet loss on dc-west"),
                ("22:26", "nadia", "all clear then. all systems operational, packet loss back to normal"),
            ]
        )
    )
    assert hm(f.started_at) == "20:36" and f.started_at.confidence < 0.25


def test_a_cleared_deploy_time_is_not_the_start_and_the_first_notice_is_the_estimate():
    f = extract_findings(
        channel(
            [
                ("12:02", "dana", "dashboard is timing out for me and i'm getting 502s"),
                ("12:08", "sam", "anything deployed in the last hour?"),
                ("12:09", "raj", "nothing since 10:40"),
                ("12:50", "dana", "errors back to baseline"),
            ]
        )
    )
    assert hm(f.started_at) == "12:02"
    assert f.started_at.confidence < 0.25  # an estimate, for the commander to confirm


@pytest.mark.parametrize(
    "said",
    ["did anyone push anything? last deploy was 6pm", "nope, last prod deploy was 6pm and it's been clean since"],
)
def test_a_deploy_named_hours_before_the_symptoms_is_history_not_the_start(said):
    f = extract_findings(
        channel(
            [
                ("03:55", "bot:New Relic", "Alert opened: Apdex < 0.7 on web (production)"),
                ("03:59", "liam", "I'm on. everything is red"),
                ("04:03", "liam", said),
                ("04:41", "josh", "private network is back! app reconnected, back to normal"),
            ]
        )
    )
    assert hm(f.started_at) in ("03:55", "03:59")  # the first notice, not yesterday's 18:00


def test_a_time_set_for_the_next_update_is_no_start():
    f = extract_findings(
        channel(
            [
                ("12:43", "bot:Datadog", "[P1] transaction success rate below 60%"),
                ("12:50", "karthik", "card auth failing on every program"),
                ("13:15", "priya", "posted: we are aware of transaction failures on the platform, next update 1:45. no ETA"),
                ("13:33", "arjun", "restarted sparta, success rate back to 98%"),
            ]
        )
    )
    assert "01:45" not in cands(f, "started_at") and hm(f.started_at) != "01:45"


def test_an_alert_naming_the_hour_of_data_it_checked_is_dated_when_it_fired():
    f = extract_findings(
        channel(
            [
                ("07:24", "bot:pipeline-bot", "LLD completeness check FAILED for hour 2024-12-03 03:00 UTC - 61.2% of expected rows"),
                ("07:31", "priyanka", "ack'd. hour 03 of log level data is only 61% complete and it's already published"),
                ("08:40", "priyanka", "reprocessed the hour, completeness check passing again"),
            ]
        )
    )
    assert hm(f.detected_at) == "07:24"  # not 03:00, the hour the data is for
