"""The review of one post-mortem: what is missing, out of order, blameful, vague or leaking.

Every finding names where it is (a line and the section it is in) and what to do. The rules
are the ones the interview already applies to the documents it writes (the blameless and
action-quality lints of ``facilitator.interview.lint``, the leak scan of
``facilitator.redact``), pointed at documents written elsewhere, so a hand-written draft is
held to the same standard as a generated one. A *blocker* is something a team should fix
before publishing; a *warning* is worth a look.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from facilitator.interview.lint import action_findings, blame_findings
from facilitator.review.document import ReviewedDocument, is_empty, section_specs
from facilitator.review.facts import CATEGORIES, KEY_TIME_LABELS, KEY_TIMES, DocFacts, read_facts
from facilitator.session import ActionItem

Severity = str  # "blocker" | "warning"

DURATIONS = (
    ("time_to_detect", "Time to detect", "started_at", "detected_at", "fault introduced to detection"),
    ("time_to_mitigate", "Time to mitigate", "detected_at", "mitigated_at", "detection to mitigation"),
    ("time_to_resolve", "Time to resolve", "detected_at", "resolved_at", "detection to resolution"),
    ("time_in", "Time in", "started_at", "resolved_at", "fault introduced to resolution"),
)


@dataclass(frozen=True, slots=True)
class ReviewFinding:
    """One thing to look at in a reviewed document."""

    kind: str  # missing_section, empty_section, time_missing, time_order, blame, root_cause_person,
    #            vague_action, action_field, categories, leak
    severity: Severity
    problem: str
    suggestion: str = ""
    line: int = 0  # 1-based; 0 when the finding is about the whole document
    section: str = ""
    text: str = ""


@dataclass(slots=True)
class Review:
    """A reviewed document: its findings and what could be read from it."""

    document: ReviewedDocument
    facts: DocFacts
    findings: list[ReviewFinding] = field(default_factory=list)

    @property
    def blockers(self) -> list[ReviewFinding]:
        """Findings to fix before publishing."""
        return [f for f in self.findings if f.severity == "blocker"]

    def durations(self) -> dict[str, timedelta]:
        """The named durations the stated key times give."""
        out = {}
        for key, _label, start, end, _definition in DURATIONS:
            span = self.facts.span(start, end)
            if span is not None and span >= timedelta(0):
                out[key] = span
        return out

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        doc = self.document
        return {
            "title": doc.title,
            "source": doc.source,
            "page_id": doc.page_id,
            "date": self.facts.day.isoformat() if self.facts.day else None,
            "external": self.facts.external,
            "sections": {s.id: bool(doc.part(s.id)) for s in section_specs()},
            "times": {k: v.value.isoformat() for k, v in self.facts.times.items()},
            "durations_minutes": {k: round(v.total_seconds() / 60) for k, v in self.durations().items()},
            "actions": [
                {"text": a.text, "line": a.line, "owner": a.owner, "due": a.due.isoformat() if a.due else None,
                 "category": a.category, "status": a.status, "ticket": a.ticket}
                for a in self.facts.actions
            ],
            "root_cause": root_cause_text(doc),
            "blockers": len(self.blockers),
            "findings": [asdict(f) for f in self.findings],
        }


ROOT_CAUSE_LABEL = r"root[- ]cause|cause"


def root_cause_text(doc: ReviewedDocument) -> str:
    """The document's root cause in one line: its section, or a "Root cause:" line elsewhere ("" when none)."""
    text = doc.part_text("root_cause")
    if not text:
        found = doc.labelled(ROOT_CAUSE_LABEL)
        text = found[1] if found else ""
    text = re.sub(r"\s+", " ", re.sub(r"[#*_`>|]+", " ", text)).strip()
    return text[:400]


def review_document(doc: ReviewedDocument, external: bool | None = None) -> Review:
    """Check one document; ``external`` forces (or rules out) the customer-facing checks."""
    facts = read_facts(doc)
    if external is not None:
        facts.external = external
    review = Review(document=doc, facts=facts)
    add = review.findings.append
    _sections(doc, add)
    _times(review, add)
    _blame(doc, facts, add)
    _root_cause(doc, facts, add)
    _actions(doc, facts, add)
    if facts.external:
        _leaks(doc, facts, add)
    review.findings.sort(key=lambda f: (f.line or 10**9, f.severity != "blocker"))
    return review


