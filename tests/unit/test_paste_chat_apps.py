"""Pastes copied from Microsoft Teams, Discord, Mattermost and Rocket.Chat, and dates in other languages."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from facilitator.errors import SourceError
from facilitator.sources.paste import MissingDateError, detect_format, parse_transcript

UTC = timezone.utc


def parse(text: str, tz: str = "UTC", default_date: date | None = date(2024, 12, 3)):
    return parse_transcript(text, tz=tz, default_date=default_date, origin="paste.txt")


def texts(t) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in t.messages]


# --- Microsoft Teams ---------------------------------------------------------------------

TEAMS = """\
[10:37 AM] Dana Okafor

checkout is throwing 500s, anyone looking?

like 1

[10:38 AM] Okafor, Kofi (Ext)

looking now
the pool is at 100%

Edited
👍 2 ❤️ 1

[1:05 PM] Dana Okafor

```
ERROR pool exhausted
```

[1:06 PM] Dana Okafor

👍
"""


def test_teams_headers_start_messages_and_the_text_below_is_theirs():
    t = parse(TEAMS)
    assert t.format == "teams" and detect_format(TEAMS) == "teams"
    assert texts(t) == [
        ("Dana Okafor", "checkout is throwing 500s, anyone looking?"),
        ("Okafor, Kofi (Ext)", "looking now\nthe pool is at 100%"),
        ("Dana Okafor", "```\nERROR pool exhausted\n```"),
        ("Dana Okafor", "👍"),  # a message that is only an emoji is a message, not a reaction
    ]
    assert [m.id for m in t.messages] == ["L1", "L7", "L15", "L21"]
    assert [m.edited for m in t.messages] == [False, True, False, False]
    assert not t.unattributed


def test_teams_replies_indented_under_a_post_keep_names_with_a_team_after_them():
    text = (
        "Karen Whitfield (NHSE Wessex)\n08/10/2024 12:29\nTIS is really slow for us\n\n"
        "    Ola Bankole (NHSE London)\n    08/10/2024 12:47\n    Not just Wessex - London getting Bad Gateway\n\n"
        "    Priya Raman\n    08/10/2024 13:00\n    Thanks both, looking into it now\n\n"
        "    Mark Dunn (NHSE Wessex)\n    08/10/2024 13:06\n    Same in our office\n"
    )
    t = parse(text, tz="Europe/London")
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("12:29", "Karen Whitfield (NHSE Wessex)"), ("12:47", "Ola Bankole (NHSE London)"),
        ("13:00", "Priya Raman"), ("13:06", "Mark Dunn (NHSE Wessex)"),
    ]
    assert t.messages[2].text == "Thanks both, looking into it now"


def test_teams_times_are_aware_in_the_configured_zone_on_the_given_date():
    t = parse(TEAMS, tz="Europe/Berlin")
    first, third = t.messages[0], t.messages[2]
    assert first.at == datetime(2024, 12, 3, 10, 37, tzinfo=ZoneInfo("Europe/Berlin"))
    assert first.at.utcoffset() == timedelta(hours=1)
    assert third.at.hour == 13 and third.at.minute == 5  # "1:05 PM"


def test_teams_without_a_date_asks_for_one():
    with pytest.raises(MissingDateError, match="--date"):
        parse(TEAMS, default_date=None)


def test_teams_header_with_the_date_in_it():
    text = (
        "[10:42 • 13/08/2024] Dana Okafor:\ncan we close incident 4321?\n👍 ❤️\n"
        "[10:50 • 13/08/2024] Kofi Mensah:\nyes\n"
    )
    t = parse(text, default_date=None)
    assert t.format == "teams"
    assert texts(t) == [("Dana Okafor", "can we close incident 4321?"), ("Kofi Mensah", "yes")]
    assert t.messages[0].at == datetime(2024, 8, 13, 10, 42, tzinfo=UTC)


def test_teams_one_line_variant_is_read_as_chat_lines():
    t = parse("[10:32 AM] Dana Okafor: checkout down\n[10:33 AM] Kofi Mensah: looking\n[12:10] Me: which one\n")
    assert texts(t) == [("Dana Okafor", "checkout down"), ("Kofi Mensah", "looking"), ("Me", "which one")]
    assert [m.at.hour for m in t.messages] == [10, 10, 12]


# --- Discord ------------------------------------------------------------------------------

DISCORD = """\
Dana Okafor
dana_o
Do Not Disturb

