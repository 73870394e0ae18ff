"""What the pictures show, computed from a session: times and events for the timeline chart,
the 5-whys spine and categorised factors for the cause diagram.

Kept apart from the drawing so the SVG code, the terminal chart in the app and the Markdown
table all show the same thing, and so tests can check the data without parsing SVG. The key
times come from ``render.model.key_times`` (answers win over findings), exactly as the
documents state them; events come from the user's curated timeline, else the extracted ones.

The external version shows only what customers saw: detection, mitigation and resolution, and
status-page or customer updates, with generic labels (never a chat message), so nothing in it
needs redacting beyond the title, which the caller's redactor handles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from facilitator.config import Settings, check_timezone
from facilitator.interview.whys import WhyChain
from facilitator.pictures.categories import load_categories, resolve, suggest_category
from facilitator.redact import mask_secrets
from facilitator.render.model import customers_affected_from, key_times
from facilitator.render.text import display, format_duration
from facilitator.session import Session
from facilitator.transcript import Transcript

MILESTONE_LABELS = {
    "started_at": "Fault introduced",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}
EXTERNAL_MILESTONES = ("detected_at", "mitigated_at", "resolved_at")
# Events drawn as markers, with the label a reader sees first.
MARKER_KINDS = {
    "alert": "Alert",
    "incident_created": "Incident declared",
    "status_page": "Status page",
    "customer_comms": "Customer update",
    "hypothesis_ruled_out": "Ruled out",
    "root_cause": "Cause found",
    "rollback": "Rollback",
    "fix_deployed": "Fix deployed",
}
EXTERNAL_MARKER_KINDS = {"status_page": "Status page update", "customer_comms": "Customer update"}
MAX_MARKERS = 16
SUMMARY_CHARS = 64  # the legend fits the rest to its column


@dataclass
class Milestone:
    """A key time on the chart."""

    key: str
    label: str
    at: datetime


@dataclass
class Span:
    """A labelled duration between two milestones (time to detect, mitigate, resolve)."""

    label: str
    start: datetime
    end: datetime

    @property
    def text(self) -> str:
        """'Time to detect 15 min'."""
        return f"{self.label} {format_duration(self.end - self.start)}"


@dataclass
class Marker:
    """A key event drawn on the axis."""

    at: datetime
    kind: str
    label: str


@dataclass
class TimelineData:
    """Everything the timeline chart shows."""

    title: str
    tz: ZoneInfo
    milestones: list[Milestone]
    spans: list[Span]
    impact: tuple[datetime, datetime] | None
    markers: list[Marker]

    @property
    def points(self) -> list[datetime]:
        """Every time drawn: the milestones, the markers and the impact band's ends."""
        return [m.at for m in self.milestones] + [m.at for m in self.markers] + list(self.impact or ())

    @property
    def multi_day(self) -> bool:
        """True when the drawn times fall on more than one day (in the zone shown)."""
        return len({p.astimezone(self.tz).date() for p in self.points}) > 1

    @property
    def drawable(self) -> bool:
        """A chart needs at least two distinct times."""
        return len(set(self.points)) >= 2

    def clock(self, at: datetime, with_date: bool | None = None) -> str:
        """'14:07', or '2024-12-03 14:07' on a multi-day chart."""
        local = at.astimezone(self.tz)
        dated = self.multi_day if with_date is None else with_date
        return local.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M")


def _events(session: Session) -> list[tuple[datetime, str, str]]:
    if session.timeline:
        return sorted(((e.at, e.kind, e.summary) for e in session.timeline), key=lambda item: item[0])
    return sorted(((e.at, e.kind, e.summary) for e in session.findings.events), key=lambda item: item[0])


