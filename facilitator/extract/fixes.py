"""What fixed it: the step the team took, read from the mitigation or the half hour before it.

A step counts when it is told as done (not weighed, asked for, denied or said not to help), is
the team's own (not a customer's), is not taken back in the same message ("they come right
back") and no later message says its kind did nothing ("restart bought us nothing").
"""

from __future__ import annotations

import re
from datetime import timedelta

from facilitator.extract.quotes import quote_fact
from facilitator.extract.signals import STEP_FLAGS, MessageSignals
from facilitator.findings import Fact, KeyTime

_FIX_ACTION_RE = re.compile(
    r"\b(?:roll(?:ed|ing)?\s*back|rollback|revert\w*|restart\w*|delet\w+|ban(?:ned|s)?|scal(?:ed|ing) (?:up|out|down)|"
    r"cull\w*|cordon\w*|fail(?:ed)?\s*over|failover|flush\w*|purg\w+|disabl\w+|re-?deploy\w*|hotfix\w*|patch\w*|"
    r"increas\w+|rais(?:ed|ing)|bump\w*|kill\w*|block\w*|drain\w*|clear(?:ed|ing)|reboot\w*|bounc(?:ed|ing)|recycl\w+|"
    r"restor(?:ed|ing)|backfill\w*|reindex\w*|promot(?:ed|ing)|switch(?:ed|ing)\s+(?:dns|traffic|over|to|back)|"
    r"(?:add|put)(?:ed|ing)?\b[^.]{0,40}\bback|migrat(?:ed|ing)\b[^.]{0,40}\bto|mov(?:ed|ing)\b[^.]{0,40}\bto\s+(?:the\s+)?(?:new|other|another|spare|healthy|standby|backup|[\w-]*\d)|evacuat\w+|"
    r"ran\s+analy[sz]e|analy[sz]ed|vacuum(?:ed|ing)?|flip(?:ped|ping)|toggl(?:ed|ing)|turn(?:ed|ing)\s+(?:it\s+|them\s+)?(?:off|on)|"
    # "running the rollover script manually to add fresh nodes"
    r"(?:re-?)?(?:ran|running)\s+(?:the\s+|our\s+)?[\w-]+\s+(?:script|job|playbook|runbook)|add(?:ed|ing)\s+(?:\w+\s+){0,2}(?:nodes|capacity|replicas|instances|workers|servers|hosts))\b",
    re.IGNORECASE,
)
FIX_REACH = timedelta(minutes=60)  # the step that brought the recovery is told this soon before it

_DID_NOTHING = r"(?:did|does|changed)\s+nothing|nothing\s+changed"  # "rollback of today's deploy did nothing"
# A step weighed, asked for, denied or said not to help is not what fixed it: "rolling back would
# take 40 min", "asked them to reboot the LB first", "controller hasn't restarted", "restart, no change".
_NOT_DONE_RE = re.compile(
    r"\b(?:would|could|should|might|maybe|perhaps|probably|guess|if|unless|until|whether|rather|instead\s+of|going\s+to|gonna|plan(?:s|ned|ning)?|let[\x27\u2019]?s|"
    r"asked\s+\w+\s+to|need\s+to|want\s+to|hasn[\x27\u2019]?t|haven[\x27\u2019]?t|didn[\x27\u2019]?t|did\s+not|doesn[\x27\u2019]?t|"
    rf"won[\x27\u2019]?t|isn[\x27\u2019]?t|wasn[\x27\u2019]?t|(?:no|zero)\s+(?:change|effect|difference|luck)|{_DID_NOTHING}|not\s+(?:help\w*|it|that|zero)|"
    r"same\s+(?:thing|loss|errors?|result|problem)|still|tried|even\s+after|despite|then\s+(?:timed?\s*out|fail\w*|errors?)|rule\s+(?:it\s+|that\s+)?out|(?:queues?|backlogs?|workers?|consumers?)\s+(?:is\s+|are\s+|now\s+)?drain\w*|dry[- ]?run\w*)\b|\w[\x27\u2019]d\b"
    r"|^\W*(?:investigating|identified|monitoring|update|resolved)\b"  # a status post's stage: what customers were told
    # a step weighed against another: "raising slots = config change + full reload, slow and risky"
    r"|\brisky\b|\bvs\.?\s|\bversus\b|\btrade-?offs?\b|\s=\s",
    re.IGNORECASE,
)
# A message that weighs options is a proposal, whichever of its sentences names a step ("... I'd do 2")
_WEIGHS_RE = re.compile(
    r"\b(?:i|we)[\x27\u2019]?d\s+(?:do|go\s+(?:with|for)|pick|vote|prefer|rather|suggest)\b|\boptions?\s*\(?\d\)?\s*[:)]?",
    re.IGNORECASE,
)


