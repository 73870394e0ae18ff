"""Loading one channel from a Slack workspace export (the zip, or the folder it unpacks to).

An export holds ``users.json``, ``channels.json`` (plus ``groups.json``, ``mpims.json`` and
``dms.json`` for exports that include private conversations) and one folder per
conversation with a JSON file per day (``2024-12-03.json``). Threads are not nested: replies
sit in the day files with a ``thread_ts``, and ``slack_convert`` reassembles them.

The export is read through a tiny ``_Archive`` view so a zip is never unpacked to disk and a
folder is read in place; exports made by some tools nest everything under one top folder,
which is found automatically. Every problem the user can fix (missing path, corrupt zip,
invalid JSON in a named member, unknown channel, not an export at all) is one ``SourceError``
sentence.
"""

from __future__ import annotations

import difflib
import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from facilitator.errors import SourceError
from facilitator.sources.bounded import Limits, check_members, read_member, too_big
from facilitator.sources.slack_convert import Directory, convert
from facilitator.transcript import Transcript

# Conversation lists an export may hold, and how each names its folder.
_LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")
_MARKERS = ("users.json", "org_users.json", "channels.json", "groups.json", "mpims.json", "dms.json")


class _Archive:
    """Read-only view of an export, zip or folder, with member names relative to its root."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            inside = path.resolve()
            # a symlink pointing out of the export folder is not part of the export
            names = [p.relative_to(path).as_posix() for p in path.rglob("*.json")
                     if p.is_file() and p.resolve().is_relative_to(inside)]
        else:
            try:
                self._zip = zipfile.ZipFile(path)
                check_members(self._zip, str(path), self.limits)
                names = [n for n in self._zip.namelist() if not n.endswith("/")]
            except zipfile.BadZipFile:
                if _looks_like_zip(path):
                    raise SourceError(
                        f"{path} is a damaged zip file (it may be incomplete); download the export again."
                    ) from None
                raise SourceError(
                    f"{path} is not a Slack export; pass the export's .zip file or the folder it unpacks to."
                ) from None
            except OSError as exc:
                raise SourceError(f"{path} could not be read ({exc.strerror or exc}).") from None
        self.root = _find_root(names)
        if self.root is None:
            raise SourceError(
                f"{path} does not look like a Slack export (no users.json or channels.json); "
                "pass the zip or folder Slack's export tool produced."
            )
        prefix = self.root
        self._members = {n[len(prefix) :]: n for n in names if n.startswith(prefix)}

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def has(self, name: str) -> bool:
        """True when the export holds this member."""
        return name in self._members

    def folder(self, folder: str) -> list[str]:
        """The JSON members directly inside ``folder``, sorted (per-day files sort by date)."""
        prefix = folder + "/"
        return sorted(n for n in self._members if n.startswith(prefix) and "/" not in n[len(prefix) :] and n.endswith(".json"))

    def folders(self) -> list[str]:
        """Top-level folders (one per exported conversation)."""
        return sorted({n.split("/", 1)[0] for n in self._members if "/" in n})

    def read_json(self, name: str) -> Any:
        """Parse one member; invalid JSON names the member and the line."""
        member = self._members[name]
        try:
            if self._zip is not None:
                data = read_member(self._zip, member, str(self.path), self.limits)
            else:
                file = self.path / member
                if file.stat().st_size > self.limits.max_bytes:
                    raise too_big(f"{self.path}: {name}", self.limits, "bytes")
                data = file.read_bytes()
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise SourceError(f"{name} inside {self.path} is damaged (bad zip data); download the export again.") from None
        except OSError as exc:
            raise SourceError(f"{name} inside {self.path} could not be read ({exc.strerror or exc}).") from None
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{name} inside {self.path} is not valid JSON (line {exc.lineno}); the export may be damaged."
            ) from None
        except UnicodeDecodeError:
            raise SourceError(f"{name} inside {self.path} is not UTF-8 JSON; the export may be damaged.") from None


def _looks_like_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(2) == b"PK" or path.suffix.lower() == ".zip"
    except OSError:
        return path.suffix.lower() == ".zip"


def _find_root(names: list[str]) -> str | None:
    """The prefix ("" or "Top folder/") under which the export's marker files sit."""
    best: str | None = None
    for name in names:
        p = PurePosixPath(name)
        if p.name in _MARKERS:
            prefix = "" if len(p.parts) == 1 else "/".join(p.parts[:-1]) + "/"
            if best is None or len(prefix) < len(best):
                best = prefix
    return best


