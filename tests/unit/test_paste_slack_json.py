"""Slack JSON pasted as text: arrays, message objects, day files, several channels in one object."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from facilitator.errors import SourceError
from facilitator.sources.paste import parse_transcript

UTC = timezone.utc


def parse(text: str, default_date: date | None = None):
    return parse_transcript(text, tz="UTC", default_date=default_date, origin="paste.txt")


def hm(m) -> str:
    return m.at.astimezone(UTC).strftime("%m-%d %H:%M")


SLACK_MESSAGES = [
    {"type": "message", "user": "U1", "ts": "1701600000.000100", "text": "seeing 500s, <@U2> can you look?",
     "user_profile": {"real_name": "Alice Smith", "display_name": "alice"}},
    {"type": "message", "user": "U2", "ts": "1701600300.000200", "text": "on it", "thread_ts": "1701600000.000100",
     "user_profile": {"real_name": "Bob Jones"}},
    {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "PagerDuty", "ts": "1701600060.000300",
     "text": "Triggered: api 5xx"},
]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda m: m,
        lambda m: {"ok": True, "messages": m},
        # an export's day files gathered in one object keyed by file name, two channels
        lambda m: {"ops/2023-12-03.json": m[1:], "inc-7/2023-12-03.json": m[:1]},
        # several channels exported in one object, each with its messages
        lambda m: {"export": "selected channels", "channels": [{"name": "ops", "messages": m[1:]}, {"name": "inc-7", "messages": m[:1]}]},
    ],
)
def test_slack_json_array_or_messages_object(wrap):
    t = parse(json.dumps(wrap(SLACK_MESSAGES)))
    assert t.format == "slack-json"
    assert [m.author for m in t.messages] == ["Alice Smith", "PagerDuty", "Bob Jones"]
    assert t.messages[0].text == "seeing 500s, @Bob Jones can you look?"  # mention read through user_profile
    assert t.messages[1].is_bot and not t.messages[0].is_bot
    assert t.messages[2].thread_id == "1701600000.000100"
    assert t.messages[0].at == datetime(2023, 12, 3, 10, 40, 0, 100, tzinfo=UTC)


def test_a_pager_log_then_a_slack_json_log_under_its_name_line_are_both_read():
    text = (
        "PagerDuty \u2014 Incident #61204  Delays loading logs\n"
        "Apr 22, 2026 at 11:25 AM   Triggered through the website by Priya Raman\n"
        "Apr 22, 2026 at 11:27 AM   Acknowledged by Marco Diaz\n"
        "Apr 22, 2026 at 6:12 PM    Resolved by Marco Diaz\n"
        "\n===== slack export: #inc-logs-delay/2026-04-22.json =====\n"
        + json.dumps(SLACK_MESSAGES, indent=2)
    )
    t = parse(text)
    authors = [m.author for m in t.messages]
    assert {"Alice Smith", "Bob Jones", "PagerDuty"} <= set(authors)  # the JSON log's people and bot
    assert any(m.text.startswith("Triggered through the website") for m in t.messages)  # the pager's log too
    assert [m.at for m in t.messages] == sorted(m.at for m in t.messages)


def test_slack_json_with_a_user_name_beside_the_id_names_the_person():
    raw = [{"type": "message", "user": "U04KQ1A", "user_name": "dana.whitlock", "ts": "1695221403.000000", "text": "seeing it"},
           {"type": "message", "user": "U02ZX9P", "user_name": "arjun.mehta", "ts": "1695221490.000000", "text": "<@U04KQ1A> on it"}]
    t = parse(json.dumps(raw))
    assert [m.author for m in t.messages] == ["dana.whitlock", "arjun.mehta"]
    assert t.messages[1].text == "@dana.whitlock on it"


def test_slack_json_nested_replies_and_numeric_ts():
    parent = {"user": "U1", "ts": 1701600000.5, "text": "api down", "user_profile": {"real_name": "Alice"},
              "replies": [{"user": "U2", "ts": "1701600600.000000", "text": "rolled back", "thread_ts": "1701600000.500000",
                           "user_profile": {"display_name": "bob"}}]}
    t = parse(json.dumps([parent]))
    assert [(m.author, m.text) for m in t.messages] == [("Alice", "api down"), ("bob", "rolled back")]


def test_json_that_is_not_slack_is_still_refused_plainly():
    with pytest.raises(SourceError, match="no messages I can read"):
        parse(json.dumps([{"name": "x"}]))


def test_slack_json_keeps_the_display_name_beside_the_full_name_and_merges_a_handle_acting():
    from facilitator.extract import extract_findings
    from facilitator.transcript_io import transcript_from_dict, transcript_to_dict

    messages = SLACK_MESSAGES + [
        {"type": "message", "user": "U2", "ts": "1701600900.000400", "text": "@alice rolled back the deploy",
         "user_profile": {"real_name": "Bob Jones", "display_name": "bobby"}},
    ]
    t = parse(json.dumps(messages))
    assert t.aliases == {"Alice Smith": ["alice"], "Bob Jones": ["bobby"]}
    assert transcript_from_dict(transcript_to_dict(t)).aliases == t.aliases  # kept in the session file
    people = {r.name: r.aliases for r in extract_findings(t).responders}
    assert people == {"Alice Smith": ["alice"], "Bob Jones": ["bobby"]}  # "@alice" is Alice Smith, not a third person


EXPORT_DAY_FILES = """inc-42/2014-03-19.json
[
  {"type": "message", "text": "everything in DC-1 just disappeared from nagios", "user": "U1", "ts": "1395271560.000148",
   "user_profile": {"real_name": "Farah Qureshi", "display_name": "farahq"}}
]
inc-42/2014-03-20.json
[
  {"type": "message", "text": "all servers back, closing", "user": "U2", "ts": "1395295200.000100",
   "user_profile": {"real_name": "Luc Tremblay", "display_name": "luct"}}
]
"""


def test_an_exports_day_files_pasted_one_after_another_read_as_one_channel():
    t = parse(EXPORT_DAY_FILES)
    assert [(m.author, hm(m), m.text) for m in t.messages] == [
        ("Farah Qureshi", "03-19 23:26", "everything in DC-1 just disappeared from nagios"),
        ("Luc Tremblay", "03-20 06:00", "all servers back, closing"),
    ]


def test_a_chat_that_quotes_a_line_of_json_is_still_chat():
    text = """[10:31] <maya> the payload was
