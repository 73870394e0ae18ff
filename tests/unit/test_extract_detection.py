"""Detection and recovery subtleties on hand-made timeline notes and chats.

Each test is a pattern seen in real post-mortem timelines: weak versus strong detection,
incidents noticed only after they healed, a recovery told in the same entry as the report,
hedged or contradicted recoveries, workarounds before the closing message.
"""

from __future__ import annotations

from tests.unit.test_extract_times import channel, hm

from facilitator.extract import extract_findings


def test_investigation_beginning_is_weak_the_first_observed_symptom_wins():
    t = channel(
        [
            ("08:00", "", "Fetching container logs has stopped working on every host."),
            ("09:40", "", "A routine config push fails with the same tunnel error."),
            ("10:30", "", "Replacement workers are up but log fetching still fails. Investigation begins."),
            ("12:15", "", "With the bad worker removed, log fetching works again and everything is working."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "08:00"
    assert f.detected_at.message_ids == ["L1"]
    assert hm(f.mitigated_at) == "12:15"


def test_investigation_without_an_earlier_symptom_is_the_detection():
    t = channel(
        [
            ("08:00", "", "Weekly maintenance window opens."),
            ("09:10", "", "Investigation starts into slow report generation."),
            ("10:00", "", "Reports are back to normal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "09:10"


def test_a_report_still_beats_an_earlier_symptom():
    t = channel(
        [
            ("13:30", "", "Checkout success falls to zero."),
            ("14:29", "", "A customer reported the outage by email, investigation is started."),
            ("15:00", "", "Launches are back to normal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.started_at) == "13:30"
    assert hm(f.detected_at) == "14:29"


def test_marked_start_then_first_symptom_after_it_is_the_detection():
    t = channel(
        [
            ("08:50", "", "Start of incident. Image builder v2 rolled out, which empties the layer cache."),
            ("18:40", "", "Image builds are backlogged; two more machines are requested."),
            ("19:10", "", "The machines join as their own group."),
            ("19:50", "", "Notice that the new group lacks scratch disks."),
            ("23:00", "", "Build queue empty. Incident resolved."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.started_at) == "08:50"
    assert hm(f.detected_at) == "18:40"
    assert f.detected_at.message_ids == ["L2"]


def test_something_is_wrong_and_zero_percent_read_as_a_detection():
    t = channel(
        [
            ("14:00", "", "Marketing email goes out, sign-ups climb."),
            ("14:30", "", "Scaler adds a worker as intended; a small queue forms while it warms up."),
            ("16:05", "", "Sign-up success rate is at 0%. Something seems wrong, more than traffic."),
            ("16:30", "", "After restarting the gateway, sign-ups begin to succeed again."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "16:05"
    assert hm(f.mitigated_at) == "16:30"


def test_noticed_after_it_healed_itself():
    t = channel(
        [
            ("10:30", "", "Upload success rate is at 0% on the dashboard."),
            ("10:50", "", "Storage layer self-heals; uploads back to normal."),
            (
                "15:00",
                "",
                "The upload dip is noticed in the weekly review, investigation launched. "
                "Drained the disk host even though it looks recovered.",
            ),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == (
        "10:30", "15:00", "10:50", "10:50",
    )  # fmt: skip
    assert f.mitigated_at.message_ids == ["L2"]


def test_recovery_in_the_same_entry_as_the_report():
    t = channel(
        [
            ("12:00", "", "Config release v7 deployed."),
            ("13:30", "", "Login success falls to zero."),
            (
                "14:30",
                "",
                "Users reported the login outage on social media. Restarting the cache does not help. "
                "Then the auth service is restarted and logins are back to normal within a minute.",
            ),
            ("16:00", "", "Follow-up fix deployed. Incident closed."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "14:30"
    assert hm(f.mitigated_at) == "14:30"
    assert hm(f.resolved_at) == "16:00"


def test_recovery_contradicted_by_the_next_entry_does_not_count():
    t = channel(
        [
            ("09:00", "", "Alerts fired: disk full on the database host."),
            ("09:20", "", "Old logs deleted, the database is working again."),
            ("09:25", "", "Disk is still full, the log volume is a different mount."),
            ("09:50", "", "Volume resized, writes are back to normal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.mitigated_at) == "09:50"


def test_hedged_recovery_keeps_its_main_clause():
    t = channel(
        [
            ("09:00", "Alice", "I'm seeing 502s on the API."),
            ("09:30", "Bob", "Despite the odd restart, everything is back to normal."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "09:30"


def test_ing_again_recovery_and_as_intended_symptom():
    t = channel(
        [
            ("10:00", "Alice", "Throttle rejects the burst of exports, as intended."),
            ("10:05", "Alice", "Users report exports timing out."),
            ("10:40", "Bob", "Exports running again after the worker restart."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "10:05"
    assert hm(f.mitigated_at) == "10:40"


def test_workaround_is_the_mitigation_when_only_the_closing_message_recovers():
    t = channel(
        [
            ("18:00", "", "Notice that reports are stuck and the report queue keeps growing."),
            ("18:30", "", "Block the giant tenant's report jobs so that other tenants get through."),
            ("23:50", "", "Giant tenant's jobs done and unblocked. Incident resolved."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.mitigated_at) == "18:30"
    assert hm(f.resolved_at) == "23:50"


def test_workaround_ignored_when_the_service_recovered_before_the_closing_message():
    t = channel(
        [
            ("18:00", "", "Notice that reports are stuck."),
            ("18:30", "", "Block the crawler's address range to let real users through."),
            ("18:45", "", "Reports are back to normal."),
            ("20:00", "", "Incident resolved."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "18:45"


def test_alert_fires_and_a_user_telling_the_team_are_detections():
    fires = channel([("02:10", "", "Disk usage climbs on db-2."), ("02:15", "", "The first page fires for db-2.")])
    assert hm(extract_findings(fires).detected_at) == "02:15"
    told = channel(
        [
            ("09:00", "", "Queue consumer stops acking messages."),
            ("09:40", "", "A customer notifies the team via the support portal that exports are missing."),
            ("10:05", "", "Consumer restarted, exports are flowing again."),
        ]
    )
    assert hm(extract_findings(told).detected_at) == "09:40"


def test_incident_declared_resolved_closes_and_does_not_detect():
    t = channel(
        [
            ("11:00", "", "Search results stop updating."),
            ("11:20", "", "Incident declared."),
            ("12:05", "", "Indexer redeployed, search is back to normal."),
            ("12:30", "", "Incident declared resolved."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("11:20", "12:05", "12:30")


def test_notes_recovery_wordings_repaired_successful_restart_declared_online_and_marker():
    for wording in (
        "Incident repaired.",
        "Team successfully restarts the scheduler.",
        "On-call declares the api cluster online.",
        "Load balancer targets reattached (resolved).",
    ):
        t = channel(
            [
                ("08:00", "", "Users report timeouts on the api."),
                ("08:30", "", wording),
                ("09:30", "", "Follow-up tickets are filed."),
            ]
        )
        assert hm(extract_findings(t).mitigated_at) == "08:30", wording


def test_a_purpose_clause_or_a_guess_is_not_a_recovery_and_remaining_broken_cancels_one():
    t = channel(
        [
            ("13:00", "", "Alerts fire for the web tier."),
            ("13:10", "", "Engineer logs in to check everything is okay and succeeds."),
            ("13:20", "", "I think the cache is fine, it could be the proxy."),
            ("13:30", "", "The config is back to normal. Sites remain unavailable to users."),
            ("14:00", "", "Proxy restarted, sites are working again."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "14:00"


def test_able_again_contradicted_by_still_hanging_and_running_smoothly_recovers():
    t = channel(
        [
            ("20:00", "", "Ticket is opened about notebooks being killed."),
            ("20:30", "", "Users are able to log in again."),
            ("20:40", "", "Reports say kernels still hang."),
            ("22:00", "", "The workshop is running smoothly."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "22:00"


def test_notes_where_a_tool_fires_an_alert_or_the_outage_was_detected_by_a_team():
    fires = channel(
        [
            ("18:50", "", "Queue processing stops and writes are failing."),
            ("18:56", "", "The pager service fires an alert and calls the on-call engineer."),
        ]
    )
    f = extract_findings(fires)
    assert (hm(f.started_at), hm(f.detected_at)) == ("18:50", "18:56")
    seen = channel([("06:00", "", "The website being down was detected by the security team.")])
    assert extract_findings(seen).detected_at.reason.startswith("first report")


def test_purpose_clause_is_not_a_recovery_and_operating_normally_then_all_restores_complete():
    t = channel(
        [
            ("18:56", "", "Alerts fire for ingestion."),
            ("19:10", "", "A decision is made to drop the buffer in order to get the service back up quickly."),
            ("19:20", "", "The service is operating normally, but recent data is missing."),
            ("20:57", "", "Half of the restore has been completed."),
            ("22:00", "", "All restores complete. Only the outage window is missing."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("19:20", "22:00")


def test_recovery_and_still_broken_in_one_sentence_and_a_linked_ticket_opened():
    t = channel(
        [
            ("20:15", "", "Ticket https://support.example.com/tickets/77 is opened about slow server starts."),
            ("21:00", "", "Hub redeployed."),
            ("21:59", "", "Users say they are able to start servers again but kernels still hang."),
            ("23:30", "", "Node pool enlarged, kernels are working again."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.detected_at), hm(f.mitigated_at)) == ("20:15", "23:30")


def test_reverting_named_changes_is_a_recovery():
    t = channel(
        [
            ("06:00", "", "Users report the website is down."),
            ("07:00", "", "Team reverted the DNS changes."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "07:00"


def test_detecting_entry_that_reports_the_breaking_change_is_also_the_start():
    t = channel(
        [
            ("14:02", "", "The legacy auth plugin is removed by Sam, after noticing the build is failing on it."),
            ("14:06", "", "Kim says every login page is broken now."),
            ("14:30", "", "Sam restores the plugin and logins are working again."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.started_at), hm(f.detected_at), hm(f.mitigated_at)) == ("14:02", "14:02", "14:30")
    assert "change" in f.started_at.reason


def test_a_change_alone_in_the_detecting_entry_does_not_date_the_start():
    t = channel(
        [
            ("14:02", "", "We noticed the nightly report job was slow; the cache is removed by the on-call."),
            ("14:40", "", "The report job is back to normal."),
        ]
    )
    f = extract_findings(t)
    assert hm(f.detected_at) == "14:02"
    assert f.started_at is None or "change" not in f.started_at.reason


def test_added_capacity_hours_before_the_confirmation_is_the_mitigation():
    t = channel(
        [
            ("09:00", "", "Users report notebooks taking 20 minutes to start."),
            ("11:15", "", "Second engineer makes 10 more nodes available for the training."),
            ("13:30", "", "Trainer confirms the session is running smoothly."),
            ("16:00", "", "Incident resolved with the new memory limits."),
        ]
    )
    f = extract_findings(t)
    assert (hm(f.mitigated_at), hm(f.resolved_at)) == ("11:15", "16:00")


def test_scaling_up_followed_within_minutes_by_recovery_keeps_the_recovery():
    t = channel(
        [
            ("09:00", "", "Users report the API is timing out."),
            ("09:10", "", "We scaled the api deployment up to 12 replicas."),
            ("09:20", "", "Latency is back to normal."),
        ]
    )
    assert hm(extract_findings(t).mitigated_at) == "09:20"


def test_a_problem_said_to_go_on_in_chat_words_is_still_broken():
    from facilitator.extract.neighbours import scan
    from facilitator.transcript import Message, Transcript

    from datetime import datetime, timezone

    texts = [
        "lag still going up though",
        "error rate 61 -> 14%, still not 0",
        "keeper-2 back but still no quorum",
        "still getting calls, people want an ETA",
        "lag is down, all good",
    ]
    at = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    sigs = scan(Transcript(messages=[Message(id=f"m{i}", at=at, author="Ann", text=t) for i, t in enumerate(texts)], source="transcript"))
    assert ["still_broken" in s.flags for s in sigs] == [True, True, True, True, False]


def test_a_pagers_authorless_trigger_row_in_a_chat_is_the_first_alert():
    f = extract_findings(
        channel(
            [
                ("11:25", "", "Triggered through the website by Priya Raman"),
                ("11:34", "priya", "runtime logs are timing out in the dashboard"),
                ("11:35", "marco", "ack'd. looking"),
            ]
        )
    )
    assert hm(f.detected_at) == "11:25"


def test_an_alert_its_monitor_resolved_before_anyone_spoke_is_not_the_detection():
    rows = [
        ("08:37", "bot:Alertmanager", "[CRITICAL] lido-c3 attestation miss rate > 5% triggered"),
        ("08:37", "bot:Alertmanager", "Resolved through the integration API"),
        ("08:51", "bot:PagerDuty", "Triggered #3392 [CRITICAL] lido-c3 sync committee participation 0%"),
        ("08:53", "max", "ack. sync committee on c3 at zero?? looking"),
        ("09:19", "max", "attestations included again, c3 fully back"),
    ]
    f = extract_findings(channel(rows))
    assert hm(f.detected_at) == "08:51"
    assert "08:37" in [c.at.strftime("%H:%M") for c in f.candidates["detected_at"]]  # still offered
    # someone speaking of the flap minutes later saw it: then it is the detection
    seen = [*rows[:2], ("08:40", "max", "saw that flap. c3 pods restarted? checking"), *rows[2:]]
    assert hm(extract_findings(channel(seen)).detected_at) == "08:37"


def test_a_report_that_ends_with_going_to_sleep_is_still_the_detection():
    f = extract_findings(
        channel(
            [
                ("20:59", "oliver", "jenkins is down. doesn't answer, neither web nor ssh. can someone look? i'm going to sleep, almost 3am here"),
                ("23:02", "shawn", "morning. jenkins box is dead since last night"),
                ("23:10", "shawn", "got IPMI, console is up, loader can't find the kernel"),
            ]
        )
    )
    assert hm(f.detected_at) == "20:59"
