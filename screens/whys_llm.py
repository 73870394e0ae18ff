"""Proposals in the 5 whys tab: the next why and candidate answers, streamed from the LLM.

A mixin for ``screens.whys.WhysPane`` (kept apart so the pane stays readable). ``Ctrl+R`` (or
the "Propose" button, and every saved answer while the LLM is on) asks
``facilitator.llm.why_or_offline`` in a worker of group "llm": the proposal streams into the
pane's ``Markdown`` widget through ``Markdown.get_stream`` under a spinner, and ``Esc``
cancels it. Offline, or when the call fails, the offline proposal is used and the notice says
why. Nothing of a proposal enters the chain unaccepted: its question waits for ``Ctrl+G``, its
action item for ``Ctrl+N``, its candidates for the user to pick one. The LLM also suggests the
category of a new contributing factor (``_category_asker``).
"""

from __future__ import annotations

from textual import work
from textual.widgets import Markdown
from textual.worker import Worker, WorkerState

from facilitator.errors import UserError
from screens.messages import SessionChanged


class WhyProposals:
    """Mixin for the whys pane: LLM (or offline) proposals the user accepts or ignores."""

    _llm = None  # the pane's own client when the app shares none

    def _category_asker(self, factor: str):
        """The LLM's category suggestion for the modal to await, or None when the LLM is off."""
        if not self._llm_on():
            return None
        from facilitator.pictures.llm_category import category_or_offline

        return lambda: category_or_offline(self._get_llm(), self.session, self.transcript, factor)

    def _llm_on(self) -> bool:
        from facilitator.llm.client import llm_available

        return llm_available(self.settings)

    def _get_llm(self):
        shared = getattr(self.app, "llm", None)
        if shared is not None:
            return shared
        if self._llm is None:
            from facilitator.llm import get_llm

            self._llm = get_llm(self.settings)
        return self._llm

    def action_propose(self) -> None:
        """Ask for the next why and candidate answers (streamed with the LLM on)."""
        if self.session.whys_done:
            self.notify("The chain is stopped; press Ctrl+O to reopen it.", severity="warning", markup=False)
            return
        self.query_one("#wy-working").display = True
        stream_box = self.query_one("#wy-stream", Markdown)
        stream_box.display = True
        self.propose()
        self.refresh_bindings()

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def propose(self):
        """Stream a proposal into the Markdown widget; returns the Outcome."""
        from facilitator.llm import WhyCandidate, WhyProposal, why_or_offline

        turn = self._open_turn()
        markdown = self.query_one("#wy-stream", Markdown)
        await markdown.update("")
        stream = Markdown.get_stream(markdown)

        def offline() -> WhyProposal:
            from facilitator.interview.suggest import why_candidates  # the channel's candidates, as the list shows them

            question = turn.question if turn is not None else self.chain.next_question(None)
            used = {t.answer for t in self.chain.turns if t.answer}
            cands = [WhyCandidate(text, ids, confidence) for text, ids, confidence in why_candidates(self.session.findings, used, 3)]
            return WhyProposal(question=question, candidates=cands)

        try:
            outcome = await why_or_offline(self._get_llm(), self.session, self.transcript, offline, on_text=stream.write)
        finally:
            await stream.stop()
        return outcome

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show the finished proposal (named handler: ``@on`` is not seen on a mixin; the pane lists
        this mixin before ``ReportsWorkerErrors``, so a failure shown here is not reported twice)."""
        if event.worker.group != "llm" or event.worker.node is not self:
            return
        if event.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        self.query_one("#wy-working").display = False
        self.refresh_bindings()
        if event.state == WorkerState.CANCELLED:
            self._feedback("Proposal cancelled; answer the why yourself or press Ctrl+R to try again.", "hint")
            return
        if event.state == WorkerState.ERROR:
            event.prevent_default()  # shown here, under the answer box
            error = event.worker.error
            if isinstance(error, UserError):
                self._feedback(str(error), "error")
            else:
                self._feedback(f"The proposal failed ({type(error).__name__}); answer the why yourself.", "error")
            return
        outcome = event.worker.result
        self.interview.save()  # LLM usage was recorded on the session
        proposal = outcome.value
        if outcome.notice:
            self.notify(outcome.notice, severity="warning", timeout=6, markup=False)
        turn = self._open_turn()
        if turn is None and outcome.source == "llm" and proposal.question and not self.chain.turns:
            turn = self.chain.start()  # the first why, as the facilitator phrased it
        # Nothing of the proposal enters the chain unaccepted: the question waits for u, the action for a.
        hints: list[str] = []
        if proposal.unactionable:
            hints.append(f"The facilitator suggests stopping here: {proposal.reason} (Ctrl+O stops the chain)")
        self.proposed_question = ""
        if getattr(proposal, "notice", ""):
            self.notify(proposal.notice, severity="warning", timeout=6, markup=False)
        if turn is not None and proposal.question and outcome.source == "llm" and proposal.question != turn.question:
            self.proposed_question = proposal.question
            hints.append(f"Suggested question: {proposal.question} (Ctrl+G asks it instead)")
        branches = getattr(proposal, "branches", [])
        if branches:
            hints.append("Possible contributing factors: " + "; ".join(f"{b.layer}: {b.factor}" for b in branches) + " (Ctrl+B branches)")
        self.proposed_action = getattr(proposal, "action", None)
        if self.proposed_action is not None:
            hints.append(f"Suggested action ({self.proposed_action.category}): {self.proposed_action.action} (Ctrl+N adds it)")
        if hints:
            self._feedback(" · ".join(hints), "hint")
        self.query_one("#wy-stream").display = False
        self._show_candidates([(c.text, c.message_ids) for c in proposal.candidates],
                              "Proposed by the facilitator" if outcome.source == "llm" else "From the channel",
                              [getattr(c, "label", "") for c in proposal.candidates],
                              [getattr(c, "level", "") for c in proposal.candidates])

    def action_use_question(self) -> None:
        """Accept the facilitator's suggested question for the open why."""
        turn = self._open_turn()
        if turn is None or not self.proposed_question:
            return
        self.chain.edit(turn.id, question=self.proposed_question)
        self.proposed_question = ""
        self._feedback(f"Asking: {turn.question}", "ok")
        self._changed()

    def action_add_action(self) -> None:
        """Accept the action item the facilitator proposed for the last why (it joins the Actions list)."""
        from facilitator import assist

        if self.proposed_action is None:
            return
        answered = [t for t in self.chain.main_chain() if t.answer]
        if not answered:
            return
        item = assist.accept_why_action(self.interview, self.proposed_action, answered[-1])
        self.proposed_action = None
        self._feedback(f"Added action item {item.id}: {item.action}", "ok")
        self.post_message(SessionChanged(origin="whys"))

    def action_cancel(self) -> None:
        """Cancel the proposal being streamed."""
        for worker in self.workers:
            if worker.group == "llm" and worker.is_running:
                worker.cancel()
