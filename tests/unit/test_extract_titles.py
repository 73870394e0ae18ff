"""The working title: the channel's name, the name the incident was declared under, the status
page's name for it, else the first report as a heading; and the severity a declaration gives."""

from __future__ import annotations

import pytest

from facilitator.extract import extract_findings
from tests.unit.test_extract_hints import channel


def test_an_alert_alone_still_titles_the_incident_without_its_pager_prefix():
    f = extract_findings(channel(("bot:Datadog", "[Triggered] WAF synthetic test failing in multiple colos")))
    assert f.title is not None and f.title.text == "WAF synthetic test failing in multiple colos"


def test_a_title_drops_when_it_was_said_and_an_effect_is_not_the_fix():
    f = extract_findings(
        channel(
            ("bot:PagerDuty", "[Triggered] api-prod write error rate > 20%"),
            ("Priya", "error rate went vertical like a minute ago"),
            ("Marcus", "anything deployed in the last hour?"),
            ("Tom", "rolling back, cheap to rule out"),
            ("Tom", "rollback done, no change. so not the deploy"),
            ("Dmitri", "restarting nodes now, one at a time"),
            ("Priya", "worker queues draining fast"),
            ("Priya", "error rate back to baseline"),
        )
    )
    assert f.title is not None and f.title.text == "Error rate went vertical"
    assert f.fixes and f.fixes[0].message_ids == ["m5"]  # the restart, not "queues draining"
    assert [h.status for h in f.hypotheses] == ["ruled_out"]  # the deploy; "cheap to rule out" is no hypothesis


def test_workers_draining_a_backlog_after_a_recovery_is_no_fix():
    f = extract_findings(
        channel(
            ("Priya", "queue workers in fra time out talking to valkey"),
            ("Jordan", "cleanup job pruned the valkey CNAMEs"),
            ("Priya", "fra app recovered. workers draining the backlog"),
        )
    )
    assert f.mitigated_at is not None and f.mitigated_at.message_ids == ["m2"]
    assert not f.fixes  # the recovery and its effect; nobody told a step


def test_a_first_status_update_says_what_is_wrong_in_a_title_s_words():
    f = extract_findings(
        channel(
            ("Maya", "5xx from the content api"),
            ("bot:Statuspage", "Investigating - We are experiencing a service interruption for the Content API that may result in elevated errors."),
        )
    )
    assert f.title is not None and f.title.text == "Service interruption for the Content API"


def test_a_status_title_drops_the_stage_and_the_first_post_gives_its_first_sentence():
    f = extract_findings(
        channel(
            ("Maya", "portal 504s"),
            ("bot:Statuspage", "Investigating - Expert portal sites unavailable. The engineering team is looking into site unavailability and will post updates as the work goes on here"),
        )
    )
    assert f.title is not None and f.title.text == "Expert portal sites unavailable"
    f = extract_findings(
        channel(
            ("Maya", "portal 504s"),
            ("bot:Statuspage", "Resolved — Expert - Service Disruption Resolved - All Services Running Normally."),
        )
    )
    assert f.title is not None and not f.title.text.startswith("Resolved")


def test_a_chat_line_becomes_a_heading():
    from facilitator.extract.headline import headline

    assert headline("Huh. same here, dashboard won't load for me too") == "Dashboard won't load"
    assert headline("Are lockbox codes failing for anyone else?") == "Lockbox codes are failing"
    assert headline("Is it just me or is mainnet not producing blocks") == "Mainnet is not producing blocks"
    assert headline("No errors in the logs but api is down") == "No errors in the logs but api is down"


@pytest.mark.parametrize(
    "line, heading",
    [
        ("customer (enterprise, EU region) says their users stopped getting the email verification codes this afternoon.",
         "Users stopped getting the email verification codes this afternoon"),
        ("portal throwing 502s for me too, having a look", "Portal throwing 502s"),
        ("\U0001F534 [P1] ca-prod core-api: 5xx rate 87% for 2m", "Ca-prod core-api: 5xx rate 87% for 2m"),
        ('status.mailsac.com - "Full outage, database network unreachable"', "Full outage, database network unreachable"),
        ("nope, UI is on the new version and it fails the same way", "UI is on the new version and it fails the same way"),
        ('Incident declared by Aisha Bello: "feature flags /flags returning 504 for most US traffic"',
         "Feature flags /flags returning 504 for most US traffic"),
        ("looking at the primary. CPU isn't pegged, it's iowait. disk latency 4x the usual", "CPU isn't pegged, it's iowait"),
        ("Two customers in the shared channels already asking why sdk init is timing out", "Sdk init is timing out"),
        ("two customers on the phone saying their workflow mails haven't arrived", "Workflow mails haven't arrived"),
    ],
)
def test_a_heading_drops_who_passed_it_on_tags_and_the_next_step(line, heading):
    from facilitator.extract.headline import headline

    assert headline(line) == heading


