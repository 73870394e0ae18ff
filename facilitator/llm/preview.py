"""See exactly what is sent, before anything is: the masked prompt, its size and its cost.

``facilitator llm-preview SESSION`` builds the request a task would send (the findings pass
by default, or drafting / the next why) exactly as ``LLM`` builds it — condensed transcript,
secrets masked, people aliased, fenced — without any network call, and reports its token
count (the same conservative estimate the budget check uses), the estimated cost of the call,
and whether the channel would first be summarised in parts. The session's audit trail (every
call made so far: time, model, tokens, cost, hash of the prompt as sent) is listed after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from facilitator.config import Settings
from facilitator.llm.chunking import SYSTEM_OVERHEAD, estimate_tokens, split_lines
from facilitator.llm.condense import condense, new_nonce
from facilitator.llm.core import Context, image_blocks, render, request_tokens
from facilitator.llm.facts import fence, findings_text, session_text, whys_text
from facilitator.llm.privacy import Privacy
from facilitator.llm.tools import SECTIONS, tool_definitions
from facilitator.llm.usage import cost_usd
from facilitator.session import Session
from facilitator.transcript import Transcript

TASKS = ("findings", "draft", "why")
ASSUMED_OUTPUT = 2000  # output tokens assumed for the cost estimate


@dataclass
class Preview:
    """The request a task would send, and what it would cost."""

    task: str
    model: str
    provider: str
    params: dict[str, Any]
    tokens: int
    cost_usd: float
    summarised_parts: int  # > 0: the channel is over budget and would be summarised in this many calls first
    aliases: int
    secrets_masked: int

    def prompt_text(self) -> str:
        """The prompt as text, in the order the model reads it."""
        system = self.params["system"]
        parts = [b["text"] for b in system] if isinstance(system, list) else [system]
        for msg in self.params["messages"]:
            for block in msg["content"]:
                parts.append(block.get("text", "[image]") if block.get("type") == "text" else "[image attachment]")
        return "\n\n".join(parts)


def _task(task: str, session: Session, ctx: Context, settings: Settings) -> tuple[str, str, int]:
    """(tool name, task text, max_tokens) as the task module builds them."""
    c = ctx.condensed
    if task == "findings":
        return "record_findings", render("task_findings.md", offline=fence(c, findings_text(session.findings, c))), 8000
    if task == "draft":
        facts = session_text(session, c)
        text = render("task_draft.md", sections=list(SECTIONS), facts=facts, internal_names=settings.redaction.internal_names)
        return "write_sections", text, 8000
    from facilitator.llm.condense import defuse
    from facilitator.llm.whys import problem_statement

    answered = sum(1 for t in session.whys if t.answer and t.kind == "chain")
    problem = fence(c, defuse(problem_statement(session), c.nonce), "the problem statement, from the commander's answers and the channel")
    return "propose_why", render("task_why.md", problem=problem, chain=whys_text(session, c), answered=answered), 2000


def build_preview(settings: Settings, session: Session, transcript: Transcript, task: str = "findings") -> Preview:
    """The masked request ``task`` would send first; no network call is made."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}")
    privacy = Privacy(settings, transcript)
    privacy.learn_session(session)
    condensed = condense(transcript, new_nonce())
    condensed.text = privacy.outgoing(condensed.text)
    budget = settings.llm.context_budget_tokens
    parts = 0
    if estimate_tokens(condensed.fenced()) + SYSTEM_OVERHEAD > budget:
        parts = len(split_lines(condensed.text, max(2_000, min(budget // 2, 100_000))))
    ctx = Context(condensed=condensed, transcript=transcript, privacy=privacy, images=image_blocks(transcript, condensed))
    name, text, max_tokens = _task(task, session, ctx, settings)
    images = ctx.images if task != "why" and settings.llm.send_screenshots and settings.llm.provider != "openai-compatible" else []
    params = {
        "model": settings.llm.model,
        "max_tokens": max_tokens,
        "tools": tool_definitions(),
        "tool_choice": {"type": "tool", "name": name},
        "system": ctx.system(),
        "messages": [{"role": "user", "content": [*images, {"type": "text", "text": text}]}],
    }
    sent = privacy.outgoing_params(params, skip=ctx.masked_ids)
    tokens = request_tokens(sent)
    prefix = request_tokens({"tools": sent["tools"], "system": sent["system"]})
    cost = 0.0
    if settings.llm.provider != "openai-compatible":
        cost = cost_usd(settings.llm.model, tokens - prefix, prefix, 0, ASSUMED_OUTPUT)
    return Preview(
        task=task, model=settings.llm.model, provider=settings.llm.provider, params=sent, tokens=tokens, cost_usd=cost,
        summarised_parts=parts, aliases=len(privacy.aliases), secrets_masked=len(privacy.secrets),
    )


def describe(preview: Preview, session: Session) -> str:
    """The report ``llm-preview`` prints: summary lines, the prompt, then the audit trail."""
    lines = [
        f"Task: {preview.task}  model: {preview.model} ({preview.provider})",
        f"Size: about {preview.tokens:,} input tokens (conservative estimate, 3.5 characters per token)",
        f"Cost: about ${preview.cost_usd:.3f} for this call (estimate, with {ASSUMED_OUTPUT:,} output tokens"
        + (", local model: $0)" if preview.provider == "openai-compatible" else "; prices in prompts/llm/prices.toml)"),
        f"Privacy: {preview.secrets_masked} secret(s) masked, {preview.aliases} name(s)/term(s) sent as aliases",
    ]
    if preview.summarised_parts:
        lines.append(f"Note: the channel is over the context budget; it would first be summarised in {preview.summarised_parts} parts.")
    lines += ["", "----- prompt as it would be sent -----", preview.prompt_text(), "----- end of prompt -----", ""]
    audit = session.llm_usage.audit
    if audit:
        lines.append(f"Calls made so far ({len(audit)}):")
        for call in audit:
            lines.append(
                f"  {call.at:%Y-%m-%d %H:%M:%S}  {call.model}  in {call.input_tokens + call.cache_read_tokens + call.cache_write_tokens:,}"
                f" (cached {call.cache_read_tokens:,})  out {call.output_tokens:,}  ${call.estimated_cost_usd:.4f}"
                f"  {call.stop_reason or '-'}  sha256 {call.prompt_sha256[:16]}"
            )
    else:
        lines.append("No LLM call has been made for this session yet.")
    return "\n".join(lines) + "\n"


def preview_command(settings: Settings, session_name: str, task: str, as_json: bool) -> int:
    """``facilitator llm-preview SESSION [--task findings|draft|why] [--json]``."""
    import sys

    from facilitator.errors import UserError
    from facilitator.render import load_session_and_transcript

    session, transcript = load_session_and_transcript(settings, session_name)
    if transcript is None:
        raise UserError(f"The session '{session_name}' has no saved transcript, so there is no prompt to preview.")
    preview = build_preview(settings, session, transcript, task)
    if as_json:
        payload = {
            "task": preview.task, "model": preview.model, "provider": preview.provider, "tokens": preview.tokens,
            "estimated_cost_usd": round(preview.cost_usd, 6), "summarised_parts": preview.summarised_parts,
            "prompt": preview.prompt_text(), "audit": [c.model_dump(mode="json") for c in session.llm_usage.audit],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(describe(preview, session))
    return 0
