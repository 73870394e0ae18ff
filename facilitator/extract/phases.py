"""The phases of the response: investigating, identified, mitigating, monitoring, resolved.

A channel is a conversation that moves through a few states, and each key time is the moment
it moved: someone noticed (investigating), someone found the cause (identified), someone acted
on it (mitigating: a rollback, a fix, a workaround, a revert link), the service got better and
people watched it (monitoring), and someone declared the end (resolved). Reading the exchange
as these states keeps each moment tied to what happened at it: a hypothesis that was ruled out
never marks "identified", doubt that a step worked never marks "mitigating".

The phases are built on the key times (``times``) so they never disagree with them; the two
middle ones come from the messages between detection and recovery.
"""

from __future__ import annotations

from facilitator.extract.signals import MessageSignals
from facilitator.extract.conversation import DOUBT_RE, dismissal, revert_link
from facilitator.findings import KeyTime, Phase

_STEPS = frozenset({"rollback", "fix_deployed", "workaround"})


def _phase(name: str, sig: MessageSignals, reason: str) -> Phase:
    return Phase(name=name, at=sig.message.at, message_ids=[sig.message.id], reason=reason)


def _from_key(name: str, key: KeyTime | None, reason: str) -> Phase | None:
    if key is None:
        return None
    return Phase(name=name, at=key.at, message_ids=list(key.message_ids), reason=reason)


def find_phases(sigs: list[MessageSignals], key_times: dict[str, KeyTime | None]) -> list[Phase]:
    """The phases the channel went through, in time order (only those it shows)."""
    detected, mitigated, resolved = key_times.get("detected_at"), key_times.get("mitigated_at"), key_times.get("resolved_at")
    phases: list[Phase | None] = [_from_key("investigating", detected, "the problem was noticed")]
    if detected is not None:
        ids = set(detected.message_ids)
        start = next((i for i, s in enumerate(sigs) if s.message.id in ids), 0)
        identified = acted = None
        for sig in sigs[start:]:
            if identified and acted:
                break
            lower = sig.prep.lower
            if sig.asks or dismissal(sig):
                continue
            if identified is None and "root_cause" in sig.flags and "hypothesis" not in sig.flags:
                identified = _phase("identified", sig, "the cause was named")
            if acted is None and (sig.flags & _STEPS or revert_link(sig)) and not DOUBT_RE.search(lower):
                if mitigated is None or (sig.message.at <= mitigated.at and sig.message.id not in mitigated.message_ids):
                    acted = _phase("mitigating", sig, "a step was taken against the impact")
        phases += [identified, acted]
    if mitigated is not None and (resolved is None or resolved.at > mitigated.at):
        phases.append(_from_key("monitoring", mitigated, "the service recovered; watching it"))
    phases.append(_from_key("resolved", resolved, "the incident was declared over"))
    return sorted((p for p in phases if p is not None), key=lambda p: p.at)
