"""`draft` and the why chain: seeded offline from the suggested cause (never invented), or
taken from [[whys]] tables of an answers file; the documented answers file drafts cleanly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from facilitator.config import load_settings
from facilitator.draft import run_draft
from facilitator.errors import UserError
from facilitator.session import SourceSpec
from facilitator.sessions import SessionStore

DATA = Path(__file__).parent.parent / "data"
PASTE = DATA / "interview" / "search-outage.txt"
DOCUMENTED = DATA / "interview" / "answers.toml"
SECOND = DATA / "suggest" / "queue-backlog.txt"


def _draft(tmp_path, paste=PASTE, answers=None):
    store = SessionStore(tmp_path / "store")
    code = run_draft(load_settings(), SourceSpec(kind="transcript", ref=str(paste), timezone="UTC"), out=tmp_path / "out",
                     answers=answers, store=store, stdout=io.StringIO(), stderr=io.StringIO())
    (name,) = [p.name for p in (tmp_path / "store").iterdir() if p.is_dir()] or [None]
    return code, store.load(name)


def test_without_whys_draft_seeds_the_first_why_from_the_suggested_cause_and_leaves_the_next_open(tmp_path):
    code, session = _draft(tmp_path, paste=SECOND)
    assert code == 0
    cause = session.answers["actual_cause"]
    first, second = session.whys
    assert first.answer == cause.value and first.message_ids == cause.message_ids and first.message_ids
    assert first.question.startswith("Why") and "password reset emails" in first.question  # from the symptom
    assert second.parent_id == first.id and second.answer == ""  # an open TODO, nothing invented
    assert not session.whys_done
    text = (tmp_path / "out" / "internal.md").read_text(encoding="utf-8")
    assert "[TODO] Ask" not in text and "smtp.pool_size" in text


def test_the_documented_answers_file_drafts_its_whys_actions_and_rejections(tmp_path):
    code, session = _draft(tmp_path, answers=DOCUMENTED)
    assert code == 0
    chain = [w for w in session.whys if w.kind == "chain"]
    assert [w.question for w in chain][0] == "Why did EU customers get empty search results?"
    assert [w.answer for w in chain[:2]] == [
        "search-api queries timed out after 200 ms and returned no hits.",
        "The 09:30 deploy lowered the query timeout from 2000 ms to 200 ms.",
    ]
    assert chain[2].question == "Why could a timeout that low be deployed?" and chain[2].answer == ""
    assert not session.whys_done  # an open last why keeps the chain going
    assert [w.answer for w in session.whys if w.kind == "contributing"] == ["No alert on the empty-result rate."]
    assert [r.action for r in session.rejected_actions] == ["Freeze search deploys"]
    assert [a.owner for a in session.actions] == ["Mei Chen"]


def test_whys_tables_carry_citations_and_close_the_chain(tmp_path):
    answers = tmp_path / "a.toml"
    answers.write_text('[[whys]]\nanswer = "the timeout was 200 ms"\nmessage_ids = ["L5"]\n\n[[whys]]\nanswer = "no validation of timeouts"\n',
                       encoding="utf-8")
    _, session = _draft(tmp_path, answers=answers)
    assert [(w.answer, w.message_ids) for w in session.whys] == [("the timeout was 200 ms", ["L5"]), ("no validation of timeouts", [])]
    assert session.whys_done


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('whys = ["a"]\n[[whys]]\nanswer = "b"\n', None),  # TOML itself refuses the mix
        ('[[whys]]\nanswr = "typo"\n', "unknown field 'answr'"),
    ],
)
def test_malformed_whys_are_one_sentence_errors(tmp_path, content, words):
    answers = tmp_path / "bad.toml"
    answers.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as err:
        _draft(tmp_path, answers=answers)
    assert "\n" not in str(err.value)
    if words:
        assert words in str(err.value)


def test_a_cause_message_that_explains_itself_further_answers_the_second_why_in_its_own_words(tmp_path):
    paste = tmp_path / "chat.txt"
    paste.write_text(
        "[2024-12-03 14:07] PagerDuty: Triggered: checkout 5xx error rate > 5%\n"
        "[2024-12-03 14:09] Priya: checkout requests are failing in 3 regions\n"
        "[2024-12-03 14:45] Kenji: Found it. v2.31.0 reads the pool size from config.yaml database.pool.max_size. "
        "Helm still sets the env var DB_POOL_MAX=50, which the new loader ignores.\n"
        "[2024-12-03 15:00] Leon: rollback to v2.30.4 complete, errors back to baseline\n",
        encoding="utf-8",
    )
    code, session = _draft(tmp_path, paste=paste)
    assert code == 0
    first, second, third = session.whys
    assert "v2.31.0 reads the pool size" in first.answer
    assert second.answer == "Helm still sets the env var DB_POOL_MAX=50, which the new loader ignores."
    assert second.message_ids == first.message_ids[:1] and third.answer == ""  # the third left open
