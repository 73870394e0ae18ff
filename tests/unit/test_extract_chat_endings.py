"""How chat marks the end of an incident: cheered news, the all-clear people agree to, and the
step that stopped the impact when the channel dates it only by that step."""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_chat_recovery import cands, mitigation_after_outage
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading



@pytest.mark.parametrize(
    "text",
    [
        "teacher confirms students are back in :tada:",
        "pending ops queue at 0 🎉",
        "first customer just said their build started :tada:",
        "all services online ✅",
    ],
)
def test_cheered_news_after_the_outage_is_a_recovery(text):
    assert mitigation_after_outage(text) == "11:10"


@pytest.mark.parametrize(
    "text",
    [
        "🙌 thanks both",  # a cheer for the people, not news of the service
        ":tada: nice work",
        "loads for me 🎉 (slow)",  # still wrong
        "first test build in the new account went green 🎉 doing a few more before we flip traffic",  # a test
        "all v74XX nodes started :tada: except v7430 panics on boot",
        "is it back? 🎉",
        "schon wieder kaputt",  # German: broken again
        "it's back :( slow page loads + timeouts again this morning",
        "failed over to the bigger box. better for 5 min then same again",
        "restored state, broker starts, then dies after ~40s",
        "ugh. secondary memory climbing hard, latency 4s. it's going bad too",
        "restarted one api server with traffic blocked -> healthy. let traffic back -> dead in 40s",
    ],
)
def test_a_cheer_without_news_of_the_service_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


def test_a_cheer_before_any_problem_is_not_a_recovery():
    f = extract_findings(channel([("10:00", "kofi", "new dashboard shipped 🎉"), ("10:30", "bot:Nagios", "PROBLEM: service down")]))
    assert f.mitigated_at is None


@pytest.mark.parametrize(
    "text",
    [
        "backlog zero, no new stuck jobs. good to resolve",
        "great, resolve it",
        "ok to close",
        "last of it is out. we're done 🙌",
        "yes, resolve 👍",
        "resolving it",
        "no new reports, confirmed resolved. closing the status page incident",
        "resolving ours",
        "closing it out on status",
    ],
)
def test_the_go_ahead_to_close_is_the_all_clear(text):
    f = extract_findings(
        channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("10:40", "kofi", "back to normal"), ("11:30", "lewis", text)])
    )
    assert hm(f.resolved_at) == "11:30"


def test_a_status_relays_resolved_post_is_the_status_page_closing_it():
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: service down"),
                ("10:40", "kofi", "back to normal"),
                ("11:30", "bot:statusbot", "[Acme Status] Resolved \u2014 We've resolved all known issues with uploads."),
            ]
        )
    )
    closing = [c for c in f.candidates["resolved_at"] if hm(c) == "11:30"]
    assert closing and "status page" in closing[0].reason


def test_a_provider_marking_theirs_resolved_is_not_our_all_clear():
    f = extract_findings(
        channel(
            [
                ("17:12", "kpatel", "gmail bounces on every school's mail, sendgrid suppression list"),
                ("20:41", "rgallo", "sendgrid marked theirs resolved, they say suppression lists are being cleared"),
                ("20:48", "amorales", "checked 3 of the reported addresses, off the suppression list now"),
                ("20:56", "kpatel", "resolving ours"),
            ]
        )
    )
    assert hm(f.resolved_at) == "20:56"


