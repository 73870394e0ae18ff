"""Pastes with more than one shape in them, and the edge shapes of single-app copies.

Several channels or apps pasted one after another, date lines, messages that quote log or IRC
lines, stamps over noon, midnight and new year, short answers that look like reactions, system
notices: each row asserts the same things as ``test_paste_real_copies`` (``check_copy``).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_paste_real_copies import Case, check_copy


TWO_CHANNELS = """\
#inc-123
Jane Doe  4:05 PM
checkout is throwing 502s
Carl Ng  4:20 PM
rolled back 4812

#eng-payments
Ana Lima  3:50 PM
deploying 4812 now
Ana Lima  4:10 PM
hmm errors on checkout?
"""

SLACK_THEN_IRC = """\
#inc-123
Jane Doe  10:42 AM
checkout is throwing 502s
Carl Ng  10:44 AM
looking

#ops
10:43 <ana> saw the alert, joining
10:50 <ana> 4812 reverted
"""

DATE_PER_DAY = """\
June 8th, 2021
Jane Doe  11:50 PM
checkout is throwing 502s
June 9th, 2021
Carl Ng  12:10 AM
rolled back
Jane Doe  12:30 AM
all clear
"""

IRC_DATE_LINES = """\
2021-06-08
23:50 <jdoe> checkout is throwing 502s
2021-06-09
00:10 <cng> rolled back
"""

SLACK_24H_EMOJI = """\
:coffee: Jane Doe  12:58
checkout is throwing 502s
:eyes:
2
13:02
and the payment callback too
Carl Ng  13:05
1 reply
Last reply today at 13:20
View thread
:rotating_light: on it
"""

SLACK_NOON = """\
Jane Doe  11:58 AM
checkout is throwing 502s
12:01
still failing
Carl Ng  12:58 PM
rolled back
1:02
errors back to baseline
"""

SLACK_AGO = """\
Jane Doe  10:42 AM
checkout is throwing 502s
Carl Ng  [3 hours ago]
looking
"""

SLACK_OLD_ONE_LINE = """\
jdoe [10:42 AM] checkout is throwing 502s
cng [10:44 AM] looking
jdoe [10:45 AM] thanks
"""

DISCORD_SHORT_YEAR = """\
Jane — 6/8/21, 10:42 AM
checkout is throwing 502s
PagerDuty BOT — 6/8/21, 10:43 AM
Triggered #4411
"""

TEAMS_SHORT_DATES = """\
Jane Doe Yesterday 10:42 PM
checkout is throwing 502s
Carl Ng 6/9 12:05 AM
rolled back
"""

GOOGLE_CHAT_DATED = """\
Jane Doe, Jun 8, 10:42 AM
checkout is throwing 502s
Carl Ng
Jun 8, 10:44 AM
looking
"""

MATTERMOST_REPLIES = """\
Jane Doe
10:42
checkout is throwing 502s
Carl Ng
10:44
Commented on Jane Doe's message: checkout is throwing 502s
rolled back 4812
(message deleted)
"""

IRSSI_QUIT = """\
10:42 <@jdoe> checkout is throwing 502s
10:43 -!- cng [~cng@host.example] has quit [Quit: leaving]
10:44 -!- ana is now known as ana_oncall
10:45 <ana_oncall> rolled back
"""

SLACK_THEN_DISCORD = """\
Jane Doe  4:05 PM
checkout is throwing 502s
Carl Ng  4:20 PM
rolled back 4812

Ana — Today at 3:50 PM
deploying 4812 now
Ana — Today at 4:10 PM
hmm errors on checkout?
"""

IRC_THEN_SLACK = """\
10:43 <ana> saw the alert, joining
10:50 <ana> 4812 reverted
Jane Doe  10:42 AM
checkout is throwing 502s
Carl Ng
  10:44 AM
