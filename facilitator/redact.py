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
  every detector; ``ensure_clean`` turns leaks into a ``LeakError`` that blocks export/publish.

All detection is a single pass that collects candidate spans from every detector and keeps
the earliest, longest one where they overlap, so a URL wins over the hostname inside it and
replacements are never scanned again.
"""

from __future__ import annotations

import bisect
import ipaddress
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from facilitator import resources
from facilitator.errors import UserError

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.findings import Findings
    from facilitator.session import Session
    from facilitator.transcript import Transcript

SECRET = "[secret]"


@dataclass(frozen=True, slots=True)
class Span:
    """One replaced stretch of the original text: [start, end) became ``replacement``."""

    start: int
    end: int
    kind: str
    replacement: str


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


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One human judgement call before the external version leaves the tool."""

    id: str
    text: str


class LeakError(UserError):
    """The external text still contains sensitive strings; export and publish are blocked."""

    title = "External version not clean"


# --- detectors -------------------------------------------------------------------------------

_SECRET_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    # (kind, pattern, group to mask: 0 = whole match)
    ("private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*?(?=\n\s*\n|\Z))"), 0),
    ("cloud key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b"), 0),
    ("cloud key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), 0),
    ("token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}"), 0),
    ("token", re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/]+"), 0),
    ("token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b"), 0),
    ("token", re.compile(r"\b(?:sk-ant-[A-Za-z0-9_-]{10,}|sk-[A-Za-z0-9]{32,}|ATATT[A-Za-z0-9_=-]{10,})"), 0),
    ("token", re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b"), 0),
    ("token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)"), 1),
    ("token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 0),
    ("password", re.compile(r"(?<=://)[^/\s:@]+:([^@\s/]+)@"), 1),
    (
        "password",
        re.compile(
            r"(?i)\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?access[_-]?key"
            r"|client[_-]?secret|access[_-]?token|refresh[_-]?token|x-amz-signature|signature)\b[\"']?\s*[=:]\s*[\"']?([^\s\"',;`|\[&]{6,})"
        ),
        1,
    ),
]

_HIGH_ENTROPY = re.compile(r"(?<![\w/+=.:-])[A-Za-z0-9+/_=-]{24,}(?![\w/+=-]|\.\w)")

_URL = re.compile(r"\b(?:https?|ftp|wss?|postgres(?:ql)?|mysql|redis|mongodb(?:\+srv)?|amqp|s3)://[^\s<>\"'`|\])]+")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d[\d\s().-]{7,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b)")
_IPV4 = re.compile(r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:/\d{1,2})?\b")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")  # validated by ipaddress
_SLACK_ID = re.compile(r"\b[UWCGD](?=[A-Z0-9]*\d)[A-Z0-9]{7,12}\b")
_TICKET = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-\d{1,7}\b")
_HOST = re.compile(r"(?<![\w@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}\b(?![.-]?\w)")
_BACKTICK = re.compile(r"`([A-Za-z][A-Za-z0-9_.:/-]{2,60})`")
# Service names people write without backticks: monitor tags, k8s objects, "name v1.2.3" deploy lines.
_SERVICE_HINTS = re.compile(
    r"\bservice:([a-z][\w-]{2,60})|\b(?:deploy|deployment|svc|statefulset|daemonset)/([a-z][\w-]{2,60})"
    r"|\b([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?= v?\d+\.\d+)"
)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z][\w.-]{1,40}(?: [A-Z][a-z]+)?)")

