"""Starting and opening a session: load the source, extract findings, gather evidence, save.

The store (``facilitator.sessions``) only reads and writes session folders; this module is the
work around it that a new or resumed session needs: loading the transcript (Slack, an export,
a paste), keeping a copy of a pasted source and Slack's downloaded files in the session folder,
running the offline extractor and gathering evidence. The app does the slow parts in workers,
so ``extract=False`` saves a session whose findings are still to come.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from facilitator.config import Settings
from facilitator.errors import SessionError, redact_secrets
from facilitator.findings import Findings
from facilitator.session import Session, SourceSpec
from facilitator.session_files import atomic_write
from facilitator.session_guard import hold
from facilitator.sessions import ATTACHMENTS, SOURCE_COPY, TRANSCRIPT_FILE, SessionStore
from facilitator.transcript import Transcript

__all__ = ["apply_findings", "extract_offline", "gather_session_evidence", "open_session", "start_session"]


def extract_offline(transcript: Transcript) -> Findings:
    """Findings from the offline extractor (another module; empty when it is not installed yet)."""
    try:
        from facilitator.extract import extract_findings
    except ImportError:
        return Findings()
    return extract_findings(transcript)


def apply_findings(session: Session, findings: Findings) -> None:
    """Give the session freshly extracted findings (and their title when it has none yet)."""
    session.findings = findings
    if not session.title and findings.title:
        session.title = findings.title.text


def gather_session_evidence(session: Session, transcript: Transcript, settings: Settings) -> None:
    """Alerts, pages, logs and linked PRs/tickets for the session: nothing is read or fetched
    without an --evidence file or a token."""
    from facilitator.evidence.gather import evidence_wanted

    if evidence_wanted(settings, session.source.evidence):
        from facilitator.evidence.gather import gather_evidence

        session.evidence = gather_evidence(transcript, session.findings, settings, session.source.evidence, session.timezone)


def start_session(
    spec: SourceSpec,
    settings: Settings,
    store: SessionStore,
    transcript: Transcript | None = None,
    name: str | None = None,
    progress: Any = None,
    extract: bool = True,
) -> tuple[Session, Transcript]:
    """Load the source (unless given), extract findings, create and save a new session.

    With ``extract=False`` the session is saved without findings (``store.findings_pending``
    says so, and a resume extracts them): the app extracts in a worker after its first frame,
    then calls ``apply_findings`` and saves.
    """
    from facilitator.sources import load_source

    spec = spec.model_copy()
    spec.timezone = spec.timezone or settings.timezone
    pasted: str | None = None
    download_dir: Path | None = None
    if transcript is None:
        stdin_text = None
        if spec.kind == "transcript" and spec.ref == "-":
            from facilitator.sources import read_stdin

            stdin_text = pasted = read_stdin(settings)
        if spec.kind == "slack" and settings.slack.download_files:
            download_dir = store.root / f".downloads-{os.getpid()}"
        transcript = load_source(spec, settings, progress=progress, download_dir=download_dir, stdin_text=stdin_text)
    else:  # parsed by the caller (a paste in the app): masked like every loaded transcript
        from facilitator.redact import mask_transcript

        mask_transcript(transcript)
    if name is not None and store.exists(name):
        raise SessionError(f"A session named '{name}' already exists; resume it with --session {name} or pick another name.")
    name = name or store.new_name(transcript)
    if spec.evidence:  # a bad --evidence file is one sentence before the session folder exists
        from facilitator.evidence.files import check_evidence_files

        check_evidence_files(spec.evidence, spec.timezone)
    folder = store.folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    if spec.kind == "transcript":
        if pasted is None and spec.ref not in ("", "-") and Path(spec.ref).is_file():
            from facilitator.sources.bounded import Limits
            from facilitator.sources.paste import read_transcript_file

            pasted = read_transcript_file(Path(spec.ref), Limits.from_settings(settings))
        if pasted is not None:
            copy = folder / SOURCE_COPY
            atomic_write(copy, redact_secrets(pasted))
            spec.ref = str(copy)
    if download_dir is not None and download_dir.is_dir():
        target = folder / ATTACHMENTS
        shutil.move(str(download_dir), str(target))
        for m in transcript.messages:
            for a in m.attachments:
                if a.local_path.startswith(str(download_dir)):
                    a.local_path = str(target) + a.local_path[len(str(download_dir)) :]
    session = Session(name=name, source=spec, timezone=spec.timezone)
    if extract:
        apply_findings(session, extract_offline(transcript))
        gather_session_evidence(session, transcript, settings)
    else:
        store.hold_findings(session)  # the app extracts (and gathers evidence) in a worker after its first frame
    store.save(session)
    store.save_transcript(name, transcript)
    return session, transcript


def open_session(
    name: str, store: SessionStore, settings: Settings | None = None, extract: bool = True, findings: bool = True
) -> tuple[Session, Transcript]:
    """A saved session and its transcript copy (reloaded from the source only when the copy is gone).

    A session saved before its findings were extracted gets them now, unless ``extract`` is
    False (the app extracts in a worker; ``store.findings_pending(name)`` stays True until then).
    ``findings=False`` leaves the findings file unread (``SessionStore.load``).
    """
    if store.exists(name):
        hold(store.folder(name), name)  # opening is for writing: a second process gets a sentence
    session = store.load(name, findings=findings)
    if (store.folder(name) / TRANSCRIPT_FILE).exists() or settings is None:
        transcript = store.transcript(name)
    else:
        from facilitator.sources import load_source

        transcript = load_source(session.source, settings)
        store.save_transcript(name, transcript)
    if store.findings_pending(name):
        if extract:
            apply_findings(session, extract_offline(transcript))
            store.save(session)
    return session, transcript
