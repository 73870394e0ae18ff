"""Continue a reviewed post-mortem in the interview: the document becomes a session.

What the document already says is entered as answers (through the interview engine, so each
value is validated exactly as a typed one would be), its action items become the session's
actions and its five whys its chain; the interview then starts at the first question the
document left open. The document's timeline rows become the transcript the side pane shows
and the answers cite. A document read from Confluence records its page, so publishing the
session updates that same page in place.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from facilitator.config import Settings
from facilitator.interview.engine import Interview
from facilitator.interview.parse import AnswerError
from facilitator.review.checks import Review, root_cause_text
from facilitator.review.facts import KEY_TIMES, rows_transcript
from facilitator.session import ActionItem, Session, SourceSpec, WhyTurn
from facilitator.session_start import start_session
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript

# Document part -> the question whose answer it holds (list questions take its lines).
PART_ANSWERS = {
    "impact": "customer_effect",
    "root_cause": "actual_cause",
    "resolution": "fix",
    "lucky": "luck",
    "responders": "responders",
    "messaging": "messaging",
    "went_well": "went_well",
    "went_poorly": "went_badly",
    "what_happened": "what_happened",
    "lessons": "lessons",
    "detection": "detection_method",
}
_PRIORITIES = {"P1", "P2", "P3"}
_CATEGORIES = {"investigate", "mitigate", "repair", "detect", "mitigate future", "prevent"}


def _transcript(review: Review, tz: str) -> Transcript:
    """The document's timeline rows as messages (its sections, when it has no timeline)."""
    doc, facts = review.document, review.facts
    transcript = rows_transcript(facts, doc.source, doc.title, tz)
    if transcript.messages:
        return transcript
    start = datetime.combine(facts.day or datetime.now(timezone.utc).date(), time()).replace(tzinfo=ZoneInfo(tz))
    sections = [s for s in doc.sections if s.body.strip()] or [None]
    transcript.messages = [
        Message(id=f"doc-{s.line if s else 1}", at=start, author=s.heading if s else "document",
                text=(s.body.strip()[:4000] if s else doc.title or "(empty document)"), origin=doc.source)
        for s in sections
    ]
    return transcript


def _lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?", "", line).strip()
        line = re.sub(r"[*_`]+", "", line).strip()
        if line and not line.startswith(("#", "|")):
            out.append(line)
    return out


def session_from_review(review: Review, settings: Settings, name: str, store: SessionStore | None = None) -> Session:
    """A new saved session holding what the reviewed document says."""
    doc, facts = review.document, review.facts
    store = store or SessionStore()
    tz = settings.timezone or "UTC"
    transcript = _transcript(review, tz)
    ref = doc.source if doc.source not in ("", "-") and not doc.page_id else ""
    spec = SourceSpec(kind="transcript", ref=ref, timezone=tz, date=facts.day.isoformat() if facts.day else "")
    session, transcript = start_session(spec, settings, store, transcript=transcript, name=name)
    interview = Interview(session, transcript, store)
    known = {q.id for q in interview.questions}

    def put(qid: str, value: str | list[str]) -> None:
        if qid in known and value and qid not in session.answers:
            try:
                interview.answer(qid, value)
            except AnswerError:
                pass  # the document's wording does not fit the question: the interview asks it

    if doc.title:
        put("title", doc.title)
    for key in KEY_TIMES:
        stated = facts.times.get(key)
        if stated is not None:
            put(key, stated.value.replace(tzinfo=ZoneInfo(tz)).isoformat())
    for part, qid in PART_ANSWERS.items():
        text = root_cause_text(doc) if part == "root_cause" else doc.part_text(part)
        if not text.strip():
            continue
        question = next((q for q in interview.questions if q.id == qid), None)
        if question is None:
            continue
        if question.is_list:
            put(qid, _lines(text))
        elif question.type == "choice":
            put(qid, _lines(text)[0] if _lines(text) else "")
        else:
            put(qid, " ".join(_lines(text)))
    session.whys = _whys(doc.part_text("whys"))
    session.actions = [
        ActionItem(
            id=f"a{n}", action=a.text, owner=a.owner, due=a.due,
            priority=a.priority.upper() if a.priority.upper() in _PRIORITIES else "P2",  # type: ignore[arg-type]
            category=a.category if a.category in _CATEGORIES else "repair",  # type: ignore[arg-type]
            status="done" if not a.is_open else "open",
            jira_key=a.ticket if re.fullmatch(r"[A-Z][A-Z0-9]+-\d+", a.ticket) else "",
        )
        for n, a in enumerate(facts.actions, start=1)
    ]
    if doc.page_id:
        session.published.confluence_page_id = doc.page_id
        session.published.confluence_url = doc.source
        session.published.confluence_version = doc.version
    session.current_question = next((q.id for q in interview.questions if q.id not in session.answers), session.current_question)
    interview.save()
    return session


def _whys(text: str) -> list[WhyTurn]:
    turns: list[WhyTurn] = []
    for line in text.splitlines():
        m = re.match(r"^\s*\d+[.)]\s+(?:\*\*)?(?P<q>[^?*]+\?)(?:\*\*)?\s*(?P<a>.*)$", line)
        if not m:
            continue
        answer = re.sub(r"\s*_\((?:immediate|contributing|systemic)\)_|\s*\(msg[^)]*\)", "", m["a"]).strip()
        if re.fullmatch(r"\[TODO\].*", answer):
            answer = ""
        parent = turns[-1].id if turns else None
        turns.append(WhyTurn(id=f"w{len(turns) + 1}", question=m["q"].strip(), answer=answer, parent_id=parent))
    return turns
