"""Hints for the interview: hypotheses, causes, fixes, luck, follow-ups, prior incidents,
plus the detection method and severity (the title and the customer effect: ``headline.py``).

These are proposals, not conclusions: each is the sentence that suggested it and the
message it came from, so the interview can quote it back ("At 17:02 someone suggested the
GCS incident; was that ruled out?"). Hypotheses are followed through the channel: a later
"ruled out" or "root cause" message that shares words with an open hypothesis (or replies
in its thread) updates its status.
"""

from __future__ import annotations

import re
from datetime import timedelta

from facilitator.extract.fixes import FIX_REACH, did, refuted, taken_back, within
from facilitator.extract.patterns import patterns, strip_code
from facilitator.extract.quotes import quote_fact, quoted, with_code, with_context
from facilitator.extract.signals import CLOSING_GUESS_RE, MessageSignals
from facilitator.extract.written import plain_sentence, sentence_case, summary_of
from facilitator.findings import Fact, Hypothesis, KeyTime
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


# "looks good from here", "yep all looks fine": the verdict with nothing before it that it clears
_NOTHING_NAMED_RE = re.compile(
    r"^\W*(?:(?:yep|yes|yeah|yup|ya|ok|okay|so|and|now|all|it|that|this|everything|things|still|also)\W+)*"
    r"(?:looks?|seems?|is|are)\s+(?:all\s+)?(?:fine|normal|ok|okay|good|great|healthy)\b",
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
            elif ruled and not raised and _NOTHING_NAMED_RE.match(sentence):
                break  # "yep looks good from here, thanks both": a check after the fix, no part named
            elif raised or ruled:
                status = "ruled_out" if ruled else "raised"
                told = with_code(sentence, sig.message.text)  # code words and link hosts, not "[link]"
                hyp = Hypothesis(text=summary_of(told, limit=200), status=status, message_ids=[sig.message.id])
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
                    if key == "went_well" and "luck" in sig.flags and pats.has("luck", sentence, sig.prep.gate):
                        continue  # "lucky Leon had the deploy log handy, that saved us time" is told once, as luck
                    if key == "causes" and _POINTS_AT_CAUSE_RE.match(sentence):
                        said = _pointed_at(sentence, sig)
                        if not said:
                            continue  # "yep, that'd do it" answers a message before: ``_pointed_causes`` quotes that one
                        fact = quote_fact(said, sig)  # "... nginx died. that's our root cause"
                    else:
                        # a cause, or what went well or badly, is quoted from its sentence, not the whole message
                        # ("we should add an alert... we had no signal at all until customers failed")
                        if key in ("went_well", "went_badly"):
                            fact = _lesson_fact(sentence, sig)
                        else:
                            own = key == "causes" and sentence != sig.prep.sentences[0]
                            fact = quote_fact(with_context(sentence, sig), sig, whole=not own)
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
    cited = {mid for fact in out["causes"] for mid in fact.message_ids}
    out["causes"] += [fact for fact in _explained_within(sigs) if fact.message_ids[0] not in cited]
    if not out["causes"]:
        out["causes"] = _owned_up_causes(sigs)
    # "yeah that'd do it" alone names nothing: the finding it answers is quoted instead (``_pointed_causes``)
    out["causes"] = [fact for fact in out["causes"] if not _BARE_POINTER_RE.match(fact.text)]
    return out


_BARE_POINTER_RE = re.compile(
    r"^\W*(?:(?:so|and|yes|yep|yeah|ok|ah|oh|good|nice|great|catch|find)\W+)*that(?:[\x27\u2019]d|\s+would|\s+explains)\s*(?:(?:do|explain)\s+it)?\W*$", re.IGNORECASE
)


# Dismay at one's own finding: "oh no. the null check is inverted", "uh oh, that's my thursday bump".
_DISMAY_RE = re.compile(r"^\W*(?:oh\s+no+|uh[\s-]?oh|oops|whoops|my\s+bad)\b[\W\s]*", re.IGNORECASE)
# What makes the words after it a cause rather than a symptom: a change or step pointed at
# ("that's the xbps alternatives change", "the index I dropped at 5:06"), or how it went wrong.
# "that's the migration", "that's my bump": the thing the speaker points at
_POINTER = r"^\W*that[\x27\u2019]?s\s+(?:the|my|our)\s+"
_POINTER_RE = re.compile(_POINTER, re.IGNORECASE)
_OWNED_CAUSE_RE = re.compile(
    rf"{_POINTER}(?!one\b|bug\b|thing\b)\w"
    r"|\b(?:change|migration|release|deploy|bump|refactor\w*|rule|selector|filter|script|patch|commit|pr|apply)\b[^.]{0,40}"
    r"\b(?:went|came|matched|locks?|picked|touch\w*|rewrit\w*)\b"
    r"|\b(?:inverted|instead\s+of|was\s+(?:meant|supposed)\s+to|pointed\s+at\s+prod|matched\s+prod|came\s+in\s+with|went\s+(?:out|to\s+prod))\b"
    r"|\b(?:wrong|prod)\s+(?:context|env\w*|branch|cluster|db|database|host|target|one)\b"
    r"|\b[a-z]+\s+I\s+(?:\w+ed|ran|put|made|set|shipped|pushed|wrote|did)\b",  # "the key I rotated yesterday"
    re.IGNORECASE,
)
# Words that are no cause: tending to the incident ("checking", "calling Ian", "sorry, looking now").
_TENDING_RE = re.compile(r"\b(?:sorry|checking|looking|on\s+it|calling|rolling\s+back|reverting|fixing|re-?applying)\b", re.IGNORECASE)
# The speaker as the subject ("I ran it on the primary", "after i approved"): a cause is told without them.
_SPEAKER_SUBJECT_RE = re.compile(r"\bI\b(?![\x27\u2019.-])", re.IGNORECASE)
# A sentence led by a bare pronoun points at something said before it ("it was meant to be 3h").
_PRONOUN_LED_RE = re.compile(r"^\W*(?:it|this|that|they)\b(?![\x27\u2019]?s\s+(?:the|my|our)\b)", re.IGNORECASE)
# "the key I rotated yesterday", "the index I dropped at 5:06": the speaker in a relative clause
# after a noun, its verb taking no object of its own (not "the pane I ran it in", "when I turned").
_RELATIVE_I_RE = re.compile(
    r"\b(?!(?:when|after|since|before|until|because|if|while|once|as|where|and|but|so|then|that|what|which|"
    r"probably|think|guess|maybe|bet|oh|no|yes|ok)\b)([a-z]+)\s+I\s+"
    r"(?=\w+(?:\s+(?!(?:it|them|that|a|an|the|my|our)\b)\w|[.,;]|$))",
    re.IGNORECASE,
)
# Owning up, not telling: "that's probably me,", "that's on me."
_OWNING_RE = re.compile(r"^\W*(?:that[\x27\u2019]?s|it[\x27\u2019]?s)\s+(?:probably\s+|prob\s+|def\w*\s+)?(?:me|mine|on\s+me)\b[\s,.;:\u2014-]*", re.IGNORECASE)


def _owned_up_causes(sigs: list[MessageSignals]) -> list[Fact]:
    """The finding a person met with dismay, when it names a change or how it went wrong:
    "oh no. the filter change in !212, the null check is inverted". Told without the speaker:
    "that's my thursday bump, sidekiq went to 6.0.0" reads "The thursday bump: sidekiq went to 6.0.0";
    a sentence whose subject is the speaker ("I ran it on the primary") is left out."""
    for sig in sigs:
        if not sig.is_human or not sig.prep.sentences or not _DISMAY_RE.match(sig.prep.sentences[0]):
            continue
        told = [_DISMAY_RE.sub("", sig.prep.sentences[0], count=1), *sig.prep.sentences[1:]]
        kept: list[str] = []
        before = ""  # a statement just before the one that names the change: "interval is `1.second`. came in with yesterday's release"
        for sentence in told:
            sentence = _OWNING_RE.sub("", sentence.strip(), count=1)
            skip = not sentence or sentence.endswith("?") or _TENDING_RE.search(sentence) or _NOT_A_CAUSE_RE.search(sentence)
            if skip or _SPEAKER_SUBJECT_RE.search(_RELATIVE_I_RE.sub(r"\1 ", sentence)):
                if kept:
                    break  # the finding ends where the talk turns to the speaker or the next step
                before = ""
                continue
            if kept:
                kept.append(sentence)
            elif _OWNED_CAUSE_RE.search(sentence) and (before or not _PRONOUN_LED_RE.match(sentence)):
                kept = [before, sentence] if before and not _POINTER_RE.match(sentence) else [sentence]
            else:
                before = sentence if len(sentence.split()) >= 3 else ""
            if len(kept) == 2:
                break
        text = _told_plainly([quoted(x, sig.message.text) for x in kept])
        if len(text.split()) >= 5:
            return [Fact(text=summary_of(text, limit=200), message_ids=[sig.message.id], confidence=0.45)]
    return []


def _told_plainly(sentences: list[str]) -> str:
    """The speaker taken out of a finding: "that's the migration. the FK locks the table" -> "The
    migration: the FK locks the table", "the key I rotated" -> "the key rotated", "my
    DATABASE_URL" -> "the DATABASE_URL"."""
    if not sentences:
        return ""
    first = _POINTER_RE.sub("the ", sentences[0], count=1)
    if first != sentences[0] and len(sentences) > 1:
        first = first.rstrip(" .,;:")  # the thing pointed at, then what it did
        text = f"{first}: {sentences[1]}" if len(first.split()) <= 6 else f"{first}. {sentences[1]}"
    else:
        text = " ".join(sentence_case(x) for x in [first, *sentences[1:]])
    text = _RELATIVE_I_RE.sub(r"\1 ", text).replace(" ,", ",")
    text = re.sub(r"\bmy\b", "the", text, flags=re.IGNORECASE)
    return sentence_case(text)


_LABEL_LEAD_RE = re.compile(r"^\W*(?:follow[- ]?ups?|todo|fyi|note|also|btw)\b\s*[:,-]?\s*", re.IGNORECASE)


def _lesson_fact(sentence: str, sig: MessageSignals) -> Fact:
    """What went well or badly, quoted from its own sentence without a "follow-up:" label; a short
    one ("should have caught that") after the sentence before it, which says what it is about."""
    at = sig.prep.sentences.index(sentence)
    told = _LABEL_LEAD_RE.sub("", sentence) or sentence
    before = sig.prep.sentences[at - 1] if at else ""
    if len(told) < 40 and len(before.split()) >= 4:
        told = f"{before} {told}"
    text = " ".join(quoted(told, sig.message.text).split())
    if len(text) > 200:
        text = text[:199].rsplit(" ", 1)[0] + "…"
    return Fact(text=text[:1].upper() + text[1:], message_ids=[sig.message.id])


# A later sentence of the same message that says the one before it explains something:
# "the secrets service pods died shortly before the deploy. that's why both the deploy and the rollback blew up"
_THATS_WHY_RE = re.compile(r"^\W*(?:(?:so|and|ok|yeah)\W+)?(?:that[\x27\u2019]?s\s+why|which\s+(?:is\s+why|explains))\b", re.IGNORECASE)


def _explained_within(sigs: list[MessageSignals]) -> list[Fact]:
    """The statement a person's own next sentence calls the reason ("X. that's why Y"): X, quoted."""
    found: list[Fact] = []
    for sig in sigs:
        if not sig.is_human or "why" not in sig.prep.lower and "explains" not in sig.prep.lower:
            continue
        sentences = sig.prep.sentences
        for at in range(1, len(sentences)):
            before = sentences[at - 1]
            if (
                _THATS_WHY_RE.match(sentences[at]) and len(before.split()) >= 4  # "oh. so that's why ..." points back at another message
                and not before.rstrip().endswith("?") and not _NOT_A_CAUSE_RE.search(before)
            ):
                fact = quote_fact(with_context(before, sig), sig, 0.5)
                found.append(fact.model_copy(update={"text": plain_sentence(fact.text, limit=200)}))
                break
    return found


# A sentence that names what came before it the cause: "... disk full, nginx died. that's our root cause"
_POINTS_AT_CAUSE_RE = re.compile(
    r"^\W*(?:(?:so|and|yes|yep)\W+)?(?:that|this)(?:[\x27\u2019]s|\s+is|\s+was)\s+(?:our|the)\s+(?:root\s+)?(?:cause|culprit|problem|issue)\b"
    r"|^\W*(?:(?:so|and|yes|yep|yeah|ok|ah|oh)\W+)*that(?:[\x27\u2019]d|\s+would)\s+(?:do|explain)\s+it\b",  # "... -> sozu reads it as a regex. that'd do it"
    re.IGNORECASE,
)


def _pointed_at(sentence: str, sig: MessageSignals) -> str:
    """The sentence before one that names it the cause, then that one (the fact is quoted from the
    first); '' when the message states nothing before it (nothing, or only a question)."""
    at = sig.prep.sentences.index(sentence)
    before = sig.prep.sentences[at - 1] if at else ""
    return f"{before} {sentence}" if before and not before.rstrip().endswith("?") else ""


_ASKING_ABOUT_RE = re.compile(r"\b(?:ask\w*|wonder\w*|worried|a\s+call\s+on|vs\.?)\b", re.IGNORECASE)


# A reply that points back at a finding: "that's why cpu looked fine", "that explains the preview thing".
_POINTS_BACK_RE = re.compile(
    r"^\W*(?:(?:ok|so|ah+|aha|oh|no|yes|yep|yeah|wow|damn|ugh|crap|shit)\W+)*(?:that[\x27\u2019]?s\s+why|that\s+(?:explains|would\s+(?:do|explain)\s+it)|this\s+explains"
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
    # a path, a plan or a rollout's order told with arrows: "trace: vault -> strat -> proxy", "could do: fees off → migrate → harvest"
    r"|^\W*(?:trace|path|flow|route|stage|steps?|order|plan|sequence|pipeline|call\s+chain)\b[^\u2192>]*(?:->|\u2192)"
    r"|\b(?:could|should|would|will|let[\x27\u2019]?s|can\s+we|plan)\b[^\u2192>]*(?:->|\u2192)"
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
