"""``facilitator review``: check post-mortems a team already has, one or a whole tree.

Text on a terminal, ``--json`` for scripts; exit code 1 when a blocker is found, 2 for a
problem the user can fix in the command (one sentence, as everywhere else).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.review.checks import DURATIONS, Review, review_document
from facilitator.review.document import ReviewedDocument, norm, section_specs
from facilitator.review.facts import CATEGORIES, KEY_TIME_LABELS, KEY_TIMES
from facilitator.review.history import History, TreeSummary, minutes_text, review_many
from facilitator.review.sources import (
    is_year_page, list_tree, markdown_files, page_id_of, read_confluence_page, read_markdown_file, read_stdin,
)


def read_source(settings: Settings, source: str) -> ReviewedDocument:
    """One document: a Markdown file, '-', or a Confluence page id or URL."""
    if source == "-":
        return read_stdin()
    path = Path(source)
    if path.exists():
        return read_markdown_file(path)
    page_id = page_id_of(source)
    if page_id is not None:
        return read_confluence_page(settings, page_id)
    raise UserError(f"'{source}' is neither a file nor a Confluence page id or URL; check the path or the page link.")


def review_command(
    settings: Settings,
    source: str | None,
    as_json: bool = False,
    external: bool | None = None,
    session_name: str | None = None,
    tree: str | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the review the flags ask for and print its report; the exit code says if blockers remain."""
    out = out or sys.stdout
    if tree is not None or (source not in (None, "-") and Path(source).is_dir()):
        if session_name:
            raise UserError("--session opens one document; pass a single file or page, not a tree.")
        summary = review_tree(settings, tree, Path(source) if tree is None and source else None, progress=_progress())
        if as_json:
            json.dump(summary.to_json(), out, indent=2, ensure_ascii=False)
            out.write("\n")
        else:
            out.write(format_tree(summary, tree or str(source)))
        return 1 if any(e.blockers for e in summary.postmortems) else 0
    if source is None:
        raise UserError("review needs a SOURCE: a Markdown file, '-', a Confluence page id or URL, or --confluence-tree PARENT_ID.")
    doc = read_source(settings, source)
    review = review_document(doc, external=external)
    if session_name:
        from facilitator.review.to_session import session_from_review

        session = session_from_review(review, settings, session_name)
        sys.stderr.write(
            f"facilitator: saved session '{session.name}' with {len(session.answers)} answers read from the document; "
            f"continue with `facilitator interview --session {session.name}`.\n"
        )
    if as_json:
        json.dump(review.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(format_review(review))
    return 1 if review.blockers else 0


def review_tree(settings: Settings, parent_id: str | None, folder: Path | None,
                progress: Callable[[int, int, str], None] | None = None, client: Any = None) -> TreeSummary:
    """Review every post-mortem under a Confluence parent page or in a folder."""
    history = History.default()
    if folder is not None:
        files = markdown_files(folder)
        if not files:
            raise UserError(f"There are no Markdown files in {folder}; pass the folder that holds the post-mortems.")
        items = []
        for path in files:
            stat = path.stat()
            items.append((f"file:{path.resolve()}", f"{stat.st_size}:{stat.st_mtime_ns}",
                          lambda p=path: review_document(read_markdown_file(p)), path.name))
        return review_many(items, history, len(items), progress)
    assert parent_id is not None
    if not str(parent_id).strip().isdigit():
        raise UserError(f"--confluence-tree takes a page id (digits), not '{parent_id}'; it is in the parent page's URL.")
    if client is None:
        from facilitator.publish.confluence import make_client

        client = make_client(settings, for_writing=False)
    from facilitator.publish.confluence import base_url

    pages = [p for p in list_tree(settings, parent_id, client=client) if not is_year_page(p.title)]
    base = base_url(settings)
    items = [
        (f"confluence:{base}/{p.page_id}", str(p.version),
         lambda p=p: review_document(read_confluence_page(settings, p.page_id, client=client)), p.title)
        for p in pages
    ]
    summary = review_many(items, history, len(items), progress)
    if settings.jira.url and (settings.jira.token is not None):
        _jira_status(settings, summary)
    return summary


def _jira_status(settings: Settings, summary: TreeSummary) -> None:
    """Drop open actions whose Jira issue is done (best effort: Jira down means 'unknown', kept open)."""
    from facilitator.publish.jira import make_client

    try:
        client = make_client(settings)
    except Exception:  # noqa: BLE001 - the summary is still useful without Jira
        return
    for entry in summary.postmortems:
        kept = []
        for action in entry.open_actions:
            key = action.get("ticket", "")
            if key:
                try:
                    issue = client.issue(key)
                    category = (((issue or {}).get("fields") or {}).get("status") or {}).get("statusCategory") or {}
                    status = (((issue or {}).get("fields") or {}).get("status") or {}).get("name", "")
                    action["status"] = status or action.get("status", "")
                    if category.get("key") == "done":
                        continue
                except Exception:  # noqa: BLE001 - one unreadable issue must not hide the others
                    pass
            kept.append(action)
        entry.open_actions = kept


def _progress() -> Callable[[int, int, str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(n: int, total: int, title: str) -> None:
        width = 24
        done = int(width * n / max(total, 1))
        sys.stderr.write(f"\r\x1b[2K[{'#' * done}{'.' * (width - done)}] {n}/{total} {title[:40]}")
        if n == total:
            sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()

    return show


# --- reports ---------------------------------------------------------------------------------


def format_review(review: Review) -> str:
    """The report of one document, as a person reads it."""
    doc, facts = review.document, review.facts
    lines = [f'Review of "{doc.title or "(untitled)"}" ({doc.source or "input"})']
    blockers, warnings = len(review.blockers), len(review.findings) - len(review.blockers)
    verdict = "ready to publish" if not blockers else "fix the blockers before publishing"
    lines.append(f"{blockers} blocker{'s' if blockers != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}: {verdict}."
                 + (" Read as a customer-facing document." if facts.external else ""))
    lines.append("")
    found = []
    for spec in section_specs():
        section = doc.part(spec.id)
        if section is not None:
            named = "" if norm(section.heading) == norm(spec.label) else f"'{section.heading}', "
            found.append(f"{spec.label} ({named}line {section.line})")
    lines.append("Sections found: " + (", ".join(found) if found else "none"))
    if facts.times:
        lines.append("Times: " + "; ".join(
            f"{KEY_TIME_LABELS[k].lower()} {facts.times[k].value:%Y-%m-%d %H:%M} "
            f"({'from the timeline, ' if facts.times[k].derived else ''}line {facts.times[k].line})"
            for k in KEY_TIMES if k in facts.times
        ))
    durations = review.durations()
    if durations:
        lines.append("Durations: " + "; ".join(
            f"{label.lower()} {minutes_text(durations[key].total_seconds() / 60)} ({definition})"
            for key, label, _a, _b, definition in DURATIONS if key in durations
        ))
    if facts.actions:
        covered = sorted({a.category for a in facts.actions if a.category}, key=list(CATEGORIES).index)
        lines.append(f"Action items: {len(facts.actions)}" + (f", categories: {', '.join(covered)}" if covered else ""))
    for severity, title in (("blocker", "Blockers"), ("warning", "Warnings")):
        rows = [f for f in review.findings if f.severity == severity]
        if not rows:
            continue
        lines += ["", f"{title} ({len(rows)})"]
        for f in rows:
            where = f"line {f.line}" if f.line else "document"
            section = f" [{f.section}]" if f.section else ""
            lines.append(f"  {where}{section}: {f.problem}")
            if f.text and f.text not in f.problem:
                lines.append(f"      \"{f.text[:100]}\"")
            if f.suggestion:
                lines.append(f"      -> {f.suggestion}")
    return "\n".join(lines) + "\n"


def format_tree(summary: TreeSummary, where: str) -> str:
    """The summary of many post-mortems."""
    docs = summary.postmortems
    cached = len(summary.entries) - summary.fetched
    lines = [f"Reviewed {len(docs)} post-mortem{'s' if len(docs) != 1 else ''} in {where} "
             f"({summary.fetched} read, {max(cached, 0)} unchanged since the last run)."]
    if summary.skipped:
        lines.append(f"Not post-mortems, skipped: {', '.join(summary.skipped)}.")
    lines += ["", "Per document"]
    for e in docs:
        state = f"{len(e.blockers)} blocker{'s' if len(e.blockers) != 1 else ''}" if e.blockers else "no blockers"
        lines.append(f"  {e.date or '????-??-??'}  {e.title[:50]}: {state}, {e.warnings} warnings" + (f"  {e.url}" if e.url else ""))
        lines.extend(f"      {b}" for b in e.blockers[:5])
        if len(e.blockers) > 5:
            lines.append(f"      ... and {len(e.blockers) - 5} more")
    stats = summary.duration_stats()
    if stats:
        lines += ["", "Durations over time"]
        header = "  date        " + "".join(f"{label[:16]:>18}" for _k, label, *_ in DURATIONS)
        lines.append(header)
        for e in docs:
            if not e.durations:
                continue
            cells = "".join(f"{(minutes_text(e.durations[k]) if k in e.durations else '-'):>18}" for k, *_ in DURATIONS)
            lines.append(f"  {e.date or '?':<10}  {cells}  {e.title[:30]}")
        for key, label, _a, _b, definition in DURATIONS:
            if key in stats:
                s = stats[key]
                lines.append(f"  {label} ({definition}): median {minutes_text(s['median'])} over {s['count']} "
                             f"(best {minutes_text(s['min'])}, worst {minutes_text(s['max'])})")
    causes = summary.recurring_causes()
    lines += ["", "Recurring causes"]
    if causes:
        lines.extend(f"  '{term}' in {len(d)} post-mortems: {', '.join(d)}" for term, d in causes)
    else:
        lines.append("  None found in two or more root causes.")
    counts = summary.categories()
    lines += ["", "Action categories (post-mortems with at least one)"]
    lines.append("  " + ", ".join(f"{c} {counts.get(c, 0)}" for c in CATEGORIES))
    open_actions = summary.open_actions()
    lines += ["", f"Action items still open ({len(open_actions)})"]
    for e, a in open_actions[:30]:
        meta = ", ".join(x for x in (a.get("owner", ""), a.get("due", ""), a.get("ticket", ""), a.get("status", "")) if x)
        lines.append(f"  {a['text'][:70]}" + (f" ({meta})" if meta else "") + f"  [{e.title[:30]}]")
    if len(open_actions) > 30:
        lines.append(f"  ... and {len(open_actions) - 30} more")
    return "\n".join(lines) + "\n"
