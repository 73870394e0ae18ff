"""What fixed it when the channel weighs options first, and a status post a person relays."""

from __future__ import annotations

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
