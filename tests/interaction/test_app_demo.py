"""The demo opens straight into the main layout; transcript pane, search, citation jumps, keys."""

from __future__ import annotations

from screens.commands import collect
from screens.main import MainScreen
from screens.messages import CitationSelected
from screens.widgets.transcript_pane import TranscriptPane
from screens.widgets.transcript_view import TranscriptView
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


def _visible_text(view: TranscriptView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def test_demo_opens_main_screen_with_transcript():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(TranscriptPane)
        assert pane.display and pane.size.width > 20
        view = screen.transcript_view
        first = screen.transcript.messages[0]
        text = _visible_text(view)
        assert first.author in text
        assert first.at.strftime("%H:%M") in text or first.at.astimezone().strftime("%H:%M") in text
        # the session was created on disk as soon as the demo opened
        assert app.store.exists(screen.interview.session.name)

        # a citation from anywhere jumps to the message and highlights it
        target = screen.transcript.messages[-5]
        screen.post_message(CitationSelected(target.id))
        await pilot.pause()
        index = screen.transcript.index[target.id]
        assert view.highlighted == index and view.cursor == index
        start = view._starts[index]
        assert view.scroll_offset.y <= start < view.scroll_offset.y + view.size.height
        assert target.author in _visible_text(view)


async def test_search_finds_a_message_and_n_goes_to_the_next():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        view = screen.transcript_view
        msgs = screen.transcript.messages
        # a word that occurs in several messages, none of them the first
        word = "rollback"
        expected = [i for i, m in enumerate(msgs) if word in m.text.lower() or word in m.author.lower()]
        assert len(expected) >= 2, "the demo should mention a rollback more than once"
        view.focus()
        await pilot.press("slash", *word, "enter")
        await pilot.pause()
        assert view.matches and set(view.matches) == set(expected)
        first = view.cursor
        assert first in expected
        await pilot.press("n")
        await pilot.pause()
        assert view.cursor in expected and view.cursor != first
        await pilot.press("N")
        assert view.cursor == first
        # the match is on screen
        assert word in _visible_text(view).lower()


async def test_citation_jump_reopens_a_hidden_pane_and_collapsed_thread():
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        view = screen.transcript_view
        reply = next((m for m in screen.transcript.messages if m.is_reply), None)
        assert reply is not None, "the demo has threads"
        parent = screen.transcript.index[reply.thread_id]
        view.cursor = parent
        view.action_toggle_thread()
        assert parent in view.collapsed
        assert screen.transcript.index[reply.id] not in view._starts
        await pilot.press("ctrl+t")
        assert not screen.query_one(TranscriptPane).display
        screen.post_message(CitationSelected(reply.id))
        await pilot.pause()
        assert screen.query_one(TranscriptPane).display
        assert parent not in view.collapsed
        assert view.cursor == screen.transcript.index[reply.id]


async def test_keymap_palette_and_help():
    from screens.help import HelpScreen

    app = demo_app(**{"ui.keymap": {"view.toggle_transcript": "f9"}})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        pane = screen.query_one(TranscriptPane)
        await pilot.press("f9")
        assert not pane.display
        names = {c.name: c for c in collect(screen)}
        for name in ("interview: save", "interview: accept", "view: transcript", "app: help", "view: go to timeline"):
            assert name in names, name
        assert names["view: transcript"].key == "F9"
        assert names["view: narrower"].key == "[" and names["view: wider"].key == "]"  # not left_square_bracket
        await names["view: transcript"].callback()
        assert pane.display

        # F1: help for this screen, with the keys as remapped
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "interview: save" in app.screen.markdown and "`Ctrl+S`" in app.screen.markdown
        assert "`F9` **view: transcript**" in app.screen.markdown
        assert "square_bracket" not in app.screen.markdown and "`[` **view: narrower**" in app.screen.markdown
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
