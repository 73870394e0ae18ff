"""Realistic copies from the chat apps incident channels live in, one table row per shape.

Each row is what a person gets on the clipboard after selecting a stretch of a conversation
in the app (or its export), written for these tests from how the apps render a copy. Each
asserts who spoke, when (with the date), how many messages there are, what each says, and
that the interface text the copy drags along (reaction counts, thread summaries, "(edited)",
dividers, join notices) is not left inside any message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from facilitator.sources.paste import parse_transcript


@dataclass
class Case:
    name: str
    paste: str
    # (author, "YYYY-MM-DD HH:MM", text) per message in order; a 4th item "system" marks a
    # join/leave notice (kept as a system message, never as conversation).
    want: list[tuple]
    default_date: date | None = date(2021, 6, 8)
    noise: list[str] = field(default_factory=list)  # must not survive in any message's text
    fmt: str | None = None


SLACK_MODERN = """\
Tuesday, June 8th
Jane Doe  10:42 AM
checkout is throwing 502s for ~5% of requests
:eyes: 2
10:43
pager went off too (edited)
Carl Ng  10:44 AM
looking at the dashboards now
👀 2
3 replies
Last reply 2 hours ago
View thread
PagerDuty APP  10:45 AM
Triggered #4411: checkout-api 5xx rate > 5%
Sam Roy  10:46 AM
joined #inc-123.
Ana Lima  10:47 AM
was added to #inc-123 by Jane Doe.
New
Carl Ng  10:50 AM
replied to a thread: checkout is throwing 502s for ~5% of requests
rolled back deploy 4812
Also sent to the channel
Jane Doe  10:52 AM
10:30 is when the deploy went out, matches the graph
:+1: 3:tada: 1
View newer replies
"""

SLACK_TWO_LINE = """\
June 8th, 2021
Jane Doe
  11:58 AM
anyone else seeing 502s?
12:01
it's checkout only
Carl Ng
:palm_tree:
  12:03 PM
yes, since 11:50 or so
Grafana
APP  12:04 PM
[Alerting] checkout 5xx rate
Yesterday
:rotating_light: Ana Lima  9:15 AM
postmortem draft is up
Today
Ana Lima  9:20
closing the channel
"""

SLACK_ATTACHMENTS = """\
Ana Lima  yesterday at 5:25 PM
deploy 4812 is out
Jane Doe  10:42 AM
here is the error log
error.log
Plain Text
Carl Ng  10:44 AM
screenshot of the spike
image.png
:eyes: 1
"""

SLACK_OLD = """\
jdoe [10:42 AM]
checkout is throwing 502s
[10:43 AM]
pager went off too
cng [10:44 AM]
looking
"""

SLACK_OLD_24H = """\
jdoe [22:42]
checkout is throwing 502s
[22:43]
pager went off too
cng [23:58]
looking
cng [00:04]
rolled back
"""

SLACK_ONE_LINE = """\
jdoe 10:42 AM checkout is throwing 502s
cng 10:44 AM looking at it
jdoe 10:45 AM 10:30 is when the deploy went out
Jane Doe 1:05 PM all clear
"""

DISCORD_RELATIVE = """\
Jane — Yesterday at 10:42 PM
checkout is throwing 502s
anyone around?
Carl — Today at 12:05 AM
looking now (edited)
[12:06 AM]
rolling back
👍
2
"""

DISCORD_US_DATES = """\
Jane — 06/08/2021 10:42 AM
checkout is throwing 502s
Carl — 06/08/2021 10:44 AM
looking
stacktrace.txt
32 KB
"""

DISCORD_DAY_FIRST = """\
Jane — 08/06/2021 22:42
checkout is throwing 502s
Carl — 08/06/2021 23:59
looking
Jane — 09/06/2021 00:12
rolled back
"""

DISCORD_COMPACT = """\
[10:42 AM]Jane: checkout is throwing 502s
[10:44 AM]Carl: looking
[10:45 AM]Carl: rolled back 4812
"""

TEAMS_CLASSIC = """\
[10:42 AM] Jane Doe

checkout is throwing 502s

like 1

[10:44 AM] Carl Ng

looking
Edited

