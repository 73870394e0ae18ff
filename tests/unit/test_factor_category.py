"""The interview asks the category of each contributing factor (for the cause diagram)."""

from __future__ import annotations

import pytest

from facilitator.config import load_settings
from facilitator.errors import UserError
from facilitator.interview.whys import WhyChain
from facilitator.plain import run_plain_interview
from facilitator.sessions import SessionStore
from tests.unit.test_plain import ACTIONS, ANSWERS, _session, keyboard


def test_plain_interview_asks_the_category_of_a_factor_and_offers_the_suggestion(tmp_path, capsys):
    store = SessionStore(tmp_path)
    name = _session(store)
    whys = ["the queries timed out after 200 ms", "branch: nobody knew the timeout had changed", "bogus", "",
            "the deploy lowered the timeout", "stop"]
    with keyboard(*ANSWERS, *whys, *ACTIONS):
        assert run_plain_interview(load_settings(), None, name, store=store) == 0
    printed = capsys.readouterr().out
    assert "'bogus' is not a factor category" in printed
    factor = next(t for t in store.load(name).whys if t.kind == "contributing")
    assert factor.answer == "nobody knew the timeout had changed" and factor.category == "knowledge"


def test_chain_edit_takes_category_ids_names_and_prefixes(tmp_path):
    store = SessionStore(tmp_path)
    session = store.load(_session(store))
    chain = WhyChain(session, store)
    first = chain.start()
    chain.answer(first.id, "timeouts")
    factor = chain.branch(first.id, answer="the vendor API was slow")
    assert chain.edit(factor.id, category="Third party").category == "third_party"
    assert chain.edit(factor.id, category="proc").category == "process"
    assert chain.edit(factor.id, category="").category == ""
    with pytest.raises(UserError, match="not a factor category"):
        chain.edit(factor.id, category="people")
    assert store.load(session.name).whys[-1].category == ""
