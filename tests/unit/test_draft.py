"""`facilitator draft`: given answers win, suggestions fill the rest, unknowns stay TODO."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import load_settings
from facilitator.errors import UserError
from facilitator.draft import run_draft
from facilitator.session import SourceSpec
from facilitator.sessions import SessionStore

DATA = Path(__file__).parent.parent / "data" / "interview"
PASTE = DATA / "search-outage.txt"
ANSWERS = DATA / "search-outage-answers.toml"


def _draft(tmp_path, answers=ANSWERS, **kw):
    out = io.StringIO()
    store = SessionStore(tmp_path / "store")
    code = run_draft(load_settings(), SourceSpec(kind="transcript", ref=str(PASTE)), out=tmp_path / "out",
                     answers=answers, session_name=kw.get("session_name"), template=None, store=store, stdout=out)
    return code, out.getvalue(), store


def test_draft_end_to_end_on_a_paste(tmp_path):
    code, printed, store = _draft(tmp_path)
    assert code == 0
    name = "2025-03-11-search-outage"
    session = store.load(name)
    a = session.answers
    # Given answers win over suggestions.
    assert a["customer_effect"].value == "EU customers got empty search results for 34 minutes." and a["customer_effect"].status == "answered"
    assert a["luck"].value[0].startswith("It was a Tuesday")
    assert a["support_requests"].status == "unknown"
    # Suggestions fill the rest, with citations.
    assert a["detected_at"].status == "suggested" and a["detected_at"].value == "2025-03-11T09:41+00:00"
    assert a["detected_at"].message_ids == ["L1"]
    assert a["detection_method"].value == "monitoring"
    assert a["resolved_at"].value == "2025-03-11T10:40+00:00"
    # Whys, contributing factor, actions and rejected ideas from the answers file.
    main_chain = [w for w in session.whys if w.kind == "chain"]
    assert [w.answer for w in main_chain][-1] == "the config change had no validation for timeout ranges"
    assert session.whys_done and any(w.kind == "contributing" for w in session.whys)
    assert [x.action for x in session.actions] == ["Add a config validation test that rejects query timeouts below 1 s"]
    assert session.rejected_actions[0].action == "Freeze search deploys"
    assert any(f.kind == "action_quality" for f in session.lints) is False  # the given item is strong
    # Files: session, its copy in --out, and the documents; every path is printed.
    out = tmp_path / "out"
    assert (out / "session.toml").read_text() == store.path(name).read_text()
    docs = sorted(p.name for p in out.glob("*.md"))
    assert docs in (["external.md", "internal.md"], ["summary.md"])
    for path in [store.path(name), out / "session.toml", *(out / d for d in docs)]:
        assert str(path) in printed
    internal = (out / docs[-1]).read_text()
    assert "Empty search results in the EU after a query-timeout change" in internal
    assert "TODO" in internal  # unknowns stay visible


def test_draft_without_answers_uses_suggestions_and_strong_action_hints(tmp_path):
    code, printed, store = _draft(tmp_path, answers=None)
    session = store.load("2025-03-11-search-outage")
    assert {x.action for x in session.actions} == {
        "Add an alert on empty-result rate for search",
        "Add a config validation test for query timeouts below 1s",
    }
    assert all(x.message_ids for x in session.actions)
    assert "fears" not in session.answers  # nothing to suggest: stays a TODO
    assert "TODO" in printed


def test_draft_resumes_a_named_session_and_keeps_earlier_answers(tmp_path):
    _draft(tmp_path, session_name="search")
    extra = tmp_path / "more.toml"
    extra.write_text('fears = "skip"\n')
    code, _, store = _draft(tmp_path, answers=extra, session_name="search")
    session = store.load("search")
    assert session.answers["fears"].status == "skipped"
    assert session.answers["fix"].value == "Rolled back search-api to v5.2.1."


def test_bad_answers_file_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('started_at = "the day before yesterday-ish"\n')
    with pytest.raises(UserError, match="'started_at' does not fit"):
        _draft(tmp_path, answers=bad)
    bad.write_text('colour = "blue"\n')
    with pytest.raises(UserError, match="unknown question 'colour'"):
        _draft(tmp_path, answers=bad)
    with pytest.raises(UserError, match="does not exist"):
        _draft(tmp_path, answers=tmp_path / "missing.toml")


def test_cli_draft_needs_a_source_or_session(hermetic_env, capsys, tmp_path):
    assert main(["draft", "--out", str(tmp_path / "o")]) == 2
    assert "Name a source" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_draft_on_the_demo(hermetic_env, capsys, tmp_path):
    assert main(["draft", "--demo", "--out", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "2024-12-03-inc-2041-checkout-errors" in printed
    session = SessionStore().load("2024-12-03-inc-2041-checkout-errors")
    assert session.answers["detected_at"].status == "suggested"
    assert len(session.actions) >= 1 and all(a.action[0].isupper() for a in session.actions)
