"""What a regex's parse tree says about its matches, before any text is searched.

Extraction asks a few hundred phrase regexes about every message. Two facts read from each
regex's parse tree (``re._parser``, stable across 3.11+) let most of those questions be
answered without running the regex:

* its *literals*: strings one of which every match must contain ("report", "hear" for
  "hear(?:d)? reports?"), with whether each begins a word (``required_literals``): the
  extraction gate looks for them all in one Aho-Corasick pass per message;
* its *first characters*: what a match can begin with (``quick_compile``), put up front as a
  look-ahead so the engine rejects most positions with one test.

Both are only ever necessary conditions: a text that passes still goes to the regex itself,
so no match is lost or changed (tests compare each shortcut with the plain regex).
"""

from __future__ import annotations

import re

__all__ = ["Anchor", "anchors", "mandatory_chars", "quick_compile", "required_literals"]


def _first_chars(items) -> tuple[set[str], bool] | None:
    """What a match of the parsed regex ``items`` can begin with: (characters or class
    escapes like "\\d", whether it can begin with none, i.e. match empty), or None if unknown."""
    from re import _constants as c

    chars: set[str] = set()
    for op, av in items:
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            continue  # zero-width: the first character comes after
        if op is c.LITERAL:
            return chars | {chr(av)}, False
        if op is c.IN:
            found = set()
            for o, v in av:
                if o is c.LITERAL:
                    found.add(chr(v))
                elif o is c.RANGE:
                    found.add(f"{chr(v[0])}-{chr(v[1])}")
                elif o is c.CATEGORY and v in (c.CATEGORY_DIGIT, c.CATEGORY_SPACE):
                    found.add("\\d" if v is c.CATEGORY_DIGIT else "\\s")
                else:
                    return None  # negated sets and \w say too little
            return chars | found, False
        if op is c.SUBPATTERN:
            inner = _first_chars(av[-1])
        elif op is c.BRANCH:
            alts = [_first_chars(alt) for alt in av[1]]
            if any(a is None for a in alts):
                return None
            inner = set().union(*(a[0] for a in alts)), any(a[1] for a in alts)  # type: ignore[index]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            item = _first_chars(av[2])
            inner = None if item is None else (item[0], item[1] or av[0] == 0)
        else:
            return None
        if inner is None:
            return None
        chars |= inner[0]
        if not inner[1]:
            return chars, False
    return chars, True


def quick_compile(pattern: str, flags: int) -> re.Pattern[str]:
    """``re.compile``, with a look-ahead for the characters a match can start with put first.

    The regex engine tries a pattern at every position of the text; for a case-insensitive
    alternation of words ("\\b(?:errors?|failing|down...)") each try compares many letters.
    One character-class test up front rejects most positions at once; it changes no match,
    as every match starts with one of those characters.
    """
    from re import _parser

    if re.match(r"\(\?[aiLmsux]+\)", pattern):
        return re.compile(pattern, flags)  # global inline flags must stay first
    tree = _parser.parse(pattern, flags)
    first = _first_chars(tree)
    if first is None or first[1] or not first[0] or tree.getwidth()[0] == 0:
        return re.compile(pattern, flags)
    cls = "".join(x if len(x) > 1 and x[0] == "\\" else _class_part(x) for x in sorted(first[0]))
    return re.compile(f"(?=[{cls}])(?:{pattern})", flags)


def _class_part(x: str) -> str:
    """A character or range ("a-f") written for inside [...]."""
    if len(x) == 3 and x[1] == "-":
        return f"{_class_char(x[0])}-{_class_char(x[2])}"
    return _class_char(x)


