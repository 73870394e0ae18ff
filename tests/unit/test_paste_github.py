"""A GitHub issue thread copied from the web page: comments, interface text, events, day-only stamps."""

from __future__ import annotations

from datetime import date, timedelta

from facilitator.extract import extract_findings
from facilitator.sources.paste import detect_format, parse_transcript

THREAD = """\
[status] API returns 502 for every request #812
Closed
mira-k opened on Mar 3, 2025
@mira-k
Member
mira-k
opened on Mar 3, 2025
The API has been returning 502 on most requests since 09:40 (UTC).

We are looking at the load balancer.
mira-k added the outage label on Mar 3, 2025
@tobias-l
Contributor
tobias-l commented on Mar 3, 2025
Rolled back the proxy config, see https://github.com/example/infra/pull/4411

👍 2
@mira-k
Member
Author
mira-k commented on Mar 3, 2025 · edited
It's back to normal since 10:25, thanks @tobias-l. Restarted by @ana-p on the second node too.
@github-actions
github-actions[bot] commented on Mar 3, 2025
This issue is stale and will be closed.
@mira-k mira-k closed this as completed on Mar 3, 2025
"""


def parsed():
    return parse_transcript(THREAD, tz="UTC", default_date=None, origin="issue.txt")


def test_a_copied_issue_thread_is_read_as_comments_with_their_authors():
    assert detect_format(THREAD) == "github"
    t = parsed()
    people = [m.author for m in t.messages if m.author]
    assert people == ["mira-k", "tobias-l", "mira-k", "github-actions[bot]"]
    assert t.channel.startswith("[status] API returns 502")
    bodies = [m.text for m in t.messages]
    assert not any(line in ("@mira-k", "Member", "Author", "Contributor") for b in bodies for line in b.splitlines())
    assert any(b == "mira-k closed this as completed" for b in bodies)  # the event, not a comment


def test_a_comment_with_only_a_day_takes_the_clock_its_text_states():
    t = parsed()
    first, back = t.messages[0], next(m for m in t.messages if m.text.startswith("It's back"))
    assert (first.at.date(), first.at.strftime("%H:%M"), first.time_precision) == (date(2025, 3, 3), "09:40", "approximate")
    assert back.at.strftime("%H:%M") == "10:25"
    rollback = next(m for m in t.messages if m.text.startswith("Rolled back"))
    assert rollback.time_precision == "date-only"  # no clock stated: placed by day, never a key time


def test_findings_from_a_thread_keep_bots_out_and_count_people_shown_acting():
    f = extract_findings(parsed())
    names = [r.name for r in f.responders]
    assert "mira-k" in names and "tobias-l" in names and "ana-p" in names
    assert not any("github-actions" in n for n in names)
    assert f.resolved_at is not None and f.resolved_at.at.strftime("%H:%M") == "10:25"
    assert f.started_at is not None and f.started_at.at.strftime("%H:%M") == "09:40"


def test_relative_stamps_count_back_from_the_day_of_the_copy():
    text = "ops-bot commented 2 hours ago\nnoise\nkai commented 1 hour ago\nthe database is down\n"
    t = parse_transcript(text, tz="UTC", default_date=date(2025, 3, 3), origin="issue.txt")
    assert [m.author for m in t.messages] == ["ops-bot", "kai"]
    assert t.messages[1].at - t.messages[0].at == timedelta(hours=1)


def test_clock_forms_a_comment_may_state_and_weeks_ago():
    text = (
        "octo commented 2 weeks ago\nThe certificate has been finally renewed at 07h30(am) UTC\n"
        "mona commented 1 week ago\nstill failing, 12:15 am it broke again\n"
    )
    t = parse_transcript(text, tz="UTC", default_date=date(2025, 8, 17), origin="issue.txt")
    assert [m.author for m in t.messages] == ["octo", "mona"]
    # a week apart, the oldest on --date, each at the clock its text states
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["08-17 07:30", "08-24 00:15"]
    t = parse_transcript(text.replace("2 weeks ago", "on Aug 3, 2025").replace("1 week ago", "on Aug 4, 2025"),
                         tz="UTC", default_date=None, origin="issue.txt")
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["08-03 07:30", "08-04 00:15"]


def test_a_thread_stamped_days_ago_is_placed_from_date_with_the_clocks_it_states():
    text = (
        "site gives 404 #222\nClosed\nsanne opened this issue 4 days ago · 3 comments\n"
        "sanne commented 4 days ago\nSince this morning the site shows a 404. I first noticed it at 10:15.\n\n"
        "mirjam commented 4 days ago\nI think it is the thing from yesterday: the change merged at ~10:00 this morning redeployed it.\n\n"
        "tom commented 4 days ago\nreviewed the fix, needs an admin\n\n"
        "chris commented 3 days ago\nOnly saw this now (09:05). Merged the fix, the site is back.\n"
    )
    t = parse_transcript(text, tz="Europe/Amsterdam", default_date=date(2024, 10, 18), origin="issue.txt")
    assert [m.at.strftime("%m-%d %H:%M") for m in t.messages] == ["10-18 10:15", "10-18 10:00", "10-18 10:00", "10-19 09:05"]


