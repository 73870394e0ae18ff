"""Undo of the why chain, the action items and the timeline: per area, bounded, kept on disk."""

from __future__ import annotations

from datetime import datetime, timezone

from facilitator.interview.actions import ActionBook
from facilitator.interview.whys import WhyChain
from facilitator.session import Session, SourceSpec, TimelineEntry
from facilitator.sessions import SessionStore
from facilitator.undo import UndoHistory, history_for


def _session(tmp_path) -> tuple[Session, SessionStore]:
    store = SessionStore(tmp_path)
    session = Session(name="u", source=SourceSpec(kind="demo"))
    store.folder("u").mkdir(parents=True, exist_ok=True)
    store.save(session)
    return session, store


def test_undo_a_branch_restores_the_chain_and_saves(tmp_path):
    session, store = _session(tmp_path)
    chain = WhyChain(session, store)
    first = chain.start("Checkout failed")
    chain.answer(first.id, "The pool was exhausted")
    history = history_for(session, store)
    before = [t.id for t in session.whys]
    history.record("whys", f"branch from {first.id}")
    chain.branch(first.id)
    assert len(session.whys) == len(before) + 1
    assert history.undo("whys") == f"branch from {first.id}"
    assert [t.id for t in session.whys] == before
    assert [t.id for t in store.load("u").whys] == before  # saved, not only in memory


def test_areas_are_independent_and_empty_undo_says_none(tmp_path):
    session, store = _session(tmp_path)
    history = UndoHistory(session, store)
    book = ActionBook(session, store)
    history.record("actions", "add a1")
    book.add("Add an alert on checkout 5xx")
    history.record("timeline", "add row")
    session.timeline.append(TimelineEntry(at=datetime(2024, 12, 3, 14, 2, tzinfo=timezone.utc), summary="deploy"))
    assert history.undo("actions") == "add a1"
    assert session.actions == [] and len(session.timeline) == 1  # the timeline is untouched
    assert history.undo("actions") is None
    assert history.undo("timeline") == "add row" and session.timeline == []


def test_keeps_at_least_twenty_steps_and_drops_the_oldest_beyond_the_limit(tmp_path):
    session, store = _session(tmp_path)
    history = UndoHistory(session, store, limit=25)
    book = ActionBook(session, store)
    for n in range(30):
        history.record("actions", f"add {n}")
        book.add(f"Add check number {n}")
    assert history.depth("actions") == 25
    for _ in range(25):
        assert history.undo("actions") is not None
    assert len(session.actions) == 5  # the five oldest changes fell off the history


def test_history_survives_a_save_and_a_resume(tmp_path):
    session, store = _session(tmp_path)
    chain = WhyChain(session, store)
    history_for(session, store).record("whys", "start")
    chain.start("Checkout failed")
    store.save(session)
    fresh = SessionStore(tmp_path)  # a new process: a new store and session object
    resumed = fresh.load("u")
    again = history_for(resumed, fresh)
    assert again.depth("whys") == 1
    assert again.undo("whys") == "start"
    assert resumed.whys == []


def test_secrets_in_the_history_file_are_masked(tmp_path):
    session, store = _session(tmp_path)
    book = ActionBook(session, store)
    book.add("Rotate the key AKIAIOSFODNN7EXAMPLE leaked in the channel")
    history_for(session, store).record("actions", "edit a1")
    text = (store.folder("u") / "undo.json").read_text(encoding="utf-8")
    assert "AKIAIOSFODNN7EXAMPLE" not in text
