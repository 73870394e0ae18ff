"""More of the words chat uses for the service back, for a part checked, for a report and for the end.

Each test reads one message after an outage, the way the rules read it (no learned order).
"""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from facilitator.extract.neighbours import scan
from tests.unit.test_extract_chat_recovery import cands, mitigation_after_outage
from tests.unit.test_extract_conversation import channel, hm

pytestmark = pytest.mark.usefixtures("rules_only")


def read(text: str, author: str = "lewis"):
    """The signals of ``text`` as the last message after an alert and a person seeing the outage."""
    rows = [("10:30", "bot:Nagios", "PROBLEM: service down"), ("10:40", "kofi", "outbound calls failing"), ("11:10", author, text)]
    return scan(channel(rows))[-1]


@pytest.mark.parametrize(
    "text",
    [
        "a donation just went through!!",
        "transactions going through, card auths ok on the test merchant",
        "build creates back to 201s, first good one at :59",
        "deploy done, publishes succeeding. test project: sync fired",
        "producer errors at 0 and no dropped batches for the last few minutes",
        "queue2 empty. all three queues at ~0, new data shows up in real time",
        "ok we're up to date again",
        "CH applied some initial mitigations, resuming ingestion",
        "checked a dozen sites, everything works except email notifications. those tomorrow",
        "last restore job finished, all LUNs back and verified",
        "bit slow but no 503s for me",
        "flag off. processors going Ready, events flowing on the shared cells",
        "first customers saying their sites are back :pray:",
        "503s down to basically zero on both dcs after the restart",
        "first successful validation, rate climbing",
        "synthetics 7/7 green for 10 min, auth error rate way down :tada:",
        "block production resumed. keep nodes up, RPC operators will need time to catch up",
        "new blocks observed, root advancing",
        "blocks are being produced again, new group proposing on schedule",
        "all the service-affecting alarms are clear. everything's stable",
        "sync delays gone, failure rate at baseline, create/edit connector works in all the test accounts",
        "svn is serving from hades again and commits work for infra accounts",
        "all regions done. login success 99%+ for the last few min",
        "nothing invalid since the 07:26 one. tbh relieved",
        "queried all vaults: ATOM A/B/C 0.01 / 0.005 / 0.0025. fees are correct now, and the UI agrees",
        "no misses attributable to this since the restart afaict. thanks for moving fast",
        "claude.ai error rate at baseline 35 min. platform console ok",
        "VIP answering!! relays connecting",
        "derivatives open and trading. both markets back",
    ],
)
def test_the_work_getting_through_again_is_a_recovery(text):
    assert mitigation_after_outage(text) == "11:10"


@pytest.mark.parametrize(
    "text",
    [
        "no orders going through",
        "payments going through?",
        "errors at 0.5% and climbing",
        # another party fine on their side, ours still failing
        "downstreams say their side looks healthy",
        # one failure gone and the next one showing
        'ADFS does not error any more but now AWS says "Your request included an invalid SAML response."',
        # a step done that changed nothing
        "rollback done, zero change. not us",
        # a count of page loads; people working on it
        "seeing 503s on openlibrary.org, maybe 1 in 3 page loads",
        "upstream archive.org search problem, ops are working it",
        # the service hangs, a mirror is fine
        "svn up against svn.apache.org hangs, svn.eu.apache.org is fine",
        # a success rate that fell from its healthy height
        "success rate dropped from 99.9% to 60%",
        # a part found healthy while a suspect is cleared
        "AWS Health: nothing for us-east-1. state cluster looks healthy from inside the VPC. event API still returning 202s",
        # a part believed healthy while it is not
        "the LB thinks everything is healthy",
        # "up" a verb's particle, "back" to a state before
        "found it. one query holds a lock and everything queued up behind it",
        "that's everything back how it was before my deploy",
        # a fix up for review that will make it never happen again; a recovery doubted
        "fix is up for review: a hard cap on iterations so it can never spin again",
        "don't celebrate yet, p95 creeping back up. they rotated ranges",
    ],
)
def test_work_not_getting_through_is_no_recovery(text):
    assert read(text).state != "recover"


