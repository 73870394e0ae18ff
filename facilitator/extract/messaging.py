"""Messaging: status-page posts and customer-facing updates, with time and content.

A status page bot's post counts as is. A human message counts when it says an update went
out ("posted to the status page", "status page updated: ...", "emailed affected customers")
rather than asking whether one should ("should we update the status page?"). The summary
prefers the quoted update text when the message carries one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from facilitator.extract.patterns import patterns
from facilitator.extract.signals import MessageSignals
from facilitator.extract.written import readable, summary_of
from facilitator.findings import MessagingItem

_DONE_RE = re.compile(
    r"\b(?:posted|post(?:ing)?|updated|updating|published|publishing|put up|sent|sending|emailed|tweeted|"
    r"went out|going out|gone out|is out|is up|is live|notified|wrote|added|resolved|update\s*:|incident\s+(?:created|opened)\s+on)\b"
    r"|^\W*status\s*-?page\s*(?:update\s*)?:",
    re.IGNORECASE,
)
_ASKING_RE = re.compile(
    r"\b(?:should (?:we|i)|shall (?:we|i)|do we need|can (?:someone|somebody|you)|could (?:someone|you)|"
    r"who(?:'s| is| will)|need to|let's|lets|please|we'll need|(?:we|i)(?:'ll|\u2019ll| will)\s+(?:\w+\s+)?(?:post|update|send|email|put|publish|write)|"
    r"going\s+to|gonna|about\s+to)\b",
    re.IGNORECASE,
)
# Reading or pointing at the page, not updating it: "saw the status page post", "per the status page".
_READ_IT_RE = re.compile(r"\b(?:saw|see|seen|seeing|read|reading|checked|check|look(?:ed|ing)?\s+at|per|according\s+to)\s+(?:the\s+|our\s+)?status\s*-?\s*page\b", re.IGNORECASE)
# Someone else's page: "their status page is all green", "provider status page has a storage issue"
_THEIRS_RE = re.compile(
    r"\b(?:their|provider[\x27\u2019]?s?|vendor[\x27\u2019]?s?|upstream|third[- ]party|partner[\x27\u2019]?s?|(?!our\b)[a-z0-9-]+[\x27\u2019]s)\s+status\s*-?\s*page\b",
    re.IGNORECASE,
)
# A status page's post as its bot relays it: a stage, a dash, the update ("Identified - The issue has been …").
_STAGE_LINE_RE = re.compile(
    r"(?im)^\W{0,3}(?:investigating|identified|update|monitoring|resolved|completed|postmortem)\s*[-\u2013\u2014]\s+(?:we|the|this|a|an|our|all|some|services?|customers?|users?)\b"
)
_QUOTED_RE = re.compile(r"[\"“](?P<q>[^\"”]{12,})[\"”]|^>\s?(?P<b>.+)$|:\s*(?P<c>[A-Z][^\n]{12,})", re.MULTILINE)


def _channel(text: str, is_status_bot: bool, status: bool) -> str:
    lower = text.lower()
    if is_status_bot or status:
        return "status page"
    if "email" in lower or "mail" in lower:
        return "customer email"
    if "tweet" in lower or "twitter" in lower or "social" in lower:
        return "social"
    return "customer update"


def find_messaging(sigs: list[MessageSignals]) -> list[MessagingItem]:
    """Status page and customer updates that were actually sent, in order."""
    pats = patterns()
    items: list[MessagingItem] = []
    announced: set[datetime] = set()  # when the status page itself posted
    telling: list[MessagingItem] = []  # a person saying a post is going out
    for sig in sigs:
        message = sig.message
        status_bot = message.is_bot and (
            any(b in message.author.casefold() for b in pats.status_bots)
            or message.author.casefold().rstrip().endswith(" status")
            or _STAGE_LINE_RE.search(message.text) is not None
        )
        status = "status_page" in sig.flags
        if not (status_bot or status or "customer_comms" in sig.flags):
            continue
        prose = sig.prep.prose
        if not status_bot:
            sentences = [s for s in sig.prep.sentences if not s.rstrip().endswith("?")]
            relevant = [
                s for s in sentences if pats.has("status_page", s, sig.prep.gate) or pats.has("customer_comms", s, sig.prep.gate)
            ]
            if not any(
                _DONE_RE.search(s) and not _ASKING_RE.search(s) and not _READ_IT_RE.search(s) and not _THEIRS_RE.search(s)
                for s in relevant
            ):
                continue
        quoted = _QUOTED_RE.search(readable(message.text))
        summary = ""
        if quoted:
            summary = next(g for g in quoted.groups() if g).strip()
        elif message.reply_ids and _TEXT_IN_THREAD_RE.search(prose):
            summary = _thread_text(sigs, message)  # "customer notice going out, text in thread"
        else:
            told = _TOLD_RE.match(readable(message.text))
            summary = told.group("t").strip() if told else ""  # "update posted to customers: access restored"
        items.append(
            MessagingItem(
                at=message.at,
                channel=_channel(prose, status_bot, status_bot or status),
                summary=summary_of(summary or message.text, limit=200),
                message_ids=[message.id],
            )
        )
        if status_bot:
            announced.add(message.at)
        elif _UNDER_WAY_RE.search(prose):
            telling.append(items[-1])
    # "posting the status page now" and the page's own post minutes later: the post says it
    said_again = {id(i) for i in telling if any(timedelta(0) <= at - i.at <= _ANNOUNCED_WITHIN for at in announced)}
    return [i for i in items if id(i) not in said_again]


# "update posted to customers: access restored, …": what was said comes after the colon
_TOLD_RE = re.compile(
    r"^[^:\n]{0,60}\b(?:posted|sent|published|updated|went\s+out|going\s+out|emailed|tweeted)\b[^:\n]{0,40}:\s*(?P<t>\S.{11,})",
    re.IGNORECASE | re.DOTALL,
)
_TEXT_IN_THREAD_RE = re.compile(r"\b(?:text|wording|copy|draft|message)\s+(?:is\s+)?(?:in|below\s+in)\s+(?:the\s+)?thread\b|\bin\s+(?:the\s+)?thread\b", re.IGNORECASE)


def _thread_text(sigs: list[MessageSignals], parent) -> str:
    """The update's words from the first reply of its author's thread that quotes them."""
    for sig in sigs:
        reply = sig.message
        if reply.thread_id == parent.id and reply.id != parent.id and reply.author == parent.author:
            quoted = _QUOTED_RE.search(readable(reply.text))
            return next(g for g in quoted.groups() if g).strip() if quoted else reply.text.strip()
    return ""


_UNDER_WAY_RE = re.compile(r"\b(?:posting|updating|putting|sending|publishing|drafting|writing)\b", re.IGNORECASE)
_ANNOUNCED_WITHIN = timedelta(minutes=15)


_STAGES = r"(?:investigating|identified|monitoring|update|updated|resolved|scheduled|in\s+progress|degraded(?:\s+performance)?|partial\s+outage|major\s+outage)"
# "Incident created: Dashboard and engine unavailable — Investigating"; "Inbound/Outbound Service Impact (Investigating)";
# "Issues receiving login emails Investigating - We're investigating ..."
_NAMED_RE = re.compile(
    rf"^\W*(?:(?:new\s+)?incident(?:\s+(?:created|opened|updated|resolved))?\s*:\s*)?(?P<t>.+?)\s*"
    rf"(?:\(\s*{_STAGES}\s*\)|[-–—:|]\s*{_STAGES}\b.*|\s{_STAGES}\s*[-–—:]\s.*)$",
    re.IGNORECASE,
)
# "Investigating - Elevated errors at checkout"; "Investigating — We are investigating DNS failures affecting ..."
_STAGE_FIRST_RE = re.compile(r"^\W*investigating\s*[-–—:]\s*(?P<t>.+)$", re.IGNORECASE)  # later stages say what was done
_HOST_TAIL_RE = re.compile(r"\s*\([\w.-]+\.[a-z]{2,}\)\s*$|\s+(?:https?://)?\S+\.[a-z]{2,}(?:/\S*)?\s*$")  # the page's link
# the page's own link ("https://…", "status.gitlab.com", a host closing the post); not a host named
# as the subject ("GitLab.com is down")
_HOST_RE = re.compile(
    r"\s+(?:https?://\S+|status\.[\w.-]+(?:/\S*)?|[\w-]+(?:\.[\w-]+)*\.(?:com|io|net|org|co|dev|app)(?:/\S*)?\s*$)(?=\s|$)",
    re.IGNORECASE,
)
_NAME_ONLY_RE = re.compile(r"[A-Z][^.?!:\n]{3,80}")
_IMPACT_TAG_RE = re.compile(r"^\W*\[[^\]]{1,40}\]\s*")
_WE_ARE_RE = re.compile(
    r"^(?:we\s+are|we[\x27\u2019]re)\s+(?:currently\s+|still\s+|actively\s+)?(?:continuing\s+to\s+(?:investigate|see)|investigating|experiencing|seeing|aware\s+of)\s+"
    r"(?:(?:reports?|an?\s+issue)\s+(?:of|with|where|that)\s+)?(?P<t>.+)$",
    re.IGNORECASE,
)


_NAMES_THE_PAGE_RE = re.compile(r"\bstatus\s*-?\s*page\b", re.IGNORECASE)


def _posts(items: list[MessagingItem]) -> Iterator[tuple[MessagingItem, str]]:
    """The status page's own posts, each with its text less the link to the page; a person
    saying they posted ("updated the status page: identified") is not one."""
    for item in items:
        if item.channel == "status page" and not _NAMES_THE_PAGE_RE.search(item.summary):
            yield item, _HOST_TAIL_RE.sub("", item.summary.strip())


def status_title(items: list[MessagingItem]) -> tuple[str, list[str]] | None:
    """The incident's name on the status page, when a post shows one: what customers were told it is.

    A status page names an incident in a few words ("Dashboard and engine unavailable") and the
    first update says what is wrong ("We are investigating DNS resolution failures affecting
    domains on the CDN"): either makes a better title than the first alarmed chat line.
    """
    for n, (item, posted) in enumerate(_posts(items)):
        text = _IMPACT_TAG_RE.sub("", _HOST_RE.sub("", posted))  # "[Partial Service Outage] Investigating — …": a level, not a name
        title = ""
        named = _NAMED_RE.match(text)
        if named and not _WE_ARE_RE.match(named.group("t")) and not _STAGE_FIRST_RE.match(named.group("t")):
            title = named.group("t")
        else:
            first = _STAGE_FIRST_RE.match(text)
            body = first.group("t") if first else text
            said = _WE_ARE_RE.match(body)
            if said:
                # (not what the team is doing about it: "… API errors and are currently looking into the issue")
                title = re.split(
                    r"\s+(?:that|which)\s+(?:may|might|could|is|are)\b|[.;]\s|\.$"
                    r"|\s+and\s+(?:are|we[\x27\u2019]re|we\s+are)\s+(?:currently\s+|actively\s+)?(?:looking|investigating|working)\b",
                    said.group("t"),
                )[0]
            elif first:
                title = re.split(r"[.;]\s", body)[0]  # "Service Degradation: Sites unavailable. The team is investigating…"
            elif n == 0 and _NAME_ONLY_RE.fullmatch(text) and not re.match(rf"(?i)\W*{_STAGES}\b", text):
                title = text  # the first post's summary is the incident's name alone ("New App Push Notifications Outage")
        title = re.sub(r"(?i)^\W*(?:investigating|identified|monitoring|resolved|update|completed)\s*[-–—:]\s*", "", title)  # a later stage's name first
        title = re.sub(r"(?i)^(?:an?|the)\s+", "", title.strip(" .,:;-–—"))
        words = title.split()
        if 2 <= len(words) <= 14 and len(title) <= 100 and not re.match(r"(?i)(?:we|i|our|this|that|it|issue|problem)\b", title):
            return title[:1].upper() + title[1:], list(item.message_ids)
    return None


# A body that says what was done or found, not what customers see: later updates
_DONE_BODY_RE = re.compile(r"(?i)\b(?:identified|fix|fixed|resolved|implemented|deployed|monitoring|recover\w*|restored)\b")


_NOW_VERB_RE = re.compile(
    r"\b(?P<v>is|are|isn[\x27\u2019]t|aren[\x27\u2019]t|cannot|can[\x27\u2019]t|can\s+not|may\s+be|might\s+be)\b",
    re.IGNORECASE,
)
_PAST = {"is": "was", "are": "were", "isn't": "wasn't", "aren't": "weren't", "cannot": "could not",
         "can't": "could not", "can not": "could not", "may be": "may have been", "might be": "might have been"}


def _in_the_past(effect: str) -> str:
    """The page's present tense ("some customers are unable to send email") told afterwards
    ("some customers were unable to send email"): the first verb only, the rest reads on."""
    verb = _NOW_VERB_RE.search(effect)
    if not verb:
        return effect
    said = re.sub(r"\s+", " ", verb.group("v").lower().replace("\u2019", "\x27"))
    rest = _NOW_WORD_RE.sub("", effect[verb.end():], count=1)  # "is currently unavailable" was "unavailable"
    return effect[: verb.start()] + _PAST[said] + rest


# What only the present says: "currently", "now", "right now", "at the moment" after the verb
_NOW_WORD_RE = re.compile(r"^\s+(?:currently|presently|now|right\s+now|at\s+the\s+moment|at\s+this\s+time)(?=\s)", re.IGNORECASE)


# A status post that names the cause: "Identified - The issue was caused due to flooding from one
# customer account that starved resources", "… has been identified as a misconfigured load balancer".
_NAMES_CAUSE_RE = re.compile(
    r"\b(?:caused\s+by|due\s+to|because\s+(?:of\s+)?|result(?:ed)?\s+of|(?:root\s+)?cause\s+(?:is|was|has\s+been)|"
    r"(?:has\s+been|was|were)\s+identified\s+as|traced\s+(?:it\s+)?(?:back\s+)?to)\s+(?P<what>\S.+)$",
    re.IGNORECASE,
)
# "Identified - …", "[Investigating] …": the stage a post opens with, before what it says
_STAGED_RE = re.compile(r"^\W*(?:investigating|identified|update|monitoring|resolved)\s*[-–—:\]]\s*(?P<b>.+)$", re.IGNORECASE)


def status_cause(items: list[MessagingItem]) -> tuple[str, list[str]] | None:
    """The cause as the status page told it, when a post names one ("The issue was caused by
    flooding from one customer account"): its sentence, in the page's words."""
    for item, text in _posts(items):
        staged = _STAGED_RE.match(text)
        for sentence in re.split(r"(?<=[.!?])\s+", staged.group("b") if staged else text):
            said = _NAMES_CAUSE_RE.search(sentence)
            if said and len(said.group("what").split()) >= 3 and not re.search(r"(?i)\b(?:investigat|unknown|not yet|working to)", sentence):
                return sentence.strip().rstrip(".") + ".", list(item.message_ids)
    return None


def status_effect(items: list[MessagingItem]) -> tuple[str, list[str]] | None:
    """What the status page told customers they were seeing, in its own words: the first post
    that says it ("Investigating — We are investigating DNS resolution failures affecting
    domains on the CDN." reads "DNS resolution failures affecting domains on the CDN."). Written
    for customers already, it describes the effect better than an engineer's first alarmed line.
    Posts that say only that the team is looking ("We are currently investigating this issue")
    are passed over; so are those telling what was done or found.
    """
    for item, text in _posts(items):
        staged = re.search(r"(?i)\b(?P<stage>investigating|identified|update)\s*[-–—:]\s*(?P<b>.+)$", text)
        body = staged.group("b") if staged else text
        said = _WE_ARE_RE.match(body)
        if _ONLY_LOOKING_RE.match(re.split(r"(?<=[.!?])\s", body)[0].strip()):
            continue
        if said:
            body = said.group("t")
        elif not (staged and staged.group("stage").casefold() == "investigating") and not re.match(r"(?i)^(?:some|many|all|customers|users)\b", body):
            continue  # a post that only names the incident, or tells what was found
        body = re.split(r"(?<=[.!?])\s", body)[0].strip()
        body = re.sub(r"(?i)^(?:the\s+)?(?:ongoing|current|continued)\s+", "", body)
        if len(body.split()) < 4 or _DONE_BODY_RE.search(body) or _ONLY_LOOKING_RE.match(body):
            continue
        body = _in_the_past(re.sub(r"(?i)^(?:an?|the)\s+(?=\w+\s+\w)", "", body))
        return body[:1].upper() + body[1:].rstrip(" .") + ".", list(item.message_ids)
    return None


# "… this issue", "… to investigate the issue": the page says it is looking, not what is wrong.
_ONLY_LOOKING_RE = re.compile(
    r"(?i)^(?:(?:we\s+are|we[\x27\u2019]re)\s+)?(?:(?:currently|still|actively)\s+)?(?:continu\w+\s+)?(?:to\s+)?"
    r"(?:investigat\w*\s+|look\w*\s+into\s+|work\w*\s+on\s+)?(?:(?:this|the|an?)\s+(?:issue|problem|incident|matter)\s*(?:[.!,]|$|and\b)|$)"
    r"|^(?:we[\x27\u2019]ve\s+\w+\s+that\s+)?something\s+(?:has\s+)?(?:gone|went|is)\s+wrong\b"
)
