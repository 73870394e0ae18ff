"""Fit our Markdown sections to the headings of the company's Confluence template page.

The template decides order and naming: each template heading takes the body of our section
that means the same thing (exact name, a known synonym, or a close spelling); template
headings nothing matches get a ``[TODO]`` body so the gap is visible; our sections the
template lacks are kept, after the template's, so nothing is lost.
"""

from __future__ import annotations

import difflib
import re

# Our heading (normalised) -> other names companies use for it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "summary": ("overview", "executive summary", "incident summary", "tl dr", "description"),
    "what can we learn from this": ("lessons learned", "lessons", "learnings", "key takeaways"),
    "root cause": ("root cause analysis", "cause", "causes", "rca"),
    "five whys": ("5 whys", "why analysis"),
    "timeline": ("incident timeline", "sequence of events", "chronology"),
    "impact": ("customer impact", "business impact", "scope"),
    "action items": ("follow up actions", "follow ups", "actions", "corrective actions", "next steps", "remediation"),
    "what went well": ("went well", "things that went well"),
    "what didn t go so well": ("what went wrong", "what didn t go well", "things that went poorly", "what could be improved"),
    "where we got lucky": ("lucky", "where we were lucky"),
    "responders": ("participants", "people involved", "team"),
    "supporting evidence": ("references", "links", "evidence", "appendix"),
    "messaging": ("communications", "customer communication", "comms"),
}


def _norm(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", heading.lower()).split())


def split_sections(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """(preamble, [(heading, body)]) split at level-2 headings."""
    parts = re.split(r"(?m)^## +(.+?)\s*$", markdown)
    preamble, rest = parts[0], parts[1:]
    return preamble, [(rest[i].strip(), rest[i + 1].strip("\n")) for i in range(0, len(rest), 2)]


def _matches(ours: str, theirs: str) -> bool:
    a, b = _norm(ours), _norm(theirs)
    if a == b or b in SYNONYMS.get(a, ()) or a in SYNONYMS.get(b, ()):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def apply_template_headings(markdown: str, headings: list[str]) -> str:
    """Markdown reordered and renamed to follow ``headings`` (template page order)."""
    if not headings:
        return markdown
    preamble, sections = split_sections(markdown)
    title_like = {_norm(preamble.strip().splitlines()[0].lstrip("# "))} if preamble.strip() else set()
    used: set[int] = set()
    out: list[str] = [preamble.rstrip("\n")]
    for heading in headings:
        if _norm(heading) in title_like:
            continue
        index = next((i for i, (ours, _) in enumerate(sections) if i not in used and _matches(ours, heading)), None)
        if index is None:
            out.append(f"## {heading}\n\n[TODO] Fill in '{heading}' (a section of the company template).")
        else:
            used.add(index)
            out.append(f"## {heading}\n\n{sections[index][1].strip()}")
    out.extend(f"## {h}\n\n{body.strip()}" for i, (h, body) in enumerate(sections) if i not in used)
    return "\n\n".join(part for part in out if part) + "\n"
