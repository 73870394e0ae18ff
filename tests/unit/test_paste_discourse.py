"""A Discourse forum thread copied from the web page: usernames over "9h" stamps start posts."""

from __future__ import annotations

from datetime import date

from facilitator.extract import extract_findings
from facilitator.sources.paste import detect_format, parse_transcript

THREAD = """\
Webhooks stopped firing this morning?
Developers & API   webhooks

1 / 6
Feb 1
25m ago

dgrant
9h
Since around 7:30 UTC our integration hasn't received a single webhook. Anyone else?

marta.lindqvist
9h
Same here. Polling the events endpoint gives a 412 now.

\u2764 3

Phil_Example
Example Staff
7h
Thanks for the reports. We can reproduce this and the API team is looking into it.

Nadia_Example
Example Staff
2h
As of 3:00 pm UTC the webhooks infrastructure has recovered. Please re-fetch what you missed.
Solution

\u2764 6

marta.lindqvist
1h
Confirmed, events are flowing again. Thanks!
"""


def parse(text: str, day: date | None = date(2021, 2, 1)):
    return parse_transcript(text, tz="UTC", default_date=day, origin="paste.txt")


def test_a_forum_thread_is_read_as_posts_by_their_usernames():
    assert detect_format(THREAD) == "discourse"
    t = parse(THREAD)
    assert [m.author for m in t.messages] == ["dgrant", "marta.lindqvist", "Phil_Example", "Nadia_Example", "marta.lindqvist"]
    assert t.messages[2].text.startswith("Thanks for the reports")  # the title line "Example Staff" is not text
    assert all("\u2764" not in m.text and "Solution" not in m.text for m in t.messages)


def test_posts_counted_back_are_placed_from_the_clock_a_recent_post_states():
    t = parse(THREAD)
    # "2h" ago said "as of 3:00 pm UTC": the page was copied near 17:00, the "9h" posts are from 08:00
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["08:00", "08:00", "10:00", "15:00", "16:00"]


def test_without_a_stated_clock_the_posts_keep_their_order_on_the_day():
    text = THREAD.replace("As of 3:00 pm UTC the", "The")
    t = parse(text)
    assert [m.at.date() for m in t.messages] == [date(2021, 2, 1)] * 5
    assert [m.at for m in t.messages] == sorted(m.at for m in t.messages)


def test_a_forum_thread_gives_its_posters_as_responders():
    f = extract_findings(parse(THREAD))
    assert {"dgrant", "marta.lindqvist", "Phil_Example", "Nadia_Example"} <= {r.name for r in f.responders}
