"""Huge, endless and hostile inputs end in one sentence and exit 2, quickly and in bounded memory."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.errors import SourceError
from facilitator.session import SourceSpec
from facilitator.sources import load_source
from facilitator.sources.bounded import Limits, check_members, read_bounded, read_member, safe_member_name
from tests.servers.slack_server import SMALL_EXPORT

LINE = b"[2024-12-03 10:32] Alice: checkout is failing for some customers again\n"


class LazyStream(io.RawIOBase):
    """``size`` bytes of transcript lines produced on demand (nothing is held in memory)."""

    def __init__(self, size: int, line: bytes = LINE) -> None:
        self.left, self.line = size, line

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        reps = n // len(self.line) + 1
        out = (self.line * reps)[:n]
        self.left -= len(out)
        return out


def one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("limits", "data", "what"),
    [
        (Limits(max_bytes=1000), LINE * 100, "max_bytes"),
        (Limits(max_lines=10), LINE * 11, "max_lines"),
        (Limits(max_line_bytes=50), LINE, "max_line_bytes"),
        (Limits(max_line_bytes=100), b"a" * 60 + b"\n" + b"b" * 101, "max_line_bytes"),
        (Limits(max_line_bytes=100), b"a" * 101 + b"\nshort\n", "max_line_bytes"),
    ],
)
def test_each_limit_is_one_sentence_naming_its_setting(limits, data, what):
    with pytest.raises(SourceError) as err:
        read_bounded(io.BytesIO(data), "chat.txt", limits)
    assert what in str(err.value) and "chat.txt" in str(err.value) and "\n" not in str(err.value)


def test_a_line_split_across_chunks_is_measured_whole(monkeypatch):
    monkeypatch.setattr("facilitator.sources.bounded.CHUNK", 7)
    with pytest.raises(SourceError, match="max_line_bytes"):
        read_bounded(io.BytesIO(b"ok\n" + b"x" * 30 + b"\nok\n"), "t", Limits(max_line_bytes=20))
    assert read_bounded(io.BytesIO(b"ok\n" + b"x" * 20 + b"\nok\n"), "t", Limits(max_line_bytes=20)).count(b"x") == 20


def test_input_within_limits_is_read_whole():
    data = LINE * 1000
    assert read_bounded(io.BytesIO(data), "t", Limits()) == data


def test_200_mb_stream_stops_at_the_limit_in_bounded_memory():
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(SourceError, match="max_bytes|max_lines"):
            read_bounded(LazyStream(200_000_000), "huge.txt", Limits())
        with pytest.raises(SourceError, match="max_bytes"):  # long lines: the byte limit
            read_bounded(LazyStream(200_000_000, LINE[:-1] + b" more words" * 20 + b"\n"), "huge.txt", Limits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 30
    assert peak < 250_000_000  # the limit (100 MB) plus one chunk, never the whole input


def _limited(limit_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def _run_cli(args: list[str], tmp_path: Path, stdin: object = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACILITATOR_CONFIG": str(tmp_path / "c.toml"), "FACILITATOR_DATA_DIR": str(tmp_path / "d")}
    return subprocess.run(
        [sys.executable, "-m", "facilitator.cli", *args], capture_output=True, text=True, timeout=60, env=env,
        stdin=stdin, preexec_fn=_limited(1 << 30),
    )


@pytest.mark.slow
def test_200_mb_transcript_ends_in_under_a_minute_under_1_gb(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        for _ in range(200):
            fh.write(LINE * (1_000_000 // len(LINE) + 1))
    assert path.stat().st_size > 200_000_000
    started = time.monotonic()
    result = _run_cli(["draft", "--transcript", str(path), "--no-llm", "--out", str(tmp_path / "out")], tmp_path)
    assert time.monotonic() - started < 60
    assert result.returncode == 2, result.stderr
    assert "max_bytes" in one_sentence(result.stderr)


@pytest.mark.slow
def test_dev_zero_ends_with_exit_2_within_seconds(tmp_path):
    started = time.monotonic()
    result = _run_cli(["draft", "--transcript", "/dev/zero", "--no-llm", "--out", str(tmp_path / "out")], tmp_path)
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert "longer than facilitator reads" in one_sentence(result.stderr)
    with open("/dev/zero", "rb") as zero:  # stdin that never ends, too
        piped = _run_cli(["extract", "--transcript", "-"], tmp_path, stdin=zero)
    assert piped.returncode == 2 and "stdin" in one_sentence(piped.stderr)


def test_configured_limit_applies_to_files_and_stdin(tmp_path, monkeypatch, capsys):
    path = tmp_path / "chat.txt"
    path.write_bytes(LINE * 50)
    settings = Settings(input={"max_bytes": 1000})
    with pytest.raises(SourceError, match="over 1,000 bytes"):
        load_source(SourceSpec(kind="transcript", ref=str(path)), settings)
    (tmp_path / "config.toml").write_text("[input]\nmax_lines = 5\n", encoding="utf-8")
    monkeypatch.setenv("FACILITATOR_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LINE * 50)))
    assert main(["extract", "--transcript", "-"]) == 2
    assert "max_lines" in one_sentence(capsys.readouterr().err)


# --- zip exports -----------------------------------------------------------------------------


def _zip_export(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in SMALL_EXPORT.rglob("*.json"):
            zf.write(file, file.relative_to(SMALL_EXPORT).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def test_zip_export_within_limits_loads(tmp_path):
    path = _zip_export(tmp_path / "export.zip")
    transcript = load_source(SourceSpec(kind="slack-export", ref=str(path), channel="inc-99-db-failover"), Settings())
    assert transcript.messages


def test_zip_member_declared_larger_than_the_limit_is_refused_before_reading(tmp_path):
    path = _zip_export(tmp_path / "export.zip", {"general/2024-12-04.json": b"[" + b" " * 50_000 + b"]"})
    settings = Settings(input={"max_bytes": 20_000})
    with pytest.raises(SourceError, match="max_bytes") as err:
        load_source(SourceSpec(kind="slack-export", ref=str(path), channel="inc-99-db-failover"), settings)
    assert "general/2024-12-04.json" in str(err.value)


def test_zip_member_that_lies_about_its_size_is_stopped_while_decompressing(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", b"[" + b" " * 5_000_000 + b"]")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("users.json")
        info.file_size = 10  # what a crafted header claims
        limits = Limits(max_bytes=100_000)
        check_members(zf, "bomb.zip", limits)  # the header passes...
        with pytest.raises((SourceError, zipfile.BadZipFile)):
            read_member(zf, "users.json", "bomb.zip", limits)  # ...the bytes do not


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "a/../../b.json", "C:/x.json", "..\\x.json"])
def test_member_names_outside_the_archive_are_refused(tmp_path, name):
    assert not safe_member_name(name)
    path = _zip_export(tmp_path / "export.zip", {name: b"[]"})
    with pytest.raises(SourceError, match="outside the archive"):
        load_source(SourceSpec(kind="slack-export", ref=str(path), channel="inc-99-db-failover"), Settings())


def test_ordinary_member_names_are_accepted():
    assert all(safe_member_name(n) for n in ["users.json", "export/general/2024-12-03.json", "a..b/c.json"])


def test_a_symlink_out_of_an_unpacked_export_is_not_read(tmp_path):
    import shutil

    export = tmp_path / "export"
    shutil.copytree(SMALL_EXPORT, export)
    outside = tmp_path / "private.json"
    outside.write_text('[{"type": "message", "user": "U1", "text": "PRIVATE-OUTSIDE", "ts": "1733234952.000100"}]')
    (export / "inc-99-db-failover" / "2024-12-09.json").symlink_to(outside)
    transcript = load_source(SourceSpec(kind="slack-export", ref=str(export), channel="inc-99-db-failover"), Settings())
    assert not any("PRIVATE-OUTSIDE" in m.text for m in transcript.messages)
