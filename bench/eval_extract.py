"""Score the offline extractor against real incidents with answer keys.

Usage:  python bench/eval_extract.py [CASES_DIR]     (default: ../shared/eval from the repo root)

Each case is a folder holding ``paste.txt`` (what a user would paste) and
``answer_key.json`` (``started_at``/``detected_at``/``mitigated_at``/``resolved_at`` as ISO
8601 or null, ``responders``, ``links``, ``date_hint``, ``tz_hint``). The paste is parsed the
way ``facilitator extract --transcript paste.txt --tz TZ --date DATE`` would, then:

* key times: a time counts as found when it is within 10 minutes of the key; keys that are
  null are skipped (nothing to find), so the hit rate is over the cases that state it;
* responders: names compared case-insensitively, a name also matching a longer form of
  itself ("Tim" ~ "Tim Head"), and a person matching by any name the source gives them
  (Slack's display name "olly" beside the full name "Oliver Grant"); precision, recall and F1 are micro-averaged over cases
  (true/false positives and false negatives summed). A case whose key and prediction are
  both empty adds nothing to any sum, so it neither helps nor hurts; if every case is
  empty-vs-empty the F1 is 1.0 (nothing to find, nothing wrongly found);
* links: recall of the key's URLs, both sides normalised by stripping trailing sentence
  punctuation (keys quote URLs as they appear in the text, "…/healthz:").

* candidates: a key time also counts "among the candidates" when any of the extractor's
  (up to three) candidates for it is within 10 minutes: what the user can pick with one key.

A key marked ``"reconstructed": true`` (a conversation written from a post-mortem rather than
a real chat log) is scored in its own group, apart from the real cases, when both are present.
The overall score is the mean of the key-time hit rate (all stated times pooled), the
responders F1 and the links recall. Targets: each key time >= 80%, F1 >= 0.9, recall >= 0.95.
It also prints extraction time per case. Nothing here is tuned to particular cases.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's code and prompts/, even over an installed copy

from facilitator.extract import extract_findings  # noqa: E402
from facilitator.extract.patterns import patterns  # noqa: E402
from facilitator.errors import UserError  # noqa: E402
from facilitator.sources.paste import parse_transcript  # noqa: E402
from facilitator.transcript import Transcript  # noqa: E402

KEY_TIMES = ("detected_at", "mitigated_at", "resolved_at", "started_at")
TOLERANCE = timedelta(minutes=10)
TRAILING = ".,:;!?)]>'\"*_`"


def norm_url(url: str) -> str:
    """A URL compared without the punctuation that may follow it in prose."""
    return url.strip().rstrip(TRAILING)


def same_person(a: str, b: str) -> bool:
    """Case-insensitive name match; "Tim" matches "Tim Head"."""
    x, y = a.casefold().split(), b.casefold().split()
    if not x or not y:
        return False
    shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
    return longer[: len(shorter)] == shorter


def read_case(folder: Path) -> tuple[dict, Transcript]:
    """A case's answer key and its paste, read as ``extract --transcript paste.txt --tz TZ --date DATE`` would.

    Raises ``UserError`` when the paste cannot be read.
    """
    key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
    hint = key.get("date_hint")
    transcript = parse_transcript(
        (folder / "paste.txt").read_text(encoding="utf-8"),
        tz=key.get("tz_hint") or "UTC",
        default_date=date.fromisoformat(hint) if hint else None,
        origin="paste.txt",
    )
    return key, transcript


def score_case(folder: Path) -> dict:
    """Run extraction on one case and compare with its key."""
    try:
        key, transcript = read_case(folder)
    except UserError as exc:
        key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
        # An unreadable paste is scored as finding nothing, not allowed to stop the run.
        return _unreadable(folder.name, key, str(exc))
    started = time.perf_counter()
    findings = extract_findings(transcript)
    elapsed = (time.perf_counter() - started) * 1000
    result: dict = {"case": folder.name, "kind": _kind(key), "ms": elapsed, "times": {}, "among": {}, "predicted": {}}
    for name in KEY_TIMES:
        expected = key.get(name)
        found = findings.key_time(name)
        result["predicted"][name] = found.at.isoformat() if found else None
        if expected is None:
            result["times"][name] = result["among"][name] = None
            continue
        want = datetime.fromisoformat(expected)
        result["times"][name] = found is not None and abs(found.at - want) <= TOLERANCE
        options = findings.candidates.get(name) or ([found] if found else [])
        result["among"][name] = any(abs(c.at - want) <= TOLERANCE for c in options)
    predicted = [r.name for r in findings.responders]
    known = [[r.name, *r.aliases] for r in findings.responders]  # a person also matches by a name the source gave them
    expected_people = list(key.get("responders") or [])
    tp = sum(1 for names in known if any(same_person(n, e) for n in names for e in expected_people))
    fn = sum(1 for e in expected_people if not any(same_person(n, e) for names in known for n in names))
    result.update(tp=tp, fp=len(predicted) - tp, fn=fn, responders=predicted, expected_responders=expected_people)
    found_urls = {norm_url(link.url) for link in findings.links}
    key_urls = [norm_url(u) for u in key.get("links") or []]
    result["links_found"] = sum(1 for u in key_urls if u in found_urls)
    result["links_total"] = len(key_urls)
    result["links_missed"] = [u for u in key_urls if u not in found_urls]
    return result


def _unreadable(name: str, key: dict, error: str) -> dict:
    """The score of a case whose paste could not be parsed: every stated fact missed."""
    urls = [norm_url(u) for u in key.get("links") or []]
    people = list(key.get("responders") or [])
    return {
        "case": name + " (unreadable)",
        "kind": _kind(key),
        "error": error,
        "ms": 0.0,
        "times": {n: (None if key.get(n) is None else False) for n in KEY_TIMES},
        "among": {n: (None if key.get(n) is None else False) for n in KEY_TIMES},
        "predicted": {n: None for n in KEY_TIMES},
        "tp": 0,
        "fp": 0,
        "fn": len(people),
        "responders": [],
        "expected_responders": people,
        "links_found": 0,
        "links_total": len(urls),
        "links_missed": urls,
    }


def _kind(key: dict) -> str:
    """"real" for a published chat log, "reconstructed" for one rewritten from a post-mortem."""
    return "reconstructed" if key.get("reconstructed") else "real"


def _mark(value: bool | None) -> str:
    return "  -" if value is None else (" ok" if value else " NO")


def _ratio(a: int, b: int, empty: float = 1.0) -> float:
    return a / b if b else empty


def _summary(results: list[dict]) -> None:
    """Print the pooled scores of a group of cases."""
    rates = []
    for name in KEY_TIMES:
        stated = [r["times"][name] for r in results if r["times"][name] is not None]
        hits = sum(1 for v in stated if v)
        rate = _ratio(hits, len(stated))
        rates.append((hits, len(stated)))
        target = "meets" if rate >= 0.8 else "BELOW"
        print(f"{name:<13} within 10 min: {hits}/{len(stated)} = {rate:.0%}  ({target} target 80%)")
    tp = sum(r["tp"] for r in results)
    fp = sum(r["fp"] for r in results)
    fn = sum(r["fn"] for r in results)
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = 1.0 if tp + fp + fn == 0 else (2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    print(f"responders    precision {precision:.2f} recall {recall:.2f} F1 {f1:.2f} (micro; TP {tp} FP {fp} FN {fn}; target F1 0.9)")
    found = sum(r["links_found"] for r in results)
    total = sum(r["links_total"] for r in results)
    links_recall = _ratio(found, total)
    print(f"links         recall {found}/{total} = {links_recall:.2f} (target 0.95)")
    pooled = [r[part][n] for r in results for n in ("detected_at", "mitigated_at", "resolved_at") for part in ("times",)]
    among = [r["among"][n] for r in results for n in ("detected_at", "mitigated_at", "resolved_at")]
    hit = [v for v in pooled if v is not None]
    near = [v for v in among if v is not None]
    print(f"detect/mitigate/resolve within 10 min: {sum(hit)}/{len(hit)} = {_ratio(sum(hit), len(hit)):.0%} (target 80%); "
          f"among the candidates: {sum(near)}/{len(near)} = {_ratio(sum(near), len(near)):.0%} (target 95%)")
    time_rate = _ratio(sum(h for h, _ in rates), sum(n for _, n in rates))
    overall = (time_rate + f1 + links_recall) / 3
    print(f"overall       {overall:.2f} = mean(key times {time_rate:.2f}, responders F1 {f1:.2f}, links recall {links_recall:.2f})")


def main(argv: list[str]) -> int:
    """Print the per-case table and the overall scores; exit 1 when no case was found."""
    positional = [a for a in argv[1:] if not a.startswith("-")]
    cases_dir = Path(positional[0]) if positional else ROOT.parent / "shared" / "eval"
    folders = sorted(
        p for p in (cases_dir.iterdir() if cases_dir.is_dir() else []) if (p / "answer_key.json").is_file() and (p / "paste.txt").is_file()
    )
    if not folders:
        print(f"no cases (folders with paste.txt + answer_key.json) in {cases_dir}")
        return 1
    patterns()  # compile the vocabularies once, outside the per-case timings
    results = [score_case(folder) for folder in folders]
    width = max(len(r["case"]) for r in results)
    head = f"{'case':<{width}}  det mit res sta   resp P   resp R  links    ms"
    print(head)
    print("-" * len(head))
    for r in results:
        marks = "".join(_mark(r["times"][n]) + " " for n in KEY_TIMES)
        npred = r["tp"] + r["fp"]
        nkey = r["tp"] + r["fn"]
        p = f"{r['tp']}/{npred}" if npred else "0/0"
        rc = f"{r['tp']}/{nkey}" if nkey else "0/0"
        print(f"{r['case']:<{width}} {marks} {p:>7}  {rc:>7}  {r['links_found']}/{r['links_total']:<3} {r['ms']:6.1f}")
    kinds = sorted({r["kind"] for r in results})
    for kind in kinds:
        group = [r for r in results if r["kind"] == kind]
        print(f"\n== {kind} ({len(group)} cases)" if len(kinds) > 1 else "")
        _summary(group)
    if "-v" in argv or "--verbose" in argv:
        for r in results:
            print(f"\n{r['case']}: predicted {json.dumps(r['predicted'])}")
            print(f"  responders {r['responders']} (key {r['expected_responders']}); missed links {r['links_missed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
