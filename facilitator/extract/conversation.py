"""What a message means in its conversation: the rules a careful reader of incident chat applies.

Words alone mislead in live chat. "Rollback done" followed by "no change" is a step that failed;
"staging is fine for me" answers a worry rather than ending an outage; "errors dropping" is a
recovery under way, "back to baseline" a recovery done; "the lookup is fine, it's the volume" is
a diagnosis; "still flat and healthy, should be fine now" closes a watch that began earlier;
"STOP, I targeted the wrong zone" dates the fault at its author's previous step; a deploy someone
cleared ("so not the deploy") is no start. Each rule here looks at a message together with its
neighbours, and the key-time finder (``times``) asks them before it trusts a phrase.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from facilitator.extract.patterns import patterns
from facilitator.extract.signals import PROBLEM, MessageSignals, reports_problem
from facilitator.findings import KeyTime


def key_at(sig: MessageSignals, confidence: float, reason: str, at: datetime | None = None) -> KeyTime:
    """A key time citing ``sig`` (at its own time unless ``at`` is given); less sure when approximate."""
    if at is None and getattr(sig.message, "time_precision", "") == "approximate":
        confidence, reason = confidence - 0.1, f"{reason} (time approximate)"
    return KeyTime(
        at=at or sig.message.at, confidence=round(confidence, 2), message_ids=[sig.message.id], reason=reason
    )




# "works for me", "fine on my end", "not seeing it": someone else does not see the problem.
NOT_SEEN_RE = re.compile(
    r"\b(?:fine|ok|okay|works?|working|loads?|loading|good|normal)\s+(?:fine\s+)?(?:for|on|from)\s+(?:me|my\s+(?:end|side))\b(?!\s+(?:again|now))"
    r"|\bnot\s+seeing\s+(?:it|that|anything|any)\b|\bjust\s+you\b"
    # the worry waved off: "it does that most tuesdays, I wouldn't worry"
    r"|\b(?:would\s*n[\x27\u2019]?t|don[\x27\u2019]?t|do\s+not)\s+worry\b|\bnothing\s+to\s+worry\b|\bit\s+does\s+that\b"
    r"|\bthat[\x27\u2019]?s\s+(?:normal|expected|known)\b"
    r"|\b(?:probably|might|may|could)\s+(?:just\s+)?(?:be\s+)?(?:just\s+)?(?:my|the)\s+(?:wifi|wi-fi|connection|network|vpn|laptop|browser|isp|hotel\s+wifi)\b|\bjust\s+me\b"
)


# A status page's "Investigating" or "Identified" post tells the plan, whatever it says of fixes.
# (also tagged: "[Investigating] ...", "*Identified* — ...")
STATUS_UNDER_WAY_RE = re.compile(r"(?:^\W*|[\u2014\u2013\-:*]\s*)(?:investigating|identified)\s*[\]*:\-\u2013\u2014]")


_ANSWER_WINDOW = timedelta(minutes=5)


def answered_not_seen(sigs: list[MessageSignals]) -> set[str]:
    """Questions about a symptom that someone else answered by not seeing it, within minutes."""
    out: set[str] = set()
    for i, sig in enumerate(sigs):
        if not (sig.is_human and sig.flags & {"symptom", "detect"} and "?" in (sig.message.text or "")):
            continue
        for later in sigs[i + 1 : i + 4]:
            if later.message.at - sig.message.at > _ANSWER_WINDOW:
                break
            if later.message.author != sig.message.author and NOT_SEEN_RE.search(later.prep.lower):
                out.add(sig.message.id)
                break
    return out


# An alert the responders wave off as noise: "the kafka lag one has been flapping all week",
# "ignore unless it pages", "closing it, transient restart", "monitor already recovered on its own".
WAVED_OFF_RE = re.compile(
    r"\b(?:flapp\w*|flaky|false\s+(?:alarm|positive)|transient|noisy|just\s+noise|ignore\s+(?:it|unless|for\s+now|that)"
    r"|known\s+(?:noise|flak\w*)|(?:cleared|recovered|resolved)\s+(?:by\s+itself|on\s+its\s+own)|self[- ]resolved|auto[- ]resolved)\b"
)
_WAVE_OFF_WINDOW = timedelta(minutes=15)
# the alert taken on first, whatever is guessed of it after: "ack. prob the probe itself again, it flapped last week"
_TAKEN_ON_RE = re.compile(r"^\W*(?:ack(?:ed|ing|[\x27\u2019]d)?|on\s+it|looking)\b")
# A monitor's alert for something down on purpose: "lister-dist-1 is DOWN (scheduled downtime, acknowledged)"
PLANNED_ALERT_RE = re.compile(r"\b(?:scheduled|planned)\s+(?:downtime|maintenance)\b|\bin\s+(?:scheduled\s+)?(?:downtime|maintenance)\b")


def waved_off_alerts(sigs: list[MessageSignals]) -> set[str]:
    """Alerts a person waved off as noise within minutes, later alerts with the same text, and
    the messages that waved them off.

    Such an alert is what the monitors said, not when the team knew: the detection is the next
    report nobody waved off (the report then tells of a missed alert, not an early detection);
    "monitor already recovered on its own" ends no incident.
    """
    out: set[str] = set()
    waved: set[str] = set()
    for i, sig in enumerate(sigs):
        if sig.is_human or not sig.flags & {"alert", "detect", "symptom"}:
            continue
        head = (sig.message.text or "")[:40]
        if head and head in waved:
            out.add(sig.message.id)
            continue
        for later in sigs[i + 1 : i + 6]:
            if later.message.at - sig.message.at > _WAVE_OFF_WINDOW:
                break
            if later.is_human and WAVED_OFF_RE.search(later.prep.lower) and "symptom" not in later.flags and not _TAKEN_ON_RE.search(later.prep.lower):
                # (not "writes mostly failing, reads flaky": the problem told, not the alert waved off)
                out.update((sig.message.id, later.message.id))
                waved.add(head)
                break
    return out


def first_recovery_from_a_problem(sigs: list[MessageSignals]) -> MessageSignals | None:
    """The first recovery that follows a problem stated in the channel.

    A channel may open with something else that went wrong and was put right ("rolling the
    pool config... rolled back, web looks normal") before the incident's first alert: a
    recovery with no problem before it is that lead-up, not the end of this incident.
    """
    seen_problem = False
    for sig in sigs:
        if sig.state == "recover" and NOT_SEEN_RE.search(sig.prep.lower):
            continue  # "staging is fine for me": an answer, not a recovery
        if sig.state == "recover" and (seen_problem or sig.flags & PROBLEM):
            return sig  # "hit 0% at 10:34 and came back at 10:55": its own problem, then the recovery
        if reports_problem(sig):
            seen_problem = True
    return None


CHANGE_REACH = timedelta(hours=2)


# "rollback done, no change... so not the deploy", "not the config push": the change was cleared.
_NOT_THE_CHANGE_RE = re.compile(
    r"\bnot\s+(?:the|our|that|this|a)\s+(?:[\w:.-]+\s+){0,2}(?:deploy\w*|change|release|rollout|config\w*|migration|upgrade|push)\b|\bnot\s+us\b"
    r"|\bshould\s*n[\x27\u2019]?t\s+(?:touch|affect|matter|be\s+related)\b|\bunrelated\b|\bnot\s+related\b"
    # a change that never reached production: "but that only went to staging"
    r"|\bonly\s+(?:went\s+|goes\s+|got\s+|hit\s+|touched\s+|deployed\s+|rolled\s+out\s+)?(?:to|on|in)\s+(?:staging|stage|dev|qa|test|canary)\b"
)


_CHANGE_WORDS_RE = re.compile(r"\b(?:deploy\w*|releas\w*|rollout|rolled out|merged?|upgrad\w*|config\w*|chang\w*|push\w*)\b")


# Someone saying their own last step went wrong: "STOP. that was not r43, I targeted the wrong zone",
# "oh no. that was db1. I ran it on the primary".
_OWNED_UP_RE = re.compile(
    r"\b(?:oh\s+no|oops|whoops|uh[\s-]?oh|my\s+bad|targeted\s+the\s+wrong|"
    r"i\s+(?:ran|did|deleted|wiped|pushed|applied)\s+(?:it\s+|that\s+|this\s+)?(?:on|to|against)\s+(?:the\s+)?(?:wrong|primary|prod\w*|live)|"
    r"wrong\s+(?:host|server|zone|cluster|db|database|region|box|machine|node|pair|target|env\w*|switch\w*|rack))\b"
)


_SLIP_REACH = timedelta(minutes=30)


def step_owned_up_to(sigs: list[MessageSignals], limit: datetime) -> KeyTime | None:
    """The step its author then said went wrong: the fault was introduced there."""
    for i, sig in enumerate(sigs):
        if sig.message.at > limit + _SLIP_REACH:
            break
        if not (sig.is_human and _OWNED_UP_RE.search(sig.prep.lower)):
            continue
        for before in reversed(sigs[:i]):
            if sig.message.at - before.message.at > _SLIP_REACH:
                break
            if before.message.author == sig.message.author and not before.asks:
                if before.message.at <= limit:
                    return key_at(before, 0.75, "the step its author then said went wrong")
                break
    return None


def cleared_changes(sigs: list[MessageSignals]) -> set[str]:
    """Messages telling of a change that a later message cleared ("so not the deploy").

    A cleared change is the one the clearing words (or the step just before them, by the same
    person) name ("rolling back mgmt-api" ... "no change, so that wasn't it"); when they name
    none, the latest change before them.
    """
    cleared: set[str] = set()
    changes: list[tuple[str, set[str]]] = []  # (message id, its names)
    for i, sig in enumerate(sigs):
        lower = sig.prep.lower
        named = "change" in sig.flags or _CHANGE_WORDS_RE.search(lower) is not None
        if _NOT_THE_CHANGE_RE.search(lower) or ("rollback" in sig.flags and sig.state == "relapse"):
            words = _names(lower)
            for before in reversed(sigs[max(0, i - 4) : i]):
                if before.message.author == sig.message.author and sig.message.at - before.message.at <= _CLEAR_REACH:
                    words |= _names(before.prep.lower)  # "rolling back mgmt-api" then "no change"
            hit = [mid for mid, names in changes if names & words]
            cleared.update(hit or [mid for mid, _ in changes[-1:]])
            changes = [(mid, names) for mid, names in changes if mid not in cleared]
            if named:
                cleared.add(sig.message.id)  # "deploy at 20:10 was only the editor bundle, shouldn't touch hosting"
            continue
        if named:
            changes.append((sig.message.id, _names(lower)))
    return cleared


_CLEAR_REACH = timedelta(minutes=20)
# Words that name a thing changed ("mgmt-api", "v2.31", "pgbouncer"), not the talk about changing it.
_NAME_RE = re.compile(r"[a-z][a-z0-9]*(?:[._/-][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*|[a-z]{4,}")
_GENERIC = frozenset(
    "deploy deployed deploys deploying rollback rolled rolling back change changes changed release released "
    "rollout config done that this wasn still with from have been just what where there they their then "
    "will would could should about after before into over your ours went going think like looks seems same "
    "error errors rate nothing anything something prod production today afternoon morning evening hour hours".split()
)


def _names(text: str) -> set[str]:
    return {w for w in _NAME_RE.findall(text) if w not in _GENERIC}


def asked(key: KeyTime, by_id: dict[str, MessageSignals]) -> bool:
    """True when the key's message only asks or guesses ("could that be it?")."""
    sig = by_id.get(key.message_ids[0]) if key.message_ids else None
    return sig is not None and ("hypothesis" in sig.flags or sig.asks)


# A recovery that is only under way: part of the fleet, a trend, "starting to".
_PARTIAL_RE = re.compile(
    r"\b(?:some|partial(?:ly)?|half|better|calmer|quieter|calm(?:ed|ing)?\s+down|stabili[sz]ing|settling|starting\s+to|beginning\s+to|begin(?:s|ning)?\s+to|slowly|a\s+bit|somewhat|"
    r"mostly|a\s+few|dropping|falling|decreasing|improving|trending|coming\s+down|going\s+down|recovering|"
    r"booting|coming\s+up|starting\s+up|warming\s+up|catching\s+up|in\s+progress|under\s*way|restarting|rebooting|"
    r"recovery\s+(?:is\s+)?running|still\s+(?:recovering|syncing|replaying|draining)|draining|"
    # a fix on its way: "a fix has been implemented and we're rolling it out to users now"
    r"rolling\s+(?:it|them|this|the\s+fix)\s+out|"
    r"being\s+(?:worked\s+through|processed|drained|replayed)|"
    # brought back piece by piece: "a controlled power-up, one rack at a time"
    r"one\s+(?:\w+\s+)?at\s+a\s+time|\d+\s+of\s+\d+\s+(?:[\w-]+\s+){0,2}(?:drained|back|up|done|migrated|restored|restarted|fixed|healthy|recovered)|"
    r"no\s+new\s+(?:[\w-]+\s+){0,2}(?:alerts?|errors?|pages?|reports?|failures?|evictions?|tickets?|complaints?)\s+since|power(?:ing)?[- ]up|bringing\s+(?:\w+\s+){0,3}(?:back|up)|"
    # the first of several back: "first hosts pinging again. waiting for the rest"
    r"waiting\s+(?:on|for)\s+the\s+rest|the\s+rest\s+(?:still|not\s+yet)|^\W*first\s+(?:few\s+)?(?:[\w-]+\s+){1,2}(?:are\s+|is\s+)?(?:back|up|pinging|responding|answering|loading|serving|working|online))\b"
)


# Back but still degraded, or back for a share only, whatever else the message says: "we are
# observing recovery with increased latency", "maybe 40% of config calls succeeding"
_NOT_WHOLE_RE = re.compile(
    r"\bwith\s+(?:still\s+)?(?:increased|elevated|higher)\s+(?:latency|latencies|errors?|error\s+rates?|delays?)\b"
    r"|\b(?:maybe\s+|about\s+|~)?[1-8]?\d\s*%\s+of\s+(?:\w+\s+){0,2}(?:calls|requests|jobs|users|customers|traffic|hosts|nodes)\b"
    # the rest not back yet: "3 of the 14 are pingable again. rest still dark"
    r"|\b(?:the\s+)?rest\s+(?:is\s+|are\s+)?still\b"
    # a share of the usual, not an alert's threshold ("< 60% of baseline"): "ingesting again, ~1/5 of nominal"
    r"|(?<![<>=]\s)(?<![<>=])(?:\b\d+\s*/\s*\d+|\b[1-8]?\d\s*%)\s+of\s+(?:nominal|normal|baseline|usual|capacity|expected)\b"
)


def partial(sig: MessageSignals) -> bool:
    """True when the message tells a recovery under way rather than done ("errors dropping").

    Judged sentence by sentence: "p95 back under 400ms. timeouts gone. db cpu dropping" has a
    complete recovery in it, whatever else is still settling.
    """
    if "declare_resolved" in sig.flags:
        return False
    if "still_broken" in sig.flags and sig.state == "recover":
        return True  # one part back, another not: "eu back to baseline. us-east still has some 500s"
    if "trial" in sig.flags or _NOT_WHOLE_RE.search(sig.prep.lower):
        return True  # the part a step was tried on ("web-03 clean for ~8 min"), or back but slow
    if _PARTIAL_RE.search(sig.prep.lower) is None:
        return False
    pats = patterns()
    healthy = [x for x in sig.prep.sentences if pats.has("recover", x, sig.prep.gate)]
    return not healthy or all(_PARTIAL_RE.search(x.lower()) for x in healthy)


def full_recovery_after(after: list[MessageSignals], recoveries: list[MessageSignals]) -> MessageSignals | None:
    """The first complete recovery after a partial one, if nothing broke again in between."""
    first = recoveries[0]
    for sig in after:
        if sig.index <= first.index:
            continue
        if sig.state == "relapse" and not residual(sig):
            return None
        if sig in recoveries and not partial(sig) and "declare_resolved" not in sig.flags and not BOOKKEEPING_RE.search(sig.prep.lower):
            return sig  # the service back in full; an all-clear or a status-page note is the resolution's
    return None


# A hypothesis dropped ("ruled out network: backbone looks healthy", "red herring") says
# nothing about the service getting better, whatever words of health it uses.
_DISMISSAL_RE = re.compile(
    r"\bruled?\s+out\b|\bruling\s+out\b|\bred\s+herring\b|\bdead\s+end\b"
    # "other silos use the same lines and are fine. not that": the suspect cleared in two words
    r"|(?:^|[.!;,]\s*)(?:so\s+)?(?:not|n[\x27\u2019]t)\s+that(?:\s+then)?\W*$"
    r"|\bnot\s+(?:the\s+)?(?:cause|culprit|it)\b|n[\x27\u2019]?t\s+(?:it|the\s+cause|the\s+culprit)\b"
    # "idp is fine ... so not sso", "so it's not the deploy": the suspect cleared
    r"|(?:^|[.!\n]\s*)so\s+(?:it[\x27\u2019]?s\s+|its\s+)?not\s+(?:the\s+|our\s+)?[\w-]+\W*$"
)


# Doubt about an earlier step ("not sure X had the desired effect... rolling back"): the
# problem is still there, so the message is a notice, not the mitigation.
DOUBT_RE = re.compile(
    r"\bnot\s+sure\b[^.?!]{0,80}\b(?:effect|help|work|fix)|\bdesired\s+effect\b"
    r"|\bdid\s*n[\x27\u2019]?t\s+(?:help|work|fix|change)\b|\bno\s+(?:visible\s+)?effect\b"
)


# A link that is itself the mitigation: a revert PR or a rollback job ("…/pull/123 Revert "bump dns"").
_REVERT_LINK_RE = re.compile(r"https?://\S*(?:revert|rollback|roll-back)\S*|\brevert\s+[\"\u201c]", re.IGNORECASE)


def dismissal(sig: MessageSignals) -> bool:
    """True when the message rules a hypothesis out rather than reporting the service's state."""
    return "ruled_out" in sig.flags and _DISMISSAL_RE.search(sig.prep.lower) is not None


def revert_link(sig: MessageSignals) -> bool:
    """True when the message links a revert or rollback (a PR titled 'Revert "…"', a rollback job)."""
    text = sig.message.text or ""
    return ("evert" in text or "ollback" in text or "oll-back" in text) and _REVERT_LINK_RE.search(text) is not None and (
        "http" in text
    ) and not DOUBT_RE.search(sig.prep.lower)


def watched_since(settled: list[MessageSignals], closing: MessageSignals) -> KeyTime | None:
    """The recovery an all-clear after a watch looks back to ("still flat and healthy, should be fine now").

    The incident was over when the service came back for good; the all-clear only says the
    watch that followed found nothing. When the all-clear says how long it watched ("quiet for
    an hour, all good"), the watch began that long before it: the end is the last recovery by then.
    """
    lower = closing.prep.lower
    if not _WATCHED_RE.search(lower):
        return None
    span = watch_span(lower)
    cutoff = closing.message.at - span + _WATCH_SLACK if span is not None else None
    back = None
    for sig in settled:
        if sig.index >= closing.index or (cutoff is not None and sig.message.at > cutoff):
            break
        if sig.state == "relapse" or (sig.state == "recover" and partial(sig)):
            back = None  # not back for good yet: "us-east still has some 500s"
        elif sig.state == "recover" and (back is None or cutoff is not None):
            back = sig  # with a stated watch, the latest recovery before it began
    if back is None:
        return None
    return key_at(back, 0.6, "back for good; the all-clear came after watching it")


_WATCH_SLACK = timedelta(minutes=10)  # "an hour" is rounded: the recovery may sit a little after
_SPAN_RE = re.compile(
    r"\b(?:for\s+(?:the\s+)?(?:last\s+|almost\s+|about\s+|over\s+|nearly\s+)?)?(?P<n>\d+|an?|half\s+an)\s*(?P<unit>min|mins|minutes|h|hrs?|hours?)\b"
)


def watch_span(lower: str) -> timedelta | None:
    """How long an all-clear says it watched: "quiet for an hour" -> 1 h, "30 min clean" -> 30 min."""
    match = _SPAN_RE.search(lower)
    if match is None:
        return None
    n = match.group("n")
    count = 0.5 if n.startswith("half") else 1.0 if n in ("a", "an") else float(n)
    unit = timedelta(hours=1) if match.group("unit").startswith("h") else timedelta(minutes=1)
    return count * unit if count * unit <= timedelta(hours=24) else None


def bookkeeping_only(sig: MessageSignals) -> bool:
    """True when the message only records the end on the status page ("resolved on statuspage").

    "all checks green. closing the incident, status page resolved" says the end in its own words
    too: it is the all-clear, not bookkeeping after one.
    """
    if not BOOKKEEPING_RE.search(sig.prep.lower):
        return False
    pats = patterns()
    return not any(
        (not BOOKKEEPING_RE.search(x.lower()) and (pats.has("recover", x, sig.prep.gate) or _OWN_CLOSE_RE.search(x.lower())))
        or _DECIDES_RE.search(x.lower())  # "ok, call it resolved on the status page": the call itself
        for x in sig.prep.sentences
    )


_DECIDES_RE = re.compile(r"\bcall(?:ing)?\s+(?:it|this)\s+(?:resolved|closed|done|over)\b")
_OWN_CLOSE_RE = re.compile(r"\bclos(?:e|ing)\s+(?:the\s+|this\s+)?(?:incident|it|this\s+out|out)\b|\ball\s+clear\b|\bwe[\x27\u2019]?re\s+(?:good|done)\b")


# An all-clear given after watching the service: it ended earlier, when the watch began.
# "resolved on the status page", "marked resolved on statuspage": bookkeeping after the all-clear.
BOOKKEEPING_RE = re.compile(
    r"^\W*(?:posted|statuspage|status\s*-?page|status\s+update)\s*[:\u2192>-]"  # 'posted: "Resolved - ..."'
    r"|\b(?:status\s*-?page|statuspage|status\s+incident|on\s+status)\b[^.]{0,40}\b(?:resolved|closed|marked)\b"
    r"|\b(?:resolved|closed|marked\s+\w+)\s+(?:it\s+)?(?:on|in)\s+(?:the\s+)?(?:status\s*-?page|statuspage)\b"
)
_WATCHED_RE = re.compile(
    r"\b\d+\s*(?:min|mins|minutes|h|hours?)\s+(?:flat|clean|quiet|stable|green|solid)\b|"
    r"\bstill\s+(?:all\s+)?(?:flat|clean|quiet|healthy|green|good|fine|stable|normal)\b|\bquiet\s+for\b|\bfor\s+(?:the\s+)?(?:last\s+)?\d+\s*(?:min|minutes|h|hours)\b"
    r"|\bhealthy\s+for\b|\bheld\s+(?:up|steady)\b|\bwatched\s+it\b"
)


CLOSING_RE = re.compile(r"\b(?:resolved|closed|all[- ]clear)\b")


def contradicted(after: list[MessageSignals], i: int) -> bool:
    """True when the entry after a recovery says the problem is still there ("still full")."""
    if i + 1 >= len(after):
        return False
    following = after[i + 1]
    if "still_broken" in following.flags and following.state != "recover" and not residual(following):
        return True
    for later in after[i + 1 : i + 3]:  # "VPC attachment is back" / "anything moving?" / "nope, same timeouts"
        if later.message.at - after[i].message.at > _CONTRADICT_WINDOW:
            break
        if later.is_human and later.state != "recover" and _NO_CHANGE_RE.match(later.prep.lower) and (
            "symptom" in later.flags or "same" in later.prep.lower
        ):
            return True
    # "fra-lan-b back up" and in the same minutes a monitor fires for the whole pool: the step
    # finished, the service did not come back.
    moment = after[i].message.at
    near = after[max(0, i - 2) : i] + after[i + 1 : i + 4]  # same-minute posts may sort either way
    return any(
        abs(other.message.at - moment) <= _CONTRADICT_WINDOW
        and (other.index > after[i].index or other.message.at.replace(second=0) == moment.replace(second=0))
        and other.state != "recover" and "recover" not in other.flags and "alert" in other.flags and not other.is_human
        and not STATUS_STAGE_RE.search(other.prep.lower)
        for other in near
    )


# A status page's post titled with the symptom and ending in its stage ("Events tab not loading
# — Monitoring"): the incident's state, not a monitor firing.
STATUS_STAGE_RE = re.compile(r"[\u2014\u2013-]\s*(?:investigating|identified|monitoring|resolved|update|postmortem)\W*$")


_CONTRADICT_WINDOW = timedelta(minutes=3)
# An answer that nothing changed: "nope, same timeouts", "no. still 503s", "nah same"
_NO_CHANGE_RE = re.compile(r"^\W*(?:nope|no|nah|negative|not\s+yet)\b")


# "still seeing some 503 from a couple of ISP resolvers", "customer in row D says still down":
# what is left of the problem after a recovery, not the problem coming back.
_RESIDUAL_RE = re.compile(
    r"\bstill\b.*\b(?:some|a\s+couple|a\s+few|the\s+odd|occasional|a\s+handful|last\s+one|remaining|two|three|but\s+dropping)\b"
    r"|\b(?:some|a\s+couple|a\s+few|two|three|a\s+handful\s+of)\s+\w+\s+(?:\w+\s+)?still\b|\bsays?\s+still\b"
    # "forums still way too slow once people pile in. other pages ok": one part left, the rest back
    r"|\b(?:other|all\s+other|the\s+rest\s+of\s+the)\s+\w+\s+(?:are\s+|is\s+|look\s+|seem\s+)?(?:ok|okay|fine|good|working|normal)\b"
    # a step that barely moved what is left: "bumped concurrency, didn't help much"
    r"|\bdid\s*n[\x27\u2019]?t\s+help\s+(?:much|a\s+lot|enough)\b"
)
_CAME_BACK_RE = re.compile(r"\bagain\b|\bit[\x27\u2019]?s\s+back\b|\bcame\s+back\b|\bback\s+(?:up\s+)?(?:to|at)\b")


def residual(sig: MessageSignals) -> bool:
    """A relapse that only tells what is left of the problem after a recovery."""
    lower = sig.prep.lower
    return bool(_RESIDUAL_RE.search(lower)) and not _CAME_BACK_RE.search(lower)


# "done", "deployed ✅", "merged + applied": a person reporting that the step in hand is finished.
_DONE_RE = re.compile(
    r"^\W*(?:ok(?:ay)?\W+)?(?:done|deployed|applied|merged(?:\s*\+\s*applied)?|shipped|reverted|rolled\s+back|flipped)\b"
)


def told_done(sig: MessageSignals) -> bool:
    """True when a person says the step in hand is finished: "done", "deployed", "merged + applied"."""
    return sig.is_human and _DONE_RE.match(sig.prep.lower) is not None and "?" not in sig.prep.lower