👍 2
"""

TEAMS_NEW = """\
Jane Doe 10:42 AM
checkout is throwing 502s
Carl Ng 10:44 AM
looking
Edited
Jane Doe, 6/8/2021 1:05 PM
all clear
"""

TEAMS_BRACKETED_LINES = """\
[6/8/2021 10:42 AM] Jane Doe: checkout is throwing 502s
[6/8/2021 10:44 AM] Carl Ng: looking
[6/8/2021 1:05 PM] Jane Doe: all clear
"""

MATTERMOST = """\
Tue, Jun 08, 2021
Jane Doe
10:42 AM
checkout is throwing 502s
Carl Ng
10:44 AM
looking
10:45 AM
rolled back 4812
Edited
PagerDuty
BOT
10:46 AM
Resolved #4411
"""

ZULIP = """\
incidents > checkout 502s
Jane Doe
10:42 AM
checkout is throwing 502s
Carl Ng
10:44 AM
looking
incidents > checkout 502s follow-up
Ana Lima
1:05 PM
all clear
"""

GOOGLE_CHAT = """\
Today
Jane Doe, 10:42 AM
checkout is throwing 502s
Carl Ng, 10:44 AM
looking
Edited
"""

ROCKET_CHAT = """\
Jane Doe
jane.doe
10:42 AM
checkout is throwing 502s
Carl Ng @carl.ng 10:44 AM
looking
"""

MATRIX_LINES = """\
[10:42] Jane: checkout is throwing 502s
[10:44] Carl: looking
[10:45] Carl: rolled back 4812
"""

ELEMENT_EXPORT = """\
Tue, Jun 8 2021 10:40:00 - Sam Roy joined the room
Tue, Jun 8 2021 10:42:03 - Jane Doe: checkout is throwing 502s
Tue, Jun 8 2021 10:44:10 - Carl Ng: looking
Tue, Jun 8, 2021, 13:05:00 - Jane Doe: all clear
"""

IRSSI = """\
--- Day changed Tue Jun 08 2021
10:40 -!- jdoe [~jdoe@host.example] has joined #ops
10:42 <@jdoe> checkout is throwing 502s
10:43 < cng> looking
10:44 <+ana> deploy 4812 went out at 10:30
10:45  * cng rolls back 4812
"""

WEECHAT = """\
2021-06-08 10:40:00 --> | jdoe (~jdoe@host.example) has joined #ops
2021-06-08 10:42:03 @jdoe | checkout is throwing 502s
2021-06-08 10:43:11 cng | looking
2021-06-08 10:45:00 * | cng rolls back 4812
"""

ZNC = """\
[10:40:00] *** Joins: jdoe (~jdoe@host.example)
[10:42:03] <jdoe> checkout is throwing 502s
[10:43:11] <cng> looking
[10:45:00] * cng rolls back 4812
"""

TELEGRAM = """\
OONI ops
8 June 2021
Alertmanager, [08.06.21 23:39]
[FIRING:1] InstanceDown https://api.example.org/health down

Dana Okafor, [08.06.21 23:52]
hm, is that real?
browser says the cert expired

9 June 2021
Carl Ng, [09.06.21 09:05]
restarted the portal, cert renewed
"""

TELEGRAM_US = """\
Dana Okafor, [6/8/21 11:52 PM]
is that real?

Carl Ng, [6/9/21 9:05 AM]
restarted the portal
"""

SLACK_DOTTED_CLOCK = """\
Zabbix  SOVELLUS  6.58
PROBLEM: backend-07: I/O error rate > threshold
Jussi Laaksonen  7.01
huomenta... backend-07 huutaa. versio 2.10 vai 2.11?
Aino Heikkilä  7.04
mä oon. katon
"""

GMAIL_PRINT_PLAIN = """\
Gmail - Re: renewals failing (weekend)

3 messages

Kelsey Boyd <kboyd@example.com>
Sat, Mar 9, 2024 at 12:22 PM
To: oncall@example.com

renewals showing "processing error"

Marcus Lindqvist <mlindqvist@example.com>
Sat, Mar 9, 2024 at 12:31 PM
To: Kelsey Boyd, oncall

Looking. App servers are slow.
"""

ROCKETCHAT_BADGES = """\
vesna
12:03
is it just me or does nothing resolve

kestrel
Admin
12:05
not just you. looking

rocket.cat
Bot
12:18
New incident on status.example.org: DNS failures

