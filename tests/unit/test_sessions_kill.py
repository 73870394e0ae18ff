"""kill -9 at a random moment loses at most the answer being written.

A real child process answers questions in a loop through the engine and prints "ACK n"
after each ``answer`` call returns (that is what a UI shows the user as saved). The parent
kills it with SIGKILL at a random moment, then loads the session: it must parse, and hold
every acknowledged answer (or the one in flight, which may have landed too).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from facilitator.sessions import SessionStore

QUESTIONS = 12

CHILD = textwrap.dedent(
    f"""
    import sys
    from pathlib import Path
    from facilitator.interview.catalogue import Question
    from facilitator.interview.engine import Interview
    from facilitator.session import Session, SourceSpec
    from facilitator.sessions import SessionStore

    store = SessionStore(Path(sys.argv[1]))
    questions = [Question(id=f"q{{i}}", text=f"Question {{i}}?", type="text") for i in range({QUESTIONS})]
    interview = Interview(Session(name="killme", source=SourceSpec(kind="demo")), None, store, questions)
    interview.save()
    print("READY", flush=True)
    i = 0
    while True:
        interview.answer(f"q{{i % {QUESTIONS}}}", f"answer number {{i}} " + "x" * (i % 50))
        print(f"ACK {{i}}", flush=True)
        i += 1
    """
)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_loses_at_most_the_answer_in_flight(tmp_path, seed):
    rng = random.Random(seed)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY"
    wanted = rng.randint(3, 40)
    acked = -1
    while acked < wanted:
        line = child.stdout.readline()
        assert line.startswith("ACK "), line
        acked = int(line.split()[1])
    time.sleep(rng.uniform(0, 0.02))  # land anywhere inside a later write
    child.send_signal(signal.SIGKILL)
    for line in child.stdout:  # acknowledgements already in the pipe count too
        acked = int(line.split()[1])
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    session = SessionStore(tmp_path).load("killme")  # parses: never a torn file
    for q in range(QUESTIONS):
        last_acked = max((i for i in range(acked + 1) if i % QUESTIONS == q), default=None)
        if last_acked is None:
            continue
        stored = session.answers[f"q{q}"].value
        number = int(stored.split()[2])
        in_flight = acked + 1
        assert number == last_acked or (number == in_flight and in_flight % QUESTIONS == q), (q, stored, acked)
