"""The paste parser on variations seen in real reports and logs: client logs, copy shapes and
interface text that the one-format-at-a-time tests in ``test_paste_formats.py`` do not show."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from facilitator.sources.paste import parse_transcript
from tests.unit.test_paste_formats import UTC, parse, utc


def test_heading_timeline_on_a_12_hour_clock_with_ranges_and_a_region_preamble():
    text = (
        "## Timeline\n\nAll times in US Pacific time\n\n"
        "### Sep 27 2017 9:14\n\nFirst report.\n\n### 11:50\n\nDigging.\n\n"
        "### 1:05 - 1:12\n\nAfter lunch, still broken.\n\n### 2:10\n\nFixed.\n"
    )
    t = parse(text, tz="UTC")
    hours = [(m.at.hour, m.at.minute, m.at.date().isoformat()) for m in t.messages]
    assert hours == [(9, 14, "2017-09-27"), (11, 50, "2017-09-27"), (13, 5, "2017-09-27"), (14, 10, "2017-09-27")]
    assert all(m.at.utcoffset() == timedelta(hours=-7) for m in t.messages)  # Pacific daylight time
    assert t.messages[2].text == "(until 1:12) After lunch, still broken."


def test_24_hour_notes_roll_over_instead_of_guessing_pm():
    t = parse("- 22:48 reported\n- 23:25 investigating\n- 08:00 culling done\n", default_date=date(2018, 7, 8))
    assert [m.at.date().day for m in t.messages] == [8, 8, 9]


def test_weechat_tab_separated_and_hexchat_month_day_logs():
    weechat = "2024-12-03 10:32:05\t-->\talice (~a@host) has joined #inc\n2024-12-03 10:32:09\t@alice\tcheckout down\n"
    t = parse(weechat)
    assert [(m.author, m.subtype, m.text) for m in t.messages] == [
        ("alice", "channel_join", "alice (~a@host) has joined #inc"),
        ("alice", "", "checkout down"),
    ]
    t = parse("Dec 03 10:32:05 <alice> checkout down\nDec 03 10:33:00 <bob> looking\n", default_date=date(2024, 12, 1))
    assert [(m.author, utc(m)) for m in t.messages] == [
        ("alice", datetime(2024, 12, 3, 10, 32, 5, tzinfo=UTC)),
        ("bob", datetime(2024, 12, 3, 10, 33, tzinfo=UTC)),
    ]


def test_generic_section_heading_is_not_the_title_and_note_words_are_not_authors():
    t = parse("## Timeline\n\n2024-12-03 14:02 Update: alert fired\n2024-12-03 14:05 Ann: ack\n")
    assert t.channel == ""
    assert [m.author for m in t.messages] == ["", "Ann"]
    assert t.messages[0].text == "Update: alert fired"


def test_slack_unicode_reaction_counts_and_pronouns_in_names():
    text = "Alice Smith (she/her)  10:32 AM\nis it down?\n👍 3  🎉 1\nBob  10:33 AM\nyes\n"
    t = parse(text, default_date=date(2024, 12, 3))
    assert [(m.author, m.text) for m in t.messages] == [("Alice Smith (she/her)", "is it down?"), ("Bob", "yes")]


def test_mirc_session_start_gives_the_date():
    t = parse("Session Start: Tue Dec 03 10:00:00 2024\n[10:32] <alice> down\n[10:35] <bob> up\n")
    assert utc(t.messages[0]) == datetime(2024, 12, 3, 10, 32, tzinfo=UTC)
    assert t.unattributed == []


def test_chat_app_exports_with_numeric_dates():
    android = "12/3/24, 10:32 AM - Alice Smith: checkout is down\n12/3/24, 10:35 AM - Bob: on it\n"
    t = parse(android, default_date=date(2024, 12, 5))
    assert t.format == "timestamped"
    assert [(m.author, utc(m)) for m in t.messages] == [
        ("Alice Smith", datetime(2024, 12, 3, 10, 32, tzinfo=UTC)),  # month first, nearest to --date
        ("Bob", datetime(2024, 12, 3, 10, 35, tzinfo=UTC)),
    ]
    ios = "[03/12/2024, 10:32:05] Alice Smith: checkout is down\n[03/12/2024, 10:35:00] Bob: on it\n"
    t = parse(ios, default_date=date(2024, 12, 1))
    assert utc(t.messages[0]) == datetime(2024, 12, 3, 10, 32, 5, tzinfo=UTC)  # day first reads nearer
    dotted = parse("03.12.2024 10:32 Alice: down\n", default_date=None)
    assert utc(dotted.messages[0]) == datetime(2024, 12, 3, 10, 32, tzinfo=UTC)


def test_timeline_with_bold_time_labels_and_text_below():
    text = (
        "All times in UTC\n\n**2024-12-03 18:30**\nLaunch success drops.\nNobody notices.\n\n"
        "**22:48**\nReported on chat.\n"
    )
    t = parse(text)
    assert t.format == "timeline"
    assert [(m.id, m.text, utc(m).hour) for m in t.messages] == [
        ("L3", "Launch success drops.\nNobody notices.", 18),
        ("L7", "Reported on chat.", 22),
    ]


def test_slack_follow_up_times_do_not_look_like_a_timeline():
    text = "Alice Smith  10:32 AM\none\n10:33\ntwo\n10:34\nthree\n10:35\nfour\n10:36\nfive\n"
    t = parse(text, default_date=date(2024, 12, 3))
    assert t.format == "slack"
    assert [m.author for m in t.messages] == ["Alice Smith"] * 5


def test_timeline_with_month_name_dates():
    t = parse("- Dec 3, 2024 14:02 UTC: alert\n- Dec 4 09:00: review\n", default_date=date(2024, 12, 10))
    assert [utc(m) for m in t.messages] == [
        datetime(2024, 12, 3, 14, 2, tzinfo=UTC),
        datetime(2024, 12, 4, 9, 0, tzinfo=UTC),
    ]


def test_slack_status_emoji_between_name_and_time():
    text = (
        "Jane Doe\n:house_with_garden:  10:41 AM\nworking from home, looking now\n"
        "Omar Haddad\n:palm_tree:\n10:42 AM\nback from PTO, I can help\n:+1:\n10:43\n:tada:\n"
    )
    t = parse(text, default_date=date(2024, 12, 3))
    assert [(m.id, m.author, m.text) for m in t.messages] == [
        ("L1", "Jane Doe", "working from home, looking now"),
        ("L4", "Omar Haddad", "back from PTO, I can help\n:+1:"),
        ("L9", "Omar Haddad", ":tada:"),
    ]


def test_table_with_separate_date_column_and_no_false_time_column():
    text = (
        "| Attendees | Date | Time | Who | Event |\n|---|---|---|---|---|\n"
        "| 4 | 2024-12-03 | 14:02 | Ann | alert |\n| 5 | Dec 4, 2024 | 09:00 | Bo | review |\n"
    )
    t = parse(text)
    assert [(m.author, m.text, utc(m)) for m in t.messages] == [
        ("Ann", "alert — 4", datetime(2024, 12, 3, 14, 2, tzinfo=UTC)),
        ("Bo", "review — 5", datetime(2024, 12, 4, 9, 0, tzinfo=UTC)),
    ]


def test_dotted_clock_right_after_a_full_date_is_a_time():
    t = parse("- 2024-03-05 09:10 alert fires\n- 2024-03-05 09.26 cause found\n- 2024-03-05 10:00 fixed\n")
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["09:10", "09:26", "10:00"]
    assert t.messages[1].text == "cause found"


def test_bare_time_notes_with_a_dated_time_line_start_a_new_day():
    text = "## March 4\n23:10\nDisk alert fires\n\n23:40\nVolume grown\n\nMarch 5 1:15 AM\nAll clear, closing\n"
    t = parse(text, tz="UTC", default_date=date(2024, 3, 4))
    assert [m.at.strftime("%d %H:%M") for m in t.messages] == ["04 23:10", "04 23:40", "05 01:15"]
    assert t.messages[-1].text == "All clear, closing"


def test_emphasised_clock_labels_and_markdown_hard_breaks():
    bold = parse(
        "**18:46:** A user deletes their account.\n\n**18:50:** Queue processing stops.\n", default_date=date(2014, 3, 12)
    )
    assert [(m.at.strftime("%H:%M"), m.text) for m in bold.messages] == [
        ("18:46", "A user deletes their account."),
        ("18:50", "Queue processing stops."),
    ]
    text = "*06:00*: site down detected\\\n*06:46*: provider informed\\\n*07:03*: restart started\n"
    italic = parse(text, default_date=date(2022, 5, 23))
    assert [(m.at.strftime("%H:%M"), m.text) for m in italic.messages] == [
        ("06:00", "site down detected"),
        ("06:46", "provider informed"),
        ("07:03", "restart started"),
    ]


def test_bracketed_clock_with_name_colon_is_a_chat_log():
    """'[14:02] alice: text' (no date, no <nick>) is a common chat export; continuation lines stay."""
    text = "[14:02] alice: the api is down\n[14:05] Bob Stone: looking\nstill looking\n[14:10:30] alice: rolled back\n"
    t = parse_transcript(text, tz="Europe/Berlin", default_date=date(2024, 12, 3), origin="chat.txt")
    assert [m.author for m in t.messages] == ["alice", "Bob Stone", "alice"]
    assert t.messages[1].text == "looking\nstill looking"
    assert t.messages[2].at == datetime(2024, 12, 3, 14, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert not t.unattributed


def test_unbracketed_clock_label_stays_a_timeline_note():
    """'14:02 Deploy: ...' has no brackets: a note whose text keeps its label, not a person 'Deploy'."""
    text = "- 14:02 Deploy: v2.31.0 rolled out\n- 14:07 Alert fired for checkout\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2024, 12, 3), origin="notes.md")
    assert "Deploy" not in [m.author for m in t.messages]


def test_typed_up_notes_with_a_clock_and_a_speaker_but_no_brackets_are_read():
    text = (
        "Notes - monitoring false negatives - Mon 30 Nov (call + #ops chat)\n\n"
        "13:52 Priscilla: support ticket from a customer, their shop was down\n"
        "13:54 Priscilla: second one, similar\n"
        "14:08 (call) Mateo, Ewan, Priscilla on https://meet.example.com/ops\n"
        "14:15 Ewan: roll back to 4.18.1 on all probes\n"
    )
    t = parse_transcript(text, tz="Europe/London", default_date=date(2020, 11, 30), origin="notes.txt")
    people = [(m.at.strftime("%H:%M"), m.author) for m in t.messages if m.author]
    assert ("13:52", "Priscilla") in people and ("14:15", "Ewan") in people
    assert any(m.text.startswith("roll back to 4.18.1") for m in t.messages)


def test_a_zulip_copy_keeps_lowercase_handles_and_names_with_an_initial():
    text = (
        "ops > db crash again\nFeb 1\nJonas B.\n20:24\nmongo primary just died\n20:24\nsame as the 16th ??\n"
        "maksim\n20:33\njoined. i can take db3\nRafaela\n20:33\nok\nmaksim\n20:44\ncluster up again\n"
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2021, 2, 1), origin="zulip.txt")
    authors = [(m.at.strftime("%H:%M"), m.author) for m in t.messages]
    assert ("20:24", "Jonas B.") in authors
    assert ("20:33", "maksim") in authors and ("20:44", "maksim") in authors
    assert all("maksim" not in m.text for m in t.messages)


def test_uptime_monitors_posting_in_slack_are_bots():
    text = "Pingdom  5:31 PM\nDOWN alert: www.example.com is DOWN\nNadia Kowalczyk  5:32 PM\nuh oh\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2018, 8, 1), origin="slack.txt")
    assert [m.is_bot for m in t.messages] == [True, False]


def test_pidgin_conference_logs_with_clocks_in_parentheses_are_read():
    text = "(14:47:03) nagios: ** PROBLEM alert - imap1/PING is CRITICAL **\n(14:47:31) nadia: uh oh. again??\n(14:47:50) wbx: everything is down\n"
    t = parse_transcript(text, tz="America/New_York", default_date=date(2005, 9, 22), origin="jabber.txt")
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [("14:47", "nagios"), ("14:47", "nadia"), ("14:47", "wbx")]
    assert t.messages[0].is_bot


def test_a_zulip_copy_with_name_and_24h_time_on_one_line_is_read():
    text = (
        "#ops > no connectivity (dc1)\nWed, May 26\n\nReto Gasser 08:01\nmy imap just died, is it only me?\n\n"
        "Annika Vogt 08:01\nnot only you. webmail, smtp, everything times out\n\ndeploy done 08:02\n"
    )
    t = parse_transcript(text, tz="Europe/Zurich", default_date=date(2021, 5, 26), origin="zulip.txt")
    assert [m.author for m in t.messages] == ["Reto Gasser", "Annika Vogt"]
    assert "deploy done 08:02" in t.messages[1].text  # a lowercase note with a time is text, not a header


def test_a_mattermost_copy_with_username_and_24h_time_on_one_line_is_read():
    text = (
        "~upload-pipeline\n\nTue, Nov 27, 2018\n\nsanne.bakker 07:58\nsupport queue is full of Plus users\n\n"
        "joris.kuipers 08:04\nlooking\n\ntransfer-canary BOT 08:07\n7 consecutive failures\n\n"
        "joris.kuipers 08:12\nPOST uploads are stuck, rollout done 08:10\n"
    )
    t = parse_transcript(text, tz="Europe/Amsterdam", default_date=date(2018, 11, 27), origin="mattermost.txt")
    assert [(m.author, m.at.strftime("%H:%M")) for m in t.messages] == [
        ("sanne.bakker", "07:58"), ("joris.kuipers", "08:04"), ("transfer-canary", "08:07"), ("joris.kuipers", "08:12")
    ]
    assert "rollout done 08:10" in t.messages[-1].text  # words before a time are no username


def test_a_discord_app_tag_in_brackets_marks_a_bot_and_leaves_the_name():
    text = (
        "yHarvest [APP] \u2014 10/12/2022 5:17 PM\nharvest reported a loss of 1.2M USDC\n"
        "fernbrake \u2014 10/12/2022 5:20 PM\nthat can't be right, looking\n"
    )
    t = parse_transcript(text, tz="America/Toronto", default_date=date(2022, 10, 12), origin="discord.txt")
    assert [(m.author, m.is_bot) for m in t.messages] == [("yHarvest", True), ("fernbrake", False)]


def test_a_slack_app_label_on_the_name_line_marks_a_bot_and_leaves_the_name():
    text = "Hannah Cole\n12:50\nstatus note going up\nStatuspage APP\n12:53\nIdentified - We're not sending alerts\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2016, 4, 19), origin="slack.txt")
    assert [(m.author, m.is_bot) for m in t.messages] == [("Hannah Cole", False), ("Statuspage", True)]


def test_a_slackdump_text_export_is_read():
    text = (
        "> Quay Alerts [B014QAL3R] @ 28/05/2020 11:04:37 Z:\n[FIRING:1] QuayAPIErrorBudgetBurn critical\n"
        "> Anika Ferreira [U01AF2211] @ 28/05/2020 11:06:10 Z:\nugh, not again. pulls timing out for me too\n"
        "> Devin Otieno [U01DO4419] @ 28/05/2020 11:09:45 Z:\nwas there a cluster upgrade again?\n"
    )
    t = parse_transcript(text, tz="Europe/London", default_date=None, origin="slackdump.txt")
    assert [(m.at.strftime("%Y-%m-%d %H:%M:%S %z"), m.author) for m in t.messages] == [
        ("2020-05-28 11:04:37 +0000", "Quay Alerts"),
        ("2020-05-28 11:06:10 +0000", "Anika Ferreira"),
        ("2020-05-28 11:09:45 +0000", "Devin Otieno"),
    ]
    assert t.messages[1].text == "ugh, not again. pulls timing out for me too"


def test_a_slack_search_results_copy_is_read():
    text = (
        "#war-room\nSaga Virtanen\nJun 24th at 7:53 PM\ndiscord #help is filling up with kicks\n\n"
        "#war-room\nOlli Rasmussen\nJun 24th at 7:55 PM\nccu dipped a little since ~19:45\n"
    )
    t = parse_transcript(text, tz="Europe/Helsinki", default_date=date(2024, 6, 24), origin="search.txt")
    assert [(m.at.strftime("%m-%d %H:%M"), m.author) for m in t.messages] == [("06-24 19:53", "Saga Virtanen"), ("06-24 19:55", "Olli Rasmussen")]


def test_a_copy_with_each_time_above_its_sender_is_read():
    text = (
        "Wed, Sep 7, 2022\n\n11:29\nUptime Kuma\n[Down] api-us-central: timeout\n11:30\nGrant Oyelaran\n"
        "kuma's flapping on api since ~11:25\n11:31\nNell Sørensen\nsame from dallas\n11:33\nGrant Oyelaran\nour origin looks bored\n"
    )
    t = parse_transcript(text, tz="America/Chicago", default_date=date(2022, 9, 7), origin="element.txt")
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("11:29", "Uptime Kuma"), ("11:30", "Grant Oyelaran"), ("11:31", "Nell Sørensen"), ("11:33", "Grant Oyelaran")]
    assert t.messages[1].text == "kuma's flapping on api since ~11:25"


def test_a_ruled_yesterday_divider_is_the_day_given_by_date():
    # A copy made the next morning; the divider is decorated as some copies write it.
    text = "----- Yesterday -----\ndlee [3:33 PM]\ntracker is timing out for me\ncnorris [4:17 PM]\ngraphs look normal\n"
    t = parse(text, tz="UTC", default_date=date(2014, 5, 15))
    assert [utc(m).date() for m in t.messages] == [date(2014, 5, 15)] * 2
    assert utc(t.messages[1]) == datetime(2014, 5, 15, 16, 17, tzinfo=UTC)


def test_a_follow_up_time_is_on_its_headers_relative_day():
    text = (
        "Ben Okonkwo  yesterday at 3:44 PM\nrollback deployed\n3:46\nstill broken after the rollback\n"
        "Aaron Sidhu  9:02 AM\nmorning, writing it up\n"
    )
    t = parse(text, tz="UTC", default_date=date(2019, 10, 1))
    assert [utc(m) for m in t.messages] == [
        datetime(2019, 10, 1, 15, 44, tzinfo=UTC),
        datetime(2019, 10, 1, 15, 46, tzinfo=UTC),  # the follow-up stays on yesterday
        datetime(2019, 10, 2, 9, 2, tzinfo=UTC),  # the next plain header is the copy's day
    ]


def test_a_bouncers_own_lines_are_nobodys():
    t = parse("[12:06:58] <***> Buffer Playback...\n[12:07:10] <aroha> cert expired on the api\n", default_date=date(2024, 9, 10))
    assert [m.author for m in t.messages] == ["", "aroha"]  # a system line, like "-!- netsplit", has no speaker


def test_slack_two_line_headers_with_a_numeric_date():
    text = "Opsgenie\n8/22 9:28 AM\n[P2] raw-db-1 primary unreachable\n\nCory Nguyen\n8/22 9:29 AM\nraw db primary just crashed?\n"
    t = parse(text, tz="UTC", default_date=date(2017, 8, 22))
    assert [(m.author, utc(m)) for m in t.messages] == [
        ("Opsgenie", datetime(2017, 8, 22, 9, 28, tzinfo=UTC)), ("Cory Nguyen", datetime(2017, 8, 22, 9, 29, tzinfo=UTC))
    ]
    assert t.messages[0].is_bot


def test_an_irc_topic_line_is_a_topic_and_its_links_are_evidence():
    from facilitator.extract import extract_findings

    text = (
        "06:58 -!- dmitri [~dmitri@noc-vpn.example.net] has joined #noc\n"
        "06:58 -!- Topic for #noc: NOC | oncall: dmitri | runbooks https://wiki.noc.example/runbooks\n"
        "07:31 <nagios> PROBLEM: lhr-edge-04 HTTP CRITICAL\n07:33 <dmitri> looking\n"
    )
    t = parse(text, default_date=date(2014, 11, 3))
    assert [m.subtype for m in t.messages][:2] == ["channel_join", "channel_topic"]
    assert "https://wiki.noc.example/runbooks" in [link.url for link in extract_findings(t).links]


def test_an_irc_clients_own_lines_are_no_conversation():
    t = parse(
        "--- Log opened Thu Jan 08 15:58:41 2026\n"
        "15:58 -!- Irssi: #mail-platform: Total of 9 nicks [1 ops, 0 halfops, 0 voices, 8 normal]\n"
        "16:02 <joost_v> ok framework bump going out now\n",
        default_date=date(2026, 1, 8),
    )
    assert [(m.author, m.is_system) for m in t.messages] == [("", True), ("joost_v", False)]


SLACK_THREE_CHANNELS = """#wc-experience
Wednesday, February 23rd

