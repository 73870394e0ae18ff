"""The core never imports the UI: checked at runtime and by import-linter's contract."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import facilitator

ROOT = Path(__file__).resolve().parents[2]


def test_core_modules_import_without_textual_or_rich():
    """Import every facilitator module in a fresh interpreter; textual and rich stay unloaded."""
    names = [m.name for m in pkgutil.walk_packages(facilitator.__path__, "facilitator.") if not m.name.endswith("__main__")]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'screens'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert len(names) > 5
    assert out.stdout.strip() == "", f"core pulled in UI modules: {out.stdout.strip()}"


def test_import_linter_contract_holds():
    """The forbidden-import contract in pyproject.toml passes (static check)."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra"
    out = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "KEPT" in out.stdout


def test_importing_the_core_has_no_side_effects(tmp_path):
    """No directories are created and no config is read at import time."""
    env_home = tmp_path / "home"
    code = "import facilitator.cli, facilitator.config, facilitator.sources"
    env = {"HOME": str(env_home), "PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(env_home / "cfg"), "XDG_DATA_HOME": str(env_home / "data")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
    assert not env_home.exists()
