"""``facilitator checklist``: review and tick the redaction checklist from the command line.

The checklist (data in ``prompts/templates/redaction_checklist.toml``) holds the judgement
calls only a person can make before the external version leaves the tool; its ticks live in
``session.redaction_checklist`` and block ``facilitator publish --version external`` until
every item is ticked. A person ticking "no internal system names remain" should not have to
take it on faith, so each item is shown with the evidence the tool has (the leak scan of the
external version, how many people and systems it learnt, credentials it masked, vendor
mentions, severity and impact). Items whose id the tool does not know (a team's own
additions to the data file) say that no automatic check exists.

Three ways in, all saving through ``SessionStore`` (atomic, comments kept) after every change:
``--tick``/``--untick`` for scripts (ids or their numbers in the list), a question per item
on a terminal (questionary, as in plain mode; Ctrl-C keeps what was answered), and
``review_before_publish`` which ``facilitator publish`` offers on a terminal instead of
refusing outright.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TextIO

from facilitator.config import Settings
from facilitator.errors import REDACTED, UserError
from facilitator.redact import Redactor, mask_secrets
from facilitator.redact_detect import SECRET, resolve, secret_spans
from facilitator.redact_gate import ChecklistItem, customer_questions, external_scan, load_checklist, unticked
from facilitator.session import Session
from facilitator.transcript import Transcript

__all__ = ["ChecklistEntry", "checklist_command", "evidence", "entries", "is_terminal", "resolve_refs", "review_before_publish"]

# Words that introduce a third party in a customer-facing text; each mention is a blame to check.
_VENDOR_WORDS = re.compile(r"\b(?:vendors?|suppliers?|providers?|third[- ]part(?:y|ies)|partners?|upstream)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    """One checklist item as shown: its number in the list, state and the tool's evidence."""

    number: int
    id: str
    text: str
    ticked: bool
    evidence: str


