"""The one way to read data shipped in ``prompts/`` (prompts, questions, templates, the demo).

``prompts`` is installed as a package inside the wheel, so ``importlib.resources`` finds it
both in a source checkout and after ``pip install .`` into a fresh venv.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "prompts"


def resource(*parts: str) -> Traversable:
    """A file or folder under prompts/, e.g. ``resource("templates", "classic.md.j2")``."""
    node = resources.files(PACKAGE)
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    """The UTF-8 text of a file under prompts/."""
    return resource(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    """The bytes of a file under prompts/."""
    return resource(*parts).read_bytes()
