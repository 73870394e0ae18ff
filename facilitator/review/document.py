"""A post-mortem someone already wrote, read into the parts the document model knows.

``facilitator review`` works on documents this tool did not produce: a Markdown file, a
Confluence page, a wiki export. Teams name their sections in many ways ("Follow-ups",
"Corrective actions", "RCA"), nest them ("## Analysis" then "### Root cause") and number
them; the names each part goes by are data (``prompts/review_sections.toml``) so a team can
add its own. Headings are found with markdown-it-py (the parser the exports already use), so
code blocks and tables never pass for headings, and every part keeps its line number for the
report.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

from facilitator.resources import read_text


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One part of the document model as the review expects it."""

    id: str
    label: str
    names: tuple[str, ...]
    required: bool
    hint: str


@dataclass(slots=True)
class Section:
    """One heading of the document and the text under it."""

    heading: str
    level: int
    line: int  # 1-based line of the heading
    end: int  # 1-based last line of the section's own text (before the next heading)
    body: str
    part: str = ""  # SectionSpec.id it maps to, "" when none


@dataclass(slots=True)
class ReviewedDocument:
    """A post-mortem read into sections, with where it came from."""

    title: str
    text: str
    sections: list[Section]
    source: str = ""  # file path, "-", or the page URL
    page_id: str = ""  # Confluence page id when read from Confluence
    version: int = 0  # Confluence page version
    parts: dict[str, Section] = field(default_factory=dict)  # SectionSpec.id -> first section mapped

    @property
    def lines(self) -> list[str]:
        """The document's lines (1-based line n is ``lines[n - 1]``)."""
        return self.text.splitlines()

    def part(self, part_id: str) -> Section | None:
        """The section mapped to ``part_id``, with the text of its sub-sections."""
        return self.parts.get(part_id)

    def part_lines(self, part_id: str) -> list[tuple[int, str]]:
        """(1-based line number, text) of every line under a part's heading, sub-sections included."""
        section = self.parts.get(part_id)
        if section is None:
            return []
        if section.level == FIELD_LEVEL:
            return [(section.line, section.body)]
        index = self.sections.index(section)
        last = len(self.lines)
        for sub in self.sections[index + 1 :]:
            if sub.level <= section.level:
                last = sub.line - 1
                break
        lines = self.lines
        return [(n, lines[n - 1]) for n in range(section.line + 1, last + 1)]

    def labelled(self, label: str) -> tuple[int, str] | None:
        """(line, text) of the first "Label: text" in the document (``label`` is a regex)."""
        pattern = re.compile(rf"(?:^|[.!?]\s+|\*\*)(?:{label})(?:\*\*)?\s*:\s*(?:\*\*)?\s*(?P<text>[^\n]+)", re.I)
        for n, line in enumerate(self.lines, start=1):
            m = pattern.search(line)
            if m and m["text"].strip():
                return n, m["text"].strip()
        return None

    def part_text(self, part_id: str) -> str:
        """The text of a part including its sub-sections ("" when missing)."""
        section = self.parts.get(part_id)
        if section is None:
            return ""
        index = self.sections.index(section)
        chunks = [section.body]
        for sub in self.sections[index + 1 :]:
            if sub.level <= section.level:
                break
            chunks.append(f"{sub.heading}\n{sub.body}")
        return "\n".join(chunks).strip()


@cache
def section_specs() -> tuple[SectionSpec, ...]:
    """The parts a post-mortem should have, from ``prompts/review_sections.toml``."""
    data = tomllib.loads(read_text("review_sections.toml"))
    return tuple(
        SectionSpec(
            id=s["id"], label=s["label"], names=tuple(norm(n) for n in s["names"]),
            required=bool(s.get("required", False)), hint=s.get("hint", ""),
        )
        for s in data["section"]
    )


