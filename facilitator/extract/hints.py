"""Hints for the interview: hypotheses, causes, fixes, luck, follow-ups, prior incidents,
plus the detection method, severity, a title and the customer effect.

These are proposals, not conclusions: each is the sentence that suggested it and the
message it came from, so the interview can quote it back ("At 17:02 someone suggested the
GCS incident; was that ruled out?"). Hypotheses are followed through the channel: a later
"ruled out" or "root cause" message that shares words with an open hypothesis (or replies
in its thread) updates its status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from facilitator.extract.fixes import FIX_REACH, did, refuted, taken_back, within
from facilitator.extract.messaging import status_title
from facilitator.extract.patterns import patterns, plain_sentence, strip_code, summary_of
from facilitator.extract.quotes import quote_fact, with_code, with_context
from facilitator.extract.signals import CLOSING_GUESS_RE, MessageSignals
from facilitator.findings import Fact, Hypothesis, KeyTime, MessagingItem
from facilitator.injection import looks_like_instructions
from facilitator.sources.bot_names import HELP_DESKS
from facilitator.transcript import Transcript

_SEVERITY_RE = re.compile(
    r"\((?:sev\s*)?S(?P<s>[1-4])\)|\b(?:sev(?:erity)?[\s:=-]*(?P<n>[0-5])|(?P<p>P[0-4])\b(?=\s*(?:incident|outage|issue|sev|$|[,.)\]]))|severity\s*(?::|is|=)\s*(?P<w>critical|high|major|medium|minor|low))",
    re.IGNORECASE,
)
_FACT_SIGNALS = frozenset({"root_cause", "luck", "went_well", "went_badly", "action", "prior", "data_loss"})
_P_LEVEL_RE = re.compile(r"P[0-4]\b|\(S[1-4]\)")  # "P1 incident"; an incident bot's "(S2)"
_STOP = frozenset(
    "that this with from have been were there their they about would could should might which when what "
    "into also some more than then them over only just like related cause issue problem "
    # three-letter words that say nothing of the idea ("vpc", "dns", "cdn" do)
    "the and for not but was are can any all you our its has had did now get got see one two out off too yet "
    "why how who use way new old bit lot let may say yes nah idk hmm ok".split()
)
_WORD_RE = re.compile(r"[a-z][a-z0-9_-]{2,}")
_MONITORING_RE = re.compile(r"\b(?:alert\w*|grafana|dashboard|monitor\w*|pagerduty|opsgenie|datadog|graph|metrics?|prometheus|sentry|uptime)\b", re.I)
_ALERT_RE = re.compile(r"\b(?:alert\w*|alarm\w*|fired|firing|paged|pagerduty|opsgenie|triggered)\b", re.I)
_USER_RE = re.compile(r"\b(?:customers?|users?|support|tickets?|reported|gitter|twitter|tweets?|complain\w*|forum)\b", re.I)


_CHANNEL_META_RE = re.compile(
    r"\b(?:open(?:ing|ed)?|creat(?:ing|ed)|start(?:ing|ed)|spinning up|spun up)\b[^.]{0,40}\b(?:channel|incident room|war ?room|bridge)\b",
    re.IGNORECASE,
)
_LOOKBACK = 30  # a verdict refers to one of the last few hypotheses, not one from hours ago


def _words(text: str) -> set[str]:
    """The sentence's content words, each cut to its stem ("deploys", "deployed" -> "deploy")."""
    return {_STEM_RE.sub("", w) or w for w in _WORD_RE.findall(text.lower()) if w not in _STOP}


_STEM_RE = re.compile(r"(?<=\w{4})(?:ments?|ing|ed|es|s)$")


# Said outright, a hypothesis is dropped whatever health words follow ("ruled out network: backbone looks healthy").
_RULED_OUT_WORDS_RE = re.compile(r"\bruled?\s+out\b|\bruling\s+out\b|\bred\s+herring\b|\bdead\s+end\b|\bnot\s+the\s+cause\b")


# Announcing that a finding is coming names no idea: "I think I see it", "we might have found the problem"
_FINDING_COMING_RE = re.compile(
    r"\b(?:i|we)\s+(?:think|guess|bet|might|may)\s+(?:(?:i|we)(?:[\x27\u2019]ve)?\s+)?(?:have\s+)?"
    r"(?:see|found|have|got|spotted|know|figured(?:\s+out)?)\s+(?:it|something|what|why|where|the\s+(?:problem|issue|cause|culprit|bug))\W*$"
)


# "both on dub3 I think", "just you i think, mine's fine": a hedge on what was seen, not an idea
# of the cause, unless the sentence names one ("it's the db I think").
_TRAILING_HEDGE_RE = re.compile(r"\s*\b(?:i|we)\s+(?:think|guess)\b\s*[.!]*\s*(?=[,;]|$)", re.IGNORECASE)
_CAUSE_CUE_RE = re.compile(
    r"\b(?:it[\x27\u2019]?s|it\s+is|caus\w*|because|due|related|broke\w*|deploy\w*|change\w*|config\w*|bug|leak\w*|"
    r"upgrade\w*|migration|release\w*|rollout|expired?|full|limit\w*|dns|cert\w*)\b",
    re.IGNORECASE,
)


