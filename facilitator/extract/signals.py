"""Which signals each message carries, read from the message alone.

Every finder (key times, events, hints) asks the same questions of the same sentences:
does this message report a symptom, a detection, a recovery, a relapse? Answering them once
per message here keeps extraction linear and lets the finders agree with each other (the
event list and the key times never disagree about which message was the rollback).
``neighbours.scan`` runs this over the channel, reading a repeated text once, and then
corrects what only a message's neighbours can tell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from facilitator.extract.patterns import (
    NEGATION_BEFORE_RE,
    Gate,
    Patterns,
    Prepared,
    prepare,
)
from facilitator.transcript import Message, Transcript

# Signals checked on every sentence, negation- and question-aware.
_POSITIVE = ("detect", "symptom", "change", "recover", "declare_resolved", "relapse", "start_marker", "step")
# Signals where a plain search is enough (they describe talk, not state).
_PLAIN = (
    "alert",
    "incident_created",
    "escalation",
    "hypothesis",
    "ruled_out",
    "root_cause",
    "rollback",
    "fix_deployed",
    "status_page",
    "customer_comms",
    "luck", "went_well", "went_badly",
    "data_loss",
    "action",
    "prior",
    "investigate", "self_heal",
    "still_broken", "workaround",
)


_PLAIN_SET = frozenset(_PLAIN)
_HEALTH = frozenset({"recover", "declare_resolved", "relapse"})
_NO_FLAGS: frozenset[str] = frozenset()
_RECOVERY = frozenset({"recover", "declare_resolved"})
# Every vocabulary read_message asks about.
_READ = frozenset(_POSITIVE) | _PLAIN_SET | {"hedged", "as_intended", "conditional"}


# A tool named first as where a figure is read, not as the subject: "sentry errors stopped", "grafana graphs flat"
_MEASURED_IN_RE = re.compile(
    r"^\W*[\w.-]+\s+(?:errors?|exceptions?|alerts?|events|issues|graphs?|metrics|dashboards?|monitors?|checks?|pages|5xx|latency)\b"
)


# A repository bot's notice of pushed commits: "[sysadmin] 1 new commit pushed to master by nokafor: …"
_COMMIT_NOTICE_RE = re.compile(r"\b\d+\s+new\s+commits?\s+pushed\b|\bpushed\s+\d+\s+(?:new\s+)?commits?\b")
_WARNING_SIGNS = ("\u26a0", "\U0001F6A8", ":warning:", ":rotating_light:")  # a monitor's line opening with one is an alert


def _about_third_party(sentence: str, pats: Patterns) -> bool:
    """True when the sentence's subject is an outside service ("GitHub is back")."""
    first = sentence.split(maxsplit=1)[0].strip("*_`'\"(").casefold() if sentence else ""
    lower = sentence.lower()
    if first in pats.third_parties and _MEASURED_IN_RE.match(lower):
        return False  # "sentry errors stopped", "datadog alerts cleared": our figures, seen in their tool
    if first in pats.third_parties or _THEIR_STATUS_RE.match(lower) is not None:
        return True
    # "discordstatus is all green", "githubstatus.com shows green": a provider's own status page
    return len(first) > 6 and first.endswith(("status", "status.com", "status.io")) and first not in ("status", "statuspage")


# "..., but they say mitigated": the clause after the comma still tells what the third party says
_THEY_RE = re.compile(r"\W*(?:(?:but|and|so|now)\s+)?(?:they|their|it[\x27\u2019]?s\s+their)\b", re.IGNORECASE)
_QUOTE_RE = re.compile("[\"\u201c\u201d]")
# "their status page is green lol": what a provider's page says, not our service recovering
_THEIR_STATUS_RE = re.compile(r"\W*(?:their|the\s+(?:provider|vendor|host|cloud)[\x27\u2019]?s?|\w+[\x27\u2019]s)\s+status\s*-?\s*page\b")


class MessageSignals:
    """The signals found in one message, plus its prepared prose."""

    __slots__ = ("index", "prep", "flags", "state", "is_human", "message", "timed", "starts", "asks")

    def __init__(self, index: int, prep: Prepared, flags: frozenset[str], state: str = "", is_human: bool = True) -> None:
        self.index = index
        self.prep = prep
        self.flags = flags
        self.state = state  # "recover" or "relapse": the last health statement in the message
        self.is_human = is_human
        self.message: Message = prep.message  # a plain slot: read often
        # False when the source gave no real time (date-only / unknown clock)
        self.timed = self.message.clocked
        self.starts: tuple[object, list] | None = None  # clock.start_mentions' answer, and the zone it is for
        # True when the message ends in a question ("is it the db?"): it asks, it does not tell
        self.asks = prep.lower.rstrip().endswith("?")

    def __repr__(self) -> str:
        return f"MessageSignals({self.index}, {self.message.id!r}, {sorted(self.flags)}, state={self.state!r})"


