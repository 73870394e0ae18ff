"""The 5 whys tab: the chain drawn as it grows, the next why, candidate answers, edit/branch/stop.

The pane drives ``facilitator.interview.whys.WhyChain`` (which phrases the next why offline,
keeps branches as contributing factors, and saves after every change). The chain is a
``Tree``: the main chain as numbered turns under the symptom, each branch under the turn it
starts from, so depth does not eat the width of a small terminal.

Proposals (the next why and candidate answers) come from ``facilitator.llm.why_or_offline``
in a worker: with the LLM on, the proposal streams into a ``Markdown`` widget through
``Markdown.get_stream`` (which batches bursts of tokens) under a spinner, and ``Esc``
cancels it (the SDK closes the HTTP stream). Offline, or when the call fails, the offline
proposal is used and the notice says why. Either way the proposal is only shown: the user
picks a candidate (it fills the answer box with its citations), edits it, or types their own.
The proposal side lives in ``screens.whys_llm`` (a mixin), the turn editor in ``screens.whys_edit``.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, LoadingIndicator, Markdown, OptionList, Static, TextArea, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain
from facilitator.pictures.categories import category_name
from facilitator.session import WhyTurn
from facilitator.transcript import Transcript
from facilitator.undo import history_for
from screens.home import ConfirmScreen
from screens.messages import CitationSelected, ReportsWorkerErrors, SessionChanged
from screens.widgets.answer_area import AnswerArea
from screens.widgets.cause_board import CauseBoard
from screens.widgets.factor_category import FactorCategoryScreen
from screens.whys_edit import WhyEditScreen
from screens.whys_llm import WhyProposals
from screens.workflow import RefreshesWhenShown, StaysHidden, WorkflowPane, is_shown, redirect_typing

LABEL_WIDTH = 90


def short(text: str, width: int = LABEL_WIDTH) -> str:
    """One line of at most ``width`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


class WhysPane(WorkflowPane, WhyProposals, RefreshesWhenShown, StaysHidden, ReportsWorkerErrors, Vertical):
    """The 5-whys chain and the turn being answered; see the module docstring."""

    PALETTE_GROUP = "whys"
    DEFAULT_CLASSES = "workflow-pane"
    HELP = """\
## 5 whys
Start from the customer-visible symptom and ask why until further whys are unactionable.
Type the answer and press `Enter` (or `Ctrl+S`): the next why is asked from it; `Ctrl+J`
adds a line.
`Ctrl+R` proposes the next why and candidate answers again (streamed from the LLM when it
is on; `Esc` cancels); `Enter` on a candidate copies it, with its evidence, into the answer
box. Nothing the facilitator proposes enters the chain on its own: `Ctrl+G` asks its
suggested question instead of the current one, `Ctrl+N` adds its suggested action item. In
the chain: `Enter` edits a turn (or answers it, if open), `Ctrl+B` branches a
contributing factor from it, `Delete` removes it and everything below (after you confirm),
`Ctrl+L` shows its evidence. `Ctrl+O` stops the chain (the last answer becomes the root
cause) or reopens it. `Ctrl+Z` undoes the last change to the chain (the last 50, kept when
you quit). Letters typed while the chain has the focus go to the answer box, never to a command.
"""
    ORIGIN = "whys"
    BINDINGS = [
        Binding("ctrl+s", "answer", "Answer", id="whys.answer", tooltip="Save the answer; the next why is asked"),
        # not in the footer (the Propose button shows it): at 80 columns the chain's keys need the room
        Binding("ctrl+r", "propose", "Propose", id="whys.propose", tooltip="Propose the next why and candidate answers", show=False),
        Binding("ctrl+g", "use_question", "Use question", id="whys.use_question", tooltip="Ask the facilitator's suggested question", show=False),
        Binding("ctrl+n", "add_action", "Add action", id="whys.add_action", tooltip="Add the facilitator's suggested action item", show=False),
        Binding("escape", "cancel", "Cancel", id="whys.cancel", tooltip="Stop the proposal being streamed"),
        Binding("ctrl+b", "branch", "Branch", id="whys.branch", tooltip="Branch a contributing factor from the selected turn"),
        Binding("ctrl+o", "stop_or_reopen", "Stop", id="whys.stop", tooltip="Stop the chain (root cause found), or reopen a stopped chain"),
        Binding("delete", "remove", "Remove", id="whys.remove", tooltip="Remove the selected turn and everything below (asks first)"),
        Binding("ctrl+l", "goto", "Evidence", id="whys.goto", tooltip="Show the selected turn's cited message", show=False),
        # priority: in the answer box Ctrl+Z first undoes typing, then the chain (see action_undo)
        Binding("ctrl+z", "undo", "Undo", id="whys.undo", tooltip="Undo the last change to the chain", priority=True),
    ]

    def __init__(self, interview: Interview, transcript: Transcript, settings: Settings, **kwargs) -> None:
        super().__init__(interview, transcript, settings, **kwargs)
        self.chain = WhyChain(interview.session, interview.store)
        self.target_id: str | None = None  # the open turn the answer box answers
        self.candidate_ids: list[list[str]] = []
        self.candidate_texts: list[str] = []
        self.candidate_levels: list[str] = []
        self.picked_level = ""  # the level of the candidate copied into the box
        self.proposed_question = ""  # the facilitator's question, until the user accepts it with u
        self.proposed_action = None  # the facilitator's action for the last why, until the user adds it with a
        self.picked_ids: list[str] | None = None  # citations of the candidate copied into the box

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="wy-scroll"):
            tree: Tree[str] = Tree("Symptom", id="wy-tree")
            tree.show_root = True
            yield tree
            yield Static("", markup=False, id="wy-result")
            yield CauseBoard(self.session, id="wy-causes")
            yield Static("", markup=False, id="wy-question", classes="question")
            with Horizontal(id="wy-working"):
                yield LoadingIndicator(id="wy-spinner")
                yield Static("Proposing… Esc cancels", id="wy-working-label")
            yield Markdown("", id="wy-stream")
            yield AnswerArea(id="wy-answer", soft_wrap=True, show_line_numbers=False, on_submit=self.action_answer)
            yield Static("", markup=False, id="wy-feedback")
            yield OptionList(markup=False, id="wy-candidates")
            with Horizontal(id="wy-buttons"):
                yield Button("Answer", variant="primary", id="wy-answer-btn", compact=True, tooltip="Ctrl+S")
                yield Button("Propose", id="wy-propose-btn", compact=True, tooltip="Ctrl+R")
                yield Button("Stop here", id="wy-stop-btn", compact=True, tooltip="Ctrl+O")

    def on_mount(self) -> None:
        self.query_one("#wy-working").display = False
        self.query_one("#wy-stream").display = False
        self.query_one("#wy-candidates").display = False
        self.refresh_view()
        self._offline_candidates()

    # -- view ------------------------------------------------------------------------------

    def _open_turn(self) -> WhyTurn | None:
        if self.target_id is not None:
            try:
                turn = self.chain.get(self.target_id)
            except UserError:
                turn = None
            if turn is not None and not turn.answer:
                return turn
        self.target_id = None
        return self.chain.current()

    def refresh_view(self) -> None:
        """Redraw the chain, the question and the result from the session."""
        tree = self.query_one("#wy-tree", Tree)
        symptom = self.chain.symptom()
        tree.root.set_label(Text(short("Symptom: " + (symptom or "(answer the customer effect question)"))))
        tree.clear()
        tree.root.data = ""
        nodes: dict[str, TreeNode] = {}
        for n, turn in enumerate(self.chain.main_chain(), 1):
            nodes[turn.id] = tree.root.add(self._label(f"{n}.", turn), data=turn.id, expand=True)
        for branch in self.chain.branches():
            parent = nodes.get(branch[0].parent_id or "", tree.root)
            for turn in branch:
                node = parent.add(self._label("+", turn), data=turn.id, expand=True)
                nodes[turn.id] = node
        for node in nodes.values():
            node.allow_expand = bool(node.children)
        tree.root.expand_all()
        open_turn = self._open_turn()
        question = self.query_one("#wy-question", Static)
        if self.session.whys_done:
            question.update("The chain is stopped. Ctrl+O reopens it; Ctrl+B on a turn adds a contributing factor.")
        elif open_turn is not None:
            question.update(f"{open_turn.id} · {open_turn.question}")
        else:
            question.update(self.chain.next_question(None))
        result = self.query_one("#wy-result", Static)
        result.update(self._result_text())
        result.display = self.session.whys_done
        board = self.query_one(CauseBoard)
        board.session = self.session
        board.display = board.has_factors()
        board.refresh(layout=True)
        hint = self.chain.stop_hint()
        if hint and not self.session.whys_done:
            self._feedback(hint, "hint")
        self.query_one("#wy-answer", TextArea).disabled = self.session.whys_done

    def _label(self, prefix: str, turn: WhyTurn) -> Text:
        """'2. because <answer>' once answered (the chain reads as a story), else the open why."""
        if not turn.answer:
            return Text(short(f"{prefix} {turn.question} …"), style="italic")
        level = self.chain.level_of(turn) if self.session.whys_done else ""
        answer = turn.answer
        if len(answer) > 1 and answer[1].islower():
            answer = answer[0].lower() + answer[1:]
        label = Text(short(f"{prefix} because {answer}"))
        if level:
            label.append(f"  [{level}]", style="dim")
        if turn.kind == "contributing" and turn.category:
            label.append(f"  · {category_name(turn.category)}", style="dim")
        return label

    def _result_text(self) -> str:
        if not self.session.whys_done:
            return ""
        result = self.chain.result()
        lines = [f"Root cause: {result.root_cause.answer if result.root_cause else '(none)'}"]
        if result.contributing:
            lines.append("Contributing: " + "; ".join(short(t.answer, 60) for t in result.contributing))
        if result.systemic:
            lines.append("Systemic: " + "; ".join(short(t.answer, 60) for t in result.systemic))
        return "\n".join(lines)

    def _feedback(self, text: str, kind: str = "") -> None:
        box = self.query_one("#wy-feedback", Static)
        box.update(text)
        box.set_classes(kind)

    def _offline_candidates(self) -> None:
        """Candidate answers from the findings (causes, confirmed hypotheses), not yet used."""
        from facilitator.interview.suggest import why_candidates

        used = {t.answer for t in self.chain.turns if t.answer}
        self._show_candidates([(text, ids) for text, ids, _ in why_candidates(self.session.findings, used)], "From the channel")

    def _show_candidates(
        self, cands: list[tuple[str, list[str]]], title: str, labels: list[str] | None = None, levels: list[str] | None = None
    ) -> None:
        box = self.query_one("#wy-candidates", OptionList)
        box.clear_options()
        self.candidate_ids = [list(ids) for _, ids in cands]
        self.candidate_texts = [text for text, _ in cands]
        self.candidate_levels = [levels[i] if levels and i < len(levels) else "" for i in range(len(cands))]
        for i, (text, _) in enumerate(cands):
            notes = [n for n in (self.candidate_levels[i], labels[i] if labels and i < len(labels) else "") if n]
            box.add_option(Option(short(text, 200) + (f"  ({'; '.join(notes)})" if notes else "")))
        box.border_title = title
        box.display = bool(cands) and not self.session.whys_done

    def _focus_target(self):
        """The answer box while a why is open, else the chain."""
        if not self.session.whys_done:
            return self.query_one("#wy-answer", TextArea)
        return self.query_one("#wy-tree", Tree)

    def _selected_turn(self) -> WhyTurn | None:
        node = self.query_one("#wy-tree", Tree).cursor_node
        if node is None or not node.data:
            return None
        try:
            return self.chain.get(node.data)
        except UserError:
            return None

    # -- answering -------------------------------------------------------------------------

    def action_answer(self) -> None:
        """Save the typed answer for the open turn; the next why is asked from it."""
        if self.session.whys_done:
            self.notify("The chain is stopped; press Ctrl+O to reopen it.", severity="warning", markup=False)
            return
        area = self.query_one("#wy-answer", TextArea)
        text = area.text.strip()
        self._record("answer")
        try:
            turn = self._open_turn() or self.chain.start()
            nxt = self.chain.answer(turn.id, text, message_ids=self.picked_ids)
            if self.picked_ids is not None and self.picked_level and not turn.level:
                self.chain.edit(turn.id, level=self.picked_level)  # the level the accepted candidate carried
        except UserError as exc:
            self.history.discard("whys")
            self._feedback(str(exc), "error")
            return
        area.load_text("")
        self.picked_ids = None
        self.picked_level = ""
        self.target_id = nxt.id if nxt is not None and nxt.kind == "contributing" else None
        self._feedback(f"Saved {turn.id}.", "ok")
        self._changed()
        if turn.kind == "contributing" and turn.answer and not turn.category:
            self.app.push_screen(FactorCategoryScreen(turn.answer, self._category_asker(turn.answer)),
                                 lambda cid: self._categorised(turn.id, cid))
        self._offline_candidates()
        if self._llm_on():
            self.action_propose()

    def _categorised(self, turn_id: str, category: str | None) -> None:
        """Store the category picked for a contributing factor (the cause diagram's bone)."""
        if category:
            self.chain.edit(turn_id, category=category)
            self._changed()

    def _changed(self) -> None:
        self.refresh_view()
        self.post_message(SessionChanged(origin="whys"))

    @on(OptionList.OptionSelected, "#wy-candidates")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        texts = self.candidate_texts
        text = texts[event.option_index] if event.option_index < len(texts) else str(event.option.prompt)
        area = self.query_one("#wy-answer", TextArea)
        area.load_text(text)
        area.focus()
        ids = self.candidate_ids[event.option_index] if event.option_index < len(self.candidate_ids) else []
        self.picked_ids = ids
        levels = self.candidate_levels
        self.picked_level = levels[event.option_index] if event.option_index < len(levels) else ""
        if ids:
            self.post_message(CitationSelected(ids[0]))
        self._feedback("Candidate copied: edit it if needed, Ctrl+S saves it with its evidence.", "hint")

    @on(AnswerArea.Submitted, "#wy-answer")
    def _submitted(self, event: AnswerArea.Submitted) -> None:
        event.stop()
        self.action_answer()

    @on(TextArea.Changed, "#wy-answer")
    def _typed(self, event: TextArea.Changed) -> None:
        if not event.text_area.text.strip():
            self.picked_ids = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc cancels only while a proposal runs (otherwise it goes to the tab bar); the
        keys for one turn show in the footer only while the chain has the focus."""
        if action == "cancel":
            return any(w.group == "llm" and w.is_running for w in self.workers)
        if action in ("remove", "goto"):
            return self.query_one("#wy-tree", Tree).has_focus
        if action == "undo":
            return is_shown(self)
        return True

    # -- chain editing ---------------------------------------------------------------------

    @on(Tree.NodeSelected, "#wy-tree")
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        turn = self._selected_turn()
        if turn is None:
            return
        if not turn.answer and not self.session.whys_done:
            self.target_id = turn.id
            self.refresh_view()
            self.query_one("#wy-answer", TextArea).focus()
            return
        self.app.push_screen(WhyEditScreen(turn), lambda parts: self._edited(turn.id, parts))

    def _edited(self, turn_id: str, parts: dict | None) -> None:
        if parts is None:
            return
        self._record(f"edit {turn_id}")
        try:
            self.chain.edit(turn_id, question=parts["question"], answer=parts["answer"], level=parts["level"])
        except UserError as exc:
            self.history.discard("whys")
            self.notify(str(exc), severity="error", markup=False)
            return
        self._feedback(f"Saved {turn_id}.", "ok")
        self._changed()

    def action_branch(self) -> None:
        """Start a contributing-factor branch from the selected turn."""
        turn = self._selected_turn() or (self.chain.main_chain() or [None])[-1]
        if turn is None:
            self.notify("Answer the first why before branching.", severity="warning", markup=False)
            return
        self._record(f"branch from {turn.id}")
        new = self.chain.branch(turn.id)
        self.target_id = new.id
        self._feedback(f"Branch {new.id} from {turn.id}: answer it below.", "hint")
        self._changed()
        self.query_one("#wy-answer", TextArea).disabled = False
        self.query_one("#wy-answer", TextArea).focus()

    def action_stop(self) -> None:
        """Stop the chain: the last answer of the main chain is the root cause."""
        if not any(t.answer for t in self.chain.main_chain()):
            self.notify("Answer at least one why before stopping.", severity="warning", markup=False)
            return
        self._record("stop")
        result = self.chain.stop()
        self.target_id = None
        self.query_one("#wy-candidates").display = False
        self._feedback(f"Stopped. Root cause: {result.root_cause.answer if result.root_cause else '(none)'}", "ok")
        self._changed()

    def action_reopen(self) -> None:
        """Continue a stopped chain with a new why after the root cause."""
        if not self.session.whys_done:
            self.notify("The chain is not stopped.", markup=False)
            return
        self._record("reopen")
        self.chain.reopen()
        self._feedback("Reopened: answer the next why.", "hint")
        self._changed()
        self._offline_candidates()

    def action_remove(self) -> None:
        """Remove the selected turn and everything below it, once the user confirms."""
        if not self.query_one("#wy-tree", Tree).has_focus:
            return
        turn = self._selected_turn()
        if turn is None:
            return
        below = len(self._subtree(turn.id)) - 1
        what = f"{turn.id} and the {below} turn{'s' if below != 1 else ''} below it" if below else turn.id
        self.app.push_screen(
            ConfirmScreen(f"Remove {what}? Ctrl+Z brings {'them' if below else 'it'} back."),
            lambda yes: self._remove(turn.id) if yes else None,
        )

    def _subtree(self, turn_id: str) -> list[str]:
        ids, todo = [], [turn_id]
        while todo:
            tid = todo.pop()
            ids.append(tid)
            todo.extend(t.id for t in self.chain.children(tid))
        return ids

    def _remove(self, turn_id: str) -> None:
        self._record(f"remove {turn_id}")
        removed = self.chain.remove(turn_id)
        self._feedback(f"Removed {', '.join(removed)} (Ctrl+Z brings it back).", "ok")
        self._changed()
        self.query_one("#wy-tree", Tree).focus()

    def action_stop_or_reopen(self) -> None:
        """Stop an open chain, or reopen a stopped one (one key, the state says which)."""
        if self.session.whys_done:
            self.action_reopen()
        else:
            self.action_stop()

    # -- undo -------------------------------------------------------------------------------

    @property
    def history(self):
        """The session's undo history (kept in the core, shared with the other panes)."""
        return history_for(self.session, self.interview.store)

    def _record(self, label: str) -> None:
        self.history.record("whys", label)

    def action_undo(self) -> None:
        """Undo typing in the answer box if there is some, else the last change to the chain."""
        focused = self.app.focused
        if isinstance(focused, TextArea) and self in focused.ancestors:
            before = focused.text
            focused.action_undo()
            if focused.text != before:  # there was typing to undo
                return
        label = self.history.undo("whys")
        if label is None:
            self.notify("Nothing to undo in the chain.", markup=False)
            return
        self.target_id = None
        self.chain = WhyChain(self.session, self.interview.store)
        self._feedback(f"Undone: {label}. ({self.history.depth('whys')} more step(s) can be undone.)", "ok")
        self._changed()
        self._offline_candidates()

    def on_key(self, event) -> None:
        """Letters typed on the chain or the candidates go to the answer box, never to a command."""
        redirect_typing(self, event, (Tree, OptionList), self.query_one("#wy-answer", TextArea))

    def action_goto(self) -> None:
        """Show the selected turn's first cited message."""
        turn = self._selected_turn()
        if turn is None or not turn.message_ids:
            self.notify("This turn cites no message.", severity="warning", markup=False)
            return
        self.post_message(CitationSelected(turn.message_ids[0]))

    @on(Button.Pressed, "#wy-answer-btn")
    def _answer_pressed(self) -> None:
        self.action_answer()

    @on(Button.Pressed, "#wy-propose-btn")
    def _propose_pressed(self) -> None:
        self.action_propose()

    @on(Button.Pressed, "#wy-stop-btn")
    def _stop_pressed(self) -> None:
        self.action_stop()

    def _reload(self) -> None:
        """Re-read everything from the session."""
        self.refresh_view()
        box = self.query_one("#wy-candidates", OptionList)
        if not box.display or box.border_title == "From the channel":  # not while the LLM's are shown
            self._offline_candidates()  # the findings may have arrived since (they are read after the first frame)
