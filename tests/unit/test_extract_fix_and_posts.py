"""What fixed it when the channel weighs options first, and a status post a person relays."""

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