# Message.time_precision values whose ``at`` is a placeholder: never a key time.


def _unhedged(sentence: str, gate: Gate) -> str:
    """The sentence without its concessive or hopeful clauses ("despite ... recovered").

    A clause runs from the hedge word to the next comma or semicolon, so "Despite the
    restart, everything is back to normal" keeps its main clause.
    """
    for rx in gate.branches("hedged"):
        sentence = rx.sub("\x00", sentence)
    return _HEDGED_CLAUSE_RE.sub(" ", sentence) if "\x00" in sentence else sentence


_HEDGED_CLAUSE_RE = re.compile(r"\x00[^,;]*")
# Words that say the service itself came back, not just that some part is "fine".
_STRONG_HEALTH_RE = re.compile(
    r"recover|restor|resolv|\bback\b|normal|again|fixed|mitigat|rolled|clear|gone|drained|green|stable|baseline|working|\bnow\b|\bover\b|\bended\b",
    re.IGNORECASE,
)
# What says the healthy part was a suspect the problem has moved on from, not the service back:
# doubt (a closing "hmm", "green tho", "nope") whatever the health words, a fault placed elsewhere when they are weak.
_RULED_OUT_RE = re.compile(
    r"\bso\s+(?:it[\x27\u2019]?s\s+)?not\b|\bit[\x27\u2019]?s\s+not\b(?!\s+(?:down|failing|erroring|broken|crashing|timing|happening|5\d\d))"
    r"|:thinking(?:_face)?:|\U0001f914|\bhm+[.?!\s]*$|\bnope\b"
    r"|\b(?:fine|healthy|green|ok|okay|good|normal|up)\s+tho(?:ugh)?\b|\bignore\s+me\b"
    r"|\bit[\x27\u2019]?s\s+(?:only|just)\s+(?:the\s+)?\w+|\bit[\x27\u2019]?s\s+the\s+[\w-]+\s+side\b|\bnot\s+(?:the|a|an)\s+[\w-]+(?:\s+[\w-]+)?\W*$"
    # "transit is fine ... it's inside GS2", "US region is fine, EU is not"
    r"|\bit[\x27\u2019]?s\s+inside\b|\b(?:is|are)\s+(?:fine|ok|okay|healthy|good)\b[^.]{0,40}\b(?:is|are)\s+not\b"
    # "redis latency normal, db normal. nothing infra-side": the parts checked, the fault not there
    r"|\bnothing\b[^.?!]{0,20}\bside\b"
)
# "db is fine, p99 normal. it's the workers": the fault named elsewhere after a part's health
_FAULT_NAMED_RE = re.compile(r"(?:^|[.!;]\s+)it[\x27\u2019]?s\s+the\s+[\w-]+(?:\W|$)")
# "Monitor is UP ... It was down for 59 minutes": the outage told in the past by the recovery itself
_WAS_DOWN_RE = re.compile(r"\b(?:was|been)\s+down\s+for\b")
_BACK_RE = re.compile(r"\bback\b|\bagain\b|restor|recover|fixed|resolv")
_FAULT_ELSEWHERE_RE = re.compile(
    r"\bit[\x27\u2019]?s\s+(?:the|something)\s|\bspecifically\b|\bmust\s+be\b|\bthe\s+(?:problem|issue)\s+is\b"
    r"|\bweird(?:ly)?\b|\bfirst\s+guess\b|\b(?:is|are)\s+(?:still\s+)?down\b|\bnot\s+the\b"
    r"|\b(?:this|that|it)\s+(?:is|[\x27\u2019]s)\s+something\s+else\b"  # "nat is clean since 11:50. this is something else"
)
# "I think we're good", "I think we're done here", "ooh, I think that worked": how people close an
# incident or greet the step that fixed it, not a guess.
CLOSING_GUESS_RE = re.compile(
    r"^\W*(?:ok(?:ay)?\W+)?i\s+think\s+(?:we[\x27\u2019]?re|we\s+are|it[\x27\u2019]?s|this\s+is)\s+(?:all\s+)?"
    r"(?:good|done|clear|fine|through\s+it|over|resolved)\b"
    r"|^\W*(?:\w+\W+)?i\s+think\s+(?:that|this|it)\s+(?:worked|did\s+it|did\s+the\s+trick|fixed\s+it)\b",
    re.IGNORECASE,
)


