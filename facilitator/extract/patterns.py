"""Compiled patterns and text preparation shared by every finder.

The phrase lists live in ``prompts/extract_patterns.toml`` (data people tune); this module
compiles them once (``patterns()``). ``prepare`` turns a message into the prose the finders
read: fenced and inline code removed (pasted logs say "Error" and "Started" without meaning
it), URLs replaced by a placeholder, split into sentences.

Speed: a list of twenty phrases compiled as one alternation costs every phrase at every
position of every message. Instead each phrase is compiled alone together with its
*anchors*, literals that any match must contain (read from the regex's parse tree, with
optional and alternative parts spelt out: "hear(?:d)? reports?" needs "hear" and
"report"). One Aho-Corasick automaton (pyahocorasick) finds every anchor literal of every
phrase in one pass over a message; the per-message ``Gate`` keeps a phrase when its literal
occurs (at a word start where the phrase needs one) and the other literals it needs are
there too (the same pass finds those), so only phrases that can match are ever run. The
few phrases with no usable literal ("\\b5\\d\\d\\b") are tried once on the whole message, the
first time a finder asks about their list, rather than on every sentence. Preparing each
message once and sharing the result does the rest: the gate and the signals are about half
of an extraction's time, which over 20,000 messages is under a second when texts repeat, as
in real channels, and about 2 s when no two texts are alike (``bench/extract_speed.py``,
``bench/extract_instructions.py``). Case-insensitive regexes are
compiled with ``quick_compile``, which lets the engine skip positions no match can start at.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from facilitator.extract.regex_literals import mandatory_chars, quick_compile, required_literals
from facilitator.resources import read_text
from facilitator.transcript import Message

FLAGS = re.IGNORECASE | re.MULTILINE


# A masked credential (``[secret]``, ``[redacted]``: transcripts are masked as they load) stays
# part of its URL, so "https://admin:[secret]@grafana…" is still the grafana link.
URL_RE = re.compile(r"""https?://(?:[^\s<>"'`|\]\[{}]|\[(?:secret|redacted)\])+""", re.IGNORECASE)
FENCED_RE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
INLINE_CODE_RE = re.compile(r"`[^`\n]*`")
MD_LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?https?://[^)\s]*>?\s*\)")
MD_REF_LINK_RE = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
SENTENCE_SPLIT_RE = quick_compile(r"(?<=[.!?])\s+(?=\S)|\n\s*\n|\n\s*(?:[-*+]|\d+[.)])\s+|\n(?=[A-Z])", 0)

# Clock times inside prose: "14:05", "2:05pm", "14h05", "ca 18:30 CEST", "~15:10".
CLOCK_RE = quick_compile(
    r"(?<![\d:.\w])(?P<pre>(?:(?:since|at|around|about|approx\.?|approximately|ca\.?|circa|from|by|before|after|until)\s+)?~?\s*)"
    r"(?P<h>[01]?\d|2[0-3])(?:[:h](?P<m>[0-5]\d)(?::[0-5]\d)?\s*(?P<ampm>[ap]\.?m\.?)?|\s?(?P<ampm2>[ap]\.?m\.?)(?![a-z]))"
    # a zone may be followed by a colon ("at 14:07 UTC: error rate 6.8%"); a bare clock may not
    # (nor a duration: "no new block for 2h30m")
    r"(?:\s*(?P<zone>UTC|GMT|Z|[ECMP][SD]T|CES?T|BST|IST|JST|AES?T|UK(?:\s+time)?)\b(?!\d)|(?![\d:]|m(?:ins?)?\b))",
    re.IGNORECASE,
)
RELATIVE_RE = quick_compile(
    r"\b(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|half an?|a couple(?: of)?|a few)\s+"
    r"(?P<unit>min(?:ute)?s?|hours?|hrs?|h|days?)\s+ago\b"
    r"|\bfor\s+the\s+(?:last|past)\s+(?P<n2>\d+(?:\.\d+)?|an?|one|two|three|few|couple of)?\s*(?P<unit2>min(?:ute)?s?|hours?|hrs?|days?)\b",
    re.IGNORECASE,
)
# "isnt", "doesnt", "wont": a contraction typed without its apostrophe is a negation too
_BARE_NT = r"\b(?:is|are|was|were|does|do|did|has|have|had|wo|ca|could|should|would)nt\b"
NEGATION_BEFORE_RE = re.compile(
    rf"(?:\bnot|n't|{_BARE_NT}|\bno longer|\bnever|\bwithout|\bnor|\bno)\W+(?:\w+\W+){{0,2}}$", re.IGNORECASE
)


