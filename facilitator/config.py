"""Configuration: one documented settings model, read from one TOML file.

Sources are applied in a fixed order, later wins: defaults, the TOML file, environment
variables, command-line flags (the CLI passes those as ``overrides``). The file lives in the
platformdirs user config dir unless ``FACILITATOR_CONFIG`` names another path; discovery is
one function (``config_path``) so tests can point it at a temporary file and a developer's
own config never leaks into a test run.

Secrets (Slack token, Confluence/Jira tokens, Anthropic key) are ``SecretStr``: they print as
``**********``, and ``Settings.public_dump`` omits them, so a config can be shown or logged.
The file is written with tomlkit (comments survive) and mode 0600.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tomlkit
from pydantic import BaseModel, Field, PrivateAttr, SecretStr, ValidationError, field_validator

from facilitator.errors import ConfigError

APP_NAME = "facilitator"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_MODEL = "claude-opus-5-5"  # the strongest current Claude model
DEFAULT_BULK_MODEL = "claude-haiku-5-5"  # cheaper model for bulk passes (chunk summaries)


class SlackSettings(BaseModel):
    """Loading channels live from Slack."""

    token: SecretStr | None = Field(None, description="Bot or user token (xoxb-/xoxp-); env SLACK_TOKEN wins.")
    api_url: str = Field(DEFAULT_SLACK_API_URL, description="Web API base URL (Enterprise Grid proxies, tests).")
    download_files: bool = Field(True, description="Download attachments into the session folder.")


class ConfluenceSettings(BaseModel):
    """Publishing the post-mortem to Confluence."""

    url: str = Field("", description="https://SITE.atlassian.net/wiki (Cloud) or the Data Center base URL.")
    email: str = Field("", description="Cloud: the account email used with an API token.")
    token: SecretStr | None = Field(None, description="Cloud API token, or a Data Center personal access token.")
    space: str = Field("", description="Space key, e.g. OPS.")
    parent_page_id: str = Field("", description="Page under which year pages (2026, 2027...) are kept.")
    template_page_id: str = Field("", description="Optional company template page; its headings map to sections.")
    year_page_title: str = Field(
        "Post-mortems {year}", description="Title of the per-year page under the parent; an existing child titled just the year is reused."
    )


class JiraSettings(BaseModel):
    """Filing action items in Jira (optional)."""

    url: str = Field("", description="Jira base URL.")
    email: str = Field("", description="Cloud account email.")
    token: SecretStr | None = Field(None, description="API token or personal access token.")
    project: str = Field("", description="Default project key for action items.")


class GitHubSettings(BaseModel):
    """Reading linked pull requests and commits, and filing action items as issues (optional)."""

    token: SecretStr | None = Field(None, description="Token with read access to the repositories (issues: write to publish); env GITHUB_TOKEN wins.")
    url: str = Field("https://github.com", description="Web address of the links in the channel; a GitHub Enterprise server's own.")
    api_url: str = Field("", description="REST API base; empty: api.github.com for github.com, URL/api/v3 for Enterprise.")
    logins: dict[str, str] = Field(default_factory=dict, description="Action-item owner name -> GitHub login, for assignees.")


class GitLabSettings(BaseModel):
    """Reading linked merge requests and commits (optional)."""

    token: SecretStr | None = Field(None, description="Personal or project access token with read_api; env GITLAB_TOKEN wins.")
    url: str = Field("https://gitlab.com", description="GitLab base URL (self-managed instances: their own).")


class PagerDutySettings(BaseModel):
    """Fetching incident log entries by incident id (optional; exported JSON needs no token)."""

    token: SecretStr | None = Field(None, description="REST API key (read-only is enough); env PAGERDUTY_TOKEN wins.")
    api_url: str = Field("https://api.pagerduty.com", description="REST API base (EU service region: https://api.eu.pagerduty.com).")


class LLMSettings(BaseModel):
    """The optional Anthropic facilitator."""

    enabled: bool = Field(True, description="Use the LLM when a key is available; --no-llm forces off.")
    api_key: SecretStr | None = Field(None, description="Anthropic API key; env ANTHROPIC_API_KEY wins.")
    model: str = Field(DEFAULT_MODEL, description="Model for interview turns and drafting.")
    bulk_model: str = Field(DEFAULT_BULK_MODEL, description="Cheaper model for bulk passes (chunk summaries).")
    base_url: str = Field("", description="Gateway or test server; env ANTHROPIC_BASE_URL wins.")
    provider: Literal["anthropic", "bedrock", "vertex", "openai-compatible"] = Field(
        "anthropic", description="Which SDK client to use; openai-compatible = Ollama, vLLM, llama.cpp server (set base_url)."
    )
    timeout_seconds: float = Field(60.0, description="Per-request timeout.")
    max_retries: int = Field(3, description="SDK retries for 429/529/5xx/connection errors.")
    max_retry_wait_seconds: float = Field(
        30.0, description="Longest retry-after the app waits for; a longer one ends the call (offline fallback)."
    )
    context_budget_tokens: int = Field(150_000, description="Above this the transcript is summarised in chunks.")
    context_window_tokens: int = Field(
        200_000, description="The model's context window; no request estimated above it (with the answer) is sent."
    )
    pseudonymise: bool = Field(True, description="Send people's names as stable aliases (Responder A), mapped back in answers.")
    send_screenshots: bool = Field(True, description="Send screenshots from the channel as images (they cannot be masked).")
    private_terms: list[str] = Field(
        default_factory=list, description="Extra terms never sent to the model (customer names, internal hosts)."
    )


class RedactionSettings(BaseModel):
    """What the external (customer-facing) version may keep."""

    public_domains: list[str] = Field(default_factory=list, description="Domains whose URLs may appear externally.")
    internal_names: list[str] = Field(default_factory=list, description="Internal system names to replace.")


class InputSettings(BaseModel):
    """Ceilings on what a transcript, stdin or export member may hold (a runaway input ends in one sentence)."""

    max_bytes: int = Field(100_000_000, ge=1, description="Largest transcript, stdin or export member, in bytes.")
    max_lines: int = Field(1_000_000, ge=1, description="Most lines a transcript may have.")
    max_line_bytes: int = Field(1_000_000, ge=1, description="Longest single line of a transcript, in bytes.")


class UISettings(BaseModel):
    """The Textual app."""

    keymap: dict[str, str] = Field(default_factory=dict, description="Binding id -> key, e.g. search = 'ctrl+f'.")
    theme: str = Field("textual-dark", description="Textual theme name.")
    transcript_width: int = Field(45, description="Transcript pane width in percent.")


class Settings(BaseModel):
    """All settings. See README 'Configuration' for the file format."""

    timezone: str = Field("UTC", description="IANA zone for display and for times without a zone.")
    slack: SlackSettings = Field(default_factory=SlackSettings)
    confluence: ConfluenceSettings = Field(default_factory=ConfluenceSettings)
    jira: JiraSettings = Field(default_factory=JiraSettings)
    github: GitHubSettings = Field(default_factory=GitHubSettings)
    gitlab: GitLabSettings = Field(default_factory=GitLabSettings)
    pagerduty: PagerDutySettings = Field(default_factory=PagerDutySettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    redaction: RedactionSettings = Field(default_factory=RedactionSettings)
    ui: UISettings = Field(default_factory=UISettings)
    input: InputSettings = Field(default_factory=InputSettings)
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """One-line warnings found while loading (e.g. a config file holding tokens that others can read)."""
        return self._warnings

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        check_timezone(value)
        return value

    def public_dump(self) -> dict[str, Any]:
        """The settings as a dict with every secret removed (safe to print or log)."""
        data = self.model_dump(mode="json")
        for section in ("slack", "confluence", "jira", "llm", "github", "gitlab", "pagerduty"):
            for key in ("token", "api_key"):
                if key in data.get(section, {}):
                    data[section][key] = "set" if data[section][key] else None
        return data


def check_timezone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or a ConfigError that says how to fix it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Unknown timezone '{name}': use an IANA name such as UTC, Europe/Berlin or America/New_York."
        ) from None


def is_http_url(url: str) -> bool:
    """True for an http(s) URL with a host and, if given, a numeric port (service base URLs)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def zone_or_utc(name: str) -> ZoneInfo:
    """The ZoneInfo for ``name``, or UTC when it is empty or unknown (for display of data already
    loaded; input is validated by ``check_timezone``)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is: FACILITATOR_CONFIG, else the platform user config dir."""
    env = os.environ if env is None else env
    if env.get("FACILITATOR_CONFIG"):
        return Path(env["FACILITATOR_CONFIG"]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where sessions live: FACILITATOR_DATA_DIR, else the platform user data dir. Not created here."""
    env = os.environ if env is None else env
    if env.get("FACILITATOR_DATA_DIR"):
        return Path(env["FACILITATOR_DATA_DIR"]).expanduser()
    return platformdirs.user_data_path(APP_NAME)


# Environment variable -> (section, key). Environment wins over the file.
ENV_VARS: dict[str, tuple[str | None, str]] = {
    "FACILITATOR_TZ": (None, "timezone"),
    "SLACK_TOKEN": ("slack", "token"),
    "FACILITATOR_SLACK_API_URL": ("slack", "api_url"),
    "CONFLUENCE_URL": ("confluence", "url"),
    "CONFLUENCE_EMAIL": ("confluence", "email"),
    "CONFLUENCE_TOKEN": ("confluence", "token"),
    "JIRA_URL": ("jira", "url"),
    "JIRA_EMAIL": ("jira", "email"),
    "JIRA_TOKEN": ("jira", "token"),
    "GITHUB_TOKEN": ("github", "token"),
    "GITHUB_URL": ("github", "url"),
    "GITHUB_API_URL": ("github", "api_url"),
    "GITLAB_TOKEN": ("gitlab", "token"),
    "GITLAB_URL": ("gitlab", "url"),
    "PAGERDUTY_TOKEN": ("pagerduty", "token"),
    "PAGERDUTY_API_URL": ("pagerduty", "api_url"),
    "ANTHROPIC_API_KEY": ("llm", "api_key"),
    "ANTHROPIC_BASE_URL": ("llm", "base_url"),
    "FACILITATOR_MODEL": ("llm", "model"),
}


def read_config_document(path: Path) -> tomlkit.TOMLDocument:
    """The config file as a tomlkit document (empty when missing); ConfigError when unreadable."""
    if not path.exists():
        return tomlkit.document()
    if path.is_dir():
        raise ConfigError(f"The config path {path} is a folder; point FACILITATOR_CONFIG (or init --path) at a .toml file.")
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as exc:
        raise ConfigError(f"The config file {path} could not be read ({exc}); fix or delete it.") from None


def load_settings(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Defaults < TOML file < environment < ``overrides`` (dotted keys, e.g. ``{"timezone": ...}``)."""
    env = os.environ if env is None else env
    path = config_path(env) if path is None else path
    data: dict[str, Any] = read_config_document(path).unwrap()
    warning = loose_permissions_warning(path, data)
    for var, (section, key) in ENV_VARS.items():
        value = env.get(var)
        if value:
            target = data if section is None else data.setdefault(section, {})
            target[key] = value
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        *parents, key = dotted.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[key] = value
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"Setting '{where}' in {path} is invalid: {first['msg']}.") from None
    if warning:
        settings.warnings.append(warning)
    return settings


