"""The bulky, machine-made files of a session folder: findings and the transcript copy.

``session.toml`` is the small record of answers a person may edit; what the extractor found
and the transcript as loaded are large (megabytes for a long channel) and only ever written by
facilitator, so they are JSON: ``findings.json`` and ``transcript.json``. Both are serialised
by pydantic-core (already a dependency; its Rust encoder writes a 20,000-message transcript in
tens of milliseconds where tomlkit took seconds for the findings alone), masked for secrets
like every session file, and written atomically.

``BulkWriter`` writes them on one background thread so a new session's first screen never
waits for them: each job is keyed by its path and only the newest job of a path runs (the
findings of the last save win); the thread is not a daemon, so the interpreter finishes the
queue before exiting and an answer given just before quitting is never lost with them.
``flush()`` waits for the queue (tests, ``draft``, the app before it exits). ``hold()`` keeps
queued jobs from starting until ``release()`` (the app holds them while it opens a session,
so the writer's thread does not compete with the first frame for the interpreter).

Sessions written by earlier versions keep working: ``findings.toml`` (or findings inside
``session.toml``) is read when there is no ``findings.json``; the next save writes the JSON
file and removes the TOML one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pydantic_core

from facilitator.errors import SessionError, redact_secrets
from facilitator.findings import Findings
from facilitator.transcript import Transcript
from facilitator.transcript_io import CHUNK, transcript_json_parts

FINDINGS_JSON = "findings.json"
FINDINGS_TOML = "findings.toml"  # written by earlier versions; read, then replaced by the JSON file


def atomic_write(path: Path, data: str | bytes | Iterable[str | bytes]) -> None:
    """Write ``data`` (or its pieces, in order) to ``path`` so a crash leaves either the old
    or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        for piece in [data] if isinstance(data, (str, bytes)) else data:
            fh.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def masked(pieces: Iterable[bytes]) -> Iterator[str]:
    """Each piece of UTF-8 JSON as text with secrets masked (pieces end between values, so a
    credential inside a string is always whole in one piece)."""
    for piece in pieces:
        yield redact_secrets(piece.decode("utf-8"))


def findings_json_parts(findings: Findings) -> Iterator[bytes]:
    """The JSON of ``findings.model_dump_json(exclude_none=True)`` in pieces: one per field,
    and long lists (the links of a 100,000-message channel) in pieces of ``CHUNK`` items."""
    yield b"{"
    first = True
    for name, value in findings:
        if value is None:
            continue
        key = pydantic_core.to_json(name) + b":"
        yield key if first else b"," + key
        first = False
        if isinstance(value, list) and len(value) > CHUNK:
            yield b"["
            for start in range(0, len(value), CHUNK):
                piece = pydantic_core.to_json(value[start : start + CHUNK], exclude_none=True)[1:-1]
                yield piece if start == 0 else b"," + piece
            yield b"]"
        else:
            yield pydantic_core.to_json(value, exclude_none=True)
    yield b"}"


def findings_json(findings: Findings) -> str:
    """The findings as the masked JSON text of findings.json."""
    return "".join(masked(findings_json_parts(findings)))


def write_findings(folder: Path, findings: Findings) -> Path:
    """Write findings.json (and drop an old findings.toml it replaces), piece by piece."""
    path = folder / FINDINGS_JSON
    atomic_write(path, masked(findings_json_parts(findings)))
    (folder / FINDINGS_TOML).unlink(missing_ok=True)
    return path


def read_findings(folder: Path) -> Findings | dict | None:
    """The saved findings: a ``Findings`` from findings.json, the raw table of an older
    findings.toml, or None when the folder holds neither. SessionError when unreadable."""
    path = folder / FINDINGS_JSON
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _read_old_findings(folder / FINDINGS_TOML)
    except OSError as exc:
        raise SessionError(f"The findings file {path} cannot be read ({exc.strerror}); check its permissions.") from None
    try:
        return Findings.model_validate_json(raw)
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise SessionError(f"The findings file {path} cannot be read ({first}); delete it and facilitator will extract again.") from None


def _read_old_findings(path: Path) -> dict | None:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SessionError(f"The findings file {path} cannot be read ({exc}); delete it and facilitator will extract again.") from None


def write_transcript(path: Path, transcript: Transcript) -> Path:
    """Write transcript.json, masked for secrets, piece by piece."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, masked(transcript_json_parts(transcript)))
    return path


def has_findings(folder: Path) -> bool:
    """True when the folder holds a findings file (new or old format)."""
    return (folder / FINDINGS_JSON).is_file() or (folder / FINDINGS_TOML).is_file()


class BulkWriter:
    """One background thread writing bulky session files; the newest job of a path wins."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._jobs: dict[Path, Callable[[], object]] = {}
        self._running: Path | None = None
        self._thread: threading.Thread | None = None
        self._held = False
        self.errors: list[str] = []  # one sentence per failed write, for the UI to show

    def hold(self) -> None:
        """Queue jobs without starting them until ``release``."""
        with self._lock:
            self._held = True

    def release(self) -> None:
        """Start the jobs queued while held."""
        with self._lock:
            self._held = False
            self._start()

    def _start(self) -> None:
        if self._jobs and not self._held and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._run, name="facilitator-bulk-writer", daemon=False)
            self._thread.start()

    def submit(self, path: Path, job: Callable[[], object]) -> None:
        """Run ``job`` (which writes ``path``) soon, replacing a queued job for the same path."""
        with self._lock:
            self._jobs.pop(path, None)
            self._jobs[path] = job
            self._start()
            self._lock.notify_all()

    @property
    def busy(self) -> bool:
        """True while a write is queued or running."""
        with self._lock:
            return bool(self._jobs) or self._running is not None

    def pending(self, path: Path) -> bool:
        """True while a write of ``path`` is queued or running."""
        with self._lock:
            return path in self._jobs or self._running == path

    def forget(self, folder: Path) -> None:
        """Drop the queued writes into ``folder`` and wait for a running one (the folder is being removed)."""
        with self._lock:
            for path in [p for p in self._jobs if folder in p.parents]:
                del self._jobs[path]
            self._lock.wait_for(lambda: self._running is None or folder not in self._running.parents)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued write is done (releasing a hold); False when ``timeout`` ran out first."""
        self.release()
        with self._lock:
            return self._lock.wait_for(lambda: not self._jobs and self._running is None, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    self._lock.notify_all()
                    return
                path = next(iter(self._jobs))
                job = self._jobs.pop(path)
                self._running = path
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - reported to the UI; the thread must go on
                self.errors.append(f"Could not write {path} ({type(exc).__name__}: {exc}).")
            finally:
                with self._lock:
                    self._running = None
                    self._lock.notify_all()