[10:32] <maya> {"ts": "1.0", "text": "x"}
[10:33] <owen> ok, looking
"""
    assert [m.author for m in parse(text, default_date=date(2024, 3, 5)).messages] == ["maya", "maya", "owen"]


def test_slack_json_keeps_two_people_given_one_stamp_and_drops_a_message_listed_twice():
    raws = [
        {"type": "message", "user": "U1", "text": "we're good", "ts": "1690299300.000000", "user_profile": {"real_name": "Carlos Mendez"}},
        {"type": "message", "user": "U2", "text": "calling it resolved. doc https://docs.example.com/d/1", "ts": "1690299300.000000",
         "user_profile": {"real_name": "Ingrid Halvorsen"}},
        {"type": "message", "user": "U1", "text": "we're good", "ts": "1690299300.000000", "user_profile": {"real_name": "Carlos Mendez"}},
    ]
    t = parse(json.dumps(raws))
    assert [(m.author, m.text[:10]) for m in t.messages] == [("Carlos Mendez", "we're good"), ("Ingrid Halvorsen", "calling it")]
    assert len({m.id for m in t.messages}) == 2


@pytest.mark.parametrize(("clock", "day"), [("11:2", "12-03"), ("09:2", "12-04")])  # the export ends at 10:45
def test_a_log_without_dates_below_a_slack_json_export_goes_on_from_the_exports_day(clock, day):
    text = (
        "===== slack export: #inc-7/2023-12-03.json =====\n"
        + json.dumps(SLACK_MESSAGES, indent=2)
        + "\n===== #ops (copied from the desktop app) =====\n"
        f"[{clock}0] Carla: queue drained, closing\n"
        f"[{clock}2] Dev: thanks all\n"
    )
    t = parse(text, default_date=date(2023, 12, 10))  # --date given for the day of the copy
    assert [hm(m) for m in t.messages][-2:] == [f"{day} {clock}0", f"{day} {clock}2"]
    assert [m.author for m in t.messages][-2:] == ["Carla", "Dev"]