# What impact counts count ("240 pods", "3 regions"), by kind (impact.py).
COUNT_NOUNS = {
    "customers": r"customers?|clients?|tenants?|accounts?|merchants?|orgs?|organi[sz]ations?",
    "users": r"users?|people|visitors|sessions|players",
    "projects": r"projects?|repos(?:itories)?|sites?|workspaces?|apps?",
    "regions": r"regions?|zones?|data ?cent(?:er|re)s?|dcs?|clusters?",
    "environments": r"environments?|envs?",
    "failed_jobs": r"(?:failed\s+|failing\s+)?(?:jobs?|builds?|pipelines?|deploys?|launches|tasks?|runs?)",
    "requests": r"(?:failed\s+)?(?:requests?|calls?|transactions?|orders?|payments?|checkouts?|emails?|messages?)",
    "pods": r"(?:user\s+)?(?:pods?|nodes?|instances?|hosts?|containers?|servers?|vms?)",
    # what support heard: "5 tickets in ~10 min", "11 convos now", "3 support cases"
    "support": r"(?:tickets?|convos?|conversations?|complaints?|(?:support|customer)\s+(?:cases?|requests?|calls?)"
    r"|(?:user\s+|customer\s+)?reports|forum\s+(?:posts?|threads?)|github\s+issues?)",
}

# Cheap questions some finders ask of every message before a costlier step (times.py,
# responders.py, impact.py). Their literals join the gate's automaton, so each message's
# answer comes out of the same pass (``Gate.cue``) instead of a regex search per message.
CUES: dict[str, re.Pattern[str]] = {
    "clock": re.compile(r"\d[:h][0-5]\d|\b\d{1,2}\s?[ap]\.?m\b"),  # on lower-cased text: "14:05", "2h05", "10 am"
    "start_word": quick_compile(
        r"\b(?:since|started|starting|start|began|begun|beginning|onset)\b"
        # "the first ZONE_RESOURCE_POOL_EXHAUSTED was at 10 am": when the first sign appeared
        r"|\bfirst\b(?=[^.]{0,60}\b(?:was|were|came|appeared|happened|fired|showed\s+up)\s+(?:at|around|about)\b)",
        re.IGNORECASE,
    ),
    # any count's noun, starting a word ("3 regions", "1.2k failed jobs")
    "count_noun": re.compile(r"\b(?:" + "|".join(COUNT_NOUNS.values()) + ")", re.IGNORECASE),
    # someone else saying it holds, minutes later: "confirmed from here", "works for me now" (``candidates.confirmed``)
    "confirm": re.compile(
        r"\bconfirm(?:ed|s|ing)?\b|\bworks? (?:for me|now|again|fine)|\blooks? (?:good|fine|ok|okay|steady|healthy|normal)|"
        r"\bverified\b|\ball good\b|\bno (?:more )?errors\b|:\+1:|:thumbsup:"
    ),
    "role_word": re.compile(
        r"\b(?:ic|incident (?:commander|lead|manager)|comms|communications?|scribe|notes?|note-?taker|on-?call|roles?|status ?page)\b"
    ),
}


class Prepared:
    """A message as the finders read it: prose sentences without code or URLs.

    The sentences are split on first use: most messages are never asked for them (no signal,
    no number, no time), and splitting is a good part of preparing one.
    """

    __slots__ = ("message", "prose", "lower", "gate", "_sentences", "_like")

    def __init__(
        self,
        message: Message,
        prose: str,
        sentences: list[str] | None = None,
        lower: str = "",
        gate: Gate | None = None,
        like: Prepared | None = None,
    ) -> None:
        self.message = message
        self.prose = prose
        self.lower = lower
        self.gate = gate
        self._sentences = sentences
        self._like = like  # a message with the same text: its sentences are these

    def cue(self, name: str) -> bool:
        """``Gate.cue``; True when there is no gate (nothing rules the cue out)."""
        return self.gate is None or self.gate.cue(name)

    @property
    def sentences(self) -> list[str]:
        if self._sentences is None:
            self._sentences = self._like.sentences if self._like is not None else split_sentences(self.prose)
        return self._sentences


def strip_code(text: str) -> str:
    """Text without fenced blocks, inline code and Markdown link targets."""
    if "`" in text:
        text = FENCED_RE.sub(" ", text)
        text = INLINE_CODE_RE.sub(" ", text)
    text = link_labels(text)
    if "://" in text:
        text = URL_RE.sub(_link_placeholder, text)
    return text


