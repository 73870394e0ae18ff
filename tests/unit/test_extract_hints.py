"""Events, messaging, impact and interview hints on small hand-made channels (titles: test_extract_titles.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from facilitator.extract import extract_findings
from facilitator.transcript import Message, Transcript

T0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)


def channel(*rows, name: str = "") -> Transcript:
    """rows: (author, text) at one-minute steps; "bot:Name" is a bot."""
    return Transcript(
        messages=[
            Message(
                id=f"m{i}",
                at=T0 + timedelta(minutes=i),
                author=author.removeprefix("bot:"),
                is_bot=author.startswith("bot:"),
                text=text,
            )
            for i, (author, text) in enumerate(rows)
        ],
        source="slack-export",
        channel=name,
    )


def kinds(findings) -> list[tuple[str, str]]:
    return [(e.kind, e.message_ids[0]) for e in findings.events]


def test_events_cover_the_major_moments_in_order():
    f = extract_findings(
        channel(
            ("bot:Datadog", "[Triggered] api 5xx rate is 7.4% on env:prod"),
            ("Ann", "Paging the DB on-call."),
            ("Bo", "could this be the redis failover?"),
            ("Cy", "redis looks fine, failover is ruled out"),
            ("Bo", "Found it: the root cause is the pool size default in the new config loader."),
            ("Ann", "rolling back now"),
            ("Ann", "Status page updated: Identified - a change is being rolled back"),
            ("Bo", "rollback complete, error rate back to normal"),
            ("Ann", "All clear, incident resolved."),
            ("Cy", "thanks all"),
        )
    )
    assert kinds(f) == [
        ("detected", "m0"),
        ("escalation", "m1"),
        ("hypothesis", "m2"),
        ("hypothesis_ruled_out", "m3"),
        ("root_cause", "m4"),
        ("rollback", "m5"),
        ("status_page", "m6"),
        ("mitigated", "m7"),
        ("resolved", "m8"),
    ]
    assert f.events[0].who == "Datadog"  # a bot keeps its name on the timeline (who/what)...
    assert "Datadog" not in [r.name for r in f.responders]  # ...but is never a responder
    assert f.events[1].who == "Ann"
    assert [h.status for h in f.hypotheses] == ["ruled_out"]
    assert f.hypotheses[0].message_ids == ["m2", "m3"]
    assert f.causes and f.causes[0].message_ids == ["m4"]


def test_messaging_counts_updates_sent_not_questions_about_them():
    f = extract_findings(
        channel(
            ("Ann", "should we update the status page?"),
            ("Hannah", "Status page is up: Investigating - Elevated errors at checkout"),
            ("Hannah", 'wording: "We are investigating elevated error rates when completing checkout."'),
            ("Hannah", "emailed the affected customers with the workaround"),
            ("bot:Statuspage", "Resolved - checkout errors. This incident has been resolved."),
        )
    )
    items = [(m.channel, m.message_ids[0]) for m in f.messaging]
    assert items == [("status page", "m1"), ("customer email", "m3"), ("status page", "m4")]
    assert f.messaging[0].summary.startswith("Investigating - Elevated errors")
    assert f.messaging[0].at == T0 + timedelta(minutes=1)


def test_impact_hints_keep_numbers_and_scopes():
    f = extract_findings(
        channel(
            ("Ann", "~12% of checkout requests failing at the peak"),
            ("Bo", "about 180 failed capture jobs sitting in the DLQ"),
            ("Cy", "eu-west-1 too. so 3 regions affected"),
            ("Bo", "PR: #4812 Move checkout settings to config loader"),
            ("Ann", "Launch success drops to zero."),
        )
    )
    by_kind = {(h.kind, h.value) for h in f.impact_hints}
    assert ("error_rate", 12.0) in by_kind
    assert ("failed_jobs", 180.0) in by_kind
    assert ("regions", 3.0) in by_kind
    assert ("error_rate", 0.0) in by_kind
    assert not any(h.value == 4812.0 for h in f.impact_hints)  # a PR number is not a count
    assert all(h.message_ids for h in f.impact_hints)


def test_an_impact_figure_keeps_its_place_but_not_the_label_before_it():
    f = extract_findings(
        channel(
            ("Dana", "impact so far from the payments side: ~180 failed capture jobs, they're retryable"),
            ("Cy", "eu-west: 40% of checkout requests failing"),
        )
    )
    texts = {h.kind: h.text for h in f.impact_hints}
    assert texts["failed_jobs"] == "~180 failed capture jobs, they're retryable"
    assert any(h.text.startswith("eu-west: 40%") for h in f.impact_hints)


def test_announcing_a_finding_is_coming_is_not_a_hypothesis():
    f = extract_findings(
        channel(
            ("Ann", "checkout 5xx at 7%"),
            ("Kenji", "Give me 5 min, I think I see it"),
            ("Kenji", "I think it's the db pool size in the new config loader"),
        )
    )
    assert [h.text for h in f.hypotheses] == ["I think it's the db pool size in the new config loader"]


def test_luck_follow_ups_and_prior_incidents():
    f = extract_findings(
        channel(
            ("Ann", "honestly we got lucky this was a Tuesday and not Black Friday"),
            ("Bo", "we should add an alert for DB pool saturation"),
            ("Cy", "TODO: config loader should fail on ignored env vars"),
            ("Ann", "also this happened before in March with the orders service"),
            ("Bo", "ok"),
        )
    )
    assert [x.message_ids for x in f.luck] == [["m0"]]
    assert [x.message_ids[0] for x in f.action_hints] == ["m1", "m2"]
    assert [x.message_ids for x in f.prior_incidents] == [["m3"]]


def test_user_report_detection_method():
    f = extract_findings(
        channel(("", "Launch success drops to zero."), ("", "Suspicious behavior reported on gitter."))
    )
    assert f.detection_method.text == "user report"
    assert f.detection_method.message_ids == ["m1"]


def test_runbooks_from_links_and_mentions():
    f = extract_findings(
        channel(
            ("Ann", "Rollback runbook: https://acme.atlassian.net/wiki/spaces/SRE/pages/1/Checkout+Rollback+Runbook"),
            ("Bo", "the failover runbook is out of date, step 3 no longer exists"),
            ("Cy", "ok"),
        )
    )
    assert [r.message_ids for r in f.runbooks] == [["m0"], ["m1"]]
    assert "out of date" in f.runbooks[1].text


def test_a_runbook_asked_for_in_the_follow_ups_is_a_missing_one_not_one_used():
    f = extract_findings(
        channel(
            ("bot:Datadog", "[P2] Triggered: US comms-dispatch oldest message age > 30m"),
            ("Sam", "followed the db runbook, step 4 freed the connections"),
            ("Maya", "db queue is caught up, declaring resolved. follow-ups: optimise the rollup query, add statement timeouts, runbook link on the alert"),
        )
    )
    assert [r.text for r in f.runbooks][1] == "missing: runbook link on the alert"
    assert not f.runbooks[0].text.startswith("missing:")


def test_the_deploy_question_and_its_answer_are_one_hypothesis_ruled_out():
    f = extract_findings(
        channel(
            ("Maya", "503s everywhere, most of the fleet"),
            ("Maya", "anything deployed in the last hour? checking the deploy log"),
            ("Tom", "no platform deploys today. last rollout was the May 12 one"),
            ("Maya", "ruled out network: backbone looks healthy, it's the cache nodes crashing"),
        )
    )
    statuses = [(h.status, h.message_ids) for h in f.hypotheses]
    assert ("ruled_out", ["m1", "m2"]) in statuses  # the question, closed by its answer
    assert any(h.status == "ruled_out" and h.message_ids == ["m3"] for h in f.hypotheses)


@pytest.mark.parametrize(("said", "ideas"), [
    ("yep looks good from here, thanks both", []),  # a check after the fix: nothing named is cleared
    ("looks good from our side", []),
    ("redis looks fine from here", ["redis looks fine from here"]),  # a part named and cleared
])
def test_a_verdict_with_no_part_named_is_no_idea_ruled_out(said, ideas):
    f = extract_findings(channel(("Ana", "api 500s for every tenant"), ("Ben", said)))
    assert [h.text for h in f.hypotheses if h.status == "ruled_out"] == ideas


def test_only_the_key_mitigation_is_labelled_mitigated_on_the_timeline():
    f = extract_findings(
        channel(
            ("bot:Datadog", "[P1] checkout 5xx > 5%"),
            ("Bo", "rolled back, error rate back to normal"),
            ("Cy", "eu back to normal too"),
            ("Ann", "All clear, incident resolved."),
        )
    )
    labels = dict((mid, kind) for kind, mid in kinds(f))
    assert labels["m1"] == "mitigated" and labels["m2"] == "recovery"  # one row says when the impact stopped


def test_the_status_page_names_the_incident_when_the_channel_does_not():
    f = extract_findings(
        channel(
            ("Maya", "huh. same here from my laptop, dashboard won't load"),
            ("bot:Statuspage", "Incident created: Dashboard and engine unavailable — Investigating"),
            ("Tom", "rolled back, dashboard loads again"),
            name="inc-2041",
        )
    )
    assert f.title is not None and f.title.text == "Dashboard and engine unavailable"
    assert f.title.message_ids == ["m1"]


def test_a_person_saying_they_updated_the_status_page_names_nothing():
    f = extract_findings(
        channel(
            ("Maya", "api is basically all 500s. dashboard too"),
            ("Tom", "updated the status page: identified, cache priming routine during deployment"),
            ("bot:Statuspage", "Monitoring - a fix has been applied"),
        )
    )
    assert f.title is not None and f.title.message_ids == ["m0"]


def test_all_starts_a_sentence_unless_it_greets():
    from facilitator.extract.written import plain_sentence

    assert plain_sentence("All web servers on the fix.", limit=100) == "All web servers on the fix."
    assert plain_sentence("all, the fix is out", limit=100) == "The fix is out"


def test_a_status_post_names_its_subject_host_and_an_impact_level_is_no_name():
    gitlab = extract_findings(
        channel(
            ("Tom", "anyone else getting 500s?"),
            ("bot:Status.io", "*Investigating* — GitLab.com is down. We are investigating errors on GitLab.com. status.gitlab.com"),
        )
    )
    assert gitlab.title is not None and gitlab.title.text == "GitLab.com is down"
    level = extract_findings(
        channel(
            ("lin", "cloud printing + MakerWorld errors tonight"),
            ("bot:statuspage", "[Partial Service Outage] Investigating — We are currently investigating this issue."),
        )
    )
    assert level.title is not None and "Outage]" not in level.title.text


def test_someone_owning_the_change_found_points_at_the_finding_and_owning_a_role_does_not():
    f = extract_findings(
        channel(
            ("bot:notify-alerts", "[FIRING] notify-api: QueuePool limit reached"),
            ("Rob", "pg_stat_activity: there is a VACUUM on notification_history holding an exclusive lock, running for ages. every insert waits on it"),
            ("Leo", "oh no. that's me. I thought I was connected to staging"),
        )
    )
    assert f.causes and "VACUUM on notification_history" in f.causes[0].text and f.causes[0].message_ids == ["m1"]
    role = extract_findings(
        channel(
            ("bot:notify-alerts", "[FIRING] notify-api: QueuePool limit reached"),
            ("Saira", "we need someone on comms for the status page"),
            ("Leo", "that's me"),
        )
    )
    assert not any(c.message_ids == ["m1"] for c in role.causes)


def test_a_pagers_triggered_through_line_keeps_its_verb():
    from facilitator.extract.written import plain_sentence

    assert plain_sentence("Triggered through the API by Prometheus Alertmanager").startswith("Triggered through")
    assert plain_sentence("[Triggered] api 5xx rate > 5%") == "Api 5xx rate > 5%"


def test_the_same_symptom_elsewhere_is_no_earlier_incident():
    f = extract_findings(
        channel(
            ("Ann", "gmail backends returning 503s"),
            ("Bo", "same thing on calendar side. user-data backends returning errors"),
            ("Cy", "this is the same problem as last week's quota outage"),
        )
    )
    assert [p.message_ids for p in f.prior_incidents] == [["m2"]]


def test_a_cause_only_supposed_or_a_later_status_post_is_no_cause():
    f = extract_findings(
        channel(
            ("Ann", "yes do that, prep it, don't hit go until rahul confirms the diff is the culprit"),
            ("bot:Statuspage", "Resolved - Monitoring confirms the issue is resolved."),
        )
    )
    assert f.causes == []


def test_a_link_beside_a_sentence_is_set_off_and_one_it_names_is_not():
    from facilitator.extract.written import readable

    assert readable("rolling back #5127 in prod-us https://github.com/a/b/pull/5127") == "rolling back #5127 in prod-us (github.com)"
    assert readable("timeout on https://get.jenkins.io/plugins") == "timeout on get.jenkins.io"


def test_a_verdict_on_an_idea_named_by_an_acronym_rules_that_idea_out():
    f = extract_findings(
        channel(
            ("Ines", "could it be the VPC? every failing service goes through vpc egress"),
            ("Camille", "good catch. nothing changed in the vpc config though, not that"),
        )
    )
    assert [(h.status, h.message_ids) for h in f.hypotheses] == [("ruled_out", ["m0", "m1"])]


def test_a_finding_told_in_chat_words_is_a_cause():
    f = extract_findings(
        channel(
            ("Ann", "messages stuck on 'sent' for a bunch of users"),
            ("Bo", "found something: app-3 and app-5 still have connections open to the OLD primary"),
            ("Cy", "there's a bug in how the server builds the state update for repeated writes"),
        )
    )
    assert [c.message_ids for c in f.causes] == [["m1"], ["m2"]]


def test_a_hedge_on_what_was_seen_is_no_hypothesis_and_a_part_found_fine_is_never_suspected():
    f = extract_findings(
        channel(
            ("Aoife", "second one now, same thing, spinner then blank. both on dub3 I think"),
            ("Bo", "sms looks normal"),
            ("Cy", "yeah sms fine here too"),
            ("Di", "it's the new db pool config I think"),
        )
    )
    assert [(h.status, h.message_ids) for h in f.hypotheses] == [("ruled_out", ["m1"]), ("raised", ["m3"])]


def test_the_part_to_blame_named_and_explained_is_a_cause():
    f = extract_findings(
        channel(
            ("Ann", "customers on dub3 can't send or receive"),
            ("Marta", "is it the db again?"),
            ("Cian", "db looks fine. it's the app: node went unhealthy and got restarted at 15:08"),
            ("Bo", "it's the workers, not the db, queue depth is 40k"),
            ("Cy", "maybe it's the cache"),
        )
    )
    assert [c.message_ids for c in f.causes] == [["m2"], ["m3"]]
    assert f.causes[0].text.startswith("It's the app: node went unhealthy")  # not the clearance before it


def test_reading_the_status_page_is_no_update():
    f = extract_findings(
        channel(
            ("Ann", "hey just joined, what's going on? saw the status page post"),
            ("Bo", "resolved on status page. thanks all"),
        )
    )
    assert [m.message_ids for m in f.messaging] == [["m1"]]


def test_every_moment_the_story_rests_on_is_a_timeline_row():
    f = extract_findings(
        channel(
            ("bot:Opsgenie", "[P1] batch commitment mismatch, block processing halted"),
            ("Jonas", "first guess was the L1 gas spike, but fees look normal on L1 right now so not that"),
            ("Anya", "operator side. there's a bug in how the server builds the state update"),
            ("Jonas", "ok"),
        )
    )
    rows = {e.message_ids[0]: e.kind for e in f.events}
    assert [h.message_ids for h in f.hypotheses] == [["m1"]]
    assert rows.get("m1") == "hypothesis_ruled_out" and rows.get("m2") == "root_cause"


def test_the_cause_row_reads_the_sentence_that_states_the_cause():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "[Triggered] api-us1: HTTP 5xx rate 12%"),
            ("akim", "connections on the secondaries went ~6k -> 19k"),
            ("jcortez", "went through every service's mongo client config. the problem is how many conns each service opens to the primary, nothing limits it client side"),
            ("akim", "api 5xx back at baseline"),
        )
    )
    cause = f.causes[0]
    row = next(e for e in f.events if e.message_ids == cause.message_ids)
    assert row.kind == "root_cause"
    assert row.summary.lower().startswith("the problem is how many conns")


def test_a_reply_pointing_back_makes_the_message_before_it_the_cause():
    f = extract_findings(
        channel(
            ("Ann", "envelopes slow to send, es latency p99 8s"),
            ("Bo", "jumping in. look at the domain metrics: ThroughputThrottle = 1 on the data volume"),
            ("Ann", "oh. so that's why cpu looked fine"),
        )
    )
    assert [c.message_ids for c in f.causes] == [["m1"]] and "ThroughputThrottle" in f.causes[0].text


def test_praise_for_a_find_makes_the_message_before_it_the_cause():
    f = extract_findings(
        channel(
            ("Ann", "queue consumers are all idle but the queue is full"),
            ("Bo", "the upgrade changed the consumer defaults: prefetch is 0 now so nothing gets pulled"),
            ("Ann", "good catch, that'd do it"),
            ("Cy", "nice find on the prefetch thing"),
        )
    )
    assert [c.message_ids for c in f.causes] == [["m1"]]


def test_a_post_announced_then_posted_is_one_update_and_a_promise_is_none():
    f = extract_findings(
        channel(
            ("Ann", "checkout is down"),
            ("Bo", "posting the status page now"),
            ("bot:Statuspage", "Investigating - We are investigating checkout failures."),
            ("Bo", "rolled back, checkout works"),
            ("Cy", "we'll post a resolved notice once it's quiet for 30 min"),
        )
    )
    assert [m.message_ids for m in f.messaging] == [["m2"]]


def test_a_hedge_or_an_apology_that_names_no_idea_is_no_hypothesis():
    f = extract_findings(
        channel(
            ("Ann", "engage sends failing for all tenants"),
            ("Bo", "are the sentinels even failing over? I bet they are"),
            ("Cy", "ugh ok sorry for the red herring"),
            ("Di", "maybe it's the redis primary hanging"),
        )
    )
    assert [h.message_ids for h in f.hypotheses] == [["m3"]]


def test_a_cause_said_to_be_unknown_is_no_cause():
    f = extract_findings(
        channel(
            ("Ann", "payments failing, 2 primary db nodes flapping"),
            ("Bo", "replacing both. No root cause yet"),
            ("Cy", "root cause still unclear, looking at the merchant traffic"),
        )
    )
    assert f.causes == []


@pytest.mark.parametrize(
    ("row", "method"),
    [
        (("bot:Zendesk", "New ticket #238862 (GitLab.com, Premium): Can't log in - error 422"), "user report"),
        (("bot:Pylon", 'New message in #ext-brightline: "the dashboard is down for us, errors on every page"'), "user report"),
        (("bot:PagerDuty", "Triggered #P8L2Q7C: Manual page from Lukas Meyer: dashboard cannot reach internal api"), "noticed by the team"),
        (("bot:Datadog", "[Triggered] api 5xx rate > 5%"), "monitoring alert"),
    ],
)
def test_how_it_was_noticed_follows_who_raised_it(row, method):
    f = extract_findings(channel(row, ("Ann", "looking")))
    assert f.detection_method is not None and f.detection_method.text == method


@pytest.mark.parametrize(
    ("first", "verdict", "status"),
    [
        ("first thought: gcp having a bad day?", "yeah, not google. the cluster is green", "raised"),
        ("CL bug? every CL seems to complain", "lodestar sees the same invalid blocks", "raised"),
        ("DNS provider? name resolution is failing from inside the VPCs", "resolver rules are gone. not a provider outage, they were deleted", "ruled_out"),
        ("could be their node, one report so far", "two more validators report the same apphash", "raised"),
    ],
)
def test_a_suspect_named_as_a_short_question_or_a_first_thought_is_the_first_hypothesis(first, verdict, status):
    f = extract_findings(channel(("Dana", "blocks are not being produced"), ("Marcus", first), ("Priya", verdict)))
    assert f.hypotheses and f.hypotheses[0].message_ids[0] == "m1" and f.hypotheses[0].status == status


def test_a_customers_question_passed_on_is_not_a_hypothesis():
    f = extract_findings(
        channel(("Dana", "customers can't reach the console"), ("Elena", "first question from customers is 'is this an attack?'. what can I tell them"))
    )
    assert f.hypotheses == []


def test_an_incident_tools_echo_of_a_moment_a_person_told_is_one_row():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "[Triggered] campaign delivery lag > 15 min"),
            ("bot:incident.io", "🚨 INC-1873 declared: Platform Communications Delayed (Sev 2). Lead: Maya Chen"),
            ("Maya", "db queue is caught up, declaring resolved"),
            ("bot:incident.io", "✅ INC-1873 marked as Resolved by Maya Chen"),
        )
    )
    kinds = [(e.kind, e.message_ids) for e in f.events]
    assert ("incident_created", ["m1"]) in kinds and ("alert", ["m1"]) not in kinds
    assert all(e.message_ids != ["m3"] for e in f.events)  # the tool's "marked as Resolved" echoes m2
    assert any(e.message_ids == ["m2"] for e in f.events)


@pytest.mark.parametrize(
    "said, cause",
    [
        # the thing pointed at, then what it did, told without the speaker
        ("oh no. that's my migration. the new index on invoices locks the table", "The migration: the new index on invoices locks the table"),
        ("uh oh, the index I dropped at 5:06 was still used by the export job", "The index dropped at 5:06 was still used by the export job"),
        # the statement before the one that names the change is the finding
        ("oh no. ttl is 1 second, not 1 hour. came in with yesterday's release", "Ttl is 1 second, not 1 hour. Came in with yesterday's release"),
    ],
)
def test_a_finding_met_with_dismay_is_the_cause_told_without_the_speaker(said, cause):
    f = extract_findings(channel(("Ann", "checkout is throwing 500s"), ("Bo", said), ("Ann", "ok, reverting")))
    assert [(c.text, c.message_ids) for c in f.causes] == [(cause, ["m1"])]


@pytest.mark.parametrize(
    "said",
    [
        "oh no. I ran it on the primary",  # the speaker as the subject: not a blameless cause
        "oh no. api is down in eu now too",  # a symptom met with dismay
        "oh no. it was meant to be 3h",  # a pronoun with nothing before it to point at
        "oh no. checking the deploy log",  # tending to the incident
    ],
)
def test_dismay_at_a_symptom_or_at_ones_own_step_is_no_cause(said):
    f = extract_findings(channel(("Ann", "checkout is throwing 500s"), ("Bo", said), ("Ann", "ok")))
    assert f.causes == []


def test_a_cause_stated_elsewhere_wins_over_dismay():
    f = extract_findings(
        channel(
            ("Ann", "checkout is throwing 500s"),
            ("Bo", "root cause: the payment client pool is capped at 4 connections"),
            ("Cy", "oh no. that's my bump, the client went to 3.0 this morning"),
        )
    )
    assert [c.message_ids for c in f.causes] == [["m1"]]


def test_a_finding_announced_is_told_without_the_announcement():
    f = extract_findings(channel(("Ann", "checkout is throwing 500s"), ("Bo", "Found it I think. the payment client pool is capped at 4 connections")))
    assert f.causes[0].text.startswith("The payment client pool is capped at 4 connections")


def test_a_finding_then_thatd_do_it_is_the_cause_without_the_pointer():
    f = extract_findings(
        channel(
            ("Hugo", "last ACL batch went out right at 15:55, one frontend hostname has a trailing slash"),
            ("Yanis", "slash in a hostname -> sozu reads it as the start of a regex. that'd do it"),
        )
    )
    assert f.causes and f.causes[0].text == "Slash in a hostname -> sozu reads it as the start of a regex."


def test_yeah_thatd_do_it_alone_is_never_the_cause_text():
    f = extract_findings(
        channel(
            ("Ana", "the cron runs a seq scan on card_holds with FOR UPDATE every minute"),
            ("Ben", "yeah that'd do it"),
        )
    )
    assert f.causes and all("that'd do it" not in c.text.lower() for c in f.causes)
    assert f.causes[0].message_ids == ["m0"]