# Prefixes that look like ticket keys but are standards or severities.
_NOT_TICKETS = frozenset({"SEV", "UTF", "ISO", "RFC", "HTTP", "TLS", "SSL", "SHA", "AES", "CVE", "TCP", "UDP", "IPV", "GMT", "UTC", "COVID", "MD", "P"})
# Last labels that make "name.ext" a file name rather than a host.
_FILE_EXTENSIONS = frozenset(
    "yaml yml json py log txt md sh js ts tsx jsx go java rb rs csv sql conf cfg ini toml html htm css png jpg jpeg gif svg "
    "pdf zip gz tar tgz xml lock env tf tfvars hcl proto kt swift php pl jar war exe dll so dmg deb rpm tmpl j2 bak old "
    "out err pid sock crt pem key pub".split()
)
# Backticked words that are generic infrastructure or public technology, not internal names.
_GENERIC_NAMES = frozenset(
    "prod production staging stage dev develop development test testing qa main master hub kubelet kubectl docker "
    "nginx redis postgres postgresql mysql kafka helm git npm pip python node nodes java golang rust null true false "
    "none yes error warning info debug http https tcp udp dns api cpu memory disk pod pods service services "
    "deployment ingress config env cluster namespace root admin sudo curl grep ssh bash sh yaml json localhost "
    "timeout oom oomkilled crashloopbackoff pending running ready terraform ansible jenkins grafana prometheus "
    "datadog pagerduty sentry slack github gitlab jira confluence aws gcp azure s3 ec2 rds gke eks k8s kubernetes".split()
)
_MENTION_KEYWORDS = frozenset({"here", "channel", "everyone"})
# Name parts that are also ordinary words are only matched in their capitalised form.
_COMMON_WORDS = frozenset(
    "will may mark bill art june april rose hope grant chase page ops team bot admin sun max joy faith summer dawn "
    "eve ray rich guy jack pat sue don gene lane hunter mason cash king young long brown white green black gray "
    "grey stone wood ford hall hill park bell".split()
)


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(token: str) -> bool:
    """True for long mixed-class strings with high entropy (keys), not hex SHAs or words."""
    has_upper = any(c.isupper() for c in token)
    has_lower = any(c.islower() for c in token)
    has_digit = any(c.isdigit() for c in token)
    return has_upper and has_lower and has_digit and _entropy(token) >= 4.0


def _secret_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for kind, pattern, group in _SECRET_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span(group)
            if start >= 0 and end > start:
                spans.append(Span(start, end, kind, SECRET))
    urls = [m.span() for m in _URL.finditer(text)]  # sorted, non-overlapping
    starts = [a for a, _ in urls]
    for m in _HIGH_ENTROPY.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        inside_url = i >= 0 and m.start() < urls[i][1]
        if not inside_url and _looks_random(m.group()):
            spans.append(Span(m.start(), m.end(), "high-entropy string", SECRET))
    return spans


