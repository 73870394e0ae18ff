"""Paste parsing speed: 20,000-line logs in each common shape.

Usage: python bench/paste_speed.py [LINES]
Prints lines/s and seconds per format (best of three runs).
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.sources.paste import parse_transcript  # noqa: E402


def shapes(n: int) -> dict[str, str]:
    def hms(i: int) -> tuple[int, int, int]:
        return i // 3600 % 24, i // 60 % 60, i % 60

    return {
        "timestamped": "".join("[2024-12-03 %02d:%02d:%02d] User%d: message %d\n" % (*hms(i), i % 7, i) for i in range(n)),
        "irc": "".join("[%02d:%02d:%02d] <user%d> message %d\n" % (*hms(i), i % 7, i) for i in range(n)),
        "timeline": "".join("- %02d:%02d UTC: event %d\n" % (i // 60 % 24, i % 60, i) for i in range(n)),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"{'format':<12} {'lines':>7} {'seconds':>8} {'lines/s':>9}")
    for name, text in shapes(n).items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            parse_transcript(text, tz="UTC", default_date=date(2024, 12, 3), origin=name)
            best = min(best, time.perf_counter() - start)
        print(f"{name:<12} {n:>7} {best:>8.3f} {n / best:>9.0f}")


if __name__ == "__main__":
    main()
