"""Snapshot tests (pytest-textual-snapshot): every screen and workflow pane at 80x24 and 160x48.

The app is built by the same factory users get (``screens.launch.make_app``), on the demo
incident, with the LLM off. Stability: conftest fixes the zone (UTC) and isolates config and
data dirs; ``run_before`` waits for every worker and a refresh before the picture is taken;
exports write to a relative folder under a temporary working directory so no random path is
shown. Update with ``--snapshot-update`` only after reading the HTML report of a failure.
"""

from __future__ import annotations

import pytest

from facilitator.config import load_settings
from facilitator.session import SourceSpec
from screens.launch import make_app
from tests.interaction.apphelp import until

SIZES = [(80, 24), (160, 48)]


def _app(demo: bool = True):
    settings = load_settings(overrides={"llm.enabled": False})
    return make_app(settings, SourceSpec(kind="demo", timezone=settings.timezone) if demo else None)


async def _until(pilot, predicate, what: str) -> None:
    """Pause until ``predicate()`` holds, for a minute at most; a picture of the wrong state must fail, not pass."""
    await until(pilot, predicate, tries=1200, what=f"{what} (snapshot setup)")


async def _settle(pilot) -> None:
    """No animation, no blinking cursor, every worker done, one more refresh."""
    from textual.widgets import Input, TextArea

    pilot.app.animation_level = "none"  # tab underlines and scrolls would be caught mid-way
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False  # a blinking cursor is captured on or off at random
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _main(pilot):
    """Wait for the main screen with every pane mounted (the demo loads in a thread worker)."""
    from screens.main import MainScreen
    from screens.preview import PreviewPane

    pilot.app.animation_level = "none"
    await _until(pilot, lambda: isinstance(pilot.app.screen, MainScreen), "the main screen")
    await _until(pilot, lambda: bool(pilot.app.screen.query(PreviewPane)), "the workflow panes mounting")
    await _settle(pilot)
    return pilot.app.screen


async def _preview_rendered(pilot, screen) -> None:
    from screens.preview import PreviewPane

    pane = screen.query_one(PreviewPane)

    def rendered() -> bool:
        data = pane.data
        return (
            data is not None
            and not pane.dirty
            and not any(w.is_running for w in pane.workers)
            and pane.shown == (data.internal, data.highlighted)
        )

    await _until(pilot, rendered, "the preview rendering")


def _tab(tab_id: str):
    async def run_before(pilot) -> None:
        screen = await _main(pilot)
        screen.action_tab(tab_id)
        await _settle(pilot)
        if tab_id == "preview":
            await _preview_rendered(pilot, screen)
        await _settle(pilot)

    return run_before


async def _home(pilot) -> None:
    await _settle(pilot)


async def _paste(pilot) -> None:
    await _settle(pilot)
    await pilot.press("p")
    await _settle(pilot)


async def _export_result(pilot) -> None:
    from screens.export import ExportPane, ExportResultScreen
    from screens.preview import PreviewPane
    from textual.widgets import Input

    screen = await _main(pilot)
    screen.interview.fill_suggestions()
    screen.action_tab("preview")
    await _settle(pilot)
    await _preview_rendered(pilot, screen)
    pane = screen.query_one(PreviewPane)
    pane.action_inner("pv-export")
    await pilot.pause()
    pane.query_one("#ex-folder", Input).value = "exported"
    pane.query_one(ExportPane).action_write()
    await _until(pilot, lambda: isinstance(pilot.app.screen, ExportResultScreen), "the export result screen")
    await _settle(pilot)


async def _actions_items(pilot) -> None:
    """Two items in the table: the action text wraps, Owner and Due stay in view."""
    from screens.actions import ActionsPane

    screen = await _main(pilot)
    screen.action_tab("actions")
    await _settle(pilot)
    pane = screen.query_one(ActionsPane)
    pane.book.add("Add an alert on checkout-service database connection pool saturation above 80% for 5 minutes",
                  owner="Payments on-call", due="2025-01-15", category="detect")
    pane.book.add("Write a runbook for gateway timeouts", owner="SRE", due="2025-01-31")
    pane.refresh_view()
    pane.query_one("#ac-table").focus()
    await _settle(pilot)


async def _checklist(pilot) -> None:
    """The redaction checklist: each item's state in words and its evidence."""
    from screens.preview import PreviewPane

    screen = await _main(pilot)
    screen.action_tab("preview")
    await _settle(pilot)
    await _preview_rendered(pilot, screen)
    screen.query_one(PreviewPane).action_inner("pv-checklist")
    await _settle(pilot)


CASES = {
    "home": (False, _home),
    "paste": (False, _paste),
    "interview": (True, _tab("interview")),
    "timeline": (True, _tab("timeline")),
    "whys": (True, _tab("whys")),
    "actions": (True, _tab("actions")),
    "preview": (True, _tab("preview")),
    "export_result": (True, _export_result),
    "actions_items": (True, _actions_items),
    "checklist": (True, _checklist),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", list(CASES))
def test_screen(case, size, snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # exports go to ./exported, the same path in every run
    demo, run_before = CASES[case]
    assert snap_compare(_app(demo), terminal_size=size, run_before=run_before)
