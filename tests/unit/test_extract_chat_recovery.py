"""How chat says the service is back, or that only part of it is back.

Recoveries come in many words ("login works ✅", "200s again", "no restarts since"), and an
all-clear may look back to when the service came back ("quiet for an hour"); the problem coming
back is in ``test_extract_chat_relapse.py``. Each test is a small channel read the way a
commander would; the phrasing tests put one message after an outage and ask where the mitigation lands.
"""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")  # these tests pin the rules' reading


def cands(f, name) -> list[str]:
    return [hm(c) for c in f.candidates[name]]


def mitigation_after_outage(text: str, before: str = "outbound calls failing") -> str | None:
    """Where the mitigation lands when ``text`` follows an alert and a person seeing the outage."""
    f = extract_findings(
        channel([("10:30", "bot:Nagios", "PROBLEM: service down"), ("10:40", "kofi", before), ("11:10", "lewis", text)])
    )
    return hm(f.mitigated_at)


@pytest.mark.parametrize(
    "text",
    [
        "200s again, login works ✅",
        "checked from 4 regions, all good",
        "she can see her module dashboard again 🎉",
        "capture 0 errors",
        "🟢 **api.example.com is up**\nwas down for 15 minutes",
        "git clone works from here!! read only but that's plenty",
        "500 rate back at zero",
        "authdns answering!! dig from home returns A records again",
        "queue empty, new captures going through in seconds",
        "bgp up. traffic coming in.",
        "** RECOVERY Host Alert: border-rtr-2 is UP **",
        "last one cleared. calls setting up normally on all voice servers",
        "up, pinging clean, 0% loss",
        "idig loads!! excavators getting in",
        "mail flow is back to regular. queues empty",
        "api clean from every probe now ✅",
        "flipped. we're live on the new db with limited archives",
        "people on those can get into their inbox again",
        "all nodes on pgbouncer. api responsive, realtime sync working",
        "up now https://slipmat.io/",
        "ok it's back up now",
        "status page -> monitoring",
        "setting status to monitoring, let's give it 20 min",
        "it's up!! homepage loading",
        "Monitor is UP: weatherwatchep.co.uk ( https://weatherwatchep.co.uk/ )",
        "radar updating, warnings back. all green from here",
        "done. everything's back on core service",
        "Monitoring - We are seeing the return of health to the nodes impacted by this issue.",
        "queues at normal levels",
        "provider says resolved. all our test lines are up :tada:",
        "can't repro 404s anymore from 3 regions",
        "not seeing any timeouts any more",
        "checkout no longer failing",
        "loads fine for me now 👍",
        "errors slowing down in kibana",
        "first reporter confirms their db only has their own tables now",
        "CSMs say customers confirm inbox fine",
        "helpdesk says the lab in the library can browse again",
        "traceroute to 8.8.8.8 gets all the way through now",
        "relay queue dropping fast",
        "right. mail1 answering instantly now, sends going through",
        "hang on. wellington firewalls are pinging again",
        "[P1] SEV-1 Gateway availability < 50% — gateway-prod — Closed automatically (recovery)",
        ":white_check_mark: UP: learn.example.edu - HTTP 200 (was down 1h 22m)",
        "UP: www.example.org is up again (down 5h 18m)",
        "site's back. homepage + search + listings load",
        "we're fully back. closing the maintenance",
        "connections validated, back in the load balancer",
        "Timetracker loads in Jira again",
        "load is under control",
        "power cycled gw1, it's passing traffic",
        "first load coming back in the east areas",
        "customers coming back, session count going up",
        "first sats look sane again",
        "reboot done. every site i spot check is up",
        "weight for the new handler → 0%, traffic back on the old path",
        "lag stopped growing, now it goes down",
        "central network is up, institutes have link again",
        "index has capacity. GET / LIST starting to go through",
        "re-enabled the site. boards load! no images yet",
        "about three quarters of sessions back",
        "everything up. traceroute to the mainland clean",
        "last VMs running on the spare. all services up",
        "checkout open. all traffic normal, all sites serving",
        "fixed. impersonated 3 of the customers, dashboard instant",
        "us-east up. all three green",
        "Taux d'autorisation revenu à la normale sur le dashboard",
        "classes v2 up. everything in the checklist green",
        "BASS-2 light is back, clean",
        "tassie data coming back, NBN sessions reconnecting",
        "R21 was the last one, all sane since the restart",
        "both nodes serving. zero search errors on the dash now",
        "test send went out fine. Melbourne confirms they're back in",
        "confirmed operational for all affected DIDs",
        "file service online (home + group drives). HPC scheduler resumed",
        "loss on dfw pair dropping fast. 8%... 2%... now <1%",
        "confirmed from our side too, sessions re-establishing on the new site",
        "all requests normal. response times back to ~80ms",
        "401s dropping on the auth dashboard",
        "login success ~90%, support says some customers are in again",
        "back! pages load",
        "queue burning down fast 📉",
        "checked with our test cards, new payins show the right descriptor",
        "v4 is back again.",
        "Ooooh, I think that worked!!!!",
        "restarted the pool, that worked",
        "looks ok now",
        # the harm named gone, the damage contained, every part without fault
        "every pop serving the static maint page now. no more account pages leaking",
        "good. at least the bleeding is contained",
        "all 24 broadcasting clean for a full cycle now, every residual nominal",
        # stuck no more, the parts back in service, operations in full, every one working
        "green. deploy queue is unstuck, we're out of it",
        "compute nodes returned to service and reservation removed, jobs are starting",
        "Full operations from 11:05. Thanks all, that was a long one",
        "repository sync successful on all 4",
        "ok everything answering. full site operation as of 11:05",
        "全サービス・全県で正常を確認しました",
        "plus aucune alerte résiduelle, tout est opérationnel",
        "everything's cool",
        "100% of traffic re-ramped. errors normal across free/plus/team/enterprise",
        # checked host by host
        "logins work on log1, log2, dev1, dev2",
        "group and scratch responsive from 10 random compute nodes",
        "load times back under a minute in us-east-0 and eu-west-2",
        "block interval back within normal band (height 2122931)",
        "The service degradation affecting inbound calls in India has been successfully resolved.",
        "[Monitoring] A fix has been implemented and we are monitoring the results.",
        "We have mitigated the issue and are continuing to work on a fix for the underlying cause.",
    ],
)
def test_how_chat_says_the_service_is_back(text):
    assert mitigation_after_outage(text) == "11:10"


