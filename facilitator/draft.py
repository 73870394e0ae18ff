"""``facilitator draft``: the whole interview without a person at the keyboard.

Given answers (``--answers FILE.toml``) win, suggestions from the findings fill the rest,
and everything else stays a visible TODO. The session is saved like an interactive one (so
``facilitator interview --session NAME`` can pick it up later), copies of ``session.toml``
and ``findings.json`` are written next to the documents, which come from ``facilitator.render``.

The answers file::

    [answers]                      # question id = value (lists for list/people questions)
    customer_effect = "Checkout failed for 12% of EU customers for 38 minutes."
    started_at = "2024-12-03 13:48"
    happened_before = "unknown"    # "unknown" and "skip" are valid answers
    luck = ["The deploy freeze started the next day", "Support noticed within minutes"]

    whys = ["the gateway timed out", "the timeout config was removed"]   # the main chain
    contributing = ["no alert on gateway latency"]                         # branches from the first why

    # or, to word the questions yourself (an item without an answer stays the open why):
    # [[whys]]
    # question = "Why did checkout fail?"
    # answer = "The gateway timed out."
    # message_ids = ["1733237130.009100"]   # optional citations

    [[actions]]                    # fields of an action item
    action = "Add an alert on gateway p99 latency above 2 s for 5 minutes"
    owner = "payments team"
    due = 2025-01-15

    [[rejected]]
    action = "Freeze all deploys on Fridays"
    reason = "Hides the problem; the canary is the fix."

Question ids may also sit at the top level instead of under ``[answers]``.

Without ``whys`` in the file and with no chain in the session, ``draft`` seeds one offline
(``seed_whys``): the first why about the symptom, answered from the suggested root cause and
its citations, the second from the same message when it goes on to explain the cause, and the
next why left open as a TODO; nothing beyond the evidence is invented.

With an LLM (a key, and no ``--no-llm``) the same run gets better, through
``facilitator.assist``: the findings are refined once after loading (merged over the offline
ones), LLM suggestions join the engine's for the questions the answers file leaves open, and
the narrative sections are drafted into ``session.drafts`` (never over a user's text) before
the documents are rendered. The first LLM failure prints one line on stderr and the rest of
the run is offline; the token usage and estimated cost are printed at the end.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any, TextIO

from facilitator import assist
from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.interview.actions import ActionBook, link_channel_tickets
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain, further_why
from facilitator.session import Session, SourceSpec
from facilitator.session_start import open_session, start_session
from facilitator.sessions import FINDINGS_FILE, SESSION_FILE, SessionStore
from facilitator.render import write_markdown_files
from facilitator.transcript import Transcript

_RESERVED = {"answers", "whys", "contributing", "actions", "rejected"}


def read_answers_file(path: str | Path) -> dict[str, Any]:
    """The answers TOML as a dict; UserError with one sentence when missing or invalid."""
    p = Path(path).expanduser()
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"The answers file {p} does not exist; check the --answers path.") from None
    except UnicodeDecodeError:
        raise UserError(f"The answers file {p} is not UTF-8 text; save it as UTF-8 and try again.") from None
    except OSError as exc:
        raise UserError(f"The answers file {p} cannot be read ({exc.strerror or exc.__class__.__name__}); check the path and its permissions.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"The answers file {p} is not valid TOML ({exc}); fix the line it names.") from None


def apply_answers(interview: Interview, data: dict[str, Any], origin: str = "answers file") -> list[str]:
    """Apply an answers document to the interview (answers, whys, actions, rejected); returns the answered ids."""
    if not isinstance(data.get("answers", {}), dict):
        raise UserError(f"In the {origin}, 'answers' must be a table: an [answers] line, then one question id = value per line.")
    answers: dict[str, Any] = dict(data.get("answers", {}))
    answers.update({k: v for k, v in data.items() if k not in _RESERVED})
    # `whys = [...]` written below `[answers]` lands inside that table in TOML; accept it there too.
    data = {**data, **{k: answers.pop(k) for k in list(answers) if k in _RESERVED}}
    data = _checked_shape(data, origin)  # before anything is applied, so a bad file changes nothing
    known = {q.id for q in interview.questions}
    unknown = [qid for qid in answers if qid not in known]
    if unknown:
        raise UserError(f"The {origin} names an unknown question '{unknown[0]}'; the ids are listed in prompts/questions.toml.")
    # Actions first: owner lines among the answers then merge into them (one list, no duplicates).
    session = interview.session
    book = ActionBook(session, interview.store)
    given_actions = data.get("actions", [])
    if given_actions:
        session.actions.clear()
    for n, item in enumerate(given_actions, 1):
        fields = dict(item)
        action = str(fields.pop("action", ""))
        if "due" in fields:
            fields["due"] = str(fields["due"])
        try:
            book.add(action, **fields)
        except UserError as exc:
            raise UserError(f"In the {origin}, action {n}: {exc}") from None
    done = []
    for qid, value in answers.items():
        if not isinstance(value, (str, list)):
            value = str(value)  # TOML dates and numbers: let the type's parser read them
        try:
            interview.answer(qid, [str(v) for v in value] if isinstance(value, list) else value)
        except UserError as exc:  # AnswerError, or an owner line's due date that is not a date
            raise UserError(f"The {origin} answer to '{qid}' does not fit: {exc}") from None
        done.append(qid)
    chain = WhyChain(session, interview.store)
    whys = [w if isinstance(w, dict) else {"answer": str(w)} for w in data.get("whys", [])]
    whys = [w for w in whys if str(w.get("answer", "")).strip() or str(w.get("question", "")).strip()]
    if whys:
        _apply_whys(chain, whys, [str(t) for t in data.get("contributing", [])])
    for n, item in enumerate(data.get("rejected", []), 1):
        try:
            book.reject(str(item.get("action", "")), str(item.get("reason", "")))
        except UserError as exc:
            raise UserError(f"In the {origin}, rejected idea {n}: {exc}") from None
    return done


def _apply_whys(chain: WhyChain, whys: list[dict[str, Any]], contributing: list[str]) -> None:
    """Replace the why chain: each item an answer, optionally with its own question; an item
    with a question and no answer is left open (the chain is then not stopped)."""
    session = chain.session
    session.whys.clear()
    session.whys_done = False
    turn = chain.start()
    open_end = False
    for i, item in enumerate(whys):
        question, answer = str(item.get("question", "")).strip(), str(item.get("answer", "")).strip()
        if question:
            chain.edit(turn.id, question=question)
        if not answer:
            open_end = True
            break
        ids = [str(m) for m in item.get("message_ids", [])] if isinstance(item.get("message_ids"), list) else None
        nxt = chain.answer(turn.id, answer, message_ids=ids, then_ask=i + 1 < len(whys))
        if nxt is not None:
            turn = nxt
    answered = [t for t in chain.main_chain() if t.answer]
    if answered:
        for text in contributing:
            chain.branch(answered[0].id, answer=text)
    if not open_end:
        chain.stop()


def seed_whys(interview: Interview) -> bool:
    """With no why chain yet, start one offline: the symptom, its first why answered from the
    suggested cause (with its citations), the second from the rest of the same message when it
    explains the cause further, and the next why left open. Never invents an answer."""
    session = interview.session
    if session.whys or session.whys_done:
        return False
    cause = session.answers.get("actual_cause")
    chain = WhyChain(session, interview.store)
    if cause is None or cause.status not in ("answered", "suggested") or not isinstance(cause.value, str) or not cause.value.strip():
        return False
    if not chain.symptom():
        return False
    turn = chain.start()
    nxt = chain.answer(turn.id, cause.value, message_ids=list(cause.message_ids), then_ask=True)
    # the next why, when the message that states the cause goes on to explain it ("..., which the new loader ignores")
    messages = interview.transcript.messages if interview.transcript is not None and cause.message_ids else []
    said = next((m.text for m in messages if m.id == cause.message_ids[0]), "")
    deeper = further_why(cause.value, said) if said else ""
    if nxt is not None and deeper:
        chain.answer(nxt.id, deeper, message_ids=list(cause.message_ids[:1]), then_ask=True)
    return True


def _checked_shape(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """The reserved keys with the shapes apply_answers needs (a lone string becomes a list), or a UserError."""
    data = dict(data)
    for key in ("whys", "contributing"):
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
        elif key in data and not isinstance(data[key], list):
            raise UserError(f"In the {origin}, '{key}' must be a list of sentences, like {key} = [\"...\", \"...\"].")
    whys = data.get("whys", [])
    if any(isinstance(w, dict) for w in whys) and not all(isinstance(w, dict) for w in whys):
        raise UserError(f"In the {origin}, 'whys' must be either a list of sentences or [[whys]] tables with question and answer, not both.")
    for n, item in enumerate(w for w in whys if isinstance(w, dict)):
        unknown = sorted(set(item) - {"question", "answer", "message_ids"})
        if unknown:
            raise UserError(f"In the {origin}, why {n + 1} has an unknown field '{unknown[0]}'; a [[whys]] table takes question, answer and message_ids.")
    for key in ("actions", "rejected"):
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise UserError(f"In the {origin}, '{key}' must be tables: a [[{key}]] line, then one field = value per line.")
    return data


def fill_rest(interview: Interview) -> None:
    """Suggestions for unanswered questions and, when none were given, the suggested action items."""
    book = ActionBook(interview.session, interview.store, interview.transcript.messages if interview.transcript else None)
    if not interview.session.actions:
        for suggestion in book.suggestions():
            if suggestion.strong:  # chatter like "follow-up for me" stays a suggestion in the app
                book.accept(suggestion)
    if interview.transcript is not None:
        link_channel_tickets(interview.session.actions, interview.transcript.messages)
    interview.refresh_suggestions()
    interview.fill_suggestions()  # the owners' lines now come from that one action list
    seed_whys(interview)
    interview.refresh_suggestions()


def write_documents(
    interview: Interview, out_dir: Path, settings: Settings, template: str | None = None, err: TextIO | None = None
) -> list[Path]:
    """internal.md and external.md through facilitator.render; returns the paths written."""
    return _write(interview, out_dir, settings, template, err)[0]


def _write(
    interview: Interview, out_dir: Path, settings: Settings, template: str | None = None, err: TextIO | None = None
) -> tuple[list[Path], str]:
    """``write_documents``, also returning why external.md was not written (a ``render.Refusal``)."""
    written, refused = write_markdown_files(interview.session, interview.transcript, settings, out_dir, template)
    if refused:
        # The external version refuses to render while something sensitive would leak or a
        # customer question is open: keep the internal document and say why the external one is missing.
        (err or sys.stderr).write(f"facilitator: external.md not written: {refused}\n")
    return written, refused


def open_or_start(
    settings: Settings, spec: SourceSpec | None, session_name: str | None, store: SessionStore
) -> tuple[Session, Transcript]:
    """Resume ``session_name`` when it exists, else start a session from ``spec``."""
    if session_name and store.exists(session_name):
        return open_session(session_name, store, settings)
    if spec is None:
        if session_name:
            raise UserError(f"There is no session named '{session_name}', and no source was given to start it; add --demo, --transcript FILE, --slack-export PATH or --slack-channel NAME.")
        raise UserError("Name a source (--demo, --transcript FILE, --slack-export PATH --channel NAME, --slack-channel NAME) or an existing --session NAME.")
    return start_session(spec, settings, store, name=session_name)


def run_draft(
    settings: Settings,
    spec: SourceSpec | None,
    *,
    out: str | Path,
    answers: str | Path | None = None,
    session_name: str | None = None,
    template: str | None = None,
    store: SessionStore | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    external_override: str | None = None,
) -> int:
    """Run the interview non-interactively and write the session and documents into ``out``."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    store = store or SessionStore()
    data = read_answers_file(answers) if answers else {}
    session, transcript = open_or_start(settings, spec, session_name, store)
    interview = Interview(session, transcript, store)
    from facilitator.llm import get_llm

    def notice(text: str) -> None:
        stderr.write(f"facilitator: {text}\n")
        stderr.flush()

    helper = assist.LLMRun(get_llm(settings), interview, transcript, notice)
    if helper.active:
        helper.refine()
    apply_answers(interview, data, origin=f"answers file {answers}" if answers else "answers file")
    if helper.active:
        helper.suggest()
    fill_rest(interview)
    if helper.active:
        helper.draft()
    if external_override is not None:
        session.external_override = external_override.strip()  # recorded: publish honours it too
    interview.run_lints()
    out_dir = Path(out).expanduser()
    try:
        written, refused = _write(interview, out_dir, settings, template, err=stderr)
        copy = out_dir / SESSION_FILE
        shutil.copyfile(store.path(session.name), copy)
        findings_copy = out_dir / FINDINGS_FILE
        shutil.copyfile(store.folder(session.name) / FINDINGS_FILE, findings_copy)
    except OSError as exc:
        raise UserError(f"Could not write into {out_dir} ({exc.strerror or exc}); choose another --out folder.") from None
    done, total = interview.progress()
    todos = interview.todos()
    stdout.write(f"Session {session.name}: {done}/{total} questions answered or suggested, {len(todos)} TODO.\n")
    for warning in interview.order_warnings():
        stdout.write(f"warning: {warning}\n")
    evidence = session.evidence
    if evidence.rows or evidence.notes:
        stdout.write(f"Evidence: {len(evidence.rows)} timeline row(s) from outside the channel"
                     f"{f', {evidence.duplicates} already posted by a bot left out' if evidence.duplicates else ''}.\n")
        for note in evidence.notes:
            stdout.write(f"warning: {note}\n")
    for path in [store.path(session.name), copy, findings_copy, *written]:
        stdout.write(f"{path}\n")
    if helper.spent().calls:
        stdout.write(assist.usage_line(helper.spent()) + "\n")
    # Exit 1 when the external version is withheld for what it would leak (or its blameful or
    # vague items); a draft whose customer questions are merely unanswered is unfinished, not failed.
    names = {p.name for p in written}
    external_blocked = "internal.md" in names and "external.md" not in names
    return 1 if external_blocked and not getattr(refused, "unfinished_only", False) else 0