def _class_char(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


Anchor = tuple[str, bool]  # (lowercase literal, True when it always starts a word)

# A literal stretch with optional or alternative parts ("hear(?:d)?", "is (?:it|this)") is
# read as every way it can be spelt, up to this many spellings; past that it is cut short.
_MAX_SPELLINGS = 48


def _spellings(items) -> set[str] | None:
    """Every string the parsed regex ``items`` can match, or None when that is not a short list.

    Zero-width assertions count as the empty string: the text they look at is not part of
    the match. Only literals, small character sets ("[sd]", "['’]"), alternations and
    bounded repeats of those have a short list of spellings.
    """
    from re import _constants as c

    out = {""}
    for op, av in items:
        if op is c.LITERAL:
            options: set[str] | None = {chr(av)}
        elif op is c.AT:
            continue
        elif op is c.IN:  # a set of a few characters: "[sd]", "['’]", "[0-5]"
            options = set()
            for o, v in av:
                if o is c.LITERAL:
                    options.add(chr(v))
                elif o is c.RANGE and v[1] - v[0] < 10:
                    options.update(chr(x) for x in range(v[0], v[1] + 1))
                else:
                    options = None
                    break
        elif op is c.SUBPATTERN:
            options = _spellings(av[-1])
        elif op is c.BRANCH:
            alts = [_spellings(alt) for alt in av[1]]
            options = None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] is not c.MAXREPEAT and av[1] <= 2:
            inner = _spellings(av[2])
            options = None
            if inner is not None:
                options, power = set(), {""}
                for k in range(av[1] + 1):
                    if k >= av[0]:
                        options |= power
                    power = {a + b for a in power for b in inner}
        else:
            options = None
        if options is None:
            return None
        out = {a + b for a in out for b in options}
        if len(out) > _MAX_SPELLINGS:
            return None
    return out


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _literal_runs(items, word_start: bool = False, shortest: int = 3) -> tuple[list[set[Anchor]], bool]:
    """Sets of literals one of which any match must contain, read from a parsed regex.

    Every set is necessary on its own (a match contains one literal of each set). A stretch
    of literals is read together with its optional and alternative parts, so "hear(?:d)?"
    gives {"hear", "heard"} and "is (?:it|this) " gives {"is it ", "is this "}: longer
    literals rule out more messages. Each literal also records whether it necessarily begins
    a word (it follows ``\\b``, whitespace or the start), so the gate passes over "ago" inside
    "chicago". Returns the sets and whether the sequence always ends at a word
    start (after spaces).
    """
    from re import _constants as c  # the stdlib parser: stable across 3.11+

    found: list[set[Anchor]] = []
    run: set[str] | None = None  # the spellings of the stretch being read
    run_ws = False
    at_ws = word_start

    def flush() -> None:
        nonlocal run, at_ws
        if run is None:
            return
        if min(len(s) for s in run) >= shortest and not any(ch.isspace() and ch != " " for s in run for ch in s):
            found.append(_shortest({(s.lower(), run_ws) for s in run}))
        # a word starts next only if every spelling ends on a non-word character
        at_ws = all(not _word_char(s[-1]) if s else run_ws for s in run)
        run = None

    for op, av in items:
        if op is not c.AT:
            options = _spellings([(op, av)])
            if options is not None and options != {""}:
                if run is None:
                    run, run_ws = {""}, at_ws
                grown = {a + b for a in run for b in options}
                if len(grown) <= _MAX_SPELLINGS:
                    run = grown
                    continue
        flush()
        if op is c.LITERAL:  # a literal the stretch had no room for starts the next one
            run, run_ws = {chr(av)}, at_ws
            continue
        if op is c.AT:
            at_ws = av in (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_LINE, c.AT_BEGINNING_STRING) or at_ws
        elif op is c.IN:
            at_ws = (c.CATEGORY, c.CATEGORY_SPACE) in av
        elif op is c.SUBPATTERN:
            inner, at_ws = _literal_runs(av[-1], at_ws, shortest)
            found.extend(inner)
        elif op is c.BRANCH:
            results = [_literal_runs(alt, at_ws, shortest) for alt in av[1]]
            options = [_best(sets, shortest) for sets, _ in results]
            if all(options):
                found.append(_shortest(set().union(*options)))
            at_ws = all(end for _, end in results)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            inner, end = _literal_runs(av[2], at_ws, shortest)
            if av[0] >= 1:
                found.extend(inner)
                at_ws = end
            else:
                at_ws = at_ws and end  # skipped or taken, a word starts here only if both do
        else:
            at_ws = op in (c.ASSERT, c.ASSERT_NOT) and at_ws
    flush()
    return found, at_ws


def _shortest(literals: set[Anchor]) -> set[Anchor]:
    """The set without literals whose presence another of its literals already implies.

    {"report", "reports"} is found exactly where "report" is, so looking for "reports" too
    is wasted work. A word-start literal only stands for one that begins with it at a word
    start ("ago" is no stand-in for "chicago").
    """

    def implies(a: Anchor, b: Anchor) -> bool:  # wherever a occurs, b does
        return a != b and b[0] in a[0] and (not b[1] or (a[1] and a[0].startswith(b[0])))

    return {a for a in literals if not any(implies(a, b) for b in literals)}


def _best(candidates: list[set[Anchor]], shortest: int = 3) -> set[Anchor] | None:
    """The most selective literal set: the one whose shortest literal is longest."""
    usable = [c for c in candidates if c and min(len(x) for x, _ in c) >= shortest]
    return max(usable, key=lambda c: (min(len(x) for x, _ in c), -len(c)), default=None)


def required_literals(pattern: str, shortest: int = 3) -> tuple[set[Anchor] | None, list[tuple[str, ...]]]:
    """The best anchor set of ``pattern`` and the other literal sets every match also needs
    (literals of at least ``shortest`` characters)."""
    from re import _parser

    sets = _literal_runs(_parser.parse(pattern), shortest=shortest)[0]
    best = _best(sets, shortest)
    others = [
        tuple(sorted({x for x, _ in s}, key=len))
        for s in sets
        if s is not best and s and min(len(x) for x, _ in s) >= shortest and s != best
    ]
    return best, others


def anchors(pattern: str) -> set[Anchor] | None:
    """Literals one of which must occur wherever ``pattern`` matches, or None."""
    return required_literals(pattern)[0]


def mandatory_chars(pattern: str) -> str:
    """The characters (letters, digits, symbols: "5", "<", "\u2192") the regex matches outside any
    group or repeat, lower-cased: every match has them."""
    from re import _constants as c
    from re import _parser

    found = {
        chr(av).lower() for op, av in _parser.parse(pattern)
        if op is c.LITERAL and not chr(av).isspace()
    }
    return "".join(sorted(found))
