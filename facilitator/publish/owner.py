"""Which post-mortem a published page or filed issue belongs to.

Titles are not identities: two teams can write "[2024-12-03] Checkout errors", and two
sessions of one channel get the same session name on two laptops. So every page facilitator
writes carries a content property (``facilitator-post-mortem``) naming the session and an
owner fingerprint (session name + creation time), and a page found only by its title is
updated only when that fingerprint is ours. Anything else (a colleague's page, a page written
by hand, another session's) is refused in one sentence offering a distinct title or an
explicit ``--adopt-page ID``. Jira labels carry the same fingerprint, so an issue filed by
another session is never taken for ours.
"""

from __future__ import annotations

import hashlib
from typing import Any

from facilitator.session import Session

PROPERTY_KEY = "facilitator-post-mortem"


def fingerprint(session: Session) -> str:
    """A short stable id of this session (name and creation time), the same on every save."""
    seed = f"{session.name}|{session.created_at.isoformat()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:10]


def owner_of(session: Session) -> dict[str, Any]:
    """The value recorded on every page this session publishes."""
    return {"owner": fingerprint(session), "session": session.name, "incident": session.title}


def describe(found: dict[str, Any] | None) -> str:
    """Whose page it is, for the refusal sentence."""
    if not found:
        return "was not published by facilitator (a colleague's or a hand-written page)"
    name = str(found.get("session") or "?")
    return f"belongs to another post-mortem session ('{name[:60]}')"
