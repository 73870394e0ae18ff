"""Pictures of a post-mortem: the incident timeline chart and the cause (fishbone) diagram.

``pictures_for`` returns the SVG files a document refers to, by file name: ``timeline.svg``
and ``causes.svg`` beside ``internal.md``, ``external-timeline.svg`` beside ``external.md``
(customer-facing milestones only). The Markdown export writes them next to the documents and
Confluence publishing attaches them to the page; both documents reference them by those names.

Drawing needs ``drawsvg``, which is imported only by the ``*_svg`` modules, and this package is
imported only by code that draws, so ``facilitator extract`` and friends never load it.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.config import Settings
from facilitator.session import Session
from facilitator.transcript import Transcript

TIMELINE_FILE = "timeline.svg"
EXTERNAL_TIMELINE_FILE = "external-timeline.svg"
CAUSES_FILE = "causes.svg"


@dataclass(frozen=True)
class Picture:
    """One SVG file: the name the documents reference, its alt text and its content."""

    filename: str
    alt: str
    svg: str


def pictures_for(session: Session, transcript: Transcript | None, settings: Settings, title: str, problem: str,
                 external_title: str = "") -> dict[str, Picture]:
    """Every picture there is something to draw for, by file name (internal and external)."""
    from facilitator.pictures.causes_svg import draw_causes
    from facilitator.pictures.data import cause_data, timeline_data
    from facilitator.pictures.timeline_svg import draw_timeline

    out: dict[str, Picture] = {}
    internal = timeline_data(session, transcript, settings, title)
    if internal.drawable:
        out[TIMELINE_FILE] = Picture(TIMELINE_FILE, "Incident timeline", draw_timeline(internal).svg)
    external = timeline_data(session, transcript, settings, external_title or title, version="external")
    if external.drawable:
        out[EXTERNAL_TIMELINE_FILE] = Picture(EXTERNAL_TIMELINE_FILE, "Incident timeline", draw_timeline(external).svg)
    causes = cause_data(session, problem)
    if causes.drawable:
        out[CAUSES_FILE] = Picture(CAUSES_FILE, "Cause diagram", draw_causes(causes).svg)
    return out