@pytest.mark.parametrize(
    "text",
    [
        # a part called fine beside the symptom, in one sentence
        "inbound timeouts on the gateway from outside, internal all fine, traffic drop",
        # the parts checked and the fault not there
        "redis latency normal, db normal. nothing infra-side",
        # a plan: rolling back to a previous version is a step, "then recover" a hope
        "decision: roll both subnets back to the previous replica version, then recover",
        # a goal
        "upgrade to v17.2.0 and restart, no other flags. we need 2/3 voting power back online",
        # the scope of the damage
        "roughly ~30% of traffic is on the new proxy, rest is fine",
        # plans and estimates
        "decision on the bridge: the new code is the problem, roll all servers back to the old build",
        "plan: bring site back with bg jobs off, uploads get accepted and queued",
        "we have taken the site offline for an urgent fix, expect it back within 30 minutes",
        "migrate on a fresh replica, fail over when done",
        "circuit-break ingest at the ALB, let pods start + warm, then ramp traffic back in",
        # a figure on a dashboard, not the dashboard coming up
        "hm no, not just a blip. 5xx on the dashboard are up since saturday morning, low but steady",
    ],
)
def test_a_part_checked_a_plan_or_a_goal_is_no_recovery(text):
    assert read(text).state != "recover"


def test_a_partial_recovery_named_with_the_work_still_behind_stays_a_recovery():
    assert read("processing has resumed, backlog being worked through").state == "recover"


@pytest.mark.parametrize(
    ("author", "text"),
    [
        ("bot:Zendesk", 'New ticket #238841 (Free): "422 The change you requested was rejected when I sign in"'),
        ("bot:Zendesk", 'New ticket #48817 (Urgent): "PR scans pending for hours"'),
        ("eline", "hi all, two customers on the phone saying their workflow mails haven't arrived since late afternoon"),
        ("thandi", "3 merchants say the web UI doesnt render at all, blank page after login"),
        ("bot:HUD Alerts", ":rotating_light: *Queue time alert* linux.2xlarge p50 queue 48m (threshold 20m)"),
        ("jakob", "is it just me or is gesis getting almost no launches? our graph falls off a cliff late morning"),
        ("mathilde", "Morning! Flagging a pattern from the overnight tickets: 5 contributors say they paid by card (charged) but the contribution doesn't appear"),
    ],
)
def test_a_report_in_other_words_is_the_detection(author, text):
    f = extract_findings(
        channel(
            [
                ("09:00", "ana", "morning all, standup moved to 10:30"),
                ("10:05", author, text),
                ("10:08", "ben", "looking"),
                ("10:40", "ben", "rolled back, all good now"),
            ]
        )
    )
    assert hm(f.detected_at) == "10:05"


@pytest.mark.parametrize(
    ("author", "text"),
    [
        ("", "Resolved by Matt Reid"),
        ("bot:incident-bot", "INC-1187 resolved by Hannah Pryce. Postmortem doc: https://docs.example.net/pm/1187"),
        ("bot:Statuspage", "*Errors loading the app* — Resolved: We are now seeing jobs triggering as usual"),
        ("gina", "spot-checked all 15 sites from 3 regions. we're good resolving the PD incident"),
        ("bot:incident-bot", "INC-7731 closed by Lena Vogel. Postmortem doc: https://wiki.example.net/incidents/INC-7731"),
        ("bot:Sorry Status", "🟢 Resolved — Delays with notifications. Customers may have experienced up to 15 minute delays"),
        ("bot:statuspage", ":large_green_circle: Resolved — From 22:21 UTC - 23:50 UTC the REST API experienced significant degradation"),
        ("dev", "tuesday class started fine, no 429s in the log this time. resolving #1317"),
        ("bot:PagerDuty", ":large_green_circle: Resolved #1317 UCMerced Outage by Dev Raman"),
        ("oliver", "posted and resolved. going back to bed"),
        ("priscilla", "marking the incident clear as of 9:10. RFO to follow"),
        ("bot:lobby-bot", '📣 New Lobby post: "Resolved: VIP Go Availability Issues" https://lobby.example.com/2019/02/12/vip'),
        ("ana", "Status page updated: Resolved - API errors"),
    ],
)
def test_a_pager_or_incident_bot_closing_line_is_the_all_clear(author, text):
    assert "declare_resolved" in read(text, author).flags


