"""Errors the user can cause, and how they reach the user.

Every failure caused by input (wrong channel, bad token, malformed export, garbage paste,
unreachable server, LLM overload) is raised as a ``UserError``: one plain sentence saying
what happened and what to do. The CLI prints ``str(error)`` and exits with code 2; the app
shows it as a notice. Nothing else is ever shown to a user for these cases, so messages must
never contain secrets (``redact_secrets`` is applied on construction as a last guard, after
``strip_userinfo`` has taken the user name and password out of every URL the message names).
"""

from __future__ import annotations

import re

# Tokens that must never be echoed back: Slack, Anthropic, Atlassian, GitHub, GitLab, AWS.
REDACTED = "[redacted]"  # what a service token becomes (other credentials become redact_detect.SECRET)
_SECRET_RE = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|sk-ant-[A-Za-z0-9_-]{8,}"
    r"|ATATT[A-Za-z0-9_=-]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|AKIA[0-9A-Z]{16})"
)


# "scheme://user:pass@" and a bare "user:pass@host[:port]" (a netloc printed on its own)
_URL_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s/@]+@")
_NETLOC_USERINFO = re.compile(r"(?<![\w/:.@%+-])(?!(?:mailto|tel|sip|xmpp):)[\w.~%!$&*+=-]+:[^\s/@]+@(?=[A-Za-z0-9[][A-Za-z0-9.:\]-]*)")


def strip_userinfo(text: str) -> str:
    """``text`` with the user name and password removed from every URL and host it names
    (``https://u:p@host/x`` -> ``https://host/x``): messages and logs show where, never who with what."""
    if "@" not in text:
        return text
    return _NETLOC_USERINFO.sub("", _URL_USERINFO.sub(r"\1", text))


def redact_secrets(text: str) -> str:
    """Mask anything that looks like a credential in text meant for people or for disk.

    Service tokens first (cheap, always safe), then the full credential detector of
    ``facilitator.redact`` (cloud keys, JWTs, private keys, passwords in URLs, high-entropy
    strings), so error messages, session files and transcript copies share one definition.
    """
    from facilitator.redact import mask_secrets  # lazy: redact imports this module

    return mask_secrets(_SECRET_RE.sub(REDACTED, text))


class FacilitatorError(Exception):
    """Base of every error this package raises on purpose."""

    title = "Error"

    def __init__(self, message: str) -> None:
        message = redact_secrets(strip_userinfo(message))
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(FacilitatorError):
    """Something the user can fix; the message says what happened and what to do."""

    exit_code = 2


class SourceError(UserError):
    """A transcript, export or Slack channel could not be read."""

    title = "Could not load the incident"


class ConfigError(UserError):
    """The configuration file or an option is invalid."""

    title = "Configuration problem"


class SessionError(UserError):
    """A session file is missing or cannot be read."""

    title = "Session problem"


class PublishError(UserError):
    """Confluence or Jira refused or could not be reached."""

    title = "Publishing failed"


class LLMError(UserError):
    """The LLM call failed after retries; callers fall back to offline suggestions."""

    title = "LLM unavailable"
