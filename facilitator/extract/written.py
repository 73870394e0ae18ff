"""Chat made readable as written text: what titles, summaries and timeline rows show.

``readable`` drops what only a chat client shows (emoji codes, emphasis markers, code blocks)
and names a link by its host; ``summary_of`` keeps a message's first sentence;
``plain_sentence`` also drops the chat's lead-ins ("hey all,", "per @sam,", "I'm seeing") so a
message reads as a written sentence. The citation always keeps the original words.
"""

from __future__ import annotations

import re

from facilitator.extract.patterns import FENCED_RE, URL_RE, link_labels, url_and_tail
from facilitator.extract.regex_literals import quick_compile

_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.MULTILINE)


# Slack emoji codes (":rotating_light:") and *bold* / _italic_ markers around words.
EMOJI_CODE_RE = quick_compile(r"(?<![\w:]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:])", 0)
EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def readable(text: str) -> str:
    """Text for people: code blocks dropped, inline code unquoted, links shown by their host,
    emoji codes and Slack emphasis markers removed."""
    if text.count(":") > 1:  # an emoji code has two
        text = EMOJI_CODE_RE.sub("", text)
    if "*" in text or "_" in text:
        text = EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2), text)
    if "`" in text:
        text = FENCED_RE.sub(" ", text).replace("`", "")
    text = link_labels(text)
    if "://" in text:
        text = URL_RE.sub(_link_host, text)
    return text


_SCHEME_RE = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)
_FIRST_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s")


# Words after which a link is the sentence's object ("timeout on get.jenkins.io"); after anything
# else it is a reference set beside the sentence ("rolling back #5127 (github.com)").
_BEFORE_OBJECT_RE = re.compile(
    r"(?:^|[:(\[\n-]|\b(?:on|at|to|from|in|into|of|see|via|the|a|an|for|is|are|was|here|this|that|with|by|check|open|visit|url|link|reach|hit|load|loading)\b)\s*$",
    re.IGNORECASE,
)


def _link_host(match: re.Match[str]) -> str:
    url, tail = url_and_tail(match)
    host = _SCHEME_RE.sub("", url).split("/", 1)[0]
    before = match.string[max(0, match.start() - 24) : match.start()]
    return (host if _BEFORE_OBJECT_RE.search(before) else f"({host})") + tail


def summary_of(text: str, limit: int = 140) -> str:
    """A one-line summary: the first sentence of the prose, trimmed."""
    prose = " ".join(_BULLET_RE.sub("", readable(text)).split())
    if not prose:
        prose = " ".join(text.split())
    parts = _FIRST_SENTENCE_END_RE.split(prose)
    first = parts[0]
    for part in parts[1:]:
        if len(first) >= 40:
            break
        first = f"{first} {part}"  # "Great." says nothing alone
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first


