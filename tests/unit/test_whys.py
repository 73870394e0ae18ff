"""The 5-whys chain: offline phrasing, answer, edit, branch, remove, stop, levels, saving."""

from __future__ import annotations

import pytest

from facilitator.errors import UserError
from facilitator.interview.whys import WhyChain, base_form, phrase_why
from facilitator.session import Answer, Session, SourceSpec
from facilitator.sessions import SessionStore


def _chain(tmp_path) -> tuple[WhyChain, SessionStore]:
    session = Session(name="w", source=SourceSpec(kind="demo"))
    session.answers["customer_effect"] = Answer(question_id="customer_effect", value="Checkout failed for 12% of customers.")
    store = SessionStore(tmp_path)
    return WhyChain(session, store), store


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        ("The cache was empty.", "Why was the cache empty?"),
        ("Because the deploy skipped the canary stage", "Why did the deploy skip the canary stage?"),
        ("Postgres ran out of connections", "Why did Postgres run out of connections?"),
        ("We didn't have an alert on queue depth", "Why didn't we have an alert on queue depth?"),
        ("the config change removed the timeout", "Why did the config change remove the timeout?"),
        ("Nobody reviewed the change", "Why did nobody review the change?"),
        ("the payment gateway timed out", "Why did the payment gateway time out?"),
        ("PgBouncer was configured with a pool of 20", "Why was PgBouncer configured with a pool of 20?"),
    ],
)
def test_next_why_is_phrased_from_the_last_answer(answer, question):
    assert phrase_why(answer) == question


def test_unparseable_answer_gets_the_generic_template():
    assert phrase_why("disk full") == "Why was that the case: disk full?"


@pytest.mark.parametrize(("past", "base"), [("skipped", "skip"), ("retried", "retry"), ("caused", "cause"), ("failed", "fail"),
                                            ("updated", "update"), ("opened", "open"), ("ran", "run"), ("merged", "merge")])
def test_base_form(past, base):
    assert base_form(past) == base


def test_chain_starts_from_the_symptom_and_answers_ask_the_next(tmp_path):
    chain, store = _chain(tmp_path)
    first = chain.start()
    assert first.question == "Why did this happen: checkout failed for 12% of customers?"
    second = chain.answer(first.id, "the payment service returned 500s")
    assert second.question == "Why did the payment service return 500s?"
    assert second.parent_id == first.id
    assert chain.current().id == second.id
    saved = store.load("w")
    assert [t.answer for t in saved.whys] == ["the payment service returned 500s", ""]


def test_edit_branch_stop_root_cause_and_levels(tmp_path):
    chain, store = _chain(tmp_path)
    t1 = chain.start()
    t2 = chain.answer(t1.id, "the payment service returned 500s")
    t3 = chain.answer(t2.id, "the DB connection pool was exhausted")
    t4 = chain.answer(t3.id, "the pool size setting was silently ignored after a config refactor")
    chain.edit(t1.id, answer="the payment service returned 500s for card payments")
    branch = chain.branch(t3.id, answer="the canary had too little traffic to exercise the pool")
    assert branch.kind == "contributing" and branch.parent_id == t3.id
    chain.answer(t4.id, "the config loader accepts unknown keys without failing", then_ask=False)
    result = chain.stop()
    assert store.load("w").whys_done
    assert result.root_cause.answer == "the config loader accepts unknown keys without failing"
    assert [t.answer for t in result.immediate] == ["the payment service returned 500s for card payments"]
    assert [t.answer for t in result.systemic] == ["the config loader accepts unknown keys without failing"]
    contributing = [t.answer for t in result.contributing]
    assert "the canary had too little traffic to exercise the pool" in contributing
    assert "the DB connection pool was exhausted" in contributing
    saved = store.load("w")
    assert {t.id: t.level for t in saved.whys}[branch.id] == "contributing"
    assert all(t.answer for t in saved.whys)  # no dangling unanswered why after stop


def test_stop_drops_the_trailing_unanswered_why_and_reopen_continues(tmp_path):
    chain, _ = _chain(tmp_path)
    t1 = chain.start()
    chain.answer(t1.id, "the cache was empty")
    result = chain.stop()
    assert len(chain.turns) == 1 and result.root_cause.id == t1.id
    assert chain.current() is None
    nxt = chain.reopen()
    assert nxt.question == "Why was the cache empty?" and chain.current().id == nxt.id


def test_user_level_wins_and_remove_takes_descendants(tmp_path):
    chain, _ = _chain(tmp_path)
    t1 = chain.start()
    t2 = chain.answer(t1.id, "the queue backed up")
    chain.answer(t2.id, "the consumer crashed on a malformed message")
    chain.edit(t1.id, level="systemic")
    assert chain.level_of(chain.get(t1.id)) == "systemic"
    with pytest.raises(UserError):
        chain.edit(t1.id, level="cosmic")
    removed = chain.remove(t2.id)
    assert t2.id in removed and len(removed) == 2
    assert [t.id for t in chain.main_chain()] == [t1.id]


def test_insert_a_why_between_two_turns(tmp_path):
    chain, _ = _chain(tmp_path)
    t1 = chain.start()
    t2 = chain.answer(t1.id, "the queue backed up")
    inserted = chain.ask(t1.id, "Why did nobody notice?")
    assert [t.id for t in chain.main_chain()] == [t1.id, inserted.id, t2.id]


def test_stop_hint_after_five_or_a_systemic_answer(tmp_path):
    chain, _ = _chain(tmp_path)
    turn = chain.start()
    turn = chain.answer(turn.id, "the queue backed up")
    assert chain.stop_hint() is None
    chain.answer(turn.id, "there is no review process for consumer changes")
    assert "unactionable" in chain.stop_hint()


def test_a_reply_to_someone_is_not_turned_into_a_question_about_it():
    from facilitator.interview.whys import phrase_why

    assert not phrase_why("Yes do that, prep it").startswith("Why do yes")
    assert phrase_why("Postgres ran out of connections") == "Why did Postgres run out of connections?"


def test_the_next_why_is_the_rest_of_the_message_that_explains_the_cause():
    from facilitator.interview.whys import further_why

    said = ("Found it. v2.31.0 reads the pool size from config.yaml `database.pool.max_size`. Helm still sets the env var "
            "DB_POOL_MAX=50, which the new loader ignores. Nothing set `max_size` in config.yaml, so it fell back to the default of 5.")
    assert further_why("v2.31.0 reads the pool size from config.yaml database.pool.max_size.", said) == (
        "Helm still sets the env var DB_POOL_MAX=50, which the new loader ignores. "
        "Nothing set max_size in config.yaml, so it fell back to the default of 5."
    )
    # what follows the cause without explaining it, a question, or a cause said elsewhere: no answer
    assert further_why("The disk is full.", "The disk is full. Restarting the node now.") == ""
    assert further_why("The disk is full.", "The disk is full. Is that because of the logs?") == ""
    assert further_why("The disk is full.", "rolling back the deploy, which fixes it") == ""
