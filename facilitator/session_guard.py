"""One writer per session, and nothing lost when two wrote anyway.

* ``hold(folder, name)`` takes ``session.lock`` beside the session files: the holder's pid,
  host and process start time, created with ``O_EXCL`` so two processes cannot both win. A
  second process gets one sentence naming the holder instead of silently overwriting its
  answers. A lock whose process is gone (``kill -9``, a crash, a reboot) is stale and taken
  over; the lock is process-wide, so every store in the holding process may write, and it is
  released when the process exits. The lock knows nothing of the session's file format.
* ``merge_saved`` is the second line of defence (a stale lock taken over while its owner was
  only paused, a hand edit, a store that never loaded the file): before a save replaces a
  session file that changed under it, what the other writer confirmed is merged in at the
  level of answers, action items, why-turns, checklist ticks and the published-page record,
  using what this writer last read as the base of a three-way merge, so answers it removed on
  purpose stay removed and answers another writer added are kept.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from facilitator.errors import SessionError

LOCK_FILE = "session.lock"
_UNREADABLE_GRACE = 5.0  # seconds an empty or torn lock file is given to be written before it counts as stale
_held: set[Path] = set()


def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (Linux), so a recycled pid is not mistaken for the holder."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19] if ")" in stat else ""


def _me() -> dict[str, Any]:
    return {
        "pid": os.getpid(), "host": socket.gethostname(), "started": _process_start(os.getpid()),
        "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _is_mine(holder: dict[str, Any]) -> bool:
    return holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname()


def _alive(holder: dict[str, Any]) -> bool:
    """True unless the holder is provably gone (another host cannot be checked: assume alive)."""
    if holder.get("host") != socket.gethostname():
        return True
    pid = holder["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OSError:
        return False
    started = holder.get("started") or ""
    now = _process_start(pid)
    return not (started and now and started != now)


def holder(folder: Path) -> dict[str, Any] | None:
    """Who holds the session in ``folder`` (None when nobody live does, or it is this process)."""
    found = _read(folder / LOCK_FILE)
    if found is None or _is_mine(found) or not _alive(found):
        return None
    return found


def _refusal(name: str, found: dict[str, Any], path: Path) -> SessionError:
    return SessionError(
        f"Session '{name}' is open in another facilitator (process {found['pid']} on {found.get('host', '?')}, "
        f"since {found.get('since', '?')}); finish or quit it there first, or delete {path} if that process is gone."
    )


def hold(folder: Path, name: str) -> None:
    """Take the session's lock for this process; SessionError when another live process holds it."""
    path = folder / LOCK_FILE
    if path in _held:
        found = _read(path)
        if found is not None and _is_mine(found):
            return
        _held.discard(path)
    folder.mkdir(parents=True, exist_ok=True)
    for _ in range(50):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            found = _read(path)
            if found is None:
                try:
                    age = time.time() - path.stat().st_mtime
                except FileNotFoundError:
                    continue
                if age < _UNREADABLE_GRACE:
                    time.sleep(0.05)  # another process is between creating and writing it
                    continue
            elif _is_mine(found):
                _held.add(path)
                return
            elif _alive(found):
                raise _refusal(name, found, path) from None
            _take_over(path, found)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_me(), fh)
            fh.flush()
            os.fsync(fh.fileno())
        _held.add(path)
        return
    raise SessionError(f"Could not take the lock {path} of session '{name}'; delete it if no facilitator is running.")


def _take_over(path: Path, stale: dict[str, Any] | None) -> None:
    """Remove a stale lock, unless someone replaced it with a live one in the meantime."""
    aside = path.with_name(f"{LOCK_FILE}.stale.{os.getpid()}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    if _read(aside) != stale:  # a fresh lock was moved by mistake: put it back if the place is free
        try:
            os.link(aside, path)
        except OSError:
            pass
    aside.unlink(missing_ok=True)


def release(folder: Path) -> None:
    """Give the session's lock back (when it is this process's)."""
    path = folder / LOCK_FILE
    _held.discard(path)
    found = _read(path)
    if found is not None and _is_mine(found):
        path.unlink(missing_ok=True)


@atexit.register
def _release_all() -> None:
    for path in list(_held):
        release(path.parent)


# --- merging --------------------------------------------------------------------------------


def _newer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when answer ``a`` should win over ``b``: confirmed beats not, then the later one."""
    rank = {"answered": 2, "suggested": 1}
    ra, rb = rank.get(a.get("status", "answered"), 0), rank.get(b.get("status", "answered"), 0)
    if ra != rb:
        return ra > rb
    return str(a.get("answered_at") or "") >= str(b.get("answered_at") or "")


def _merge_keyed(ours: dict[str, Any], disk: dict[str, Any], base: dict[str, Any] | None, prefer: Any) -> dict[str, Any]:
    out = dict(ours)
    if base is not None:
        for key in [k for k in ours if k not in disk and k in base and ours[k] == base[k]]:
            del out[key]  # the other writer removed it and this one did not touch it
    for key, theirs in disk.items():
        mine = ours.get(key)
        before = base.get(key) if base is not None else None
        if mine is None:
            if base is None or key not in base or before != theirs:
                out[key] = theirs  # the other writer added (or changed what we removed): keep it
        elif mine != theirs:
            if base is not None and mine == before:
                out[key] = theirs  # only the other writer changed it
            elif base is None or theirs != before:
                out[key] = mine if prefer(mine, theirs) else theirs  # both changed it
    return out


def _by_id(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {str(item.get("id")): item for item in items if isinstance(item, dict) and item.get("id") is not None}


def _merge_list(ours: list[dict[str, Any]], disk: list[dict[str, Any]], base: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    merged = _merge_keyed(_by_id(ours), _by_id(disk), _by_id(base) if base is not None else None, lambda a, b: True)
    order = [str(i.get("id")) for i in ours] + [str(i.get("id")) for i in disk if str(i.get("id")) not in _by_id(ours)]
    return [merged[key] for key in dict.fromkeys(order) if key in merged]


def merge_saved(ours: dict[str, Any], disk: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    """``ours`` (a session dump about to be saved) with what another writer saved in ``disk`` merged in.

    ``base`` is the dump this writer last read or wrote (None when unknown: nothing counts as
    removed on purpose then).
    """
    merged = dict(ours)
    b = base or {}
    merged["answers"] = _merge_keyed(ours.get("answers", {}), disk.get("answers", {}) or {},
                                     b.get("answers") if base is not None else None, _newer)
    for key in ("actions", "whys"):
        merged[key] = _merge_list(ours.get(key, []), disk.get(key, []) or [], b.get(key) if base is not None else None)
    ticks = dict(disk.get("redaction_checklist", {}) or {})
    ticks.update(ours.get("redaction_checklist", {}))
    merged["redaction_checklist"] = ticks
    published = dict(disk.get("published", {}) or {})
    published.update({k: v for k, v in (ours.get("published") or {}).items() if v})
    merged["published"] = published
    return merged
