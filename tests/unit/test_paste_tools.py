"""Incident-tool exports pasted as text: Rootly, FireHydrant, incident.io, PagerDuty and Opsgenie
timelines, where the author sits in a column of its own and the tool's own events are nobody's."""

from __future__ import annotations

from datetime import date

from tests.unit.test_paste_formats import parse



def test_incident_tool_exports_with_the_name_alone_on_the_stamp_line():
    rootly = (
        "Thursday, March 19, 2026\n\n11:46 AM  Better Stack\nMonitor \"app\" is DOWN. HTTP 503\n\n"
        "11:47 AM  Oliver Grant\nack, looking. everything is 503\n\n11:51 AM  Hannah Brooks\nIncident declared. I'm IC\n\n"
        "11:55 AM  Oliver Grant\nprimary is healthy, zero connections\n"
    )
    t = parse(rootly, tz="UTC")
    assert [(m.author, m.is_bot, m.text) for m in t.messages][:2] == [
        ("Better Stack", True, 'Monitor "app" is DOWN. HTTP 503'),
        ("Oliver Grant", False, "ack, looking. everything is 503"),
    ]
    firehydrant = (
        "Jun 2, 2026 9:17 AM · Datadog\nMonitor triggered: p95 > 8s\n\n"
        "Jun 2, 2026 9:19 AM · Tomás Ruiz · Slack\nresume is slow for me too\n\n"
        "Jun 2, 2026 9:21 AM · Tomás Ruiz · Slack\nnode pool is at max\n"
    )
    t = parse(firehydrant, tz="UTC")
    assert [m.author for m in t.messages] == ["Datadog", "Tomás Ruiz", "Tomás Ruiz"]
    assert t.messages[1].text == "resume is slow for me too"


def test_timeline_notes_with_short_capitalised_rows_keep_them_as_text():
    notes = "14:02 Failover Started\nprimary db demoted\n14:05 Traffic Drained\n14:09 Failover Complete\nall green\n"
    t = parse(notes, tz="UTC", default_date=date(2024, 3, 5))
    assert all(m.author == "" for m in t.messages)
    assert t.messages[0].text.startswith("Failover Started")


def test_incident_tool_exports_with_a_source_column_and_tool_events():
    text = (
        "Nov 26, 2024 9:10 AM   ALERT  Datadog — gateway 5xx ratio > 10%\n"
        "Nov 26, 2024 9:12 AM   Slack  Ravi Subramanian: paged by the 5xx monitor\n"
        "Nov 26, 2024 9:16 AM   Role assigned: Holly Brennan → Communications\n"
        "Nov 26, 2024 9:19 AM   Status page update (Investigating): We are investigating increased error rates.\n"
        "Nov 26, 2024 9:27 AM   Slack  Noor Haddad: first wave is over\n"
    )
    t = parse(text, tz="UTC")
    people = [(m.author, m.is_bot) for m in t.messages]
    assert ("Ravi Subramanian", False) in people and ("Noor Haddad", False) in people  # not "Slack  Ravi Subramanian"
    assert ("Role assigned", True) in people and ("Status page update (Investigating)", True) in people


def test_an_export_that_brackets_the_source_names_the_person_after_a_chat_tag():
    text = (
        "2017-08-24 02:08:31  [Status page] Investigating - We are currently investigating this issue.\n"
        "2017-08-24 02:09:40  [Slack] Chris Navarro: two customers wrote in, ingest endpoint returning 503s\n"
        "2017-08-24 02:11:02  [Slack] Dana Whitfield: joining. dashboard is slow to load for me too\n"
        "2017-08-24 02:31:02  [PagerDuty] TRIGGERED: ingest-api 5xx rate > 5%\n"
    )
    t = parse(text, tz="UTC")
    humans = [m.author for m in t.messages if m.author and not m.is_bot]
    assert humans == ["Chris Navarro", "Dana Whitfield"]
    assert t.messages[1].text.startswith("two customers wrote in")