# Chat lead-ins a written sentence does without: greetings and fillers ("hey all,", "ok so"),
# who relayed it ("the WER teacher just pinged me:", "per @fejta", "according to Sam,"), and
# the speaker's own viewpoint ("I'm seeing", "looks like").
_LEAD_IN_RE = re.compile(
    r"^(?:(?:(?:hey|hi|hello|ok(?:ay)?|(?-i:[Ss]o)|fyi|heads[- ]up|y[\x27\u2019]?all|"  # not "SO" (Stack Overflow)
    r"morning|good (?:morning|evening)|quick q(?:uestion)?|hmm+|uh+|um+)\b"
    # words that only greet when set off ("all, the fix is out"; not "all web servers have the fix")
    r"|(?:update|folks|all|team|everyone|guys|well|right|alright)(?=\s*[,:!.\u2014\u2013-]))[\s,:!.-]*)+"
    r"|^[^.:!?]{0,60}\b(?:pinged|told|messaged|emailed|asked|wrote to|reported to|called|phoned|rang)\s+(?:me|us)\b[^:]{0,40}:\s*"
    r"|^[^.:!?,]{0,60}\b(?:pinged|messaged|emailed|called|phoned|rang)\s+(?:me|us)\s*,\s*"  # "support just phoned me, cloud printing errors"
    r"|^@(?:channel|here|everyone)\b[\s,:]*"
    r"|^(?:per|according to)\s+@?[\w.-]+(?-i:\s+[A-Z][\w-]+)?\s*[,:]?\s+(?:(?:it\s+(?:looks|seems)\s+like|it[\x27\u2019]?s)\s+)?"
    r"|^(?:i[\x27\u2019]?m|i am|we[\x27\u2019]?re|we are)\s+(?:also\s+|now\s+)?(?:seeing|getting|noticing)\s+(?:that\s+)?"
    r"|^(?:looks|seems)\s+like\s+"
    # announcing the finding that follows: "Found it I think.", "think i found it:", "found something."
    r"|^(?:(?:i\s+)?think\s+i(?:[\x27\u2019]ve)?\s+)?found\s+(?:it|something|the\s+(?:cause|culprit|problem|issue))(?:\s*,?\s*i\s+think)?\s*[.!:,\u2014\u2013-]+\s*"
    r"|^(?:support|ic|sre|comms|on-?call|(?:db|database|network|infra)\s+on-?call)(?:\s+here\b|\s*:)[\s,:.!\u2014\u2013-]*"
    # a bridge relaying another chat ("<user42> ..."), a pager's or monitor's prefix, an ack
    r"|^<[^>\s]{1,32}>\s*"
    # the customer's own words relayed: 'shared channel w/ one of our customers: "Metrics tab has been empty"'
    r"|^[^.:!?\"\u201c]{0,60}\b(?:customers?|users?|clients?|merchants?)\s*:\s*[\"\u201c]"
    # an incident tool's event quoting a person: 'Incident declared by Rafael Ortiz — "Customers report ...'
    r"|^[^\"\u201c]{0,50}\b(?:declared|shared|added|posted|left|created|resolved|opened)\s+by\s+[^\"\u201c:\u2014]{1,40}[\s:\u2014\u2013-]*[\"\u201c]"
    r"|^\[?(?:triggered|firing(?::\d+)?|alerting|alert|problem|critical|warning)\]?\s*[:\-\u2013]?\s+(?!(?:through|by|via|from)\b)"
    r"|^(?:paged|ack(?:ed|nowledged)?|on it|looking(?: into it)?|jumping in|joining|here)\s*[.!,:;-]+\s*"
    # who relayed it ("a user in the channel says ..."), and asking whether it is known
    r"|^[^.:!?,]{0,40}\b(?<!the\s)(?:says|said|reports|reported)\s+(?:that\s+)?"
    r"|^(?:is it known|does anyone know|did anyone notice|anyone else (?:seeing|getting|notice|noticing))\s+(?:that\s+|if\s+)?",
    re.IGNORECASE,
)


def plain_sentence(text: str, limit: int = 90) -> str:
    """A chat message as a short written sentence: first sentence, no lead-in, capitalised.

    "hey all, WER teacher just pinged me: lots of students can't get into the hub, page is
    just frozen." -> "Lots of students can't get into the hub, page is just frozen." The
    citation keeps the original words; this is what a title or a summary line shows.
    """
    first = summary_of(text, limit=400)
    previous = None
    opened = False  # the lead-in ended with an opening quote: 'declared by Tiago: "'
    while previous != first:  # lead-ins stack: "hey all, fyi: per @sam, ..."
        previous = first
        lead = _LEAD_IN_RE.match(first)
        opened = opened or (lead is not None and lead.group(0).rstrip().endswith(('"', "\u201c")))
        first = _LEAD_IN_RE.sub("", first, count=1).lstrip(" ,:;-\u2014\u2013")
    first = first.rstrip(" ,:;-")
    if opened and (close := re.search(r'["\u201d]', first)) is not None:
        # a quoted note whose opening quote was part of the lead-in ends at its closing quote
        # ('Incident declared by Tiago: "Dashboard errors and email sending delays" — Severity: Major')
        first = first[: close.start()].rstrip(" ,:;-")
    if len(first) > limit:
        cut = first[:limit]
        clause = max(cut.rfind(", "), cut.rfind("; "), cut.rfind(" - "), cut.rfind(" — "))
        first = cut[:clause] if clause >= limit // 2 else cut.rsplit(" ", 1)[0] + "…"
    return sentence_case(first) if first else summary_of(text, limit=limit)


_PLAIN_WORD_RE = re.compile(r"[a-z]+(?:[-\x27\u2019][a-z]+)*(?=[\s,.:;!?]|$)")


def sentence_case(text: str) -> str:
    """``text`` with its first letter capitalised, unless its first word is a name as written:
    a version, a path or an identifier ("v2.31.0 reads…", "config.yaml", "npm_token")."""
    return text[:1].upper() + text[1:] if _PLAIN_WORD_RE.match(text) else text
