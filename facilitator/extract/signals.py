"""One pass over the channel: which signals each message carries.

Every finder (key times, events, hints) asks the same questions of the same sentences:
does this message report a symptom, a detection, a recovery, a relapse? Answering them once
per message here keeps extraction linear and lets the finders agree with each other (the
event list and the key times never disagree about which message was the rollback). A text
seen before ("ok", "+1", the same alert every five minutes) is not read again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from facilitator.extract.patterns import NEGATION_BEFORE_RE, Gate, Patterns, Prepared, patterns, prepare
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

    __slots__ = ("index", "prep", "flags", "state", "is_human", "message", "timed", "starts")

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

    @property
    def asks(self) -> bool:
        """True when the message ends in a question ("is it the db?"): it asks, it does not tell."""
        return self.prep.lower.rstrip().endswith("?")

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


def scan(transcript: Transcript) -> list[MessageSignals]:
    """Signals for every conversational message, in time order (joins and topic changes skipped).

    Loaders may list thread replies after their parent rather than in time order; the finders
    reason about "first" and "last", so they get the messages sorted by time (stable, so
    same-second messages keep the channel's order) and ``index`` is the position in that order.
    """
    pats = patterns()
    messages = sorted((m for m in transcript.messages if not m.is_system), key=lambda m: m.at)
    # Channels repeat themselves ("ok", "+1", "looking", the same alert every five minutes):
    # a text already read is not read again, its prose, sentences and signals are shared.
    seen: dict[tuple[str, bool], MessageSignals] = {}
    out: list[MessageSignals] = []
    for i, message in enumerate(messages):
        key = (message.text or "", message.is_bot)
        first = seen.get(key)
        if first is None:
            sig = seen[key] = read_message(i, message, pats)
        else:
            prep = first.prep
            shared = Prepared(message, prep.prose, None, prep.lower, prep.gate, like=prep)
            sig = MessageSignals(index=i, prep=shared, flags=first.flags, state=first.state, is_human=first.is_human)
        out.append(sig)
    _mark_integrations(out)
    _read_it_back(out)
    _read_celebrations(out)
    _read_part_checks(out)
    _read_agreed_closings(out, pats)
    _read_explanations(out)
    _read_falling_figures(out)
    return out


# A figure given falling, with its unit: "20% -> 9%", "2%... 0.4%", "p99 1200ms → 300ms", "61 -> 14%".
_FALL_RE = re.compile(
    r"(?<![\d.:])(\d+(?:\.\d+)?)\s*(%|ms\b|s\b)?\s*(?:->|\u2192|=>|\.{2,}|\u2026)\s*~?\s*(\d+(?:\.\d+)?)\s*(%|ms\b|s\b)?"
)
# What is good when it is high: a falling success rate, free space or traffic is the problem, not its end.
_GOOD_WHEN_HIGH_RE = re.compile(
    r"\b(?:success|succeed\w*|availab\w*|uptime|throughput|hit|free|left|remaining|headroom|capacity|rps|qps|traffic|"
    r"requests|sessions|users|online|ready|healthy|balance|conversion|signups|orders|sales|score|apdex|slo|budget)\b"
)


# A setting changed or planned, not a measure: "CLS timeout 20s -> 2s", "will lower the TTL 300 -> 60"
_SETTING_RE = re.compile(
    r"\b(?:follow-?ups?|will|should|todo|plan\w*|set|lower\w*|rais\w*|chang\w*|config\w*|thresholds?|timeouts?|limits?|ttl|"
    r"intervals?|retention|max|min|bump\w*)\b"
)


def _read_falling_figures(sigs: list[MessageSignals]) -> None:
    """A person giving a bad figure falling after a problem was stated: the problem easing.

    "20% -> 9%" then "2%... 0.4%" in a channel about failing runs tells the fix took, in
    numbers rather than words. Figures of what is good when high (a success rate, free disk,
    traffic), settings changed ("timeout 20s -> 2s") and messages whose words already say
    something is wrong are left alone.
    """
    problem = False
    for sig in sigs:
        says_wrong = reports_problem(sig)
        problem = problem or says_wrong
        if not (problem and sig.is_human and not sig.state) or sig.asks or says_wrong or "still_broken" in sig.flags:
            continue  # "error rate 61 -> 14%, still not 0" is read by its words
        text = sig.prep.lower
        if not ("->" in text or "\u2192" in text or "=>" in text or ".." in text or "\u2026" in text):
            continue  # no arrow, no figures given falling (most messages: skip the regexes)
        if _GOOD_WHEN_HIGH_RE.search(text) or _SETTING_RE.search(text):
            continue
        for m in _FALL_RE.finditer(text):
            before, unit_a, after, unit_b = m.groups()
            if (unit_a or unit_b) and (not unit_a or not unit_b or unit_a == unit_b) and float(after) < float(before):
                sig.state = "recover"
                sig.flags = sig.flags | {"recover"}
                break


# A question about what happened: "why didn't the deploy health check stop this?", "how come nobody got paged?"
_WHY_PAST_RE = re.compile(
    r"\b(?:why|how\s+come)\b[^?]{0,80}?\b(?:did|didn[\x27\u2019]?t|was|wasn[\x27\u2019]?t|were|weren[\x27\u2019]?t|had|hadn[\x27\u2019]?t)\b"
    r"|\bhow\s+(?:come|did)\b"
)
_NOW_RE = re.compile(r"\b(?:again|still|now|back|currently|right\s+now)\b")  # the problem back, not told of
_EXPLAIN_REACH = 10 * 60  # seconds an answer may follow the question


def _read_explanations(sigs: list[MessageSignals]) -> None:
    """An answer to a question about the past explains the outage; it is not the problem back.

    "why didn't the deploy health check stop this?" / "readiness only checks the listener, so
    pods went Ready then died on first message": the death told is the outage's, already over.
    """
    question: MessageSignals | None = None
    for sig in sigs:
        if not sig.is_human:
            continue
        lower = sig.prep.lower
        if "?" in lower and _WHY_PAST_RE.search(lower):
            question = sig
            continue
        if (
            question is not None and sig.state == "relapse" and sig.message.author != question.message.author
            and sig.message.at and question.message.at
            and (sig.message.at - question.message.at).total_seconds() <= _EXPLAIN_REACH
            and not _NOW_RE.search(lower)
        ):
            sig.state = ""
            sig.flags = sig.flags - {"relapse"}


# "aaand it's back", "yeah it's back": the thing that is back is whatever was last talked about.
_IT_BACK_RE = re.compile(r"^\W*(?:(?:yeah|yep|yup|aa+nd|and|ugh|welp|ok|so|nope|annnd|uh\s*oh)\W+)*it[\x27\u2019]?s\s+back\W*$")


def _read_it_back(sigs: list[MessageSignals]) -> None:
    """"it's back" right after the service recovered means the problem is back: a relapse."""
    last = ""
    for sig in sigs:
        if sig.state == "recover" and last == "recover" and any(_IT_BACK_RE.match(x.lower()) for x in sig.prep.sentences):
            sig.state = "relapse"
        if sig.state:
            last = sig.state


# How chat greets an outcome: ":tada:", "🎉", "✅". Cheered news after a problem is a recovery
# ("teacher confirms students are back in :tada:", "queue at 0 🎉"), whatever words it uses.
_CHEER_RE = re.compile(
    "[\U0001F389\U0001F64C\U0001F973\u2705\u2714]|:(?:tada|raised_hands|partying_face|white_check_mark|heavy_check_mark|confetti_ball):"
)
# What a bare cheer says of the people, not of the service: "🙌 thanks both", ":tada: nice work".
_REACTION_WORDS = frozenset(
    "thanks thank thx ty you nice one work job great good awesome yay woo woohoo phew finally ok okay cool "
    "all both everyone team folks lol haha well done amazing sweet perfect and so".split()
)
_WORD_RE = re.compile(r"[a-z][a-z0-9'\u2019-]*")
_SHORTCODE_RE = re.compile(r":[a-z0-9_+-]+:")  # ":tada:", ":white_check_mark:": emoji, not words
# A cheer with a doubt or a plan in it: "loads 🎉 (slow)", "went green 🎉 before we flip traffic".
_CHEER_DOUBT_RE = re.compile(
    r"\b(?:except|but|still|slow\w*|staging|before|once|then|will|going\s+to|let[\x27\u2019]?s|bed|told|telling|waiting|wait)\b"
    # progress of the responders, not of the service: "got access to the console 🎉", "found it 🎉"
    r"|\b(?:access|console|ssh|permissions?|found|figured|culprit|repro\w*)\b"
)


def _read_celebrations(sigs: list[MessageSignals]) -> None:
    """A person cheering news after a problem was stated: the news is a recovery.

    A cheer that only thanks people, or says what is still wrong, still to test or still
    to do, says nothing of the service.
    """
    problem = False
    for sig in sigs:
        if reports_problem(sig):
            problem = True
        if not (problem and sig.is_human and not sig.state) or sig.flags & _NOT_NEWS:
            continue
        if is_placeholder_author(sig.message.author):
            continue  # a tool's timeline row ("✅ Acknowledged ..."): its icon is no cheer
        text = sig.message.text or ""
        if not _CHEER_RE.search(text):
            continue
        lower = sig.prep.lower
        words = [w for w in _WORD_RE.findall(_SHORTCODE_RE.sub(" ", lower)) if w not in _REACTION_WORDS]
        if words and "?" not in lower and not _CHEER_DOUBT_RE.search(lower):
            sig.state = "recover"
            sig.flags = sig.flags | {"recover"}


# "webhooks are fine", "redis mem is fine, no evictions", "proxy VMs are running, health checks ok":
# a part looked at and found healthy. Unless a step was just taken, it is a check while the
# problem goes on, not the service coming back: nothing in it says anything changed.
_PART_FINE_RE = re.compile(
    r"\b(?:is|are|looks?|looking|seems?)\s+(?:\w+\s+)?(?:fine|ok|okay|healthy|good|running|up|clean|quiet)\b"
    r"|(?<!all\s)\b(?:fine|ok|okay|healthy|good|running)\s*(?:[,.;]|$)"
)
# What says something changed, or speaks of the whole service rather than one part of it.
_CHANGED_RE = re.compile(
    r"again|\bback\b|\bnow\b|recover|restor|resolv|fix|mitigat|dropping|falling|improv|better|since|\bnormal|baseline|stabl|"
    r"\bgone\b|drain|caught\s+up|resum|flowing|working|loads?\b|loading|confirm|green|smooth|"
    r"across\s+the\s+board|everywhere|everything(?:[\x27\u2019]s|\s+(?:is|looks|seems))|monitor|\bwas\s+down\b|\bdown\s+for\b|\bstill\b|"
    r"\bfor\s+(?:the\s+)?(?:last\s+|almost\s+|about\s+|over\s+)?(?:\d+|an?)\s|"  # a watch: "fine for 20 min"
    r"[\U0001F389\U0001F64C\u2705\U0001F7E2]|:tada:|!!"
)
_STEP_REACH = 30 * 60  # seconds: "restarted the pool" ... "pods look fine": the check of a step


def _read_part_checks(sigs: list[MessageSignals]) -> None:
    """A part found healthy, with no step just taken and no word of change, is a check, not a recovery."""
    last_step = None
    for sig in sigs:
        if sig.flags & STEP_FLAGS or _STEP_DONE_RE.search(sig.prep.lower):
            last_step = sig.message.at
        if not (sig.state == "recover" and sig.is_human) or "declare_resolved" in sig.flags:
            continue
        if is_placeholder_author(sig.message.author):  # a timeline note, written once it was over
            continue
        lower = sig.prep.lower
        if _CHANGED_RE.search(lower) or not _PART_FINE_RE.search(lower):
            continue
        if (
            last_step is not None and (sig.message.at - last_step).total_seconds() <= _STEP_REACH
            and "symptom" not in sig.flags  # "redis is fine, sidekiq queue is growing": the problem named beside it
        ):
            continue
        sig.state = ""
        sig.flags = sig.flags - {"recover"}


_STEP_DONE_RE = re.compile(
    r"\b(?:restarted|rebooted|reverted|rolled\s+back|failed\s+over|redeployed|deployed|applied|flushed|scaled|bumped|killed|"
    r"disabled|enabled|patched|replaced|swapped|switched|promoted|reloaded|restored|recreated|bounced|cycled|pinned|"
    r"downgraded|upgraded|rebuilt|raised|increased|added|removed|moved|migrated|resized|purged|invalidated|cleared)\b"
)
STEP_FLAGS = frozenset({"step", "rollback", "fix_deployed", "workaround"})  # a message that tells of a step taken


PROBLEM = frozenset({"alert", "detect", "symptom", "relapse"})  # a message that says something is wrong


def reports_problem(sig: MessageSignals) -> bool:
    """The message says something is wrong, and not, in the end, that it is back."""
    return bool(sig.flags & PROBLEM) and sig.state != "recover"


_NOT_NEWS = frozenset({"hypothesis", "still_broken", "symptom", "detect"})


# "y", "yes", "yep do it", "👍", "+1", "go ahead": agreeing to what was just asked.
_AGREED_RE = re.compile(
    r"^\W*(?:y|ya|yes|yep|yup|yeah|sure|ok|okay|do\s+it|go\s+(?:ahead|for\s+it)|ship\s+it|\+1|agreed|sgtm|lgtm)\W*(?:pls|please|do\s+it)?\W*$"
    "|^\\s*(?:\U0001F44D|:\\+1:|:thumbsup:|\u2705|:white_check_mark:)\\s*$",
    re.IGNORECASE,
)
_AGREE_WINDOW = 10 * 60  # seconds: the answer to "marking resolved?" comes within minutes


def _agrees(sig: MessageSignals) -> bool:
    """"y", "yep do it", or "yes. moving status page to resolved": agreement, with nothing wrong said after it."""
    if _AGREED_RE.match(sig.message.text or ""):
        return True
    first = sig.prep.sentences[0] if sig.prep.sentences else ""
    return bool(_AGREED_RE.match(first)) and not sig.flags & (PROBLEM | {"still_broken"})


def _read_agreed_closings(sigs: list[MessageSignals], pats: Patterns) -> None:
    """"marking resolved?" answered "y" by someone else: the question was the all-clear."""
    for i, sig in enumerate(sigs):
        text = sig.prep.lower.rstrip()
        if not (sig.is_human and text.endswith("?") and "declare_resolved" not in sig.flags) or len(text) > 160:
            continue
        last = sig.prep.sentences[-1].rstrip().rstrip("?") if sig.prep.sentences else ""
        if not last or not pats.has("declare_resolved", last.lower()):
            continue
        for later in sigs[i + 1 : i + 4]:
            if (later.message.at - sig.message.at).total_seconds() > _AGREE_WINDOW:
                break
            if later.is_human and later.message.author != sig.message.author and _agrees(later):
                sig.state = "recover"
                sig.flags = sig.flags | {"declare_resolved", "recover"}
                break


# What monitors and status pages post: "Trigger fired: ...", "[FIRING:1] ...", "Resolved - This
# incident has been resolved.", "PROBLEM - host is DOWN". A speaker who only ever posts such lines
# is an integration, even when the paste did not label it a bot.
_MACHINE_RE = re.compile(
    r"^\W*(?:\[[\w .-]{1,20}\]\s*)?(?:\[?(?:firing|resolved|triggered|alerting|alert|warning|critical|recovery|recovered|problem|ok)\b(?::\d+)?\]?\s*[:\-\u2013\u2014]"
    r"|\[(?:firing|resolved|triggered|alerting|alert|problem|recovery|recovered|warning|critical|down|up)\b"
    # an uptime monitor's line: "🔴 [fi-perko] site DOWN: https://...", "🔴 [fi-perko] 10 sites DOWN (see ...)"
    r"|(?:[\w.-]+\s+){0,3}(?:down|up)\s*[:(]"
    r"|trigger(?:ed)?\s+(?:fired|resolved)\b"
    # a monitor's state in capitals before what it watches: "ALARM [manta us-east] muskie 5xx rate 21.4%"
    r"|(?-i:(?:ALARM|ALERT|FIRING|CRITICAL|WARNING|PROBLEM|RECOVERY|RECOVERED|RESOLVED|CLEAR|OK))\s+\["
    r"|(?:investigating|identified|monitoring|resolved|scheduled|completed)\s+[\-\u2013\u2014]\s"
    # a code-review feed: "(PS1) Vkaram: varnish: block ...", "(CR) Vkaram: [C: +2] ...", "(Merged) ..."
    r"|\((?:ps\d+|cr|merged|abandoned|restored|draft\d*)\)\s+\S)",
    re.IGNORECASE,
)


def _mark_integrations(sigs: list[MessageSignals]) -> None:
    """Speakers whose every message is a monitor's or status page's post are not people."""
    machine: dict[str, bool] = {}
    for sig in sigs:
        if sig.is_human:
            author = sig.message.author
            machine[author] = machine.get(author, True) and _MACHINE_RE.match(sig.message.text or "") is not None
    integrations = {author for author, only_machine in machine.items() if only_machine}
    if integrations:
        for sig in sigs:
            if sig.message.author in integrations:
                sig.is_human = False
                if "symptom" in sig.flags and sig.state != "recover" and "alert" not in sig.flags:
                    sig.flags = sig.flags | {"alert"}  # as a bot's symptom is an alert


def has_speakers(transcript: Transcript) -> bool:
    """True for chat (most messages have a real author); False for timeline notes."""
    conversational = [m for m in transcript.messages if not m.is_system]
    if not conversational:
        return False
    named = sum(1 for m in conversational if m.is_bot or not is_placeholder_author(m.author))
    return named * 2 >= len(conversational)
