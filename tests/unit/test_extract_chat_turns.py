"""Turns of real incident chat: a failure explained afterwards, a partial recovery said in new words,
a stalled flow, a status post's stage tag, a monitor's warning sign.

Each test reads a small channel the way the rules read it (no learned order).
"""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from facilitator.extract.neighbours import scan
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


@pytest.mark.parametrize("text", ["we stopped processing jobs again", "not producing blocks again yet",
                                  "so we wait for zot to calm down. not restarting anything blind at this hour",
                                  "let the queue quiet down before we touch it"])
def test_work_stopped_again_is_no_recovery(text):
    assert read(text).state != "recover"


@pytest.mark.parametrize(
    "text",
    [
        "hmm my node keeps restarting: panic: failed to load latest version",
        "same here, restart loop",
        "well past 2/3 on v4 and still no block",
        "the chain has halted for 20m",
        "wtf. new VMs fail to boot immediately",
        "uhhh. staging api and import-worker pods are restarting over and over. prod looks fine",
        "import-worker is in CrashLoopBackOff",
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


@pytest.mark.parametrize("figures", ["20% -> 9%", "2%... 0.4%. that's the real one", "p99 1200ms → 300ms"])
def test_a_bad_figure_given_falling_after_the_fix_is_a_recovery(figures):
    assert mitigation_after_outage(figures) == "11:10"


@pytest.mark.parametrize(
    "figures",
    [
        "success rate 99% -> 60%",  # good when high: falling is the problem
        "follow-ups: CLS timeout 20s -> 2s",  # a setting, not a measure
        "error rate 61 -> 14%, still not 0",  # its words say it is not over
        "v2 -> v1",  # no unit: a version, not a figure
    ],
)
def test_figures_that_are_no_recovery(figures):
    assert read(figures).state != "recover"


def test_an_arrow_between_figures_is_no_alert_threshold():
    sig = read("5xx rate dropping, 61% -> 30%")
    assert "alert" not in sig.flags and sig.state == "recover"
    assert "alert" in read("us-cell-2 web 5xx rate > 5% (currently 61%)", author="bot:Datadog").flags


def test_a_clock_set_for_another_day_does_not_date_the_all_clear():
    f = extract_findings(
        channel([
            ("14:06", "jonas", "spawns time out for everyone"),
            ("16:30", "jonas", "spawns work again, tested with 3 accounts"),
            ("17:09", "katrin", "all clear, Jupyter-Cloud resolved, brief maintenance Tue, 26th at 9 am"),
            ("17:12", "feng", "ok, going home"),
        ])
    )
    assert hm(f.resolved_at) == "17:09"


def test_well_since_a_stated_time_is_a_recovery():
    assert read("spawn rate normal since 16:30, off for today").state == "recover"


def test_a_rolling_restart_told_is_a_step():
    assert "step" in read("invalidate job running with the fixed build + rolling restart of executor pods").flags


@pytest.mark.parametrize(
    "text",
    [
        "applied the planned change. prometheus restarted and it's not coming back",
        "revert applied. still looping",
        'grafana on live is all "no data" for me',
    ],
)
def test_a_restart_that_failed_a_loop_or_blank_dashboards_are_symptoms(text):
    assert "symptom" in read(text).flags


def test_no_data_lost_is_no_symptom():
    assert "symptom" not in read("good news: no data was lost").flags


def test_a_news_headline_saying_the_outage_is_resolved_declares_it():
    assert "declare_resolved" in read("Outage: Jupyter-Cloud resolved, brief maintenance Tue, 26th at 9 am", author="bot:GWDG News").flags


@pytest.mark.parametrize(
    "text",
    [
        "sentry errors stopped, everything can talk to everything, no bad pods listed",
        "errors went away after the node was replaced",
        "downstream triggered as normal",
        "orders and positions are synced on kite for silo 3",
        "positions show correctly now",
    ],
)
def test_errors_stopping_work_running_as_normal_or_data_in_sync_is_a_recovery(text):
    assert mitigation_after_outage(text) == "11:10"


def test_a_tool_named_first_is_an_outside_service_unless_its_figures_are_ours():
    assert read("datadog is back").state != "recover"  # their service, not ours
    assert read("datadog alerts cleared, graphs flat").state == "recover"


def test_a_job_dying_with_its_exception_is_a_symptom():
    assert "symptom" in read("@channel [asklepian] *exited with status 1* ValueError: sample has neither date", author="tael").flags
    assert "symptom" not in read("exited with status 0, all good", author="tael").flags


def test_an_alert_set_to_resolved_declares_the_end():
    assert "declare_resolved" in read("IT alert set to resolved.").flags


def test_a_suspect_cleared_in_two_words_is_no_recovery():
    sig = read("other silos use the same exchange lines and are fine. not that")
    assert sig.state != "recover" and "ruled_out" in sig.flags
    assert "ruled_out" not in read("is that not that bad?").flags


@pytest.mark.parametrize(
    "text",
    ["CRITICAL - pro-web-114 cpu_usage 99.1% (warn 80, crit 90) for 5m", "[Fired] Sev3 availability alert 'api-v3-index' - 3 of 5 locations failing"],
)
def test_a_monitors_severity_or_fired_tag_opening_its_line_is_an_alert(text):
    assert "alert" in read(text, author="bot:VictorOps").flags


def test_a_cheer_while_still_waiting_is_no_recovery():
    assert read("snapshot created, bank hash matches pin ✅ booted, waiting for supermajority").state != "recover"


def test_a_duration_written_like_a_clock_dates_no_start():
    f = extract_findings(
        channel([
            ("10:41", "bot:Block Monitor", "upgrade height reached"),
            ("13:11", "bot:Block Monitor", "⚠️ no new block for 2h30m · prevotes at 58%"),
            ("13:20", "ana", "chain is halted, looking"),
        ])
    )
    assert f.started_at is None or hm(f.started_at) != "02:30"


def test_an_alert_managers_resolved_tag_is_no_status_post():
    assert "status_page" not in read("[RESOLVED] MongoReplicaSetNoPrimary (lichess-db)", author="bot:Alertmanager").flags
    assert "status_page" in read("[Monitoring] a fix has been applied", author="bot:Statuspage").flags


@pytest.mark.parametrize("text", ["us-east-1 fully reinstated. error rates flat, no disruption", "error rates flat for 20 min"])
def test_a_region_reinstated_or_errors_flat_is_a_recovery(text):
    assert mitigation_after_outage(text) == "11:10"


def test_errors_flat_said_as_the_answer_that_nothing_changed_is_no_recovery():
    assert read("nothing. errors flat").state != "recover"
    assert read("errors flat since the rollback").state == "recover"


@pytest.mark.parametrize("text", ["grafana-upgrade: rollout complete — 23/23 batches ok, 0 failed", "nightly sync: zero errors"])
def test_a_count_of_none_failed_is_no_symptom(text):
    sig = read(text, author="bot:hg-deploy")
    assert not sig.flags & {"symptom", "alert"}
    assert "symptom" in read("rollout: 3 failed", author="bot:hg-deploy").flags


def test_a_repository_bots_commit_notice_is_a_change_not_an_alert():
    notice = "[sysadmin] 1 new commit pushed to master by nokafor: 4f2a9c1 lb: drop unused ESTABLISHED rule"
    sig = read(notice, author="bot:gitbot")
    assert "change" in sig.flags
    assert not sig.flags & {"symptom", "alert", "detect"}
    assert "alert" in read("CRITICAL: lb01 haproxy: 0/18 backends up, drop in traffic", author="bot:bosun").flags


@pytest.mark.parametrize(
    "text",
    ["nice. bleeding stopped. restores next", "verified: saving a dashboard no longer deletes its alerts"],
)
def test_the_damage_stopped_is_a_recovery(text):
    assert mitigation_after_outage(text, before="saving a dashboard deletes its alerts") == "11:10"


def test_alerts_not_saving_is_a_symptom():
    assert "symptom" in read('New ticket (normal): "Alerts created in Grafana not saving"', author="bot:zendesk").flags


def test_an_incident_tools_status_changed_to_resolved_declares_the_end():
    assert "declare_resolved" in read("Status changed to Resolved by Nina Schmid: sends back to baseline", author="bot:incident.io").flags


def test_a_mitigation_rolled_out_is_a_fix_put_in_place():
    assert "fix_deployed" in read("lock released, mitigation rolled out to eu-west6").flags


def test_a_part_found_clean_while_the_fault_is_something_else_is_no_recovery():
    assert read("nat is clean since 11:50, 0 drops. this is something else").state != "recover"


def test_users_who_stopped_getting_something_report_a_symptom():
    assert "symptom" in read("customer says their users stopped getting the email verification codes").flags


def test_errors_counted_at_none_are_a_recovery_and_no_symptom():
    sig = read("confirmed, no more RO banner. write errors 0")
    assert sig.state == "recover" and "symptom" not in sig.flags
    assert "symptom" in read("errors 0 -> 12 in a minute").flags


def test_being_able_to_do_it_again_on_a_named_site_is_a_recovery():
    assert read("can edit on math.se again and login works for me").state == "recover"


def test_a_problem_told_as_flaky_waves_no_alert_off():
    f = extract_findings(
        channel([
            ("12:31", "sam", "kicking off the cleanup job on prod now"),
            ("12:45", "bot:Datadog", "[Triggered] api 5xx rate > 5% on api.air.inc (current: 18.4%)"),
            ("12:45", "rachel", "504s on the api. is anyone deploying??"),
            ("12:48", "dev", "writes mostly failing, reads flaky. ALB target response time maxing at 30s"),
            ("12:58", "bot:Statuspage", "Investigating - App is getting 504 Gateway timeouts"),
            ("13:20", "sam", "all green again, 5xx back to baseline"),
        ])
    )
    assert hm(f.detected_at) == "12:45" and "alert" in f.detected_at.reason


def test_calling_it_resolved_on_the_status_page_is_the_all_clear_itself():
    f = extract_findings(
        channel([
            ("14:07", "bot:Nagios", "PROBLEM: pg-main down"),
            ("14:10", "ravi", "outbound mail queueing, nothing sent"),
            ("14:39", "sam", "UI loads for me again"),
            ("14:44", "ravi", "inbound is caught up. outbound 14k left"),
            ("14:58", "marta", "ok, call it resolved on the status page, keep clearing the queue"),
            ("15:04", "marta", "thanks all"),
        ])
    )
    assert hm(f.resolved_at) == "14:58"


def test_an_error_rate_said_to_be_fine_is_no_symptom():
    assert "symptom" not in read("push api rollout done, error rate flat and send volume normal").flags
    assert "symptom" in read("error rate climbing on push api").flags


def test_a_status_named_in_quotes_is_no_recovery_and_an_announced_recovery_declares_the_end():
    sig = read('rpc nodes still need the rollback snapshot, they\'re stuck on the bad fork. keeping the status "recovering"')
    assert sig.state != "recover"
    assert "declare_resolved" in read("announced recovery of Kroma mainnet (RPC, P2P, validator) on discord").flags


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("ok that rules out the writer, connection count is normal", True),
        ("could be. cpu is fine-ish, it's connection count. but I can't rule out the writer", False),
        ("we cannot rule out the cache yet", False),
    ],
)
def test_a_suspect_that_cannot_be_ruled_out_is_not_ruled_out(text, ruled_out):
    assert ("ruled_out" in read(text).flags) is ruled_out


