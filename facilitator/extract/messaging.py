"""Messaging: status-page posts and customer-facing updates, with time and content.

A status page bot's post counts as is. A human message counts when it says an update went
out ("posted to the status page", "status page updated: ...", "emailed affected customers")
rather than asking whether one should ("should we update the status page?"). The summary
prefers the quoted update text when the message carries one.
"""

from __future__ import annotations

import re

from facilitator.extract.patterns import patterns, readable, summary_of
from facilitator.extract.signals import MessageSignals
from facilitator.findings import MessagingItem

_DONE_RE = re.compile(
    r"\b(?:posted|post(?:ing)?|updated|updating|published|publishing|put up|sent|sending|emailed|tweeted|"
    r"went out|is up|is live|notified|wrote|added|resolved|update\s*:|incident\s+(?:created|opened)\s+on)\b"
    r"|^\W*status\s*-?page\s*(?:update\s*)?:",
    re.IGNORECASE,
)
_ASKING_RE = re.compile(
    r"\b(?:should (?:we|i)|shall (?:we|i)|do we need|can (?:someone|somebody|you)|could (?:someone|you)|"
    r"who(?:'s| is| will)|need to|let's|lets|please|we'll need)\b",
    re.IGNORECASE,
)
_QUOTED_RE = re.compile(r"[\"“](?P<q>[^\"”]{12,})[\"”]|^>\s?(?P<b>.+)$|:\s*(?P<c>[A-Z][^\n]{12,})", re.MULTILINE)


def _channel(text: str, is_status_bot: bool, status: bool) -> str:
    lower = text.lower()
    if is_status_bot or status:
        return "status page"
    if "email" in lower or "mail" in lower:
        return "customer email"
    if "tweet" in lower or "twitter" in lower or "social" in lower:
        return "social"
    return "customer update"


def find_messaging(sigs: list[MessageSignals]) -> list[MessagingItem]:
    """Status page and customer updates that were actually sent, in order."""
    pats = patterns()
    items: list[MessagingItem] = []
    for sig in sigs:
        message = sig.message
        status_bot = message.is_bot and any(b in message.author.casefold() for b in pats.status_bots)
        status = "status_page" in sig.flags
        if not (status_bot or status or "customer_comms" in sig.flags):
            continue
        prose = sig.prep.prose
        if not status_bot:
            sentences = [s for s in sig.prep.sentences if not s.rstrip().endswith("?")]
            relevant = [
                s for s in sentences if pats.has("status_page", s, sig.prep.gate) or pats.has("customer_comms", s, sig.prep.gate)
            ]
            if not any(_DONE_RE.search(s) and not _ASKING_RE.search(s) for s in relevant):
                continue
        quoted = _QUOTED_RE.search(readable(message.text))
        summary = ""
        if quoted:
            summary = next(g for g in quoted.groups() if g).strip()
        items.append(
            MessagingItem(
                at=message.at,
                channel=_channel(prose, status_bot, status_bot or status),
                summary=summary_of(summary or message.text, limit=200),
                message_ids=[message.id],
            )
        )
    return items