def _section_at(doc: ReviewedDocument, line: int) -> str:
    name = ""
    for section in doc.sections:
        if section.line <= line:
            name = section.heading
    return name


def _sections(doc: ReviewedDocument, add: Any) -> None:
    worth_adding = []
    for spec in section_specs():
        section = doc.part(spec.id)
        if section is None and spec.id == "root_cause" and doc.labelled(ROOT_CAUSE_LABEL):
            continue  # stated as a "Root cause:" line inside another section (the classic layout)
        if section is None and spec.required:
            add(ReviewFinding("missing_section", "blocker", f"No '{spec.label}' section.", spec.hint, section=spec.label))
        elif section is None:
            worth_adding.append(spec.label)
        elif is_empty(doc.part_text(spec.id)):
            add(ReviewFinding(
                "empty_section", "blocker" if spec.required else "warning",
                f"The '{section.heading}' section is empty or holds only a placeholder.", spec.hint,
                line=section.line, section=section.heading,
            ))
    if worth_adding:
        add(ReviewFinding(
            "missing_section", "warning", "Sections worth adding: " + ", ".join(worth_adding) + ".",
            "Each answers a question readers ask; write 'none' where there is nothing to say.",
        ))


def _times(review: Review, add: Any) -> None:
    facts, doc = review.facts, review.document
    if doc.part("timeline") is not None and not facts.rows and not is_empty(doc.part_text("timeline")):
        section = doc.part("timeline")
        assert section is not None
        add(ReviewFinding("time_missing", "warning", "The timeline has no timestamped rows.",
                          "Start each row with its time (and the date when the incident spans days).",
                          line=section.line, section=section.heading))
    for key in KEY_TIMES:
        if key not in facts.times:
            add(ReviewFinding(
                "time_missing", "warning", f"No '{KEY_TIME_LABELS[key]}' time is stated.",
                f"Add a line '{KEY_TIME_LABELS[key]}: YYYY-MM-DD HH:MM (zone)' so the durations can be derived.",
            ))
    stated = [(k, facts.times[k]) for k in KEY_TIMES if k in facts.times]
    for i, (early_key, early) in enumerate(stated):
        for late_key, late in stated[i + 1 :]:
            if early.value > late.value:
                add(ReviewFinding(
                    "time_order", "blocker",
                    f"{KEY_TIME_LABELS[early_key]} ({early.value:%Y-%m-%d %H:%M}) is after "
                    f"{KEY_TIME_LABELS[late_key].lower()} ({late.value:%Y-%m-%d %H:%M}).",
                    "Check both times and their time zones.", line=early.line,
                    section=_section_at(doc, early.line), text=early.text,
                ))
    previous = None
    for row in facts.rows:
        if row.at is None:
            continue
        if previous is not None and row.at < previous.at:
            gap = previous.at - row.at
            if facts.day is None and gap > timedelta(hours=12):
                previous = row  # a clock time after midnight in a document without dates
                continue
            add(ReviewFinding(
                "time_order", "blocker",
                f"Timeline row at {row.at:%H:%M} comes after a row at {previous.at:%H:%M}.",
                "Put the rows in time order, or give each row its date when the incident crosses midnight.",
                line=row.line, section=_section_at(doc, row.line), text=row.text[:120],
            ))
        previous = row


