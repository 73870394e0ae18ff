"""The four key times: fault introduced, detected, mitigated, resolved.

Incidents have one shape, and the finder leans on it: something breaks (a change, a first
symptom, "since 14:05"), someone notices (an alert, "I'm seeing", "we realized", a report),
the bleeding stops (rollback done, "back to normal"), and someone declares the end
("resolved", "all clear", "service is restored"). So the finder looks for each moment in
order, each search starting where the previous one ended, which also enforces
started <= detected <= mitigated <= resolved.

* Mitigated is the first recovery after detection; resolved is the first declaration after
  the last relapse ("broken again"), preferring one that says resolved/closed over a
  "service restored" note, else the last recovery. With a single "back to normal"
  both are the same moment, at lower confidence for the resolution.
* Detection needs a notice: an alert, a report, "something is wrong". "The investigation
  begins" only says someone knew by then, so an earlier symptom wins over it. A system that
  healed by itself before anyone noticed has its mitigation before its detection.
* A workaround ("banned the repo to let other builds through", "pointed DNS at the backup
  to restore basic functionality", "disk increased to 12000") is the mitigation when the
  first stated recovery is only the closing message or comes well after it (the real fix);
  a recovery within minutes of it is its stated effect and wins.
* A flapping alert ("X recovers", then "X starts" again) never recovered: its recoveries
  are not mitigations. In notes, an alert line "X starts" that detected the incident also
  dates its start.
* Chat channels start when someone noticed, so the first symptom report is the detection.
  Timeline notes are written afterwards and often open with the fault itself ("16:22 node
  runs out of memory"), so there the first symptom before the first detection phrase is the
  start; notes that never say who noticed date the start by their first symptom entry.
* Explicit times in prose ("since 14:05", "ca 18:30 CEST", "about 2 hours ago") are resolved
  against the message's own timestamp, in the zone they name or the transcript's zone; a
  key message that states its own time ("fired at 14:07", "resolved at 15:40 UTC") wins
  over the time it was posted.
* Recoveries of outside services ("GitHub is usable again") are not ours, and a multi-day
  silence ends the episode: what follows is a follow-up or a new incident.

Times written in the text are read by ``clock``; what a message means next to its neighbours
(a step that failed, a worry waved off, a partial recovery, an all-clear after a watch) is
decided by ``conversation``. This module puts the moments together.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from facilitator.extract.clock import (
    CHANGE_TIME,
    MAX_LOOKBACK,
    PLAN_RE,
    ended_at,
    start_mentions,
    stated_time,
)
from facilitator.extract.conversation import (
    CHANGE_REACH,
    CLOSING_RE,
    DOUBT_RE,
    NOT_SEEN_RE,
    PLANNED_ALERT_RE,
    STATUS_UNDER_WAY_RE,
    WAVED_OFF_RE,
    answered_not_seen,
    asked,
    bookkeeping_only,
    cleared_changes,
    contradicted,
    dismissal,
    first_recovery_from_a_problem,
    full_recovery_after,
    key_at,
    partial,
    residual,
    revert_link,
    step_owned_up_to,
    told_done,
    watched_since,
    waved_off_alerts,
)
from facilitator.extract.monitors import alert_state, blip, flapping, others_still_down, unseen_alerts
from facilitator.extract.signals import STEP_FLAGS, MessageSignals, is_placeholder_author
from facilitator.findings import KeyTime


def with_stated(key: KeyTime | None, sig_by_id: dict[str, MessageSignals], kind: str, tz: ZoneInfo) -> KeyTime | None:
    """Move a key time to the time its message states, when it states one."""
    if key is None or not key.message_ids or key.message_ids[0] not in sig_by_id:
        return key
    moment = stated_time(sig_by_id[key.message_ids[0]], kind, tz)
    if moment is None or moment == key.at:
        return key
    return key.model_copy(update={"at": moment, "reason": f"{key.reason}; time as stated in the message"})


_END_REACH = timedelta(hours=1)  # how long before its all-clear a stated end may lie


def _with_end(key: KeyTime | None, by_id: dict[str, MessageSignals], tz: ZoneInfo) -> KeyTime | None:
    """The end an all-clear states for the impact ("zero errors since 7:27"), when it states one."""
    if key is None or not key.message_ids or key.message_ids[0] not in by_id:
        return key
    moment = ended_at(by_id[key.message_ids[0]], tz)
    if moment is None or moment == key.at or key.at - moment > _END_REACH:
        return key  # a window told hours later ("From 22:25 to 22:50 UTC, users may have ...") dates the impact, not the close
    return key.model_copy(update={"at": moment, "reason": f"{key.reason}; the end as the message states it"})


def find_detected(sigs: list[MessageSignals], chat: bool) -> KeyTime | None:
    """First alert or report; in chat also the first symptom message; else the first message.

    A report is strong evidence ("noticed", "users report", "something is wrong"); "the
    investigation begins" is weak: it says someone knew by then, not when they first saw
    it, so an earlier symptom in the notes wins over it. Notes that mark the start of the
    incident ("Start of incident.") describe the fault there, so the first symptom after
    that marker is the first observation, even if the word "noticed" only comes later.
    """
    if not sigs:
        return None
    waved = waved_off_alerts(sigs) | unseen_alerts(sigs)  # noise, and alerts resolved before anyone saw them
    first_recovery = first_recovery_from_a_problem([s for s in sigs if s.message.id not in waved] if waved else sigs)
    # an entry that reports the problem and then its fix is still the report
    last = -1 if first_recovery is None else first_recovery.index - (not _recovers_later(first_recovery))
    window = [s for s in sigs if first_recovery is None or s.index <= last] or sigs
    first_symptom: MessageSignals | None = None
    after_marker: MessageSignals | None = None
    marked = False
    answered = answered_not_seen(sigs) | waved
    for sig in window:
        if sig.message.id in answered or (sig.is_human and NOT_SEEN_RE.search(sig.prep.lower)):
            continue  # "anyone else seeing slow responses?" - "fine for me" / "probably my wifi": a worry put to rest
        if sig.is_human and WAVED_OFF_RE.search(sig.prep.lower) and not sig.flags & {"detect"}:
            continue  # "digest again, that one has been flapping all week": an alert waved off
        if sig.is_human and "detect" not in sig.flags and PLAN_RE.search(sig.prep.lower):
            continue  # "reminder: the build-out continues tomorrow" tells a plan, not a problem seen
        if "start_marker" in sig.flags and "detect" not in sig.flags:
            marked = True
            continue  # "Start of incident." marks the fault, not the moment someone noticed
        if "alert" in sig.flags and (not sig.is_human or (chat and is_placeholder_author(sig.message.author))):
            # (an authorless row in a chat is a tool's log line: "Triggered through the website by Priya")
            if PLANNED_ALERT_RE.search(sig.prep.lower):
                continue  # a host down for planned work, as the monitor itself says
            return key_at(sig, 0.8, "first alert")
        if "detect" in sig.flags:
            if after_marker is not None:
                return key_at(after_marker, 0.6, "first symptom after the marked start of the incident")
            return key_at(sig, 0.75, "first report of the problem")
        if chat and sig.is_human and "symptom" in sig.flags and sig.state != "recover":
            # (not "retry backlog draining, p95 almost at baseline": the symptom named in a recovery)
            return key_at(sig, 0.65, "first message reporting a symptom")
        if "investigate" in sig.flags:
            if first_symptom is not None:
                return key_at(first_symptom, 0.55, "first symptom observed before the investigation began")
            return key_at(sig, 0.6, "investigation began")
        if "symptom" in sig.flags and not chat:
            first_symptom = first_symptom or sig
            if marked and after_marker is None:
                after_marker = sig
    symptom = next((s for s in window if "symptom" in s.flags and "start_marker" not in s.flags), None)
    if symptom is not None:
        return key_at(symptom, 0.5, _FIRST_SYMPTOM)
    first = next((s for s in sigs if s.is_human), sigs[0])
    return key_at(first, 0.35, "first message of the channel")


_FIRST_SYMPTOM = "first message describing a symptom"


NO_EARLIER_SIGN = "no earlier sign in the channel"  # a start estimated from the detection itself


def find_started(
    sigs: list[MessageSignals], detected: KeyTime | None, chat: bool, tz: ZoneInfo
) -> KeyTime | None:
    """Earliest credible start: stated times, changes before detection, or (notes) first symptom."""
    if detected is None:
        return None
    limit = detected.at
    by_id = {s.message.id: s for s in sigs}
    candidates: list[KeyTime] = []
    symptoms: list[KeyTime] = []
    last_change: KeyTime | None = None
    for sig in sigs:
        for moment, reason in start_mentions(sig, tz):
            if reason.startswith(CHANGE_TIME) and limit - moment > CHANGE_REACH:
                continue  # "last deploy was 6pm", said at 4am: earlier history, not the start
            if limit - MAX_LOOKBACK <= moment <= limit:
                candidates.append(key_at(sig, 0.7, reason, at=moment))
        if sig.message.at > limit or sig.message.id in detected.message_ids:
            continue
        if "start_marker" in sig.flags:
            candidates.append(key_at(sig, 0.8, "marked as the start of the incident"))
        if "change" in sig.flags:
            # the change closest to the symptoms is the likeliest culprit, so keep the last one
            last_change = key_at(sig, 0.55, "last change made before the problem was noticed")
        if not chat and "symptom" in sig.flags:
            symptoms.append(key_at(sig, 0.55, "first symptom, before anyone noticed"))
    if not chat and detected.message_ids:
        # Notes whose detecting entry is an alert starting ("DiskWritesBlocked starts"):
        # that entry is also when the fault began.
        first = next((s for s in sigs if s.message.id == detected.message_ids[0]), None)
        state = alert_state(first) if first is not None else None
        if state is not None and state[1].startswith("start") and not state[2]:  # "fires" is a notice
            candidates.append(key_at(first, 0.5, "the alert that detected it says the fault started then"))
        elif first is not None and "change" in first.flags and "symptom" in first.flags and _told_first(first, "change", "symptom"):
            # "Deployed v2 and noticed errors": the change and its damage share the entry.
            candidates.append(key_at(first, 0.45, "the detecting entry also reports the change that broke it"))
    # Timeline notes that show a symptom before detection date the start by it (a change
    # that "deployed fine" is context); otherwise the last change before detection.
    slip = step_owned_up_to(sigs, limit)
    if slip is not None:
        candidates.append(slip)
    cleared = cleared_changes(sigs)
    candidates = [k for k in candidates if not (k.message_ids and k.message_ids[0] in cleared)]
    if last_change is not None and last_change.message_ids[0] in cleared:
        last_change = None
    stated = [k for k in candidates if not asked(k, by_id)]
    if symptoms:
        candidates.append(symptoms[0])
    elif last_change is not None and not (stated and min(k.at for k in stated) - last_change.at > CHANGE_REACH):
        candidates.append(last_change)  # a change hours before a stated start is earlier history
    confident = [k for k in candidates if not asked(k, by_id)]
    if confident:
        candidates = confident  # "we deployed at 09:40, could that be it?" only when nothing is stated
    if not candidates and not chat and detected.reason == _FIRST_SYMPTOM:
        # Notes that open with the fault ("11:21 upgrade makes DNS pods crash loop") and never
        # say who noticed: the entry dates the start; detection is only inferred from it.
        return detected.model_copy(update={"confidence": 0.45, "reason": "first symptom in the notes"})
    if not candidates and chat:
        # A monitor fires or someone reports it within minutes of the impact and nothing earlier
        # is told: the notice is the best estimate of the start, offered at low confidence for
        # the commander to confirm.
        what = "the first alert" if detected.reason == "first alert" else "when it was first reported"
        return detected.model_copy(update={"confidence": 0.2, "reason": f"{NO_EARLIER_SIGN}: {what}"})
    if not candidates:
        return None
    return min(candidates, key=lambda k: (k.at, -k.confidence))


def _told_first(sig: MessageSignals, name: str, other: str) -> bool:
    """True when the entry mentions ``name`` before ``other`` ("deployed v2, then errors").

    "Errors noticed; the cache is removed" tells the change as the response to the symptom.
    """
    gate = sig.prep.gate
    if gate is None:
        return False
    text = sig.prep.prose

    def first_at(signal: str) -> int:
        return min((m.start() for rx in gate.branches(signal) for m in [rx.search(text)] if m), default=len(text))

    return first_at(name) < first_at(other)


EPISODE_GAP = timedelta(days=3)  # a week of silence, then "another node is lost": a new incident


WORKAROUND_EFFECT = timedelta(minutes=30)  # a recovery this soon after a workaround is its effect


def _same_episode(sigs: list[MessageSignals]) -> list[MessageSignals]:
    """The messages up to the first multi-day silence (later ones are follow-ups or a new event)."""
    for i in range(1, len(sigs)):
        if sigs[i].message.at - sigs[i - 1].message.at > EPISODE_GAP:
            return sigs[:i]
    return sigs


def noticed_after_self_heal(sigs: list[MessageSignals]) -> tuple[MessageSignals, MessageSignals] | None:
    """(symptom, notice) when the system healed by itself and someone noticed only afterwards.

    "10:34 success drops to 0%. 10:55 the cluster self-heals. 15:00 dip noticed on the
    dashboard": the detection is the notice, and the impact ended before it.
    """
    heal = next((s for s in sigs if s.state == "recover"), None)
    if heal is None or "self_heal" not in heal.flags:
        return None
    before = [s for s in sigs if s.index < heal.index]
    if any("detect" in s.flags or "investigate" in s.flags or ("alert" in s.flags and not s.is_human) for s in before):
        return None  # someone already knew: an ordinary mitigation
    symptom = next((s for s in before if "symptom" in s.flags), None)
    later = _same_episode([s for s in sigs if s.index >= heal.index])[1:]
    notice = next((s for s in later if "detect" in s.flags), None)
    if symptom is None or notice is None:
        return None
    return symptom, notice


def find_mitigated_resolved(
    sigs: list[MessageSignals], detected: KeyTime | None, since: KeyTime | None = None, chat: bool = False
) -> tuple[KeyTime | None, KeyTime | None]:
    """First recovery after detection (or after ``since``); resolution after the last relapse.

    A detection entry that goes on to the fix ("... the hub is restarted and launches
    return to 100%") is also the first recovery.
    """
    start = 0
    anchor = since or detected
    if anchor is not None:
        det_ids = set(anchor.message_ids)
        start = next((i for i, s in enumerate(sigs) if s.message.id in det_ids), 0)
    same_entry = since is None and start < len(sigs) and _recovers_later(sigs[start])
    after = _same_episode(sigs[start if same_entry else start + 1 :] or sigs[start:])
    recoveries = [
        s
        for i, s in enumerate(after)
        if s.state == "recover" and not contradicted(after, i) and not flapping(after, i) and not dismissal(s)
        and not (NOT_SEEN_RE.search(s.prep.lower) and i > 0 and after[i - 1].asks)
        and not (not s.is_human and STATUS_UNDER_WAY_RE.search(s.prep.lower[:120]))
        and not blip(s, anchor.at if anchor is not None else None)
    ]
    if not recoveries:
        # Nobody said it came back: the last step someone reported done, when nothing broke after
        # it, is the best estimate of the mitigation ("admin down the L3 interface" ... "done").
        step = _last_step_done(after) if chat else None
        return (key_at(step, 0.35, "the last step reported done; nobody said the service recovered"), None) if step else (None, None)
    first = recoveries[0]
    strong = "declare_resolved" in first.flags or "rolled back" in first.prep.lower
    mitigated = key_at(first, 0.75 if strong else 0.65, "first sign of recovery after detection")
    eased = _eased_only(first, after, recoveries)
    if eased is not None:
        full = full_recovery_after(after, [eased, *(r for r in recoveries if r.index > eased.index)])
    else:
        one_part = not first.is_human and others_still_down(sigs, first)  # "UP: dash" while "DOWN: std" stands
        # (a monitor's next UP while it still reports another check down is one more part back)
        whole = [r for r in recoveries if r is first or r.is_human or not others_still_down(sigs, r)] if one_part else recoveries
        full = full_recovery_after(after, whole) if partial(first) or one_part else None
    if full is not None:
        # "half the hosts replaced, errors dropping" then "error rate back to baseline": the
        # impact stopped at the second; the first is when it started to ease (a candidate).
        first = full
        mitigated = key_at(full, 0.65, "the service fully recovered (after a partial recovery)")
    # A workaround put in place before the first stated recovery ("banned the repo to let
    # other builds through", "pointed DNS at the backup to restore basic functionality",
    # "disk increased from 8000 to 12000") is when the impact eased, unless that recovery
    # follows within minutes (then it is the workaround's stated effect) and is not just
    # the closing message. A recovery hours later is the real fix, after the workaround.
    # In chat people say when the service came back, and that is the moment reports keep;
    # only a revert there (a link to it) comes before the recovery they report.
    failed_after = [s.index for s in after if s.index < first.index and s.state == "relapse"]
    workaround = next(
        (
            s
            for s in after
            if s.index < first.index
            and ("workaround" in s.flags or revert_link(s))
            and not any(i > s.index for i in failed_after)  # "doubled the quota" ... "didn't work either"
        ),
        None,
    )
    if workaround is not None and (not chat or revert_link(workaround)) and (
        ("declare_resolved" in first.flags and len(recoveries) == 1)
        or first.message.at - workaround.message.at > WORKAROUND_EFFECT
    ):
        mitigated = key_at(workaround, 0.5, "workaround put in place before the first stated recovery")
    if not first.is_human and mitigated.message_ids[0] == first.message.id:
        # A status page's "Monitoring"/"Resolved" post follows the step it reports by however long
        # someone took to write it: the responder saying the step was done is the moment.
        step = _step_before(after, first)
        if step is not None:
            mitigated = key_at(step, 0.55, "the step a status page's recovery post then reported")
    tail = [s for s in after if s.index >= first.index]
    last_relapse = max((s.index for s in tail if s.state == "relapse" and not LOOKING_BACK_RE.search(s.prep.lower)), default=-1)
    settled = [s for s in tail if s.index > last_relapse]
    came_back = max((s.index for s in tail if s.state == "relapse" and not residual(s)), default=-1)
    if chat and came_back >= 0:
        # It broke again: the impact stopped only at the first recovery after the last relapse.
        # (Timeline notes written afterwards name a relapse in passing; there the first stands.)
        back = [s for s in tail if s.index > came_back and s in recoveries]
        again = next((s for s in back if not partial(s) and not others_still_down(sigs, s)), None) or next(iter(back), None)
        if again is not None and mitigated.message_ids[0] != again.message.id:
            mitigated = key_at(again, 0.6, "first recovery after the problem came back")
    # "Mail sent: service restored" then "ticket marked as resolved": the explicit closing
    # word is the declaration; a restoration only stands in when nothing closes the incident.
    declarations = [s for s in settled if "declare_resolved" in s.flags and not _plans_to_close(s)]
    # The responders' own all-clear first ("I think we're good"); a status page's "Resolved"
    # post follows it, sometimes hours later, and stands in only when nobody said it.
    human = [s for s in declarations if s.is_human]
    if chat:
        # "resolved on the status page", "marked resolved on statuspage": bookkeeping after the
        # all-clear; the all-clear itself (or the recovery it followed) is the end.
        told = [s for s in human if not bookkeeping_only(s)]
        if len(told) < len(human) and not told:
            done = _last_human_recovery(settled, before=human[0].index)
            if done is not None:
                human = [done]
        else:
            human = told
    declared = next((s for s in human if CLOSING_RE.search(s.prep.lower)), None) or next(iter(human), None)
    if declared is None and chat:
        # Only a pager or status page closed it: the responders' last word on the service's
        # health is when it was over; the bot's post follows whenever someone clicked "resolve".
        done = _last_human_recovery(settled)
        if done is not None and any(s.index > done.index for s in declarations):
            watched = watched_since(settled, done)
            return mitigated, watched or key_at(done, 0.6, "last recovery the responders reported before the status page closed it")
    declared = declared or next((s for s in declarations if CLOSING_RE.search(s.prep.lower)), None)
    declared = declared or next(iter(declarations), None)
    if declared is not None and chat and (back := watched_since(settled, declared)) is not None:
        return mitigated, back
    if declared is not None:
        return mitigated, key_at(declared, 0.8, "declared resolved")
    last = next((s for s in reversed(settled) if s.state == "recover" and not _plans_to_close(s)), None)
    if last is not None and chat and (back := watched_since(settled, last)) is not None:
        return mitigated, back
    if last is None:
        return mitigated, None
    if last.index == first.index:
        return mitigated, key_at(last, 0.4, "only recovery seen; mitigation and resolution coincide")
    return mitigated, key_at(last, 0.6, "last recovery, with no relapse after it")


# "I'll add logging and check why autoscale didn't help": a follow-up about the incident, not the problem back.
LOOKING_BACK_RE = re.compile(
    r"\b(?:i[\x27\u2019]ll|we[\x27\u2019]ll|will|going\s+to|todo|follow[- ]?ups?|post-?mortem|retro)\b[^.?!]{0,60}\b(?:why|how come)\b"
)
STATUS_LAG = timedelta(minutes=20)  # how long a status page's post may trail the step it reports


_STATUS_POST_RE = re.compile(r"\b(?:monitoring|resolved)\s*[:\-\u2013\u2014]|^\W*[\[*]\s*(?:monitoring|resolved)\s*[\]*]")


_NOT_YET_NORMAL_RE = re.compile(r"\bnot\s+(?:yet\s+|quite\s+|fully\s+)?(?:at|back\s+to|back\s+at)\s+(?:baseline|normal)\b|\bnot\s+(?:yet\s+|quite\s+)?(?:gone|clean|clear)\b")


def _eased_only(first: MessageSignals, after: list[MessageSignals], recoveries: list[MessageSignals]) -> MessageSignals | None:
    """The word, minutes after a step told done ("rollback finished in all regions"), that the
    problem only eased ("errors dropping but not at baseline") or is still there ("/health is
    green but /locations still times out"): the impact stopped at a later, full recovery. None
    when there is no such word, or when people next say it recovered."""
    if not (first.flags & STEP_FLAGS):
        return None
    soon = first.message.at + timedelta(minutes=10)
    for sig in (s for s in after if first.index < s.index and s.message.at <= soon):
        if sig.is_human and (
            (sig in recoveries and partial(sig) and _NOT_YET_NORMAL_RE.search(sig.prep.lower) is not None)
            or (not sig.state and "still_broken" in sig.flags)  # "new tasks up, /health green but /locations still times out"
        ):
            return sig
        if sig.is_human and sig in recoveries:
            return None  # the next word from people is a recovery: the step did bring it back
    return None


def _step_before(after: list[MessageSignals], post: MessageSignals) -> MessageSignals | None:
    """The step a person reported done in the minutes before a status page's recovery post."""
    if "alert" in post.flags or not ("status_page" in post.flags or _STATUS_POST_RE.search(post.prep.lower[:80])):
        return None  # a monitor's own recovery is the service's state, not a note about a step
    for sig in reversed([s for s in after if s.index < post.index]):
        if post.message.at - sig.message.at > STATUS_LAG or sig.state == "relapse":
            return None
        if (told_done(sig) or (sig.is_human and "fix_deployed" in sig.flags and not sig.asks)) and (
            not DOUBT_RE.search(sig.prep.lower)
        ):
            return sig
    return None


def _last_step_done(after: list[MessageSignals]) -> MessageSignals | None:
    """The last step a person reported finished, if no relapse or symptom report came after it."""
    for sig in reversed(after):
        if sig.state == "relapse" or (sig.is_human and sig.flags & {"symptom", "still_broken"} and "?" not in sig.prep.lower):
            return None
        if (told_done(sig) or (sig.is_human and sig.flags & {"fix_deployed", "rollback", "workaround"})) and not DOUBT_RE.search(sig.prep.lower):
            return None if sig.asks else sig
    return None


def _last_human_recovery(settled: list[MessageSignals], before: int | None = None) -> MessageSignals | None:
    """The last complete recovery a person reported (before message ``before``, when given)."""
    return next(
        (
            s
            for s in reversed(settled)
            if s.state == "recover" and s.is_human and not partial(s) and (before is None or s.index < before)
            and not _plans_to_close(s)
        ),
        None,
    )


_PHASE_LABEL_RE = re.compile(
    r"^\W*(?P<a>detection|detected|mitigation|mitigated|resolution|resolved)\W*\s*[:\u2014\u2013|-]"
    r"|[\u2014|]\s*(?P<b>detection|detected|mitigation|mitigated|resolution|resolved)\W*$",
    re.IGNORECASE,
)
_PHASES = {"detect": "detect", "mitiga": "mitigate", "resolu": "resolve", "resolv": "resolve"}


def _labelled_phases(sigs: list[MessageSignals]) -> dict[str, KeyTime]:
    """Key times a timeline labels itself: the first row headed "Mitigation", "Detection", "Resolution"."""
    found: dict[str, KeyTime] = {}
    for sig in sigs:
        text = sig.message.text or ""
        if len(text) > 400 or not ("ion" in text or "ed" in text) or not sig.is_human:
            continue  # a status page's "Resolved - This incident has been resolved." is its post, not a label
        match = _PHASE_LABEL_RE.search(text.strip())
        if match is None:
            continue
        phase = _PHASES[(match.group("a") or match.group("b")).lower()[:6]]
        found.setdefault(phase, key_at(sig, 0.85, f"the timeline labels this entry {phase}"))
    return found


# "leaving our incident open until they post their RCA, then I'll mark resolved": a plan to close
_CLOSE_LATER_RE = re.compile(
    r"\buntil\b[^.]{0,80}\bthen\s+(?:i[\x27\u2019]?ll\s+|we[\x27\u2019]?ll\s+|we\s+)?(?:mark|close|resolve)\w*\b"
    r"|\b(?:leav|keep)\w*\s+(?:our\s+|the\s+|this\s+)?(?:incident|ticket|inc)\s+(?:\w+\s+)?open\b"
)


def _plans_to_close(sig: MessageSignals) -> bool:
    """True when the message says the incident will be closed later, not that it is closed now."""
    return _CLOSE_LATER_RE.search(sig.prep.lower) is not None


def _self_healed(key: KeyTime, by_id: dict[str, MessageSignals]) -> bool:
    """True when the key's message says the system recovered by itself (so before anyone acted)."""
    sig = by_id.get(key.message_ids[0]) if key.message_ids else None
    return sig is not None and "self_heal" in sig.flags


def _healed_before_notice(sigs: list[MessageSignals], tz: ZoneInfo) -> KeyTime | None:
    """A chat that starts after the system healed itself: "hit 0% at 10:34 and came back at 10:55 by itself".

    The recovery happened before anyone spoke, so no message marks it; the first message that
    says it healed by itself and states when is the mitigation, at the stated time.
    """
    for sig in sigs:
        if "self_heal" in sig.flags:
            moment = stated_time(sig, "recover", tz, window=MAX_LOOKBACK)
            if moment is not None:
                return key_at(sig, 0.55, "the system recovered by itself; time as stated in the message", at=moment)
    return None


def _recovers_later(sig: MessageSignals) -> bool:
    """True when a report's last health statement, in a later sentence, is a recovery."""
    return sig.state == "recover" and "detect" in sig.flags and len(sig.prep.sentences) > 1


def find_key_times(
    sigs: list[MessageSignals], chat: bool, tz: ZoneInfo
) -> dict[str, KeyTime | None]:
    """All four key times, ordered started <= detected <= mitigated <= resolved.

    Messages without a real time (a dated note with no clock, "??:??") take no part: their
    timestamp is a placeholder, and a key time must be a time someone wrote down.
    """
    sigs = [s for s in sigs if s.timed]
    by_id = {s.message.id: s for s in sigs}
    labelled = _labelled_phases(sigs)
    healed = None if chat else noticed_after_self_heal(sigs)
    if healed is not None:
        symptom, notice = healed
        detected = key_at(notice, 0.65, "noticed after the system had recovered by itself")
    else:
        detected = with_stated(find_detected(sigs, chat), by_id, "detect", tz)
    started = find_started(sigs, detected, chat, tz)
    since = key_at(symptom, 0.5, "first symptom") if healed is not None else None
    mitigated, resolved = find_mitigated_resolved(sigs, detected, since, chat)
    if mitigated is None and chat:
        mitigated = _healed_before_notice(sigs, tz)
    mitigated = with_stated(mitigated, by_id, "recover", tz)
    stated = with_stated(resolved, by_id, "resolve", tz)
    resolved = _with_end(stated, by_id, tz)
    if resolved and mitigated and resolved.message_ids == mitigated.message_ids and resolved.at != mitigated.at:
        # one message, one moment; the end it states ("zero errors since 7:27") dates both
        if resolved is not stated:
            mitigated = mitigated.model_copy(update={"at": resolved.at})
        else:
            resolved = resolved.model_copy(update={"at": mitigated.at})
    # A timeline that names each row's phase ("| 14:25 | Mitigation | ... |") has said which
    # moment is which: its own label wins over any reading of the words.
    detected = labelled.get("detect", detected)
    mitigated = labelled.get("mitigate", mitigated)
    resolved = labelled.get("resolve", resolved)
    if started and detected and started.at > detected.at:
        started = None
    if mitigated and detected and mitigated.at < detected.at and healed is None and not _self_healed(mitigated, by_id):
        mitigated = None
    if resolved and mitigated and resolved.at < mitigated.at:
        resolved = mitigated
    return {"started_at": started, "detected_at": detected, "mitigated_at": mitigated, "resolved_at": resolved}
