"""Copies of chat and incident tools each read in its own shape: each message named by its
person, at its time, with bots told apart (a merged IRC log, Campfire, Zulip's web copy and archive
pages, Riot and Mattermost columns, Mastodon, Typetalk, pipe-column exports, a Slack export under a
comment, a Teams copy with a year-first date)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from facilitator.sources.paste import parse_transcript

UTC = timezone.utc


def parse(text: str, default_date: date | None = None):
    return parse_transcript(text, tz="UTC", default_date=default_date, origin="paste.txt")


def hm(m) -> str:
    return m.at.astimezone(UTC).strftime("%m-%d %H:%M")


def test_an_export_under_a_long_comment_line_is_still_read_as_slack_json():
    note = "// Slack export, channel #ops-mainnet: ops-mainnet/2024-01-11.json merged with one thread reply from a later day file; " + "display tz America/Los_Angeles. " * 2
    text = note + """
[
  {"type": "message", "user": "U1", "text": "is mainnet stalled??", "ts": "1704944337.000300",
   "user_profile": {"real_name": "Nina Okafor", "display_name": "nina.o"}},
  {"type": "message", "subtype": "bot_message", "username": "chain-monitor", "bot_id": "B1", "text": "chain stall", "ts": "1704944285.000100"}
]
"""
    assert len(note) > 120
    t = parse(text)
    assert sorted((m.author, m.is_bot) for m in t.messages) == [("Nina Okafor", False), ("chain-monitor", True)]


def test_a_merged_irc_log_names_the_channel_before_the_nick():
    text = """--- Log opened Mon May 10 00:00:00 2021
[02:30:14] #support <farmer_kestrel> the windows download on the wiki goes to some .rar file??
[02:31:47] #support <mod_ellie> thanks. DO NOT run it. pinging the team
[02:33:40] #ops <k.sato> on it, checking the wiki history
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=None, origin="paste.txt")
    assert [(m.author, m.text[:10]) for m in t.messages] == [("farmer_kestrel", "the window"), ("mod_ellie", "thanks. DO"), ("k.sato", "on it, che")]
    assert t.messages[0].at == datetime(2021, 5, 10, 9, 30, 14, tzinfo=timezone.utc)


def test_a_merged_room_log_names_the_room_before_a_name_with_a_colon():
    text = """Wed, 22 Apr 2026

[21:52] #mainnet-alerts  chain-watchdog: FIRING people — no new block for 7m
[21:54] #mainnet-alerts  Lena Vogt: looking. 2.2.1 got enacted tonight right?
[22:00] #system-chains-ops  Tomás Ferreira: our collators are stuck too
"""
    t = parse_transcript(text, tz="Europe/Berlin", default_date=None, origin="paste.txt")
    assert [(m.author, m.is_bot, m.text[:7]) for m in t.messages] == [
        ("chain-watchdog", True, "FIRING "), ("Lena Vogt", False, "looking"), ("Tomás Ferreira", False, "our col"),
    ]
    assert t.messages[1].at == datetime(2026, 4, 22, 19, 54, tzinfo=timezone.utc)


def test_a_ticket_activity_log_and_a_lync_conversation_pasted_together():
    text = """=== ServiceNow > INC0025533 > Activities ===
2015-03-28 16:15:42  Event Management  Work notes: CRITICAL smtp_banner mf-relay-01
2015-03-28 16:20:31  Dale Kowalchuk  Work notes: Ack, on it. Both relays failing banner check.
2015-03-28 16:41:57  Marisol Tran  Comments: Service Desk - 3 calls in 15 min
2015-03-28 18:40:02  Hannah Lefebvre  Problem PRB0010101 created: LB failover does not trigger

=== Lync conversation history - "mail relays" ===
Dale Kowalchuk (4:23 PM): you around? both mail relays red on the board
Hannah Lefebvre (4:25 PM): here. just mail?
"""
    t = parse_transcript(text, tz="America/Edmonton", default_date=None, origin="paste.txt")
    assert [(hm(m), m.author, m.is_bot, m.text[:12]) for m in t.messages] == [
        ("03-28 22:15", "Event Management", True, "CRITICAL smt"),
        ("03-28 22:20", "Dale Kowalchuk", False, "Ack, on it. "),
        ("03-28 22:23", "Dale Kowalchuk", False, "you around? "),
        ("03-28 22:25", "Hannah Lefebvre", False, "here. just m"),
        ("03-28 22:41", "Marisol Tran", False, "Service Desk"),
        ("03-29 00:40", "Hannah Lefebvre", False, "Problem PRB0"),
    ]


