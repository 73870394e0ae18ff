"""Rendering a session as a document: Markdown from Jinja2 templates, or Confluence storage.

Templates are data (``prompts/templates``): ``facilitator`` (default internal layout),
``classic`` and ``external`` (customer-facing), plus any ``--template path.md.j2`` of the
user's, which may ``{% include %}`` the built-in partials. Jinja2 runs with autoescape OFF
because the output is Markdown, not HTML; user text that lands in a table goes through the
``cell`` filter (pipes escaped, newlines folded) so a chat message cannot break the table.
HTML safety is the job of ``storage.py``, which escapes everything when converting.

The internal version has secrets masked (``redact.mask_secrets``) over the whole output. The
external version is redacted with placeholders and then leak-scanned; a leak raises
``LeakError`` so it can never be exported or published unclean.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from facilitator import resources
from facilitator.config import Settings
from facilitator.errors import SessionError, UserError
from facilitator.redact import Redactor, mask_secrets
from facilitator.redact_gate import ensure_clean, unticked
from facilitator.render.safe_markdown import safe_markdown
from facilitator.render.model import MAJOR_KINDS, Document, build_document
from facilitator.session import Session
from facilitator.transcript import Transcript

__all__ = ["Document", "Rendered", "build_document", "render_both", "render_markdown", "render_external", "render_command",
           "BUILTIN_TEMPLATES"]

BUILTIN_TEMPLATES = ("facilitator", "classic", "external")


class TemplateError(UserError):
    """A document template could not be read or rendered."""

    title = "Template problem"


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks folded."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\\|", "|").replace("|", "\\|").split())


def _oneline(value: object) -> str:
    return " ".join(("" if value is None else str(value)).split())


def _cite(value: object) -> str:
    """Evidence appended after a claim: ' (msg L8, 15:11)', or nothing when there is none."""
    text = _oneline(value)
    return f" {text}" if text else ""


def _sentence(value: object) -> str:
    """One line ending in a full stop, so fragments can be joined into prose."""
    text = _oneline(value)
    return text if not text or text[-1] in ".!?…" else text + "."


def _linktext(value: object) -> str:
    return _oneline(value).replace("[", "\\[").replace("]", "\\]")


def _builtin_source(name: str) -> str | None:
    try:
        return resources.read_text("templates", name)
    except (FileNotFoundError, IsADirectoryError):
        return None


def _environment(search_dir: Path | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if search_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(search_dir)))
    loaders.append(jinja2.FunctionLoader(_builtin_source))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown output; storage.py escapes when converting to XHTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=_cell, oneline=_oneline, linktext=_linktext, sentence=_sentence, cite=_cite)
    return env


def _load_template(template: str | Path | None, version: str) -> jinja2.Template:
    if template is None or str(template) == "":
        template = "external" if version == "external" else "facilitator"
    if isinstance(template, str) and template in BUILTIN_TEMPLATES:
        return _environment().get_template(f"{template}.md.j2")
    path = Path(template).expanduser()
    if not path.is_file():
        names = ", ".join(BUILTIN_TEMPLATES)
        raise TemplateError(f"Template '{template}' is neither a file nor a built-in template ({names}); check the path.")
    try:
        return _environment(path.parent).get_template(path.name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"Template {path} has a syntax error on line {exc.lineno}: {exc.message}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"Template {path} could not be read ({exc.__class__.__name__}); check the file.") from None


def _render(template: jinja2.Template, doc: Document, version: str) -> str:
    major = [row for row in doc.timeline if row.kind in MAJOR_KINDS]
    rank = {"yes": 0, "partially": 1, "detects only": 2, "no": 3}
    top_actions = sorted(doc.actions, key=lambda a: (a.priority, rank.get(a.prevents, 4)))[:5]
    try:
        text = template.render(
            doc=doc, version=version, major_events=major if len(major) >= 3 else doc.timeline, top_actions=top_actions
        )
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"Template {template.name} uses something the document does not have ({exc.message}).") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Template {template.name} failed to render: {exc}.") from None
    return safe_markdown(re.sub(r"\n{3,}", "\n\n", text).strip() + "\n")  # chat text never becomes HTML


def _demote(markdown: str) -> str:
    """Drop the H1 and push every heading one level down (for embedding)."""
    lines = markdown.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join("#" + line if re.match(r"#{1,5} ", line) else line for line in lines).strip()


def _external(doc: Document, redactor: Redactor, template: str | Path | None = None) -> str:
    return redactor.redact(_render(_load_template(template, "external"), doc, "external")).text


def render_external(
    session: Session, transcript: Transcript | None, settings: Settings, template: str | Path | None = None,
    check: bool = True,
) -> str:
    """The customer-facing Markdown: rendered, redacted, and (``check``) leak-scanned."""
    redactor = Redactor.from_context(settings, session, transcript)
    text = _external(build_document(session, transcript, settings), redactor, template)
    if check:
        ensure_clean(text, redactor)
    return text


@dataclass(frozen=True, slots=True)
class Rendered:
    """Both versions from one document model and one redactor (learning it reads the whole
    transcript), for callers that show or scan both; ``external`` is not leak-checked."""

    doc: Document
    redactor: Redactor
    internal: str
    external: str
    pictures: dict[str, object] = field(default_factory=dict)  # file name -> facilitator.pictures.Picture


def _cause_table(session: Session, doc: Document) -> list[tuple[str, str, str]]:
    """(category, factor, evidence) per contributing factor, grouped by category in the
    configured order: the cause diagram as a compact Markdown table."""
    from facilitator.pictures.data import cause_data

    data = cause_data(session, doc.customer_impact)
    names = dict(data.categories)
    evidence = {" ".join(w.answer.split()): w.evidence for w in doc.contributing}
    return [(names.get(cid, cid), f.text, evidence.get(f.text, ""))
            for cid, factors in data.by_category().items() for f in factors]


def render_both(
    session: Session, transcript: Transcript | None, settings: Settings, template: str | Path | None = None,
    pictures: bool = False,
) -> Rendered:
    """The internal version (``template``, with the external one embedded) and the external one.

    ``pictures``: also draw the timeline chart and cause diagram (``facilitator.pictures``) and
    reference them from both documents by the file names they are to be saved or attached as.
    """
    doc = build_document(session, transcript, settings)
    redactor = Redactor.from_context(settings, session, transcript)
    doc.cause_table = _cause_table(session, doc)
    drawn: dict[str, object] = {}
    if pictures:
        from facilitator import pictures as pics

        drawn = dict(pics.pictures_for(session, transcript, settings, mask_secrets(doc.title), doc.customer_impact,
                                       external_title=redactor.redact(doc.title).text))
        if pics.EXTERNAL_TIMELINE_FILE in drawn:
            doc.pictures = {"timeline": pics.EXTERNAL_TIMELINE_FILE}
    external = _external(doc, redactor)
    doc.external = _demote(external)
    if pictures:
        doc.pictures = {role: name for role, name in (("timeline", pics.TIMELINE_FILE), ("causes", pics.CAUSES_FILE))
                        if name in drawn}
    internal = mask_secrets(_render(_load_template(template, "internal"), doc, "internal"))
    return Rendered(doc, redactor, internal, external, drawn)


def render_markdown(
    session: Session,
    transcript: Transcript | None,
    settings: Settings,
    version: str = "internal",
    template: str | Path | None = None,
) -> str:
    """The post-mortem as Markdown; internal has secrets masked, external is redacted and checked."""
    if version == "external":
        return render_external(session, transcript, settings, template)
    if version != "internal":
        raise UserError(f"Unknown document version '{version}'; use internal or external.")
    return render_both(session, transcript, settings, template).internal


class Refusal(str):
    """Why external.md was not written ("" when it was); ``unfinished_only`` when all the external
    version lacks is answers to its customer questions, not a leak."""

    unfinished_only = False


def write_markdown_files(
    session: Session, transcript: Transcript | None, settings: Settings, folder: Path, template: str | Path | None = None
) -> tuple[list[Path], Refusal]:
    """Write internal.md, and external.md unless the external version refuses to render (a leak),
    and the pictures they reference (timeline.svg, causes.svg, external-timeline.svg);
    returns the paths written and that refusal's sentence ("" when both were written).

    The internal document is rendered first and its errors propagate; OSError is left to the
    caller, which knows how to name the folder to the user.
    """
    rendered = render_both(session, transcript, settings, template, pictures=True)
    internal, external = rendered.internal, rendered.external  # type: str, str | None
    try:
        ensure_clean(external, rendered.redactor)
        refused = Refusal("")
    except UserError as exc:
        external, refused = None, Refusal(str(exc))
        refused.unfinished_only = bool(getattr(exc, "unfinished_only", False))
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "internal.md"]
    paths[0].write_text(internal, encoding="utf-8")
    if external is not None:
        paths.append(folder / "external.md")
        paths[1].write_text(external, encoding="utf-8")
    # The SVGs the documents reference, beside them (internal.md embeds the external version,
    # so its timeline is written even when external.md is refused; it holds no chat text).
    for name, picture in rendered.pictures.items():
        (folder / name).write_text(picture.svg, encoding="utf-8")  # type: ignore[attr-defined]
        paths.append(folder / name)
    return paths, refused


def load_session_and_transcript(settings: Settings, session_name: str) -> tuple[Session, Transcript | None]:
    """The saved session and its transcript copy (None when the copy is missing)."""
    from facilitator.sessions import SessionStore

    store = SessionStore()
    session = store.load(session_name)
    try:
        transcript: Transcript | None = store.transcript(session_name)
    except UserError:
        transcript = None  # citations fall back to "(msg ID)" without times
    return session, transcript


def render_command(
    settings: Settings, session_name: str, version: str, fmt: str, template: str | None, output: str | None
) -> int:
    """``facilitator render SESSION --version internal|external --format markdown|confluence [-o FILE]``."""
    session, transcript = load_session_and_transcript(settings, session_name)
    markdown = render_markdown(session, transcript, settings, version=version, template=template)
    if fmt == "confluence":
        from facilitator.render.storage import markdown_to_storage

        text = markdown_to_storage(markdown)
    else:
        text = markdown
    if version == "external":
        for item in unticked(session):
            sys.stderr.write(f"checklist: [ ] {item.text}\n")
    if output:
        path = Path(output).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SessionError(f"Could not write {path} ({exc.strerror or exc}); choose another -o path.") from None
        sys.stderr.write(f"Wrote {path}\n")
    else:
        sys.stdout.write(text)
    return 0