def test_an_export_row_headed_by_kind_channel_and_author_is_that_author_s():
    text = (
        "Nov 10, 2023 09:09:41 | Chat message | #payments-deploys | Lucas Ferreira\n"
        "rolling payment-options 4.31.0 to prod now\n\n"
        "Nov 10, 2023 09:10:05 | Deploy event | ArgoCD\n"
        "payment-options sync started\n\n"
        "Nov 10, 2023 09:19:40 | Chat message | #payments-deploys | Beatriz Nogueira\n"
        "that's mine. rolling back\n"
    )
    t = parse(text, tz="UTC")
    assert [(m.author, m.is_bot, m.text) for m in t.messages] == [
        ("Lucas Ferreira", False, "rolling payment-options 4.31.0 to prod now"),
        ("ArgoCD", True, "payment-options sync started"),
        ("Beatriz Nogueira", False, "that's mine. rolling back"),
    ]


def test_an_exports_event_kind_in_capitals_is_no_author():
    export = (
        'ENGAGEMENT TIMELINE EXPORT \u2014 ENG-7741 "EBS stuck IO / volume impairment"\n'
        "Exported 2021-09-27 09:02 by kbrandt \u2014 all times America/New_York\n"
        "----------------------------------------------------------------\n"
        "2021-09-26 22:57:31  ALARM     ebs-coord-use1-az2: StuckIOVolumeCount above threshold for 3 datapoints (sev2)\n"
        "2021-09-26 22:58:05  PAGE      Paged ebs-coordination primary on-call (Kelsey Brandt)\n"
        "2021-09-26 23:01:12  ACK       Kelsey Brandt acknowledged\n"
        "2021-09-26 23:04:40  SEVERITY  Raised to SEV-1 by Kelsey Brandt; engaged ec2-launch, rds, comms\n"
        "2021-09-26 23:11:02  COMMS     Public post #1 published on Service Health Dashboard\n"
        "2021-09-27 02:20:37  CHANGE    CM-58812 coordinator update deployment finished in use1-az2 (Dmitri Volkov)\n"
        "2021-09-27 07:21:44  COMMS     Final public post published; engagement moved to RESOLVED by Kelsey Brandt\n"
        "----------------------------------------------------------------\n"
    )
    t = parse(export, tz="America/New_York")
    assert len(t.messages) == 7
    assert not {m.author for m in t.messages if not m.is_bot} & {"PAGE", "ACK", "SEVERITY", "COMMS", "CHANGE"}


def test_an_exports_event_kind_in_capitals_then_a_name_column_names_the_author():
    export = (
        "Incident #2291 \u00b7 Partial Mimir write outage \u00b7 severity: major\n"
        "Timeline export (Grafana IRM) \u00b7 times shown in America/New_York\n"
        "---------------------------------------------------------------------------\n"
        "18:57:06  ALERT    Grafana Alerting     [FIRING] MimirWriteErrorRateHigh cluster=prod-us-west-0\n"
        "18:57:58  MESSAGE  Marcus Oyelaran      ack. write 5xx on prod-us-west-0\n"
        "19:03:12  MESSAGE  Ines Carvalho        I can do comms\n"
        "19:10:02  ROLE     Dana Whitfield       Dana Whitfield is now Incident Commander\n"
        "19:17:45  MESSAGE  Marcus Oyelaran      tenant limits are fine. not them\n"
    )
    t = parse(export, tz="America/New_York", default_date=date(2026, 1, 15))
    assert [(m.author, m.text[:12]) for m in t.messages] == [
        ("Grafana Alerting", "[FIRING] Mim"), ("Marcus Oyelaran", "ack. write 5"), ("Ines Carvalho", "I can do com"),
        ("Dana Whitfield", "Dana Whitfie"), ("Marcus Oyelaran", "tenant limit"),
    ]


