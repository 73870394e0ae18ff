"""HipChat's room history as JSON: people by full name, integrations as bots, @mention names as aliases."""

from __future__ import annotations

import json

import pytest

from facilitator.errors import SourceError
from facilitator.sources.paste import parse_transcript
from facilitator.sources.paste_hipchat import hipchat_items

HISTORY = {
    "items": [
        {"date": "2015-07-08T11:03:27.905245+00:00", "id": "e94d", "from": "Nagios", "type": "notification",
         "message": "PROBLEM: CCG session reject rate HIGH on ccg-gw-07"},
        {"date": "2015-07-08T11:04:50.768641+00:00", "id": "9dc6", "type": "message",
         "from": {"id": 1488217, "mention_name": "PriyaN", "name": "Priya Natarajan"},
         "message": "client desk: first 2 firms calling, msgs bouncing back"},
        {"date": "2015-07-08T10:52:10.385747+00:00", "id": "cc7b", "type": "message",
         "from": {"id": 1488201, "mention_name": "VictorO", "name": "Victor Okafor"},
         "message": "morning all. release is on the pilot unit since last night"},
    ]
}


def parse(data, tz: str = "America/New_York"):
    return parse_transcript(json.dumps(data), tz=tz, default_date=None, origin="room.json")


def test_a_room_history_is_read_in_time_order_with_people_bots_and_aliases():
    t = parse(HISTORY)
    rows = [(m.author, m.is_bot, m.at.strftime("%H:%M"), m.text[:12]) for m in t.messages]
    assert rows == [
        ("Victor Okafor", False, "06:52", "morning all."),
        ("Nagios", True, "07:03", "PROBLEM: CCG"),
        ("Priya Natarajan", False, "07:04", "client desk:"),
    ]
    assert t.aliases == {"Priya Natarajan": ["PriyaN"], "Victor Okafor": ["VictorO"]}
    assert [m.id for m in t.messages] == ["hc3", "hc1", "hc2"]  # short ids for citations


def test_a_bare_list_of_items_is_read_too_and_other_json_is_not_hipchat():
    assert len(parse(HISTORY["items"]).messages) == 3
    assert hipchat_items(json.dumps({"items": [{"name": "a"}, {"name": "b"}]})) is None
    assert hipchat_items("not json") is None


def test_json_that_is_neither_slack_nor_hipchat_gets_the_plain_error():
    with pytest.raises(SourceError, match="no messages I can read"):
        parse({"items": [{"title": "x"}]})


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('{"items": [{"date": "garbage", "from": "a", "message": "hi"}]}', "a HipChat history"),
        ('[{"ts": "abc", "user": "U1", "text": "hi"}]', "Slack JSON"),
    ],
)
def test_an_export_whose_messages_have_no_readable_date_is_refused_in_one_sentence(text, what):
    with pytest.raises(SourceError, match=f"room.json is {what} with no message whose date I can read"):
        parse_transcript(text, tz="UTC", default_date=None, origin="room.json")
