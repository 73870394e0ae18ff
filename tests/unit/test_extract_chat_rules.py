"""What a chat message means next to its neighbours: the rules in ``facilitator/extract/conversation.py``.

A step that did not help, a worry waved off, a partial recovery, a relapse, an all-clear after a
watch or after status-page bookkeeping, a step its author owns up to, a change cleared by its
rollback: each test is a small channel showing one kind of message, read the way a commander would.
"""

from __future__ import annotations


import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


def cands(f, name) -> list[str]:
    return [hm(c) for c in f.candidates[name]]


def test_a_step_that_did_not_help_is_not_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("13:02", "bot:Opsgenie", "P2 alert: job start latency p95 > 120s"),
                ("13:20", "kofi", "rollback done. no change in db reads :( so not the deploy"),
                ("14:05", "ingrid", "@wes can you try to bring the output processors back up?"),
                ("14:15", "wes", "restarted builds-service pods. connection pool freed up, latency back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:15"  # not the rollback that changed nothing, not the request


def test_a_partial_recovery_gives_way_to_the_full_one_and_stays_a_candidate():
    f = extract_findings(
        channel(
            [
                ("01:53", "bot:PagerDuty", "Triggered: ingest latency SLO burn"),
                ("01:58", "ravi", "error rate on ingest is up, some 500s back to clients"),
                ("02:52", "ravi", "half the 1a hosts replaced. errors dropping"),
                ("03:15", "ravi", "migration done. ingest error rate back to baseline"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "03:15"
    assert "02:52" in cands(f, "mitigated_at")


def test_a_fix_for_something_else_before_the_incident_does_not_hide_its_detection():
    f = extract_findings(
        channel(
            [
                ("09:58", "hana", "heads up, rolling the shared pool config to the web fleet now"),
                ("10:21", "hana", "rolled back, web looks normal. will retry tomorrow"),
                ("16:00", "bot:PagerDuty", "Triggered: [web] p95 response time > 3s for 5m"),
                ("16:04", "priya", "looking at the web alert. p95 started climbing at ~15:56"),
                ("17:04", "priya", "new hosts passing health checks, p95 back under 1s"),
            ]
        )
    )
    assert hm(f.detected_at) == "16:00"
    assert hm(f.started_at) == "15:56"  # the stated start, not the config change six hours before
    assert hm(f.mitigated_at) == "17:04"


def test_the_responders_all_clear_comes_before_the_status_pages_resolved_post():
    f = extract_findings(
        channel(
            [
                ("18:00", "jules", "customers say builds on .com are not starting"),
                ("18:46", "rkaiser", "maintenance mode OFF. site is back"),
                ("20:24", "rkaiser", "queue depth back to normal levels across all pools. I think we're good"),
                ("20:41", "bot:statusbot", "Resolved - All infrastructures are processing builds normally."),
            ]
        )
    )
    assert hm(f.resolved_at) == "20:24"
    assert "20:41" in cands(f, "resolved_at")


def test_healthy_the_whole_time_is_a_finding_not_a_recovery():
    f = extract_findings(
        channel(
            [
                ("15:44", "kd", "anyone else seeing zero new certs? the issuance graph just flatlined"),
                ("16:05", "pt", "db looks healthy from dc1 the whole time, it's the dc2 side"),
                ("16:22", "pt", "self-tests pass on all three sites, issuance back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:22"


def test_when_it_breaks_again_the_impact_stops_at_the_recovery_after():
    f = extract_findings(
        channel(
            [
                ("14:01", "bot:Grafana", "[Alerting] api: redis-hot-1 primary unreachable"),
                ("14:15", "yusuf", "restart done. redis errors gone"),
                ("15:58", "yusuf", "errors are back again, it's cascading across the guild nodes"),
                ("16:30", "nell", "full restart finished, everything back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:30"
    assert "14:15" in cands(f, "mitigated_at")  # the first recovery stays on offer


def test_health_checks_still_passing_on_a_stalled_node_is_not_a_recovery():
    f = extract_findings(
        channel(
            [
                ("09:35", "bot:PagerDuty", "[Triggered] api-prod write error rate > 20%"),
                ("09:50", "dmitri", "found it. two secondaries stalled for days but still pass health checks"),
                ("10:00", "dmitri", "cluster restarted, primary elected, error rate back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:00"


def test_a_worry_someone_does_not_share_is_neither_the_detection_nor_a_recovery():
    f = extract_findings(
        channel(
            [
                ("14:58", "tavi", "anyone else getting slow responses from the admin? or is it just my wifi"),
                ("14:59", "jbo", "staging is fine for me"),
                ("15:04", "rennick", "twine upload just gave me a 503 from upload.pypi.org"),
                ("15:19", "bot:alertbot", "[FIRING:3] BackendUnhealthy warehouse-web"),
                ("15:43", "kestrel", "vault back up, error rate back to normal"),
            ]
        )
    )
    assert hm(f.detected_at) == "15:04"
    assert hm(f.mitigated_at) == "15:43"


def test_when_only_the_pager_closes_it_the_end_is_the_responders_last_recovery():
    f = extract_findings(
        channel(
            [
                ("09:35", "bot:PagerDuty", "[Triggered] api-prod write error rate > 20%"),
                ("10:02", "priya", "error rate back to baseline. POSTs succeeding"),
                ("10:26", "bot:PagerDuty", "Resolved #48211 api-prod write error rate > 20%"),
            ]
        )
    )
    assert hm(f.resolved_at) == "10:02"
    assert "10:26" in cands(f, "resolved_at")


def test_a_step_finished_as_the_monitor_fires_for_everything_is_not_a_recovery():
    f = extract_findings(
        channel(
            [
                ("19:45", "otieno", "config staged on both. rebooting fra-lan-a"),
                ("21:01", "otieno", "fra-lan-b back up"),
                ("21:01", "bot:nagios", "PROBLEM: fra-hv-pool PING CRITICAL - 100% packet loss (212 hosts)"),
                ("21:02", "kbarros", "uh oh. everything behind the LAN pair just went dark"),
                ("21:48", "bot:nagios", "RECOVERY: fra-hv-pool PING OK (212 hosts)"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "21:48"


def test_an_uptime_monitor_bracketing_its_state_is_read_as_a_recovery():
    f = extract_findings(
        channel(
            [
                ("03:00", "bot:fdb-monitor", "[DOWN] https://corpus.example.org health check failed (connection refused)"),
                ("03:04", "mkumar", "corpus says cannot contact server"),
                ("03:23", "ginam", "copying the new cert in, restarting couchdb"),
                ("03:30", "bot:fdb-monitor", "[UP] https://corpus.example.org (HTTP 200, 842 ms)"),
                ("03:33", "ginam", "noting it on the issue"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "03:30"


def test_a_plan_for_tomorrow_and_a_worry_waved_off_are_not_the_incident():
    f = extract_findings(
        channel(
            [
                ("10:51", "theo", "reminder: rack build-out continues tomorrow, automation can't provision these yet"),
                ("10:53", "marisol", "yep, starting ~7am so I'm done before the EU afternoon peak"),
                ("11:58", "wes", "anyone else think the db read IOPS graph looks a bit spiky?"),
                ("11:59", "ingrid", "yeah it does that most tuesdays, I wouldn't worry"),
                ("13:02", "bot:Opsgenie", "P2 alert: job start latency p95 > 120s for 10m"),
                ("13:29", "tomasz", "the lookup is fine per call, it's the volume"),
                ("14:15", "wes", "restarted builds-service pods, latency back to normal"),
            ]
        )
    )
    assert hm(f.detected_at) == "13:02"
    assert f.started_at is None or hm(f.started_at) != "07:00"  # tomorrow's plan is no start
    assert hm(f.mitigated_at) == "14:15"


def test_the_step_that_brought_the_recovery_is_offered_beside_it():
    f = extract_findings(
        channel(
            [
                ("15:51", "reuben", "guild nodes are falling over one after another, errors everywhere"),
                ("16:07", "yusuf", "full restart kicked off. reconnect setting fixed in the same deploy"),
                ("16:31", "yusuf", "connected users at ~70% of what we'd expect"),
                ("16:58", "tomas", "volume back to normal here"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:58"
    assert "16:07" in cands(f, "mitigated_at")


def test_an_all_clear_after_a_watch_dates_the_end_by_the_recovery():
    f = extract_findings(
        channel(
            [
                ("13:17", "bot:Opsgenie", "[P2] API p95 latency > 5s"),
                ("13:35", "marisol", "resizing the cache node, aws says ~8-10 min"),
                ("13:45", "kyle", "p95 back to 300ms, error rate back to normal"),
                ("14:05", "kyle", "still flat and healthy. should be fine now"),
            ]
        )
    )
    assert hm(f.resolved_at) == "13:45"


def test_a_complete_recovery_beside_a_metric_still_settling_is_complete():
    f = extract_findings(
        channel(
            [
                ("13:17", "bot:Opsgenie", "[P2] API p95 latency > 5s / timeouts"),
                ("13:45", "kyle", "p95 back under 400ms. timeouts gone. db cpu dropping to 30s"),
                ("14:10", "kyle", "db cpu back to normal as well"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "13:45"


def test_a_status_of_the_parts_a_status_page_plan_and_an_unrelated_deploy_are_not_key_times():
    f = extract_findings(
        channel(
            [
                ("20:10", "felix", "deploy at 20:10 was only the editor bundle, shouldn't touch hosting"),
                ("21:36", "bot:Sentry", "Regression alert: hosting-router error rate 18.2%"),
                ("21:50", "kenji", "what we know: api down since ~21:34 per checkly. the AWS regions are fine"),
                ("22:01", "bot:Statuspage", "Increased 503s — Identified: the redis cluster ran out of memory; a fix has been applied to half the nodes"),
                ("22:14", "aroha", "redis resized, 503s gone, uncached sites loading again"),
                ("22:20", "deepak", "nightly pg_dump to S3 from 1:00 AM, before the outage, is safe"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "22:14"
    assert hm(f.started_at) == "21:34"


def test_part_fine_but_latency_high_and_a_worry_put_down_to_wifi():
    f = extract_findings(
        channel(
            [
                ("15:52", "sophie", "anyone else finding the US dashboard sluggish?"),
                ("15:53", "ellie", "bit slow for me too, probably my wifi tbh"),
                ("16:05", "bot:Opsgenie", "[P2] US API p99 response time > 2s (current 4.8s)"),
                ("16:08", "tom", "primary db CPU is fine, but read/write latency on the primary is high"),
                ("17:11", "bot:Statuspage", "Monitoring — A fix has been implemented and we are monitoring the results."),
            ]
        )
    )
    assert hm(f.detected_at) == "16:05"
    assert hm(f.mitigated_at) == "17:11"


def test_the_end_an_all_clear_states_and_status_page_bookkeeping():
    f = extract_findings(
        channel(
            [
                ("18:51", "bot:npmbot", "ALERT registry origin health: 4/6 backends failing"),
                ("19:20", "tjk", "restarted the load balancers, installs working again"),
                ("19:52", "tjk", "all clear. registry mostly down from 18:51 to 19:33 by the graphs"),
            ]
        )
    )
    assert hm(f.resolved_at) == "19:33"
    g = extract_findings(
        channel(
            [
                ("05:01", "bot:Opsgenie", "[P1] SMTP error rate > 20%"),
                ("05:40", "priya", "we're good. SMTP fully back as of now, error rate back to normal"),
                ("05:52", "tomas", "resolved on the status page. I'll send the follow-up to the ticket owners"),
            ]
        )
    )
    assert hm(g.resolved_at) == "05:40"  # the all-clear, not the status-page bookkeeping after it


def test_a_declaration_is_not_the_full_recovery_after_a_partial_one_and_a_tweet_is_not_health():
    f = extract_findings(
        channel(
            [
                ("14:10", "bot:Opsgenie", "[P1] search index empty for all studios"),
                ("16:49", "patrick", "search is starting to recover, most emails indexed"),
                ("18:20", "amara", 'tweet is out: "We are working to restore the remaining pages"'),
                ("21:46", "sam", "status page resolved. thanks everyone"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:49"


def test_a_relayed_status_post_and_minutes_of_quiet_look_back_to_the_recovery():
    f = extract_findings(
        channel(
            [
                ("08:20", "bot:PagerDuty", "[Triggered] bitbucket git p95 > 5s"),
                ("09:05", "devika", "tier-3 IOPS back to baseline. latency normal in all regions. looks healthy now"),
                ("09:40", "quinn", 'Posted: "Resolved - This incident has been resolved."'),
            ]
        )
    )
    assert hm(f.resolved_at) == "09:05"
    g = extract_findings(
        channel(
            [
                ("21:20", "bot:Checkly", "ALERT middleware auth check failed"),
                ("21:42", "karl", "block lifted at the edge, auth working again, error rate back to normal"),
                ("22:17", "jonas", "35 min flat. we're good"),
            ]
        )
    )
    assert hm(g.resolved_at) == "21:42"


def test_the_rest_fine_cpu_back_at_100_percent_and_a_server_still_booting_are_not_the_recovery():
    f = extract_findings(
        channel(
            [
                ("08:19", "bot:Datadog", "[P1] message pipeline lag > 60s"),
                ("09:20", "olivia", "one node in the cluster is at 100% cpu, the rest are fine. hot shard"),
                ("09:42", "olivia", "restarted the hot node"),
                ("09:52", "olivia", "and it's back at 100%. lag climbing again. restart bought us 10 min"),
                ("11:50", "ops", "server restored by the provider, it's booting"),
                ("12:28", "olivia", "pipeline throughput back at normal levels. lag under 5s both directions"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "12:28"
    g = extract_findings(
        channel(
            [
                ("01:00", "bot:Uptime Monitor", "DOWN: app.spike.sh is down"),
                ("02:22", "karan", "fix PR: put uploads back under tmp + add uploads to ignore_watch"),
                ("03:40", "bot:Uptime Monitor", "UP: app.spike.sh is back up (was down for 3 hrs 15 mins)"),
            ]
        )
    )
    assert hm(g.mitigated_at) == "03:40"  # "put uploads back under tmp" is no metric back under its limit


def test_a_symptom_only_imagined_is_no_detection():
    f = extract_findings(
        channel(
            [
                ("12:17", "harriet", "kicking off the one-off balances task, should take ~30 min, shout if anything looks odd"),
                ("12:43", "bot:Pingdom", "DOWN: api.example.com/health is not responding (HTTP 503)"),
                ("12:43", "ben", "api is 500ing. dashboard too"),
                ("13:21", "ben", "api back to normal"),
            ]
        )
    )
    assert hm(f.detected_at) == "12:43"


def test_a_worry_its_author_puts_down_to_their_wifi_is_not_the_detection():
    f = extract_findings(
        channel(
            [
                ("18:12", "rihards", "anyone else getting slow dashboard loads? might just be my wifi"),
                ("18:46", "bot:hcmon", "[PROBLEM] db1 ping DOWN"),
                ("18:56", "mara", "db1 died ~10 min ago"),
                ("19:08", "bot:hcmon", "[RECOVERY] db1 ping UP"),
            ]
        )
    )
    assert hm(f.detected_at) == "18:46"


def test_an_alert_waved_off_as_noise_is_not_the_detection_but_stays_a_candidate():
    f = extract_findings(
        channel(
            [
                ("11:23", "bot:Monitor", "[DIGEST] prod-us: 3 checks failing: kafka-lag:pr-scans, pod-ready:scanners"),
                ("11:25", "itai", "digest again, the kafka lag one has been flapping all week"),
                ("11:26", "noa", "yeah it cleared by itself on tuesday. ignore unless it pages"),
                ("11:48", "bot:Monitor", "[DIGEST] prod-us: 3 checks failing: kafka-lag:pr-scans, pod-ready:scanners"),
                ("14:05", "dana", "support ticket opened: PR scans are failing for customers"),
                ("14:10", "itai", "scanner pods are all CrashLoopBackOff, image not found"),
                ("14:24", "noa", "rebuilt image deployed, pods ready"),
                ("14:28", "itai", "lag dropping, PR scans processing again"),
            ]
        )
    )
    assert hm(f.detected_at) == "14:05"
    assert "11:23" in cands(f, "detected_at")


def test_a_providers_status_page_is_no_status_post_of_ours():
    from facilitator.extract.neighbours import scan

    sigs = scan(
        channel(
            [
                ("02:00", "bot:tenderduty", "story (mainnet): 3 missed blocks in a row"),
                ("09:41", "javi", "could it be our provider in st louis? their status page is all green tho"),
                ("09:45", "marta", "AWS's status page says nothing either"),
                ("09:50", "hana", "status page updated: we are investigating"),
            ]
        )
    )
    assert ["status_page" in sig.flags for sig in sigs] == [False, False, False, True]


def test_a_monitor_alert_for_planned_downtime_is_not_the_detection():
    f = extract_findings(
        channel(
            [
                ("22:01", "bot:nagiosbot", "PROBLEM: lister-dist-1 is DOWN (scheduled downtime, acknowledged)"),
                ("22:05", "kbarlow", "cutover started, lister-dist-1 unplugged as planned"),
                ("23:50", "bot:nagiosbot", "PROBLEM: lister-kelsey-sw2 is UNREACHABLE"),
                ("23:58", "kbarlow", "that one is not part of the plan. residents in kelsey have no network"),
            ]
        )
    )
    assert hm(f.detected_at) == "23:50"


def test_a_resolved_post_that_states_the_impact_window_is_dated_when_posted():
    f = extract_findings(
        channel(
            [
                ("10:00", "bot:Datadog", "checkout 5xx rate above 5%"),
                ("10:05", "ana", "looking, checkout failing for a lot of users"),
                ("11:00", "ana", "fix deployed, errors gone"),
                ("11:30", "bot:Statuspage", "[Resolved] From 9:58 UTC to 10:58 UTC, some users experienced errors at checkout."),
            ]
        )
    )
    assert hm(f.resolved_at) == "11:30"  # not the window's start (9:58) nor its end (10:58)