def test_initials_in_the_name_column_are_a_person_when_most_rows_open_with_a_name():
    room = (
        "-- Monday, April 28, 2014 --\n"
        "1:30 PM   Marta Ilić       tickets stacking up, bounce API returning 500\n"
        "1:31 PM   JP               yeah I'm on it. the views aren't answering\n"
        "1:32 PM   Owen Brandt      could it be the bounce dump change from this morning?\n"
        "1:37 PM   JP               not the deploy. reverted it on a box and same thing\n"
        "1:38 PM   Nick Canzoneri   single bounce and dump go through the same view\n"
        "5:30 PM   JP               all good now, bounces are back on the fallbacks\n"
    )
    t = parse(room, tz="America/New_York")
    assert [m.author for m in t.messages] == ["Marta Ilić", "JP", "Owen Brandt", "JP", "Nick Canzoneri", "JP"]
    assert t.messages[-1].text == "all good now, bounces are back on the fallbacks"


def test_a_pagers_responder_request_line_is_no_person():
    log = (
        "Aug 31, 2021 at 2:32:51 PM   Acknowledged by Kenji Sato\n"
        "Aug 31, 2021 at 2:40:12 PM   Responder request: Carlos Reyes added by Kenji Sato\n"
        "Aug 31, 2021 at 4:24:40 PM   Note added by Maya Lindqvist: \"AWS health event open\"\n"
    )
    t = parse(log, tz="America/New_York")
    assert "Responder request" not in {m.author for m in t.messages}
    assert "Maya Lindqvist" in {m.author for m in t.messages}


def test_incident_tool_exports_with_a_name_column_and_opsgenie_notes():
    rootly = (
        "Sep 13, 2017\n\n22:00  Rootly          Maintenance window started\n"
        "22:17  Jonas Brühwiler  rollout of platform release merged to production\n"
        "22:30  Jonas Brühwiler  first sites returning 404. stopping the rollout NOW\n"
        "22:32  Maya Keller      I'm IC\n"
    )
    t = parse(rootly, tz="UTC")
    assert [(m.author, m.is_bot) for m in t.messages] == [
        ("Rootly", True), ("Jonas Brühwiler", False), ("Jonas Brühwiler", False), ("Maya Keller", False)
    ]
    assert t.messages[1].text == "rollout of platform release merged to production"
    opsgenie = (
        "Mar 31, 2020 09:05:40 AM   Note added by Lauren Pike: \"2 more tickets\"\n"
        "Mar 31, 2020 09:21:09 AM   Note added by Carla Nguyen: \"joined. what do we tell customers?\"\n"
    )
    assert [m.author for m in parse(opsgenie, tz="UTC").messages] == ["Lauren Pike", "Carla Nguyen"]


def test_incident_tool_notes_name_their_authors_wherever_the_tool_puts_them():
    pagerduty = (
        "Jul 30, 2024\n\n5:10 PM   Triggered through the Datadog integration\n          \"p95 4.8s\"\n"
        "5:16 PM   Note added by Ryan Kowalski\n          \"latency climbing on claims-api\"\n"
        "5:24 PM   Note added by Alicia Grant\n          \"support: 3 tickets so far\"\n"
    )
    t = parse(pagerduty, tz="UTC")
    assert [(m.author, m.text.strip()) for m in t.messages][1:] == [
        ("Ryan Kowalski", "latency climbing on claims-api"), ("Alicia Grant", "support: 3 tickets so far")
    ]  # the tool's quotes go: the words are the person's
    opsgenie = (
        "Jul 1, 2025 3:43:51 PM   Karin Visser added note: \"everything in ams-1 gone at once\"\n"
        "Jul 1, 2025 3:45:40 PM   Daniel Okafor added note: \"starting replacement infra\"\n"
    )
    assert [m.author for m in parse(opsgenie, tz="UTC").messages] == ["Karin Visser", "Daniel Okafor"]


