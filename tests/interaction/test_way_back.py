"""A way back: the resume command on quit, and a second start on the same source offering to
resume the first session instead of silently starting another (Pilot, the demo incident)."""

from __future__ import annotations

from textual.widgets import Button

from facilitator.sessions import SessionStore
from screens.home import HomeScreen
from screens.main import MainScreen
from screens.resume import ResumeOrNewScreen
from tests.interaction.apphelp import SIZE, demo_app, until, wait_for_screen


async def test_quit_gives_the_exact_resume_command():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        await pilot.press("ctrl+q")
    assert app.resume_hint == f"Your answers are saved. Resume with: facilitator interview --session {name}"


async def test_the_same_source_again_offers_to_resume_or_start_new_explicitly():
    first = demo_app(**{"llm.enabled": False})
    async with first.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        await pilot.press("ctrl+s")  # answer the first question
        await pilot.pause()
    answered = len(SessionStore().load(name).answers)
    assert answered >= 1

    again = demo_app(**{"llm.enabled": False})
    async with again.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(again.screen, ResumeOrNewScreen))
        dialog = again.screen
        assert name in str(dialog.query_one("Static:last-of-type").render())
        assert "answered" in str(dialog.query_one("Static:last-of-type").render())
        await pilot.press("enter")  # "Resume it" has the focus
        screen = await wait_for_screen(pilot, MainScreen)
        assert screen.interview.session.name == name and len(screen.interview.session.answers) == answered
    assert len(SessionStore().list()) == 1  # no second session

    fresh = demo_app(**{"llm.enabled": False})
    async with fresh.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(fresh.screen, ResumeOrNewScreen))
        fresh.screen.query_one("#resume-new", Button).press()
        screen = await wait_for_screen(pilot, MainScreen)
        assert screen.interview.session.name != name and not screen.interview.session.answers
    assert len(SessionStore().list()) == 2

    back = demo_app(**{"llm.enabled": False})
    async with back.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(back.screen, ResumeOrNewScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(back.screen, HomeScreen))
        options = back.screen.query_one("#home-sessions").options
        assert len(options) == 2  # both listed, with their progress
        prompts = sorted(str(o.prompt) for o in options)
        assert any(f"{answered}/" in p and "answered" in p and "█" in p for p in prompts), prompts
        assert any("0/" in p and "░░░░░░░░░░" in p for p in prompts), prompts
    assert back.resume_hint == ""  # nothing was opened
