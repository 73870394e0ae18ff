"""Loading an incident channel from wherever it lives.

One entry point, ``load_source``, turns a ``SourceSpec`` into a ``Transcript``:

* ``demo``          the bundled sample incident (a Slack export inside ``prompts/demo``)
* ``transcript``    a saved or pasted transcript, format detected (``paste.py``)
* ``slack-export``  a Slack workspace export, zip or folder (``slack_export.py``)
* ``slack``         live through slack_sdk's WebClient (``slack_api.py``)

Every loader raises ``SourceError`` with one plain sentence for bad input, and applies the
``since``/``until`` bounds and the display timezone the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from dateutil import parser as dateparser

from facilitator.config import Settings, check_timezone
from facilitator.errors import SourceError
from facilitator.session import SourceSpec
from facilitator.sources.bounded import Limits, read_bounded
from facilitator.transcript import Transcript

DEMO_CHANNEL = "inc-2041-checkout-errors"

# progress(messages_so_far, threads_so_far, note)
Progress = Callable[[int, int, str], None]


def parse_bound(value: str, tz: str, what: str) -> datetime | None:
    """--since/--until as an aware datetime in ``tz`` (ISO 8601 or anything dateutil reads)."""
    if not value:
        return None
    try:
        parsed = dateparser.isoparse(value)
    except ValueError:
        try:
            parsed = dateparser.parse(value)
        except (ValueError, OverflowError):
            raise SourceError(f"--{what} '{value}' is not a date and time; use ISO 8601 like 2024-12-03T14:00.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=check_timezone(tz))
    return parsed


def parse_date(value: str) -> date | None:
    """--date as a date, or a SourceError naming the expected form."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SourceError(f"--date '{value}' is not a date; use YYYY-MM-DD, e.g. 2024-12-03.") from None


def bound(transcript: Transcript, since: datetime | None, until: datetime | None) -> Transcript:
    """Keep messages within [since, until]; thread structure is trimmed to what remains."""
    if since is None and until is None:
        return transcript
    kept = [m for m in transcript.messages if (since is None or m.at >= since) and (until is None or m.at <= until)]
    ids = {m.id for m in kept}
    for m in kept:
        m.reply_ids = [r for r in m.reply_ids if r in ids]
        if m.thread_id is not None and m.thread_id not in ids and m.thread_id != m.id:
            m.thread_id = None
    transcript.messages = kept
    transcript.__dict__.pop("index", None)
    return transcript


def read_stdin(settings: Settings | None = None) -> str:
    """Standard input as transcript text, read in chunks up to the configured limits."""
    from facilitator.sources.paste import decode_transcript

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream (tests, embedding): bounded the same way through its encoding
        import io

        stream = io.BytesIO(sys.stdin.read(Limits.from_settings(settings).max_bytes + 1).encode("utf-8"))
    return decode_transcript(read_bounded(stream, "stdin", Limits.from_settings(settings)), "stdin")


def demo_path() -> Path:
    """Folder of the bundled demo export (a real directory once the wheel is installed)."""
    return Path(str(resources.files("prompts") / "demo"))


def load_source(
    spec: SourceSpec,
    settings: Settings,
    progress: Progress | None = None,
    download_dir: Path | None = None,
    stdin_text: str | None = None,
) -> Transcript:
    """Load the transcript a SourceSpec names; raises SourceError for anything the user must fix."""
    tz = spec.timezone or settings.timezone
    check_timezone(tz)
    since = parse_bound(spec.since, tz, "since")
    until = parse_bound(spec.until, tz, "until")
    if since and until and since > until:
        raise SourceError("--since is after --until; swap them or drop one.")

    if spec.kind == "demo":
        from facilitator.sources.slack_export import load_export

        transcript = load_export(demo_path(), spec.channel or DEMO_CHANNEL, tz=tz)
        transcript.source = "demo"
    elif spec.kind == "transcript":
        from facilitator.sources.paste import parse_transcript, read_transcript_file

        if spec.ref == "-":
            name = "stdin"
            if stdin_text is not None:
                text = stdin_text
            else:  # bytes, so binary or non-UTF-8 input gets the same checks as a file
                text = read_stdin(settings)
        else:
            text = read_transcript_file(Path(spec.ref), Limits.from_settings(settings))
            name = Path(spec.ref).name
        transcript = parse_transcript(text, tz=tz, default_date=parse_date(spec.date), origin=name)
        transcript.source_ref = spec.ref
    elif spec.kind == "slack-export":
        from facilitator.sources.slack_export import load_export

        if not spec.channel:
            from facilitator.sources.slack_export import export_channels

            names = export_channels(Path(spec.ref), Limits.from_settings(settings))  # a missing or damaged export is reported first
            shown = ", ".join(names[:8]) + (f" (and {len(names) - 8} more)" if len(names) > 8 else "")
            raise SourceError(
                "--slack-export needs --channel NAME to say which channel of the export to read"
                + (f"; this export holds {shown}." if names else ".")
            )
        transcript = load_export(Path(spec.ref), spec.channel, tz=tz, limits=Limits.from_settings(settings))
    elif spec.kind == "slack":
        from facilitator.sources.slack_api import fetch_channel

        transcript = fetch_channel(
            spec.ref,
            settings=settings,
            tz=tz,
            oldest=since,
            latest=until,
            progress=progress,
            download_dir=download_dir,
        )
    else:  # pragma: no cover - SourceSpec validation prevents this
        raise SourceError(f"Unknown source kind '{spec.kind}'.")
    from facilitator.redact import mask_transcript

    # Secrets pasted in the channel are masked before anything (session copy, screen, documents,
    # the model) sees the messages; what one message reveals masks its other forms everywhere.
    mask_transcript(transcript)
    times = sorted(m.at for m in transcript.messages)
    transcript = bound(transcript, since, until)
    if times and not transcript.messages:
        window = " and ".join(f"--{name} {value}" for name, value in (("since", spec.since), ("until", spec.until)) if value)
        span = f"{times[0].isoformat(timespec='minutes')} to {times[-1].isoformat(timespec='minutes')}"
        raise SourceError(f"No message falls within {window} (the messages run from {span}); widen or drop the bounds.")
    return transcript
