"""Markdown that is safe to open anywhere: chat text never becomes HTML or a script link.

The documents quote the channel, and a channel is written by anyone: ``<script>``,
``<img onerror=...>`` or ``[click me](javascript:...)`` pasted into Slack would otherwise reach
``internal.md`` as live markup, and Markdown viewers (GitLab, wikis, static site generators)
render raw HTML and follow whatever link they are given. So every rendered document passes
through ``safe_markdown``:

* raw HTML outside code is escaped (``<tag`` -> ``&lt;tag``), so it shows as the text it was;
  autolinks to http(s) and mailto stay links;
* a link or image whose destination is ``javascript:``, ``vbscript:``, ``data:`` or ``file:``
  (after undoing entities, escapes, case and hidden whitespace, the tricks used to slip past
  filters) loses its link syntax and stays readable as text; reference definitions too.

Code spans and fenced code are left alone: Markdown shows them literally already.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")  # a code span on one line
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>", re.I)
_LINK_OPEN = re.compile(r"\]\(\s*")
_REF_DEF = re.compile(r"^( {0,3})\[([^\]]+)\]:\s*(\S+)")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def dangerous_url(url: str) -> bool:
    """True for a link target that runs code or embeds a document (however it is disguised)."""
    plain = html.unescape(html.unescape(url.strip().lstrip("<")))
    plain = re.sub(r"\\(.)", r"\1", plain)
    plain = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), plain)
    plain = _INVISIBLE.sub("", plain).lower()
    return plain.startswith(_BAD_SCHEMES)


def _escape_tags(text: str) -> str:
    """``<tag`` -> ``&lt;tag`` except http(s)/mailto autolinks."""
    keep = {m.start() for m in _AUTOLINK.finditer(text)}
    return _TAG_START.sub(lambda m: m.group() if m.start() in keep else "&lt;", text)


def _defuse_links(text: str) -> str:
    """Break the link syntax of links and images whose destination is dangerous."""
    out: list[str] = []
    pos = 0
    for m in _LINK_OPEN.finditer(text):
        if dangerous_url(text[m.end() : m.end() + 200]):
            out.append(text[pos : m.start()] + "] (link removed) (")
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _safe_prose(text: str) -> str:
    """One stretch of Markdown that holds no code."""
    if "<" in text:
        text = _escape_tags(text)
    if "](" in text:
        text = _defuse_links(text)
    return text


def _safe_line(line: str) -> str:
    ref = _REF_DEF.match(line)
    if ref and dangerous_url(ref.group(3)):
        line = f"{ref.group(1)}\\[{ref.group(2)}]: (link removed) {line[ref.end(3) - len(ref.group(3)):]}"
    if "<" not in line and "](" not in line:
        return line
    parts: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(line):
        parts.append(_safe_prose(line[pos : m.start()]))
        parts.append(m.group())
        pos = m.end()
    parts.append(_safe_prose(line[pos:]))
    return "".join(parts)


def safe_markdown(markdown: str) -> str:
    """``markdown`` with raw HTML escaped and script/data links defused, code untouched."""
    if "<" not in markdown and "](" not in markdown and "]:" not in markdown:
        return markdown
    lines = markdown.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        lines[i] = _safe_line(line)
    return "\n".join(lines)