def test_a_mattermost_copy_dated_day_first_with_a_two_digit_year():
    text = """=== Mattermost ~cloud-ops (copied) ===
[27.05.18 07:58] malte.brandt: moin. opsgenie is full of P3s from 3am
[27.05.18 08:06] katrin.weiss: here. sounds like 16 April again?
"""
    t = parse_transcript(text, tz="Europe/Berlin", default_date=None, origin="paste.txt")
    assert [(hm(m), m.author) for m in t.messages] == [("05-27 05:58", "malte.brandt"), ("05-27 06:06", "katrin.weiss")]


def test_saved_lync_and_zulip_copies_with_the_stamp_after_the_name_over_the_text():
    lync = """Conversation: MCC Bridge (Lync) — 05/11/2014

Jason Koh [2:11 PM]:
DT gateway 3 latency back to normal after the 2pm batch, fyi

Tan Wei Ming [2:12 PM]:
noted thx
"""
    zulip = """Zulip — stream #contributor-info › topic "repo sync failing"

Omar Haddad (11:52 AM):
fyi last night's embeddings mess is still green this morning

Dana Whitfield (12:00 PM):
kicked off repo sync for the 4 continue repos
"""
    t = parse_transcript(lync, tz="Asia/Singapore", default_date=date(2014, 11, 5), origin="paste.txt")
    assert [(hm(m), m.author, m.text[:9]) for m in t.messages] == [
        ("11-05 06:11", "Jason Koh", "DT gatewa"), ("11-05 06:12", "Tan Wei Ming", "noted thx"),
    ]
    t = parse_transcript(zulip, tz="America/Los_Angeles", default_date=date(2025, 10, 9), origin="paste.txt")
    assert [(hm(m), m.author, m.text[:9]) for m in t.messages] == [
        ("10-09 18:52", "Omar Haddad", "fyi last "), ("10-09 19:00", "Dana Whitfield", "kicked of"),
    ]


def test_discord_chat_exporters_text_with_a_dashed_date_and_a_bots_tag_before_its_text():
    text = """Guild: JMods Live Ops
Channel: #osrs-live-incident

[12-Jul-18 11:41 AM] Mod Wren
reddit is filling up with max cash screenshots

[12-Jul-18 11:49 AM] TweetRelay
BOT @OldSchoolRS: We're turning Old School RuneScape off for a while

[12-Jul-18 6:11 PM] Newsroom
BOT News post edited: "Old School RuneScape is back online."
"""
    t = parse_transcript(text, tz="Europe/London", default_date=None, origin="paste.txt")
    assert [(hm(m), m.author, m.is_bot, m.text[:12]) for m in t.messages] == [
        ("07-12 10:41", "Mod Wren", False, "reddit is fi"),
        ("07-12 10:49", "TweetRelay", True, "@OldSchoolRS"),
        ("07-12 17:11", "Newsroom", True, "News post ed"),
    ]


