"""Rendering: both built-in templates on a realistic incident, golden files, TODOs, times, evidence."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from facilitator.config import Settings
from facilitator.render import build_document, render_markdown
from facilitator.session import Session
from facilitator.transcript import Message, Transcript

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def load_incident() -> tuple[Session, Transcript]:
    """The hand-built incident (tests/data/golden/incident.json) as a Session and Transcript."""
    data = json.loads((GOLDEN / "incident.json").read_text(encoding="utf-8"))
    session = Session.model_validate(data["session"])
    t = data["transcript"]
    messages = [
        Message(id=m["id"], at=datetime.fromisoformat(m["at"]), author=m["author"], text=m["text"],
                author_id=m["author_id"], is_bot=m["is_bot"], permalink=m.get("permalink", ""))
        for m in t["messages"]
    ]
    return session, Transcript(messages=messages, source="transcript", channel=t["channel"], timezone=t["timezone"])


def settings() -> Settings:
    return Settings(timezone="Europe/Berlin", redaction={"public_domains": ["status.acme.com"]})


def check_golden(name: str, text: str) -> None:
    """Compare with tests/data/golden/<name>; UPDATE_GOLDEN=1 rewrites it (read the diff first)."""
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; rerun with UPDATE_GOLDEN=1 after reviewing"


@pytest.mark.parametrize(("template", "version", "golden"), [
    ("facilitator", "internal", "facilitator.md"),
    ("classic", "internal", "classic.md"),
    (None, "external", "external.md"),
])
def test_golden_documents(template, version, golden):
    session, transcript = load_incident()
    check_golden(golden, render_markdown(session, transcript, settings(), version=version, template=template))


def test_golden_confluence_storage():
    from facilitator.render.storage import markdown_to_storage

    session, transcript = load_incident()
    check_golden("facilitator.storage.xml", markdown_to_storage(render_markdown(session, transcript, settings())))


def test_times_are_in_the_configured_zone_and_named():
    session, transcript = load_incident()
    berlin = render_markdown(session, transcript, settings())
    utc = render_markdown(session, transcript, Settings(timezone="UTC"))
    assert "All times are in Europe/Berlin." in berlin and "| Time (Europe/Berlin) |" in berlin
    assert "| 14:52 | channel (bot) | PagerDuty |" in berlin  # one day: the date is in the title block, not on every row
    assert "All times are in UTC." in utc and "| 13:52 | channel (bot) | PagerDuty |" in utc
    session.findings.events[-1].at = session.findings.events[-1].at.replace(day=4)
    two_days = render_markdown(session, transcript, Settings(timezone="UTC"))
    assert "| 2024-12-03 13:52 | channel (bot) | PagerDuty |" in two_days  # spanning days: every row is dated


def test_evidence_uses_permalinks_else_message_citations():
    session, transcript = load_incident()
    text = render_markdown(session, transcript, settings())
    assert "[msg 14:52](https://acme.slack.com/archives/C0INC2041/p172000100)" in text  # L2 has a permalink
    assert "(msg L8, 15:11)" in text  # L8 has none
    assert "[PR #881](https://github.acme-corp.io/payments/checkout/pull/881)" in text


def test_unknowns_render_as_todo_in_place_and_at_the_top():
    session, transcript = load_incident()
    del session.answers["actual_cause"]
    session.findings.causes = []
    session.whys = []
    text = render_markdown(session, transcript, settings())
    top = text.split("## Summary")[0]
    # worded as the interview asks it, in place and at the top
    assert "[TODO] What turned out to be the cause?" in top
    assert "## Root cause\n\n[TODO] What turned out to be the cause?" in text


def test_table_cells_escape_pipes_and_newlines():
    session, transcript = load_incident()
    session.actions[0].action = "Split | the pool\nper tenant"
    text = render_markdown(session, transcript, settings())
    assert "| Split \\| the pool per tenant | Alice Chen |" in text


def test_user_template_can_include_builtin_partials(tmp_path):
    session, transcript = load_incident()
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text("# {{ doc.title }}\n{% include 'partials/todos.md.j2' %}{{ doc.metrics['Time to detect'] }}\n")
    text = render_markdown(session, transcript, settings(), template=tpl)
    assert text.startswith("# Checkout payments failing") and "12 min" in text and "Still to do" in text


@pytest.mark.parametrize(("content", "match"), [
    ("{{ doc.nope }}", "does not have"),
    ("{% for x in %}", "syntax error on line 1"),
])
def test_bad_user_templates_are_one_sentence(tmp_path, content, match):
    from facilitator.errors import UserError

    session, transcript = load_incident()
    tpl = tmp_path / "bad.md.j2"
    tpl.write_text(content)
    with pytest.raises(UserError, match=match):
        render_markdown(session, transcript, settings(), template=tpl)
    with pytest.raises(UserError, match="neither a file nor a built-in"):
        render_markdown(session, transcript, settings(), template=tmp_path / "missing.md.j2")


def test_render_command_reads_the_saved_session(tmp_path, capsys, monkeypatch):
    from facilitator.cli import main
    from facilitator.sessions import SessionStore

    session, transcript = load_incident()
    store = SessionStore()
    store.save(session)
    store.save_transcript(session.name, transcript)
    monkeypatch.setenv("FACILITATOR_TZ", "Europe/Berlin")
    assert main(["render", session.name]) == 0
    assert "(msg L8, 15:11)" in capsys.readouterr().out
    out = tmp_path / "ext.xml"
    assert main(["render", session.name, "--version", "external", "--format", "confluence", "-o", str(out)]) == 0
    assert out.read_text().startswith("<h1>Incident report: ") and "checklist: [ ]" in capsys.readouterr().err
    assert main(["render", "no-such-session"]) == 2


def test_demo_documents_through_draft(tmp_path):
    """The bundled demo end to end: both documents, zone named, demo secrets and names gone."""
    from facilitator.cli import main

    assert main(["draft", "--demo", "--no-llm", "--out", str(tmp_path)]) == 0
    internal = (tmp_path / "internal.md").read_text()
    external = (tmp_path / "external.md").read_text()
    assert "All times are in UTC." in internal and "## Five whys" in internal
    for secret in ("Wint3r-Sunset-42",):
        assert secret not in internal and secret not in external
    for name in ("Priya", "Natarajan", "Kenji", "Hannah", "Tomás", "Léon"):
        assert name not in external
    assert "Priya Natarajan" in internal
    # an open why says its question once: on its line, and in full among the TODOs
    open_whys = [line for line in internal.splitlines() if re.match(r"\d+\. \*\*Why", line) and "[TODO]" in line]
    assert open_whys and all(line.endswith("** [TODO]") for line in open_whys)


def test_what_was_known_follows_the_hypotheses():
    session, transcript = load_incident()
    rows = {r.event: r.known_then for r in build_document(session, transcript, settings()).timeline}
    assert rows["5xx alert on checkout"] == ""
    assert rows["Redis failover suspected"] == "Suspected: Redis failover from the morning"
    assert rows["Status page posted"] == "Ruled out: Redis failover from the morning"
    assert rows["Pool exhausted at 10 connections"] == "Cause identified: Pool exhausted at 10 connections"
    assert rows["All clear"] == ""  # shown where it changed, not repeated on every row


def test_the_same_moment_told_twice_is_one_timeline_row():
    session, transcript = load_incident()
    first = session.findings.events[0]
    twin = first.model_copy(update={"summary": first.summary.upper() + "!", "message_ids": list(first.message_ids)})
    session.findings.events.insert(1, twin)
    rows = build_document(session, transcript, settings()).timeline
    times_and_text = [(r.time, r.event.casefold().rstrip("!")) for r in rows]
    assert len(times_and_text) == len(set(times_and_text))
    assert len(rows) == len(session.findings.events) - 1


def test_an_estimated_start_says_it_is_one():
    from facilitator.findings import KeyTime

    session, transcript = load_incident()
    first = min(m.at for m in transcript.messages)
    session.findings.started_at = KeyTime(at=first, confidence=0.2, message_ids=[transcript.messages[0].id],
                                          reason="no earlier sign in the channel: the first alert")
    session.answers.pop("started_at", None)
    doc = build_document(session, transcript, settings())
    assert "(estimate: the first alert; nothing earlier in the channel)" in doc.times["Fault introduced"]


def test_an_estimated_end_says_it_is_one_until_the_user_confirms_it():
    from facilitator.findings import KeyTime

    session, transcript = load_incident()
    last = transcript.messages[-1]
    session.findings.resolved_at = KeyTime(at=last.at, confidence=0.2, message_ids=[last.id],
                                           reason="estimate: last message of the incident; no message marks this moment")
    session.answers.pop("resolved_at", None)
    doc = build_document(session, transcript, settings())
    assert doc.times["Resolved"].endswith("(estimate: last message of the incident; no message marks this moment)")
    assert "**Incident closed:**" not in render_markdown(session, transcript, settings(), version="external")  # not told to customers
    session.findings.resolved_at.confidence = 0.6  # a time the channel stated is not marked
    assert "estimate" not in build_document(session, transcript, settings()).times["Resolved"]
    assert "**Incident closed:**" in render_markdown(session, transcript, settings(), version="external")


def test_a_timeline_row_from_a_message_without_a_clock_shows_its_day_only():
    from zoneinfo import ZoneInfo

    from facilitator.render.prose import display

    session, transcript = load_incident()
    first = session.findings.events[0]
    message = transcript.get(first.message_ids[0])
    message.time_precision = "date-only"
    rows = build_document(session, transcript, settings()).timeline
    row = next(r for r in rows if r.event == display(first.summary))
    assert row.time == message.at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d")  # no made-up 00:00
    assert any(":" in r.time for r in rows if r is not row)  # the others keep their clock


def test_the_narrative_tells_the_fault_and_the_customers_apart_when_they_differ():
    from facilitator.render.prose import narrative

    apart = narrative([], "rollback", when={"started_at": "13:52", "affected_from": "14:00", "detected_at": "14:07"})
    assert apart.startswith("The fault was introduced at 13:52; customers were affected from 14:00. ")
    assert narrative([], "rollback", when={"started_at": "13:52", "detected_at": "14:07"}).startswith("It began at 13:52. ")


def test_the_narrative_tells_a_cause_found_after_the_impact_stopped_after_it():
    from facilitator.render.prose import narrative

    when = {"detected_at": "14:17", "mitigated_at": "14:48", "resolved_at": "15:09"}
    before = narrative([], "[TODO] What fixed it?", when=when, cause="the VGW was detached", cause_at="14:31")
    assert before.index("The cause was found at 14:31") < before.index("The impact stopped at 14:48")
    after = narrative([], "[TODO] What fixed it?", when=when, cause="the VGW was detached", cause_at="15:02", cause_after=True)
    assert "The impact stopped at 14:48. The cause was found afterwards, at 15:02: " in after
    assert after.index("afterwards") < after.index("The incident was closed at 15:09")


def test_the_narrative_keeps_words_that_start_like_not():
    from facilitator.render.prose import narrative

    text = narrative(["First hypothesis: could it be the VPC?", "nothing changed in the deploy list"], "subnet recreated")
    assert "Ruled out along the way: nothing changed in the deploy list." in text
    one_idea = narrative(["First hypothesis: could it be the VPC?", "nothing changed in the vpc config"], "subnet recreated")
    assert one_idea.startswith("The first hypothesis, the VPC, was ruled out.")
    assert "Ruled out along the way: disk full" in narrative(["Not: disk full", "First hypothesis: x"], "restart")
    assert "Ruled out" not in narrative(["First hypothesis: disk full?", "not it"], "restart")


def test_an_idea_raised_and_dropped_in_one_message_is_known_as_ruled_out():
    from facilitator.findings import Hypothesis
    from facilitator.render.prose import known_then

    session, transcript = load_incident()
    first = transcript.messages[1]
    session.findings.hypotheses = [Hypothesis(text="not the CDN", status="ruled_out", message_ids=[first.id])]
    session.findings.events = [e for e in session.findings.events if e.kind != "root_cause"]
    b = type("B", (), {"transcript": transcript, "session": session})()
    assert known_then(b) == [(first.at, "Ruled out: not the CDN")]


def test_an_idea_dropped_is_marked_in_its_section_and_told_plainly_in_the_story():
    from facilitator.findings import Hypothesis

    session, transcript = load_incident()
    first = transcript.messages[1]
    session.findings.hypotheses = [
        *session.findings.hypotheses, Hypothesis(text="DNS provider?", status="ruled_out", message_ids=[first.id])
    ]
    doc = build_document(session, transcript, settings())
    assert "DNS provider? (ruled out)" in doc.unknowns_then
    assert "DNS provider" in doc.what_happened and "(ruled out)" not in doc.what_happened


def test_the_incident_key_a_message_gives_names_the_document():
    session, transcript = load_incident()
    session.name, session.source.channel, session.source.ref = "2025-05-16-paste", "", ""
    first = transcript.messages[0]
    first.text = "declared an incident: INC-2291 Delivery delays"
    assert build_document(session, transcript, settings()).incident_id == "INC-2291"
    first.text = "no key here"
    assert build_document(session, transcript, settings()).incident_id == "2025-05-16-paste"


def test_the_summary_is_written_from_the_impact_before_the_cause_is_known():
    from facilitator.render.prose import summary_text

    text = summary_text(None, "Checkout failed for 12% of customers", "[TODO] What turned out to be the cause?", "13:52 to 15:00 UTC", {})
    assert text == "Checkout failed for 12% of customers. Customers were affected from 13:52 to 15:00 UTC."
    assert summary_text(None, "[TODO] What did customers see?", "The pool was too small", "", {}) == ""


def test_a_chat_line_is_not_told_to_customers_as_what_they_saw_until_someone_answers(tmp_path):
    from facilitator.cli import main

    paste = tmp_path / "chat.txt"
    paste.write_text(
        "[10:02] dana: hv-par2-17 down, IPMI doesn't answer either, that's not a kernel panic\n"
        "[10:05] hugo: looking\n"
        "[10:20] hugo: moved the vms to hv-par2-18, all back up\n"
        "[10:40] dana: resolved, thanks all\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    main(["draft", "--transcript", str(paste), "--date", "2022-06-10", "--tz", "UTC", "--no-llm", "--out", str(out)])
    internal = (out / "internal.md").read_text()
    assert "IPMI" in internal.split("## External version")[0]  # the team's own document keeps the line
    external = internal.split("## External version")[1]
    assert "IPMI" not in external and "[TODO] What was the customer-visible effect" in external


def test_a_bare_yes_to_has_it_happened_before_says_which_earlier_incident_the_channel_named():
    from facilitator.findings import Fact, Findings
    from facilitator.render.model import _earlier_occurrence

    said = Findings(prior_incidents=[Fact(text="also this happened before in March: orders-service had the same pool default problem.",
                                          message_ids=["m1"])])
    assert _earlier_occurrence("yes", said) == "yes: this happened before in March: orders-service had the same pool default problem."
    assert _earlier_occurrence("yes, OPS-987 in March", said) == "yes, OPS-987 in March"  # the user's own words stand
    assert _earlier_occurrence("no", said) == "no"
    assert _earlier_occurrence("yes", Findings()) == "yes"
