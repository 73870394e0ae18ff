"""The action items tab: a table of items, a form to add or edit one, lints inline.

The pane drives ``facilitator.interview.actions.ActionBook`` (which validates and saves
after every change) and shows, as the user types, what the action-quality and blameless
lints say about the text, each with its suggested rewrite; nothing is rewritten for the
user. Suggestions from the channel ("we should...", "TODO", "follow-up") are listed under
the form: Enter copies one into the form (its citations kept), ``x`` rejects it with a
reason, and rejected ideas stay listed with their reasons (Delete brings one back).
With an LLM, ``w`` proposes a sharper item and "Reword blamelessly" a blameless wording
(``screens.actions_llm``); a proposal is only copied into the form when the user accepts it.

The form edits a copy: a value that does not validate (a due date that is not a date, an
empty action) is explained under the form and nothing is saved, so the user fixes it in
place instead of retyping.
"""

from __future__ import annotations

from typing import get_args

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.interview.actions import ActionBook, ActionSuggestion, parse_due
from facilitator.interview.engine import Interview
from facilitator.interview.lint import action_findings, blame_findings
from facilitator.session import ActionItem, Category, LintFinding, Prevents, Priority
from facilitator.transcript import Transcript
from screens.actions_llm import LLMRewrites
from facilitator.undo import history_for
from screens.home import ConfirmScreen
from screens.messages import CitationSelected, ReportsWorkerErrors, SessionChanged
from screens.widgets.answer_area import AnswerInput
from screens.workflow import RefreshesWhenShown, StaysHidden, WorkflowPane, redirect_typing

CATEGORIES: tuple[str, ...] = get_args(Category)
PREVENTS: tuple[str, ...] = get_args(Prevents)
PRIORITIES: tuple[str, ...] = get_args(Priority)
STATUSES: tuple[str, ...] = ("open", "in progress", "done")


def lint_text(item: ActionItem, names: set[str], session) -> list[LintFinding]:
    """Action-quality and blameless findings for one (possibly unsaved) item."""
    return action_findings(item) + blame_findings(item.action, f"action:{item.id}", names, session)


def person_names(session, transcript: Transcript | None) -> set[str]:
    """Names the blameless lint treats as people (participants and responders, first names too)."""
    raw = {r.name for r in session.findings.responders}
    if transcript is not None:
        raw.update(name for name, _ in transcript.participants())
    names = set()
    for name in raw:
        name = name.strip().lstrip("@")
        if len(name) >= 2:
            names.add(name)
            names.add(name.split()[0])
    return names


def format_findings(findings: list[LintFinding]) -> str:
    """Lint findings as lines: the problem, then the suggested rewrite."""
    lines = []
    for f in findings:
        mark = "Blame" if f.kind == "blame" else "Quality"
        lines.append(f"⚠ {mark}: {f.problem}")
        if f.suggestion:
            lines.append(f"   → {f.suggestion}")
    return "\n".join(lines)


class ReasonScreen(ModalScreen[str | None]):
    """Ask why an idea is rejected (the reason is what makes the record useful)."""

    CSS_PATH = "actions.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel", tooltip="Close without rejecting")]

    def __init__(self, idea: str) -> None:
        super().__init__()
        self.idea = idea

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            yield Static(f"Reject: {self.idea}", markup=False, id="reason-title")
            yield Label("Why is it not taken? (Enter saves, Esc cancels)")
            yield Input(placeholder="e.g. covered by a1; cost outweighs the risk", id="reason-input")
            yield Static("", markup=False, id="reason-error", classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Static).update("Say why; the reason is what makes the record useful later.")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without rejecting."""
        self.dismiss(None)


class ActionsPane(WorkflowPane, ReportsWorkerErrors, LLMRewrites, RefreshesWhenShown, StaysHidden, VerticalScroll):
    """Action items: table, form with inline lints, suggestions and rejected ideas."""

    PALETTE_GROUP = "actions"
    DEFAULT_CLASSES = "workflow-pane"
    HELP = """\