def test_a_log_table_without_a_rule_line_with_its_time_second_and_a_role_after_each_name():
    text = """=== ICT on-call pager (SMS) ===
21/07/10 01:05 BT-NMS: MAJOR ALM INV-EMDC ACD: agent positions logged off unexpectedly

=== MAJOR INCIDENT LOG ===
Entry | Time | Entered by | Detail
0001 | 01:08 | Morag Fraser (Duty Supervisor, Inverness EMDC) | All call-taker positions dropped off the phones at once.
0002 | 01:19 | Gordon McLeod (ICT on-call) | Inverness PBX showing processor card alarms.
0003 | 14:55 | Morag Fraser | Inverness back to normal call handling.
"""
    t = parse_transcript(text, tz="Europe/London", default_date=date(2010, 7, 21), origin="paste.txt")
    assert [(hm(m), m.author, m.text[:14]) for m in t.messages] == [
        ("07-21 00:05", "BT-NMS", "MAJOR ALM INV-"),
        ("07-21 00:08", "Morag Fraser", "All call-taker"),
        ("07-21 00:19", "Gordon McLeod", "Inverness PBX "),
        ("07-21 13:55", "Morag Fraser", "Inverness back"),
    ]


def test_an_incident_tools_log_printed_by_a_sql_client_reads_its_kinds_and_speakers():
    text = """IcM Incident 247118903 — [Sev 3] Gallery: CDN availability drops
Date/Time            | Author             | Type          | Entry
---------------------+--------------------+---------------+---------------------------------------
07/06/2021 07:52 AM  | Keiko Tanaka       | Created       | Install-Module timing out for some pkgs. Opening Sev3.
07/06/2021 07:55 AM  | IcM                | State change  | New -> Active. Assigned to Keiko Tanaka.
07/06/2021 08:04 AM  | Marcus Oyelaran    | Discussion    | is this SQL again?
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=None, origin="paste.txt")
    assert [(hm(m), m.author, m.is_bot, m.text) for m in t.messages] == [
        ("07-06 14:52", "Keiko Tanaka", False, "[Created] Install-Module timing out for some pkgs. Opening Sev3."),
        ("07-06 14:55", "IcM", True, "[State change] New -> Active. Assigned to Keiko Tanaka."),
        ("07-06 15:04", "Marcus Oyelaran", False, "is this SQL again?"),  # a kind that is just talk is no tag
    ]


def test_a_timeline_table_without_an_author_column_names_the_speaker_its_entry_opens_with():
    text = """time      | source                 | entry
----------+------------------------+----------------------------------------
2025-12-16 16:34:03 | STATUS PAGE            | Investigating — We are looking into inbound traffic.
2025-12-16 16:34:41 | CHAT #inc-1216-inbound | Meera Iyer: status post is up, paging network + edge
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=None, origin="paste.txt")
    assert [(m.author, m.text) for m in t.messages] == [
        ("", "[STATUS PAGE] Investigating — We are looking into inbound traffic."),
        ("Meera Iyer", "status post is up, paging network + edge"),
    ]


def test_a_matrix_room_exported_with_display_names_in_angle_brackets():
    text = """=== #noc:fedoraproject.org ===
[2023-12-04 17:06:12] <Lena Brandt> is pagure.io down for anyone else? timing out from Germany
[2023-12-04 17:06:58] <Dana Marsh> loads fine for me (colorado). looking
[2023-12-04 17:08:21] <fedora-status> New outage posted: "pagure.io having network issues"
"""
    t = parse_transcript(text, tz="America/New_York", default_date=None, origin="paste.txt")
    assert [(hm(m), m.author, m.text[:9]) for m in t.messages] == [
        ("12-04 22:06", "Lena Brandt", "is pagure"), ("12-04 22:06", "Dana Marsh", "loads fin"),
        ("12-04 22:08", "fedora-status", "New outag"),
    ]