# Words that hedge or give a verdict but name no idea ("I bet they are", "sorry for the red herring").
_NO_IDEA_WORDS = frozenset(
    _words(
        "bet think guess suspect wonder maybe perhaps probably sorry ugh red herring rule ruled ruling look looks fine normal okay "
        "sure yeah yep nope actually really thing stuff everything something anything nothing sound seem seems both either same "
        "idea theory hunch these those dead end"
    )
)


# Someone else's question passed on, not the team's idea: "customers are asking if it's an attack"
_RELAYED_QUESTION_RE = re.compile(
    r"\b(?:customers?|users?|clients?|people|they|support|press|reporters?)\s+(?:are\s+|keep\s+|have\s+been\s+)?(?:ask(?:ing|ed|s)?|wonder(?:ing|s)?|want(?:s)?\s+to\s+know)\b"
    r"|\bquestions?\s+from\s+(?:customers?|users?|clients?|support|the\s+press)\b",
    re.IGNORECASE,
)


def _only_a_hedge(sentence: str, pats, gate) -> bool:
    """True when what makes ``sentence`` a hypothesis is a trailing "I think" on an observation."""
    bare = _TRAILING_HEDGE_RE.sub("", sentence)
    return bare != sentence and not pats.has("hypothesis", bare, gate) and not _CAUSE_CUE_RE.search(bare)


def find_hypotheses(sigs: list[MessageSignals]) -> list[Hypothesis]:
    """Suspected causes and what became of them (raised, ruled out, confirmed)."""
    pats = patterns()
    found: list[tuple[Hypothesis, set[str], str | None]] = []
    born_ruled_out: set[int] = set()  # ideas first heard as already cleared ("db looks fine")
    for sig in sigs:
        if not ("hypothesis" in sig.flags or "ruled_out" in sig.flags or "root_cause" in sig.flags):
            continue
        if sig.state == "recover" and "hypothesis" not in sig.flags and not _RULED_OUT_WORDS_RE.search(sig.prep.lower):
            continue  # "everything seems fine now" reports health; it rules no idea out
        thread = sig.message.thread_id
        for sentence in sig.prep.sentences:
            if looks_like_instructions(sentence):
                continue  # a prompt injection is not a hypothesis
            ruled = pats.has("ruled_out", sentence, sig.prep.gate) and ("hypothesis" in sig.flags or "ruled_out" in sig.flags)
            confirmed = pats.has("root_cause", sentence, sig.prep.gate) and not sentence.rstrip().endswith("?")
            raised = (
                pats.has("hypothesis", sentence, sig.prep.gate)
                and not CLOSING_GUESS_RE.match(sentence)
                and not _FINDING_COMING_RE.search(sentence.lower())  # "give me 5 min, I think I see it": no idea named yet
                and not _only_a_hedge(sentence, pats, sig.prep.gate)
                and not _RELAYED_QUESTION_RE.search(sentence)  # "first question from customers is 'is this an attack?'"
            )
            if not (ruled or confirmed or raised):
                continue
            words = _words(sentence)
            target = None
            if ruled or confirmed:
                for hyp, hyp_words, hyp_thread in reversed(found[-_LOOKBACK:]):
                    if (thread and thread == hyp_thread) or words & hyp_words:
                        target = hyp
                        break
            if target is not None and ruled and id(target) in born_ruled_out:
                break  # "sms looks normal" then "sms fine here too": one idea, never suspected
            if target is not None:
                target.status = "ruled_out" if ruled else "confirmed"
                if sig.message.id not in target.message_ids:
                    target.message_ids.append(sig.message.id)
            elif (raised or ruled) and not _words(sentence) - _NO_IDEA_WORDS:
                break  # "I bet they are", "ugh ok sorry for the red herring": no idea named
            elif raised or ruled:
                status = "ruled_out" if ruled else "raised"
                quoted = with_code(sentence, sig.message.text)  # code words and link hosts, not "[link]"
                hyp = Hypothesis(text=summary_of(quoted, limit=200), status=status, message_ids=[sig.message.id])
                found.append((hyp, words, thread or sig.message.id))
                if ruled:
                    born_ruled_out.add(id(hyp))
            break
    return [h for h, _, _ in found]


