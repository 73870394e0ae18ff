"""A complete post-mortem on the demo incident, driven through the app with the keyboard.

Demo source -> every interview question answered -> a message tagged onto the timeline and
a row added -> a why chain with a branch, stopped -> two action items (one typed, one from a
channel suggestion) -> preview with a checklist tick -> Markdown export. Assertions are on
the session as saved on disk and on the exported files, not on widget internals.
"""

from __future__ import annotations

from facilitator.sessions import SessionStore
from screens.actions import ActionsPane
from screens.export import ExportResultScreen
from screens.main import MainScreen
from screens.preview import PreviewPane
from screens.timeline import TimelineEntryScreen, TimelinePane
from screens.whys import WhysPane
from screens.widgets.factor_category import FactorCategoryScreen
from textual.widgets import Checkbox, DataTable, Input, TextArea
from tests.interaction.apphelp import SIZE, demo_app, settle, until, wait_for_screen


async def _settle(pilot) -> None:
    await settle(pilot.app)
    await pilot.pause()


async def _answer_every_question(pilot, screen: MainScreen) -> None:
    interview = screen.interview
    for _ in range(3 * len(interview.questions)):
        if interview.finished:
            return
        qid = interview.current.id
        if qid == "fears":
            area = screen.query_one("#iv-text", TextArea)
            area.load_text("A bad config could reach every region before the canary sees enough traffic.")
            area.focus()
            await pilot.press("ctrl+s")
        elif interview.suggestion(qid) is not None:
            await pilot.press("ctrl+r")
        else:
            await pilot.press("ctrl+o")
        await pilot.pause()
        if not interview.is_done(qid):
            raise AssertionError(f"question {qid} was not answered")
        if interview.current.id == qid and not interview.finished:
            interview.next_open()
            screen.query_one("InterviewPane").show_question()
    assert interview.finished