Dana Okafor — Yesterday at 11:52 PM
checkout is throwing 500s
anyone looking?
Kofi — Today at 12:05 AM
looking now (edited)
stacktrace.txt
32 KB
Expand
Lyn. — 12/03/2024 00:20
rolled back
👍
3
"""


def test_discord_headers_relative_days_and_interface_text():
    t = parse(DISCORD)
    assert t.format == "discord"
    assert texts(t) == [
        ("Dana Okafor", "checkout is throwing 500s\nanyone looking?"),
        ("Kofi", "looking now\nstacktrace.txt"),
        ("Lyn.", "rolled back"),
    ]
    assert [m.at for m in t.messages] == [
        datetime(2024, 12, 2, 23, 52, tzinfo=UTC),  # "Yesterday" is the day before --date
        datetime(2024, 12, 3, 0, 5, tzinfo=UTC),
        datetime(2024, 12, 3, 0, 20, tzinfo=UTC),
    ]
    assert [m.edited for m in t.messages] == [False, True, False]
    # The profile card above the first message is kept, not silently dropped.
    assert [u.text for u in t.unattributed] == ["Dana Okafor", "dana_o", "Do Not Disturb"]


def test_discord_today_without_date_option_is_the_current_day_in_the_zone():
    t = parse("Kofi — Today at 9:05 AM\nrestarting\n", tz="America/New_York", default_date=None)
    today = datetime.now(ZoneInfo("America/New_York")).date()
    assert t.messages[0].at == datetime.combine(today, datetime.min.time().replace(hour=9, minute=5),
                                                ZoneInfo("America/New_York"))


def test_name_dash_time_headers_with_en_dash():
    t = parse("Andrew Brown – 8:55 AM\nthis is a line :eyes:\nanother post\n\nEric Sethna – 10:55 AM\nok\n")
    assert t.format == "discord"
    assert texts(t) == [("Andrew Brown", "this is a line :eyes:\nanother post"), ("Eric Sethna", "ok")]


# --- Mattermost and Rocket.Chat (read by the Slack copy-paste reader) ---------------------


def test_mattermost_copy_with_avatar_lines_and_lowercase_usernames():
    text = ("dana.o profile image\t\ndana.o\n2:38 PM\n\n\n\nrestarting the pool now\n\nsecond line\n\n"
            "kofi profile image\t\nkofi\n2:39 PM\nok watching graphs\n")
    t = parse(text)
    assert t.format == "slack"
    assert texts(t) == [("dana.o", "restarting the pool now\n\nsecond line"), ("kofi", "ok watching graphs")]
    assert [m.at.hour * 60 + m.at.minute for m in t.messages] == [14 * 60 + 38, 14 * 60 + 39]
    assert not t.unattributed


def test_rocketchat_copy_with_the_name_twice():
    t = parse("dana\ndana\n10:50 AM\nTesting db failover\n\nkofi\nkofi\n11:00 AM\nsome text\nmore text\n")
    assert texts(t) == [("dana", "Testing db failover"), ("kofi", "some text\nmore text")]
    assert [m.id for m in t.messages] == ["L1", "L6"]


def test_slack_follow_up_after_a_repeated_word_keeps_its_author():
    t = parse("Dana Okafor  10:32\nrestart?\nok\nok\n10:33\nrestarted\n")
    assert [m.author for m in t.messages] == ["Dana Okafor", "Dana Okafor"]
    assert t.messages[0].text == "restart?\nok\nok"


# --- month names in other languages -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3 déc. 2024 10:32 Amélie Durand: le checkout renvoie des 500", datetime(2024, 12, 3, 10, 32)),
        ("3. Dez. 2024 10:32 Jonas Weber: Rollback gestartet", datetime(2024, 12, 3, 10, 32)),
        ("3. Dezember 2024 um 14:05 Jonas Weber: erledigt", datetime(2024, 12, 3, 14, 5)),
        ("4 de dic. de 2024, 09:02 Lucía Gómez: todo estable", datetime(2024, 12, 4, 9, 2)),
        ("13 ago. 2024 18:40 João Silva: incidente aberto", datetime(2024, 8, 13, 18, 40)),
        ("3 mrt 2024 07:15 Sanne de Vries: alles groen", datetime(2024, 3, 3, 7, 15)),
        ("[2 févr. 2025 23:59] Amélie Durand: fin", datetime(2025, 2, 2, 23, 59)),
    ],
)
def test_dated_lines_with_month_names_in_other_languages(line: str, expected: datetime):
    t = parse(line + "\n", tz="Europe/Paris", default_date=None)
    assert t.format == "timestamped"
    assert t.messages[0].at == expected.replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert t.messages[0].author and ":" not in t.messages[0].text


def test_localised_divider_and_heading_set_the_day():
    slack = "Dienstag, 3. Dezember 2024\nDana Okafor  10:32\nhallo\n"
    assert parse(slack, default_date=None).messages[0].at.date() == date(2024, 12, 3)
    notes = "## terça-feira, 3 de dezembro de 2024\n- 14:02 alerta disparou\n- 14:10 rollback\n"
    t = parse(notes, default_date=None)
    assert [m.at.date() for m in t.messages] == [date(2024, 12, 3)] * 2


def test_words_that_look_like_month_abbreviations_are_not_dates():
    t = parse("## Step 3 set up DNS\n- 14:02 started\n", default_date=date(2024, 12, 3))
    assert t.messages[0].at.date() == date(2024, 12, 3)


def test_garbage_still_gives_the_plain_error():
    with pytest.raises(SourceError, match=r"^paste.txt contains no messages I can read"):
        parse("lorem ipsum — dolor\n[sit amet]\nconsectetur\n")


@pytest.mark.parametrize(
    "text",
    ["[14:02] Deploy started\n[14:05] Errors spike on checkout\n[14:10] Rollback\n",
     "Deploy started — 14:02\nErrors spike — 14:05\n"],
)
def test_header_lines_without_text_below_are_not_a_chat(text: str):
    assert detect_format(text) == "unknown"


def test_name_date_time_header_keeps_the_date_out_of_the_name():
    t = parse("Alice Smith 3/12/2024 10:32 AM\ncheckout down\nBob Jones 4/12/2024 9:05 AM\nlooking\n",
              default_date=date(2024, 12, 1))
    assert texts(t) == [("Alice Smith", "checkout down"), ("Bob Jones", "looking")]
    assert [m.at for m in t.messages] == [datetime(2024, 12, 3, 10, 32, tzinfo=UTC),
                                          datetime(2024, 12, 4, 9, 5, tzinfo=UTC)]


def test_a_discord_bot_header_copied_over_three_lines_starts_its_own_message():
    text = (
        "Uptime Kuma\nAPP\n — 01/05/2025 00:22\n🔴 [Tickets Bot] is DOWN — connect ETIMEDOUT\n"
        "Rowan — 01/05/2025 00:40\nlooking\n[04:08]\nit's logging in to the gateway\n"
        "Uptime Kuma\nAPP\n — 01/05/2025 04:18\n🟢 [Tickets Bot] is UP — down for 3h 56m\n"
    )
    t = parse_transcript(text, tz="Europe/London", default_date=date(2025, 5, 1), origin="discord.txt")
    rows = [(m.at.strftime("%H:%M"), m.author, m.is_bot) for m in t.messages]
    assert rows == [("00:22", "Uptime Kuma", True), ("00:40", "Rowan", False), ("04:08", "Rowan", False), ("04:18", "Uptime Kuma", True)]
    assert "Uptime Kuma" not in t.messages[2].text


def test_elements_text_export_names_the_display_name_not_the_matrix_id():
    text = (
        'Element export \u2014 room "Hex" (#hex:erlef.org)\n\n'
        "Wed, Jul 30 2025, 23:52 - Marco Rossi (@mroach:matrix.org): anyone else getting certificate expired?\n"
        "Thu, Jul 31 2025, 08:52 - Tomasz Wrona (@tomasz:erlef.org): morning. reading back now\n"
        "Thu, Jul 31 2025, 09:29 - kjell (@kjell:matrix.org): publish works again\n"
    )
    t = parse(text, tz="Europe/Warsaw", default_date=None)
    assert [(m.at.strftime("%d %H:%M"), m.author) for m in t.messages] == [
        ("30 23:52", "Marco Rossi"), ("31 08:52", "Tomasz Wrona"), ("31 09:29", "kjell"),
    ]
    assert t.messages[0].text == "anyone else getting certificate expired?"


def test_teams_headers_with_a_dashed_day_first_date_and_last_name_first():
    text = (
        "Voice NOC \u2013 Major Incidents\n"
        "[24-6-2019 15:35] NMS Alarm Bridge\nCRITICAL | VOICE-RTG-01 | call setup success 3%\n"
        "[24-6-2019 15:37] de Wit, Jeroen\nall four RTG red at the same time?\n"
        "[24-6-2019 15:38] Bakker, Ilse\nnot the collector. test calls fail\n"
    )
    t = parse(text, tz="Europe/Amsterdam", default_date=None)
    assert [(m.at.strftime("%Y-%m-%d %H:%M"), m.author, m.is_bot) for m in t.messages] == [
        ("2019-06-24 15:35", "NMS Alarm Bridge", True), ("2019-06-24 15:37", "de Wit, Jeroen", False),
        ("2019-06-24 15:38", "Bakker, Ilse", False),
    ]


def test_element_webs_copy_with_the_matrix_id_in_the_header_names_the_display_name():
    text = (
        "#voidlinux-infra:libera.chat (bridged) \u2014 copied from Element web\n\n"
        "mrd (@mrd:libera.chat)  11:54\na-hel-fi is not answering. build.voidlinux.org is down\n\n"
        "sandr (@sandr:matrix.org)  11:55\noh that explains the package search 502\n\n"
        "gtx (@gtx:libera.chat)  11:57\nhere. I have robot. give me a sec\n"
    )
    t = parse(text, tz="Europe/Berlin", default_date=date(2021, 6, 6))
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [("11:54", "mrd"), ("11:55", "sandr"), ("11:57", "gtx")]
    assert t.messages[1].text == "oh that explains the package search 502"


def test_a_discord_nickname_with_a_bracketed_tag_starts_its_own_message():
    text = (
        "zeb_xrplnode — 25/11/2024 14:42\nddos? bandwidth graph is flat though\n\n"
        "Kasia [RippleX] — 25/11/2024 14:43\nwe see it too, multiple UNL validators crashed\n\n"
        "okko — 25/11/2024 14:45\nso a transaction is crashing nodes??\n"
    )
    t = parse(text, default_date=None)
    assert [(m.author, m.text[:12]) for m in t.messages] == [
        ("zeb_xrplnode", "ddos? bandwi"),
        ("Kasia [RippleX]", "we see it to"),
        ("okko", "so a transac"),
    ]


def test_a_zulip_markdown_copy_with_bold_names_and_bracketed_times_is_read():
    text = (
        "**Pieter de Vries** [03:22]\nstarting the host replacement in us-east-1, zk-3 first\n\n"
        "**Anna Keller** [03:55]\ngot paged: proxy upstream errors in us-east-1, lots of 502/503\n"
    )
    t = parse(text, default_date=date(2019, 2, 4))
    assert [(m.author, m.text[:12], m.at.strftime("%H:%M")) for m in t.messages] == [
        ("Pieter de Vries", "starting the", "03:22"),
        ("Anna Keller", "got paged: p", "03:55"),
    ]


def test_a_rocket_chat_export_names_the_person_and_reads_a_bot_by_its_handle():
    text = (
        "Rocket.Chat export — channel #sso (chat.example.org)\n\n"
        "Uptime.com (uptime.bot) - 2/26/2021, 3:31:02 PM\nDOWN — https://dev.example.org/auth — HTTP 504\n\n"
        "Nadia Brar (nbrar) - 2/26/2021, 3:33:15 PM\nanyone else getting 504 from dev?\nmy login redirect just dies\n\n"
        "Jess Kwan (jkwan) - 2/26/2021, 3:34:02 PM\nlooking\n"
    )
    t = parse(text, tz="America/Vancouver", default_date=None)
    assert [(m.author, m.is_bot, m.at.strftime("%m-%d %H:%M:%S")) for m in t.messages] == [
        ("Uptime.com", True, "02-26 15:31:02"),
        ("Nadia Brar", False, "02-26 15:33:15"),
        ("Jess Kwan", False, "02-26 15:34:02"),
    ]
    assert t.messages[1].text == "anyone else getting 504 from dev?\nmy login redirect just dies"


def test_a_copy_with_the_sender_and_time_on_one_line_split_by_a_pipe_is_read_and_telegrams_piped_names_stay_whole():
    text = (
        "build-monitor (bot) | 09:21\n⚠️ Build failure rate 23% over the last 10 min\n\n"
        "Nina Kowalczyk | 09:21\nsupport is seeing failed-build reports too\n\n"
        "Joe Tran | 09:23\nfailures are in `composer install`\n"
    )
    t = parse(text, tz="America/Chicago", default_date=date(2026, 3, 11))
    assert [(m.author, m.is_bot, m.at.strftime("%H:%M"), m.text[:12]) for m in t.messages] == [
        ("build-monitor (bot)", True, "09:21", "⚠️ Build fai"),
        ("Nina Kowalczyk", False, "09:21", "support is s"),
        ("Joe Tran", False, "09:23", "failures are"),
    ]
    telegram = parse("Marek | Titan, [28.11.2024 05:58]\n👀 on it, pulling relay logs now\n\n"
                     "Ravi | bloXroute, [28.11.2024 06:03]\nwe see it too\n", default_date=None)
    assert [m.author for m in telegram.messages] == ["Marek | Titan", "Ravi | bloXroute"]


def test_an_element_export_naming_senders_by_matrix_id_reads_the_display_name():
    text = (
        "#sec-war-room:example.org — exported from Element\n\n"
        "-- Friday, 21 February 2025 --\n"
        "@chainwatch:example.org (chain-watch) 15:13:41\n⚠️ High-value execution on watched Safe\n\n"
        "@jonas.f:example.org (Jonas Feld) 15:24:10\npeople on X are saying the cold wallet just got drained\n\n"
        "@mira.s:example.org 15:26:02\nopening this room\n"
    )
    t = parse(text, tz="Europe/Berlin", default_date=None)
    assert [(m.author, m.is_bot, m.at.strftime("%m-%d %H:%M:%S")) for m in t.messages] == [
        ("chain-watch", True, "02-21 15:13:41"),
        ("Jonas Feld", False, "02-21 15:24:10"),
        ("mira.s", False, "02-21 15:26:02"),  # no display name set: the ID's local part
    ]
