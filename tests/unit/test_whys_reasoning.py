"""A 5 whys that reasons with the commander: proposals are accepted, edited or rejected, never
written on their own; the problem statement, levels, branches, beyond-channel candidates, the
action item of the last why, and the blame lint on questions."""

from __future__ import annotations

import pytest

from facilitator.errors import LLMError
from facilitator.findings import Fact, Findings
from facilitator.interview.engine import Interview
from facilitator.interview.lint import lint_blame
from facilitator.llm import get_llm, stream_why
from facilitator.llm.whys import NOT_IN_CHANNEL, problem_statement
from facilitator.plain import _whys
from facilitator.session import Answer, Session, SourceSpec, WhyTurn
from facilitator.sessions import SessionStore
from tests.servers.anthropic_server import AnthropicServer, chat, llm_settings
from tests.unit.test_plain import keyboard

pytestmark = pytest.mark.usefixtures("close_llm_clients")

PROPOSAL = {
    "question": "Why did the pool fill up under normal load?",
    "candidates": [
        {"message_ids": ["m2"], "text": "DB_POOL_MAX was lowered to 5 in the last deploy", "confidence": 0.8, "level": "immediate"},
        {"message_ids": [], "text": "Config changes have no load test before release", "confidence": 0.4,
         "in_channel": False, "level": "systemic"},
        {"message_ids": ["m77"], "text": "An invented reason", "confidence": 0.9},
    ],
    "branches": [
        {"layer": "process", "factor": "The config review does not show effective values", "message_ids": []},
        {"layer": "organisational", "factor": "Kenji was careless with the config", "message_ids": []},
    ],
}


@pytest.fixture
def server():
    with AnthropicServer() as srv:
        yield srv


def incident():
    tr = chat(
        ("Kenji Tanaka", "checkout is timing out for customers"),
        ("Marta Kowalczyk", "DB_POOL_MAX is 5 since yesterday's deploy"),
        ("Kenji Tanaka", "raised it to 50, recovered"),
    )
    session = Session(name="t", source=SourceSpec(kind="demo"), title="Checkout errors")
    session.findings = Findings(causes=[Fact(text="DB_POOL_MAX lowered to 5", message_ids=[tr.messages[1].id])])
    session.answers["customer_effect"] = Answer(question_id="customer_effect", value="Customers could not pay for 40 minutes", status="answered")
    return tr, session


def test_problem_statement_is_the_customer_effect_plus_what_was_found():
    _, session = incident()
    text = problem_statement(session)
    assert "Customer effect: Customers could not pay for 40 minutes" in text
    assert "What was found (from the channel, not confirmed): DB_POOL_MAX lowered to 5" in text
    assert "Checkout errors" not in text  # not the title


async def test_proposal_keeps_grounded_and_labelled_candidates_levels_and_blameless_branches(server):
    tr, session = incident()
    server.reply({"tool": "propose_why", "input": PROPOSAL})
    proposal = await stream_why(get_llm(llm_settings(server)), session, tr)
    sent = server.message_requests[0].user_text
    assert "Customers could not pay for 40 minutes" in sent and "<channel-data-" in sent
    grounded, beyond = proposal.candidates
    assert grounded.message_ids == [tr.messages[1].id] and grounded.level == "immediate" and grounded.label == ""
    assert beyond.message_ids == [] and beyond.in_channel is False and beyond.label == NOT_IN_CHANNEL and beyond.level == "systemic"
    assert [(b.layer, b.factor) for b in proposal.branches] == [("process", "The config review does not show effective values")]
    assert session.whys == []  # nothing written


async def test_a_question_about_a_person_is_left_out(server):
    tr, session = incident()
    server.reply({"tool": "propose_why", "input": {**PROPOSAL, "question": "Why did Responder A lower the pool size?"}})
    proposal = await stream_why(get_llm(llm_settings(server)), session, tr)
    assert proposal.question == "" and "asked about a person" in proposal.notice
    server.reply({"tool": "propose_why", "input": {"question": "Why did Kenji paste the production password?", "candidates": []}})
    with pytest.raises(LLMError, match="person"):
        await stream_why(get_llm(llm_settings(server)), session, tr)


def test_the_blame_lint_reads_questions_too():
    tr, session = incident()
    session.whys.append(WhyTurn(id="w1", question="Why did Kenji paste the production password?", answer="The runbook said so"))
    findings = lint_blame(session, tr)
    assert [f.where for f in findings] == ["why:w1:question"]


def _interview(tmp_path, session):
    store = SessionStore(tmp_path)
    store.save(session)
    return Interview(session, store=store)


def _run(server, interview, tr, *keys):
    from facilitator import assist

    llm = get_llm(llm_settings(server))
    run = assist.LLMRun(llm, interview, tr, lambda text: None)
    with keyboard(*keys):
        _whys(interview, run)


def test_writing_your_own_answer_rejects_the_proposal(server, tmp_path, capsys):
    tr, session = incident()
    interview = _interview(tmp_path, session)
    server.reply({"tool": "propose_why", "input": PROPOSAL})
    _run(server, interview, tr, "The pool size was lowered", "stop")
    first = session.whys[0]
    assert first.question != PROPOSAL["question"]  # the engine's question stays: the proposal was not accepted
    assert first.answer == "The pool size was lowered" and first.message_ids == []
    assert NOT_IN_CHANNEL in capsys.readouterr().out


def test_accepting_the_question_then_a_beyond_channel_candidate_and_the_action(server, tmp_path, capsys):
    tr, session = incident()
    interview = _interview(tmp_path, session)
    last = {"question": "", "unactionable": True, "reason": "systemic", "candidates": [],
            "action": {"action": "Add a load test of config changes to CI", "category": "prevent", "done_when": "CI fails a pool of 5"}}
    server.reply({"tool": "propose_why", "input": PROPOSAL}, {"tool": "propose_why", "input": last})
    _run(server, interview, tr, "q", "2", "action", "stop")
    first = session.whys[0]
    assert first.id == "w1" and first.question == PROPOSAL["question"]
    assert first.answer == "Config changes have no load test before release"
    assert first.message_ids == [] and first.level == "systemic"  # never cited as evidence
    assert [(a.action, a.category, a.addresses) for a in session.actions] == [
        ("Add a load test of config changes to CI; done when CI fails a pool of 5", "prevent", "w1")
    ]
    assert "Suggested action (prevent)" in capsys.readouterr().out
