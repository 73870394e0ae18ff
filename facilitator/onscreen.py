"""Secrets masked on screen from the first frame, exactly as a resumed session shows them.

A new session's transcript and findings are masked when they are written to disk
(``SessionStore`` runs ``redact_secrets`` over every file), so a resumed session shows
``[secret]`` where a pasted password was. The freshly loaded copies in memory were still
clear, so the first session showed the password to everyone watching a shared screen.
``mask_loaded`` masks the fresh copies with the same function, one text at a time, and
hands back the original of each changed message so the user can reveal one line on
purpose (a resumed session has no original: the copy on disk is masked for good).
"""

from __future__ import annotations

from typing import Any

from facilitator.errors import redact_secrets
from facilitator.findings import Findings
from facilitator.transcript import Transcript


def _masked(value: Any, cache: dict[str, str]) -> Any:
    if isinstance(value, str):
        if value not in cache:
            cache[value] = redact_secrets(value)
        return cache[value]
    if isinstance(value, list):
        return [_masked(v, cache) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, cache) for k, v in value.items()}
    return value


def mask_findings(findings: Findings) -> Findings:
    """A copy of the findings with every text masked (quotes and evidence included)."""
    return type(findings).model_validate(_masked(findings.model_dump(), {}))


def mask_transcript(transcript: Transcript) -> dict[str, str]:
    """Mask every message (and unattributed line) in place; returns {message id: original text}."""
    originals: dict[str, str] = {}
    for message in transcript.messages:
        masked = redact_secrets(message.text)
        if masked != message.text:
            originals[message.id] = message.text
            message.text = masked
    for line in getattr(transcript, "unattributed", []) or []:
        line.text = redact_secrets(line.text)
    return originals


def mask_loaded(transcript: Transcript, session) -> dict[str, str]:
    """Mask a freshly loaded transcript and the session's findings in memory (see the module)."""
    # Masked as it was loaded (``redact.mask_transcript``), which kept the originals in memory.
    originals = {**getattr(transcript, "originals", {}), **mask_transcript(transcript)}
    # Findings extracted after the first frame come from the masked transcript; replacing the
    # still-empty ones would make the store write them as if extraction had finished.
    if any(getattr(session.findings, name) for name in type(session.findings).model_fields):
        session.findings = mask_findings(session.findings)
    return originals
