"""Loading a channel from a Slack export (folder and zip), and every way an export can be bad."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import load_settings
from facilitator.errors import SourceError
from facilitator.session import SourceSpec
from facilitator.sources import load_source
from facilitator.sources.slack_export import load_export
from tests.servers.slack_server import SMALL_EXPORT

CHANNEL = "inc-99-db-failover"


def zip_export(src: Path, dest: Path, top: str = "") -> Path:
    """Zip an export folder, optionally nested under a top folder as some tools do."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                zf.write(path, top + path.relative_to(src).as_posix())
    return dest


@pytest.fixture
def export_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL_EXPORT, tmp_path / "export"))


def test_folder_export_loads_the_channel() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    assert (t.source, t.format, t.channel, t.channel_id) == ("slack-export", "slack-export", CHANNEL, "C099FAIL")
    assert len(t) == 13 and t.thread_count == 2
    assert [m.at for m in t.messages] == sorted(m.at for m in t.messages)
    assert t.first_at.isoformat() == "2024-12-03T14:00:00.000100+00:00"
    assert t.messages[0].origin == f"export:{CHANNEL}/2024-12-03.json"
    assert t.messages[-1].origin == f"export:{CHANNEL}/2024-12-04.json"
    assert not t.unattributed and not t.warnings


def test_threads_are_reassembled_from_thread_ts() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    parent = next(m for m in t.messages if m.text.startswith("Looking."))
    replies = t.replies(parent.id)
    assert [r.author for r in replies] == ["Alice Smith", "Chen Wei", "Bob Jones"]
    assert all(r.thread_id == parent.id and r.is_reply for r in replies)
    broadcast = replies[-1]
    assert broadcast.subtype == "thread_broadcast" and "failing over" in broadcast.text
    assert sum(1 for m in t.messages if m.id == broadcast.id) == 1  # kept once


def test_subtypes_and_names() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    by_text = {m.text.split("\n")[0]: m for m in t.messages}
    join = t.messages[0]
    assert join.subtype == "channel_join" and join.is_system and join.text == "@Alice Smith has joined the channel"
    grafana = by_text["[Alerting] DB replication lag > 30s"]
    assert grafana.is_bot and grafana.author == "Grafana"
    assert "primary-db-1 lag is 42s" in grafana.text and "severity: critical" in grafana.text
    assert "https://grafana.example.com/d/db?orgId=1" in grafana.text
    pager = next(m for m in t.messages if m.author == "PagerBot")
    assert pager.is_bot and pager.text == "Incident INC-99 resolved by @Dana Ó Briain"
    chen = next(m for m in t.messages if m.author_id == "U03CHEN")
    assert chen.author == "Chen Wei"  # no real name: the display name
    external = next(m for m in t.messages if m.author_id == "UEXT0001")
    assert external.author == "Erin External"  # not in users.json: the message's own profile
    assert ("Alice Smith", 3) in t.participants()  # her channel_join is not conversation
    assert all(name != "Grafana" for name, _ in t.participants())


def test_markup_edits_reactions_and_files() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    alice = next(m for m in t.messages if m.text.startswith("I'm on it"))
    assert alice.text == "I'm on it & paging @Bob Jones. Dashboard: DB overview (https://grafana.example.com/d/db)"
    assert alice.reactions == {"eyes": 2}
    parent = next(m for m in t.messages if m.text.startswith("Looking."))
    assert parent.edited and parent.text.endswith("see #general <not sure>")
    shared = next(m for m in t.messages if m.attachments)
    (att,) = shared.attachments
    assert (att.name, att.mimetype, att.size, att.id, att.is_image) == ("disk-usage.png", "image/png", 20, "F0DISK01", True)
    assert att.url == "https://files.slack.com/files-pri/T1-F0DISK01/download/disk-usage.png"  # export token stripped
    assert "xoxe" not in att.url


def test_deleted_parent_keeps_its_thread() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    tomb = next(m for m in t.messages if m.subtype == "tombstone")
    assert tomb.text == "This message was deleted." and tomb.author == "Slackbot"
    assert [r.author for r in t.replies(tomb.id)] == ["Dana Ó Briain"]


def test_timezone_is_applied() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="America/New_York")
    assert t.timezone == "America/New_York"
    assert t.first_at.isoformat() == "2024-12-03T09:00:00.000100-05:00"


@pytest.mark.parametrize("name", ["#inc-99-db-failover", "C099FAIL", "INC-99-DB-FAILOVER", " inc-99-db-failover "])
def test_channel_by_name_id_or_hash(name: str) -> None:
    assert load_export(SMALL_EXPORT, name, tz="UTC").channel_id == "C099FAIL"


def test_private_channel_from_groups_json() -> None:
    t = load_export(SMALL_EXPORT, "sec-review", tz="UTC")
    assert (t.channel_id, len(t), t.messages[0].text) == ("G077SEC", 1, "private")


@pytest.mark.parametrize("top", ["", "Acme Slack export Dec 3 2024/"])
def test_zip_equals_folder(tmp_path: Path, top: str) -> None:
    archive = zip_export(SMALL_EXPORT, tmp_path / "export.zip", top)
    from_zip = load_export(archive, CHANNEL, tz="UTC")
    from_dir = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    assert [(m.id, m.author, m.text, m.thread_id, m.reply_ids) for m in from_zip.messages] == [
        (m.id, m.author, m.text, m.thread_id, m.reply_ids) for m in from_dir.messages
    ]
    assert from_zip.source_ref == str(archive)


