"""A plain Markdown summary of an interview, for when the render module is not available.

``facilitator.render`` produces the real internal and external documents from templates;
this fallback only lists what the interview holds (answers by section, metrics, whys,
action items, TODOs, lint findings) so ``draft`` and the plain mode always leave something
readable behind. It uses only the engine's public API.
"""

from __future__ import annotations

from facilitator.interview.actions import count_advice
from facilitator.interview.engine import Interview
from facilitator.interview.whys import WhyChain


def _value(interview: Interview, qid: str) -> str:
    ans = interview.get_answer(qid)
    if ans is None:
        return "[TODO] not answered"
    if ans.status in ("unknown", "skipped"):
        return f"[TODO] {ans.status}"
    value = ans.value
    text = "\n".join(f"- {v}" for v in value) if isinstance(value, list) else value
    if ans.status == "suggested":
        text += " _(suggested from the channel, unconfirmed)_" if not isinstance(value, list) else "\n\n_(suggested from the channel, unconfirmed)_"
    return text


def summary_markdown(interview: Interview) -> str:
    """The session as a plain Markdown summary."""
    s = interview.session
    lines = [f"# {s.title or s.name}", "", f"_Session `{s.name}`, times in {interview.tz}._", ""]
    todos = interview.todos()
    if todos:
        lines += ["## Open items", ""] + [f"- [TODO] {t.text} ({t.reason})" for t in todos] + [""]
    warnings = interview.order_warnings()
    if warnings:
        lines += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    m = interview.metrics().human()
    lines += [
        "## Metrics",
        "",
        f"- Time to detect: {m['time_to_detect']}",
        f"- Time to mitigate: {m['time_to_mitigate']}",
        f"- Time to resolve: {m['time_to_resolve']}",
        f"- Time in (fault introduced to resolution): {m['time_in']}",
        "",
    ]
    section = None
    for q in interview.questions:
        if q.section != section:
            section = q.section
            lines += [f"## {section.replace('_', ' ').capitalize()}", ""]
        lines += [f"**{q.text}**", "", _value(interview, q.id), ""]
    chain = WhyChain(s)
    result = chain.result()
    lines += ["## 5 whys", ""]
    if not s.whys:
        lines += ["[TODO] The 5 whys were not done.", ""]
    for i, turn in enumerate(chain.main_chain(), 1):
        lines += [f"{i}. {turn.question}", f"   {turn.answer or '[TODO] unanswered'} ({chain.level_of(turn)})"]
    for branch in chain.branches():
        for turn in branch:
            lines.append(f"- Contributing: {turn.question} {turn.answer or '[TODO]'}")
    if result.root_cause is not None:
        lines += ["", f"**Root cause:** {result.root_cause.answer}"]
    lines += ["", "## Action items", ""]
    for a in s.actions:
        due = a.due.isoformat() if a.due else "[TODO] due date"
        owner = a.owner or "[TODO] owner"
        lines.append(f"- {a.action} ({owner}, {due}, {a.priority}, {a.category}, prevents recurrence: {a.prevents_recurrence})")
    advice = count_advice(len(s.actions))
    if advice:
        lines += ["", f"_{advice}_"]
    if s.rejected_actions:
        lines += ["", "### Rejected ideas", ""] + [f"- {r.action}: {r.reason}" for r in s.rejected_actions]
    if s.lints:
        lines += ["", "## Lint findings", ""] + [f"- {f.where}: {f.problem} {f.suggestion}" for f in s.lints]
    return "\n".join(lines).rstrip() + "\n"
