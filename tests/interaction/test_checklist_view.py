"""The redaction checklist in the Preview tab reads without colour: each item says "to do" or
"done" (☐/☑) and shows the evidence the command line shows (Pilot, the demo incident)."""

from __future__ import annotations

from facilitator.sessions import SessionStore
from screens.main import MainScreen
from screens.preview import ChecklistBox, PreviewPane
from tests.interaction.apphelp import SIZE, demo_app, text_of, until, wait_for_screen


async def test_checklist_items_state_in_words_with_their_evidence():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        screen.action_tab("preview")
        pane = screen.query_one(PreviewPane)
        await until(pilot, lambda: pane.data is not None and not any(w.is_running for w in pane.workers))
        await pilot.pause()
        pane.action_inner("pv-checklist")
        await pilot.pause()
        boxes = list(pane.query(ChecklistBox))
        assert boxes and all("to do" in text_of(b) and "☐" in text_of(b) for b in boxes)
        evidence = text_of(pane.query_one("#pv-evidence-no_internal_names"))
        assert evidence.startswith("Evidence: Leak scan of the external version")
        box = boxes[0]
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert "done" in text_of(box) and "☑" in text_of(box)
        assert SessionStore().load(screen.interview.session.name).redaction_checklist[box.name] is True
