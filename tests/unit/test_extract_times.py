"""Key times on small hand-made channels, each a pattern seen in real incident channels."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from facilitator.extract import extract_findings
from facilitator.transcript import Message, Transcript

LA = ZoneInfo("America/Los_Angeles")


def channel(rows, tz="UTC", day=(2024, 12, 3)) -> Transcript:
    """rows: (HH:MM, author, text); author "" makes timeline notes, "bot:Name" a bot."""
    zone = ZoneInfo(tz)
    messages = []
    for i, (hm, author, text) in enumerate(rows, start=1):
        hour, minute = map(int, hm.split(":"))
        bot = author.startswith("bot:")
        messages.append(
            Message(
                id=f"L{i}",
                at=datetime(*day, hour, minute, tzinfo=zone),
                author=author.removeprefix("bot:"),
                is_bot=bot,
                text=text,
            )
        )
    return Transcript(messages=messages, source="transcript", timezone=tz)


def hm(key) -> str:
    return key.at.strftime("%H:%M")


def test_timeline_notes_first_symptom_is_the_start_and_the_report_is_detection():
    t = channel(
        [
            ("16:22", "", "Node runs out of memory, service starts degrading."),
            ("16:59", "", "Investigation starts after noticing grafana looks weird."),
            ("17:09", "", "Tim suggests restarting the hub pod."),
            ("17:20", "", "Proxy pod is working again. Service appears to be restored."),
            ("17:21", "", "Service is restored, user pods start running again."),
        ],
        tz="America/Los_Angeles",
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == (
        "16:22", "16:59", "17:20", "17:21",
    )  # fmt: skip
    assert f.detected_at.message_ids == ["L2"]
    assert f.resolved_at.message_ids == ["L5"]
    assert f.started_at.at.utcoffset() == timedelta(hours=-8)


def test_chat_since_clock_and_relative_times_resolve_against_the_message():
    t = channel(
        [
            ("14:20", "Alice", "I'm seeing 500s on checkout since 14:05"),
            ("14:25", "Bob", "errors started about 2 hours ago on the batch side too"),
            ("14:40", "Alice", "rollback complete, error rate back to normal"),
        ]
    )
    f = extract_findings(t)
    assert f.detected_at.message_ids == ["L1"]
    assert hm(f.detected_at) == "14:20"
    # "about 2 hours ago" said at 14:25 is 12:25, earlier than "since 14:05"
    assert hm(f.started_at) == "12:25"
    assert f.started_at.message_ids == ["L2"]
    assert hm(f.mitigated_at) == "14:40"


def test_since_in_a_healthy_sentence_is_not_a_start():
    t = channel(
        [
            ("17:00", "", "We noticed launches failing."),
            ("17:20", "", "Proxy is working again; it had been running fine since ~15:10."),
        ]
    )
    f = extract_findings(t)
    assert f.started_at is None
    assert any(q.field == "started_at" for q in f.open_questions)


def test_twelve_hour_clock_without_am_pm_means_the_recent_one():
    t = channel([("14:30", "Alice", "checkout errors since 2:05, we're getting paged")])
    assert hm(extract_findings(t).started_at) == "14:05"


def test_clock_with_a_zone_is_read_in_that_zone():
    t = channel([("16:30", "Alice", "I'm seeing errors since 14:05 UTC")], tz="Europe/Zurich")
    started = extract_findings(t).started_at
    assert started.at.astimezone(timezone.utc).strftime("%H:%M") == "14:05"
    assert started.at.utcoffset() == timedelta(hours=1)  # shown in the transcript zone


@pytest.mark.parametrize("said", ["errors since 14:05. that's UTC, so an hour earlier than our clocks", "errors since 14:05 (i.e. UTC)"])
def test_a_zone_named_just_after_the_clock_is_the_clocks_zone(said):
    t = channel([("16:30", "Alice", said)], tz="Europe/Zurich")
    started = extract_findings(t).started_at
    assert started.at.astimezone(timezone.utc).strftime("%H:%M") == "14:05"


def test_relapse_moves_resolution_to_the_last_recovery():
    t = channel(
        [
            ("11:20", "", "We notice that launches are not happening."),
            ("11:22", "", "Binder pod is deleted and launches return to normal."),
            ("12:19", "", "Launches aren't working again. Deleted the pods. This resolved the issue a second time."),
            ("13:29", "", "Behavior is once again going wrong."),
            ("15:11", "", "The repository is banned, and behavior subsequently returns to\nnormal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.mitigated_at) == "11:22"
    assert hm(f.resolved_at) == "15:11"


def test_negated_and_planned_recoveries_do_not_count():
    t = channel(
        [
            ("10:00", "Alice", "checkout is failing for everyone"),
            ("10:05", "Bob", "error rate is not back to normal yet"),
            ("10:06", "Carol", "is it back to normal?"),
            ("10:08", "Dan", "Status page: a recent change is being rolled back"),
            ("10:15", "Dan", "Rollback of checkout to v2.30.4 complete in all regions."),
        ]
    )
    f = extract_findings(t)
    assert f.mitigated_at.message_ids == ["L5"]


def test_stated_times_win_over_message_times():
    t = channel(
        [
            ("14:09", "Priya", "Opening this channel. Datadog fired at 14:07 UTC: error rate 6.8%"),
            ("15:00", "Kenji", "rollback complete, error rate back to normal"),
            ("15:41", "Priya", "All clear. Declaring the incident resolved at 15:40 UTC."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "14:07"
    assert hm(f.resolved_at) == "15:40"
    assert f.resolved_at.confidence >= 0.8


def test_bot_alert_is_detection_and_deploy_before_it_is_the_start():
    t = channel(
        [
            ("13:52", "bot:Deploybot", "Deployed checkout-service v2.31.0 to production"),
            ("14:07", "bot:Datadog", "[Triggered] checkout-service 5xx rate is 7.4% on env:prod"),
            ("14:09", "Priya", "looking"),
        ]
    )
    f = extract_findings(t)
    assert f.detected_at.message_ids == ["L2"]
    assert f.detected_at.reason == "first alert"
    assert f.started_at.message_ids == ["L1"]
    assert f.mitigated_at is None and f.resolved_at is None
    assert {q.field for q in f.open_questions} >= {"mitigated_at", "resolved_at"}


def test_single_recovery_is_both_mitigation_and_resolution_at_lower_confidence():
    t = channel(
        [
            ("14:03", "", "We realized that builds never proceed past launching."),
            ("14:09", "", "Two people confirm that their pods now build and launch fine."),
        ]
    )
    f = extract_findings(t)
    assert f.mitigated_at.message_ids == f.resolved_at.message_ids == ["L2"]
    assert f.resolved_at.confidence < f.mitigated_at.confidence


def test_key_times_are_ordered():
    t = channel(
        [
            ("09:00", "Alice", "back to normal after the weekend maintenance"),
            ("10:00", "Alice", "I'm seeing errors on login"),
            ("10:30", "Bob", "errors back to normal"),
        ]
    )
    f = extract_findings(t)
    times = [k.at for k in (f.started_at, f.detected_at, f.mitigated_at, f.resolved_at) if k]
    assert times == sorted(times)
    assert f.detected_at.message_ids == ["L2"]
    assert f.mitigated_at.message_ids == ["L3"]


def test_template_markers_start_of_incident_and_investigation_starts():
    t = channel(
        [
            ("12:50", "", "Start of incident. The final two nodes in the old pool are cordoned."),
            ("13:28", "", "Investigation starts after a user reported that the site was down."),
            ("13:29", "", "The ingress pods were rescheduled. Service resumes. Incident ends."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == (
        "12:50", "13:28", "13:29", "13:29",
    )  # fmt: skip
    assert f.started_at.reason == "marked as the start of the incident"


def test_notes_prefer_the_first_symptom_over_an_earlier_healthy_deploy():
    t = channel(
        [
            ("12:35", "", "Upgrade of the hub chart is deployed. Tests pass and launches are working."),
            ("13:30", "", "Launch success drops to zero."),
            ("14:29", "", "Outage is reported on Gitter, investigation is started."),
            ("15:36", "", "Fix deployed, launches are back to normal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.started_at) == "13:30"
    assert hm(f.detected_at) == "14:29"


def test_chat_start_is_the_last_change_before_detection():
    t = channel(
        [
            ("13:05", "bot:Deploybot", "Deployed search-api v1.4 to production"),
            ("13:52", "bot:Deploybot", "Deployed checkout v2.31.0 to production"),
            ("14:07", "Priya", "I'm seeing checkout errors, paging the DB on-call"),
        ]
    )
    f = extract_findings(t)
    assert f.started_at.message_ids == ["L2"]


def test_outside_services_recovering_is_not_our_mitigation():
    t = channel(
        [
            ("07:42", "", "Users report all launches are failing."),
            ("09:49", "", "GitHub is usable again, and the PR gets merged."),
            ("11:29", "", "Everything is fine and launches are working again."),
        ]
    )
    assert extract_findings(t).mitigated_at.message_ids == ["L3"]


def test_reverting_the_change_is_a_mitigation_and_an_opened_issue_a_report():
    t = channel(
        [
            ("08:59", "", "Issue #140 is opened, reporting failure to build."),
            ("09:17", "", "I reverted the original PR since Travis showed an error."),
            ("11:31", "", "Deployed the fix. Everything is fine and prod is working."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("08:59", "09:17", "11:31")


def test_a_question_can_be_the_first_report():
    t = channel(
        [
            ("09:58", "Ann", "morning all"),
            ("10:02", "Bo", "anyone else seeing slow checkouts?"),
            ("10:30", "Ann", "is it back to normal?"),
            ("10:40", "Bo", "yes, latency back to normal"),
        ]
    )
    f = extract_findings(t)
    assert f.detected_at.message_ids == ["L2"]
    assert f.mitigated_at.message_ids == ["L4"]


def test_a_new_episode_days_later_does_not_move_the_resolution():
    t = channel(
        [
            ("07:28", "", "Problem is identified: launch success rate at zero."),
            ("08:05", "", "Hub pod scheduled and running again, launches succeed."),
            ("13:34", "", "Force-deleted the lost pods, everything is back to normal."),
        ]
    )
    later = Message(
        id="L9",
        at=t.messages[-1].at + timedelta(days=8),
        author="",
        text="Another node entered NodeLost; deleted its pods and things are back to normal.",
    )
    t.messages.append(later)
    f = extract_findings(t)
    assert hm(f.mitigated_at) == "08:05"
    assert f.resolved_at.message_ids == ["L3"]


def test_thread_replies_listed_after_their_parent_are_read_in_time_order():
    t = channel(
        [
            ("10:00", "Ann", "I'm seeing errors on login"),
            ("10:30", "Bo", "all clear, incident resolved"),
            ("10:10", "Cy", "rolled back the deploy, error rate back to normal"),  # a thread reply
        ]
    )
    t.messages[2].thread_id = "L1"
    f = extract_findings(t)
    assert f.mitigated_at.message_ids == ["L3"]
    assert f.resolved_at.message_ids == ["L2"]


def test_alert_auto_resolution_is_a_recovery_not_the_incident_resolution():
    t = channel(
        [
            ("14:00", "bot:Alertmanager", "[FIRING:1] HighErrorRate checkout 5xx > 5%"),
            ("14:20", "bot:Alertmanager", "[RESOLVED] HighErrorRate checkout 5xx > 5%"),
            ("14:50", "Ann", "All clear, incident resolved."),
        ]
    )
    f = extract_findings(t)
    assert f.detected_at.message_ids == ["L1"]
    assert f.mitigated_at.message_ids == ["L2"]
    assert f.resolved_at.message_ids == ["L3"]


def test_notes_without_a_real_time_never_become_key_times():
    t = channel(
        [
            ("00:00", "", "General CI failures due to the provider's downtime."),
            ("17:14", "", "Other failures point to the issue being real; this will cause builds to fail."),
            ("18:57", "", "Bump merged and deployed. Checked the site and the problem was resolved."),
        ]
    )
    t.messages[0].time_precision = "date-only"
    t.messages[1].time_precision = "approximate"
    f = extract_findings(t)
    assert f.started_at is None
    assert f.detected_at.message_ids == ["L2"]
    assert "approximate" in f.detected_at.reason
    assert hm(f.resolved_at) == "18:57"


def test_until_clock_is_not_a_start_and_a_bare_clock_is_recent():
    t = channel(
        [
            ("13:30", "", "(until 13:45) Launch success drops to zero."),
            ("14:29", "", "Outage reported on Gitter, investigation is started."),
        ]
    )
    assert hm(extract_findings(t).started_at) == "13:30"
    late = channel([("00:10", "Ann", "I'm seeing errors since 23:50")])
    started = extract_findings(late).started_at
    assert started.at == late.messages[0].at - timedelta(minutes=20)


def test_an_explicit_closing_beats_an_earlier_service_restored_note():
    t = channel(
        [
            ("10:00", "", "Users report 502s from the gateway."),
            ("10:20", "", "Gateway pods rescheduled, errors back to normal."),
            ("10:30", "", "Email sent to stakeholders indicating service restored."),
            ("11:15", "", "Ticket marked as resolved."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("10:20", "11:15")
    only_restored = channel(
        [
            ("10:00", "", "Users report 502s from the gateway."),
            ("10:30", "", "Service restored."),
        ]
    )
    assert hm(extract_findings(only_restored).resolved_at) == "10:30"


def test_notes_opening_with_the_fault_date_its_start_and_permanent_fix_resolves():
    t = channel(
        [
            ("11:21", "", "Upgrade makes the DNS pods crash loop."),
            ("11:52", "", "DNS deployment downgraded by hand, which solved the issue."),
            ("13:30", "", "DNS upgraded again and issue permanently fixed."),
        ],
        tz="Europe/Copenhagen",
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("11:21", "11:52", "13:30")
    assert f.started_at.confidence < f.mitigated_at.confidence


def test_workaround_before_the_first_stated_recovery_is_the_mitigation():
    t = channel(
        [
            ("09:00", "", "The shop is down, detected by the uptime monitor."),
            ("09:20", "", "Provider restart of the web server failed."),
            ("09:35", "", "We switched the DNS to the static mirror to restore basic functionality."),
            ("12:10", "", "Provider restored the web server."),
            ("12:40", "", "We reverted the DNS changes to point back at the web server."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("09:00", "09:35", "12:40")
    assert "workaround" in f.mitigated_at.reason


def test_capacity_increase_is_the_mitigation_when_only_the_closing_follows():
    t = channel(
        [
            ("10:00", "", "Users report the search page is not loading."),
            ("10:30", "", "Call started to triage."),
            ("10:50", "", "The index cluster is out of disk, disk space is increased from 500 to 900 GB."),
            ("11:40", "", "Incident declared resolved."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("10:50", "11:40")


def test_trying_to_restore_is_not_a_workaround():
    t = channel(
        [
            ("10:00", "", "Users report the search page is not loading."),
            ("10:20", "", "We are trying to restore basic search from the replica."),
            ("10:45", "", "Search is working again."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.mitigated_at) == "10:45"


def test_flapping_alert_recoveries_are_not_the_mitigation_and_its_first_start_is_the_start():
    t = channel(
        [
            ("08:00", "", "prod-db - ReplicaLagHigh starts"),
            ("08:10", "", "prod-db - ReplicaLagHigh recovers"),
            ("08:15", "", "prod-db - ReplicaLagHigh starts"),
            ("08:40", "", "prod-db - ReplicaLagHigh recovers and starts"),
            ("09:05", "", "Team notices the reports page has no data since 08:00."),
            ("09:30", "", "The replica was rebuilt and reports are back to normal."),
            ("10:00", "", "Incident declared resolved."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.started_at) == "08:00"
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("09:30", "10:00")


def test_an_alert_that_recovers_for_good_is_still_the_mitigation():
    t = channel(
        [
            ("08:00", "", "prod-db - ReplicaLagHigh starts"),
            ("08:10", "", "Failover to the standby replica."),
            ("08:20", "", "prod-db - ReplicaLagHigh recovers"),
            ("11:00", "", "Incident declared resolved."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("08:00", "08:20", "11:00")


def test_an_alert_firing_is_a_detection_not_the_start():
    t = channel(
        [
            ("01:03", "", "First alert fires"),
            ("05:00", "", "Engineers acknowledge the alert"),
            ("05:40", "", "Hub successfully restarted."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "01:03"
    assert f.started_at is None


def test_a_ticket_saying_when_the_symptom_began_is_detected_when_it_arrived_not_then():
    t = channel(
        [
            ("06:12", "bot:support-bridge", 'New ticket from customer: "metrics flatlining from ~05:30 CEST"'),
            ("06:18", "Linnea", "looking. broker metric samples dropping"),
            ("07:35", "Linnea", "collectors restarted, samples complete again"),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "06:12"


def test_a_stated_clock_with_its_zone_before_a_colon_is_read_in_that_zone():
    berlin = ZoneInfo("Europe/Berlin")
    t = Transcript(
        messages=[
            Message(id="1", at=datetime(2024, 12, 3, 15, 9, tzinfo=berlin), author="priya",
                    text="Opening this channel. Datadog fired at 14:07 UTC: checkout error rate 6.8% and climbing."),
            Message(id="2", at=datetime(2024, 12, 3, 15, 40, tzinfo=berlin), author="tomas", text="rolled back, errors back to normal"),
        ],
        source="transcript",
        timezone="Europe/Berlin",
    )
    f = extract_findings(t)
    assert f.detected_at is not None and f.detected_at.at == datetime(2024, 12, 3, 14, 7, tzinfo=timezone.utc)
