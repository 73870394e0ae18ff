"""Plain line mode (``facilitator interview --plain``) and the setup wizard (``facilitator init``).

Both use questionary, one prompt per line, for SSH sessions, screen readers and people who
prefer a prompt to a full-screen app. The interview drives the same engine as the Textual
app: a suggestion shows greyed out in the prompt, typing replaces it and an empty Enter
accepts it (recorded as "suggested" with its citations), "unknown" and "skip" are accepted
everywhere, every answer is saved the moment Enter is pressed, and Ctrl-C stops with
everything so far kept. A source that already has a saved session offers to resume it.

Every prompt is a free-text line (choices are listed in the question) rather than an arrow
menu: it reads well in a screen reader and accepts "unknown" like any other question.

With an LLM (``facilitator.assist``), the channel is read once after loading (findings
refined, suggestions for the open questions), each why is proposed by the model and streamed
to the terminal as it arrives with numbered candidate answers (type the number to take one),
and the narrative sections are drafted before the documents are written. The first failure
prints one line and the rest of the interview is offline; Ctrl-C during an LLM step skips it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import questionary
from prompt_toolkit.formatted_text import FormattedText
import tomlkit
from pydantic import ValidationError

from facilitator import assist
from facilitator.config import (
    DEFAULT_MODEL,
    DEFAULT_SLACK_API_URL,
    Settings,
    check_config_writable,
    check_timezone,
    config_path,
    read_config_document,
    write_config_document,
)
from facilitator.errors import ConfigError, UserError
from facilitator.interview.actions import ActionBook, count_advice
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain
from facilitator.session import SourceSpec
from facilitator.sessions import SessionStore

STOPPED = 130

log = logging.getLogger(__name__)


class PromptStopped(Exception):
    """The user pressed Ctrl-C, or input ended (answers so far are kept)."""


def _log_stray_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    log.debug("ignored while prompting: %s", context.get("message"), exc_info=context.get("exception"))


def _quiet_loop() -> None:
    """Log stray errors of the prompt's event loop instead of prompt_toolkit's handler.

    prompt_toolkit's own handler prints a traceback and waits for Enter, which would eat the
    next answer (a typed line or a pasted block) for something the user cannot act on, such
    as a network client of an earlier step closing late.
    """
    asyncio.get_running_loop().set_exception_handler(_log_stray_error)


def ask(question: Any) -> Any:
    """Run one questionary prompt; its answer, or PromptStopped on Ctrl-C or end of input."""
    try:
        answer = question.application.run(pre_run=_quiet_loop, set_exception_handler=False)
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or input ended (Ctrl-D, a here-doc ran out): answers kept
        raise PromptStopped from None
    if answer is None:
        raise PromptStopped
    return answer


def ask_suggested(message: str, suggestion: str = "", validate: Any = None) -> str:
    """A text prompt that shows ``suggestion`` greyed out instead of typing it in.

    Typing replaces the suggestion (a pre-filled default would be appended to:
    "14:0714:08"), and an empty Enter accepts it.
    """
    def check(text: str) -> bool | str:
        return validate(text if text.strip() else suggestion) if validate is not None else True

    extra: dict[str, Any] = {}
    if suggestion:
        extra["placeholder"] = FormattedText([("fg:ansibrightblack", suggestion.replace("\n", " ⏎ "))])
    answer = ask(questionary.text(message, validate=check, qmark="", **extra))
    return answer if answer.strip() else suggestion


def _out(text: str = "") -> None:
    print(text, flush=True)


def _suggested_label(s: Any) -> str:
    """'Suggested (note)' or, from the LLM, 'Suggested by the LLM (80% confident; note)'."""
    if getattr(s, "source", "offline") == "evidence":
        return f"Suggested from outside the channel ({s.note})"
    if getattr(s, "source", "offline") == "llm":
        detail = f"{round(s.confidence * 100)}% confident" + (f"; {s.note}" if s.note else "")
        return f"Suggested by the LLM ({detail})"
    return f"Suggested{' (' + s.note + ')' if s.note else ''}"


def _ask_question(interview: Interview, qid: str) -> None:
    q = interview.question(qid)
    done, total = interview.progress()
    _out()
    _out(f"[{interview.index + 1}/{total}] {interview.display_text(qid)}")
    if q.help:
        _out(f"  {q.help}")
    if q.type == "choice":
        _out(f"  Choices: {', '.join(q.choices)} (or 'other: ...').")
    if q.is_list:
        _out("  Several answers: separate them with ';'.")
    s = interview.suggestion(qid)
    default = ""
    if s is not None:
        default = interview.display_value(qid, s.value)
        _out(f"  {_suggested_label(s)}; press Enter to accept it, or type your own:")
        for line in interview.citation_lines(qid):
            _out(f"  {line}")
    picks = interview.alternatives(qid)[1:] if q.type == "datetime" else []
    for number, other in enumerate(picks, start=2):  # another candidate is one keystroke away
        cited = interview.cite(other.message_ids[0]) if other.message_ids else ""
        _out(f"  or type {number}: {interview.display_value(qid, other.value)} ({other.note}) {cited}".rstrip())
    existing = interview.get_answer(qid)
    if existing is not None and existing.status == "answered":
        default = interview.display_value(qid, existing.value)

    def picked(text: str) -> int | None:
        """The candidate number typed: "2" alone, or right after the pre-filled suggestion."""
        text = text.strip()
        if text[-1:].isdigit() and 2 <= int(text[-1]) <= len(picks) + 1 and text[:-1].strip() in ("", default.strip()):
            return int(text[-1])
        return None

    def check(text: str) -> bool | str:
        if picked(text) is not None:
            return True
        raw = text.replace(";", "\n") if q.type == "list" else text
        problem = interview.validate(qid, raw)
        return True if problem is None else problem

    text = ask_suggested("  >", default, check)
    if picked(text) is not None:
        interview.accept_alternative(qid, picked(text) - 1)
    elif s is not None and text.strip() == interview.display_value(qid, s.value).strip() and (existing is None or existing.status != "answered"):
        interview.accept_suggestion(qid)
    else:
        interview.answer(qid, text.replace(";", "\n") if q.type == "list" else text)


def _questions(interview: Interview) -> None:
    start = interview.index
    order = [q.id for q in interview.questions[start:]] + [q.id for q in interview.questions[:start]]
    for qid in order:
        if interview.is_done(qid):
            continue
        interview.goto(qid)
        _ask_question(interview, qid)
    _out()
    for warning in interview.order_warnings():
        _out(f"Warning: {warning}")
    m = interview.metrics().human()
    _out(
        f"Time to detect {m['time_to_detect']}, to mitigate {m['time_to_mitigate']}, "
        f"to resolve {m['time_to_resolve']}; time in {m['time_in']}."
    )


def _stream(delta: str) -> None:
    sys.stdout.write(delta)
    sys.stdout.flush()


def _llm_step(run: assist.LLMRun | None, step: str, *args: Any) -> Any:
    """Run one LLM step (None without an LLM); Ctrl-C skips the step, not the interview."""
    if run is None or not run.active:
        return None
    try:
        return getattr(run, step)(*args)
    except KeyboardInterrupt:
        _out()
        _out("  (LLM step skipped)")
        return None


def _propose(interview: Interview, chain: WhyChain, turn: Any, run: assist.LLMRun | None) -> Any:
    """Stream the LLM's proposal for ``turn``; nothing of it enters the chain until the user accepts it."""
    if run is None or not run.active:
        return None
    _out()
    outcome = _llm_step(run, "why", _stream)
    _out()
    if outcome is None or outcome.source != "llm":
        return None
    proposal = outcome.value
    if proposal.notice:
        _out(f"  Note: {proposal.notice}")
    if proposal.unactionable:
        _out(f"  The facilitator thinks further whys are unactionable: {proposal.reason} Type 'stop' to finish.")
    if proposal.question and proposal.question != turn.question:
        _out("  Type 'q' to ask the facilitator's question instead.")
    for i, cand in enumerate(proposal.candidates, 1):
        where = cand.label or "; ".join(interview.cite(mid) for mid in cand.message_ids[:2])
        _out(f"  {i}: {where}{' (' + cand.level + ')' if cand.level else ''}")
    if proposal.candidates:
        _out("  Type a number to take that candidate answer (and the facilitator's question), or write your own.")
    for branch in proposal.branches:
        _out(f"  Possible contributing factor ({branch.layer}): {branch.factor}  (type 'branch: ...' to add it)")
    if proposal.action is not None:
        _out(f"  Suggested action ({proposal.action.category}): {proposal.action.action}  (type 'action' to add it)")
    return proposal