def test_incident_io_rows_with_an_icon_before_the_name_column():
    text = (
        "Thu 24 Jul 2025\n\n13:20  🚨 Alert fired   [P2] tts-turbo p95 latency > 1.8s\n"
        "13:22  ✅ Acknowledged   Tomasz Wiśniewski acknowledged the escalation\n"
        '13:25  💬 Tomasz Wiśniewski   "latency has been creeping since before lunch"\n'
        '13:27  💬 Aisha Okafor        "the 12:30 release is the only thing that went out today"\n'
        '13:28  💬 Tomasz Wiśniewski   "yes pls, cheapest thing to try"\n'
    )
    t = parse(text, tz="UTC")
    people = [(m.author, m.is_bot) for m in t.messages]
    assert people[2:] == [("Tomasz Wiśniewski", False), ("Aisha Okafor", False), ("Tomasz Wiśniewski", False)]
    assert all(is_bot or not author for author, is_bot in people[:2])  # the tool's own rows are nobody's


def test_a_name_with_a_particle_is_a_name_in_notes():
    t = parse('8:07 AM   Note added by Pieter de Graaf: "the client update went to EU1"\n', tz="UTC", default_date=date(2026, 1, 15))
    assert t.messages[0].author == "Pieter de Graaf"


def test_a_plain_pipe_table_export_names_its_authors():
    text = (
        "TIME                     | TYPE            | AUTHOR            | EVENT\n"
        "Mar 3, 2023 17:15:38 GMT | Alert           | Datadog           | [Triggered] api-gateway 5xx rate > 8%\n"
        "Mar 3, 2023 17:17:02 GMT | Note            | Tomasz Wiśniewski | seeing it. 503s from the key check\n"
        "Mar 3, 2023 17:31:07 GMT | Note            | Ines Carvalho     | redis is healthy, latency flat. not that\n"
        "Mar 3, 2023 17:46:10 GMT | Deploy          | Spinnaker         | authz-svc scaled to 12 replicas\n"
    )
    t = parse(text, tz="Europe/London")
    assert [(m.author, m.is_bot) for m in t.messages] == [
        ("Datadog", True), ("Tomasz Wiśniewski", False), ("Ines Carvalho", False), ("Spinnaker", True)
    ]
    assert t.messages[1].text == "seeing it. 503s from the key check"


def test_incident_io_events_by_a_person_name_them():
    text = (
        "Wed, 1 Oct 2025\n\n11:10  Incident reported by Priya Raman\n       \"coordinator cluster isn't re-electing a leader\"\n\n"
        "11:13  Pinned message · Ben Ashworth\n       \"is this the deploy from earlier?\"\n\n"
        "11:15  Pinned message · Grace Oyelaran (Support)\n       \"first customer tickets in\"\n"
    )
    t = parse(text, tz="Europe/London")
    assert [m.author for m in t.messages] == ["Priya Raman", "Ben Ashworth", "Grace Oyelaran"]


def test_incident_io_slack_messages_name_their_senders():
    text = (
        "10:04 AM  Slack message from Corey Bass (pinned)\n          support here: 4 tickets in 20 min\n"
        "10:21 AM  Slack message from Dana Whitaker (pinned)\n          can't repro on my laptop\n"
    )
    assert [m.author for m in parse(text, tz="UTC", default_date=date(2021, 4, 7)).messages] == ["Corey Bass", "Dana Whitaker"]


def test_a_pagerduty_log_with_at_between_date_and_time_names_the_notes_authors():
    log = (
        "#PQ12 [api] health check failing\nResolved · High urgency\n\nLOG ENTRIES\n\n"
        "Mar 4, 2025 at 7:45 PM   Triggered through the API by Pingdom: \"api check > 120s\"\n"
        "Mar 4, 2025 at 7:47 PM   Acknowledged by Nadia Holm via mobile.\n"
        "Mar 4, 2025 at 7:49 PM   Note added by Nadia Holm: \"workers all blocked on publish\"\n"
        "Mar 4, 2025 at 8:53 PM   Note added by Lars Ek: \u201cqueue redeployed. done\u201d\n"
    )
    t = parse(log, tz="UTC")
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("19:45", ""), ("19:47", ""), ("19:49", "Nadia Holm"), ("20:53", "Lars Ek"),
    ]
    assert [m.text for m in t.messages[2:]] == ["workers all blocked on publish", "queue redeployed. done"]


