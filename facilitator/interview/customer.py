"""Customer wording: what the external version says when the commander has not written it yet.

The external version is composed from the customer-facing answers (``customer_effect``,
``customer_explanation``, ``customer_changes``), never from the engineers' sentences. When an
answer is missing, the interview offers (and ``draft`` fills in, marked as a suggestion) a
plain wording built here: a story in customer terms chosen by what fixed it ("we reversed a
recent change", only when the fix says so plainly), and the action items that are safe to tell
customers (no blame, not vague, nothing about credentials or weaknesses), with their technical
detail in parentheses dropped. An item in the team's own words (an identifier, an acronym,
"canary", "DLQ") is told as what that kind of change does for customers ("We are improving our
monitoring so that we notice problems like this sooner"). Nothing here invents a fact: the
words are generic on purpose.
"""

from __future__ import annotations

import re

from facilitator.interview.lint import action_findings, blame_findings, starts_with_verb
from facilitator.redact_detect import identifier_spans
from facilitator.session import ActionItem

# Actions about credentials or weaknesses stay internal: telling customers "we are rotating the
# key that leaked" is exactly the weaponisable detail the redaction checklist warns about.
SENSITIVE_ACTION = re.compile(
    r"(?i)\b(?:passwords?|credentials?|secrets?|tokens?|api[ _-]?keys?|access[ _-]?keys?|private[ _-]?keys?"
    r"|rotat\w*|revok\w*|vulnerab\w*|exploit\w*|CVE-\d+|pen(?:etration)?[ -]?test\w*)\b"
)
# The stories, and the words that say each action was taken: ``done`` forms (past tense) claim it
# alone; ``named`` forms (a noun or "-ing") claim it only beside a word saying it finished.
_ROLLBACK = "A recent change to our systems caused the problem. We reversed that change, and service recovered."
_FAILOVER = "A failure in one of our systems caused the problem. We switched to a standby system, and service recovered."
_RESTART = "One of our systems stopped working correctly. We restarted it, and service recovered."
_CAPACITY = "One of our systems ran out of capacity. We added capacity, and service recovered."
_VENDOR = "A service we depend on had a problem. Once it was resolved, our service recovered."
# Claims nothing the chat may contradict: not whose the fault was (a provider's, ours), not what fixed it.
_GENERIC_STORY = "We found what caused the problem and took steps to resolve it, and service recovered."
_GENERIC_NO_CAUSE = "We took steps to resolve the problem, and service recovered."  # while the cause is still open
_MORE = r"(?:more |extra |a few |some |\d+ )?"
_ACTIONS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (_ROLLBACK,
     re.compile(r"\b(?:rolled[ -]?back|reverted|undid|backed out)\b", re.IGNORECASE),
     re.compile(r"\b(?:roll(?:ing)?[ -]?backs?|revert(?:s|ing)?|undo(?:ing)?)\b", re.IGNORECASE)),
    (_FAILOVER,
     re.compile(r"\bfailed[ -]?over\b", re.IGNORECASE),
     re.compile(r"\bfail(?:ing)?[ -]?overs?\b", re.IGNORECASE)),
    (_RESTART,
     re.compile(r"\b(?:restarted|rebooted|recycled|bounced)\b", re.IGNORECASE),
     re.compile(r"\b(?:restart(?:s|ing)?|reboot(?:s|ing)?|recycl(?:e|ing))\b", re.IGNORECASE)),
    (_CAPACITY,
     re.compile(r"\b(?:scaled (?:up|out)|(?:added|increased (?:the )?)" + _MORE
                + r"(?:capacity|nodes|servers|instances|replicas|workers))\b", re.IGNORECASE),
     re.compile(r"\b(?:scal(?:e|ing)[ -](?:up|out)|scale-?(?:up|out)s?)\b", re.IGNORECASE)),
)
# A sentence with any of these says the action was not taken, did not help, is doubted or is
# only planned, so it claims nothing ("Rollback done, no change.", "Restarting won't help",
# "Restart the adapter?", "Scaling out instead", "we'll need a rolling restart").
_UNSURE = re.compile(
    r"\?|n't\b|\b(?:not|never|nothing|none|cannot|without|still|instead|rather|barely|reject\w*|abandon\w*"
    r"|no (?:change|difference|effect|luck|improvement|dice|good|point|help)"
    r"|probably|maybe|perhaps|might|may|could|would|hopefully|usually|seems?|think|guess"
    r"|tr(?:y|ied|ying)|if|going to|gonna|let'?s|let me|should|will|plan\w*|about to|want to"
    r"|need(?:s|ed)? to|wait(?:ing)?|later|next)\b|'(?:ll|d)\b",
    re.IGNORECASE,
)
# Beside a noun or "-ing" form, words saying the action finished ("Rollback done", "Revert is live").
_FINISHED = re.compile(
    r"\b(?:done|complete[d]?|finished|landed|succeeded|worked|deployed|(?:is|are|went) (?:out|live|in)"
    r"|back (?:up|online|to normal)|recovered|resolved|fixed|healthy)\b",
    re.IGNORECASE,
)
# A past participle used as an adjective names a thing, not an action: "stuck in the rolled back txn".
_DETERMINER = re.compile(r"\b(?:the|a|an|this|that|these|those|my|our|their|its|his|her)\s+$", re.IGNORECASE)
# An outside provider named as having the problem: "our DNS provider had an outage", "a third party".
_OUTSIDE = re.compile(
    r"\b(?:vendor|third[- ]party|(?:cloud|hosting|dns|cdn|network|payment|email|sms|upstream|external|identity"
    r"|service|internet|isp|telecom|carrier|edge|infrastructure) (?:provider|partner))s?\b|\bprovider(?:'s)? (?:outage|incident|issue|problem"
    r"|failure|fault|error|side)\b"
    # "an infrastructure incident outside of our systems", "one of our infrastructure partners"
    r"|\boutside\s+(?:of\s+)?our\s+(?:own\s+)?(?:systems?|network|infrastructure|control|platform)\b"
    r"|\bone\s+of\s+our\s+(?:\w+\s+)?(?:partners|providers|vendors|suppliers)\b",
    re.IGNORECASE,
)
_TROUBLE = re.compile(
    r"\b(?:outage|incident|issue|problem|failure|fail\w*|fault|error\w*|down|degrad\w*|broke\w*|disrupt\w*|because|caus\w*|traced)\b",
    re.IGNORECASE,
)
# Words clearing a provider: "the vendor says no issue on their side", "provider status is green".
_CLEARED = re.compile(
    r"\b(?:fine|ok(?:ay)?|healthy|green|normal|ruled out|all good|no (?:issues?|problems?|incidents?|outages?|errors?))\b",
    re.IGNORECASE,
)
# Part of the harm the step left in place: "service recovered" would overstate it.
_LEFT_UNDONE = re.compile(r"\bstill\s+(?:not|no|n[\x27\u2019]t|broken|failing|missing|down|stuck|lost|erroring)\b", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSES = re.compile(r"[,;:]|\s[-\u2013\u2014]\s|\band\b|\bbut\b", re.IGNORECASE)
_PARENS = re.compile(r"\s*\([^)]*\)")
# A subject and its verb ("Canary needs enough traffic", "The pool is too small"): a finding, not a change.
_STATEMENT = re.compile(r"^(?:the\s+)?\S+(?:\s+\S+)?\s+(?:needs?|is|are|was|were|has|have|had|should|must|did|does|do)\b", re.IGNORECASE)


def _sure_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that state something as done: none negated, doubted or only planned."""
    return [s for s in _SENTENCES.split(text or "") if s.strip() and not _UNSURE.search(s)]


def _action_taken(text: str) -> str:
    """The story of the first action ``text`` says was taken and finished ('' when none is)."""
    found: list[tuple[int, int, str]] = []
    for n, sentence in enumerate(_sure_sentences(text)):
        for story, done, named in _ACTIONS:
            found += [(n, m.start(), story) for m in done.finditer(sentence) if not _DETERMINER.search(sentence[:m.start()])]
            at = 0
            for clause in _CLAUSES.split(sentence):
                at = sentence.find(clause, at)
                if (m := named.search(clause)) and _FINISHED.search(clause):
                    found.append((n, at + m.start(), story))
    return min(found)[2] if found else ""


def _outside_problem(text: str) -> bool:
    """True when ``text`` plainly says an outside provider had the problem.

    Doubt is judged on the words about the provider ("degraded because of a third party, the
    API not affected" blames it; "not the provider" and "vendor says no issue" do not).
    """
    for sentence in _SENTENCES.split(text or ""):
        if "?" in sentence or not _TROUBLE.search(sentence):
            continue
        if any(_OUTSIDE.search(c) and not (_UNSURE.search(c) or _CLEARED.search(c)) for c in _CLAUSES.split(sentence)):
            return True
    return False


def customer_story(fix: str, cause: str = "") -> str:
    """Two plain sentences on what went wrong and what we did.

    A specific story only when the fix says that action was taken and finished (not negated,
    doubted or merely planned) and the cause does not name the same action (a rollback that
    caused the outage did not fix it), or when the cause plainly blames an outside provider;
    otherwise the generic story, which claims nothing specific.
    """
    story = "" if _LEFT_UNDONE.search(fix) else _action_taken(fix)  # "restarted, it's processing again. the stuck ones are still not showing"
    if story and not any(named.search(cause) or done.search(cause) for s, done, named in _ACTIONS if s == story):
        return story
    if _outside_problem(cause) or (_outside_problem(fix) and _FINISHED.search(fix)):
        return _VENDOR
    return _GENERIC_STORY if cause.strip() and not cause.lstrip().startswith("[TODO]") else _GENERIC_NO_CAUSE


def customer_safe(text: str) -> bool:
    """True when ``text`` may be told to customers: no internal identifier, no blame, nothing sensitive."""
    return not (identifier_spans(text) or blame_findings(text, "external") or SENSITIVE_ACTION.search(text))


def _states_a_finding(action: str) -> bool:
    """'Canary needs enough traffic' states a finding; 'Ensure alerts are routed' is still a change."""
    return _STATEMENT.match(action) is not None and not starts_with_verb(action.split()[0])


def vague(item: ActionItem) -> bool:
    """True when the action-quality lint calls the item too vague to act on."""
    return any(f.problem.startswith("Too vague") for f in action_findings(item))


# The system's own parts, which only the team sees: in a change or in an impact.
_SYSTEM_PARTS = r"dlqs?|dead[- ]letter|queues?|workers?|pods?|nodes?|shards?|replicas?|cron\w*|backlogs?"
# The team's words a customer would not follow: told as what the change does for them instead
# ("Make the capture DLQ alert page payments directly" -> better monitoring).
_JARGON = re.compile(
    rf"\b(?:{_SYSTEM_PARTS}|canar(?:y|ies)|pools?|clusters?|helm|k8s|kubernetes"
    r"|env(?:ironment)?\s+vars?|loaders?|runbooks?|playbooks?|on-?call|pag(?:e|es|ing)\s+\w+\s+directly|saturat\w*"
    r"|rollouts?|flags?|failovers?|p9\d|latenc\w*|[45]xx|rps|qps|slos?|ttls?|ingress|egress|daemons?|sidecars?"
    r"|schemas?|migrations?|indexes|indices|caches?|buckets?|endpoints?|payloads?|retries|idempoten\w*|thresholds?|cpu|mem|ns|lag)\b",
    re.IGNORECASE,
)
_DETECTING = re.compile(r"\b(?:alert\w*|monitor\w*|alarms?|detect\w*|dashboards?|synthetics?|notif\w*)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")
_CAMEL = re.compile(r"\b[A-Za-z][a-z]+[A-Z]\w*")  # "LimitRange", "maxSize"
# A step for the next hours, not a change: "Keep port disabled until then", "no more config changes today"
# or said about what the chat had just shown: "Fix how we word these", "Add a better alert on that"
_FOR_NOW = re.compile(
    r"\b(?:until\s+then|for\s+now|today|tonight|tomorrow|this\s+week(?:end)?)\b|\b(?:these|those|this|that|it|them|there)\W*$",
    re.IGNORECASE,
)
_TESTING = re.compile(r"\b(?:test\w*|canar(?:y|ies)|staging|load|pre-?prod\w*|rehears\w*|validat\w*|review\w*|verif\w*)\b", re.IGNORECASE)
# What each kind of change does for customers, said without the team's words.
_TOLD_AS = {
    "detect": "We are improving our monitoring so that we notice problems like this sooner.",
    "testing": "We are improving how we test changes before they reach customers.",
    "prevent": "We are adding safeguards so that this problem does not happen again.",
    "mitigate future": "We are making it faster to recover from problems like this.",
    "mitigate": "We are making it faster to recover from problems like this.",
    "repair": "We are fixing the underlying problem.",
}


def _told_plainly(item: ActionItem, text: str) -> str:
    """``text`` when a customer can follow it; else what the change does for them, by its kind
    ('' for an investigation, which changes nothing yet)."""
    verb = starts_with_verb(text.split()[0])
    if verb and not (_JARGON.search(text) or _ACRONYM.search(text) or _CAMEL.search(text) or identifier_spans(text)):
        return f"We will {text[:1].lower()}{text[1:]}."  # "Add a second provider" -> "We will add a second provider."
    if not verb and item.category == "repair":
        return ""  # a topic, not a change ("The nil handling in fl1", "A ~10 min timebox before we revert")
    if item.category == "detect" or item.prevents_recurrence == "detects only" or _DETECTING.search(text):
        return _TOLD_AS["detect"]
    if item.category in ("prevent", "repair") and _TESTING.search(text):
        return _TOLD_AS["testing"]
    return _TOLD_AS.get(item.category, "")


# What only the team sees of an impact: its queues, workers and the jobs it replayed.
_BACKSTAGE = re.compile(
    rf"\b(?:{_SYSTEM_PARTS}|jobs?|replay\w*|consumers?|partitions?|retries|retried)\b",
    re.IGNORECASE,
)
_IMPACT_CLAUSES = re.compile(r"(?<=[,;])\s+")


def customer_clauses(impact: str) -> str:
    """An impact sentence without the clauses only the team follows ("~12% of checkout requests
    failed in 3 regions, 342 payment jobs failed and were replayed" -> the first clause); the
    sentence as it is when every clause is of that kind."""
    clauses = _IMPACT_CLAUSES.split(" ".join((impact or "").split()))
    kept = [c for c in clauses if not _BACKSTAGE.search(c)]
    if not kept or len(kept) == len(clauses):
        return impact
    text = re.sub(r"^(?:and|but|so|while|also)\s+", "", " ".join(kept).rstrip(" ,;."), flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] + "."


def customer_changes(actions: list[ActionItem]) -> list[str]:
    """The action items worth telling customers, as sentences: safe, specific, helping, and in
    words a customer follows (an item in the team's words is told as what it does for them)."""
    out: list[str] = []
    seen: set[str] = set()
    for item in actions:
        if item.prevents_recurrence == "no" or vague(item) or _states_a_finding(item.action):
            continue  # "canary needs enough traffic" states a finding; customers are told what we will do
        first = re.split(r"(?<=[.!?])\s+", " ".join(item.action.split()), maxsplit=1)[0]
        text = _PARENS.sub("", first).strip(" .")
        if not text or blame_findings(text, "external") or SENSITIVE_ACTION.search(text) or _FOR_NOW.search(text):
            continue  # who was at fault, a credential or a weakness is never told; nor a step for the next hours
        text = _told_plainly(item, text)
        key = text.casefold()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out
