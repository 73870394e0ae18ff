"""Responders: the humans who took part, their message counts and stated roles.

Two kinds of input need two readings:

* Chat (Slack, a paste with a speaker column): responders are the human authors. Bots are
  excluded (their alerts stay in the timeline). Names mentioned in the text are not added:
  being @-mentioned is not taking part, and precision matters more than recall here.
* Timeline notes (no speaker column): people only appear in the prose. A capitalised word
  counts as a person when it is the subject of a verb only people do ("Chris reports",
  "Tim asks"), follows "confirmed by" / "reported by", or is an @handle. A subject of an
  action verb a system could also do ("Node runs", "Grafana shows") only counts when the
  same name is seen at least twice, and never when it is on the not-a-name list.

Roles come from what people say of themselves ("I'll take IC", "I'm on comms", "I'm the DB
on-call") or of others ("Alice is IC", "IC: Alice"), each with the message that said it.
"""

from __future__ import annotations

import re
from collections import Counter

from facilitator.extract.patterns import CUES, Patterns, patterns
from facilitator.extract.regex_literals import quick_compile
from facilitator.extract.signals import MessageSignals, is_placeholder_author
from facilitator.findings import Responder

_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_LOW = "a-z\u00df-\u00f6\u00f8-\u00ff"
# Surname particles written in lower case ("Sarika de Bruyn", "Ludwig van der Berg").
_PARTICLE = r"(?:(?:de|van|von|der|den|da|di|du|del|della|dos|das|le|la|ten|ter)\s+){1,2}"
# Chat nicknames that end in digits ("MacFan4000", "Bob2"): names, where "CloudWatch" is not.
_NICK = rf"[{_UP}][A-Za-z]*[a-z][A-Za-z]*\d{{1,4}}(?![\w])"
NAME = rf"(?:{_NICK}|[{_UP}][{_LOW}]+(?:'[{_UP}]?[{_LOW}]+)?(?:\s+(?:{_PARTICLE})?[{_UP}][{_LOW}]+)?)"
_SUBJECT_RE = re.compile(
    rf"(?<![\w@'-])(?P<names>{NAME}(?:\s*(?:,|and|&)\s*{NAME})*)"
    rf"\s+(?:(?:also|then|now|quickly|finally|again|just|first|later|still|immediately)\s+)?"
    rf"(?P<verb>[a-z]+)\b(?!-)"
)
_BY_NAMES_RE = re.compile(rf"(?P<names>{NAME}(?:\s*(?:,|and|&)\s*{NAME})*)")
_LOWER_WORD_RE = re.compile(r"(?<![@\w])[a-z\u00df-\u00ff]{2,}\b")
_HANDLE_RE = re.compile(r"(?<![\w.@/])@([A-Za-z][\w.-]*[A-Za-z0-9]),?\s+(?:(?:also|then|now|just)\s+)?([a-z]+)")
_SPLIT_NAMES_RE = re.compile(r"\s*(?:,|\band\b|&)\s*")
_BROADCAST = {"here", "channel", "everyone", "all", "oncall", "on-call"}

_ROLE_LABELS = {
    "incident_commander": "incident commander",
    "comms": "comms",
    "scribe": "scribe",
    "on_call": "on-call",
}
_ROLE_WORDS = r"ic|incident commander|incident lead|comms|communications|scribe|note-?taker"
_THIRD_PERSON_RE = re.compile(
    rf"@?(?P<name>{NAME})\s+(?:is|will be|'s|as)\s+(?:the\s+|our\s+)?(?:on\s+)?(?P<role>{_ROLE_WORDS})\b"
    rf"|\b(?P<role2>{_ROLE_WORDS})\s*(?::|=|-|is)\s*@?(?P<name2>{NAME})"
    rf"|@?(?P<name3>{NAME})\s*\((?P<role3>ic|incident commander|comms|scribe)\)",
    re.IGNORECASE,
)
# Every role word in _THIRD_PERSON_RE begins a word ("the IC", "IC: Alice", "(comms)"), so a
# message where none does cannot match it: one cheap search spares the costly name scan.
_THIRD_PERSON_HINT_RE = quick_compile(rf"\b(?:{_ROLE_WORDS})", re.IGNORECASE)


_ROLE_WORD_RE = CUES["role_word"]
_TEAM_RE = re.compile(r"([\w-]+)\s+on-?call", re.IGNORECASE)
_NOT_TEAMS = {"the", "an", "a", "m", "am", "i", "im", "on", "here"}
# "Roles so far: IC me, comms @Hannah, ops @Marcus, DB @Tomás": a roster names several at once.
_ROSTER_RE = re.compile(r"\broles?\b", re.IGNORECASE)
_ROSTER_ITEM_RE = re.compile(rf"(?:^|[:,;]\s*)([A-Za-z][\w -]{{1,24}}?)\s+@({NAME})")