def _whys(interview: Interview, run: assist.LLMRun | None = None) -> None:
    chain = WhyChain(interview.session, interview.store)
    if interview.session.whys_done:
        return
    _out()
    _out("5 whys: answer each why; type 'stop' when further whys are unactionable,")
    _out("or 'branch: <factor>' to record a contributing factor.")
    turn = chain.start()
    proposed_for, proposal = "", None
    while True:
        if turn.id != proposed_for:  # one proposal per turn, not again after a branch or a retry
            proposal, proposed_for = _propose(interview, chain, turn, run), turn.id
            turn = chain.get(turn.id)
        candidates = list(proposal.candidates) if proposal is not None else []
        hint = chain.stop_hint()
        if hint:
            _out(f"  ({hint})")
        text = ask(questionary.text(f"  {turn.question}", qmark=""))
        stripped = text.strip()
        if stripped.casefold() == "q" and proposal is not None and proposal.question:
            turn = chain.edit(turn.id, question=proposal.question)  # the user accepted the facilitator's question
            continue
        if stripped.casefold() == "action" and proposal is not None and proposal.action is not None:
            answered = [t for t in chain.main_chain() if t.answer]  # the last why is what the action addresses
            item = assist.accept_why_action(interview, proposal.action, answered[-1] if answered else turn)
            _out(f"  Added action item {item.id}: {item.action}")
            proposal.action = None
            continue
        if stripped.casefold() in ("stop", "") and any(t.answer for t in chain.main_chain()):
            result = chain.stop()
            if result.root_cause is not None:
                _out(f"Root cause: {result.root_cause.answer}")
            return
        if not stripped:
            _out("  The first why needs an answer (or 'stop' once one is answered).")
            continue
        if stripped.casefold().startswith("branch:"):
            parent = chain.main_chain()[-2] if len(chain.main_chain()) > 1 else turn
            factor = chain.branch(parent.id, answer=stripped.split(":", 1)[1])
            _ask_category(chain, factor.id, factor.answer, run)
            continue
        if stripped.isdigit() and 1 <= int(stripped) <= len(candidates):
            picked = candidates[int(stripped) - 1]
            if proposal is not None and proposal.question and proposal.question != turn.question:
                chain.edit(turn.id, question=proposal.question)  # the candidate answers the facilitator's question
            nxt = chain.answer(turn.id, picked.text, message_ids=picked.message_ids)
            if picked.level:
                chain.edit(turn.id, level=picked.level)
        else:
            nxt = chain.answer(turn.id, stripped)
        if nxt is None:
            return
        turn = nxt