@pytest.mark.parametrize(
    "text",
    [
        "it's not working anymore",
        "can't log in anymore",
        "no longer getting a default value",
        "got access to the console 🎉",
        "found it :tada:",
        "can a customer confirm it works now?",
        "customer confirms still broken",
        "we can try again",
        "queue dropping messages",
        "failover done but new primary is hot too. same pattern",
        "blocking the whole /16s would catch some legit users but it'd get us back up.",
        "everything for new logins. people already in-game are fine",
        "going through the logs now",
        "Alert #7736 [Datadog] P3 - callback error rate above 20% created and auto-closed",
        "scaled workers 4 -> 12, helped for about 5 minutes then queue backed up again",
        "plan: relaunch from the launch configs, warm caches, bring traffic back",
        "cpu up, latency up, errors up",
        "all error rates are up",
        "it doesn't load!",
        "customers coming back with more tickets",
        "backup cluster up, moving the push api over now",
        "Anomaly detected — hits on service `django` up 540% vs. last week",
        "all links green, light levels normal, nothing blinking",
        "rescanned paths, storage visible again. starting VMs in batches",
        "is the api up?",
        "fixed?",
        "putting status page to Monitoring, I have 2 customers pinging about the OAuth URL hanging",
        "moving the incident to monitoring? customers still can't log in",
        'merchants seeing "We will be back online shortly" on their storefronts',
        "no change. coredns is fine, its forwarding upstream and upstream is dead",
        "the wrong label shows on everything since Wednesday, first one is 06:41. Before that all good.",
        "dashboard shows errors again",
        "ok now it's zero. no notification at all on 3 of the test sites",
        "customers say they get 'media is invalid' on sends that worked this afternoon",
        "moved db, then rolled back to last week's build. nothing helped. now it's 500s + cpu pegged",
        # a trend denied, a contraction typed without its apostrophe
        "backlog isn't shrinking. the schedulers are retrying like crazy",
        "backlog isnt shrinking",
        "site isnt working again",
        # up, but not serving: the app still erroring, not back behind the balancer, a step still ahead
        "host is up, health check green… but the app answers 502 behind nginx",
        "restart it and validate the connections before we open it up again",
        "so why does the home page work",  # wondering, not a state
        "ok do it by hand: drain the bad build, then bring the old build up again",  # an order
        "no more errors than usual on the other cluster, so not that",  # a comparison, not the harm gone
        "running clean install now",  # a build step, not a part without fault
        "we're not out of the woods yet",
        "how do we get the queue unstuck?",
        "is everything cool?",
        # a failover that did not happen, a host list still failing or still to do
        "looks like it. didn't crash, just hung, so nothing failed over",
        "logins don't work on log1, log2",
        "I'll work on log1, log2 next",
        # a status post staged "Monitoring" that tells of the problem seen again
        "[Monitoring] We are seeing this issue occur in multiple AWS regions. Engineering is engaged in remediating.",
        # one part back, the rest still behind or still being worked on
        "[Identified] Zoom has restored multiple services and continues to work on restoration for the remaining services.",
        "Identified — We have resolved the issue for error anomalies, and are continuing to work on a fix for usage anomalies.",
        "sending works again for most, some still see stale unread counts",
    ],
)
def test_what_says_no_recovery_whatever_words_it_uses(text):
    assert mitigation_after_outage(text) is None