looking
"""

SLACK_QUOTING_LOG_LINES = """\
Jane Doe  10:42 AM
from the pod log:
2021-06-08 10:30:01 ERROR pool exhausted
2021-06-08 10:30:02 ERROR pool exhausted
Carl Ng  10:44 AM
same on checkout-7f9c
"""

TWO_DISCORD_CHANNELS = """\
#incident
Jane — Today at 4:05 PM
checkout is throwing 502s
#payments
Ana — Today at 3:50 PM
deploying 4812 now
"""

SLACK_QUOTING_IRC = """\
Jane Doe  10:42 AM
from #ops earlier:
10:30 <ana> deploying 4812
10:31 <ana> done
10:32 <ana> watching graphs
Carl Ng  10:44 AM
ok that lines up
"""

WEECHAT_SCREEN = """\
10:40:00     --> | jdoe (~jdoe@host.example) has joined #ops
10:42:03   @jdoe | checkout is throwing 502s
10:43:11     cng | looking
10:45:00       * | cng rolls back 4812
"""

TEAMS_LAST_FIRST = """\
Doe, Jane 10:42 AM
checkout is throwing 502s
Ng, Carl (Ext) 10:44 AM
looking
"""

SLACK_UNICODE_STATUS = """\
Jane Doe 🌴  10:42 AM
checkout is throwing 502s
Carl Ng 🤒  10:44 AM
looking
This message was deleted.
Ana Lima  10:45 AM
Only visible to you
rolled back
"""

SLACK_ENDING_WITH_LOGS = """\
Carl Ng  10:40 AM
anyone on checkout?
Jane Doe  10:42 AM
from the pod:
2021-06-08 10:30:01 ERROR pool exhausted
2021-06-08 10:30:02 ERROR pool exhausted
2021-06-08 10:30:03 ERROR pool exhausted
2021-06-08 10:30:04 WARN retrying
"""

ROCKET_CHAT_ONE_LINE = """\
Jane Doe jane.doe 10:42 AM
checkout is throwing 502s
Carl Ng carl_ng 10:44 AM
looking
"""

SLACK_THREAD_OLD_STAMPS = """\
Jane Doe  Jun 7th at 11:50 PM
checkout is throwing 502s
Carl Ng  Jun 8th at 12:10 AM
rolled back
Jane Doe  Today at 9:00 AM
postmortem draft is up
"""

TEAMS_DATED_HEADERS = """\
[Yesterday 10:42 PM] Jane Doe

checkout is throwing 502s

[6/9 12:05 AM] Carl Ng

rolled back

[6/9/2021 12:30 AM] Ana Lima

all clear
"""

TEAMS_ALL_DATED_HEADERS = """\
[6/8/2021 10:42 PM] Jane Doe

checkout is throwing 502s

[6/9/2021 12:05 AM] Carl Ng