def timeline_data(session: Session, transcript: Transcript | None, settings: Settings, title: str,
                  version: str = "internal") -> TimelineData:
    """The chart's data for the internal or the external version."""
    tz = check_timezone(settings.timezone or session.timezone)
    times = key_times(session, transcript, settings)
    keys = EXTERNAL_MILESTONES if version == "external" else tuple(MILESTONE_LABELS)
    milestones = [Milestone(k, MILESTONE_LABELS[k], at) for k in keys if (at := times.get(k)) is not None]
    milestones.sort(key=lambda m: m.at)

    def span(label: str, a: str, z: str) -> Span | None:
        start, end = times.get(a), times.get(z)
        return Span(label, start, end) if start and end and end >= start else None

    if version == "external":
        wanted = [span("Time to mitigate", "detected_at", "mitigated_at"), span("Duration", "detected_at", "resolved_at")]
    else:
        wanted = [span("Time to detect", "started_at", "detected_at"), span("Time to mitigate", "detected_at", "mitigated_at"),
                  span("Time to resolve", "detected_at", "resolved_at")]
    spans = [s for s in wanted if s is not None]
    # the band: when customers were affected, as the document's "When" tells it (from the time
    # told apart from the fault, else from the fault), to the mitigation
    last = times.get("mitigated_at") or times.get("resolved_at")
    first = customers_affected_from(session, transcript, settings, times) or times.get("started_at") or times.get("detected_at")
    impact = (first, last) if first and last and last > first else None
    kinds = EXTERNAL_MARKER_KINDS if version == "external" else MARKER_KINDS
    markers: list[Marker] = []
    seen_cause = False
    for at, kind, summary in _events(session):
        if kind not in kinds:
            continue
        if kind == "root_cause":
            if seen_cause:
                continue  # the first identification is the moment that matters
            seen_cause = True
        if version == "external":
            label = kinds[kind]
        else:
            text = mask_secrets(display(summary))
            text = text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
            label = f"{kinds[kind]}: {text}" if text else kinds[kind]
        markers.append(Marker(at, kind, label))
    if milestones:  # events long before or after the incident would squash the chart
        lo, hi = milestones[0].at, milestones[-1].at
        pad = max((hi - lo) * 0.25, (hi - lo).__class__(minutes=30))
        markers = [m for m in markers if lo - pad <= m.at <= hi + pad]
    if len(markers) > MAX_MARKERS:  # keep the variety: first of each kind, then in time order
        firsts = {id(next(m for m in markers if m.kind == k)) for k in {m.kind for m in markers}}
        keep = [m for m in markers if id(m) in firsts]
        keep += [m for m in markers if id(m) not in firsts][: MAX_MARKERS - len(keep)]
        markers = sorted(keep, key=lambda m: m.at)
    return TimelineData(title, tz, milestones, spans, impact, markers)


@dataclass
class Factor:
    """A contributing factor on a bone of the fishbone."""

    text: str
    category: str  # category id
    chosen: bool  # False when the category is only suggested from the text


@dataclass
class CauseData:
    """The fishbone: the problem at the head, the 5-whys chain as the spine, factors by category."""

    problem: str
    spine: list[str]
    categories: list[tuple[str, str]]  # (id, name), in the configured order
    factors: list[Factor] = field(default_factory=list)
    stopped: bool = False  # the chain was stopped: its last answer is the root cause

    def by_category(self) -> dict[str, list[Factor]]:
        """Factors grouped by category id, every configured category present."""
        out: dict[str, list[Factor]] = {cid: [] for cid, _ in self.categories}
        for f in self.factors:
            out.setdefault(f.category, []).append(f)
        return out

    @property
    def drawable(self) -> bool:
        """Something to draw: a why answered or a factor recorded."""
        return bool(self.spine or self.factors)


def cause_data(session: Session, problem: str) -> CauseData:
    """The cause diagram's data: answered whys of the main chain and every contributing factor."""
    chain = WhyChain(session)
    spine = [mask_secrets(display(t.answer)) for t in chain.main_chain() if t.answer.strip()]
    factors = []
    for branch in chain.branches():
        for turn in branch:
            if not turn.answer.strip():
                continue
            chosen = bool(turn.category)
            category = resolve(turn.category).id if chosen else suggest_category(turn.answer).id
            factors.append(Factor(mask_secrets(display(turn.answer)), category, chosen))
    cats = [(c.id, c.name) for c in load_categories()]
    return CauseData(mask_secrets(display(problem)), spine, cats, factors, stopped=session.whys_done)