Dara McAleer  5:02 PM
Prismic model change is applied, should be a no-op for the site

#wc-platform-incidents
Thursday, February 24th

Priya Bhandal  8:47 AM
home page 500ing for me

Buildkite  APP  10:04 AM
Build #659 passed on experience-deployment (main) - deployed to prod

#wc-alerts

Updown.io  APP  10:07 AM
UP  Homepage (origin) - back after 1h 20m

#wc-platform-incidents

Nell Prentice  10:12 AM
marked resolved on statuspage
"""


def test_a_channel_log_that_names_no_date_sits_with_the_written_day_its_times_follow():
    t = parse_transcript(SLACK_THREE_CHANNELS, tz="UTC", default_date=date(2022, 2, 23), origin="paste")
    at = {m.text.split()[0]: m.at for m in t.messages}
    assert at["UP"] == datetime(2022, 2, 24, 10, 7, tzinfo=UTC)
    assert at["marked"] == datetime(2022, 2, 24, 10, 12, tzinfo=UTC)
    assert at["Prismic"] == datetime(2022, 2, 23, 17, 2, tzinfo=UTC)


def test_an_undated_thread_that_fits_the_first_day_stays_on_it():
    # both written days hold messages around 17:20: the thread stays on the paste's day
    text = SLACK_THREE_CHANNELS.split("#wc-alerts")[0].replace("Buildkite  APP  10:04 AM", "Buildkite  APP  6:04 PM")
    text = text.replace("#wc-platform-incidents", "Aled Cusack  7:40 PM\nnice, one less field\n\n#wc-platform-incidents", 1)
    text += "#inc-thread\n\nMarcus Bell  5:20 PM\nfirst guess is redis\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2022, 2, 23), origin="paste")
    guess = next(m for m in t.messages if m.text.startswith("first guess"))
    assert guess.at == datetime(2022, 2, 23, 17, 20, tzinfo=UTC)


def test_a_chat_pasted_below_a_log_that_stamps_utc_on_every_line_is_read_on_the_readers_clock():
    text = (
        "PagerDuty - Incident #48817 - Log Entries (times in UTC)\n"
        "2020-01-09 23:51:03 UTC  Triggered through the API. db-shard-3 active connections > 90%\n"
        "2020-01-10 00:16:40 UTC  Resolved by Hannah Cole.\n"
        "\n"
        "---- Zulip: #sre > db-shard-3 / api flood ----\n"
        "\n"
        "Hannah Cole  5:51 PM\n"
        "paged. db-shard-3 connections climbing fast\n"
        "\n"
        "Omar Haddad  6:16 PM\n"
        "serving requests fine. that's the downtime over\n"
    )
    t = parse_transcript(text, tz="America/Chicago", default_date=date(2020, 1, 9), origin="paste")
    at = {m.text.split()[0]: m.at for m in t.messages}
    assert at["Triggered"] == datetime(2020, 1, 9, 23, 51, 3, tzinfo=UTC)
    assert at["paged."] == datetime(2020, 1, 9, 17, 51, tzinfo=ZoneInfo("America/Chicago"))
    assert at["serving"] == datetime(2020, 1, 9, 18, 16, tzinfo=ZoneInfo("America/Chicago"))


def test_a_chat_copy_with_the_date_in_words_in_each_header():
    text = (
        "#tzbtc-bridge-ops > burn 412 - no BTC tx\n"
        "(copied from Zulip, times shown in CET)\n"
        "\n"
        "Sina Huber — Mon, Feb 10 2025 00:27\n"
        "forwarding from the community Telegram: burn 412 never arrived\n"
        "\n"
        "Jonas Bühler — Tue, Feb 11 2025 08:00\n"
        "412 still pending per the digest, looking now\n"
    )
    t = parse_transcript(text, tz="Europe/Paris", default_date=None, origin="paste")
    assert [(m.author, m.at) for m in t.messages] == [
        ("Sina Huber", datetime(2025, 2, 10, 0, 27, tzinfo=ZoneInfo("Europe/Paris"))),
        ("Jonas Bühler", datetime(2025, 2, 11, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))),
    ]


def test_a_second_log_copied_the_next_day_runs_beside_the_first_not_a_day_later():
    text = (
        "#hub-releases\n\n"
        "Friday, February 7th\n"
        "Tomás Ferreira  10:06 AM\n"
        "comet advisory is out, we'd like to ship a patch today\n"
        "Jonas Berg  10:34 PM\n"
        "found it. the wasmvm release notes mark the patch as state-breaking\n"
        "Tomás Ferreira  11:26 PM\n"
        "thanks all. retro monday\n"
        "\n"
        "mira | hypha — Yesterday at 6:09 PM\n"
        "Gaia v22.0.1 is out, please apply it\n"
        "kai | StakeHarbor — Yesterday at 8:17 PM\n"
        "wrong AppHash after upgrading, node stopped\n"
        "mira | hypha — Today at 9:47 AM\n"
        "All validators appear to be signing again\n"
    )
    t = parse_transcript(text, tz="America/Toronto", default_date=date(2025, 2, 7), origin="paste")
    at = {m.text.split()[0]: m.at for m in t.messages}
    zone = ZoneInfo("America/Toronto")
    assert at["wrong"] == datetime(2025, 2, 7, 20, 17, tzinfo=zone)
    assert at["All"] == datetime(2025, 2, 8, 9, 47, tzinfo=zone)
    assert at["thanks"] == datetime(2025, 2, 7, 23, 26, tzinfo=zone)


def test_a_mattermost_header_with_the_bot_label_after_the_time_starts_the_bots_message():
    text = """felix.w  22:24
