"""What fixed it: the step told with its effect or just before it, not one weighed, doubted, taken back
or a customer's; and a status post a person relays."""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from facilitator.interview.suggest import suggest_by_id
from tests.unit.test_extract_hints import channel


def test_a_message_weighing_options_is_not_the_fix_the_step_taken_later_is():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered: webapp-main HTTP 503 ratio above threshold"),
            ("Theo", "options? 1) raise slots + reload haproxy 2) bring up a fresh webapp fleet and register it cleanly"),
            ("Ruben", "raising slots = config change + full reload across the fleet, slow and risky under this load. I'd do 2"),
            ("Kenji", "on it. launching new webapp ASG with the same AMI as the morning"),
            ("Ruben", "first AZ: 503 ratio dropping on those lbs. doing rolling restart of the rest of the haproxy fleet"),
            ("Kenji", "I can connect again from the desktop app"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m5"]
    assert f.fixes and f.fixes[0].message_ids == ["m4"]


def test_a_status_post_a_person_relays_is_a_status_post_and_tells_the_customer_effect():
    transcript = channel(
        ("Marisol", "5xx climbing on the deploy dash"),
        ("Aisha", 'status updated: "Users are unable to connect to Slack. We are investigating and will provide an update shortly."'),
        ("Ruben", "all haproxy nodes restarted, 503s back to baseline"),
        ("Aisha", 'posted: "We have fully restored service and everyone should be able to connect now."'),
    )
    f = extract_findings(transcript)
    posts = [m for m in f.messaging if m.channel == "status page"]
    assert [p.message_ids for p in posts] == [["m1"], ["m3"]]
    assert posts[0].summary.startswith("Users are unable to connect to Slack")
    effect = suggest_by_id("customer_effect", f, transcript, "UTC")
    assert effect is not None and str(effect.value).startswith("Users were unable to connect to Slack")


def test_a_deploy_tools_rollback_complete_at_the_recovery_is_the_fix():
    f = extract_findings(
        channel(
            ("bot:Monitoring Alerts", "FIRING gclb-xlb/global_404_ratio = 37.8% (threshold 2%)"),
            ("Rhea", "different, friday was infra. starting rollback to last known good config now"),
            ("bot:Rollout Bot", "Rollback complete: gclb-config generation 88213 live on 100% of cells"),
            ("Rhea", "404 ratio back to baseline"),
        )
    )
    assert f.fixes and f.fixes[0].message_ids == ["m2"]


@pytest.mark.parametrize(
    "text",
    [
        "getting a few reports from hosted agents customers: jobs fail straight away with `Missing agent`",
        "the hosted agents synthetic has been red since 6:15 but it only posts to #synthetics",
    ],
)
def test_reports_and_red_checks_are_the_detection(text):
    f = extract_findings(
        channel(
            ("bot:Deploys", "deploy #18842 finished (rev 4f1c9a2)"),
            ("Ana", "morning all, standup moved to 10:30"),
            ("Ellie", text),
            ("Oscar", "lets roll back #18842"),
            ("Ravi", "rollback done, jobs run again"),
        )
    )
    assert f.detected_at is not None and f.detected_at.message_ids == ["m2"]


def test_the_narrative_drops_a_dash_left_in_front_of_the_cause_and_the_fix():
    from facilitator.render.prose import narrative

    text = narrative(
        [], "- rolled back to 4f1c9a2",
        when={"detected_at": "18:26", "mitigated_at": "19:05"},
        cause="- the batched commit path skips writing the job env vars", cause_at="19:33",
    )
    assert "found at 19:33: the batched commit path" in text and "19:05: rolled back" in text


def test_a_ruled_out_idea_opened_with_hm_is_the_first_hypothesis_once_and_without_the_hm():
    from facilitator.interview.wording import drop_lead_ins
    from facilitator.render.prose import same_hypothesis

    assert drop_lead_ins("hm canary + 10% hosts look fine individually.") == "Canary + 10% hosts look fine individually."
    assert drop_lead_ins("well-known issue with dns") == "well-known issue with dns"
    assert drop_lead_ins("P.S I think the hub pod is fine, it could be the proxy pod") == "The hub pod is fine, it could be the proxy pod"
    assert drop_lead_ins("ps shows a pile of processes in D state") == "ps shows a pile of processes in D state"  # the command
    assert same_hypothesis("First hypothesis: Canary + 10% hosts look fine", "hm canary + 10% hosts look fine.")


@pytest.mark.parametrize(
    "said, cause",
    [
        ("nope all 12 on the new one. its the cache. executor reads defs from redis and old entries dont have `type`",
         "Its the cache. Executor reads defs from redis and old entries dont have type."),
        ("pg log shows one enormous UPDATE on users. it's the user sync. 80k users in a single request",
         "It's the user sync. 80k users in a single request."),
        ("yes. roughly 90% of communities are down. cause: premium extension check fails after cache flush. no data loss",
         "Premium extension check fails after cache flush."),
        ("almost all requests failing. cause is the heartbeat retry storm after the upgrade.",
         "The heartbeat retry storm after the upgrade."),
    ],
)
def test_a_cause_named_in_a_sentence_of_its_own_or_announced_as_the_cause_is_the_root_cause(said, cause):
    transcript = channel(
        ("bot:PagerDuty", "Triggered: api 5xx ratio above threshold"),
        ("Dana", "checking the dashboards"),
        ("Priya", said),
        ("Dana", "ok. fixing"),
    )
    suggestion = suggest_by_id("actual_cause", extract_findings(transcript), transcript, "UTC")
    assert suggestion is not None and suggestion.value == cause


@pytest.mark.parametrize("said", ["it's the same. still 500s", "it's the weekend. nobody deployed", "the cause is unknown so far"])
def test_no_cause_in_chat_that_only_sounds_like_one(said):
    transcript = channel(("bot:PagerDuty", "Triggered: api 5xx ratio above threshold"), ("Priya", said))
    assert extract_findings(transcript).causes == []


def test_a_part_named_afterwards_in_the_past_is_no_cause():
    transcript = channel(("bot:PagerDuty", "Triggered: api 5xx ratio above threshold"),
                         ("Marcus", "AWS key from the env dump is deactivated as well, it was the read-only metrics key"))
    assert extract_findings(transcript).causes == []


def test_no_cause_in_a_choice_weighed_as_the_risky_one():
    transcript = channel(("bot:PagerDuty", "Triggered: api 5xx ratio above threshold"),
                         ("Yoav", "for 1b I want the short procedure: fresh node from the snapshot. it's the risky one"))
    assert extract_findings(transcript).causes == []


@pytest.mark.parametrize(
    "said, cause",
    [
        ("Root cause is pretty clear: the new routing rules got applied before the backends existed.",
         "The new routing rules got applied before the backends existed."),
        ("checked all four gateways. ok that's it. the new logging config stopped shipping logs, files piled up, disk full, "
         "nginx died. that's our root cause",
         "the new logging config stopped shipping logs, files piled up, disk full, nginx died."),
    ],
)
def test_the_cause_is_what_a_message_names_as_it_not_the_words_that_name_it(said, cause):
    transcript = channel(("bot:PagerDuty", "Triggered: api 5xx ratio above threshold"), ("Lena", said))
    suggestion = suggest_by_id("actual_cause", extract_findings(transcript), transcript, "UTC")
    assert suggestion is not None and cause.casefold() in suggestion.value.casefold()


def test_certificates_issued_and_rolled_out_before_the_recovery_are_the_fix():
    f = extract_findings(
        channel(
            ("Marco", "anyone else getting certificate expired from hex.pm? publish dies with tls_alert"),
            ("Tomasz", "renewal never ran. we still point it at the discontinued renewal service"),
            ("Tomasz", "certs issued. rolling them out to the load balancers"),
            ("Marco", "publish works again ✅ thanks"),
        )
    )
    assert f.fixes and f.fixes[0].message_ids == ["m2"]


def test_the_fix_is_the_step_that_brought_the_recovery():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered: api-prod write error rate > 20%"),
            ("Dmitri", "restarting every node in the cluster to force a clean election"),
            ("Priya", "error rate back to baseline, POSTs succeeding"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m2"]
    assert f.fixes and f.fixes[0].message_ids == ["m1"]  # the step before the observed recovery
    assert "restarting every node" in f.fixes[0].text.casefold()


def test_a_fix_told_with_its_effect_is_read_from_that_message():
    f = extract_findings(
        channel(
            ("Maya", "503s everywhere, most of the fleet is down"),
            ("Priya", "config disabled. impacted services recovered, errors gone"),
        )
    )
    assert f.fixes and f.fixes[0].message_ids == ["m1"] and f.fixes[0].text.casefold().startswith("config disabled")


def test_a_step_weighed_asked_for_or_failed_is_not_the_fix():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered: api-prod write error rate > 20%"),
            ("Dmitri", "restarting the api pods"),
            ("Maya", "still failing, no change"),
            ("Dmitri", "scaled out the directors 4 -> 10"),
            ("Priya", "rolling back would take 40 min and re-open the vuln, I'd rather not"),
            ("Priya", "error rate back to baseline, POSTs succeeding"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m5"]
    assert f.fixes and f.fixes[0].message_ids == ["m3"]  # not the rollback weighed, not the restart that did not help


def test_a_fix_quoted_whole_loses_its_leading_emoji():
    f = extract_findings(
        channel(
            ("Maya", "503s everywhere, most of the fleet is down"),
            ("Priya", "✅ rollback of auth-service to v2025.09.02-1 complete, errors gone"),
        )
    )
    assert f.fixes and f.fixes[0].text.casefold().startswith("rollback of auth-service")


def test_a_step_a_later_message_says_did_nothing_is_not_the_fix():
    f = extract_findings(
        channel(
            ("bot:Datadog", "[Triggered] backoffice reporting lag > 30 min"),
            ("Dmitri", "restarting the report workers now"),
            ("Maya", "restart bought us nothing, lag still climbing"),
            ("Dmitri", "reverted yesterday's query change"),
            ("Priya", "lag back to zero, reports current"),
        )
    )
    assert f.fixes and f.fixes[0].message_ids == ["m3"]


def test_a_step_taken_to_rule_something_out_is_not_the_fix():
    f = extract_findings(
        channel(
            ("Maya", "dns lookups failing on every node"),
            ("Dmitri", "restarting coredns + kube-proxy, just to rule it out"),
            ("Priya", "dns answering again, lookups fine"),
        )
    )
    assert not f.fixes or f.fixes[0].message_ids != ["m1"]


def test_a_status_post_or_a_draining_queue_is_not_the_fix():
    f = extract_findings(
        channel(
            ("Maya", "backoffice reports are stuck, lag over 2h"),
            ("bot:Statuspage", "[Investigating] Delay in reporting — Access to BackOffice has been restored."),
            ("Priya", "queue draining, lag down to 40 min"),
        )
    )
    assert f.fixes == []


def test_a_step_followed_by_worse_or_only_guessed_at_is_not_the_fix():
    f = extract_findings(
        channel(
            ("bot:Monitor", "[Triggered] order router error rate > 20%"),
            ("Tom", "rollback done on 01-07"),
            ("Ann", "it's WORSE. way more orders going out"),
            ("Bo", "is it the hotfix itself? maybe the cleanup got reverted in the branch"),
        )
    )
    assert f.fixes == []


def test_a_dry_run_is_not_the_fix():
    f = extract_findings(
        channel(
            ("Ann", "builders are landing reverting txs, users paying gas for nothing"),
            ("Bo", "shutting down ALL builders now"),
            ("Bo", "patched, restarting in dry-run mode"),
            ("Cy", "first 30 dry-run blocks clean, errors gone"),
        )
    )
    assert all("dry-run" not in fx.text for fx in f.fixes)


def test_a_step_a_customer_took_or_was_told_of_is_not_our_fix():
    f = extract_findings(
        channel(
            ("Ann", "hypervisor hv-17 is down, customer vms unreachable"),
            ("Sup", "11 tickets now. One customer restored his backup himself"),
            ("Sup", "third ticket, same error. told them we're rolling back"),
            ("Bo", "rebooted hv-17 via the PDU, all vms back up"),
        )
    )
    assert f.fixes and all(fx.message_ids == ["m3"] for fx in f.fixes)


@pytest.mark.parametrize("step", ["migrated the vms to hv-18, all back up", "moved the vms to the spare hypervisor, all back up"])
def test_moving_the_work_elsewhere_is_a_fix(step):
    f = extract_findings(channel(("Ann", "hypervisor hv-17 is down, customer vms unreachable"), ("Bo", step)))
    assert f.fixes and f.fixes[0].message_ids == ["m1"]


def test_a_step_taken_back_in_its_own_message_is_not_the_fix():
    f = extract_findings(
        channel(
            ("Ann", "event ingestion stalled, backlog growing, queries piling up on the db"),
            ("Bo", "Killed ~340 queries. They come right back tho"),
            ("Cy", "restarted the kafka broker. wait, that was staging not prod. Ignore that."),
            ("Bo", "ran ANALYZE on the events tables, planner picks the index again. backlog draining"),
        )
    )
    assert f.fixes and all(fx.message_ids == ["m3"] for fx in f.fixes)


def test_a_flag_flipped_is_the_fix_and_a_rollback_that_did_nothing_never_is():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered #18234 [prod] api 5xx rate > 5%"),
            ("Jordan", "rolling back today's deploy just in case"),
            ("Priya", "@Sam API errors since ~8:40, reads timing out on the replicas, rollback of today's deploy did nothing"),
            ("Sam", "theory: the cluster cleanup is dragging every read down"),
            ("Priya", "flag flipped, pods picked it up. 5xx dropping like a rock, <1% now"),
        )
    )
    assert f.fixes and f.fixes[0].text.lower().startswith("flag flipped")
    assert not any("did nothing" in x.text for x in f.fixes)


def test_a_label_an_idea_carried_while_suspected_is_not_part_of_the_fact():
    from facilitator.interview.wording import clean_fact

    assert clean_fact("theory: that cleanup is what's dragging every read down") == "That cleanup is what's dragging every read down"
    assert clean_fact("working theory: regression in propagation") == "Regression in propagation"


@pytest.mark.parametrize(
    ("sentence", "step"),
    [
        ("console access restored in all regions and the customer-facing services are back", False),
        ("service has been fully restored", False),
        ("access restored from the standby snapshot", True),
        ("routes restored, resolver rules re-created everywhere", True),
        ("service restored after we rolled back the config", True),
        ("Ztake reports an apphash even after rolling back to v22.0.0 and resyncing", False),
        ("running the rollover script manually to add fresh nodes", True),
        ("added 4 more nodes to the pool", True),
    ],
)
def test_a_restoration_reported_as_an_outcome_is_no_step(sentence, step):
    from facilitator.extract.fixes import did

    assert did(sentence) is step


@pytest.mark.parametrize(
    ("rows", "summary"),
    [
        (
            [("Elena", "customer notice going out, text in thread"),
             ("Elena", '"Endpoints are still protected. Threat data reporting is delayed, not lost."')],
            "Endpoints are still protected.",
        ),
        ([("Elena", "update posted to customers: access restored, data backlog still processing")],
         "access restored, data backlog still processing"),
    ],
)
def test_a_customer_update_said_to_go_out_is_messaging_with_its_words(rows, summary):
    transcript = channel(("Dana", "customers can't reach the console"), *rows)
    if len(rows) == 2:  # the second row is a reply in the first one's thread
        parent, reply = transcript.messages[1], transcript.messages[2]
        parent.reply_ids, reply.thread_id = [reply.id], parent.id
    f = extract_findings(transcript)
    assert [m.message_ids for m in f.messaging] == [["m1"]]
    assert f.messaging[0].summary.startswith(summary)


@pytest.mark.parametrize(
    "text",
    [
        "their status page is all green and other apps sending fine through the same account",
        "provider status page has a storage issue in our region overnight, marked resolved",
        "GitHub's status page says resolved",
    ],
)
def test_someone_elses_status_page_is_not_our_post(text):
    f = extract_findings(channel(("Dana", "emails are not going out"), ("Ravi", text)))
    assert f.messaging == []


def test_a_status_page_bot_known_by_its_name_or_its_stage_lines_is_a_status_post():
    transcript = channel(
        ("bot:Oh Dear", "https://cloud.example.com is down. Reason: cURL error 28"),
        ("bot:Laravel Status", "Cloud control panel and edge network reachability issues\nInvestigating - We are currently investigating this issue.\nhttps://status.example.cloud/incidents/x1"),
        ("devon", "mtr from home dies inside the edge provider's network"),
        ("bot:Notifier", "Cloud control panel and edge network reachability issues\nIdentified - We\u2019re aware of the ongoing connectivity issues affecting Example Cloud."),
        ("bot:Notifier", "Monitoring - A fix has been implemented and we are seeing recovery across all applications."),
    )
    f = extract_findings(transcript)
    assert [m.message_ids for m in f.messaging if m.channel == "status page"] == [["m1"], ["m3"], ["m4"]]
    # the first post only says the team is looking; the next one says what customers saw
    effect = suggest_by_id("customer_effect", f, transcript, "UTC")
    assert effect is not None and effect.value == "Connectivity issues affecting Example Cloud."
    assert effect.message_ids == ["m3"]


@pytest.mark.parametrize(
    ("post", "effect"),
    [
        ("Investigating - We are continuing to investigate an increase in 5xx errors in eu-central-1.", "Increase in 5xx errors in eu-central-1."),
        ("Update - We are still investigating an issue impacting the deployment of new builds.", "Issue impacting the deployment of new builds."),
        ("Investigating - We are investigating a problem with our MQTT gateway.", "Problem with our MQTT gateway."),
    ],
)
def test_the_status_page_effect_is_what_it_says_is_wrong_not_that_it_is_looking(post, effect):
    from facilitator.extract.messaging import status_effect

    boilerplate = "Investigating - We are currently investigating this issue and will provide an update soon."
    items = extract_findings(channel(("bot:Statuspage", boilerplate), ("bot:Statuspage", post))).messaging
    said = status_effect(items)
    assert said is not None and said[0] == effect
    assert status_effect(items[:1]) is None


@pytest.mark.parametrize(
    ("said", "cause"),
    [
        ("yep, the secrets service pods are crashlooping, they died shortly before the deploy. that's why both the deploy and the rollback blew up",
         "The secrets service pods are crashlooping, they died shortly before the deploy."),
        ("retired dunning job got re-enabled by last night's billing DB migration, locked paying orgs since noon",
         "Retired dunning job got re-enabled by last night's billing DB migration, locked paying orgs since noon."),
        ("tl;dr crossplane PR this morning deleted the managed node groups \u2192 coredns lost their home \u2192 nodes drained \u2192 API down",
         "Tl;dr crossplane PR this morning deleted the managed node groups \u2192 coredns lost their home \u2192 nodes drained \u2192 API down."),
    ],
)
def test_a_cause_said_as_the_reason_a_change_that_did_it_or_a_chain_of_arrows(said, cause):
    transcript = channel(("bot:PagerDuty", "Triggered: api 5xx above threshold"), ("Nadia", "looking"), ("Leo", said))
    suggested = suggest_by_id("actual_cause", extract_findings(transcript), transcript, "UTC")
    assert suggested is not None and (suggested.value, suggested.message_ids) == (cause, ["m2"])


@pytest.mark.parametrize(
    "said",
    [
        "trace: vault -> strat -> proxy contract -> voter -> gauge withdraw",
        "could do everything in one multisig tx: fees off \u2192 migrate now \u2192 harvest \u2192 fees on",
        "next stage: rollout (fra1 \u2192 ams1 \u2192 iad1 \u2192 sjc1)",
        "DB connections climbing back: 38 \u2192 210 \u2192 380",
    ],
)
def test_a_path_a_plan_or_a_rollouts_order_told_with_arrows_is_no_cause(said):
    f = extract_findings(channel(("bot:PagerDuty", "Triggered: api 5xx above threshold"), ("Nadia", "looking"), ("Leo", said)))
    assert f.causes == []


def test_a_kill_switch_thrown_is_what_fixed_it_not_the_message_describing_it():
    transcript = channel(
        ("bot:PagerDuty", "Triggered: login error rate above 5%"),
        ("Raj", "the kill switch `config-store.v2.enabled` flips reads back to the previous store. it's been our fallback since migration"),
        ("Lena", "do the kill switch. Owen park the rollback"),
        ("Raj", "flag flipped, propagating to the login fleet, ~5 min"),
        ("Nadia", "error rate dropping hard"),
    )
    fix = suggest_by_id("fix", extract_findings(transcript), transcript, "UTC")
    assert fix is not None and fix.value == "Flag flipped, propagating to the login fleet, ~5 min." and fix.message_ids == ["m3"]


def test_a_flag_that_flipped_a_setting_is_no_fix():
    f = extract_findings(channel(
        ("bot:PagerDuty", "Triggered: nodes NotReady"),
        ("Ana", "found it: the bootstrap flag flipped the default container runtime to containerd"),
    ))
    assert not f.fixes


@pytest.mark.parametrize(
    "step",
    ["hotfix is on the production server", "ok, i've got a temp fix in for this identity issue"],
)
def test_a_fix_told_as_running_in_production_is_the_mitigation_when_nobody_says_more(step):
    f = extract_findings(
        channel(
            ("Kelly", "the public API answers user queries without a login, anyone can list users"),
            ("Dele", "confirmed. writing a patch that turns off introspection and requires auth"),
            ("Dele", step),
            ("Kelly", "can I tell EX/IT we're patched?"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m2"]


@pytest.mark.parametrize(
    "release",
    [
        "0.15.2-beta is out, please update, nodes will sync past the bad block on restart",
        "v3.8.1 has been published with the fix",
        "patched version published to pypi",
        "release is out, everyone on mainnet needs to upgrade",
    ],
)
def test_a_fixed_release_put_out_for_users_is_the_mitigation(release):
    f = extract_findings(
        channel(
            ("Ana", "nodes stuck at block 757,922, looks like the witness size check"),
            ("Ben", "confirmed, the parser rejects the big witness. cutting a release with the fix"),
            ("Ben", release),
            ("Ana", "posting in the issue"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m2"]


@pytest.mark.parametrize("said", ["v1.2 is out of date, please update", "2.3.0 is out! new features for everyone"])
def test_a_version_merely_out_is_no_fix(said):
    f = extract_findings(channel(("Ana", "nodes stuck at block 757,922"), ("Ben", said)))
    assert not any(e.kind == "fix_deployed" for e in f.events)


def test_one_step_done_and_the_next_begun_in_one_breath_is_the_fix():
    f = extract_findings(
        channel(
            ("bot:mailer-alerts", "[FIRING] explore-scheduler: provider 401 rate > 5%"),
            ("Gus", "provider console says the key status is revoked"),
            ("Gus", "generating a new key in their console"),
            ("Gus", "vault updated, restarting explore-mailer pods"),
            ("Gus", "first send with new key -> 202 Accepted. emails are going out again"),
        )
    )
    assert f.fixes and f.fixes[0].text == "vault updated, restarting explore-mailer pods"