def find_facts(sigs: list[MessageSignals]) -> dict[str, list[Fact]]:
    """Causes, fixes, luck, what went well or badly, action hints, prior incidents and what happened to the data, one fact per sentence."""
    pats = patterns()
    out: dict[str, list[Fact]] = {
        "causes": [], "fixes": [], "luck": [], "went_well": [], "went_badly": [], "action_hints": [], "prior_incidents": [], "data_impact": []
    }
    wanted = {
        "root_cause": "causes", "luck": "luck", "went_well": "went_well", "went_badly": "went_badly", "action": "action_hints",
        "prior": "prior_incidents", "data_loss": "data_impact",
    }
    for position, sig in enumerate(sigs):
        fixing_flags = "rollback" in sig.flags or "fix_deployed" in sig.flags or sig.state == "recover"
        if not (fixing_flags or sig.flags & _FACT_SIGNALS):
            continue  # one set lookup per signal instead of a regex per sentence
        for sentence in sig.prep.sentences:
            if looks_like_instructions(sentence):
                continue  # a prompt injection is never a cause, fix or lesson, whatever words it uses
            question = sentence.rstrip().endswith("?")
            for signal, key in wanted.items():
                if key == "causes" and (question or _NOT_A_CAUSE_RE.search(sentence)):
                    continue
                if key == "data_impact" and (question or _NOT_A_CAUSE_RE.search(sentence) or _ASKING_ABOUT_RE.search(sentence)):
                    continue  # "was anything lost?", "people are asking if there's data loss", "a call on data loss vs waiting"
                if signal in sig.flags and pats.has(signal, sentence, sig.prep.gate):
                    if key == "causes" and _POINTS_AT_CAUSE_RE.match(sentence):
                        fact = quote_fact(_pointed_at(sentence, sig), sig)  # "... nginx died. that's our root cause"
                    else:
                        fact = quote_fact(with_context(sentence, sig), sig, whole=key != "causes" or sentence == sig.prep.sentences[0])
                    if key == "causes":  # "Per @fejta the issue is..." reads "The issue is..."
                        fact.text = plain_sentence(fact.text, limit=200)
                    out[key].append(fact)
            fixing = fixing_flags and (
                pats.has("rollback", sentence, sig.prep.gate)
                or pats.has("fix_deployed", sentence, sig.prep.gate)
                or pats.positive("recover", sentence, sig.prep.gate)
            )
            if fixing and did(sentence) and not taken_back(sentence, sig) and not refuted(sentence, within(sigs, position, FIX_REACH)):
                out["fixes"].append(quote_fact(sentence, sig, 0.6 if sig.state == "recover" else 0.45))
    cited = {mid for fact in out["causes"] for mid in fact.message_ids}
    out["causes"] += [fact for fact in _pointed_causes(sigs) if fact.message_ids[0] not in cited]
    return out


# A sentence that names what came before it the cause: "... disk full, nginx died. that's our root cause"
_POINTS_AT_CAUSE_RE = re.compile(
    r"^\W*(?:(?:so|and|yes|yep)\W+)?(?:that|this)(?:[\x27\u2019]s|\s+is|\s+was)\s+(?:our|the)\s+(?:root\s+)?(?:cause|culprit|problem|issue)\b",
    re.IGNORECASE,
)


def _pointed_at(sentence: str, sig: MessageSignals) -> str:
    """The sentence before one that names it the cause, then that one (the fact is quoted from the first)."""
    at = sig.prep.sentences.index(sentence)
    return " ".join(sig.prep.sentences[max(0, at - 1) : at + 1])


_ASKING_ABOUT_RE = re.compile(r"\b(?:ask\w*|wonder\w*|worried|a\s+call\s+on|vs\.?)\b", re.IGNORECASE)


# A reply that points back at a finding: "that's why cpu looked fine", "that explains the preview thing".
_POINTS_BACK_RE = re.compile(
    r"^\W*(?:(?:ok|so|ah+|aha|oh|no|yes|yep|wow|damn|ugh|crap|shit)\W+)*(?:that[\x27\u2019]?s\s+why|that\s+(?:explains|would\s+(?:do|explain)\s+it)|this\s+explains"
    r"|that(?:[\x27\u2019]d|\s+would|[\x27\u2019]ll|\s+will)\s+do\s+it|that\s+tracks|(?:good|nice|great)\s+(?:catch|find)"
    # someone owning the change the finding names: "oh no. that's me. I thought I was on staging"
    r"|that[\x27\u2019]?s\s+(?:me|mine|on\s+me)|that\s+was\s+me|my\s+(?:bad|fault|mistake))\b",
    re.IGNORECASE,
)
_POINTED_REACH = timedelta(minutes=10)
_ADMITS_RE = re.compile(r".*\b(?:me|mine|my\s+(?:bad|fault|mistake))$", re.IGNORECASE)
_OWN_STEP_TOLD_RE = re.compile(r"\bI\s+(?:\w+\s+)?(?:\w+ed|was|thought|ran|did|made|forgot|kicked|hit|put|set)\b")


def _pointed_causes(sigs: list[MessageSignals]) -> list[Fact]:
    """The finding a reply points back at ("ThroughputThrottle = 1 on the data volume" / "that's
    why cpu looked fine"): the message before it, when it states something rather than asks."""
    found: list[Fact] = []
    for i, sig in enumerate(sigs):
        if i == 0 or not any(word in sig.prep.lower for word in ("explain", "why", "do it", "tracks", "catch", "find", " me", "mine", "my ")):
            continue
        points = _POINTS_BACK_RE.match(sig.prep.prose)
        if not points:
            continue
        if _ADMITS_RE.match(points.group(0)) and not _OWN_STEP_TOLD_RE.search(sig.prep.prose):
            continue  # "that's me" answering "who has comms?" owns a role, not the change found
        before = next(
            (s for s in reversed(sigs[max(0, i - 3) : i]) if s.is_human and s.prep.sentences and not _POINTS_BACK_RE.match(s.prep.prose)),
            None,
        )  # "good catch" then "nice find": both point at the finding
        if before is None or sig.message.at - before.message.at > _POINTED_REACH:
            continue
        stated = [x for x in before.prep.sentences if not x.rstrip().endswith("?") and not _NOT_A_CAUSE_RE.search(x)]
        if stated and not any(f.message_ids[0] == before.message.id for f in found):
            fact = quote_fact(with_context(stated[-1], before), before, 0.55)  # the finding ends the message ("jumping in. look: X = 1")
            found.append(fact.model_copy(update={"text": plain_sentence(fact.text, limit=200)}))
    return found


