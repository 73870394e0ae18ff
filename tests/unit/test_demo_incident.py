"""The bundled demo incident (prompts/demo, a Slack export) has what the product promises.

It is the README's first experience and a fixture for extraction, the interview and the
documents, so its shape is pinned here: size, people, threads, the story beats, and the
links and attachment that later stages cite.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from facilitator.config import Settings
from facilitator.session import SourceSpec
from facilitator.sources import DEMO_CHANNEL, demo_path, load_source


@pytest.fixture(scope="module")
def demo():
    return load_source(SourceSpec(kind="demo"), Settings())


def texts(transcript) -> str:
    return "\n".join(m.text for m in transcript.messages)


def test_demo_is_a_real_channel_of_several_hours(demo):
    assert demo.source == "demo"
    assert demo.channel == DEMO_CHANNEL
    assert len(demo.messages) >= 150
    assert demo.last_at - demo.first_at >= timedelta(hours=3)
    assert all(m.at.tzinfo is not None for m in demo.messages)
    assert [m.at for m in demo.messages if not m.is_reply] == sorted(m.at for m in demo.messages if not m.is_reply)
    assert len({m.id for m in demo.messages}) == len(demo.messages)
    assert {m.at.date().isoformat() for m in demo.messages} == {"2024-12-03", "2024-12-04"}


def test_demo_has_six_people_a_monitoring_bot_and_joins(demo):
    humans = demo.participants()
    assert len(humans) >= 6
    assert all(count >= 5 for _, count in humans)  # everyone actually takes part
    bots = {m.author for m in demo.messages if m.is_bot}
    assert {"Datadog", "PagerDuty"} <= bots
    assert sum(1 for m in demo.messages if m.subtype == "channel_join") >= 2


def test_demo_threads_are_reassembled(demo):
    parents = [m for m in demo.messages if m.reply_ids]
    assert len(parents) >= 5
    assert sum(len(p.reply_ids) for p in parents) >= 30
    for parent in parents:
        replies = demo.replies(parent.id)
        assert replies and all(r.thread_id == parent.id and r.at > parent.at for r in replies)


def test_demo_tells_the_story_beats(demo):
    body = texts(demo).lower()
    # Roles declared, an escalation, the dead end, the cause deployed before the alert, the fix.
    for beat in ("i'll take ic", "i'm on comms", "paging the db on-call", "failover is ruled out",
                 "roll back", "rolling back", "all clear", "resolved", "we got lucky",
                 "this happened before in march", "we should add an alert", "todo:", "follow-up"):
        assert beat in body, beat
    assert "13:52" in body and demo.first_at.strftime("%H:%M") > "13:52"  # fault introduced before detection
    for impact in ("~12% of checkout requests", "342", "3 regions"):
        assert impact in body, impact


def test_demo_links_and_screenshot(demo):
    body = texts(demo)
    patterns = {
        "status page": r"https://status\.acme-outfitters\.com/incidents/\w+",
        "jira": r"https://acme\.atlassian\.net/browse/OPS-\d+",
        "zendesk": r"https://acme\.zendesk\.com/agent/tickets/\d+",
        "github pr": r"https://github\.com/[\w-]+/[\w-]+/pull/\d+",
        "grafana": r"https://grafana\.[\w.-]+/d/",
        "datadog": r"https://app\.datadoghq\.com/(?:dashboard|monitors)/",
        "runbook": r"https://acme\.atlassian\.net/wiki/spaces/\w+/pages/\d+/[\w+]*Runbook",
    }
    for what, pattern in patterns.items():
        assert re.search(pattern, body), what
    shots = [a for m in demo.messages for a in m.attachments if a.is_image]
    assert shots and shots[0].name.endswith(".png") and shots[0].url.startswith("https://")


def test_demo_markup_is_resolved_and_a_secret_is_there_to_redact(demo):
    body = texts(demo)
    assert "<@U" not in body and "<#C" not in body and "&amp;" not in body and "&gt;" not in body
    assert "@Marcus Webb" in body and "Tomás Ruiz" in body
    raw = "\n".join(p.read_text(encoding="utf-8") for p in demo_path().rglob("*.json"))
    assert "AKIAIOSFODNN7EXAMPLE" in raw and "AKIAIOSFODNN7EXAMPLE" not in body  # pasted once, masked as loaded
    assert re.search(r"postgresql://\w+:\[secret\]@", body)


def test_demo_export_files_are_consistent():
    root = demo_path()
    users = json.loads((root / "users.json").read_text(encoding="utf-8"))
    channels = json.loads((root / "channels.json").read_text(encoding="utf-8"))
    ids = {u["id"] for u in users}
    channel = next(c for c in channels if c["name"] == DEMO_CHANNEL)
    assert set(channel["members"]) <= ids
    days = sorted((root / DEMO_CHANNEL).glob("*.json"))
    assert [d.stem for d in days] == ["2024-12-03", "2024-12-04"]
    for day in days:
        for msg in json.loads(day.read_text(encoding="utf-8")):
            stamp = float(msg["ts"])
            assert datetime.fromtimestamp(stamp, timezone.utc).date().isoformat() == day.stem
            assert msg.get("user", "U") in ids or msg.get("subtype") == "bot_message"
            assert stamp >= channel["created"]


def test_demo_loads_the_same_ids_twice(demo):
    again = load_source(SourceSpec(kind="demo"), Settings())
    assert [m.id for m in again.messages] == [m.id for m in demo.messages]
