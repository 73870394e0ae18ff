"""Pastes as people make them from live incident chat: several logs, relative stamps, date lines, JSON."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest

from facilitator.sources.paste import parse_transcript


UTC = timezone.utc


def parse(text: str, default_date: date | None = None):
    return parse_transcript(text, tz="UTC", default_date=default_date, origin="paste.txt")


def hm(m) -> str:
    return m.at.astimezone(UTC).strftime("%m-%d %H:%M")


TWO_CHANNELS = """#sig-testing
alice  4:10 PM
I'm seeing jobs failing on network stuff
alice  5:40 PM
should be fine now

#infra-ops
carol  3:50 PM
anyone else seeing DNS errors?
dave  4:05 PM
rolling back the coredns change
"""


def test_second_channel_keeps_its_day_and_is_merged_in_time_order():
    t = parse(TWO_CHANNELS, default_date=date(2024, 3, 5))
    assert [(m.author, hm(m)) for m in t.messages] == [
        ("carol", "03-05 15:50"),
        ("dave", "03-05 16:05"),
        ("alice", "03-05 16:10"),
        ("alice", "03-05 17:40"),
    ]
    assert all("#infra-ops" not in m.text for m in t.messages)  # the header is not glued to a message


DOC_THEN_IRC = """== Timeline, from the incident doc ==

- 12:08 support says prod is unresponsive
- 12:40 started a restore of the replica
- 1:20 escalated by phone to rellis
- 2:46 replica promoted

== #ops ==