def test_irssi_notices_are_their_own_messages_from_bots():
    text = """--- Log opened Mon Jan 23 12:02:11 2017
12:32 <mika> pad see ew pls
12:49 -exceptbot- [web] java.lang.OutOfMemoryError: Java heap space @ api-3
12:54 -pingbot:#ops- DOWN: https://example.io/ (timeout after 30s)
12:55 -OperServ(services@services.example.net)- Global: services are being migrated
12:56 <jberg> rebooting api-3
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=None, origin="paste.txt")
    assert [(m.author, m.is_bot, m.text[:12]) for m in t.messages] == [
        ("mika", False, "pad see ew p"), ("exceptbot", True, "[web] java.l"), ("pingbot", True, "DOWN: https:"),
        ("OperServ", True, "Global: serv"), ("jberg", False, "rebooting ap"),
    ]
    assert t.messages[1].at == datetime(2017, 1, 23, 20, 49, tzinfo=timezone.utc)


def test_an_element_export_with_the_stamp_before_the_name_is_a_conversation():
    text = """Room export \u2014 #infra:matrix.org (Element, plain text)

Tue, 8 Jun 2021, 12:11 \u2014 PagerDuty
[Triggered] #2318 Datadog: HTTP check failed on www (503 from 3/3 locations)

Tue, 8 Jun 2021, 12:11 \u2014 Bart V.
acking. www is 503 for me too

Tue, 8 Jun 2021, 12:18 \u2014 Camille D.
it's the CDN. error body is "unknown domain"
"""
    t = parse_transcript(text, tz="Europe/Paris", default_date=None, origin="paste.txt")
    assert [(m.author, m.is_bot, m.text[:12]) for m in t.messages] == [
        ("PagerDuty", True, "[Triggered] "), ("Bart V.", False, "acking. www "), ("Camille D.", False, "it's the CDN"),
    ]
    assert t.messages[2].at == datetime(2021, 6, 8, 10, 18, tzinfo=timezone.utc)


def test_a_teams_channel_copy_stamped_with_a_weekday_names_the_person_above_the_stamp():
    text = """Microsoft Teams \u2014 Device Trust Eng > Incidents (channel copy, Thursday July 2)

Datadog (Bot)
Thursday 3:30 PM
[Triggered] Synthetics: auth HTTPS check failing from 6/6 locations

Grace Okafor
Thursday 3:31 PM
both auth and the admin console are timing out for me too

Luis Ortega
Thursday 3:32 PM
paged, here
"""
    t = parse_transcript(text, tz="America/New_York", default_date=date(2026, 7, 2), origin="paste.txt")
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("Datadog (Bot)", True, "07-02 19:30"), ("Grace Okafor", False, "07-02 19:31"), ("Luis Ortega", False, "07-02 19:32"),
    ]


def test_a_team_chat_copy_then_a_saved_meeting_chat_under_a_short_rule_are_read_each_in_its_shape():
    text = """== Team Chat channel "noc-sev-bridge" (copied) ==

Daniel Brooks (NOC)  11:20 PM
paging Team Chat backend on-call
Rahul Menon  11:21 PM
just got paged, joining
Ken Ito  11:23 PM
Rooms presence showing offline for a bunch of our Tokyo rooms too

== bridge meeting chat (meeting_saved_chat.txt) ==

23:24:10 From Rahul Menon to Everyone:
\tim-gateway consumer lag on shard 7 is ~48 min
23:25:30 From Wei Zhang to Everyone:
\tpush is fine, its server side
23:26:40 From Rahul Menon to Everyone:
\tlag starts 22:35 on the graph
23:27:02 From Wei Zhang to Everyone:
\trestarting the stuck consumer group members now
23:27:58 From Rahul Menon to Everyone:
\tlag falling off a cliff
00:00:25 From Daniel Brooks (NOC) to Everyone:
\tresolved posted

== Team Chat channel "noc-sev-bridge" (continued) ==

