"""80x24 is first-class: on every tab, whatever has the focus, the footer's keys (the command
palette's included) fit without being cut (Pilot, the demo incident, no LLM)."""

from __future__ import annotations

from textual.widgets import Footer

from screens.main import TAB_ORDER, MainScreen
from tests.interaction.apphelp import demo_app, wait_for_screen


async def test_the_footer_fits_80_columns_for_every_focused_widget():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        too_wide, checked = [], 0
        for tab in TAB_ORDER:
            screen.action_tab(tab)
            await pilot.pause()
            pane = screen.query_one(f"#{tab}")
            for widget in [w for w in screen.focus_chain if pane in w.ancestors]:
                widget.focus()
                await pilot.pause()
                footer = screen.query_one(Footer)
                keys = list(footer.query("FooterKey"))  # the footer's key widgets, measured as drawn
                used = sum(k.outer_size.width for k in keys)
                checked += 1
                if used > footer.size.width:
                    too_wide.append((tab, widget.id, used, [str(k.description) for k in keys]))
        assert checked >= 15 and not too_wide, too_wide