# A cause only supposed ("until rahul confirms the diff is the culprit", "if it's the cache") or a
# status post's later stage ("Resolved - Monitoring confirms the issue is resolved") names no cause.
_NOT_A_CAUSE_RE = re.compile(
    r"\b(?:until|unless|if|whether)\b|^\W*(?:resolved|monitoring|update|completed)\s*[-–—:]"
    # the cause said to be unknown: "No root cause yet", "root cause still unclear", "cause TBD"
    r"|\bno\s+(?:\w+\s+)?(?:root\s+)?cause\b|\bcause\s+(?:is\s+)?(?:still\s+)?(?:unknown|unclear|open|tbd|not\s+(?:known|clear|found))\b",
    re.IGNORECASE,
)
_RUNBOOK_RE = re.compile(r"\b(?:run-?books?|play-?books?|procedures?|sop)\b", re.IGNORECASE)


def _may_name_runbook(lower: str) -> bool:
    """True unless ``lower`` surely has no _RUNBOOK_RE match (plain substring tests first)."""
    if lower.isascii() and not ("book" in lower or "procedure" in lower or "sop" in lower):
        return False
    return _RUNBOOK_RE.search(lower) is not None


def find_runbooks(sigs: list[MessageSignals], links: list) -> list[Fact]:
    """Runbooks the responders used or missed: runbook links, and sentences that name one."""
    facts: list[Fact] = []
    seen: set[str] = set()
    for link in links:
        if link.kind == "runbook":
            seen.update(link.message_ids)
            facts.append(Fact(text=f"{link.label or 'runbook'}: {link.url}", message_ids=list(link.message_ids), confidence=0.6))
    for sig in sigs:
        if sig.message.id in seen or not _may_name_runbook(sig.prep.lower):
            continue
        for sentence in sig.prep.sentences:
            if _RUNBOOK_RE.search(sentence):
                if "action" in sig.flags or _RUNBOOK_MISSING_RE.search(sentence):
                    # a follow-up or a lack: "follow-ups: …, runbook link on the alert" says one was missing
                    clause = next((c for c in _RUNBOOK_CLAUSE_RE.split(sentence) if _RUNBOOK_RE.search(c)), sentence)
                    facts.append(Fact(text=f"missing: {clause.strip(' .')}", message_ids=[sig.message.id], confidence=0.5))
                else:
                    facts.append(quote_fact(sentence, sig, 0.5))
                break
    return facts


_RUNBOOK_MISSING_RE = re.compile(
    r"\b(?:no|missing|without|lack\w*|need\w*|add|write|create)\b[^.]{0,40}\b(?:run-?books?|play-?books?)\b"
    r"|\b(?:run-?books?|play-?books?)\b[^.]{0,30}\b(?:missing|needed|out\s+of\s+date|outdated|wrong|didn[\x27\u2019]?t\s+(?:help|cover))\b",
    re.IGNORECASE,
)
_RUNBOOK_CLAUSE_RE = re.compile(r"[,;:]\s+|\s+and\s+")


def find_severity(sigs: list[MessageSignals]) -> Fact | None:
    """The severity the channel states ("SEV2", "P1", "severity: high"), first mention wins."""
    for sig in sigs:
        if "sev" not in sig.prep.lower and not _P_LEVEL_RE.search(sig.prep.prose):
            continue
        match = _SEVERITY_RE.search(sig.prep.prose)
        if match:
            value = match.group("n") or match.group("s")
            label = f"SEV{value}" if value else (match.group("p") or match.group("w") or "").upper()
            return Fact(text=label, message_ids=[sig.message.id], confidence=0.7)
    return None


_RELAYED_RE = re.compile(r"(?i)^\W*new\s+(?:ticket|conversation|chat|message\s+in\s+#?ext|request)\b|\b(?:customer|user)\s+(?:ticket|report)\s*#?\d")
_HELP_DESK_RE = re.compile(rf"(?i)^(?:{HELP_DESKS}|front|plain)\b")
_MANUAL_PAGE_RE = re.compile(r"(?i)\bmanual(?:ly)?\s+(?:page|paged|triggered|escalat\w*)\b|\bpage\s+(?:from|by)\s+[A-Z]")


def find_detection_method(detected: KeyTime | None, transcript: Transcript) -> Fact | None:
    """How the problem was noticed: monitoring alert, user report, or people noticing."""
    if detected is None or not detected.message_ids:
        return None
    message = transcript.get(detected.message_ids[0])
    if message is None:
        return None
    text = strip_code(message.text)
    if _RELAYED_RE.search(text) or _HELP_DESK_RE.search(message.author or ""):
        method, conf = "user report", 0.6  # a help desk relaying a customer ("New ticket #238862: Can't log in")
    elif _MANUAL_PAGE_RE.search(text):
        method, conf = "noticed by the team", 0.5  # "Manual page from Lukas Meyer": a person raised it
    elif message.is_bot or detected.reason == "first alert" or _ALERT_RE.search(text):
        method, conf = "monitoring alert", 0.8 if message.is_bot else 0.65
    elif _MONITORING_RE.search(text):
        method, conf = "monitoring (dashboards)", 0.6
    elif _USER_RE.search(text):
        method, conf = "user report", 0.6
    else:
        method, conf = "noticed by the team", 0.4
    return Fact(text=method, message_ids=list(detected.message_ids), confidence=conf)