def test_day_files_are_read_in_date_order(export_copy: Path) -> None:
    day = export_copy / CHANNEL / "2024-11-30.json"
    day.write_text(json.dumps([{"type": "message", "user": "U02BOB", "ts": "1732960000.000100", "text": "earlier"}]))
    t = load_export(export_copy, CHANNEL, tz="UTC")
    assert t.messages[0].text == "earlier" and t.messages[0].origin.endswith("2024-11-30.json")


def test_entries_without_ts_are_kept_as_unattributed(export_copy: Path) -> None:
    day = export_copy / CHANNEL / "2024-12-05.json"
    day.write_text(json.dumps([{"type": "message", "user": "U02BOB", "text": "no ts here"}, "stray string"]))
    t = load_export(export_copy, CHANNEL, tz="UTC")
    assert len(t) == 13 and len(t.unattributed) == 2
    assert "no ts here" in t.unattributed[0].text and t.unattributed[0].origin.endswith("2024-12-05.json")


# --- bad input -----------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"No Slack export at .*nope\.zip; check the path"):
        load_export(tmp_path / "nope.zip", CHANNEL, tz="UTC")


def test_corrupt_zip(tmp_path: Path) -> None:
    good = zip_export(SMALL_EXPORT, tmp_path / "good.zip").read_bytes()
    bad = tmp_path / "export.zip"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(SourceError, match=r"export\.zip is a damaged zip file"):
        load_export(bad, CHANNEL, tz="UTC")


def test_damaged_member_inside_zip(tmp_path: Path) -> None:
    archive = zip_export(SMALL_EXPORT, tmp_path / "export.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("users.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5] ^= 0xFF  # flip a byte inside the compressed users.json
    archive.write_bytes(bytes(data))
    with pytest.raises(SourceError, match=r"users\.json inside .*export\.zip is (damaged|not valid JSON)"):
        load_export(archive, CHANNEL, tz="UTC")


def test_not_a_zip(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("just some notes")
    with pytest.raises(SourceError, match=r"notes\.txt is not a Slack export"):
        load_export(f, CHANNEL, tz="UTC")


def test_folder_that_is_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "stuff.json").write_text("{}")
    with pytest.raises(SourceError, match=r"does not look like a Slack export \(no users\.json or channels\.json\)"):
        load_export(tmp_path, CHANNEL, tz="UTC")


def test_invalid_json_names_the_member(export_copy: Path) -> None:
    (export_copy / CHANNEL / "2024-12-04.json").write_text('[{"ts": "1.1",\n  "text": oops}]')
    with pytest.raises(SourceError, match=rf"{CHANNEL}/2024-12-04\.json inside .* is not valid JSON \(line 2\)"):
        load_export(export_copy, CHANNEL, tz="UTC")


def test_non_utf8_member(export_copy: Path) -> None:
    (export_copy / "users.json").write_bytes(b"[\xff\xfe\x00garbage")
    with pytest.raises(SourceError, match=r"users\.json inside .* (is not UTF-8 JSON|is not valid JSON)"):
        load_export(export_copy, CHANNEL, tz="UTC")


def test_unknown_channel_suggests_close_names() -> None:
    with pytest.raises(SourceError, match=r"No channel 'inc-99-db-failovr' .*did you mean inc-99-db-failover\?"):
        load_export(SMALL_EXPORT, "inc-99-db-failovr", tz="UTC")


def test_unknown_channel_lists_available() -> None:
    with pytest.raises(SourceError) as err:
        load_export(SMALL_EXPORT, "zzz", tz="UTC")
    assert "available: general, inc-99-db-failover, sec-review." in str(err.value)
    assert "\n" not in str(err.value)


def test_load_source_slack_export_needs_channel() -> None:
    spec = SourceSpec(kind="slack-export", ref=str(SMALL_EXPORT))
    with pytest.raises(SourceError, match="needs --channel"):
        load_source(spec, load_settings())


def test_load_source_bounds_an_export() -> None:
    spec = SourceSpec(kind="slack-export", ref=str(SMALL_EXPORT), channel=CHANNEL, since="2024-12-03T14:03", until="2024-12-03T14:05")
    t = load_source(spec, load_settings())
    # 14:03:00.0001 and 14:04:00.0001 are inside; 14:05:00.0001 is just after --until
    assert [m.author for m in t.messages] == ["Bob Jones", "Alice Smith"]
    assert t.messages[0].reply_ids == [t.messages[1].id]  # the thread is trimmed to what remains


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p / "missing.zip", "No Slack export at"),
        (lambda p: (p / "bad.zip").write_bytes(b"PK\x03\x04broken") and p / "bad.zip", "bad.zip is a damaged zip file"),
        (lambda p: (p / "bin.dat").write_bytes(bytes(range(256))) and p / "bin.dat", "bin.dat is not a Slack export"),
    ],
)
def test_cli_bad_export_exits_2_with_one_line(tmp_path: Path, capsys, make, needle: str) -> None:
    pytest.importorskip("facilitator.report", reason="extract's report module (helper H4) is not in the tree yet")
    code = main(["extract", "--slack-export", str(make(tmp_path)), "--channel", CHANNEL, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_cli_unknown_channel_exits_2(capsys) -> None:
    pytest.importorskip("facilitator.report", reason="extract's report module (helper H4) is not in the tree yet")
    code = main(["extract", "--slack-export", str(SMALL_EXPORT), "--channel", "nope", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "No channel 'nope'" in err


def test_the_names_people_go_by_are_kept_beside_the_name_shown() -> None:
    t = load_export(SMALL_EXPORT, CHANNEL, tz="UTC")
    assert t.aliases["Alice Smith"] == ["alice"]
    assert t.aliases["Bob Jones"] == ["bobby", "bob"]  # display name, then handle
    assert "chen" in t.aliases.get("Chen Wei", [])  # shown by display name; the handle is the other