def _conversations(archive: _Archive) -> list[tuple[dict[str, Any], str]]:
    """(conversation object, folder name) for every conversation the export lists."""
    found: list[tuple[dict[str, Any], str]] = []
    for list_name in _LISTS:
        if not archive.has(list_name):
            continue
        items = archive.read_json(list_name)
        if not isinstance(items, list):
            raise SourceError(f"{list_name} inside {archive.path} is not a list of conversations; the export may be damaged.")
        for item in items:
            if not isinstance(item, dict) or not item.get("id") or not isinstance(item["id"], str):
                continue
            if not isinstance(item.get("name") or "", str):
                item = {**item, "name": ""}  # a damaged name: the folder still identifies it
            folder = item.get("name") or item["id"] if list_name != "dms.json" else item["id"]
            found.append((item, folder))
    return found


def _pick(
    archive: _Archive, conversations: list[tuple[dict[str, Any], str]], wanted: str
) -> tuple[dict[str, Any], str]:
    """The conversation named or identified by ``wanted``, or a SourceError listing choices."""
    key = wanted.strip().lstrip("#")
    for item, folder in conversations:
        if key in (item.get("id"), item.get("name"), folder):
            return item, folder
    lowered = key.casefold()
    for item, folder in conversations:
        if lowered == (item.get("name") or "").casefold():
            return item, folder
    if archive.folder(key):  # a folder without metadata still holds the messages
        return {"id": "", "name": key}, key
    names = sorted({item.get("name") or folder for item, folder in conversations} | set(archive.folders()))
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
    shown = close or names[:5]
    more = "" if close or len(names) <= 5 else f" (and {len(names) - 5} more)"
    hint = f"did you mean {', '.join(shown)}?" if close else f"available: {', '.join(shown) or 'none'}{more}."
    raise SourceError(f"No channel '{key}' in the export {archive.path}; {hint}")


def export_channels(path: Path, limits: Limits | None = None) -> list[str]:
    """Names of the conversations an export holds (a SourceError if it is not a readable export)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SourceError(f"No Slack export at {path}; check the path (a .zip file or an unpacked export folder).")
    with _Archive(path, limits) as archive:
        return sorted({item.get("name") or folder for item, folder in _conversations(archive)} | set(archive.folders()))


def load_export(path: Path, channel: str, tz: str, limits: Limits | None = None) -> Transcript:
    """One channel of a Slack export (zip or folder) as a Transcript."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SourceError(f"No Slack export at {path}; check the path (a .zip file or an unpacked export folder).")
    with _Archive(path, limits) as archive:
        # Enterprise Grid exports name the people file org_users.json.
        users_file = next((n for n in ("users.json", "org_users.json") if archive.has(n)), None)
        users = archive.read_json(users_file) if users_file else []
        if not isinstance(users, list):
            raise SourceError(f"{users_file} inside {path} is not a list of users; the export may be damaged.")
        conversations = _conversations(archive)
        item, folder = _pick(archive, conversations, channel)
        days = archive.folder(folder)
        raws: list[tuple[Any, str]] = []
        for day in days:
            batch = archive.read_json(day)
            if not isinstance(batch, list):
                raise SourceError(f"{day} inside {path} is not a list of messages; the export may be damaged.")
            origin = f"export:{day}"
            raws.extend((raw, origin) for raw in batch)
    directory = Directory.build(users, (c for c, _ in conversations))
    channel_id = item.get("id") or ""
    converted = convert(raws, directory, tz=tz, channel_id=channel_id)
    warnings = list(converted.warnings)
    if not days:
        warnings.append(f"The export has no messages for #{item.get('name') or folder}.")
    return Transcript(
        messages=converted.messages,
        source="slack-export",
        source_ref=str(path),
        channel=item.get("name") or folder,
        timezone=tz,
        channel_id=channel_id,
        unattributed=converted.unattributed,
        aliases=converted.aliases,
        warnings=warnings,
        format="slack-export",
    )
