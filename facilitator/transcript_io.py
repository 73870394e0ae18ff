"""Transcripts to and from JSON, so a session resumes without refetching Slack.

A session folder keeps ``transcript.json``: the loaded ``Transcript`` exactly as the
interview cited it. Resuming reads it back instead of calling Slack again or re-reading a
pasted file that may have moved. The format is plain JSON of the dataclasses with ISO 8601
datetimes and a ``format_version`` so later versions can migrate old files. It is encoded
by pydantic-core (``transcript_json``): building the dicts with ``dataclasses.asdict`` and the
standard encoder took ten times longer on a long channel; fields at their default are left out
of each message (older files that hold them read the same).
"""

from __future__ import annotations

import gc
import json
import os
from dataclasses import MISSING, asdict, fields
from datetime import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic_core

from facilitator.errors import SessionError
from facilitator.transcript import Attachment, Message, Transcript, UnattributedLine

FORMAT_VERSION = 1


def _header(transcript: Transcript) -> dict[str, Any]:
    """The fields saved besides the messages and unattributed lines (``originals`` never is)."""
    return {
        "format_version": FORMAT_VERSION,
        "source": transcript.source,
        "source_ref": transcript.source_ref,
        "channel": transcript.channel,
        "timezone": transcript.timezone,
        "channel_id": transcript.channel_id,
        "workspace_url": transcript.workspace_url,
        "format": transcript.format,
        "warnings": list(transcript.warnings),
        "aliases": {name: list(other) for name, other in transcript.aliases.items()},
    }


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    """The transcript as JSON-ready data."""
    messages = []
    for m in transcript.messages:
        data = asdict(m)
        data["at"] = m.at.isoformat()
        messages.append(data)
    return {**_header(transcript), "unattributed": [asdict(u) for u in transcript.unattributed], "messages": messages}


def transcript_json(transcript: Transcript) -> bytes:
    """The transcript as the UTF-8 JSON text ``transcript_to_dict`` describes (same shape)."""
    return b"".join(transcript_json_parts(transcript))


CHUNK = 2_000  # messages per piece of ``transcript_json_parts``


def transcript_json_parts(transcript: Transcript) -> Iterator[bytes]:
    """``transcript_json`` in pieces of ``CHUNK`` messages, so a long channel is written (and
    masked) without holding its whole JSON text, and copies of it, in memory at once."""
    head = pydantic_core.to_json({**_header(transcript), "unattributed": transcript.unattributed})
    yield head[:-1] + b',"messages":['
    messages = transcript.messages
    for start in range(0, len(messages), CHUNK):
        piece = pydantic_core.to_json([_compact(m) for m in messages[start : start + CHUNK]])[1:-1]
        yield piece if start == 0 else b"," + piece
    yield b"]}"


_MESSAGE_DEFAULTS = {
    f.name: f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
    for f in fields(Message)
    if f.default is not MISSING or f.default_factory is not MISSING
}


def _compact(m: Message) -> dict[str, Any]:
    """A message's fields without those at their default (a third of the file, and of the
    time to read it back, on a long channel); ``transcript_from_dict`` restores them."""
    out: dict[str, Any] = {}
    for name in _MESSAGE_FIELDS:
        value = getattr(m, name)
        if name not in _MESSAGE_DEFAULTS or value != _MESSAGE_DEFAULTS[name]:
            out[name] = value
    return out


_MESSAGE_FIELDS = tuple(f.name for f in fields(Message))


def transcript_from_dict(data: dict[str, Any]) -> Transcript:
    """A Transcript from ``transcript_to_dict`` data; KeyError/ValueError/TypeError when malformed."""
    messages = []
    for raw in data["messages"]:
        raw = dict(raw)
        raw["at"] = datetime.fromisoformat(raw["at"])
        raw["attachments"] = [Attachment(**a) for a in raw.get("attachments", [])]
        messages.append(Message(**raw))
    return Transcript(
        messages=messages,
        source=data["source"],
        source_ref=data.get("source_ref", ""),
        channel=data.get("channel", ""),
        timezone=data.get("timezone", "UTC"),
        channel_id=data.get("channel_id", ""),
        workspace_url=data.get("workspace_url", ""),
        unattributed=[UnattributedLine(**u) for u in data.get("unattributed", [])],
        warnings=list(data.get("warnings", [])),
        format=data.get("format", ""),
        aliases={str(k): [str(x) for x in v] for k, v in (data.get("aliases") or {}).items()},
    )


def dump_transcript(transcript: Transcript, path: Path) -> None:
    """Write the transcript as JSON atomically (temp file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(transcript_json(transcript))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_transcript(path: Path) -> Transcript:
    """Read a transcript written by ``dump_transcript`` (a file, or a session folder holding
    ``transcript.json``); SessionError when missing or corrupt."""
    if path.is_dir():
        path = path / "transcript.json"
    # Tens of thousands of new containers would trigger several full collections that find
    # nothing to free (a third of the load time on a long channel): collect after, not during.
    paused = gc.isenabled()
    gc.disable()
    try:
        data = json.loads(path.read_bytes())
        return transcript_from_dict(data)
    except FileNotFoundError:
        raise SessionError(f"The saved transcript {path} is missing; start the session again from its source.") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SessionError(f"The saved transcript {path} cannot be read ({type(exc).__name__}); delete it to reload the source.") from None
    finally:
        if paused:
            gc.enable()
