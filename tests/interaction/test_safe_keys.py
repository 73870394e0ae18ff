"""Keys a person presses in a review meeting: typing on the wrong widget, fast typing across
Tab, deleting by mistake, taking it back with Ctrl+Z (Pilot, the demo incident, no LLM)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, TextArea, Tree

from facilitator.sessions import SessionStore
from screens.actions import ActionsPane
from screens.home import ConfirmScreen
from screens.interview import InterviewPane
from screens.main import MainScreen
from screens.timeline import TimelineEntryScreen, TimelinePane
from screens.whys import WhysPane
from tests.interaction.apphelp import SIZE, burst, demo_app, keys, open_tab, until, wait_for_screen


async def _whys(pilot) -> tuple[MainScreen, WhysPane]:
    screen, pane = await open_tab(pilot, "whys", WhysPane)
    answer = pane.query_one("#wy-answer", TextArea)
    for text in ("The checkout pool was exhausted", "A release halved the pool size"):
        answer.load_text(text)
        await pilot.press("ctrl+s")
        await pilot.pause()
    return screen, pane


async def test_a_sentence_typed_on_the_chain_goes_to_the_answer_box_not_to_commands():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await _whys(pilot)
        before = [t.model_dump() for t in screen.interview.session.whys]
        tree = pane.query_one("#wy-tree", Tree)
        tree.focus()
        await pilot.pause()
        # every letter that used to be a command (s stop, b branch, r reopen, g evidence, p propose)
        sentence = "because staging never runs a big sale"
        await burst(pilot, *keys(sentence))  # as a terminal delivers it: every letter queued at once
        session = screen.interview.session
        assert not session.whys_done
        assert [t.model_dump() for t in session.whys] == before  # no branch, no stop
        assert pane.query_one("#wy-answer", TextArea).text == sentence
        assert app.focused is pane.query_one("#wy-answer", TextArea)


async def test_undo_a_branch_with_ctrl_z_even_after_a_save_and_a_resume():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await _whys(pilot)
        name = screen.interview.session.name
        ids_before = [t.id for t in screen.interview.session.whys]
        tree = pane.query_one("#wy-tree", Tree)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert len(SessionStore().load(name).whys) == len(ids_before) + 1
        # the focus is in the (empty) answer box now: Ctrl+Z takes the branch back
        assert app.focused is pane.query_one("#wy-answer", TextArea)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [t.id for t in SessionStore().load(name).whys] == ids_before
        # typing then Ctrl+Z undoes the typing first, not the chain
        await pilot.press(*keys("ab"))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert pane.query_one("#wy-answer", TextArea).text == ""
        assert [t.id for t in screen.interview.session.whys] == ids_before


async def test_delete_on_the_chain_asks_first_and_ctrl_z_brings_it_back():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await _whys(pilot)
        name = screen.interview.session.name
        count = len(screen.interview.session.whys)
        tree = pane.query_one("#wy-tree", Tree)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        assert len(SessionStore().load(name).whys) == count  # "no" removed nothing
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen)
        assert SessionStore().load(name).whys == []  # the first turn and everything below
        tree.focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(SessionStore().load(name).whys) == count


async def test_a_redraw_of_the_hidden_interview_never_pulls_the_focus_back_in_another_tab():
    """The interview redraws when another pane saves; the focus the user has moved on since stays put."""
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "actions", ActionsPane)
        due, action = pane.query_one("#ac-due", Input), pane.query_one("#ac-action", Input)
        due.focus()
        await until(pilot, lambda: app.focused is due)
        screen.query_one(InterviewPane).refresh_view()  # what a save in this tab sets off
        screen.set_focus(action, scroll_visible=False)  # the save's own move, before the next frame
        for _ in range(3):
            await pilot.pause(0.05)
        assert app.focused is action


async def test_actions_typed_at_full_speed_across_tab_and_two_saves_land_in_their_fields():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "actions", ActionsPane)
        action = pane.query_one("#ac-action", Input)
        action.focus()
        await pilot.pause()
        first = "Add an alert on pool saturation"
        second = "Write a runbook for pool exhaustion"
        # no pause between keys: the next item starts right after Ctrl+S
        await burst(pilot, *keys(first), "tab", *keys("sre"), "tab", *keys("2025-01-15"), "ctrl+s",
                    *keys(second), "enter", *keys("db team"), "enter", "enter")  # Enter walks action -> owner -> due -> save
        await until(pilot, lambda: len(screen.interview.session.actions) == 2)
        saved = SessionStore().load(screen.interview.session.name).actions
        assert [(a.action, a.owner) for a in saved] == [(first, "sre"), (second, "db team")]
        assert saved[0].due.isoformat() == "2025-01-15" and saved[1].due is None
        # back in the first field, ready for the next item (the focus moves a frame after the save)
        await until(pilot, lambda: app.focused is action, what="the focus back in the action field")

        # letters typed on the table go to the action field; Delete asks; Ctrl+Z undoes it
        table = pane.query_one("#ac-table", DataTable)
        table.focus()
        await pilot.press(*keys("nex"))  # n, e, x were new / edit / reject
        await pilot.pause()
        assert action.value == "nex" and len(screen.interview.session.actions) == 2
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen)
        assert [a.action for a in screen.interview.session.actions] == [second]
        table.focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [a.action for a in SessionStore().load(screen.interview.session.name).actions] == [first, second]


async def test_add_a_timeline_row_typed_at_full_speed_right_after_opening_and_tab():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "timeline", TimelinePane)
        pane.query_one(DataTable).focus()
        await pilot.pause()
        count = len(pane.entries())
        # Ctrl+N and the row typed straight after it, before the dialog is even drawn
        await burst(pilot, "ctrl+n", *keys("2024-12-03 14:05"), "tab", *keys("on-call"), "tab", *keys("Pool size restored"), "enter")
        await until(pilot, lambda: app.screen is screen)
        saved = SessionStore().load(screen.interview.session.name).timeline
        row = next(e for e in saved if e.summary == "Pool size restored")
        assert row.who == "on-call" and (row.at.hour, row.at.minute) == (14, 5)
        assert len(saved) == count + 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not any(e.summary == "Pool size restored" for e in pane.entries())
        assert not isinstance(app.screen, TimelineEntryScreen)


async def test_tab_order_follows_the_visual_order_of_the_forms():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=(120, 90)) as pilot:  # tall: every field on screen at once
        screen = await wait_for_screen(pilot, MainScreen)
        for tab, first in (("actions", "#ac-action"), ("whys", "#wy-answer")):
            screen.action_tab(tab)
            await pilot.pause()
            pane = screen.query_one(ActionsPane if tab == "actions" else WhysPane)
            pane.query_one(first).focus()
            await pilot.pause()
            seen = []
            for _ in range(30):
                focused = app.focused
                if focused is None or pane not in focused.ancestors or focused in seen:
                    break
                seen.append(focused)
                await pilot.press("tab")
            places = [(w.region.y, w.region.x) for w in seen]
            assert len(seen) >= 3 and places == sorted(places), [(w.id, p) for w, p in zip(seen, places)]
