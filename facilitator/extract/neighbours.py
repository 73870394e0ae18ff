"""Readings that need a message's neighbours, and the one pass over the channel that makes them.

``signals.read_message`` reads each message alone. Some things only its neighbours tell: "it's
back" right after a recovery is the problem back; a cheer after a problem is news of a
recovery; "pods look fine" soon after a restart is the step's check, long after it only a part
looked at; "marking resolved?" answered "y" is the all-clear. ``scan`` reads every message
once, then lets these passes correct what a message alone could not say.
"""

from __future__ import annotations

import re

from facilitator.extract.patterns import Patterns, Prepared, patterns
from facilitator.extract.signals import (
    PROBLEM,
    STEP_FLAGS,
    MessageSignals,
    is_placeholder_author,
    read_message,
    reports_problem,
)
from facilitator.transcript import Transcript


def scan(transcript: Transcript) -> list[MessageSignals]:
    """Signals for every conversational message, in time order (joins and topic changes skipped).

    Loaders may list thread replies after their parent rather than in time order; the finders
    reason about "first" and "last", so they get the messages sorted by time (stable, so
    same-second messages keep the channel's order) and ``index`` is the position in that order.
    """
    pats = patterns()
    messages = sorted((m for m in transcript.messages if not m.is_system), key=lambda m: m.at)
    # Channels repeat themselves ("ok", "+1", "looking", the same alert every five minutes):
    # a text already read is not read again, its prose, sentences and signals are shared.
    seen: dict[tuple[str, bool], MessageSignals] = {}
    out: list[MessageSignals] = []
    for i, message in enumerate(messages):
        key = (message.text or "", message.is_bot)
        first = seen.get(key)
        if first is None:
            sig = seen[key] = read_message(i, message, pats)
        else:
            prep = first.prep
            shared = Prepared(message, prep.prose, None, prep.lower, prep.gate, like=prep)
            sig = MessageSignals(index=i, prep=shared, flags=first.flags, state=first.state, is_human=first.is_human)
        out.append(sig)
    _mark_integrations(out)
    _read_it_back(out)
    _read_celebrations(out)
    _read_part_checks(out)
    _read_agreed_closings(out, pats)
    _read_explanations(out)
    _read_falling_figures(out)
    _read_trials(out)
    return out


# A step tried on one part first: "restarting the workers on web-03 only, as a test", "canary on one node"
_TRIAL_RE = re.compile(
    r"\bas\s+an?\s+(?:test|trial|canary|experiment)\b"
    r"|\b(?:on|to)\s+(?:just\s+)?(?:one|a\s+single)\s+(?:host|node|box|pod|server|instance|machine|shard|replica|worker|vm)\s+(?:first|only)\b"
)
_TRIAL_REACH = 30 * 60  # seconds: the trial's result comes within minutes


def _read_trials(sigs: list[MessageSignals]) -> None:
    """The recovery a trial shows is one part back: the step still has to go everywhere.

    "restarting the web workers on web-03 only, as a test" / "web-03 clean for ~8 min": the
    impact stops when the step has gone to every part, not when the trial part is clean. The
    next step taken, or the trial failing ("it crashed the same way"), ends the trial.
    """
    trial_at = None
    for sig in sigs:
        if not sig.is_human:
            continue
        if sig.flags & STEP_FLAGS and sig.state != "recover":
            trial_at = sig.message.at if _TRIAL_RE.search(sig.prep.lower) else None
            continue
        if trial_at is None:
            continue
        if reports_problem(sig) or (sig.message.at - trial_at).total_seconds() > _TRIAL_REACH:
            trial_at = None
        elif sig.state == "recover" and "declare_resolved" not in sig.flags:
            sig.flags = sig.flags | {"trial"}  # the trial's result; what comes after it is the rollout's
            trial_at = None


# A figure given falling, with its unit: "20% -> 9%", "2%... 0.4%", "p99 1200ms → 300ms", "61 -> 14%".

_FALL_RE = re.compile(
    r"(?<![\d.:])(\d+(?:\.\d+)?)\s*(%|ms\b|s\b)?\s*(?:->|\u2192|=>|\.{2,}|\u2026)\s*~?\s*(\d+(?:\.\d+)?)\s*(%|ms\b|s\b)?"
)
# What is good when it is high: a falling success rate, free space or traffic is the problem, not its end.
_GOOD_WHEN_HIGH_RE = re.compile(
    r"\b(?:success|succeed\w*|availab\w*|uptime|throughput|hit|free|left|remaining|headroom|capacity|rps|qps|traffic|"
    r"requests|sessions|users|online|ready|healthy|balance|conversion|signups|orders|sales|score|apdex|slo|budget)\b"
)


