"""``facilitator sessions list | show NAME | rm NAME``: the saved sessions in plain text.

A command over the store, kept out of ``facilitator.sessions`` so the store never needs the
interview engine (``show`` asks it for progress and how each answer reads).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from facilitator.errors import UserError
from facilitator.sessions import SessionStore, describe_source

__all__ = ["sessions_command"]


def _fmt_time(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else "?"


def sessions_command(action: str, name: str | None, store: SessionStore | None = None, out: Any = None) -> int:
    """``facilitator sessions list | show NAME | rm NAME`` in plain text."""
    store = store or SessionStore()
    out = out or sys.stdout
    if action in ("show", "rm") and not name:
        raise UserError(f"`facilitator sessions {action}` needs a session name; `facilitator sessions list` shows them.")
    if action == "rm":
        assert name is not None
        store.delete(name)
        out.write(f"Removed session {name}.\n")
        return 0
    if action == "show":
        assert name is not None
        return _show(store, name, out)
    summaries = store.list()
    if not summaries:
        out.write(f"No saved sessions in {store.root}.\n")
        return 0
    width = max(len(s.name) for s in summaries)
    for s in summaries:
        done, total = s.progress
        out.write(f"{s.name:<{width}}  {_fmt_time(s.updated_at)}  {done:>2}/{total}  {s.source}  {s.title}\n")
    return 0


def _show(store: SessionStore, name: str, out: Any) -> int:
    from facilitator.interview.engine import Interview

    session = store.load(name)
    interview = Interview(session)
    done, total = interview.progress()
    lines = [
        f"Session:   {session.name}",
        f"Title:     {session.title or '(none yet)'}",
        f"Source:    {describe_source(session.source)}",
        f"Created:   {_fmt_time(session.created_at)}",
        f"Updated:   {_fmt_time(session.updated_at)}",
        f"Answered:  {done}/{total} questions (resumes at '{session.current_question}')",
        f"5 whys:    {sum(1 for w in session.whys if w.answer)} answered{' (stopped)' if session.whys_done else ''}",
        f"Actions:   {len(session.actions)} ({len(session.rejected_actions)} rejected ideas)",
        f"Folder:    {store.folder(name)}",
        "",
    ]
    for q in interview.questions:
        ans = session.answers.get(q.id)
        if ans is None:
            continue
        value = " ".join(interview.display_value(q.id, ans.value).split())
        shown = value if ans.status in ("answered", "suggested") else f"({ans.status})"
        mark = " (suggested)" if ans.status == "suggested" else ""
        lines.append(f"{q.id}: {shown}{mark}")
    out.write("\n".join(lines) + "\n")
    return 0