def _resolve(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans: earliest start first, then the longest."""
    chosen: list[Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= last_end:
            chosen.append(span)
            last_end = span.end
    return chosen


def _apply(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        out.append(span.replacement)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def mask_secrets(text: str) -> str:
    """The text with every credential-looking string replaced by ``[secret]``."""
    if not text:
        return text
    return _apply(text, _resolve(_secret_spans(text)))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def scrub_findings(findings: Findings) -> Findings:
    """A copy of the findings with secrets masked in every piece of text."""
    return type(findings).model_validate(_scrub(findings.model_dump()))


def scrub_session(session: Session) -> Session:
    """A copy of the session with secrets masked in answers, findings, drafts, whys, actions..."""
    return type(session).model_validate(_scrub(session.model_dump()))


# --- the redactor ----------------------------------------------------------------------------


def _placeholder_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Redactor:
    """Replaces everything sensitive with consistent placeholders; built from what the tool knows."""

    public_domains: list[str] = field(default_factory=list)
    public_hosts: frozenset[str] = field(default_factory=lambda: default_public_hosts())  # exact, names only
    people: dict[str, str] = field(default_factory=dict)  # full name -> "Engineer A"
    systems: dict[str, str] = field(default_factory=dict)  # internal name -> "Service 1"
    known: set[str] = field(default_factory=set)  # every sensitive literal seen (for the leak scan)
    _patterns: list[tuple[re.Pattern[str], dict[str, tuple[str, str]], bool]] = field(default_factory=list, repr=False)
    _folded_people: set[str] = field(default_factory=set, repr=False)
    _name_parts: set[str] = field(default_factory=set, repr=False)
    _folded_systems: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def from_context(
        cls, settings: Settings | None = None, session: Session | None = None, transcript: Transcript | None = None
    ) -> Redactor:
        """Learn people, systems and sensitive literals from the settings, session and transcript."""
        redactor = cls(public_domains=[d.lower().lstrip(".") for d in (settings.redaction.public_domains if settings else [])])
        texts: list[str] = []
        if transcript is not None:
            for m in transcript.messages:
                if not m.is_system and not m.is_bot:
                    redactor.add_person(m.author)
                if m.author_id:
                    redactor.known.add(m.author_id)
                texts.append(m.text)
        if session is not None:
            for r in session.findings.responders:
                redactor.add_person(r.name)
            responders = session.answers.get("responders")
            if responders is not None and responders.status in ("answered", "suggested"):
                values = responders.value if isinstance(responders.value, list) else re.split(r"[,;\n]| and ", responders.value)
                for value in values:
                    redactor.add_person(value.split("(")[0].strip())
            for action in session.actions:
                redactor.add_person(action.owner)
            for entry in session.timeline:
                redactor.add_person(entry.who)
            for event in session.findings.events:
                redactor.add_person(event.who)
            texts.extend(a.value if isinstance(a.value, str) else " ".join(a.value) for a in session.answers.values())
            texts.extend(link.url for link in session.findings.links)
        for text in ["\n".join(texts)]:  # one pass of each detector over everything
            for m in _MENTION.finditer(text):
                redactor._add_mention(m.group(1).rstrip(".-"))
            for m in _SERVICE_HINTS.finditer(text):
                redactor.add_system(next(g for g in m.groups() if g))
            for m in _BACKTICK.finditer(text):
                name = m.group(1)
                if not _URL.match(name) and name.lower() not in _GENERIC_NAMES:
                    redactor.add_system(name)
            for m in _HOST.finditer(text):
                if redactor._is_internal_host(m.group()):
                    redactor.known.add(m.group())
                    label = m.group().split(".")[0]
                    if re.search(r"[-\d]", label) and len(label) >= 4:
                        redactor.add_system(label)
            for pattern in (_EMAIL, _URL, _IPV4, _SLACK_ID):
                for m in pattern.finditer(text):
                    if pattern is not _URL or not redactor._is_public_url(m.group()):
                        redactor.known.add(m.group())
            for span in _secret_spans(text):
                redactor.known.add(text[span.start : span.end])
        for name in settings.redaction.internal_names if settings else []:
            redactor.add_system(name)
        return redactor

    def add_person(self, name: str) -> None:
        """Remember a person's name (and its parts) under one placeholder."""
        name = " ".join(name.replace("@", " ").split())
        if len(name) < 2 or name.casefold() in self._folded_people:
            return
        self._folded_people.add(name.casefold())
        self._name_parts.update(part.casefold() for part in re.split(r"[\s._]+", name))
        self.people[name] = f"Engineer {_placeholder_letter(len(self.people))}"
        self.known.add(name)
        self._patterns = []

    def _add_mention(self, mention: str) -> None:
        """An @mention: the two-word form only when it names someone known, else the handle."""
        if mention.casefold() in self._folded_people:
            return
        handle = mention.split(" ")[0].casefold()
        if handle not in _MENTION_KEYWORDS and handle not in self._folded_people and handle not in self._name_parts:
            self.add_person(mention.split(" ")[0])

    def add_system(self, name: str) -> None:
        """Remember an internal system name under one placeholder."""
        name = name.strip().strip(".:/")
        if len(name) < 3 or name.casefold() in self._folded_systems:
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
        last = host.rsplit(".", 1)[-1].lower()
        return last not in _FILE_EXTENSIONS and not self._is_public_host(host) and not last.isdigit()

    def _name_patterns(self) -> list[tuple[re.Pattern[str], dict[str, tuple[str, str]], bool]]:
        """Two alternations (ignoring case / exact case) over every name, longest first, with
        a literal -> (kind, placeholder) table; one pass each instead of one per name."""
        if self._patterns:
            return self._patterns
        folded: dict[str, tuple[str, str]] = {}
        exact: dict[str, tuple[str, str]] = {}
        for name, placeholder in self.people.items():
            folded.setdefault(name.casefold(), ("person", placeholder))
            raw_parts = re.split(r"[\s._]+", name)  # not "-": "pagerduty-checkout" is a handle, not two names
            for part in [p for p in raw_parts if len(p) >= 3] if len(raw_parts) > 1 else []:
                exact.setdefault(part.capitalize(), ("person", placeholder))
                if part.lower() not in _COMMON_WORDS:
                    folded.setdefault(part.casefold(), ("person", placeholder))
        for name, placeholder in self.systems.items():
            folded.setdefault(name.casefold(), ("internal name", placeholder))
        for table, ignore in ((folded, True), (exact, False)):
            if table:
                alternation = "|".join(re.escape(lit) for lit in sorted(table, key=len, reverse=True))
                pattern = re.compile(r"(?<![\w-])@?(?:" + alternation + r")(?![\w-])", re.I if ignore else 0)
                self._patterns.append((pattern, table, ignore))
        return self._patterns

    def _spans(self, text: str) -> list[Span]:
        spans = _secret_spans(text)
        for m in _URL.finditer(text):
            url = m.group().rstrip(".,;:!?")
            if not self._is_public_url(url):
                spans.append(Span(m.start(), m.start() + len(url), "internal URL", "[internal URL]"))
        for m in _EMAIL.finditer(text):
            spans.append(Span(m.start(), m.end(), "email", "[email]"))
        for m in _PHONE.finditer(text):
            if sum(c.isdigit() for c in m.group()) >= 9:
                spans.append(Span(m.start(), m.end(), "phone number", "[phone number]"))
        for m in _IPV4.finditer(text):
            spans.append(Span(m.start(), m.end(), "IP address", "[IP address]"))
        for m in _IPV6.finditer(text):
            if _is_ipv6(m.group()):
                spans.append(Span(m.start(), m.end(), "IP address", "[IP address]"))
        for m in _SLACK_ID.finditer(text):
            kind, ph = ("user id", "[user]") if m.group()[0] in "UW" else ("channel id", "[channel]")
            spans.append(Span(m.start(), m.end(), kind, ph))
        for m in _TICKET.finditer(text):
            if m.group(1) not in _NOT_TICKETS:
                spans.append(Span(m.start(), m.end(), "ticket key", "[ticket]"))
        for pattern, table, ignore in self._name_patterns():
            for m in pattern.finditer(text):
                literal = m.group().lstrip("@")
                kind, placeholder = table.get(literal.casefold() if ignore else literal, ("person", "[name]"))
                spans.append(Span(m.start(), m.end(), kind, placeholder))
        for m in _HOST.finditer(text):
            if self._is_internal_host(m.group()):
                spans.append(Span(m.start(), m.end(), "internal host", "[internal host]"))
        return _resolve(spans)

    def redact(self, text: str) -> RedactionResult:
        """Replace everything sensitive; spans are positions in ``text``."""
        spans = self._spans(text)
        return RedactionResult(_apply(text, spans), spans)

    def leak_scan(self, text: str) -> list[Leak]:
        """Sensitive strings still in ``text``: every detector plus every literal the tool has seen."""
        leaks = {(s.start, s.end): Leak(s.kind, s.start, s.end) for s in self._spans(text)}
        folded = text.casefold()
        for literal in self.known:
            needle = literal.casefold()
            if len(needle) < 3:
                continue
            for m in re.finditer(r"(?<![\w-])" + re.escape(needle) + r"(?![\w-])", folded):
                if not any(a <= m.start() < b for a, b in leaks):
                    leaks[(m.start(), m.end())] = Leak("known sensitive string", m.start(), m.end())
        return sorted(leaks.values(), key=lambda leak: leak.start)


@lru_cache(maxsize=1)
def default_public_hosts() -> frozenset[str]:
    """Well-known public hostnames (prompts/templates/public_hosts.toml) that may be named externally."""
    data = tomllib.loads(resources.read_text("templates", "public_hosts.toml"))
    return frozenset(h.lower() for h in data.get("hosts", []))


def load_checklist() -> list[ChecklistItem]:
    """The redaction checklist (data in prompts/templates/redaction_checklist.toml)."""
    data = tomllib.loads(resources.read_text("templates", "redaction_checklist.toml"))
    return [ChecklistItem(id=item["id"], text=item["text"]) for item in data.get("item", [])]


def unticked(session: Session) -> list[ChecklistItem]:
    """Checklist items the user has not ticked yet in this session."""
    return [item for item in load_checklist() if not session.redaction_checklist.get(item.id)]


def ensure_clean(text: str, redactor: Redactor) -> None:
    """Raise LeakError (count and kinds, never the strings) when ``text`` still leaks."""
    leaks = redactor.leak_scan(text)
    if not leaks:
        return
    kinds: dict[str, int] = {}
    for leak in leaks:
        kinds[leak.kind] = kinds.get(leak.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    checklist = "; ".join(item.text.rstrip(".").lower() for item in load_checklist())
    raise LeakError(
        f"The external version still contains {len(leaks)} sensitive string{'s' if len(leaks) != 1 else ''} "
        f"({summary}); edit it until the leak scan is clean, then check: {checklist}."
    )