# A setting changed or planned, not a measure: "CLS timeout 20s -> 2s", "will lower the TTL 300 -> 60"
_SETTING_RE = re.compile(
    r"\b(?:follow-?ups?|will|should|todo|plan\w*|set|lower\w*|rais\w*|chang\w*|config\w*|thresholds?|timeouts?|limits?|ttl|"
    r"intervals?|retention|max|min|bump\w*)\b"
)


def _read_falling_figures(sigs: list[MessageSignals]) -> None:
    """A person giving a bad figure falling after a problem was stated: the problem easing.

    "20% -> 9%" then "2%... 0.4%" in a channel about failing runs tells the fix took, in
    numbers rather than words. Figures of what is good when high (a success rate, free disk,
    traffic), settings changed ("timeout 20s -> 2s") and messages whose words already say
    something is wrong are left alone.
    """
    problem = False
    for sig in sigs:
        says_wrong = reports_problem(sig)
        problem = problem or says_wrong
        if not (problem and sig.is_human and not sig.state) or sig.asks or says_wrong or "still_broken" in sig.flags:
            continue  # "error rate 61 -> 14%, still not 0" is read by its words
        text = sig.prep.lower
        if not ("->" in text or "\u2192" in text or "=>" in text or ".." in text or "\u2026" in text):
            continue  # no arrow, no figures given falling (most messages: skip the regexes)
        if _GOOD_WHEN_HIGH_RE.search(text) or _SETTING_RE.search(text):
            continue
        for m in _FALL_RE.finditer(text):
            before, unit_a, after, unit_b = m.groups()
            if (unit_a or unit_b) and (not unit_a or not unit_b or unit_a == unit_b) and float(after) < float(before):
                sig.state = "recover"
                sig.flags = sig.flags | {"recover"}
                break


# A question about what happened: "why didn't the deploy health check stop this?", "how come nobody got paged?"
_WHY_PAST_RE = re.compile(
    r"\b(?:why|how\s+come)\b[^?]{0,80}?\b(?:did|didn[\x27\u2019]?t|was|wasn[\x27\u2019]?t|were|weren[\x27\u2019]?t|had|hadn[\x27\u2019]?t)\b"
    r"|\bhow\s+(?:come|did)\b"
)
_NOW_RE = re.compile(r"\b(?:again|still|now|back|currently|right\s+now)\b")  # the problem back, not told of
_EXPLAIN_REACH = 10 * 60  # seconds an answer may follow the question


def _read_explanations(sigs: list[MessageSignals]) -> None:
    """An answer to a question about the past explains the outage; it is not the problem back.

    "why didn't the deploy health check stop this?" / "readiness only checks the listener, so
    pods went Ready then died on first message": the death told is the outage's, already over.
    """
    question: MessageSignals | None = None
    for sig in sigs:
        if not sig.is_human:
            continue
        lower = sig.prep.lower
        if "?" in lower and _WHY_PAST_RE.search(lower):
            question = sig
            continue
        if (
            question is not None and sig.state == "relapse" and sig.message.author != question.message.author
            and sig.message.at and question.message.at
            and (sig.message.at - question.message.at).total_seconds() <= _EXPLAIN_REACH
            and not _NOW_RE.search(lower)
        ):
            sig.state = ""
            sig.flags = sig.flags - {"relapse"}


# "aaand it's back", "yeah it's back": the thing that is back is whatever was last talked about.
_IT_BACK_RE = re.compile(r"^\W*(?:(?:yeah|yep|yup|aa+nd|and|ugh|welp|ok|so|nope|annnd|uh\s*oh)\W+)*it[\x27\u2019]?s\s+back\W*$")


def _read_it_back(sigs: list[MessageSignals]) -> None:
    """"it's back" right after the service recovered means the problem is back: a relapse."""
    last = ""
    for sig in sigs:
        if sig.state == "recover" and last == "recover" and any(_IT_BACK_RE.match(x.lower()) for x in sig.prep.sentences):
            sig.state = "relapse"
        if sig.state:
            last = sig.state


# How chat greets an outcome: ":tada:", "🎉", "✅". Cheered news after a problem is a recovery
# ("teacher confirms students are back in :tada:", "queue at 0 🎉"), whatever words it uses.
_CHEER_RE = re.compile(
    "[\U0001F389\U0001F64C\U0001F973\u2705\u2714]|:(?:tada|raised_hands|partying_face|white_check_mark|heavy_check_mark|confetti_ball):"
)
# What a bare cheer says of the people, not of the service: "🙌 thanks both", ":tada: nice work".
_REACTION_WORDS = frozenset(
    "thanks thank thx ty you nice one work job great good awesome yay woo woohoo phew finally ok okay cool "
    "all both everyone team folks lol haha well done amazing sweet perfect and so".split()
)
_WORD_RE = re.compile(r"[a-z][a-z0-9'\u2019-]*")
_SHORTCODE_RE = re.compile(r":[a-z0-9_+-]+:")  # ":tada:", ":white_check_mark:": emoji, not words
# A cheer with a doubt or a plan in it: "loads 🎉 (slow)", "went green 🎉 before we flip traffic".
_CHEER_DOUBT_RE = re.compile(
    r"\b(?:except|but|still|slow\w*|staging|before|once|then|will|going\s+to|let[\x27\u2019]?s|bed|told|telling|waiting|wait)\b"
    # progress of the responders, not of the service: "got access to the console 🎉", "found it 🎉"
    r"|\b(?:access|console|ssh|permissions?|found|figured|culprit|repro\w*)\b"
)


