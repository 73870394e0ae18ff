"""Redaction: the customer-safe external version, secret masking everywhere, and the leak scan.

Three jobs, one set of detectors:

* ``mask_secrets`` hides credentials (cloud keys, Slack/GitHub/Atlassian tokens, JWTs, private
  keys, passwords in URLs and ``password=...`` pairs, high-entropy strings). It runs on the
  internal document and on the session's findings too: a post-mortem must never be the place
  where a leaked credential spreads.
* ``Redactor.redact`` additionally replaces people, ids, emails, phones, IPs, internal hosts and
  URLs (only ``settings.redaction.public_domains`` survive), ticket keys and internal system
  names with consistent placeholders ("Engineer A", "Service 1", "[internal URL]"). It learns
  what is sensitive from the transcript and session (authors, @mentions, responders, owners,
  names in backticks, hostnames) and returns the spans it replaced so the UI can highlight them.
* ``Redactor.leak_scan`` checks a final text against every sensitive string the tool knows and
  every detector. The external version's gate built on it (``external_scan``, ``ensure_clean``,
  the redaction checklist) lives in ``redact_gate``.

All detection is a single pass that collects candidate spans from every detector and keeps
the earliest, longest one where they overlap, so a URL wins over the hostname inside it and
replacements are never scanned again. The detectors themselves live in ``redact_detect``.

Readability is the other half of the job: a redactor that turns "Checkout errors" into
"Engineer I errors" is not usable. So names are learnt only from people (human authors,
session names that are not bots or roles, @mentions that resolve or look personal); group
and bot handles are replaced only in their @ form; a name part that is a common English word
is matched only capitalised; backticked code, metrics and config keys are not system names;
and dotted words are hosts only when they end in a real or private domain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from facilitator.errors import redact_secrets
from facilitator.redact_normal import normalise, normalised, to_original
from facilitator.redact_detect import (
    BACKTICK, EMAIL, GENERIC_NAMES, HOST, IPV4, IPV6, MENTION, NOT_TICKETS, PHONE, SECRET, SLACK_ID,
    TICKET, URL, Span, apply, default_public_hosts, has_known_secret, is_common_word, is_ip,
    known_secret_count, looks_like_host, mask_secrets, masked_texts, remember_secrets, resolve, secret_spans, service_hints,
)

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.findings import Findings
    from facilitator.session import Session
    from facilitator.transcript import Transcript

__all__ = [
    "SECRET", "Leak", "RedactionResult", "Redactor", "Span", "default_public_hosts", "mask_secrets", "mask_transcript",
    "scrub_findings", "scrub_session",
]


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """Redacted text plus the spans (in the ORIGINAL text) that were replaced."""

    text: str
    spans: list[Span]


@dataclass(frozen=True, slots=True)
class Leak:
    """A sensitive string still present in a text meant to be external."""

    kind: str
    start: int
    end: int


# --- session scrub ---------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _scrub(value: Any, changes: dict[str, str] | None = None) -> Any:
    """``value`` (a model dump) with ``mask_secrets`` applied to every string, masked in one batch."""
    if changes is None:
        changes = masked_texts(_strings(value))
    if isinstance(value, str):
        return changes.get(value, value)
    if isinstance(value, list):
        return [_scrub(v, changes) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, changes) for k, v in value.items()}
    return value


def scrub_findings(findings: Findings) -> Findings:
    """A copy of the findings with secrets masked in every piece of text."""
    return type(findings).model_validate(_scrub(findings.model_dump()))


def scrub_session(session: Session) -> Session:
    """A copy of the session with secrets masked in answers, findings, drafts, whys, actions..."""
    return type(session).model_validate(_scrub(session.model_dump()))


_LABEL_AT_END = re.compile(
    r"(?i)\b(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\b[\"']?\s*[=:]\s*$"
)
_LONE_VALUE = re.compile(r"[\"'`]?((?=\S*(?:\d|[^\w\s]|_|[a-z]\S*[A-Z]))[^\s\"'`]{6,})[\"'`]?")


def mask_transcript(transcript: Transcript) -> Transcript:
    """Mask secrets in every message, in place, knowing what the whole channel revealed.

    First every secret any message reveals is remembered (``redact_detect.learn_secrets``),
    including a value posted as its own message right after a label ("db password:" then
    "hunter2-Prod" from the same person); then each message is masked, so a password seen once
    inside a URL is also masked where it appears as ``user:password`` or alone. Done as the
    transcript is loaded, with the same masker as the session files (``redact_secrets``), so the
    copy saved in the session, the screen from its first frame, the documents and the model all
    see the masked text; the texts before masking stay in memory (``Transcript.originals``) for
    a deliberate reveal.
    """
    messages = transcript.messages
    known_when: list[int] = []
    for i, m in enumerate(messages):
        if i + 1 < len(messages) and ":" in m.text and _LABEL_AT_END.search(normalise(m.text)):
            following = messages[i + 1]
            lone = _LONE_VALUE.fullmatch(normalise(following.text).strip())
            if following.author == m.author and lone:
                remember_secrets([lone.group(1)])
        masked = redact_secrets(m.text)  # the files' masker (service tokens, then mask_secrets, which remembers)
        if masked != m.text:
            transcript.originals.setdefault(m.id, m.text)  # in memory only: the app may reveal one line
            m.text = masked
        known_when.append(known_secret_count())
    final = known_secret_count()
    for m, count in zip(messages, known_when):
        if count < final and has_known_secret(m.text):  # learnt from a later message: mask it here too
            masked = mask_secrets(m.text)
            if masked != m.text:
                transcript.originals.setdefault(m.id, m.text)
                m.text = masked
    for line in transcript.unattributed:
        line.text = redact_secrets(line.text)
    return transcript


# --- the redactor ----------------------------------------------------------------------------


def _placeholder_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_NAME_SPLIT = re.compile(r"[\s._]+")  # not "-": "pagerduty-checkout" is a handle, not two names
# A handle a person would have: "ravi.k", "jsmith", "marta_k2"; never a hyphenated group ("sre-oncall").
_PERSONAL_HANDLE = re.compile(r"[^\W\d_]+(?:[._][^\W\d_]+)*\d{0,3}")
_MENTION_KEYWORDS = frozenset({"here", "channel", "everyone"})


def _ascii(text: str) -> str:
    """"Léon" -> "Leon": people often type names without their accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_acronym(part: str) -> bool:
    return part.isupper() and len(part) <= 5


