"""``facilitator publish``: the rendered post-mortem to Confluence, action items to Jira.

The order is chosen so a failure leaves the session untouched: render (and, for the external
version, leak-scan) first, then talk to Confluence, and only after success record the page
in ``session.published`` and save. Jira issues are recorded one by one as they are created,
so a failure half-way still saves the keys already filed (they must never be filed twice).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from facilitator.checklist import is_terminal, review_before_publish
from facilitator.config import Settings
from facilitator.errors import PublishError
from facilitator.publish.confluence import (
    PublishedPage, Unreachable, find_similar, locate, make_client, publish_page, template_headings,
)
from facilitator.publish.owner import owner_of
from facilitator.publish.template_map import apply_template_headings
from facilitator.redact_gate import ensure_clean, unticked
from facilitator.render import load_session_and_transcript, render_both
from facilitator.render.storage import markdown_to_storage
from facilitator.session import Session
from facilitator.summary import summary_from_document
from facilitator.transcript import Transcript

__all__ = ["publish_command", "find_similar", "prepare", "Prepared"]


class Prepared:
    """Everything to publish, computed before any network call."""

    def __init__(self, session: Session, transcript: Transcript | None, settings: Settings, version: str,
                 headings: list[str], title: str = "") -> None:
        rendered = render_both(session, transcript, settings, pictures=True)  # one document model, one redactor
        self.doc = rendered.doc
        # The pictures the page references, attached to it after the page is written.
        self.pictures = {name: p.svg.encode("utf-8") for name, p in rendered.pictures.items()  # type: ignore[attr-defined]
                         if version == "internal" or name.startswith("external-")}
        title = " ".join(title.split()) or self.doc.title  # --title: a distinct page title
        if version == "external":
            ensure_clean(rendered.external, rendered.redactor)
            markdown = rendered.external
            title = rendered.redactor.redact(title).text + " (external)"
        else:
            markdown = rendered.internal
        # The company template shapes the internal page; the external one keeps its customer layout.
        self.markdown = apply_template_headings(markdown, headings if version == "internal" else [])
        self.body = markdown_to_storage(self.markdown)
        self.title = f"[{self.doc.date}] {title}"
        self.year = int(self.doc.date[:4])
        self.version = version


def prepare(session: Session, transcript: Transcript | None, settings: Settings, version: str = "internal",
            headings: list[str] | None = None, title: str = "") -> Prepared:
    """Render and convert the document (raises LeakError for an unclean external version)."""
    return Prepared(session, transcript, settings, version, headings or [], title)


def finish_page(client: Any, settings: Settings, prepared: Prepared, page_id: str) -> None:
    """After the page is written: attach the pictures it embeds (a new version of each on
    republish) and add the labels the team's recent post-mortems carry (house style)."""
    if prepared.pictures:
        from facilitator.publish.attachments import attach_pictures

        attach_pictures(client, settings, page_id, prepared.pictures)
    if str(settings.confluence.parent_page_id).strip().isdigit():
        from facilitator.publish.house_style import apply_house_labels

        apply_house_labels(client, settings, page_id)


def record_page(session: Session, page: PublishedPage, version: str) -> Session:
    """A copy of ``session`` that remembers the published internal page, so publishing again
    updates it instead of creating a duplicate (the external page is found by its title)."""
    updated = session.model_copy(deep=True)
    if version == "internal":
        updated.published.confluence_page_id = page.page_id
        updated.published.confluence_url = page.url
        updated.published.confluence_version = page.version
        updated.published.year_page_id = page.year_page_id
    return updated


def _summary(p: Prepared, session: Session, location: str, url: str, out: TextIO, jira_line: str = "") -> None:
    """The facts and next steps (``facilitator.summary``, shared with the app's result screen) as aligned rows."""
    s = summary_from_document(session, p.doc)
    out.write(f"Title:        {p.title}\n")
    out.write(f"Location:     {location}\n")
    if url:
        out.write(f"URL:          {url}\n")
    out.write(f"Duration:     {s.duration_text} (fault introduced to resolution)\n")
    out.write(f"Responders:   {s.responders}\n")
    out.write(f"Action items: {s.actions}{jira_line}\n")
    out.write("Next steps:\n")
    for step in s.next_steps():
        out.write(f"  - {step}\n")
    # What only the command line can offer: the commands that do the next step.
    if s.unticked:
        out.write(f"  - Review the redaction checklist: facilitator checklist {session.name}\n")
    if s.actions_unfiled and not jira_line:
        out.write(f"  - File the action items in Jira: facilitator publish {session.name} --jira PROJECT\n")


def _hold(name: str) -> None:
    from facilitator.session_guard import hold
    from facilitator.sessions import SessionStore

    store = SessionStore()
    if store.exists(name):
        hold(store.folder(name), name)


def _save(session: Session) -> None:
    from facilitator.sessions import SessionStore  # written by the interview helper

    SessionStore().save(session)


