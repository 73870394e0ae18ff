"""A way back to a post-mortem: the session a source already has, and the command to resume.

Starting the interview again on the same channel must not silently open a second, empty
session: ``sessions_for`` finds the saved sessions that were started from the same source
(same kind, channel or file contents, same date window) so the app and the line mode can
offer to resume one, or to start a new one when the user says so. ``resume_command`` is the
exact command printed when the user quits.
"""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

from pydantic import ValidationError

from facilitator.errors import redact_secrets
from facilitator.session import SourceSpec
from facilitator.sessions import SessionStore, SessionSummary


def resume_command(name: str) -> str:
    """The command that reopens session ``name`` where it was left."""
    return f"facilitator interview --session {shlex.quote(name)}"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def same_source(new: SourceSpec, saved: SourceSpec) -> bool:
    """True when ``saved`` (a session's source) is the source ``new`` names."""
    if new.kind != saved.kind or (new.date, new.since, new.until) != (saved.date, saved.since, saved.until):
        return False
    if new.kind == "demo":
        return True
    if new.kind == "slack":
        return (new.channel or new.ref).lstrip("#") == (saved.channel or saved.ref).lstrip("#")
    if new.kind == "slack-export":
        return new.channel.lstrip("#") == saved.channel.lstrip("#") and Path(new.ref).resolve() == Path(saved.ref).resolve()
    # a pasted file: the session keeps a masked copy of it, so compare contents
    if new.ref in ("", "-") or not saved.ref:
        return False
    text, copy = _read(Path(new.ref)), _read(Path(saved.ref))
    return text is not None and copy is not None and redact_secrets(text) == copy


def sessions_for(spec: SourceSpec, store: SessionStore) -> list[SessionSummary]:
    """Saved sessions started from the source ``spec`` names, most recent first."""
    found = []
    for summary in store.list():
        try:
            data = tomllib.loads(store.path(summary.name).read_text(encoding="utf-8"))
            saved = SourceSpec.model_validate(data.get("source", {}))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
            continue
        if same_source(spec, saved):
            found.append(summary)
    return found
