"""The small pure pieces of the workflow panes: placeholder highlighting, fix targets, the
key-time bar, export next steps and Markdown export (no Pilot needed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from facilitator.config import Settings
from facilitator.durations import DURATIONS
from facilitator.interview.engine import Metrics
from facilitator.session import ActionItem, Answer, Session, SourceSpec
from screens.export import summarize, write_markdown
from screens.preview import fix_target, highlight_placeholders
from screens.timeline import KeyTimesBar


def test_placeholders_are_marked_outside_code_blocks_only():
    text = "Engineer A restarted Service 1.\n```\nEngineer A in code\n```\nSee [internal URL] and Engineer AB."
    marked, count = highlight_placeholders(text, ["Engineer A", "Service 1"])
    assert marked.splitlines()[0] == "`Engineer A` restarted `Service 1`."
    assert "Engineer A in code" in marked and "`Engineer A` in code" not in marked
    assert "`[internal URL]`" in marked and "Engineer AB" in marked  # no partial-word match
    assert count == 3


def test_lint_locations_map_to_the_place_they_are_fixed():
    assert fix_target("answer:customer_effect") == "question:customer_effect"
    assert fix_target("action:a2") == "tab:actions"
    assert fix_target("why:w3") == "tab:whys"
    assert fix_target("timeline:4") == "tab:timeline"
    assert fix_target("draft:summary") == "inner:pv-docs"


def test_key_time_bar_is_proportional_and_marks_unknown_spans():
    t0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    times = [t0, t0 + timedelta(minutes=10), t0 + timedelta(minutes=40), t0 + timedelta(minutes=100)]
    bar = KeyTimesBar._bar(times, 104).plain
    segments = [len(s) for s in bar.split("●")[1:-1]]
    assert segments[0] < segments[1] < segments[2]  # 10 < 30 < 60 minutes
    assert abs(segments[2] / segments[0] - 6) < 0.5
    unknown = KeyTimesBar._bar([t0, None, times[2], times[3]], 60).plain
    assert "·" in unknown and unknown.count("●") == 4
    lines = KeyTimesBar._duration_lines(Metrics(time_to_detect=timedelta(minutes=10), time_in=None), 200)
    text = "\n".join(line.plain for line in lines)
    assert "Time to detect 10m (from impact start (fault introduced) to detection)" in text
    assert "Time in ? (from fault introduced to resolution)" in text
    narrow = [line.plain for line in KeyTimesBar._duration_lines(Metrics(time_to_detect=timedelta(minutes=10)), 40)]
    joined = " ".join(narrow)
    assert all(len(line) <= 40 for line in narrow)  # wrapped to the width...
    assert all(d.label in joined and d.definition.split()[-1] in joined for d in DURATIONS)  # ...nothing cut


def test_next_steps_follow_what_is_missing(tmp_path):
    session = Session(name="s", source=SourceSpec(kind="demo"), title="Checkout errors")
    session.actions.append(ActionItem(id="a1", action="Add an alert on 5xx above 2%"))
    result = summarize(session, None, Settings(), "somewhere")
    steps = " ".join(result.next_steps)
    assert "Assign an owner and a due date to 1 action item" in steps
    assert "Review" in steps and "Schedule the review meeting" in steps and "Share" in steps
    assert result.actions == 1 and result.location == "somewhere"


def test_markdown_export_writes_both_versions(tmp_path):
    session = Session(name="s", source=SourceSpec(kind="demo"), title="Checkout errors")
    # an empty session: the external version still asks its customer questions, so it is withheld
    result = write_markdown(session, None, Settings(), tmp_path / "empty")
    assert [p.name for p in result.paths] == ["internal.md"] and "customer-facing questions are still open" in result.warning
    for qid, value in (("customer_effect", "Some customers could not pay at checkout."),
                       ("customer_explanation", "A change to our systems caused errors; we reversed it."),
                       ("customer_changes", ["We now test changes under load before release."])):
        session.answers[qid] = Answer(question_id=qid, value=value, status="answered")
    result = write_markdown(session, None, Settings(), tmp_path / "out")
    assert [p.name for p in result.paths] == ["internal.md", "external.md"]
    assert "Checkout errors" in (tmp_path / "out" / "internal.md").read_text(encoding="utf-8")
    assert not result.warning