def test_a_status_posts_name_alone_titles_it_and_what_the_team_is_doing_is_cut():
    named = extract_findings(
        channel(
            ("Rosa", "push sends failing for new apps"),
            ("bot:Statuspage", "New incident: New App Push Notifications Outage\nInvestigating - We are currently investigating this issue."),
        )
    )
    assert named.title is not None and named.title.text == "New App Push Notifications Outage"
    doing = extract_findings(
        channel(
            ("Rosa", "api errors"),
            ("bot:Statuspage", "Investigating - We're seeing an elevated level of API errors and are currently looking into the issue."),
        )
    )
    assert doing.title is not None and doing.title.text == "Elevated level of API errors"


def test_a_paste_title_drops_how_it_was_pasted():
    t = channel(("ana", "finality lost on holesky"), ("ben", "looking"), name="Holesky incident (pasted from Discord, clock set to UTC)")
    f = extract_findings(t)
    assert f.title is not None and f.title.text == "Holesky incident"


def test_a_plain_sentence_keeps_an_upper_case_so_and_drops_an_at_channel_relay():
    from facilitator.extract.written import plain_sentence

    assert plain_sentence("SO and SU both timing out for me") == "SO and SU both timing out for me"
    assert plain_sentence("@channel support just phoned me, cloud printing + MakerWorld errors tonight.") == (
        "Cloud printing + MakerWorld errors tonight."
    )


def test_a_heading_keeps_what_was_passed_on_and_ends_at_a_word():
    from facilitator.extract.headline import headline

    assert headline("3 tickets in the last 5 min: cannot start my live event from the studio app") == (
        "Cannot start my live event from the studio app"
    )
    said = headline("Support escalation from two tenants: posting deposit transactions via API v1.0 fails when the product has required custom fields")
    assert said.startswith("Posting deposit transactions via API v1.0 fails") and not said.endswith(("…", " when", " the"))


def test_a_teams_standing_channel_is_no_title():
    f = extract_findings(channel(("Ann", "checkout returns 502s for every customer"), name="eng-oncall"))
    assert f.title is not None and f.title.text == "Checkout returns 502s for every customer"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("inc-2024-03-05-checkout-502s", "Checkout 502s"),  # the date and the number around the name go
        ("#cloudbank-incident", "Cloudbank incident"),
        ("#stacks-core-incident:matrix.org — exported log", "Stacks core incident"),
        ("#inc-login-20230412", "Login"),
        ("#wynton-help", "Checkout returns 502s for every customer"),  # a standing channel: the first report
        ("#inc-4412", "Checkout returns 502s for every customer"),
    ],
)
def test_the_channel_opened_for_the_incident_names_it(name, title):
    f = extract_findings(channel(("Ann", "checkout returns 502s for every customer"), name=name))
    assert f.title is not None and f.title.text == title


def test_a_name_people_wrote_for_the_incident_wins_over_the_channels():
    f = extract_findings(channel(
        ("Ann", "checkout returns 502s for every customer"),
        ("bot:Statuspage", "Investigating - Elevated errors at checkout. We are looking into it."),
        name="#inc-2041-checkout-errors",
    ))  # fmt: skip
    assert f.title is not None and f.title.text == "Elevated errors at checkout"


def test_a_heading_names_something():
    from facilitator.extract.headline import _says_what

    assert _says_what("Checkout returns 502s")
    assert not _says_what("What's going on") and not _says_what("Seeing it") and not _says_what("Anyone else seeing 500s")
    assert not _says_what("Is anyone around") and not _says_what("Eu too, 1.8k now") and not _says_what("Edge looks clean this time")
    assert _says_what("Way too many 502s from checkout")


