"""First frame first: the main screen opens before the findings exist, and nothing given meanwhile is lost."""

from __future__ import annotations

import json
import threading

import screens.main as main_module
from facilitator.sessions import SessionStore
from screens.main import MainScreen
from screens.widgets.background_status import BackgroundStatus
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


async def test_the_main_screen_opens_while_extracting_and_keeps_an_early_answer(monkeypatch):
    gate = threading.Event()
    real = main_module.extract_offline

    def slow_extract(transcript):
        assert gate.wait(30), "the test never let the extraction finish"
        return real(transcript)

    monkeypatch.setattr(main_module, "extract_offline", slow_extract)
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        session = screen.interview.session
        status = screen.query_one(BackgroundStatus)
        assert screen.background_findings == "extract" and status.display and "for facts" in status.doing
        assert not session.findings.responders  # the transcript and the question are up; the facts are not yet
        folder = SessionStore().folder(session.name)
        assert not (folder / "findings.json").exists()

        screen.interview.answer("fears", "that the pool is too small again")  # before the extraction ends
        gate.set()
        for _ in range(400):
            if not screen.background_findings and not app.store.writer.busy:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        assert session.findings.responders and session.title  # the findings arrived, with their title
        assert not status.display  # the line hides when nothing is left to do
        saved = SessionStore().load(session.name)
        assert saved.answers["fears"].value == "that the pool is too small again"
        assert json.loads((folder / "findings.json").read_text())["responders"]
        assert (folder / "transcript.json").exists()


async def test_a_resumed_session_reads_its_findings_after_the_first_frame():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        for _ in range(400):
            if not screen.background_findings and not app.store.writer.busy:
                break
            await pilot.pause(0.05)
        expected = screen.interview.session.findings
    from facilitator.config import load_settings
    from screens.launch import make_app

    app = make_app(load_settings(overrides={"llm.enabled": False}), session_name=name)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        for _ in range(400):
            if not screen.background_findings:
                break
            await pilot.pause(0.05)
        assert screen.interview.session.findings == expected
        assert screen.interview.suggestion("customer_effect") is not None  # suggestions use them
