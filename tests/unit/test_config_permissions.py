"""A config file holding tokens with a mode looser than 0600 gets one warning line per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import load_settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

WITH_TOKEN = '[confluence]\nurl = "https://wiki.acme.test/wiki"\ntoken = "ATATT-secret-token-value-123"\n'


def _config(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("mode", "how"), [(0o644, "readable"), (0o640, "readable"), (0o620, "writable")])
def test_token_in_a_file_others_can_open_is_one_warning(tmp_path, mode, how):
    path = _config(tmp_path, WITH_TOKEN, mode)
    settings = load_settings(path=path, env={})
    (warning,) = settings.warnings
    assert f"{path} holds a token and is {how} by other users" in warning and f"chmod 600 {path}" in warning
    assert "\n" not in warning and "ATATT-secret" not in warning
    assert settings.confluence.token.get_secret_value() == "ATATT-secret-token-value-123"  # still loaded


@pytest.mark.parametrize(
    ("text", "mode"),
    [(WITH_TOKEN, 0o600), (WITH_TOKEN, 0o400), ('timezone = "UTC"\n[slack]\napi_url = "http://x/api/"\n', 0o644)],
)
def test_no_warning_for_a_private_file_or_a_file_without_tokens(tmp_path, text, mode):
    assert load_settings(path=_config(tmp_path, text, mode), env={}).warnings == []


def test_a_token_from_the_environment_does_not_make_a_readable_file_a_problem(tmp_path):
    path = _config(tmp_path, 'timezone = "UTC"\n', 0o644)
    assert load_settings(path=path, env={"SLACK_TOKEN": "xoxb-env-123456"}).warnings == []


def test_the_cli_prints_the_warning_once_on_stderr(capsys):
    path = Path(os.environ["FACILITATOR_CONFIG"])
    path.write_text('[llm]\napi_key = "sk-ant-api03-abcdefghijklmnopqrstuv"\nenabled = false\n')
    path.chmod(0o644)
    assert main(["extract", "--demo"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "warning" in line]
    assert lines == [f"facilitator: warning: {path} holds a token and is readable by other users (mode 644); run chmod 600 {path}"]
    assert "sk-ant-api03" not in err
