"""Live incident chat: what happened at each moment, the alternatives offered, and who took part."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from facilitator.extract import extract_findings
from facilitator.report import extract_report
from facilitator.sources.paste import parse_transcript
from facilitator.transcript import Message, Transcript


def channel(rows, tz="UTC") -> Transcript:
    """rows: (HH:MM, author, text); author "bot:Name" makes a bot."""
    zone = ZoneInfo(tz)
    messages = []
    for i, (hm, author, text) in enumerate(rows, start=1):
        hour, minute = map(int, hm.split(":"))
        messages.append(
            Message(
                id=f"L{i}",
                at=datetime(2024, 12, 3, hour, minute, tzinfo=zone),
                author=author.removeprefix("bot:"),
                is_bot=author.startswith("bot:"),
                text=text,
            )
        )
    return Transcript(messages=messages, source="transcript", timezone="UTC")


def hm(key) -> str | None:
    return None if key is None else key.at.strftime("%H:%M")


def test_a_ruled_out_hypothesis_is_not_the_recovery():
    f = extract_findings(
        channel(
            [
                ("09:48", "maya", "503s everywhere, most of the fleet is down"),
                ("10:04", "maya", "ruled out network: backbone looks healthy"),
                ("10:36", "priya", "config disabled, services are starting to recover"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:36"


def test_doubt_that_a_step_worked_is_not_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("14:00", "ana", "deployed the new cache settings"),
                ("14:20", "ana", "not sure the cache change had the desired effect, p99 still high... rolling back"),
                ("14:31", "ben", "manual rollback worked, latency back to baseline"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:31"
    mitigation_ids = [c.message_ids[0] for c in f.candidates["mitigated_at"]]
    assert "L2" not in mitigation_ids


def test_a_revert_link_is_the_mitigation_step_before_a_late_all_clear():
    f = extract_findings(
        channel(
            [
                ("10:00", "ana", "jobs are failing on network errors"),
                ("10:20", "ben", "https://github.com/acme/infra/pull/812 Revert \"bump coredns\""),
                ("12:30", "ana", "outage ends, all clear"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:20"
    assert hm(f.resolved_at) == "12:30"


def test_timeline_row_headed_mitigation_wins_over_an_earlier_partial_restore():
    text = (
        "| Time | Phase | Event |\n|---|---|---|\n"
        "| 14:02 | Detection | Alert: checkout error rate above 5% |\n"
        "| 14:10 | Investigation | Provider partially restored, checkout back to normal in eu-west only |\n"
        "| 14:25 | Mitigation | Rolled back checkout v2.3 to v2.2 |\n"
        "| 14:40 | Resolution | Error rate at baseline; incident closed |\n"
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2024, 3, 5), origin="t.md")
    f = extract_findings(t)
    assert (hm(f.detected_at), hm(f.mitigated_at), hm(f.resolved_at)) == ("14:02", "14:25", "14:40")


def test_all_clear_phrasings_of_chat():
    for phrase in ("resolution is confirmed complete", "things should be fine now", "we're good"):
        f = extract_findings(
            channel([("10:00", "ana", "api is down, 502s"), ("10:05", "ben", "restarted the pods"), ("10:50", "ana", phrase)])
        )
        assert hm(f.resolved_at) == "10:50", phrase


def test_candidates_offer_alternatives_with_reasons_and_spread():
    f = extract_findings(
        channel(
            [
                ("10:00", "bot:PagerDuty", "[Triggered] api 5xx above threshold"),
                ("10:02", "ana", "I'm seeing 502s on the api"),
                ("10:20", "ben", "rolling back the deploy"),
                ("10:40", "ana", "error rate back to normal"),
                ("11:30", "ana", "incident resolved"),
            ]
        )
    )
    for name in ("detected_at", "mitigated_at", "resolved_at"):
        options = f.candidates[name]
        assert options and options[0].at == f.key_time(name).at  # the chosen one comes first
        assert len(options) <= 3
        assert all(c.reason and c.message_ids for c in options)
        times = [c.at for c in options]
        assert all(abs(a - b).total_seconds() >= 600 for i, a in enumerate(times) for b in times[i + 1 :])
    assert "10:20" in [hm(c) for c in f.candidates["mitigated_at"]]  # the rollback is offered beside the recovery


def test_extract_json_keeps_its_keys_and_adds_candidates():
    t = channel([("10:00", "ana", "api is down"), ("10:30", "ben", "back to normal"), ("11:00", "ben", "resolved")])
    report = extract_report(t, extract_findings(t))
    assert report["mitigated_at"].endswith("10:30:00+00:00")  # the old key, unchanged
    assert report["key_times"]["mitigated_at"]["candidates"][0]["message_ids"] == ["L2"]
    assert report["candidates"]["resolved_at"][0]["reason"]


def test_responders_include_people_shown_acting_and_merge_spellings():
    f = extract_findings(
        channel(
            [
                ("10:00", "Yusuf Patel", "hub is frozen for students"),
                ("10:05", "yusufp", "looking, @nova restarted the proxy already"),
                ("10:10", "Sara Gomez", "- `@mira` rolled back the config"),
                ("10:12", "sara gomez", "thanks @kiran for reverting"),
                ("10:15", "Sara Gomze", "better now"),
                ("10:16", "bot:PagerDuty", "resolved: hub 5xx"),
                ("10:20", "Yusuf Patel", "@here please keep an eye on it"),
                ("10:25", "Yusuf Patel", "thanks Omar for restarting it, thanks everyone for jumping in"),
            ]
        )
    )
    names = sorted(r.name for r in f.responders)
    assert names == ["Omar", "Sara Gomez", "Yusuf Patel", "kiran", "mira", "nova"]
    assert "PagerDuty" not in names


def test_two_people_whose_handles_differ_by_one_letter_stay_two():
    f = extract_findings(channel([("10:00", "alexh", "db is down"), ("10:01", "alexb", "on it")]))
    assert sorted(r.name for r in f.responders) == ["alexb", "alexh"]


# --- drafts that read as written ---------------------------------------------------------

from facilitator.extract.patterns import plain_sentence  # noqa: E402


def test_plain_sentence_drops_chat_lead_ins_and_keeps_the_point():
    assert plain_sentence("hey all, WER teacher just pinged me: lots of students can't get into the hub.") == (
        "Lots of students can't get into the hub."
    )
    assert plain_sentence("Per @fejta the issue is that the cache filled the disk") == "The issue is that the cache filled the disk"
    assert plain_sentence("I'm seeing 502s on checkout") == "502s on checkout"
    assert plain_sentence("<user42> I haven't received any emails since Friday") == "I haven't received any emails since Friday"
    assert plain_sentence("A user in the channel says Binder is down") == "Binder is down"
    assert plain_sentence("is it known that the RC feeds have stopped?") == "The RC feeds have stopped?"
    assert plain_sentence("Paged. lots of mysql alerts at once") == "Lots of mysql alerts at once"
    assert plain_sentence("looking at the mail queue now") == "Looking at the mail queue now"  # an action, not a lead-in
    assert plain_sentence("from the logs, the hub crashed") == "From the logs, the hub crashed"


def test_title_of_a_chat_is_a_short_sentence_not_the_first_alarmed_message():
    f = extract_findings(
        channel(
            [
                ("10:00", "ana", "hey all, ok so the checkout API is returning 502s for everyone, not sure since when, "
                 "I only noticed because my own order failed twice and then the dashboard went red"),
                ("10:30", "ben", "rolled back, fine now"),
            ]
        )
    )
    assert f.title.text.startswith("The checkout API is returning 502s for everyone")
    assert len(f.title.text) <= 81 and not f.title.text.lower().startswith("hey")


def test_slack_copy_drops_interface_text_glued_to_a_line():
    text = "alice  4:10 PM\nthe hub is not responding at all.View newer replies\nbob  4:12 PM\nlooking3 replies\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2024, 3, 5), origin="p.txt")
    assert [m.text for m in t.messages] == ["the hub is not responding at all.", "looking"]


def test_one_timeline_row_when_mitigation_and_resolution_share_a_message():
    f = extract_findings(channel([("10:00", "ana", "api is down"), ("10:30", "ben", "back to normal")]))
    rows = [(e.at, e.message_ids[0]) for e in f.events]
    assert len(rows) == len(set(rows))
    assert [e.kind for e in f.events if e.message_ids == ["L2"]] == ["resolved"]


# --- picking another candidate in the interview ---------------------------------------

from facilitator.interview.engine import Interview  # noqa: E402
from facilitator.session import Session, SourceSpec  # noqa: E402
from facilitator.sessions import SessionStore  # noqa: E402


def test_interview_offers_the_other_candidates_and_stores_the_one_picked(tmp_path):
    t = channel(
        [
            ("10:00", "ana", "I'm seeing 502s on the api"),
            ("10:20", "ben", "rolling back the deploy"),
            ("10:40", "ana", "error rate back to normal"),
            ("11:30", "ana", "incident resolved"),
        ]
    )
    findings = extract_findings(t)
    session = Session(name="t", source=SourceSpec(kind="transcript"), timezone="UTC", findings=findings)
    interview = Interview(session, t, SessionStore(tmp_path))
    options = interview.alternatives("mitigated_at")
    shown = [interview.display_value("mitigated_at", o.value)[-5:] for o in options]
    assert shown[0] == "10:40" and "10:20" in shown
    picked = interview.accept_alternative("mitigated_at", shown.index("10:20"))
    assert picked.status == "suggested" and picked.message_ids == ["L2"]
    assert interview.display_value("mitigated_at", picked.value).endswith("10:20")


def test_a_chat_that_starts_after_the_system_healed_itself_dates_the_recovery_as_stated():
    f = extract_findings(
        channel(
            [
                ("15:00", "lena", "the launch success panel has a big dip this morning"),
                ("15:02", "lena", "launch success hit 0% at 10:34 and came back at 10:55 by itself"),
                ("15:20", "omar", "cordoned the node anyway"),
            ]
        )
    )
    assert hm(f.detected_at) == "15:00"
    assert hm(f.mitigated_at) == "10:55"


def test_a_monitor_clearing_and_work_flowing_again_are_recoveries():
    for phrase in ("ActionMailer alert resolved, emails are going out again", "launch success back at 100%"):
        f = extract_findings(channel([("12:00", "ana", "mails are failing"), ("12:30", "ben", phrase)]))
        assert hm(f.mitigated_at) == "12:30", phrase


def test_phases_follow_the_exchange_and_skip_doubts_and_dismissed_ideas():
    f = extract_findings(
        channel(
            [
                ("10:00", "ana", "I'm seeing 502s on checkout"),
                ("10:05", "ben", "maybe the cache? ruled out, cache is not the cause"),
                ("10:10", "ana", "not sure the config push had the desired effect... rolling back"),
                ("10:20", "ben", "the root cause is the connection pool size in v2.3"),
                ("10:25", "ben", "rolling back to v2.2 now"),
                ("10:40", "ana", "error rate back to normal"),
                ("11:30", "ana", "incident resolved"),
            ]
        )
    )
    assert [(p.name, hm(p)) for p in f.phases] == [
        ("investigating", "10:00"),
        ("identified", "10:20"),
        ("mitigating", "10:25"),
        ("monitoring", "10:40"),
        ("resolved", "11:30"),
    ]


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