def is_terminal() -> bool:
    """True when a person can answer prompts (stdin and stdout are a terminal)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _columns() -> int:
    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def _wrap(text: str, first: int, rest: int) -> str:
    return textwrap.fill(text, width=_columns(), initial_indent=" " * first, subsequent_indent=" " * rest)


def _kinds(leaks: Sequence[object]) -> str:
    counts = Counter(getattr(leak, "kind", "?") for leak in leaks)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


def evidence(session: Session, transcript: Transcript | None, settings: Settings, rendered: object = None) -> dict[str, str]:
    """What the tool knows about each checklist item, by item id (one line each, never a secret).

    ``rendered`` is a ``render_both`` result the caller already has (the app's preview), so
    the documents are not rendered twice."""
    from facilitator.render import build_document, render_both

    try:
        rendered = rendered if rendered is not None else render_both(session, transcript, settings)
    except UserError as exc:  # a broken template: say so rather than claim a clean scan
        redactor, doc = Redactor.from_context(settings, session, transcript), build_document(session, transcript, settings)
        external, scan_problem = "", f"The external version could not be rendered ({exc}), so it was not scanned."
    else:
        redactor, doc, external, scan_problem = rendered.redactor, rendered.doc, rendered.external, ""
    leaks = external_scan(external, redactor)  # the gate's own detectors
    people_leaks = [leak for leak in leaks if leak.kind in ("person", "person placeholder")]
    questions = [leak for leak in leaks if leak.kind == "open question"]  # no secret: a question still to answer
    other_leaks = [leak for leak in leaks if leak not in people_leaks and leak not in questions]
    found: dict[str, str] = {}
    if scan_problem:
        found["no_internal_names"] = found["no_personal_names"] = scan_problem
    else:
        found["no_internal_names"] = (
            f"Leak scan of the external version: {len(other_leaks)} sensitive string(s) remain ({_kinds(other_leaks)}); "
            "publishing stays blocked until it is clean."
            if other_leaks
            else f"Leak scan of the external version: clean (no internal system name of the {len(redactor.systems)} learnt, "
            "host, URL, id, ticket, version, config key, command or placeholder)."
        )
        if questions:
            found["no_internal_names"] += f" The external version is withheld until {customer_questions(len(questions))} answered."
        if redactor.blockers:
            found["no_internal_names"] += f" Also withheld until fixed: {'; '.join(redactor.blockers)}."
        found["no_personal_names"] = (
            f"Leak scan of the external version: {len(people_leaks)} personal name(s) or placeholder(s) for one remain."
            if people_leaks
            else f"Leak scan of the external version: none of the {len(redactor.people)} people the tool knows "
            "(authors, responders, owners, mentions, names the blame lint found) is named, nor a placeholder for one; "
            "other names cannot be checked."
        )
    texts = [m.text for m in transcript.messages] if transcript is not None else []
    # A loaded transcript is already masked: its masks (either marker) count as credentials found too.
    secrets = sum(
        text.count(SECRET) + text.count(REDACTED) + sum(1 for s in resolve(secret_spans(text)) if text[s.start : s.end] != SECRET)
        for text in texts
    )
    found["no_vulnerability_detail"] = (
        f"Credentials are masked automatically ({secrets} found in the channel); versions, config keys, file names "
        "and commands in the external version are refused by its gate; paths and bypasses in prose are not detected: "
        "read what happened and what we are changing."
    )
    vendors = len(_VENDOR_WORDS.findall(external))
    found["no_vendor_blame"] = (
        f"The external version mentions a vendor, provider or partner {vendors} time(s); check each claim is verified and agreed."
        if vendors
        else "The external version does not mention a vendor, provider or partner by those words."
    )
    impact = " ".join(doc.customer_impact.split())
    impact = impact if len(impact) <= 120 else impact[:117].rstrip() + "..."
    found["legal_pr_review"] = f"Severity: {' '.join(doc.severity.split())}; customer impact: {impact}"
    return {key: mask_secrets(value) for key, value in found.items()}


def entries(session: Session, transcript: Transcript | None, settings: Settings, with_evidence: bool = True) -> list[ChecklistEntry]:
    """The checklist of ``session`` in data-file order, with its ticks and (optionally) the evidence."""
    known = evidence(session, transcript, settings) if with_evidence else {}
    return [
        ChecklistEntry(
            number=n,
            id=item.id,
            text=item.text,
            ticked=bool(session.redaction_checklist.get(item.id)),
            evidence=known.get(item.id, "No automatic check: a judgement call." if with_evidence else ""),
        )
        for n, item in enumerate(load_checklist(), 1)
    ]


def resolve_refs(refs: Sequence[str], items: Sequence[ChecklistItem]) -> list[str]:
    """Item ids for ``refs`` (each an id or its number in the list); UserError naming the first unknown."""
    by_id = {item.id: item.id for item in items}
    ids: list[str] = []
    for ref in refs:
        key = ref.strip()
        if key.isdigit() and 1 <= int(key) <= len(items):
            ids.append(items[int(key) - 1].id)
        elif key in by_id:
            ids.append(key)
        else:
            valid = ", ".join(item.id for item in items)
            raise UserError(f"'{ref}' is not a checklist item; use a number from 1 to {len(items)} or one of: {valid}.")
    return list(dict.fromkeys(ids))


def format_checklist(name: str, rows: Sequence[ChecklistEntry]) -> str:
    """The checklist as aligned plain text, with the command to tick what is left."""
    done = sum(r.ticked for r in rows)
    width = max((len(r.id) for r in rows), default=0)
    lines = [f"Redaction checklist for {name}: {done} of {len(rows)} ticked."]
    for r in rows:
        lines.append(f"  {r.number}. [{'x' if r.ticked else ' '}] {r.id.ljust(width)}  {r.text}")
        if r.evidence:
            lines.append(_wrap(f"Evidence: {r.evidence}", 9, 19))
    if done < len(rows):
        lines.append(f"Tick the items you have checked: facilitator checklist {name} --tick ID [ID ...] (ids or numbers).")
    else:
        lines.append(f"Every item is ticked: facilitator publish {name} --version external can go ahead.")
    return "\n".join(lines) + "\n"


def _confirm(question: str, default: bool) -> bool:
    """One yes/no prompt, run like plain mode's prompts (quiet loop errors; Ctrl-C raises PromptStopped)."""
    import questionary

    from facilitator.plain import ask

    return bool(ask(questionary.confirm(question, default=default, qmark="")))


def _review(session: Session, rows: Sequence[ChecklistEntry], save: Callable[[Session], object], out: TextIO) -> int:
    """Ask about each row in turn, saving after every change; returns how many answers changed a tick."""
    changed = 0
    for i, row in enumerate(rows, 1):
        out.write("\n" + _wrap(f"[{i}/{len(rows)}] {row.text}", 0, 2) + "\n")
        if row.evidence:
            out.write(_wrap(f"Evidence: {row.evidence}", 2, 12) + "\n")
        out.flush()
        ticked = bool(session.redaction_checklist.get(row.id))
        answer = _confirm(" Tick it?" if not ticked else " Keep it ticked?", default=ticked)
        if answer != ticked:
            session.redaction_checklist[row.id] = answer
            save(session)
            changed += 1
    return changed


def checklist_command(
    settings: Settings,
    session_name: str,
    tick: Sequence[str] = (),
    untick: Sequence[str] = (),
    as_json: bool = False,
    interactive: bool | None = None,
    out: TextIO | None = None,
    override: str | None = None,
) -> int:
    """``facilitator checklist SESSION [--tick ID ...] [--untick ID ...] [--json] [--external-override REASON]``."""
    from facilitator.render import load_session_and_transcript
    from facilitator.sessions import SessionStore

    out = out or sys.stdout
    store = SessionStore()
    session, transcript = load_session_and_transcript(settings, session_name)
    items = load_checklist()
    to_tick, to_untick = resolve_refs(tick, items), resolve_refs(untick, items)
    if override is not None:
        session.external_override = override.strip()
        store.save(session)
        out.write(f"Saved: {'the external version may leave despite its gate because: ' + session.external_override if session.external_override else 'no override: the gate applies in full'}.\n")
        if not (to_tick or to_untick):
            return 0
    both = sorted(set(to_tick) & set(to_untick))
    if both:
        raise UserError(f"'{both[0]}' is both ticked and unticked in one command; give it only once.")
    if to_tick or to_untick:
        for item_id in to_tick:
            session.redaction_checklist[item_id] = True
        for item_id in to_untick:
            session.redaction_checklist[item_id] = False
        store.save(session)
        rows = entries(session, transcript, settings, with_evidence=False)
        if as_json:
            return _dump(session.name, rows, out)
        left = [r.id for r in rows if not r.ticked]
        changes = [f"ticked {', '.join(to_tick)}"] * bool(to_tick) + [f"unticked {', '.join(to_untick)}"] * bool(to_untick)
        tail = f"still unticked: {', '.join(left)}" if left else "every item is ticked"
        out.write(f"Saved: {'; '.join(changes)}. {len(rows) - len(left)} of {len(rows)} ticked; {tail}.\n")
        return 0
    rows = entries(session, transcript, settings)
    if as_json:
        return _dump(session.name, rows, out)
    if not (is_terminal() if interactive is None else interactive):
        out.write(format_checklist(session.name, rows))
        return 0
    done = sum(r.ticked for r in rows)
    out.write(_wrap(
        f"Redaction checklist for {session.name}: {done} of {len(rows)} ticked. Answer y or n for each item "
        "(Enter keeps its current state); every answer is saved, Ctrl-C stops.", 0, 0) + "\n")
    from facilitator.plain import STOPPED, PromptStopped  # the prompts' module, only when prompting

    try:
        changed = _review(session, rows, store.save, out)
    except PromptStopped:
        out.write("\nStopped; the answers given are saved.\n")
        return STOPPED
    left = len(unticked(session))
    verdict = "every item is ticked" if not left else f"{left} item(s) still unticked"
    out.write(f"\nSaved {changed} change(s); {verdict}.\n")
    return 0


def _dump(name: str, rows: Sequence[ChecklistEntry], out: TextIO) -> int:
    data = {"session": name, "ticked": sum(r.ticked for r in rows), "total": len(rows), "items": [asdict(r) for r in rows]}
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0


def review_before_publish(
    settings: Settings, session: Session, transcript: Transcript | None, save: Callable[[Session], object], out: TextIO
) -> Session:
    """Offer to review the unticked items on a terminal; returns the session with the ticks given (saved).

    Raises UserError when the user stops with Ctrl-C: the ticks given so far are saved, and
    the sentence names the command that finishes the review.
    """
    from facilitator.plain import PromptStopped

    open_ids = {item.id for item in unticked(session)}
    if not open_ids:
        return session
    out.write(f"The external version needs {len(open_ids)} more redaction checklist tick(s) before it is published.\n")
    out.flush()
    try:
        if not _confirm("Review them now?", default=True):
            return session
        rows = [r for r in entries(session, transcript, settings) if r.id in open_ids]
        _review(session, rows, save, out)
    except PromptStopped:
        left = len(unticked(session))
        raise UserError(
            f"Stopped the checklist review with {left} item(s) still unticked (the ticks given are saved); "
            f"finish it with `facilitator checklist {session.name}`, then publish again."
        ) from None
    out.write("\n")
    return session