def test_the_newer_issue_page_and_gitlab_headers_start_comments():
    github = (
        "R Datahub 505 Internal Service Error org/datahub#3166\n"
        "Closed \u2022 andrewpbray opened on Jan 20, 2022 \u2022 8 comments\n\n"
        "  When logging into R DataHub this morning, I encountered a 505.\n\n"
        "yuvipanda (Member) \u2022 Jan 20, 2022\n  @andrewpbray looking at it now.\n\n"
        "andrewpbray \u2022 Jan 20, 2022\n  Thanks.\n"
    )
    t = parse_transcript(github, tz="UTC", default_date=None, origin="p")
    assert [(m.author, m.text.strip()) for m in t.messages] == [
        ("andrewpbray", "When logging into R DataHub this morning, I encountered a 505."),
        ("yuvipanda", "@andrewpbray looking at it now."),
        ("andrewpbray", "Thanks."),
    ]
    assert {m.at.date() for m in t.messages} == {date(2022, 1, 20)}
    gitlab = (
        "Some users can't log in\nClosed  Issue created 6 years ago by Rob Castellanos\n\n  Monitoring alert just fired.\n\n"
        "Rob Castellanos @rcastellanos \u00b7 6 years ago\n  can repro from home\n\n"
        "Priya Natarajan @pnatarajan \u00b7 6 years ago\n  not the cert\n"
    )
    t = parse_transcript(gitlab, tz="UTC", default_date=date(2019, 5, 10), origin="p")
    assert [m.author for m in t.messages] == ["Rob Castellanos", "Rob Castellanos", "Priya Natarajan"]
    assert {m.at.date() for m in t.messages} == {date(2019, 5, 10)}  # "6 years ago" gives no day: --date does


def test_gitlab_comments_with_a_clock_are_placed_at_it():
    gitlab = (
        "Loadbalancer down\nTobias Werner @twerner \u00b7 Jul 15, 2025 10:58am\n  lb01 not answering\n\n"
        "Markus Böhm @mboehm \u00b7 Jul 15, 2025 11:20am\n  failover done\n"
    )
    t = parse_transcript(gitlab, tz="Europe/Berlin", default_date=None, origin="p")
    assert [(m.author, m.at.strftime("%Y-%m-%d %H:%M"), m.time_precision) for m in t.messages] == [
        ("Tobias Werner", "2025-07-15 10:58", ""), ("Markus Böhm", "2025-07-15 11:20", "")
    ]


def test_a_clock_without_am_pm_after_an_afternoon_comment_is_in_the_afternoon():
    thread = (
        "Proton backend unreachable #318\nOpen  ethan opened this issue on Nov 10, 2021 · 3 comments\n\n"
        "ethan commented on Nov 10, 2021\nTracking issue. Paged at 3:30 PM, alerts from all nodes.\n\n"
        "ethan commented on Nov 10, 2021\nConfirmed from outside: every site returns 502 since ~3:32.\n\n"
        "mlin commented on Nov 10, 2021\nnodes are back at 4:40, all serving\n"
    )
    t = parse_transcript(thread, tz="UTC", default_date=None, origin="paste.txt")
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["15:30", "15:32", "16:40"]


def test_a_clock_stated_with_its_zone_is_read_in_that_zone():
    thread = (
        "Publication point served zero objects #87\nClosed\nmk opened this issue on Jun 19, 2025 · 3 comments\n"
        "Comments\n@mk\nmk commented on Jun 19, 2025\n\nFirst warning in our logs is 04:24 CEST.\n\n"
        "@td\ntd commented on Jun 19, 2025\n\nWe see it too, the core was unavailable since 02:20 UTC.\n\n"
        "@td\ntd commented on Jun 19, 2025\n\nFully operational again as of around 06:00 UTC.\n"
    )
    t = parse_transcript(thread, tz="Europe/Amsterdam", default_date=None, origin="paste.txt")
    local = [m.at.astimezone(t.messages[0].at.tzinfo).strftime("%H:%M") for m in t.messages]
    assert local == ["04:24", "04:20", "08:00"]
    assert all(m.text != "Comments" for m in t.messages)  # the page's heading, not a comment


def test_a_clock_inside_a_link_is_not_the_time_the_comment_states():
    thread = (
        "Wrong descriptor on payins #12\nClosed\nju opened this issue on Jul 2, 2018 · 2 comments\n"
        "ju commented on Jul 2, 2018\nEscalating, customers since 18:00 see the wrong label.\n\n"
        "so commented on Jul 2, 2018\nOur payload is correct. Query: "
        "https://kibana.example.internal/app/kibana#/discover?_g=(time:(from:'2018-06-26T00:00:00Z'))\n"
    )
    t = parse_transcript(thread, tz="Europe/Paris", default_date=None, origin="paste.txt")
    assert [m.at.strftime("%H:%M") for m in t.messages] == ["18:00", "18:00"]


def test_a_comment_header_with_the_role_badge_beside_the_login_starts_a_comment():
    thread = (
        "flathub.org down? #6412\nClosed\nmkrause opened this issue on May 24, 2026 · 3 comments\n\n"
        "mkrause commented on May 24, 2026\nthe website does not load\n\n"
        "tessa-m (Member) commented on May 24, 2026\nOne of our providers is down, we opened a ticket.\n\n"
        "jkoller (Member) commented on May 24, 2026\nProvider says it is resolved, our machines are back.\n"
    )
    t = parse_transcript(thread, tz="UTC", default_date=None, origin="paste.txt")
    assert [m.author for m in t.messages] == ["mkrause", "tessa-m", "jkoller"]
    assert t.messages[1].text.startswith("One of our providers")
