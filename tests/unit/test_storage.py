"""Markdown -> Confluence storage: well-formed XML, everything from a chat escaped, TODO panels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from facilitator.render import render_markdown
from facilitator.render.storage import AC_NAMESPACES, markdown_to_storage, storage_headings, wrap_for_parsing
from facilitator.session import Answer
from tests.unit.test_render import load_incident, settings

AC = "{%s}" % AC_NAMESPACES["ac"]
HOSTILE = [
    '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>alert(1)</script>]]></ac:plain-text-body></ac:structured-macro>',
    "]]> closes nothing",
    "<script>alert('x')</script>",
    "{{ 7*7 }} {% raw %} {code}x{code}",
    "a | pipe\nand newline &amp; &nbsp; \x07bell",
    "[click](javascript:alert(1))",
]


def parse(storage: str) -> ET.Element:
    return ET.fromstring(wrap_for_parsing(storage))


def macros(root: ET.Element) -> list[str]:
    return [el.get(f"{AC}name") for el in root.iter(f"{AC}structured-macro")]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_everywhere(text):
    md = f"# {text}\n\n{text}\n\n| a | b |\n| --- | --- |\n| {text.replace(chr(10), ' ').replace('|', chr(92) + '|')} | x |\n\n- {text}\n\n```\n{text}\n```\n"
    root = parse(markdown_to_storage(md))
    assert macros(root) == ["code"]  # the only macro is ours
    assert not list(root.iter("script")) and not list(root.iter(f"{AC}plain-text-body"))[0].findall("*")
    assert all(not a.get("href", "").startswith("javascript") for a in root.iter("a"))


def test_code_keeps_cdata_terminator_verbatim():
    root = parse(markdown_to_storage("```python\nx = ']]>' < 3\n```\n"))
    body = root.find(f".//{AC}plain-text-body")
    assert body.text == "x = ']]>' < 3\n"
    assert root.find(f".//{AC}parameter").text == "python"


def test_structure_headings_tables_links_lists():
    storage = markdown_to_storage("# T\n\n## A & B\n\n| x | y |\n| --- | --- |\n| 1 | [l](https://e.io/?a=1&b=2) |\n\n1. one\n2. two\n")
    root = parse(storage)
    assert [h.text for h in root.iter("h2")] == ["A & B"]
    assert [td.text for td in root.iter("td")][0] == "1" and root.find(".//a").get("href") == "https://e.io/?a=1&b=2"
    assert len(root.findall(".//ol/li")) == 2
    assert storage_headings(storage) == ["T", "A & B"]


def test_todos_become_a_visible_warning_panel():
    root = parse(markdown_to_storage("> **Still to do (1):**\n> - [TODO] Who fixed it?\n\n[TODO] Data impact?\n\n> a quote\n"))
    assert macros(root) == ["warning", "warning", "info"]


def test_whole_document_with_hostile_chat_text_parses():
    session, transcript = load_incident()
    for i, text in enumerate(HOSTILE):
        session.answers[f"h{i}"] = Answer(question_id=f"h{i}", value=text)
    session.answers["fix"] = Answer(question_id="fix", value=HOSTILE[0])
    session.drafts["summary"] = "\n\n".join(HOSTILE)
    transcript.messages[0].text = HOSTILE[0]
    for version in ("internal", "external"):
        root = parse(markdown_to_storage(render_markdown(session, transcript, settings(), version=version)))
        assert set(macros(root)) <= {"warning", "info", "code"}
        assert "html" not in macros(root)
