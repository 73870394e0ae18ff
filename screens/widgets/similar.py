"""'Has this happened before?': earlier post-mortems from Confluence, shown as links.

The interview shows this widget under the answer of the ``happened_before`` question when
Confluence is configured. The search (``facilitator.publish.confluence.find_similar``) runs
once per session view in a thread worker, so the question appears at once and the links
follow; a failed search is a quiet line here, not a notice: it is a hint, not a task.
The query is the title (the answer, else the findings) and service-like names: the
"affected" answer and hyphenated names (orders-service) where the channel talks about
earlier incidents.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual import work
from textual.widgets import Static

from facilitator.errors import UserError
from facilitator.interview.engine import Interview

SIMILAR_QUESTION = "happened_before"
SERVICE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b")  # orders-service, payments-api


def confluence_configured(settings) -> bool:
    """True when Confluence search can run (URL, parent page and a token)."""
    c = getattr(settings, "confluence", None)
    return bool(c is not None and c.url and c.parent_page_id and c.token)


def similar_query(interview: Interview, channel: str = "") -> tuple[str, list[str]]:
    """The title and services to search with (answers first, then the findings)."""
    title = interview.value("title")
    if not isinstance(title, str) or not title.strip():
        found = interview.session.findings.title
        title = interview.session.title or (found.text if found else "") or channel
    affected = interview.value("affected")
    lines = affected if isinstance(affected, list) else []
    services = [line.split(":", 1)[-1].strip() for line in lines if line.strip()]
    mentions = " ".join(f.text for f in interview.session.findings.prior_incidents)
    for name in SERVICE_NAME.findall(f"{title} {mentions}"):
        if name.lower() not in (s.lower() for s in services):
            services.append(name)
    return str(title or ""), services[:4]


class SimilarIncidents(Static):
    """Links to earlier post-mortems that may be related (searched once, in a thread)."""

    def __init__(self, settings, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.settings = settings
        self.result: tuple[list[tuple[str, str]], str] | None = None  # (title, url) links, error
        self._started = False

    def show_for(self, question_id: str, interview: Interview, channel: str = "") -> None:
        """Show (searching on first use) for ``happened_before``; hide for any other question."""
        self.display = question_id == SIMILAR_QUESTION and confluence_configured(self.settings)
        if not self.display:
            return
        if self.result is None:
            self.update("Searching Confluence for earlier post-mortems…")
            if not self._started:
                self._started = True
                self.search(*similar_query(interview, channel))
            return
        self._render_result()

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def search(self, title: str, services: list[str]) -> None:
        """Search Confluence (in a thread); the result is drawn on the UI thread."""
        from facilitator.publish.confluence import find_similar

        try:
            found, error = find_similar(self.settings, title, services), ""
        except UserError as exc:
            found, error = [], str(exc)
        self.app.call_from_thread(self._found, found, error)

    def _found(self, found: list[tuple[str, str]], error: str) -> None:
        self.result = (found, error)
        if self.display:
            self._render_result()

    def _render_result(self) -> None:
        found, error = self.result or ([], "")
        if error:
            self.update(Text(f"Could not search Confluence: {error}", style="italic"))
        elif not found:
            self.update("No earlier post-mortem in Confluence matches this title or these services.")
        else:
            text = Text("Earlier post-mortems that may be related (click to open):\n", style="bold")
            for title, url in found:
                text.append("• ")
                text.append(title or url, style=Style(link=url, underline=True))
                text.append(f"  {url}\n", style="dim")
            self.update(text)