def test_a_status_post_tagged_monitoring_is_dated_by_the_step_it_reports():
    f = extract_findings(
        channel(
            [
                ("13:00", "kofi", "sign-in is failing for every customer"),
                ("14:25", "kofi", "fix is up, deploying"),
                ("14:30", "marco", "deployed"),
                ("14:50", "bot:Statuspage", "[Monitoring] Sign-in issues — A fix has been fully implemented and customers should see normal behavior."),
            ]
        )
    )
    assert hm(f.mitigated_at) == "14:30"
    assert "14:50" in cands(f, "mitigated_at")


@pytest.mark.parametrize(
    "text",
    [
        "revert fully rolled out everywhere, lag under 2 min",
        "rolling resolver-4 back to the previous image",
        "roll both subnets back to the previous replica version",
    ],
)
def test_a_rollback_told_in_other_words_is_a_rollback(text):
    assert "rollback" in read(text).flags


@pytest.mark.parametrize(
    "text",
    [
        ":white_check_mark: Resolved #88412: [P1] accounts-frontend error ratio > 5% (global)",
        ":large_green_circle: Resolved #88213: synthetic check failing — careers site returns 404",
    ],
)
def test_a_pagers_resolved_line_is_a_recovery_though_it_repeats_the_alerts_title(text):
    assert read(text, "bot:PagerDuty").state == "recover"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Pull request merged by jhorak\n#1266 Fix(web-react): Remove Icon deprecation warning", "fix_deployed"),
        ("deployed the ALLOWED_REGIONS fix https://github.com/example/provisioner/pull/155", "fix_deployed"),
        ("and shutting down the shadow containers to take load off", "step"),
        ("raised the pids limit locally on the nodes", "step"),
    ],
)
def test_a_fix_merged_or_a_step_told_in_other_words(text, flag):
    assert flag in read(text).flags


def test_a_recovery_that_names_the_symptom_is_not_the_first_report():
    f = extract_findings(
        channel(
            [
                ("09:00", "niklas", "retry backlog draining, exec latency p95 almost at baseline"),
                ("11:35", "bot:Grafana", "[FIRING:1] StateProxyConnTimeouts (severity=medium)"),
                ("11:41", "niklas", "upgrade path flaking on new conns again"),
                ("12:30", "niklas", "rolled back, all good now"),
            ]
        )
    )
    assert hm(f.detected_at) == "11:35"


def test_an_all_clear_dates_the_end_it_states():
    f = extract_findings(
        channel(
            [
                ("06:40", "bot:Nagios", "PROBLEM: job processing delayed in US Cell 2"),
                ("06:45", "omar", "job processing paused while we look"),
                ("07:34", "omar", "job processing un-paused, backlog draining"),
                ("07:52", "priscilla", "service fully restored as of 7:34. closing. RCA draft by tomorrow"),
            ]
        )
    )
    assert hm(f.resolved_at) == "07:34"


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("hmm, wait. accounts.jenkins.io is throwing `javax.naming.CommunicationException: ldap:636`", True),
        ("uh oh, over in #auth they're talking about modsec blocking requests to hmpps-auth :eyes:", True),
        ("all three controllers rolled. 5xx flat, p99 flat. will keep an eye out this morning", False),
        ("edge 5xx back at baseline, checks green", False),
        ("5xx 0.2% and climbing", True),
        # a way of rolling out, not slowness
        ("approved it yesterday. non-prod went fine on the slow roll?", False),
        ("checkout is slow for everyone", True),
        # an outage told of before, not seen now
        ("kicked off the stats backfill on the prod db (restoring the download counts we lost in the last outage)", False),
        ("gallery outage, home page 503 from every location", True),
        # a request that times out; a launch that takes too long, not a decision
        ("same here. build log looks fine, then it just sits there and times out", True),
        ('on mybinder.org: "Your server took too long to launch" after the build, tried 3 repos', True),
        ("taking too long to decide, let's just restart it", False),
    ],
)
def test_an_exception_thrown_or_requests_blocked_is_a_symptom_5xx_said_flat_is_not(text, symptom):
    assert ("symptom" in read(text).flags) is symptom