# What came back, not a step: "console access restored in all regions", "service has been restored"
# ("routes restored", "restored from the snapshot" are steps).
_OUTCOME_RE = re.compile(
    r"\b(?:access|service|services|connectivity|functionality|operations?|availability|everything|all\s+systems)\s+"
    r"(?:(?:is|are|has|have|been|now|fully|mostly|largely|partially)\s+)*restored\b(?!\s+(?:from|with|by|using)\b)",
    re.IGNORECASE,
)


_TOLD_DONE_RE = re.compile(r"\b[a-z]{3,}ed\b|\b(?:deploying|applying|pushing|switching|moving|shipping)\b", re.IGNORECASE)


def did(sentence: str) -> bool:
    """True when the sentence tells a step the team took, not weighed, asked for, denied or failed,
    nor one a customer took or was told of ("one customer restored his backup himself", "told them
    we're rolling back")."""
    return (
        bool(_FIX_ACTION_RE.search(sentence)) and not sentence.rstrip().endswith("?") and not _NOT_DONE_RE.search(sentence)
        and not _NOT_OURS_RE.search(sentence) and not _only_outcome(sentence)
    )


_NOT_OURS_RE = re.compile(
    r"\b(?:customers?|users?|clients?|merchants?|partners?|tenants?)\s+(?:\w+\s+){0,2}?(?:restored|fixed|rolled|restarted|reverted|re-?ran|retried|rebooted)\b"
    r"|\b(?:told|telling|tell|informed|emailed|replied\s+to)\s+(?:them|the\s+customers?|customers|users|the\s+users?|support|everyone)\b",
    re.IGNORECASE,
)


def _only_outcome(sentence: str) -> bool:
    """True when the sentence's only step word is a restoration it reports as an outcome."""
    if not _OUTCOME_RE.search(sentence):
        return False
    return not _FIX_ACTION_RE.search(_OUTCOME_RE.sub(" ", sentence))


def fix_from_mitigation(sigs: list[MessageSignals], mitigated: KeyTime | None) -> Fact | None:
    """What fixed it, read from the mitigation: the step in its own message, else the last step before it.

    "config disabled. services are starting to recover": the first sentence is the fix. When the
    recovery is only observed ("error rate back to baseline"), the step someone announced in the
    half hour before ("restarting nodes now") is what brought it.
    """
    if mitigated is None or not mitigated.message_ids:
        return None
    by_id = {s.message.id: i for i, s in enumerate(sigs)}
    at = by_id.get(mitigated.message_ids[0])
    if at is None:
        return None
    mine = sigs[at]
    # a person's step, or a deploy tool's "Rollback complete: config generation 88213 live" ("[Closed] Alert #21877" tells no step)
    told = mine.is_human or (bool(mine.flags & {"rollback", "fix_deployed"}) and "alert" not in mine.flags)
    for sentence in mine.prep.sentences if told else ():
        if did(sentence) and not taken_back(sentence, mine) and not refuted(sentence, within(sigs, at, FIX_REACH)):
            return quote_fact(sentence, mine, 0.7)  # above any rollback merely told: this one stopped the impact
    failed_after = False  # a report that it is still broken came after this step: the step did not fix it
    for sig in reversed(sigs[:at]):
        if mine.message.at - sig.message.at > FIX_REACH:
            break
        if sig.state == "relapse" or "still_broken" in sig.flags:
            failed_after = True
            continue
        if not sig.is_human or sig.asks or failed_after:
            continue
        if not sig.flags & STEP_FLAGS:
            continue  # "worker queues draining fast" tells an effect; the fix is a step someone took
        if _WEIGHS_RE.search(sig.prep.lower):
            continue
        acted = next((x for x in sig.prep.sentences if did(x) and not taken_back(x, sig)), "")
        first = sig.prep.sentences[0] if sig.prep.sentences else ""
        if not acted and _TOLD_DONE_RE.search(first) and not _NOT_DONE_RE.search(first) and not taken_back(first, sig):
            acted = first  # a step told in other words ("deployed to all 4 proxies, reloaded")
        if acted and not refuted(acted, within(sigs, by_id[sig.message.id], FIX_REACH)):
            return quote_fact(acted, sig, 0.65)
    return None