_PLACEHOLDER_AUTHORS = frozenset({"", "unknown", "?", "-", "timeline", "note", "notes", "nobody", "anonymous"})


@lru_cache(maxsize=4096)  # asked once per message by several finders; a channel has few authors
def is_placeholder_author(name: str) -> bool:
    """True for authors that mean "nobody in particular" (timeline notes, unknown speakers)."""
    return name.strip().casefold() in _PLACEHOLDER_AUTHORS


def _matches(branches: list[re.Pattern[str]], text: str) -> bool:
    """True when one of the (gated) branches matches somewhere in ``text``."""
    for rx in branches:
        if rx.search(text):
            return True
    return False


def _positive(name: str, branches: list[re.Pattern[str]], sentence: str, gate: Gate) -> bool:
    """``Patterns.positive`` for a signal whose branches the gate already picked."""
    if name in _HEALTH and sentence.rstrip().endswith("?"):
        return False  # "Is it back to normal?" states nothing
    for rx in branches:
        for match in rx.finditer(sentence):
            if not gate.negations:
                return True
            if not NEGATION_BEFORE_RE.search(sentence[max(0, match.start() - 30) : match.start()]):
                return True
    return False


def read_message(index: int, message: Message, pats: Patterns) -> MessageSignals:
    """Prepare one message and collect its signals.

    Each signal's branches are looked up once per message (not once per sentence), and a
    signal stops at its first positive sentence; health signals, whose last statement in
    the message matters, are read from the last sentence backwards.
    """
    prep = prepare(message)
    gate = prep.gate
    candidates = gate.settled(_READ) if gate is not None else {}
    human = not message.is_bot and not message.is_system
    if not candidates:  # none of the vocabularies' key words: most chatter
        return MessageSignals(index, prep, _NO_FLAGS, "", human)
    flags: set[str] = set()
    last_recover = last_relapse = -1
    sentences = prep.sentences
    hedged = gate.branches("hedged") if "hedged" in candidates else None
    intended = gate.branches("as_intended") if "as_intended" in candidates else None
    iffy = gate.branches("conditional") if "conditional" in candidates else None
    guessing = gate.branches("hypothesis") if "hypothesis" in candidates else None
    stuck = gate.branches("still_broken") if "still_broken" in candidates else None
    third_party: list[bool] | None = None
    for name in _POSITIVE:
        if name not in candidates:
            continue  # none of this list's key words occur in the message
        branches = gate.branches(name)
        health = name in _HEALTH
        recovery = name in _RECOVERY
        if health and third_party is None:
            third_party = [_about_third_party(sentence, pats) for sentence in sentences]
        order = range(len(sentences) - 1, -1, -1) if health else range(len(sentences))
        for i in order:
            sentence = sentences[i]
            if health and third_party[i]:  # type: ignore[index]
                # "GitHub is usable again": someone else's outage, not ours; what follows a comma
                # may be ours ("provider says it's resolved on their end, tokenization looks normal again")
                sentence = sentence.split(", ", 1)[1] if ", " in sentence and not _QUOTE_RE.search(sentence) else ""
                if not sentence or _THEY_RE.match(sentence) or _about_third_party(sentence, pats):
                    continue
            if recovery:
                if hedged and _matches(hedged, sentence):
                    sentence = _unhedged(sentence, gate)  # "despite ... it appears to have recovered"
                if stuck and _matches(stuck, sentence):
                    continue  # "able to log in again but kernels still hang": not recovered yet
                if guessing and _matches(guessing, sentence) and not CLOSING_GUESS_RE.match(sentence):
                    continue  # "I think the hub pod is fine, it could be the proxy": a guess, not a recovery
            if intended and name == "symptom" and _matches(intended, sentence):
                continue  # "the limit rejects launches, as intended": working as designed
            if iffy and name in ("symptom", "detect") and _matches(iffy, sentence):
                continue  # "shout if anything looks odd": a symptom imagined, not seen
            if _positive(name, branches, sentence, gate):
                flags.add(name)
                if name == "relapse":
                    last_relapse = i
                elif recovery:
                    last_recover = max(last_recover, i)
                break  # the first hit decides (the last sentence, for health signals)
    # "Launches aren't working again ... this resolved the issue": the later statement wins.
    state = "" if last_recover == last_relapse == -1 else ("recover" if last_recover > last_relapse else "relapse")
    if state == "relapse" and 0 <= last_recover < last_relapse and _OTHERS_RE.match(sentences[last_relapse].lower()):
        # "iDEAL and cards are working again. Other payment methods still down": part of it back
        state = "recover"
        flags.add("still_broken")
    if state == "recover" and "symptom" in flags and not _STRONG_HEALTH_RE.search(sentences[last_recover]) and not _WAS_DOWN_RE.search(prep.lower):
        # "api down since ~2:47. the AWS regions are fine": a status of the parts, the problem still on
        # ("gateway 5xx back to baseline. we're good" names the symptom in a recovery: no such case)
        healthy = gate.branches("recover") if "recover" in candidates else None
        clauses = [x for i, x in enumerate(sentences) if i != last_recover]
        parts = _CLAUSE_RE.split(sentences[last_recover])
        if len(parts) > 1 and healthy and any(_WEAK_HEALTH_RE.search(x) and _positive("recover", healthy, x, gate) for x in parts):
            # a part called fine beside the symptom in one sentence: "inbound timeouts from outside,
            # internal all fine, traffic drop" (not "processing has resumed, backlog being worked through")
            clauses += parts
        if any(
            _positive("symptom", gate.branches("symptom"), x, gate)
            and not (healthy and _positive("recover", healthy, x, gate))
            for x in clauses
        ):
            state = ""
    if state == "recover" and "?" in prep.prose and not any(_STRONG_HEALTH_RE.search(x) for x in sentences[: last_recover + 1]):
        # "origin looks healthy from inside the cluster. is it fastly?": a part checked while the
        # cause is still being asked about, not the service coming back
        state = ""
    if state == "recover" and (
        _RULED_OUT_RE.search(prep.lower)
        or (_FAULT_ELSEWHERE_RE.search(prep.lower) and not _STRONG_HEALTH_RE.search(sentences[last_recover]))
        or (_FAULT_NAMED_RE.search(prep.lower) and not _BACK_RE.search(sentences[last_recover]))
    ):
        # "idp is fine, i can log into bear tracks so not sso", "node looks healthy. it's the
        # service": a part checked and ruled out while the problem goes on
        state = ""
    text = prep.prose
    for name in _PLAIN_SET & candidates.keys():
        if _matches(gate.branches(name), text):
            flags.add(name)
    if state == "recover" and _NOTHING_THERE_RE.search(prep.lower) and not _STRONG_HEALTH_RE.search(sentences[last_recover]):
        # "AWS Health: nothing for us-east-1. state cluster looks healthy from inside the VPC": a suspect cleared
        state = ""
    if message.is_bot and "commit" in prep.lower and _COMMIT_NOTICE_RE.search(prep.lower):
        # a commit's title ("drop unused rule") tells what the code does, not how the service is
        flags, state = (flags - {"alert", "symptom", "detect"}) | {"change"}, ""
    elif message.is_bot and "incident_created" in flags:  # "🚨 INC-1873 declared: …" opens the response: no monitor
        flags.discard("alert")
    elif message.is_bot and ("alert" in flags or "symptom" in flags or prep.lower.lstrip(" *_").startswith(_WARNING_SIGNS)):
        flags.add("alert")  # a monitor's warning sign: "⚠️ testnet: no new block for 60s"
    return MessageSignals(index, prep, frozenset(flags), state, human)