def find_title(
    transcript: Transcript, sigs: list[MessageSignals], messaging: list[MessagingItem] = (), effect: Fact | None = None
) -> Fact | None:
    """A working title: the channel name made readable, else the incident's name on the status
    page, else the first symptom sentence as a heading (the customer effect's when that one
    speaks of the speaker: "It's worse now", "My phone is going mental")."""
    name = re.sub(r"^#?(?:inc(?:ident)?|sev\d?|outage)[-_]?\d*(?:[-_]|$)", "", transcript.channel or "", flags=re.I)
    name = re.sub(r"\.(?:txt|md|log)$", "", name)
    name = _HOW_PASTED_RE.sub("", name)  # "Holesky incident (pasted from Discord, clock set to UTC)"
    words = re.sub(r"[-_]+", " ", name).strip()
    named = [w for w in re.findall(r"[^\W\d_]{3,}", words.casefold()) if w not in _TEAM_CHANNEL_WORDS]
    if named and not re.fullmatch(r"(?:paste|stdin|transcript|-)", name, re.I):
        return Fact(text=words[:1].upper() + words[1:], message_ids=[], confidence=0.4)
    declared = _declared_name(sigs)
    if declared is not None:
        return declared
    posted = status_title(messaging)
    if posted is not None:
        return Fact(text=posted[0], message_ids=posted[1], confidence=0.5)
    first = _first_report(sigs, None)
    title = headline(plain_sentence(_from_the_news(first), limit=200)) if first is not None else ""
    if not _says_what(title) and effect is not None:
        instead = headline(effect.text)
        if _says_what(instead) or not title:
            return Fact(text=instead, message_ids=list(effect.message_ids), confidence=0.3)
    return Fact(text=title, message_ids=[first.message.id], confidence=0.3) if first is not None and title else None


# The name an incident was declared under: "Incident declared by @ana: *2021-07-13: Increase in errors
# across multiple GitLab.com services* (S2)", "INC-1873 declared: Degraded execution (Sev 2). Lead: Maya",
# "Lena declared INC-1184 "Degraded function execution" — Severity: Major"
_DECLARED_RE = re.compile(
    r"\b(?:incident|inc-?\d+)\s+(?:(?:was|has\s+been)\s+)?declared(?:\s+by\s+[^:\n]{1,40})?:\s*(?P<name>[^\n]{6,160})"
    r"|\bdeclared\s+(?P<id>inc-?\d+)\s*[:\-\u2013\u2014]?\s*(?P<named>[^\n]{6,160})",
    re.IGNORECASE,
)
_QUOTED_NAME_RE = re.compile(r"[\"\u201c]([^\"\u201d]{6,120})[\"\u201d]")
_LEVEL = r"(?:sev(?:erity)?\s*:?\s*\w+|s\d|p\d|critical|major|minor|high|medium|low)"
# What an incident bot writes after the name: its severity, status, lead or channel
_NAME_END_RE = re.compile(
    rf"\s*\((?:{_LEVEL})\)|\s*\[(?:{_LEVEL})\]|\s+[-\u2013\u2014\u00b7|]\s+(?=(?:sev\w*|status|lead|channel|ic|commander)\b)"
    r"|\.\s+(?=[A-Z][\w ]{0,20}:)|\s+(?:sev(?:erity)?)\s*[:\d]",
    re.IGNORECASE,
)
_NAME_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\s*[:\-\u2013\u2014]\s*")  # GitLab's "2021-07-13: …"
_NOT_A_NAME_RE = re.compile(rf"(?:{_LEVEL}|status|investigating|identified|monitoring|resolved)\b", re.IGNORECASE)


def _declared_name(sigs: list[MessageSignals]) -> Fact | None:
    """The name the incident was declared under, when a message declares it by name."""
    for sig in sigs:
        if "incident_created" not in sig.flags:
            continue
        match = _DECLARED_RE.search(sig.message.text)
        if match is None:
            continue
        name = (match.group("name") or match.group("named")).strip()
        quoted = _QUOTED_NAME_RE.search(name)
        if quoted:
            name = quoted.group(1)
        else:
            name = re.sub(r"^[*_~`]+|[*_~`]+(?=\s*(?:\(|\[|[-\u2013\u2014\u00b7|]\s|\.\s|$))", "", name)  # Slack bold around it
            name = _NAME_END_RE.split(name, maxsplit=1)[0]
        name = re.sub(r"(?i)^inc-?\d+\s*[:\-\u2013\u2014]?\s*", "", _NAME_DATE_RE.sub("", name)).strip(" *_.")
        if _says_what(name) and not _NOT_A_NAME_RE.match(name) and not re.match(r"(?:https?://|<|@|#)", name):
            return Fact(text=name[:1].upper() + name[1:], message_ids=[sig.message.id], confidence=0.6)
    return None


# A sentence that guesses, plans or remembers, not one that reports: "maybe the ALB is what's broken",
# "expect a few seconds of errors", "they had a blip last week"
_NOT_NEWS_RE = re.compile(
    r"\b(?:maybe|probably|perhaps|might|could|would|should|possible|possibly|expect\w*|if|unless|usual|last\s+(?:time|week|month|year)|"
    r"ago|yesterday|will|going\s+to|gonna|shall|let[\x27\u2019]?s|smells|like\s+in|again|fine|nominal|normal|ok|okay|healthy|"
    r"(?:haven|hasn|didn|don)[\x27\u2019]?t|dropping\s+(?:that|it|this))\b|[\x27\u2019]ll\b|\?",
    re.IGNORECASE,
)


