"""The session store: one folder per post-mortem, saved after every answer.

Layout of ``<data dir>/sessions/<name>/``:

* ``session.toml``     the ``Session`` (tomlkit) without its findings: readable, hand-editable;
  comments survive because saving re-reads the existing document and updates values in place.
* ``findings.json``    what the extractor (and the LLM) found: large and machine-made, so JSON
  (``facilitator.session_files``), rewritten only when the findings are replaced or added to.
* ``transcript.json``  the transcript as loaded (``facilitator.transcript_io``), so a resume
  neither refetches Slack nor re-reads a pasted file that may have moved.
* ``source.txt``       for pasted transcripts, a copy of the text as given.
* ``attachments/``     files downloaded from Slack.

Writes are atomic (temp file, fsync, ``os.replace``, fsync of the folder): a process killed
at any moment leaves either the previous or the new file, never a torn one. With a
``BulkWriter`` (the app sets one) the two JSON files are written on a background thread so
a new session's first screen does not wait for them; session.toml is always written at
once. TOML has no null, so ``None`` values are omitted and the model restores its defaults
on load. Nothing that looks like a token is ever written (``redact_secrets`` runs over every
file body).

Starting and opening a session (loading the source, extracting, gathering evidence) is
``facilitator.session_start``; the ``sessions`` command is ``facilitator.sessions_cli``.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import AoT, InlineTable, Item, Table, Whitespace

from facilitator.config import data_dir
from facilitator.errors import SessionError, UserError, redact_secrets
from facilitator.findings import Findings
from facilitator.session import Session, SourceSpec, utcnow
from facilitator.session_guard import hold, merge_saved, release
from facilitator.session_files import FINDINGS_JSON, BulkWriter, has_findings, read_findings, write_findings, write_transcript
from facilitator.session_files import atomic_write as _atomic_write
from facilitator.transcript import Transcript
from facilitator.transcript_io import load_transcript

SESSION_FILE = "session.toml"
FINDINGS_FILE = FINDINGS_JSON  # machine-made and large: rewritten only when the findings change
TRANSCRIPT_FILE = "transcript.json"
SOURCE_COPY = "source.txt"
ATTACHMENTS = "attachments"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")

HEADER = (
    "facilitator session {name}: saved after every answer.\n"
    "Safe to edit by hand while facilitator is not running it; comments you add are kept.\n"
    "Times are ISO 8601 with their UTC offset. Delete a key to restore its default."
)


@dataclass
class SessionSummary:
    """One line of ``facilitator sessions list``."""

    name: str
    title: str
    updated_at: datetime | None
    progress: tuple[int, int]  # (answered questions, total questions)
    source: str  # "demo", "slack #inc-2041", "transcript paste.txt"...


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase ASCII words joined by '-', at most ``limit`` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-")


def describe_source(spec: SourceSpec) -> str:
    """A short human description of where a session's transcript came from."""
    if spec.kind == "demo":
        return "demo"
    if spec.kind == "slack":
        return f"slack {spec.channel or spec.ref}"
    if spec.kind == "slack-export":
        return f"slack export {Path(spec.ref).name} #{spec.channel}"
    return f"transcript {Path(spec.ref).name if spec.ref else ''}".strip()


def _plain(value: Any) -> Any:
    """Unwrap tomlkit items for comparison."""
    return value.unwrap() if isinstance(value, Item) or hasattr(value, "unwrap") else value