def link_labels(text: str) -> str:
    """Markdown links read as their label: "[fixed](url)", "[fixed][fix-pr]" read "fixed"."""
    if "](" in text:
        text = MD_LINK_RE.sub(lambda m: m.group(1), text)
    if "][" in text:
        text = MD_REF_LINK_RE.sub(lambda m: m.group(1), text)
    return text


def url_and_tail(match: re.Match[str]) -> tuple[str, str]:
    """A matched URL without, and the punctuation that ended the sentence after it."""
    raw = match.group(0)
    url = raw.rstrip(".,:;!?)")
    return url, raw[len(url) :]


def _link_placeholder(match: re.Match[str]) -> str:
    """A URL becomes "[link]", keeping the punctuation that ended the sentence after it."""
    return "[link]" + url_and_tail(match)[1]


def prepare(message: Message) -> Prepared:
    """A message's prose (code and URLs out), lower-cased, with its gate; sentences on demand."""
    prose = strip_code(message.text or "")
    lower = prose.lower()
    return Prepared(message, prose, None, lower, patterns().gate(prose, lower))


def split_sentences(prose: str) -> list[str]:
    """The prose sentences the finders look at, each on one line with its spaces collapsed."""
    # Most chat messages are one line with no sentence end: nothing for the split to find.
    one = "\n" not in prose and "." not in prose and "!" not in prose and "?" not in prose
    sentences = [" ".join(s.split()).strip(" -*>#") for s in ([prose] if one else SENTENCE_SPLIT_RE.split(prose))]
    return [s for s in sentences if s]  # hard-wrapped lines joined: "returns to\nnormal"




class Vocabulary:
    """A phrase list compiled branch by branch, with literal anchors to skip hopeless branches.

    One big alternation costs every branch at every position of every message; most messages
    contain none of a list's key words, so each branch is only tried when one of its anchor
    literals occurs in the message and every other literal set it needs is met (``requires``).
    """

    def __init__(self, items: list[str]) -> None:
        self.sources = list(items)
        self.branches = [quick_compile(p, FLAGS) for p in items]
        # two-letter literals ("ic", "i'm") are better than none for a phrase with no longer one
        required = [required_literals(p) if required_literals(p)[0] is not None else required_literals(p, shortest=2) for p in items]
        self.anchors = [best for best, _ in required]
        # the other literal sets a branch needs, checked once its anchor is found
        self.requires = [tuple(others) for _, others in required]
        self.always = [i for i, a in enumerate(self.anchors) if a is None]
        # for those: characters every match holds ("5" for "\\b5\\d\\d"), a cheaper test first
        self.chars = {i: mandatory_chars(items[i]) for i in self.always}


def _all_present(needs: tuple[tuple[str, ...], ...], found: set[str]) -> bool:
    """True when ``found`` holds one literal of every set in ``needs``."""
    for options in needs:
        for literal in options:
            if literal in found:
                break
        else:
            return False
    return True


_NONE: list[re.Pattern[str]] = []
_NO_CUES: frozenset[str] = frozenset()
_NEGATION_HINT_RE = re.compile(rf"\bno|n't|n\u2019t|\bnever|\bwithout|\bnor\b|{_BARE_NT}")
# Signals that state a fact about health; asked as a question they state nothing.
_STATE_SIGNALS = frozenset({"recover", "declare_resolved", "relapse"})


