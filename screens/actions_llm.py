"""LLM rewrites in the action items tab: sharpen a vague item, reword a blaming one.

A mixin for ``screens.actions.ActionsPane`` (kept apart so the pane stays readable): ``Ctrl+R``
(or the "Sharpen" button) asks ``facilitator.llm.sharpen_or_offline`` for a sharper version
of the item in the form (or the item selected in the table, which is loaded into the form
first); "Reword blamelessly" appears under the lint when it flags blame and asks
``rewrite_or_offline``. Either way the answer is only a proposal shown under the form: Enter
on "Use it" copies it into the form (Ctrl+S then saves, as with suggestions from the
channel), Esc or "Dismiss" drops it. Nothing is applied for the user.

The calls run in an async worker of group "llm" owned by the pane (the pane inherits
``ReportsWorkerErrors``). The core records token usage on ``session.llm_usage``; the pane
saves the session after each call. On ``LLMError`` the core falls back offline with a
notice: the pane shows it once, keeps the lint's own hint, and shows no proposal. Without an
LLM (no key, ``--no-llm``) the buttons stay hidden, the footer is unchanged, and ``Ctrl+R`` only
explains that an Anthropic key enables it.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static
from textual.worker import Worker, WorkerState

from facilitator.llm import rewrite_or_offline, sharpen_or_offline
from facilitator.llm.rewrite import Rewrite, SharpenedAction
from facilitator.session import ActionItem, LintFinding

NO_LLM = "Sharpening and rewording use the LLM: set ANTHROPIC_API_KEY (and do not pass --no-llm) to enable them."


def sharpened_text(proposal: SharpenedAction) -> str:
    """The action text the proposal would put in the form (its done condition appended)."""
    text = proposal.action.strip()
    done = proposal.done_when.strip().rstrip(".")
    if done and done.casefold() not in text.casefold():
        text = f"{text.rstrip('.')}; done when {done}"
    return text


class LLMRewrites:
    """Mixin for the actions pane: LLM proposals (sharpen, reword) the user accepts or dismisses."""

    _proposal: tuple[str, object] | None = None  # ("sharpen" | "reword", the proposal)
    _blame: list[LintFinding] = []

    def compose_rewrite_buttons(self) -> ComposeResult:
        """The form's LLM buttons (hidden without an LLM)."""
        yield Button("Sharpen", id="ac-sharpen", compact=True, tooltip="Ctrl+R: a sharper item from the LLM")
        yield Button("Reword blamelessly", id="ac-reword", compact=True, tooltip="A blameless rewording from the LLM")

    def compose_proposal(self) -> ComposeResult:
        """The proposal box under the lint (hidden until there is one)."""
        with Vertical(id="ac-proposal"):
            yield Static("", markup=False, id="ac-proposal-text")
            with Horizontal(id="ac-proposal-buttons"):
                yield Button("Use it", variant="success", id="ac-proposal-use", compact=True, tooltip="Copy it into the form")
                yield Button("Dismiss", id="ac-proposal-dismiss", compact=True, tooltip="Esc")

    @property
    def llm_on(self) -> bool:
        """True when the app has an LLM (a key, and no --no-llm)."""
        return getattr(self.app, "llm", None) is not None  # type: ignore[attr-defined]

    def llm_busy(self) -> bool:
        """True while a rewrite runs."""
        return any(w.group == "llm" and w.is_running for w in self.workers)  # type: ignore[attr-defined]

    def show_rewrite_buttons(self, problems: list[LintFinding]) -> None:
        """Show the LLM buttons that apply to the form's text (called by the live lint)."""
        self._blame = [f for f in problems if f.kind == "blame"]
        on = self.llm_on
        self.query_one("#ac-sharpen", Button).display = on  # type: ignore[attr-defined]
        self.query_one("#ac-reword", Button).display = on and bool(self._blame)  # type: ignore[attr-defined]

    # -- asking ------------------------------------------------------------------------------

    def _draft_item(self) -> ActionItem | None:
        """The form as an item (the selected table row is loaded into the form first)."""
        table = self.query_one("#ac-table", DataTable)  # type: ignore[attr-defined]
        if table.has_focus and self._selected_item() is not None:  # type: ignore[attr-defined]
            self.action_edit()  # type: ignore[attr-defined]
        fields = self.form_fields()  # type: ignore[attr-defined]
        if not fields["action"]:
            self.notify("Type an action in the form or select an item first.", severity="warning", markup=False)  # type: ignore[attr-defined]
            return None
        return ActionItem(id=self.editing or "new", action=fields["action"], category=fields["category"],  # type: ignore[attr-defined]
                          prevents_recurrence=fields["prevents_recurrence"], addresses=fields["addresses"])

    def action_sharpen(self) -> None:
        """Ask the LLM for a sharper version of the item in the form (or the selected one)."""
        if not self.llm_on:
            self.notify(NO_LLM, markup=False)  # type: ignore[attr-defined]
            return
        item = self._draft_item()
        if item is not None:
            self._asking("Asking the LLM for a sharper action…")
            self.sharpen(item)

    def action_sharpen_unavailable(self) -> None:
        """Without an LLM, ``Ctrl+R`` explains how to get one (and changes nothing)."""
        self.notify(NO_LLM, markup=False)  # type: ignore[attr-defined]

    def action_reword(self) -> None:
        """Ask the LLM for a blameless rewording of the form's action text."""
        if not self.llm_on:
            self.notify(NO_LLM, markup=False)  # type: ignore[attr-defined]
            return
        text = self.form_fields()["action"]  # type: ignore[attr-defined]
        if not text or not self._blame:
            self.notify("The lint finds no blame in this action; nothing to reword.", markup=False)  # type: ignore[attr-defined]
            return
        finding = self._blame[0]
        self._asking("Asking the LLM for a blameless rewording…")
        self.reword(text, finding.problem, finding.suggestion)

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def sharpen(self, item: ActionItem) -> None:
        """Run ``sharpen_or_offline`` and show its proposal (usage is saved with the session)."""
        out = await sharpen_or_offline(self.app.llm, self.interview.session, self.transcript, item)  # type: ignore[attr-defined]
        self._answered("sharpen", out)

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def reword(self, sentence: str, problem: str, offline: str) -> None:
        """Run ``rewrite_or_offline`` and show its proposal (usage is saved with the session)."""
        out = await rewrite_or_offline(self.app.llm, self.interview.session, self.transcript, sentence, problem, offline)  # type: ignore[attr-defined]
        self._answered("reword", out)

    def _asking(self, label: str) -> None:
        self._proposal = None
        self.query_one("#ac-proposal-text", Static).update(label)  # type: ignore[attr-defined]
        self.query_one("#ac-proposal-buttons").display = False  # type: ignore[attr-defined]
        self.query_one("#ac-proposal").display = True  # type: ignore[attr-defined]

    def _answered(self, kind: str, out) -> None:
        self.interview.save()  # type: ignore[attr-defined]  # the call's usage is on session.llm_usage
        if out.source != "llm":
            self.dismiss_proposal()
            if out.notice:
                self.notify(out.notice, title="LLM unavailable", severity="warning", timeout=8, markup=False)  # type: ignore[attr-defined]
            return
        value = out.value
        if kind == "sharpen":
            lines = [f"Sharper (LLM): {sharpened_text(value)}",
                     f"   category {value.category} · prevents recurrence: {value.prevents_recurrence}"]
        else:
            lines = [f"Blameless (LLM): {value.text}"]
        if value.explanation:
            lines.append(f"   Why: {value.explanation}")
        lines.append("Enter uses it (copied into the form; Ctrl+S saves), Esc dismisses.")
        self._proposal = (kind, value)
        self.query_one("#ac-proposal-text", Static).update("\n".join(lines))  # type: ignore[attr-defined]
        self.query_one("#ac-proposal-buttons").display = True  # type: ignore[attr-defined]
        self.query_one("#ac-proposal").display = True  # type: ignore[attr-defined]
        self.query_one("#ac-proposal-use", Button).focus()  # type: ignore[attr-defined]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed or cancelled rewrite leaves no half-shown proposal (errors go to the app)."""
        if event.worker.group == "llm" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            others = [w for w in self.workers if w.group == "llm" and w is not event.worker  # type: ignore[attr-defined]
                      and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
            if self._proposal is None and not others:
                self.dismiss_proposal()

    # -- accepting -----------------------------------------------------------------------------

    def accept_proposal(self) -> None:
        """Copy the proposal into the form (the user saves it with Ctrl+S)."""
        if self._proposal is None:
            return
        kind, value = self._proposal
        action = self.query_one("#ac-action", Input)  # type: ignore[attr-defined]
        if kind == "sharpen":
            assert isinstance(value, SharpenedAction)
            action.value = sharpened_text(value)
            self.query_one("#ac-category", Select).value = value.category  # type: ignore[attr-defined]
            self.query_one("#ac-prevents", Select).value = value.prevents_recurrence  # type: ignore[attr-defined]
        else:
            assert isinstance(value, Rewrite)
            action.value = value.text
        self.dismiss_proposal()
        action.focus()
        self.notify("Proposal copied into the form: edit it if needed, Ctrl+S saves.", timeout=4, markup=False)  # type: ignore[attr-defined]

    def dismiss_proposal(self) -> None:
        """Hide the proposal; the form is left as it was."""
        self._proposal = None
        self.query_one("#ac-proposal").display = False  # type: ignore[attr-defined]

    def action_dismiss_proposal(self) -> None:
        """Esc: drop the proposal (or cancel the call still running)."""
        for worker in self.workers:  # type: ignore[attr-defined]
            if worker.group == "llm" and worker.is_running:
                worker.cancel()
        self.dismiss_proposal()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The proposal's and the form's LLM buttons (named handler: ``@on`` is not seen on a mixin)."""
        handlers = {
            "ac-proposal-use": self.accept_proposal,
            "ac-proposal-dismiss": self._dismissed,
            "ac-sharpen": self.action_sharpen,
            "ac-reword": self.action_reword,
        }
        handler = handlers.get(event.button.id or "")
        if handler is not None:
            event.stop()
            handler()

    def _dismissed(self) -> None:
        self.dismiss_proposal()
        self.query_one("#ac-action", Input).focus()  # type: ignore[attr-defined]

    def check_rewrite_action(self, action: str) -> bool | None:
        """Which rewrite keys apply now (None: not a rewrite action)."""
        if action == "sharpen":
            return self.llm_on
        if action == "sharpen_unavailable":
            return not self.llm_on
        if action == "dismiss_proposal":
            return self.llm_busy() or self._proposal is not None
        return None
