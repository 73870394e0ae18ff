"""Settings: defaults < file < environment < flags; secrets never shown; file mode 0600."""

from __future__ import annotations

import stat

import pytest
import tomlkit

from facilitator.config import (
    DEFAULT_SLACK_API_URL,
    config_path,
    data_dir,
    load_settings,
    read_config_document,
    write_config_document,
)
from facilitator.errors import ConfigError


def test_defaults_without_file(tmp_path):
    s = load_settings(path=tmp_path / "none.toml", env={})
    assert s.timezone == "UTC"
    assert s.slack.api_url == DEFAULT_SLACK_API_URL
    assert s.slack.token is None


def test_file_then_env_then_flags(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('timezone = "Europe/Berlin"\n[slack]\napi_url = "http://file/api/"\ntoken = "xoxb-file"\n')
    s = load_settings(path=path, env={})
    assert s.timezone == "Europe/Berlin" and s.slack.api_url == "http://file/api/"
    s = load_settings(path=path, env={"SLACK_TOKEN": "xoxb-env", "FACILITATOR_SLACK_API_URL": "http://env/api/"})
    assert s.slack.token.get_secret_value() == "xoxb-env"
    assert s.slack.api_url == "http://env/api/"
    s = load_settings(path=path, env={"FACILITATOR_TZ": "Asia/Tokyo"}, overrides={"timezone": "America/Denver"})
    assert s.timezone == "America/Denver"


def test_secrets_do_not_print(tmp_path):
    s = load_settings(path=tmp_path / "x.toml", env={"SLACK_TOKEN": "xoxb-123456789-secret", "ANTHROPIC_API_KEY": "sk-ant-abcdefghijklmnop"})
    text = repr(s) + str(s.public_dump())
    assert "xoxb-123456789-secret" not in text
    assert "sk-ant-abcdefghijklmnop" not in text
    assert s.public_dump()["slack"]["token"] == "set"


def test_bad_timezone_in_file_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('timezone = "Nowhere/Land"\n')
    with pytest.raises(ConfigError, match="Nowhere/Land"):
        load_settings(path=path, env={})


def test_unparseable_file_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("timezone = \n[[[")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_settings(path=path, env={})


def test_write_keeps_comments_and_is_private(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    doc = tomlkit.parse('# my notes\ntimezone = "UTC"  # keep me\n')
    doc["timezone"] = "Europe/Paris"
    write_config_document(doc, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "# my notes" in text and "# keep me" in text and "Europe/Paris" in text
    assert read_config_document(path)["timezone"] == "Europe/Paris"


def test_paths_follow_environment(tmp_path):
    env = {"FACILITATOR_CONFIG": str(tmp_path / "c.toml"), "FACILITATOR_DATA_DIR": str(tmp_path / "d")}
    assert config_path(env) == tmp_path / "c.toml"
    assert data_dir(env) == tmp_path / "d"
    assert not (tmp_path / "d").exists()
