"""The cause diagram in the app: contributing factors by category, as the fishbone groups them.

Shown in the 5 Whys tab under the chain (the chain itself is the fishbone's spine, drawn as the
tree above it), one line per category that has factors; a category only suggested from the
factor's text, not chosen, is marked so. Hidden while no factor is recorded. It reads the
same data as ``causes.svg`` (``facilitator.pictures.data.cause_data``).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from facilitator.pictures.data import cause_data
from facilitator.session import Session

BONE_STYLES = ("bold dodger_blue2", "bold dark_orange", "bold medium_purple", "bold dark_cyan", "bold red", "bold green")


class CauseBoard(Widget):
    """Categories and their contributing factors; refresh() after the chain changes."""

    DEFAULT_CSS = """
    CauseBoard { height: auto; margin-top: 1; }
    """

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session

    def has_factors(self) -> bool:
        """True when there is anything to show."""
        return bool(cause_data(self.session, "").factors)

    def render(self) -> Text:
        """'Process: the canary got too little traffic' per category, in the configured order."""
        data = cause_data(self.session, "")
        names = dict(data.categories)
        out = Text()
        out.append("Cause diagram (contributing factors by category)", style="bold")
        for index, (cid, factors) in enumerate(data.by_category().items()):
            if not factors:
                continue
            out.append("\n")
            out.append(f"{names.get(cid, cid)}: ", style=BONE_STYLES[index % len(BONE_STYLES)])
            for n, factor in enumerate(factors):
                if n:
                    out.append("; ")
                out.append(factor.text)
                if not factor.chosen:
                    out.append(" (suggested)", style="dim")
        return out
