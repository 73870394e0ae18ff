"""Reading transcript files: encodings, and bad input that must end as one plain sentence."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.errors import SourceError
from facilitator.session import SourceSpec
from facilitator.sources import load_source
from facilitator.sources.paste import parse_transcript, read_transcript_file

PASTES = Path(__file__).resolve().parents[1] / "data" / "pastes"
CHAT = "[2024-12-03 10:32] Zoë Müller: checkout is down\n[2024-12-03 10:35] José: rolled back\n"


def test_utf8_with_bom_and_utf16_with_or_without_bom_decode(tmp_path):
    cases = (("utf-8-sig", "bom8.txt"), ("utf-16", "bom16.txt"), ("utf-16-le", "le16.txt"), ("utf-16-be", "be16.txt"))
    for encoding, name in cases:
        path = tmp_path / name
        path.write_bytes(CHAT.encode(encoding))
        text = read_transcript_file(path)
        assert not text.startswith("\ufeff")
        t = parse_transcript(text, tz="UTC", default_date=None, origin=name)
        assert [m.author for m in t.messages] == ["Zoë Müller", "José"]


def test_windows_1252_is_read_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(CHAT.encode("cp1252"))
    text = read_transcript_file(path)
    t = parse_transcript(text, tz="UTC", default_date=None, origin=path.name)
    assert t.messages[0].author == "Zoë Müller"
    assert any("legacy.txt" in w and "Windows-1252" in w for w in t.warnings)


def test_crlf_file_keeps_line_numbers(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes((PASTES / "timestamped.txt").read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    t = parse_transcript(read_transcript_file(path), tz="UTC", default_date=None, origin="crlf.txt")
    assert [m.id for m in t.messages][:3] == ["L2", "L3", "L4"]
    assert t.get("L4").text.count("\n") == 2 and "\r" not in t.get("L4").text


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "is empty"),
        (b"  \n\n\t", "is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary\x00\x00", "binary file"),
        (bytes(range(1, 32)) * 40, "binary file"),
        (b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
        (b"[2024-12-03 10:32] Al: caf\xc3 \x81\x8d\x90", "not UTF-8 text"),
    ],
)
def test_bad_files_raise_one_sentence_naming_the_file(tmp_path, content, needle):
    path = tmp_path / "incident-notes.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_transcript_file(path)
    message = str(info.value)
    assert "incident-notes.txt" in message and needle in message
    assert "\n" not in message and message.endswith(".")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SourceError, match=r"nope\.txt' does not exist"):
        read_transcript_file(tmp_path / "nope.txt")
    with pytest.raises(SourceError, match=r"is a folder, not a transcript file"):
        read_transcript_file(tmp_path)


def test_undecodable_utf8_says_which_line(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"[2024-12-03 10:32] Al: ok\n[2024-12-03 10:33] Bo: \x81\x8d\x8f\x90\x9d\n")
    with pytest.raises(SourceError, match=r"'broken\.txt' is not UTF-8 text \(undecodable byte on line 2\); re-save"):
        read_transcript_file(path)


def test_load_source_reads_a_transcript_with_date_and_tz(tmp_path):
    path = tmp_path / "irc.log"
    path.write_text("10:32 <alice> down\n10:40 <bob> up\n", encoding="utf-8")
    spec = SourceSpec(kind="transcript", ref=str(path), timezone="Europe/Paris", date="2024-12-03")
    t = load_source(spec, Settings())
    assert t.source == "transcript" and t.format == "irc" and t.source_ref == str(path)
    assert t.messages[0].at.astimezone(timezone.utc) == datetime(2024, 12, 3, 9, 32, tzinfo=timezone.utc)
    assert t.messages[0].origin == "irc.log:1"


def test_load_source_stdin_paste():
    spec = SourceSpec(kind="transcript", ref="-", date="2024-12-03")
    t = load_source(spec, Settings(), stdin_text="- 14:02 UTC: alert fired\n- 14:10 rollback\n")
    assert len(t.messages) == 2 and t.messages[0].origin == "stdin:1"


# --- through the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 10, "binary file"),
        (b"caf\xe9 \x81\x8d", "not UTF-8"),
        (b"", "is empty"),
        (b"lorem ipsum\ndolor sit amet\n", "contains no messages I can read"),
    ],
)
def test_cli_extract_bad_transcript_exits_2_with_one_line(tmp_path, capsys, content, needle):
    path = tmp_path / "pasted.txt"
    path.write_bytes(content)
    code = main(["extract", "--transcript", str(path), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "pasted.txt" in lines[0] and needle in lines[0]
    assert "Traceback" not in captured.err


def test_cli_extract_transcript_without_date_asks_for_date(tmp_path, capsys):
    path = tmp_path / "irc.log"
    path.write_text("10:32 <alice> down\n", encoding="utf-8")
    assert main(["extract", "--transcript", str(path), "--json"]) == 2
    assert "--date" in capsys.readouterr().err


def test_cli_extract_transcript_json(capsys):
    code = main(["extract", "--transcript", str(PASTES / "irc.log"), "--json", "--tz", "UTC"])
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads(out)
    assert report["source"] == "transcript"
    assert report["messages"] == 8
    assert report["first_at"].startswith("2024-12-02T23:40")
    assert report["unattributed_lines"] == 0
