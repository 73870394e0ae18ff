"""Customer wording: what the external version says when the commander has not written it yet.

The external version is composed from the customer-facing answers (``customer_effect``,
``customer_explanation``, ``customer_changes``), never from the engineers' sentences. When an
answer is missing, the interview offers (and ``draft`` fills in, marked as a suggestion) a
plain wording built here: a story in customer terms chosen by what fixed it ("we reversed a
recent change"), and the action items that are safe to tell customers (no internal identifier,
no blame, not vague, nothing about credentials or weaknesses), with their technical detail in
parentheses dropped. Nothing here invents a fact: the words are generic on purpose.
"""

from __future__ import annotations

import re

from facilitator.interview.lint import action_findings, blame_findings
from facilitator.redact_detect import identifier_spans
from facilitator.session import ActionItem

# Actions about credentials or weaknesses stay internal: telling customers "we are rotating the
# key that leaked" is exactly the weaponisable detail the redaction checklist warns about.
SENSITIVE_ACTION = re.compile(
    r"(?i)\b(?:passwords?|credentials?|secrets?|tokens?|api[ _-]?keys?|access[ _-]?keys?|private[ _-]?keys?"
    r"|rotat\w*|revok\w*|vulnerab\w*|exploit\w*|CVE-\d+|pen(?:etration)?[ -]?test\w*)\b"
)
_STORIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:roll(?:ed|ing)?[ -]?back|rollback|revert\w*|undid|undo)\b", re.I),
     "A recent change to our systems caused the problem. We reversed that change, and service recovered."),
    (re.compile(r"\bfail(?:ed|ing)?[ -]?over\b", re.I),
     "A failure in one of our systems caused the problem. We switched to a standby system, and service recovered."),
    (re.compile(r"\brestart\w*|\breboot\w*|\brecycl\w*", re.I),
     "One of our systems stopped working correctly. We restarted it, and service recovered."),
    (re.compile(r"\bscal\w*|\bcapacity\b|\badded (?:more )?(?:nodes|servers|instances)\b", re.I),
     "One of our systems ran out of capacity. We added capacity, and service recovered."),
    (re.compile(r"\bvendor|provider|upstream|third[- ]party\b", re.I),
     "A service we depend on had a problem. Once it was resolved, our service recovered."),
)
_GENERIC_STORY = "A problem in our systems caused this. We found and fixed it, and service recovered."
_PARENS = re.compile(r"\s*\([^)]*\)")


def customer_story(fix: str, cause: str = "") -> str:
    """Two plain sentences on what went wrong and what we did, chosen by how it was fixed."""
    for pattern, story in _STORIES:
        if pattern.search(fix):
            return story
    for pattern, story in _STORIES:
        if pattern.search(cause):
            return story
    return _GENERIC_STORY


def customer_safe(text: str) -> bool:
    """True when ``text`` may be told to customers: no internal identifier, no blame, nothing sensitive."""
    return not (identifier_spans(text) or blame_findings(text, "external") or SENSITIVE_ACTION.search(text))


def vague(item: ActionItem) -> bool:
    """True when the action-quality lint calls the item too vague to act on."""
    return any(f.problem.startswith("Too vague") for f in action_findings(item))


def customer_changes(actions: list[ActionItem]) -> list[str]:
    """The action items worth telling customers, as sentences: safe, specific, and helping."""
    out: list[str] = []
    seen: set[str] = set()
    for item in actions:
        if item.prevents_recurrence == "no" or vague(item):
            continue
        first = re.split(r"(?<=[.!?])\s+", " ".join(item.action.split()), maxsplit=1)[0]
        text = _PARENS.sub("", first).strip(" .")
        if not text or not customer_safe(text):
            continue
        text = text[:1].upper() + text[1:] + "."
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(text)
    return out
