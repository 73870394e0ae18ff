"""What each section is built from: the whys' root cause, drafts vs answers, external framing, citations."""

from __future__ import annotations

from datetime import datetime, timezone

from facilitator.interview.whys import WhyChain
from facilitator.redact import Redactor
from facilitator.render import build_document, render_markdown
from facilitator.session import ActionItem, Answer
from facilitator.transcript import Message, Transcript
from tests.unit.test_render import load_incident, settings

NOTE = "_Drafted by the assistant"


def test_stopped_whys_give_the_root_cause_and_the_answer_becomes_the_trigger():
    session, transcript = load_incident()
    WhyChain(session).stop()
    doc = build_document(session, transcript, settings())
    assert doc.root_cause == "Pool size is not load-tested and no alert watches pool saturation."
    assert doc.immediate_cause.startswith("A config change cut")
    text = render_markdown(session, transcript, settings())
    assert "## Root cause\n\nPool size is not load-tested" in text
    assert "**Immediate cause (trigger):** A config change cut" in text
    assert "[TODO] What was the root cause" not in text


def test_root_cause_comes_from_the_whys_when_nobody_answered_the_cause_question():
    session, transcript = load_incident()
    del session.answers["actual_cause"]
    session.findings.causes = []
    text = render_markdown(session, transcript, settings())
    assert "## Root cause\n\nPool size is not load-tested" in text and "[TODO] What was the root cause" not in text


def test_whys_follow_the_chain_order_and_branches_become_contributing_factors():
    session, transcript = load_incident()
    chain = WhyChain(session)
    chain.ask("w1", "Why was the pool used up so fast?")  # inserted between w1 and w2
    chain.answer(chain.turns[-1].id, "Every request held a connection for its whole life.", then_ask=False)
    doc = build_document(session, transcript, settings())
    assert [w.question for w in doc.whys][:3] == [
        "Why did checkout fail?", "Why was the pool used up so fast?", "Why did it run out?"
    ]
    assert [w.answer for w in doc.contributing] == ["The Redis hypothesis was investigated first."]
    assert doc.whys[0].level == "immediate" and doc.whys[-1].level == "systemic"


def test_drafts_fill_gaps_in_both_templates_and_are_marked():
    session, transcript = load_incident()
    session.drafts.update(
        what_happened="At 14:40 a pool change was merged; at 14:52 checkout started failing.",
        lessons="- Pool sizes need a load test.",
        luck="- It happened on a quiet Tuesday.",
        summary="Checkout failed for 46 minutes after a pool change.",
    )
    for template in ("facilitator", "classic"):
        text = render_markdown(session, transcript, settings(), template=template)
        assert "At 14:40 a pool change was merged" in text and "Pool sizes need a load test." in text
        assert "Checkout failed for 46 minutes after a pool change." in text
        assert "[TODO] What can we learn from this?" not in text
        assert text.count(NOTE) >= 3  # summary, what happened, lessons (+ went well/badly drafts)
    internal = render_markdown(session, transcript, settings())
    assert "## Where we got lucky\n\n- It happened on a quiet Tuesday." in internal


def test_user_answers_win_over_drafts():
    session, transcript = load_incident()
    session.drafts["luck"] = "- Drafted luck line."
    session.answers["luck"] = Answer(question_id="luck", value=["The on-call had just reviewed the pool code."], status="answered")
    session.answers["went_well"] = Answer(question_id="went_well", value=["Rollback took 5 minutes."], status="answered")
    doc = build_document(session, transcript, settings())
    assert doc.luck == ["The on-call had just reviewed the pool code."] and "luck" not in doc.drafted
    assert doc.went_well == ["Rollback took 5 minutes."] and "went_well" not in doc.drafted
    assert "went_badly" in doc.drafted  # still only a draft: marked
    text = render_markdown(session, transcript, settings())
    assert "Drafted luck line" not in text and "Rollback took 5 minutes." in text


def test_external_names_only_safe_changes_in_one_sentence_each():
    session, transcript = load_incident()
    session.actions.append(ActionItem(id="a9", action="Rotate the DB password that was pasted in the channel.", prevents_recurrence="partially"))
    session.actions.append(ActionItem(id="a10", action="Publish a weekly reliability report. and also ping Bob about it", prevents_recurrence="yes"))
    text = render_markdown(session, transcript, settings(), version="external")
    changes = text.split("## What we are changing")[1]
    assert "password" not in changes.lower()
    assert "- We will publish a weekly reliability report.\n" in changes and "ping" not in changes


def test_machine_message_ids_are_not_shown_to_readers():
    session, _ = load_incident()
    at = datetime(2024, 12, 3, 13, 52, tzinfo=timezone.utc)
    transcript = Transcript(messages=[Message(id="1733234980.000200", at=at, author="Alice Chen", text="deploy")],
                            source="slack-export", channel="inc", timezone="UTC")
    session.findings.events[0].message_ids = ["1733234980.000200"]
    text = render_markdown(session, transcript, settings())
    assert "1733234980.000200" not in text and "(msg 14:52)" in text