def _blame(doc: ReviewedDocument, facts: DocFacts, add: Any) -> None:
    names = set(facts.people)
    names.update(part.split()[0] for part in facts.people if part.split())
    in_code = False
    for n, line in enumerate(doc.lines, start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or not line.strip() or line.lstrip().startswith("#"):
            continue
        texts = [c for c in line.strip().strip("|").split("|")] if "|" in line else [line]
        for text in texts:
            text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
            for finding in blame_findings(text, f"line {n}", names):
                add(ReviewFinding(
                    "blame", "blocker", finding.problem,
                    "Tell the second story: " + finding.suggestion[0].lower() + finding.suggestion[1:],
                    line=n, section=_section_at(doc, n), text=finding.text,
                ))


_PERSON_CAUSE = re.compile(
    r"\b(human|operator|user|engineer|developer|manual)[- ]error\b|\b(?:mistake|error|oversight|negligence)\s+(?:by|of|from)\s+\S+",
    re.I,
)


def _root_cause(doc: ReviewedDocument, facts: DocFacts, add: Any) -> None:
    section = doc.part("root_cause")
    if section is None:
        found = doc.labelled(ROOT_CAUSE_LABEL)
        if found is None:
            return
        line, text = found
        heading = _section_at(doc, line)
    else:
        line, text, heading = section.line, doc.part_text("root_cause"), section.heading
    names = [n for n in facts.people if len(n) >= 2]
    person = None
    m = _PERSON_CAUSE.search(text)
    if m:
        person = m.group()
    elif names:
        who = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        m = re.search(rf"\b(?:caused by|because(?: of)?|due to|fault of|was)\s+@?(?:{who})\b(?!['’]s\s+\w+\s+(?:system|service|tool|script))", text)
        if m:
            person = m.group()
    if person:
        add(ReviewFinding(
            "root_cause_person", "blocker",
            f"The root cause stops at a person ('{person.strip()}').",
            "Keep asking why: what made the action possible, and what would have caught it "
            "(a check, a guard rail, a clearer signal)? A person is never a root cause.",
            line=line, section=heading, text=person.strip(),
        ))


def _actions(doc: ReviewedDocument, facts: DocFacts, add: Any) -> None:
    if doc.part("actions") is None:
        return
    for item in facts.actions:
        section = _section_at(doc, item.line)
        probe = ActionItem(id=str(item.line), action=item.text, owner=item.owner, due=item.due)
        for finding in action_findings(probe):
            problem = finding.problem
            if problem.startswith("Too vague"):
                add(ReviewFinding("vague_action", "blocker", problem, finding.suggestion, item.line, section, item.text))
            elif problem.startswith("Has no due date") and item.due_text:
                add(ReviewFinding("action_field", "warning", f"The due date '{item.due_text}' is not a date.",
                                  "Write it as YYYY-MM-DD.", item.line, section, item.text))
            else:
                add(ReviewFinding("action_field", "warning", problem, finding.suggestion, item.line, section, item.text))
        if item.owner and re.search(r"\b(team|squad|group|oncall|on-call)\b", item.owner, re.I):
            add(ReviewFinding("action_field", "warning", f"The owner '{item.owner}' is a team.",
                              "Name the person who will drive it; the team can still do the work.", item.line, section, item.text))
        if not item.category:
            detail = f" ('{item.category_text}' is not one of them)" if item.category_text else ""
            add(ReviewFinding("action_field", "warning", f"Has no category{detail}.",
                              "Give it one of: " + ", ".join(CATEGORIES) + ".", item.line, section, item.text))
    covered = {a.category for a in facts.actions if a.category}
    if facts.actions and covered:
        missing = [c for c in CATEGORIES if c not in covered]
        if missing:
            section = doc.part("actions")
            assert section is not None
            add(ReviewFinding(
                "categories", "warning", "No action item covers: " + ", ".join(missing) + ".",
                "Ask for each whether something is worth doing; 'nothing needed' is a fine, explicit answer.",
                line=section.line, section=section.heading,
            ))


def _leaks(doc: ReviewedDocument, facts: DocFacts, add: Any) -> None:
    from facilitator.redact import Redactor
    from facilitator.redact_gate import external_scan

    redactor = Redactor()
    for name in facts.people:
        redactor.add_person(name)
    offsets = [0]
    for line in doc.lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(doc.lines)
    for leak in external_scan(text, redactor):  # the external gate's own detectors
        n = next(i for i in range(1, len(offsets)) if offsets[i] > leak.start)
        add(ReviewFinding(
            "leak", "blocker", f"A customer-facing document names {_article(leak.kind)}.",
            "Replace it with a plain description ('an engineer', 'a backend service') or remove it.",
            line=n, section=_section_at(doc, n), text=text[leak.start : leak.end][:80],
        ))


def _article(kind: str) -> str:
    return ("an " if kind[:1].lower() in "aeiou" else "a ") + kind
