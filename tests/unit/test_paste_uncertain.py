"""The paste parser on times people write loosely: ranges, stray AM/PM, dates without times,
"~13:30", "2X:XX", bare offsets, day-first month names, and preamble links."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from facilitator.sources.paste import parse_transcript, read_transcript_file
from facilitator.transcript_io import transcript_from_dict, transcript_to_dict

PASTES = Path(__file__).resolve().parents[1] / "data" / "pastes"
UTC = timezone.utc


def parse(text: str, tz: str = "UTC", default_date: date | None = date(2024, 12, 3)):
    return parse_transcript(text, tz=tz, default_date=default_date, origin="p.md")


def stamps(t) -> list[tuple[str, str, str]]:
    return [(m.id, m.at.astimezone(UTC).strftime("%m-%d %H:%M"), m.time_precision) for m in t.messages]


# --- ranges and bare offsets ----------------------------------------------------------------


def test_heading_time_range_is_a_start_time_not_an_offset_and_does_not_leak():
    t = parse("### ~13:30-13:45\nLaunches fail.\n\n### 14:29\nReported.\n\n### 15:00 - 15:20\nFixed.\n")
    assert stamps(t) == [("L1", "12-03 13:30", "approximate"), ("L4", "12-03 14:29", ""), ("L7", "12-03 15:00", "")]
    assert all(m.at.utcoffset() == timedelta(0) for m in t.messages)  # no -13:45 carried forward
    assert "13:45" in t.messages[0].text and "15:20" in t.messages[2].text  # the range end is kept
    assert t.warnings == []


def test_timeline_ranges_with_hyphen_en_dash_and_spaces():
    t = parse("- 10:00-10:20: cache cold\n- 10:30–10:40 retries pile up\n- 10:50 - 11:05 UTC: paged\n- 11:10 fixed\n")
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["10:00", "10:30", "10:50", "11:10"]
    assert [m.text.split(")")[0] for m in t.messages[:3]] == ["(until 10:20", "(until 10:40", "(until 11:05"]
    assert all(m.at.utcoffset() == timedelta(0) for m in t.messages)


def test_table_time_cell_with_a_range():
    t = parse("| Time | Event |\n|---|---|\n| 09:10-09:25 | degraded |\n| 09:30 | fixed |\n", tz="Europe/Berlin")
    assert [m.at.isoformat() for m in t.messages] == ["2024-12-03T09:10:00+01:00", "2024-12-03T09:30:00+01:00"]
    assert "09:25" in t.messages[0].text


def test_bare_offsets_are_read_only_after_a_date_and_time():
    t = parse(
        "2024-12-03T10:40-07:00 Bob: iso offset\n"
        "2024-12-03 10:45:10 -0700 Carol: offset after seconds\n"
        "2024-12-03 10:50 -0700 Dan: colon-less offset, as git writes it\n"
        "2024-12-03 13:30-13:45 Erin: a range in a chat line\n"
    )
    assert [(m.author, m.at.isoformat()) for m in t.messages] == [
        ("Bob", "2024-12-03T10:40:00-07:00"),
        ("Carol", "2024-12-03T10:45:10-07:00"),
        ("Dan", "2024-12-03T10:50:00-07:00"),
        ("Erin", "2024-12-03T13:30:00+00:00"),
    ]
    assert t.messages[3].text == "(until 13:45) a range in a chat line"


def test_offset_after_utc_or_gmt_is_a_zone_and_a_plus_offset_too():
    t = parse("### 14:02 UTC+2\nfirst\n\n### 15:00 GMT-05:00\nsecond\n\n### 16:00+01:00\nthird\n")
    assert [m.at.utcoffset() for m in t.messages] == [timedelta(hours=2), timedelta(hours=-5), timedelta(hours=1)]


def test_inline_zone_that_disagrees_with_the_preamble_or_tz_is_noted_once_per_zone():
    t = parse("All times in UTC\n\n### 2024-12-03T14:02+02:00\nfirst\n\n### 2024-12-03T15:02+02:00\nsecond\n")
    assert utc_hours(t) == [12, 13]
    assert len(t.warnings) == 1 and "+02:00" in t.warnings[0] and "UTC" in t.warnings[0]
    same = parse("[2024-12-03 10:00:00+01:00] Alice: hi\n", tz="Europe/Berlin")
    assert same.warnings == []  # +01:00 is what Berlin is in December: nothing to say
    other = parse("[2024-12-03 10:00:00+01:00] Alice: hi\n", tz="America/New_York")
    assert len(other.warnings) == 1 and "America/New_York" in other.warnings[0]


def utc_hours(t) -> list[int]:
    return [m.at.astimezone(UTC).hour for m in t.messages]


# --- AM/PM on a 24-hour clock ------------------------------------------------------------------


def test_24_hour_time_with_pm_keeps_the_hour_and_warns():
    t = parse("### 2018-01-17 17:14pm\nrealised\n\n### 17:30 PM\nlogs\n\n### 5:40pm\nfix\n", tz="America/Los_Angeles")
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["17:14", "17:30", "17:40"]
    assert sum("24-hour time with AM/PM" in w for w in t.warnings) == 2
    assert any("'17:14pm'" in w for w in t.warnings)


# --- dates without times, day-first dates, unknown and approximate times -------------------------


def test_date_only_headings_keep_their_notes_flagged_and_set_the_day():
    t = parse("### 2018-01-15\n\nTravis was down.\n\n### 2018-01-16\n\n### 09:00\nStarted.\n", default_date=None)
    assert [(m.id, m.at.isoformat(), m.time_precision) for m in t.messages] == [
        ("L1", "2018-01-15T00:00:00+00:00", "date-only"),
        ("L7", "2018-01-16T09:00:00+00:00", ""),  # the bare date heading only set the day
    ]
    assert t.messages[0].text == "Travis was down."
    assert t.unattributed == [] and t.channel == ""  # a date is not a title


def test_date_only_heading_after_timed_entries_that_day_sits_at_the_previous_message():
    t = parse("### 2024-12-03 14:00\nfirst\n\n### 2024-12-03 (follow-up)\nnotes\n\n### 15:00\nlater\n")
    assert stamps(t) == [("L1", "12-03 14:00", ""), ("L4", "12-03 14:00", "date-only"), ("L7", "12-03 15:00", "")]
    assert t.messages[1].text.startswith("(follow-up)") and "notes" in t.messages[1].text


def test_level_one_dated_title_stays_the_title():
    t = parse("# 2024-12-03 Checkout outage\n\n### 09:00\nstart\n")
    assert t.channel == "2024-12-03 Checkout outage"
    assert stamps(t) == [("L3", "12-03 09:00", "")]


def test_day_first_heading_with_month_name_moves_to_that_day():
    t = parse("### 2018-04-18 19:47\nlast deploy\n\n### 19. April, 11:00\nfix merged\n\n### 11:07\ndeployed\n",
              default_date=None)
    assert [m.at.isoformat() for m in t.messages] == [
        "2018-04-18T19:47:00+00:00", "2018-04-19T11:00:00+00:00", "2018-04-19T11:07:00+00:00"]
    assert t.messages[1].text == "fix merged" and t.warnings == []


def test_uncertain_times_take_the_previous_time_and_are_flagged_unknown():
    t = parse("- 09:00 paged\n- ??:?? someone restarted the pool\n- 09:30 recovered\n")
    assert stamps(t) == [("L1", "12-03 09:00", ""), ("L2", "12-03 09:00", "unknown"), ("L3", "12-03 09:30", "")]
    assert t.messages[1].text == "(time unknown: ??:??) someone restarted the pool"
    notes = parse("### 20:10\nspike\n\n### 2X:XX (not sure exact time)\nanother restart\n\n### 21:00\ncalm\n")
    assert stamps(notes) == [("L1", "12-03 20:10", ""), ("L4", "12-03 20:10", "unknown"), ("L7", "12-03 21:00", "")]
    assert "2X:XX" in notes.messages[1].text and "another restart" in notes.messages[1].text


def test_approximate_times_are_flagged():
    t = parse("- ca. 10:00 slow\n- ~10:10 slower\n- approx. 10:20 down\n- around 10:30 up\n- 10:40 fine\n")
    assert [m.time_precision for m in t.messages] == ["approximate"] * 4 + [""]
    table = parse("| Time | Event |\n|---|---|\n| ~09:10 | degraded |\n| 09:30 | fixed |\n")
    assert [m.time_precision for m in table.messages] == ["approximate", ""]


def test_notes_fixture_keeps_every_entry_and_preamble_links():
    t = parse_transcript(read_transcript_file(PASTES / "uncertain_times.md"), tz="UTC", default_date=None,
                         origin="uncertain_times.md")
    assert t.format == "headings"
    assert [(m.at.strftime("%m-%d %H:%M"), m.time_precision) for m in t.messages] == [
        ("03-06 00:00", "date-only"),
        ("03-07 17:14", ""),
        ("03-07 17:40", "approximate"),
        ("03-07 17:40", "unknown"),
        ("03-08 10:05", ""),  # "8. March" takes the paste's year, not today's
        ("03-08 10:30", "approximate"),
    ]
    assert all(m.at.utcoffset() == timedelta(hours=1) for m in t.messages)  # the CET preamble, never -17:55
    # Preamble text is not a message, but its links stay reachable in the transcript.
    assert any("https://grafana.example.test/d/queue" in u.text for u in t.unattributed)


def test_time_precision_survives_a_session_round_trip():
    t = parse("- ~10:00 slow\n- ??:?? restart\n")
    again = transcript_from_dict(transcript_to_dict(t))
    assert [m.time_precision for m in again.messages] == ["approximate", "unknown"]
    assert again.messages[0].at == datetime(2024, 12, 3, 10, tzinfo=UTC)


def test_zone_preamble_under_a_date_heading_still_sets_the_zone():
    t = parse("## 2024-12-03\nAll times in CET\n\n- 10:00 start\n- 10:30 end\n", default_date=None)
    assert [m.at.isoformat() for m in t.messages] == ["2024-12-03T10:00:00+01:00", "2024-12-03T10:30:00+01:00"]
    assert t.unattributed == []