Sofia Alvarez  12:04 AM
closing out the APAC escalation tickets
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=date(2025, 10, 16), origin="paste.txt")
    assert [(m.author, hm(m)) for m in t.messages][:5] == [
        ("Daniel Brooks (NOC)", "10-17 06:20"), ("Rahul Menon", "10-17 06:21"), ("Ken Ito", "10-17 06:23"),
        ("Rahul Menon", "10-17 06:24"), ("Wei Zhang", "10-17 06:25"),
    ]
    assert [(m.author, hm(m)) for m in t.messages][8:] == [("Daniel Brooks (NOC)", "10-17 07:00"), ("Sofia Alvarez", "10-17 07:04")]
    assert t.messages[4].text == "push is fine, its server side"


def test_a_teams_copy_naming_people_last_name_first_names_them():
    text = """Chat: CP / service teams (Microsoft Teams, copied 11/07/2022)

[11/07/2022 09:33] Haddad, Leila: Morning all - our app on live is really slow some of the time
[11/07/2022 09:36] Brennan, Joe: Thanks Leila, looking. Is that on the default ingress class?
[11/07/2022 10:08] Ashworth, Claire (Ext): agree. declaring an incident
"""
    t = parse_transcript(text, tz="Europe/London", default_date=date(2022, 7, 11), origin="paste.txt")
    assert [(m.author, hm(m)) for m in t.messages] == [
        ("Haddad, Leila", "07-11 08:33"), ("Brennan, Joe", "07-11 08:36"), ("Ashworth, Claire (Ext)", "07-11 09:08"),
    ]
    assert t.messages[1].text.startswith("Thanks Leila, looking")


def test_a_pager_log_in_pipe_columns_then_a_mattermost_copy_names_people_not_events():
    text = """=== PagerDuty incident #PD-77310 \u2014 log entries (times in America/Los_Angeles) ===
2025-11-04 04:21:07 PST | Triggered    | [edge-5xx] reddit.com 5xx rate > 2% (5m) \u2014 svc: edge-gateway | via PagerDuty Events API
2025-11-04 04:21:07 PST | Assigned     | to Bea Kowalczyk (Infra Primary) | via PagerDuty
2025-11-04 04:23:40 PST | Acknowledged | by Bea Kowalczyk | via Bea Kowalczyk
2025-11-04 04:31:12 PST | Escalated    | added responder: Luis Ferraro (Feeds On-Call) | via Bea Kowalczyk

=== Mattermost ~incident-errors (Nov 4) ===
@bea.k \u2014 04:22
edge 5xx paging. 2.8% and climbing

@owen.d \u2014 04:24
here. seeing it on web and the apps
"""
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=date(2025, 11, 4), origin="paste.txt")
    authors = {m.author for m in t.messages if m.author}
    assert {"bea.k", "owen.d", "Bea Kowalczyk"} <= authors
    assert not authors & {"to Bea Kowalczyk (Infra Primary)", "by Bea Kowalczyk", "added responder", "@bea.k"}


def test_a_campfire_transcript_gives_each_tabbed_line_its_own_speaker():
    text = """Campfire \u00bb Ops
Transcript for Wednesday, May 27, 2009

10:15 AM
Nagios\tPROBLEM: app07/disk_data is CRITICAL
Hoptoad\t[Production] Mysql::Error: Lost connection to MySQL server
10:16 AM
David K.\tapp07 just fell over. anyone pushing anything?
Josh T.\tnot me. last deploy was last night around 11
10:50 AM
Twitter\t@ops: Some accounts are currently unavailable.
"""
    t = parse_transcript(text, tz="America/New_York", default_date=date(2009, 5, 27), origin="paste.txt")
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("Nagios", True, "05-27 14:15"),
        ("Hoptoad", True, "05-27 14:15"),
        ("David K.", False, "05-27 14:16"),
        ("Josh T.", False, "05-27 14:16"),
        ("Twitter", True, "05-27 14:50"),
    ]
    assert t.messages[3].text == "not me. last deploy was last night around 11"