def _read_celebrations(sigs: list[MessageSignals]) -> None:
    """A person cheering news after a problem was stated: the news is a recovery.

    A cheer that only thanks people, or says what is still wrong, still to test or still
    to do, says nothing of the service.
    """
    problem = False
    for sig in sigs:
        if reports_problem(sig):
            problem = True
        if not (problem and sig.is_human and not sig.state) or sig.flags & _NOT_NEWS:
            continue
        if is_placeholder_author(sig.message.author):
            continue  # a tool's timeline row ("✅ Acknowledged ..."): its icon is no cheer
        text = sig.message.text or ""
        if not _CHEER_RE.search(text):
            continue
        lower = sig.prep.lower
        words = [w for w in _WORD_RE.findall(_SHORTCODE_RE.sub(" ", lower)) if w not in _REACTION_WORDS]
        if words and "?" not in lower and not _CHEER_DOUBT_RE.search(lower):
            sig.state = "recover"
            sig.flags = sig.flags | {"recover"}


# "webhooks are fine", "redis mem is fine, no evictions", "proxy VMs are running, health checks ok":
# a part looked at and found healthy. Unless a step was just taken, it is a check while the
# problem goes on, not the service coming back: nothing in it says anything changed.
_PART_FINE_RE = re.compile(
    r"\b(?:is|are|looks?|looking|seems?)\s+(?:\w+\s+)?(?:fine|ok|okay|healthy|good|running|up|clean|quiet)\b"
    r"|(?<!all\s)\b(?:fine|ok|okay|healthy|good|running)\s*(?:[,.;]|$)"
)
# What says something changed, or speaks of the whole service rather than one part of it.
_CHANGED_RE = re.compile(
    r"again|\bback\b|\bnow\b|recover|restor|resolv|fix|mitigat|dropping|falling|improv|better|since|\bnormal|baseline|stabl|"
    r"\bgone\b|drain|caught\s+up|resum|flowing|working|loads?\b|loading|confirm|green|smooth|contained|\bno\s+more\b|"
    r"across\s+the\s+board|everywhere|everything(?:[\x27\u2019]s|\s+(?:is|looks|seems))|monitor|\bwas\s+down\b|\bdown\s+for\b|\bstill\b|"
    r"\bfor\s+(?:the\s+)?(?:last\s+|almost\s+|about\s+|over\s+)?(?:\d+|an?)\s|"  # a watch: "fine for 20 min"
    r"[\U0001F389\U0001F64C\u2705\U0001F7E2]|:tada:|!!"
)
_STEP_REACH = 30 * 60  # seconds: "restarted the pool" ... "pods look fine": the check of a step


def _read_part_checks(sigs: list[MessageSignals]) -> None:
    """A part found healthy, with no step just taken and no word of change, is a check, not a recovery."""
    last_step = None
    for sig in sigs:
        if sig.flags & STEP_FLAGS or _STEP_DONE_RE.search(sig.prep.lower):
            last_step = sig.message.at
        if not (sig.state == "recover" and sig.is_human) or "declare_resolved" in sig.flags:
            continue
        if is_placeholder_author(sig.message.author):  # a timeline note, written once it was over
            continue
        lower = sig.prep.lower
        if _CHANGED_RE.search(lower) or not _PART_FINE_RE.search(lower):
            continue
        if (
            last_step is not None and (sig.message.at - last_step).total_seconds() <= _STEP_REACH
            and "symptom" not in sig.flags  # "redis is fine, sidekiq queue is growing": the problem named beside it
        ):
            continue
        sig.state = ""
        sig.flags = sig.flags - {"recover"}


_STEP_DONE_RE = re.compile(
    r"\b(?:restarted|rebooted|reverted|rolled\s+back|failed\s+over|redeployed|deployed|applied|flushed|scaled|bumped|killed|"
    r"disabled|enabled|patched|replaced|swapped|switched|promoted|reloaded|restored|recreated|bounced|cycled|pinned|"
    r"downgraded|upgraded|rebuilt|raised|increased|added|removed|moved|migrated|resized|purged|invalidated|cleared)\b"
)
_NOT_NEWS = frozenset({"hypothesis", "still_broken", "symptom", "detect"})


