"""The Timeline tab shows the incident chart, and it follows edits of the key times."""

from __future__ import annotations

from datetime import datetime, timezone

from screens.main import MainScreen
from screens.timeline import TimelinePane
from screens.widgets.incident_chart import IncidentChart, draw
from facilitator.config import Settings
from facilitator.findings import Findings, KeyTime
from facilitator.pictures.data import timeline_data
from facilitator.session import Session, SourceSpec
from tests.interaction.apphelp import SIZE, demo_app, wait_for_screen


async def test_timeline_tab_shows_the_chart_and_redraws_after_an_answer():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        screen.action_tab("timeline")
        await pilot.pause()
        chart = screen.query_one(TimelinePane).query_one(IncidentChart)
        lines = str(chart.render()).splitlines()
        text = "\n".join(lines)
        assert "Fault introduced 13:52" in text and "Detected 14:07" in text and "Resolved 15:40" in text
        axis = next(line for line in lines if "●" in line)
        assert axis.count("●") == 4 and "━" in axis  # four milestones, the impact window drawn thick
        assert any(symbol in text for symbol in "!◆↺")  # key events under the axis
        assert "detect 15m" in text
        assert all(len(line) <= chart.size.width for line in lines)  # nothing wraps
        screen.interview.answer("resolved_at", "2024-12-03 16:10")
        screen.query_one(TimelinePane).refresh_view()
        await pilot.pause()
        assert "Resolved 16:10" in str(chart.render())


def test_narrow_chart_shortens_and_stacks_labels_instead_of_overlapping():
    t0 = datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    findings = Findings(started_at=KeyTime(at=t0), detected_at=KeyTime(at=t0.replace(minute=2)),
                        mitigated_at=KeyTime(at=t0.replace(minute=4)), resolved_at=KeyTime(at=t0.replace(hour=14)))
    session = Session(name="n", source=SourceSpec(kind="transcript"), findings=findings)
    text = draw(timeline_data(session, None, Settings(), "n"), 40).plain
    assert all(clock in text for clock in ("12:00", "12:02", "12:04", "14:00"))  # every milestone labelled
    assert "Fault 12:00" in text and "Fault introduced" not in text  # shortened to fit
    assert all(len(line) <= 40 for line in text.splitlines())