Mantas Ž.  12:20
checking the resolvers
"""

CASES = [
    Case("slack modern", SLACK_MODERN, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s for ~5% of requests"),
        ("Jane Doe", "2021-06-08 10:43", "pager went off too"),
        ("Carl Ng", "2021-06-08 10:44", "looking at the dashboards now"),
        ("PagerDuty", "2021-06-08 10:45", "Triggered #4411: checkout-api 5xx rate > 5%"),
        ("Sam Roy", "2021-06-08 10:46", "joined #inc-123.", "system"),
        ("Ana Lima", "2021-06-08 10:47", "was added to #inc-123 by Jane Doe.", "system"),
        ("Carl Ng", "2021-06-08 10:50", "rolled back deploy 4812"),
        ("Jane Doe", "2021-06-08 10:52", "10:30 is when the deploy went out, matches the graph"),
    ], noise=[":eyes:", "👀", "replies", "Last reply", "View thread", "(edited)", "replied to a thread",
              "Also sent", ":+1:", "View newer", "APP", "\nNew"], fmt="slack"),
    Case("slack two-line headers", SLACK_TWO_LINE, [
        ("Jane Doe", "2021-06-08 11:58", "anyone else seeing 502s?"),
        ("Jane Doe", "2021-06-08 12:01", "it's checkout only"),
        ("Carl Ng", "2021-06-08 12:03", "yes, since 11:50 or so"),
        ("Grafana", "2021-06-08 12:04", "[Alerting] checkout 5xx rate"),
        ("Ana Lima", "2021-06-09 09:15", "postmortem draft is up"),
        ("Ana Lima", "2021-06-10 09:20", "closing the channel"),
    ], default_date=date(2021, 6, 9), noise=[":palm_tree:", "APP", ":rotating_light:", "Yesterday", "Today"]),
    Case("slack attachments and relative day", SLACK_ATTACHMENTS, [
        # --date is the day most of the copy was written: "yesterday" is the day before it
        ("Ana Lima", "2021-06-07 17:25", "deploy 4812 is out"),
        ("Jane Doe", "2021-06-08 10:42", "here is the error log\nerror.log"),
        ("Carl Ng", "2021-06-08 10:44", "screenshot of the spike\nimage.png"),
    ], default_date=date(2021, 6, 8), noise=["Plain Text", ":eyes:"]),
    Case("old slack 12h", SLACK_OLD, [
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("jdoe", "2021-06-08 10:43", "pager went off too"),
        ("cng", "2021-06-08 10:44", "looking"),
    ], noise=["["], fmt="slack"),
    Case("old slack 24h over midnight", SLACK_OLD_24H, [
        ("jdoe", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("jdoe", "2021-06-08 22:43", "pager went off too"),
        ("cng", "2021-06-08 23:58", "looking"),
        ("cng", "2021-06-09 00:04", "rolled back"),
    ], noise=["["]),
    Case("slack archive one line", SLACK_ONE_LINE, [
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:44", "looking at it"),
        ("jdoe", "2021-06-08 10:45", "10:30 is when the deploy went out"),
        ("Jane Doe", "2021-06-08 13:05", "all clear"),
    ], noise=["AM", "PM"]),
    Case("discord today / yesterday", DISCORD_RELATIVE, [
        ("Jane", "2021-06-07 22:42", "checkout is throwing 502s\nanyone around?"),
        ("Carl", "2021-06-08 00:05", "looking now"),
        ("Carl", "2021-06-08 00:06", "rolling back"),
    ], default_date=date(2021, 6, 8), noise=["(edited)", "👍", "[12:06"], fmt="discord"),
    Case("discord US dates", DISCORD_US_DATES, [
        ("Jane", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl", "2021-06-08 10:44", "looking\nstacktrace.txt"),
    ], default_date=None, noise=["32 KB"], fmt="discord"),
    Case("discord day-first dates", DISCORD_DAY_FIRST, [
        ("Jane", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("Carl", "2021-06-08 23:59", "looking"),
        ("Jane", "2021-06-09 00:12", "rolled back"),
    ], default_date=None, fmt="discord"),
    Case("discord compact", DISCORD_COMPACT, [
        ("Jane", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl", "2021-06-08 10:44", "looking"),
        ("Carl", "2021-06-08 10:45", "rolled back 4812"),
    ]),
    Case("teams classic", TEAMS_CLASSIC, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ], noise=["like 1", "Edited", "👍"], fmt="teams"),
    Case("teams new", TEAMS_NEW, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Jane Doe", "2021-06-08 13:05", "all clear"),
    ], default_date=None, noise=["Edited"]),
    Case("teams bracketed lines", TEAMS_BRACKETED_LINES, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Jane Doe", "2021-06-08 13:05", "all clear"),
    ], default_date=None),
    Case("mattermost", MATTERMOST, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Carl Ng", "2021-06-08 10:45", "rolled back 4812"),
        ("PagerDuty", "2021-06-08 10:46", "Resolved #4411"),
    ], default_date=None, noise=["Edited", "BOT"]),
    Case("zulip", ZULIP, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Ana Lima", "2021-06-08 13:05", "all clear"),
    ], noise=["incidents >"]),
    Case("google chat", GOOGLE_CHAT, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ], noise=["Edited", "Today"]),
    Case("rocket.chat", ROCKET_CHAT, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ], noise=["jane.doe", "@carl.ng"]),
    Case("matrix lines", MATRIX_LINES, [
        ("Jane", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl", "2021-06-08 10:44", "looking"),
        ("Carl", "2021-06-08 10:45", "rolled back 4812"),
    ]),
    Case("element export", ELEMENT_EXPORT, [
        ("Sam Roy", "2021-06-08 10:40", "Sam Roy joined the room", "system"),
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Jane Doe", "2021-06-08 13:05", "all clear"),
    ], default_date=None),
    Case("irssi", IRSSI, [
        ("jdoe", "2021-06-08 10:40", "jdoe [~jdoe@host.example] has joined #ops", "system"),
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:43", "looking"),
        ("ana", "2021-06-08 10:44", "deploy 4812 went out at 10:30"),
        ("cng", "2021-06-08 10:45", "* cng rolls back 4812"),
    ], default_date=None, noise=["<", "-!-"], fmt="irc"),
    Case("weechat", WEECHAT, [
        ("jdoe", "2021-06-08 10:40", "jdoe (~jdoe@host.example) has joined #ops", "system"),
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:43", "looking"),
        ("cng", "2021-06-08 10:45", "* cng rolls back 4812"),
    ], default_date=None, noise=["|", "-->"]),
    Case("telegram desktop", TELEGRAM, [
        ("Alertmanager", "2021-06-08 23:39", "[FIRING:1] InstanceDown https://api.example.org/health down"),
        ("Dana Okafor", "2021-06-08 23:52", "hm, is that real?\nbrowser says the cert expired"),
        ("Carl Ng", "2021-06-09 09:05", "restarted the portal, cert renewed"),
    ], default_date=None, noise=["9 June", "[09.06.21"]),
    Case("telegram desktop, us locale", TELEGRAM_US, [
        ("Dana Okafor", "2021-06-08 23:52", "is that real?"),
        ("Carl Ng", "2021-06-09 09:05", "restarted the portal"),
    ], default_date=None),
    Case("slack, a locale that writes the clock with a dot", SLACK_DOTTED_CLOCK, [
        ("Zabbix", "2021-06-08 06:58", "PROBLEM: backend-07: I/O error rate > threshold"),
        ("Jussi Laaksonen", "2021-06-08 07:01", "huomenta... backend-07 huutaa. versio 2.10 vai 2.11?"),
        ("Aino Heikkilä", "2021-06-08 07:04", "mä oon. katon"),
    ], noise=["SOVELLUS"], fmt="slack"),
    Case("gmail print view copied without its layout", GMAIL_PRINT_PLAIN, [
        ("Kelsey Boyd", "2024-03-09 12:22", 'renewals showing "processing error"'),
        ("Marcus Lindqvist", "2024-03-09 12:31", "Looking. App servers are slow."),
    ], default_date=None, noise=["To:", "@example.com"]),
    Case("rocket.chat role badges, a name ending in a non-ASCII initial", ROCKETCHAT_BADGES, [
        ("vesna", "2021-06-08 12:03", "is it just me or does nothing resolve"),
        ("kestrel", "2021-06-08 12:05", "not just you. looking"),
        ("rocket.cat", "2021-06-08 12:18", "New incident on status.example.org: DNS failures"),
        ("Mantas Ž.", "2021-06-08 12:20", "checking the resolvers"),
    ], noise=["Admin", "Bot"]),
    Case("znc", ZNC, [
        ("jdoe", "2021-06-08 10:40", "Joins: jdoe (~jdoe@host.example)", "system"),
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:43", "looking"),
        ("cng", "2021-06-08 10:45", "* cng rolls back 4812"),
    ], noise=["<", "***"], fmt="irc"),
]


def parse(case: Case):
    return parse_transcript(case.paste, tz="UTC", default_date=case.default_date, origin="paste.txt")


def check_copy(case: Case) -> None:
    """The copy reads as the case wants: speakers, times, texts, system notices, no interface text."""
    t = parse(case)
    got = [(m.author, m.at.strftime("%Y-%m-%d %H:%M"), m.text) for m in t.messages]
    want = [w[:3] for w in case.want]
    assert got == want
    assert len(t.messages) == len(case.want)
    assert [m.is_system for m in t.messages] == [len(w) > 3 for w in case.want]
    for m in t.messages:
        if m.is_system:
            continue
        for noise in case.noise:
            assert noise not in m.text, (noise, m.text)
    if case.fmt:
        assert t.format == case.fmt


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_real_copy_parses_into_the_right_messages(case: Case):
    check_copy(case)


def test_bots_are_flagged_in_app_copies():
    slack = parse(CASES[0])
    assert [m.is_bot for m in slack.messages if m.author == "PagerDuty"] == [True]
    rocket = parse(next(c for c in CASES if "badges" in c.name))
    assert [m.is_bot for m in rocket.messages] == [False, False, True, False]
    dotted = parse(next(c for c in CASES if "dot" in c.name))
    assert [m.is_bot for m in dotted.messages] == [True, False, False]
    mattermost = parse(next(c for c in CASES if c.name == "mattermost"))
    assert [m.author for m in mattermost.messages if m.is_bot] == ["PagerDuty"]


def test_edited_markers_set_the_flag_instead_of_staying_in_the_text():
    slack = parse(CASES[0])
    assert [m.edited for m in slack.messages][:3] == [False, True, False]
