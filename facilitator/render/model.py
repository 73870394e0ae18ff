"""The document model: everything a post-mortem template needs, computed once from a session.

Templates (data in ``prompts/templates``) should only arrange and word things; every decision
is made here: which answer wins over which finding, how times are shown (always in the
configured zone, zone named), how a claim cites its evidence (Slack permalink when the
message has one, otherwise ``(msg L12, 14:02)``), and what is still unknown. Anything unknown
renders as ``[TODO] <the interview's question>`` in place and is also collected in
``Document.todo_items`` for the top of the document (with where it is answered), so a reader
sees at once what the post-mortem still lacks; that list is the only TODO list (the interview,
Preview, export dialog and CLI count it). Where each answer lands is declared in ``contract.py``.

Precedence, everywhere: what the user answered wins; an answer marked unknown or skipped is a
TODO even where the channel had something; an assistant draft (``session.drafts``, written by
the LLM layer) only fills a section the user left empty and is listed in ``Document.drafted``
so templates mark it; findings come last. The external version's pieces come only from the
customer-facing answers (``customer_*``) and the key times. The root cause is the last
answer of the 5 whys once the chain is stopped (the ``actual_cause`` answer then shows as the
trigger); before that the user's cause answer wins. Chat noise (Slack emoji codes, machine
message ids, repeated links) is kept out of the reader's way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta


from facilitator.config import Settings
from facilitator.durations import DURATIONS
from facilitator.durations import spans as duration_spans
from facilitator.render.builder import TODO, ActionRow, Builder, TimelineRow, WhyRow
from facilitator.render.contract import TodoItem
from facilitator.render.prose import (
    HARM, figures_in, narrative, same_hypothesis, scope_figures, summary_text, timeline_rows, words_in,
)
from facilitator.findings import ESTIMATE_CONFIDENCE, Fact, Findings, KeyTime
from facilitator.interview.whys import WhyChain
from facilitator.interview.wording import as_sentence, as_statement, drop_lead_ins
from facilitator.render.text import dedupe, display, format_duration, link_label, sentence, support_lines
from facilitator.session import Session
from facilitator.transcript import Transcript

# Timeline kinds that are "major events" for the classic template.
MAJOR_KINDS = frozenset(
    {"fault_introduced", "detected", "alert", "incident_created", "escalation", "root_cause", "rollback",
     "mitigated", "recovery", "fix_deployed", "status_page", "customer_comms", "resolved", "closed"}
)
# Impact-hint kinds that describe who or how much was hit (pods and CPU figures are diagnosis, not scope).
EVIDENCE_LINK_KINDS = ("ticket", "pull_request", "commit", "dashboard", "alert", "runbook", "status_page", "docs", "image")
KEY_TIME_LABELS = {
    "started_at": "Fault introduced",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}


@dataclass
class Document:
    """A post-mortem ready for a template; every string is display text."""

    title: str
    incident_id: str
    date: str
    timezone: str
    severity: str
    customer_impact: str
    status: str
    next_review: str
    classification: str
    summary: str
    what_happened: str
    lessons: str
    detection_method: str
    services: str
    affected: str
    job_failures: str
    scope: str
    sla: str
    data_impact: str
    times: dict[str, str]
    metrics: dict[str, str]
    timeline: list[TimelineRow]
    unknowns_then: list[str]
    root_cause: str
    whys: list[WhyRow]
    contributing: list[WhyRow]
    fix: str
    went_well: list[str]
    went_badly: list[str]
    luck: list[str]
    fears: str
    happened_before: str
    actions: list[ActionRow]
    rejected: list[tuple[str, str]]
    evidence: list[tuple[str, str]]  # (label, url)
    support_requests: list[str]  # Markdown, links where known
    responders: list[tuple[str, str]]  # (name, role)
    messaging: list[str]
    runbooks: str
    external_summary: str = ""
    todos: list[str] = field(default_factory=list)  # the TODO texts, in the order found
    todo_items: list[TodoItem] = field(default_factory=list)  # the same, with where each is fixed
    impact_start: str = ""  # the key time the durations count from (facilitator.durations)
    impact_began: str = ""  # when customers began to be affected, when the channel states it apart from the fault
    impact_began_cite: str = ""
    durations: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value or "unknown", definition)
    customer_explanation: str = ""  # what happened, in customer terms (external version)
    customer_changes: list[str] = field(default_factory=list)  # what we are changing, in customer terms
    scope_lines: list[str] = field(default_factory=list)  # impact figures, one sentence each
    # "2024-12-03 13:52 to 15:00 UTC": impact start to mitigation, for customers; an estimated end
    # is said "around 13:52", and the window is empty when both ends are estimates
    customer_window: str = ""
    estimated_times: set[str] = field(default_factory=set)  # key-time labels whose value is the extractor's estimate
    external_override: str = ""  # the recorded reason the external version was released despite its gate
    external_title: str = ""  # the title when it is fit for customers, else a plain one
    external_impact: str = ""  # what customers saw, when fit to tell them; else a TODO asking for it
    external: str = ""  # the redacted external body, embedded in the internal document
    external_actions: list[str] = field(default_factory=list)  # what we are changing, said to customers
    immediate_cause: str = ""  # the trigger (actual_cause answer) when the whys reached deeper
    drafted: set[str] = field(default_factory=set)  # sections whose text is an assistant draft
    claims: dict[str, str] = field(default_factory=dict)  # evidence for key claims: root_cause, fix...
    time_evidence: dict[str, str] = field(default_factory=dict)  # evidence per key-time label
    backlog: list[str] = field(default_factory=list)  # open tickets about this that predate the incident (Markdown)
    exec_summary: str = ""  # three sentences for leadership: customers, how long, what we are doing
    pictures: dict[str, str] = field(default_factory=dict)  # "timeline"/"causes" -> SVG file beside the document
    cause_table: list[tuple[str, str, str]] = field(default_factory=list)  # (category, factor, evidence), cause diagram order

    def draft_note(self, section: str) -> str:
        """A visible note under a section that an assistant drafted ('' for the user's own text)."""
        if section not in self.drafted:
            return ""
        return "_Drafted by the assistant from the channel; check it and edit it before publishing._"


# The incident's key as the channel writes it: "declared an incident: INC-2291", "Incident #6".
_INCIDENT_KEY_RE = re.compile(r"\b(?:INC|Inc|inc)[-_ ]?#?(\d{2,})\b|\b[Ii]ncident #(\d+)\b")


def _incident_id(session: Session, transcript: Transcript | None = None) -> str:
    """The incident's key: from the channel's name, else the first one a message gives, else the session's name."""
    for text in (session.source.channel, session.source.ref, session.name):
        m = re.search(r"\binc[-_ ]?(\d+)", text or "", re.I)
        if m:
            return f"INC-{m.group(1)}"
    for message in (transcript.messages[:500] if transcript is not None else []):
        m = _INCIDENT_KEY_RE.search(message.text or "")
        if m:
            return f"INC-{m.group(1)}" if m.group(1) else f"Incident #{m.group(2)}"
    return session.name


def _bullets(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]


def _said(facts: list[Fact]) -> list[str]:
    """What the channel said, one statement per line, for a section nobody has answered
    ("nothing paged me??" reads "Nothing paged me.")."""
    lines = (as_statement(fact.text) for fact in facts if fact.text.strip())
    return list(dict.fromkeys(line for line in lines if line))


def _customer_message_ids(f: Findings) -> set[str]:
    """Messages that speak to customers (status page, macros, ticket replies): never a cause."""
    ids = {mid for m in f.messaging for mid in m.message_ids}
    ids.update(mid for t in f.support_tickets for mid in t.message_ids)
    return ids


def _not_customer_words(text: str, ids: list[str], customer_ids: set[str]) -> bool:
    return not (ids and set(ids) <= customer_ids) and not text.lstrip().startswith((">", "&gt;"))


def _estimate_note(name: str, estimate: KeyTime) -> str:
    if name == "started_at":  # the first notice stands in for a start nobody stated
        notice = "the first alert" if "first alert" in estimate.reason else "the first report"
        return f"estimate: {notice}; nothing earlier in the channel"
    return estimate.reason if estimate.reason.startswith("estimate: ") else "estimate"


def build_document(session: Session, transcript: Transcript | None, settings: Settings) -> Document:
    """The document model for ``session`` (answers win over findings; gaps become TODOs)."""
    b = Builder(session, transcript, settings)
    f = session.findings
    customer_ids = _customer_message_ids(f)
    times = {name: (None if b.open(name) else b.key_time(name)) for name in KEY_TIME_LABELS}
    shown_times = {KEY_TIME_LABELS[name]: b.fmt(at) or b.ask(name) for name, at in times.items()}
    estimated: set[str] = set()  # key times that are the extractor's estimates, by question id
    for name in KEY_TIME_LABELS:
        estimate, answer = f.key_time(name), session.answers.get(name)
        if estimate is not None and estimate.confidence < ESTIMATE_CONFIDENCE and times[name] == estimate.at and (
            answer is None or answer.status == "suggested"
        ):
            # the extractor's estimate, not a time anyone stated: the reader should know
            shown_times[KEY_TIME_LABELS[name]] += f" ({_estimate_note(name, estimate)})"
            estimated.add(name)
    spans = duration_spans(times)
    durations = [(d.label, format_duration(spans[d.key]) or "unknown", d.definition) for d in DURATIONS]
    metrics = {label: value for label, value, _ in durations if value != "unknown"}
    title = b.answer("title") or session.title or (f.title.text if f.title else "") or session.name
    if b.open("title"):
        b.ask("title")
    severity = b.pick("severity", f.severity.text if f.severity else "")
    # Unanswered: the interview's own suggestion (composed from the impact figures), not the raw
    # first symptom line, which is often an alert. Imported here: suggest -> wording -> render.text.
    from facilitator.interview.customer import customer_changes as safe_changes
    from facilitator.interview.customer import customer_story
    from facilitator.interview.suggest import FIRST_SYMPTOM_NOTE, suggest_by_id

    effect = suggest_by_id("customer_effect", f, transcript, session.timezone or settings.timezone)
    effect_fact = Fact(text=str(effect.value), message_ids=effect.message_ids) if effect else f.customer_effect
    customer_impact = b.pick("customer_effect", effect_fact.text if effect_fact else "")
    whys = WhyChain(session)
    chain = whys.main_chain()
    chain_root = whys.result().root_cause
    cause_answer = b.answer("actual_cause")
    root_text = chain_root.answer.strip() if chain_root is not None else ""
    causes = [c for c in f.causes if _not_customer_words(c.text, c.message_ids, customer_ids)]
    # The 5 whys end at the root cause once stopped; before that the user's cause answer wins.
    if root_text and (session.whys_done or not cause_answer):
        root_cause = root_text
        immediate_cause = cause_answer if cause_answer and cause_answer.casefold() != root_text.casefold() else ""
        if b.open("actual_cause"):
            immediate_cause = b.ask("actual_cause")  # the whys reached a root cause; the trigger is still unknown
    else:
        root_cause = b.ask("actual_cause") if b.open("actual_cause") else cause_answer or (causes[0].text if causes else "")
        immediate_cause = ""
    root_cause = root_cause or b.ask("actual_cause")
    responders = _responders(b)
    hypotheses = [h for h in f.hypotheses if _not_customer_words(h.text, h.message_ids, customer_ids)]
    # an idea tried and dropped, said as one: "Could this be a failover? (ruled out)"
    dropped = dedupe([drop_lead_ins(h.text) for h in hypotheses if h.status == "ruled_out"])
    first_hypothesis = b.pick("first_hypothesis", hypotheses[0].text if hypotheses else "")
    ideas = list(dropped)  # as the narrative tells them; the section marks each dropped idea
    if not any(same_hypothesis(first_hypothesis, u) for u in dropped):
        ideas.insert(0, first_hypothesis if first_hypothesis.startswith(TODO) else f"First hypothesis: {first_hypothesis}")
    unknowns = [u if u.startswith((TODO, "First hypothesis:")) else f"{as_sentence(u).removesuffix('.')} (ruled out)" for u in ideas]
    if not chain:
        b.todo("Ask 'why?' until the systemic cause is reached (five whys).", "tab:whys")
    contributing = [
        WhyRow(w.question, w.answer, b.cite(w.message_ids), whys.level_of(w))
        for branch in whys.branches() for w in branch if w.answer.strip()
    ]
    no_owner = sum(1 for a in session.actions if not a.owner.strip())
    no_due = sum(1 for a in session.actions if a.due is None)
    unassessed = sum(1 for a in session.actions if a.prevents_recurrence == "not assessed")
    if b.open("action_owners"):
        b.ask("action_owners")
    if no_owner or no_due or unassessed:
        missing = [f"without an owner: {no_owner}", f"without a due date: {no_due}"]
        if unassessed:
            missing.append(f"without 'prevents recurrence?': {unassessed}")
        b.todo(f"Action items {'; '.join(missing)}.", "tab:actions")
    actions = [
        ActionRow(
            id=a.id,
            action=a.action,
            owner=a.owner.strip() or TODO,
            due=a.due.isoformat() if a.due else TODO,
            prevents=TODO if a.prevents_recurrence == "not assessed" else a.prevents_recurrence,
            status=a.status,
            priority=a.priority,
            category=a.category,
            jira_key=a.jira_key or session.published.jira_keys.get(a.id, ""),
            github_issue=session.published.github_issues.get(a.id, ""),
        )
        for a in session.actions
    ]
    if not actions:
        b.todo("Agree action items with owners and due dates.", "tab:actions")
    open_due = sorted(a.due for a in session.actions if a.due and a.status != "done")
    drafted: set[str] = set()

    def draft(section: str, over_suggestion: bool = False) -> str:
        """An assistant draft for ``section``, noted as such; answers are looked up first by callers.
        ``over_suggestion``: the draft also stands in for an unconfirmed suggestion."""
        if b.open(section) or (b.confirmed(section) if over_suggestion else b.answer(section)):
            return ""
        text = session.drafts.get(section, "").strip()
        if text:
            drafted.add(section)
        return text

    def reflection(section: str, said: list[str]) -> list[str]:
        """What went well or badly, or luck: the user's answer; else the assistant's draft, which
        weighs the whole channel, over the lines quoted from it (the offline suggestion)."""
        text = draft(section, over_suggestion=True)
        return _bullets(text) if text else b.pick_list(section, said)

    # The user's answers win; a draft only fills a section the user has not written.
    went_well = reflection("went_well", _said(f.went_well))
    went_badly = reflection("went_badly", _said(f.went_badly))
    luck = reflection("luck", [fact.text for fact in f.luck])
    evidence: list[tuple[str, str]] = []
    seen_urls: set[str] = set()
    for link in f.links:
        key = link.url.split("?")[0].split("#")[0].rstrip("/")
        if link.kind in EVIDENCE_LINK_KINDS and key not in seen_urls:
            seen_urls.add(key)
            evidence.append((" ".join((link.label or "").split()), link.url))
    label_counts = Counter(label.casefold() for label, _ in evidence)
    evidence = [(link_label(label, url, label_counts[label.casefold()] > 1), url) for label, url in evidence]
    # A user's own answer replaces what was found; a suggestion (made from the findings) does not
    # repeat them: the findings carry the links and citations.
    support = b.answer_list("support_requests") if b.confirmed("support_requests") else []
    support = support or support_lines(f.support_tickets)
    support = b.pick_list("support_requests", support) if not support or b.open("support_requests") else support
    messaging = b.answer_list("messaging") if b.confirmed("messaging") else []
    messaging = messaging or [
        f"{b.fmt(m.at, with_date=b.local(m.at).date() != b._base_day())} {m.channel}: {display(m.summary)}{' ' + c if (c := b.cite(m.message_ids)) else ''}" for m in f.messaging
    ]
    messaging = b.pick_list("messaging", messaging) if not messaging or b.open("messaging") else messaging
    fix = b.pick("fix", f.fixes[0].text if f.fixes else "")
    # Extracted figures support an unconfirmed 'affected' suggestion; the commander's own answer replaces them.
    scope_lines = [] if b.confirmed("affected") else [sentence(line) for line in scope_figures(b, f.impact_hints)]
    said = customer_impact.casefold()
    # A figure the impact sentence already gives ("342 payment jobs") is not repeated as a fragment,
    # nor the report it was written from quoted again.
    scope_lines = [line for line in scope_lines if HARM.search(line) and not figures_in(line, said) and not words_in(line, said)]
    # what the data section tells ("Reconciliation done: 0 double charges") is not the scope again
    told_of_data = " ".join(fact.text.casefold() for fact in f.data_impact)
    scope_lines = [line for line in scope_lines if line.casefold().rstrip(". ") not in told_of_data]
    impact_start, mitigated = times["started_at"], times["mitigated_at"] or times["resolved_at"]
    told_from, told_ids = _affected_from(b, impact_start, mitigated)
    if b.status("impact_started_at") == "unknown":
        b.ask("impact_started_at")  # 'skip' says it was the fault's own time; 'unknown' is still to find out
    affected_from = told_from or impact_start
    affected_cite = b.cite(told_ids, limit=1) if told_ids else ""
    window = customer_window = ""
    if affected_from and mitigated and mitigated >= affected_from:
        same_day = b.local(affected_from).date() == b.local(mitigated).date()
        start_text, end_text = b.fmt(affected_from), b.fmt(mitigated, with_date=not same_day)
        window = f"{start_text} to {end_text} {b.tz.key}"
        # Customers are told an estimated end as "around ..."; when neither end was stated by
        # anyone, nothing (the internal version keeps the figures and says they are estimates).
        start_guess = "started_at" in estimated and told_from is None
        end_guess = ("mitigated_at" if times["mitigated_at"] else "resolved_at") in estimated
        if not (start_guess and end_guess):
            customer_window = f"{'around ' * start_guess}{start_text} to {'around ' * end_guess}{end_text} {b.tz.key}"
    # the key times as the narrative tells them: the hour, with the day when it differs, "around" an estimate
    began = times["detected_at"] or times["started_at"]
    base_day = b.local(began).date() if began else None

    def told(at: datetime) -> str:
        return b.fmt(at, with_date=b.local(at).date() != base_day)

    moments = {name: ("around " if name in estimated else "") + told(at) for name, at in times.items() if at is not None}
    if told_from is not None:
        moments["affected_from"] = told(told_from)
    # when the channel found the cause: the message the root cause cites (a why's answer or the channel's cause)
    said = [c.message_ids for c in causes if c.text.strip(" .").casefold() == root_cause.strip(" .").casefold()]
    cited = (chain_root.message_ids if chain_root is not None and root_cause == root_text else []) or (said[0] if said else [])
    cited_at = sorted(m.at for mid in cited if transcript is not None and (m := transcript.get(mid)) is not None)
    cause_at = told(cited_at[0]) if cited_at else ""
    detection = b.pick("detection_method", f.detection_method.text if f.detection_method else "")
    explanation_fallback = "" if fix.startswith(TODO) and root_cause.startswith(TODO) else customer_story(fix, root_cause)
    doc = Document(
        title=title,
        incident_id=_incident_id(session, transcript),
        date=(b.fmt(times["detected_at"] or times["started_at"]) or "")[:10] or session.created_at.date().isoformat(),
        timezone=str(b.tz.key),
        severity=severity,
        customer_impact=customer_impact,
        status="Published" if session.published.confluence_page_id else "Draft",
        next_review=open_due[0].isoformat() if open_due else "not set: no open action item has a due date yet",
        classification="Internal",
        summary=b.answer("summary") or draft("summary") or summary_text(b, customer_impact, root_cause, window, metrics)
        or "The summary is written from the customer impact once it is answered.",
        what_happened=b.pick("what_happened", draft("what_happened") or narrative(
            ideas, fix, when=moments, detection=detection, cause=root_cause, cause_at=cause_at,
            cause_after=bool(cited_at and times["mitigated_at"] and cited_at[0] > times["mitigated_at"]),
        )),
        lessons=b.pick("lessons", draft("lessons")),
        detection_method=detection,
        services=b.answer("services"),
        affected=_affected(b, customer_impact.casefold()),
        job_failures="; ".join(b.pick_list("job_failures", [h.text for h in f.impact_hints if h.kind == "failed_jobs"])),
        scope=" ".join(scope_lines),
        sla=b.answer("sla"),
        data_impact=b.pick("data_impact", str(getattr(suggest_by_id("data_impact", f, transcript), "value", "") or "")),
        times=shown_times,
        metrics=metrics,
        timeline=timeline_rows(b, times["detected_at"]),
        unknowns_then=unknowns,
        root_cause=root_cause,
        whys=[
            WhyRow(w.question, w.answer or b.todo_here(w.question, "tab:whys"), b.cite(w.message_ids), whys.level_of(w) if w.answer else "")
            for w in chain
        ],
        contributing=contributing,
        fix=fix,
        went_well=went_well,
        went_badly=went_badly,
        luck=luck,
        fears=b.pick("fears"),
        happened_before=_earlier_occurrence(b.pick("happened_before", "yes" if f.prior_incidents else ""), f),
        actions=actions,
        rejected=[(r.action, r.reason) for r in session.rejected_actions],
        evidence=evidence,
        support_requests=support,
        responders=responders,
        messaging=messaging,
        runbooks=b.pick("runbooks", "\n".join(r.text if r.text.startswith("missing: ") else f"used: {r.text}" for r in f.runbooks)),
        external_summary=b.answer("external"),
        immediate_cause=immediate_cause,
        external_actions=[],
        drafted=drafted,
        impact_start=b.fmt(impact_start) or shown_times[KEY_TIME_LABELS["started_at"]],
        impact_began=b.fmt(told_from) if told_from is not None else "",
        impact_began_cite=affected_cite,
        durations=durations,
        # An assistant's external draft stands in for the explanation only, never for the other answers.
        customer_explanation=(b.answer("customer_explanation") if b.confirmed("customer_explanation") else "")
        or draft("external") or b.pick("customer_explanation", explanation_fallback),
        customer_changes=b.pick_list("customer_changes", safe_changes(session.actions)),
        scope_lines=scope_lines,
        customer_window=customer_window,
        estimated_times={KEY_TIME_LABELS[name] for name in estimated},
    )
    doc.external_actions = [c for c in doc.customer_changes if not c.startswith(TODO)]
    doc.external_override = session.external_override.strip()
    from facilitator.interview.customer import customer_clauses, customer_safe

    doc.external_title = title if customer_safe(title) else "Service disruption"
    # A chat line someone typed while looking ("Hv-par2-17 down, IPMI doesn't answer") is the team's
    # view, not what customers saw: until a person answers, the customer version asks for it.
    from_chat_line = effect is not None and effect.note == FIRST_SYMPTOM_NOTE and b.status("customer_effect") != "answered"
    if from_chat_line:
        doc.external_impact = b.ask("customer_effect")
    elif b.status("customer_effect") == "answered":
        doc.external_impact = customer_impact  # an answer goes to the gate as written
    else:  # a suggestion from the channel: the figures only the team follows are left out ("342 payment jobs ... replayed")
        doc.external_impact = customer_clauses(customer_impact)

    def claim(qid: str, fact: Fact | None) -> str:
        answer = session.answers.get(qid)
        ids = answer.message_ids if answer is not None and b.answer(qid) else (fact.message_ids if fact else [])
        return b.cite(ids, limit=2)

    doc.claims = {
        "customer_impact": claim("customer_effect", effect_fact),
        "root_cause": b.cite(chain_root.message_ids, limit=2) if root_cause == root_text and chain_root
        else claim("actual_cause", causes[0] if causes else None),
        "immediate_cause": claim("actual_cause", None) if immediate_cause else "",
        "fix": claim("fix", f.fixes[0] if f.fixes else None),
        "detection": claim("detection_method", f.detection_method),
        "severity": claim("severity", f.severity),
        "happened_before": claim("happened_before", f.prior_incidents[0] if f.prior_incidents else None),
        "fears": claim("fears", None),
    }
    for name, label in KEY_TIME_LABELS.items():
        key = f.key_time(name)
        doc.time_evidence[label] = claim(name, None) or (b.cite(key.message_ids, limit=1) if key and not b.answer(name) else "")
    doc.backlog = _backlog(b, times["detected_at"] or times["started_at"])
    from facilitator.render.executive import compose as compose_exec

    prevention = [a.action for a in sorted(session.actions, key=lambda a: (
        {"yes": 0, "partially": 1, "detects only": 2}.get(a.prevents_recurrence, 3), a.priority))]
    # 'unknown' is a TODO like any answer; skipped or unanswered, the document composes it.
    doc.exec_summary = b.ask("exec_summary") if b.status("exec_summary") == "unknown" else b.answer("exec_summary") or compose_exec(
        customer_impact, {**times, "started_at": affected_from}, str(b.tz.key), b.fmt, prevention, len(session.actions), doc.fix)
    doc.todo_items = b.todos
    doc.todos = [t.text for t in b.todos]
    return doc

def _backlog(b: Builder, noticed: datetime | None) -> list[str]:
    """Linked tickets opened well before the incident and still open: it was known, and waiting."""
    lines = []
    for t in b.session.evidence.tickets:
        if t.created is None or t.resolved or (noticed is not None and t.created >= noticed - timedelta(hours=12)):
            continue
        name = f"[{t.key}]({t.url})" if t.url else t.key
        what = f" {display(t.summary)}" if t.summary else ""
        lines.append(f"{name}{what}: open since {b.fmt(t.created)[:10]}{f' ({t.status})' if t.status else ''} {b.cite(t.message_ids, limit=1)}".rstrip())
    return lines

def _responders(b: Builder) -> list[tuple[str, str]]:
    """(name, role): the user's answer when there is one (roles the channel stated fill its gaps);
    otherwise the people found in the channel; a TODO when unknown or nobody is known."""
    found = [(r.name, r.role) for r in b.session.findings.responders]
    if b.open("responders"):
        return [(b.ask("responders"), "")]
    given = b.answer_list("responders")
    if not given:
        return found or [(b.ask("responders"), "")]
    roles = {name.casefold(): role for name, role in found if role}
    out: list[tuple[str, str]] = []
    for entry in given:
        m = re.match(r"\s*(.*?)\s*(?:\((.*)\))?\s*$", entry)
        name, role = (m.group(1), m.group(2) or "") if m else (entry, "")
        if name and all(n.casefold() != name.casefold() for n, _ in out):
            out.append((name, role or roles.get(name.casefold(), "")))
    return out

def document_todos(session: Session, transcript: Transcript | None, settings: Settings | None = None) -> list[TodoItem]:
    """The one TODO list of ``session`` (what the document shows at its top)."""
    return build_document(session, transcript, settings or Settings(timezone=session.timezone or "UTC")).todo_items

def cite_for(session: Session, transcript: Transcript | None, settings: Settings, message_ids: list[str]) -> str:
    """Evidence text for message ids (used by callers outside the document, e.g. the UI preview)."""
    return Builder(session, transcript, settings).cite(message_ids)


def _affected_from(b: Builder, fault: datetime | None, impact_end: datetime | None) -> tuple[datetime | None, list[str]]:
    """When customers began to be affected, when that is told apart from the fault (a deploy at
    13:52, errors from 14:00), with the messages that say so: the commander's answer, else the
    impact window the channel states when it starts after the fault. (None, []) when customers
    were affected from the fault itself, or the answer is 'skip'."""
    if b.open("impact_started_at"):
        return None, []
    stated = b.session.findings.impact_window
    answered = b.time_answer("impact_started_at")
    if answered is not None:
        same = stated is not None and abs((stated.start - answered).total_seconds()) < 60  # the suggestion, kept
        return answered, list(stated.message_ids) if same else []
    if stated is not None and not b.open("started_at") and stated.moves_start(fault, impact_end):
        return stated.start, list(stated.message_ids)
    return None, []


def customers_affected_from(
    session: Session, transcript: Transcript | None, settings: Settings, times: dict[str, datetime | None]
) -> datetime | None:
    """When the documents tell customers they were affected from, when it is not the fault's own
    time; ``times`` are the key times as ``key_times`` gives them."""
    b = Builder(session, transcript, settings)
    return _affected_from(b, times.get("started_at"), times.get("mitigated_at") or times.get("resolved_at"))[0]


def key_times(session: Session, transcript: Transcript | None, settings: Settings) -> dict[str, datetime | None]:
    """The four key times as the documents use them (answers win over findings), by question id."""
    b = Builder(session, transcript, settings)
    return {name: b.key_time(name) for name in KEY_TIME_LABELS}


def _earlier_occurrence(answer: str, f: Findings) -> str:
    """A bare "yes" says which earlier incident when the channel named one: "yes: this happened
    before in March: orders-service had the exact same pool default problem ..." (its words)."""
    if answer.strip().casefold().rstrip(".") != "yes" or not f.prior_incidents:
        return answer
    said = as_sentence(drop_lead_ins(f.prior_incidents[0].text))
    return f"yes: {said[:1].lower() + said[1:]}" if said else answer


def _affected(b: Builder, impact: str) -> str:
    """Who was affected; a suggestion that only repeats the customer impact is left out (the
    line then goes), while the commander's own answer always stands."""
    items = [a.rstrip(".") for a in dedupe(b.pick_list("affected"))]
    if not b.confirmed("affected"):
        items = [a for a in items if a.startswith(TODO) or not (a.casefold() in impact or words_in(a, impact, share=0.8))]
    return "; ".join(items)