@pytest.mark.parametrize(
    ("text", "author", "flag", "present"),
    [
        ("closing this one. thanks for the patience all", "lewis", "declare_resolved", True),
        ("ok, closing it out", "lewis", "declare_resolved", True),
        ("is the throttling thing from tuesday still open or did someone close it", "lewis", "declare_resolved", False),
        ("MAINT-2231 [SFO3] network enhancement - window OPEN 10:00-16:00 UTC. expected impact: none / possible brief packet drops",
         "bot:netops-bot", "symptom", False),
        ("MAINT-2231 [SFO3] network enhancement - window OPEN 10:00-16:00 UTC. expected impact: none / possible brief packet drops",
         "bot:netops-bot", "alert", False),
    ],
)
def test_closing_this_one_is_the_all_clear_a_maintenance_notice_no_symptom(text, author, flag, present):
    assert (flag in read(text, author).flags) is present


@pytest.mark.parametrize(
    ("text", "flag", "present"),
    [
        ("disco regained quorum for ~2 min then lost it again. every service re-registering at once", "prior", False),
        ("not this again", "prior", True),
        ("it's the feemarket window=1 again, price jumps for one block. exactly like january", "prior", True),
        ("root cause? I dont see anything obvious in the db or redis graphs", "root_cause", False),
        ("yes. no root cause wording", "root_cause", False),
        ("found the root cause: the cert expired", "root_cause", True),
    ],
)
def test_again_within_the_incident_is_no_prior_one_a_root_cause_asked_is_none_found(text, flag, present):
    assert (flag in read(text).flags) is present


@pytest.mark.parametrize(
    ("text", "flag", "present"),
    [
        ("harlow unblocked, wallet-api pods stable now. app still crashes on map though", "still_broken", True),
        ("verified in prod: Short Form no longer offered, every applicant is getting the regular 10-10EZ flow again", "recover", True),
    ],
)
def test_still_crashing_is_not_recovered_verified_in_prod_is(text, flag, present):
    assert (flag in read(text).flags) is present


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("heads up from support: two tickets in the last hour, both say surveys stopped showing today", "symptom"),
        ("rule deployed on the frontends: requests matching that pattern get a 429", "fix_deployed"),
        ("waf rules are live on all edges now", "fix_deployed"),
    ],
)
def test_surveys_stopped_showing_is_a_symptom_a_traffic_rule_deployed_a_fix(text, flag):
    assert flag in read(text).flags


@pytest.mark.parametrize(
    "text",
    [
        "all partitions caught up at 20:59, lag < 30s everywhere since",
        "token verify errors fell off a cliff at 20:00",
    ],
)
def test_consumers_caught_up_or_errors_falling_off_a_cliff_is_a_recovery(text):
    assert read(text).state == "recover"


def test_requests_falling_off_a_cliff_is_still_a_symptom():
    assert "symptom" in read("public api rps just fell off a cliff").flags


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("looks like it. app is accessible again, I didn't change anything", "recover"),
    ],
)
def test_the_rest_green_but_one_part_is_no_recovery_and_i_changed_nothing_is_no_relapse(text, state):
    assert read(text).state == state


def test_the_last_minutes_said_clean_read_as_a_recovery():
    assert "recover" in read("huh. last 2 min are clean. pool dropping").flags


def test_the_rest_green_but_one_part_still_broken_is_no_recovery():
    flags = read("on it 👀 status pages + public API checks are all green, it's just the app").flags
    assert "still_broken" in flags and "recover" not in flags


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("wrong Block.Header.AppHash after upgrading to v22.0.1, node stopped. anyone else?", "symptom"),
        ("+1, halted", "symptom"),
        ("back on 22.0.0 from snapshot, signing again", "recover"),
    ],
)
def test_a_node_stopped_is_a_symptom_signing_again_a_recovery(text, flag):
    assert flag in read(text).flags