@pytest.mark.parametrize(
    ("declared", "title", "severity"),
    [
        ("Incident declared by @ana: *2021-07-13: Increase in errors across multiple GitLab.com services* (S2)",
         "Increase in errors across multiple GitLab.com services", "SEV2"),
        ('🔥 Incident declared by Wei Lin: "Supavisor us-east-1 mass client disconnects" (SEV1). Channel: #inc-supa',
         "Supavisor us-east-1 mass client disconnects", "SEV1"),
        ("Incident declared: *INC-2611 Flag changes not propagating to /flags* (Major). Lead: Marek Nowak",
         "Flag changes not propagating to /flags", None),
        ("🚨 Incident declared: INC-212 Network connectivity issues (London) — Severity: Major",
         "Network connectivity issues (London)", "MAJOR"),
        ("🚨 INC-1187 declared: Execution metrics missing from customer dashboards — join #inc-1187-exec-metrics-missing",
         "Execution metrics missing from customer dashboards", None),
    ],
)
def test_the_name_an_incident_was_declared_under_titles_it(declared, title, severity):
    f = extract_findings(
        channel(
            ("Priya", "error rate went vertical like a minute ago"),
            ("bot:incident.io", declared),
            ("Marcus", "rolling back the 14:02 deploy"),
        )
    )
    assert f.title is not None and f.title.text == title and f.title.message_ids == ["m1"]
    assert (f.severity.text if f.severity else None) == severity


def test_an_incident_declared_with_only_its_severity_gives_no_name():
    f = extract_findings(
        channel(
            ("Priya", "checkout is throwing 502s for everyone"),
            ("bot:incident.io", "Incident declared by Nina Schmid - Severity: Major - Status: Investigating"),
        )
    )
    assert f.title is not None and f.title.text == "Checkout is throwing 502s for everyone"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("publick8s upgrade to 1.25 finished, all nodes Ready 🎉 hmm, wait. accounts.jenkins.io is throwing 500s",
         "Accounts.jenkins.io is throwing 500s"),
        ("phone went off. everything in ams unreachable from here", "Everything in ams unreachable from here"),
        ("phone went off. probably the usual blip after the nightly backup", "Phone went off"),
        ("2 merchants in chat saying label creation in dashboard is throwing errors", "Label creation in dashboard is throwing errors"),
    ],
)
def test_a_title_starts_at_the_sentence_that_tells_the_problem(text, title):
    f = extract_findings(channel(("Dana", text), ("Marcus", "looking")))
    assert f.title is not None and f.title.text == title


def test_a_tools_event_quoting_a_person_is_told_in_their_words():
    from facilitator.extract.written import plain_sentence

    said = 'Incident declared by Rafael Ortiz \u2014 "Customers report empty Metrics tab / zero throughput on dashboards. Runs look normal."'
    assert plain_sentence(said) == "Customers report empty Metrics tab / zero throughput on dashboards."
    assert plain_sentence('Update shared by Tomasz: "Re-applying the ACL definitions."') == "Re-applying the ACL definitions."


def test_an_empty_dashboard_is_what_customers_saw():
    f = extract_findings(
        channel(
            ("Keisha", 'shared channel w/ a customer: "Metrics tab has been empty since ~9am, runs are clearly executing though"'),
            ("Tomasz", "oh no. I reconciled the broker config at 8:44, it dropped some ACLs I assumed were orphans"),
            ("Rafael", "applied the ACLs again, publishing"),
        )
    )
    assert f.customer_effect is not None and "Metrics tab has been empty" in f.customer_effect.text


def test_a_part_set_up_by_hand_that_the_config_never_held_is_the_cause():
    f = extract_findings(
        channel(
            ("Rafael", "logs tho: TopicAuthorizationFailed on exec-metrics, every publish attempt"),
            ("Tomasz", "the exec-metrics topic + its ACLs were created by hand back when we moved metrics. never made it into the definitions"),
            ("Tomasz", "3 pods still erroring. they didn't roll because of a PDB on that deployment"),
        )
    )
    assert f.causes and f.causes[0].text.startswith("The exec-metrics topic + its ACLs were created by hand")


def test_a_plain_sentence_drops_a_leading_dash():
    from facilitator.extract.written import plain_sentence

    assert plain_sentence("\u2014 booking team here, customers can't book online") == "Booking team here, customers can't book online"
