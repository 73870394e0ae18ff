"""Where reviewed post-mortems come from: a Markdown file, standard input, a folder, Confluence.

Confluence pages arrive in storage format (XHTML with ``ac:`` macros); markdownify turns them
into Markdown so one reader serves every source. The Confluence client is the one publishing
uses (``facilitator.publish.confluence``), with the same retries and one-sentence errors.
Listing a tree asks CQL for every page under the parent with its version number, so a second
run can skip the bodies of pages that did not change.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.review.document import ReviewedDocument, parse_document

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # far above any post-mortem; a bigger file is not one


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page under the reviewed parent, as CQL lists it (no body)."""

    page_id: str
    title: str
    version: int
    url: str


def read_markdown_file(path: Path) -> ReviewedDocument:
    """A Markdown file read as a post-mortem (one sentence when it cannot be read)."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise UserError(f"{path} is larger than 5 MB, which no post-mortem is; review the document itself.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no file {path}; check the path.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; pass a Markdown file, or the folder to review every file in it.") from None
    except OSError as exc:
        raise UserError(f"Could not read {path} ({exc.strerror}); check the path and its permissions.") from None
    if b"\x00" in data[:4096]:
        raise UserError(f"{path} is not a text file; pass a Markdown post-mortem.")
    return parse_document(data.decode("utf-8", errors="replace"), str(path))


def read_stdin() -> ReviewedDocument:
    """A post-mortem piped on standard input."""
    text = sys.stdin.read(MAX_DOCUMENT_BYTES + 1)
    if len(text) > MAX_DOCUMENT_BYTES:
        raise UserError("Standard input is larger than 5 MB, which no post-mortem is; pipe the document itself.")
    if not text.strip():
        raise UserError("Standard input was empty; pipe a Markdown post-mortem, e.g. `facilitator review - < pm.md`.")
    return parse_document(text, "-")


def markdown_files(folder: Path) -> list[Path]:
    """The Markdown files under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MARKDOWN_SUFFIXES)


_PAGE_IN_URL = re.compile(r"/pages/(\d+)|[?&]pageId=(\d+)")


def page_id_of(ref: str) -> str | None:
    """The page id of a Confluence page reference (an id or a page URL), None when it is neither."""
    ref = ref.strip()
    if ref.isdigit():
        return ref
    if ref.startswith(("http://", "https://")):
        m = _PAGE_IN_URL.search(ref)
        return (m.group(1) or m.group(2)) if m else None
    return None


def storage_to_markdown(storage: str) -> str:
    """Confluence storage format as Markdown (headings, lists and tables kept)."""
    from markdownify import markdownify

    # Macros' parameters are configuration, not prose; their bodies are kept.
    storage = re.sub(r"<ac:parameter\b[^>]*>.*?</ac:parameter>", "", storage, flags=re.S)
    storage = re.sub(r"<!\[CDATA\[(.*?)\]\]>", lambda m: m.group(1).replace("<", "&lt;"), storage, flags=re.S)
    return markdownify(storage, heading_style="ATX", bullets="-", strip=["ac:image"])


def _client(settings: Settings) -> Any:
    from facilitator.publish.confluence import make_client

    return make_client(settings, for_writing=False)


def read_confluence_page(settings: Settings, page_id: str, client: Any = None) -> ReviewedDocument:
    """One Confluence page read as a post-mortem."""
    from facilitator.publish.confluence import _hint, base_url, expect_dict, page_url, translate_errors

    client = client or _client(settings)
    with translate_errors("Confluence", f"read page {page_id}", base_url(settings), _hint(settings)):
        page = expect_dict(client.get_page_by_id(page_id, expand="body.storage,version"), "Confluence", "confluence.url", base_url(settings))
    storage = ((page.get("body") or {}).get("storage") or {}).get("value", "")
    markdown = f"# {page.get('title', '')}\n\n" + storage_to_markdown(storage)
    doc = parse_document(markdown, page_url(page, base_url(settings)))
    doc.page_id = str(page.get("id", page_id))
    doc.version = int((page.get("version") or {}).get("number", 0) or 0)
    return doc


def list_tree(settings: Settings, parent_id: str, client: Any = None, page_size: int = 50) -> Iterator[PageRef]:
    """Every page under ``parent_id`` (any depth), with its version, page by page of results."""
    from facilitator.publish.confluence import _hint, base_url, page_url, translate_errors

    client = client or _client(settings)
    cql = f"type = page AND ancestor = {int(parent_id)} ORDER BY created DESC"
    start = 0
    while True:
        with translate_errors("Confluence", f"list the pages under {parent_id}", base_url(settings), _hint(settings)):
            result = client.cql(cql, start=start, limit=page_size, expand="content.version")
        items = (result or {}).get("results", []) if isinstance(result, dict) else []
        for item in items:
            content = item.get("content") or {}
            page_id = str(content.get("id", ""))
            if not page_id:
                continue
            version = int((content.get("version") or {}).get("number", 0) or 0)
            yield PageRef(page_id, content.get("title") or item.get("title", ""), version, page_url(content, base_url(settings)))
        total = result.get("totalSize", 0) if isinstance(result, dict) else 0
        start += len(items)
        if not items or start >= total:
            return


def is_year_page(title: str) -> bool:
    """A year page ("2024", "Post-mortems 2024") holds post-mortems; it is not one."""
    return bool(re.fullmatch(r"(?:post-?mortems?\s+)?\d{4}", title.strip(), re.I))
