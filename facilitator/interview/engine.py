"""``Interview``: the question-and-answer part of a post-mortem, independent of any UI.

The engine wraps one ``Session`` (the persisted state), the ``Transcript`` it cites, the
question catalogue and a ``SessionStore``. Every change (an answer, a move to another
question) is saved before the call returns, so a process killed at any moment loses at most
the answer being typed. UIs ask the engine what to show (``display_text``, ``suggestion``,
``progress``) and hand it raw text; the engine parses by question type (``parse``), keeps
"unknown" and "skip" as first-class answers, and derives the order check and the metrics
(``facilitator.durations``) from what was answered; ``todos`` is the document's own TODO list.
The action-owners answer and the action items are one list: its lines add or update items.

Suggestions come from two places: the offline builders over the findings (``suggest``) and,
when an LLM is available, ``add_suggestions`` (see ``facilitator.assist``). The engine keeps
both per question and shows the more confident one (ties go to the LLM, which read the whole
channel); the offline suggestion stays whenever the LLM has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from facilitator.errors import UserError
from facilitator.findings import ESTIMATE_CONFIDENCE
from facilitator.interview.catalogue import KEY_TIME_IDS, Question, load_catalogue
from facilitator.interview.parse import (
    AnswerError,
    classify,
    format_duration,
    parse_value,
    read_datetime,
    stored_datetime,
    validate,
)
from facilitator.interview.suggest import Suggestion, suggest
from facilitator.session import Answer, AnswerStatus, LintFinding, Session, utcnow
from facilitator.transcript import Transcript

if TYPE_CHECKING:
    from facilitator.sessions import SessionStore

KEY_TIME_LABELS = {
    "started_at": "started (fault introduced)",
    "detected_at": "detected",
    "mitigated_at": "mitigated",
    "resolved_at": "resolved",
}


@dataclass
class Metrics:
    """Durations derived from the four key times (None where a time is unknown)."""

    started_at: datetime | None = None
    detected_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    # The named durations of facilitator.durations (definitions there).
    time_to_detect: timedelta | None = None
    time_to_mitigate: timedelta | None = None
    time_to_resolve: timedelta | None = None
    time_in: timedelta | None = None
    estimated: list[str] = field(default_factory=list)  # key times taken from findings, not answers

    def human(self) -> dict[str, str]:
        """Metric name -> '1h 42m' (or 'unknown'), for documents and screens."""
        names = ("time_to_detect", "time_to_mitigate", "time_to_resolve", "time_in")
        return {n: format_duration(getattr(self, n)) or "unknown" for n in names}


@dataclass
class Todo:
    """A question still open in the document: unknown, skipped or not answered yet."""

    question_id: str
    text: str  # the question
    reason: str  # "unknown" | "skipped" | "not answered" | "suggested" | "answered" | "to do"
    section: str = ""
    target: str = ""  # where it is fixed: "question:<id>", "tab:actions", "tab:whys"


class Interview:
    """The interview over one session; every mutating call saves through the store."""

    def __init__(
        self,
        session: Session,
        transcript: Transcript | None = None,
        store: SessionStore | None = None,
        questions: list[Question] | None = None,
    ) -> None:
        self.session = session
        self.transcript = transcript
        self.store = store
        self.questions: list[Question] = questions if questions is not None else load_catalogue()
        self._by_id = {q.id: q for q in self.questions}
        self._suggestions: dict[str, Suggestion | None] = {}  # offline, cached
        self._extra: dict[str, Suggestion] = {}  # from the LLM (add_suggestions), kept across refreshes
        if session.current_question not in self._by_id:
            session.current_question = self._first_open_id()

    # -- lookup -------------------------------------------------------------------------

    @property
    def tz(self) -> str:
        """The IANA zone answers are parsed and shown in."""
        return self.session.timezone or "UTC"

    def question(self, qid: str) -> Question:
        """The question with this id; UserError for an unknown id."""
        try:
            return self._by_id[qid]
        except KeyError:
            raise UserError(f"There is no question '{qid}'; see prompts/questions.toml for the ids.") from None

    def get_answer(self, qid: str) -> Answer | None:
        """The stored answer, or None when the question was never answered."""
        return self.session.answers.get(qid)

    def value(self, qid: str) -> str | list[str] | None:
        """The stored value when the answer is usable (answered or suggested), else None."""
        ans = self.session.answers.get(qid)
        if ans is None or ans.status not in ("answered", "suggested"):
            return None
        return ans.value

    def is_done(self, qid: str) -> bool:
        """True when the question has any answer, unknown and skip included."""
        return qid in self.session.answers

    def reference_date(self) -> date | None:
        """The day a bare time ('14:02') refers to: the transcript's first day, in the session zone."""
        first = self.transcript.first_at if self.transcript is not None else None
        if first is None:
            return None
        return first.astimezone(ZoneInfo(self.tz)).date()

    # -- navigation ---------------------------------------------------------------------

    def _first_open_id(self) -> str:
        for q in self.questions:
            if q.id not in self.session.answers:
                return q.id
        return self.questions[0].id if self.questions else ""

    @property
    def current(self) -> Question | None:
        """The question to show now (None when the catalogue is empty)."""
        return self._by_id.get(self.session.current_question)

    @property
    def index(self) -> int:
        """Position of the current question in ``questions``."""
        ids = [q.id for q in self.questions]
        return ids.index(self.session.current_question) if self.session.current_question in ids else 0

    def goto(self, qid: str) -> Question:
        """Make ``qid`` the current question (saved, so a resume lands here)."""
        q = self.question(qid)
        self.session.current_question = qid
        self._save()
        return q

    def next(self) -> Question | None:
        """Move to the next question; None (and no move) when at the last one."""
        i = self.index
        if i + 1 >= len(self.questions):
            return None
        return self.goto(self.questions[i + 1].id)

    def back(self) -> Question | None:
        """Move to the previous question; None (and no move) when at the first one."""
        i = self.index
        if i == 0:
            return None
        return self.goto(self.questions[i - 1].id)

    def next_open(self) -> Question | None:
        """Move to the first question after the current one that has no answer yet (wrapping)."""
        n = len(self.questions)
        for step in range(1, n + 1):
            q = self.questions[(self.index + step) % n]
            if q.id not in self.session.answers:
                return self.goto(q.id)
        return None

    def progress(self) -> tuple[int, int]:
        """(questions with any answer, total questions)."""
        done = sum(1 for q in self.questions if q.id in self.session.answers)
        return done, len(self.questions)

    @property
    def finished(self) -> bool:
        """True when every question has an answer (unknown and skip count)."""
        done, total = self.progress()
        return done == total

    # -- suggestions --------------------------------------------------------------------

    def suggestion(self, qid: str) -> Suggestion | None:
        """The suggested answer to show: the more confident of the offline and the LLM one
        (a key time from outside the channel, e.g. a PR's deployment, when neither has one)."""
        offline = self.offline_suggestion(qid)
        extra = self._extra.get(qid)
        if extra is None:
            outside = self.evidence_suggestions(qid)
            best = max(outside, key=lambda s: s.confidence) if outside else None
            if offline is None or (best is not None and offline.confidence < ESTIMATE_CONFIDENCE and best.confidence > offline.confidence):
                return best  # a PR's deployment beats the channel's guess (the first alert as the start)
            return offline
        if offline is None or extra.confidence >= offline.confidence:
            return extra
        return offline

    def offline_suggestion(self, qid: str) -> Suggestion | None:
        """The suggestion built from the findings (cached; ``refresh_suggestions`` clears it)."""
        if qid not in self._suggestions:
            q = self.question(qid)
            result = suggest(q, self.session.findings, self.transcript, self.tz)
            if qid == "action_owners" and self.session.actions:
                result = self._owners_from_actions()  # the one action list, as lines
            elif qid in ("customer_explanation", "customer_changes"):
                result = self._customer_wording(qid)
            self._suggestions[qid] = result
        return self._suggestions[qid]

    def alternatives(self, qid: str) -> list[Suggestion]:
        """Every suggestion known for ``qid``, the one shown first (for 'show the other one').

        Key times add the extractor's other candidates (``Suggestion.others``), so picking
        another moment is one choice, not retyping a time. Key-time candidates from outside the
        channel (a PR merged or deployed, a ticket) come last, each citing its link and message.
        """
        shown = self.suggestion(qid)
        others = [s for s in (self.offline_suggestion(qid), self._extra.get(qid)) if s is not None and s is not shown]
        offline = self.offline_suggestion(qid)
        candidates = [c for c in (offline.others if offline is not None else []) if all(c.value != o.value for o in [shown, *others] if o)]
        found = [s for s in self.evidence_suggestions(qid)
                 if all(s.value != o.value or s.note != o.note for o in [shown, *others, *candidates] if o)]
        return ([shown] if shown is not None else []) + others + candidates + found

    def accept_alternative(self, qid: str, index: int) -> Answer:
        """Store alternative ``index`` of ``alternatives(qid)`` (0 = the shown suggestion) as the answer."""
        options = self.alternatives(qid)
        if not 0 <= index < len(options):
            raise AnswerError(f"There is no suggestion number {index + 1} for '{self.question(qid).text}'.")
        if index == 0:
            return self.accept_suggestion(qid)
        chosen = options[index]
        return self.answer(qid, self.display_value(qid, chosen.value), status="suggested", message_ids=list(chosen.message_ids))

    def evidence_suggestions(self, qid: str) -> list[Suggestion]:
        """Key-time candidates gathered outside the channel (a PR merged or deployed, a ticket, the first
        error logged); the note names the record and its URL, the ids are the messages that linked it."""
        out = []
        for c in self.session.evidence.candidates_for(qid):
            note = c.label + (f" ({c.url})" if c.url else "")
            ids = [m for m in c.message_ids if self.transcript is None or m in self.transcript]
            out.append(Suggestion(stored_datetime(c.at, self.tz), ids, note, c.confidence, source="evidence"))
        return out

    def alternative_lines(self, qid: str) -> list[str]:
        """The alternatives to the shown suggestion as one line each ('2024-12-03 13:48 — PR ... [from 14:20 ...]')."""
        lines = []
        for s in self.alternatives(qid)[1:]:
            cite = f" {self.cite(s.message_ids[0])}" if s.message_ids else ""
            lines.append(f"{self.display_value(qid, s.value)} — {s.note or 'from the transcript'}{cite}")
        return lines

    def add_suggestions(self, extra: Mapping[str, Any], source: str = "llm") -> list[str]:
        """Attach suggestions from another source (value, message_ids, note, confidence), keyed by question id.

        Values are normalised to the stored shape of the question's type; a value that does
        not fit (or says "unknown") and ids of unknown questions are ignored. Returns the ids kept.
        """
        kept = []
        for qid, s in extra.items():
            q = self._by_id.get(qid)
            value = getattr(s, "value", None)
            if q is None or not isinstance(value, (str, list)) or classify(value) is not None:
                continue
            try:
                stored = parse_value(q, value, self.tz, self.reference_date())
            except AnswerError:
                continue
            self._extra[qid] = Suggestion(
                stored,
                list(getattr(s, "message_ids", []) or []),
                str(getattr(s, "note", "") or ""),
                float(getattr(s, "confidence", 0.5)),
                source=source,
            )
            kept.append(qid)
        return kept

    def _owners_from_actions(self) -> Suggestion:
        lines = [
            f"{a.action} - {a.owner or 'owner?'} - {a.due.isoformat() if a.due else 'due?'}" for a in self.session.actions
        ]
        ids = [mid for a in self.session.actions for mid in a.message_ids]
        return Suggestion(lines, ids, "from the action items", 0.9)

    def _customer_wording(self, qid: str) -> Suggestion | None:
        """Plain customer wording for the external version (``interview.customer``), from the fix and the actions."""
        from facilitator.interview.customer import customer_changes, customer_story

        if qid == "customer_changes":
            lines = customer_changes(self.session.actions)
            ids = [mid for a in self.session.actions for mid in a.message_ids]
            return Suggestion(lines, ids, "the action items that are safe to tell customers", 0.4) if lines else None
        fix = self.value("fix")
        if not isinstance(fix, str) or not fix:
            fix = self.session.findings.fixes[0].text if self.session.findings.fixes else ""
        cause = self.value("actual_cause")
        if not fix and not cause:
            return None
        story = customer_story(fix, cause if isinstance(cause, str) else "")
        answer = self.session.answers.get("fix")
        ids = list(answer.message_ids) if answer is not None and answer.message_ids else (
            list(self.session.findings.fixes[0].message_ids) if self.session.findings.fixes else [])
        return Suggestion(story, ids, "a plain wording chosen by how it was fixed; say it your way", 0.3)

    def refresh_suggestions(self) -> None:
        """Forget cached suggestions (after the findings or action items changed)."""
        self._suggestions.clear()

    def has_evidence(self, qid: str) -> bool:
        """True when the findings suggest an answer to this question."""
        return self.suggestion(qid) is not None

    def display_text(self, qid: str) -> str:
        """The question as shown: says so and asks explicitly when there is no evidence for it."""
        q = self.question(qid)
        if self.suggestion(qid) is None:
            for oq in self.session.findings.open_questions:
                if oq.field == qid and oq.question:
                    return oq.question
            if q.missing:
                return q.missing
        return q.text

    def citation_lines(self, qid: str, limit: int = 5) -> list[str]:
        """'[from 14:02 Alice: first 60 chars]' for the messages a suggestion rests on."""
        s = self.suggestion(qid)
        if s is None or self.transcript is None:
            return []
        return [self.cite(mid) for mid in s.message_ids[:limit] if mid in self.transcript]

    def display_value(self, qid: str, value: str | list[str]) -> str:
        """A stored value as one editable line: lists joined by '; ', datetimes as '2024-12-03 14:02'."""
        if isinstance(value, list):
            return "; ".join(value)
        if self.question(qid).type == "datetime":
            at = read_datetime(value)
            if at is not None:
                return at.astimezone(ZoneInfo(self.tz)).strftime("%Y-%m-%d %H:%M")
        return value

    def cite(self, message_id: str, width: int = 60) -> str:
        """One citation line for a message id."""
        m = self.transcript.get(message_id) if self.transcript is not None else None
        if m is None:
            return f"[from message {message_id}]"
        text = " ".join(m.text.split())
        if len(text) > width:
            text = text[: width - 1] + "\u2026"
        return f"[from {m.at.astimezone(ZoneInfo(self.tz)):%H:%M} {m.author}: {text}]"

    # -- answering ----------------------------------------------------------------------

    def validate(self, qid: str, raw: str | list[str]) -> str | None:
        """None when ``raw`` would be accepted, else one sentence saying what fits (for live UIs)."""
        problem = validate(self.question(qid), raw, self.tz, self.reference_date())
        if problem is None and qid == "action_owners" and classify(raw) is None:
            problem = self._owner_lines_problem(raw)
        return problem

    def _owner_lines_problem(self, raw: str | list[str]) -> str | None:
        """One sentence when an owner line's due date is not a date (the lines become action items)."""
        from facilitator.interview.actions import ActionBook, parse_due, split_owner_line
        from facilitator.interview.parse import split_lines

        not_before = ActionBook(self.session).incident_date()
        for n, line in enumerate(split_lines(raw), 1):
            try:
                parse_due(split_owner_line(line)[2], not_before)
            except UserError as exc:
                return f"Line {n} ('action - owner - due date'): {exc}"
        return None

    def answer(
        self,
        qid: str,
        value: str | list[str] = "",
        status: AnswerStatus = "answered",
        message_ids: list[str] | None = None,
    ) -> Answer:
        """Record an answer and save it before returning; AnswerError when ``value`` does not fit.

        "unknown" / "skip" typed as the value set the status; ``status="suggested"`` with an
        empty value accepts the current suggestion (its citations included).
        """
        q = self.question(qid)
        word = classify(value) if status == "answered" else None
        if word is not None:
            status = word  # type: ignore[assignment]
        if status in ("unknown", "skipped"):
            stored: str | list[str] = [] if q.is_list else ""
            ids = list(message_ids or [])
        elif status == "suggested" and (value == "" or value == []):
            s = self.suggestion(qid)
            if s is None:
                raise AnswerError(f"There is no suggested answer for '{q.text}'; type one, or 'unknown' / 'skip'.")
            stored, ids = s.value, list(message_ids if message_ids is not None else s.message_ids)
        else:
            stored = parse_value(q, value, self.tz, self.reference_date())
            if qid == "action_owners" and (problem := self._owner_lines_problem(stored)):
                raise AnswerError(problem)
            ids = list(message_ids or [])
            if message_ids is None and status == "suggested":
                s = self.suggestion(qid)
                ids = list(s.message_ids) if s is not None else []
        ans = Answer(question_id=qid, value=stored, status=status, message_ids=ids, answered_at=utcnow())
        self.session.answers[qid] = ans
        if qid == "title" and isinstance(stored, str) and stored:
            self.session.title = stored
        if qid == "action_owners" and isinstance(stored, list):
            self._sync_actions(stored, ids)
        self._save()
        return ans

    def _sync_actions(self, lines: list[str], message_ids: list[str]) -> None:
        """The action-owners lines and the action items are one list: each line adds or updates an item."""
        from facilitator.interview.actions import ActionBook

        from facilitator.interview.actions import link_channel_tickets

        ActionBook(self.session).merge_lines(lines, message_ids)
        if self.transcript is not None:
            link_channel_tickets(self.session.actions, self.transcript.messages)
        self._suggestions.pop("customer_changes", None)

    def accept_suggestion(self, qid: str) -> Answer:
        """Store the suggestion as the answer (status "suggested")."""
        return self.answer(qid, "", status="suggested")

    def clear(self, qid: str) -> None:
        """Forget the answer to ``qid`` (it becomes a TODO again)."""
        self.question(qid)
        if self.session.answers.pop(qid, None) is not None:
            self._save()

    def fill_suggestions(self, overwrite: bool = False) -> list[str]:
        """Accept every available suggestion for unanswered questions (one save); returns the ids filled."""
        filled = []
        # The owners' lines first: they fill the action list the customer wording is drawn from.
        for q in sorted(self.questions, key=lambda q: q.id != "action_owners"):
            if q.id in self.session.answers and not overwrite:
                continue
            s = self.suggestion(q.id)
            if s is None:
                continue
            self.session.answers[q.id] = Answer(
                question_id=q.id, value=s.value, status="suggested", message_ids=list(s.message_ids), answered_at=utcnow()
            )
            if q.id == "title" and isinstance(s.value, str):
                self.session.title = s.value
            if q.id == "action_owners" and isinstance(s.value, list):
                self._sync_actions(s.value, list(s.message_ids))
            filled.append(q.id)
        if filled:
            self._save()
        return filled

    # -- derived ------------------------------------------------------------------------

    def key_time(self, qid: str) -> datetime | None:
        """A key time from the answer; from the findings when unanswered; None when unknown."""
        ans = self.session.answers.get(qid)
        if ans is not None:
            if ans.status in ("answered", "suggested") and isinstance(ans.value, str):
                return read_datetime(ans.value)
            return None
        kt = self.session.findings.key_time(qid) if qid in KEY_TIME_IDS else None
        return kt.at if kt is not None else None

    def order_warnings(self) -> list[str]:
        """Warnings for key times out of order (start <= detect <= mitigate <= resolve)."""
        zone = ZoneInfo(self.tz)
        times = [(qid, self.key_time(qid)) for qid in KEY_TIME_IDS]
        known = [(qid, at) for qid, at in times if at is not None]
        warnings = []
        for i, (early_id, early) in enumerate(known):
            for late_id, late in known[i + 1 :]:
                if early > late:
                    warnings.append(
                        f"{KEY_TIME_LABELS[early_id].capitalize()} ({early.astimezone(zone):%Y-%m-%d %H:%M}) is after "
                        f"{KEY_TIME_LABELS[late_id]} ({late.astimezone(zone):%Y-%m-%d %H:%M}); check both times."
                    )
        return warnings

    def metrics(self) -> Metrics:
        """Time to detect, mitigate and resolve, and time-in, from the key times (``facilitator.durations``)."""
        from facilitator.durations import spans

        t = {qid: self.key_time(qid) for qid in KEY_TIME_IDS}
        estimated = [qid for qid in KEY_TIME_IDS if qid not in self.session.answers and t[qid] is not None]
        return Metrics(
            started_at=t["started_at"],
            detected_at=t["detected_at"],
            mitigated_at=t["mitigated_at"],
            resolved_at=t["resolved_at"],
            estimated=estimated,
            **spans(t),
        )

    def todos(self) -> list[Todo]:
        """What the document still lacks: the one TODO list (``render.model.document_todos``) that the
        document shows at its top and the Preview, export dialog and CLI count; unknown and skipped
        answers are always on it, and so is every question the document has nothing for."""
        from facilitator.config import Settings
        from facilitator.render.model import document_todos

        reasons = {qid: ("not answered" if a is None else a.status) for qid in self._by_id
                   for a in [self.session.answers.get(qid)]}
        out = []
        for item in document_todos(self.session, self.transcript, Settings(timezone=self.tz)):
            qid = item.question_id
            q = self._by_id.get(qid)
            text = item.text.removeprefix("[TODO] ")
            out.append(Todo(qid, text, reasons.get(qid, "to do") if q else "to do", q.section if q else "", item.target))
        # A question of a catalogue of one's own that the document model has no place for.
        from facilitator.render.contract import ANSWER_HOMES

        for q in self.questions:
            if q.id not in ANSWER_HOMES and reasons[q.id] in ("not answered", "unknown", "skipped"):
                out.append(Todo(q.id, q.text, reasons[q.id], q.section, f"question:{q.id}"))
        return out

    def run_lints(self) -> list[LintFinding]:
        """Run the blameless and action-quality lints over the session, store and save them."""
        from facilitator.interview.lint import lint_session

        self.session.lints = lint_session(self.session, self.transcript)
        self._save()
        return self.session.lints

    def save(self) -> None:
        """Save the session now (every mutating call already does)."""
        self._save()

    def _save(self) -> None:
        self.session.updated_at = utcnow()
        if self.store is not None:
            self.store.save(self.session)
