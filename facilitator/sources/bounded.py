"""Reading untrusted input with a ceiling: files, stdin and zip members.

Every reader of something a user points us at goes through ``read_bounded``: it reads in
chunks and stops as soon as the input passes the size limit, the line limit or the per-line
limit, with one sentence saying which and how to raise it. So a 200 MB paste, a single 50 MB
line, ``/dev/zero`` or a decompression bomb end within seconds with memory bounded by the
limit, instead of growing until the machine swaps. The limits are settings
(``[input]`` in the config) with defaults far above any real incident channel.

Zip members are checked twice: their declared size before anything is decompressed, and the
bytes actually produced while reading (a lying header cannot get past the limit). Member
names that climb out of the archive (``../``, absolute paths, drive letters) are refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from facilitator.errors import SourceError

CHUNK = 1 << 20  # 1 MiB per read
DEFAULT_MAX_BYTES = 100_000_000
DEFAULT_MAX_LINES = 1_000_000
DEFAULT_MAX_LINE_BYTES = 1_000_000


@dataclass(frozen=True)
class Limits:
    """How much input one source may hold."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_lines: int = DEFAULT_MAX_LINES
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES

    @classmethod
    def from_settings(cls, settings: object | None) -> Limits:
        """The limits of ``settings.input`` (defaults when absent)."""
        section = getattr(settings, "input", None)
        if section is None:
            return cls()
        return cls(section.max_bytes, section.max_lines, section.max_line_bytes)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n:,} bytes"


def too_big(name: str, limits: Limits, what: str) -> SourceError:
    """The one sentence for an input past a limit (``what``: "bytes", "lines" or "line")."""
    problem = {
        "bytes": f"is larger than facilitator reads (over {_mb(limits.max_bytes)}, the input.max_bytes setting)",
        "lines": f"has more lines than facilitator reads (over {limits.max_lines:,}, the input.max_lines setting)",
        "line": f"has a line longer than facilitator reads (over {_mb(limits.max_line_bytes)}, the input.max_line_bytes setting)",
    }[what]
    return SourceError(
        f"'{name}' {problem}; pass only the incident channel's messages, or raise that setting in the config "
        "if this really is one channel."
    )


def read_bounded(stream: BinaryIO, name: str, limits: Limits | None = None) -> bytes:
    """All bytes of ``stream``, or SourceError as soon as a limit is passed (memory stays bounded)."""
    limits = limits or Limits()
    chunks: list[bytes] = []
    total = lines = 0
    line_bytes = 0  # bytes since the last newline
    while True:
        chunk = stream.read(min(CHUNK, limits.max_bytes + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limits.max_bytes:
            raise too_big(name, limits, "bytes")
        newlines = chunk.count(b"\n")
        if newlines:
            lines += newlines
            if lines > limits.max_lines:
                raise too_big(name, limits, "lines")
            first = chunk.find(b"\n")
            if line_bytes + first > limits.max_line_bytes:
                raise too_big(name, limits, "line")
            longest = max((len(part) for part in chunk[first + 1 :].split(b"\n")), default=0)
            line_bytes = len(chunk) - chunk.rfind(b"\n") - 1
            if longest > limits.max_line_bytes:
                raise too_big(name, limits, "line")
        else:
            line_bytes += len(chunk)
            if line_bytes > limits.max_line_bytes:
                raise too_big(name, limits, "line")
        chunks.append(chunk)
    return b"".join(chunks)


def safe_member_name(name: str) -> bool:
    """False for archive member names that would land outside the archive's folder."""
    if not name or "\x00" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return False
    return ".." not in PurePosixPath(name.replace("\\", "/")).parts


def check_members(zf: zipfile.ZipFile, archive: str, limits: Limits | None = None) -> None:
    """SourceError when a member climbs out of the archive or the declared sizes pass the limit."""
    limits = limits or Limits()
    total = 0
    for info in zf.infolist():
        if not safe_member_name(info.filename):
            raise SourceError(
                f"{archive} holds a member named '{info.filename[:80]}' that points outside the archive; "
                "refusing to read it (export the channel again from Slack)."
            )
        total += max(info.file_size, 0)
        if info.file_size > limits.max_bytes or total > 10 * limits.max_bytes:
            raise too_big(f"{archive}: {info.filename[:80]}", limits, "bytes")


def read_member(zf: zipfile.ZipFile, member: str, archive: str, limits: Limits | None = None) -> bytes:
    """A zip member's bytes, decompressed in chunks and stopped at the limit whatever its header says."""
    limits = limits or Limits()
    info = zf.getinfo(member)
    if info.file_size > limits.max_bytes:
        raise too_big(f"{archive}: {member}", limits, "bytes")
    # JSON members of an export may be one long line: only the size limit applies to them.
    member_limits = Limits(limits.max_bytes, limits.max_bytes, limits.max_bytes)
    with zf.open(info) as fh:
        return read_bounded(fh, f"{archive}: {member}", member_limits)
