"""The document contract: every answer the interview collects lands in every shipped template.

The catalogue walk answers every question of ``prompts/questions.toml`` with a marker, runs
``draft --demo --answers FILE`` (the commander's answers win over the extraction), and checks
that the facilitator and classic documents show each marker, the why chain and the actions
with all their fields, and no TODO; and that the external version shows the customer-facing
answers and none of the internal ones.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

from facilitator.config import load_settings
from facilitator.draft import run_draft
from facilitator.interview.catalogue import load_catalogue
from facilitator.render import render_markdown
from facilitator.render.contract import ACTION_FIELD_HOMES, ANSWER_HOMES, FINDING_HOMES
from facilitator.render.model import ActionRow, Document
from facilitator.findings import Findings
from facilitator.session import ActionItem, SourceSpec
from facilitator.sessions import SessionStore

DAY = "2024-12-03"
TIMES = {"started_at": "13:50", "impact_started_at": "13:56", "detected_at": "14:05", "mitigated_at": "14:58", "resolved_at": "15:35"}
CHOICES = {"detection_method": "external party", "severity": "SEV3", "happened_before": "no"}


def _marker(qid: str) -> str:
    return f"Zq marker for {qid.replace('_', ' ')}"


def _answers() -> tuple[dict[str, object], dict[str, list[str]]]:
    """An answer for every catalogue question, and the strings each must show in a document."""
    answers: dict[str, object] = {}
    shown: dict[str, list[str]] = {}
    for q in load_catalogue():
        if q.id in TIMES:
            answers[q.id] = f"{DAY} {TIMES[q.id]}"
            shown[q.id] = [f"{DAY} {TIMES[q.id]}"]
        elif q.id in CHOICES:
            answers[q.id] = CHOICES[q.id]
            shown[q.id] = [CHOICES[q.id]]
        elif q.id == "responders":
            answers[q.id] = ["Zora Quill (scribe)", "Yann Pike (incident commander)"]
            shown[q.id] = ["Zora Quill (scribe)", "Yann Pike (incident commander)"]
        elif q.id == "action_owners":
            answers[q.id] = ["Add an alert on checkout latency above 2 s for 5 minutes - Yann Pike - 2024-12-20"]
            shown[q.id] = ["Add an alert on checkout latency above 2 s for 5 minutes", "Yann Pike", "2024-12-20"]
        elif q.id == "customer_changes":
            answers[q.id] = ["We now load-test every release before it reaches customers."]
            shown[q.id] = answers[q.id]  # type: ignore[assignment]
        elif q.id == "customer_explanation":
            answers[q.id] = "A change to our payment system made some payments fail; we reversed it."
            shown[q.id] = [answers[q.id]]  # type: ignore[list-item]
        elif q.id == "customer_effect":
            answers[q.id] = "Some customers could not pay at checkout."
            shown[q.id] = [answers[q.id]]  # type: ignore[list-item]
        elif q.is_list:
            answers[q.id] = [_marker(q.id) + " one", _marker(q.id) + " two"]
            shown[q.id] = answers[q.id]  # type: ignore[assignment]
        else:
            answers[q.id] = _marker(q.id)
            shown[q.id] = [_marker(q.id)]
    return answers, shown


def _toml(answers: dict[str, object]) -> str:
    def value(v: object) -> str:
        return "[" + ", ".join(f'"{x}"' for x in v) + "]" if isinstance(v, list) else f'"{v}"'

    lines = ["whys = [\"The pool ran out of connections\", \"A config change lowered the pool size\", "
             "\"Nothing load-tests pool settings before release\"]",
             "contributing = [\"No alert watched pool saturation\"]", "", "[answers]"]
    lines += [f"{qid} = {value(v)}" for qid, v in answers.items()]
    lines += ["", "[[actions]]", 'action = "Load-test the connection pool settings in CI before merge"',
              'owner = "Zora Quill"', "due = 2025-01-15", 'priority = "P1"', 'category = "prevent"',
              'prevents_recurrence = "yes"', 'status = "in progress"', 'jira_key = "OPS-7777"']
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("contract")
    answers, shown = _answers()
    path = tmp / "answers.toml"
    path.write_text(_toml(answers), encoding="utf-8")
    store = SessionStore(tmp / "store")
    out = io.StringIO()
    code = run_draft(load_settings(), SourceSpec(kind="demo"), out=tmp / "out", answers=path, store=store,
                     stdout=out, stderr=io.StringIO(), session_name="contract")
    session = store.load("contract")
    return code, out.getvalue(), tmp / "out", store, session, shown


def test_every_question_field_and_finding_has_a_declared_home():
    doc_fields = {f.name for f in dataclasses.fields(Document)}
    for q in load_catalogue():
        assert q.id in ANSWER_HOMES, f"question '{q.id}' has no home in the document model"
        assert ANSWER_HOMES[q.id] in doc_fields
    assert set(ACTION_FIELD_HOMES) == set(ActionItem.model_fields)
    row_fields = {f.name for f in dataclasses.fields(ActionRow)}
    assert all(home in row_fields for home in ACTION_FIELD_HOMES.values() if home)
    assert set(FINDING_HOMES) == set(Findings.model_fields)
    assert all(home in doc_fields for home in FINDING_HOMES.values() if home)


def test_catalogue_walk_every_answer_in_every_internal_template_and_no_todo(drafted):
    code, printed, out, store, session, shown = drafted
    assert code == 0, printed
    internal = (out / "internal.md").read_text(encoding="utf-8")
    assert "[TODO]" not in internal and " 0 TODO" in printed
    transcript = store.transcript("contract")
    classic = render_markdown(session, transcript, load_settings(), template="classic")
    assert "[TODO]" not in classic
    for name, text in (("facilitator", internal), ("classic", classic)):
        for qid, strings in shown.items():
            for s in strings:
                assert s in text, f"{name} template does not show the answer to '{qid}': {s!r}"
        # the why chain, its levels, and every action field
        assert "A config change lowered the pool size" in text and "_(systemic)_" in text
        row = next(line for line in text.splitlines() if "Load-test the connection pool settings" in line)
        for value in ("OPS-7777", "Zora Quill", "2025-01-15", "P1", "prevent", "yes", "in progress"):
            assert value in row, (name, value)
    assert "No alert watched pool saturation" in internal and "No alert watched pool saturation" in classic


def test_user_answers_win_over_the_extraction(drafted):
    *_, out, _store, _session, _shown = drafted
    internal = (out / "internal.md").read_text(encoding="utf-8")
    responders = internal.split("## Responders")[1].split("##")[0]
    assert "Zora Quill" in responders and "Priya Natarajan" not in responders  # extracted, but the answer wins
    impact = internal.split("## Impact")[1].split("##")[0]
    assert "Scope:" not in impact  # the commander's 'affected' answer replaces the extracted figures
    assert "Zq marker for job failures one; Zq marker for job failures two" in impact


def test_external_version_shows_customer_answers_and_nothing_internal(drafted):
    *_, out, _store, _session, shown = drafted
    external = (out / "external.md").read_text(encoding="utf-8")
    externals = {q.id for q in load_catalogue() if q.external}
    assert externals == {"customer_effect", "customer_explanation", "customer_changes"}
    for qid in externals:
        for s in shown[qid]:
            assert s in external
    for qid, strings in shown.items():
        if qid not in externals and qid not in ("title", "started_at", "detected_at", "mitigated_at", "resolved_at"):
            assert not any(s in external for s in strings if s.startswith("Zq") or "Zora" in s), qid
    assert not re.search(r"v\d+\.\d+|deployctl|DB_POOL_MAX|Service \d", external)


def test_one_todo_list_and_one_count(tmp_path):
    """Unknown answers are TODOs even where the channel had something; the document, the
    interview (Preview, export) and the CLI count the same list."""
    store = SessionStore(tmp_path / "store")
    path = tmp_path / "a.toml"
    path.write_text('[answers]\nresponders = "unknown"\nfix = "skip"\n', encoding="utf-8")
    out = io.StringIO()
    run_draft(load_settings(), SourceSpec(kind="demo"), out=tmp_path / "out", answers=path, store=store, stdout=out,
              stderr=io.StringIO(), session_name="todo")
    internal = (tmp_path / "out" / "internal.md").read_text(encoding="utf-8")
    top = internal.split("## Summary")[0]
    assert "[TODO] Who responded, and in which role?" in top and "[TODO] What specifically fixed it?" in top
    assert "Priya Natarajan (incident commander)" not in internal.split("## Responders")[1].split("##")[0]
    count = int(re.search(r"Still to do \((\d+)\)", internal).group(1))
    assert f", {count} TODO." in out.getvalue()
    from facilitator.interview.engine import Interview
    from facilitator.summary import summarize_postmortem

    session = store.load("todo")
    interview = Interview(session, store.transcript("todo"), None)
    assert len(interview.todos()) == count == summarize_postmortem(session, interview.transcript, load_settings()).todos
    assert {t.question_id for t in interview.todos()} >= {"responders", "fix"}
    assert all(t.target for t in interview.todos())  # each one says where it is fixed


def test_one_set_of_durations_with_definitions(tmp_path):
    from facilitator.durations import DURATIONS
    from facilitator.interview.engine import Interview
    from facilitator.render import build_document
    from facilitator.render.text import format_duration
    from facilitator.session_start import start_session

    store = SessionStore(tmp_path / "store")
    session, transcript = start_session(SourceSpec(kind="demo"), load_settings(), store, name="dur")
    metrics = Interview(session, transcript, None).metrics()
    doc = build_document(session, transcript, load_settings())
    assert [(label, value) for label, value, _ in doc.durations] == [
        (d.label, format_duration(getattr(metrics, d.key)) or "unknown") for d in DURATIONS]
    for template in ("facilitator", "classic"):
        text = render_markdown(session, transcript, load_settings(), template=template)
        for d in DURATIONS:
            assert text.count(d.definition) == 1, (template, d.label)  # stated once, next to its number
    assert f"Time in (fault introduced to resolution): {doc.metrics['Time in']}" in doc.summary


def test_readable_facts(tmp_path):
    """Scope lines are sentences, a hypothesis appears once, and what was said to customers is never a cause."""
    from facilitator.findings import Fact, Hypothesis, MessagingItem
    from facilitator.interview.suggest import suggest_by_id
    from facilitator.render import build_document
    from facilitator.session_start import start_session

    store = SessionStore(tmp_path / "store")
    session, transcript = start_session(SourceSpec(kind="demo"), load_settings(), store, name="facts")
    macro_id = transcript.messages[-1].id
    f = session.findings
    f.messaging.append(MessagingItem(at=transcript.messages[-1].at, summary="Sorry, a problem on our side.", message_ids=[macro_id]))
    f.causes.insert(0, Fact(text="a problem on our side", message_ids=[macro_id], confidence=0.99))
    f.hypotheses.insert(0, Hypothesis(text="a problem on our side", status="raised", message_ids=[macro_id]))
    f.hypotheses += [Hypothesis(text="Could this be a failover?", status="ruled_out", message_ids=[])]
    doc = build_document(session, transcript, load_settings())
    assert "a problem on our side" not in doc.root_cause and not any("our side" in u for u in doc.unknowns_then)
    assert "our side" not in str(suggest_by_id("actual_cause", f, transcript).value)
    assert "our side" not in str(suggest_by_id("first_hypothesis", f, transcript).value)
    folded = [u.casefold().strip(" ?.") for u in doc.unknowns_then]
    assert len(folded) == len(set(folded))
    for line in doc.scope_lines:
        assert line[0].isupper() and line.endswith(".") and ";" not in line


def test_every_todo_has_a_place_to_answer_it():
    """A blank session's TODOs each point at an interview question, the Actions tab or the 5 Whys tab."""
    from facilitator.render import build_document
    from facilitator.session import Answer, Session

    session = Session(name="blank", source=SourceSpec(kind="demo"))
    ids = {q.id for q in load_catalogue()}
    todos = build_document(session, None, load_settings()).todo_items
    assert todos
    for item in todos:
        assert item.question_id in ids or item.target in ("tab:actions", "tab:whys"), item
    # and every question the document asks for is one the interview asks
    asked = {t.question_id for t in todos if t.question_id}
    assert asked <= ids and {"went_well", "went_badly", "lessons", "data_impact"} <= asked
    # an answer removes its TODO
    session.answers["data_impact"] = Answer(question_id="data_impact", value="None.", status="answered")
    assert "data_impact" not in {t.question_id for t in build_document(session, None, load_settings()).todo_items}


def test_every_unknown_answer_is_a_todo(tmp_path):
    """Whatever the channel had: 'unknown' on any question puts that question on the TODO list."""
    from facilitator.interview.engine import Interview
    from facilitator.render import build_document
    from facilitator.session_start import start_session

    store = SessionStore(tmp_path / "store")
    session, transcript = start_session(SourceSpec(kind="demo"), load_settings(), store, name="unk")
    interview = Interview(session, transcript, None)
    interview.fill_suggestions()
    for q in load_catalogue():
        interview.answer(q.id, "unknown")
    listed = {t.question_id for t in build_document(session, transcript, load_settings()).todo_items}
    assert listed - {""} == {q.id for q in load_catalogue()}
