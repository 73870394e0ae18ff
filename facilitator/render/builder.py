"""The document builder's working state: the rows a template shows, and ``Builder``, which reads
the session's answers and findings for the document model (``model.py``) and the prose helpers
(``prose.py``), collects the TODOs, and formats times and citations in the configured zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from facilitator.config import Settings, check_timezone
from facilitator.findings import KeyTime
from facilitator.interview.catalogue import load_catalogue
from facilitator.render.contract import TodoItem
from facilitator.session import Session
from facilitator.transcript import Transcript

TODO = "[TODO]"


@dataclass
class TimelineRow:
    """One timeline line: when, who or what, what happened, what was known then, evidence."""

    time: str
    who: str
    event: str
    known_then: str
    evidence: str
    kind: str
    before_response: bool = False
    source: str = ""  # where the row comes from: "Slack", "Slack (bot)", "Alertmanager (automated)", "GitHub"...
    actor: str = ""  # who or what acted: a person, a bot, an alert name
    automated: bool = False  # an alert, a page, a bot or a log rather than a person


@dataclass
class WhyRow:
    """One 'why' with its answer and evidence."""

    question: str
    answer: str
    evidence: str
    level: str = ""


@dataclass
class ActionRow:
    """An action item as the documents show it."""

    id: str
    action: str
    owner: str
    due: str
    prevents: str
    status: str
    priority: str
    category: str
    jira_key: str = ""
    github_issue: str = ""  # URL of the GitHub issue filed for it


class Builder:
    """Collects TODOs while turning the session into display text."""

    def __init__(self, session: Session, transcript: Transcript | None, settings: Settings) -> None:
        self.session = session
        self.transcript = transcript
        self.tz: ZoneInfo = check_timezone(settings.timezone or session.timezone)
        self.todos: list[TodoItem] = []
        self.questions = {q.id: q for q in load_catalogue()}

    def todo(self, text: str, target: str = "") -> str:
        item = f"{TODO} {text}"
        if item not in (t.text for t in self.todos):
            self.todos.append(TodoItem(item, target))
        return item

    def todo_here(self, text: str, target: str = "") -> str:
        """A TODO listed in full at the top and marked in place by '[TODO]' alone, where the line says the rest."""
        self.todo(text, target)
        return TODO

    def ask(self, qid: str) -> str:
        """A TODO for an open question, worded as the interview asks it and pointing at it."""
        q = self.questions.get(qid)
        return self.todo(q.text if q else qid, f"question:{qid}")

    def status(self, qid: str) -> str:
        answer = self.session.answers.get(qid)
        return answer.status if answer is not None else ""

    def open(self, qid: str) -> bool:
        """True when the user said 'unknown' or 'skip': the answer is a TODO whatever was found."""
        return self.status(qid) in ("unknown", "skipped")

    def answer(self, qid: str) -> str:
        """The answer text ('' when unknown, skipped or empty)."""
        answer = self.session.answers.get(qid)
        if answer is None or answer.status in ("unknown", "skipped"):
            return ""
        value = answer.value
        text = "\n".join(v for v in value if v.strip()) if isinstance(value, list) else value
        return text.strip()

    def confirmed(self, qid: str) -> bool:
        """True when the user gave or confirmed this answer (not a mere suggestion)."""
        answer = self.session.answers.get(qid)
        return answer is not None and answer.status == "answered"

    def answer_list(self, qid: str) -> list[str]:
        answer = self.session.answers.get(qid)
        if answer is None or answer.status in ("unknown", "skipped"):
            return []
        if isinstance(answer.value, list):
            return [v.strip() for v in answer.value if v.strip()]
        return [line.strip(" -*\t") for line in answer.value.splitlines() if line.strip(" -*\t")]

    def pick(self, qid: str, fallback: str = "") -> str:
        """The answer; for an unanswered question the fallback; otherwise (and always for an
        unknown or skipped answer) a TODO asking the question."""
        if self.open(qid):
            return self.ask(qid)
        return self.answer(qid) or fallback or self.ask(qid)

    def pick_list(self, qid: str, fallback: list[str] | None = None) -> list[str]:
        """``pick`` for list answers."""
        if self.open(qid):
            return [self.ask(qid)]
        return self.answer_list(qid) or list(fallback or []) or [self.ask(qid)]

    def value(self, qid: str, fallback: str, todo: str = "") -> str:
        return self.pick(qid, fallback)

    # -- times ---------------------------------------------------------------------------
    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def fmt(self, at: datetime | None, with_date: bool = True) -> str:
        if at is None:
            return ""
        return self.local(at).strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")

    def key_time(self, name: str) -> datetime | None:
        text = self.answer(name)
        if text:
            parsed = self._parse_time(text)
            if parsed is not None:
                return parsed
        found: KeyTime | None = self.session.findings.key_time(name)
        return found.at if found else None

    def time_answer(self, qid: str) -> datetime | None:
        """A datetime question's answer as a time (None when unanswered, unknown, skipped or unreadable)."""
        text = self.answer(qid)
        return self._parse_time(text) if text else None

    def _parse_time(self, text: str) -> datetime | None:
        base_day = self._base_day()
        default = datetime.combine(base_day, datetime.min.time()) if base_day else None
        try:
            parsed = dateparser.parse(text, default=default, fuzzy=True)
        except (ValueError, OverflowError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.tz)

    def _base_day(self) -> date | None:
        first = self.transcript.first_at if self.transcript else None
        if first is None and self.session.findings.events:
            first = min(e.at for e in self.session.findings.events)
        return self.local(first).date() if first else None

    # -- evidence ------------------------------------------------------------------------
    def cite(self, message_ids: list[str], limit: int = 3) -> str:
        """Links to the evidence: permalinks when known, otherwise '(msg L12, 14:02)'.

        Machine ids (Slack timestamps like ``1733234980.000200``) mean nothing to a reader, so
        without a permalink such a message is cited by its time alone: '(msg 14:02)'.
        """
        parts: list[str] = []
        times: list[str] = []
        for mid in list(dict.fromkeys(message_ids))[:limit]:
            message = self.transcript.get(mid) if self.transcript else None
            readable = len(mid) <= 8
            if message is None:
                parts.append(f"(msg {mid})" if readable else "")
            elif message.permalink:
                parts.append(f"[msg {self.fmt(message.at, with_date=False)}]({message.permalink})")
            elif readable:
                parts.append(f"(msg {mid}, {self.fmt(message.at, with_date=False)})")
            else:
                times.append(self.fmt(message.at, with_date=False))
        if times:  # several time-only citations read best as one: '(msg 15:20, 15:21)'
            parts.append(f"(msg {', '.join(dict.fromkeys(times))})")
        return " ".join(p for p in parts if p)

    def answer_cite(self, qid: str) -> str:
        answer = self.session.answers.get(qid)
        return self.cite(answer.message_ids) if answer else ""