window opens 22:30. maintenance flag on all web nodes, then migrate

pretixstatus  22:29  BOT
[pretix System Status] new update: "We are now starting our maintenance activities."

jonas.k  22:31
workers stopped, celery queues drained to 0
"""
    t = parse_transcript(text, tz="Europe/Berlin", default_date=date(2024, 6, 30), origin="paste.txt")
    assert [(m.author, m.is_bot) for m in t.messages] == [("felix.w", False), ("pretixstatus", True), ("jonas.k", False)]
    assert "pretixstatus" not in t.messages[0].text


def test_google_chat_headers_naming_the_weekday_date_each_message_near_the_given_day():
    text = """Rowan Achterberg, Fri 2:58 PM
MX change is up for review

Tomás Vela, Fri 3:19 PM
looked at it, LGTM

Rowan Achterberg, Sat 4:36 AM
anyone around? my MX change broke the site for most people
"""
    t = parse_transcript(text, tz="UTC", default_date=date(2023, 8, 25), origin="paste.txt")  # a Friday
    assert [(m.author, m.at.strftime("%m-%d %H:%M")) for m in t.messages] == [
        ("Rowan Achterberg", "08-25 14:58"),
        ("Tomás Vela", "08-25 15:19"),
        ("Rowan Achterberg", "08-26 04:36"),
    ]


def test_google_chat_weekdays_count_back_from_the_day_of_the_copy_when_no_start_day_is_given():
    from facilitator.sources.paste_formats import Ctx
    from facilitator.sources.paste_slack import parse_slack

    lines = ["Rowan Achterberg, Thu 2:58 PM", "MX change is up", "Rowan Achterberg, Sat 4:36 AM", "site is down"]
    copied_on_a_wednesday = Ctx(default_year=2023, today=date(2023, 8, 30))
    days = [item.day for item in parse_slack(lines, copied_on_a_wednesday).items if getattr(item, "author", "")]
    assert days == [date(2023, 8, 24), date(2023, 8, 26)]  # last Thursday and Saturday, never days to come


def test_a_google_chat_monitor_named_like_a_note_word_is_a_bot_over_its_own_alert():
    text = (
        "Ingrid Solberg, Fri 4:50 AM\nseeing 404s on some paths\n\n"
        "Monitoring, Fri 4:51 AM\n\U0001f534 dataplane-http-4xx-ratio: 4xx share 3.8x baseline and rising\n\n"
        "Ingrid Solberg, Fri 4:53 AM\nlooking\n"
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2023, 9, 22), origin="paste.txt")
    assert [(m.author, m.is_bot, m.at.strftime("%H:%M")) for m in t.messages] == [
        ("Ingrid Solberg", False, "04:50"), ("Monitoring", True, "04:51"), ("Ingrid Solberg", False, "04:53"),
    ]  # fmt: skip
    assert t.messages[0].text == "seeing 404s on some paths"  # the alert no longer glued to the message above


def test_a_speakers_handle_is_read_without_the_at_sign_the_chat_writes_before_it():
    text = (
        "Wed, Dec 3 2025\n"
        "22:41 - @marek.z: fork is at epoch 411392, everyone awake?\n"
        "22:42 - @ola.k: here. watching the dashboards\n"
        "22:50 - @alertbot: [FIRING] NethermindInvalidBlock host=eth-nm-07\n"
        "22:51 - @ola.k: nm-07 throwing InvalidBlockException\n"
    )
    t = parse(text)
    assert [m.author for m in t.messages] == ["marek.z", "ola.k", "alertbot", "ola.k"]
    assert t.messages[2].is_bot and not t.messages[0].is_bot


def test_a_matrix_id_in_an_irc_style_export_keeps_its_at_sign_and_its_bot_is_a_bot():
    text = (
        "09:38:05 <@bridgebot:acurast.chat> [security-inbox] New report from an external reviewer\n"
        "09:41:12 <@simon:acurast.chat> reading it now\n"
        "09:44:30 <@dana> an operator's nick loses its sign\n"
    )
    t = parse(text, default_date=date(2026, 7, 20))
    assert [m.author for m in t.messages] == ["@bridgebot:acurast.chat", "@simon:acurast.chat", "dana"]
    assert t.messages[0].is_bot and not t.messages[1].is_bot


def test_a_tab_separated_log_with_nicks_in_brackets_names_them_without_the_brackets():
    text = (
        "2022-05-02 08:00:02\t<cronbot>\t[storage-gc] nightly run started on 10 validator hosts\n"
        "2022-05-02 08:03:31\t<kuba>\tack, on it. 4 validators down at once??\n"
        "2022-05-02 08:10:05\t<@ewa>\there, laptop booting\n"
        "2022-05-02 08:11:00\t<@simon:matrix.org>\tbridged in from matrix\n"
    )
    t = parse(text)
    assert [m.author for m in t.messages] == ["cronbot", "kuba", "ewa", "@simon:matrix.org"]
    assert t.messages[0].is_bot and not t.messages[1].is_bot


def test_an_element_export_with_matrix_ids_as_speakers_is_read():
    text = (
        "Room: #core-incidents (export from Element)\n\n"
        "Fri, 13 Sep 2024\n"
        "[19:15:40] @shardmon:toncore.example: [ALERT] shard 0:9000000000000000 stalled, no new block for 60s\n"
        "[19:17:02] @marko:toncore.example: only one shard? rest ok\n"
        "[19:18:11] @jelena:toncore.example: yes only 0:9000.. others producing normally\n"
    )
    t = parse(text, tz="Europe/Belgrade")
    assert [m.author for m in t.messages] == ["@shardmon:toncore.example", "@marko:toncore.example", "@jelena:toncore.example"]
    assert [m.at.strftime("%d %H:%M") for m in t.messages] == ["13 19:15", "13 19:17", "13 19:18"]
    assert t.messages[0].text.startswith("[ALERT]") and not t.messages[1].is_bot
