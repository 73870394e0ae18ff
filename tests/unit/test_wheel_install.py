"""`pip install .` (not editable) gives a working command with prompts/ inside the wheel.

Builds the real wheel, installs it with pip into a fresh venv and runs the installed console
script. Dependencies are borrowed from the running environment through a plain path entry
(no network, and no .pth processing, so a developer's editable install cannot leak in); the
test checks that the package imported is the one inside the new venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("facilitator-*.whl")
    return found


def test_wheel_ships_prompts_and_both_packages(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "facilitator/cli.py" in names
    assert any(n.startswith("screens/") for n in names)
    assert "prompts/__init__.py" in names
    assert "prompts/questions.toml" in names
    assert any(n.startswith("prompts/demo/") and n.endswith(".json") for n in names)
    assert any(n.startswith("prompts/templates/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_installed_command_runs_version_and_demo_extract(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    py = target / "bin" / "python"
    # A real pip install of the wheel into the fresh venv (console script included);
    # dependencies are not resolved online, they are borrowed below.
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz-borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**os.environ, "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)
    where = subprocess.run([py, "-c", "import facilitator, prompts; print(facilitator.__file__); print(prompts.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path, env=env).stdout.split()
    assert all(p.startswith(str(target)) for p in where), where
    cmd = target / "bin" / "facilitator"
    version = subprocess.run([cmd, "--version"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("facilitator ")
    demo = subprocess.run([cmd, "extract", "--demo", "--json"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert demo.returncode == 0, demo.stderr
    report = json.loads(demo.stdout)
    assert report["messages"] >= 150
    assert report["source"] == "demo"
