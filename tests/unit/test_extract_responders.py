"""Responders: humans from chat authors, or from the prose of timeline notes, with roles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from facilitator.extract import extract_findings
from facilitator.transcript import Message, Transcript

T0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)


def channel(rows, subtype_rows=()) -> Transcript:
    """rows: (author, text); "bot:Name" is a bot, "" an unattributed timeline note."""
    messages = []
    for i, (author, text) in enumerate(rows):
        messages.append(
            Message(
                id=f"m{i}",
                at=T0 + timedelta(minutes=i),
                author=author.removeprefix("bot:"),
                is_bot=author.startswith("bot:"),
                text=text,
            )
        )
    for j, (author, subtype) in enumerate(subtype_rows):
        messages.append(Message(id=f"s{j}", at=T0, author=author, text="has joined", subtype=subtype))
    return Transcript(messages=messages, source="slack-export")


def by_name(findings):
    return {r.name: r for r in findings.responders}


def test_chat_responders_are_human_authors_with_counts_and_no_bots():
    t = channel(
        [
            ("bot:PagerDuty", "Triggered #58213 checkout 5xx > 5%"),
            ("Priya Natarajan", "I'll take IC. Pulling in SRE secondary."),
            ("Marcus Webb", "here, looking at grafana"),
            ("Priya Natarajan", "thanks"),
            ("Hannah Lindqvist", "on it, I'm on comms"),
            ("Tomás Ruiz", "hola, DB on-call here. looking at checkout-db-prod"),
            ("Priya Natarajan", "@Dave Smith can you check the CDN?"),  # mentioned, never spoke
        ],
        subtype_rows=[("Silent Joiner", "channel_join")],
    )
    people = by_name(extract_findings(t))
    assert set(people) == {"Priya Natarajan", "Marcus Webb", "Hannah Lindqvist", "Tomás Ruiz"}
    assert people["Priya Natarajan"].messages == 3
    assert people["Priya Natarajan"].role == "incident commander"
    assert people["Priya Natarajan"].message_ids == ["m1"]
    assert people["Hannah Lindqvist"].role == "comms"
    assert people["Tomás Ruiz"].role == "DB on-call"
    assert people["Marcus Webb"].role == ""


def test_roles_stated_about_others_and_in_a_roster():
    t = channel(
        [
            ("Priya", "Roles so far: IC me, comms @Hannah, ops @Marcus"),
            ("Hannah", "ok"),
            ("Marcus", "ok"),
            ("Aisha", "following along"),
            ("Priya", "Aisha is scribe for this one"),
        ]
    )
    people = by_name(extract_findings(t))
    assert people["Hannah"].role == "comms"
    assert people["Marcus"].role == "ops"
    assert people["Aisha"].role == "scribe"


def test_timeline_notes_take_people_from_reporting_verbs_only():
    t = channel(
        [
            ("", "Node runs out of memory, service starts degrading."),
            ("", "Investigation starts after noticing grafana looks weird. Confirmed by Tim and Chris."),
            ("", "Chris reports that proxy pods are in CrashLoopBackoff."),
            ("", "Tim asks how to contact Yuvi. Tim restarts the hub pod."),
            ("", "Two people confirm that their pods now launch fine, Grafana also shows success."),
            ("", "Post-mortem suggests the repo was the problem. Cluster is full."),
        ]
    )
    people = by_name(extract_findings(t))
    assert set(people) == {"Tim", "Chris"}  # not Yuvi (object), Node, Grafana, Two, Post, Cluster
    assert people["Chris"].messages == 2


def test_notes_without_people_have_no_responders_and_an_open_question():
    t = channel(
        [
            ("", "Launch success drops to zero."),
            ("", "Suspicious behavior reported on gitter."),
            ("", "Investigation launched. Cluster is full, scaled up to 8 nodes."),
            ("", "Manual max-age culling frees up some of the remaining nodes."),
            ("", "Investigating hub logs shows the reflector stopped."),
        ]
    )
    findings = extract_findings(t)
    assert findings.responders == []
    assert any(q.field == "responders" for q in findings.open_questions)


def test_action_verb_subjects_need_two_sightings():
    once = channel([("", "Binderhub restarted after the OOM."), ("", "Errors stopped.")])
    assert by_name(extract_findings(once)) == {}
    twice = channel([("", "Maria restarted the proxy."), ("", "Maria deleted the stuck pods.")])
    assert set(by_name(extract_findings(twice))) == {"Maria"}


def test_handles_in_notes_are_people_but_broadcasts_are_not():
    t = channel([("", "@here site is down"), ("", "@alice rolled back the deploy")])
    assert set(by_name(extract_findings(t))) == {"alice"}


def test_reporters_named_with_by_are_not_responders():
    t = channel(
        [
            ("", "Binder outage is reported on Gitter by @jakamkon, investigation is started."),
            ("", "Issue was noticed by Maria from the user community."),
            ("", "Fix confirmed by Tim."),
        ]
    )
    assert set(by_name(extract_findings(t))) == {"Tim"}


def test_capitalised_common_words_are_not_names():
    t = channel([("", "Message posted on Gitter to ask why."), ("", "Message posted on Gitter again.")])
    assert by_name(extract_findings(t)) == {}


def test_surname_particles_stay_part_of_the_name():
    t = channel(
        [
            ("", "Proxy pods crash."),
            ("", "Maria van der Berg reports that logins fail."),
            ("", "Joost de Vries confirms the fix works."),
        ]
    )
    assert set(by_name(extract_findings(t))) == {"Maria van der Berg", "Joost de Vries"}


def test_nicknames_with_digits_and_stating_are_people_but_camel_case_systems_are_not():
    t = channel(
        [
            ("", "Wikis fail to render media."),
            ("", "Zed42 begins removing the extension."),
            ("", "Dana states that the extension is still required. CloudWatch states nothing."),
            ("", "Zed42 reverts the change."),
            ("", "AlertRouter2 fires once."),
        ]
    )
    assert set(by_name(extract_findings(t))) == {"Zed42", "Dana"}


def test_the_timeline_names_a_person_as_the_responder_list_does():
    findings = extract_findings(
        channel(
            [
                ("bot:PagerDuty", "Triggered: checkout 5xx rate above 5%"),
                ("Yusuf Patel", "looking. errors on every checkout request since the deploy"),
                ("yusufp", "rolled back the checkout deploy"),
                ("Ana Lima", "error rate back to normal, checkout recovered"),
            ]
        )
    )
    assert [r.name for r in findings.responders if r.name.startswith("Yusuf")] == ["Yusuf Patel"]
    rollback = next(e for e in findings.events if "rolled back" in e.summary.casefold())
    assert rollback.who == "Yusuf Patel"  # the handle's message, shown under the merged name
    assert {e.who for e in findings.events} <= {"PagerDuty", "Yusuf Patel", "Ana Lima"}


def test_a_speaker_who_only_posts_monitor_lines_is_an_integration_not_a_person():
    findings = extract_findings(
        channel(
            [
                ("Honeycomb Triggers", "Trigger fired: retriever p99 query duration > 10s (dogfood)"),
                ("Ravi", "looking, p99 is way up on the retrievers"),
                ("Status Updates", "Investigating - We are looking into elevated query latency."),
                ("Ravi", "rolled back the retriever deploy, latency back to normal"),
                ("Honeycomb Triggers", "Trigger resolved: retriever p99 query duration > 10s (dogfood)"),
            ]
        )
    )
    assert [r.name for r in findings.responders] == ["Ravi"]
    assert findings.detected_at is not None and findings.detected_at.message_ids == ["m0"]  # the monitor's alert


def test_a_nick_posting_a_monitor_s_state_in_capitals_is_an_integration():
    f = extract_findings(
        channel(
            [
                ("amon", "ALARM [manta us-east] muskie 5xx rate 21.4% (threshold 2%)"),
                ("rkessler", "looking, muskie is throwing 503s"),
                ("amon", "CLEAR [manta us-east] muskie 5xx rate 0.4%"),
            ]
        )
    )
    assert [r.name for r in f.responders] == ["rkessler"]


def test_a_status_account_posting_tagged_status_updates_is_not_a_person():
    f = extract_findings(
        channel(
            [
                ("Trust Status", "[NA14] Investigating — We are investigating a service disruption."),
                ("Priya Raman", "on it, NA14 is down"),
                ("Trust Status", "[NA14] Resolved — The issue affecting NA14 has been resolved."),
            ]
        )
    )
    assert [r.name for r in f.responders] == ["Priya Raman"]


def test_an_uptime_checker_posting_down_lines_under_a_plain_name_is_not_a_person():
    f = extract_findings(
        channel(
            [
                ("sitemon", "🔴 [fi-perko] site DOWN: https://www.example.fi/ (HTTP 502, 3 checks)"),
                ("Ville Korhonen", "looking, php workers at the process limit"),
                ("sitemon", "🔴 [fi-perko] 10 sites DOWN (see https://mon.example.internal/clusters/fi-perko)"),
                ("feedmon", "[ALERT] feed-checker: no successful feed checks in the last 5m"),
                ("Ville Korhonen", "raised the limit, sites answering again"),
            ]
        )
    )
    assert [r.name for r in f.responders] == ["Ville Korhonen"]


def test_a_code_review_feed_in_irc_is_not_a_person():
    f = extract_findings(
        channel(
            [
                ("wikibugs", "(PS1) Vkaram: varnish: block search API scraper [operations/puppet] - https://gerrit.example.org/r/561844"),
                ("vkaram", "patch is up, can someone +2"),
                ("wikibugs", "(CR) Vkaram: [C: +2] varnish: block search API scraper [operations/puppet]"),
                ("wikibugs", "(Merged) jenkins-bot: varnish: block search API scraper [operations/puppet]"),
            ]
        )
    )
    assert [r.name for r in f.responders] == ["vkaram"]


def test_a_name_shortened_or_tagged_by_another_chat_is_the_same_person():
    t = channel(
        [
            ("Dave Lindqvist", "renewal went through at the registrar, waiting on propagation"),
            ("Ana Ruiz", "still NXDOMAIN from here"),
            ("Dave L [Flow]", "8.8.8.8 resolves it now, EU resolvers catching up"),
            ("Ana Ruiz (in thread)", "confirmed from Madrid"),
            ("Dave L [Flow]", "all green, closing"),
            ("Dan Lee", "thanks both"),
        ]
    )
    names = by_name(extract_findings(t))
    assert set(names) == {"Dave Lindqvist", "Ana Ruiz", "Dan Lee"}  # Dan Lee starts with "D L" too, but is not "Dave"
    assert names["Dave Lindqvist"].messages == 3


def test_an_initial_that_two_people_share_stays_apart():
    t = channel([("Dave Lindqvist", "on it"), ("Dave Larsen", "me too"), ("Dave L", "restarted the resolver")])
    assert set(by_name(extract_findings(t))) == {"Dave Lindqvist", "Dave Larsen", "Dave L"}