def _role_label(word: str) -> str:
    word = word.strip().lower()
    if word in ("ic", "incident commander", "incident lead"):
        return "incident commander"
    if word in ("comms", "communications"):
        return "comms"
    if word in ("scribe", "notes", "note-taker", "notetaker"):
        return "scribe"
    return word


def is_name(candidate: str, pats: Patterns) -> bool:
    """True when a capitalised token could be a person's name."""
    for part in candidate.split():
        folded = part.casefold()
        if folded in pats.not_names or len(part) < 2:
            return False
        if len(part) > 4 and folded.endswith(pats.not_name_suffixes):
            return False
    return True


def _names_in(group: str, pats: Patterns) -> list[str]:
    return [n for n in _SPLIT_NAMES_RE.split(group.strip()) if n and is_name(n, pats)]


def names_from_text(sigs: list[MessageSignals]) -> dict[str, list[str]]:
    """People named in prose as actors: name -> ids of the messages naming them."""
    pats = patterns()
    strong: dict[str, list[str]] = {}
    weak: Counter[str] = Counter()
    weak_ids: dict[str, list[str]] = {}

    def add(target: dict[str, list[str]], name: str, mid: str) -> None:
        ids = target.setdefault(name, [])
        if mid not in ids:
            ids.append(mid)

    for sig in sigs:
        mid = sig.message.id
        for sentence in sig.prep.sentences:
            for match in _SUBJECT_RE.finditer(sentence):
                verb = match.group("verb")
                names = _names_in(match.group("names"), pats)
                if verb in pats.human_verbs:
                    for name in names:
                        add(strong, name, mid)
                elif verb in pats.action_verbs:
                    for name in names:
                        weak[name] += 1
                        add(weak_ids, name, mid)
            for match in pats.by_verbs.finditer(sentence):
                follow = _BY_NAMES_RE.match(sentence, match.end())
                if follow:
                    for name in _names_in(follow.group("names"), pats):
                        add(strong, name, mid)
            for handle, verb in _HANDLE_RE.findall(sentence):
                # "@alice rolled back the deploy" acts; "reported by @bob" may be a user
                if handle.casefold() not in _BROADCAST and verb in pats.human_verbs | pats.action_verbs:
                    add(strong, handle, mid)
    common = _lowercase_words(sigs) if weak else set()
    for name, count in weak.items():
        # seen only with verbs systems also do: needs two sightings, and must not be a word
        # the text also writes in lower case ("Message posted ..." / "the message")
        if name in strong or (count >= 2 and name.split()[0].casefold() not in common):
            for mid in weak_ids[name]:
                add(strong, name, mid)
    return strong


def _lowercase_words(sigs: list[MessageSignals]) -> set[str]:
    """Words the text also uses in lower case ("message", "response"): common words, not names."""
    words: set[str] = set()
    for sig in sigs:
        words.update(_LOWER_WORD_RE.findall(sig.prep.prose))
    return words


def _roles(sigs: list[MessageSignals], known: set[str]) -> dict[str, tuple[str, str]]:
    """name -> (role, message id) from self-descriptions and statements about others."""
    pats = patterns()
    roles: dict[str, tuple[str, str]] = {}
    lookup = {k.casefold(): k for k in known}
    role_keys = list(pats.role_patterns())
    for sig in sigs:
        if not sig.prep.cue("role_word") or not _ROLE_WORD_RE.search(sig.prep.lower):
            continue  # no role word at all: the common case, decided by the gate's pass
        message = sig.message
        text = sig.prep.prose
        author = message.author
        if sig.is_human and not is_placeholder_author(author):
            for key in role_keys:
                if f"role:{key}" not in sig.prep.gate:
                    continue
                match = next(
                    (m for rx in sig.prep.gate.branches(f"role:{key}") if (m := rx.search(text))), None
                )
                if match and author not in roles:
                    label = _ROLE_LABELS[key]
                    team = _TEAM_RE.search(match.group(0))
                    if key == "on_call" and team and team.group(1).lower() not in _NOT_TEAMS:
                        label = f"{team.group(1)} on-call"  # "Tomás Ruiz (DB on-call)", not "(on-call (DB))"
                    roles[author] = (label, message.id)
            if _ROSTER_RE.search(text):
                for role_word, name in _ROSTER_ITEM_RE.findall(text):
                    target = lookup.get(name.casefold())
                    if target and target not in roles:
                        roles[target] = (_role_label(role_word), message.id)
        for match in _THIRD_PERSON_RE.finditer(text) if _THIRD_PERSON_HINT_RE.search(text) else ():
            name = match.group("name") or match.group("name2") or match.group("name3")
            role = match.group("role") or match.group("role2") or match.group("role3")
            target = lookup.get(name.casefold()) or lookup.get(name.split()[0].casefold())
            if target and target not in roles and is_name(name, pats):
                roles[target] = (_role_label(role), message.id)
    return roles


