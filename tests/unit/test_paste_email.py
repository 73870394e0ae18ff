"""An email thread pasted as text: each mail's From/Date headers make a message."""

from __future__ import annotations

from datetime import date, datetime, timezone

from facilitator.extract import extract_findings
from facilitator.sources.paste import parse_transcript

THREAD = """From: Nagios <nagios@mon1.example.internal>
To: ops@example.internal
Date: Tue, 9 Mar 2021 13:19:42 -0800
Subject: ** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **

Notification Type: PROBLEM
State: CRITICAL

----------------------------------------------------------------------
From: Sarah Okafor <sarah@example.com>
To: ops@example.internal
Date: Tue, 9 Mar 2021 13:24:10 -0800
Subject: Re: ** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **

on it. v4 looks dead from outside, customers can't reach their vps

----------------------------------------------------------------------
From: "Dmitri Vasquez" <dmitri@example.com>
Date: Tue, 9 Mar 2021 14:40:55 -0800
Subject: Re: ** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **

On Tue, Mar 9, 2021 at 1:24 PM Sarah Okafor wrote:
> on it. v4 looks dead from outside

filter fixed, sessions back up, v4 traffic back to normal.
"""


def test_each_mail_is_a_message_dated_by_its_header():
    t = parse_transcript(THREAD, tz="America/Los_Angeles", default_date=None, origin="p")
    assert t.format == "email"
    assert [(m.author, m.is_bot) for m in t.messages] == [("Nagios", True), ("Sarah Okafor", False), ("Dmitri Vasquez", False)]
    assert t.messages[0].at.astimezone(timezone.utc) == datetime(2021, 3, 9, 21, 19, 42, tzinfo=timezone.utc)
    assert t.messages[0].text.startswith("** PROBLEM Service Alert")  # an alert mail's subject says what fired
    assert "Re:" not in t.messages[1].text  # a reply's subject repeats the thread
    assert "looks dead from outside" not in t.messages[2].text  # quoted lines left out
    assert t.channel == "** PROBLEM Service Alert: border1/BGP HE.net is CRITICAL **"


def test_a_mail_thread_gives_key_times_and_people():
    f = extract_findings(parse_transcript(THREAD, tz="America/Los_Angeles", default_date=None, origin="p"))
    assert f.mitigated_at is not None and f.mitigated_at.at.strftime("%H:%M") == "14:40"
    assert {r.name for r in f.responders} == {"Dmitri Vasquez", "Sarah Okafor"}  # the alert mail is no person


def test_one_mail_is_not_a_thread():
    text = "From: Sarah <sarah@example.com>\nDate: Tue, 9 Mar 2021 13:24:10 -0800\n\n10:02 <sarah> api down\n10:05 <ben> looking\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2021, 3, 9), origin="p")
    assert t.format == "irc" and [m.author for m in t.messages][-2:] == ["sarah", "ben"]


ARCHIVE = """[techinfo-users] can't get to any websites?
Glenn Harper glenn.harper at bigpond.net.au
Sun Aug 9 16:41:12 EST 2009

Hi all, is anyone else having trouble? No web pages load.

---------------------------------------------------------------------------

[techinfo-users] can't get to any websites?
Rob Castellano rob at techinfo.com.au
Sun Aug 9 16:52:30 EST 2009

Yes we're aware, looks like DNS is failing for everyone.
"""


def test_a_mailing_list_archive_thread_is_read_in_the_transcripts_zone():
    t = parse_transcript(ARCHIVE, tz="Australia/Sydney", default_date=None, origin="p")
    assert t.format == "email" and t.channel == "can't get to any websites?"
    assert [m.author for m in t.messages] == ["Glenn Harper", "Rob Castellano"]
    assert t.messages[0].at.isoformat() == "2009-08-09T16:41:12+10:00"
    assert t.messages[0].text == "Hi all, is anyone else having trouble? No web pages load."  # not the next subject


def test_mails_quoted_inside_a_chat_log_leave_it_a_chat_log():
    chat = (
        "10:02 <sarah> api down, customers mailing us\n10:03 <ben> looking\n10:04 <sarah> pasting two:\n"
        + THREAD.split("------")[0]
        + "\nFrom: Kim <kim@example.com>\nDate: Tue, 9 Mar 2021 13:30:00 -0800\n\nsame here\n10:20 <ben> fixed\n"
    )
    t = parse_transcript(chat, tz="UTC", default_date=date(2021, 3, 9), origin="p")
    assert t.format == "irc"


def test_a_mailers_hard_wrap_is_undone_but_short_lines_stay():
    thread = (
        "From: Sarah <sarah@example.com>\nDate: Tue, 9 Mar 2021 13:24:10 -0800\nSubject: outage\n\n"
        "on it. v4 looks dead from outside, v6 seems fine?? checked from my home\n"
        "connection, can't ping any customer v4 addrs.\n\nState: CRITICAL\nHost: border1\n\n"
        "From: Ben <ben@example.com>\nDate: Tue, 9 Mar 2021 13:30:10 -0800\nSubject: Re: outage\n\nlooking\n"
    )
    t = parse_transcript(thread, tz="UTC", default_date=None, origin="p")
    assert t.messages[0].text == (
        "outage\n\non it. v4 looks dead from outside, v6 seems fine?? checked from my home connection, "
        "can't ping any customer v4 addrs.\n\nState: CRITICAL\nHost: border1"
    )