async def test_complete_postmortem_on_the_demo(tmp_path):
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        name = screen.interview.session.name
        transcript = screen.transcript

        # 1. The interview, every question.
        await _answer_every_question(pilot, screen)
        saved = SessionStore().load(name)
        assert len(saved.answers) == len(screen.interview.questions)
        assert saved.answers["fears"].status == "answered"

        # 2. Timeline: tag a message from the transcript pane (one key), then add a row by form.
        screen.action_tab("timeline")
        await pilot.pause()
        timeline = screen.query_one(TimelinePane)
        view = screen.transcript_view
        view.focus()
        target = next(m for m in transcript.messages if "roll" in m.text.lower() and not m.is_bot)
        assert view.jump_to(target.id)
        await pilot.press("t")
        await pilot.pause()
        saved = SessionStore().load(name)
        assert any(target.id in e.message_ids for e in saved.timeline), "tagged message not on the saved timeline"
        extracted = len(saved.findings.events)
        assert len(saved.timeline) >= extracted  # the extracted events were kept when it became curated

        timeline.query_one(DataTable).focus()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, TimelineEntryScreen))
        form = app.screen
        form.query_one("#tl-at", Input).value = "2024-12-03 13:40"
        form.query_one("#tl-who", Input).value = "deploy pipeline"
        form.query_one("#tl-summary", Input).value = "Config change merged without a canary check"
        form.query_one("#tl-kind").value = "fault_introduced"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        saved = SessionStore().load(name)
        row = next(e for e in saved.timeline if e.summary.startswith("Config change merged"))
        assert row.kind == "fault_introduced" and row.at.hour == 13 and row.at.minute == 40
        assert saved.timeline == sorted(saved.timeline, key=lambda e: e.at)

        # 3. Five whys: two answers, a branch, stop.
        screen.action_tab("whys")
        await pilot.pause()
        whys = screen.query_one(WhysPane)
        answer = whys.query_one("#wy-answer", TextArea)
        answer.focus()
        answer.load_text("The checkout service ran out of database connections")
        await pilot.press("ctrl+s")
        await pilot.pause()
        answer.load_text("The new release read the pool size from a config file that was never updated")
        await pilot.press("ctrl+s")
        await pilot.pause()
        chain = SessionStore().load(name).whys
        assert [t.answer for t in chain if t.answer][:2] == [
            "The checkout service ran out of database connections",
            "The new release read the pool size from a config file that was never updated",
        ]
        open_turn = next(t for t in chain if not t.answer)
        assert open_turn.question.startswith("Why")  # the next why was phrased from the answer
        tree = whys.query_one("#wy-tree")
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("ctrl+b")
        await pilot.pause()
        answer.load_text("The canary got too little traffic to fail")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FactorCategoryScreen))  # asked for its category
        assert app.screen.suggested.id == "process"
        await pilot.press("down", "enter")  # the user picks another one than suggested
        await until(pilot, lambda: app.screen is screen)
        factor = next(t for t in SessionStore().load(name).whys if t.kind == "contributing")
        assert factor.category == "knowledge"
        board = whys.query_one("#wy-causes")  # the cause diagram's bones, in the app
        assert board.display and "Knowledge & communication: The canary got too little traffic" in str(board.render())
        tree.focus()
        await pilot.press("ctrl+o")
        await pilot.pause()
        saved = SessionStore().load(name)
        assert saved.whys_done
        assert any(t.kind == "contributing" and t.answer == "The canary got too little traffic to fail" for t in saved.whys)
        assert all(t.answer for t in saved.whys)  # stop dropped the open why

        # 4. Two action items: one typed, one from a channel suggestion (the owners question's
        # accepted lines are already items: one list).
        taken = len(SessionStore().load(name).actions)
        screen.action_tab("actions")
        await pilot.pause()
        actions = screen.query_one(ActionsPane)
        actions.query_one("#ac-action", Input).focus()
        actions.query_one("#ac-action", Input).value = "Add an alert on checkout 5xx rate above 2% for 5 minutes"
        actions.query_one("#ac-owner", Input).value = "Dana Okafor"
        actions.query_one("#ac-due", Input).value = "2025-01-15"
        actions.query_one("#ac-category").value = "detect"
        actions.query_one("#ac-prevents").value = "detects only"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        # every follow-up the channel agreed is an item already: take one back out, and it is
        # offered again as a suggestion from the channel
        removed = actions.book.remove(SessionStore().load(name).actions[0].id)
        actions.refresh_view()
        await pilot.pause()
        suggestions = actions.query_one("#ac-suggestions")
        assert any(removed.action.split()[0] in str(suggestions.get_option_at_index(i).prompt) for i in range(suggestions.option_count))
        suggestions.focus()
        suggestions.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        suggested = actions.query_one("#ac-action", Input).value
        assert suggested
        actions.query_one("#ac-owner", Input).value = "Léon Brandt"
        actions.query_one("#ac-due", Input).value = "2025-01-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = SessionStore().load(name)
        assert len(saved.actions) == taken + 1  # one typed, one taken out and added again from the channel
        first, second = saved.actions[-2:]
        assert (first.owner, first.due.isoformat(), first.category, first.prevents_recurrence) == (
            "Dana Okafor", "2025-01-15", "detect", "detects only")
        assert second.action == suggested and second.message_ids  # the suggestion's citation was kept

        # 5. Preview: both documents, tick one checklist item.
        screen.action_tab("preview")
        await _settle(pilot)
        preview = screen.query_one(PreviewPane)
        # a render made while the tab was hidden may show first; the saved actions' own message
        # (SessionChanged) then renders again: wait for the document that holds them
        await until(pilot, lambda: preview.data is not None and "Add an alert on checkout 5xx rate" in preview.data.internal,
                    what="the preview with the new action item")
        assert not preview.data.error
        assert "Priya Natarajan" in preview.data.internal and "Priya Natarajan" not in preview.data.external
        # the external version is composed for customers: nothing left for the redactor to replace
        assert "Service 1" not in preview.data.external and "Engineer" not in preview.data.external
        assert preview.data.highlighted.count("`") >= 2 * preview.data.replaced
        await pilot.press("c")
        await pilot.pause()
        box = preview.query(Checkbox).first()
        assert app.focused is box
        await pilot.press("space")
        await pilot.pause()
        assert SessionStore().load(name).redaction_checklist[box.name] is True

        # 6. Export Markdown files.
        await pilot.press("x")
        await pilot.pause()
        folder = preview.query_one("#ex-folder", Input)
        assert app.focused is folder
        folder.value = str(tmp_path / "out")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ExportResultScreen))
        assert isinstance(app.screen, ExportResultScreen), str(preview.query_one("#ex-status").render())
        result = app.screen.result
        assert result.actions == taken + 1 and result.responders > 0 and len(result.next_steps) >= 4
        internal = (tmp_path / "out" / "internal.md").read_text(encoding="utf-8")
        assert "Add an alert on checkout 5xx rate above 2% for 5 minutes" in internal
        assert "Dana Okafor" in internal
        assert "Config change merged without a canary check" in internal
        assert "The new release read the pool size from a config file that was never updated" in internal
        external_path = tmp_path / "out" / "external.md"
        if external_path.exists():
            assert "Priya Natarajan" not in external_path.read_text(encoding="utf-8")
        else:
            assert "external.md was not written" in result.warning
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
