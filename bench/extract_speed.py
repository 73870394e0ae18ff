"""How long offline extraction takes on a big channel (target: 20,000 messages well under 1 s).

Usage:  python bench/extract_speed.py [N_MESSAGES] [--mode repetitive|unique|both]
        (default 20000 messages, both modes)

Builds synthetic incident channels directly as ``facilitator.transcript`` objects (no
loading cost is measured) and prints the extraction time (best of 5) and a few counts so a
regression in a finder shows up:

* ``repetitive``: a dozen people and a bot; one message in three carries evidence (alerts,
  links, hypotheses, a rollback, impact numbers, follow-ups), the rest is the coordination
  chatter that fills real channels; threads every 20 messages. Texts repeat, so the
  per-text memo in ``neighbours.scan`` does most of the work.
* ``unique``: the same shape, but no two message texts are alike: wording, clock times,
  hosts, numbers, links and names vary from message to message, as in a real channel
  whose people each write in their own way. This is the worst case for the memo.

Timings on a shared machine swing by a third between runs; ``extract_instructions.py``
counts instructions instead, which do not.
"""

from __future__ import annotations

import argparse
import random
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


# Pieces for the all-unique channel: every slot varies, and a text is redrawn until unseen.
FIRST = ["Alice", "Bob", "Chiara", "Deepak", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi", "Lena",
         "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara"]  # fmt: skip
LAST = ["Martin", "Chen", "Rossi", "Rao", "Novak", "Haddad", "Kim", "Lefèvre", "Duarte", "Berg", "Mensah", "Vogel",
        "García", "Okafor", "Sato", "Nowak", "Silva", "Dubois", "Ivanova", "Larsen"]  # fmt: skip
