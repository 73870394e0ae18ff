"""Short commands import only what they use, and opening the app does not load the extractor.

Each check runs a fresh interpreter (imports are process-wide) and lists the modules loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

HEAVY_FOR_ALL = ("textual", "rich", "anthropic", "facilitator.extract", "facilitator.llm", "questionary", "prompt_toolkit")


def _loaded(code: str, tmp_path) -> set[str]:
    """The modules loaded after running ``code`` (facilitator's data and config in tmp_path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "ANTHROPIC_"))}
    env.update(FACILITATOR_DATA_DIR=str(tmp_path / "data"), FACILITATOR_CONFIG=str(tmp_path / "config.toml"))
    script = textwrap.dedent(code) + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True)
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def _cli(argv: list[str]) -> str:
    return f"""
from facilitator.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
"""


def _under(modules: set[str], *roots: str) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["sessions", "--version"]])
def test_version_and_help_load_no_models_ui_or_extractor(argv, tmp_path):
    loaded = _loaded(_cli(argv), tmp_path)
    assert _under(loaded, *HEAVY_FOR_ALL, "pydantic", "tomlkit", "jinja2", "facilitator.config", "facilitator.session") == []


def test_sessions_list_loads_no_ui_llm_or_extractor(tmp_path):
    loaded = _loaded(_cli(["sessions"]), tmp_path)
    assert "facilitator.sessions" in loaded  # the check would pass vacuously if the command failed early
    assert _under(loaded, *HEAVY_FOR_ALL, "jinja2", "facilitator.render") == []


def test_render_and_checklist_load_no_ui_or_llm(tmp_path):
    """(The renderer takes a regex from the extractor's patterns, which loads the extractor.)"""
    code = """
    from facilitator.config import load_settings
    from facilitator.session import SourceSpec
    from facilitator.session_start import start_session
    from facilitator.sessions import SessionStore
    start_session(SourceSpec(kind="demo"), load_settings(), SessionStore(), name="demo")
    """
    _loaded(code, tmp_path)  # creates the session (and loads the extractor) in its own process
    for argv in (["render", "demo"], ["checklist", "demo"]):
        loaded = _loaded(_cli(argv), tmp_path)
        assert "facilitator.render" in loaded
        assert _under(loaded, "textual", "rich", "anthropic", "facilitator.llm", "questionary", "prompt_toolkit") == [], argv


def test_the_app_opens_a_saved_session_without_loading_the_extractor_or_the_llm(tmp_path):
    """Importing the app and loading a session the way its loading screen does."""
    code = """
    from facilitator.config import load_settings
    from facilitator.session import SourceSpec
    from facilitator.session_start import start_session
    from facilitator.sessions import SessionStore
    start_session(SourceSpec(kind="demo"), load_settings(), SessionStore(), name="demo")
    """
    _loaded(code, tmp_path)
    code = """
    from facilitator.config import load_settings
    from facilitator.interview.engine import Interview
    from facilitator.session_start import open_session
    from facilitator.sessions import SessionStore
    import screens.app, screens.main, screens.loading
    store = SessionStore()
    session, transcript = open_session("demo", store, load_settings(), extract=False, findings=False)
    assert store.findings_deferred("demo")
    interview = Interview(session, transcript, store)
    interview.current
    """
    loaded = _loaded(code, tmp_path)
    assert "textual" in loaded
    assert _under(loaded, "facilitator.extract", "facilitator.llm", "anthropic", "jinja2", "screens.preview", "screens.help") == []