class Gate:
    """Which branches of which vocabularies can match a given text (name -> branch indices).

    Branches without a literal anchor ("\\b5\\d\\d\\b") are tried on the whole text the first
    time their vocabulary is asked about, so a vocabulary only one finder asks about (the
    incident commander's "I'll take IC") costs nothing on the messages it never sees.
    """

    __slots__ = ("lower", "chosen", "patterns", "cache", "cues", "_negations", "_probe", "_pending")

    def __init__(
        self,
        lower: str,
        chosen: dict[str, set[int]],
        patterns: Patterns,
        probe: str = "",
        pending: dict[str, list[int]] | None = None,
        cues: set[str] | None = None,
    ) -> None:
        self.lower = lower
        self.chosen = chosen
        self.cues = cues or _NO_CUES  # the CUES whose literals occur
        self.patterns = patterns
        self.cache: dict[str, list[re.Pattern[str]]] = {}
        self._negations: bool | None = None  # looked up on the first match only
        self._probe = probe  # the text the unanchored branches are tried on
        self._pending = pending  # vocabulary -> its unanchored branches not tried yet

    @property
    def negations(self) -> bool:
        """True when the text has a "not", "n't", "no", "never", "without" or "nor" somewhere."""
        if self._negations is None:
            lower = self.lower  # each alternative of the regex holds one of these: most texts have none
            maybe = "no" in lower or "n't" in lower or "n\u2019t" in lower or "never" in lower or "without" in lower or "nt " in lower
            self._negations = maybe and _NEGATION_HINT_RE.search(lower) is not None
        return self._negations

    def cue(self, name: str) -> bool:
        """False when the text surely has no match of ``CUES[name]`` (its literals are absent)."""
        return name in self.cues

    def _settle(self, name: str) -> None:
        """Try ``name``'s unanchored branches on the whole text, once."""
        indices = self._pending.pop(name, None) if self._pending else None
        if not indices:
            return
        probe = self._probe
        if "\n" in probe:
            probe = self._probe = " ".join(probe.split())
        branches = self.patterns.vocabularies[name].branches
        for i in indices:
            if branches[i].search(probe):
                self.chosen.setdefault(name, set()).add(i)

    def settled(self, names: frozenset[str]) -> dict[str, set[int]]:
        """``chosen``, complete for ``names`` (for callers that test many names in a row)."""
        if self._pending:
            for name in [n for n in self._pending if n in names]:
                self._settle(name)
        return self.chosen

    def __contains__(self, name: object) -> bool:
        if self._pending and name in self._pending:
            self._settle(name)  # type: ignore[arg-type]
        return name in self.chosen

    def names(self) -> set[str]:
        """Every vocabulary with at least one branch worth trying."""
        if self._pending:
            for name in list(self._pending):
                self._settle(name)
        return set(self.chosen)

    def branches(self, name: str) -> list[re.Pattern[str]]:
        """The compiled branches of ``name`` worth trying on this text."""
        found = self.cache.get(name)
        if found is None:
            if self._pending and name in self._pending:
                self._settle(name)
            picked = self.chosen.get(name, ())
            if picked:
                branches = self.patterns.vocabularies[name].branches
                found = [branches[i] for i in picked]
            else:
                found = _NONE
            self.cache[name] = found
        return found