SERVICES = ["checkout", "api", "search", "billing", "auth", "payments", "ingest", "notifications", "web", "graphql",
            "worker", "scheduler", "cdn", "redis", "postgres", "kafka", "gateway", "uploads"]  # fmt: skip
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "eu-central-1", "sa-east-1"]
OPENERS = ["", "", "", "ok ", "hmm, ", "fwiw ", "so ", "update: ", "quick note: ", "heads up, ", "+1, ", "right, "]
CLOSERS = ["", "", "", " 👀", " fyi", " will report back", " (cc {who})", " - thoughts?", " brb", " :eyes:"]
EVIDENCE = [
    "I'm seeing {code}s on {svc} since {clock}, error rate {pct}% and climbing",
    "users report timeouts on {svc} in {region}, about {n} requests failing per minute",
    "looking at grafana https://grafana.example.com/d/{hex}/{svc}?orgId=1&from=now-{k}h",
    "kibana shows a spike of {exc} on {host}: https://kibana.example.com/app/discover#/{hex}",
    "could this be the {svc} config change from {clock}? {who} merged https://github.com/acme/{svc}/pull/{n}",
    "{svc} looks fine on {host}, ruling that out",
    "I think it is the connection pool on {host}, {pct}% of connections are stuck",
    "deploy log: {svc} v{ver} rolled out at {clock} UTC https://github.com/acme/{svc}/commit/{hex}{hex}",
    "paging the {svc} on-call, {who} can you join?",
    "ticket from customer {n}: https://acme.zendesk.com/agent/tickets/{n}",
    "about {n} failed jobs in the {svc} queue, {k} regions affected",
    "status page updated: Investigating elevated errors on {svc} https://status.example.com/incidents/{hex}",
    "we should add an alert on {svc} pool saturation, follow-up for next week (JIRA https://acme.atlassian.net/browse/OPS-{n})",
    "honestly we got lucky the {svc} spike hit at {clock} and not at peak",
    "rolling back {svc} to v{ver} on {host}",
    "rollback of {svc} complete at {clock}, error rate back to normal ({pct}%)",
    "started about {k} hours ago according to the {svc} dashboard",
    "```\nTraceback (most recent call last):\n  File {svc}/pool.py line {n}\n{exc}: pool exhausted on {host}\n```",
    "this happened before in {month}, same {svc} pool problem, see https://acme.atlassian.net/wiki/spaces/OPS/pages/{n}",
    "emailed the {n} affected customers in {region} about the {svc} degradation",
    "runbook for {svc} failover: https://acme.atlassian.net/wiki/display/RUN/{svc}-{hex}",
    "latency p99 on {svc} is {n}ms, cpu {pct}% on {host}",
    "{who} is IC, I'll take comms for the {svc} incident",
    "root cause: the {svc} {ver} release lowered the pool size from {k}0 to {k}",
    "{svc} is fixed, monitoring for {k}0 more minutes before calling it",
]
CHATTER_U = [
    "ok, looking at {host}", "thanks {who}", "on it, checking {svc}", "any update on {svc}?",
    "checking the {svc} logs now", "give me {k} minutes", "joining the call, {who}", "can you share the {svc} graph?",
    "sounds good, {who}", "I'll check the {region} cluster", "which host was that on, {host}?", "same here on {host}",
    "let me look at the {svc} config", "is anyone on the bridge for {svc}?", "will report back on {svc}",
    "{who} are you still on {host}?", "restarting my vpn, one sec", "pulling up the {region} metrics",
    "who owns {svc} these days?", "@{who} can you check {host}", "nothing odd in {svc} logs since {clock}",
    "back, reading up", "ack, {who}", "I can take {svc}", "seeing the same from {region}",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
EXCEPTIONS = ["TimeoutError", "ConnectionResetError", "OperationalError", "BrokenPipeError", "ReadTimeout"]


def _fill(template: str, rng: random.Random, at: datetime) -> str:
    """A template with every slot drawn at random (clock times near the message's own time)."""
    clock = at - timedelta(minutes=rng.randint(0, 90))
    slots = {
        "who": f"{rng.choice(FIRST)}", "svc": rng.choice(SERVICES), "region": rng.choice(REGIONS),
        "host": f"{rng.choice(SERVICES)}-{rng.randint(1, 40)}{rng.choice('abcdef')}",
        "clock": clock.strftime("%H:%M"), "pct": rng.randint(1, 99), "n": rng.randint(2, 99999),
        "k": rng.randint(2, 9), "hex": f"{rng.getrandbits(28):07x}", "code": rng.choice([500, 502, 503, 504]),
        "ver": f"{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}", "exc": rng.choice(EXCEPTIONS),
        "month": rng.choice(MONTHS),
    }  # fmt: skip
    return template.format(**slots)


def build_unique(n: int, seed: int = 7) -> Transcript:
    """A channel of ``n`` messages with no two texts alike (same shape as ``build``)."""
    rng = random.Random(seed)
    start = datetime(2024, 12, 3, 13, 0, tzinfo=timezone.utc)
    people = [f"{f} {l}" for f in FIRST for l in LAST][::7][:40]
    seen: set[str] = set()
    messages = []
    for i in range(n):
        at = start + timedelta(seconds=2 * i + rng.randint(0, 1))
        bot = i % 50 == 0
        while True:
            if bot:
                text = _fill("[Triggered] {svc} 5xx rate is {pct}.{k}% on env:prod in {region} "
                             "https://app.datadoghq.com/monitors/{n}", rng, at)  # fmt: skip
            else:
                pool = EVIDENCE if i % 3 == 0 else CHATTER_U
                text = rng.choice(OPENERS) + _fill(rng.choice(pool), rng, at) + _fill(rng.choice(CLOSERS), rng, at)
            if text not in seen:
                break
        seen.add(text)
        if bot:
            messages.append(Message(id=f"{i}", at=at, author="Datadog", is_bot=True, text=text))
            continue
        thread = f"{i - i % 20}" if i % 20 else None
        messages.append(Message(id=f"{i}", at=at, author=rng.choice(people), text=text, thread_id=thread))
    return Transcript(messages=messages, source="slack-export", channel="inc-9999-api-errors", timezone="UTC")


def measure(label: str, transcript: Transcript) -> None:
    """Extract three times and print the best time and a few counts."""
    n = len(transcript.messages)
    best = cpu = float("inf")
    findings = None
    for _ in range(5):
        started, started_cpu = time.perf_counter(), time.process_time()
        findings = extract_findings(transcript)
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    assert findings is not None
    distinct = len({m.text for m in transcript.messages})
    print(f"[{label}] messages {n} ({distinct} distinct texts)")
    print(f"  extract time  {best * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (best of 5), {n / best:,.0f} messages/s")
    print(f"  events {len(findings.events)}, links {len(findings.links)}, responders {len(findings.responders)}, "
          f"impact hints {len(findings.impact_hints)}, hypotheses {len(findings.hypotheses)}")


def main(argv: list[str]) -> int:
    """Build the channel(s), extract three times each, print the best times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, default=20_000)
    parser.add_argument("--mode", choices=("repetitive", "unique", "both"), default="both")
    args = parser.parse_args(argv[1:])
    if args.mode in ("repetitive", "both"):
        measure("repetitive", build(args.messages))
    if args.mode in ("unique", "both"):
        measure("unique", build_unique(args.messages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
