"""Precision and recall of conflict detection, per kind, on the project's conflict suite.

Run: .venv/bin/python bench/conflicts.py [--cases tests/fixtures/conflicts.jsonl] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from storylens.evaluate.conflict_suite import NONE, read_cases, run_case, score

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/fixtures/conflicts.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    cases = read_cases(args.cases)
    outcomes = [run_case(case) for case in cases]
    conflicts = sum(case.expected != NONE for case in cases)
    print(f"conflict suite: {conflicts} conflict cases, {len(cases) - conflicts} agreeing pairs\n")
    print("| kind | cases | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for kind, value in score(outcomes).items():
        count = sum(c.expected == kind for c in cases) if kind != "overall" else conflicts
        print(f"| {kind} | {count} | {value.precision:.2f} | {value.recall:.2f} | {value.f1:.2f} |")
    if args.verbose:
        for outcome in outcomes:
            wrong = set(outcome.found) - {outcome.case.expected}
            missed = outcome.case.expected != NONE and outcome.case.expected not in outcome.found
            if wrong or missed:
                print(f"{outcome.case.id}: expected {outcome.case.expected}, found {list(outcome.found)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