# A sentence that turns to the news at its end: "upgrade finished, all nodes Ready 🎉 hmm, wait."
_TURN_RE = re.compile(r"\b(?:hmm+|wait|uh[- ]?oh|oh\s+no|huh|whoa|hang\s+on)\W*$", re.IGNORECASE)


def _from_the_news(sig: MessageSignals) -> str:
    """The report's own words from the sentence that tells the problem: "upgrade finished, all nodes
    Ready. hmm, wait. accounts.jenkins.io is throwing …" starts at "accounts.jenkins.io"."""
    text = _own_words(sig.message.text)
    sentences = sig.prep.sentences
    pats = patterns()
    first = sentences[0] if sentences else ""
    if pats.has("symptom", first, sig.prep.gate) or not (len(first.split()) <= 4 or _TURN_RE.search(first)):
        return text  # the first sentence tells it, or says enough to head the document
    news = next((x for x in sentences[1:] if pats.positive("symptom", x, sig.prep.gate) and not _NOT_NEWS_RE.search(x)), None)
    at = text.casefold().find(news[:20].casefold()) if news else -1
    return text[at:] if at > 0 else text


_HOW_PASTED_RE = re.compile(r"\s*\((?=[^)]*\b(?:pasted|copied|exported|clock|times?|utc|tz)\b)[^)]{0,80}\)\s*$", re.IGNORECASE)
# A team's standing channel ("#ops", "eng-oncall", "sre-alerts") names the team, not the incident.
_TEAM_CHANNEL_WORDS = frozenset(
    "ops oncall eng engineering sre infra platform incidents incident alerts alerting general devops support "
    "sysadmin status outages outage war room warroom team dev prod production channel sev".split()
)


def _says_what(title: str) -> bool:
    """True when a heading names something ("Checkout returns 502s"), not the speaker ("My phone is
    going mental"), a pronoun ("It's worse now") or too little ("Seeing it", "Anyone around")."""
    words = [w for w in re.findall(r"\w*[^\W\d_]\w*", title) if len(w) >= 2]  # "502s" is a word, "2" is not
    return len(words) >= 3 and not _SPEAKS_OF_SPEAKER_RE.match(title)


# A heading about the speaker or a pronoun, not the incident: "My phone is going mental", "It's worse now", "Is it ...".
_SPEAKS_OF_SPEAKER_RE = re.compile(
    r"^(?:(?:it|this|that|my|i|we|our|they|from\s+my|anyone|someone)\b|i[\x27\u2019]m\b|it[\x27\u2019]s\b|we[\x27\u2019]re\b|is\s+it\b|not\s+yet\b"
    r"|what[\x27\u2019]?s\s+(?:going\s+on|up|happening)\b"
    # a call for people ("Is anyone around"), a relay of someone else's report ("Eu too, 1.8k"),
    # a part found healthy ("Edge looks clean this time")
    r"|is\s+(?:there\s+)?(?:anyone|anybody|someone|somebody)\b|\w+\s+too\b(?!\s+(?:many|much|slow|long|high|big))"
    r"|.*\b(?:looks?|is|are|seems?)\s+(?:clean|fine|ok|okay|good|healthy|normal)\b)",
    re.IGNORECASE,
)


# What a chat line says around the news, which a heading does without: the exclamation before it
# ("Huh.", "Ugh.", "Same here"), who sees it and the next step after it ("for me too", "checking").
_EXCLAIM_RE = re.compile(
    r"^(?:(?:huh|ugh+|oh\s+no|uh[- ]?oh|hm+|wow|yikes|whoa|damn|ok(?:ay)?|acking|ack[\x27\u2019]?d|same(?:\s+here)?|yep|yeah|nope|nah|"
    r"(?:yes|no|this)(?=\s*[.,!?:;])|yes\s+(?:pls|please)|pls|please|thanks|\+1|and\s+another\s+one|heads\s+up|random\s+q)\b[\s.,!?:;\u2014\u2013-]*)+",
    re.IGNORECASE,
)
_DOING_RE = re.compile(r"^(?:looking|checking|digging|investigating|having\s+a\s+look|joining|here)\b[^,;:]{0,40}[.!]?$", re.IGNORECASE)
_TAGS_RE = re.compile(
    r"^(?:[^\w\s\"'(\[<@#]+\s*)?(?:\[[^\]]{1,24}\]\s*)+|^[^\w\s\"'(\[<@#]+\s+"
    r"|^(?:https?://)?[\w-]+(?:\.[\w-]+)+\S*\s+[-\u2013\u2014:]\s+[\"\u201c]?"  # "status.mailsac.com - \"Full outage, …"
)
_ASIDE_RE = re.compile(
    r"(?:[\s,]+(?:checking|looking(?:\s+into\s+it)?|investigating|lol|fyi|again|too|either|right\s+now|"
    r"(?:having|taking)\s+a\s+look|on\s+it|digging\s+in|"
    r"for\s+(?:me|us|anyone(?:\s+else)?)(?:\s+too)?|(?:is\s+)?anyone\s+else(?:\s+(?:seeing|getting)\s+this)?))+\s*[?!.]*$",
    re.IGNORECASE,
)
# "Is it just me or is mainnet not producing blocks?", "Is arctos down for anyone else?"
_ASKED_RE = re.compile(
    r"^(?:is\s+it\s+just\s+me\s+or\s+)?(?P<verb>is|are)\s+(?P<subject>(?!(?:it|this|that|there)\b).+?)\s+"
    r"(?P<state>(?:not\s+)?(?:down|up|broken|slow|offline|unreachable|unavailable|\w+ing)\b.*?)\s*\?*$",
    re.IGNORECASE,
)


