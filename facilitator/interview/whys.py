"""The 5-whys chain: from the customer-visible symptom down to a cause worth fixing.

Turns live in ``session.whys`` as a tree: the main chain links each turn to the one before
(``parent_id``); a branch (``kind="contributing"``) starts from any turn and records a
contributing factor, and may continue with its own whys. The user can edit or remove any
turn and stops when "further whys are unactionable"; the last answer of the main chain is
the root cause. Levels (immediate / contributing / systemic) are derived from the position
in the chain unless the user sets one.

Offline, the next question is phrased from the last answer with the templates in
``prompts/whys.toml`` and a small grammar ("the cache was empty" -> "Why was the cache
empty?"); the LLM layer may propose better ones. Every change saves through the store.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from facilitator import resources
from facilitator.errors import UserError
from facilitator.session import Session, WhyTurn, utcnow

if TYPE_CHECKING:
    from facilitator.sessions import SessionStore

_AUX = (
    "was wasn't were weren't is isn't are aren't had hadn't has hasn't have haven't did didn't does doesn't "
    "do don't could couldn't can can't cannot would wouldn't should shouldn't will won't"
).split()
_SUBJECT_START = {"the", "a", "an", "our", "their", "its", "this", "that", "these", "those", "we", "they", "it", "nobody", "no", "someone", "somebody", "everyone", "each", "every", "one", "some", "all"}
_PRONOUNS = {"we", "they", "it", "nobody", "someone", "somebody", "everyone"}
_IRREGULAR = {
    "ran": "run", "went": "go", "broke": "break", "took": "take", "sent": "send", "made": "make",
    "wrote": "write", "overwrote": "overwrite", "hit": "hit", "set": "set", "put": "put", "built": "build",
    "got": "get", "began": "begin", "caught": "catch", "fell": "fall", "froze": "freeze", "grew": "grow",
    "kept": "keep", "left": "leave", "lost": "lose", "saw": "see", "shut": "shut", "spun": "spin",
    "threw": "throw", "forgot": "forget", "gave": "give", "found": "find", "brought": "bring",
    "led": "lead", "let": "let", "meant": "mean", "rose": "rise", "woke": "wake", "created": "create",
    "became": "become", "blew": "blow", "bought": "buy", "chose": "choose", "drove": "drive",
    "knew": "know", "paid": "pay", "said": "say", "sold": "sell", "spent": "spend", "thought": "think",
    "told": "tell", "understood": "understand", "withdrew": "withdraw", "slid": "slide", "ate": "eat",
}


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    """The phrasing templates of prompts/whys.toml."""
    return tomllib.loads(resources.read_text("whys.toml"))


def base_form(verb: str) -> str | None:
    """The base form of a past-tense verb ('skipped' -> 'skip'), or None when it is not one."""
    low = verb.casefold()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if not low.endswith("ed") or len(low) < 4:
        return None
    if low.endswith("ied"):
        return low[:-3] + "y"
    stem = low[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
        return stem[:-1]  # skipped, committed, dropped
    vowels = "aeiou"
    if stem[-1] in "vcz" or (stem[-1] == "s" and stem[-2:] != "ss") or stem.endswith(("ang", "rg", "dg")):
        return stem + "e"  # removed, forced, caused, changed, merged
    if stem.endswith(("en", "er", "on", "el", "et", "it", "om", "or")):
        return stem  # opened, covered, edited, limited
    if len(stem) >= 3 and stem[-1] not in vowels + "wxy" and stem[-2] in vowels and stem[-3] not in vowels:
        return stem + "e"  # timed, updated, paged, configured
    return stem  # failed, deployed, alerted


def _clean(answer: str) -> str:
    text = " ".join(answer.split())
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    text = re.sub(r"^(because|since|as|due to the fact that)\s+", "", text, flags=re.I)
    return text.rstrip(" .!?;:")


def _lower_first(text: str) -> str:
    words = text.split(" ", 1)
    first = words[0]
    if first.casefold() in _SUBJECT_START and not first.isupper():
        words[0] = first.casefold()
    return " ".join(words)


def phrase_why(answer: str) -> str:
    """The next why-question phrased offline from an answer."""
    t = templates()
    text = _clean(answer)
    if not text:
        return t["first_without_symptom"]
    words = text.split()
    for i, word in enumerate(words[:6]):
        low = word.casefold()
        if i == 0:
            continue
        subject_words = words[:i]
        if not _looks_like_subject(subject_words):
            break
        subject = _lower_first(" ".join(subject_words))
        rest = " ".join(words[i + 1 :])
        if low in _AUX:
            return t["inverted"].format(verb=low, subject=subject, rest=rest).replace(" ?", "?")
        base = base_form(word)
        if base is not None and word.islower() and words[i + 1 : i + 2] == ["by"]:
            # Passive without an auxiliary ("pool exhausted by retries").
            return t["inverted"].format(verb="was", subject=subject, rest=f"{word} {rest}").replace(" ?", "?")
        if base is not None and word.islower():
            return t["past_tense"].format(subject=subject, base=base, rest=rest).replace(" ?", "?")
    return t["generic"].format(answer=_lower_first(text))


def first_why(symptom: str) -> str:
    """The first why, about the customer-visible symptom."""
    t = templates()
    text = _clean(symptom)
    if not text:
        return t["first_without_symptom"]
    if not text[:2].isupper():  # keep acronyms ("EU customers...", "API errors...")
        text = text[:1].lower() + text[1:]
    return t["first"].format(symptom=text)


_NOT_SUBJECTS = frozenset("yes yep yeah no nope ok okay so well oh ah hm hmm ugh thanks please sure right".split())


def _looks_like_subject(words: list[str]) -> bool:
    if not words:
        return False
    first = words[0]
    if first.casefold() in _SUBJECT_START:
        return True
    if first.casefold().strip(",.!") in _NOT_SUBJECTS:
        return False  # "Yes do that, prep it": an answer to someone, not a sentence about the system
    # A proper noun or system name ("Postgres", "PgBouncer", "checkout-api").
    return len(words) <= 3 and (first[:1].isupper() or "-" in first or "_" in first)


@dataclass
class WhyResult:
    """What the chain concluded: the root cause and the factors by level."""

    root_cause: WhyTurn | None
    immediate: list[WhyTurn] = field(default_factory=list)
    contributing: list[WhyTurn] = field(default_factory=list)
    systemic: list[WhyTurn] = field(default_factory=list)


class WhyChain:
    """The 5-whys over ``session.whys``; every mutating call saves through the store."""

    def __init__(self, session: Session, store: SessionStore | None = None) -> None:
        self.session = session
        self.store = store

    # -- reading ------------------------------------------------------------------------

    @property
    def turns(self) -> list[WhyTurn]:
        """All turns, in creation order."""
        return self.session.whys

    def get(self, turn_id: str) -> WhyTurn:
        """The turn with this id; UserError when there is none."""
        for turn in self.session.whys:
            if turn.id == turn_id:
                return turn
        raise UserError(f"There is no why '{turn_id}'; it may have been removed.")

    def children(self, turn_id: str | None, kind: str | None = None) -> list[WhyTurn]:
        """Turns whose parent is ``turn_id`` (optionally of one kind)."""
        return [t for t in self.session.whys if t.parent_id == turn_id and (kind is None or t.kind == kind)]

    def _follow(self, first: WhyTurn) -> list[WhyTurn]:
        chain = [first]
        while True:
            nxt = [t for t in self.children(chain[-1].id) if t.kind == first.kind]
            if not nxt:
                return chain
            chain.append(nxt[-1])

    def main_chain(self) -> list[WhyTurn]:
        """The main chain from the symptom down, in order."""
        roots = [t for t in self.session.whys if t.parent_id is None and t.kind == "chain"]
        return self._follow(roots[0]) if roots else []

    def branches(self) -> list[list[WhyTurn]]:
        """Each contributing-factor branch as its own chain, in creation order."""
        starts = [
            t for t in self.session.whys
            if t.kind == "contributing" and (t.parent_id is None or self.get(t.parent_id).kind != "contributing")
        ]
        return [self._follow(s) for s in starts]

    def current(self) -> WhyTurn | None:
        """The main-chain turn waiting for an answer (None when all are answered or stopped)."""
        chain = self.main_chain()
        if chain and not chain[-1].answer and not self.session.whys_done:
            return chain[-1]
        return None

    def symptom(self) -> str:
        """The customer-visible symptom the chain starts from (answer, else the finding)."""
        ans = self.session.answers.get("customer_effect")
        if ans is not None and ans.status in ("answered", "suggested") and isinstance(ans.value, str) and ans.value:
            return ans.value
        fact = self.session.findings.customer_effect
        return fact.text if fact is not None else ""

    def next_question(self, turn: WhyTurn | None = None) -> str:
        """The why to ask after ``turn`` (phrased from its answer); the first why when None."""
        if turn is None:
            return first_why(self.symptom())
        if not turn.answer:
            return turn.question
        return phrase_why(turn.answer)

    def stop_hint(self) -> str | None:
        """Advice on stopping: after the usual depth, or when the last answer sounds systemic."""
        t = templates()
        answered = [w for w in self.main_chain() if w.answer]
        if not answered:
            return None
        last = answered[-1].answer.casefold()
        if len(answered) >= int(t["usual_depth"]) or any(w in last for w in t["systemic_words"]):
            return t["stop_hint"]
        return None

    # -- changing -----------------------------------------------------------------------

    def _new_id(self) -> str:
        numbers = [int(t.id[1:]) for t in self.session.whys if re.fullmatch(r"w\d+", t.id)]
        return f"w{max(numbers, default=0) + 1}"

    def start(self, symptom: str | None = None) -> WhyTurn:
        """Create the first why (about the symptom) if there is none; returns the turn to answer."""
        chain = self.main_chain()
        if chain:
            return self.current() or chain[-1]
        question = first_why(symptom) if symptom else self.next_question(None)
        turn = WhyTurn(id=self._new_id(), question=question, kind="chain")
        self.session.whys.append(turn)
        self._save()
        return turn

    def ask(self, after_id: str, question: str | None = None) -> WhyTurn:
        """Add a why after ``after_id`` in the same chain (inserted when it already has a successor)."""
        after = self.get(after_id)
        turn = WhyTurn(id=self._new_id(), question=question or self.next_question(after), parent_id=after.id, kind=after.kind)
        for child in self.children(after.id, after.kind):
            child.parent_id = turn.id
        self.session.whys.append(turn)
        self.session.whys_done = False
        self._save()
        return turn

    def answer(self, turn_id: str, text: str, message_ids: list[str] | None = None, then_ask: bool = True) -> WhyTurn | None:
        """Record an answer; with ``then_ask`` (and no successor yet) the next why is created and returned."""
        if not text.strip():
            raise UserError("A why needs an answer; type one, or stop the chain if further whys are unactionable.")
        turn = self.get(turn_id)
        turn.answer = text.strip()
        if message_ids is not None:
            turn.message_ids = list(message_ids)
        if then_ask and not self.children(turn.id, turn.kind) and not self.session.whys_done:
            nxt = WhyTurn(id=self._new_id(), question=self.next_question(turn), parent_id=turn.id, kind=turn.kind)
            self.session.whys.append(nxt)
            self._save()
            return nxt
        self._save()
        return None

    def edit(
        self,
        turn_id: str,
        question: str | None = None,
        answer: str | None = None,
        message_ids: list[str] | None = None,
        level: str | None = None,
        category: str | None = None,
    ) -> WhyTurn:
        """Change any part of any turn (None leaves a part as it is); ``category`` is an id or name
        from ``prompts/causes.toml`` (contributing factors)."""
        turn = self.get(turn_id)
        if category is not None:
            from facilitator.pictures.categories import find, load_categories

            found = find(category)
            if category.strip() and found is None:
                names = ", ".join(c.name for c in load_categories())
                raise UserError(f"'{category}' is not a factor category; use one of: {names}.")
            turn.category = found.id if found else ""
        if question is not None:
            turn.question = question.strip()
        if answer is not None:
            turn.answer = answer.strip()
        if message_ids is not None:
            turn.message_ids = list(message_ids)
        if level is not None:
            if level not in ("immediate", "contributing", "systemic", ""):
                raise UserError(f"'{level}' is not a level; use immediate, contributing or systemic.")
            turn.level = level  # type: ignore[assignment]
        self._save()
        return turn

    def branch(self, from_id: str, question: str | None = None, answer: str = "") -> WhyTurn:
        """Start a contributing-factor branch from ``from_id``."""
        origin = self.get(from_id)
        base = origin.answer or origin.question
        q = question or templates()["branch"].format(answer=_lower_first(_clean(base)))
        turn = WhyTurn(id=self._new_id(), question=q, answer=answer.strip(), parent_id=origin.id, kind="contributing")
        self.session.whys.append(turn)
        self._save()
        return turn

    def remove(self, turn_id: str) -> list[str]:
        """Remove a turn and everything below it; returns the removed ids."""
        self.get(turn_id)
        doomed = {turn_id}
        changed = True
        while changed:
            changed = False
            for t in self.session.whys:
                if t.parent_id in doomed and t.id not in doomed:
                    doomed.add(t.id)
                    changed = True
        self.session.whys = [t for t in self.session.whys if t.id not in doomed]
        self._save()
        return sorted(doomed)

    def stop(self) -> WhyResult:
        """Stop: further whys are unactionable. Drops the trailing unanswered why, fills levels."""
        for chain in [self.main_chain(), *self.branches()]:
            if chain and not chain[-1].answer:
                self.session.whys = [t for t in self.session.whys if t.id != chain[-1].id]
        self.session.whys_done = True
        result = self.result()
        for level, turns in (("immediate", result.immediate), ("contributing", result.contributing), ("systemic", result.systemic)):
            for t in turns:
                if not t.level:
                    t.level = level  # type: ignore[assignment]
        self._save()
        return result

    def reopen(self) -> WhyTurn | None:
        """Continue a stopped chain: asks the next why after the root cause."""
        self.session.whys_done = False
        chain = self.main_chain()
        if not chain:
            self._save()
            return None
        return self.ask(chain[-1].id)

    def level_of(self, turn: WhyTurn) -> str:
        """The turn's level: the user's choice, else derived from its position."""
        if turn.level:
            return turn.level
        if turn.kind == "contributing":
            return "contributing"
        answered = [t for t in self.main_chain() if t.answer]
        if answered and turn.id == answered[0].id:
            return "immediate"
        if len(answered) > 1 and turn.id == answered[-1].id:
            return "systemic"
        return "contributing"

    def result(self) -> WhyResult:
        """Root cause (last answer of the main chain) and the answered turns grouped by level."""
        answered_main = [t for t in self.main_chain() if t.answer]
        out = WhyResult(root_cause=answered_main[-1] if answered_main else None)
        everything = answered_main + [t for b in self.branches() for t in b if t.answer]
        for t in everything:
            getattr(out, self.level_of(t)).append(t)
        return out

    def _save(self) -> None:
        self.session.updated_at = utcnow()
        if self.store is not None:
            self.store.save(self.session)


# A sentence that explains the one before it: "Helm still sets DB_POOL_MAX=50, which the new loader
# ignores", "nothing set max_size, so it fell back to the default of 5".
_EXPLAINS_RE = re.compile(
    r"(?i)\b(?:because|since|which|so\s+(?:it|the|we|that|nothing|every)|due\s+to|fell\s+back|ignor\w+|no\s+longer|never)\b"
)


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def further_why(cause: str, said: str) -> str:
    """The sentences of the message ``said`` that come after the ``cause`` it states and explain it
    further (at most two), as the answer to the next why; "" when the message says no more.
    Nothing is invented: the answer is the speaker's own words."""
    from facilitator.interview.wording import as_sentence, plain, sentences

    told = sentences(plain(said))
    within = _folded(cause)
    last = max((i for i, s in enumerate(told) if _folded(s) and _folded(s) in within), default=None)
    if last is None:
        return ""
    more = [s for s in told[last + 1 : last + 3] if _EXPLAINS_RE.search(s) and not s.rstrip().endswith("?")]
    return as_sentence(" ".join(more)) if more else ""