SECRET_KEYS = (("slack", "token"), ("confluence", "token"), ("jira", "token"), ("llm", "api_key"),
               ("github", "token"), ("gitlab", "token"), ("pagerduty", "token"))


def loose_permissions_warning(path: Path, data: Mapping[str, Any]) -> str | None:
    """A one-line warning when the file holds a token and its mode is looser than 0600 (POSIX only)."""
    holds_token = any(isinstance(data.get(section), dict) and data[section].get(key) for section, key in SECRET_KEYS)
    if not holds_token or os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return None
    if not mode & 0o077:
        return None
    how = "readable" if mode & 0o044 else "writable"
    return f"{path} holds a token and is {how} by other users (mode {mode:o}); run chmod 600 {shlex.quote(str(path))}"


def write_config_document(doc: tomlkit.TOMLDocument, path: Path) -> None:
    """Write the config atomically with mode 0600 (it may hold tokens); ConfigError when it cannot be written."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(tomlkit.dumps(doc))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
        raise ConfigError(
            f"Could not write the config file {path} ({exc.strerror or exc.__class__.__name__}); "
            "choose another path or check the folder's permissions."
        ) from None


def check_config_writable(path: Path) -> None:
    """ConfigError now, before any question is asked, when the config file could not be written."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the nearest existing ancestor is where the folders would be created
    if not folder.is_dir() or not os.access(folder if not path.exists() else path, os.W_OK):
        raise ConfigError(f"Cannot write the config file {path}; choose another path or check the folder's permissions.")