@pytest.mark.parametrize(
    ("text", "flag", "present"),
    [
        # a closing still awaited is no resolution; a post saying it is, or "closing ours", is
        ("While service has stabilized, we are awaiting final confirmation from the provider before fully closing this incident.", "declare_resolved", False),
        ("The incident has been fully mitigated and resolved, and all services are operating normally.", "declare_resolved", True),
        ("CF has marked theirs resolved, nothing on our monitors. closing ours", "declare_resolved", True),
        ("jlab-demo build finished and got pushed, unbanned it. builds all normal, calling this one done", "declare_resolved", True),
        ("Interfaces \u2014 Resolved\nThe issue originated from an upstream service provider.", "declare_resolved", True),
        # a part that stayed up the whole time is no part still broken
        ("Database connectivity remained unaffected throughout the incident.", "still_broken", False),
        ("CF says a fix is deployed on their side, still seeing some elevated errors", "still_broken", True),
        ("writes there fail, reads of older objects are fine", "still_broken", True),
        ("passenger queue is going down, webui loads without 502 for me, api is working on the backlog now", "still_broken", False),
        # an error counter gone flat is the service back, not the problem again
        ("writes to those buckets succeeding again as of 18:02, error counter flat", "relapse", False),
        ("writes to those buckets succeeding again as of 18:02, error counter flat", "symptom", False),
        ("so impact 11:23-11:44 PM PT, ~21 min, self recovered", "self_heal", True),
        # a promise tied to a recovery to come is no recovery
        ("We will provide our next update when our services have returned to normal operation.", "recover", False),
        ("Our services have returned to normal operation.", "recover", True),
    ],
)
def test_words_for_the_end_a_part_still_broken_and_a_flat_error_counter(text, flag, present):
    sig = read(text)
    assert (flag in sig.flags or sig.state == flag) is present


def test_an_impact_window_said_after_the_system_recovered_by_itself_dates_the_mitigation():
    rows = [
        ("13:56", "bot:jsm-escalation", "ESC-99120 [P2] customer reports agents dropped to Offline for ~20 min"),
        ("13:57", "hiro", "looking. 3 tenants from different orgs, posting investigating"),
        ("13:59", "hiro", "routing 5xx spike starts 1:23 PM, back to normal 1:44 PM. so it already recovered on its own"),
        ("14:02", "carla", "I'm IC. so impact 1:23\u20131:44 PM PT, ~21 min, self recovered"),
        ("14:19", "hiro", "first guess was a bad deploy but no deploy since Thursday"),
        ("14:24", "hiro", "found it: node pool maintenance drained 3 of the 4 presence nodes at once"),
    ]
    f = extract_findings(channel(rows))
    assert hm(f.mitigated_at) == "13:44"


@pytest.mark.parametrize(
    ("window", "closed"),
    [
        ("from 12:05 to 12:20", "12:20"),  # an end told within the hour dates the close
        ("from 10:05 to 10:40", "12:30"),  # a window told hours later dates the impact, not the close
    ],
)
def test_an_all_clear_takes_the_end_it_states_only_when_it_is_recent(window, closed):
    from zoneinfo import ZoneInfo

    from facilitator.extract.neighbours import scan
    from facilitator.extract.times import _with_end
    from facilitator.findings import KeyTime

    sigs = scan(channel([("10:02", "bot:Pingdom", "DOWN: api is down"), ("12:30", "bot:Statuspage", f"Resolved: customers may have seen errors {window}.")]))
    key = KeyTime(at=sigs[-1].message.at, message_ids=[sigs[-1].message.id], confidence=0.8, reason="declared resolved")
    assert hm(_with_end(key, {s.message.id: s for s in sigs}, ZoneInfo("UTC"))) == closed


def test_relief_at_a_part_running_again_after_a_step_is_the_recovery():
    f = extract_findings(
        channel(
            [
                ("07:28", "bot:Nagios", "PROBLEM: hub down"),
                ("07:40", "tmv", "launches failing, the hub pod can't mount its volume"),
                ("07:59", "tmv", "resetting the node from the console"),
                ("08:05", "jbauer", "hub is running! binder-examples/r launches \\o/"),
                ("08:17", "tmv", "cleanup: deleting the pods left in Unknown state"),
            ]
        )
    )
    assert hm(f.mitigated_at) == "08:05"