def test_rootly_rows_with_the_entry_kind_before_the_author():
    rows = (
        "May 28, 2024\n\n"
        "8:56 PM  Alert  Datadog  [P2] redis memory_used_pct > 90%\n"
        "8:58 PM  Message  Arjun Mehta  the big cache key is back, deleting it\n"
        "9:02 PM  Event  Rootly  Incident declared by Arjun Mehta\n"
        "9:04 PM  Message  Dana Whitfield  is this the deploy from this afternoon?\n"
        "9:05 PM  Message  Arjun Mehta  no, this is redis\n"
    )
    t = parse(rows, tz="UTC")
    assert [(m.author, m.is_bot) for m in t.messages] == [
        ("Datadog", True), ("Arjun Mehta", False), ("Rootly", True), ("Dana Whitfield", False), ("Arjun Mehta", False),
    ]
    assert t.messages[1].text == "the big cache key is back, deleting it"


def test_incident_io_rows_with_an_icon_before_the_name_alone_and_the_message_indented_below():
    export = (
        "Timeline\n\nTuesday, 23 May 2023\n\n"
        "20:43  \U0001f6a8 Incident declared\n       Alert from Grafana escalated to Luca Marchetti.\n\n"
        "20:43  \U0001f4ac Luca Marchetti\n       every region red lol what\n\n"
        "20:45  \U0001f4ac Priya Raman\n       deno.com is down for me too\n\n"
        "20:51  \U0001f501 Action taken by Rhys Okafor\n       Rollback of logging update started\n\n"
        "20:52  \U0001f4ac Luca Marchetti\n       thanks\n"
    )
    t = parse(export, tz="UTC")
    assert [m.author for m in t.messages] == ["", "Luca Marchetti", "Priya Raman", "Rhys Okafor", "Luca Marchetti"]
    assert t.messages[1].text == "every region red lol what"
    assert t.messages[3].text == "Rollback of logging update started"


def test_incident_io_exports_with_the_time_above_an_icon_and_the_name():
    export = (
        "Tuesday 26 March 2024\n\n"
        "12:04\n\U0001f5e3 Ines Moreau\nEscalated from a support ticket: customers cannot log in\n\n"
        "12:07\n\U0001f4ac Marta Kowalczyk\npulling in platform + auth folks\n\n"
        "12:09\n\U0001f4ac Dev Patel\nfirst guess is the cert rotation on the edge LB\n\n"
        "12:13\n\U0001f4ac Dev Patel\ncert looks fine, dropping that\n"
    )
    t = parse(export, tz="UTC", default_date=date(2024, 3, 26))
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("12:04", "Ines Moreau"), ("12:07", "Marta Kowalczyk"), ("12:09", "Dev Patel"), ("12:13", "Dev Patel"),
    ]
    assert t.messages[1].text == "pulling in platform + auth folks"


def test_incident_io_messages_from_a_channel_name_their_senders_without_the_quotes():
    export = (
        "Thursday 17 July 2025\n\n"
        "06:44  Alert fired: Datadog monitor \"JCDS download 4xx ratio > 20%\"\n"
        "06:47  Message from Derek Pfannenstiel in #inc-4127-jcds\n       \"was the gateway auth change\"\n"
        "06:49  Message from Aisha Gutierrez in #inc-4127-jcds\n       \"support seeing it from AU and EU too\"\n"
        "06:57  Message from Derek Pfannenstiel in #inc-4127-jcds\n       \"rolling back\"\n"
    )
    t = parse(export, tz="UTC")
    assert [m.author for m in t.messages] == ["", "Derek Pfannenstiel", "Aisha Gutierrez", "Derek Pfannenstiel"]
    assert t.messages[3].text == "rolling back"