[12:09] <maya> prod is down for customers
[14:47] <owen> db answering queries again
"""


@pytest.mark.parametrize("between", ["== #ops ==", "== #ops (pasted) ==", ""])
def test_an_incident_docs_timeline_above_a_channel_log_is_read_too_on_its_own_12_hour_clock(between):
    t = parse(DOC_THEN_IRC.replace("== #ops ==", between), default_date=date(2022, 11, 7))
    got = sorted((hm(m), m.author, m.text) for m in t.messages)
    assert got == [
        ("11-07 12:08", "", "support says prod is unresponsive"),
        ("11-07 12:09", "maya", "prod is down for customers"),
        ("11-07 12:40", "", "started a restore of the replica"),
        ("11-07 13:20", "", "escalated by phone to rellis"),  # "1:20" after "12:40", notes without AM/PM
        ("11-07 14:46", "", "replica promoted"),
        ("11-07 14:47", "owen", "db answering queries again"),
    ]


def test_a_day_divider_drawn_as_a_rule_dates_the_channel_log_below_it():
    text = (
        "#wynton-alerts\n"
        "[3:30 PM] Nagios: PROBLEM - log1/SSH is CRITICAL (Thu Jan 1)\n"
        "\n----- Friday, January 2nd -----\n\n"
        "#wynton-admins\n"
        "[9:45 AM] Harry Lindqvist: just seeing yesterday's pages, sorry\n"
        "\n----- Monday, January 5th -----\n\n"
        "#wynton-admins\n"
        "[9:02 AM] Harry Lindqvist: shutting down for the switch swap\n"
    )
    t = parse(text, default_date=date(2026, 1, 1))
    assert [hm(m) for m in t.messages] == ["01-01 15:30", "01-02 09:45", "01-05 09:02"]


def test_logs_that_go_on_below_a_divided_channel_log_are_on_its_day():
    text = (
        "#wynton-alerts\n"
        "[3:30 PM] Nagios: PROBLEM - log1/SSH is CRITICAL (Thu Jan 1)\n"
        "\n#wynton-users\n"
        "[3:44 PM] Priya Natarajan: is anyone else unable to ssh into log1?\n"
        "\n----- Friday, January 2nd -----\n\n"
        "#wynton-admins\n"
        "[9:45 AM] Harry Lindqvist: just seeing yesterday's pages, sorry\n"
        "[10:30 AM] Harry Lindqvist: log2 and the dev nodes are back\n"
        "\n#wynton-users\n"
        "[10:34 AM] Priya Natarajan: log2 works but all my jobs say suspended??\n"
        "\n#wynton-admins\n"
        "[2:22 PM] Marcus Oyelaran: the resync restarts every time the link drops\n"
        "\n----- Monday, January 5th -----\n\n"
        "#wynton-admins\n"
        "[9:02 AM] Harry Lindqvist: shutting down for the switch swap\n"
    )
    t = parse(text, default_date=date(2026, 1, 1))
    assert [hm(m) for m in t.messages] == [
        "01-01 15:30", "01-01 15:44", "01-02 09:45", "01-02 10:30", "01-02 10:34", "01-02 14:22", "01-05 09:02",
    ]


def test_an_irc_log_opened_on_a_day_then_named_by_its_channel_is_on_that_day():
    text = (
        "--- Log opened Mon Feb 26 11:31:07 2018\n"
        "--- #flutter-release\n"
        "11:40 < reid_g> pushing v0.1.4 to beta\n"
        "12:20 < jesper_k> flutter upgrade falls over for me with a weird git error\n"
        "--- Day changed Tue Feb 27 2018\n"
        "01:48 < jesper_k> gallery doesn't build against the beta\n"
        "--- Day changed Wed Feb 28 2018\n"
        "10:00 < reid_g> v0.1.5 pushed to beta\n"
    )
    t = parse(text, default_date=date(2018, 2, 26))
    assert [hm(m) for m in t.messages] == ["02-26 11:40", "02-26 12:20", "02-27 01:48", "02-28 10:00"]


def test_clock_jump_back_in_chat_is_another_log_not_the_next_day():
    text = "10:02 <alice> seeing 500s\n18:30 <bob> all clear\n09:50 <carol> deploy started\n"
    t = parse(text, default_date=date(2024, 3, 5))
    assert [hm(m) for m in t.messages] == ["03-05 09:50", "03-05 10:02", "03-05 18:30"]


def test_chat_that_runs_past_midnight_still_rolls_over():
    text = "23:50 <alice> seeing 500s\n00:20 <bob> rolled back\n"
    t = parse(text, default_date=date(2024, 3, 5))
    assert [hm(m) for m in t.messages] == ["03-05 23:50", "03-06 00:20"]


@pytest.mark.parametrize("line", ["2024-03-05", "Tuesday, March 5, 2024", "--- March 5, 2024 ---"])
def test_bare_date_line_is_the_date_context_without_date_flag(line):
    t = parse(f"{line}\n10:02 <alice> seeing 500s\n10:30 <bob> fixed\n")
    assert [hm(m) for m in t.messages] == ["03-05 10:02", "03-05 10:30"]


def test_yesterday_at_and_hours_ago_stamps():
    text = (
        "alice  yesterday at 5:25 PM\nseeing 500s on the api\n"
        "bob  yesterday at 9:40 PM\nrolled back\n"
        "alice  [2 hours ago]\nstill fine?\n"
        "bob  [1 hour ago]\nall clear\n"
    )
    t = parse(text, default_date=date(2024, 3, 4))  # --date: the day the messages were written
    assert [m.author for m in t.messages] == ["alice", "bob", "alice", "bob"]
    assert [hm(m) for m in t.messages[:2]] == ["03-04 17:25", "03-04 21:40"]
    # counted back from the newest written time: an hour apart, after it, and marked approximate
    assert t.messages[3].at - t.messages[2].at == timedelta(hours=1)
    assert t.messages[2].at >= t.messages[1].at
    assert t.messages[3].time_precision == "approximate"


def test_slack_web_copy_with_app_label_on_the_time_line_is_a_bot_named_above():
    text = "Ana Lima\n  10:06 AM\napi is down\nProw Bot\nAPP  10:30 AM\nJob e2e succeeded\nAna Lima\n  10:41 AM\nback to normal\n"
    t = parse(text, default_date=date(2024, 3, 5))
    assert [(m.author, m.is_bot) for m in t.messages] == [("Ana Lima", False), ("Prow Bot", True), ("Ana Lima", False)]


def test_a_thread_pasted_after_its_channel_does_not_repeat_messages():
    text = (
        "#ops\nana  10:00 AM\napi is down\nben  10:20 AM\nrolled back\n"
        "--- #ops-thread ---\nana  10:00 AM\napi is down\ncy  10:05 AM\nlooking too\n"
    )
    t = parse(text, default_date=date(2024, 3, 5))
    assert [(m.author, hm(m)) for m in t.messages] == [("ana", "03-05 10:00"), ("cy", "03-05 10:05"), ("ben", "03-05 10:20")]


def test_date_names_the_day_yesterdays_messages_were_written_unless_the_copy_says_otherwise():
    discord = (
        "Theo — 06/06/2021 4:51 PM\nreminder: rack build-out tomorrow morning\n"
        "Marisol — Yesterday at 7:12 AM\nzeroize sent to the pair for r43\n"
        "Marisol — Yesterday at 7:14 AM\nSTOP. that was production\n"
    )
    t = parse(discord, default_date=date(2021, 6, 7))  # the incident's day, as a reader of the report gives it
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["06-06 16:51", "06-07 07:12", "06-07 07:14"]
    # A copy whose written-out date comes after its "Today": --date was the day of the copy.
    copy = "Dana — Yesterday at 11:52 PM\n500s\nKofi — Today at 12:05 AM\nlooking\nLyn — 12/03/2024 00:20\nrolled back\n"
    t = parse(copy, default_date=date(2024, 12, 3))
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["12-02 23:52", "12-03 00:05", "12-03 00:20"]


def test_an_incident_tools_export_with_time_first_headers_reads_as_the_slack_it_copies():
    text = (
        "5:45 AM Sarah Gibson #inc_36\nthere's an incident on the hub I don't know how to fix\n"
        "6:38 AM\nSarah Gibson #inc_36\nTried doubling the CPU quota\n"
        "8:51 AM yuvipanda #inc_36\nI see the new nodes are up\n"
    )
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=date(2022, 11, 14), origin="export.txt")
    assert [(m.author, m.at.strftime("%H:%M")) for m in t.messages] == [
        ("Sarah Gibson", "05:45"), ("Sarah Gibson", "06:38"), ("yuvipanda", "08:51")
    ]
    assert t.messages[1].text == "Tried doubling the CPU quota"  # the wrapped header is not text


def test_a_follow_up_stamped_yesterday_keeps_its_author():
    text = (
        "Ravi Kumar  Yesterday at 2:16 PM\ngithub API rate limit?\n"
        "Yesterday at 2:17 PM\nnvm, remaining quota is fine\n"
        "Lena Ortiz  Yesterday at 2:21 PM\napplied: 30 -> 40 tasks\n"
    )
    t = parse(text, default_date=date(2025, 2, 10))
    assert [(m.author, m.at.strftime("%m-%d %H:%M")) for m in t.messages] == [
        ("Ravi Kumar", "02-10 14:16"), ("Ravi Kumar", "02-10 14:17"), ("Lena Ortiz", "02-10 14:21")
    ]


def test_a_copy_made_two_days_on_puts_its_yesterday_after_the_written_day():
    text = (
        "Thursday, January 1st\n"
        "Mikko  11:40 PM\nbacklog still growing\n"
        "Yesterday\n"
        "Noora  4:30 PM\nbacklog fully cleared, dispatch lag under 1 min\n"
    )
    t = parse(text, default_date=date(2026, 1, 1))
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["01-01 23:40", "01-02 16:30"]


@pytest.mark.parametrize("avatar", ["Avatar of Derek Osei", "Derek Osei's profile picture", "derek osei's avatar"])
def test_avatar_alt_text_above_a_slack_header_is_not_a_message(avatar):
    text = f"{avatar}\nDerek Osei\n  9:21 PM\nedge? cdn probes look healthy\n"
    t = parse(text, default_date=date(2020, 7, 20))
    assert [(m.author, m.text) for m in t.messages] == [("Derek Osei", "edge? cdn probes look healthy")]


def test_discords_glued_headers_and_app_tags_in_names():
    text = "GrafanaBOTToday at 12:21 AM\n[Alerting] disk full on img-01\nSahilToday at 12:22 AM\nlooking\nRitikaToday at 12:24 AM\nsame here\n"
    t = parse(text, default_date=date(2018, 12, 11))
    assert [(m.author, m.is_bot) for m in t.messages] == [("Grafana", True), ("Sahil", False), ("Ritika", False)]
    assert t.messages[1].text == "looking"


@pytest.mark.parametrize(
    "name",
    ["PagerDuty, App", "Uptime Kuma App", "uptime-kuma", "fm-monitor", "rocket.cat", "Workflows", "Bitbucket Pipelines", "Meeting started",
     "IcM Alerts", "Service Health", "Clever Cloud Status", "Prod Deploys", "Zendesk", "Freshdesk",
     "hookshot-alerts", "githubstatus", "Azure DevOps", "Fire Fire (app)", "Sentry (via Workflows)", "GWDG News",
     "GWDG Helpdesk", "Atlantis", "NMS Alarm Bridge", "Datadog (Workflows)", "Responders added",
     "via Routed Health Monitor", "Decision logged", "Action completed", "Notified", "status-sync",
     "CodeDeploy", "AWS CodeBuild", "ansible", "GitHub Actions", "Netlify", "polkadot-watchdog", "System", "Event Management", "SGXNet Relay", "gh-actions", "soleur-agent", "nic-advisory",
     "Synthetic Monitor", "IcM", "chain-watch", "blockwatch", "Grafana OnCall", "Errbit", "Raygun", "Closed", "Priority raised",
     "e2e-probes", "linkchecker", "uptime-checks", "Datadog Synthetics", "cometalert", "promote-cron", "Help Desk", "Solana Status Feed"],
)
def test_apps_named_the_way_chat_apps_show_them_are_bots(name):
    from facilitator.sources.bot_names import is_bot_name

    assert is_bot_name(name) and not is_bot_name("Avi Mizrahi") and not is_bot_name("Via Sorensen")
    assert not is_bot_name("marc_oncall")  # a person's nick on call
    assert not is_bot_name("Sam Checks") and not is_bot_name("Dave Probes") and not is_bot_name("macron")


def test_slacks_phone_copy_with_the_time_under_each_message():
    text = (
        "Camille Lef\u00e8vre\nquelqu'un a des soucis sur le shop ? j'ai une 503 sur la home\n11:49\n\n"
        "Hugo Bernard\nchez moi \u00e7a passe... ah non. 503 aussi\n11:50\n\n"
        "Antoine Girard\nje regarde les logs origin\nrien de bizarre pour l'instant\n11:53\n\n"
        "Hugo Bernard\nok\n11:55\n"
    )
    t = parse(text, default_date=date(2021, 6, 8))
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("11:49", "Camille Lef\u00e8vre"), ("11:50", "Hugo Bernard"), ("11:53", "Antoine Girard"), ("11:55", "Hugo Bernard"),
    ]
    assert t.messages[2].text == "je regarde les logs origin\nrien de bizarre pour l'instant"


@pytest.mark.parametrize("tz, utc", [("Europe/Dublin", "09:39"), ("Asia/Kolkata", "05:09"), ("UTC", "05:09")])
def test_an_ambiguous_zone_abbreviation_is_read_as_the_pastes_own_zone_when_that_zone_uses_it(tz, utc):
    text = """Apr 29, 2020 at 10:39:12 AM IST   Triggered through the API (Pingdom)