def test_well_known_public_hosts_survive_but_internal_subdomains_and_urls_do_not():
    out = Redactor().redact(
        "Images come from gcr.io; db is chk.abc1.us-east-1.rds.amazonaws.com; see https://github.com/acme/pay/pull/1"
    ).text
    assert "gcr.io" in out and "rds.amazonaws.com" not in out and "github.com/acme" not in out


def test_suggested_answers_do_not_repeat_findings_but_a_users_answer_replaces_them():
    from facilitator.findings import MessagingItem, SupportTicket

    session, transcript = load_incident()
    at = datetime(2024, 12, 3, 14, 5, tzinfo=timezone.utc)
    session.findings.messaging = [MessagingItem(at=at, summary="Investigating checkout errors", message_ids=["L7"])]
    session.findings.support_tickets = [
        SupportTicket(ref="#88412", url="https://help.acme.test/t/88412", summary="#88412 #88415 all 'payment failed'")
    ]
    session.answers["messaging"] = Answer(question_id="messaging", value=["15:05 status page: Investigating checkout errors"], status="suggested")
    doc = build_document(session, transcript, settings())
    assert len(doc.messaging) == 1 and doc.messaging[0].startswith("15:05 status page: Investigating checkout errors (msg L7")
    assert doc.support_requests == ["[#88412](https://help.acme.test/t/88412)"]  # a list of refs is not a summary
    session.answers["messaging"].status = "answered"
    assert build_document(session, transcript, settings()).messaging == ["15:05 status page: Investigating checkout errors"]


def test_drafted_external_version_is_used_for_customers_and_marked_only_internally():
    session, transcript = load_incident()
    session.drafts["external"] = "## What happened\n\nPayments failed for some customers between 14:52 and 15:38."
    external = render_markdown(session, transcript, settings(), version="external")
    assert "Payments failed for some customers" in external and NOTE not in external
    internal = render_markdown(session, transcript, settings())
    tail = internal.split("## External version")[1]
    assert tail.lstrip().startswith(NOTE) and "Payments failed for some customers" in tail


def test_a_missing_runbook_from_the_chat_is_listed_as_missing_not_used():
    from facilitator.findings import Fact

    session, transcript = load_incident()
    session.answers.pop("runbooks", None)
    session.findings.runbooks = [
        Fact(text="Rollback runbook: https://wiki.acme.test/runbooks/rollback", message_ids=[]),
        Fact(text="missing: runbook link on the alert", message_ids=[]),
    ]
    doc = build_document(session, transcript, settings())
    assert doc.runbooks.splitlines() == ["used: Rollback runbook: https://wiki.acme.test/runbooks/rollback", "missing: runbook link on the alert"]


def test_a_scope_line_that_quotes_the_customer_impact_again_is_left_out():
    from facilitator.findings import ImpactHint

    session, transcript = load_incident()
    session.answers["customer_effect"] = Answer(
        question_id="customer_effect", status="answered",
        value="Some customers in the US and EU region saw errors when sending data using cloud or synthetics.",
    )  # fmt: skip
    session.answers.pop("affected", None)  # no answer of the commander's replaces the figures found
    human = next(m for m in transcript.messages if not m.is_bot)
    session.findings.impact_hints = [
        ImpactHint(kind="customers", text='Triggered via Statuspage: "Some customers in the US and EU region may see errors when sending data t…',
                   message_ids=[human.id]),
        ImpactHint(kind="regions", text="eu-west and us-east ingest failing", message_ids=[human.id]),
    ]
    doc = build_document(session, transcript, settings())
    assert doc.scope_lines == ["Eu-west and us-east ingest failing."]  # news the impact sentence does not give stays


def test_a_suggested_affected_line_that_repeats_the_customer_impact_is_left_out():
    session, transcript = load_incident()
    session.answers["customer_effect"] = Answer(
        question_id="customer_effect", status="answered", value="~12% of checkout requests failed in 3 regions; 342 payment jobs were replayed.",
    )
    session.answers["affected"] = Answer(question_id="affected", status="suggested", value=["~12% of checkout requests failed in 3 regions"])
    doc = build_document(session, transcript, settings())
    assert doc.affected == ""
    assert "**Affected:**" not in render_markdown(session, transcript, settings())
    # news the impact sentence does not give stays, and the commander's own answer always stands
    session.answers["affected"] = Answer(question_id="affected", status="suggested", value=["Merchants on the EU plan"])
    assert build_document(session, transcript, settings()).affected == "Merchants on the EU plan"
    session.answers["affected"] = Answer(question_id="affected", status="answered", value=["~12% of checkout requests failed in 3 regions"])
    assert "**Affected:** ~12% of checkout requests failed in 3 regions" in render_markdown(session, transcript, settings())