def test_firehydrant_rows_of_kind_and_author_name_the_sender_and_the_monitor():
    export = (
        "Timeline (America/New_York)\n\n"
        "May 14, 2018 1:44:51 PM   Alert \u00b7 Datadog\n    [Triggered] Call completion rate < 92%\n"
        "May 14, 2018 1:45:30 PM   Chat message \u00b7 Jordan Pike\n    hmm call failures climbing on carrier A\n"
        "May 14, 2018 1:46:02 PM   Chat message \u00b7 Rui Oliveira\n    not me. failure rate started creeping up around 1:30\n"
        "May 14, 2018 2:03:19 PM   Status page update \u00b7 Kelsey Grant\n    Investigating \u2014 elevated call failure rates\n"
    )
    t = parse(export, tz="UTC")
    assert [(m.author, m.is_bot) for m in t.messages] == [
        ("Datadog", True), ("Jordan Pike", False), ("Rui Oliveira", False), ("Kelsey Grant", False),
    ]
    assert t.messages[1].text == "hmm call failures climbing on carrier A"


def test_incident_io_rows_with_an_icon_and_a_pinned_speaker_on_one_line():
    export = (
        "Friday, 24 November 2023\n\n"
        "16:19  \U0001f6a8 Alert: Datadog monitor \"API error rate > 20%\" triggered\n"
        "16:22  \U0001f4ac Aaron Kim (pinned): \"error rate 70%+ on ticket reads\"\n"
        "16:24  \U0001f4ac Bianca Ferreira: \"joining. weird split\"\n"
        "16:33  \U0001f4ac Lucas Moreau: \"webhooks backlog growing too\"\n"
    )
    t = parse(export, tz="UTC")
    assert [m.author for m in t.messages][1:] == ["Aaron Kim", "Bianca Ferreira", "Lucas Moreau"]
    assert t.messages[1].text == "error rate 70%+ on ticket reads"


def test_an_alert_log_quoting_its_alert_names_gives_them_no_speaker():
    text = """Opsgenie alert export (times America/Los_Angeles)
2025-01-30 15:14:52 PST  Alert #88213 created  P2  'useast1-c14: replication link flaps (3 in 5m)'  source: Prometheus
2025-01-30 15:15:40 PST  Alert #88213 acknowledged by Dana Levi
2025-01-30 15:19:05 PST  Alert #88219 created  P1  'AWS/us-east-1: client connect timeouts > 2%'  source: Prometheus

--- #cloud-ops (Slack) ---
Dana Levi  3:16 PM
c14 repl flapping, probably the node we replaced this morning. looking
Omer B  3:20 PM
here. only AWS us-east-1? gcp/azure fine on my side
"""
    t = parse(text, tz="America/Los_Angeles")
    assert {m.author for m in t.messages} == {"", "Dana Levi", "Omer B"}
    assert "'useast1-c14: replication link flaps" in t.messages[0].text


def test_a_chat_whose_speakers_are_lower_case_handles_names_them_but_notes_keep_their_labels():
    chat = """Element export — room "Liberapay ops" — times Europe/Paris

Fri, 14 Dec 2018
07:58  trebmuh: morning. liberapay.com just spins for me, then 502
07:59  trebmuh: widgets on my blog are broken too
08:06  mattbk: same from the US last night actually
08:11  Changaco: looking
08:13  mattbk: still 502 here
"""
    t = parse(chat, tz="Europe/Paris")
    assert [m.author for m in t.messages] == ["trebmuh", "trebmuh", "mattbk", "Changaco", "mattbk"]
    assert t.messages[0].text.startswith("morning.")
    notes = """- 14:02 api: errors rising on checkout
- 14:05 api: rollback started
- 14:09 db: replica lag back to zero
"""
    assert {m.author for m in parse(notes, default_date=date(2024, 5, 1)).messages} == {""}  # notes name no speakers