def publish_command(settings: Settings, session_name: str, version: str, dry_run: bool, jira_project: str | None,
                    out: TextIO | None = None, interactive: bool | None = None, title: str = "",
                    adopt_page: str = "") -> int:
    """``facilitator publish SESSION [--version internal|external] [--dry-run] [--jira PROJECT]
    [--title TEXT] [--adopt-page ID]``.

    ``interactive`` (default: stdin and stdout are a terminal) lets an external publish with
    unticked checklist items offer the review instead of refusing. A same-title page that is
    not this session's is refused unless ``adopt_page`` names it.
    """
    out = out or sys.stdout
    session, transcript = load_session_and_transcript(settings, session_name)
    if not dry_run:
        _hold(session.name)  # before anything is published: a session open elsewhere is refused now, not after
    if version == "external":
        if unticked(session) and not dry_run and (is_terminal() if interactive is None else interactive):
            # On a terminal the review happens here rather than a refusal and a second command
            # (after the configuration check, so nobody reviews only to learn Confluence is not set up).
            make_client(settings)
            session = review_before_publish(settings, session.model_copy(deep=True), transcript, _save, out)
        open_items = unticked(session)
        for item in open_items:
            sys.stderr.write(f"checklist: [ ] {item.text}\n")
        if open_items and not dry_run:
            # The leak scan catches strings; these are judgement calls only a person can make.
            raise PublishError(
                f"The external version still has {len(open_items)} unticked redaction checklist item(s); review and tick "
                f"them with `facilitator checklist {session.name}` (or in the app, Preview > Checklist), then publish again."
            )
    configured = bool(settings.confluence.url)
    client = None
    headings: list[str] = []
    unchecked = ""  # dry run only: why Confluence could not be asked (the plan is still shown)
    invalid = False  # dry run only: a setting is wrong (the real publish would fail): exit 2
    if configured:
        try:
            client = make_client(settings)
            headings = template_headings(settings, client) if version == "internal" else []
        except PublishError as exc:
            if not dry_run:
                raise
            unchecked, invalid = str(exc), not isinstance(exc, Unreachable)
    prepared = prepare(session, transcript, settings, version, headings, title)
    known_id = session.published.confluence_page_id if version == "internal" else ""
    owner = owner_of(session)
    if dry_run:
        target = None
        if client is not None and not unchecked:
            try:
                target = locate(client, settings, prepared.title, prepared.year, adopt_page or known_id,
                                None if adopt_page else owner)
            except PublishError as exc:
                unchecked, invalid = str(exc), not isinstance(exc, Unreachable)
        if target is not None and target.conflict:
            raise PublishError(target.conflict)  # the real publish would refuse: say so now, exit 2
        if not configured:
            location = f"{settings.confluence.space or '?'} (Confluence not configured)"
            action = "would create"
        elif target is None:
            c = settings.confluence
            year = (c.year_page_title or "Post-mortems {year}").replace("{year}", str(prepared.year))
            location = f"{c.space or '?'} > page {c.parent_page_id or '?'} > {year} (unknown: Confluence could not be checked)"
            action = "would create or update the page (unknown until Confluence answers)"
        else:
            year = target.year_title + ("" if target.year_page_id else " (would be created)")
            location = f"{target.space} > {target.parent_title} > {year}"
            action = f"would update (version {target.version} -> {target.version + 1})" if target.page_id else "would create"
        out.write(f"Dry run: {action}; nothing was changed.\n")
        if prepared.pictures:
            out.write(f"Pictures: would attach {', '.join(prepared.pictures)} (a new version of each when already attached).\n")
        if unchecked:
            out.write(f"Confluence could not be checked: {unchecked}\n")
        _summary(prepared, session, location, "", out)
        if jira_project:
            from facilitator.publish.jira import file_action_items

            pending = [f for f in file_action_items(settings, session, jira_project, "", prepared.title, dry_run=True) if not f.key]
            out.write(f"Jira: would file {len(pending)} issue(s) in {jira_project}; {len(session.actions) - len(pending)} already filed.\n")
        out.write("\n" + prepared.markdown)
        if invalid:
            sys.stderr.write(f"facilitator publish: the dry run found a setting to fix: {unchecked}\n")
            return 2
        return 0
    if client is None:
        make_client(settings)  # raises the "not configured" sentence
    page = publish_page(settings, prepared.title, prepared.body, prepared.year, known_id, client=client, owner=owner,
                        adopt_page_id=adopt_page)
    updated = record_page(session, page, version)
    try:
        finish_page(client or make_client(settings), settings, prepared, page.page_id)
    except PublishError:
        _save(updated)  # the page exists: publishing again updates it and retries the rest
        raise
    jira_line = ""
    if jira_project:
        from facilitator.publish.jira import file_action_items

        try:
            filed = file_action_items(settings, updated, jira_project, page.url, prepared.title)
        except PublishError:
            _save(updated)  # keep the keys filed before the failure
            raise
        created = sum(1 for f in filed if f.created)
        jira_line = f" ({created} filed in {jira_project} now, {len(filed) - created} already filed)"
    _save(updated)
    verb = "Created" if page.created else f"Updated (version {page.version})"
    out.write(f"{verb}: {page.url}\n")
    target = page.target
    _summary(prepared, updated, f"{target.space} > {target.parent_title} > {target.year_title}", page.url, out, jira_line)
    return 0
