"""Editing answers: Enter saves however long the answer, Ctrl+J adds a line, Ctrl+Delete
clears a pre-filled suggestion (Pilot, the demo incident, no LLM)."""

from __future__ import annotations

from facilitator.sessions import SessionStore
from screens.interview import InterviewPane
from screens.main import MainScreen
from screens.widgets.answer_area import AnswerArea
from tests.interaction.apphelp import SIZE, burst, demo_app, keys, until, wait_for_screen


async def test_enter_saves_a_long_wrapped_answer_and_ctrl_j_adds_a_line():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("fears")  # free text: the multi-line box
        await pilot.pause()
        area = screen.query_one("#iv-text", AnswerArea)
        assert app.focused is area
        await pilot.press("ctrl+delete")  # clear whatever was pre-filled, in one key
        assert area.text == ""
        long = "the same config path could break again during the next sale because nothing checks it " * 2
        await burst(pilot, *keys("first line"), "ctrl+j", *keys(long.strip()), "enter")
        await until(pilot, lambda: pane.question.id != "fears")
        saved = SessionStore().load(screen.interview.session.name).answers["fears"]
        assert saved.value == "first line\n" + long.strip()  # no stray line break from Enter
        assert pane.question.id != "fears"  # Enter moved on to the next question


async def test_ctrl_delete_clears_a_one_line_suggestion():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("detected_at")
        await pilot.pause()
        box = screen.query_one("#iv-input")
        assert box.value  # the suggested time is pre-filled
        await pilot.press("ctrl+delete")
        assert box.value == "" and app.focused is box


async def test_a_mitigation_time_before_detection_is_refused_with_the_reason_until_confirmed():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("mitigated_at")
        await pilot.pause()
        box = screen.query_one("#iv-input")
        box.value = "2024-12-03 14:00"  # detection was at 14:07
        await pilot.press("enter")
        await pilot.pause()
        feedback = str(screen.query_one("#iv-feedback").render())
        assert "Not saved" in feedback and "before detected (14:07)" in feedback
        assert "mitigated_at" not in SessionStore().load(screen.interview.session.name).answers
        assert pane.question.id == "mitigated_at"
        await pilot.press("enter")  # said twice: the user means it
        await pilot.pause()
        saved = SessionStore().load(screen.interview.session.name).answers["mitigated_at"]
        assert saved.value.startswith("2024-12-03T14:00")


async def test_keys_typed_right_after_enter_go_to_the_next_question():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        pane.goto("happened_before")  # yes/no, one line; the next one is a list in the multi-line box
        await pilot.pause()
        await pilot.press("ctrl+delete")
        await burst(pilot, *keys("no"), "enter", *keys("none that we know of"))
        await until(pilot, lambda: screen.query_one("#iv-text", AnswerArea).text == "none that we know of")
        answers = SessionStore().load(screen.interview.session.name).answers
        assert answers["happened_before"].value == "no"
        assert pane.question.id == "job_failures"
        assert screen.query_one("#iv-text", AnswerArea).text == "none that we know of"
