"""Markdown -> Confluence storage format (XHTML with ``ac:`` macros), with markdown-it-py.

Why not md2cf: it pins an old ``rich`` and cannot be installed beside textual 8. Why
markdown-it-py: it is CommonMark-exact, has GFM tables, and its renderer escapes every piece
of text (``&``, ``<``, ``>``, ``"``). Raw HTML in the Markdown is DISABLED, so anything a chat
message contained (``<script>``, ``<ac:structured-macro>``, ``]]>``, ``{{``) arrives in
Confluence as visible text, never as markup or a macro; links with unsafe schemes
(``javascript:``...) are refused by markdown-it's ``validateLink``.

Confluence-specific output: header rows stay in ``<tbody>``, images become ``ac:image``,
fenced code becomes the ``code`` macro with a CDATA body (a
literal ``]]>`` is split so it cannot close the section), and TODO blocks (a blockquote or a
paragraph containing ``[TODO]``) become a visible ``warning`` panel; other blockquotes become
an ``info`` panel. XML-illegal control characters are dropped so the result always parses.
"""

from __future__ import annotations

import re
from html import unescape
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from facilitator.render.model import TODO

AC_NAMESPACES = {"ac": "http://atlassian.com/content", "ri": "http://atlassian.com/resource/identifier"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LANG = re.compile(r"[^A-Za-z0-9_+#-]")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _code_macro(code: str, language: str = "") -> str:
    lang = _LANG.sub("", language)[:20]
    param = f'<ac:parameter ac:name="language">{lang}</ac:parameter>' if lang else ""
    return f'<ac:structured-macro ac:name="code">{param}<ac:plain-text-body>{_cdata(code)}</ac:plain-text-body></ac:structured-macro>\n'


def _panel_open(name: str, title: str = "") -> str:
    param = f'<ac:parameter ac:name="title">{escapeHtml(title)}</ac:parameter>' if title else ""
    return f'<ac:structured-macro ac:name="{name}">{param}<ac:rich-text-body>'


_PANEL_CLOSE = "</ac:rich-text-body></ac:structured-macro>\n"


def _has_todo(tokens: Sequence[Token], start: int, close_type: str) -> tuple[bool, int]:
    """Whether the block opened at ``start`` contains [TODO]; and the index of its closing token."""
    depth = 0
    found = False
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.type == tokens[start].type:
            depth += 1
        elif tok.type == close_type:
            depth -= 1
            if depth == 0:
                return found, i
        elif tok.type == "inline" and TODO in tok.content:
            found = True
    return found, len(tokens) - 1


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False, "xhtmlOut": True})
    md.enable(["table", "strikethrough", "linkify"])

    def fence(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        tok = tokens[idx]
        return _code_macro(tok.content, tok.info.split()[0] if tok.info.strip() else "")

    def code_block(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return _code_macro(tokens[idx].content)

    def blockquote_open(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        todo, _ = _has_todo(tokens, idx, "blockquote_close")
        env.setdefault("panels", []).append(True)
        return _panel_open("warning", "Still to do") if todo else _panel_open("info")

    def blockquote_close(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        env.setdefault("panels", [True]).pop()
        return _PANEL_CLOSE

    def paragraph_open(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        if tokens[idx].hidden:  # tight list items carry no <p>
            return ""
        inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
        top_level = tokens[idx].level == 0
        if top_level and inline is not None and inline.content.startswith(TODO):
            env["todo_paragraph"] = True
            return _panel_open("warning") + "<p>"
        return "<p>"

    def paragraph_close(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        if tokens[idx].hidden:
            return ""
        if env.pop("todo_paragraph", False):
            return "</p>" + _PANEL_CLOSE
        return "</p>\n"

    def text(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        escaped = escapeHtml(tokens[idx].content)
        return escaped.replace(TODO, f"<strong>{TODO}</strong>")

    # Confluence keeps header rows inside <tbody> (its editor rewrites <thead> on save).
    def thead_open(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return "<tbody>\n"

    def thead_close(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        has_body = idx + 1 < len(tokens) and tokens[idx + 1].type == "tbody_open"
        return "" if has_body else "</tbody>\n"

    def tbody_open(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return ""

    def image(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        tok = tokens[idx]
        alt = escapeHtml("".join(child.content for child in tok.children or []))
        src = escapeHtml(str(tok.attrGet("src") or ""))
        if src and "/" not in src and ":" not in src:  # a file beside the document: the page's attachment
            return f'<ac:image ac:alt="{alt}"><ri:attachment ri:filename="{src}" /></ac:image>'
        return f'<ac:image ac:alt="{alt}"><ri:url ri:value="{src}" /></ac:image>'

    for name, rule in {
        "thead_open": thead_open,
        "thead_close": thead_close,
        "tbody_open": tbody_open,
        "image": image,
        "fence": fence,
        "code_block": code_block,
        "blockquote_open": blockquote_open,
        "blockquote_close": blockquote_close,
        "paragraph_open": paragraph_open,
        "paragraph_close": paragraph_close,
        "text": text,
    }.items():
        md.add_render_rule(name, rule)
    return md


_MD = _parser()


def markdown_to_storage(markdown: str) -> str:
    """Confluence storage XHTML for ``markdown``; all text escaped, well-formed XML."""
    return _MD.render(_CONTROL.sub("", markdown), {})


def wrap_for_parsing(storage: str) -> str:
    """The storage body inside a root element that declares the ac/ri namespaces (to parse as XML)."""
    ns = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in AC_NAMESPACES.items())
    return f"<root {ns}>{storage}</root>"


def storage_headings(storage: str) -> list[str]:
    """The text of every h1-h6 in a storage body, in order (for mapping to a template page)."""
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", storage, flags=re.S | re.I)
    return [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found if re.sub(r"<[^>]+>", "", h).strip()]
