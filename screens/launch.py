"""Entry point of the full-screen app (``facilitator.ui:tui`` in pyproject's entry points).

``facilitator.cli`` finds this through the entry point so the core never imports Textual.
``make_app`` is the factory tests, snapshots and benchmarks use (posting's ``make_posting``),
so they build exactly the app users get.
"""

from __future__ import annotations

from facilitator.config import Settings
from facilitator.session import SourceSpec
from facilitator.sessions import SessionStore


def make_app(
    settings: Settings,
    spec: SourceSpec | None = None,
    session_name: str | None = None,
    store: SessionStore | None = None,
):
    """The app, configured; not started."""
    from screens.app import FacilitatorApp

    return FacilitatorApp(settings, spec=spec, session_name=session_name, store=store)


def run(settings: Settings, spec: SourceSpec | None = None, session_name: str | None = None) -> int:
    """Run the app until the user quits; returns the process exit code."""
    app = make_app(settings, spec, session_name)
    result = app.run()
    if app.resume_hint:  # after the terminal is restored, so it stays on screen
        print(app.resume_hint)
    return int(app.return_code or result or 0)