def _ask_category(chain: WhyChain, turn_id: str, factor: str, run: assist.LLMRun | None = None) -> None:
    """Which kind of factor this is (for the cause diagram); Enter takes the suggestion
    (the LLM's when one is active, else the keywords')."""
    from facilitator.pictures.categories import load_categories, suggest_category

    suggested = suggest_category(factor)
    if run is not None and run.active:
        from facilitator.llm import run_sync
        from facilitator.pictures.llm_category import category_or_offline

        outcome = run_sync(category_or_offline(run.llm, chain.session, run.transcript, factor), run.llm)
        suggested = outcome.value
        if outcome.notice:
            _out(f"    ({outcome.notice})")
    names = ", ".join(c.name for c in load_categories())
    while True:
        raw = ask(questionary.text(f"    Category ({names}) [{suggested.name}]:", qmark=""))
        try:
            chain.edit(turn_id, category=raw.strip() or suggested.id)
            return
        except UserError as exc:
            _out(f"    {exc}")


def _ask_owner_due(book: ActionBook, action_id: str) -> None:
    owner = ask(questionary.text("    Owner (person or team):", qmark=""))
    while True:
        due = ask(questionary.text("    Due date (YYYY-MM-DD, blank if not known yet):", qmark=""))
        try:
            book.edit(action_id, owner=owner.strip(), due=due)
            return
        except UserError as exc:
            _out(f"    {exc}")


