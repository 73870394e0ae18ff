"""The paste parser, one format at a time: detection, authors, times, multi-line messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

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


def test_a_bracketed_stamp_with_month_and_day_but_no_year_is_read_on_that_day():
    t = parse(
        "[06/13 11:54] Wes Hollander: on it. invoke errors in iad\n"
        "[06/13 11:56] Aisha Karim: allocations look healthy\n",
        tz="America/Los_Angeles",
        default_date=date(2023, 6, 13),
    )
    assert [(m.author, m.at.strftime("%Y-%m-%d %H:%M")) for m in t.messages] == [
        ("Wes Hollander", "2023-06-13 11:54"),
        ("Aisha Karim", "2023-06-13 11:56"),
    ]


def test_a_ruled_line_naming_another_log_ends_the_message_above_but_a_quoted_mails_rule_does_not():
    t = parse(
        "2023-06-13 15:44  TicketBot: Sev1 resolved\n\n"
        "=== Chat room: lambda-iad-sev1 (copied) ===\n"
        "2023-06-13 11:54  Wes Hollander: on it\n"
        "2023-06-13 11:58  Wes Hollander: sent this to the list:\n\n"
        "-------- Original Message --------\nSubject: outage\n\nAll data is safe.\n",
        default_date=date(2023, 6, 13),
    )
    closed = next(m for m in t.messages if m.author == "TicketBot")
    assert closed.text == "Sev1 resolved"  # the rule is not glued to the last entry of the log above
    quoted = next(m for m in t.messages if m.text.startswith("sent this"))
    assert "Original Message" in quoted.text and "All data is safe." in quoted.text


def test_a_channel_name_line_with_a_day_dates_the_log_below_it():
    t = parse(
        "#wynton-ops — Tuesday, September 6, 2022\n"
        "[3:20 PM] Nagios: PROBLEM - 212 hosts DOWN\n"
        "[4:20 PM] Harold Bui: disabling the scheduler\n"
        "#wynton-ops — Friday, September 9, 2022\n"
        "[9:20 AM] Harold Bui: queues enabled. jobs are running\n",
        tz="America/Los_Angeles",
    )
    assert [(m.at.strftime("%m-%d %H:%M"), m.text) for m in t.messages] == [
        ("09-06 15:20", "PROBLEM - 212 hosts DOWN"),
        ("09-06 16:20", "disabling the scheduler"),  # the next day's line is not glued to it
        ("09-09 09:20", "queues enabled. jobs are running"),
    ]


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


def test_name_then_clock_then_colon_on_one_line_with_bots_and_day_lines():
    text = (
        "Zulip — stream #ops, topic \"builds down\"\n\n"
        "Tue, Aug 25 2020\n\n"
        "Monitor (bot) 20:55: :red_circle: **Queue** is DOWN (keyword check failed)\n"
        "Kaspar T. 21:02: anyone on? queue monitor just went red\n"
        "marta 23:58: restarting the build workers\n\n"
        "Wed, Aug 26 2020\n\n"
        "Oskar L. 02:14: clearing old build dirs on all nodes\n"
    )
    t = parse(text, tz="Europe/London")
    assert [(m.author, m.is_bot, m.at.strftime("%m-%d %H:%M")) for m in t.messages] == [
        ("Monitor (bot)", True, "08-25 20:55"), ("Kaspar T.", False, "08-25 21:02"),
        ("marta", False, "08-25 23:58"), ("Oskar L.", False, "08-26 02:14"),
    ]  # fmt: skip
    assert t.messages[1].text == "anyone on? queue monitor just went red"


def test_a_timeline_note_with_a_clock_after_a_word_is_no_speaker():
    t = parse("Update 14:02: deployed the fix\nAlice 14:05: error rate back to baseline\n", default_date=date(2024, 5, 1))
    assert "Update" not in [m.author for m in t.messages]


@pytest.mark.parametrize(
    "first",
    ["#cloudbank-incident", "#cloudbank-incident  (copied from Slack desktop, times as shown on Maya's laptop)", "== #cloudbank-incident =="],
)
def test_a_channel_name_above_the_first_message_names_the_paste(first):
    t = parse(first + "\n\nMaya Okafor  5:44 PM\nack. looking\n\nMaya Okafor  5:49 PM\nreverting\n", default_date=date(2025, 7, 11))
    assert t.channel == "#cloudbank-incident" and [m.text for m in t.messages] == ["ack. looking", "reverting"]


def test_a_second_channel_pasted_below_does_not_rename_the_paste():
    t = parse("#inc-42-api\n[10:00] ana: api 500s\n\n#ops\n[10:05] ben: looking\n", default_date=date(2025, 7, 11))
    assert t.channel == "#inc-42-api" and len(t.messages) == 2


@pytest.mark.parametrize("stamp", ["[{t}] {who}: {text}", "{who}  {t}\n{text}"])
def test_a_channel_header_repeated_with_each_days_date_in_brackets_dates_that_days_log(stamp):
    def line(t, who, text):
        return stamp.format(t=t, who=who, text=text)

    text = "\n".join([
        "#inc-orbit-degen-apex  (Sunday, May 12th)", line("4:10 PM", "Priya Raman", "batch poster way behind"),
        "#inc-orbit-degen-apex  (Wednesday, May 15th)", line("4:00 PM", "Tom Okafor", "apex rpc opened to public"),
    ])  # fmt: skip
    t = parse(text, default_date=date(2024, 5, 12))
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["05-12 16:10", "05-15 16:00"]