@pytest.mark.parametrize(
    "said",
    [
        "deploy bot says nothing to prod since the 9:40 console release this morning",
        "I merged the exposure logging change at 11:50 but that only went to staging",
        "rollback done and... nothing. still ~40% errors. so it's not the 12:10 deploy",
    ],
)
def test_a_change_that_never_reached_production_dates_no_start(said):
    f = extract_findings(
        channel([
            ("12:20", "bot:Datadog", "[Triggered] api p99 > 2s on initialize"),
            ("12:25", "priya", "initialize is slow for everyone, 503s in eu-west"),
            ("12:31", "jon", said),
            ("13:30", "priya", "p99 280ms again, error rate back under baseline"),
        ])
    )
    assert hm(f.started_at) == "12:20"


def test_a_part_found_healthy_while_a_suspect_is_cleared_and_a_step_answered_nope_are_no_recovery():
    f = extract_findings(
        channel([
            ("14:17", "bot:Datadog", "[P1] executor: run start rate = 0 across all shards"),
            ("14:18", "lauren", "executors crash-looping on boot: i/o timeout talking to state-svc"),
            ("14:21", "lauren", "AWS Health: nothing for us-east-1. state cluster looks healthy from inside the VPC"),
            ("14:22", "owen", "detached the VGW at 2:12 for the change. re-attaching now"),
            ("14:24", "owen", "VPC attachment is back"),
            ("14:25", "ravi", "anything moving?"),
            ("14:25", "lauren", "nope, same timeouts"),
            ("14:48", "ravi", "BGP up, routes in, executors are connecting to state-svc. runs starting!!"),
        ])
    )
    assert hm(f.mitigated_at) == "14:48"


def test_a_step_tried_on_one_host_first_is_a_partial_recovery_until_it_is_rolled_out():
    rows = [
        ("08:01", "malte", "support has 4 mails, 'page times out', work package list half loaded"),
        ("08:37", "sven", "restarting the web workers on web-03 only, as a test"),
        ("08:46", "sven", "web-03 clean for ~8 min, zero 5xx from it"),
        ("08:50", "sven", "rolling restart of all app hosts, one at a time"),
        ("09:30", "malte", "no dropped connections since the last restart, everything is back to normal"),
    ]
    f = extract_findings(channel(rows))
    assert hm(f.mitigated_at) == "09:30"
    assert "after a partial recovery" in f.mitigated_at.reason
    # the same recovery after a step taken everywhere is the mitigation
    rows[1] = ("08:37", "sven", "restarting the web workers on every host")
    assert hm(extract_findings(channel(rows)).mitigated_at) == "08:46"