def _actions(interview: Interview) -> None:
    book = ActionBook(interview.session, interview.store)
    suggestions = book.suggestions()
    _out()
    _out("Action items. Aim for 3 to 5 strong ones: start with a verb, be specific, have an owner and a date.")
    for s in suggestions:
        _out(f"  Suggested from the channel: {s.action}")
        for mid in s.message_ids[:1]:
            _out(f"  {interview.cite(mid)}")
        reply = ask_suggested("  Keep it? yes / no / 'reject: reason' / your rewrite:", "yes")
        low = reply.strip().casefold()
        if low in ("no", "n", ""):
            continue
        if low.startswith("reject"):
            reason = reply.split(":", 1)[1].strip() if ":" in reply else "not worth doing"
            book.reject(s.action, reason or "not worth doing")
            continue
        item = book.accept(s) if low in ("yes", "y") else book.accept(s, action=reply.strip())
        _ask_owner_due(book, item.id)
    while True:
        advice = count_advice(len(interview.session.actions))
        if advice:
            _out(f"  {advice}")
        text = ask(questionary.text("  Another action item (blank to finish):", qmark="")).strip()
        if not text:
            break
        item = book.add(text)
        _ask_owner_due(book, item.id)


def run_plain_interview(
    settings: Settings, spec: SourceSpec | None, session_name: str | None, store: SessionStore | None = None
) -> int:
    """The interview as line-by-line prompts; writes the documents into the session folder."""
    from facilitator.draft import open_or_start, write_documents

    store = store or SessionStore()
    if spec is not None and not session_name:
        try:
            session_name = _resume_or_new(spec, store)
        except PromptStopped:
            return STOPPED
    session, transcript = open_or_start(settings, spec, session_name, store)
    interview = Interview(session, transcript, store)
    folder = store.folder(session.name)
    _out(f"Session {session.name} ({folder}).")
    _out("Every answer is saved as you press Enter. 'unknown' and 'skip' are fine answers; Ctrl-C stops.")
    run = _llm_run(settings, interview, transcript)
    if run is not None:
        _out("Reading the channel with the LLM (Ctrl-C skips)...")
        _llm_step(run, "refine")
        _llm_step(run, "suggest")
    try:
        _questions(interview)
        _whys(interview, run)
        _actions(interview)
    except PromptStopped:
        _out(f"Stopped. Your answers are saved; resume with: facilitator interview --plain --session {session.name}")
        _usage(run)
        return STOPPED
    if run is not None and run.active:
        _out("Drafting the summary and narrative sections with the LLM...")
        _llm_step(run, "draft")
    lints = interview.run_lints()
    for finding in lints:
        _out(f"Lint ({finding.where}): {finding.problem} {finding.suggestion}")
    for path in write_documents(interview, folder, settings):
        _out(f"Wrote {path}")
    _usage(run)
    return 0