Apr 29, 2020 at 10:46:30 AM IST   Ciarán Byrne added a note: "traffic way up on hub pages, 5xx on some. looking"
"""
    t = parse_transcript(text, tz=tz, default_date=None, origin="paste.txt")
    assert t.messages[0].at.astimezone(UTC).strftime("%H:%M") == utc


def test_a_name_with_particles_is_a_name_however_many_words():
    from facilitator.sources.paste_speakers import name_like

    assert name_like("Ruan van der Merwe", strict=True) and name_like("Maria de la Cruz Lopez", strict=True)
    assert not name_like("Restart the api pods now", strict=True)


def test_a_ruled_divider_naming_the_chat_app_and_channel_is_a_new_log_not_part_of_the_last_message():
    text = (
        "2024-07-10 00:11:42  Acknowledged by Matt Reid\n"
        "2024-07-10 03:06:40  Resolved by Matt Reid\n"
        "\n----- slack #core-incidents -----\n\n"
        "#core-incidents\n\nWednesday, July 10th\nMatt Reid  1:13 AM\ncore api dead?\n"
    )
    t = parse(text)
    texts = {m.text for m in t.messages}
    assert {"Acknowledged by Matt Reid", "Resolved by Matt Reid", "core api dead?"} <= texts
    assert all("-----" not in m.text for m in t.messages)


def test_a_saved_zoom_meeting_chat_names_each_speaker():
    text = (
        "----- Zoom meeting chat (saved) -----\n"
        "16:49:02 From Theo Brandt to Everyone:\n\tIC until someone more senior shows up. bumping to Sev-1\n"
        "16:49:40 From Aisha Farouk to Everyone:\n\tcomms here. drafting the status post\n"
        "16:51:03 From Ruben Castellanos to Theo Brandt (Direct Message): haproxy slots are 100% full\n"
    )
    t = parse(text, default_date=date(2020, 5, 12))
    assert [(m.author, m.text, hm(m)) for m in t.messages] == [
        ("Theo Brandt", "IC until someone more senior shows up. bumping to Sev-1", "05-12 16:49"),
        ("Aisha Farouk", "comms here. drafting the status post", "05-12 16:49"),
        ("Ruben Castellanos", "haproxy slots are 100% full", "05-12 16:51"),
    ]


def test_a_line_that_only_starts_like_zoom_keeps_its_words():
    t = parse("10:02:00 From Monday to Friday: builds fail on the arm runners\n10:05:00 ana: looking\n", default_date=date(2024, 3, 5))
    assert t.messages[0].author != "Monday"  # not Zoom's "From X to Y:", which names a recipient only with "(Direct Message)"


def test_a_later_log_whose_name_line_gives_its_zone_is_read_in_that_zone():
    text = (
        "Log Entries (times shown in UTC)\n"
        "2013-05-30 22:50:04  Triggered through the API: packet loss 35%\n"
        "2013-05-30 22:51:38  Acknowledged by Ryan Castellanos via SMS\n"
        "\n---- #realtime-oncall (Discord copy, Pacific time) ----\n\n"
        "Ryan Castellanos — 05/30/2013 3:51 PM\ngot paged, fremont packet loss. looking\n\n"
        "Mei Lin — 05/30/2013 4:14 PM\nlag back to ~0\n"
    )
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=None, origin="paste.txt")
    at = {m.text[:12]: hm(m) for m in t.messages}
    assert at["Acknowledged"] == "05-30 22:51"  # UTC, as the first log says
    assert at["got paged, f"] == "05-30 22:51"  # 3:51 PM Pacific is 22:51 UTC, not 15:51 UTC
    assert at["lag back to "] == "05-30 23:14"
    assert any("Pacific" in w or "America/Los_Angeles" in w for w in t.warnings)


@pytest.mark.parametrize("app_header", ["R2 SLO Alerts, App, 21:45", "R2 SLO Alerts \u00b7 App, 21:45"])
def test_a_google_chat_apps_header_starts_a_bot_message(app_header):
    text = (
        "Tomás Ferreira, 20:38\nold key id revoked\n"
        f"{app_header}\n🔥 FIRING r2-global-availability (P1)\n"
        "Priya Raman, 21:46\nlooking\n"
    )
    t = parse(text, default_date=date(2025, 3, 21))
    rows = [(m.author, m.is_bot, m.text[:9], hm(m)) for m in t.messages]
    assert rows == [
        ("Tomás Ferreira", False, "old key i", "03-21 20:38"),
        ("R2 SLO Alerts", True, "🔥 FIRING ", "03-21 21:45"),
        ("Priya Raman", False, "looking", "03-21 21:46"),
    ]


def test_a_zone_said_just_above_the_channel_logs_holds_for_each_of_them():
    text = (
        "Timeline export (all times UTC)\n"
        "17:25  Incident declared by Aisha Bello\n"
        "18:15  Update by Ravi Menon: config change applied\n"
        "----------------------------------------\n"
        "pasted from Slack (my clock, London)\n\n"
        "#deploys-prod-us\n"
        "Ravi Menon  18:02\nshipped the timeout change\n\n"
        "#inc-2291\n"
        "Aisha Bello  18:25\nflags US is on fire\n"
    )
    t = parse(text, default_date=date(2025, 9, 29))
    at = {m.text[:10]: hm(m) for m in t.messages}
    assert at["Update by "] == "09-29 18:15"
    assert at["shipped th"] == "09-29 17:02"  # 18:02 in London (BST) is 17:02 UTC
    assert at["flags US i"] == "09-29 17:25"  # the next channel, no zone of its own: still London


@pytest.mark.parametrize("line, zone", [
    ("pasted from Slack (my clock, London)", "Europe/London"),
    ("all times New York time", "America/New_York"),
    ("All times in Pacific time", "America/Los_Angeles"),
])
def test_a_preamble_names_its_zone_by_region_or_city(line, zone):
    from facilitator.sources.paste_time import preamble_zone

    assert preamble_zone(line)[1] == zone
    assert preamble_zone("Casey: times look fine to me") is None  # an Antarctic station is nobody's clock


def test_an_incident_tools_export_under_a_named_rule_inside_a_slack_copy_is_read_as_its_own_log():
    text = (
        "#support\nFriday, October 4th\n"
        "[9:44 AM] Jana Vogt: that would match\n"
        "[9:52 AM] Nina Schmid: pulling people into a call, opening an incident\n\n"
        "----- incident.io export -----\n"
        "Timeline (times in Europe/Zurich) - https://app.incident.io/acme/incidents/212\n\n"
        "Fri 4 Oct 2024\n"
        "09:55  Incident declared by Nina Schmid - Severity: Major\n"
        "12:23  Status changed to Resolved by Nina Schmid: sends back to baseline\n\n"
        "#inc-212\nFriday, October 4th\n"
        "[10:11 AM] Tobias Graf: rollback running\n"
    )
    t = parse_transcript(text, tz="Europe/Zurich", default_date=date(2024, 10, 4), origin="paste.txt")
    texts = [m.text for m in t.messages]
    assert texts[1] == "pulling people into a call, opening an incident"  # the export is not glued to it
    assert any(x.startswith("Status changed to Resolved") for x in texts)
    assert any("https://app.incident.io/acme/incidents/212" in u.text for u in t.unattributed)


def test_a_later_export_in_utc_keeps_its_zone_to_itself():
    text = (
        "#support (Wed, Jan 22)\n\n"
        "[2:22 PM] Jordan Ellis: 2 US customers just opened tickets: campaign emails late\n"
        "[3:30 PM] Priyanka Shah: flag off, query killed\n\n"
        "--- incident.io timeline export: INC-1873 (all times UTC) ---\n"
        "2025-01-22 23:14  Incident declared by Maya Chen\n"
        "2025-01-23 00:43  Status changed to Resolved by Maya Chen\n"
    )
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=date(2025, 1, 22), origin="paste.txt")
    at = {m.text[:12]: hm(m) for m in t.messages}
    assert at["2 US custome"] == "01-22 22:22"  # 2:22 PM Pacific, not 2:22 PM UTC
    assert at["flag off, qu"] == "01-22 23:30"
    assert at["Incident dec"] == "01-22 23:14"  # the export's own UTC
    assert at["Status chang"] == "01-23 00:43"


def test_an_element_export_with_the_time_before_each_sender_reads_every_sender():
    text = (
        "Room: #warroom:example.chat  (Element, plain-text export, times UTC)\n\n"
        "14:21  Lira\nopening this room for the cream thing\n\n"
        "14:23  cathode\nyUSD pps went 1.000996 -> 2.001993 inside that tx\n\n"
        "14:26  w0lfram\nfirst question: is our accounting broken?\n\n"
        "14:31  Pell\nreading the vault path\nno vault bug so far\n"
    )
    t = parse(text, default_date=date(2021, 10, 27))
    assert [(m.author, hm(m), m.text.split("\n")[0][:12]) for m in t.messages] == [
        ("Lira", "10-27 14:21", "opening this"),
        ("cathode", "10-27 14:23", "yUSD pps wen"),
        ("w0lfram", "10-27 14:26", "first questi"),
        ("Pell", "10-27 14:31", "reading the "),
    ]


def test_timeline_rows_with_two_spaces_after_the_time_stay_rows():
    text = "14:21  deploy started\n14:23  errors climbing\n14:26  rolled back\n14:31  all clear\n"
    t = parse(text, default_date=date(2021, 10, 27))
    assert [m.author for m in t.messages] == ["", "", "", ""]
    assert [m.text for m in t.messages][0] == "deploy started"


def test_an_incident_tools_timeline_with_its_text_indented_under_the_sender_keeps_its_rows():
    text = (
        "09:01  GitHub  PR merged\n       #18822 merged into master\n\n"
        "09:52  Dana Whitfield (pinned)\n       getting odd notifications\n\n"
        "09:58  Joel Kask (pinned)\n       checking row counts now\n\n"
        "10:06  Joel Kask (pinned)\n       ok this is bad\n"
    )
    before = [(m.author, m.text) for m in parse(text, default_date=date(2024, 1, 24)).messages]
    from facilitator.sources.paste_layout import _time_then_name

    assert _time_then_name(text.split("\n")) == text.split("\n")
    assert before  # the tool's own reader still reads it


def test_several_speakers_under_one_time_line_are_each_a_message():
    text = (
        "Tuesday, March 31, 2015\n9:31 AM\nWren Holloway\nis it just me or is SO crawling\n"
        "Kip Naidoo\nnot just you, 2-4s page loads\n"
        "9:33 AM\nTomas Lindqvist\nweb tier looks bored\nKip Naidoo\nsql too, nothing in the slow log\n"
        "9:35 AM\nWren Holloway\nbosun is complaining about the lbs\n"
    )
    t = parse(text)
    assert [(m.author, hm(m), m.text[:12], m.id) for m in t.messages] == [
        ("Wren Holloway", "03-31 09:31", "is it just m", "L2"),
        ("Kip Naidoo", "03-31 09:31", "not just you", "L5"),
        ("Tomas Lindqvist", "03-31 09:33", "web tier loo", "L7"),
        ("Kip Naidoo", "03-31 09:33", "sql too, not", "L10"),
        ("Wren Holloway", "03-31 09:35", "bosun is com", "L12"),
    ]


def test_a_name_said_once_inside_a_message_stays_in_the_text():
    text = "Wren Holloway  9:31 AM\nwho is on call?\nKip Naidoo\nhe said he'd look\nKip Naidoo  9:33 AM\nhere\n"
    t = parse(text, default_date=date(2015, 3, 31))
    assert [m.author for m in t.messages] == ["Wren Holloway", "Kip Naidoo"]


def test_an_apps_label_and_time_on_one_line_under_its_name_starts_a_bot_message():
    text = (
        "Rasmus Kjær\n12:26\nrelease 2023.6.1 going out now\n"
        "Checkly\nAPP \u00b7 12:27\n\u274c viewer.example.io / flipbook-smoke failed\n"
        "Sofie Lund\n12:28\nuhh flipbooks are sending me to the admin login??\n"
    )
    t = parse(text, default_date=date(2023, 2, 6))
    assert [(m.author, m.is_bot, hm(m), m.text[:6]) for m in t.messages] == [
        ("Rasmus Kjær", False, "02-06 12:26", "releas"),
        ("Checkly", True, "02-06 12:27", "\u274c view"),
        ("Sofie Lund", False, "02-06 12:28", "uhh fl"),
    ]


def test_a_keybase_export_tags_each_header_with_its_conversation_and_rules_its_day_dividers():
    text = (
        "──────── Sunday, October 31, 2021 ────────\n"
        "[#general]  tomaszk  9:33 PM\n"
        "My machine sent out 1 mojo to somewhere which I know I didn't do.\n"
        "[DM tomaszk,dortiz]  dortiz  9:34 PM\n"
        "hey saw your post in general. which machine, which wallet?\n"
        "[DM tomaszk,dortiz,ghalvorsen]  ghalvorsen  11:25 PM\n"
        "approved, fly out tomorrow with new hardware\n"
        "──────── Monday, November 1, 2021 ────────\n"
        "[DM tomaszk,dortiz,ghalvorsen]  dortiz  5:00 PM\n"
        "on site. setting up the new laptop now\n"
    )
    t = parse(text, default_date=date(2021, 10, 31))
    assert [(hm(m), m.author) for m in t.messages] == [
        ("10-31 21:33", "tomaszk"), ("10-31 21:34", "dortiz"), ("10-31 23:25", "ghalvorsen"), ("11-01 17:00", "dortiz"),
    ]
    assert t.messages[2].text == "approved, fly out tomorrow with new hardware"  # the rule is no part of it


def test_a_day_divider_written_the_japanese_or_korean_way_dates_the_messages_below():
    text = (
        "[6:02 PM] 森 健一: ベンダーに連絡しました\n"
        "----- 2018年6月28日(木) -----\n"
        "[4:00 AM] 田村 翔: 同期完了、ログインできます\n"
        "2018년 6월 29일 금요일\n"
        "[9:15 AM] 김민서: 모든 서비스 정상\n"
        "—— 2018年6月30日 星期六 ——\n"  # Feishu's export: em dashes and the weekday in Chinese
        "[8:00 AM] 周凯: 再观察一晚\n"
    )
    t = parse(text, default_date=date(2018, 6, 27))
    assert [hm(m) for m in t.messages] == ["06-27 18:02", "06-28 04:00", "06-29 09:15", "06-30 08:00"]
    assert t.messages[2].text == "모든 서비스 정상"  # the divider is not glued to the message above