# "y", "yes", "yep do it", "👍", "+1", "go ahead": agreeing to what was just asked.
_AGREED_RE = re.compile(
    r"^\W*(?:y|ya|yes|yep|yup|yeah|sure|ok|okay|do\s+it|go\s+(?:ahead|for\s+it)|ship\s+it|\+1|agreed|sgtm|lgtm)\W*(?:pls|please|do\s+it)?\W*$"
    "|^\\s*(?:\U0001F44D|:\\+1:|:thumbsup:|\u2705|:white_check_mark:)\\s*$",
    re.IGNORECASE,
)
_AGREE_WINDOW = 10 * 60  # seconds: the answer to "marking resolved?" comes within minutes


def _agrees(sig: MessageSignals) -> bool:
    """"y", "yep do it", or "yes. moving status page to resolved": agreement, with nothing wrong said after it."""
    if _AGREED_RE.match(sig.message.text or ""):
        return True
    first = sig.prep.sentences[0] if sig.prep.sentences else ""
    return bool(_AGREED_RE.match(first)) and not sig.flags & (PROBLEM | {"still_broken"})


def _read_agreed_closings(sigs: list[MessageSignals], pats: Patterns) -> None:
    """"marking resolved?" answered "y" by someone else: the question was the all-clear."""
    for i, sig in enumerate(sigs):
        text = sig.prep.lower.rstrip()
        if not (sig.is_human and text.endswith("?") and "declare_resolved" not in sig.flags) or len(text) > 160:
            continue
        last = sig.prep.sentences[-1].rstrip().rstrip("?") if sig.prep.sentences else ""
        if not last or not pats.has("declare_resolved", last.lower()):
            continue
        for later in sigs[i + 1 : i + 4]:
            if (later.message.at - sig.message.at).total_seconds() > _AGREE_WINDOW:
                break
            if later.is_human and later.message.author != sig.message.author and _agrees(later):
                sig.state = "recover"
                sig.flags = sig.flags | {"declare_resolved", "recover"}
                break


# What monitors and status pages post: "Trigger fired: ...", "[FIRING:1] ...", "Resolved - This
# incident has been resolved.", "PROBLEM - host is DOWN". A speaker who only ever posts such lines
# is an integration, even when the paste did not label it a bot.
_MACHINE_RE = re.compile(
    r"^\W*(?:\[[\w .-]{1,20}\]\s*)?(?:\[?(?:firing|resolved|triggered|alerting|alert|warning|critical|recovery|recovered|problem|ok)\b(?::\d+)?\]?\s*[:\-\u2013\u2014]"
    r"|\[(?:firing|resolved|triggered|alerting|alert|problem|recovery|recovered|warning|critical|down|up)\b"
    # an uptime monitor's line: "🔴 [fi-perko] site DOWN: https://...", "🔴 [fi-perko] 10 sites DOWN (see ...)"
    r"|(?:[\w.-]+\s+){0,3}(?:down|up)\s*[:(]"
    r"|trigger(?:ed)?\s+(?:fired|resolved)\b"
    # a pager's notice: "[PagerDuty] Incident #48211 triggered: ...", "Incident #48211 resolved by mhall"
    r"|(?:\[[\w .-]{1,20}\]\s*)?incident\s+#\d+\s+(?:triggered|acknowledged|escalated|resolved)\b"
    # a monitor's state in capitals before what it watches: "ALARM [manta us-east] muskie 5xx rate 21.4%"
    r"|(?-i:(?:ALARM|ALERT|FIRING|CRITICAL|WARNING|PROBLEM|RECOVERY|RECOVERED|RESOLVED|CLEAR|OK))\s+\["
    r"|(?:investigating|identified|monitoring|resolved|scheduled|completed)\s+[\-\u2013\u2014]\s"
    # a code-review feed: "(PS1) Vkaram: varnish: block ...", "(CR) Vkaram: [C: +2] ...", "(Merged) ..."
    r"|\((?:ps\d+|cr|merged|abandoned|restored|draft\d*)\)\s+\S)",
    re.IGNORECASE,
)


def _mark_integrations(sigs: list[MessageSignals]) -> None:
    """Speakers whose every message is a monitor's or status page's post are not people."""
    machine: dict[str, bool] = {}
    for sig in sigs:
        if sig.is_human:
            author = sig.message.author
            machine[author] = machine.get(author, True) and _MACHINE_RE.match(sig.message.text or "") is not None
    integrations = {author for author, only_machine in machine.items() if only_machine}
    if integrations:
        for sig in sigs:
            if sig.message.author in integrations:
                sig.is_human = False
                if "symptom" in sig.flags and sig.state != "recover" and "alert" not in sig.flags:
                    sig.flags = sig.flags | {"alert"}  # as a bot's symptom is an alert