def headline(sentence: str, limit: int = 70) -> str:
    """A chat line as a heading: its first sentence without the exclamation, the aside and the
    question form, cut at a clause ("Huh. same here, dashboard won't load for me" -> "Dashboard won't load")."""
    text = _TAGS_RE.sub("", sentence.strip()) or sentence.strip()  # "🔴 [P1] ca-prod core-api: …"
    text = _EXCLAIM_RE.sub("", text) or text
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text) if len(p.split()) >= 2]
    told = [p for p in parts if not _DOING_RE.match(p)]  # "looking at the primary. CPU isn't pegged, it's iowait"
    text = (told or parts or [text])[0]
    text = _WHEN_SAID_RE.sub("", _ASIDE_RE.sub("", text)).rstrip(" .!?,;:")
    asked = _ASKED_RE.match(text)
    if asked:
        text = f"{asked.group('subject')} {asked.group('verb').lower()} {asked.group('state')}"
    relayed = _RELAY_RE.match(text) or _SAYS_RE.match(text)
    if relayed and len(relayed.group("said").split()) >= 3:
        text = relayed.group("said").strip(" \"'\u201c\u201d")  # '3 tickets in the last 5 min: "can't start my event"'
    if len(text) > limit:
        cut = text[:limit]
        # a clause ends outside brackets: "Customer (enterprise, EU region) says …" is not cut at its comma
        clause = max((m.start() for m in _CLAUSE_END_RE.finditer(cut) if cut.count("(", 0, m.start()) <= cut.count(")", 0, m.start())), default=-1)
        if clause >= 20:
            text = cut[:clause]
        else:  # at a word, without the small words a cut leaves dangling ("… when they try to")
            text = re.sub(r"(?:\s+(?:a|an|the|to|of|for|on|in|at|with|from|by|and|or|but|that|when|their|our|is|are|was|since))+$", "", cut.rsplit(" ", 1)[0], flags=re.IGNORECASE)
    if text.count('"') % 2:  # a quote left open or closed by the cut: 'Full outage, unreachable"'
        text = text.replace('"', "")
    text = text.strip(" .!?,;:")
    return text[:1].upper() + text[1:]


_CLAUSE_END_RE = re.compile(r", |; | - | — |: ")


# Who passed it on, before what they passed on: "3 tickets in the last 5 min: ...", "Support
# escalation from two tenants: ...", "New ticket #5639 from opsworks-customer: ...", "Posted in #p4-general: ...".
_RELAY_RE = re.compile(
    r"^(?=[^:]{0,60}\b(?:tickets?|chats?|support|escalation|posted|forum|posts?|emails?|calls?|customers?\s+(?:say|report)|declared\s+by)\b)"
    r"[^:]{3,60}:\s+(?P<said>.+)$",
    re.IGNORECASE,
)


# A customer's report passed on in words: "customer (enterprise, EU region) says their users stopped getting …"
_SAYS_RE = re.compile(
    r"^(?:an?\s+|the\s+|one\s+|our\s+|some\s+|\d+\s+)?(?:customers?|users?|clients?|merchants?|partners?|tenants?)\b[^.:]{0,60}?"
    r"\b(?:says?|saying|said|reports?|reporting|reported|tells?\s+us|told\s+us|complains?|complaining)\s+(?:that\s+)?(?:their\s+|its\s+)?(?P<said>.+)$",
    re.IGNORECASE,
)


_WONDER_RE = re.compile(r"\bwhy\b|\bhow\s+come\b|\bwhat\s+if\b|\bcould\s+(?:it|this|that)\b", re.IGNORECASE)


def _wonders(sentence: str) -> bool:
    """True when the sentence wonders about the cause ("why would that cause a failure?"): it names nothing."""
    return "?" in sentence and _WONDER_RE.search(sentence.split("?")[0]) is not None


