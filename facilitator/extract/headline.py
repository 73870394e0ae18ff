"""The incident's working title and what customers saw, read from the first reports.

A title is the name the incident was declared under, else the status page's name for it, else
the name of the channel opened for it made readable (not a team's standing channel), else the
first report of the problem as a heading; the
customer effect is the first symptom sentence that names what the people hit see. Both are
proposals the interview shows with the message they came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from facilitator.extract.messaging import status_title
from facilitator.extract.patterns import patterns
from facilitator.extract.quotes import quote_fact
from facilitator.extract.signals import MessageSignals
from facilitator.extract.written import plain_sentence, sentence_case
from facilitator.findings import Fact, KeyTime, MessagingItem
from facilitator.transcript import Transcript

_CHANNEL_META_RE = re.compile(
    r"\b(?:open(?:ing|ed)?|creat(?:ing|ed)|start(?:ing|ed)|spinning up|spun up)\b[^.]{0,40}\b(?:channel|incident room|war ?room|bridge)\b",
    re.IGNORECASE,
)


def find_title(
    transcript: Transcript, sigs: list[MessageSignals], messaging: list[MessagingItem] = (), effect: Fact | None = None
) -> Fact | None:
    """A working title: a name people wrote for the incident (the one it was declared under, its
    name on the status page), else the name of the channel opened for it made readable, else the
    first symptom sentence as a heading (the customer effect's when that one speaks of the
    speaker: "It's worse now", "My phone is going mental")."""
    declared = _declared_name(sigs)
    if declared is not None:
        return declared
    posted = status_title(messaging)
    if posted is not None:
        return Fact(text=posted[0], message_ids=posted[1], confidence=0.5)
    channel = _channel_title(transcript.channel or "")
    if channel:
        return Fact(text=channel, message_ids=[], confidence=0.4)
    first = _first_report(sigs, None)
    title = headline(plain_sentence(_from_the_news(first), limit=200)) if first is not None else ""
    if not _says_what(title) and effect is not None:
        instead = headline(effect.text)
        if _says_what(instead) or not title:
            return Fact(text=instead, message_ids=list(effect.message_ids), confidence=0.3)
    return Fact(text=title, message_ids=[first.message.id], confidence=0.3) if first is not None and title else None


# A channel opened for one incident: "#inc-2041-checkout-errors", "#sev1-payments", "#cloudbank-incident",
# "#accounts-war-room", "Holesky incident (pasted from Discord)"
_INCIDENT_CHANNEL_RE = re.compile(
    r"^(?:inc|incident|sev\d?|outage|ir)(?:[-_\s]|\d|$)|[-_\s](?:inc|incident|outage|war[-_\s]?room|warroom)(?:[-_\s]|$)", re.IGNORECASE
)


def _channel_title(channel: str) -> str:
    """The channel's name made readable ("#inc-2024-03-05-checkout-502s" -> "Checkout 502s"), or ""
    when it names only a team, a number or a file ("#ops", "#inc-4412", "paste")."""
    name = re.sub(r"^#", "", channel.strip())
    name = re.sub(r"\.(?:txt|md|log)$", "", name)
    name = _HOW_PASTED_RE.sub("", name)  # "Holesky incident (pasted from Discord, clock set to UTC)"
    name = re.sub(r":[\w.-]+$", "", re.split(r"\s+[\u2014\u2013|]\s+", name)[0])  # a Matrix room's server, a note after a dash
    if not _INCIDENT_CHANNEL_RE.search(name):
        return ""  # a team's standing channel ("#wynton-help", "#obs-ops"): the first report says more
    name = re.sub(r"^(?:inc(?:ident)?|sev\d?|outage)[-_]?\d*(?:[-_]|$)", "", name, flags=re.I)
    name = re.sub(r"^(?:\d+[-_.])+(?=\D)|(?:[-_.]\d+)+$", "", name)  # the date or number around it: "2024-03-05-checkout"
    words = re.sub(r"[-_]+", " ", name).strip()
    named = [w for w in re.findall(r"[^\W\d_]{3,}", words.casefold()) if w not in _TEAM_CHANNEL_WORDS]
    if not named or re.fullmatch(r"(?:paste|stdin|transcript|-)", name, re.I):
        return ""
    return words[:1].upper() + words[1:]


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
# What an incident bot writes after the name: its severity, status, lead or channel ("— join #inc-1187-...")
_NAME_END_RE = re.compile(
    rf"\s*\((?:{_LEVEL})\)|\s*\[(?:{_LEVEL})\]|\s+[-\u2013\u2014\u00b7|]\s+(?=(?:sev\w*|status|lead|channel|ic|commander|join)\b)"
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
            text = re.sub(r"(?:\s+(?:a|an|the|to|of|for|on|in|at|with|from|by|and|or|but|that|when|their|our|is|are|was|since|[<>=+&|/*~-]+))+$", "", cut.rsplit(" ", 1)[0], flags=re.IGNORECASE)
    if text.count('"') % 2:  # a quote left open or closed by the cut: 'Full outage, unreachable"'
        text = text.replace('"', "")
    if text.endswith(")") and text.count(")") > text.count("("):  # closed outside what was kept: '… timed out)'
        text = text[:-1]
    return sentence_case(text.strip(" .!?,;:"))


_CLAUSE_END_RE = re.compile(r", |; | - | — |: ")


# Who passed it on, before what they passed on: "3 tickets in the last 5 min: ...", "Support
# escalation from two tenants: ...", "New ticket #5639 from opsworks-customer: ...", "Posted in #p4-general: ...",
# a pager's "Triggered through Datadog: ...".
_RELAY_RE = re.compile(
    r"^(?=[^:]{0,60}\b(?:tickets?|chats?|support|escalation|posted|forum|posts?|emails?|calls?|customers?\s+(?:say|report)|declared\s+by|"
    r"triggered\s+(?:through|by|via|from))\b)"  # a pager's "Triggered through Datadog: \"…\""
    r"[^:]{3,60}:\s+(?P<said>.+)$",
    re.IGNORECASE,
)


# A customer's report passed on in words: "customer (enterprise, EU region) says their users stopped getting …",
# "two customers already asking why sdk init is timing out"
_SAYS_RE = re.compile(
    r"^(?:an?\s+|the\s+|one\s+|two\s+|three\s+|a\s+few\s+|several\s+|many\s+|multiple\s+|our\s+|some\s+|\d+\s+)?"
    r"(?:customers?|users?|clients?|merchants?|partners?|tenants?)\b[^.:]{0,60}?"
    r"\b(?:says?|saying|said|reports?|reporting|reported|tells?\s+us|told\s+us|complains?|complaining|"
    r"(?:asking|asked|wondering)\s+(?:us\s+)?(?:why|whether|if))\s+(?:that\s+)?(?:their\s+|its\s+)?(?P<said>.+)$",
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
# the people hit, quoted: 'New ticket #20417 from enterprise customer: "pushes failing with 502"'
_RELAYED_RE = re.compile(r"\b(?:customers?|users?|clients?|merchants?)\s*:\s*[\"\u201c]", re.IGNORECASE)
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
    # A monitor's line ("🔴 FAILING http-check eu-fr-1 canary-app") tells what a probe saw, in its
    # own terms: people's words or a status post come first, the monitor only when nothing else does.
    by_monitor: Fact | None = None  # the monitor's line a person's words did not come to replace
    since: datetime | None = None  # and when it was posted
    for count, (fact, sentence, sig) in enumerate(_effect_sentences(sigs, detected)):
        states = not _ASKS_RE.search(sentence) and not _OWN_STEP_RE.match(fact.text)
        if states and (_USER_FACING_RE.search(fact.text) or _RELAYED_RE.search(sentence)):
            if _monitor_line(sig):
                by_monitor, since = by_monitor or fact, since or sig.message.at
                continue
            # people's words of what users saw, soon after the monitor's line or naming the people hit
            if since is None or sig.message.at - since <= _MONITOR_REPLACE or _PEOPLE_HIT_RE.search(fact.text):
                return fact
        first = first or fact
        stated = stated or (fact if states else None)
        if count >= _EFFECT_LOOKAHEAD:
            break
    return by_monitor or stated or first


_MONITOR_REPLACE = timedelta(minutes=20)
_PEOPLE_HIT_RE = re.compile(r"\b(?:users?|customers?|clients?|people|players?|members|visitors|merchants?|students|readers|admins)\b", re.IGNORECASE)
# A status post's stage: what a status page or an incident tool tells customers, not a probe's reading
# (or a relay of what customers wrote: a ticket, an escalation, a notice)
_STAGE_RE = re.compile(
    r"\b(?:investigating|identified|monitoring|update|resolved|incident|tickets?|escalation|conversation|notice|may)\b", re.IGNORECASE
)


def _monitor_line(sig: MessageSignals) -> bool:
    """A monitor's alert ("🔴 FAILING http-check eu-fr-1 canary-app"): a probe's reading in its own
    terms ("app" there is no app users saw), where a person's words tell what users saw."""
    return not sig.is_human and "alert" in sig.flags and "status_page" not in sig.flags and not _STAGE_RE.search(sig.prep.lower)


def _effect_sentences(sigs: list[MessageSignals], detected: KeyTime | None) -> Iterator[tuple[Fact, str, MessageSignals]]:
    """Symptom sentences in the order a reader meets them (the first report, then the channel),
    each as a fact, as written, and with its message's signals."""
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
                yield fact.model_copy(update={"text": plain_sentence(said, limit=160).rstrip(".")}), sentence, sig
