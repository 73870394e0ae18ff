"""The external version's gate: what keeps a customer-facing text from leaving the tool.

``external_scan`` is the leak scan of ``redact.Redactor`` plus what customers must not read even
when nothing is secret (versions, config keys, commands, placeholders, open TODOs); the Preview's
leak list, the checklist evidence and the gate all call it, so they cannot disagree.
``external_blockers`` finds blameful or vague items in the session, ``gate_problems`` applies a
recorded override (it releases internal wording only, never names, hosts, links, ids or
secrets), and ``ensure_clean`` turns what remains into a ``LeakError`` naming what to fix. The
redaction checklist (the human judgement calls before export) is loaded here too.

Kept apart from ``redact`` because these are the rules of one decision (may this text leave?),
while ``redact`` learns and replaces what is sensitive.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facilitator import resources
from facilitator.errors import UserError
from facilitator.redact import Leak
from facilitator.redact_detect import identifier_spans
from facilitator.redact_normal import normalised, to_original

if TYPE_CHECKING:
    from facilitator.redact import Redactor
    from facilitator.session import Session

__all__ = [
    "OVERRIDABLE", "ChecklistItem", "LeakError", "ensure_clean", "external_blockers", "external_scan", "gate_problems",
    "load_checklist", "unticked",
]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One human judgement call before the external version leaves the tool."""

    id: str
    text: str


class LeakError(UserError):
    """The external text still contains sensitive strings; export and publish are blocked."""

    title = "External version not clean"
    unfinished_only = False  # True when all it lacks is answers to its customer questions (no leak)


def external_scan(text: str, redactor: Redactor) -> list[Leak]:
    """The external version's scan: the leak scan plus the internal identifiers and redaction
    placeholders customers must not read (``redact_detect.identifier_spans``). The gate, the
    Preview's leak list and the checklist evidence all call this, so they cannot disagree."""
    leaks = redactor.leak_scan(text)
    leaks += [Leak("open question", m.start(), m.end()) for m in re.finditer(r"\[TODO\][^\n]*", text)]
    taken = [(leak.start, leak.end) for leak in leaks]
    norm, index = normalised(text)  # look-alike letters and hidden characters hide no identifier
    for s in to_original(identifier_spans(norm), index):
        if not any(a < s.end and s.start < b for a, b in taken):
            leaks.append(Leak(s.kind, s.start, s.end))
    return sorted(leaks, key=lambda leak: leak.start)


def load_checklist() -> list[ChecklistItem]:
    """The redaction checklist (data in prompts/templates/redaction_checklist.toml)."""
    data = tomllib.loads(resources.read_text("templates", "redaction_checklist.toml"))
    return [ChecklistItem(id=item["id"], text=item["text"]) for item in data.get("item", [])]


def unticked(session: Session) -> list[ChecklistItem]:
    """Checklist items the user has not ticked yet in this session."""
    return [item for item in load_checklist() if not session.redaction_checklist.get(item.id)]


# Kinds of leak an explicit override (a recorded reason) may release: internal wording a team
# may decide is fine for its customers. Names, hosts, links, ids and secrets never are.
OVERRIDABLE = frozenset({"version string", "environment variable", "config key", "file name", "command", "ticket id",
                         "service name", "redaction placeholder"})
_FIX_HINTS = {
    "person": "remove the names",
    "open question": "answer them in the interview",
    "person placeholder": "say what the system did instead of naming a person",
    "redaction placeholder": "write a plain noun ('a backend service') instead of the placeholders",
    "version string": "say 'a new version' instead of the version numbers",
    "environment variable": "say 'a configuration setting' instead of the variable names",
    "config key": "say 'a configuration setting' instead of the config keys",
    "file name": "say 'a configuration file' instead of the file names",
    "command": "say what the commands did, in words",
    "service name": "write a plain noun instead of the service names",
    "ticket id": "drop the ticket numbers",
    "ticket key": "drop the ticket keys",
}


def external_blockers(session: Session) -> list[str]:
    """Blameful or vague items that keep the external version from leaving: blame in the
    customer-facing answers or any action item, and action items too vague to act on."""
    from facilitator.interview.customer import vague
    from facilitator.interview.lint import blame_findings

    out: list[str] = []
    for qid in ("customer_effect", "customer_explanation", "customer_changes", "title"):
        answer = session.answers.get(qid)
        if answer is None or answer.status not in ("answered", "suggested"):
            continue
        for text in answer.value if isinstance(answer.value, list) else [answer.value]:
            if blame_findings(text, qid):
                out.append(f"the {qid.replace('_', ' ')} answer blames a person")
    for item in session.actions:
        if blame_findings(item.action, item.id):
            out.append(f"action item '{_short(item.action)}' blames a person")
        elif vague(item):
            out.append(f"action item '{_short(item.action)}' is too vague")
    return list(dict.fromkeys(out))


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def gate_problems(text: str, redactor: Redactor) -> tuple[list[Leak], list[str]]:
    """What keeps ``text`` (the external version) from leaving: (leaks, blameful or vague items),
    after the recorded override has released what it may."""
    leaks = external_scan(text, redactor)
    blockers = list(redactor.blockers)
    if redactor.override:  # internal wording and vague items may be released; blame and names never
        leaks = [leak for leak in leaks if leak.kind not in OVERRIDABLE]
        blockers = [b for b in blockers if "blames" in b]
    return leaks, blockers


_ANSWER_IT = "answer it in the interview"  # the one open question's hint


def customer_questions(n: int) -> str:
    """"1 customer-facing question is" / "3 customer-facing questions are": the open questions
    that keep the external version back, said as what they are (no secret)."""
    return f"{n} customer-facing question{'s are' if n != 1 else ' is'}"


def ensure_clean(text: str, redactor: Redactor) -> None:
    """Raise LeakError, one sentence naming what to fix (never the strings), while ``text`` leaks
    or a blameful or vague item remains; a recorded override releases internal wording only."""
    leaks, blockers = gate_problems(text, redactor)
    if not leaks and not blockers:
        return
    kinds: dict[str, int] = {}
    for leak in leaks:
        kinds[leak.kind] = kinds.get(leak.kind, 0) + 1
    parts = []
    questions = kinds.get("open question", 0)
    if questions:  # a question still to answer is no secret: say it as what it is
        parts.append(f"{customer_questions(questions)} still open")
    secrets = {kind: n for kind, n in kinds.items() if kind != "open question"}
    if secrets:
        count = sum(secrets.values())
        summary = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(secrets.items()))
        parts.append(f"it still contains {count} sensitive string{'s' if count != 1 else ''} ({summary})")
    if blockers:
        parts.append("; ".join(blockers))
    hints = (_ANSWER_IT if kind == "open question" and questions == 1 else _FIX_HINTS.get(kind, "") for kind in sorted(kinds))
    fixes = [f for f in dict.fromkeys(hints) if f] + ["reword or reject those items"] * bool(blockers)
    how = f"{'; '.join(fixes)}, then export again" if fixes else "edit it until the scan is clean, then export again"
    overridable = all(k in OVERRIDABLE for k in kinds) and not any("blames" in b for b in blockers)
    escape = " (or record a reason to release it anyway with --external-override)" if overridable else ""
    error = LeakError(f"The external version is withheld: {' and '.join(parts)}; {how}{escape}.")
    error.unfinished_only = set(kinds) == {"open question"} and not blockers  # only questions still to answer
    raise error