def _own_words(text: str) -> str:
    """The message without what it quotes or pastes: "> Warning FailedScheduling ...", code blocks.

    ``text`` itself when it quotes nothing, so a caller can tell by identity that nothing was cut.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i and line.lstrip().startswith((">", "```")):
            return "\n".join(lines[:i]) or text  # the writer's words come first; the quoted log follows
    return text


# When it was said, which a title does without: "error rate went vertical like a minute ago".
_WHEN_SAID_RE = re.compile(
    r"\s+(?:like\s+|about\s+|maybe\s+)?(?:a|an|one|\d+)\s+(?:seconds?|minutes?|mins?|hours?)\s+ago\b|\s+(?:just\s+now|right\s+now)\b",
    re.IGNORECASE,
)


# A person's words describe the effect better than an alert's name: a human report this soon
# after the first symptom is preferred to it.
_REPORT_WINDOW = timedelta(minutes=30)


def _not_a_report(sig: MessageSignals) -> bool:
    """A recovery ("error rate back to baseline") or a follow-up ("actions: review time-to-alert")
    says nothing of what the problem looked like: neither the title nor what customers saw."""
    return sig.state == "recover" or "action" in sig.flags


def _first_report(sigs: list[MessageSignals], start: datetime | None) -> MessageSignals | None:
    """The first symptom message (from ``start`` on), a person's report preferred to a bot's."""
    first = None
    for sig in sigs:
        if "symptom" not in sig.flags or (start is not None and sig.message.at < start):
            continue
        if _not_a_report(sig):
            continue
        if sig.prep.sentences and _wonders(sig.prep.sentences[0]):
            continue  # "why would that cause a failure to scale?" wonders about it; it names nothing
        if first is None:
            first = sig
        if sig.is_human:
            return sig if sig.message.at - first.message.at <= _REPORT_WINDOW else first
        if sig.message.at - first.message.at > _REPORT_WINDOW:
            break
    return first


_IMPACT_OVER_RE = re.compile(
    r"\bno\s+(?:more|further|longer|remaining|ongoing)\s+(?:customer\s+|user\s+)?impact\b|\b(?:customer\s+|user\s+)?impact\s+(?:is\s+|has\s+)?(?:over|ended|gone|mitigated|resolved|stopped)\b",
    re.IGNORECASE,
)


# A response body or config pasted into a message: JSON's opening brackets, quoted keys.
_CODE_RE = re.compile(r'^\s*[\[{<]|"\s*:\s*[\[{"\d]|[{}\[\]]{2,}')


# What the people hit see, not a part of the tooling: "users on the forum say explorer shows a cert
# error", "browser says NET::ERR_CERT_DATE_INVALID", "customers can't log in" (not "I can't look tonight").
_USER_FACING_RE = re.compile(
    r"\b(?:users?|customers?|clients?|people|players?|members|visitors|merchants?|students|browsers?|"
    r"site|website|web\s*page|app|dashboard|login|log\s+in|sign[- ]?in|checkout|unavailable|"
    r"not\s+loading|won[\x27\u2019]?t\s+load)\b",
    re.IGNORECASE,
)
_GUESS_RE = re.compile(r"\b(?:guess|theory|suspect\w*|hypothes\w*)\b", re.IGNORECASE)  # about the cause
_EFFECT_LOOKAHEAD = 40  # symptom sentences read for one that names what the people hit see


# Not a statement of what users saw: a question ("Ridley is down?", "anything I can tell people?")
# or the responders' own step told without a subject ("Telegram'd the top users about the outage").
_ASKS_RE = re.compile(r"\?\W*$")
_OWN_STEP_RE = re.compile(
    r"^\W*(?:[a-z]+(?:ed|[\x27\u2019]d)|sent|told|posted|pinged|wrote|rang|called"
    r"|(?:shutting|rolling|restarting|reverting|deploying|draining|failing\s+over|scaling|killing|disabling|pausing|stopping|switching|posting|paging"
    r"|watching|monitoring|looking|checking|investigating|digging|reading)\b)\s*(?!to\b)",
    re.IGNORECASE,
)


def find_customer_effect(sigs: list[MessageSignals], detected: KeyTime | None) -> Fact | None:
    """What users experienced: the first symptom sentence at or after detection that names what
    the people hit see ("users say explorer shows a cert error") and states it (no question, no
    step of the responders'); else the first such statement; else the first symptom sentence."""
    first: Fact | None = None
    stated: Fact | None = None
    for count, (fact, sentence) in enumerate(_effect_sentences(sigs, detected)):
        states = not _ASKS_RE.search(sentence) and not _OWN_STEP_RE.match(fact.text)
        if states and _USER_FACING_RE.search(fact.text):
            return fact
        first = first or fact
        stated = stated or (fact if states else None)
        if count >= _EFFECT_LOOKAHEAD:
            break
    return stated or first


def _effect_sentences(sigs: list[MessageSignals], detected: KeyTime | None) -> Iterator[tuple[Fact, str]]:
    """Symptom sentences in the order a reader meets them (the first report, then the channel),
    each as a fact and as written."""
    pats = patterns()
    start = detected.at if detected else None
    report = _first_report(sigs, start)
    for sig in ([report] if report is not None else []) + sigs:
        if start is not None and sig.message.at < start and "symptom" not in sig.flags:
            continue
        if _not_a_report(sig):
            continue
        own = _own_words(sig.message.text or "")
        for sentence in sig.prep.sentences:
            if _CHANNEL_META_RE.search(sentence):
                continue  # "Opening this channel for the 5xx alert" is about the channel, not the users
            if own is not sig.message.text and sentence[:30] not in own:
                continue  # a line of the log the message quotes, not what users saw
            if _wonders(sentence) or pats.has("hypothesis", sentence, sig.prep.gate) or _GUESS_RE.search(sentence):
                continue  # "why would that cause a failure?", "my first guess is OOM": about the cause, not the effect
            if _CODE_RE.search(sentence):
                continue  # '{"errors":[{"message": ...' pasted in: a response body, not what users saw
            if _IMPACT_OVER_RE.search(sentence):
                continue  # "No more customer impact, dropping to monitoring": the end of it
            if pats.positive("symptom", sentence, sig.prep.gate):
                fact = quote_fact(sentence, sig, 0.4)
                # the sentence that says it, not the message's first one ("why would that...? I feel ...")
                said = sentence if fact.text.startswith(sentence[:20]) is False else fact.text
                yield fact.model_copy(update={"text": plain_sentence(said, limit=160).rstrip(".")}), sentence