def _resume_or_new(spec: SourceSpec, store: SessionStore) -> str | None:
    """The saved session of this source to resume, or None to start a new one (asked)."""
    from facilitator.resume import sessions_for

    found = sessions_for(spec, store)
    if not found:
        return None
    s = found[0]
    done, total = s.progress
    _out(f"This source already has a session: {s.title or s.name} ({done}/{total} answered, {s.name}).")
    if not sys.stdin.isatty():
        # answers piped in by a script: the first line is an answer, not this choice
        _out(f"Starting a new session; to resume that one: facilitator interview --plain --session {s.name}")
        return None
    reply = ask_suggested("Resume it? Enter resumes; type 'new' to start a new session:", "resume")
    return None if reply.strip().casefold() in ("new", "n", "no") else s.name


def _llm_run(settings: Settings, interview: Interview, transcript: Any) -> assist.LLMRun | None:
    """The LLM steps of this interview, or None without an LLM (no key, ``--no-llm``)."""
    from facilitator.llm import get_llm

    llm = get_llm(settings)
    if llm is None:
        return None
    return assist.LLMRun(llm, interview, transcript, lambda text: _out(f"Note: {text}"))


def _usage(run: assist.LLMRun | None) -> None:
    if run is not None and run.spent().calls:
        _out(assist.usage_line(run.spent()))


# --- init wizard --------------------------------------------------------------------------

_HEADER = (
    "facilitator configuration (written by `facilitator init`; edit freely, comments are kept).\n"
    "Environment variables win over this file: SLACK_TOKEN, CONFLUENCE_TOKEN, ANTHROPIC_API_KEY...\n"
    "Secrets may be left out of this file and set in the environment instead."
)
_COMMENTS = {
    ("", "timezone"): "IANA zone for display and for transcript times without a zone.",
    ("slack", ""): "Loading incident channels live from Slack.",
    ("slack", "token"): "Bot or user token (xoxb-/xoxp-) with channels:history, channels:read, users:read; env SLACK_TOKEN wins.",
    ("slack", "api_url"): "Web API base URL; change only for Enterprise Grid proxies.",
    ("confluence", ""): "Publishing post-mortems to Confluence.",
    ("confluence", "url"): "https://SITE.atlassian.net/wiki (Cloud) or the Data Center base URL.",
    ("confluence", "email"): "Cloud: the account email that owns the API token.",
    ("confluence", "token"): "Cloud API token or Data Center personal access token; env CONFLUENCE_TOKEN wins.",
    ("confluence", "space"): "Space key where post-mortems live, e.g. OPS.",
    ("confluence", "parent_page_id"): "Page under which the year pages (2026, 2027...) are kept.",
    ("llm", ""): "The optional Anthropic facilitator.",
    ("llm", "api_key"): "Anthropic API key; env ANTHROPIC_API_KEY wins.",
    ("llm", "model"): "Model for interview turns and drafting.",
}


def _existing(doc: tomlkit.TOMLDocument, section: str, key: str) -> str:
    container: Any = doc if not section else doc.get(section, {})
    value = container.get(key, "") if hasattr(container, "get") else ""
    return str(value.unwrap() if hasattr(value, "unwrap") else value)


def _set(doc: tomlkit.TOMLDocument, section: str, key: str, value: str) -> None:
    """Set a value in place (keeping comments); new keys and tables get their explanation."""
    if section:
        if section not in doc:
            table = tomlkit.table()
            table.add(tomlkit.comment(_COMMENTS.get((section, ""), "")))
            doc[section] = table
        container: Any = doc[section]
    else:
        container = doc
    if key in container:
        container[key] = value
        return
    item = tomlkit.item(value)
    comment = _COMMENTS.get((section, key))
    if comment:
        item.comment(comment)
    container[key] = item


def _validate_zone(text: str) -> bool | str:
    try:
        check_timezone(text.strip())
    except ConfigError as exc:
        return str(exc)
    return True


