"""Secrets pasted in the channel are masked on screen from the first frame, exactly as after a
resume; one message can be revealed on purpose (Pilot, the demo incident, no LLM)."""

from __future__ import annotations

from facilitator.sessions import SessionStore
from screens.main import MainScreen
from screens.launch import make_app
from facilitator.config import load_settings
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen

LEAKED = "AKIA"  # the demo pastes an AWS key id and a database password in the channel
PASSWORD = "Wint3r-Sunset-42"


def _shown(view) -> str:
    view._ensure_layout()
    return "\n".join("\n".join(view._message_lines(i, 200)) for i in range(len(view.transcript.messages)))


async def test_fresh_load_masks_like_resume_and_one_line_can_be_revealed():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        view = screen.transcript_view
        fresh = [m.text for m in screen.transcript.messages]
        assert LEAKED not in _shown(view) and PASSWORD not in _shown(view) and "[secret]" in _shown(view)
        # search finds the line by its words, and shows it masked
        count = view.search("password")
        assert count and all(LEAKED not in "\n".join(view._message_lines(i, 200)) for i in view.matches)
        # the interview's suggestions and the findings are masked too
        assert LEAKED not in screen.interview.session.findings.model_dump_json()
        name = screen.interview.session.name
        # reveal the line on purpose, then mask it again
        index = next(i for i, m in enumerate(screen.transcript.messages) if m.id in app.originals)
        view.cursor = index
        view.focus()
        await pilot.press("ctrl+r")
        assert LEAKED in "\n".join(view._message_lines(index, 200))
        await pilot.press("ctrl+r")
        assert LEAKED not in "\n".join(view._message_lines(index, 200))

    resumed = make_app(load_settings(overrides={"llm.enabled": False}), session_name=name)
    async with resumed.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        assert [m.text for m in screen.transcript.messages] == fresh  # exactly as on the first load
        assert SessionStore().load(name).findings == screen.interview.session.findings


def test_the_paste_preview_shows_a_pasted_key_masked():
    from facilitator.sources.paste import parse_transcript
    from screens.paste import preview_text

    text = "[2024-12-03 14:02] Alice: here is the env\n[2024-12-03 14:03] Alice: AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    shown = preview_text(parse_transcript(text, tz="UTC", default_date=None, origin="paste"), "UTC")
    assert "AKIAIOSFODNN7EXAMPLE" not in shown and "AWS_ACCESS_KEY_ID" in shown
