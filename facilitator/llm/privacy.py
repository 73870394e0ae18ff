"""What leaves the machine: every prompt is masked before it is sent, and answers are mapped back.

Incident channels hold credentials, customer names and people. Before any text reaches a
model (Anthropic, Bedrock, Vertex or a server inside the company), it passes through:

1. The secret detector that masks the internal document and the session files
   (``secret_spans``, behind ``mask_secrets``: cloud keys, tokens, JWTs, private keys,
   passwords in URLs, ``password=`` pairs, high-entropy strings). Every literal it masks is
   remembered, so a password seen in a connection string is also masked where it reappears
   without its context (an extracted finding, a pasted answer). Nothing masked is ever
   mapped back: the model never needs a secret.
2. Optional (``llm.pseudonymise``, on by default) people's names → stable aliases
   ("Responder A"). Names are learnt by the ``Redactor`` exactly as for the customer version
   (human authors, @mentions that look personal, responders and owners the session reports),
   so full names, their parts and handles are all caught. Emails become ``[email]``.
3. ``llm.private_terms`` (customer names, internal hosts...) → "Private term 1".

Aliases are assigned in the order the transcript teaches them, so the cached transcript
prefix is byte-identical on every call; names learnt later (an action owner typed by the
commander) get the next letters. Answers are mapped back (``incoming``) before anything else
reads them, including streamed text (``AliasStream`` holds back a half-received alias).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from facilitator.redact import Redactor
from facilitator.redact_detect import EMAIL, SECRET, Span, apply, resolve, secret_spans

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.session import Session
    from facilitator.transcript import Transcript

PERSON_PREFIX = "Responder "
TERM_PREFIX = "Private term "
MIN_SECRET = 6  # shorter masked stretches are not remembered as literals (too likely to be words)


class Privacy:
    """The outgoing mask and the incoming unmask for one transcript (and its session)."""

    def __init__(self, settings: Settings, transcript: Transcript | None = None) -> None:
        self.pseudonymise = settings.llm.pseudonymise
        self.redactor = Redactor.from_context(None, None, transcript) if self.pseudonymise else Redactor()
        self.secrets: set[str] = set()  # every secret literal masked so far
        self.terms: dict[str, str] = {}  # term -> alias
        for term in settings.llm.private_terms:
            term = term.strip()
            if len(term) >= 2 and term.casefold() not in {t.casefold() for t in self.terms}:
                self.terms[term] = f"{TERM_PREFIX}{len(self.terms) + 1}"
        self._terms_re = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in sorted(self.terms, key=len, reverse=True)) + r")(?!\w)", re.I)
            if self.terms
            else None
        )
        self._reverse: dict[str, str] | None = None
        self._reverse_re: re.Pattern[str] | None = None

    # -- learning ------------------------------------------------------------------------
    def learn_session(self, session: Session) -> None:
        """Names the session reports (responders, owners, actors) become aliases too."""
        if not self.pseudonymise:
            return
        before = len(self.redactor.people)
        names = [r.name for r in session.findings.responders]
        names += [a.owner for a in session.actions] + [t.who for t in session.timeline]
        self.redactor.learn_reported_people([n for n in names if n])
        if len(self.redactor.people) != before:
            self._reverse = None

    def _alias(self, placeholder: str) -> str:
        return PERSON_PREFIX + placeholder.rsplit(" ", 1)[-1]

    # -- outgoing ------------------------------------------------------------------------
    def outgoing(self, text: str) -> str:
        """``text`` as it may be sent: secrets masked, people and private terms aliased."""
        if not text:
            return text
        for literal in self.secrets:  # a secret seen once is masked wherever it reappears, even out of context
            if literal in text:
                text = text.replace(literal, SECRET)
        found = resolve(secret_spans(text))
        if found:
            self.secrets.update(text[s.start : s.end] for s in found if s.end - s.start >= MIN_SECRET)
            text = apply(text, found)
        spans: list[Span] = []
        if self._terms_re is not None:
            for m in self._terms_re.finditer(text):
                key = next((t for t in self.terms if t.casefold() == m.group().casefold()), "")
                spans.append(Span(m.start(), m.end(), "term", self.terms.get(key, TERM_PREFIX.strip())))
        if self.pseudonymise:
            if "@" in text:
                spans += [Span(m.start(), m.end(), "email", "[email]") for m in EMAIL.finditer(text)]
            if self.redactor.people:
                spans += [Span(s.start, s.end, s.kind, self._alias(s.replacement)) for s in self.redactor.people_spans(text)]
        return apply(text, resolve(spans)) if spans else text

    def outgoing_params(self, params: dict[str, Any], skip: frozenset[int] = frozenset()) -> dict[str, Any]:
        """A copy of request ``params`` with every text block of system and messages masked.

        ``skip`` holds ids of blocks already masked (the memoised transcript block).
        """
        out = dict(params)
        system = params.get("system")
        if isinstance(system, str):
            out["system"] = self.outgoing(system)
        elif isinstance(system, list):
            out["system"] = [b if id(b) in skip else self._block(b) for b in system]
        messages = []
        for msg in params.get("messages", []):
            content = msg.get("content")
            if isinstance(content, str):
                messages.append({**msg, "content": self.outgoing(content)})
            else:
                messages.append({**msg, "content": [b if id(b) in skip else self._block(b) for b in content]})
        out["messages"] = messages
        return out

    def _block(self, block: dict[str, Any]) -> dict[str, Any]:
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            return {**block, "text": self.outgoing(block["text"])}
        return block

    # -- incoming ------------------------------------------------------------------------
    def _reverse_map(self) -> tuple[dict[str, str], re.Pattern[str] | None]:
        if self._reverse is None:
            reverse: dict[str, str] = {}
            for name, placeholder in self.redactor.people.items():
                reverse.setdefault(self._alias(placeholder), name)
            for term, alias in self.terms.items():
                reverse.setdefault(alias, term)
            self._reverse = reverse
            self._reverse_re = (
                re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in sorted(reverse, key=len, reverse=True)) + r")(?!\w)")
                if reverse
                else None
            )
        return self._reverse, self._reverse_re

    @property
    def aliases(self) -> list[str]:
        """Every alias in use (for holding back half-received ones in streams)."""
        return list(self._reverse_map()[0])

    def incoming(self, value: Any) -> Any:
        """``value`` (text, or a tool input of dicts/lists/strings) with aliases mapped back."""
        reverse, pattern = self._reverse_map()
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(lambda m: reverse[m.group()], value) if value else value
        if isinstance(value, list):
            return [self.incoming(v) for v in value]
        if isinstance(value, dict):
            return {k: self.incoming(v) for k, v in value.items()}
        return value

    def safe_length(self, text: str) -> int:
        """How much of a growing ``text`` can be mapped back now (a trailing partial alias waits)."""
        aliases = self.aliases
        if not aliases:
            return len(text)
        longest = max(len(a) for a in aliases) + 1
        for start in range(max(0, len(text) - longest), len(text)):
            tail = text[start:]
            if any(a.startswith(tail) or (tail.startswith(a) and len(tail) <= len(a) + 1) for a in aliases):
                if start == 0 or not text[start - 1].isalnum():
                    return start
        return len(text)


class AliasStream:
    """Maps streamed text deltas back to real names, holding back an alias cut between deltas."""

    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy
        self.raw = ""
        self.sent = 0  # how much of ``raw`` has been mapped and emitted

    def feed(self, delta: str) -> str:
        """The mapped text that can be shown now ('' while an alias is incomplete)."""
        self.raw += delta
        upto = self.privacy.safe_length(self.raw)
        if upto <= self.sent:
            return ""
        out = self.privacy.incoming(self.raw[self.sent : upto])
        self.sent = upto
        return out

    def flush(self) -> str:
        """Whatever is still held back, mapped."""
        out = self.privacy.incoming(self.raw[self.sent :])
        self.sent = len(self.raw)
        return out