def test_a_campfire_transcript_with_the_name_column_padded_by_spaces_is_read_the_same():
    text = """Ops \u2014 Transcript for Thursday, March 7, 2013

10:45 AM
Hubot        replication lag alert: db-replica-1 SQL thread stopped
Nora F.      that's not lag, the sql thread died

10:55 AM
Dev M.       pointing the read pool at the master for now.  it'll be hot
Nora F.      do it
"""
    t = parse_transcript(text, tz="America/New_York", default_date=date(2013, 3, 7), origin="paste.txt")
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("Hubot", True, "03-07 15:45"),
        ("Nora F.", False, "03-07 15:45"),
        ("Dev M.", False, "03-07 15:55"),
        ("Nora F.", False, "03-07 15:55"),
    ]
    assert t.messages[2].text == "pointing the read pool at the master for now.  it'll be hot"


def test_prose_with_double_spaces_under_a_time_line_is_not_split_into_speakers():
    text = """10:45 AM
Checked replica  lag, it is fine
Rollback done   errors gone
"""
    t = parse_transcript(text, tz="UTC", default_date=date(2013, 3, 7), origin="paste.txt")
    assert {m.author for m in t.messages} <= {""}


def test_a_zulip_web_copy_with_a_dot_between_name_and_time_is_read():
    text = """Zulip \u2014 stream #incident-response \u203a topic "loki query errors"

\u2014\u2014 Wednesday, 15 July 2026 \u2014\u2014

Grafana OnCall (bot) \u00b7 22:57
Alert group #48213 firing: LokiQueryErrorRateHigh

Hannah Okafor \u00b7 22:59
ack, looking. query errors on the read path

Rhys Morgan \u00b7 23:03
joined. roll it back, cheap to rule out
"""
    t = parse(text)
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("Grafana OnCall (bot)", True, "07-15 22:57"),
        ("Hannah Okafor", False, "07-15 22:59"),
        ("Rhys Morgan", False, "07-15 23:03"),
    ]


def test_an_alert_log_then_a_mattermost_copy_in_columns_reads_both_blocks():
    text = """===== Opsgenie alert log export =====
2018-04-16 08:30:07 | CREATED | P2 | cloud-web-eu: ELB 5XX + backend timeouts > 5% | source: CloudWatch
2018-04-16 09:21:15 | CLOSED | by markus.h: "bad aurora instance pulled + restarted, timeouts gone"

===== Mattermost ~cloud-ops (copied from the web client, Mon 16 Apr 2018) =====
@markus.h  08:30  opsgenie woke me up on the train: timeouts + half-rendered pages. on it
@support-ole  08:33  two customers in the queue since this morning
@judith.k  08:34  here. is it the load balancer again?
"""
    t = parse(text, default_date=date(2018, 4, 16))
    said = [(m.author, hm(m)) for m in t.messages if m.author]
    # the alert log's closing row names who closed it ("by markus.h: …")
    assert said == [("markus.h", "04-16 08:30"), ("support-ole", "04-16 08:33"), ("judith.k", "04-16 08:34"), ("markus.h", "04-16 09:21")]
    assert any(m.text.startswith("CREATED | P2") for m in t.messages)  # the alert log is read too


def test_a_riot_export_in_columns_names_each_message_by_its_matrix_id():
    text = """Exported from Riot \u2014 rooms: #sysadmin:matrix.org + #matrix:matrix.org
------------------------------------------------------------------------

Fri 12 May 2017

03:50  #sysadmin  @pagerbot:matrix.org      [PagerDuty] TRIGGERED #4471 \u2014 db-master: filesystem 100% full
04:31  #matrix    @kestrel_:tchncs.de       anyone else seeing nothing from matrix.org users?
05:45  #sysadmin  @hugh:matrix.org          just woke up to a missed call from pagerduty at 3:50. checking
"""
    t = parse(text)
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("@pagerbot:matrix.org", True, "05-12 03:50"),
        ("@kestrel_:tchncs.de", False, "05-12 04:31"),
        ("@hugh:matrix.org", False, "05-12 05:45"),
    ]
    assert t.messages[2].text.startswith("just woke up")


