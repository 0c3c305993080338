"""B-cubed of alias merging on the project's mention sets (issue 4).

Run: .venv/bin/python bench/aliases.py [--sets tests/fixtures/aliases.jsonl] [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from storylens.evaluate.aliases import evaluate, read_sets

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "tests/fixtures/aliases.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the sets merged wrongly")
    args = parser.parse_args()
    sets = read_sets(args.sets)
    score, details = evaluate(sets)
    mentions = sum(len(s.mentions) for s in sets)
    print(f"alias merging: {len(sets)} mention sets, {mentions} mentions, B-cubed pooled over mentions\n")
    print("| precision | recall | F1 |")
    print("|---|---|---|")
    print(f"| {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |")
    if args.verbose:
        for mention_set, labels in details:
            gold = [g for _, _, g in mention_set.mentions]
            pairs_ok = all(
                (labels[i] == labels[j]) == (gold[i] == gold[j]) for i in range(len(gold)) for j in range(i)
            )
            if not pairs_ok:
                print(
                    mention_set.id,
                    [(t, lab) for (t, _, _), lab in zip(mention_set.mentions, labels, strict=True)],
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