def find_responders(sigs: list[MessageSignals], chat: bool) -> list[Responder]:
    """Humans who took part, most active first, with roles where the channel states them."""
    return find_people(sigs, chat)[0]


def find_people(
    sigs: list[MessageSignals], chat: bool, known: dict[str, list[str]] | None = None
) -> tuple[list[Responder], dict[str, str]]:
    """The responders, and the name each spelling of a person is shown as.

    The second part maps every author or acting handle that was merged into another name
    ("yusufp" -> "Yusuf Patel"), so the timeline names a person the way the responder list does.
    ``known`` gives the other names the source itself says an author goes by (Slack's display
    name beside the full name): "@olly restarted it" is Oliver Grant, not a second person.
    """
    counts: Counter[str] = Counter()
    ids: dict[str, list[str]] = {}
    for sig in sigs:
        author = sig.message.author
        if sig.is_human and not is_placeholder_author(author):
            counts[author] += 1
    spoken = set(counts)
    if not chat:
        for name, mids in names_from_text(sigs).items():
            if name not in counts:
                counts[name] = len(mids)
                ids[name] = mids
    else:
        # People the channel shows acting without speaking: "@nova rolled back", "`@mira` restarted it".
        bots = {sig.message.author.casefold() for sig in sigs if not sig.is_human}
        for name, mids in _acting_handles(sigs).items():
            if name not in counts and name.casefold() not in bots:
                counts[name] = len(mids)
                ids[name] = mids
    given = {other.casefold(): name for name, others in (known or {}).items() if name in spoken for other in others}
    for name in [n for n in counts if n not in spoken and n.casefold() in given]:
        counts[given[name.casefold()]] += counts.pop(name)
        ids.pop(name, None)
    counts, ids, aliases = _merged(counts, ids, spoken)
    for other, name in given.items():
        aliases.setdefault(other, name)
    roles = _roles(sigs, set(counts))
    responders = []
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
        role, role_id = roles.get(name, ("", ""))
        also = list((known or {}).get(name, []))
        also += [a for a, shown in aliases.items() if shown == name and a != name and a.casefold() not in {x.casefold() for x in also}]
        responders.append(
            Responder(
                name=name, messages=count, role=role, message_ids=[role_id] if role_id else ids.get(name, [])[:5], aliases=also
            )
        )
    return responders, aliases


# "@nova rolled back", "`@nova` restarted the pods", "thanks @mira for reverting": a handle with
# an action. Read on the raw text: inline code (where tools put handles) is not in the prose.
_ACTING_HANDLE_RE = re.compile(
    r"(?<![\w.@/])`?@([A-Za-z][\w.-]*[A-Za-z0-9])`?[*_]*,?\s+(?:(?:also|then|now|just)\s+)?([a-z]+)"
    r"|\b[Tt]hanks?,?\s+(?:to\s+)?`?@?([A-Za-z][\w.-]*[A-Za-z0-9])`?\s+for\s+([a-z]+)"
    # the passive: "notified by @daniel-beck", "fixed by @mira", "rolled back by @nova"
    r"|\b(?i:reported|notified|noticed|spotted|flagged|found|raised|escalated|fixed|restarted|reverted|mitigated|"
    r"resolved|investigated|diagnosed|handled|deployed|merged|rolled\s+back)\s+(?:first\s+)?by\s+`?@([A-Za-z][\w.-]*[A-Za-z0-9])`?",
)


# an account posted to, not a person acting: "twitter @PagerDutyOps, say notifications are delayed"
_SOCIAL_BEFORE_RE = re.compile(r"\b(?:twitter|tweet(?:ed)?|x\.com|mastodon|bluesky)\W{0,3}$", re.IGNORECASE)


