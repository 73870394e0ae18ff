"""Slack markup resolution: mentions, channels, specials, links and entities."""

from __future__ import annotations

import pytest

from facilitator.sources.slack_markup import mentioned_user_ids, resolve

USERS = {"U1": "Alice Smith", "U2": "Bob Jones"}
CHANNELS = {"C1": "general"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@U1> please look", "@Alice Smith please look"),
        ("cc <@U2|bobby>", "cc @Bob Jones"),  # the directory wins over the stale label
        ("ask <@U9|carol>", "ask @carol"),  # unknown id: the label is all we have
        ("ask <@U9>", "ask @U9"),
        ("see <#C1|general>", "see #general"),
        ("see <#C1>", "see #general"),
        ("see <#C7>", "see #C7"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!here|here> now", "@here now"),
        ("page <!subteam^S1|@dba-oncall>", "page @dba-oncall"),
        ("page <!subteam^S1>", "page @S1"),
        ("at <!date^1392734382^{date_short}|Feb 18, 2014>", "at Feb 18, 2014"),
        ("<https://grafana.example.com/d/x|DB overview>", "DB overview (https://grafana.example.com/d/x)"),
        ("<https://example.com/a?b=1&amp;c=2>", "https://example.com/a?b=1&c=2"),
        ("<https://example.com|https://example.com>", "https://example.com"),
        ("<https://example.com/|example.com>", "https://example.com/"),
        ("mail <mailto:dba@example.com|dba@example.com>", "mail dba@example.com"),
        ("mail <mailto:dba@example.com|the DBAs>", "mail the DBAs (dba@example.com)"),
        ("a &amp; b &lt;tag&gt;", "a & b <tag>"),
        ("typed &lt;@U1&gt; literally", "typed <@U1> literally"),  # escaped text never becomes a mention
        ("R&amp;D &amp;amp;", "R&D &amp;"),  # one level of unescaping only
        ("<https://x.example/a|label with &lt;b&gt;>", "label with <b> (https://x.example/a)"),
        ("plain text, no markup", "plain text, no markup"),
        ("", ""),
        ("emoji :fire: and ünïcödé", "emoji :fire: and ünïcödé"),
    ],
)
def test_resolve(raw: str, expected: str) -> None:
    assert resolve(raw, USERS, CHANNELS) == expected


def test_resolve_handles_many_tokens_in_one_message() -> None:
    raw = " ".join(f"<@U{i % 2 + 1}> <https://h.example/{i}|l{i}>" for i in range(50))
    out = resolve(raw, USERS, CHANNELS)
    assert "<" not in out and out.count("@Alice Smith") == 25 and "l49 (https://h.example/49)" in out


def test_mentioned_user_ids() -> None:
    assert mentioned_user_ids("hi <@U1> and <@W22|x> not <#C1>") == ["U1", "W22"]
    assert mentioned_user_ids("none") == []
