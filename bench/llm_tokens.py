"""Billable input tokens of a full LLM-assisted draft, against the naive approach.

Runs the whole LLM flow (findings pass, suggested answers for the catalogue, five streamed
why-turns, drafting every section, one streamed section redraft, two blameless rewrites and
two action sharpenings) with the real anthropic SDK against the local Anthropic server
(``tests/servers/anthropic_server.py``), for:

* the demo incident (``prompts/demo``), and
* synthetic 5,000- and 20,000-message channels (joins, repeated bot alerts, pasted logs, chatter).

"Naive" is the same calls with the raw transcript (full timestamps and ids, nothing dropped)
re-sent on every call, with no prompt caching and no chunking. Billable input tokens weigh
cache writes x1.25 and cache reads x0.1 (Anthropic's 5-minute cache prices, from
``prompts/llm/prices.toml``); uncached input counts x1. Tokens are estimated by the local
server as characters / 4 (images 1,600) for both sides. The server only caches prefixes of
at least 4,096 tokens (the minimum of the larger models), and it keys the cache on tools,
system and output_config, so the comparison does not flatter caching. Map-reduce summary
calls on the bulk model are counted as tokens like the others (they are cheaper in dollars).

Every run enforces a 200k-token context window on the server (``--context``), so a request the
API would refuse fails the run; the 20,000-message channel drafts to the end.

Usage:  python bench/llm_tokens.py [--messages 5000 20000] [--context 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.config import Settings  # noqa: E402
from facilitator.findings import Findings  # noqa: E402
from facilitator.llm import (  # noqa: E402
    draft_sections,
    get_llm,
    refine_findings,
    rewrite_blameless,
    sharpen_action,
    stream_section,
    stream_why,
    suggest_answers,
)
from facilitator.llm.condense import condense, naive_text  # noqa: E402
from facilitator.llm.usage import billable_input  # noqa: E402
from facilitator.session import ActionItem, Session, SourceSpec, WhyTurn  # noqa: E402
from facilitator.transcript import Message, Transcript  # noqa: E402
from tests.servers.anthropic_server import AnthropicServer, default_responder, estimate_tokens  # noqa: E402


def responder(body: dict) -> dict:
    """Plausible answers citing real aliases; summaries for map-reduce calls."""
    text = body["system"] if isinstance(body.get("system"), str) else body["system"][-1]["text"]
    if isinstance(body.get("system"), str):
        text = body["messages"][0]["content"][0]["text"]
    ids = re.findall(r"\bm\d+\b", text)[:40] or ["m1"]
    if isinstance(body.get("system"), str):  # a chunk summary or a reduce step
        lines = [f"14:{i % 60:02d} responders discussed symptoms and changes [{ids[i]}, {ids[i + 1]}]" for i in range(0, len(ids) - 1, 2)]
        return {"text": "\n".join(lines[:20])}
    choice = (body.get("tool_choice") or {}).get("name")
    if choice == "propose_why":
        return {
            "tool": "propose_why",
            "input": {
                "question": "Why did the connection pool run out under normal load?",
                "candidates": [
                    {"message_ids": ids[:2], "text": "A config change lowered the pool size", "confidence": 0.7},
                    {"message_ids": ids[2:4], "text": "Retries multiplied the load", "confidence": 0.4},
                ],
                "unactionable": False,
                "reason": "",
            },
        }
    if choice == "write_sections":
        para = "Checkout requests failed for part of the afternoon; a rollback restored service. " * 6
        return {"tool": choice, "input": {k: para for k in ("summary", "what_happened", "went_well", "went_badly", "luck", "lessons", "external")}}
    if choice == "rewrite_text":
        return {"tool": choice, "input": {"text": "The deploy pipeline allowed an unvalidated change.", "explanation": "system focus"}}
    if choice == "sharpen_action":
        return {"tool": choice, "input": {"action": "Alert when pool wait exceeds 1 s for 5 min", "message_ids": ids[:1]}}
    if choice == "suggest_answers":
        return {"tool": choice, "input": {"suggestions": [{"question_id": "title", "value": "Checkout errors", "message_ids": ids[:2]}]}}
    if choice is None and (body.get("tool_choice") or {}).get("type") == "none":
        return {"text": "A short drafted section with facts and times. " * 8}
    return default_responder(body)


def synthetic_channel(n: int, seed: int = 7) -> Transcript:
    """A long, noisy incident channel (deterministic)."""
    rng = random.Random(seed)
    people = ["Priya", "Marcus", "Dana", "Tomás", "Hannah", "Léon", "Sofia", "Kenji", "Amara", "Oskar"]
    t = datetime(2024, 12, 3, 9, 0, tzinfo=timezone.utc)
    messages: list[Message] = []
    topics = ["db pool", "checkout latency", "payment capture", "queue depth", "edge 504s", "config rollout", "RDS failover"]
    for i in range(n):
        t += timedelta(seconds=rng.randint(5, 60))
        mid = f"{int(t.timestamp())}.{i:06d}"
        r = rng.random()
        if r < 0.05:
            messages.append(Message(id=mid, at=t, author=rng.choice(people), text="", subtype="channel_join"))
        elif r < 0.10:
            messages.append(Message(id=mid, at=t, author=rng.choice(people), text="", reactions={"eyes": 2}))
        elif r < 0.30:
            pct = rng.randint(5, 40)
            text = f"[Triggered] checkout-service 5xx rate is {pct}.{rng.randint(0, 99)}% (threshold 5%) on env:prod https://app.datadoghq.com/monitors/81234567?group=env%3Aprod&from_ts={i}"
            messages.append(Message(id=mid, at=t, author="Datadog", text=text, is_bot=True))
        elif r < 0.34:
            log = "\n".join(
                f"2024-12-03T{t:%H:%M}:{k % 60:02d}Z ERROR sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 0 reached req={rng.getrandbits(48):x}"
                for k in range(rng.randint(20, 80))
            )
            messages.append(Message(id=mid, at=t, author=rng.choice(people), text="here's what I see:\n```" + log + "```"))
        else:
            topic = rng.choice(topics)
            text = rng.choice(
                [
                    f"looking at {topic} now, will report back",
                    f"I think {topic} is related; the graph jumped at {t:%H:%M}",
                    f"ruled out {topic}, numbers look normal there",
                    f"can someone check {topic} in eu-west-1? we only see it in us-east-1 so far",
                    f"deploying a mitigation for {topic}, ETA 10 minutes",
                    "ack",
                    f"customers are reporting failed payments again, {rng.randint(3, 40)} new tickets",
                ]
            )
            messages.append(Message(id=mid, at=t, author=rng.choice(people), text=text))
    return Transcript(messages=messages, source="slack-export", channel="inc-synthetic")


async def full_draft(llm, transcript: Transcript) -> int:
    """The LLM flow of one post-mortem; returns the number of task calls."""
    from facilitator.interview.catalogue import load_catalogue

    try:
        from facilitator.extract import extract_findings

        offline = extract_findings(transcript)
    except Exception:  # noqa: BLE001 - the benchmark measures tokens, not the extractor
        offline = Findings()
    session = Session(name="bench", source=SourceSpec(kind="demo"), title="Checkout errors")
    await refine_findings(llm, session, transcript, offline)
    await suggest_answers(llm, session, transcript, load_catalogue())
    for n in range(5):
        proposal = await stream_why(llm, session, transcript, on_text=lambda d: None)
        best = proposal.candidates[0] if proposal.candidates else None
        session.whys.append(
            WhyTurn(id=f"w{n + 1}", question=proposal.question, answer=best.text if best else "", message_ids=best.message_ids if best else [])
        )
    await draft_sections(llm, session, transcript)
    await stream_section(llm, session, transcript, "summary", on_text=lambda d: None)
    for sentence in ("Marcus broke prod with the config change.", "Dana should have caught this in review."):
        await rewrite_blameless(llm, session, transcript, sentence)
    for action in ("improve monitoring", "fix the pool"):
        await sharpen_action(llm, session, transcript, ActionItem(id="a", action=action))
    await llm.aclose()
    return 12


def report(name: str, transcript: Transcript, budget: int = 150_000, context: int = 200_000) -> float:
    """Run the flow for one channel and print the comparison; returns the ratio.

    The server refuses any request above ``context`` tokens, as the API does for a model with
    that context window: a refused call would fail the flow, so finishing proves none was.
    """
    with AnthropicServer(responder=responder, min_cache_tokens=4096, context_limit=context) as server:
        llm_values = {"api_key": server.api_key, "base_url": server.base_url, "context_budget_tokens": budget}
        settings = Settings.model_validate({"llm": llm_values})
        llm = get_llm(settings)
        start = time.perf_counter()
        asyncio.run(full_draft(llm, transcript))
        elapsed = time.perf_counter() - start
        reqs = list(server.message_requests)
        largest = max((sum(r.usage.get(k, 0) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")) for r in reqs), default=0)
    raw_tokens = estimate_tokens(naive_text(transcript))
    ours = 0.0
    naive = 0.0
    task_calls = 0
    for r in reqs:
        u = r.usage
        ours += billable_input(u["input_tokens"], u["cache_creation_input_tokens"], u["cache_read_input_tokens"])
        if isinstance(r.body.get("system"), list):  # a task call: naive sends the same, raw transcript, no cache
            task_calls += 1
            fenced = estimate_tokens(r.body["system"][-1])
            total = u["input_tokens"] + u["cache_creation_input_tokens"] + u["cache_read_input_tokens"]
            naive += total - fenced + raw_tokens
    ratio = ours / naive
    maps = len(reqs) - task_calls
    condensed = estimate_tokens(condense(transcript).fenced())
    print(f"{name}: {len(transcript):,} messages, raw transcript ~{raw_tokens:,} tokens, condensed ~{condensed:,}")
    print(f"  calls: {task_calls} task calls + {maps} map-reduce summary calls, {elapsed:.1f} s against the local server")
    print(f"  billable input tokens: ours {ours:,.0f}  naive {naive:,.0f}  ratio {ratio:.3f} (target <= 0.2)")
    print(f"  largest request {largest:,} input tokens; context window {context:,}; no call refused")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[5000, 20000], help="sizes of the synthetic channels")
    parser.add_argument("--context", type=int, default=200_000, help="model context window the server enforces")
    args = parser.parse_args()
    print("weights: uncached input x1, cache write x1.25, cache read x0.1; tokens = chars/4 on both sides")
    from facilitator.sources import load_source

    demo = load_source(SourceSpec(kind="demo"), Settings())
    report("demo incident", demo, context=args.context)
    for size in args.messages:
        channel = synthetic_channel(size)
        report("synthetic channel", channel, context=args.context)
        report("synthetic channel, budget 20k tokens (forces map-reduce)", channel, budget=20_000, context=args.context)


if __name__ == "__main__":
    main()
