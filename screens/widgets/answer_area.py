"""``AnswerArea``: a multi-line answer box where Enter saves, however long the answer.

A one-line ``Input`` saves on Enter, and a ``TextArea`` inserts a line break on Enter: the
same key did two things depending on how the question was shown, so a long answer that
wrapped got a stray line break where the user meant to save. In an ``AnswerArea`` Enter
saves too (it posts ``Submitted``), and a line break is ``Ctrl+J`` (or ``Shift+Enter`` in
terminals that report it). Pasted text keeps its line breaks.

Both boxes (``AnswerArea`` and the one-line ``AnswerInput``) take an ``on_submit`` callback:
Enter then saves at once, in typing order, instead of through a message that would be
handled after the keys typed behind it (which would land in the answer just saved).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, TextArea


class AnswerArea(TextArea):
    """A ``TextArea`` whose Enter submits; Ctrl+J adds a line."""

    BINDINGS = [
        # priority: TextArea handles Enter itself before ordinary bindings are looked at
        Binding("enter", "submit", "Save", id="answer.submit", tooltip="Save the answer", priority=True, show=False),
        Binding("ctrl+j,shift+enter", "newline", "New line", id="answer.newline", tooltip="Add a line to the answer", show=False),
    ]

    @dataclass
    class Submitted(Message):
        """Enter was pressed in the box."""

        area: "AnswerArea"

        @property
        def control(self) -> "AnswerArea":
            """The box (for ``@on`` selectors)."""
            return self.area

    def __init__(self, *args, on_submit: Callable[[], object] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submit_callback = on_submit

    def action_submit(self) -> None:
        """Save the answer now (``on_submit``), or ask the pane to (``Submitted``)."""
        if self.submit_callback is not None:
            self.submit_callback()
        else:
            self.post_message(self.Submitted(self))

    def action_newline(self) -> None:
        """Insert a line break at the cursor."""
        self.insert("\n")

    def clear_answer(self) -> None:
        """Empty the box as one undoable edit (a pre-filled suggestion goes in one key)."""
        self.select_all()
        start, end = self.selection
        self.delete(start, end, maintain_selection_offset=False)


class AnswerInput(Input):
    """A one-line answer box whose Enter calls ``on_submit`` at once (see the module docstring)."""

    def __init__(self, *args, on_submit: Callable[[], object] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submit_callback = on_submit

    async def action_submit(self) -> None:
        """Save the answer now, or post ``Input.Submitted`` without a callback."""
        if self.submit_callback is not None:
            self.submit_callback()
        else:
            await super().action_submit()
