"""Speaker accuracy of quote attribution on the project's quote fixture (issue 4).

Run: .venv/bin/python bench/quotes.py [--cases tests/fixtures/quotes.jsonl] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from storylens.evaluate.quotes import read_cases, run_case

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/fixtures/quotes.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the wrong attributions")
    args = parser.parse_args()
    outcomes = [run_case(case) for case in read_cases(args.cases)]
    found = sum(o.found for o in outcomes)
    correct = sum(o.correct for o in outcomes)
    print(f"quote attribution: {len(outcomes)} quotes\n")
    print("| quotes found | speaker accuracy (of all quotes) |")
    print("|---|---|")
    print(f"| {found}/{len(outcomes)} | {correct / len(outcomes):.3f} |")
    if args.verbose:
        for o in outcomes:
            if not o.correct:
                print(f"{o.case.id}: expected {o.case.speaker}, got {o.speaker} (found={o.found})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
