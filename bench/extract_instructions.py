"""Machine instructions one extraction costs, counted by valgrind (steady where timings are not).

Usage:  python bench/extract_instructions.py [N_MESSAGES] [--mode unique|repetitive] [--code DIR]
        (default 5000 messages, all texts distinct; DIR: another checkout to compare with)

On a shared or busy machine wall-clock figures swing by a third from run to run; the number
of instructions executed does not. This runs the benchmark channel of ``extract_speed.py``
under ``valgrind --tool=callgrind`` twice, extracting once and twice, and prints the
difference: the instructions of one extraction, without the start-up and channel building.
Both runs go in parallel and take about a minute for 5,000 messages. Needs valgrind.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys
sys.path.insert(0, {code!r})
import facilitator
from facilitator.extract import extract_findings  # from the measured checkout, loaded before...
sys.path.insert(0, {bench!r})
import extract_speed  # ...this puts its own checkout first on the path
assert facilitator.__file__.startswith({code!r}), facilitator.__file__
channel = extract_speed.build_unique({n}) if {mode!r} == "unique" else extract_speed.build({n})
for _ in range(int(sys.argv[1])):
    extract_findings(channel)
"""


def main(argv: list[str]) -> int:
    """Count the instructions of one extraction and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, default=5_000)
    parser.add_argument("--mode", choices=("unique", "repetitive"), default="unique")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose facilitator/ is measured")
    args = parser.parse_args(argv[1:])
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count (use bench/extract_speed.py for timings).")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "child.py")
        code = str(args.code.resolve())
        script.write_text(_CHILD.format(code=code, bench=str(ROOT / "bench"), n=args.messages, mode=args.mode))
        runs = [
            subprocess.Popen(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(script), str(k)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            for k in (1, 2)
        ]
        counts = []
        for run in runs:
            _, err = run.communicate()
            found = re.search(r"Collected\s*:\s*(\d+)", err)
            if run.returncode != 0 or found is None:
                print(f"valgrind failed: {err.strip().splitlines()[-1] if err.strip() else 'no output'}")
                return 1
            counts.append(int(found.group(1)))
    per_run = counts[1] - counts[0]
    print(f"[{args.mode}] {args.messages} messages, code at {code}")
    print(f"  {per_run / 1e6:,.0f} M instructions per extraction ({per_run / args.messages:,.0f} per message)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
