"""The paste parser, one format at a time: detection, authors, times, multi-line messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from facilitator.errors import SourceError
from facilitator.sources.paste import MissingDateError, detect_format, parse_transcript, read_transcript_file

PASTES = Path(__file__).resolve().parents[1] / "data" / "pastes"
UTC = timezone.utc


def parse(text: str, tz: str = "UTC", default_date: date | None = None, origin: str = "paste.txt"):
    return parse_transcript(text, tz=tz, default_date=default_date, origin=origin)


def load(name: str, **kw):
    return parse(read_transcript_file(PASTES / name), origin=name, **kw)


def utc(m) -> datetime:
    return m.at.astimezone(UTC)


# --- timestamped chat lines -------------------------------------------------------------


def test_timestamped_lines_with_and_without_seconds_offsets_and_zones():
    t = load("timestamped.txt")
    assert t.format == "timestamped"
    assert [m.id for m in t.messages] == ["L2", "L3", "L4", "L7", "L8", "L9", "L10", "L12"]
    by_id = {m.id: m for m in t.messages}
    assert by_id["L2"].author == "Alice Smith" and by_id["L2"].text == "checkout is throwing 500s 🔥"
    assert utc(by_id["L2"]) == datetime(2024, 12, 3, 10, 32, 5, tzinfo=UTC)
    assert utc(by_id["L4"]) == datetime(2024, 12, 3, 10, 33, tzinfo=UTC)  # no seconds
    assert utc(by_id["L7"]) == datetime(2024, 12, 3, 10, 35, 10, tzinfo=UTC)  # T separator, Z
    assert utc(by_id["L9"]) == datetime(2024, 12, 3, 10, 40, tzinfo=UTC)  # +01:00 offset wins over tz
    assert utc(by_id["L10"]) == datetime(2024, 12, 3, 18, 41, tzinfo=UTC)  # PST suffix wins
    # A chat line's zone does not leak into the next line, which has none.
    assert utc(by_id["L12"]) == datetime(2024, 12, 3, 10, 45, tzinfo=UTC)


def test_timestamped_multiline_unicode_bots_and_unattributed_preamble():
    t = load("timestamped.txt")
    zoe = t.get("L4")
    assert zoe.author == "Zoë Müller-Łukasik"
    assert zoe.text == "DB CPU looks fine\nsecond line of Zoë's message\n    indented third line"
    assert t.get("L7").author == "PagerDuty" and t.get("L7").is_bot
    assert not t.get("L2").is_bot
    assert t.get("L8").text == "paging Carol, she owns the pool config"  # trailing tab stripped
    assert [(u.origin, u.text) for u in t.unattributed] == [
        ("timestamped.txt:1", "Checkout incident, copied from the team chat export")
    ]
    assert t.get("L2").origin == "timestamped.txt:2"


def test_timestamped_line_without_a_speaker_keeps_text_and_empty_author():
    t = parse("2024-12-03 10:32 Alice Smith: hello\n2024-12-03 10:33 - deploy finished, no one said it\n")
    assert [m.author for m in t.messages] == ["Alice Smith", ""]
    assert t.messages[1].text == "deploy finished, no one said it"


def test_windows_line_endings_bom_and_nbsp_are_normalised():
    text = "\ufeff[2024-12-03 10:32] Alice: one\r\ncontinued\r\n[2024-12-03\u00a010:33] Bob: two\r\n"
    t = parse(text)
    assert [(m.id, m.author, m.text) for m in t.messages] == [("L1", "Alice", "one\ncontinued"), ("L3", "Bob", "two")]


# --- IRC ----------------------------------------------------------------------------------


def test_irc_log_with_day_changed_joins_actions_and_bots():
    t = load("irc.log")
    assert t.format == "irc"
    assert [m.author for m in t.messages] == ["alice", "alice", "bob", "bob", "alice", "alertbot", "carol", "carol"]
    assert t.messages[0].subtype == "channel_join" and t.messages[0].is_system
    assert t.messages[-1].subtype == "channel_leave"
    assert t.get("L5").text == "* bob restarts checkout-7f9c"
    assert t.get("L8").is_bot and not t.get("L3").is_bot
    # "Log opened" gives the first date; "Day changed" moves to the next one.
    assert utc(t.get("L3")) == datetime(2024, 12, 2, 23, 41, tzinfo=UTC)
    assert utc(t.get("L7")) == datetime(2024, 12, 3, 0, 3, tzinfo=UTC)
    assert utc(t.get("L9")) == datetime(2024, 12, 3, 0, 10, 15, tzinfo=UTC)  # bracketed seconds, voice prefix
    assert t.participants() == [("alice", 2), ("bob", 2), ("carol", 1)]


def test_irc_without_dates_needs_date_and_rolls_over_midnight():
    with pytest.raises(MissingDateError, match=r"irc_nodates\.log .*--date"):
        load("irc_nodates.log")
    t = load("irc_nodates.log", default_date=date(2024, 12, 3))
    assert [utc(m) for m in t.messages] == [
        datetime(2024, 12, 3, 23, 50, 1, tzinfo=UTC),
        datetime(2024, 12, 3, 23, 58, 30, tzinfo=UTC),
        datetime(2024, 12, 4, 0, 1, 12, tzinfo=UTC),
        datetime(2024, 12, 4, 0, 20, 45, tzinfo=UTC),
    ]


def test_irc_times_use_the_given_timezone():
    t = parse("10:32 <alice> hi\n10:40 <bob> yo\n", tz="Europe/Berlin", default_date=date(2024, 12, 3))
    assert utc(t.messages[0]) == datetime(2024, 12, 3, 9, 32, tzinfo=UTC)
    assert t.timezone == "Europe/Berlin"


# --- Slack copy-paste ------------------------------------------------------------------


def test_slack_copy_paste_headers_continuations_dividers_and_noise():
    t = load("slack_copy.txt", default_date=date(2024, 12, 4))  # the day its "Yesterday" messages were written
    assert t.format == "slack"
    got = [(m.id, m.author, m.text) for m in t.messages]
    assert got[:5] == [
        ("L2", "Priya Natarajan", "Opening this channel for the checkout alert. Datadog fired at 14:07"),
        ("L4", "PagerDuty", "Triggered #58213 checkout-service 5xx error rate > 5%"),
        ("L6", "Priya Natarajan", "I'll take IC"),  # ":eyes: 2" reaction line dropped
        ("L9", "Marcus Webb", "here, looking at grafana"),  # name line + time line
        ("L12", "Marcus Webb", "errors started ~14:00, all on POST /api/checkout/confirm"),  # bare time: same author
    ]
    assert t.get("L4").is_bot  # "APP" tag
    tomas = t.get("L17")
    assert tomas.author == "Tomás Ruiz" and tomas.text == "hola, DB on-call here" and tomas.edited
    assert not any("View thread" in m.text or "replies" in m.text for m in t.messages)
    hannah = t.get("L21")
    assert hannah.text == "Status page updated:\nhttps://status.example.com/incidents/x7k2\ncustomers notified"
    # Dividers: "Tuesday, December 3rd" (year from --date); "Yesterday" is --date and "Today" the day after.
    assert utc(t.get("L2")) == datetime(2024, 12, 3, 14, 9, tzinfo=UTC)
    assert utc(t.get("L12")) == datetime(2024, 12, 3, 14, 12, tzinfo=UTC)  # "2:12" read as PM after 2:11 PM
    assert utc(hannah) == datetime(2024, 12, 4, 9, 5, tzinfo=UTC)
    assert utc(t.get("L26")) == datetime(2024, 12, 5, 10, 0, tzinfo=UTC)
    assert t.unattributed == []


# --- timeline notes -----------------------------------------------------------------------


def test_timeline_bullets_title_preamble_and_authors():
    t = load("timeline.md")
    assert t.format == "timeline"
    assert t.channel == "Incident 2041: checkout errors"
    authors = {m.id: m.author for m in t.messages}
    assert authors["L11"] == "Priya"  # "14:10 Priya: I'll take IC"
    assert authors["L9"] == ""  # "14:07 UTC: ..." is not written by someone called UTC
    assert all(not m.is_bot for m in t.messages)
    assert t.get("L9").text == "Datadog alert fires for 5xx > 5%\n  continuation: error rate 6.8% and climbing"
    assert t.get("L12").text == "Marcus posts the QueuePool timeout from the logs"  # "14:16 - text"
    assert t.get("L13").text == "Dana suggests an RDS failover; ruled out at 14:33"  # "* **14:20** text"
    assert "approximate" in t.get("L15").text and utc(t.get("L15")).minute == 51
    # "## 2024-12-03" heading gives the date; 00:30 after 23:58 rolls to the next day.
    assert utc(t.get("L8")) == datetime(2024, 12, 3, 13, 52, tzinfo=UTC)
    assert utc(t.get("L18")) == datetime(2024, 12, 4, 0, 30, tzinfo=UTC)
    assert [u.text for u in t.unattributed] == ["Copied from the incident doc, some notes are rough."]


def test_timeline_zone_preamble_and_carry_forward():
    text = "All times in CEST (UTC+2)\n\n- 2018-07-08 ca. 18:30: launches fail\n- 22:48: reported on gitter\n"
    t = parse(text, tz="America/New_York")
    assert [utc(m) for m in t.messages] == [
        datetime(2018, 7, 8, 16, 30, tzinfo=UTC),
        datetime(2018, 7, 8, 20, 48, tzinfo=UTC),
    ]
    assert t.unattributed == []  # the preamble is not lost text, it set the zone
    notes = "- 2024-12-03 14:02 UTC: alert\n- 14:05: ack\n- 09:10 EST: customer call\n- 09:20: done\n"
    got = [utc(m) for m in parse(notes, tz="Asia/Tokyo").messages]
    assert got == [
        datetime(2024, 12, 3, 14, 2, tzinfo=UTC),
        datetime(2024, 12, 3, 14, 5, tzinfo=UTC),  # UTC carried forward
        datetime(2024, 12, 3, 14, 10, tzinfo=UTC),  # EST stated
        datetime(2024, 12, 3, 14, 20, tzinfo=UTC),
    ]


def test_zone_abbreviation_out_of_season_is_read_as_regional_time_with_a_warning():
    t = parse("- 2018-07-30 11:20 PST: launches stall\n")
    assert utc(t.messages[0]) == datetime(2018, 7, 30, 18, 20, tzinfo=UTC)  # Pacific daylight time
    assert any("PST" in w and "America/Los_Angeles" in w for w in t.warnings)
    explicit = parse("All times in PST (UTC-8)\n- 2018-07-30 11:20: launches stall\n")
    assert utc(explicit.messages[0]) == datetime(2018, 7, 30, 19, 20, tzinfo=UTC)  # the offset wins


def test_timeline_date_from_heading_without_default_date_and_error_without_any_date():
    t = parse("## Tuesday, December 3rd 2024\n\n- 14:02 alert\n- 14:10 ack\n")
    assert utc(t.messages[0]) == datetime(2024, 12, 3, 14, 2, tzinfo=UTC)
    with pytest.raises(SourceError, match=r"notes\.md has times but no dates; pass --date"):
        parse("- 14:02 alert\n- 14:10 ack\n", origin="notes.md")


def test_small_backwards_step_keeps_the_day_and_warns():
    t = parse("- 14:05 second\n- 14:02 first, written late\n", default_date=date(2024, 12, 3))
    assert [utc(m).date() for m in t.messages] == [date(2024, 12, 3)] * 2
    assert any("backwards" in w for w in t.warnings)


# --- Markdown tables ---------------------------------------------------------------------


def test_markdown_table_with_time_who_and_event_columns():
    t = load("table.md")
    assert t.format == "table"
    assert t.channel == "Postmortem: payments outage"
    got = [(m.id, m.author, m.text) for m in t.messages]
    assert got == [
        ("L5", "Datadog", "Alert: checkout 5xx > 5%"),
        ("L6", "Priya Natarajan", "Takes IC"),
        ("L7", "Tomás Ruiz", "Rules out DB failover | no RDS events\n(the AWS Health dashboard was checked too)"),
        ("L9", "Marcus Webb", "Error rate back to normal"),
    ]
    assert t.get("L5").is_bot
    assert utc(t.get("L9")) == datetime(2024, 12, 3, 15, 1, tzinfo=UTC)
    assert [u.text for u in t.unattributed] == ["Lessons learned are in the doc."]


def test_table_header_zone_and_text_from_remaining_columns():
    text = "| When (PST) | What | Impact |\n| --- | --- | --- |\n| 2017-11-30 16:22 | OOM | degraded |\n"
    t = parse(text)
    assert utc(t.messages[0]) == datetime(2017, 12, 1, 0, 22, tzinfo=UTC)
    assert t.messages[0].text == "OOM — degraded"  # the event column first, other columns kept
    t = parse("| Impact | Timestamp | Who | Note |\n|---|---|---|---|\n| 5% | 2024-12-03 10:00 | Ann | a |\n")
    assert (t.messages[0].author, t.messages[0].text) == ("Ann", "a — 5%")


# --- Markdown heading timelines -------------------------------------------------------


def test_heading_timeline_bodies_code_fences_subheadings_and_sections():
    t = load("headings.md")
    assert t.format == "headings"
    assert t.channel == "Cache stampede on the catalog API"
    assert [m.id for m in t.messages] == ["L7", "L11", "L25"]
    assert [utc(m) for m in t.messages] == [
        datetime(2024, 2, 14, 8, 12, tzinfo=UTC),
        datetime(2024, 2, 14, 8, 40, tzinfo=UTC),
        datetime(2024, 2, 14, 9, 5, tzinfo=UTC),
    ]
    body = t.get("L11").text
    assert "```\n09:38:12 ALERT catalog-api latency p99 > 2000ms\n```" in body  # the fence is not a message
    assert "#### Notes from the restart\n\nRestarting took 4 minutes." in body
    assert t.get("L7").author == "" and t.get("L25").text.endswith("Latency back to normal.")
    assert [u.text for u in t.unattributed] == ["## Timeline", "## Lessons learned", "We need request coalescing."]


def test_heading_with_trailing_title_text_and_word_date():
    t = parse("### Dec 3, 2024 14:02 — Alert fires\nError rate 7%.\n### 14:30\nRolled back.\n")
    assert [(m.text, utc(m).hour, utc(m).minute) for m in t.messages] == [
        ("Alert fires\nError rate 7%.", 14, 2),
        ("Rolled back.", 14, 30),
    ]


# --- detection and garbage -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[2024-12-03 10:32:05] Alice Smith: text\n[2024-12-03 10:33:05] Bob: more\n", "timestamped"),
        ("2024-12-03T10:32+02:00 Alice: x\n2024-12-03T10:33+02:00 Bob: y\n", "timestamped"),
        ("[10:32:05] <alice> text\n[10:33:00] <bob> more\n", "irc"),
        ("10:32 <alice> text\n10:33 <bob> more\n", "irc"),
        ("Alice Smith  10:32 AM\nhello\nBob Jones  10:33 AM\nhi\n", "slack"),
        ("Alice Smith\n10:32 AM\nhello\n", "slack"),
        ("- 14:02 UTC: alert\n- 14:05 ack\n", "timeline"),
        ("14:02 - alert\n14:05 - ack\n", "timeline"),
        ("| Time | Event |\n|---|---|\n| 14:02 | alert |\n", "table"),
        ("### 2017-11-30 16:22 PST\nbody\n### 16:59\nmore\n", "headings"),
        ("just some prose\nwith no times\n", "unknown"),
    ],
)
def test_detect_format(text, expected):
    assert detect_format(text) == expected


@pytest.mark.parametrize("text", ["", "   \n\t\n", "lorem ipsum\ndolor sit amet\n", "\x00\x01 garbage 123"])
def test_empty_or_garbage_paste_is_a_source_error_naming_the_origin(text):
    with pytest.raises(SourceError) as info:
        parse(text, origin="stdin")
    message = str(info.value)
    assert message.startswith("stdin contains no messages I can read")
    assert "[2024-12-03 10:32] Alice: text" in message and "\n" not in message


def test_twenty_thousand_lines_parse_whole():
    # Speed is measured by bench/paste_speed.py, not asserted here.
    stamp = "[2024-12-03 {:02d}:{:02d}:{:02d}] User{}: m{}\n"
    text = "".join(stamp.format(i // 3600 % 24, i // 60 % 60, i % 60, i % 7, i) for i in range(20000))
    t = parse(text)
    assert len(t.messages) == 20000
    assert t.messages[-1].at - t.messages[0].at == timedelta(seconds=19999)


# --- variations seen in real reports and logs -------------------------------------------


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
