"""Two lints over a post-mortem: blameless language and action-item quality.

Both only *flag*: each finding carries the offending text, the problem and a suggestion,
and the user decides. Nothing is ever rewritten silently.

Blameless lint: a post-mortem that says "Alice deployed the bad config" teaches people to
hide mistakes; "the deploy process allowed an unreviewed config change" teaches the system
to catch them. Sentences are flagged when they pin fault on a named person (participants
of the transcript, responders, people answers, or a capitalised name before a
negligence verb), or use judgement words ("careless", "should have known", "human error").

Action-quality lint: a strong action item starts with a verb, is specific, is bounded (you
can tell when it is done), and has an owner and a due date. Vague items ("improve
monitoring") get a concrete rewrite hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from facilitator.session import ActionItem, LintFinding, Session
from facilitator.transcript import Transcript

# --- blameless ---------------------------------------------------------------------------

# Verbs that describe a lapse; flagged after any capitalised name.
_LAPSE = (
    r"forgot|forget|forgets|neglected|ignored|overlooked|messed up|screwed up|fat[- ]fingered|botched|"
    r"didn't bother|did not bother|didn't check|did not check|didn't test|did not test|didn't read|did not read|"
    r"didn't follow|did not follow|failed to follow|should have known|should've known|dropped the ball|"
    r"blindly|carelessly|accidentally|mistakenly"
)
# Verbs that are blame only when the subject is a known person ("Jenkins failed to start" is fine).
_PERSON_LAPSE = _LAPSE + r"|failed to|didn't|did not|missed|broke|caused|introduced|should have|should've|was supposed to"
# Change verbs: blame when the sentence also calls the change bad ("Alice deployed the bad config").
_CHANGE = r"deployed|pushed|merged|shipped|applied|ran|changed|edited|deleted|dropped|removed|approved|released|rolled out|committed|typed|misconfigured"
# Change verbs only people do; a capitalised subject that is not a known participant is
# still taken for a person with these ("Joe pushed an untested change").
_HUMAN_CHANGE = r"pushed|merged|typed|approved|committed|misconfigured|hand-edited|hotfixed"
_BAD = re.compile(
    r"\b(bad|broken|wrong|faulty|buggy|untested|unreviewed|incorrect|without (?:review|testing|checking|a review)|"
    r"by mistake|by accident|mistake|typo|misconfigured|invalid|accidentally)\b",
    re.I,
)
_JUDGEMENT = re.compile(
    r"\b(careless(?:ly|ness)?|negligen(?:t|ce)|human error|operator error|user error|incompeten(?:t|ce)|sloppy|lazy|"
    r"stupid|dumb|clueless|reckless(?:ly)?|should(?: have|'ve) known(?: better)?|should(?: have|'ve) caught|"
    r"(?:his|her|their|your) fault|to blame|blamed?|"
    r"(?:he|she|they|someone|somebody) should(?: have|'ve)|dropped the ball|"
    r"(?:messed|screwed) up|fat[- ]finger(?:ed)?)\b",
    re.I,
)
_POSSESSIVE_BLAME = r"(?:mistake|fault|error|screw-?up|blunder|oversight|bad (?:change|config|deploy|push|merge|query|script)|typo)"
_ARTIFACT = r"(?:change|deploy|deployment|commit|pr|pull request|push|config|script|query|migration|patch|merge)"
_HARM = r"(?:broke|caused|took down|brought down|triggered|started|corrupted|deleted)"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NAME_TOKEN = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b")
_NOT_NAMES = {
    "The", "A", "An", "We", "They", "It", "This", "That", "Our", "Because", "Then", "When", "After", "Before",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I", "If", "So", "But", "And",
    "Nobody", "Someone", "Everyone", "Somebody", "He", "She", "His", "Her", "Their", "Its", "There", "Here",
}


def _names(session: Session | None, transcript: Transcript | None, extra: Iterable[str] = ()) -> set[str]:
    """Person names the lint treats as people: full names and first names."""
    raw: set[str] = set(extra)
    if transcript is not None:
        raw.update(name for name, _ in transcript.participants())
    if session is not None:
        raw.update(r.name for r in session.findings.responders)
        people = session.answers.get("responders")
        if people is not None and isinstance(people.value, list):
            raw.update(re.sub(r"\s*\(.*\)\s*$", "", p) for p in people.value)
        raw.update(a.owner for a in session.actions if a.owner)
    names: set[str] = set()
    for name in raw:
        name = name.strip().lstrip("@")
        if len(name) < 2 or name.casefold() in {"bot", "slackbot", "unknown"}:
            continue
        names.add(name)
        first = name.split()[0]
        if len(first) >= 2 and first[0].isalpha():
            names.add(first)
    return names


def _role_of(name: str, session: Session | None) -> str:
    if session is not None:
        for r in session.findings.responders:
            if r.role and (r.name == name or r.name.split()[0] == name):
                return f"the {r.role}"
    return "the engineer"


def blame_findings(text: str, where: str, names: Iterable[str] = (), session: Session | None = None) -> list[LintFinding]:
    """Blame findings for one piece of free text (one per offending sentence)."""
    out: list[LintFinding] = []
    known = sorted({n for n in names if n}, key=len, reverse=True)
    known_re = "|".join(re.escape(n) for n in known)
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group().strip()
        if len(sentence) < 4:
            continue
        finding = _blame_in_sentence(sentence, known_re, session)
        if finding is not None:
            problem, suggestion = finding
            out.append(LintFinding(kind="blame", where=where, text=sentence, problem=problem, suggestion=suggestion))
    return out


_QUESTION_SUBJECT = re.compile(
    r"\b(?:why|how|what|when)\s+(?:did|didn't|does|doesn't|do|don't|was|wasn't|were|weren't|had|hadn't|has|hasn't|"
    r"would|wouldn't|could|couldn't|is|isn't|should|shouldn't)(?:\s+not)?\s+(?P<who>[\w.'-]+(?:\s+[A-Z][\w'-]*)?)",
    re.I,
)
_PRONOUNS = {"he", "she", "him", "her", "they"}


def question_findings(question: str, where: str, names: Iterable[str] = (), session: Session | None = None) -> list[LintFinding]:
    """Blame findings for a why-question: the sentence checks, plus a question whose subject is a person."""
    out = blame_findings(question, where, names, session)
    if out:
        return out
    folded = {n.casefold() for n in names if n}
    for m in _QUESTION_SUBJECT.finditer(question or ""):
        who = m["who"]
        first = who.split()[0]
        if who.casefold() in folded or first.casefold() in folded or first.casefold() in _PRONOUNS or re.fullmatch(r"Responder [A-Z]{1,2}", who):
            return [LintFinding(
                kind="blame", where=where, text=question.strip(), problem=f"Asks why {who} acted, not why the system allowed it.",
                suggestion="Ask about the system: e.g. 'Why could a production password be pasted into a shared channel without a warning?'",
            )]
    return out


def _blame_in_sentence(sentence: str, known_re: str, session: Session | None) -> tuple[str, str] | None:
    who = rf"(?P<who>{known_re})" if known_re else None
    if who:
        m = re.search(rf"\b{who}(?:'s|\u2019s)\s+(?:\w+\s+)?{_POSSESSIVE_BLAME}\b", sentence)
        if m:
            return (
                f"Pins the fault on {m['who']}.",
                "Describe the decision and what made it look reasonable at the time, e.g. 'the config change "
                "passed review because the diff did not show the effective value'.",
            )
        m = re.search(rf"\b{who}(?:'s|\u2019s)\s+(?:\w+\s+)?{_ARTIFACT}\s+(?:\w+\s+)?{_HARM}\b", sentence, re.I)
        if m:
            return (
                f"Ties the damage to {m['who']}'s work.",
                "Name the change, not its author: e.g. 'change #4812 reduced the pool size, and nothing in CI "
                "compared the effective config before and after'.",
            )
        m = re.search(rf"\b(?:if|had)\s+{who}\s+(?:had\s+|just\s+|only\s+)*(?:checked|tested|read|looked|asked|waited|followed|noticed|known|been)\b", sentence, re.I)
        if m:
            return (
                f"A hindsight counterfactual about {m['who']}.",
                "Ask what made the action look reasonable at the time, and what would have surfaced the problem "
                "without anyone having to know better (a check, an alert, a clearer signal).",
            )
        m = re.search(rf"\b(?:root cause|cause) (?:was|is)\s+{who}\b", sentence, re.I)
        if m:
            return (f"Names {m['who']} as the cause.", "A person is never a root cause; ask why the system let the action cause harm.")
        m = re.search(rf"\b{who}\s+(?:\w+ly\s+)?(?P<verb>{_PERSON_LAPSE})\b", sentence, re.I)
        if m and m["who"][0].isupper():
            return _lapse_advice(m["who"], m["verb"], sentence, session)
        m = re.search(rf"\b{who}\s+(?:\w+ly\s+)?(?P<verb>{_CHANGE})\b", sentence)
        if m and _BAD.search(sentence):
            role = _role_of(m["who"], session)
            return (
                f"Names {m['who']} as the one who made the faulty change.",
                f"Say what the system allowed, not who did it: e.g. 'the deploy process allowed an unreviewed "
                f"change to reach production' (or '{sentence.replace(m['who'], role.capitalize(), 1)}' if the role matters).",
            )
    for m in re.finditer(rf"\b(?P<who>[A-Z][a-z]+)\s+(?:\w+ly\s+)?(?P<verb>{_LAPSE})\b", sentence):
        if m["who"] not in _NOT_NAMES:
            return _lapse_advice(m["who"], m["verb"], sentence, session)
    m = re.search(rf"\b(?P<who>[A-Z][a-z]+)\s+(?:\w+ly\s+)?(?P<verb>{_HUMAN_CHANGE})\b", sentence)
    if m and m["who"] not in _NOT_NAMES and _BAD.search(sentence):
        return (
            f"Names {m['who']} as the one who made the faulty change.",
            "Say what the system allowed, not who did it: e.g. 'the deploy process allowed an unreviewed change to reach production'.",
        )
    m = re.search(rf"\b(?P<who>[A-Z][a-z]+)(?:'s|\u2019s)\s+(?:\w+\s+)?{_POSSESSIVE_BLAME}\b", sentence)
    if m and m["who"] not in _NOT_NAMES:
        return (
            f"Pins the fault on {m['who']}.",
            "Describe the decision and the context that made it reasonable at the time, not whose mistake it was.",
        )
    for m in _JUDGEMENT.finditer(sentence):
        if re.search(r"\b(?:no|not|never|without|nobody|isn't|wasn't)\s+(?:\w+\s+)?$", sentence[: m.start()], re.I):
            continue  # "no blame here", "not a human error"
        return (
            f"'{m.group()}' judges a person rather than explaining what happened.",
            "Say what information, tool or safeguard was missing, e.g. 'the dashboard did not show the error "
            "rate per region, so the spike was not visible'.",
        )
    return None


def blamed_names(text: str) -> list[str]:
    """Capitalised names the lint pins a lapse or a faulty change on ("Bob forgot ...", "Joe's
    typo ..."), so redaction knows them even when the channel never showed that person."""
    out: list[str] = []
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group()
        for pattern in (
            rf"\b(?P<who>[A-Z][a-z]+)\s+(?:\w+ly\s+)?(?:{_LAPSE})\b",
            rf"\b(?P<who>[A-Z][a-z]+)(?:'s|\u2019s)\s+(?:\w+\s+)?{_POSSESSIVE_BLAME}\b",
        ):
            out.extend(m["who"] for m in re.finditer(pattern, sentence) if m["who"] not in _NOT_NAMES)
        if _BAD.search(sentence):
            out.extend(m["who"] for m in re.finditer(rf"\b(?P<who>[A-Z][a-z]+)\s+(?:\w+ly\s+)?(?:{_HUMAN_CHANGE})\b", sentence)
                       if m["who"] not in _NOT_NAMES)
    return list(dict.fromkeys(out))


def _lapse_advice(who: str, verb: str, sentence: str, session: Session | None) -> tuple[str, str]:
    return (
        f"Blames {who} ('{who} {verb}').",
        "Name the gap in the system instead: e.g. 'the process relied on a manual step that nothing checked' "
        f"or 'the runbook did not mention this step'; refer to {_role_of(who, session)} by role if needed.",
    )


def session_texts(session: Session) -> list[tuple[str, str]]:
    """(where, text) for every piece of free text in a session."""
    out: list[tuple[str, str]] = []
    for qid, ans in session.answers.items():
        if qid == "responders" or ans.status not in ("answered", "suggested"):
            continue
        values = ans.value if isinstance(ans.value, list) else [ans.value]
        out.extend((f"answer:{qid}", v) for v in values if v)
    for turn in session.whys:
        out.append((f"why:{turn.id}", turn.answer))
        out.append((f"why:{turn.id}:question", turn.question))
    for item in session.actions:
        out.append((f"action:{item.id}", item.action))
    for i, rej in enumerate(session.rejected_actions):
        out.append((f"rejected:{i}", f"{rej.action}. {rej.reason}"))
    for i, entry in enumerate(session.timeline):
        out.append((f"timeline:{i}", f"{entry.summary}. {entry.known_then}"))
    for key, text in session.drafts.items():
        out.append((f"draft:{key}", text))
    return [(w, t) for w, t in out if t and t.strip()]


def lint_blame(session: Session, transcript: Transcript | None = None) -> list[LintFinding]:
    """Blameless-language findings over all the session's free text."""
    names = _names(session, transcript)
    out: list[LintFinding] = []
    for where, text in session_texts(session):
        check = question_findings if where.endswith(":question") else blame_findings
        out.extend(check(text, where, names, session))
    return out


# --- action quality ---------------------------------------------------------------------

_VERBS = set(
    """add alert allow apply archive assign audit automate backfill block build cap change check clean configure
    create decommission define delete deploy deprecate design disable document drain drop enable enforce escalate
    expose extend file fix gate implement increase instrument introduce limit link lower merge migrate move notify
    page patch pin publish raise rate-limit reduce refactor remove rename replace require restrict retire revert
    review rewrite roll rollback rotate run schedule separate set shard share split standardise standardize switch
    tag test throttle track train tune turn update upgrade validate verify wire write investigate measure load-test ensure cache log monitor prevent improve scale harden isolate decouple
    benchmark backport contact email ask agree decide draft prototype spike evaluate compare estimate make
    """.split()
)
_NOT_VERB_START = {
    "the", "a", "an", "more", "better", "improved", "improvement", "improvements", "some", "monitoring", "alerting",
    "maybe", "we", "someone", "somebody", "need", "needs", "should", "possibly", "perhaps", "new", "proper", "general",
    "team", "everyone", "all", "process", "processes", "additional", "extra",
}
_VAGUE = re.compile(
    r"\b(improve|improved|better|more robust|robustness|look into|looking into|consider|be more careful|"
    r"more careful|ensure|make sure|avoid|try to|as needed|where possible|in general|various|etc|properly|"
    r"revisit|think about|some|stuff|things|going forward|in the future)\b",
    re.I,
)
_UNBOUNDED = re.compile(r"^(investigate|explore|look into|monitor|continue|keep|consider|think about|discuss|research|watch)\b", re.I)
_DONE_WORDS = re.compile(r"\b(and (?:decide|document|write|report|file|share|present|propose)|write[- ]up|report back|until|by \w+|findings|decision|proposal|rfc|ticket)\b", re.I)
_SPECIFIC = re.compile(r"(\d|`|\"|'[^']+'|https?://|[A-Za-z]+[-_/.][A-Za-z0-9]+|\b[A-Z]{2,}-\d+\b|\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b)")

REWRITE_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"monitor|alert|observab|dashboard|detect", re.I),
     "name the signal, threshold and who gets paged, e.g. 'Add an alert on checkout 5xx rate above 2% for 5 minutes that pages the payments on-call'"),
    (re.compile(r"test|qa|coverage|validat", re.I),
     "name the scenario and where it runs, e.g. 'Add an integration test that applies the gateway config to a staging pod, run in CI before deploy'"),
    (re.compile(r"doc|runbook|playbook|wiki", re.I),
     "name the document and what it must contain, e.g. 'Write a runbook for payment-gateway timeouts with the rollback command, linked from the alert'"),
    (re.compile(r"process|review|careful|communicat|approv", re.I),
     "name the control that replaces care, e.g. 'Require a second reviewer for changes under config/payments/ via CODEOWNERS'"),
    (re.compile(r"capacity|scal|perform|resilien|robust|reliab", re.I),
     "name the component and the limit, e.g. 'Raise the PgBouncer pool from 20 to 80 and load-test checkout at 2x peak'"),
)
GENERIC_HINT = "name the change, where it lands and how you will know it is done, e.g. 'Add X to Y so that Z'"