# Families of steps, so a later verdict on one ("restart bought us nothing") reaches the message
# that told it ("restarting workers now").
_STEP_FAMILIES = (
    re.compile(r"\b(?:restart\w*|reboot\w*|bounc(?:e|ed|ing)|recycl\w+)\b", re.IGNORECASE),
    re.compile(r"\b(?:roll(?:ed|ing)?[ -]?back|rollback|revert\w*)\b", re.IGNORECASE),
    re.compile(r"\b(?:scal(?:e|ed|ing)|capacity|replicas)\b", re.IGNORECASE),
    re.compile(r"\b(?:fail(?:ed|ing)?[ -]?over)\b", re.IGNORECASE),
    re.compile(r"\b(?:flush\w*|purg\w+|clear(?:ed|ing)?)\b", re.IGNORECASE),
)
_VERDICT_RE = re.compile(
    r"\b(?:nothing|didn[\x27\u2019]?t|did\s+not|no\s+(?:change|difference|effect|luck|improvement)|not\s+it|"
    r"won[\x27\u2019]?t|useless|worse|same\s+(?:thing|errors?|result))\b",
    re.IGNORECASE,
)


_VERDICT_LOOKAHEAD = 40  # a verdict on a step comes within a few dozen messages, however busy the channel


def within(sigs: list[MessageSignals], i: int, reach: timedelta) -> list[MessageSignals]:
    """The messages after ``sigs[i]`` told within ``reach`` of it (at most ``_VERDICT_LOOKAHEAD``)."""
    end = sigs[i].message.at + reach
    out = []
    for sig in sigs[i + 1 : i + 1 + _VERDICT_LOOKAHEAD]:
        if sig.message.at > end:
            break
        out.append(sig)
    return out


_WORSE_RE = re.compile(
    rf"\b(?:worse|made\s+it\s+worse|didn[\x27\u2019]?t\s+help|did\s+not\s+help|no\s+change|{_DID_NOTHING})\b",
    re.IGNORECASE,
)
_SOON_AFTER = timedelta(minutes=15)


# Taken back in the same message: "Killed ~340 queries. They come right back tho", "the broker restart
# was staging not prod. Ignore that."
_TAKEN_BACK_RE = re.compile(
    r"\b(?:come|came|coming)\s+(?:right\s+)?back\b|\bignore\s+(?:that|this|it|me)\b|\bnever\s*mind\b|\bscratch\s+that\b"
    r"|\bnot\s+(?:prod|production)\b",
    re.IGNORECASE,
)


def taken_back(sentence: str, sig: MessageSignals) -> bool:
    """True when the message, after ``sentence``, says the step did not hold or did not count."""
    sentences = sig.prep.sentences
    after = sentences[sentences.index(sentence) + 1 :] if sentence in sentences else []
    return any(_TAKEN_BACK_RE.search(x) or _WORSE_RE.search(x) for x in [sentence, *after])


def refuted(step: str, later: list[MessageSignals]) -> bool:
    """True when a later message says the step's kind did not help ("restart bought us nothing"),
    or, soon after it, that things got worse or did not change ("it's WORSE")."""
    families = [f for f in _STEP_FAMILIES if f.search(step)]
    if any(f.search(s.message.text) and _VERDICT_RE.search(s.message.text) for s in later for f in families):
        return True
    soon = [s for s in later if later and s.message.at - later[0].message.at <= _SOON_AFTER]
    return any(s.is_human and _WORSE_RE.search(s.message.text) for s in soon)