def norm(heading: str) -> str:
    """A heading compared by its words: lower case, no numbering, punctuation or emoji."""
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+\.|[a-z]\))\s+", "", heading.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def match_part(heading: str) -> str:
    """The id of the part ``heading`` names, or "" (exact name, then a close spelling)."""
    key = norm(heading)
    if not key:
        return ""
    specs = section_specs()
    for spec in specs:
        if key in spec.names:
            return spec.id
    best, best_ratio = "", 0.0
    for spec in specs:
        for name in spec.names:
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if ratio > best_ratio:
                best, best_ratio = spec.id, ratio
    if best_ratio >= 0.86:
        return best
    # "Root cause and trigger", "Timeline (UTC)": a known name as the heading's first words.
    for spec in specs:
        for name in spec.names:
            if len(name) >= 5 and re.match(rf"{re.escape(name)}\b", key):
                return spec.id
    return ""


def parse_document(text: str, source: str = "") -> ReviewedDocument:
    """Split Markdown into sections at its headings and map each to a part of the model."""
    from markdown_it import MarkdownIt

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    heads: list[tuple[int, int, int, str]] = []  # (level, first line index, past-the-end index, text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            inline = tokens[i + 1]
            heads.append((int(tok.tag[1]), tok.map[0], tok.map[1], _plain(inline.content)))
    title = ""
    top = [h for h in heads if h[0] == 1]
    if len(top) == 1 and top[0] == heads[0]:
        title = top[0][3]
        heads = heads[1:]
    elif not heads or heads[0][1] > 0:
        title = next((_plain(line) for line in lines if line.strip()), "")
    sections: list[Section] = []
    for n, (level, start, stop, heading) in enumerate(heads):
        nxt = heads[n + 1][1] if n + 1 < len(heads) else len(lines)
        body = "\n".join(lines[stop:nxt]).strip("\n")
        sections.append(Section(heading=heading, level=level, line=start + 1, end=max(start + 1, nxt), body=body))
    sections = sorted(sections + _field_sections(lines, {h[1] for h in heads}), key=lambda s: s.line)
    doc = ReviewedDocument(title=title, text=text, sections=sections, source=source)
    for section in sections:
        section.part = match_part(section.heading)
        if section.part and section.part not in doc.parts:
            doc.parts[section.part] = section
    return doc


FIELD_LEVEL = 9  # a "**Summary:** text" paragraph: deeper than any heading, so it holds only its own line
_FIELD = re.compile(r"^\s*(?:\*\*|__)(?P<label>[A-Za-z][\w '&/()-]{1,40}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<text>.*)$")


def _field_sections(lines: list[str], heading_lines: set[int]) -> list[Section]:
    """Parts written as bold labelled paragraphs ("**Root Causes:** ..."), as many templates do."""
    out = []
    for i, line in enumerate(lines):
        m = _FIELD.match(line)
        if m is None or i in heading_lines or not match_part(m["label"]):
            continue
        out.append(Section(heading=m["label"].strip(), level=FIELD_LEVEL, line=i + 1, end=i + 1, body=m["text"].strip()))
    return out


_PLACEHOLDER = re.compile(
    r"^\s*(?:[-*+]\s*)?(?:\[?todo\]?.*|tbd\.?|tba\.?|n/?a|none yet|\.\.\.|…|-+|\?+|<[^>]*>|\{[^}]*\}|"
    r"\(?(?:fill|add|write|describe|insert|enter)\b[^.]*(?:here|below|section)\b.*\)?)\s*$",
    re.I,
)


def is_empty(body: str) -> bool:
    """True when a section holds nothing but whitespace, comments, empty rows or placeholders."""
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    lines = body.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip().strip("|").strip()
        if not stripped or re.fullmatch(r"[-:|\s]+", stripped):
            continue
        if i + 1 < len(lines) and "|" in line and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", lines[i + 1]):
            continue  # a table's header row: column names are not content
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else [stripped]
        if all(not c or _PLACEHOLDER.match(c) for c in cells):
            continue
        return False
    return True


def _plain(text: str) -> str:
    """Heading or line text without Markdown emphasis, links or heading marks."""
    text = re.sub(r"^\s*#+\s*", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()