def starts_with_verb(action: str) -> bool:
    """True when the first word is a verb this lint knows ('Add', 'Require', 'Rotate'...)."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", action)
    return bool(words) and words[0].casefold() in _VERBS


def rewrite_hint(action: str) -> str:
    """A concrete rewrite hint for a vague action item."""
    for pattern, hint in REWRITE_HINTS:
        if pattern.search(action):
            return "Make it concrete: " + hint + "."
    return "Make it concrete: " + GENERIC_HINT + "."


def action_findings(item: ActionItem) -> list[LintFinding]:
    """Quality findings for one action item (verb, specific, bounded, owner, due date)."""
    from facilitator.interview.actions import looks_like_team

    where = f"action:{item.id}"
    text = item.action.strip()
    out: list[LintFinding] = []

    def flag(problem: str, suggestion: str) -> None:
        out.append(LintFinding(kind="action_quality", where=where, text=text, problem=problem, suggestion=suggestion))

    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    first = words[0].casefold() if words else ""
    if not text:
        flag("The action is empty.", "Describe the change to make, starting with a verb.")
        return out
    if first not in _VERBS and (first in _NOT_VERB_START or first.endswith(("tion", "ment", "ness", "ity", "ing", "ed"))):
        flag("Does not start with a verb.", f"Start with what to do: e.g. 'Add ...', 'Require ...', 'Document ...' instead of '{words[0]} ...'.")
    vague = _VAGUE.search(text)
    if (vague and not _SPECIFIC.search(text)) or len(words) < 3:
        flag("Too vague to act on" + (f" ('{vague.group()}')." if vague else "."), rewrite_hint(text))
    if _UNBOUNDED.search(text) and not _DONE_WORDS.search(text):
        flag(
            "Has no done condition: it could go on forever.",
            "Say what finishes it, e.g. '... and write up the findings in the incident ticket' or '... and decide between A and B'.",
        )
    if not item.owner.strip():
        flag("Has no owner.", "Name the one person who will drive it; a team does not drive anything.")
    elif item.owner.strip().casefold() in {"everyone", "all", "team", "tbd", "?", "someone", "us", "we"}:
        flag(f"'{item.owner}' is not an owner.", "Name the one person who will drive it.")
    elif looks_like_team(item.owner):
        flag(
            f"'{item.owner}' is a team, not a person.",
            f"Name the person in {item.owner.strip()} who will drive it (owners are named individuals, not teams).",
        )
    if item.due is None:
        flag("Has no due date.", "Give it a date, even a rough one; undated items rarely get done.")
    return out


def lint_actions(session: Session) -> list[LintFinding]:
    """Action-quality findings for every action item."""
    return [f for item in session.actions for f in action_findings(item)]


def lint_session(session: Session, transcript: Transcript | None = None) -> list[LintFinding]:
    """Both lints over the whole session (what ``session.lints`` holds)."""
    return lint_blame(session, transcript) + lint_actions(session)
