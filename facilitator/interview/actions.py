"""Action items: add, edit, remove, suggest from the channel, and reject with a reason.

``ActionBook`` edits ``session.actions`` and ``session.rejected_actions`` and saves after
every change. Suggestions come from the findings' ``action_hints`` ("we should add an alert
for...", "TODO", "follow-up") and from follow-ups the channel names outright ("Task added: X",
"action items: X, Y"), cleaned into imperative items with a guessed category. Only what reads
as something to do later is proposed (``reads_as_follow_up``): thanks and acks, steps already
taken and remarks about writing the post-mortem are not. They are proposals the user accepts,
edits or rejects (the rejection reason is kept, because a
post-mortem that records what was *not* done and why is more useful later). The advice
"aim for 3 to 5 strong items" is given whenever the count is outside that range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from dateutil import parser as dateparser

from facilitator.errors import UserError
from facilitator.findings import Fact, Findings
from facilitator.injection import looks_like_instructions
from facilitator.interview.wording import drop_lead_ins, is_chatter, plain, sentences
from facilitator.session import ActionItem, LintFinding, RejectedAction, Session, utcnow

if TYPE_CHECKING:
    from facilitator.sessions import SessionStore

AIM_MIN, AIM_MAX = 3, 5
EDITABLE = ("action", "owner", "due", "priority", "category", "prevents_recurrence", "status", "addresses", "message_ids", "jira_key")

_LEAD = re.compile(
    r"^\s*(?:(?:todo|to-?do|follow[- ]?ups?|action items?|ai|next steps?|note)\s*[:\-\u2013]\s*)?"
    r"(?P<modal>(?:next time|long(?:er)?[- ]term),?\s+(?:we\s+(?:should\s+|need to\s+|must\s+)?)?"
    r"|(?:so\s+)?(?:i think\s+|imo\s+|maybe\s+|probably\s+)?"
    r"(?:we|someone|somebody|you|i|the team|they)\s+(?:really\s+|still\s+|also\s+)?"
    r"(?:should|need to|needs to|must|ought to|could|have to|will|'ll|shall|need (?:a|some) way to)\s+"
    r"|let'?s\s+|(?:we'll|i'll)\s+|need to\s+|should\s+|can we\s+|could we\s+|please\s+)?",
    re.I,
)
_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("investigate", re.compile(r"\b(investigate|figure out|understand|find out|dig into|look into|root cause|analy[sz]e)\b", re.I)),
    ("detect", re.compile(r"\b(alert|alarm|monitor|page|dashboard|metric|slo|detect|notify|observab)", re.I)),
    ("mitigate future", re.compile(r"\b(runbook|playbook|rollback|roll back|failover|kill switch|feature flag|circuit breaker|on-?call|drill)", re.I)),
    ("prevent", re.compile(r"\b(tests?|testing|review|validat\w*|lint\w*|checks?|guard\w*|block\w*|require\w*|prevent\w*|limit\w*|quotas?|codeowners|ci|canary|schema|fail (?:startup|fast|on))\b", re.I)),
    ("repair", re.compile(r"\b(fix|patch|repair|restore|backfill|clean ?up|revert|upgrade|replace|migrate|rotate|revoke)", re.I)),
)


@dataclass
class ActionSuggestion:
    """A proposed action item, with the message it came from."""

    action: str
    category: str = "repair"
    prevents_recurrence: str = "not assessed"
    message_ids: list[str] = field(default_factory=list)
    source_text: str = ""  # what was said in the channel
    named: bool = False  # the channel named it a follow-up ("action items: X", "Task added: X")

    @property
    def strong(self) -> bool:
        """True when it reads like an action (opens with a verb phrase, at least four words) or the
        channel named it one (at least three words)."""
        if self.named:
            return len(self.action.split()) >= 3
        return reads_as_verb_phrase(self.action) and len(self.action.split()) >= 4


_CONTINUE_RE = re.compile(r"^(?:and|also|plus|then|as well as)\s+", re.I)
_ASIDE_RE = re.compile(r"\s*\((?:as |see |pasted |mentioned |from )?(?:above|below|earlier|upthread)\)", re.I)

# A follow-up named outright. X follows a label ("Task added: X", "action items so far: X",
# "AI: X", "follow-ups in the doc - X", "TODO: X", a quoted task title) or "ticket for X";
# or X sits inside "add X to the follow-ups" / "X as an action item".
_LABEL = r"(?:task (?:added|created)|action items?|follow[- ]?ups?(?: items?)?|todo|to-do|next time)"
_LABELLED_RE = re.compile(
    rf"(?i)\b{_LABEL}(?:\s+(?![\"'\u201c])[^\s:!?]+){{0,6}}?\s*(?::|->|\u2192|\s[\u2014\u2013])\s*"
    rf"|\b(?:{_LABEL}|task)\s*(?=[\"'\u201c\u2018])"
    r"|\b(?:action|top|main|first) item(?:\s+#?\d+)?\s+is\s+"
    r"|(?-i:\bAI):\s*"
)
_TICKET_RE = re.compile(
    r"(?i)\b(?:ticket|action item|(?:open|fil|rais|creat|writ|add)\w*\s+(?:a|an|the)\s+(?:new\s+)?issue|follow[- ]?up(?:\s+ticket)?)\s+"
    r"(?:for\s+|to\s+(?!(?:the|a|an|all|every|our|them|us)\b|\d|\S+@))"
)
_ADDED_RE = re.compile(
    r"(?i)(?:\b(?:add(?:ing)?|put(?:ting)?)\s+|^|[.\u2014\u2013]\s+)(?P<what>[^.!?\u2014\u2013]{3,120}?)\s+"
    r"(?:as (?:an? )?(?:action items?|follow[- ]?ups?)|to (?:the )?(?:follow[- ]?ups|action items|todo list)|on the (?:todo|to-do) list)\b"
)
# A sentence that only points back: "adding it to the action items", "that's an action item for sure".
_POINTS_BACK_RE = re.compile(
    r"(?i)^(?:(?:adding|add|putting|put)\s+(?:it|that|this)?\s*(?:to|as|in)?\s*(?:the\s+|an?\s+)?(?:action items?|follow[- ]?ups?|todo list)"
    r"|that'?s (?:an? )?(?:action item|follow[- ]?up)|\+1,? action item)\b"
)
_QUOTED_RE = re.compile(r"[\"'\u201c\u2018](.{3,200}?)[\"'\u201d\u2019](?!\w)")
_SENTENCE_END_RE = re.compile(r"(?<=[^\s.])[.!?](?=\s|$)|\s[\u2014\u2013]\s")
_NUMBERED_RE = re.compile(r"(?:^|\s)(?:\(\d{1,2}\)|\d{1,2}[.)])\s+")
_LIST_SPLIT_RE = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+[-*\u2022]\s+")
# A piece that opens like this qualifies the one before ("X, not just Y"); it is no item of its own.
_QUALIFIER_RE = re.compile(r"(?i)^(?:not|but|so|each|because|since|which|that|or|than|instead|only|e\.?g|like|incl\w*|otherwise|then|while|until|unless|when|if|as|for|to)\b")

# Where the text of a chat line ends before the action does: a new speaker ("…, I'll open an
# issue"), the reason ("…, otherwise this will happen again"), a link host, an owner.
_NEW_CLAUSE_RE = re.compile(
    r"(?i),\s+(?=(?:and\s+|also\s+|but\s+|so\s+)?(?:we|i|i'?ll|ill|let'?s|someone|somebody)\b)|\s+[\u2014\u2013]\s+"
    # "I'll write it up and add our own node": two things to do, the second no write-up remark
    r"|\s+and\s+(?=(?:also\s+)?(?:add|fix|build|set\s+up|move|change|make|create|remove|replace|automate|harden|split)\s)"
)
_RATIONALE_RE = re.compile(r"(?i),?\s+(?:otherwise|because|cause)\b.*$|,\s*(?:since\b|(?:it|that|this)(?:'s| was| is)\s).*$")
_TICKET_TAIL_RE = re.compile(
    r"(?i),?\s*\b(?:(?:i'?ll|ill|i will|will)\s+(?:open|make|file|create|raise|write|draft|put|add|move)|(?:filing|opening|raising|tracking)\s+(?:it|them|one|a|an|the)|track here)\b.*$"
)
_HOST_TAIL_RE = re.compile(
    r"(?i)(?:(?:^|\s+)(?:https?://\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|edu|gov|io|app|dev|so|co|ai|internal|local|example|cloud|sh|eu|uk|de)(?:/\S*)?|\[link\]|\u2026|#\d+))+\s*$"
)
# A chat app's own words pasted after the message: "2 replies Last reply today at 9:14 PM", "Thread: Raj, 12:57".
_FOOTER_RE = re.compile(r"\s+(?:\d+ (?:repl(?:y|ies)|reactions?)\b|Last reply\b|Thread(?: in #|:)|View thread\b|\(edited\)).*$")
_OWNER_TAIL_RE = re.compile(r"(?i)\s*\((?:owner|assignee|assigned to)\b[^)]*\)\s*$|\s+(?:lol|lmao|haha\w*)\W*$")

# Not something to do later: thanks and acks, steps already taken or under way, remarks about
# writing the post-mortem or filling the action list, telling customers during the incident.
_ACK_RE = re.compile(r"(?i)^(?:thanks?|thx|ty|ok(?:ay)?|yep|yes|yeah|yup|lol|nice|great|cool|np|gg|gn|ack|sure|sorry|ugh|fine|good|glad|morning|awesome|perfect|congrats)\b")
_PAST_FIRST_RE = re.compile(r"(?i)^(?:[a-z]{2,}(?<!e)ed|done|sent|gone|held)\b")
_REPORT_RE = re.compile(
    r"(?i)^(?:have|had|has)\s+(?:\w+ed|been|gotten|\w+en)\b"
    r"|(?<!get )(?<!be )(?<!been )(?<!is )(?<!are )\b[a-z]{3,}(?<!e)ed\s+(?:~?\d+|a|an|the|at|after|before|on|in|into|to|from|by|with|late|early|out|up|down)\b"
    r"|\b(?:was|were|wasn't|weren't|did|didn't|had|hadn't|took|saw|went|got|done)\b|\b(?:is|are)\s+(?:now\s+|already\s+)?(?:up|in|out|live|held|sent|built|made|\w+ed)\b"
)
_ABOUT_THE_WRITEUP_RE = re.compile(
    r"(?i)\b(?:write[- ]?(?:(?:it|this|that|them|notes?)\s+)?up|write-?ups?|writeup|post[- ]?mortems?|pm (?:doc|draft)|rca|pir|rfo|coe"
    r"|retro(?:spective)?s?|blog|(?:the|this|that|a|our) doc|docs? tomorrow|timeline|incident (?:report|review|doc)|post-incident"
    r"|(?:put|post|say|tell|update|write)\b[^.]{0,30}\b(?:status ?page|customers))\b"
)
_ABOUT_THE_LIST_RE = re.compile(r"(?i)\b(?:action items?|follow[- ]?ups?|todo list)\b")
# "do it by hand", "spread it out", "accept that": the object is the situation at hand, not a change to make.
_PRONOUN_OBJECT_RE = re.compile(r"(?i)^(?!(?:make|ask|tell|let|have|get|help)\b)\S+\s+(?:it|them)\b|^\S+\s+(?:that|this)\s*(?:[,.;]|$)")
_RIGHT_NOW_RE = re.compile(r"(?i)\b(?:first|now|right now|asap|immediately|for now|in the meantime|meanwhile)\W*$")
# A step under way ("adding an alert…") is a follow-up when it says what it prevents.
_PURPOSE_RE = re.compile(r"(?i)\b(?:so (?:that )?(?:we|it|this|that|they|nobody|no one)|next time|again)\b")
# Verbs the action lint does not list that follow-ups often open with ("bring back", "put X behind Y").
_MORE_VERBS = frozenset(
    "bring put get keep stop start look find give hold shed route own tighten harden decouple isolate reboot restart "
    "reindex cull jitter debounce prevent protect catch probe warn use talk mirror".split()
)
# Verbs that are as often nouns: "alert severity bump", "fix is in" read as noun phrases.
_NOUN_TOO = frozenset(
    "alert page test check review patch fix file update upgrade draft change schedule limit cap rollback spike link "
    "tag train document design drain switch split track block gate pin email contact run set benchmark estimate restart reboot".split()
)
_TICKET_KEY_RE = re.compile(r"[A-Z][A-Z0-9]{1,9}-\d+\b")  # "OPS-1241 (config loader…)" points at an item; it is none
_FUNCTION_WORDS = frozenset(
    "a an the all any every each our their its this that these those it them on for when if in at to with from before "
    "after about by whether how why what which who more less both new only up out off back down per and".split()
)
_SMALL_WORDS = frozenset("a an the to of for and or in on at by with from it its this that we our us is are be all so as me you".split())


def _content_count(text: str) -> int:
    return sum(1 for w in re.findall(r"[a-z0-9][a-z0-9_'-]*", text.casefold()) if w not in _SMALL_WORDS and (len(w) > 2 or w.isdigit()))


def reads_as_verb_phrase(action: str) -> bool:
    """True when ``action`` opens with a verb in the infinitive and goes on ('add an alert on X'),
    so 'we will <action>' is a sentence; 'Alert severity bump' and 'Thanks all' are not."""
    from facilitator.interview.lint import starts_with_verb

    words = re.findall(r"[A-Za-z0-9][\w'/-]*", action.casefold())
    if len(words) < 3 or not (starts_with_verb(words[0]) or words[0] in _MORE_VERBS):
        return False
    return not (words[0] in _NOUN_TOO and words[1] not in _FUNCTION_WORDS)


def reads_as_follow_up(action: str, *, said_as_follow_up: bool = False) -> bool:
    """True when ``action`` is something to do later: a verb and its object (at least three
    content words), not thanks or an ack, not a step already taken or under way, not a remark
    about writing the post-mortem. ``said_as_follow_up``: the channel named it one ('we should
    X', 'follow-up: X'), so it may open with any verb, or (named outright) be a short noun phrase."""
    text = action.strip()
    verb_first = reads_as_verb_phrase(text)
    if _ACK_RE.match(text) or is_chatter(text) or _ABOUT_THE_WRITEUP_RE.search(text) or _PRONOUN_OBJECT_RE.match(text):
        return False
    if _RIGHT_NOW_RE.search(text):
        return False  # "let's fix customers first": what to do during the incident, not after it
    main = re.split(r"(?i)\b(?:why|whether|how|what|when|if|until|unless|so|before|after)\b", text, maxsplit=1)[0]
    if not verb_first and (_REPORT_RE.search(main) or (_PAST_FIRST_RE.match(text) and not said_as_follow_up)):
        return False
    return (verb_first or said_as_follow_up) and _content_count(text) >= 3


def _base_verb(word: str) -> str | None:
    """'adding' -> 'add', 'rotating' -> 'rotate', 'blocking' -> 'block' (verbs the lint knows)."""
    from facilitator.interview.lint import starts_with_verb

    stem = word.casefold()[:-3]
    for base in (stem, stem + "e", stem[:-1] if stem[-2:-1] == stem[-1:] else ""):
        if base and starts_with_verb(base):
            return base
    return None


_STAYS_RE = re.compile(r"(?i)^(?P<what>[\w.-]+(?:\s+[\w.-]+){0,3}?)\s+stays?\s+(?P<state>off|disabled|paused|down|frozen)\s+until\b")


_NEEDS_RE = re.compile(r"(?i)^(?P<subj>(?:the\s+)?[\w./-]+(?:\s+[\w./-]+){0,2}?)\s+needs\s+(?!to\b)(?P<rest>.+)$")


def _imperative_clause(text: str, named: bool = False) -> tuple[str, bool]:
    """One clause as an imperative, and whether it was said as a plan ('we should…', 'let's…');
    ``named``: the channel called it a follow-up, so 'alerting on X' is 'Alert on X'."""
    cleaned = _ASIDE_RE.sub("", " ".join(text.split())).strip(" .!?")
    cleaned = _CONTINUE_RE.sub("", drop_lead_ins(_CONTINUE_RE.sub("", cleaned)))
    cleaned = _STAYS_RE.sub(r"keep \g<what> \g<state> until", cleaned)  # "deploy-manager stays off until X"
    lead = _LEAD.match(cleaned)
    planned = bool(lead and lead["modal"])
    stripped = cleaned[lead.end():].strip(" .!:-") if lead else cleaned
    stripped = re.sub(r"^(?:probably|maybe|perhaps|also|just|really|still)\s+", "", stripped, flags=re.I)
    subject = re.match(r"^(?P<subj>(?:the\s+)?[\w./-]+(?:\s+[\w./-]+){0,3})\s+(?:should|must|needs to|need to|has to|ought to)\s+(?P<rest>.+)$", stripped, re.I)
    if subject and not set(subject["subj"].casefold().split()) & {"we", "you", "i", "they", "someone", "somebody", "it", "this", "that", "do", "and", "ok"}:
        subj = subject["subj"]
        if subj[1:2].islower():
            subj = subj[0].lower() + subj[1:]
        stripped, planned = f"make {subj} {subject['rest']}", True  # "the config loader should fail..." -> "Make the config loader fail..."
    needs = None if subject else _NEEDS_RE.match(stripped)
    if named and needs and not set(needs["subj"].casefold().split()) & {"we", "you", "i", "they", "it", "this", "that"}:
        subj = needs["subj"][0].lower() + needs["subj"][1:] if needs["subj"][1:2].islower() else needs["subj"]
        stripped = f"give {subj} {needs['rest']}"  # "canary needs enough traffic" -> "Give canary enough traffic"
    first = stripped.split(" ", 1)
    if first[0].casefold().endswith("ing") and (named or _PURPOSE_RE.search(stripped)) and (base := _base_verb(first[0])):
        stripped = " ".join([base, *first[1:]])  # "adding an alert on X" -> "add an alert on X"
    result = stripped or cleaned
    return result[:1].upper() + result[1:], planned


def _trimmed(text: str) -> str:
    """The action without what the chat line glued after it: the reason, 'I'll open a ticket', a link host."""
    for pattern in (_FOOTER_RE, _OWNER_TAIL_RE, _HOST_TAIL_RE, _RATIONALE_RE, _TICKET_TAIL_RE, _HOST_TAIL_RE, _WHEN_TAIL_RE):
        text = pattern.sub("", text).strip(" ,;:")
    return text


# When it was promised for ("… tomorrow", "… next week"): the due date's business, not the action's words.
_WHEN_TAIL_RE = re.compile(r"(?i)\s+(?:tomorrow(?:\s+morning)?|next\s+week|(?:on\s+)?monday|this\s+week|later\s+today)\W*$")


def _clauses(text: str) -> list[str]:
    return [c.strip() for s in sentences(plain(text)) for c in _NEW_CLAUSE_RE.split(s) if c.strip(" .!")]


def _open_question(clause: str) -> bool:
    """'do we need to replay it?' asks; 'can we add a test for X?' proposes."""
    asked = drop_lead_ins(clause.strip())
    proposes = r"(?i)(?:can|could|should|shall|why don'?t) (?:we|someone|somebody)\b|(?:we|someone) (?:could|should|can)\b"
    return asked.endswith("?") and not re.match(proposes, asked)


def _follow_up_clause(clause: str) -> bool:
    if _open_question(clause):
        return False
    action, planned = _imperative_clause(_trimmed(clause))
    return reads_as_follow_up(action, said_as_follow_up=planned) and not _ABOUT_THE_LIST_RE.search(action)


def imperative(text: str) -> str:
    """'we should add an alert for X.' -> 'Add an alert for X': the first clause that reads as
    something to do later, with its continuations ('and log X at boot') and further imperatives;
    rationale and chatter ('follow-up for me', 'doing it tomorrow') dropped. Best effort: when no
    clause reads as an action, the first non-chatter one; never empties the text."""
    parts = _clauses(text)
    if not parts:
        return text.strip()
    chosen = next((p for p in parts if _follow_up_clause(p)), None)
    if chosen is None:
        chosen = next((p for p in parts if not is_chatter(p) and drop_lead_ins(p).strip(" .!")), parts[0])
    return _continued(parts, parts.index(chosen))


def _continued(parts: list[str], first: int, named: bool = False) -> str:
    """``parts[first]`` as an imperative, with the clauses after it that continue it ('and log X
    at boot') or are further follow-ups; the rest (rationale, chatter) dropped."""
    kept = [_imperative_clause(_trimmed(parts[first]), named)[0]]
    for part in parts[first + 1 :]:
        part = _trimmed(drop_lead_ins(part).strip().rstrip(".!"))
        if not part or is_chatter(part):
            continue
        action, planned = _imperative_clause(part)
        if _CONTINUE_RE.match(part) and not (_ACK_RE.match(action) or _REPORT_RE.search(action) or _ABOUT_THE_WRITEUP_RE.search(action)):
            joined = f"and {action[:1].lower() + action[1:]}" if planned else part[:1].lower() + part[1:]
            kept[-1] = f"{kept[-1]}, {joined}"  # "…, and log X at boot"; "and we need to shed load" -> "and shed load"
        elif (planned or _CONTINUE_RE.match(part) is None) and _follow_up_clause(part) and action[:1].isupper():
            kept.append(action)
    return ". ".join(kept)


def _listed(text: str) -> list[str]:
    """'a, b, and c' or '(1) a (2) b' -> its items, when every piece stands as an item of its own."""
    if _NUMBERED_RE.search(text):
        pieces = _NUMBERED_RE.split(text)
    else:
        pieces = _LIST_SPLIT_RE.split(text)
    pieces = [p.strip(" ,;-*\u2022") for p in pieces if p.strip(" ,;-*\u2022")]
    if len(pieces) > 1 and all(len(p.split()) >= 2 and not _QUALIFIER_RE.match(p) for p in pieces):
        return pieces
    return [text.strip(" ,;-*\u2022")]


def stated_actions(text: str) -> list[str]:
    """The follow-ups a chat line names outright, each as an action: after a label ('Task added:
    X', 'action items: X, Y', 'AI: X', 'follow-up: X', 'TODO: X'), else 'ticket for X' or 'add X
    to the follow-ups'; [] when it names none."""
    named: list[list[str]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = plain(paragraph)
        for match in [*_LABELLED_RE.finditer(flat), *_TICKET_RE.finditer(flat)]:
            rest = _TICKET_RE.sub("", flat[match.end():].lstrip(), count=1)  # "follow-up: ticket to X"
            if quoted := _QUOTED_RE.match(rest):
                named.append([quoted[1]])
                continue
            if match.re is _TICKET_RE:
                rest = rest.split(": ", 1)[0]  # "ticket for X: https://…"
            items, parts = _listed(_trimmed(_SENTENCE_END_RE.split(rest, maxsplit=1)[0])), _clauses(rest)
            named.append(items if len(items) > 1 or not parts else [_continued(parts, 0, named=True)])
        if added := _ADDED_RE.search(flat):
            what = re.split(r"(?i)\b(?:add(?:ing)?|put(?:ting)?)\s+", added["what"])[-1]  # "I'll add X as an action item"
            named.append([_QUOTED_RE.sub(r"\1", what)])
        said = sentences(flat)
        named += [[before] for before, after in pairwise(said) if _POINTS_BACK_RE.match(drop_lead_ins(after))]
    for items in named:
        actions = [_imperative_clause(_trimmed(item), named=True)[0] for item in items]
        actions = [a for a in actions if reads_as_follow_up(a, said_as_follow_up=True) and not _TICKET_KEY_RE.match(a)]
        if actions:
            return actions
    return []


def _without_glued_name(text: str, message: Any) -> str:
    """The hint without a last line that is only a name ('…hits the tail\\njb'): in some pastes the
    next speaker's name is read as the end of the message before it."""
    lines = str(getattr(message, "text", "") or "").rstrip().splitlines()
    name = lines[-1].strip() if len(lines) > 1 else ""
    alone = bool(name) and re.fullmatch(r"@?[A-Za-z][\w.-]{0,19}(?: [A-Z][\w.-]{0,19})?", name) and not re.search(r"[.!?:,;]\s*$", lines[-2])
    if alone and text.rstrip().endswith(name):
        return text.rstrip()[: -len(name)].rstrip()
    return text


def _hint_actions(text: str) -> tuple[list[str], bool]:
    """The actions in one action hint and whether the channel named them outright; else its first
    clause that reads as something to do later (with continuations); [] for chatter, reports and
    write-up remarks."""
    named = stated_actions(text)
    if named:
        return named, True
    if any(_follow_up_clause(c) for c in _clauses(text)):
        return [imperative(text)], False
    return [], False


def guess_category(text: str) -> str:
    """investigate / detect / mitigate future / prevent / repair, from keywords ('repair' when unsure)."""
    for category, pattern in _CATEGORIES:
        if pattern.search(text):
            return category
    return "repair"


def _prevents(category: str) -> str:
    return {"prevent": "yes", "detect": "detects only", "investigate": "no"}.get(category, "not assessed")


def suggest_actions(
    findings: Findings, existing: list[ActionItem] | None = None, rejected: list[RejectedAction] | None = None,
    messages: list | None = None,
) -> list[ActionSuggestion]:
    """Action items proposed from the channel's 'we should' / TODO / follow-up messages, minus ones
    already taken or rejected. With the channel's ``messages``, follow-ups named outright in lines
    the extractor did not flag ('Task added: X') are proposed too."""
    taken = {a.action.casefold() for a in existing or []} | {r.action.casefold() for r in rejected or []}
    by_id = {getattr(m, "id", None): m for m in messages or []}
    found: list[tuple[str, bool, str, list[str]]] = []  # (action, named outright, what was said, message ids)
    hints: list[Fact] = list(findings.action_hints)
    for fact in hints:
        actions, named = _hint_actions(_without_glued_name(fact.text, by_id.get(fact.message_ids[-1]) if fact.message_ids else None))
        found += [(action, named, fact.text, list(fact.message_ids)) for action in actions]
    cited = {mid for fact in hints for mid in fact.message_ids}
    for m in messages or []:
        text = str(getattr(m, "text", "") or "")
        if getattr(m, "id", None) not in cited and not looks_like_instructions(text):
            found += [(action, True, text, [m.id]) for action in stated_actions(text)]
    out: list[ActionSuggestion] = []
    seen: set[str] = set()
    for action, named, said, ids in found:
        key = action.casefold()
        if key in taken or key in seen or any(same_action(action, other) for other in taken | seen):
            continue
        seen.add(key)
        category = guess_category(action)
        out.append(ActionSuggestion(action, category, _prevents(category), ids, said, named))
    return out


def count_advice(n: int) -> str | None:
    """'Aim for 3 to 5 strong items' advice when ``n`` is outside that range, else None."""
    if n == 0:
        return f"No action items yet: aim for {AIM_MIN} to {AIM_MAX} strong items (specific, owned, dated)."
    if n < AIM_MIN:
        return f"{n} action item{'s' if n > 1 else ''}: aim for {AIM_MIN} to {AIM_MAX} strong items; is a detection or prevention item missing?"
    if n > AIM_MAX:
        return f"{n} action items: aim for {AIM_MIN} to {AIM_MAX} strong items; merge or reject the weaker ones (record why)."
    return None


_MONTHS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def parse_due(value: str | date | None, not_before: date | None = None) -> date | None:
    """A due date from a date or text ('2025-01-15', '15 Jan 2025'); UserError with one sentence
    when it is not a real calendar date with a year, or falls before ``not_before`` (the incident)."""
    if value is None or isinstance(value, date):
        day = value
    else:
        text = value.strip()
        if not text or text.casefold() in {"none", "-", "?", "tbd", "due?"}:
            return None
        if not re.search(r"\b\d{4}\b", text) or not (re.search(r"\d{4}-\d{1,2}-\d{1,2}", text) or _MONTHS.search(text) or re.search(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}", text)):
            raise UserError(f"'{value}' is not a date with day, month and year; write the due date like 2025-01-15.")
        try:
            day = dateparser.parse(text, default=utcnow().replace(tzinfo=None, day=1)).date()
        except (ValueError, OverflowError):
            raise UserError(f"'{value}' is not a real calendar date; write the due date like 2025-01-15.") from None
        if day.year < 2000:
            raise UserError(f"'{value}' is not a plausible year for a due date; write it like 2025-01-15.")
    if day is not None and not_before is not None and day < not_before:
        raise UserError(f"The due date {day.isoformat()} is before the incident ({not_before.isoformat()}); give a date after it.")
    return day


_STOP = frozenset(
    "a an the to of for and or in on at by with from when once we our is are be it its this that like so as "
    "add make do set".split()
)


def _content_words(text: str) -> set[str]:
    # Five letters stand for the word: "rotate" and "rotation", "alert" and "alerting" meet.
    return {w[:5] for w in re.findall(r"[a-z0-9_]+", text.casefold()) if w not in _STOP and len(w) > 2}


def same_action(a: str, b: str) -> bool:
    """True when two action texts are the same item worded twice (most content words shared)."""
    if " ".join(a.casefold().split()).strip(" .") == " ".join(b.casefold().split()).strip(" ."):
        return True
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def split_owner_line(line: str) -> tuple[str, str, str]:
    """'action - owner - due' -> (action, owner, due); 'owner?' and 'due?' mean not given."""
    parts = [p.strip() for p in re.split(r"\s+[-\u2013\u2014]\s+", line.strip())]
    action, owner, due = parts[0], "", ""
    if len(parts) >= 3:
        action, owner, due = " - ".join(parts[:-2]), parts[-2], parts[-1]
    elif len(parts) == 2:
        action, owner = parts
    owner = "" if owner.casefold().rstrip("?") in {"owner", "", "tbd", "unknown"} else owner
    due = "" if due.casefold().rstrip("?") in {"due", "", "tbd", "unknown", "due date"} else due
    return action.strip(), owner, due


# A team is not an owner: a name with one of these words is a group someone must still drive.
TEAM_WORDS = re.compile(r"(?i)\b(?:team|squad|guild|crew|group|sre|oncall|on-call|ops|devops|platform|infra|eng|engineering|support|payments|backend|frontend)\b")


def looks_like_team(owner: str) -> bool:
    """True when the owner names a team or group rather than one person."""
    owner = owner.strip().lstrip("@")
    return bool(owner) and (bool(TEAM_WORDS.search(owner)) or ("-" in owner and " " not in owner and owner.islower()))


# "OPS-1240 (pool saturation alert)": a ticket key with the follow-up it was filed for.
_KEY_FOR = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\s*\(([^)]{3,80})\)")
_TAKES = re.compile(r"(?i)\bI(?:'ll| will)\s+(?:own|take|drive|do)\s+([A-Z][A-Z0-9]{1,9}-\d{1,7})\b")


def link_channel_tickets(actions: list[ActionItem], messages: list) -> int:
    """Jira keys the channel gave for follow-ups ('OPS-1240 (pool saturation alert)') attached to
    the matching action items, and 'I'll take OPS-1240' making its author the owner; returns how many changed."""
    changed = 0
    keyed: dict[str, ActionItem] = {}
    for m in messages:
        for key, what in _KEY_FOR.findall(getattr(m, "text", "")):
            words = _content_words(what)
            best, score = None, 0.0
            for item in actions:
                if item.jira_key and item.jira_key != key:
                    continue
                overlap = len(words & _content_words(item.action)) / max(1, len(words))
                if overlap > score:
                    best, score = item, overlap
            taken = any(a.jira_key == key for a in actions if a is not best)
            if best is not None and score >= 0.5 and not taken:
                if not best.jira_key:
                    best.jira_key = key
                    changed += 1
                keyed[key] = best
    for m in messages:
        for key in _TAKES.findall(getattr(m, "text", "")):
            item = keyed.get(key) or next((a for a in actions if a.jira_key == key), None)
            author = getattr(m, "author", "")
            if item is not None and not item.owner and author and not getattr(m, "is_bot", False):
                item.owner = author
                changed += 1
    return changed


class ActionBook:
    """Action items of a session; every mutating call saves through the store."""

    def __init__(self, session: Session, store: SessionStore | None = None, messages: list | None = None) -> None:
        self.session = session
        self.store = store
        self.messages = messages or []  # the channel: Jira keys and "I'll take OPS-12" it gave for follow-ups

    @property
    def items(self) -> list[ActionItem]:
        """The action items, in order."""
        return self.session.actions

    def get(self, action_id: str) -> ActionItem:
        """The item with this id; UserError when there is none."""
        for item in self.session.actions:
            if item.id == action_id:
                return item
        raise UserError(f"There is no action item '{action_id}'; it may have been removed.")

    def _new_id(self) -> str:
        # Ids already filed in Jira count too, so a new item never takes over a published one's issue.
        ids = [a.id for a in self.session.actions] + list(self.session.published.jira_keys)
        numbers = [int(i[1:]) for i in ids if re.fullmatch(r"a\d+", i)]
        return f"a{max(numbers, default=0) + 1}"

    def _validated(self, data: dict[str, Any]) -> ActionItem:
        from pydantic import ValidationError

        try:
            return ActionItem.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field_name = ".".join(str(p) for p in first["loc"])
            raise UserError(f"The action item's {field_name} is invalid: {first['msg']}.") from None

    def add(self, action: str, **fields: Any) -> ActionItem:
        """Add an item (fields as in ``ActionItem``; ``due`` may be text); returns it."""
        if not action.strip():
            raise UserError("An action item needs a description; start it with a verb, e.g. 'Add an alert on ...'.")
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise UserError(f"Action items have no field '{sorted(unknown)[0]}'.")
        if "due" in fields:
            fields["due"] = parse_due(fields["due"], self.incident_date())
        item = self._validated({"id": self._new_id(), "action": action.strip(), **fields})
        self.session.actions.append(item)
        if self.messages:
            link_channel_tickets(self.session.actions, self.messages)
            item = self.session.actions[-1]
        self._save()
        return item

    def edit(self, action_id: str, **fields: Any) -> ActionItem:
        """Change fields of an item; returns the updated item."""
        item = self.get(action_id)
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise UserError(f"Action items have no field '{sorted(unknown)[0]}'.")
        if "due" in fields:
            fields["due"] = parse_due(fields["due"], self.incident_date())
        updated = self._validated({**item.model_dump(), **fields})
        index = self.session.actions.index(item)
        self.session.actions[index] = updated
        self._save()
        return updated

    def incident_date(self) -> date | None:
        """The day the incident started (a due date before it is a typo), from the events or key times."""
        f = self.session.findings
        times = [e.at for e in f.events] + [kt.at for kt in (f.started_at, f.detected_at) if kt is not None]
        return min(times).date() if times else None

    def merge_lines(self, lines: list[str], message_ids: list[str] | None = None) -> list[ActionItem]:
        """Owner lines ('action - owner - due') into the list: a line for an existing item (the same
        action, however worded) updates its owner and due date; a new one is added. Never duplicates."""
        touched: list[ActionItem] = []
        for line in lines:
            action, owner, due = split_owner_line(line)
            if not action:
                continue
            item = next((a for a in self.session.actions if same_action(a.action, action)), None)
            if item is None:
                hint = next((s for s in self.suggestions() if same_action(s.action, action)), None)
                category = hint.category if hint else guess_category(action)
                item = self.add(
                    action, owner=owner, due=due, category=category, prevents_recurrence=_prevents(category),
                    message_ids=list(hint.message_ids) if hint else list(message_ids or []),
                )
            else:
                changes: dict[str, Any] = {}
                if owner and owner != item.owner:
                    changes["owner"] = owner
                if due and parse_due(due, self.incident_date()) != item.due:
                    changes["due"] = due
                if changes:
                    item = self.edit(item.id, **changes)
            touched.append(item)
        return touched

    def remove(self, action_id: str) -> ActionItem:
        """Remove an item; returns it."""
        item = self.get(action_id)
        self.session.actions.remove(item)
        self._save()
        return item

    def move(self, action_id: str, offset: int) -> None:
        """Move an item up (negative) or down (positive) in the list."""
        item = self.get(action_id)
        i = self.session.actions.index(item)
        j = max(0, min(len(self.session.actions) - 1, i + offset))
        self.session.actions.insert(j, self.session.actions.pop(i))
        self._save()

    def suggestions(self) -> list[ActionSuggestion]:
        """Proposals from the findings not yet taken or rejected."""
        return suggest_actions(self.session.findings, self.session.actions, self.session.rejected_actions, self.messages)

    def accept(self, suggestion: ActionSuggestion, **fields: Any) -> ActionItem:
        """Turn a suggestion into an action item (fields override the suggestion's guesses)."""
        base: dict[str, Any] = {
            "category": suggestion.category,
            "prevents_recurrence": suggestion.prevents_recurrence,
            "message_ids": list(suggestion.message_ids),
        }
        base.update(fields)
        return self.add(base.pop("action", suggestion.action), **base)

    def reject(self, action: str, reason: str, action_id: str | None = None) -> RejectedAction:
        """Record an idea as explicitly rejected, with the reason (removing the item when ``action_id`` is given)."""
        if not reason.strip():
            raise UserError("Say why the idea is rejected; the reason is what makes the record useful later.")
        if action_id is not None:
            self.session.actions.remove(self.get(action_id))
        rejected = RejectedAction(action=action.strip(), reason=reason.strip())
        self.session.rejected_actions.append(rejected)
        self._save()
        return rejected

    def unreject(self, index: int) -> RejectedAction:
        """Forget a rejected idea (by position)."""
        try:
            rejected = self.session.rejected_actions.pop(index)
        except IndexError:
            raise UserError("There is no such rejected idea.") from None
        self._save()
        return rejected

    def advice(self) -> str | None:
        """The 3-to-5 advice for the current count, or None when it is in range."""
        return count_advice(len(self.session.actions))

    def lint(self) -> list[LintFinding]:
        """Action-quality findings for all items (not stored; ``Interview.run_lints`` stores both lints)."""
        from facilitator.interview.lint import lint_actions

        return lint_actions(self.session)

    def _save(self) -> None:
        self.session.updated_at = utcnow()
        if self.store is not None:
            self.store.save(self.session)
