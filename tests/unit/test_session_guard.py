"""One writer per session (a lock with pid and host, stale locks recovered) and merged saves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from facilitator.errors import SessionError
from facilitator.interview.engine import Interview
from facilitator.session import Session, SourceSpec
from facilitator.session_guard import LOCK_FILE, hold, merge_saved, release
from facilitator.session_start import open_session
from facilitator.sessions import SessionStore

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from facilitator.interview.engine import Interview
    from facilitator.session_start import open_session
    from facilitator.sessions import SessionStore

    store = SessionStore(Path(sys.argv[1]))
    session, transcript = open_session("shared", store)
    iv = Interview(session, None, store)
    iv.answer("detected_at", "2024-12-03 10:32")
    print("READY", flush=True)
    if sys.argv[2] == "wait":
        sys.stdin.readline()  # hold the session until told to quit
    """
)


def _new_session(store: SessionStore, name: str = "shared") -> Session:
    session = Session(name=name, source=SourceSpec(kind="demo"))
    store.save(session)
    from facilitator.config import Settings
    from facilitator.sources import load_source

    store.save_transcript(name, load_source(SourceSpec(kind="demo"), Settings()))
    release(store.folder(name))  # as if the creating process had exited
    return session


def _child(tmp_path, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "READY"
    return child


@pytest.mark.slow
def test_a_second_process_is_refused_with_a_sentence_and_nothing_is_lost(tmp_path):
    store = SessionStore(tmp_path)
    _new_session(store)
    child = _child(tmp_path, "wait")
    try:
        with pytest.raises(SessionError) as err:
            open_session("shared", SessionStore(tmp_path))
        message = str(err.value)
        assert f"process {child.pid} on {socket.gethostname()}" in message and "\n" not in message
        session = SessionStore(tmp_path).load("shared")  # reading is still fine
        session.answers.clear()
        with pytest.raises(SessionError, match="open in another facilitator"):
            SessionStore(tmp_path).save(session)  # a save cannot replace the holder's answers either
        with pytest.raises(SessionError):
            SessionStore(tmp_path).delete("shared")
    finally:
        child.communicate("quit\n", timeout=30)
    assert child.returncode == 0
    assert not (store.folder("shared") / LOCK_FILE).exists()  # released on exit
    session, _ = open_session("shared", SessionStore(tmp_path))
    assert str(session.answers["detected_at"].value).startswith("2024-12-03T10:32")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_lock_left_by_a_killed_process_is_recovered(tmp_path):
    store = SessionStore(tmp_path)
    _new_session(store)
    child = _child(tmp_path, "wait")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    lock = store.folder("shared") / LOCK_FILE
    assert json.loads(lock.read_text())["pid"] == child.pid  # left behind
    session, _ = open_session("shared", SessionStore(tmp_path))
    assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert "detected_at" in session.answers


def test_a_lock_from_another_host_is_respected(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / LOCK_FILE).write_text(json.dumps({"pid": 1, "host": "elsewhere.example", "since": "2024-12-03T10:00:00+00:00"}))
    with pytest.raises(SessionError, match="process 1 on elsewhere.example"):
        hold(folder, "s")


def test_a_recycled_pid_is_not_the_holder(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    # pid 1 is alive, but it did not start at this time: the lock is stale
    (folder / LOCK_FILE).write_text(json.dumps({"pid": 1, "host": socket.gethostname(), "started": "1"}))
    if not os.path.exists("/proc/1/stat"):
        pytest.skip("needs /proc")
    hold(folder, "s")
    assert json.loads((folder / LOCK_FILE).read_text())["pid"] == os.getpid()
    release(folder)
    assert not (folder / LOCK_FILE).exists()


def test_two_writers_on_one_session_lose_nothing(tmp_path):
    """Two stores that each loaded the session (two windows, a stale lock taken over) and answer
    different questions: every confirmed answer survives, whoever saves last."""
    _new_session(SessionStore(tmp_path))
    first, second = SessionStore(tmp_path), SessionStore(tmp_path)
    a = Interview(first.load("shared"), None, first)
    b = Interview(second.load("shared"), None, second)
    a.answer("detected_at", "2024-12-03 10:32")
    b.answer("customer_effect", "checkout failed for 12% of users")
    a.answer("fears", "it will happen again on the next failover")
    b.answer("responders", "Alice, Bob")
    saved = SessionStore(tmp_path).load("shared").answers
    assert {"detected_at", "customer_effect", "fears", "responders"} <= set(saved)
    assert str(saved["detected_at"].value).startswith("2024-12-03T10:32")
    assert "detected_at" in b.session.answers  # the second writer's own view is merged too


def test_a_deliberate_removal_stays_removed_and_later_edits_win(tmp_path):
    _new_session(SessionStore(tmp_path))
    first, second = SessionStore(tmp_path), SessionStore(tmp_path)
    s1 = first.load("shared")
    a = Interview(s1, None, first)
    a.answer("fears", "first wording")
    s2 = second.load("shared")
    assert s2.answers["fears"].value == "first wording"
    del s2.answers["fears"]  # the second writer removes it on purpose
    second.save(s2)
    a.answer("customer_effect", "slow checkout")
    saved = SessionStore(tmp_path).load("shared").answers
    assert "customer_effect" in saved
    assert "fears" not in saved and "fears" not in a.session.answers  # the first writer had not touched it since
    s2 = second.load("shared")
    s2.answers["customer_effect"].value = "checkout failed"
    second.save(s2)
    assert SessionStore(tmp_path).load("shared").answers["customer_effect"].value == "checkout failed"


def test_merge_keeps_the_other_writers_confirmed_answer_and_published_page():
    base = {"answers": {}, "published": {}}
    disk = {"answers": {"detected_at": {"question_id": "detected_at", "value": "10:32", "status": "answered"}},
            "published": {"confluence_page_id": "1001"}}
    ours = {"answers": {"fears": {"question_id": "fears", "value": "x", "status": "answered"}}, "published": {}}
    merged = merge_saved(ours, disk, base)
    assert set(merged["answers"]) == {"detected_at", "fears"}
    assert merged["published"]["confluence_page_id"] == "1001"
    removed = merge_saved({"answers": {}}, {"answers": disk["answers"]}, {"answers": disk["answers"]})
    assert removed["answers"] == {}
    suggested = {"detected_at": {"question_id": "detected_at", "value": "10:30?", "status": "suggested"}}
    assert merge_saved({"answers": suggested}, disk, {"answers": {}})["answers"]["detected_at"]["value"] == "10:32"