def _acting_handles(sigs: list[MessageSignals]) -> dict[str, list[str]]:
    pats = patterns()
    verbs = pats.human_verbs | pats.action_verbs
    found: dict[str, list[str]] = {}
    for sig in sigs:
        text = sig.message.text or ""
        if "@" not in text and "hank" not in text:
            continue
        for match in _ACTING_HANDLE_RE.finditer(text):
            handle = match.group(1) or match.group(3) or match.group(5)
            verb = match.group(2) or match.group(4) or ""
            if handle.casefold() in _BROADCAST or handle.casefold() in pats.not_names:
                continue
            if _SOCIAL_BEFORE_RE.search(text, max(0, match.start() - 16), match.start()):
                continue
            if match.group(3) and "@" not in match.group(0) and not handle[:1].isupper():
                continue  # "thanks Ben for reverting" names a person; "thanks all for" does not
            if verb in verbs or (match.group(3) and verb.endswith("ing")) or match.group(5):
                mids = found.setdefault(handle, [])
                if sig.message.id not in mids:
                    mids.append(sig.message.id)
    return found


def _key(name: str) -> str:
    """A name compared without case, spaces or punctuation ("Yusuf.Patel" ~ "yusuf patel")."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _handle_forms(name: str) -> set[str]:
    """The handles a display name is commonly shortened to: "yusufp", "ypatel", "yusufpatel", "yusuf"."""
    parts = [_key(p) for p in name.split() if _key(p)]
    if len(parts) < 2:
        return set()
    first, last = parts[0], parts[-1]
    return {first + last[0], first[0] + last, first + last, first, first + "." + last, first + "_" + last}


# A tag a chat server adds after a display name: "Dave L [Flow]", "Ana (she/her)", "Kim | Ops"
_TAG_RE = re.compile(r"\s*(?:\[[^\]]*\]|\([^)]*\)|\|.*)\s*$")


def _untagged(name: str) -> str:
    return _TAG_RE.sub("", name).strip() or name


def _initial(name: str) -> tuple[str, str] | None:
    """A display name shortened to its first name and an initial ("Dave L", "Dave L."): both keys."""
    parts = _untagged(name).split()
    if len(parts) == 2 and len(parts[1].rstrip(".")) == 1 and parts[1][0].isalpha() and len(_key(parts[0])) >= 2:
        return _key(parts[0]), parts[1][0].casefold()
    return None


def _spelled_out(short: tuple[str, str], name: str) -> bool:
    """True when ``name`` is the first name and a last name with that initial ("Dave Lindqvist")."""
    parts = [_key(p) for p in _untagged(name).split() if _key(p)]
    return len(parts) >= 2 and parts[0] == short[0] and parts[-1][:1] == short[1]


def _one_typo(a: str, b: str) -> bool:
    """True when two keys of five letters or more differ by one edit (a mistyped handle)."""
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _merged(
    counts: Counter[str], ids: dict[str, list[str]], spoken: set[str]
) -> tuple[Counter[str], dict[str, list[str]], dict[str, str]]:
    """One entry per person: handles and display names that are the same person merged.

    Same name up to case and punctuation, a handle that is a display name's usual short form
    ("yusufp" for "Yusuf Patel", when only one display name fits), or a one-letter typo of
    another name (full names only when both spoke: two speakers "alexh" and "alexb" are
    two people, "Sara Gomez" and "Sara Gomze" one). The display name (with a space) or the
    most active spelling is kept.
    """
    # the full display name first, untagged: "Dave Lindqvist" over "Dave L [Flow]" and "Dave Lindqvist (in thread)"
    names = sorted(counts, key=lambda n: (" " not in n.strip(), _initial(n) is not None, _untagged(n) != n.strip(), -counts[n], n))
    keys = {name: _key(_untagged(name)) for name in names}  # "Ana Ruiz (in thread)" is compared as "anaruiz"
    keep: dict[str, str] = {}  # name -> the name it merges into
    for name in names:
        key = keys[name]
        target = None
        for other in dict.fromkeys(keep.values()):
            okey = keys[other]
            if key == okey or (_one_typo(key, okey) and (" " in name.strip() or not (name in spoken and other in spoken))):
                target = other
                break
        if target is None and (short := _initial(name)) is not None:
            # "Dave L [Flow]" on one server is "Dave Lindqvist" on the other, when only one name fits
            fits = [o for o in dict.fromkeys(keep.values()) if _initial(o) is None and _spelled_out(short, o)]
            target = fits[0] if len(fits) == 1 else None
        if target is None and " " not in name.strip():
            fits = [o for o in dict.fromkeys(keep.values()) if key in {_key(f) for f in _handle_forms(o)}]
            target = fits[0] if len(fits) == 1 else None
        keep[name] = target or name
    merged: Counter[str] = Counter()
    merged_ids: dict[str, list[str]] = {}
    for name, target in keep.items():
        merged[target] += counts[name]
        if name in ids:
            merged_ids.setdefault(target, []).extend(i for i in ids[name] if i not in merged_ids.get(target, []))
    return merged, merged_ids, {name: target for name, target in keep.items() if name != target}
