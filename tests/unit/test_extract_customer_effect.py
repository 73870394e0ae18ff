"""What customers saw: a person's statement of the effect, not a quoted log, a question, a guess at
the cause, a step the responders took or a broken part of their own tooling."""

from __future__ import annotations


from facilitator.extract import extract_findings
from tests.unit.test_extract_hints import channel


def test_severity_title_detection_method_and_customer_effect():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered #58213 [P2] checkout-service 5xx error rate > 5%"),
            ("Ann", "customers can't complete checkout, payments failing"),
            name="inc-2041-checkout-errors",
        )
    )
    assert f.severity.text == "P2"
    assert f.title.text == "Checkout errors"
    assert f.detection_method.text == "monitoring alert"
    assert f.customer_effect.message_ids in (["m0"], ["m1"])


def test_title_and_customer_effect_come_from_a_person_not_an_alert_name():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "Triggered: Global 5xx rate above threshold (edge-availability)"),
            ("Maya", "ack. 503s everywhere, it's most of the fleet"),
            ("Tom", "config disabled, errors dropping fast. recovered"),
        )
    )
    assert f.title is not None and f.title.text == "503s everywhere, it's most of the fleet"
    assert f.title.message_ids == ["m1"]
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m1"]


def test_customer_effect_is_what_was_seen_not_a_quoted_log_or_a_wondering_question():
    f = extract_findings(
        channel(
            ("Sarah", "there's an incident on the hub I don't know how to fix\n> Warning FailedScheduling 0/2 nodes are available"),
            ("Sarah", "But I don't know why that would cause a failure to scale? I feel like I'm down the wrong rabbit hole"),
            ("Sarah", "users can't start their servers, launches time out after 10 minutes"),
        )
    )
    assert f.title is not None and f.title.message_ids == ["m2"]  # not the question, not the quoted log
    assert "Warning" not in f.title.text and "?" not in f.title.text
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m2"]


def test_customer_effect_is_a_statement_not_a_question_or_a_step_the_responders_took():
    f = extract_findings(
        channel(
            ("Maya", "is the site down? app won't load for me"),
            ("Noor", "wall of tickets, anything i can tell customers beyond the status page?"),
            ("Ravi", "Telegram'd the top RPC users about the outage"),
            ("Noor", "customers can't open or send documents, the app hangs on load"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m3"]


def test_customer_effect_is_never_a_response_body_pasted_into_the_channel():
    f = extract_findings(
        channel(
            ("Marta", 'same here. the events endpoint now answers\n{"errors":[{"message":"Sync token invalid or too old"}]}'),
            ("Marta", "users can't start their servers, launches time out after 10 minutes"),
        )
    )
    assert f.customer_effect is not None and "{" not in f.customer_effect.text


def test_customer_effect_is_what_a_user_did_not_receive():
    f = extract_findings(
        channel(
            ("dgrant", "Since around 7:30 UTC our integration hasn't received a single webhook. Anyone else?"),
            ("nadia", "one of the Redis nodes was marked unreachable by our monitoring and replaced"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m0"]


def test_customer_effect_is_read_from_a_message_whose_words_differ_from_its_markup():
    f = extract_findings(
        channel(
            ("Maya", "heads up\nsee https://grafana.example.io/d/abc?from=1 — every customer gets 500s on checkout"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m0"]


def test_the_customer_effect_is_what_the_people_hit_see_not_a_broken_part_of_the_tooling():
    f = extract_findings(
        channel(
            ("bot:Alertmanager", "[FIRING:1] InstanceDown https://measurements.example.org/api down"),
            ("Leo", "bot says firing but irc alert relay is broken again so nobody saw it there"),
            ("Aurelio", "browser says NET::ERR_CERT_DATE_INVALID on measurements.example.org"),
            ("Maja", "users on the forum say explorer shows cert error"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m3"]


def test_a_responder_who_cannot_help_tonight_is_not_the_customer_effect():
    f = extract_findings(
        channel(
            ("bot:Alertmanager", "[FIRING:1] InstanceDown https://measurements.example.org/api down"),
            ("Leo", "bot says firing but irc alert relay is broken again so nobody saw it there"),
            ("Lev", "i'm still on #116, can't look tonight, sorry"),
            ("Maja", "late here. users on the forum say explorer shows cert error"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m3"]


def test_a_guess_at_the_cause_is_not_the_customer_effect():
    f = extract_findings(
        channel(
            ("bot:Datadog", "[Triggered] order-service 5xx rate > 5%"),
            ("Ann", "my first guess is OOM, the order service keeps failing, checking the container memory"),
            ("Bo", "2 buyers on the phone saying they can't accept orders in the portal"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m2"]


def test_a_title_about_the_speaker_gives_way_to_the_customer_effect():
    f = extract_findings(
        channel(
            ("Ann", "my phone is going mental. 40 hosts down"),
            ("Bo", "support: customers can't log in to the app, login page times out"),
        )
    )
    assert f.title is not None and f.title.text == "Customers can't log in to the app, login page times out"
    assert f.title.message_ids == ["m1"]


def test_what_the_responders_are_doing_is_not_what_customers_saw():
    f = extract_findings(channel(("Ann", "watching checkout latency for customers in eu, it's slow"), ("Bo", "customers can't pay, checkout returns 502")))
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m1"]


def test_a_recovery_or_a_follow_up_is_neither_the_title_nor_what_customers_saw():
    f = extract_findings(
        channel(
            ("Ann", "error rate back to baseline, new webhooks going out normally"),
            ("Bo", "actions: review time-to-alert on the proxies, and a health check for webhooks"),
            ("Cy", "merchants say payment webhooks are failing, none delivered since 14:00"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m2"]
    assert f.title is not None and f.title.message_ids == ["m2"]


def test_impact_said_to_be_over_is_not_what_customers_saw():
    f = extract_findings(
        channel(
            ("Noor", "No more customer impact, dropping to monitoring; RCA stays open in the issue"),
            ("Sam", "git apdex is plunging and haproxy 500s are way up"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m1"]


def test_a_monitors_line_gives_way_to_what_people_said_users_saw():
    f = extract_findings(
        channel(
            ("bot:e2e-probes", "🔴 FAILING http-check eu-fr-1 canary-app — connect error (3/3 vantage points)"),
            ("Thibault", "ack. everything public is red on the probe board"),
            ("Claire", "customers behind cloudflare are sending screenshots of 525"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m2"]


def test_a_monitors_line_stays_the_effect_when_nobody_says_what_users_saw():
    f = extract_findings(
        channel(
            ("bot:e2e-probes", "🔴 FAILING http-check eu-fr-1 canary-app — connect error (3/3 vantage points)"),
            ("Thibault", "ack, looking"),
            ("Hugo", "restarting sozu on par-03"),
        )
    )
    assert f.customer_effect is not None and f.customer_effect.message_ids == ["m0"]


def test_a_status_post_or_a_relayed_ticket_is_no_monitors_line():
    from facilitator.extract.headline import _monitor_line
    from facilitator.extract.neighbours import scan

    sigs = scan(
        channel(
            ("bot:e2e-probes", "🔴 FAILING http-check eu-fr-1 canary-app — connect error (3/3 vantage points)"),
            ("bot:Statuspage", "Tyro Platform Service - Investigating: Some customers are unable to process eftpos transactions"),
            ("bot:Zendesk", "🎫 URGENT ticket #98812: Homepage shows a critical error for logged in editors"),
            ("Ben", "site is down for me too"),
        )
    )
    assert [_monitor_line(s) for s in sigs] == [True, False, False, False]