## Action items
Aim for 3 to 5 strong items: each starts with a verb, is specific, has a done condition,
an owner and a due date. In the table, `Enter` loads the selected item into the form,
`Ctrl+N` starts a new one, `Delete` removes it (after you confirm), `Ctrl+X` rejects it (with a
reason, kept in the document), `Shift+↑/↓` reorders. In the form, Enter goes action → owner →
due date and saves from the due date; `Ctrl+S` saves from anywhere, and the cursor goes back
to the action field for the next item. The lints under the form update as you type and
suggest a rewrite; nothing is changed for you. In the suggestions list, `Enter` copies a
suggestion into the form and `Ctrl+X` rejects it; in the rejected list, `Delete` brings an idea
back. `Ctrl+Z` undoes the last change to the items (the last 50, kept when you quit).
Letters typed while the table or a list has the focus go to the action field, never to a command.
With an LLM (an Anthropic key), `Ctrl+R` proposes a sharper version of the item in the form (or the
selected one) and "Reword blamelessly" appears when the lint flags blame; `Enter` on "Use it"
copies the proposal into the form (`Ctrl+S` saves), `Esc` dismisses it.
"""
    ORIGIN = "actions"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save item", id="actions.save", tooltip="Save the item in the form"),
        Binding("ctrl+n", "new", "New", id="actions.new", tooltip="Clear the form for a new item"),
        Binding("delete", "remove", "Delete", id="actions.remove", tooltip="Delete the selected item, asking first (or bring back a rejected idea)"),
        Binding("ctrl+x", "reject", "Reject", id="actions.reject", tooltip="Reject the selected item or suggestion, with a reason"),
        Binding("ctrl+z", "undo", "Undo", id="actions.undo", tooltip="Undo the last change to the action items"),
        Binding("ctrl+l", "goto", "Show message", id="actions.goto", tooltip="Show the message the selected item cites", show=False),
        Binding("shift+up", "move(-1)", "Move up", id="actions.move_up", tooltip="Move the selected item up", show=False),
        Binding("shift+down", "move(1)", "Move down", id="actions.move_down", tooltip="Move the selected item down", show=False),
        Binding("ctrl+r", "sharpen", "Sharpen", id="actions.sharpen", tooltip="Sharpen with the LLM: propose a sharper version of the item"),
        # without an LLM Ctrl+R only explains how to enable it (and the footer stays as it was)
        Binding("ctrl+r", "sharpen_unavailable", "Sharpen", id="actions.sharpen_info", tooltip="Sharpening needs an Anthropic key", show=False),
        Binding("escape", "dismiss_proposal", "Dismiss", id="actions.dismiss", tooltip="Dismiss the LLM proposal", show=False),
    ]

    def __init__(self, interview: Interview, transcript: Transcript, settings: Settings, **kwargs) -> None:
        super().__init__(interview, transcript, settings, **kwargs)
        self.book = ActionBook(interview.session, interview.store, transcript.messages if transcript is not None else None)
        self.editing: str | None = None  # id of the item in the form, None for a new one
        self.from_suggestion: ActionSuggestion | None = None
        self._names = person_names(interview.session, transcript)

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="ac-advice")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="ac-table")
        yield Static("", markup=False, id="ac-row-lint")
        with Vertical(id="ac-form"):
            yield Static("New action item", id="ac-form-title", classes="section-title")
            # Enter moves on at once (not through a message): fast typing follows the focus
            yield AnswerInput(placeholder="Action, starting with a verb: Add an alert on ...", id="ac-action",
                              on_submit=lambda: self._enter_from("ac-action"))
            yield Static("", markup=False, id="ac-lint")
            yield from self.compose_proposal()
            with Horizontal(classes="ac-row"):
                yield AnswerInput(placeholder="Owner (person or team)", id="ac-owner", on_submit=lambda: self._enter_from("ac-owner"))
                yield AnswerInput(placeholder="Due: 2025-01-15", id="ac-due", on_submit=lambda: self._enter_from("ac-due"))
            yield Static("", markup=False, id="ac-due-error", classes="error")
            with Horizontal(classes="ac-row"):
                yield Select([(p, p) for p in PRIORITIES], value="P2", allow_blank=False, id="ac-priority", prompt="Priority")
                yield Select([(s, s) for s in STATUSES], value="open", allow_blank=False, id="ac-status", prompt="Status")
            yield Label("Category", classes="field-label")
            yield Select([(c, c) for c in CATEGORIES], value="repair", allow_blank=False, id="ac-category")
            yield Label("Prevents recurrence?", classes="field-label")
            yield Select([(p, p) for p in PREVENTS], value="not assessed", allow_blank=False, id="ac-prevents")
            yield Label("Addresses (why or finding)", classes="field-label")
            yield Select([], id="ac-addresses", prompt="nothing in particular")
            yield Static("", markup=False, id="ac-error", classes="error")
        yield Static("Suggested from the channel", classes="section-title")
        yield OptionList(markup=False, id="ac-suggestions")
        yield Static("Rejected ideas", classes="section-title")
        yield OptionList(markup=False, id="ac-rejected")
        # docked at the bottom of the tab: Save stays in view at 80x24 however long the form
        with Horizontal(id="ac-buttons"):
            yield Button("Save", variant="primary", id="ac-save", compact=True, tooltip="Ctrl+S")
            yield Button("New", id="ac-new", compact=True, tooltip="Ctrl+N")
            yield from self.compose_rewrite_buttons()

    def on_mount(self) -> None:
        self.refresh_view()
        self._clear_form()

    def on_resize(self) -> None:
        if self._table_width != self._columns_width():
            self.refresh_view()

    _table_width = 0

    def _columns_width(self) -> int:
        return max(40, (self.size.width or 80) - 6)

    def _columns(self, table: DataTable) -> list[str]:
        """(Re)build the columns for the pane's width: the action text wraps in what is left,
        so the owner and the due date always stay in view. Returns the column keys."""
        avail = self._table_width = self._columns_width()
        narrow = avail < 60  # 80 columns with the transcript shown: the lint count moves under the table
        cols = [("#", "id", 3), ("Owner", "owner", 12 if avail >= 70 else 8), ("Due", "due", 6 if narrow else 10)]
        if avail >= 100:
            cols += [("Pri", "priority", 3), ("Category", "category", 15), ("Prevents", "prevents", 12), ("Status", "status", 11)]
        if not narrow:
            cols.append(("Lint", "lint", 4))
        fixed = sum(w for _, _, w in cols) + 2 * (len(cols) + 1)  # each cell has one column of padding per side
        cols.insert(1, ("Action", "action", max(10, avail - fixed)))
        table.clear(columns=True)
        for label, key, width in cols:
            table.add_column(label, key=key, width=width)
        return [key for _, key, _ in cols]

    # -- view ------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Redraw the table, advice, suggestions and rejected ideas from the session."""
        session = self.interview.session
        table = self.query_one("#ac-table", DataTable)
        row = table.cursor_row
        keys = self._columns(table)
        narrow = "lint" not in keys
        for item in session.actions:
            problems = lint_text(item, self._names, session)
            cells = {
                "id": item.id, "action": Text(item.action), "owner": Text(item.owner or "—"),
                "due": (f"{item.due:%d %b}" if narrow else item.due.isoformat()) if item.due else "—",
                "priority": item.priority, "category": item.category,
                "prevents": item.prevents_recurrence, "status": item.status, "lint": f"⚠ {len(problems)}" if problems else "✓",
            }
            table.add_row(*(cells[k] for k in keys), key=item.id, height=None)
        if session.actions:
            table.move_cursor(row=min(max(row, 0), len(session.actions) - 1))
        table.display = bool(session.actions)
        advice = self.book.advice()
        self.query_one("#ac-advice", Static).update(advice or f"{len(session.actions)} action items: a good number.")
        self._show_row_lint()
        suggestions = self.query_one("#ac-suggestions", OptionList)
        suggestions.clear_options()
        self._suggestions = self.book.suggestions()
        for i, s in enumerate(self._suggestions):
            suggestions.add_option(Option(f"{s.action}  [{s.category}]", id=f"s{i}"))
        if not self._suggestions:
            suggestions.add_option(Option("No suggestions left from the channel.", disabled=True))
        rejected = self.query_one("#ac-rejected", OptionList)
        rejected.clear_options()
        for i, r in enumerate(session.rejected_actions):
            rejected.add_option(Option(f"{r.action} — {r.reason}", id=f"r{i}"))
        if not session.rejected_actions:
            rejected.add_option(Option("None yet: press x on a suggestion or an item to reject it with a reason.", disabled=True))
        addresses = self.query_one("#ac-addresses", Select)
        current = addresses.value
        options = [(Text(f"why {t.id}: {t.answer or t.question}"[:70]), t.id) for t in session.whys]
        addresses.set_options(options)
        if current in {v for _, v in options}:
            addresses.value = current

    def _focus_target(self):
        """The table when there are items, else the form."""
        if self.interview.session.actions:
            return self.query_one("#ac-table", DataTable)
        return self.query_one("#ac-action", Input)

    def _selected_item(self) -> ActionItem | None:
        table = self.query_one("#ac-table", DataTable)
        actions = self.interview.session.actions
        if not actions or not (0 <= table.cursor_row < len(actions)):
            return None
        return actions[table.cursor_row]

    def _show_row_lint(self) -> None:
        item = self._selected_item()
        box = self.query_one("#ac-row-lint", Static)
        problems = lint_text(item, self._names, self.interview.session) if item else []
        box.update(f"{item.id}: " + format_findings(problems) if problems else "")
        box.display = bool(problems)

    @on(DataTable.RowHighlighted, "#ac-table")
    def _highlighted(self) -> None:
        self._show_row_lint()

    @on(DataTable.RowSelected, "#ac-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # -- form ------------------------------------------------------------------------------

    def _clear_form(self) -> None:
        self.editing = None
        self.from_suggestion = None
        self._fill(ActionItem(id="new", action=""))
        self.query_one("#ac-form-title", Static).update("New action item")

    def _fill(self, item: ActionItem) -> None:
        self.action_dismiss_proposal()  # a proposal belongs to the item that was in the form
        self.query_one("#ac-action", Input).value = item.action
        self.query_one("#ac-owner", Input).value = item.owner
        self.query_one("#ac-due", Input).value = item.due.isoformat() if item.due else ""
        self.query_one("#ac-priority", Select).value = item.priority
        self.query_one("#ac-status", Select).value = item.status
        self.query_one("#ac-category", Select).value = item.category
        self.query_one("#ac-prevents", Select).value = item.prevents_recurrence
        addresses = self.query_one("#ac-addresses", Select)
        known = {t.id for t in self.interview.session.whys}
        addresses.value = item.addresses if item.addresses in known else Select.NULL
        for wid in ("#ac-error", "#ac-due-error"):
            self.query_one(wid, Static).update("")
        self._live_lint()

    def form_fields(self) -> dict:
        """The form's values as ActionBook fields (due left as text for the book to parse)."""
        def sel(wid: str, default: str) -> str:
            value = self.query_one(wid, Select).value
            return value if isinstance(value, str) else default

        return {
            "action": self.query_one("#ac-action", Input).value.strip(),
            "owner": self.query_one("#ac-owner", Input).value.strip(),
            "due": self.query_one("#ac-due", Input).value.strip(),
            "priority": sel("#ac-priority", "P2"),
            "status": sel("#ac-status", "open"),
            "category": sel("#ac-category", "repair"),
            "prevents_recurrence": sel("#ac-prevents", "not assessed"),
            "addresses": sel("#ac-addresses", ""),
        }

    @on(Input.Changed, "#ac-action, #ac-owner, #ac-due")
    def _live_lint(self) -> None:
        fields = self.form_fields()
        due_error = ""
        try:
            due = parse_due(fields["due"])
        except UserError as exc:
            due, due_error = None, str(exc)
        self.query_one("#ac-due-error", Static).update(due_error)
        lint = self.query_one("#ac-lint", Static)
        if not fields["action"]:
            lint.update("")
            self.show_rewrite_buttons([])
            return
        draft = ActionItem(id=self.editing or "new", action=fields["action"], owner=fields["owner"], due=due)
        problems = lint_text(draft, self._names, self.interview.session)
        self.show_rewrite_buttons(problems)
        lint.update(format_findings(problems) if problems else "✓ Specific, owned and dated.")
        lint.set_class(bool(problems), "has-problems")

    def action_save(self) -> None:
        """Add the form as a new item, or update the item being edited; errors keep the form."""
        fields = self.form_fields()
        action = fields.pop("action")
        self._record("save the item" if self.editing is None else f"edit {self.editing}")
        try:
            if self.editing is not None:
                item = self.book.edit(self.editing, action=action, **fields)
                note = f"Saved {item.id}."
            elif self.from_suggestion is not None:
                item = self.book.accept(self.from_suggestion, action=action, **fields)
                note = f"Added {item.id} from the suggestion."
            else:
                item = self.book.add(action, **fields)
                note = f"Added {item.id}."
        except UserError as exc:
            self.history.discard("actions")
            self.query_one("#ac-error", Static).update(str(exc))
            return
        self.interview.refresh_suggestions()
        self.refresh_view()
        table = self.query_one("#ac-table", DataTable)
        table.move_cursor(row=self.interview.session.actions.index(item))
        self._clear_form()
        # the next item starts where the last one did (synchronously: fast typing follows)
        self.screen.set_focus(self.query_one("#ac-action", Input), scroll_visible=False)
        self.notify(note, timeout=3, markup=False)
        self.post_message(SessionChanged(origin="actions"))

    def action_new(self) -> None:
        """Clear the form and put the cursor in it (at once: what is typed next goes there)."""
        self._clear_form()
        self.screen.set_focus(self.query_one("#ac-action", Input), scroll_visible=False)

    def action_edit(self) -> None:
        """Load the selected item into the form."""
        item = self._selected_item()
        if item is None:
            self.action_new()
            return
        self.editing = item.id
        self.from_suggestion = None
        self._fill(item)
        self.query_one("#ac-form-title", Static).update(f"Editing {item.id}")
        self.query_one("#ac-action", Input).focus()

    def action_remove(self) -> None:
        """Delete the selected item, or bring back the highlighted rejected idea."""
        rejected = self.query_one("#ac-rejected", OptionList)
        if rejected.has_focus:
            index = rejected.highlighted
            if index is not None and self.interview.session.rejected_actions:
                self._record("bring back a rejected idea")
                idea = self.book.unreject(index)
                self._changed(f"Brought back: {idea.action} (it is listed as a suggestion again if it came from the channel).")
            return
        if not self.query_one("#ac-table", DataTable).has_focus:
            return
        item = self._selected_item()
        if item is None:
            return
        self.app.push_screen(
            ConfirmScreen(f"Delete {item.id}: {item.action}? Ctrl+Z brings it back."),
            lambda yes: self._remove(item.id) if yes else None,
        )

    def _remove(self, action_id: str) -> None:
        self._record(f"delete {action_id}")
        item = self.book.remove(action_id)
        if self.editing == item.id:
            self._clear_form()
        self._changed(f"Deleted {item.id}: {item.action} (Ctrl+Z brings it back)")
        self.query_one("#ac-table", DataTable).focus()

    def action_reject(self) -> None:
        """Reject the highlighted suggestion or the selected item, asking for the reason."""
        suggestions = self.query_one("#ac-suggestions", OptionList)
        if suggestions.has_focus:
            index = suggestions.highlighted
            if index is None or index >= len(self._suggestions):
                return
            idea = self._suggestions[index].action
            self.app.push_screen(ReasonScreen(idea), lambda reason: self._rejected(idea, reason, None))
            return
        item = self._selected_item()
        if item is None or not self.query_one("#ac-table", DataTable).has_focus:
            self.notify("Select an item in the table or a suggestion first.", severity="warning", markup=False)
            return
        self.app.push_screen(ReasonScreen(item.action), lambda reason: self._rejected(item.action, reason, item.id))

    def _rejected(self, idea: str, reason: str | None, action_id: str | None) -> None:
        if reason is None:
            return
        self._record(f"reject {action_id or 'a suggestion'}")
        try:
            self.book.reject(idea, reason, action_id=action_id)
        except UserError as exc:
            self.history.discard("actions")
            self.notify(str(exc), severity="error", markup=False)
            return
        self._changed(f"Rejected: {idea}")

    def _changed(self, note: str) -> None:
        self.interview.refresh_suggestions()
        self.refresh_view()
        self.notify(note, timeout=3, markup=False)
        self.post_message(SessionChanged(origin="actions"))

    def action_move(self, offset: int) -> None:
        """Move the selected item up (-1) or down (1); the order is the document's order."""
        table = self.query_one("#ac-table", DataTable)
        item = self._selected_item()
        if item is None or not table.has_focus:
            return
        self._record(f"move {item.id}")
        self.book.move(item.id, offset)
        self.refresh_view()
        table.move_cursor(row=self.interview.session.actions.index(item))
        self.post_message(SessionChanged(origin="actions"))

    def action_goto(self) -> None:
        """Show the message the selected item (or suggestion) cites."""
        item = self._selected_item()
        if item is not None and item.message_ids:
            self.post_message(CitationSelected(item.message_ids[0]))
        else:
            self.notify("This item cites no message.", severity="warning", markup=False)

    @on(OptionList.OptionSelected, "#ac-suggestions")
    def _use_suggestion(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if index >= len(self._suggestions):
            return
        s = self._suggestions[index]
        self._clear_form()
        self.from_suggestion = s
        self._fill(ActionItem(id="new", action=s.action, owner=s.owner, category=s.category, prevents_recurrence=s.prevents_recurrence))
        self.query_one("#ac-form-title", Static).update("New action item (from the channel; Ctrl+S adds it)")
        self.query_one("#ac-action", Input).focus()
        if s.message_ids:
            self.post_message(CitationSelected(s.message_ids[0]))

    @on(Button.Pressed, "#ac-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#ac-new")
    def _new_pressed(self) -> None:
        self.action_new()

    def _enter_from(self, field_id: str) -> None:
        """Enter moves action -> owner -> due date; Enter on the due date (or Ctrl+S) saves."""
        following = {"ac-action": "#ac-owner", "ac-owner": "#ac-due"}.get(field_id)
        if following:
            self.screen.set_focus(self.query_one(following, Input), scroll_visible=False)
        else:
            self.action_save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The LLM keys apply only with an LLM (or a proposal); the keys for a selected item
        show in the footer only while the table (or a list) has the focus; every other key always."""
        focused = self.app.focused
        on_list = isinstance(focused, (DataTable, OptionList)) and self in focused.ancestors
        if action in ("remove", "reject", "goto", "move"):
            return on_list
        allowed = self.check_rewrite_action(action)
        return True if allowed is None else allowed

    # -- undo and typing -------------------------------------------------------------------

    @property
    def history(self):
        """The session's undo history (kept in the core)."""
        return history_for(self.interview.session, self.interview.store)

    def _record(self, label: str) -> None:
        self.history.record("actions", label)

    def action_undo(self) -> None:
        """Undo the last change to the action items (and rejected ideas)."""
        label = self.history.undo("actions")
        if label is None:
            self.notify("Nothing to undo in the action items.", markup=False)
            return
        self.book = ActionBook(self.interview.session, self.interview.store)
        if self.editing is not None and self.editing not in {a.id for a in self.interview.session.actions}:
            self._clear_form()
        self._changed(f"Undone: {label}.")

    def on_key(self, event) -> None:
        """Letters typed on the table or a list go to the action field, never to a command."""
        redirect_typing(self, event, (DataTable, OptionList), self.query_one("#ac-action", Input))

    def _reload(self) -> None:
        """Re-read everything from the session."""
        self._names = person_names(self.interview.session, self.transcript)
        self.refresh_view()
