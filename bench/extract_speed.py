"""How long offline extraction takes on a big channel (target: 20,000 messages well under 1 s).

Usage:  python bench/extract_speed.py [N_MESSAGES]   (default 20000)

Builds a synthetic incident channel directly as ``facilitator.transcript`` objects (no
loading cost is measured): a dozen people and a bot; one message in three carries evidence
(alerts, links, hypotheses, a rollback, impact numbers, follow-ups), the rest is the
coordination chatter that fills real channels; threads every 20 messages. Prints the
extraction time (best of 3) and a few counts so a regression in a finder shows up.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout over an installed copy

from facilitator.extract import extract_findings  # noqa: E402
from facilitator.transcript import Message, Transcript  # noqa: E402

PEOPLE = ["Alice Martin", "Bob Chen", "Chiara Rossi", "Deepak Rao", "Eva Novak", "Farid Haddad",
          "Grace Kim", "Hugo Lefèvre", "Ines Duarte", "Jonas Berg", "Kofi Mensah", "Lena Vogel"]  # fmt: skip
LINES = [
    "I'm seeing 502s on checkout since 14:05, error rate 8% and climbing",
    "looking at grafana now https://grafana.example.com/d/abc/checkout?orgId=1",
    "could this be the redis failover from this morning?",
    "redis looks fine, ruling that out",
    "deploy log: api v3.2.1 at 13:58 UTC https://github.com/acme/api/pull/{n}",
    "paging the DB on-call",
    "ticket from customer: https://acme.zendesk.com/agent/tickets/{n}",
    "about 1,200 failed jobs in the queue, 3 regions affected",
    "status page updated: Investigating elevated errors https://status.example.com/incidents/x{n}",
    "we should add an alert on pool saturation, follow-up for next week",
    "honestly we got lucky it was not black friday",
    "rollback started",
    "rollback complete, error rate back to normal",
    "ok thanks, keep watching for 10 more minutes",
    "```\nTraceback (most recent call last):\n  File x.py line 3\nTimeoutError: pool exhausted\n```",
    "this happened before in March, same pool problem",
]
# Most of a real channel is coordination chatter; two of every three messages are this.
CHATTER = [
    "ok", "thanks", "on it", "looking", "+1", "any update?", "checking the logs now",
    "give me a minute", "brb", "joining the call", "can you share your screen?", "sounds good",
    "I'll check the other cluster", "which host was that on?", "yes", "same here",
    "let me look at the config", "is anyone on the bridge?", "👍", "will report back",
]


def build(n: int) -> Transcript:
    """A synthetic channel of ``n`` messages, every 20th a thread reply, every 50th a bot alert."""
    start = datetime(2024, 12, 3, 13, 0, tzinfo=timezone.utc)
    messages = []
    for i in range(n):
        at = start + timedelta(seconds=2 * i)
        if i % 50 == 0:
            messages.append(Message(id=f"{i}", at=at, author="Datadog", is_bot=True,
                                    text=f"[Triggered] api 5xx rate is {i % 9}.4% on env:prod https://app.datadoghq.com/monitors/{i}"))
            continue
        text = LINES[(i // 3) % len(LINES)].format(n=i) if i % 3 == 0 else CHATTER[i % len(CHATTER)]
        thread = f"{i - i % 20}" if i % 20 else None
        messages.append(Message(id=f"{i}", at=at, author=PEOPLE[i % len(PEOPLE)], text=text, thread_id=thread))
    return Transcript(messages=messages, source="slack-export", channel="inc-9999-api-errors", timezone="UTC")


def main(argv: list[str]) -> int:
    """Build the channel, extract three times, print the best time."""
    n = int(argv[1]) if len(argv) > 1 else 20_000
    transcript = build(n)
    best = cpu = float("inf")
    findings = None
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        findings = extract_findings(transcript)
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    assert findings is not None
    print(f"messages        {n}")
    print(f"extract time    {best * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (best of 3), {n / best:,.0f} messages/s")
    print(f"events {len(findings.events)}, links {len(findings.links)}, responders {len(findings.responders)}, "
          f"impact hints {len(findings.impact_hints)}, hypotheses {len(findings.hypotheses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
