"""The preview tab: both documents side by side, what is left to fix, the checklist, export.

The documents come from ``facilitator.render.render_both`` (internal, and external redacted,
from one document model and one redactor); the pane only arranges them. Rendering runs in a
thread worker on a copy of the session (its JSON, taken on the UI thread in milliseconds and
read back in the worker), so typing elsewhere never races it, and only when the tab is shown
after a change: when the session's content is the same as at the last render, the documents
on screen are kept (Ctrl+R renders anyway). "Rendering…" shows at once while the worker runs.
The pane also renders once while hidden, when the app is idle after opening (and again when
the findings arrive from the background), so the first F6 usually finds the documents ready
(channels up to ``PRERENDER_MAX_MESSAGES``);
edits the user makes only mark it for rendering when shown.
Each document is one ``Static`` holding a rich ``Markdown``: drawn in one pass when the tab
is shown, where Textual's ``Markdown`` widget mounted a widget per block and took seconds to
lay out on every switch to the tab. In the external version every placeholder the
redactor put in ("Engineer A", "Service 1", "[internal URL]"...) is shown as inline code so
the reader sees at a glance what was replaced; the exported file is not marked up.

"To fix" gathers TODOs (unknown / skipped / unanswered questions), key-time order warnings,
blameless and action-quality lints and leak-scan hits; Enter on one goes where it is fixed
(the interview question, or the tab that holds it). The redaction checklist ticks are saved
in ``session.redaction_checklist`` as they are ticked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.markdown import Markdown as RichMarkdown
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, ContentSwitcher, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from facilitator.checklist import evidence
from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.interview.engine import Interview
from facilitator.interview.lint import lint_session
from facilitator.redact_gate import external_scan, load_checklist
from facilitator.render import render_both
from facilitator.session import Session
from facilitator.transcript import Transcript
from screens.export import ExportPane
from screens.messages import ReportsWorkerErrors, SessionChanged
from screens.workflow import StaysHidden, WorkflowPane, claim_focus

NARROW = 80  # below this pane width the documents are shown one at a time
PRERENDER_AFTER = 0.5  # seconds of a mounted, hidden pane before it renders ahead of F6
# Above this many messages rendering ahead is not worth it: the documents of a 100,000-message
# channel take seconds and hundreds of MB to build, better spent only when the tab is asked for.
PRERENDER_MAX_MESSAGES = 5_000
BRACKETS = re.compile(r"\[(?:internal URL|internal host|secret|user|channel|ticket|email|phone number)\]")


@dataclass
class Fix:
    """One thing left to fix and where it is fixed."""

    label: str
    target: str  # "question:<id>", "tab:<tab id>", "inner:<inner tab id>"


@dataclass
class PreviewData:
    """What one render produced."""

    internal: str
    external: str
    highlighted: str
    replaced: int
    fixes: list[Fix] = field(default_factory=list)
    lints: list = field(default_factory=list)
    error: str = ""
    evidence: dict[str, str] = field(default_factory=dict)  # checklist item id -> what the tool found


def highlight_placeholders(text: str, placeholders: list[str]) -> tuple[str, int]:
    """Mark every redaction placeholder as inline code (outside code blocks); returns (text, count)."""
    names = sorted({p for p in placeholders if p}, key=len, reverse=True)
    pattern = re.compile("|".join([BRACKETS.pattern] + [rf"(?<![\w`]){re.escape(n)}(?![\w`])" for n in names]))
    out, count, fenced = [], 0, False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or line.lstrip().startswith("```"):
            out.append(line)
            continue
        line, n = pattern.subn(lambda m: f"`{m.group()}`", line)
        count += n
        out.append(line)
    return "\n".join(out), count


def fix_target(where: str) -> str:
    """Where a lint finding is fixed: 'answer:customer_effect' -> 'question:customer_effect'."""
    kind, _, ref = where.partition(":")
    return {
        "answer": f"question:{ref}",
        "action": "tab:actions",
        "rejected": "tab:actions",
        "why": "tab:whys",
        "timeline": "tab:timeline",
    }.get(kind, "inner:pv-docs")


def build_preview(session: Session, interview: Interview, transcript: Transcript | None, settings: Settings) -> PreviewData:
    """Render both documents and collect what is left to fix (runs in a thread on a copy)."""
    fixes = [Fix(f"TODO · {t.text} ({t.reason})", t.target or f"question:{t.question_id}") for t in interview.todos()]
    fixes += [Fix(f"Times · {w}", "question:started_at") for w in interview.order_warnings()]
    lints = lint_session(session, transcript)
    for f in lints:
        kind = "Blame" if f.kind == "blame" else "Action"
        fixes.append(Fix(f"{kind} · {f.problem} “{f.text[:60]}” → {f.suggestion}", fix_target(f.where)))
    try:
        rendered = render_both(session, transcript, settings)
    except UserError as exc:
        return PreviewData("", "", "", 0, fixes, lints, str(exc))
    internal, external, redactor = rendered.internal, rendered.external, rendered.redactor
    for leak in external_scan(external, redactor):
        found = external[leak.start : leak.end]
        fixes.append(Fix(f"Leak · {leak.kind}: “{found}” is still in the external version (export blocked)", "inner:pv-docs"))
    ticks = session.redaction_checklist
    fixes += [Fix(f"Checklist · {item.text}", "inner:pv-checklist") for item in load_checklist() if not ticks.get(item.id)]
    highlighted, count = highlight_placeholders(external, list(redactor.people.values()) + list(redactor.systems.values()))
    found = evidence(session, transcript, settings, rendered=rendered)
    return PreviewData(internal, external, highlighted, count, fixes, lints, evidence=found)


class ChecklistBox(Checkbox):
    """A checklist tick whose state reads as a word and a sign (☐ to do / ☑ done), not a colour."""

    BUTTON_LEFT = ""
    BUTTON_RIGHT = ""

    def __init__(self, value: bool, **kwargs) -> None:
        super().__init__(self._word(value), value=value, **kwargs)
        self.BUTTON_INNER = "☑" if value else "☐"

    @staticmethod
    def _word(value: bool) -> str:
        return "done " if value else "to do"

    def watch_value(self) -> None:
        """Show the new state in words."""
        self.BUTTON_INNER = "☑" if self.value else "☐"
        self.label = self._word(self.value)
        super().watch_value()


class PreviewPane(WorkflowPane, StaysHidden, ReportsWorkerErrors, Vertical):
    """Documents, fixes, checklist and export in inner tabs; see the module docstring."""

    PALETTE_GROUP = "preview"
    DEFAULT_CLASSES = "workflow-pane"
    HELP = """\
