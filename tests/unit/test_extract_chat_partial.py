"""Recoveries that are only part of the way ("rest still dark", "~1/5 of nominal", "rolling it
out now"), all-clears said as a clean spell ("zero skips in the last 5 min"), an alert someone
took on while guessing it was noise, and who is not a person (a pager's relay nick, an account
posted to)."""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_conversation import channel, hm
from tests.unit.test_extract_responders import channel as authored

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


def test_some_hosts_back_while_the_rest_are_still_dark_is_not_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("16:10", "bot:Pingdom", "DOWN: 14 hosts in ams unreachable"),
                ("16:12", "rob", "switch in ams looks dead, calling the provider"),
                ("17:02", "rob", "3 of the 14 are pingable again. rest still dark"),
                ("17:30", "ines", "provider swapping the line card now"),
                ("17:56", "rob", "all 14 hosts are reachable again, apps answering through the proxy"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "17:56"


def test_a_share_of_nominal_is_a_partial_recovery_but_an_alert_threshold_is_not():
    f = extract_findings(
        channel(
            [
                ("07:10", "bot:Alertmanager", "[FIRING:1] IngestNoTraffic: ingress receiving 0 dp/s"),
                ("07:12", "antoine", "looking, ingest is flat"),
                ("08:18", "antoine", "metrics ingesting again, ~1/5 of nominal"),
                ("08:40", "ines", "restarted the remaining ingesters"),
                ("09:00", "antoine", "ingest back to normal, every series flowing again"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "09:00"
    g = extract_findings(
        channel(
            [
                ("12:08", "bot:PagerDuty", "[Triggered] ingest: successful RTMP handshakes < 60% of baseline"),
                ("12:10", "mara", "on it, auth config looks wrong"),
                ("12:31", "kenji", "reverted the auth config, handshakes working again"),
                ("12:57", "bot:PagerDuty", "[Resolved] ingest: successful RTMP handshakes < 60% of baseline"),
            ]
        )
    )
    assert hm(g.mitigated_at) == "12:31"


def test_a_status_post_rolling_the_fix_out_now_is_not_the_end_of_the_impact():
    f = extract_findings(
        channel(
            [
                ("12:07", "bot:Statuspage", "[Investigating] The styles picker fails to load for some users."),
                ("12:20", "theo", "TypeError in StylePickerList since the 11:50 bundle"),
                ("13:02", "bot:Statuspage", "[Update] A fix has been implemented and we're rolling it out to users now."),
                ("13:14", "priya", "rollout at 50%, the TypeError is half of what it was"),
                ("13:29", "theo", "StylePickerList errors gone for the last few min, picker loads for everyone again"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "13:29"


def test_zero_failures_in_the_last_minutes_is_a_recovery():
    f = extract_findings(
        channel(
            [
                ("10:40", "bot:Datadog", "[Triggered] distribution monitors skipped evaluations > 5%"),
                ("10:45", "rachel", "looking. processing lag on distributions"),
                ("12:30", "tom", "scaled the processors, lag coming down"),
                ("13:10", "dev", "distribution monitors evaluating again, zero skips in the last 5 min"),
                ("14:20", "rachel", "closing, postmortem to follow"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "13:10"


def test_an_alert_acked_while_guessing_it_is_the_flaky_probe_is_still_the_detection():
    f = extract_findings(
        channel(
            [
                ("07:10", "bot:Alertmanager", "[FIRING:1] IngestMonitoringBroken: time series checks failing"),
                ("07:12", "antoine", "ack. prob the probe itself again, it flapped last thursday"),
                ("07:25", "antoine", "nope probe is fine, ingest latency climbing"),
                ("07:40", "bot:Alertmanager", "[FIRING:3] IngressNoTraffic: ingress receiving 0 dp/s"),
            ]
        )
    )
    assert hm(f.detected_at) == "07:10"


def test_a_pager_relay_nick_is_a_bot_and_a_twitter_account_is_not_a_responder():
    f = extract_findings(
        authored(
            [
                ("pd-self", "[PagerDuty] Incident #48211 triggered: dispatch-coord-2 heartbeat - assigned to dwatson"),
                ("dwatson", "ack, dispatch quorum lost on the west peering point"),
                ("mhall", "yes pls. twitter @PagerDutyOps, say notifications are delayed, investigating"),
                ("jrios", "posted, and failing dispatch over to the east ring"),
                ("pd-self", "[PagerDuty] Incident #48211 resolved by mhall"),
            ]
        )
    )
    assert sorted(r.name for r in f.responders) == ["dwatson", "jrios", "mhall"]


def test_all_systems_verified_operational_is_a_recovery():
    f = extract_findings(
        channel(
            [
                ("12:06", "bot:Alertmanager", "[FIRING:4] KubeDaemonSetRolloutStuck kiam, fluentd"),
                ("12:08", "mette", "nodes full, daemonsets cannot land"),
                ("12:35", "rasmus", "deleting some non-critical pods on the full nodes"),
                ("12:40", "jesper", "all systems verified operational, ingress returning 200s"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "12:40"


def test_a_changes_checks_going_green_before_it_merges_is_not_the_service_back():
    f = extract_findings(
        channel(
            [
                ("17:05", "bot:PagerDuty", "[Triggered] scheduled runs queued > 15 min in us-mt"),
                ("17:10", "hannah", "scheduler is stuck on the bad config, preparing the revert"),
                ("18:24", "ravi", "pushing an empty commit to re-trigger the revert PR"),
                ("18:49", "ravi", "runner picked up, checks green, merging"),
                ("21:18", "hannah", "us-mt rollout done. scheduled runs starting again but queue is deep, draining"),
                ("22:30", "carlos", "us-mt back to normal: last stuck run drained, new runs start within seconds"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "22:30"
