"""The pictures: timeline chart and cause diagram as SVG (structure, labels, no overlapping text),
the executive summary, and the files `draft --demo` writes beside the documents."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from facilitator.config import Settings
from facilitator.draft import fill_rest, open_or_start, run_draft
from facilitator.findings import Event, Findings, ImpactWindow, KeyTime
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain
from facilitator.pictures.categories import load_categories, suggest_category
from facilitator.pictures.causes_svg import draw_causes
from facilitator.pictures.data import cause_data, timeline_data
from facilitator.pictures.layout import Box, label_box, overlapping, text_width, wrap
from facilitator.pictures.timeline_svg import draw_timeline
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture()
def demo():
    settings = Settings()
    store = SessionStore()
    session, transcript = open_or_start(settings, SourceSpec(kind="demo"), None, store)
    fill_rest(Interview(session, transcript, store))
    return session, transcript, settings


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.split("?>", 1)[1])
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _classes(svg: str, cls: str) -> list[str]:
    root = ET.fromstring(svg.split("?>", 1)[1])
    return [el.text or "" for el in root.iter(f"{SVG}text") if el.get("class") == cls]


def multi_day_session() -> Session:
    t0 = datetime(2025, 3, 10, 22, 40, tzinfo=timezone.utc)
    kinds = ["alert", "status_page", "hypothesis_ruled_out", "alert", "rollback", "status_page", "fix_deployed",
             "customer_comms", "status_page", "alert", "rollback", "status_page"]
    events = [Event(at=t0 + timedelta(hours=1, minutes=7 * i), kind=k, summary=f"Event number {i} of kind {k} with words")
              for i, k in enumerate(kinds)]
    events.append(Event(at=t0 + timedelta(days=1, hours=3), kind="status_page", summary="Resolved on the status page"))
    findings = Findings(
        started_at=KeyTime(at=t0), detected_at=KeyTime(at=t0 + timedelta(minutes=50)),
        mitigated_at=KeyTime(at=t0 + timedelta(hours=20)), resolved_at=KeyTime(at=t0 + timedelta(days=1, hours=2)),
        events=events,
    )
    return Session(name="multi", source=SourceSpec(kind="transcript"), findings=findings, timezone="Europe/Berlin")


# -- layout -----------------------------------------------------------------------------------

def test_text_boxes_measure_and_collide():
    assert text_width("WWW", 12) > text_width("iii", 12) > 0
    a = label_box("Detected 14:07", 100, 50, 12)
    b = label_box("Mitigated 14:09", 100 + a.width - 5, 50, 12)  # starts inside the first
    assert a.overlaps(b) and overlapping([a, b]) == [(a, b)]
    c = label_box("Resolved", a.right + 1, 50, 12)
    assert not a.overlaps(c) and not Box("x", 0, 0, 10, 10).overlaps(Box("y", 0, 11, 10, 10))
    assert all(text_width(line, 11) <= 120 for line in wrap("a long factor text " * 10, 11, 120, max_lines=3))
    assert len(wrap("a long factor text " * 10, 11, 120, max_lines=3)) == 3


# -- timeline chart ---------------------------------------------------------------------------

def test_demo_timeline_has_milestones_durations_impact_and_markers_without_overlap(demo):
    session, transcript, settings = demo
    data = timeline_data(session, transcript, settings, "Checkout errors")
    drawn = draw_timeline(data)
    assert overlapping(drawn.boxes) == []
    milestones = _classes(drawn.svg, "milestone")
    assert sorted(milestones, key=lambda t: t[-5:]) == ["Fault introduced 13:52", "Detected 14:07", "Mitigated 15:00", "Resolved 15:40"]
    assert _classes(drawn.svg, "span") == ["Time to detect 15 min", "Time to mitigate 53 min", "Time to resolve 1 h 33 min"]
    assert 'class="impact"' in drawn.svg and "Customer impact" in _texts(drawn.svg)
    legend = _classes(drawn.svg, "legend")
    assert any("Status page" in row for row in legend) and any("Rollback" in row for row in legend)
    assert any("Ruled out" in row for row in legend) and len(legend) == len(data.markers) >= 8
    assert all(len(t) <= 5 for t in _classes(drawn.svg, "tick"))  # one day: times only
    # every drawn text is a measured box
    assert len(_texts(drawn.svg)) == len(drawn.boxes)


def test_multi_day_timeline_shows_dates_and_nothing_overlaps():
    session = multi_day_session()
    settings = Settings(timezone="Europe/Berlin")
    data = timeline_data(session, None, settings, "A long incident over two days")
    assert data.multi_day
    drawn = draw_timeline(data)
    assert overlapping(drawn.boxes) == []
    assert "Fault introduced 2025-03-10 23:40" in _classes(drawn.svg, "milestone")  # Berlin time, dated
    assert any(" Mar" in t for t in _classes(drawn.svg, "tick"))
    assert "10 Mar to 12 Mar 2025" in " ".join(_texts(drawn.svg))
    assert _classes(drawn.svg, "span")[-1] == "Time to resolve 1 d 1 h"


def test_external_timeline_has_only_customer_facing_milestones_and_generic_labels(demo):
    session, transcript, settings = demo
    drawn = draw_timeline(timeline_data(session, transcript, settings, "Checkout errors", version="external"))
    assert sorted(m.split()[0] for m in _classes(drawn.svg, "milestone")) == ["Detected", "Mitigated", "Resolved"]
    legend = _classes(drawn.svg, "legend")
    assert legend and all(row.split(None, 1)[1] in ("Status page update", "Customer update") for row in legend)
    assert "Alert" not in drawn.svg and "Fault" not in drawn.svg and overlapping(drawn.boxes) == []


@pytest.mark.parametrize("version", ["internal", "external"])
def test_the_impact_band_starts_where_the_document_says_customers_were_affected(version):
    t0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    fault, detected, mitigated = t0, t0 + timedelta(minutes=20), t0 + timedelta(hours=1)
    findings = Findings(started_at=KeyTime(at=fault), detected_at=KeyTime(at=detected), mitigated_at=KeyTime(at=mitigated),
                        resolved_at=KeyTime(at=t0 + timedelta(hours=2)))
    session = Session(name="band", source=SourceSpec(kind="transcript"), findings=findings, timezone="UTC")
    # no window stated: from the fault, in both versions (the external "When" says the same), inside the axis
    data = timeline_data(session, None, Settings(), "Band", version=version)
    assert data.impact == (fault, mitigated) and min(data.points) == fault
    # a window stated after the fault moves the start; one before it does not
    session.findings.impact_window = ImpactWindow(start=t0 + timedelta(minutes=8), end=mitigated)
    assert timeline_data(session, None, Settings(), "Band", version=version).impact == (t0 + timedelta(minutes=8), mitigated)
    session.findings.impact_window = ImpactWindow(start=t0 - timedelta(minutes=8), end=mitigated)
    assert timeline_data(session, None, Settings(), "Band", version=version).impact == (fault, mitigated)


def test_close_milestones_go_to_separate_lanes():
    t0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    findings = Findings(started_at=KeyTime(at=t0), detected_at=KeyTime(at=t0 + timedelta(minutes=1)),
                        mitigated_at=KeyTime(at=t0 + timedelta(minutes=2)), resolved_at=KeyTime(at=t0 + timedelta(hours=3)))
    session = Session(name="close", source=SourceSpec(kind="transcript"), findings=findings)
    drawn = draw_timeline(timeline_data(session, None, Settings(), "Close"))
    ys = {b.y for b in drawn.boxes if b.text.startswith(("Fault", "Detected", "Mitigated"))}
    assert len(ys) == 3 and overlapping(drawn.boxes) == []


# -- cause diagram ----------------------------------------------------------------------------

def test_categories_are_configured_and_suggested_from_text():
    ids = [c.id for c in load_categories()]
    assert ids == ["technology", "process", "knowledge", "environment", "third_party"]
    assert suggest_category("The canary got too little traffic to exercise the pool").id == "process"
    assert suggest_category("Nobody knew the pool setting had moved to config.yaml").id == "knowledge"
    assert suggest_category("The payment gateway vendor had an outage upstream").id == "third_party"
    assert suggest_category("The config loader ignored the env var").id == "technology"
    assert suggest_category("Something else entirely").id == "technology"  # the fallback


def test_fishbone_spine_is_the_whys_and_factors_sit_on_their_bones(demo):
    session, transcript, settings = demo
    chain = WhyChain(session)
    first = chain.main_chain()[0]
    chain.answer(chain.main_chain()[-1].id, "The loader change dropped DB_POOL_MAX without a warning", then_ask=False)
    chain.branch(first.id, answer="Nobody knew the pool setting had moved to config.yaml")
    chosen = chain.branch(first.id, answer="The canary got 40 rps")
    chosen.category = "environment"  # the user's choice wins over the suggestion
    assert "Root cause" not in _classes(draw_causes(cause_data(session, "x")).svg, "why-heading")  # not before stop
    chain.stop()
    data = cause_data(session, "Checkout requests failed")
    assert data.spine[0].startswith("v2.31.0") and data.spine[-1].startswith("The loader change")
    groups = data.by_category()
    assert [f.text for f in groups["knowledge"]] == ["Nobody knew the pool setting had moved to config.yaml"]
    assert [f.text for f in groups["environment"]] == ["The canary got 40 rps"] and groups["environment"][0].chosen
    drawn = draw_causes(data)
    assert overlapping(drawn.boxes) == []
    assert sorted(_classes(drawn.svg, "category")) == sorted(c.name for c in load_categories())
    assert "Root cause" in _classes(drawn.svg, "why-heading") and "Why 1" in _classes(drawn.svg, "why-heading")
    assert "Nobody knew the pool setting had" in " ".join(_classes(drawn.svg, "factor"))
    assert len(_classes(drawn.svg, "factor-none")) == 3  # technology, process, third party: none recorded


def test_fishbone_with_many_long_factors_does_not_overlap(demo):
    session, _, _ = demo
    chain = WhyChain(session)
    first = chain.main_chain()[0]
    for i in range(4):
        chain.branch(first.id, answer=f"A deliberately long contributing factor number {i} about the deploy pipeline "
                                      "configuration and its review process that goes on and on")
    drawn = draw_causes(cause_data(session, "A problem statement that is rather long " * 4))
    assert overlapping(drawn.boxes) == []


# -- documents --------------------------------------------------------------------------------

def test_draft_demo_writes_the_pictures_the_documents_reference(tmp_path, capsys):
    assert run_draft(Settings(), SourceSpec(kind="demo"), out=tmp_path) == 0
    internal = (tmp_path / "internal.md").read_text(encoding="utf-8")
    external = (tmp_path / "external.md").read_text(encoding="utf-8")
    for name in ("timeline.svg", "causes.svg", "external-timeline.svg"):
        svg = (tmp_path / name).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg
    assert "![Incident timeline](timeline.svg)" in internal and "![Cause diagram](causes.svg)" in internal
    assert "![Incident timeline](external-timeline.svg)" in external and "timeline.svg)" not in external.replace("external-timeline.svg)", "")
    # the internal document starts with the executive summary: customers, how long, what we do
    first = internal.split("\n\n")[1]
    assert first.startswith("**Executive summary:** ~12% of checkout requests failed")
    assert "Customers were affected for about 1 h, from 2024-12-03 14:00" in first and "we will " in first
    assert internal.index("Executive summary") < internal.index("## Summary")
    # customers are told what they saw and when, not the team's replayed jobs or the deploy time
    assert "## What you saw\n\n~12% of checkout requests failed in 3 regions.\n" in external
    assert "Customers were affected from 2024-12-03 14:00 to 15:00 UTC." in external
    # the reconciliation is told once, as the data impact, not again as the scope
    assert internal.count("Reconciliation done: 0 double charges") == 1
    assert "## Data impact\n\nReconciliation done: 0 double charges" in internal


def test_exec_summary_answer_wins(demo):
    from facilitator.render import render_both

    session, transcript, settings = demo
    Interview(session, transcript, SessionStore()).answer("exec_summary", "Checkout was down. For an hour. We fixed it.")
    assert "**Executive summary:** Checkout was down. For an hour. We fixed it." in render_both(session, transcript, settings).internal


def test_commands_that_do_not_draw_never_import_drawsvg():
    code = (
        "import sys, facilitator.cli, facilitator.render, facilitator.publish, facilitator.pictures.data\n"
        "assert 'drawsvg' not in sys.modules, 'drawsvg imported'\n"
        "import facilitator.pictures.timeline_svg\n"
        "assert 'drawsvg' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_external_picture_carries_the_redacted_title_only(demo):
    from facilitator.render import render_both

    session, transcript, _ = demo
    Interview(session, transcript, SessionStore()).answer("title", "payments-db connection storm")
    settings = Settings(redaction={"internal_names": ["payments-db"]})
    rendered = render_both(session, transcript, settings, pictures=True)
    external_svg = rendered.pictures["external-timeline.svg"].svg
    assert "payments-db" not in external_svg and "connection storm" in external_svg
    assert "payments-db" in rendered.pictures["timeline.svg"].svg  # the internal one keeps it


def test_storage_embeds_local_pictures_as_attachments_and_urls_as_urls():
    from facilitator.render.storage import markdown_to_storage

    storage = markdown_to_storage("![Incident timeline](timeline.svg)\n\n![shot](https://example.com/a.png)\n")
    assert '<ac:image ac:alt="Incident timeline"><ri:attachment ri:filename="timeline.svg" /></ac:image>' in storage
    assert '<ri:url ri:value="https://example.com/a.png" />' in storage


@pytest.mark.parametrize("name", ["timeline.svg", "external-timeline.svg", "causes.svg"])
def test_svg_snapshots_of_the_hand_built_incident(name):
    """Golden SVGs (tests/data/golden/pictures/); UPDATE_GOLDEN=1 rewrites them after a look."""
    from facilitator.render import render_both
    from tests.unit.test_render import check_golden, load_incident, settings

    session, transcript = load_incident()
    rendered = render_both(session, transcript, settings(), pictures=True)
    svg = rendered.pictures[name].svg
    check_golden(f"pictures/{name}", svg)


def test_chat_text_in_the_pictures_cannot_break_out_of_the_svg():
    """The title reaches an attribute (aria-label): quotes and angle brackets are escaped, so the
    file stays well-formed XML with no attribute or element the chat wrote."""
    import xml.etree.ElementTree as ET

    from facilitator.render import render_both
    from tests.unit.test_render import load_incident, settings

    session, transcript = load_incident()
    session.title = 'Checkout " onload="alert(1)" <img src=x onerror=alert(2)> failing'
    for name, picture in render_both(session, transcript, settings(), pictures=True).pictures.items():
        root = ET.fromstring(picture.svg.encode("utf-8"))
        for element in root.iter():
            assert not any(key.lower().startswith("on") for key in element.attrib), name
            assert not element.tag.endswith(("script", "img")), name
        if name == "timeline.svg":
            assert "onload" in root.attrib["aria-label"]  # the words stay, as text