def test_a_status_page_recovery_post_dates_the_mitigation_by_the_step_it_reports():
    f = extract_findings(
        channel(
            [
                ("13:00", "kofi", "sign-in is failing for every customer"),
                ("14:25", "kofi", "fix is up, deploying"),
                ("14:30", "marco", "deployed"),
                ("14:50", "bot:Statuspage", "Monitoring - A fix has been deployed and we are monitoring sign-in."),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:30"
    assert "14:50" in cands(f, "mitigated_at")


def test_a_step_long_before_the_status_post_does_not_date_it():
    f = extract_findings(
        channel(
            [
                ("13:00", "kofi", "sign-in is failing for every customer"),
                ("13:30", "marco", "deployed"),
                ("14:50", "bot:Statuspage", "Monitoring - A fix has been deployed and we are monitoring sign-in."),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:50"


def test_a_bare_done_before_the_recovery_is_offered_as_the_step_that_brought_it():
    f = extract_findings(
        channel(
            [
                ("14:33", "bot:Opsgenie", "[P1] pis-gateway: success rate < 80% (5m)"),
                ("14:42", "victor", "fastest is bouncing the app processes so they build fresh pools @dumitru"),
                ("14:45", "dumitru", "done"),
                ("14:58", "victor", "queue empty, both services back at normal rps"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:58"
    assert "14:45" in cands(f, "mitigated_at")


@pytest.mark.parametrize(
    "text",
    ["synthetics green in EU, US has one flappy check left", "calling it a night, still broken", "calling it?",
     "プレス第二報は「一部地域で回復傾向」で出します。全面復旧とは書きません"],
)
def test_one_region_green_or_calling_it_a_night_is_not_the_end(text):
    f = extract_findings(channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("11:00", "lewis", text)]))
    assert f.resolved_at is None


def test_a_full_recovery_declared_in_japanese_is_the_all_clear():
    f = extract_findings(channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("11:30", "lewis", "全サービスで正常を確認しました。全面復旧とします")]))
    assert hm(f.resolved_at) == "11:30"


def test_calling_it_is_the_all_clear():
    f = extract_findings(channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("11:30", "lewis", "probes are all green now. calling it")]))
    assert hm(f.resolved_at) == "11:30"


def test_a_commander_calling_it_after_the_recovery_is_the_all_clear_and_calling_it_restored_is_the_recovery():
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: service down"),
                ("10:50", "lewis", "I'm calling it restored. all server vlans up"),
                ("11:20", "kofi", "wrote up the follow-ups in the doc"),
                ("11:30", "lewis", "ok I'm calling it - the critical hole is closed, rest is hardening over the next week"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:50"
    assert hm(f.resolved_at) == "11:30"


@pytest.mark.parametrize("answer", ["y", "yep do it", "👍", "+1"])
def test_a_closing_question_someone_agrees_to_is_the_all_clear(answer):
    f = extract_findings(
        channel(
            [
                ("13:00", "bot:Nagios", "PROBLEM: updates failing"),
                ("14:25", "nadia", "marking resolved?"),
                ("14:26", "luis", answer),
            ]
        )
    )
    assert hm(f.resolved_at) == "14:25"


def test_a_closing_question_nobody_agrees_to_is_not_the_all_clear():
    f = extract_findings(
        channel(
            [
                ("13:00", "bot:Nagios", "PROBLEM: updates failing"),
                ("14:25", "nadia", "marking resolved?"),
                ("14:26", "luis", "no, android still failing"),
                ("14:27", "nadia", "y"),  # the asker's own "y" agrees to nothing
            ]
        )
    )
    assert f.resolved_at is None


def test_a_tools_check_mark_icon_on_a_note_is_no_cheer():
    f = extract_findings(
        channel(
            [
                ("13:20", "bot:Datadog", "[P2] tts latency > 1.8s"),
                ("13:22", "", "✅ Acknowledged   Tomasz acknowledged the escalation"),
            ]
        )
    )
    assert f.mitigated_at is None


def test_with_no_recovery_said_the_last_step_reported_done_is_the_estimate():
    f = extract_findings(
        channel(
            [
                ("07:10", "bot:Nagios", "PROBLEM: transit to level3 blackholed"),
                ("07:22", "pk", "admin down the L3 interface? everything will shift to sprint"),
                ("07:26", "pk", "committing. deactivate protocols bgp group level3"),
                ("07:28", "pk", "done"),
                ("07:40", "jen", "thanks, I'll tell the colo folks"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "07:28" and f.mitigated_at.confidence < 0.5


def test_a_step_done_and_then_still_broken_is_no_estimate():
    f = extract_findings(
        channel(
            [
                ("07:10", "bot:Nagios", "PROBLEM: transit to level3 blackholed"),
                ("07:28", "pk", "done"),
                ("07:35", "jen", "site still down for the colo customers"),
            ]
        )
    )
    assert f.mitigated_at is None


@pytest.mark.parametrize(
    "text",
    [
        "idp is fine, i can log into the portal with it so not sso",
        "node looks healthy. 40% mem, disk fine. it's the service",
        "our health check is green tho :thinking_face:",
        "pools look healthy tho, conns fine",
        "nope, cache hit rate is normal",
        "db is fine, the problem is the proxy in front of it",
    ],
)
def test_a_part_found_healthy_while_the_fault_lies_elsewhere_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


def test_a_recovery_with_a_reservation_is_still_a_recovery():
    assert mitigation_after_outage("catalog pages loading again for me, slow though") == "11:10"


def test_in_chat_a_workaround_does_not_come_before_the_recovery_people_report():
    f = extract_findings(
        channel(
            [
                ("09:00", "bot:Pingdom", "DOWN: shop.example.com"),
                ("09:05", "ana", "shop is down for everyone"),
                ("09:35", "ben", "switched DNS to the static mirror to restore basic functionality"),
                ("12:10", "ana", "web server restored by the provider, shop is back"),
                ("12:40", "ben", "all good, closing"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "12:10"


def test_in_chat_a_revert_link_before_the_recovery_is_still_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("10:10", "bot:Alerts", "FIRING: hosts crashing after content update"),
                ("10:20", "dmitri", "hosts boot-looping everywhere"),
                ("11:27", "dmitri", "https://deploy.example.com/releases/291/rollback/5521"),
                ("12:40", "leti", "heartbeats recovering slowly, maybe 10% back"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:27"


@pytest.mark.parametrize(
    ("leftover", "mitigated"),
    [
        ("still seeing some 503s from a couple of ISP resolvers, ttl", "11:00"),  # what is left: the recovery stands
        ("customer in row D says still down", "11:00"),
        ("nope, down again. same errors", "11:30"),  # the problem came back: the recovery that held
    ],
)
def test_what_is_left_of_the_problem_is_not_the_problem_coming_back(leftover, mitigated):
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: web down"),
                ("10:40", "kofi", "site is down for everyone"),
                ("11:00", "lewis", "failover done, site back up"),
                ("11:10", "kofi", leftover),
                ("11:30", "lewis", "restarted the pool, site back up for everyone"),
                ("12:00", "kofi", "all good, closing"),
            ]
        )
    )
    assert hm(f.mitigated_at) == mitigated


def test_after_an_easing_what_is_left_does_not_hide_the_full_recovery():
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Alertmanager", "FIRING: StartFailureRate us-east-1"),
                ("10:40", "oren", "starts failing for most projects"),
                ("11:00", "oren", "a bit better, start failures down to ~12%"),
                ("11:20", "ilse", "still seeing 30s+ starts for some projects in support tickets"),
                ("11:40", "oren", "start failures at 0.3%, back to normal"),
                ("12:30", "ilse", "all good, closing"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:40"


def test_a_rollback_told_done_then_errors_not_yet_at_baseline_is_no_mitigation_yet():
    f = extract_findings(
        channel(
            [
                ("07:20", "bot:Datadog", "Triggered: vod playback errors > 5%"),
                ("07:25", "jo", "vod playback failing for older videos"),
                ("07:47", "priya", "rolling vod-manifest back to the previous build"),
                ("07:53", "priya", "rollback finished in all regions"),
                ("07:55", "jo", "vod errors dropping but not at baseline. some manifests are cached at the edge"),
                ("08:02", "marcus", "purging cached manifests at the edge"),
                ("08:24", "jo", "all known playback problems are gone"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:24"
    assert "07:53" in cands(f, "mitigated_at")  # the rollback stays a candidate


def test_a_step_told_done_then_a_part_still_failing_is_no_mitigation_yet():
    f = extract_findings(
        channel(
            [
                ("09:00", "bot:Sentry", "High error rate in api (production)"),
                ("09:05", "mr0", "api is down, the db refuses connections"),
                ("09:47", "mr0", "restored instance is available. swapping DB_HOST in the task def"),
                ("09:54", "mr0", "new API tasks up, /health is green but /api/locations still times out for me"),
                ("09:58", "mr0", "there we go, API is serving from the restored DB, sentry errors back to ~0"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "09:58"


def test_a_monitor_up_for_one_target_while_it_still_reports_another_down_is_one_part_back():
    f = extract_findings(
        channel(
            [
                ("00:15", "bot:Uptime Bot", "DOWN: https://dash.example.com (from: fra, iad) HTTP 503"),
                ("00:15", "bot:Uptime Bot", "DOWN: https://example.land/std (from: iad) timeout"),
                ("00:16", "sanne", "dash is 503 for me too"),
                ("00:36", "sanne", "nope, OOM again after 40s. dead end"),
                ("01:13", "bot:Uptime Bot", "UP: https://dash.example.com (was down 58m)"),
                ("01:25", "bot:Uptime Bot", "UP: https://example.land/std (was down 1h10m)"),
                ("01:25", "lena", "every service registered with the new cluster, all regions green"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "01:25"


def test_checks_named_in_quotes_come_back_one_by_one_and_the_last_is_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("01:57", "bot:StatusCake", 'DOWN  "DR ghosts gateway"  https://ghosts-dr.example.com/health (timeout)'),
                ("02:06", "bot:StatusCake", 'DOWN  "DR api gateway"  https://api-dr.example.com/health (502)'),
                ("02:07", "bot:StatusCake", 'DOWN  "DR files gateway"  https://files-dr.example.com/health (502)'),
                ("03:52", "bastien", "DR riak balancer got terminated, every DR worker still talks to the old one"),
                ("04:11", "bot:StatusCake", 'UP  "DR api gateway"  back up after 2h 5m'),
                ("04:12", "bot:StatusCake", 'UP  "DR files gateway"  back up after 2h 5m'),
                ("04:30", "bot:StatusCake", 'UP  "DR ghosts gateway"  back up after 2h 33m'),
                ("04:44", "bastien", "shutting down the old haproxy ASG, writing it up"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "04:30"


def test_a_rollback_told_done_then_errors_dropping_is_still_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("07:20", "bot:Datadog", "Triggered: vod playback errors > 5%"),
                ("07:25", "jo", "vod playback failing for older videos"),
                ("07:53", "priya", "rollback finished in all regions"),
                ("07:55", "jo", "errors dropping fast"),
                ("08:24", "jo", "all good now"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "07:53"


@pytest.mark.parametrize(
    "text",
    [
        "looks clean now. graphs: https://grafana.example.com/d/edge",
        "ok you should be able to log in and post now",
        "we're at >95% services up",
        "redis modify complete. memory 48%, latency normal",
        "things have stabilised",
        "\u2705 RESOLVED: core-sw-01: ICMP loss 0% on uplink",
        "revert is out on all pods. login errors on /auth/callback dropping to 0",
        "two CSMs confirm their customers are back in",
        "db is back. it's the cache that was slow",  # the fault named, after the service said back
        "\U0001f7e2 news.example.com is UP (was down 1h 5m)",
        "standby serving. front page loads, posting works",
        "route ist wieder da",
        "le site est de nouveau accessible",
        "werkt weer",
        "all known VOD playback problems are gone, updating status",
        "[Acme Status] \U0001f6e0 We've resolved all known issues of uploads failing.",
    ],
)
def test_more_ways_chat_says_the_service_is_back(text):
    assert mitigation_after_outage(text) == "11:10"


@pytest.mark.parametrize(
    "text",
    [
        "confirmed, agent API latency is normal, webhooks normal. it's only the dashboard tier",
        "first thought was the db failover but RDS is green and latency normal there. not the db",
        "kafka looks fine actually. produce latency normal on the brokers. it's the shepherd side failing to send",
        "db is fine, p99 normal. it's the workers, they're all busy",
        "transit is fine, telehouse is fine, BGP customers fine. it's inside GS2",
        "sbc's look healthy, registrations steady ~41k. not a reg storm",
        "US region is fine, EU is not, and our monitoring only watches US",
    ],
)
def test_a_healthy_measure_of_a_part_ruled_out_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


def test_a_status_post_titled_with_the_symptom_does_not_undo_the_recovery_beside_it():
    f = extract_findings(
        channel(
            [
                ("18:29", "marisol", "support has 6 tickets, churches can't open the Events tab"),
                ("18:34", "bot:Statuspage", "Incident created: Events tab not loading \u2014 Investigating"),
                ("21:01", "kenji", "events tab loads again for the orgs in the tickets"),
                ("21:01", "bot:Statuspage", "Events tab not loading \u2014 Monitoring"),
                ("21:58", "kenji", "an hour clean, resolving"),
                ("21:58", "bot:Statuspage", "Events tab not loading \u2014 Resolved"),
            ]
        )
    )
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("21:01", "21:58")


def test_a_follow_up_about_why_a_step_failed_does_not_reopen_the_incident():
    f = extract_findings(
        channel(
            [
                ("10:52", "bot:PagerDuty", "Triggered: api check returned 503"),
                ("10:53", "iryna", "customers say the API is not responding"),
                ("10:59", "oleksii", "all 4 up, health checks green, 200s across the board"),
                ("11:00", "iryna", "resolving status page then"),
                ("11:20", "oleksii", "I'll add extra logging and check why autoscale didn't help before the reboot"),
            ]
        )
    )
    assert hm(f.resolved_at) in ("10:59", "11:00")


def test_a_promise_that_it_will_not_happen_again_does_not_reopen_the_incident():
    f = extract_findings(
        channel(
            [
                ("06:14", "josh", "elevated errors on a subset of apps, looking"),
                ("07:03", "josh", "Fix is out. Error rates are back to normal on our side."),
                ("08:02", "emma", "we think systems are stable now, we are still working to make sure it won't happen again"),
            ]
        )
    )
    assert hm(f.resolved_at) is not None


def test_a_start_stated_in_hindsight_reads_the_sentence_that_dates_it_on_the_timeline():
    f = extract_findings(
        channel(
            [
                ("08:00", "dgrant", "our integration hasn't received a single webhook. anyone else?"),
                ("13:00", "nadia", "one of the redis nodes was replaced, delivery is recovering"),
                ("15:00", "nadia", "As of 3:00 pm UTC the webhooks infrastructure has recovered. Unfortunately there is "
                 "a gap: you may be missing roughly 9 hours of events (from ~6:00 am UTC), including events not fetched before the failure."),
            ]
        )
    )
    assert hm(f.started_at) == "06:00"
    row = next(e for e in f.events if e.kind == "fault_introduced")
    assert "6:00 am" in row.summary and "has recovered" not in row.summary


def test_a_row_dated_minutes_before_its_message_reads_the_sentence_that_dates_it():
    f = extract_findings(
        channel(
            [
                ("14:09", "priya", "Opening this channel for the checkout 5xx alert. Datadog fired at 14:07 UTC: error rate 6.8% and climbing."),
                ("14:30", "kenji", "rolled back checkout, errors back to baseline"),
            ]
        )
    )
    assert hm(f.detected_at) == "14:07"
    row = next(e for e in f.events if e.kind == "detected")
    assert row.summary.startswith("Datadog fired at 14:07")


def test_a_closing_question_answered_yes_with_the_next_step_is_the_all_clear():
    f = extract_findings(
        channel(
            [
                ("15:02", "bot:Pingdom", "DOWN: downloads.example.org returns 404"),
                ("15:10", "rhea", "downloads 404 for everyone"),
                ("16:15", "bram", "purged the cache, downloads load again"),
                ("20:05", "rhea", "nothing in the last 10 min from any of the checkers. calling it resolved?"),
                ("20:09", "maren", "yes. moving status page to resolved"),
            ]
        )
    )
    assert hm(f.resolved_at) == "20:05"


def test_a_status_pages_last_resolved_post_is_offered_beside_its_first():
    f = extract_findings(
        channel(
            [
                ("08:53", "bot:PagerDuty", "Triggered: api p99 latency above 2s"),
                ("09:19", "kwame", "pool bumped, 3x replicas rolling"),
                ("09:48", "bot:Statuspage", "Monitoring - The incident has been resolved and we are monitoring recovery."),
                ("09:52", "kwame", "p99 back at normal levels everywhere"),
                ("10:20", "ines", "30 min clean. no new reports in the support queue"),
                ("10:49", "bot:Statuspage", "Resolved - This incident has been resolved."),
                ("10:51", "sam", "retro doc to follow, thanks all"),
            ]
        )
    )
    assert "10:49" in cands(f, "resolved_at")
