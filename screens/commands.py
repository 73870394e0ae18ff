"""The command palette: every action of the app, named "group: action" (posting's style).

Rather than a hand-kept list that drifts from the keys, commands are collected from the
bindings themselves: the app, the active screen, and every widget on it that declares a
``PALETTE_GROUP`` contribute their ``BINDINGS`` (which all carry an ``id`` and a tooltip).
Widgets may add commands that have no key through ``palette_commands()``. Widgets in hidden
tabs are left out (the "go to" commands switch tabs). The same collector feeds the F1 help screen, so help, palette and footer always agree, including
keys the user remapped in ``[ui] keymap``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget


@dataclass
class Command:
    """One palette entry."""

    group: str
    title: str
    help: str
    key: str
    callback: Callable[[], Any]

    @property
    def name(self) -> str:
        """The palette name, "group: action"."""
        return f"{self.group}: {self.title.lower()}"


def shown(widget: Widget) -> bool:
    """True when the widget and all its ancestors are displayed (not in a hidden tab)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _nodes(screen: Screen) -> Iterator[DOMNode]:
    yield screen.app
    yield screen
    for widget in screen.query("*"):
        if getattr(widget, "PALETTE_GROUP", "") and shown(widget):
            yield widget


def key_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The key a user presses for a binding, after their keymap, as people write it
    (``[`` not ``left_square_bracket``, ``Ctrl+S`` not ``ctrl+s``)."""
    from screens.workflow import human_key

    key = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    return human_key(key.split(",")[0])


def collect(screen: Screen) -> list[Command]:
    """Every command available on this screen (bindings + ``palette_commands``), deduplicated."""
    keymap = getattr(screen.app, "user_keymap", {}) or {}
    seen: set[str] = set()
    out: list[Command] = []
    for node in _nodes(screen):
        group = getattr(node, "PALETTE_GROUP", "") or "app"
        for item in getattr(node, "BINDINGS", []):
            if not isinstance(item, Binding) or item.system or not item.description:
                continue
            cmd = Command(group, item.description, item.tooltip, key_for(item, keymap), partial(node.run_action, item.action))
            if cmd.name not in seen:
                seen.add(cmd.name)
                out.append(cmd)
        extra: Callable[[], Iterable[tuple[str, str, Callable[[], Any]]]] | None = getattr(node, "palette_commands", None)
        if extra is not None:
            for title, help_text, callback in extra():
                cmd = Command(group, title, help_text, "", callback)
                if cmd.name not in seen:
                    seen.add(cmd.name)
                    out.append(cmd)
    return out


class FacilitatorCommands(Provider):
    """Palette provider over ``collect`` for the screen the palette was opened from."""

    async def discover(self) -> Hits:
        """All commands, listed when the palette opens."""
        for cmd in collect(self.screen):
            yield DiscoveryHit(cmd.name, cmd.callback, help=self._help(cmd))

    async def search(self, query: str) -> Hits:
        """Commands fuzzily matching the query."""
        matcher = self.matcher(query)
        for cmd in collect(self.screen):
            score = matcher.match(cmd.name)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd.name), cmd.callback, help=self._help(cmd))

    @staticmethod
    def _help(cmd: Command) -> str:
        return f"{cmd.help} ({cmd.key})" if cmd.key else cmd.help