def test_an_alert_logs_priority_column_is_no_person():
    text = """=== Opsgenie alert log export \u00b7 team platform-core ===
2023-01-23 10:29:41 CET  P5  CREATED   [Change] CHG-2291 maintenance started (owner: Johan Lind)
2023-01-23 11:17:04 CET  P1  CREATED   [Datadog] prod-eu 5xx rate > 25% for 10m
2023-01-23 11:17:38 CET  P1  ACKED     by Anna Berg
2023-01-23 11:44:12 CET  SEV2  CREATED   [Datadog] db-4 partition availability < 90%
"""
    t = parse_transcript(text, tz="Europe/Stockholm", default_date=None, origin="paste.txt")
    assert len(t.messages) == 4
    assert not {m.author for m in t.messages} & {"P1", "P5", "SEV2"}


def test_a_zulip_archive_page_reads_each_name_and_stamp_above_its_text():
    text = """Stream: t-infra
Topic: crates.io downloads failing

Pietro Albini (Jan 05 2021 at 14:02):
crates.io is returning 503s for downloads

view this post on Zulip Jan David (Jan 05 2021 at 14:05):
looking. CloudFront shows errors from the origin

we had a deploy at 13:50 though

Pietro Albini (Jan 05 2021 at 14:31):
rolled back the config change, downloads work again
"""
    t = parse(text)
    assert [(m.author, hm(m)) for m in t.messages] == [
        ("Pietro Albini", "01-05 14:02"), ("Jan David", "01-05 14:05"), ("Pietro Albini", "01-05 14:31"),
    ]
    assert t.messages[1].text == "looking. CloudFront shows errors from the origin\n\nwe had a deploy at 13:50 though"


def test_a_mastodon_thread_copy_names_each_post_by_its_display_name():
    text = """Kris N\u00f3va
@nova@hachyderm.io
Nov 25, 2022, 22:02
We are seeing 500s on the web frontend, investigating.

Quintessence
@quintessence@hachyderm.io
Nov 25, 2022, 22:10
DB connections are maxed out, restarting sidekiq
"""
    t = parse(text)
    assert [(m.author, hm(m), m.text[:14]) for m in t.messages] == [
        ("Kris N\u00f3va", "11-25 22:02", "We are seeing "), ("Quintessence", "11-25 22:10", "DB connections"),
    ]


def test_an_incident_tools_export_in_pipe_columns_names_the_person_column():
    text = """Grafana IRM \u2014 incident timeline export
2026-03-02 01:43:29 | Activity    | Hana Kowalczyk   | Incident declared: "Elevated write/read errors"
2026-03-02 01:43:29 | Status page | Statuspage       | Investigating \u2014 We are seeing elevated errors
2026-03-02 01:46:10 | Slack       | Hana Kowalczyk   | paging secondary. mimir write path throwing 5xx
2026-03-02 01:48:00 | Create      | Datadog (integration) | Alert created with priority P2
2026-03-02 01:49:52 | Slack       | Devon Carter     | on. sure its AWS and not our ingesters?
"""
    t = parse(text)
    assert [(m.author, m.is_bot) for m in t.messages] == [
        ("Hana Kowalczyk", False), ("Statuspage", True), ("Hana Kowalczyk", False), ("Datadog (integration)", True), ("Devon Carter", False),
    ]
    assert t.messages[2].text == "paging secondary. mimir write path throwing 5xx"


