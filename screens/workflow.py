"""Small helpers the workflow panes (timeline, whys, actions, preview) share.

Kept apart from the panes so none of them imports another: each pane stays a self-contained
tab that only talks to the rest of the app through ``screens.messages``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import TabPane

from screens.messages import SessionChanged

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.interview.engine import Interview
    from facilitator.session import Session
    from facilitator.transcript import Transcript


class WorkflowPane:
    """Mixin for the workflow tabs, listed before the widget class: what every tab is built
    from (the interview and its session, the transcript, the settings)."""

    def __init__(self, interview: Interview, transcript: Transcript, settings: Settings, **kwargs) -> None:
        super().__init__(**kwargs)
        self.interview = interview
        self.transcript = transcript
        self.settings = settings

    @property
    def session(self) -> Session:
        """The session being edited."""
        return self.interview.session


def focus_is_elsewhere(pane: Widget) -> bool:
    """True when nothing usable has focus: no focus, or focus inside a hidden tab."""
    focused = pane.app.focused
    if focused is None:
        return True
    for ancestor in focused.ancestors_with_self:
        if isinstance(ancestor, TabPane) and not ancestor.display:
            return True
    return focused.screen is pane.screen and not focused.display


def claim_focus(pane: Widget, target: Widget) -> None:
    """Focus ``target`` when the pane's tab is shown and focus was left behind on a hidden tab.

    Arrow keys on the tab bar keep the focus there (the user is still choosing a tab).
    """
    if pane.screen.is_current and focus_is_elsewhere(pane):
        target.focus()


class StaysHidden:
    """Mixin for panes in a TabbedContent: losing the tab must not bring the tab back.

    When the user switches tabs, Textual moves the focus off the widget that was hidden to a
    "visible" sibling in the same, now hidden, pane; the pane's ``TabPane`` then reports that
    focus and ``TabbedContent`` switches straight back. Swallowing descendant-focus events
    while the pane's tab is hidden keeps the user's choice; the newly shown pane then takes
    the focus (``claim_focus``).
    """

    def on_descendant_focus(self, event) -> None:
        """Stop focus reports from a hidden tab reaching its TabPane."""
        for ancestor in self.ancestors_with_self:  # type: ignore[attr-defined]
            if isinstance(ancestor, TabPane):
                if not ancestor.display:
                    event.stop()
                return


def is_shown(pane: Widget) -> bool:
    """True when the pane's tab is the one on screen (hidden panes refresh when shown)."""
    for ancestor in pane.ancestors_with_self:
        if isinstance(ancestor, TabPane):
            return bool(ancestor.display)
    return True


class RefreshesWhenShown:
    """Mixin for workflow panes: re-read the session when another pane changed it.

    A hidden pane only marks itself stale and re-reads when its tab is shown, so a change in
    one tab costs nothing in the others until they are looked at. The pane sets ``ORIGIN``
    (the ``SessionChanged.origin`` it posts itself, ignored here) and implements ``_reload``
    and ``_focus_target``. Handlers are named ``on_*`` so Textual finds them on a mixin.
    """

    ORIGIN = ""
    _stale = False

    def _reload(self) -> None:
        raise NotImplementedError

    def _focus_target(self) -> Widget:
        raise NotImplementedError

    def on_show(self) -> None:
        """Refresh if the session changed while hidden; take the focus if it was left behind."""
        if self._stale:
            self._stale = False
            self._reload()
        self.call_after_refresh(lambda: claim_focus(self, self._focus_target()))  # type: ignore[attr-defined]

    def on_session_changed(self, event: SessionChanged) -> None:
        """Another pane changed the session: re-read now if shown, else when shown."""
        if event.origin == self.ORIGIN or event.bubble:
            return
        if is_shown(self):  # type: ignore[arg-type]
            self._reload()
        else:
            self._stale = True


# -- keys that cannot destroy work ---------------------------------------------------------

NAMED_KEYS = {
    "escape": "Esc", "enter": "Enter", "space": "Space", "tab": "Tab", "delete": "Delete",
    "backspace": "Backspace", "up": "↑", "down": "↓", "left": "←", "right": "→",
    "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "slash": "/",
}


def human_key(key: str) -> str:
    """A key as people write it: ``ctrl+s`` -> ``Ctrl+S``, ``left_square_bracket`` -> ``[``."""
    from textual.keys import key_to_character

    *mods, name = key.split("+")
    if name in NAMED_KEYS:
        shown = NAMED_KEYS[name]
    elif len(name) == 1:
        shown = name.upper() if mods else name
    elif name[:1] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        char = key_to_character(name)
        shown = char if char and char.isprintable() else name.replace("_", " ").title()
    return "+".join([m.capitalize() for m in mods] + [shown])


def is_typing(event) -> bool:
    """True for a key that types text (a letter, a digit, punctuation, a space)."""
    return bool(event.is_printable and event.character and event.character.isprintable())


def type_into(target: Widget, text: str) -> None:
    """Move the focus to ``target`` now and append ``text`` to what it holds.

    The focus moves synchronously (``Screen.set_focus``, not ``Widget.focus``, which waits
    for the message queue): keys already queued behind this one then reach the same field.
    """
    from textual.widgets import Input, TextArea

    if isinstance(target, TextArea):
        target.move_cursor(target.document.end)
        target.insert(text)
    elif isinstance(target, Input):
        target.cursor_position = len(target.value)
        target.insert_text_at_cursor(text)
        if target.select_on_focus and not target.has_focus:
            # the Focus event would select what was just typed (and the next key replace it)
            target.select_on_focus = False
            target.screen.set_focus(target, scroll_visible=False)
            target.call_later(setattr, target, "select_on_focus", True)
            return
    target.screen.set_focus(target, scroll_visible=False)


def redirect_typing(pane: Widget, event, lists: tuple[type, ...], target: Widget | None) -> bool:
    """Printable keys on one of the pane's lists, tables or trees go to ``target`` (or nowhere).

    Never a command: a sentence typed with the focus on the wrong widget lands as text where
    text goes. Returns True when the key was taken care of.
    """
    focused = pane.app.focused
    if not is_typing(event) or focused is None or pane not in focused.ancestors:
        return False
    # A printable key that reached the pane was not taken by a text box. With the focus on a
    # list it is redirected; with the focus already moved to ``target`` by an earlier letter of
    # the same burst, it is a later letter that was on its way to the list: it follows them.
    if not isinstance(focused, lists) and focused is not target:
        return False
    event.stop()
    event.prevent_default()
    if target is not None and not target.disabled and target.display:
        type_into(target, event.character)
    return True