def _merge(container: Any, data: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
    """Update a tomlkit table in place so unchanged values keep their comments and layout.

    ``previous`` is what this container held after the last save (when the file has not
    changed since): subtrees equal to it are skipped, which keeps saving a large session cheap.
    """
    for key in [k for k in container if k not in data]:
        del container[key]
    for key, value in data.items():
        if previous is not None and key in previous and previous[key] == value and key in container:
            continue
        if key in container:
            existing = container[key]
            if isinstance(value, dict) and isinstance(existing, (Table, InlineTable, OutOfOrderTableProxy)):
                before = previous.get(key) if previous is not None else None
                _merge(existing, value, before if isinstance(before, dict) else None)
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and isinstance(existing, AoT):
                if _merge_tables(existing, value):
                    continue
            if _plain(existing) == value:
                continue
            if _is_table_like(value) != isinstance(existing, (Table, AoT, OutOfOrderTableProxy)):
                del container[key]  # re-added below at the end, where tables belong
        container[key] = value


def _merge_tables(existing: AoT, value: list[dict[str, Any]]) -> bool:
    """Merge an array of tables in place (matching by ``id`` when items have one); False if it cannot."""
    old_ids = [t.get("id") for t in existing]
    new_ids = [v.get("id") for v in value]
    if None not in old_ids and None not in new_ids and len(set(new_ids)) == len(new_ids):
        for i in reversed(range(len(old_ids))):
            if old_ids[i] not in new_ids:
                del existing[i]
        kept = [t.get("id") for t in existing]
        if new_ids[: len(kept)] != kept:
            return False  # reordered: rewrite the array
    elif len(existing) > len(value):
        return False
    for i, item in enumerate(value):
        if i < len(existing):
            _merge(existing[i], item)
        else:
            previous = existing[-1] if len(existing) else None
            existing.append(item)
            added = existing[-1]
            if previous is not None and not _ends_blank(previous) and "\n" not in added.trivia.indent:
                added.trivia.indent = "\n" + added.trivia.indent  # a blank line before the new [[header]]
    return True


def _ends_blank(table: Table) -> bool:
    body = table.value.body
    return bool(body) and isinstance(body[-1][1], Whitespace)


def _is_table_like(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value))