@dataclass(frozen=True)
class Patterns:
    """Every compiled vocabulary the finders use."""

    vocabularies: dict[str, Vocabulary]
    start_context: re.Pattern[str]
    healthy_context: re.Pattern[str]
    human_verbs: frozenset[str]
    action_verbs: frozenset[str]
    by_verbs: re.Pattern[str]
    not_names: frozenset[str]
    not_name_suffixes: tuple[str, ...]
    status_bots: tuple[str, ...]
    third_parties: frozenset[str] = frozenset()
    role_names: tuple[str, ...] = ()

    # (vocabulary, branch, characters every match holds) for the branches without an anchor
    unanchored: list[tuple[str, int, str]] = field(default_factory=list)
    cues: dict[str, re.Pattern[str]] = field(default_factory=lambda: dict(CUES))
    # every anchor literal -> (its length, the branches it anchors anywhere, those it anchors at a
    # word start too, the same two for cues, and the literal itself when some branch needs it
    # as well as its anchor): see ``gate``
    automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)

    def __post_init__(self) -> None:
        # literal -> ([branches], [branches needing a word start], [cues], [cues needing a word start])
        entries: dict[str, tuple[list, list, list, list]] = {}
        needed: set[str] = set()
        for name, vocab in self.vocabularies.items():
            self.unanchored.extend((name, i, vocab.chars[i]) for i in vocab.always)
            for i, found in enumerate(vocab.anchors):
                for literal, word_start in found or ():
                    entries.setdefault(literal, ([], [], [], []))[1 if word_start else 0].append((name, i, vocab.requires[i]))
                for options in vocab.requires[i]:
                    needed.update(options)
        for cue, rx in self.cues.items():
            found, _ = required_literals(rx.pattern, shortest=2)
            if found is None:
                raise ValueError(f"the {cue} cue has no literal every match holds")
            for literal, word_start in found:
                entries.setdefault(literal, ([], [], [], []))[3 if word_start else 2].append(cue)
        for literal in entries.keys() | needed:
            anywhere, at_start, cues_anywhere, cues_at_start = entries.get(literal, ([], [], [], []))
            self.automaton.add_word(literal, (
                len(literal),
                tuple(anywhere), tuple(anywhere + at_start),
                tuple(cues_anywhere), tuple(cues_anywhere + cues_at_start),
                literal if literal in needed else None,
            ))  # fmt: skip
        if len(self.automaton):
            self.automaton.make_automaton()

    def gate(self, text: str, lower: str | None = None) -> Gate:
        """The branches worth trying on ``text`` (compute once per message, reuse per sentence)."""
        lower = text.lower() if lower is None else lower
        # Literals are looked for with the text's line breaks and runs of spaces read as one
        # space, as the sentences the branches are tried on are ("back to\nnormal").
        flat = " ".join(lower.split()) if "\n" in lower or "  " in lower or "\t" in lower else lower
        chosen: dict[str, set[int]] = {}
        cues: set[str] = set()
        found: set[str] = set()  # the literals some branch needs besides its anchor, as they occur
        waiting: list[tuple[str, int, tuple[tuple[str, ...], ...]]] = []  # anchored, needing more
        if self.automaton.kind == ahocorasick.AHOCORASICK:
            # every occurrence of every literal, in one pass over the text
            for end, (length, anywhere, at_start, cues_anywhere, cues_at_start, needed) in self.automaton.iter(flat):
                if needed is not None:
                    found.add(needed)
                start = end - length + 1
                if start > 0 and (flat[start - 1].isalnum() or flat[start - 1] == "_"):
                    users, cue_names = anywhere, cues_anywhere  # "ago" inside "chicago": no word start
                else:
                    users, cue_names = at_start, cues_at_start
                if cue_names:
                    cues.update(cue_names)
                for name, i, needs in users:
                    if needs:
                        waiting.append((name, i, needs))
                        continue
                    picked = chosen.get(name)
                    if picked is None:
                        chosen[name] = {i}
                    else:
                        picked.add(i)
            for name, i, needs in waiting:  # the text is read: every literal it holds is in ``found``
                if _all_present(needs, found):
                    picked = chosen.get(name)
                    if picked is None:
                        chosen[name] = {i}
                    else:
                        picked.add(i)
        # Branches without a literal anchor ("\b5\d\d\b") are tried once on the whole text,
        # when first asked about, so sentences are only searched when the message can match;
        # and only when the text holds the characters every match of theirs does.
        pending: dict[str, list[int]] | None = None
        for name, i, chars in self.unanchored:
            for ch in chars:
                if ch not in lower:
                    break
            else:
                if pending is None:
                    pending = {}
                pending.setdefault(name, []).append(i)
        return Gate(lower, chosen, self, text, pending, cues)

    def has(self, signal: str, text: str, gate: Gate | None = None) -> bool:
        """True when the signal's pattern matches somewhere in ``text``."""
        gate = gate or self.gate(text)
        if signal not in gate:
            return False
        return any(rx.search(text) for rx in gate.branches(signal))

    def positive(self, signal: str, sentence: str, gate: Gate | None = None) -> bool:
        """True when the signal matches un-negated (and, for states, not in a question).

        "Is it back to normal?" is not a recovery; "anyone else seeing 502s?" is a report.
        """
        if signal in _STATE_SIGNALS and sentence.rstrip().endswith("?"):
            return False
        gate = gate or self.gate(sentence)
        if signal not in gate:
            return False
        for rx in gate.branches(signal):
            for match in rx.finditer(sentence):
                if not gate.negations:
                    return True  # no "not", "n't", "no", "never", "without" anywhere in the message
                before = sentence[max(0, match.start() - 30) : match.start()]
                if not NEGATION_BEFORE_RE.search(before):
                    return True
        return False

    def role_patterns(self) -> dict[str, Vocabulary]:
        """The role vocabularies ("role:incident_commander" ...) by role key."""
        return {name.split(":", 1)[1]: self.vocabularies[name] for name in self.role_names}


def _alternation(items: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in items), FLAGS)


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The compiled patterns from prompts/extract_patterns.toml (loaded once)."""
    data = tomllib.loads(read_text("extract_patterns.toml"))
    signals = data["signals"]
    names = data["names"]
    bots = tuple(s.lower() for s in signals.pop("messaging_bot_authors", []))
    vocabularies = {key: Vocabulary(value) for key, value in signals.items()}
    role_names = tuple(f"role:{key}" for key in data["roles"])
    vocabularies.update({f"role:{key}": Vocabulary(value) for key, value in data["roles"].items()})
    return Patterns(
        vocabularies=vocabularies,
        role_names=role_names,
        start_context=_alternation(data["times"]["start_context"]),
        healthy_context=_alternation(data["times"]["healthy_context"]),
        human_verbs=frozenset(v.lower() for v in names["human_verbs"]),
        action_verbs=frozenset(v.lower() for v in names["action_verbs"]),
        by_verbs=re.compile(
            r"\b(?:" + "|".join(re.escape(v) for v in names["by_verbs"]) + r")\s+by\s+", re.IGNORECASE
        ),
        not_names=frozenset(n.casefold() for n in names["not_names"]),
        not_name_suffixes=tuple(names["not_name_suffixes"]),
        status_bots=bots,
        third_parties=frozenset(names.get("third_parties", [])),
    )
