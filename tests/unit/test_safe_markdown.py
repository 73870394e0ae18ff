"""Every Markdown export, rendered by a real Markdown renderer, holds no script, handler or script link."""

from __future__ import annotations


from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from facilitator.cli import main
from facilitator.render import render_both, write_markdown_files
from facilitator.render.safe_markdown import dangerous_url, safe_markdown
from facilitator.render.storage import markdown_to_storage
from tests.unit.test_render import load_incident, settings

HOSTILE = [
    "<script>alert('x')</script> the checkout is failing",
    "look <img src=x onerror=alert(1)> here",
    "[click me](javascript:alert(document.cookie)) for the dashboard",
    "[also](JaVaScRiPt:alert(1)) and [this](java&#x73;cript:alert(1)) and [that]( javascript:alert(1))",
    "![pic](vbscript:msgbox(1)) and [doc](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">runbook</a> and <javascript:alert(1)>',
    '<div onmouseover="alert(1)">hover</div>',
    "<iframe src=//evil.example></iframe><svg/onload=alert(1)>",
    "[ref]: javascript:alert(1)",
    "[tab](java\tscript:alert(1)) [pct](%6Aavascript:alert(1))",
]
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "a", "em", "strong", "code", "pre", "blockquote",
                "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "img", "del", "s", "input"}


class Checker(HTMLParser):
    """Collects every tag, event handler and link target of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name in ("href", "src", "action", "formaction") and value and dangerous_url(value):
                self.problems.append(f"{name}={value}")


def html_problems(markdown: str) -> list[str]:
    """Render as a permissive viewer would (raw HTML on, links unvalidated) and check the HTML."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    md.validateLink = lambda url: True  # a viewer that follows any link: our output must not rely on the renderer
    checker = Checker()
    checker.feed(md.render(markdown))
    return checker.problems


def test_the_checker_catches_what_it_should():
    assert html_problems("<script>x</script>") and html_problems("[a](javascript:x)") and html_problems("<b onclick=x>y</b>")
    assert html_problems("[a](java&#x73;cript:x)")


@pytest.mark.parametrize("text", HOSTILE)
def test_each_hostile_text_is_defused_and_still_readable(text):
    safe = safe_markdown(text)
    assert html_problems(safe) == []
    words = [w for w in ("checkout", "click me", "runbook", "hover", "pic", "doc") if w in text]
    rendered = MarkdownIt("commonmark").render(safe)
    assert all(w in rendered for w in words)  # the text is kept, only the markup is gone


def test_code_and_safe_links_are_left_alone():
    text = "see `<script>` and [grafana](https://grafana.example/d/1) or <https://status.acme.com>\n\n```\n<b>x</b>\n```\n"
    assert safe_markdown(text) == text
    assert "a &lt; b and c > d" in safe_markdown("a &lt; b and c > d") and safe_markdown("latency < 200ms") == "latency < 200ms"


def _hostile_session():
    session, transcript = load_incident()
    for message, text in zip(transcript.messages, HOSTILE * 3):
        message.text = f"{message.text} {text}"
    for answer, text in zip(session.answers.values(), HOSTILE):
        if isinstance(answer.value, str):
            answer.value = f"{answer.value} {text}"
    session.title = "Checkout <img src=x onerror=alert(1)> failing"
    return session, transcript


def test_every_export_of_a_hostile_session_passes_the_html_check(tmp_path):
    session, transcript = _hostile_session()
    rendered = render_both(session, transcript, settings())
    for name, markdown in (("internal", rendered.internal), ("external", rendered.external)):
        assert html_problems(markdown) == [], name
    paths, _ = write_markdown_files(session, transcript, settings(), tmp_path)
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".svg":  # the pictures beside the documents: drawn text only, never active content
            import xml.etree.ElementTree as ET

            for element in ET.fromstring(text.encode("utf-8")).iter():
                assert not element.tag.endswith(("script", "img", "foreignObject")), path.name
                assert not any(k.lower().startswith("on") or "javascript:" in v.lower() for k, v in element.attrib.items()), path.name
        else:
            assert html_problems(text) == [], path.name
    checker = Checker()
    checker.feed(markdown_to_storage(rendered.internal))  # the Confluence body: escaped by its own converter
    assert not [p for p in checker.problems if not p.startswith("tag <ac:") and not p.startswith("tag <ri:")]


def test_draft_from_a_hostile_channel_writes_safe_documents(tmp_path):
    lines = [f"[2024-12-03 10:{i:02d}] Alice: {text}" for i, text in enumerate(HOSTILE)]
    lines.insert(0, "[2024-12-03 09:59] Alice: checkout errors are up, declaring an incident")
    chat = tmp_path / "chat.txt"
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["draft", "--transcript", str(chat), "--no-llm", "--out", str(out)]) == 0
    written = sorted(out.glob("*.md"))
    assert written
    for path in written:
        assert html_problems(path.read_text(encoding="utf-8")) == [], path.name
