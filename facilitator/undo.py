"""Undo for the structural edits of a post-mortem: the why chain, the action items, the timeline.

A person reviewing a post-mortem in a meeting must be able to take back a wrong key press.
Each screen that changes one of these parts calls ``record(area, label)`` just before the
change; ``undo(area)`` puts that part of the session back as it was and saves the session.

The history lives here, in the core and without Textual, because it belongs to the session
rather than to a widget: it is written next to the session (``undo.json`` in its folder,
masked like every other file of the session) so it survives a save, a quit and a resume.
Each area keeps its own history (Ctrl+Z on the Timeline never undoes a why) of at most
``LIMIT`` steps, oldest dropped first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from facilitator.errors import redact_secrets
from facilitator.session import Session

LIMIT = 50  # steps kept per area (the app promises at least 20)
UNDO_FILE = "undo.json"

# area -> the Session fields one step restores together
AREAS: dict[str, tuple[str, ...]] = {
    "whys": ("whys", "whys_done"),
    "actions": ("actions", "rejected_actions"),
    "timeline": ("timeline",),
}


@dataclass
class Step:
    """The state of one area before a change, and what the change was (for the notice)."""

    label: str
    state: dict[str, Any]


@dataclass
class UndoHistory:
    """Per-area undo steps for one session; see the module docstring."""

    session: Session
    store: Any = None  # a SessionStore; None keeps the history in memory only
    limit: int = LIMIT
    steps: dict[str, list[Step]] = field(default_factory=dict)

    def _snapshot(self, area: str) -> dict[str, Any]:
        dump = self.session.model_dump(mode="json", include=set(AREAS[area]))
        return {name: dump[name] for name in AREAS[area]}

    def record(self, area: str, label: str) -> None:
        """Remember ``area`` as it is now, before the change named ``label``."""
        if area not in AREAS:
            raise KeyError(area)
        steps = self.steps.setdefault(area, [])
        steps.append(Step(label, self._snapshot(area)))
        del steps[: max(0, len(steps) - self.limit)]
        self._write()

    def discard(self, area: str) -> None:
        """Forget the last step of ``area`` (its change did not happen after all)."""
        if self.steps.get(area):
            self.steps[area].pop()
            self._write()

    def can_undo(self, area: str) -> bool:
        """True when ``area`` has a step to take back."""
        return bool(self.steps.get(area))

    def depth(self, area: str) -> int:
        """How many steps of ``area`` can be undone."""
        return len(self.steps.get(area, []))

    def undo(self, area: str) -> str | None:
        """Restore ``area`` to before its last recorded change and save; the change's label, or None."""
        steps = self.steps.get(area)
        if not steps:
            return None
        step = steps.pop()
        restored = Session.model_validate({**self.session.model_dump(mode="json"), **step.state})
        for name in AREAS[area]:
            setattr(self.session, name, getattr(restored, name))
        if self.store is not None:
            self.store.save(self.session)
        self._write()
        return step.label

    # -- on disk ---------------------------------------------------------------------------

    def _path(self):
        if self.store is None or not self.session.name:
            return None
        folder = self.store.folder(self.session.name)
        return folder / UNDO_FILE if folder.is_dir() else None

    def _write(self) -> None:
        path = self._path()
        if path is None:
            return
        data = {area: [{"label": s.label, "state": s.state} for s in steps] for area, steps in self.steps.items()}
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(redact_secrets(json.dumps(data, ensure_ascii=False)), encoding="utf-8")
        tmp.replace(path)

    def _read(self) -> None:
        path = self._path()
        if path is None or not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.steps = {
                area: [Step(str(s["label"]), dict(s["state"])) for s in steps][-self.limit :]
                for area, steps in data.items()
                if area in AREAS
            }
        except (OSError, ValueError, KeyError, TypeError):
            self.steps = {}  # a damaged history only loses the undo steps, never the session


_HISTORIES: dict[int, UndoHistory] = {}


def history_for(session: Session, store: Any = None) -> UndoHistory:
    """The one history of this session object (read from its folder the first time)."""
    history = _HISTORIES.get(id(session))
    if history is None or history.session is not session:
        history = UndoHistory(session, store)
        history._read()
        _HISTORIES[id(session)] = history
    return history
