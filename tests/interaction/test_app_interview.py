"""The interview pane: answers are saved to disk as given; quitting and reopening resumes."""

from __future__ import annotations

from facilitator.config import load_settings
from facilitator.interview.catalogue import load_catalogue
from facilitator.sessions import SessionStore
from screens.interview import InterviewPane
from screens.home import HomeScreen
from screens.launch import make_app
from screens.main import MainScreen
from textual.widgets import Input, OptionList, Static, TextArea
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_answers_are_saved_to_the_session_on_disk():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        assert screen.interview.current.id == screen.interview.questions[0].id  # a new session starts at the top
        assert "Question 1 of" in _text(screen, "#iv-progress-label")
        screen.query_one(InterviewPane).goto("title")
        await pilot.pause()
        box = screen.query_one("#iv-input", Input)
        assert app.focused is box and box.value  # the suggestion is pre-filled
        box.value = "Checkout errors after a gateway config change"
        await pilot.press("enter")
        saved = SessionStore().load(name)
        assert saved.answers["title"].value == "Checkout errors after a gateway config change"
        assert saved.answers["title"].status == "answered"
        assert saved.current_question == screen.interview.current.id != "title"

        # unknown is a first-class answer
        qid = screen.interview.current.id
        await pilot.press("ctrl+o")
        assert SessionStore().load(name).answers[qid].status == "unknown"

        # accept a suggestion: stored with its citations
        while screen.interview.suggestion(screen.interview.current.id) is None:
            await pilot.press("ctrl+g")
        qid = screen.interview.current.id
        await pilot.press("ctrl+r")
        ans = SessionStore().load(name).answers[qid]
        assert ans.status == "suggested" and ans.message_ids


async def test_datetime_is_validated_in_the_zone_and_shows_metrics():
    app = demo_app(timezone="Europe/Berlin")
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("detected_at")
        await pilot.pause()
        box = screen.query_one("#iv-input", Input)
        assert box.display and "Europe/Berlin" in _text(screen, "#iv-help")
        assert "Time to detect" in _text(screen, "#iv-metrics")
        box.value = "not a time at all"
        await pilot.press("enter")
        assert screen.interview.current.id == "detected_at"  # not saved, form untouched
        assert box.value == "not a time at all"
        assert "error" in screen.query_one("#iv-feedback").classes
        box.value = "2024-12-03 15:09"
        await pilot.pause()
        assert "15:09" in _text(screen, "#iv-feedback")
        assert "detect 03 Dec 15:09" in _text(screen, "#iv-metrics")  # metrics follow the typing
        await pilot.press("enter")
        ans = SessionStore().load(screen.interview.session.name).answers["detected_at"]
        assert ans.value == "2024-12-03T15:09+01:00"  # read in the configured zone
        pane.goto("detected_at")
        await pilot.pause()
        assert box.value == "2024-12-03 15:09"


async def test_quit_and_reopen_resumes_at_the_same_question():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        await pilot.press("ctrl+g", "ctrl+g", "ctrl+g")  # skip three questions
        where = screen.interview.current.id
        await pilot.press("ctrl+q")
    assert SessionStore().load(name).current_question == where

    # as a user does it: `facilitator`, then pick the session on the home screen
    again = make_app(load_settings())
    async with again.run_test(size=SIZE) as pilot:
        home = await wait_for_screen(pilot, HomeScreen)
        listing = home.query_one("#home-sessions", OptionList)
        assert listing.option_count == 1 and f"3/{len(load_catalogue())} answered" in str(listing.get_option_at_index(0).prompt)
        assert again.focused is listing
        await pilot.press("enter")
        screen = await wait_for_screen(pilot, MainScreen)
        assert screen.interview.current.id == where
        assert "Question 4 of" in _text(screen, "#iv-progress-label")
        assert screen.interview.progress()[0] == 3

    # and with `facilitator interview --session NAME`
    third = make_app(load_settings(), session_name=name)
    async with third.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        assert screen.interview.current.id == where


async def test_every_question_can_be_answered_in_turn():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        iv = screen.interview
        total = len(iv.questions)
        for _ in range(total):
            qid = iv.current.id
            await pilot.press("ctrl+r" if iv.suggestion(qid) is not None else "ctrl+o")
        assert iv.progress() == (total, total)
        assert "All questions have an answer" in _text(screen, "#iv-feedback")
        saved = SessionStore().load(iv.session.name)
        assert len(saved.answers) == total
        assert {a.status for a in saved.answers.values()} <= {"suggested", "unknown"}


async def test_selecting_a_citation_jumps_the_transcript():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("responders")  # cites several messages
        await pilot.pause()
        cites = screen.query_one("#iv-citations", OptionList)
        assert cites.display and cites.option_count >= 1
        assert isinstance(app.focused, TextArea)
        cites.focus()
        cites.highlighted = cites.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        target = cites.get_option_at_index(cites.option_count - 1).id
        view = screen.transcript_view
        assert view.highlighted == screen.transcript.index[target]


async def test_tab_keys_work_while_typing_a_long_answer():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("luck")  # a multi-line answer: the TextArea has focus (it binds F6 itself)
        await pilot.pause()
        area = screen.query_one("#iv-text", TextArea)
        assert app.focused is area
        before = area.text
        await pilot.press("f6")
        await pilot.pause()
        assert screen.query_one("#tabs").active == "preview"
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one("#tabs").active == "interview" and area.text == before and app.focused is area
