"""The interview tab: one question at a time, its evidence, and the answer as the user gives it.

The pane is a thin view over ``facilitator.interview.engine.Interview``: the engine decides
what to ask (``display_text``), what to propose (``suggestion`` with citations), parses and
validates answers, saves after every call and derives the metrics and the order check. The
pane only edits text and says what happened. Answers are never rewritten: what the user
typed is what the engine receives.

Editing: single-value types (datetime, duration, choice, yes/no) use an ``Input``; free text
and lists use an ``AnswerArea`` (one item per line). Enter saves in both, however long the
answer (Ctrl+S too); Ctrl+J adds a line in the multi-line box; Ctrl+Delete clears the box. A
suggestion is pre-filled; saving it unchanged records it as an accepted suggestion, with its
citations. Selecting a citation posts ``CitationSelected`` so the transcript pane shows it.
A one-line suggestion starts selected (typing replaces it, arrows edit it).

Suggestions say where they come from ("Suggested by the LLM" or "from the transcript"),
how sure they are and how many messages they cite. LLM results arrive while the user works
(``SessionChanged`` from the main screen): ``refresh_view`` redraws the question only when
the user has not started typing; otherwise only the suggestion, progress and metrics update
and the text, cursor and scroll stay. Saving an unchanged, already accepted suggestion keeps
the stored value even if a newer suggestion has arrived since.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, OptionList, ProgressBar, Static, TextArea
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from facilitator.durations import DURATIONS
from facilitator.errors import UserError
from facilitator.interview.catalogue import KEY_TIME_IDS, Question
from facilitator.interview.engine import KEY_TIME_LABELS, Interview
from facilitator.interview.parse import format_duration, read_datetime
from screens.messages import CitationSelected, ReportsWorkerErrors, SessionChanged
from screens.widgets.answer_area import AnswerArea, AnswerInput
from screens.widgets.similar import SimilarIncidents
from screens.workflow import StaysHidden

NOTE_MAX = 90  # a suggestion's note is one line of "why"; the citations carry the detail
SINGLE_LINE_TYPES = ("datetime", "duration", "choice", "yesno")
SHORT_TEXT_IDS = ("title",)  # free text, but one line: Enter saves, as users expect


def single_line(q: Question) -> bool:
    """True when the answer is edited in a one-line Input (Enter saves) rather than a TextArea."""
    return q.type in SINGLE_LINE_TYPES or q.id in SHORT_TEXT_IDS


def suggestion_label(source: str, confidence: float, note: str, cited: int) -> str:
    """'Suggested by the LLM (confidence 80%) — note; 2 citations below' (who, how sure, why)."""
    who = {"llm": "Suggested by the LLM", "evidence": "Suggested from outside the channel"}.get(source, "Suggested from the transcript")
    note = note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 1].rstrip() + "…"
    text = f"{who} (confidence {confidence:.0%})" + (f" — {note}" if note else "")
    if cited:
        text += f"; {cited} cited message{'s' if cited > 1 else ''} below (Ctrl+L)"
    return text


STATUS_LABELS = {
    "answered": "✓ answered",
    "suggested": "✓ suggestion accepted (shown as unconfirmed)",
    "unknown": "? marked unknown (a TODO in the document)",
    "skipped": "» skipped (a TODO in the document)",
}


class InterviewPane(ReportsWorkerErrors, StaysHidden, VerticalScroll):
    """The guided interview over an ``Interview``; see the module docstring."""

    PALETTE_GROUP = "interview"
    HELP = """\