class SessionStore:
    """Session folders under ``root`` (default: the user data dir's ``sessions``), created lazily."""

    def __init__(self, root: Path | None = None, writer: BulkWriter | None = None) -> None:
        self._root = Path(root) if root is not None else None
        self.writer = writer  # writes findings.json and transcript.json in the background when set
        # name -> (file stat, parsed document, the data it holds): reused while the file is unchanged.
        self._docs: dict[str, tuple[tuple[int, int], tomlkit.TOMLDocument, dict[str, Any] | None]] = {}
        # name -> (file stat, the mergeable parts) as this store last read or wrote them: the base
        # of the merge when another writer changed the file in between.
        self._seen: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
        # name -> fingerprint of the findings last written to (or read from) findings.json:
        # which object, and which items each of its lists holds. Findings are replaced or
        # added to, not edited item by item, so a save rewrites them only when that changed.
        self._findings: dict[str, tuple] = {}
        self._pending: set[str] = set()  # sessions whose findings are still being extracted
        self._deferred: set[str] = set()  # sessions loaded without reading their findings file

    @property
    def root(self) -> Path:
        """The folder holding one sub-folder per session (not created until a save)."""
        return self._root if self._root is not None else data_dir() / "sessions"

    def folder(self, name: str) -> Path:
        """The folder of session ``name``; UserError when the name could escape the store."""
        if not _NAME_RE.match(name or ""):
            raise UserError(f"'{name}' is not a valid session name; use letters, digits, '.', '-' and '_'.")
        return self.root / name

    def path(self, name: str) -> Path:
        """The session.toml of session ``name``."""
        return self.folder(name) / SESSION_FILE

    def exists(self, name: str) -> bool:
        """True when a session with this name is saved."""
        return self.path(name).is_file()

    # -- writing ------------------------------------------------------------------------

    def _document(self, name: str, path: Path) -> tuple[tomlkit.TOMLDocument, dict[str, Any] | None]:
        try:
            st = path.stat()
        except FileNotFoundError:
            doc = tomlkit.document()
            for line in HEADER.format(name=name).splitlines():
                doc.add(tomlkit.comment(line))
            doc.add(tomlkit.nl())
            return doc, None
        cached = self._docs.get(name)
        if cached is not None and cached[0] == (st.st_mtime_ns, st.st_size):
            return cached[1], cached[2]
        try:
            return tomlkit.parse(path.read_text(encoding="utf-8")), None
        except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
            # A hand edit broke the file: keep it beside the new one rather than lose it.
            shutil.copy2(path, path.with_suffix(".toml.broken"))
            return tomlkit.document(), None

    def save(self, session: Session) -> Path:
        """Write session.toml atomically, keeping comments of the existing file; returns its path."""
        path = self.path(session.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        hold(path.parent, session.name)  # one writer per session: another live process gets a sentence
        data = session.model_dump(mode="json", exclude_none=True, exclude={"findings"})
        data = self._merge_other_writer(session, path, data)
        doc, previous = self._document(session.name, path)
        self._save_findings(session.name, session.findings)
        _merge(doc, data, previous)
        text = tomlkit.dumps(doc)
        safe = redact_secrets(text)
        _atomic_write(path, safe)
        st = path.stat()
        if safe == text:
            self._docs[session.name] = ((st.st_mtime_ns, st.st_size), doc, data)
        else:
            self._docs.pop(session.name, None)
        self._seen[session.name] = ((st.st_mtime_ns, st.st_size), _merge_view(data))
        return path

    def _merge_other_writer(self, session: Session, path: Path, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with what another writer saved since this store last read or wrote the file
        merged in (``session_guard.merge_saved``); the caller's session sees the merged answers too."""
        try:
            st = path.stat()
        except FileNotFoundError:
            return data
        seen = self._seen.get(session.name)
        if seen is not None and seen[0] == (st.st_mtime_ns, st.st_size):
            return data
        try:
            disk = Session.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
            return data  # an unreadable file is kept aside by _document; nothing to merge
        merged = merge_saved(data, _merge_view(disk.model_dump(mode="json", exclude_none=True)), seen[1] if seen else None)
        if merged == data:
            return data
        fresh = Session.model_validate({**_merge_view(merged), "name": session.name, "source": data["source"]})
        for key in MERGED_FIELDS:
            setattr(session, key, getattr(fresh, key))
        return merged

    def _save_findings(self, name: str, findings: Findings) -> None:
        """Write findings.json when the session holds another findings object than last time."""
        mark = _fingerprint(findings)
        if self._findings.get(name) == mark:
            return
        self._findings[name] = mark
        self._pending.discard(name)
        folder = self.folder(name)
        if self.writer is not None:
            self.writer.submit(folder / FINDINGS_FILE, lambda: write_findings(folder, findings))
        else:
            write_findings(folder, findings)

    def _load_findings(self, name: str, data: dict[str, Any]) -> None:
        """Put the saved findings into ``data`` (a session saved before the split keeps its own)."""
        found = read_findings(self.folder(name))
        if found is not None:
            data["findings"] = found
        elif "findings" not in data:
            self._pending.add(name)  # created, but its extraction never finished

    def findings_deferred(self, name: str) -> bool:
        """True when the session was loaded with ``findings=False`` and its findings file is unread."""
        return name in self._deferred

    def read_saved_findings(self, name: str) -> Findings:
        """The findings file of a session loaded with ``findings=False`` (safe in a thread)."""
        found = read_findings(self.folder(name))
        return found if isinstance(found, Findings) else Findings.model_validate(found or {})

    def adopt_findings(self, session: Session, findings: Findings) -> None:
        """Give a session loaded with ``findings=False`` the findings ``read_saved_findings`` read."""
        session.findings = findings
        deferred = session.name in self._deferred
        self._deferred.discard(session.name)
        if deferred and (self.folder(session.name) / FINDINGS_FILE).is_file():
            self._findings[session.name] = _fingerprint(findings)  # as on disk: not rewritten
        else:
            self._findings.pop(session.name, None)  # an older findings.toml: the next save writes the JSON

    def findings_pending(self, name: str) -> bool:
        """True when the session was saved before its findings were extracted."""
        return name in self._pending

    def hold_findings(self, session: Session) -> None:
        """Mark the session's (empty) findings as not yet extracted: saves leave them unwritten."""
        self._findings[session.name] = _fingerprint(session.findings)
        self._pending.add(session.name)

    def save_transcript(self, name: str, transcript: Transcript) -> Path:
        """Write the session's transcript copy (transcript.json), masked for secrets."""
        path = self.folder(name) / TRANSCRIPT_FILE

        if self.writer is not None:
            self.writer.submit(path, lambda: write_transcript(path, transcript))
        else:
            write_transcript(path, transcript)
        return path

    def flush(self, timeout: float | None = None) -> bool:
        """Wait for background writes (True at once without a writer)."""
        return self.writer.flush(timeout) if self.writer is not None else True

    # -- reading ------------------------------------------------------------------------

    def load(self, name: str, findings: bool = True) -> Session:
        """The saved session; SessionError with one sentence when missing or unreadable.

        With ``findings=False`` a findings file is left unread (the app reads it after its first
        frame with ``read_saved_findings``): the session holds empty findings meanwhile, which
        saves do not write, and ``findings_deferred`` says so.
        """
        path = self.path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SessionError(f"There is no session named '{name}'; `facilitator sessions list` shows the saved ones.") from None
        except UnicodeDecodeError:
            raise SessionError(f"The session file {path} is not UTF-8 text; restore it from a backup or remove the session.") from None
        except OSError as exc:
            raise SessionError(f"The session file {path} cannot be read ({exc.strerror or exc.__class__.__name__}); check its permissions.") from None
        try:
            doc = tomlkit.parse(text)
        except tomlkit.exceptions.TOMLKitError as exc:
            raise SessionError(f"The session file {path} is not valid TOML ({exc}); fix the line it names.") from None
        data = doc.unwrap()
        self._pending.discard(name)
        self._deferred.discard(name)
        if findings or "findings" in data:
            self._load_findings(name, data)
        elif has_findings(self.folder(name)):
            self._deferred.add(name)
        else:
            self._pending.add(name)
        try:
            session = Session.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise SessionError(
                f"The session file {path} has an invalid value at '{where}' ({first['msg']}); "
                "correct it, or delete that key to restore its default."
            ) from None
        if session.name != name:
            session.name = name  # the folder name wins (a folder copied or renamed by hand)
        if isinstance(data.get("findings"), Findings) or name in self._pending or name in self._deferred:
            # as on disk (or still to extract): not written until the findings are replaced
            self._findings[name] = _fingerprint(session.findings)
        else:
            self._findings.pop(name, None)  # from findings.toml or session.toml: the next save writes the JSON
        st = path.stat()
        self._docs[name] = ((st.st_mtime_ns, st.st_size), doc, None)
        self._seen[name] = ((st.st_mtime_ns, st.st_size), _merge_view(session.model_dump(mode="json", exclude_none=True, include=set(MERGED_FIELDS))))
        return session

    def transcript(self, name: str) -> Transcript:
        """The saved transcript copy of a session; SessionError when missing or corrupt."""
        return load_transcript(self.folder(name) / TRANSCRIPT_FILE)

    def list(self) -> list[SessionSummary]:
        """Every saved session, most recently updated first (unreadable ones included, flagged)."""
        from facilitator.interview.catalogue import load_catalogue

        total = len(load_catalogue())
        out: list[SessionSummary] = []
        if not self.root.is_dir():
            return out
        for folder in self.root.iterdir():
            path = folder / SESSION_FILE
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                spec = SourceSpec.model_validate(data.get("source", {"kind": "transcript"}))
                updated = datetime.fromisoformat(data["updated_at"]) if "updated_at" in data else None
                out.append(
                    SessionSummary(
                        name=folder.name,
                        title=str(data.get("title", "")),
                        updated_at=updated,
                        progress=(len(data.get("answers", {})), total),
                        source=describe_source(spec),
                    )
                )
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError, ValueError):
                out.append(SessionSummary(folder.name, "(unreadable session file)", None, (0, total), "?"))
        epoch = datetime.min.replace(tzinfo=utcnow().tzinfo)
        out.sort(key=lambda s: s.updated_at or epoch, reverse=True)
        return out

    def delete(self, name: str) -> None:
        """Remove a session folder; SessionError when there is no such session."""
        folder = self.folder(name)
        if not folder.is_dir():
            raise SessionError(f"There is no session named '{name}'; `facilitator sessions list` shows the saved ones.")
        hold(folder, name)  # never delete a session another process is writing
        if self.writer is not None:
            self.writer.forget(folder)
        shutil.rmtree(folder)
        release(folder)
        self._docs.pop(name, None)
        self._findings.pop(name, None)
        self._pending.discard(name)
        self._deferred.discard(name)

    def new_name(self, transcript: Transcript, title: str = "") -> str:
        """A fresh unique name like '2024-12-03-inc-2041-checkout-errors'."""
        from zoneinfo import ZoneInfo

        first = transcript.first_at
        day = first.astimezone(ZoneInfo(transcript.timezone or "UTC")).date().isoformat() if first else utcnow().date().isoformat()
        label = transcript.channel or title or (Path(transcript.source_ref).stem if transcript.source_ref not in ("", "-") else "")
        slug = slugify(label) or "incident"
        base = f"{day}-{slug}"
        name, n = base, 2
        while self.folder(name).exists():
            name, n = f"{base}-{n}", n + 1
        return name


MERGED_FIELDS = ("answers", "actions", "whys", "redaction_checklist", "published")


def _merge_view(data: dict[str, Any]) -> dict[str, Any]:
    """The parts of a session dump that two writers' saves are merged on."""
    return {key: data[key] for key in MERGED_FIELDS if key in data}


def _fingerprint(findings: Findings) -> tuple:
    """Which findings object this is and which items it holds (cheap, unlike dumping it)."""
    return (id(findings),) + tuple(
        (id(v), tuple(map(id, v))) if isinstance(v, list) else id(v) for v in findings.__dict__.values()
    )
