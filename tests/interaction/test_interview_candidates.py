"""Picking another candidate time in the interview: one key shows it, saving stores it with its citation."""

from __future__ import annotations

from facilitator.sessions import SessionStore
from screens.interview import InterviewPane
from screens.main import MainScreen
from textual.widgets import Input
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


async def test_ctrl_y_shows_the_next_candidate_and_ctrl_s_saves_it():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(InterviewPane)
        iv = screen.interview
        qid = next(q for q in ("mitigated_at", "detected_at", "resolved_at") if len(iv.alternatives(q)) > 1)
        pane.goto(qid)
        await pilot.pause()
        box = screen.query_one("#iv-input", Input)
        first = box.value
        other = iv.alternatives(qid)[1]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert box.value != first and box.value == iv.display_value(qid, other.value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = SessionStore().load(iv.session.name).answers[qid]
        assert saved.status == "suggested" and saved.message_ids == other.message_ids