def test_a_pipermail_page_with_its_navigation_lines_is_still_a_thread():
    page = "[list] ns14 not responding?\nMessages sorted by: [ date ] [ thread ] [ subject ] [ author ]\n\n" + "-" * 80 + "\n\n" + ARCHIVE.split("\n", 1)[1]
    t = parse_transcript(page, tz="Australia/Sydney", default_date=None, origin="p")
    assert t.format == "email" and [m.author for m in t.messages] == ["Glenn Harper", "Rob Castellano"]


def test_a_german_outlook_thread_and_a_gmail_print_are_threads():
    outlook = (
        "Von: Leitstand ITDZ <leitstand@itdz.example>\nGesendet: Montag, 29. Juli 2013 14:41\nBetreff: Ausfall\n\nseit ca. 14:15 Uhr Ausfall\n\n"
        "Von: Kowalski, Heike (SenFin)\nGesendet: Montag, 29. Juli 2013 14:58\nBetreff: AW: Ausfall\n\nbei uns auch\n\n"
        "Von: Leitstand ITDZ\nGesendet: Dienstag, 30. Juli 2013 07:55\nBetreff: AW: Ausfall\n\nwieder verfügbar\n"
    )
    t = parse_transcript(outlook, tz="Europe/Berlin", default_date=None, origin="p")
    assert [(m.author, m.is_bot, m.at.strftime("%m-%d %H:%M")) for m in t.messages] == [
        ("Leitstand ITDZ", True, "07-29 14:41"), ("Kowalski, Heike", False, "07-29 14:58"), ("Leitstand ITDZ", True, "07-30 07:55")
    ]
    printed = (
        "[noc-notify] Network outage\n2 messages\n\n"
        "iCUK NOC <noc@ic.example>                                   Wed, 10 Jan 2018 at 13:38\nTo: noc-notify@lists.example\n\n"
        "We are aware of a network outage.\n\n"
        "Gareth Pryce <gareth@customer.example>                      Wed, 10 Jan 2018 at 13:44\nTo: noc-notify@lists.example\n\n"
        "All our leased lines dropped.\n"
    )
    t = parse_transcript(printed, tz="Europe/London", default_date=None, origin="p")
    assert [(m.author, m.is_bot, m.at.strftime("%H:%M")) for m in t.messages] == [("iCUK NOC", True, "13:38"), ("Gareth Pryce", False, "13:44")]


def test_gmail_print_view_copied_from_the_page_with_a_tab_before_the_date():
    thread = (
        "Gmail\tDana Whitlock <dana@example.io>\n\n[ops] site not resolving??\n3 messages\n\n"
        "Marcus Eriksen <marcus@example.io>\tMon, Dec 9, 2024 at 2:11 AM\nTo: ops@example.io\n\n"
        "uptime robot just texted me, the site is down\n\n"
        "Dana Whitlock <dana@example.io>\tMon, Dec 9, 2024 at 2:24 AM\nTo: Marcus Eriksen <marcus@example.io>\n\n"
        "Nobody touched the registrar.\n\n"
        "Marcus Eriksen <marcus@example.io>\tMon, Dec 9, 2024 at 7:00 AM\nTo: ops@example.io\n\n"
        "DNS is back, the site resolves again.\n"
    )
    t = parse_transcript(thread, tz="UTC", default_date=None, origin="paste.txt")
    assert [(m.at.strftime("%H:%M"), m.author) for m in t.messages] == [
        ("02:11", "Marcus Eriksen"), ("02:24", "Dana Whitlock"), ("07:00", "Marcus Eriksen"),
    ]


def test_a_mail_thread_then_an_irc_log_under_its_name_line_are_both_read_the_log_where_the_mails_end():
    text = (
        "=== email: ops list ===\n" + THREAD.replace("14:40:55", "23:40:55")
        + "\n=== #ops (IRC, ZNC playback, PST) ===\n"
        "[07:02] <sarah> morning. border1 still fine after the filter fix\n"
        "[07:05] <dmitri> good. writing it up\n"
    )
    t = parse_transcript(text, tz="America/Los_Angeles", default_date=date(2021, 3, 9), origin="p")
    assert [m.author for m in t.messages] == ["Nagios", "Sarah Okafor", "Dmitri Vasquez", "sarah", "dmitri"]
    assert "border1 still fine" not in t.messages[2].text  # the log is not the last mail's body
    assert t.messages[3].at.astimezone(timezone.utc) == datetime(2021, 3, 10, 15, 2, tzinfo=timezone.utc)  # the next morning
