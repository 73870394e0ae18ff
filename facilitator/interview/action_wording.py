"""Reading follow-ups out of chat: which lines are something to do later, and their wording.

"we should add an alert for X." becomes "Add an alert for X"; "Task added: X" and "action
items: X, Y" name follow-ups outright; thanks and acks, steps already taken and remarks about
writing the post-mortem are none (``reads_as_follow_up``). ``ActionBook`` (``actions``) turns
what this finds into suggestions; the summary's "we will …" asks ``reads_as_verb_phrase``.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from facilitator.interview.wording import drop_lead_ins, is_chatter, plain, sentences

_LEAD = re.compile(
    r"^\s*(?:(?:todo|to-?do|follow[- ]?ups?|action items?|ai|next steps?|note)\s*[:\-\u2013]\s*)?"
    r"(?P<modal>(?:next time|long(?:er)?[- ]term),?\s+(?:we\s+(?:should\s+|need to\s+|must\s+)?)?"
    r"|(?:so\s+)?(?:i think\s+|imo\s+|maybe\s+|probably\s+)?"
    r"(?:we|someone|somebody|you|i|the team|they)\s+(?:really\s+|still\s+|also\s+)?"
    r"(?:should|need to|needs to|must|ought to|could|have to|will|'ll|shall|need (?:a|some) way to)\s+"
    r"|let'?s\s+|(?:we'll|i'll)\s+|need to\s+|should\s+|can we\s+|could we\s+|please\s+)?",
    re.I,
)

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
    r"|\bowners\s*:\s*(?=\S+\s+\S+\s+\S)"  # "owners: delete the old job (Marcus), alert on X (Ana)"
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
    r"|\s+and\s+(?=(?:we|i)\s+(?:also\s+)?(?:want|need|should)\s)"  # "X needs Y and we want an expiry alert"
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
_OWNER_TAIL_RE = re.compile(r"(?i)\s+(?:lol|lmao|haha\w*)\W*$")  # "(owner: X)" stays: ``owner_tail`` reads it

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


_NEEDS_RE = re.compile(r"(?i)^(?P<subj>(?:the\s+)?[\w./-]+(?:\s+[\w./-]+){0,4}?)\s+needs\s+(?!to\b)(?P<rest>.+)$")
# "we need per-server redis health monitoring": a thing the team lacks, to be added
_WE_NEED_RE = re.compile(
    r"(?i)^(?:so\s+)?(?:i\s+think\s+)?(?:we|i)\s+(?:really\s+|also\s+|still\s+)?(?:need|want|(?:would|[\x27\u2019]d)\s+like)\s+"
    r"(?!to\b|it\b|that\b|this\b|them\b|(?:a|some)\s+way\s+to\b)(?P<rest>\S.+)$"
)


def _imperative_clause(text: str, named: bool = False, promised: bool = False) -> tuple[str, bool]:
    """One clause as an imperative, and whether it was said as a plan ('we should…', 'let's…');
    ``named``: the channel called it a follow-up, so 'alerting on X' is 'Alert on X';
    ``promised``: someone took it on in the same message ('…, I'll add it')."""
    cleaned = _ASIDE_RE.sub("", " ".join(text.split())).strip(" .!?")
    cleaned = _CONTINUE_RE.sub("", drop_lead_ins(_CONTINUE_RE.sub("", cleaned)))
    cleaned = _STAYS_RE.sub(r"keep \g<what> \g<state> until", cleaned)  # "deploy-manager stays off until X"
    if need := _WE_NEED_RE.match(cleaned):
        cleaned = f"we should add {need['rest']}"
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
    if (named or promised) and needs and not set(needs["subj"].casefold().split()) & {"we", "you", "i", "they", "it", "this", "that"}:
        subj = needs["subj"][0].lower() + needs["subj"][1:] if needs["subj"][1:2].islower() else needs["subj"]
        if re.match(r"(?i)(?:an?|some|more)\s", needs["rest"]):
            stripped = f"add {needs['rest']} to {subj}"  # "runbook needs a line about X" -> "Add a line about X to runbook"
        else:
            stripped = f"give {subj} {needs['rest']}"  # "canary needs enough traffic" -> "Give canary enough traffic"
        planned = planned or promised
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
_WHEN_TAIL_RE = re.compile(
    r"(?i)\s+(?:tomorrow(?:\s+morning)?|next\s+week|(?:on\s+)?monday|this\s+week|later\s+today"
    r"|(?:once|when|after)\s+(?:we(?:[\x27\u2019]re|\s+are)|things?\s+(?:are|is)|it(?:[\x27\u2019]s|\s+is)|everything\s+is)\s+(?:stable|calm|quiet|settled|over|back\s+to\s+normal)"
    r"|(?:once|when|after)\s+(?:things|it)\s+(?:calms?|settles?)(?:\s+down)?|after\s+(?:the|this)\s+incident)\W*$"
)


def _clauses(text: str) -> list[str]:
    return [c.strip() for s in sentences(plain(text)) for c in _NEW_CLAUSE_RE.split(s) if c.strip(" .!")]


def _open_question(clause: str) -> bool:
    """'do we need to replay it?' asks; 'can we add a test for X?' proposes."""
    asked = drop_lead_ins(clause.strip())
    proposes = r"(?i)(?:can|could|should|shall|why don'?t) (?:we|someone|somebody)\b|(?:we|someone) (?:could|should|can)\b"
    return asked.endswith("?") and not re.match(proposes, asked)


def _follow_up_clause(clause: str, promised: bool = False) -> bool:
    if _open_question(clause):
        return False
    action, planned = _imperative_clause(_trimmed(clause), promised=promised)
    return reads_as_follow_up(action, said_as_follow_up=planned) and not _ABOUT_THE_LIST_RE.search(action)


def imperative(text: str, promised: bool = False) -> str:
    """'we should add an alert for X.' -> 'Add an alert for X': the first clause that reads as
    something to do later, with its continuations ('and log X at boot') and further imperatives;
    rationale and chatter ('follow-up for me', 'doing it tomorrow') dropped. Best effort: when no
    clause reads as an action, the first non-chatter one; never empties the text."""
    parts = _clauses(text)
    if not parts:
        return text.strip()
    chosen = next((p for p in parts if _follow_up_clause(p, promised)), None)
    if chosen is None:
        chosen = next((p for p in parts if not is_chatter(p) and drop_lead_ins(p).strip(" .!")), parts[0])
    at = parts.index(chosen)
    if at and (bare := _BARE_MODAL_RE.match(chosen)) and (said := _SUBJECT_SAID_RE.match(parts[at - 1])):
        parts[at] = f"{said['subj']} {bare['modal']} {chosen[bare.end():]}"  # "…alert fired late. should page X" -> "the alert should page X"
    return _continued(parts, at, promised=promised)


# A clause with no subject ("should page payments directly") whose subject the sentence before
# it named ("the capture DLQ alert fired 30 min after the first failure").
_BARE_MODAL_RE = re.compile(r"(?i)^(?:it\s+|that\s+)?(?P<modal>should|must|needs\s+to|has\s+to|ought\s+to)\s+(?=\w)")
_SUBJECT_SAID_RE = re.compile(
    r"(?i)^(?:(?:todo|follow[- ]?ups?|note)\s*[:\-\u2013]\s*)?(?P<subj>(?:the|our|this|that)\s+[\w./-]+(?:\s+[\w./-]+){0,4}?)\s+"
    r"(?:fired|paged|triggered|ran|took|went|came|failed|was|were|is|are|did|didn[\x27\u2019]?t|does|doesn[\x27\u2019]?t|has|had|never|only|wasn[\x27\u2019]?t|isn[\x27\u2019]?t)\b"
)


def _continued(parts: list[str], first: int, named: bool = False, promised: bool = False) -> str:
    """``parts[first]`` as an imperative, with the clauses after it that continue it ('and log X
    at boot') or are further follow-ups; the rest (rationale, chatter) dropped."""
    kept = [_imperative_clause(_trimmed(parts[first]), named, promised)[0]]
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


_SO_THAT_RE = re.compile(r"(?i)\s+so\s+(?:that\s+)?(?:this|it|we|they|someone|somebody)\s+(?:gets?|can|will|is|are|does)\b.*$")


def stated_actions(text: str) -> list[str]:
    """The follow-ups a chat line names outright, each as an action: after a label ('Task added:
    X', 'action items: X, Y', 'AI: X', 'follow-up: X', 'TODO: X'), else 'ticket for X' or 'add X
    to the follow-ups'; [] when it names none."""
    named: list[list[str]] = []
    ticketed: set[int] = set()  # the items that followed "ticket for": a subject, not yet a verb phrase
    for paragraph in re.split(r"\n\s*\n", text):
        flat = plain(paragraph)
        for match in [*_LABELLED_RE.finditer(flat), *_TICKET_RE.finditer(flat)]:
            rest = _TICKET_RE.sub("", flat[match.end():].lstrip(), count=1)  # "follow-up: ticket to X"
            if quoted := _QUOTED_RE.match(rest):
                named.append([quoted[1]])
                continue
            if match.re is _TICKET_RE:
                rest = _SO_THAT_RE.sub("", rest.split(": ", 1)[0])  # "ticket for X: https://…", "… so this gets looked at"
                ticketed.add(len(named))
            elif _NUMBERED_RE.match(rest):  # "action items so far: 1. … 2. … 3. …": every numbered item
                named.append([_trimmed(item) for item in _NUMBERED_RE.split(rest) if item.strip(" ,;-")])
                continue
            items, parts = _listed(_trimmed(_SENTENCE_END_RE.split(rest, maxsplit=1)[0])), _clauses(rest)
            named.append(items if len(items) > 1 or not parts else [_continued(parts, 0, named=True)])
        if added := _ADDED_RE.search(flat):
            what = re.split(r"(?i)\b(?:add(?:ing)?|put(?:ting)?)\s+", added["what"])[-1]  # "I'll add X as an action item"
            named.append([_QUOTED_RE.sub(r"\1", what)])
        said = sentences(flat)
        named += [[before] for before, after in pairwise(said) if _POINTS_BACK_RE.match(drop_lead_ins(after))]
    for number, items in enumerate(named):
        actions = [_imperative_clause(_trimmed(item), named=True)[0] for item in items]
        if number in ticketed and len(items) == 1 and _content_count(actions[0]) < 3:
            actions = [f"Look into {actions[0][:1].lower() + actions[0][1:] if actions[0][1:2].islower() else actions[0]}"]  # "ticket for the memory thing"
        actions = [a for a in actions if reads_as_follow_up(a, said_as_follow_up=True) and not _TICKET_KEY_RE.match(a)]
        if actions:
            return actions
    return []


# Who an item was given to, after it: "… for good (Marcus)", "(owner: @ana)", "(assigned to Ana K.)".
_OWNER_PAREN_RE = re.compile(
    r"(?i)\s*\((?P<label>(?:owner|assignee|assigned\s+to)\b\s*:?\s*)?@?(?P<who>[^()\d,;:]{2,40}?)\)\s*$"
)


def owner_tail(action: str, people: list[str]) -> tuple[str, str]:
    """The action without a trailing "(Marcus)" / "(owner: Ana)", and that owner as one of
    ``people`` (matched by full name, first name or handle, ignoring case); a labelled owner not
    among them is kept as written. Text in brackets that names nobody stays in the action."""
    m = _OWNER_PAREN_RE.search(action)
    if m is None:
        return action, ""
    who = " ".join(m["who"].split()).strip(" .")
    folded = who.casefold()
    found = [p for p in people if p.casefold() == folded] or [
        p for p in people if p.split()[0].casefold().lstrip("@") == folded or p.casefold().replace(" ", "") == folded.replace(" ", "")
    ]
    if len(set(found)) == 1:
        return action[: m.start()].rstrip(" ,;"), found[0]
    if m["label"]:
        return action[: m.start()].rstrip(" ,;"), who
    return action, ""


def without_glued_name(text: str, message: Any) -> str:
    """The hint without a last line that is only a name ('…hits the tail\\njb'): in some pastes the
    next speaker's name is read as the end of the message before it."""
    lines = str(getattr(message, "text", "") or "").rstrip().splitlines()
    name = lines[-1].strip() if len(lines) > 1 else ""
    alone = bool(name) and re.fullmatch(r"@?[A-Za-z][\w.-]{0,19}(?: [A-Z][\w.-]{0,19})?", name) and not re.search(r"[.!?:,;]\s*$", lines[-2])
    if alone and text.rstrip().endswith(name):
        return text.rstrip()[: -len(name)].rstrip()
    return text


def hint_actions(text: str) -> tuple[list[str], bool]:
    """The actions in one action hint and whether the channel named them outright; else its first
    clause that reads as something to do later (with continuations); [] for chatter, reports and
    write-up remarks."""
    named = stated_actions(text)
    if named:
        return named, True
    promised = _TAKEN_ON_RE.search(text) is not None
    if any(_follow_up_clause(c, promised) for c in _clauses(text)):
        return [imperative(text, promised)], False
    return [], False


# Its author takes the gap on: "runbook needs a line about X, I'll add it".
_TAKEN_ON_RE = re.compile(r"(?i)\b(?:i|we)(?:[\x27\u2019]ll|\s+will)\s+(?:add|do|write|fix|update)\s+(?:it|that|this)\b")
