"""Mattermost's bulk export (JSON lines) read as a channel: posts, replies, people, times."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from facilitator.sources.paste import parse_transcript


def export(*posts: dict) -> str:
    lines = [{"type": "version", "version": 1},
             {"type": "user", "user": {"username": "kbarros", "first_name": "Kai", "last_name": "Barros"}},
             {"type": "user", "user": {"username": "nagios", "is_bot": True}}]
    lines += [{"type": "post", "post": p} for p in posts]
    return "\n".join(json.dumps(line) for line in lines)


def ms(hour: int, minute: int) -> int:
    return int(datetime(2022, 2, 2, hour, minute, tzinfo=timezone.utc).timestamp() * 1000)


def test_posts_and_replies_become_messages_in_time_order_with_threads():
    text = export(
        {"channel": "net-eng", "user": "nagios", "message": "PROBLEM: pool PING CRITICAL", "create_at": ms(21, 1)},
        {"channel": "net-eng", "user": "kbarros", "message": "everything behind the LAN pair went dark",
         "create_at": ms(21, 2), "replies": [{"user": "otieno", "message": "looking", "create_at": ms(21, 3)}],
         "reactions": [{"user": "otieno", "emoji_name": "eyes", "create_at": ms(21, 2)}]},
    )
    t = parse_transcript(text, tz="Europe/Berlin", default_date=None, origin="export.jsonl")
    assert [(m.author, m.at.strftime("%H:%M")) for m in t.messages] == [("nagios", "22:01"), ("kbarros", "22:02"), ("otieno", "22:03")]
    assert t.messages[0].is_bot and not t.messages[1].is_bot
    assert t.messages[2].thread_id == t.messages[1].id and t.messages[1].reply_ids == [t.messages[2].id]
    assert t.messages[1].reactions == {"eyes": 1}
    assert t.channel == "net-eng" and t.format == "mattermost-export"


def test_json_lines_that_are_not_an_export_are_not_taken_for_one():
    text = '{"level": "info", "msg": "started"}\n{"level": "warn", "msg": "slow"}\n'
    try:
        t = parse_transcript(text, tz="UTC", default_date=None, origin="log.jsonl")
    except Exception as exc:  # noqa: BLE001 - any plain refusal is fine; a Mattermost reading is not
        assert "no messages" in str(exc)
    else:
        assert t.format != "mattermost-export"