_CLAUSE_RE = re.compile(r"[,;]\s+")
# A place looked at that shows nothing wrong: "AWS Health: nothing for us-east-1", "no issues on their status page"
_NOTHING_THERE_RE = re.compile(r"\bnothing\s+(?:for|on|in|at)\s+\S|\bno\s+(?:issues?|incidents?|events?)\s+(?:for|on|in|at)\s+\S")
_WEAK_HEALTH_RE = re.compile(r"\b(?:fine|ok|okay|healthy|good)\b")
# A sentence about the parts not yet back: "other payment methods still down", "the rest still failing"
_OTHERS_RE = re.compile(r"^\W*(?:but\s+)?(?:the\s+)?(?:other|rest|remaining|some|a\s+few|only)\b")


STEP_FLAGS = frozenset({"step", "rollback", "fix_deployed", "workaround"})  # a message that tells of a step taken


PROBLEM = frozenset({"alert", "detect", "symptom", "relapse"})  # a message that says something is wrong


def reports_problem(sig: MessageSignals) -> bool:
    """The message says something is wrong, and not, in the end, that it is back."""
    return bool(sig.flags & PROBLEM) and sig.state != "recover"


def has_speakers(transcript: Transcript) -> bool:
    """True for chat (most messages have a real author); False for timeline notes."""
    conversational = [m for m in transcript.messages if not m.is_system]
    if not conversational:
        return False
    named = sum(1 for m in conversational if m.is_bot or not is_placeholder_author(m.author))
    return named * 2 >= len(conversational)