rolled back
"""

SLACK_OVER_NEW_YEAR = """\
Thursday, December 30th
Jane Doe  11:50 PM
checkout is throwing 502s
Monday, January 3rd
Carl Ng  9:00 AM
postmortem draft is up
"""

SLACK_SHORT_ANSWERS = """\
Jane Doe  10:42 AM
which PR?
Carl Ng  10:43 AM
#4411
+1
:white_check_mark: 2
✅ 1
"""

ZULIP_DATED_BARS = """\
incidents > checkout 502s   Jun 7
Jane Doe
11:50 PM
checkout is throwing 502s
incidents > checkout 502s   Jun 8
Carl Ng
12:10 AM
rolled back
2 replies from Ana Lima and Jane Doe
"""

MATTERMOST_SYSTEM = """\
System
10:40 AM
@jane.doe joined the channel.
System
10:41 AM
@carl.ng added to the channel by @jane.doe.
Jane Doe
10:42 AM
checkout is throwing 502s
"""

WHATSAPP_US = """\
6/8/21, 10:42 AM - Jane Doe: checkout is throwing 502s
6/8/21, 10:44 AM - Carl Ng: looking
"""

WHATSAPP_DAY_FIRST = """\
[08/06/2021, 22:42:03] Jane Doe: checkout is throwing 502s
[09/06/2021, 00:04:10] Carl Ng: rolled back
"""

CASES = [
    Case("two slack channels", TWO_CHANNELS, [
        ("Ana Lima", "2021-06-08 15:50", "deploying 4812 now"),
        ("Jane Doe", "2021-06-08 16:05", "checkout is throwing 502s"),
        ("Ana Lima", "2021-06-08 16:10", "hmm errors on checkout?"),
        ("Carl Ng", "2021-06-08 16:20", "rolled back 4812"),
    ], noise=["#eng-payments"]),
    Case("slack then irc", SLACK_THEN_IRC, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("ana", "2021-06-08 10:43", "saw the alert, joining"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("ana", "2021-06-08 10:50", "4812 reverted"),
    ], noise=["<ana>", "#ops"]),
    Case("a date line per day", DATE_PER_DAY, [
        ("Jane Doe", "2021-06-08 23:50", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-09 00:10", "rolled back"),
        ("Jane Doe", "2021-06-09 00:30", "all clear"),
    ], default_date=None, fmt="slack"),
    Case("irc with date lines", IRC_DATE_LINES, [
        ("jdoe", "2021-06-08 23:50", "checkout is throwing 502s"),
        ("cng", "2021-06-09 00:10", "rolled back"),
    ], default_date=None, fmt="irc"),
    Case("slack 24h with status emoji and split reactions", SLACK_24H_EMOJI, [
        ("Jane Doe", "2021-06-08 12:58", "checkout is throwing 502s"),
        ("Jane Doe", "2021-06-08 13:02", "and the payment callback too"),
        ("Carl Ng", "2021-06-08 13:05", ":rotating_light: on it"),
    ], noise=[":coffee:", ":eyes:", "reply", "View thread", "\n2"], fmt="slack"),
    Case("slack 12h over noon", SLACK_NOON, [
        ("Jane Doe", "2021-06-08 11:58", "checkout is throwing 502s"),
        ("Jane Doe", "2021-06-08 12:01", "still failing"),
        ("Carl Ng", "2021-06-08 12:58", "rolled back"),
        ("Carl Ng", "2021-06-08 13:02", "errors back to baseline"),
    ]),
    Case("slack hours ago", SLACK_AGO, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:42", "looking"),
    ], noise=["ago"]),
    Case("old slack one line", SLACK_OLD_ONE_LINE, [
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:44", "looking"),
        ("jdoe", "2021-06-08 10:45", "thanks"),
    ]),
    Case("discord short year and bot tag", DISCORD_SHORT_YEAR, [
        ("Jane", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("PagerDuty", "2021-06-08 10:43", "Triggered #4411"),
    ], default_date=None, fmt="discord"),
    Case("teams short dates", TEAMS_SHORT_DATES, [
        ("Jane Doe", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-09 00:05", "rolled back"),
    ], default_date=date(2021, 6, 9)),
    Case("google chat dated", GOOGLE_CHAT_DATED, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ], default_date=date(2021, 6, 20)),  # "Jun 8" takes the year of --date
    Case("mattermost replies", MATTERMOST_REPLIES, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "rolled back 4812"),
    ], noise=["Commented on", "message deleted"]),
    Case("irssi quits and nick changes", IRSSI_QUIT, [
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:43", "cng [~cng@host.example] has quit [Quit: leaving]", "system"),
        ("", "2021-06-08 10:44", "ana is now known as ana_oncall", "system"),  # a notice, neither a join nor a leave: nobody speaks
        ("ana_oncall", "2021-06-08 10:45", "rolled back"),
    ], fmt="irc"),
    Case("slack then discord, no header", SLACK_THEN_DISCORD, [
        ("Ana", "2021-06-08 15:50", "deploying 4812 now"),
        ("Jane Doe", "2021-06-08 16:05", "checkout is throwing 502s"),
        ("Ana", "2021-06-08 16:10", "hmm errors on checkout?"),
        ("Carl Ng", "2021-06-08 16:20", "rolled back 4812"),
    ]),
    Case("irc then slack, no header", IRC_THEN_SLACK, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("ana", "2021-06-08 10:43", "saw the alert, joining"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("ana", "2021-06-08 10:50", "4812 reverted"),
    ]),
    Case("slack message quoting log lines", SLACK_QUOTING_LOG_LINES, [
        ("Jane Doe", "2021-06-08 10:42", "from the pod log:\n2021-06-08 10:30:01 ERROR pool exhausted\n"
                                         "2021-06-08 10:30:02 ERROR pool exhausted"),
        ("Carl Ng", "2021-06-08 10:44", "same on checkout-7f9c"),
    ], fmt="slack"),
    Case("two discord channels", TWO_DISCORD_CHANNELS, [
        ("Ana", "2021-06-08 15:50", "deploying 4812 now"),
        ("Jane", "2021-06-08 16:05", "checkout is throwing 502s"),
    ], noise=["#payments"], fmt="discord"),
    Case("slack message quoting irc lines", SLACK_QUOTING_IRC, [
        ("Jane Doe", "2021-06-08 10:42", "from #ops earlier:\n10:30 <ana> deploying 4812\n10:31 <ana> done\n"
                                         "10:32 <ana> watching graphs"),
        ("Carl Ng", "2021-06-08 10:44", "ok that lines up"),
    ], fmt="slack"),
    Case("weechat screen copy", WEECHAT_SCREEN, [
        ("jdoe", "2021-06-08 10:40", "jdoe (~jdoe@host.example) has joined #ops", "system"),
        ("jdoe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("cng", "2021-06-08 10:43", "looking"),
        ("cng", "2021-06-08 10:45", "* cng rolls back 4812"),
    ], noise=["|", "-->"], fmt="irc"),
    Case("teams last, first names", TEAMS_LAST_FIRST, [
        ("Doe, Jane", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Ng, Carl (Ext)", "2021-06-08 10:44", "looking"),
    ]),
    Case("slack unicode status and placeholders", SLACK_UNICODE_STATUS, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
        ("Ana Lima", "2021-06-08 10:45", "rolled back"),
    ], noise=["🌴", "🤒", "deleted", "Only visible"], fmt="slack"),
    Case("slack copy ending with quoted log lines", SLACK_ENDING_WITH_LOGS, [
        ("Carl Ng", "2021-06-08 10:40", "anyone on checkout?"),
        ("Jane Doe", "2021-06-08 10:42", "from the pod:\n2021-06-08 10:30:01 ERROR pool exhausted\n"
         "2021-06-08 10:30:02 ERROR pool exhausted\n2021-06-08 10:30:03 ERROR pool exhausted\n"
         "2021-06-08 10:30:04 WARN retrying"),
    ], fmt="slack"),
    Case("rocket.chat one line with username", ROCKET_CHAT_ONE_LINE, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ]),
    Case("slack thread with dated stamps", SLACK_THREAD_OLD_STAMPS, [
        ("Jane Doe", "2021-06-07 23:50", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 00:10", "rolled back"),
        ("Jane Doe", "2021-06-10 09:00", "postmortem draft is up"),
    ], default_date=date(2021, 6, 10), fmt="slack"),
    Case("teams dated headers", TEAMS_DATED_HEADERS, [
        ("Jane Doe", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-09 00:05", "rolled back"),
        ("Ana Lima", "2021-06-09 00:30", "all clear"),
    ], default_date=date(2021, 6, 8), fmt="teams"),
    Case("teams headers all dated", TEAMS_ALL_DATED_HEADERS, [
        ("Jane Doe", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-09 00:05", "rolled back"),
    ], default_date=None, fmt="teams"),
    Case("slack dividers over new year", SLACK_OVER_NEW_YEAR, [
        ("Jane Doe", "2021-12-30 23:50", "checkout is throwing 502s"),
        ("Carl Ng", "2022-01-03 09:00", "postmortem draft is up"),
    ], default_date=date(2022, 1, 3), fmt="slack"),
    Case("slack short answers that look like reactions", SLACK_SHORT_ANSWERS, [
        ("Jane Doe", "2021-06-08 10:42", "which PR?"),
        ("Carl Ng", "2021-06-08 10:43", "#4411\n+1"),
    ], noise=[":white_check_mark:", "✅"], fmt="slack"),
    Case("zulip bars with dates", ZULIP_DATED_BARS, [
        ("Jane Doe", "2021-06-07 23:50", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 00:10", "rolled back"),
    ], noise=["incidents >", "replies"], fmt="slack"),
    Case("mattermost system messages", MATTERMOST_SYSTEM, [
        ("jane.doe", "2021-06-08 10:40", "@jane.doe joined the channel.", "system"),
        ("carl.ng", "2021-06-08 10:41", "@carl.ng added to the channel by @jane.doe.", "system"),
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
    ], fmt="slack"),
    Case("whatsapp export, US locale", WHATSAPP_US, [
        ("Jane Doe", "2021-06-08 10:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-08 10:44", "looking"),
    ], default_date=None, fmt="timestamped"),
    Case("whatsapp export, day-first locale", WHATSAPP_DAY_FIRST, [
        ("Jane Doe", "2021-06-08 22:42", "checkout is throwing 502s"),
        ("Carl Ng", "2021-06-09 00:04", "rolled back"),
    ], default_date=None, fmt="timestamped"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_copy_with_several_shapes_parses_into_the_right_messages(case: Case):
    check_copy(case)


@pytest.mark.parametrize(
    ("text", "hint", "day_first"),
    [
        ("Jane — 13/06/2021 10:42\nCarl — 06/08/2021 10:44", False, True),  # a day past 12 settles it
        ("[06/13/2021 10:42 AM] Jane: hi", False, False),
        ("Jane — 08/06/2021 22:42", True, True),  # 24-hour clock, no --date: a day-first locale
        ("Jane — 08/06/2021 10:42 AM", True, False),  # AM/PM: a US locale
        ("Jane — 08/06/2021 22:42", False, None),  # with --date, the reading nearest to it wins
        ("Jane Doe  10:42 AM\nno dates here", True, None),
    ],
)
def test_slash_date_order_is_read_from_the_whole_paste(text, hint, day_first):
    from facilitator.sources.paste_time import slash_date_order

    assert slash_date_order(text, hint=hint) is day_first


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("dana [~d@host] has joined #ops", ("dana", "channel_join")),
        ("Joins: dana (~d@host)", ("dana", "channel_join")),
        ("Quits: dana (~d@host) (Ping timeout)", ("dana", "channel_leave")),
        ("Dana Okafor joined the room", ("Dana Okafor", "channel_join")),
        ("Dana Okafor left the room", ("Dana Okafor", "channel_leave")),
        ("dana has changed the topic to: checkout down", ("dana", "channel_topic")),
        ("dana has left #ops [Leaving]", ("dana", "channel_leave")),
        ("the pool has joined the queue of things to fix", None),
        ("dana is now known as dana_oncall", ("dana", "")),
    ],
)
def test_named_channel_notices(text, found):
    from facilitator.sources.paste_system import named_notice

    assert named_notice(text) == found


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("joined #inc-123.", "channel_join"),
        ("was added to #inc-123 by Jane Doe.", "channel_join"),
        ("left #inc-123.", "channel_leave"),
        ("set the channel topic: checkout 502s", "channel_topic"),
        ("joined #inc-123. I'll take comms", ""),  # said something too: a message
        ("I joined #inc-123 late, sorry", ""),
    ],
)
def test_slack_notices_are_whole_messages(text, subtype):
    from facilitator.sources.paste_system import slack_notice

    assert slack_notice(text) == subtype


def test_a_join_notice_copied_between_two_messages_is_in_neither():
    from facilitator.sources.paste import parse_transcript

    text = (
        "kelsey.tran\n10:31 AM\n3 tenants reporting intermittent 401s on the REST API\n"
        "omar.haddad\n10:33 AM\nlooking\n"
        "lena.brandt\n10:47 AM\nauth service is cooking, timeouts come back as 401\n"
        "raj.subramanian has joined the channel\n"
        "raj.subramanian\n11:02 AM\nwhat's going on?\n"
        "omar.haddad\n11:03 AM\nauth-svc is pegged, scaling it out\n"
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2019, 10, 1), origin="paste.txt")
    said = [(m.author, m.text) for m in t.messages if not m.is_system]
    assert said[2:4] == [
        ("lena.brandt", "auth service is cooking, timeouts come back as 401"),
        ("raj.subramanian", "what's going on?"),
    ]