def test_a_timeline_export_with_the_person_inside_the_entry_column_names_them():
    text = """Incident timeline export \u2014 all times America/Los_Angeles
2025-12-16 16:34:03 | STATUS PAGE            | Investigating \u2014 We are investigating an issue with inbound traffic
2025-12-16 16:34:41 | CHAT #inc-1216-inbound | Meera Iyer: status post is up. paging network + edge
2025-12-16 16:35:10 | INCIDENT               | Severity: SEV-1 | Status: Investigating
2025-12-16 16:35:52 | NOTE                   | by judith.k: "all instances 'available', no failover event"
2025-12-16 16:36:00 | Triggered              | via Datadog: [api-edge] 530 ratio > 50%
"""
    t = parse(text)
    assert [(m.author, m.is_bot) for m in t.messages][1:] == [
        ("Meera Iyer", False), ("", False), ("judith.k", False), ("Datadog", True),
    ]
    assert t.messages[1].text == "status post is up. paging network + edge"


def test_a_typetalk_copy_names_each_message_by_a_name_in_a_script_without_capitals():
    text = """Typetalk \u30c8\u30d4\u30c3\u30af\u300cbacklog-\u904b\u7528\u300d \u304b\u3089\u8cbc\u308a\u4ed8\u3051

Mackerel
2016/12/05 17:16
[CRITICAL] backlog-db-m01 mysql.connections.threads_running (312 > 200)

\u77f3\u4e95 \u5927\u8f14
2016/12/05 17:16
DB\u30a2\u30e9\u30fc\u30c8\u6765\u305f\u3001\u898b\u307e\u3059

\u9ad8\u6a4b \u7531\u7f8e
2016/12/05 17:18
\u4e86\u89e3\u3001\u304a\u9858\u3044\u3057\u307e\u3059
"""
    t = parse_transcript(text, tz="Asia/Tokyo", default_date=None, origin="paste.txt")
    assert [(m.author, m.is_bot) for m in t.messages] == [("Mackerel", True), ("\u77f3\u4e95 \u5927\u8f14", False), ("\u9ad8\u6a4b \u7531\u7f8e", False)]
    assert t.messages[1].text == "DB\u30a2\u30e9\u30fc\u30c8\u6765\u305f\u3001\u898b\u307e\u3059"


def test_a_teams_copy_with_a_year_first_date_of_single_digits_is_read():
    text = """Teams \u203a CloudAPI-Intl-Bridge \u203a General   (copied from Teams desktop)

[2024/4/8 15:23] CloudMonitor Alerts (Bot)
[P0] cloud-api gateway 5xx ratio 63.4% (threshold 5%)

[2024/4/8 15:23] Wang Lei
ack. opening the bridge. who has api on-call today?

[2024/4/8 15:24] Zhang Wei
me. 5xx in every region, not one. looking
"""
    t = parse_transcript(text, tz="Asia/Shanghai", default_date=None, origin="paste.txt")
    assert [(m.author, m.is_bot, hm(m)) for m in t.messages] == [
        ("CloudMonitor Alerts (Bot)", True, "04-08 07:23"), ("Wang Lei", False, "04-08 07:23"), ("Zhang Wei", False, "04-08 07:24"),
    ]


def test_a_teams_copy_with_a_hungarian_dotted_date_is_read():
    text = """Microsoft Teams \u2014 channel "Ops" (hu-HU)

[2025. 11. 16. 18:26] Grafana Alerting
\U0001f534 [Critical] app-01 \u2014 host health check failed

[2025. 11. 16. 18:27] Kov\u00e1cs D\u00e1niel
hm app server stopped answering

[2025. 11. 17. 07:41] T\u00f3th Gergely
restarted it, login works again
"""
    t = parse_transcript(text, tz="Europe/Budapest", default_date=None, origin="paste.txt")
    assert [(m.author, hm(m)) for m in t.messages] == [
        ("Grafana Alerting", "11-16 17:26"), ("Kov\u00e1cs D\u00e1niel", "11-16 17:27"), ("T\u00f3th Gergely", "11-17 06:41"),
    ]
    assert t.messages[0].is_bot and t.messages[2].text == "restarted it, login works again"
