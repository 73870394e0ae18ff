"""The README's test command and .ci/run are the same command, and it shows progress."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if re.search(r"-m pytest\b", line))


def test_readme_and_ci_run_the_same_command_with_progress():
    readme = _pytest_line((ROOT / "README.md").read_text(encoding="utf-8"))
    ci = _pytest_line((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert readme == ci
    after = readme.split("-m pytest", 1)[1].split()
    assert "-q" not in after and "--quiet" not in after  # pytest's per-file progress stays on