def test_the_impact_said_to_be_over_is_the_recovery_though_the_outage_is_named_beside_it():
    s = read("so customer-facing impact is over. open items: (1) restore customer records created during the outage")
    assert s.state == "recover"


def test_a_report_passed_on_is_dated_by_when_it_came_in():
    f = extract_findings(
        channel(
            [
                ("13:50", "ana", "standup moved to 14:30"),
                ("14:01", "jordan", "heads up: security@ got a report ~45 min ago of a phishing mail pointing at pypj[.]org"),
                ("14:10", "mira", "looking"),
                ("15:40", "mira", "registrar took the domain down, all good now"),
            ]
        )
    )
    assert hm(f.detected_at) == "13:16"


def test_a_time_ago_that_is_no_notice_does_not_date_the_detection():
    f = extract_findings(
        channel(
            [
                ("16:19", "corentin", "anyone else getting 502 on ocaml.org? package docs pages just spin"),
                ("16:20", "tmarquis", "yep 502 here too. looked fine an hour ago"),
                ("16:50", "mtv", "restarted docs-data, all good now"),
            ]
        )
    )
    assert hm(f.detected_at) == "16:19"


def test_an_email_passed_on_is_the_report_dated_by_its_clock():
    f = extract_findings(
        channel(
            [
                ("11:44", "kelsey", "heads up: security@ got an email at 11:25 from a researcher claiming a critical bug in l2geth"),
                ("11:50", "priya", "looking"),
                ("14:30", "hugo", "patched sequencer deployed, all good now"),
            ]
        )
    )
    assert hm(f.detected_at) == "11:25"


def test_a_japanese_channel_reads_its_outage_relapse_and_recovery():
    f = extract_findings(
        channel(
            [
                ("05:01", "bot:LINE Notify", "[監視] 【DOWN】https://www.example.jp/ 応答なし（タイムアウト 3回連続）"),
                ("05:19", "佐藤", "LPも管理画面も開かない。サーバーに ping 通りません"),
                ("07:41", "佐藤", "再起動したら疎通戻りました！LP開けます"),
                ("07:45", "佐藤", "…と思ったらまたリンクダウン。2分くらいで落ちた。予備機に交換します"),
                ("08:51", "佐藤", "疎通OK。LP・管理画面とも表示できます。今度は落ちない"),
                ("08:52", "bot:LINE Notify", "[監視] 【UP】https://www.example.jp/ 復旧（応答 0.4秒）"),
            ]
        )
    )
    assert (hm(f.detected_at), hm(f.mitigated_at)) == ("05:01", "08:51")  # the relapse at 07:45 undid 07:41


@pytest.mark.parametrize(
    "text",
    [
        "error rate way down. posting recovery but we are NOT done, push/embeds/etc still backed up",
        "something's moving, maybe 40% of config calls succeeding",
    ],
)
def test_a_recovery_with_part_still_backed_up_or_a_share_of_calls_through_is_partial(text):
    from facilitator.extract.conversation import partial

    sig = read(text)
    assert sig.state == "recover" and partial(sig)


def test_a_metric_back_at_its_usual_level_and_a_resolved_after_an_emoji_end_it():
    assert read("eqsin back at its usual levels. all done, closing the ticket").state == "recover"
    said = read(":white_check_mark: Resolved. Thanks all for your patience. Review to follow")
    assert "declare_resolved" in said.flags
    # a monitor's alert name after the mark is its recovery, not the commander closing the incident
    assert "declare_resolved" not in read(":large_green_circle: Resolved #P7734 [core-api] 5xx ratio above SLO", author="bot:PagerDuty").flags


@pytest.mark.parametrize(
    "text, symptom",
    [
        ("uh. every form submit on build.o.o gives me 403 Forbidden right now", True),
        ("getting 401s on login since the deploy", True),
        ("429 Too Many Requests from the api on every call", True),
        ("the api returns a 404 for that route by design", False),  # a code talked about, not met
    ],
)
def test_a_client_error_met_is_a_symptom(text, symptom):
    assert ("symptom" in read(text).flags) is symptom