def _name_parts(name: str) -> list[str]:
    """The parts of a multi-part name that may stand for the person alone ("Chris", "Holdgraf")."""
    parts = _NAME_SPLIT.split(name)
    return [p for p in parts if len(p) >= 3 and not _is_acronym(p)] if len(parts) > 1 else []


def _is_plain_word_name(name: str) -> bool:
    """A "name" made only of common words or acronyms ("SRE team", "payments"): a role, not a person."""
    return all(is_common_word(p) or _is_acronym(p) or len(p) < 3 for p in _NAME_SPLIT.split(name) if p)
def _blamed_names(session: Session) -> list[str]:
    """Names the blame lint pins a lapse on in the session's text ("Bob forgot ..."), even if the channel never showed them."""
    from facilitator.interview.lint import blamed_names, session_texts

    return [name for _, text in session_texts(session) for name in blamed_names(text)]



@dataclass
class Redactor:
    """Replaces everything sensitive with consistent placeholders; built from what the tool knows."""

    public_domains: list[str] = field(default_factory=list)
    public_hosts: frozenset[str] = field(default_factory=lambda: default_public_hosts())  # exact, names only
    people: dict[str, str] = field(default_factory=dict)  # full name -> "Engineer A"
    systems: dict[str, str] = field(default_factory=dict)  # internal name -> "Service 1"
    handles: set[str] = field(default_factory=set)  # group/bot handles, replaced only as "@handle"
    known: set[str] = field(default_factory=set)  # every sensitive literal seen (for the leak scan)
    bots: set[str] = field(default_factory=set)  # bot author names (folded): never learnt as people
    blockers: list[str] = field(default_factory=list)  # blameful or vague items: the gate refuses while any remains
    override: str = ""  # the recorded reason to release the external version despite its gate
    _patterns: list[tuple[re.Pattern[str], dict[str, tuple[str, str]], bool]] = field(default_factory=list, repr=False)
    _folded_people: set[str] = field(default_factory=set, repr=False)
    _name_parts: set[str] = field(default_factory=set, repr=False)
    _folded_systems: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def from_context(
        cls, settings: Settings | None = None, session: Session | None = None, transcript: Transcript | None = None
    ) -> Redactor:
        """Learn people, systems and sensitive literals from the settings, session and transcript.

        People come only from real people: human transcript authors (Slack profile names), and
        the session's responders, owners and actors unless they are bots or plain words. An
        @mention becomes a person only when it names someone known or looks like a personal
        handle; group and bot handles ("@pagerduty-checkout") are replaced only in their @ form.
        """
        redactor = cls(public_domains=[d.lower().lstrip(".") for d in (settings.redaction.public_domains if settings else [])])
        human: list[str] = []
        machine: list[str] = []
        if transcript is not None:
            for m in transcript.messages:
                if m.is_bot:
                    redactor.bots.add(m.author.casefold())
                    machine.append(m.text)
                else:
                    redactor.add_person(m.author)
                    human.append(m.text)
                if m.author_id:
                    redactor.known.add(m.author_id)
        if session is not None:
            names = [r.name for r in session.findings.responders]
            responders = session.answers.get("responders")
            if responders is not None and responders.status in ("answered", "suggested"):
                values = responders.value if isinstance(responders.value, list) else re.split(r"[,;\n]| and ", responders.value)
                names.extend(value.split("(")[0].strip() for value in values)
            names.extend(action.owner for action in session.actions)
            names.extend(entry.who for entry in session.timeline)
            names.extend(event.who for event in session.findings.events)
            for name in names:
                redactor._add_reported_person(name)
            for name in _blamed_names(session):  # "Bob forgot to check": a name only the blame lint knows
                if name.casefold() not in redactor.bots:
                    redactor.add_person(name)
            from facilitator.redact_gate import external_blockers  # lazy: the gate imports this module

            redactor.blockers = external_blockers(session)
            redactor.override = session.external_override.strip()
            human.extend(a.value if isinstance(a.value, str) else " ".join(a.value) for a in session.answers.values())
            machine.extend(link.url for link in session.findings.links)
        # Repeated texts (a bot re-posting the same alert) teach nothing new: learn from each once.
        redactor._learn("\n".join(dict.fromkeys(human)), mentions_are_people=True)
        redactor._learn("\n".join(dict.fromkeys(machine)), mentions_are_people=False)
        for name in settings.redaction.internal_names if settings else []:
            redactor.add_system(name, force=True)
        return redactor

    def _learn(self, text: str, mentions_are_people: bool) -> None:
        """One pass of each detector over ``text`` (its normal form: look-alikes read as what
        they imitate), remembering what it found."""
        text = normalise(text)
        if "@" in text:
            for m in MENTION.finditer(text):
                mention = m.group(1).rstrip(".-")
                if mentions_are_people:
                    self._add_mention(mention)
                elif mention.casefold() not in self._folded_people:
                    self._add_handle(mention.split(" ")[0])
        for name in service_hints(text):
            self.add_system(name)
        if "`" in text:
            for m in BACKTICK.finditer(text):
                self._add_backticked(m.group(1))
        for m in HOST.finditer(text):
            if self._is_internal_host(m.group()):
                self.known.add(m.group())
                label = m.group().split(".")[0]
                if re.search(r"[-\d]", label) and len(label) >= 4:
                    self.add_system(label)
        for pattern in (EMAIL, URL, IPV4, SLACK_ID):
            for m in pattern.finditer(text):
                if (pattern is not URL or not self._is_public_url(m.group())) and "[secret" not in m.group():
                    self.known.add(m.group())
        for span in secret_spans(text):
            if text[span.start : span.end] != SECRET:  # already masked upstream: the mask is not a leak
                self.known.add(text[span.start : span.end])

    def add_person(self, name: str) -> None:
        """Remember a person's name under one placeholder; its parts stand for them too."""
        name = " ".join(name.replace("@", " ").split())
        if len(name) < 2 or name.casefold() in self._folded_people:
            return
        self._folded_people.add(name.casefold())
        self._name_parts.update(part.casefold() for part in _NAME_SPLIT.split(name))
        self.people[name] = f"Engineer {_placeholder_letter(len(self.people))}"
        # A one-word name that is also a word ("mark") is only caught as written or as @mark.
        literal = "@" + name if " " not in name and is_common_word(name) else name
        self.known.update({literal, _ascii(literal)})
        self._patterns = []

    def _add_reported_person(self, name: str) -> None:
        """A name the session reports (owner, responder, actor): a person unless a bot, handle or role."""
        clean = " ".join(name.replace("@", " ").split())
        if not clean or clean.casefold() in self._folded_people or clean.casefold() in self.bots:
            return
        if "-" in clean and " " not in clean and clean.islower():  # "checkout-service", "sre-oncall"
            return
        if _is_plain_word_name(clean):  # "SRE team", "payments", "Datadog"
            return
        self.add_person(clean)

    def _add_mention(self, mention: str) -> None:
        """An @mention in a person's message: the two-word form only when it names someone known,
        a person when it looks like a personal handle, else a group handle."""
        if mention.casefold() in self._folded_people:
            return
        handle = mention.split(" ")[0]
        folded = handle.casefold()
        if folded in _MENTION_KEYWORDS or folded in self._folded_people or folded in self._name_parts:
            return
        if _PERSONAL_HANDLE.fullmatch(handle) and folded not in self.bots and not _is_plain_word_name(handle):
            self.add_person(handle)
        else:
            self._add_handle(handle)

    def _add_handle(self, handle: str) -> None:
        """A group, bot or unknown handle: replaced only in its "@handle" form."""
        folded = handle.casefold()
        if len(handle) >= 2 and folded not in _MENTION_KEYWORDS and folded not in self.handles:
            self.handles.add(folded)
            self.known.add("@" + handle)
            self._patterns = []

    def _add_backticked(self, name: str) -> None:
        """A backticked word is a system name when shaped like one ("orders-svc", "ledgerd"), not
        code, a metric or config key ("max_size", "trace.flask.request.errors"), a URL or a word."""
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", name):
            return
        if "-" not in name and is_common_word(name):
            return
        self.add_system(name)

    def add_system(self, name: str, force: bool = False) -> None:
        """Remember an internal system name under one placeholder (``force``: configured, even if generic)."""
        name = name.strip().strip(".:/")
        if len(name) < 3 or name.casefold() in self._folded_systems:
            return
        if not force and (name.casefold() in GENERIC_NAMES or ("-" not in name and is_common_word(name))):
            return
        self._folded_systems.add(name.casefold())
        self.systems[name] = f"Service {len(self.systems) + 1}"
        self.known.add(name)
        self._patterns = []

    def _is_configured_public(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.public_domains)

    def _is_public_host(self, host: str) -> bool:
        """A hostname that may be named externally: configured domains, or a well-known public host."""
        return self._is_configured_public(host) or host.lower().rstrip(".") in self.public_hosts

    def _is_public_url(self, url: str) -> bool:
        """Only configured domains keep their URLs: a vendor link still shows paths and account ids."""
        host = re.sub(r"^[a-z0-9+]+://(?:[^@/]*@)?", "", url, flags=re.I).split("/")[0].split(":")[0].split("?")[0]
        return self._is_configured_public(host)

    def _is_internal_host(self, host: str) -> bool:
        return looks_like_host(host) and not self._is_public_host(host)

    def _name_patterns(self) -> list[tuple[re.Pattern[str], dict[str, tuple[str, str]], bool]]:
        """Two alternations (ignoring case / exact case) over every name, longest first, with
        a literal -> (kind, placeholder) table; one pass each instead of one per name.

        Full names match in any case. A part of a name ("Chris" of "Chris Holdgraf") matches in
        any case unless it is a common word ("Mark", "Page"): then only capitalised, so "mark
        the incident" stays. Group handles match only with their "@".
        """
        if self._patterns:
            return self._patterns
        folded: dict[str, tuple[str, str]] = {}
        exact: dict[str, tuple[str, str]] = {}
        for full, placeholder in self.people.items():
            for name in {full, _ascii(full), normalise(full)}:
                if " " not in name and is_common_word(name):
                    exact.setdefault(name, ("person", placeholder))
                    folded.setdefault("@" + name.casefold(), ("person", placeholder))
                else:
                    folded.setdefault(name.casefold(), ("person", placeholder))
                for part in _name_parts(name):
                    if is_common_word(part):
                        exact.setdefault(part.capitalize(), ("person", placeholder))
                    else:
                        folded.setdefault(part.casefold(), ("person", placeholder))
        for name, placeholder in self.systems.items():
            folded.setdefault(normalise(name).casefold(), ("internal name", placeholder))
        for handle in self.handles:
            folded.setdefault("@" + handle, ("handle", "[handle]"))
        for table, ignore in ((folded, True), (exact, False)):
            if table:
                alternation = "|".join(re.escape(lit) for lit in sorted(table, key=len, reverse=True))
                pattern = re.compile(r"(?<![\w@-])@?(?:" + alternation + r")(?![\w-])", re.I if ignore else 0)
                self._patterns.append((pattern, table, ignore))
        return self._patterns

    def _spans(self, text: str) -> list[Span]:
        """Every sensitive stretch of ``text``, found on its normal form (``redact_normal``) and
        given as positions in ``text``, so look-alike letters, invisible characters and dash
        variants hide nothing while the output keeps the user's own characters."""
        norm, index = normalised(text)
        spans = self._plain_spans(norm)
        return resolve(to_original(spans, index)) if index is not None else spans

    def _plain_spans(self, text: str) -> list[Span]:
        spans = secret_spans(text)
        for m in URL.finditer(text):
            url = m.group().rstrip(".,;:!?")
            if not self._is_public_url(url):
                spans.append(Span(m.start(), m.start() + len(url), "internal URL", "[internal URL]"))
        if "@" in text:
            for m in EMAIL.finditer(text):
                spans.append(Span(m.start(), m.end(), "email", "[email]"))
        for m in PHONE.finditer(text):
            if sum(c.isdigit() for c in m.group()) >= 9:
                spans.append(Span(m.start(), m.end(), "phone number", "[phone number]"))
        for m in IPV4.finditer(text):
            spans.append(Span(m.start(), m.end(), "IP address", "[IP address]"))
        if "::" in text or text.count(":") > 2:
            for m in IPV6.finditer(text):
                if is_ip(m.group(), v6=True):
                    spans.append(Span(m.start(), m.end(), "IP address", "[IP address]"))
        for m in SLACK_ID.finditer(text):
            kind, ph = ("user id", "[user]") if m.group()[0] in "UW" else ("channel id", "[channel]")
            spans.append(Span(m.start(), m.end(), kind, ph))
        for m in TICKET.finditer(text):
            if m.group(1) not in NOT_TICKETS:
                spans.append(Span(m.start(), m.end(), "ticket key", "[ticket]"))
        for pattern, table, ignore in self._name_patterns():
            for m in pattern.finditer(text):
                literal = m.group()
                key = literal.casefold() if ignore else literal
                kind, placeholder = table.get(key) or table.get(key.lstrip("@"), ("person", "[name]"))
                spans.append(Span(m.start(), m.end(), kind, placeholder))
        for m in HOST.finditer(text):
            if self._is_internal_host(m.group()):
                spans.append(Span(m.start(), m.end(), "internal host", "[internal host]"))
        return resolve(spans)

    def learn_reported_people(self, names: list[str]) -> None:
        """Add names the session reports (owners, responders), skipping bots, handles and roles."""
        for name in names:
            self._add_reported_person(name)

    def people_spans(self, text: str) -> list[Span]:
        """Only the spans of learnt people's names and parts (for pseudonymising LLM prompts)."""
        spans: list[Span] = []
        for pattern, table, ignore in self._name_patterns():
            for m in pattern.finditer(text):
                literal = m.group()
                key = literal.casefold() if ignore else literal
                kind, placeholder = table.get(key) or table.get(key.lstrip("@"), ("", ""))
                if kind == "person":
                    spans.append(Span(m.start(), m.end(), kind, placeholder))
        return resolve(spans)

    def redact(self, text: str) -> RedactionResult:
        """Replace everything sensitive; spans are positions in ``text``."""
        spans = self._spans(text)
        return RedactionResult(apply(text, spans), spans)

    def leak_scan(self, text: str) -> list[Leak]:
        """Sensitive strings still in ``text``: every detector plus every literal the tool has seen."""
        norm, index = normalised(text)  # compared as read: look-alikes and hidden characters hide nothing
        leaks = {(s.start, s.end): Leak(s.kind, s.start, s.end) for s in self._plain_spans(norm)}
        literals = sorted({normalise(k).casefold() for k in self.known if len(k) >= 3}, key=len, reverse=True)
        if literals:
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, literals)) + r")(?![\w-])")
            for m in pattern.finditer(norm.casefold()):
                if not any(a <= m.start() < b for a, b in leaks):
                    leaks[(m.start(), m.end())] = Leak("known sensitive string", m.start(), m.end())
        return sorted(to_original(leaks.values(), index), key=lambda leak: leak.start)
