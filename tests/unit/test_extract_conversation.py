"""Live incident chat: what happened at each moment, the alternatives offered, and who took part."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from facilitator.extract import extract_findings
from facilitator.report import extract_report
from facilitator.sources.paste import parse_transcript
from facilitator.transcript import Message, Transcript

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


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


def test_a_step_no_recovery_followed_is_offered_for_the_mitigation():
    f = extract_findings(
        channel(
            [
                ("10:00", "bot:PagerDuty", "[Triggered] api 5xx above threshold"),
                ("10:02", "ana", "I'm seeing 502s on the api"),
                ("10:20", "ben", "restarting the api pods now"),
                ("10:45", "ana", "postmortem doc is here"),
            ]
        )
    )
    options = f.candidates["mitigated_at"]
    assert [hm(c) for c in options] == ["10:20"]
    assert "no recovery" in options[0].reason


def test_the_last_recovery_before_the_all_clear_is_offered_for_the_resolution():
    f = extract_findings(
        channel(
            [
                ("09:45", "nina", "charts have no data, alerting delayed"),
                ("11:03", "ken", "alerts flowing again. my test alert just fired"),
                ("16:00", "tom", "historical backfill finished. all chart data is restored, no gaps"),
                ("16:14", "alicia", ":tada: posting the all-clear"),
            ]
        )
    )
    assert hm(f.resolved_at) == "16:14"
    assert "16:00" in [hm(c) for c in f.candidates["resolved_at"]]


def test_a_step_hours_before_the_recovery_is_not_offered_as_the_step_that_brought_it():
    f = extract_findings(
        channel(
            [
                ("07:30", "gareth", "eu translations failing, queue growing"),
                ("07:55", "ravi", "restarting the translator pool"),
                ("12:00", "ines", "still failing, the pool restart did not help"),
                ("16:15", "ravi", "hotfix is on the translator nodes"),
                ("16:24", "ines", "queue burning down fast"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:24"
    assert "07:55" not in [hm(c) for c in f.candidates["mitigated_at"]]


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

from facilitator.extract.written import plain_sentence  # noqa: E402


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


def test_an_alert_that_lagged_behind_a_recovery_already_over_dates_it_as_stated():
    f = extract_findings(
        channel(
            [
                ("10:17", "bot:PagerDuty", "Triggered: flex p95 latency burn rate 1h > 14.4"),
                ("10:21", "marcus", "p95 on /roles and /realms way up and a pile of 504s"),
                ("10:32", "marcus", "raw latency: spike starts 9:45, back to normal at 10:04. it was already over when we got paged"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:04"


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


def test_a_part_found_healthy_while_the_problem_goes_on_is_a_check_not_the_recovery():
    f = extract_findings(
        channel(
            [
                ("09:40", "bot:Grafana", "[FIRING:1] alert-queue latency > 60s"),
                ("09:44", "giulia", "alert delivery is lagging, customers getting pages late"),
                ("09:52", "giulia", "redis mem is fine, no evictions"),
                ("09:58", "omar", "webhooks are fine, delivery log all 200"),
                ("10:20", "omar", "it's the worker pool, stuck on one tenant. killing those jobs"),
                ("10:31", "giulia", "queue draining normally now, latency per job back to ~40ms"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "10:31"


def test_a_part_found_healthy_just_after_a_step_is_the_recovery():
    f = extract_findings(
        channel(
            [
                ("14:02", "bot:Pingdom", "DOWN: api.example.com is not responding"),
                ("14:05", "lena", "api down for everyone, 502 from the lb"),
                ("14:12", "lena", "restarted the api pods"),
                ("14:15", "kofi", "pods look fine, all running"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:15"


@pytest.mark.parametrize(
    "check",
    [
        "redis is fine, memcached is fine, sidekiq queue is growing but that's a symptom",
        "coredns is fine, its forwarding upstream and upstream is dead",
    ],
)
def test_a_part_found_healthy_beside_the_problem_named_is_a_check_even_just_after_a_step(check):
    f = extract_findings(
        channel(
            [
                ("16:00", "mfaulk", "site down, unicorn workers all busy"),
                ("16:21", "ejaramillo", "restarting unicorn on app01 as a test"),
                ("16:30", "mfaulk", check),
                ("18:28", "mfaulk", "all 8 green. logins work, dashboard loads"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "18:28"


def test_a_status_posts_monitoring_update_that_names_the_errors_does_not_undo_the_recovery_before_it():
    f = extract_findings(
        channel(
            [
                ("12:22", "kelsey", "renewals showing processing errors, signups timing out"),
                ("13:49", "marcus", "job paused. DB CPU dropping, 60% and falling. queues still backed up, give it a bit."),
                ("14:37", "marcus", "Queues drained, response times back to normal. Moving status to monitoring. "
                 "Renewals that errored need reprocessing, Dana can you pull the list Monday?"),
                ("14:40", "bot:Statuspage", "Monitoring - A fix has been implemented. Subscriptions that hit processing errors will be reviewed."),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:37"


def test_an_alert_reopened_after_it_auto_closed_means_it_never_recovered():
    f = extract_findings(
        channel(
            [
                ("13:04", "bot:Opsgenie", "Alert created by Datadog: Searches API error rate > 5%"),
                ("13:06", "aoife", "searches failing in bursts, looking"),
                ("13:31", "bot:Opsgenie", "Alert auto-closed by Datadog: recovered"),
                ("13:47", "bot:Opsgenie", "Alert reopened by Datadog: Searches API error rate > 5%"),
                ("15:50", "callum", "dispatch fix deployed"),
                ("15:58", "aoife", "no failures since the deploy, search back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "15:58"


def test_one_part_still_slow_while_the_rest_is_ok_leaves_the_recovery_standing():
    f = extract_findings(
        channel(
            [
                ("16:02", "lena", "site is down, db disk died"),
                ("19:11", "lena", "restore done, opening for everyone"),
                ("19:13", "sofie", "users logging in, first posts already lol"),
                ("19:26", "erik", "forums still way too slow once people pile in. other pages ok"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "19:13"


def test_a_later_reported_recovery_is_offered_before_a_fix_merely_announced():
    f = extract_findings(
        channel(
            [
                ("10:00", "bot:Datadog", "Triggered: checkout 5xx rate > 5%"),
                ("10:05", "ana", "checkout failing for everyone"),
                ("10:12", "ana", "rolling back the cart service"),
                ("10:30", "ben", "checkout works again"),
                ("11:00", "ana", "hotfix deployed to prod"),
                ("11:40", "ben", "error rate back to baseline everywhere"),
            ]
        )
    )
    offered = [hm(c) for c in f.candidates["mitigated_at"]]
    assert offered[0] == "10:30" and "11:40" in offered and "11:00" not in offered


def test_the_moment_the_incident_was_declared_is_offered_for_detection():
    f = extract_findings(
        channel(
            [
                ("13:08", "dan", "anyone else getting slow console? grid takes 10s to load"),
                ("13:12", "mei", "k8s nodes all Ready, cpu normal on the bot pods"),
                ("13:20", "jordan", "declaring an incident, putting up the status page"),
                ("13:40", "mei", "ledger db scaled up, console loads fast again"),
            ]
        )
    )
    offered = [hm(c) for c in f.candidates["detected_at"]]
    assert offered[0] == "13:08" and "13:20" in offered


def test_the_first_hosts_back_while_waiting_for_the_rest_is_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("13:05", "bot:Pingdom", "DOWN: eu cloud unreachable"),
                ("13:10", "jannik", "whole DC lost power, nothing answers"),
                ("15:05", "jannik", "power is back, racks booting"),
                ("15:22", "jannik", "first hosts up again. waiting for the rest"),
                ("15:40", "jannik", "all hosts back, games reconnecting, traffic back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "15:40"