def test_the_service_named_up_after_a_step_is_the_recovery():
    f = extract_findings(
        channel(
            [
                ("15:20", "kofi", "website is down, the host suspended the droplet"),
                ("15:56", "tobias", "restarting the droplet"),
                ("16:01", "tobias", "website is up https://example.net/"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:01"


def test_nothing_works_is_the_outage_not_its_end():
    assert mitigation_after_outage("calls setting up normally", before="nothing works!!") == "11:10"


@pytest.mark.parametrize(
    "text", ["hardware is all fine on our side", "discordstatus is all green", "customer confirms checkout works for them?"]
)
def test_a_part_fine_on_our_side_or_a_providers_status_page_is_no_recovery(text):
    f = extract_findings(
        channel(
            [
                ("03:55", "bot:New Relic", "Alert opened: Apdex < 0.7 on web"),
                ("04:05", "liam", "everything is red"),
                ("04:28", "josh", text),
                ("04:41", "josh", "private network is back! web01 -> db01 0.3ms"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "04:41"


def test_an_all_clear_that_states_the_end_dates_the_mitigation_it_also_is():
    f = extract_findings(
        channel(
            [
                ("16:34", "kit", "every stream 500s, posters broken"),
                ("17:10", "kit", "rotated the storage credentials, waiting on the cdn"),
                ("19:53", "bree", "yep, zero errors since 7:27. all clear"),
            ]
        )
    )
    assert hm(f.resolved_at) == "19:27"
    assert hm(f.mitigated_at) == "19:27"  # one message, one moment: the end it states


def test_one_region_back_while_another_still_fails_is_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("15:05", "bot:Datadog", "Triggered: api 5xx rate > 5% (eu, us-east)"),
                ("15:53", "priya", "errors back to baseline in eu. us-east still has some 500s, pods still starting"),
                ("16:15", "priya", "both regions clean, dashboard + all APIs fine. full recovery"),
                ("16:16", "jonas", "calling it. resolved"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:15"
    assert "15:53" in cands(f, "mitigated_at")


def test_a_status_post_of_recovery_with_increased_latency_is_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("18:00", "bot:Statuspage", "[Investigating] We are investigating increased latency for multiple services"),
                ("19:22", "bot:Statuspage", "[Monitoring] We are observing recovery with increased latency for multiple services. "
                                            "We will be monitoring all services to ensure a full recovery."),
                ("20:44", "priya", "last laggard was sync p99, just hit baseline. all green across sync, messaging, voice"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "20:44"
    assert "19:22" in cands(f, "mitigated_at")


def test_some_parts_back_and_the_others_still_down_is_a_partial_recovery_not_a_relapse():
    f = extract_findings(
        channel(
            [
                ("11:40", "tom", "main payment platform unreachable from outside"),
                ("13:00", "mark", "applied. iDEAL and cards are working again. Other payment methods still down"),
                ("19:38", "tom", "main platform reachable again, every payment method works again"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "19:38"
    assert "13:00" in cands(f, "mitigated_at")


def test_work_flowing_again_is_a_recovery_and_a_backlog_being_worked_through_is_partial():
    f = extract_findings(
        channel(
            [
                ("10:40", "bot:PagerDuty", "Triggered: webhook delivery lag > 10m"),
                ("11:20", "samir", "processing has resumed, backlog being worked through"),
                ("11:50", "samir", "requeue done. delivery resumed for everything, new and archived"),
                ("12:40", "julie", "all looks healthy now, closing this out"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:50"
    assert "11:20" in cands(f, "mitigated_at")


def test_search_loading_for_me_again_is_a_recovery_not_a_worry_waved_off():
    f = extract_findings(
        channel(
            [
                ("11:13", "bot:updown", "Works API Search is DOWN - 500"),
                ("11:18", "jasper", "search and work pages are down for users. restart did nothing"),
                ("11:26", "jasper", "works search loading for me again"),
                ("11:40", "alicia", "ok we're good, resolved"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "11:26"


def test_a_providers_green_status_page_is_not_our_recovery():
    f = extract_findings(
        channel(
            [
                ("03:19", "bot:Datadog", "[P1] Triggered: us-prod 5xx rate > 25%"),
                ("03:21", "nadav", "on it. US is hard down, boards don't load at all"),
                ("03:25", "omer", "@nadav is it the provider? their status page is green lol"),
                ("03:38", "nadav", "platform loads again for most accounts"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "03:38"


def test_an_alert_groups_resolved_line_after_a_recovery_confirms_it():
    f = extract_findings(
        channel(
            [
                ("17:04", "bot:Grafana OnCall", "Alert group #5521 Firing: social-sources 5xx ratio > 20%"),
                ("18:21", "jonas", "social-sources pods all returning 500"),
                ("20:44", "jonas", "dropbox ✅ gdrive ✅ — 3rd party uploads work again"),
                ("20:46", "bot:Grafana OnCall", "Alert group #5521 resolved: social-sources 5xx ratio back under threshold"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "20:44"


def test_an_uptime_monitors_up_line_ends_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("00:22", "bot:Uptime Kuma", "🔴 [Tickets Bot] is DOWN — connect ETIMEDOUT"),
                ("00:31", "juniper", "users saying the bot isn't responding"),
                ("03:50", "rowan", "server restored by the provider, it's booting"),
                ("04:18", "bot:Uptime Kuma", "🟢 [Tickets Bot] is UP — down for 3h 56m"),
                ("04:50", "rowan", "stable for 30 min, I think that's it"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "04:18"
    assert "03:50" in cands(f, "mitigated_at")


def test_recoveries_as_monitors_and_responders_word_them():
    f = extract_findings(
        channel(
            [
                ("18:46", "bot:hcmon", "[PROBLEM] db1 ping DOWN"),
                ("18:56", "mara", "db1 died ~10 min ago, pings aren't getting recorded"),
                ("19:05", "karlis", "hw reset sent via hetzner robot"),
                ("19:08", "bot:hcmon", "[RECOVERY] db1 ping UP"),
                ("19:40", "ilze", "status page resolved"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "19:08"


def test_a_step_bringing_something_back_is_not_the_recovery_and_a_part_still_affected_is_not_either():
    f = extract_findings(
        channel(
            [
                ("15:02", "bot:Datadog", "Triggered: api 5xx > 20%"),
                ("15:40", "tom", "reverted + analyzed. bringing the api back"),
                ("15:45", "tom", "updating status: other services back, the api itself still affected"),
                ("16:01", "tom", "website + admin back, I can place a test order"),
                ("16:30", "jonas", "all clear, resolved"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "16:01"


def test_an_all_clear_that_also_marks_the_status_page_is_the_all_clear_not_bookkeeping():
    f = extract_findings(
        channel(
            [
                ("12:13", "bot:Pingdom", "DOWN: www.example.com"),
                ("18:40", "yann", "website + admin back, I can place a test order"),
                ("19:31", "bastien", "mail is back, IMAP logins ok, queue delivering"),
                ("20:16", "helene", "all checks green. closing the incident, status page resolved. PM this week"),
            ]
        )
    )
    assert hm(f.resolved_at) == "20:16"
    assert hm(f.mitigated_at) == "18:40"


def test_a_shipped_hotfix_is_the_mitigation_but_a_fix_promised_is_not():
    f = extract_findings(
        channel(
            [
                ("17:52", "amara", "weird, my uBlock just got disabled, 'could not be verified'"),
                ("18:20", "jonah", "I'll give support an update when we have the fix out"),
                ("22:44", "amara", "hotfix is shipped via Studies :rocket: recipe live for release 57+"),
                ("23:45", "jonah", "that's the mitigation out. it'll take a while to reach people"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "22:44"


def test_an_all_clear_that_says_how_long_it_watched_looks_back_that_far():
    f = extract_findings(
        channel(
            [
                ("05:58", "elin", "yum can't find a valid baseurl, mirrorlist is down"),
                ("07:14", "tvanek", "that worked, thanks qjarvi"),
                ("07:41", "kbs", "not yet. the geoip file is fine, something else"),
                ("08:11", "kbs", "rolled back the impacted components on all nodes, services restarted"),
                ("08:23", "kbs", "multiple confirmations from around the world, calling it restored"),
                ("09:30", "fdelmas", "quiet for an hour, all good"),
            ]
        )
    )
    assert hm(f.resolved_at) == "08:23"  # the watch began an hour before 09:30, not at the 07:14 false dawn


@pytest.mark.parametrize("text", ["should I move the status page to monitoring?", "speed up now, we have 10 min", "wake up now pls"])
def test_asking_to_monitor_or_hurrying_up_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


@pytest.mark.parametrize(
    "text", ["origin looks healthy from inside the cluster. is it fastly?", "edge? cdn probes look healthy"]
)
def test_a_part_found_healthy_while_asking_about_the_cause_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


def test_back_to_normal_with_a_check_question_is_still_a_recovery():
    assert mitigation_after_outage("error rate back to normal. anyone still seeing 500s?") == "11:10"


@pytest.mark.parametrize("text", ["it's up to you whether we page them", "is it up?", "all good from the db side, it's the app"])
def test_up_to_someone_or_a_question_is_not_a_recovery(text):
    assert mitigation_after_outage(text) is None


def test_back_as_of_a_time_is_a_recovery_at_that_time():
    assert mitigation_after_outage("all areas of college back as of 11:05. spare is in, everything routing") == "11:05"


@pytest.mark.parametrize(
    "text",
    ["power restored, doing a controlled power-up one rack at a time", "site back, bringing the workers back one at a time"],
)
def test_a_service_brought_back_piece_by_piece_is_a_recovery_under_way(text):
    f = extract_findings(
        channel(
            [
                ("10:30", "bot:Nagios", "PROBLEM: service down"),
                ("10:40", "kofi", "outbound calls failing"),
                ("11:10", "lewis", text),
                ("12:00", "kofi", "all services back to normal"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "12:00"


def test_a_monitor_up_line_that_tells_how_long_it_was_down_backs_the_recovery_beside_it():
    f = extract_findings(
        channel(
            [
                ("22:02", "bot:UptimeBot", "🔴 **Monitor is DOWN**: api.example.com (HTTPS) Reason: Connection Timeout"),
                ("22:03", "ondra", "api is down?? console won't load either"),
                ("22:47", "jirka", "resize done. restarting cluster + api + scheduler now"),
                ("23:00", "mara", "runs are starting again! paused ones resumed on their own"),
                ("23:01", "bot:UptimeBot", "🟢 **Monitor is UP**: api.example.com (HTTPS) It was down for 59 minutes and 12 seconds."),
            ]
        )
    )
    assert hm(f.mitigated_at) == "23:00"


def test_a_monitor_blip_inside_a_longer_incident_is_not_its_recovery():
    f = extract_findings(
        channel(
            [
                ("06:50", "bot:Sentry", "FATAL: invariant check failed, api server exiting (restart 1)"),
                ("06:55", "nikhil", "api restarting every few minutes, customers getting 502s"),
                ("08:05", "bot:Uptime Robot", "🔴 Monitor is DOWN: api.example.com /health (HTTP 502)"),
                ("08:06", "bot:Uptime Robot", "🟢 Monitor is UP: api.example.com /health. It was down for 1 minute and 2 seconds."),
                ("08:30", "nikhil", "deployed. server recovered, restarts stopped"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:30"


@pytest.mark.parametrize(
    "text, back",
    [
        ("provider says it's resolved on their end, tokenization looks normal again", True),
        ("Azure status has an incident from overnight, but they say mitigated", False),
        ('provider ticket says "brief interruption on a core switch, resolved". cool cool', False),
    ],
)
def test_what_a_third_party_says_and_what_follows_it(text, back):
    assert (mitigation_after_outage(text) == "11:10") is back


def test_up_on_the_box_but_not_back_behind_the_balancer_is_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("07:00", "bot:Grafana", "host health check failed: app-01"),
                ("07:05", "gergely", "timetracker down for everyone, 502s"),
                ("07:49", "gergely", "app is up on the box. not back in the load balancer yet, checking sync jobs"),
                ("08:00", "gergely", "all connections validated, back in the load balancer"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:00"


def test_a_monitor_recovery_that_names_a_part_still_failing_is_a_partial_recovery():
    f = extract_findings(
        channel(
            [
                ("07:24", "bot:NetMon Alerts", "FAIL res-api RTT timeout | checkin-gw healthcheck FAIL | CTS FAIL"),
                ("07:30", "kenji", "check-in and reservations are down at every airport"),
                ("09:02", "bot:NetMon Alerts", "RECOVERY res-api RTT 38 ms | checkin-gw healthcheck OK; CTS still FAIL"),
                ("13:20", "kenji", "all systems confirmed restored"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "13:20"


def test_a_suspect_cleared_after_a_comma_minutes_after_a_step_is_no_recovery():
    f = extract_findings(
        channel(
            [
                ("08:00", "bot:Nagios", "PROBLEM: git ssh down"),
                ("08:10", "rmurph", "ssh pushes hanging for everyone"),
                ("08:16", "rmurph", "restarted the rpc daemons on all fs boxes"),
                ("08:29", "rmurph", "memcache hit rate is fine, not that"),
                ("09:34", "rmurph", "ok pushes and clones work again for everyone"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "09:34"
