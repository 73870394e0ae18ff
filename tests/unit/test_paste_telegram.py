"""Telegram Desktop's JSON export: the Unix time wins over the exporter's local clock, text made of
entities reads as one string, bots by name, service lines as system messages, replies threaded."""

from __future__ import annotations

import json
from datetime import date

from facilitator.extract import extract_findings
from facilitator.sources.paste import parse_transcript
from facilitator.sources.paste_telegram import telegram_export

EXPORT = {
    "name": "soleur ops",
    "type": "private_group",
    "id": 4417718306,
    "messages": [
        {"id": 20401, "type": "message", "date": "2026-06-30T23:36:29", "date_unixtime": "1782855389",
         "from": "Soleur GitHub Bot", "from_id": "user7741002913",
         "text": "✅ PR #5800 merged into main — ci(ruleset): enable merge queue on main"},
        {"id": 20402, "type": "service", "date": "2026-06-30T23:37:00", "date_unixtime": "1782855420",
         "actor": "Ines", "actor_id": "user55", "action": "invite_members", "text": ""},
        {"id": 20403, "type": "message", "date": "2026-06-30T23:52:00", "date_unixtime": "1782856320",
         "from": "Ines", "from_id": "user55",
         "text": ["merge queue is stuck, every PR waits on CodeQL: ",
                  {"type": "link", "text": "https://github.com/jikig-ai/soleur/queue/main"}]},
        {"id": 20404, "type": "message", "date": "2026-06-30T23:56:00", "date_unixtime": "1782856560",
         "from": "Theo", "from_id": "user66", "reply_to_message_id": 20403, "edited": "2026-06-30T23:57:00",
         "text": "disabled the required check, queue drained, PRs merging again"},
    ],
}


def parse(data, tz: str = "Europe/Paris"):
    return parse_transcript(json.dumps(data), tz=tz, default_date=None, origin="result.json")


def test_a_telegram_export_reads_as_messages_at_their_unix_time():
    t = parse(EXPORT)
    assert t.format == "telegram-json" and t.channel == "soleur ops"
    assert [(m.at.strftime("%m-%d %H:%M"), m.author) for m in t.messages] == [
        ("06-30 23:36", "Soleur GitHub Bot"), ("06-30 23:37", ""), ("06-30 23:52", "Ines"), ("06-30 23:56", "Theo"),
    ]
    bot, joined, report, fix = t.messages
    assert bot.is_bot and not report.is_bot and joined.is_system and "invite members" in joined.text
    assert report.text == "merge queue is stuck, every PR waits on CodeQL: https://github.com/jikig-ai/soleur/queue/main"
    assert fix.thread_id == report.id and fix.edited


def test_the_exporters_local_clock_is_read_in_the_zone_when_no_unix_time_is_given():
    local = {**EXPORT, "messages": [{k: v for k, v in m.items() if k != "date_unixtime"} for m in EXPORT["messages"]]}
    assert parse(local, tz="UTC").messages[0].at.strftime("%H:%M") == "23:36"


def test_findings_from_a_telegram_export_name_the_people_and_the_link():
    f = extract_findings(parse(EXPORT))
    assert {r.name for r in f.responders} == {"Ines", "Theo"}
    assert [link.url for link in f.links] == ["https://github.com/jikig-ai/soleur/queue/main"]


def test_other_json_is_not_a_telegram_export():
    assert telegram_export('{"messages": [{"ts": "1.0", "user": "U1", "text": "hi"}]}') is None
    assert telegram_export("[1, 2, 3]") is None
    assert telegram_export('{"name": "x", "messages": []}') is None


def test_an_export_whose_messages_have_no_readable_date_is_refused_in_one_sentence():
    import pytest

    from facilitator.errors import SourceError

    broken = {"name": "x", "messages": [{"id": 1, "date": "garbage", "from": "a", "from_id": "user1", "text": "hi"}]}
    with pytest.raises(SourceError, match=r"result\.json is a Telegram export .* export the chat again"):
        parse(broken)


def test_telegram_exports_pasted_in_parts_around_another_log_are_each_read_and_merged():
    first = {"name": "soleur ops", "messages": EXPORT["messages"][:1]}
    second = {"name": "soleur ops", "messages": EXPORT["messages"][2:]}
    text = (
        "Pasted in three pieces.\n\n--- telegram export part 1 (result.json, trimmed) ---\n"
        + json.dumps(first, indent=1)
        + "\n--- zoom: meeting_saved_chat.txt ---\n"
        "21:40:12\t From  Ines Matos : joining the bridge, queue still stuck\n"
        "\n--- telegram export part 2 (result.json, trimmed) ---\n"
        + json.dumps(second, indent=1)
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2026, 6, 30), origin="paste.txt")
    assert [m.author for m in t.messages] == ["Soleur GitHub Bot", "Ines Matos", "Ines", "Theo"]
    assert t.messages[0].is_bot and t.messages[3].thread_id == "tg20403"
    assert "telegram-json" in t.format
