"""Action items: add, edit, remove, suggest from the channel, and reject with a reason.

``ActionBook`` edits ``session.actions`` and ``session.rejected_actions`` and saves after
every change. Suggestions come from the findings' ``action_hints`` ("we should add an alert
for...", "TODO", "follow-up") and from follow-ups the channel names outright ("Task added: X",
"action items: X, Y"), cleaned into imperative items with a guessed category. Only what reads
as something to do later is proposed (``reads_as_follow_up``): thanks and acks, steps already
taken and remarks about writing the post-mortem are not. They are proposals the user accepts,
edits or rejects (the rejection reason is kept, because a
post-mortem that records what was *not* done and why is more useful later). The advice
"aim for 3 to 5 strong items" is given whenever the count is outside that range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil import parser as dateparser
from dateutil.relativedelta import FR, relativedelta

from facilitator.errors import UserError
from facilitator.findings import Fact, Findings
from facilitator.injection import looks_like_instructions
from facilitator.interview.action_wording import (
    hint_actions,
    owner_tail,
    reads_as_verb_phrase,
    stated_actions,
    without_glued_name,
)
from facilitator.session import ActionItem, LintFinding, RejectedAction, Session, utcnow

if TYPE_CHECKING:
    from facilitator.sessions import SessionStore

AIM_MIN, AIM_MAX = 3, 5
EDITABLE = ("action", "owner", "due", "priority", "category", "prevents_recurrence", "status", "addresses", "message_ids", "jira_key")

_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("investigate", re.compile(r"\b(investigate|figure out|understand|find out|dig into|look into|root cause|analy[sz]e)\b", re.I)),
    ("detect", re.compile(r"\b(alert|alarm|monitor|page|dashboard|metric|slo|detect|notify|observab)", re.I)),
    ("mitigate future", re.compile(r"\b(runbook|playbook|rollback|roll back|failover|kill switch|feature flag|circuit breaker|on-?call|drill)", re.I)),
    ("prevent", re.compile(r"\b(tests?|testing|review|validat\w*|lint\w*|checks?|guard\w*|block\w*|require\w*|prevent\w*|limit\w*|quotas?|codeowners|ci|canary|schema|fail (?:startup|fast|on))\b", re.I)),
    ("repair", re.compile(r"\b(fix|patch|repair|restore|backfill|clean ?up|revert|upgrade|replace|migrate|rotate|revoke)", re.I)),
)


@dataclass
class ActionSuggestion:
    """A proposed action item, with the message it came from."""

    action: str
    category: str = "repair"
    prevents_recurrence: str = "not assessed"
    message_ids: list[str] = field(default_factory=list)
    source_text: str = ""  # what was said in the channel
    named: bool = False  # the channel named it a follow-up ("action items: X", "Task added: X")
    owner: str = ""  # who took it on in the channel ("I'll rotate the password", "follow-up for me")

    @property
    def strong(self) -> bool:
        """True when it reads like an action (opens with a verb phrase, at least four words) or the
        channel named it one (at least three words)."""
        if self.named:
            return len(self.action.split()) >= 3
        return reads_as_verb_phrase(self.action) and len(self.action.split()) >= 4


def guess_category(text: str) -> str:
    """investigate / detect / mitigate future / prevent / repair, from keywords ('repair' when unsure)."""
    for category, pattern in _CATEGORIES:
        if pattern.search(text):
            return category
    return "repair"


def _prevents(category: str) -> str:
    return {"prevent": "yes", "detect": "detects only", "investigate": "no"}.get(category, "not assessed")


# The speaker took the item on: "follow-up for me", "that one's on me", "assign it to me".
_MINE_RE = re.compile(
    r"(?i)\bfollow[- ]?up\s+(?:is\s+)?(?:for|on)\s+me\b|\b(?:that|this|it)(?:[\x27\u2019]s|\s+is)\s+(?:on\s+me|mine)\b"
    r"|\b(?:assign|give)\s+(?:it|that|this)\s+to\s+me\b"
)


def committed_owner(action: str, message: Any) -> str:
    """The author of ``message`` when they took ``action`` on in it ("I'll rotate the checkout_app
    password", "I can add the alert", "follow-up for me"); "" otherwise and for bots."""
    author = str(getattr(message, "author", "") or "")
    if not author or getattr(message, "is_bot", False):
        return ""
    text = str(getattr(message, "text", "") or "")
    verb = action.split()[0].casefold() if action.split() else ""
    if verb and re.search(
        rf"(?i)\bI(?:[\x27\u2019]ll|\s+will|\s+can|\s+am\s+going\s+to|[\x27\u2019]m\s+going\s+to)\s+(?:also\s+|go\s+|just\s+|then\s+)?{re.escape(verb)}\b",
        text,
    ):
        return author
    return author if _MINE_RE.search(text) else ""


def suggest_actions(
    findings: Findings, existing: list[ActionItem] | None = None, rejected: list[RejectedAction] | None = None,
    messages: list | None = None,
) -> list[ActionSuggestion]:
    """Action items proposed from the channel's 'we should' / TODO / follow-up messages, minus ones
    already taken or rejected. With the channel's ``messages``, follow-ups named outright in lines
    the extractor did not flag ('Task added: X') are proposed too."""
    taken = {a.action.casefold() for a in existing or []} | {r.action.casefold() for r in rejected or []}
    by_id = {getattr(m, "id", None): m for m in messages or []}
    found: list[tuple[str, bool, str, list[str]]] = []  # (action, named outright, what was said, message ids)
    hints: list[Fact] = list(findings.action_hints)
    for fact in hints:
        actions, named = hint_actions(without_glued_name(fact.text, by_id.get(fact.message_ids[-1]) if fact.message_ids else None))
        found += [(action, named, fact.text, list(fact.message_ids)) for action in actions]
    cited = {mid for fact in hints for mid in fact.message_ids}
    for m in messages or []:
        text = str(getattr(m, "text", "") or "")
        if getattr(m, "id", None) not in cited and not looks_like_instructions(text):
            found += [(action, True, text, [m.id]) for action in stated_actions(text)]
    out: list[ActionSuggestion] = []
    people = [p for p in dict.fromkeys(str(getattr(m, "author", "") or "") for m in messages or [] if not getattr(m, "is_bot", False)) if p]
    for action, named, said, ids in found:
        action, given_to = owner_tail(action, people)
        key = action.casefold()
        if key in taken or any(same_action(action, other) for other in taken):
            continue
        earlier = next((s for s in out if s.action.casefold() == key or same_action(action, s.action)), None)
        if earlier is not None:  # the same follow-up said again: it cites both messages
            earlier.message_ids += [i for i in ids if i not in earlier.message_ids]
            continue
        category = guess_category(action)
        owner = given_to or (committed_owner(action, by_id.get(ids[-1])) if ids else "")
        out.append(ActionSuggestion(action, category, _prevents(category), ids, said, named, owner))
    return out


def count_advice(n: int) -> str | None:
    """'Aim for 3 to 5 strong items' advice when ``n`` is outside that range, else None."""
    if n == 0:
        return f"No action items yet: aim for {AIM_MIN} to {AIM_MAX} strong items (specific, owned, dated)."
    if n < AIM_MIN:
        return f"{n} action item{'s' if n > 1 else ''}: aim for {AIM_MIN} to {AIM_MAX} strong items; is a detection or prevention item missing?"
    if n > AIM_MAX:
        return f"{n} action items: aim for {AIM_MIN} to {AIM_MAX} strong items; merge or reject the weaker ones (record why)."
    return None


_MONTHS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def parse_due(value: str | date | None, not_before: date | None = None) -> date | None:
    """A due date from a date or text ('2025-01-15', '15 Jan 2025'); UserError with one sentence
    when it is not a real calendar date with a year, or falls before ``not_before`` (the incident)."""
    if value is None or isinstance(value, date):
        day = value
    else:
        text = value.strip()
        if not text or text.casefold() in {"none", "-", "?", "tbd", "due?"}:
            return None
        if not re.search(r"\b\d{4}\b", text) or not (re.search(r"\d{4}-\d{1,2}-\d{1,2}", text) or _MONTHS.search(text) or re.search(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}", text)):
            raise UserError(f"'{value}' is not a date with day, month and year; write the due date like 2025-01-15.")
        try:
            day = dateparser.parse(text, default=utcnow().replace(tzinfo=None, day=1)).date()
        except (ValueError, OverflowError):
            raise UserError(f"'{value}' is not a real calendar date; write the due date like 2025-01-15.") from None
        if day.year < 2000:
            raise UserError(f"'{value}' is not a plausible year for a due date; write it like 2025-01-15.")
    if day is not None and not_before is not None and day < not_before:
        raise UserError(f"The due date {day.isoformat()} is before the incident ({not_before.isoformat()}); give a date after it.")
    return day


_STOP = frozenset(
    "a an the to of for and or in on at by with from when once we our is are be it its this that like so as "
    "add make do set".split()
)


def _content_words(text: str) -> set[str]:
    # Five letters stand for the word: "rotate" and "rotation", "alert" and "alerting" meet.
    return {w[:5] for w in re.findall(r"[a-z0-9_]+", text.casefold()) if w not in _STOP and len(w) > 2}


def same_action(a: str, b: str) -> bool:
    """True when two action texts are the same item worded twice (most content words shared)."""
    if " ".join(a.casefold().split()).strip(" .") == " ".join(b.casefold().split()).strip(" ."):
        return True
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def split_owner_line(line: str) -> tuple[str, str, str]:
    """'action - owner - due' -> (action, owner, due); 'owner?' and 'due?' mean not given."""
    parts = [p.strip() for p in re.split(r"\s+[-\u2013\u2014]\s+", line.strip())]
    action, owner, due = parts[0], "", ""
    if len(parts) >= 3:
        action, owner, due = " - ".join(parts[:-2]), parts[-2], parts[-1]
    elif len(parts) == 2:
        action, owner = parts
    owner = "" if owner.casefold().rstrip("?") in {"owner", "", "tbd", "unknown"} else owner
    due = "" if due.casefold().rstrip("?") in {"due", "", "tbd", "unknown", "due date"} else due
    return action.strip(), owner, due


# A team is not an owner: a name with one of these words is a group someone must still drive.
TEAM_WORDS = re.compile(r"(?i)\b(?:team|squad|guild|crew|group|sre|oncall|on-call|ops|devops|platform|infra|eng|engineering|support|payments|backend|frontend)\b")


def looks_like_team(owner: str) -> bool:
    """True when the owner names a team or group rather than one person."""
    owner = owner.strip().lstrip("@")
    return bool(owner) and (bool(TEAM_WORDS.search(owner)) or ("-" in owner and " " not in owner and owner.islower()))


# "OPS-1240 (pool saturation alert)": a ticket key with the follow-up it was filed for.
_KEY_FOR = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\s*\(([^)]{3,80})\)")
_TAKES = re.compile(r"(?i)\bI(?:'ll| will)\s+(?:own|take|drive|do)\s+([A-Z][A-Z0-9]{1,9}-\d{1,7})\b")


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = r"(?:mon|tue(?:s)?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
# When someone says the follow-up will be done: "doing it tomorrow morning", "by Friday", "EOD",
# "end of the week", "next week", "by Dec 10". Past words ("yesterday", "last Friday") never match.
_DUE_RE = re.compile(
    r"(?i)\b(?P<tomorrow>tomorrow|tmrw|tmr)\b"
    r"|\b(?P<today>later\s+today|by\s+today|(?:by\s+)?(?:eod|cob|end\s+of\s+(?:the\s+)?day|close\s+of\s+business)|tonight)\b"
    r"|\b(?:by|before|on|until|this\s+coming|this)\s+(?P<weekday>" + _WEEKDAY + r")\b"
    r"|\b(?P<week>(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow|(?:later|sometime|by\s+the\s+end\s+of)\s+this\s+week)\b"
    r"|\b(?P<nextweek>next\s+week)\b"
    r"|\b(?:by|before|on|until)\s+(?P<day>\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b"
)


def stated_due(text: str, said_on: date) -> date | None:
    """The due date a message gives a follow-up, read against the day it was said: "tomorrow"
    is the next day, "by Friday" the coming Friday, "end of the week" / "later this week" that
    week's Friday, "next week" the Friday after, "EOD" the same day, "by Dec 10" that date (the next
    one on or after the day said). None when the message gives no such time."""
    m = _DUE_RE.search(text)
    if m is None:
        return None
    if m.group("tomorrow"):
        return said_on + timedelta(days=1)
    if m.group("today"):
        return said_on
    if m.group("weekday"):  # the next one after the day said
        return said_on + relativedelta(days=1, weekday=_WEEKDAYS.index(m.group("weekday")[:3].casefold()))
    friday = said_on + relativedelta(weekday=FR)  # this week's, the day said included
    if m.group("week"):
        return friday
    if m.group("nextweek"):
        return friday + timedelta(days=7)
    try:
        day = dateparser.parse(m.group("day"), default=datetime(said_on.year, said_on.month, said_on.day)).date()
    except (ValueError, OverflowError):
        return None
    if day < said_on and not re.match(r"\d{4}", m.group("day")):
        day = day.replace(year=day.year + 1)
    return day if day >= said_on else None


def _local_day(message: Any) -> date | None:
    at = getattr(message, "at", None)
    return at.date() if at is not None else None


# A sentence about writing the post-mortem ("I'll draft the PM tomorrow") dates the write-up, not a follow-up.
_WRITE_UP_RE = re.compile(r"(?i)\b(?:post-?mortem|pm|rca|write[- ]?up|write\s+(?:it|this)\s+up|doc|draft|report|retro)\b")
# The speaker commits to doing it: "doing the DB one tomorrow", "I'll have it in by Friday".
_COMMITS_RE = re.compile(r"(?i)\b(?:I(?:[\x27\u2019]ll|\s+will|\s+can|[\x27\u2019]m|\s+am)|doing|will\s+do|on\s+it|let[\x27\u2019]s)\b")


def due_for(action: str, text: str, said_on: date) -> date | None:
    """The due date ``text`` gives ``action``: from a sentence that names the action (two of its
    words) or commits to it ("doing the DB one tomorrow"), never from one about writing the
    post-mortem ("postmortem draft tomorrow")."""
    words = _content_words(action)
    for sentence in re.split(r"(?<=[.;!?])\s+|\n+|\s+[\u2014\u2013-]\s+", text):
        if _WRITE_UP_RE.search(sentence):
            continue
        if len(words & _content_words(sentence)) >= 2 or _COMMITS_RE.search(sentence):
            due = stated_due(sentence, said_on)
            if due is not None:
                return due
    return None


def link_channel_tickets(actions: list[ActionItem], messages: list) -> int:
    """Jira keys the channel gave for follow-ups ('OPS-1240 (pool saturation alert)') attached to
    the matching action items, 'I'll take OPS-1240' making its author the owner, and a due date
    the channel gave ('doing the DB one tomorrow', 'I'll take OPS-1240, done by Friday') filling
    an item's empty due date; returns how many changed."""
    changed = 0
    keyed: dict[str, ActionItem] = {}
    for m in messages:
        for key, what in _KEY_FOR.findall(getattr(m, "text", "")):
            words = _content_words(what)
            best, score = None, 0.0
            for item in actions:
                if item.jira_key and item.jira_key != key:
                    continue
                overlap = len(words & _content_words(item.action)) / max(1, len(words))
                if overlap > score:
                    best, score = item, overlap
            taken = any(a.jira_key == key for a in actions if a is not best)
            if best is not None and score >= 0.5 and not taken:
                if not best.jira_key:
                    best.jira_key = key
                    changed += 1
                keyed[key] = best
    for m in messages:
        for key in _TAKES.findall(getattr(m, "text", "")):
            item = keyed.get(key) or next((a for a in actions if a.jira_key == key), None)
            author = getattr(m, "author", "")
            if item is not None and not item.owner and author and not getattr(m, "is_bot", False):
                item.owner = author
                changed += 1
    by_id = {getattr(m, "id", None): m for m in messages}
    claims = {key: m for m in messages for key in _TAKES.findall(getattr(m, "text", ""))}
    for item in actions:
        if item.due is not None or item.status == "done":
            continue
        said = [by_id[i] for i in item.message_ids if i in by_id] + ([claims[item.jira_key]] if item.jira_key in claims else [])
        for m in said:
            day = _local_day(m)
            due = due_for(item.action, str(getattr(m, "text", "")), day) if day is not None and not getattr(m, "is_bot", False) else None
            if due is not None:
                item.due = due
                changed += 1
                break
    return changed


class ActionBook:
    """Action items of a session; every mutating call saves through the store."""

    def __init__(self, session: Session, store: SessionStore | None = None, messages: list | None = None) -> None:
        self.session = session
        self.store = store
        self.messages = messages or []  # the channel: Jira keys and "I'll take OPS-12" it gave for follow-ups

    @property
    def items(self) -> list[ActionItem]:
        """The action items, in order."""
        return self.session.actions

    def get(self, action_id: str) -> ActionItem:
        """The item with this id; UserError when there is none."""
        for item in self.session.actions:
            if item.id == action_id:
                return item
        raise UserError(f"There is no action item '{action_id}'; it may have been removed.")

    def _new_id(self) -> str:
        # Ids already filed in Jira count too, so a new item never takes over a published one's issue.
        ids = [a.id for a in self.session.actions] + list(self.session.published.jira_keys)
        numbers = [int(i[1:]) for i in ids if re.fullmatch(r"a\d+", i)]
        return f"a{max(numbers, default=0) + 1}"

    def _validated(self, data: dict[str, Any]) -> ActionItem:
        from pydantic import ValidationError

        try:
            return ActionItem.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field_name = ".".join(str(p) for p in first["loc"])
            raise UserError(f"The action item's {field_name} is invalid: {first['msg']}.") from None

    def add(self, action: str, **fields: Any) -> ActionItem:
        """Add an item (fields as in ``ActionItem``; ``due`` may be text); returns it."""
        if not action.strip():
            raise UserError("An action item needs a description; start it with a verb, e.g. 'Add an alert on ...'.")
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise UserError(f"Action items have no field '{sorted(unknown)[0]}'.")
        if "due" in fields:
            fields["due"] = parse_due(fields["due"], self.incident_date())
        item = self._validated({"id": self._new_id(), "action": action.strip(), **fields})
        self.session.actions.append(item)
        if self.messages:
            link_channel_tickets(self.session.actions, self.messages)
            item = self.session.actions[-1]
        self._save()
        return item

    def edit(self, action_id: str, **fields: Any) -> ActionItem:
        """Change fields of an item; returns the updated item."""
        item = self.get(action_id)
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise UserError(f"Action items have no field '{sorted(unknown)[0]}'.")
        if "due" in fields:
            fields["due"] = parse_due(fields["due"], self.incident_date())
        updated = self._validated({**item.model_dump(), **fields})
        index = self.session.actions.index(item)
        self.session.actions[index] = updated
        self._save()
        return updated

    def incident_date(self) -> date | None:
        """The day the incident started (a due date before it is a typo), from the events or key times."""
        f = self.session.findings
        times = [e.at for e in f.events] + [kt.at for kt in (f.started_at, f.detected_at) if kt is not None]
        return min(times).date() if times else None

    def merge_lines(self, lines: list[str], message_ids: list[str] | None = None) -> list[ActionItem]:
        """Owner lines ('action - owner - due') into the list: a line for an existing item (the same
        action, however worded) updates its owner and due date; a new one is added. Never duplicates."""
        touched: list[ActionItem] = []
        for line in lines:
            action, owner, due = split_owner_line(line)
            if not action:
                continue
            item = next((a for a in self.session.actions if same_action(a.action, action)), None)
            if item is None:
                hint = next((s for s in self.suggestions() if same_action(s.action, action)), None)
                category = hint.category if hint else guess_category(action)
                item = self.add(
                    action, owner=owner, due=due, category=category, prevents_recurrence=_prevents(category),
                    message_ids=list(hint.message_ids) if hint else list(message_ids or []),
                )
            else:
                changes: dict[str, Any] = {}
                if owner and owner != item.owner:
                    changes["owner"] = owner
                if due and parse_due(due, self.incident_date()) != item.due:
                    changes["due"] = due
                if changes:
                    item = self.edit(item.id, **changes)
            touched.append(item)
        return touched

    def remove(self, action_id: str) -> ActionItem:
        """Remove an item; returns it."""
        item = self.get(action_id)
        self.session.actions.remove(item)
        self._save()
        return item

    def move(self, action_id: str, offset: int) -> None:
        """Move an item up (negative) or down (positive) in the list."""
        item = self.get(action_id)
        i = self.session.actions.index(item)
        j = max(0, min(len(self.session.actions) - 1, i + offset))
        self.session.actions.insert(j, self.session.actions.pop(i))
        self._save()

    def suggestions(self) -> list[ActionSuggestion]:
        """Proposals from the findings not yet taken or rejected."""
        return suggest_actions(self.session.findings, self.session.actions, self.session.rejected_actions, self.messages)

    def accept(self, suggestion: ActionSuggestion, **fields: Any) -> ActionItem:
        """Turn a suggestion into an action item (fields override the suggestion's guesses)."""
        base: dict[str, Any] = {
            "owner": suggestion.owner,
            "category": suggestion.category,
            "prevents_recurrence": suggestion.prevents_recurrence,
            "message_ids": list(suggestion.message_ids),
        }
        base.update(fields)
        return self.add(base.pop("action", suggestion.action), **base)

    def reject(self, action: str, reason: str, action_id: str | None = None) -> RejectedAction:
        """Record an idea as explicitly rejected, with the reason (removing the item when ``action_id`` is given)."""
        if not reason.strip():
            raise UserError("Say why the idea is rejected; the reason is what makes the record useful later.")
        if action_id is not None:
            self.session.actions.remove(self.get(action_id))
        rejected = RejectedAction(action=action.strip(), reason=reason.strip())
        self.session.rejected_actions.append(rejected)
        self._save()
        return rejected

    def unreject(self, index: int) -> RejectedAction:
        """Forget a rejected idea (by position)."""
        try:
            rejected = self.session.rejected_actions.pop(index)
        except IndexError:
            raise UserError("There is no such rejected idea.") from None
        self._save()
        return rejected

    def advice(self) -> str | None:
        """The 3-to-5 advice for the current count, or None when it is in range."""
        return count_advice(len(self.session.actions))

    def lint(self) -> list[LintFinding]:
        """Action-quality findings for all items (not stored; ``Interview.run_lints`` stores both lints)."""
        from facilitator.interview.lint import lint_actions

        return lint_actions(self.session)

    def _save(self) -> None:
        self.session.updated_at = utcnow()
        if self.store is not None:
            self.store.save(self.session)
