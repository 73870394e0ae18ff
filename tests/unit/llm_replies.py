"""A responder for the local Anthropic server that answers like a helpful model would.

It reads the task the tool sent (the questions asked, the sections wanted, the aliases in
the fenced transcript) and answers with grounded content citing real aliases, plus one
invented citation per answer so the tests see hallucinated ids being dropped.
"""

from __future__ import annotations

import re
from typing import Any

ALIAS_RE = re.compile(r"\b(m\d+)\b")
QUESTION_RE = re.compile(r"^- id `([a-z_]+)`", re.M)
SECTIONS_RE = re.compile(r"Fill only these sections: ([a-z_, ]+)\.")
FAKE = "m99999"

SECTION_TEXT = {
    "summary": "Checkout failed for part of the customers until a rollback restored it.",
    "what_happened": "A config change went out; errors rose; the team rolled it back.",
    "went_well": "- The rollback was quick",
    "went_badly": "- The config change was not validated before release",
    "luck": "- The incident began outside peak hours",
    "lessons": "- Validate config changes before they reach production",
    "external": "Some customers could not complete payments for a short time; the issue is fixed.",
}


def _texts(body: dict[str, Any]) -> tuple[str, str]:
    system = body.get("system", "")
    system_text = system if isinstance(system, str) else "\n".join(b.get("text", "") for b in system)
    user = []
    for msg in body.get("messages", []):
        content = msg.get("content")
        user.extend([content] if isinstance(content, str) else [b.get("text", "") for b in content if isinstance(b, dict)])
    return system_text, "\n".join(user)


def aliases(body: dict[str, Any]) -> list[str]:
    """The message aliases present in the fenced transcript, in order."""
    system_text, _ = _texts(body)
    seen: list[str] = []
    for a in ALIAS_RE.findall(system_text):
        if a not in seen:
            seen.append(a)
    return seen


def helpful(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded answer for whichever tool is forced; plain text otherwise."""
    choice = (body.get("tool_choice") or {}).get("name")
    _, task = _texts(body)
    known = aliases(body) or ["m1"]
    a, b = known[min(2, len(known) - 1)], known[-1]
    if choice == "record_findings":
        return {
            "tool": "record_findings",
            "input": {
                "luck": [
                    {"text": "LLM: the incident started outside peak hours", "message_ids": [a], "confidence": 0.7},
                    {"text": "invented luck", "message_ids": [FAKE]},
                ],
                "causes": [{"text": "LLM: an unvalidated config change", "message_ids": [b], "confidence": 0.6}],
            },
        }
    if choice == "suggest_answers":
        ids = QUESTION_RE.findall(task)
        suggestions = []
        if "fears" in ids:
            suggestions.append(
                {"question_id": "fears", "value": "LLM: the same config path breaks again", "message_ids": [a],
                 "confidence": 0.9, "note": "from the channel"}
            )
        if "happened_before" in ids:
            suggestions.append({"question_id": "happened_before", "value": "yes", "message_ids": [FAKE], "confidence": 0.9})
        return {"tool": "suggest_answers", "input": {"suggestions": suggestions}}
    if choice == "write_sections":
        m = SECTIONS_RE.search(task)
        wanted = [s.strip() for s in m.group(1).split(",")] if m else list(SECTION_TEXT)
        return {"tool": "write_sections", "input": {s: SECTION_TEXT[s] + f" [{a}]" for s in wanted if s in SECTION_TEXT}}
    if choice == "propose_why":
        return {
            "tool": "propose_why",
            "input": {
                "question": "Why did the config change reach production unvalidated?",
                "candidates": [
                    {"message_ids": [a], "text": "The pipeline has no config validation step", "confidence": 0.8},
                    {"message_ids": [FAKE], "text": "Invented candidate", "confidence": 0.9},
                    {"message_ids": [b], "text": "Reviews do not cover config files", "confidence": 0.5},
                ],
            },
        }
    return {"text": "OK."}