## Preview
**Documents** shows the internal and the external (customer-facing, redacted) versions side
by side on a wide screen, one at a time on a small one (`v` switches). Replaced text is
highlighted in the external one. **To fix** lists TODOs, time-order warnings, lints and
leaks: `Enter` goes where each is fixed. **Checklist** holds the redaction checks to tick
before the external version leaves. **Export** writes Markdown files or publishes to
Confluence. `Ctrl+R` renders again.
"""
    BINDINGS = [
        Binding("v", "switch_doc", "Internal/External", id="preview.switch_doc", tooltip="Show the other document (small screens)"),
        Binding("ctrl+r", "rerender", "Re-render", id="preview.rerender", tooltip="Render both documents again"),
        Binding("f", "inner('pv-fixes')", "To fix", id="preview.fixes", tooltip="Show what is left to fix", show=False),
        Binding("c", "inner('pv-checklist')", "Checklist", id="preview.checklist", tooltip="Show the redaction checklist", show=False),
        Binding("x", "inner('pv-export')", "Export", id="preview.export", tooltip="Export: Markdown files or Confluence"),
    ]

    def __init__(self, interview: Interview, transcript: Transcript, settings: Settings, **kwargs) -> None:
        super().__init__(interview, transcript, settings, **kwargs)
        self.data: PreviewData | None = None
        self.dirty = True
        self.shown: tuple[str, str] = ("", "")  # the Markdown of the internal and external documents on screen
        self._rendered_key = ""  # the session content the documents on screen were rendered from
        self.shown_doc = "internal"
        self.fixes: list[Fix] = []
        self.drafted = False  # the LLM drafts once per app run (the user's own sections are never replaced)

    def compose(self) -> ComposeResult:
        # Tabs + ContentSwitcher rather than a nested TabbedContent: the main screen owns the
        # one TabbedContent, and code that queries for it must not find ours.
        yield Tabs(
            Tab("Documents", id="t-pv-docs"), Tab("To fix", id="t-pv-fixes"), Tab("Checklist", id="t-pv-checklist"),
            Tab("Export", id="t-pv-export"), id="pv-tabs",
        )
        with ContentSwitcher(initial="pv-docs", id="pv-switch"):
            with Vertical(id="pv-docs"):
                yield Static("Rendering…", markup=False, id="pv-status")
                with Horizontal(id="pv-docs-row"):
                    with VerticalScroll(id="pv-internal-box", classes="pv-doc"):
                        yield Static("", id="pv-internal", classes="pv-md")
                    with VerticalScroll(id="pv-external-box", classes="pv-doc"):
                        yield Static("", id="pv-external", classes="pv-md")
            with Vertical(id="pv-fixes"):
                yield OptionList(markup=False, id="pv-fix-list")
            with VerticalScroll(id="pv-checklist"):
                yield Static("Tick each check once you have read the external version for it.", classes="hint")
                for item in load_checklist():
                    ticked = bool(self.interview.session.redaction_checklist.get(item.id))
                    with Horizontal(classes="pv-check-row"):
                        yield ChecklistBox(ticked, id=f"pv-check-{item.id}", name=item.id)
                        with Vertical(classes="pv-check-text"):
                            yield Static(item.text, markup=False)
                            yield Static("Evidence: (rendering…)", markup=False, id=f"pv-evidence-{item.id}", classes="pv-evidence")
            with Vertical(id="pv-export"):
                yield ExportPane(self.interview, self.transcript, self.settings)

    def on_mount(self) -> None:
        self.query_one("#pv-internal-box").border_title = "Internal"
        self.query_one("#pv-external-box").border_title = "External (replaced text highlighted)"
        self.set_timer(PRERENDER_AFTER, self._prerender)

    def _prerender(self) -> None:
        """Render while hidden once the main screen has its findings (see the module docstring)."""
        if not self.dirty or self._is_shown() or len(self.transcript) > PRERENDER_MAX_MESSAGES:
            return
        if getattr(self.screen, "background_findings", ""):
            self.set_timer(PRERENDER_AFTER, self._prerender)  # the findings are still on their way
            return
        self.action_rerender(force=False)

    def _is_shown(self) -> bool:
        return self.parent is not None and self.parent.display

    def on_show(self) -> None:
        """Render when the tab is shown after a change; take the focus if it was left behind."""
        if self.dirty:
            self.action_rerender(force=False)
        elif self.data is not None and self.shown != (self.data.internal, self.data.highlighted):
            self.call_after_refresh(self._show_documents)  # rendered while hidden: the tab's frame first
        self._draft_once()
        self.call_after_refresh(lambda: claim_focus(self, self.query_one("#pv-tabs", Tabs)))

    # -- LLM drafts (as `facilitator draft` does) ----------------------------------------------

    def _draft_once(self) -> None:
        """The first time the documents are shown with an LLM, draft the sections the user has not written."""
        if self.drafted or getattr(self.app, "llm", None) is None or getattr(self.app, "llm_offline", ""):
            return
        self.drafted = True
        self.query_one("#pv-status", Static).update("Drafting the narrative sections and the customer version with the LLM…")
        self.draft_with_llm()

    @work(exclusive=True, group="llm-draft", exit_on_error=False)
    async def draft_with_llm(self) -> None:
        """``assist.draft_sections``: the same call and notices as `draft`; sections the user has are kept."""
        from facilitator import assist

        notice = getattr(self.screen, "_llm_notice", None) or (lambda text: self.notify(text, severity="warning", markup=False))
        out = await assist.draft_sections(self.interview, self.transcript, self.app.llm, notice)  # type: ignore[attr-defined]
        if out.source == "llm" and out.value:
            self.action_rerender()

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        narrow = self.size.width < NARROW
        self.query_one("#pv-internal-box").display = not narrow or self.shown_doc == "internal"
        self.query_one("#pv-external-box").display = not narrow or self.shown_doc == "external"

    # -- rendering -------------------------------------------------------------------------

    def action_rerender(self, force: bool = True) -> None:
        """Render both documents again (in a thread, on a copy of the session); unless ``force``,
        keep the documents on screen when the session's content has not changed since."""
        self.dirty = False
        dump = self.interview.session.model_dump_json(exclude={"updated_at", "lints"})
        if not force and self.data is not None and dump == self._rendered_key:
            return
        self.query_one("#pv-status", Static).update("Rendering…")
        self.render_documents(dump)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def render_documents(self, dump: str) -> tuple[str, PreviewData]:
        """The documents and the fix list for the session ``dump`` holds (a copy)."""
        session = Session.model_validate_json(dump)
        interview = Interview(session, self.transcript, None, self.interview.questions)
        return dump, build_preview(session, interview, self.transcript, self.settings)

    @on(Worker.StateChanged)
    def _rendered(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "preview":
            return
        if event.state == WorkerState.ERROR:
            self.dirty = True  # try again next time the tab is shown; the app shows the notice
            self.query_one("#pv-status", Static).update("⚠ The documents could not be rendered; Ctrl+R tries again.")
            return
        if event.state != WorkerState.SUCCESS:
            return
        self._rendered_key, data = event.worker.result
        self.data = data
        status = self.query_one("#pv-status", Static)
        if data.error:
            status.update(f"⚠ {data.error}")
        else:
            todo = sum(1 for f in data.fixes if f.label.startswith("TODO"))
            plural = "s" if data.replaced != 1 else ""
            status.update(
                f"{todo} TODOs · {len(data.fixes)} things to fix (f) · {data.replaced} replacement{plural} in the external version"
            )
        self._show_fixes(data.fixes)
        for item in load_checklist():
            self.query_one(f"#pv-evidence-{item.id}", Static).update(
                f"Evidence: {data.evidence.get(item.id, 'No automatic check: a judgement call.')}")
        if self._is_shown():
            self._show_documents()
        if [f.model_dump() for f in data.lints] != [f.model_dump() for f in self.interview.session.lints]:
            self.interview.session.lints = data.lints
            self.interview.save()

    def _show_documents(self) -> None:
        """Put the rendered documents on screen (drawing them is the costly part of the tab)."""
        data = self.data
        if data is None:
            return
        self.shown = (data.internal, data.highlighted)
        self.query_one("#pv-internal", Static).update(RichMarkdown(data.internal))
        self.query_one("#pv-external", Static).update(RichMarkdown(data.highlighted))
        self._apply_layout()

    def _show_fixes(self, fixes: list[Fix]) -> None:
        self.fixes = fixes
        box = self.query_one("#pv-fix-list", OptionList)
        box.clear_options()
        if not fixes:
            box.add_option(Option("Nothing left to fix. Export when ready (x).", disabled=True))
        for fix in fixes:
            box.add_option(Option(fix.label))
        self.query_one("#pv-tabs", Tabs).query_one("#t-pv-fixes", Tab).label = f"To fix ({len(fixes)})"

    # -- jumping to fixes ------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#pv-fix-list")
    def _fix_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.fixes):
            self.go(self.fixes[event.option_index].target)

    def go(self, target: str) -> None:
        """Go where a fix is made: an interview question, another tab, or an inner tab."""
        kind, _, ref = target.partition(":")
        if kind == "inner":
            self.action_inner(ref)
            return
        screen = self.screen
        if kind == "question":
            try:
                self.interview.goto(ref)
            except UserError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.post_message(SessionChanged(origin="preview"))
            ref = "interview"
        if hasattr(screen, "action_tab"):
            screen.action_tab(ref)

    def action_inner(self, tab_id: str) -> None:
        """Show one of the inner tabs (documents, to fix, checklist, export)."""
        self.query_one("#pv-tabs", Tabs).active = f"t-{tab_id}"
        self.query_one("#pv-switch", ContentSwitcher).current = tab_id
        focus = {"pv-fixes": "#pv-fix-list", "pv-checklist": "#pv-checklist Checkbox", "pv-docs": "#pv-internal-box"}.get(tab_id)
        if focus:
            self.query(focus).first().focus()
        elif tab_id == "pv-export":
            self.query_one(ExportPane).focus_first()

    @on(Tabs.TabActivated, "#pv-tabs")
    def _inner_tab(self, event: Tabs.TabActivated) -> None:
        event.stop()  # ours, not the main screen's
        if event.tab is not None and event.tab.id:
            self.query_one("#pv-switch", ContentSwitcher).current = event.tab.id.removeprefix("t-")

    def action_switch_doc(self) -> None:
        """Show the other document when only one fits."""
        self.shown_doc = "external" if self.shown_doc == "internal" else "internal"
        self._apply_layout()
        self.action_inner("pv-docs")

    def palette_commands(self):
        """Export commands, reachable from the palette whichever inner tab is shown."""
        yield ("write markdown files", "Write internal.md and external.md", lambda: self._export("write"))
        yield ("publish to confluence", "Publish the post-mortem to Confluence", lambda: self._export("publish"))

    def _export(self, what: str) -> None:
        self.action_inner("pv-export")
        pane = self.query_one(ExportPane)
        pane.action_write() if what == "write" else pane.action_publish()

    # -- checklist -------------------------------------------------------------------------

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        item_id = event.checkbox.name or ""
        if not item_id:
            return
        self.interview.session.redaction_checklist[item_id] = event.value
        self.interview.save()
        self.dirty = True
        self.post_message(SessionChanged(origin="preview"))

    @on(SessionChanged)
    def _session_changed(self, event: SessionChanged) -> None:
        if event.bubble:
            return  # our own message on its way to the screen; the forwarded copy follows
        self.dirty = True
        if self._is_shown():
            self.action_rerender(force=False)
        elif event.origin in ("findings", "llm"):
            self.set_timer(PRERENDER_AFTER, self._prerender)