def _secret(label: str, has_existing: bool, prefix: str = "") -> str:
    keep = "Enter keeps the saved one" if has_existing else "Enter to leave it to the environment"

    def check(text: str) -> bool | str:
        if text and prefix and not text.startswith(prefix):
            return f"That does not look like a {label} (it starts with {prefix}); paste it again or press Enter."
        return True

    return ask(questionary.password(f"{label} ({keep}):", validate=check, qmark=""))


def run_init_wizard(path: str | Path | None = None) -> int:
    """Ask for the settings and write the config TOML (comments kept, mode 0600)."""
    target = Path(path).expanduser() if path else config_path()
    doc = read_config_document(target)
    check_config_writable(target)  # fail before the questions, not after them
    if not doc.body:
        for line in _HEADER.splitlines():
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.nl())
    _out(f"Writing {target}. Press Enter to keep the value shown; Ctrl-C leaves the file untouched.")
    try:
        tz = ask(questionary.text("Timezone (IANA name):", default=_existing(doc, "", "timezone") or "UTC", validate=_validate_zone, qmark=""))
        slack_token = _secret("Slack token", bool(_existing(doc, "slack", "token")), "xox")
        slack_url = ask(questionary.text("Slack API URL:", default=_existing(doc, "slack", "api_url") or DEFAULT_SLACK_API_URL, qmark=""))
        conf_url = ask(questionary.text("Confluence URL (blank to skip publishing):", default=_existing(doc, "confluence", "url"), qmark=""))
        conf: dict[str, str] = {}
        if conf_url.strip():
            conf["email"] = ask(questionary.text("Confluence account email (Cloud):", default=_existing(doc, "confluence", "email"), qmark=""))
            conf["token"] = _secret("Confluence API token", bool(_existing(doc, "confluence", "token")))
            conf["space"] = ask(questionary.text("Confluence space key:", default=_existing(doc, "confluence", "space"), qmark=""))
            conf["parent_page_id"] = ask(questionary.text("Parent page id for post-mortems:", default=_existing(doc, "confluence", "parent_page_id"), qmark=""))
        api_key = _secret("Anthropic API key", bool(_existing(doc, "llm", "api_key")), "sk-ant-")
        model = ask(questionary.text("Anthropic model:", default=_existing(doc, "llm", "model") or DEFAULT_MODEL, qmark=""))
    except PromptStopped:
        _out("Stopped; the config file was not changed.")
        return STOPPED
    _set(doc, "", "timezone", tz.strip())
    if slack_token:
        _set(doc, "slack", "token", slack_token.strip())
    if slack_url.strip() != DEFAULT_SLACK_API_URL or _existing(doc, "slack", "api_url"):
        _set(doc, "slack", "api_url", slack_url.strip())
    if conf_url.strip() or _existing(doc, "confluence", "url"):
        _set(doc, "confluence", "url", conf_url.strip())
        for key, value in conf.items():
            if key == "token" and not value:
                continue
            if value.strip() or _existing(doc, "confluence", key):
                _set(doc, "confluence", key, value.strip())
    if api_key:
        _set(doc, "llm", "api_key", api_key.strip())
    if model.strip() != DEFAULT_MODEL or _existing(doc, "llm", "model"):
        _set(doc, "llm", "model", model.strip())
    try:
        Settings.model_validate({k: v for k, v in doc.unwrap().items()})
    except ValidationError as exc:  # never write a file that would not load
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"The setting '{where}' is invalid ({first['msg']}); run init again.") from None
    write_config_document(doc, target)
    _out(f"Wrote {target} (readable only by you).")
    missing = [name for name, have in (("SLACK_TOKEN", slack_token or _existing(doc, "slack", "token")), ("ANTHROPIC_API_KEY", api_key or _existing(doc, "llm", "api_key"))) if not have]
    if missing:
        _out(f"Not stored: set {', '.join(missing)} in the environment when you need them.")
    return 0