## Interview
One question at a time. The suggested answer (from the transcript) is pre-filled; its
evidence is listed under it: select a citation (or press Ctrl+L) to see the message in
the transcript. A pre-filled answer starts selected: type to replace it, or press an arrow
key to edit it. `Enter` saves the answer, however long it is (`Ctrl+S` too); `Ctrl+J` adds a
line in a multi-line answer; `Ctrl+Delete` clears the box (Backspace too while the
suggestion is still selected).
Save what you typed, use the suggestion as is, or mark the question unknown or skipped
(both become TODOs in the document). Every answer is saved immediately; quit at any time
and you resume on the same question. Times are read in the session's timezone; for the
four key times the derived durations (time to detect, mitigate, resolve) are shown.
With an Anthropic key the LLM reads the channel once and adds its own suggestions, marked
"Suggested by the LLM" with a confidence and the messages it cites; they arrive while you
work and never replace what you are typing. For "Has this happened before?" earlier
post-mortems found in Confluence (when configured) are listed as links.
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="interview.save", tooltip="Save the answer as typed and go to the next question"),
        Binding("ctrl+r", "accept", "Accept", id="interview.accept", tooltip="Accept the suggested answer as is, with its citations"),
        Binding("ctrl+o", "unknown", "Unknown", id="interview.unknown", tooltip="Mark the answer unknown (a TODO in the document)"),
        Binding("ctrl+g", "skip", "Skip", id="interview.skip", tooltip="Skip this question for now (a TODO in the document)"),
        Binding("ctrl+l", "evidence", "Evidence", id="interview.evidence", tooltip="Show the suggestion's evidence in the transcript (then up/down, Enter)", show=False),
        Binding("ctrl+b", "back", "Back", id="interview.back", tooltip="Go to the previous question", show=False),
        Binding("ctrl+n", "forward", "Next", id="interview.next", tooltip="Go to the next question without answering", show=False),
        Binding("ctrl+y", "other_candidate", "Other candidate", id="interview.other", tooltip="Show the next candidate time the transcript suggests (Ctrl+S saves it)", show=False),
        Binding("ctrl+delete", "clear", "Clear", id="interview.clear", tooltip="Clear the answer box (to type your own instead of the suggestion)", show=False),
    ]

    def __init__(self, interview: Interview, transcript=None, settings=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.interview = interview
        self.transcript = transcript
        self.settings = settings
        self._prefill = ""
        self._prefill_is_suggestion = False
        self._prefill_ids: list[str] = []
        self._alt = 0  # which of interview.alternatives() the box shows (0 = the suggestion)

    @property
    def tz(self) -> str:
        """The zone times are shown and read in."""
        return self.interview.tz

    def compose(self) -> ComposeResult:
        with Horizontal(id="iv-top"):
            yield Static("", id="iv-progress-label")
            yield ProgressBar(show_eta=False, show_percentage=False, id="iv-progress")
        yield Static("", id="iv-question", classes="question")
        yield Static("", id="iv-help", classes="help-text")
        yield Static("", id="iv-suggestion", classes="suggestion")
        # show_question selects a suggestion itself; Enter saves in typing order (on_submit)
        yield AnswerInput(id="iv-input", select_on_focus=False, on_submit=self.action_save)
        yield AnswerArea(id="iv-text", soft_wrap=True, show_line_numbers=False, on_submit=self.action_save)
        yield Static("", id="iv-feedback")
        yield SimilarIncidents(self.settings, id="iv-similar")  # "has this happened before?"
        yield OptionList(id="iv-citations")
        yield Static("", id="iv-metrics")
        yield Static("", id="iv-warnings")
        with Horizontal(id="iv-buttons"):
            yield Button("Save", id="iv-save", variant="primary", compact=True, tooltip="Ctrl+S")
            yield Button("Accept", id="iv-accept", compact=True, tooltip="Accept the suggestion as is (Ctrl+R)")
            yield Button("Unknown", id="iv-unknown", compact=True, tooltip="Ctrl+O")
            yield Button("Skip", id="iv-skip", compact=True, tooltip="Ctrl+G")
            yield Button("◀ Back", id="iv-back", compact=True, tooltip="Ctrl+B")
            yield Button("Next ▶", id="iv-next", compact=True, tooltip="Ctrl+N")

    def on_mount(self) -> None:
        self.show_question()

    # -- display ------------------------------------------------------------------------
    def _editable(self, q: Question, value: str | list[str]) -> str:
        """A stored value as the user edits it (lists one per line, times in the local zone)."""
        if isinstance(value, list):
            return "\n".join(value)
        if q.type == "datetime":
            at = read_datetime(value)
            if at is not None:
                return f"{at.astimezone(ZoneInfo(self.tz)):%Y-%m-%d %H:%M}"
        return value

    @property
    def question(self) -> Question | None:
        """The question on screen."""
        return self.interview.current

    def show_question(self, scroll: bool = True) -> None:
        """Render the current question, its suggestion, the stored answer and the derived facts."""
        q = self.question
        if q is None:
            self.query_one("#iv-question", Static).update("The question catalogue is empty.")
            return
        iv = self.interview
        total = self._show_progress()
        self.query_one("#iv-question", Static).update(iv.display_text(q.id))
        hint = q.help
        if q.type == "choice" and q.choices and not all(c.lower() in hint.lower() for c in q.choices):
            hint = (hint + "\n" if hint else "") + "Choices: " + ", ".join(q.choices) + " (or 'other: ...')"
        elif q.type == "datetime":
            day = iv.reference_date()
            bare = f"; a bare time like 14:02 means {day:%a %d %b}" if day else ""
            hint = (hint + "\n" if hint else "") + f"Times are in {self.tz}{bare}."
        elif q.is_list:
            hint = (hint + "\n" if hint else "") + "One item per line: Ctrl+J adds a line, Enter saves."
        elif not single_line(q):
            hint = (hint + "\n" if hint else "") + "Enter saves; Ctrl+J adds a line."
        self.query_one("#iv-help", Static).update(hint)
        self.query_one("#iv-help").display = bool(hint)

        s = self._show_suggestion(q)

        ans = iv.get_answer(q.id)
        if ans is not None and ans.status in ("answered", "suggested"):
            text, from_suggestion = self._editable(q, ans.value), ans.status == "suggested"
        elif s is not None:
            text, from_suggestion = self._editable(q, s.value), True
        else:
            text, from_suggestion = "", False
        self._prefill, self._prefill_is_suggestion = text, from_suggestion
        self._prefill_ids = list(s.message_ids) if (from_suggestion and s is not None and ans is None) else []
        self._alt = 0
        single = single_line(q)
        box = self.query_one("#iv-input", Input)
        area = self.query_one("#iv-text", TextArea)
        box.display, area.display = single, not single
        if single:
            box.value = text
            if text:  # all selected, shown from its start: typing replaces it, arrows edit it
                box.selection = Selection(len(text), 0)
            box.placeholder = (" / ".join(q.choices) + " · " if q.type == "choice" else "") + "or unknown / skip"
        else:
            area.load_text(text)
            if text and from_suggestion:  # a suggestion is selected like in the one-line box
                area.select_all()
        feedback = STATUS_LABELS.get(ans.status, "") if ans is not None else ""
        self._feedback(feedback, "ok" if ans is not None else "")
        self.query_one("#iv-back", Button).disabled = iv.index == 0
        self.query_one("#iv-next", Button).disabled = iv.index + 1 >= total
        self._show_derived(q)
        if scroll:
            self.scroll_home(animate=False)

    def _show_progress(self) -> int:
        """'Question n of N · k answered' and the bar; returns N."""
        iv = self.interview
        done, total = iv.progress()
        self.query_one("#iv-progress-label", Static).update(f"Question {iv.index + 1} of {total} · {done} answered")
        self.query_one("#iv-progress", ProgressBar).update(total=total, progress=done)
        return total

    def _show_suggestion(self, q: Question):
        """The suggestion line (who suggests, how sure, why) and its citations; returns the suggestion."""
        iv = self.interview
        s = iv.suggestion(q.id)
        sug = self.query_one("#iv-suggestion", Static)
        cites = self.query_one("#iv-citations", OptionList)
        cites.clear_options()
        if s is not None:
            ids = [m for m in s.message_ids if self.transcript is None or m in self.transcript]
            others = "".join(f"\nOr: {line}" for line in iv.alternative_lines(q.id)[:3])
            label = suggestion_label(s.source, s.confidence, s.note, len(ids))
            # Alternatives quote messages ("[from 14:20 ...]"): plain Content, never read as markup.
            sug.update(Content(label + others) if others else label)
            cites.add_options([Option(iv.cite(m), id=m) for m in ids[:20]])
            cites.display = bool(ids)
        else:
            sug.update("No evidence in the transcript for this one: please answer from what you know.")
            cites.display = False
        self.query_one("#iv-accept", Button).disabled = s is None
        channel = self.transcript.channel if self.transcript is not None else ""
        self.query_one(SimilarIncidents).show_for(q.id, self.interview, channel)
        return s

    def refresh_view(self) -> None:
        """Redraw after the session changed elsewhere (LLM results, other panes), keeping what the user typed."""
        q = self.question
        if q is None:
            return
        if self._raw().strip() != self._prefill.strip():
            # the user is typing: their words, cursor and scroll stay; only the context updates
            self._show_progress()
            self._show_suggestion(q)
            self._show_derived(q)
            return
        focused = self.app.focused
        scroll_y = self.scroll_y
        self.show_question(scroll=False)
        # Only a field of this pane can lose the focus to the redraw. The focus elsewhere (another
        # tab, where the user may be typing fast) is never touched: a deferred focus() would land
        # after their next Tab or save and pull the cursor back.
        if focused is not None and focused.is_attached and self in focused.ancestors:
            focused.focus(scroll_visible=False)
        self.scroll_to(y=scroll_y, animate=False)

    def _show_derived(self, q: Question, typed: datetime | None = None) -> None:
        """Key times and durations; ``typed`` previews the time being typed for ``q``."""
        metrics = self.query_one("#iv-metrics", Static)
        warnings = self.query_one("#iv-warnings", Static)
        if q.id in KEY_TIME_IDS:
            m = self.interview.metrics()
            times: dict[str, datetime | None] = {qid: getattr(m, qid) for qid in KEY_TIME_IDS}
            if typed is not None:
                times[q.id] = typed
            zone = ZoneInfo(self.tz)
            shown = []
            for qid, label in zip(KEY_TIME_IDS, ("start", "detect", "mitigate", "resolve")):
                at = times[qid]
                mark = "~" if qid in m.estimated and not (typed is not None and qid == q.id) else ""
                shown.append(f"{label} {mark}{at.astimezone(zone):%d %b %H:%M}" if at else f"{label} ?")

            def span(a: str, b: str) -> str:
                start, end = times[a], times[b]
                return (format_duration(end - start) or "0m") if start and end else "unknown"

            metrics.update(
                " · ".join(shown)
                + "\n" + " · ".join(f"{d.label} {span(d.start, d.end)}" for d in DURATIONS)
                + ("\n~ estimated from the transcript, not yet confirmed" if m.estimated else "")
            )
            metrics.display = True
        else:
            metrics.display = False
        problems = self.interview.order_warnings()
        warnings.update("\n".join(f"⚠ {w}" for w in problems))
        warnings.display = bool(problems)

    def _feedback(self, text: str, kind: str) -> None:
        box = self.query_one("#iv-feedback", Static)
        box.update(text)
        box.set_class(kind == "error", "error")
        box.set_class(kind == "ok", "ok")

    def focus_answer(self) -> None:
        """Put the cursor in the answer box."""
        q = self.question
        if q is not None and self.screen.is_current:
            # now, not after the queue (Widget.focus): keys typed right after Enter belong to the
            # next question's box; without scrolling: the question must stay in view on small screens
            box = self.query_one("#iv-input") if single_line(q) else self.query_one("#iv-text")
            self.screen.set_focus(box, scroll_visible=False)

    def _raw(self) -> str:
        q = self.question
        if q is not None and single_line(q):
            return self.query_one("#iv-input", Input).value
        return self.query_one("#iv-text", TextArea).text

    # -- live validation ----------------------------------------------------------------
    @on(Input.Changed, "#iv-input")
    def _validate_live(self, event: Input.Changed) -> None:
        q = self.question
        if q is None or not event.value.strip():
            return
        problem = self.interview.validate(q.id, event.value)
        if problem:
            self._feedback(problem, "error")
        elif q.type == "datetime":
            from facilitator.interview.parse import parse_datetime

            try:
                at = parse_datetime(event.value, self.tz, self.interview.reference_date())
                self._feedback(f"→ {at.astimezone(ZoneInfo(self.tz)):%a %d %b %Y %H:%M} {self.tz}", "")
                self._show_derived(q, typed=at)
            except UserError:
                self._feedback("", "")
        else:
            self._feedback("", "")

    @on(Input.Submitted, "#iv-input")
    @on(AnswerArea.Submitted, "#iv-text")
    def _submit(self, event: Input.Submitted | AnswerArea.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_clear(self) -> None:
        """Empty the answer box (the suggestion stays listed above it)."""
        q = self.question
        if q is None:
            return
        if single_line(q):
            box = self.query_one("#iv-input", Input)
            box.value = ""
            box.focus()
        else:
            area = self.query_one("#iv-text", AnswerArea)
            area.clear_answer()
            area.focus()

    # -- actions ------------------------------------------------------------------------
    def _changed(self) -> None:
        self.post_message(SessionChanged(origin="interview"))

    def _record(self, fn) -> bool:
        """Run an engine call; on a UserError show it and leave the form untouched."""
        try:
            fn()
        except UserError as exc:
            self._feedback(str(exc), "error")
            return False
        self._changed()
        return True

    def _advance(self) -> None:
        if self.interview.next() is None:
            self.show_question()
            done, total = self.interview.progress()
            if done == total:
                unknown = sum(1 for a in self.interview.session.answers.values() if a.status in ("unknown", "skipped"))
                note = f" {unknown} marked unknown or skipped stay TODOs in the document." if unknown else ""
                self._feedback(f"All questions have an answer.{note} Next: check the Timeline tab (F3), then 5 Whys (F4).", "ok")
            else:
                self._feedback(f"Last question. {total - done} still open: Next wraps to them with Ctrl+N;"
                               " or go on to the Timeline tab (F3).", "")
            return
        self.show_question()
        self.focus_answer()

    def action_save(self) -> None:
        """Save the answer as typed (unchanged suggestion = accepted suggestion) and move on."""
        q = self.question
        if q is None:
            return
        raw = self._raw()
        if not raw.strip():
            self._feedback("The answer is empty: type one, or use Unknown (Ctrl+O) or Skip (Ctrl+G).", "error")
            return
        problem = self._order_problem(q, raw)
        if problem and self._confirmed_order != (q.id, raw.strip()):
            self._confirmed_order = (q.id, raw.strip())
            self._feedback(f"Not saved: {problem}. Fix the time, or press Enter again to save it anyway.", "error")
            return
        self._confirmed_order = None
        s = self.interview.suggestion(q.id)
        old = self.interview.get_answer(q.id)
        unchanged = self._prefill_is_suggestion and raw.strip() == self._prefill.strip()
        if unchanged and self._alt:
            ok = self._record(lambda: self.interview.accept_alternative(q.id, self._alt))
        elif unchanged and old is not None and old.status == "suggested":
            ok = True  # already stored as the suggestion the user accepted; a newer one must not replace it
        elif unchanged and s is not None:
            ok = self._record(lambda: self.interview.accept_suggestion(q.id))
        else:
            # an edited suggestion keeps the citations of the suggestion the user saw
            ids = list(self._prefill_ids) if (self._prefill_is_suggestion and self._prefill_ids) else None
            if old is not None and old.message_ids and ids is None:
                ids = list(old.message_ids)
            ok = self._record(lambda: self.interview.answer(q.id, raw, "answered", message_ids=ids))
        if ok:
            self._advance()

    def action_other_candidate(self) -> None:
        """Put the next candidate (another moment the transcript suggests) in the answer box."""
        q = self.question
        options = self.interview.alternatives(q.id) if q is not None else []
        if q is None or len(options) < 2 or not single_line(q):
            self._feedback("No other candidate for this question.", "")
            return
        self._alt = (self._alt + 1) % len(options)
        chosen = options[self._alt]
        text = self._editable(q, chosen.value)
        box = self.query_one("#iv-input", Input)
        box.value = text
        self._prefill, self._prefill_is_suggestion, self._prefill_ids = text, True, list(chosen.message_ids)
        note = f": {chosen.note}" if chosen.note else ""
        self._feedback(f"Candidate {self._alt + 1} of {len(options)}{note}. Ctrl+S saves it, Ctrl+Y shows the next.", "")

    _confirmed_order: tuple[str, str] | None = None  # a key time out of order the user confirmed

    def _order_problem(self, q: Question, raw: str) -> str | None:
        """Why the key time being saved is out of order with the others (start <= detect <= mitigate <= resolve)."""
        if q.id not in KEY_TIME_IDS:
            return None
        from facilitator.interview.parse import parse_datetime

        try:
            at = parse_datetime(raw, self.tz, self.interview.reference_date())
        except UserError:
            return None  # not a time at all: the engine says so when it is saved
        metrics = self.interview.metrics()
        zone = ZoneInfo(self.tz)
        mine = KEY_TIME_IDS.index(q.id)
        for n, other in enumerate(KEY_TIME_IDS):
            when = getattr(metrics, other)
            if other == q.id or when is None:
                continue
            if (n < mine and at < when) or (n > mine and at > when):
                side = "before" if n < mine else "after"
                return (f"{KEY_TIME_LABELS[q.id]} ({at.astimezone(zone):%H:%M}) would be {side} "
                        f"{KEY_TIME_LABELS[other]} ({when.astimezone(zone):%H:%M})")
        return None

    def action_accept(self) -> None:
        """Accept the suggestion as is."""
        q = self.question
        if q is None or self.interview.suggestion(q.id) is None:
            self._feedback("There is no suggestion for this question; type an answer.", "error")
            return
        if self._record(lambda: self.interview.accept_suggestion(q.id)):
            self._advance()

    def action_unknown(self) -> None:
        """Record that nobody knows (yet)."""
        q = self.question
        if q is not None and self._record(lambda: self.interview.answer(q.id, "", "unknown")):
            self._advance()

    def action_skip(self) -> None:
        """Skip the question for now."""
        q = self.question
        if q is not None and self._record(lambda: self.interview.answer(q.id, "", "skipped")):
            self._advance()

    def action_evidence(self) -> None:
        """Jump the transcript to the highlighted (or first) citation and focus the list."""
        cites = self.query_one("#iv-citations", OptionList)
        if not cites.display or not cites.option_count:
            self._feedback("No citations for this question.", "")
            return
        if cites.highlighted is None:
            cites.highlighted = 0
        option = cites.get_option_at_index(cites.highlighted)
        if option.id:
            self.post_message(CitationSelected(option.id))
        cites.focus()

    def action_back(self) -> None:
        """Previous question (nothing is lost: answers were saved)."""
        if self.interview.back() is not None:
            self.show_question()
            self.focus_answer()

    def action_forward(self) -> None:
        """Next question without answering; at the last one, wrap to the first open question."""
        moved = self.interview.next() or self.interview.next_open()
        if moved is not None:
            self.show_question()
            self.focus_answer()

    def goto(self, qid: str) -> None:
        """Show a given question (used by the preview's TODO jumps)."""
        self.interview.goto(qid)
        self.show_question()
        self.focus_answer()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        action = {
            "iv-save": self.action_save,
            "iv-accept": self.action_accept,
            "iv-unknown": self.action_unknown,
            "iv-skip": self.action_skip,
            "iv-back": self.action_back,
            "iv-next": self.action_forward,
        }.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    @on(OptionList.OptionSelected, "#iv-citations")
    def _cite(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(CitationSelected(event.option.id))

    def on_session_changed(self, event: SessionChanged) -> None:
        """Another pane or the LLM changed the session (e.g. action items feed 'action_owners')."""
        if event.origin != "interview":
            self.interview.refresh_suggestions()
            self.refresh_view()
