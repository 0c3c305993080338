"""The claim aligner's "same fact" decision on MSRP, beside tf-idf cosine (issue 4, item 4).

Run: .venv/bin/python bench/paraphrase.py [--data ../shared/data/paraphrase/msrp]

Thresholds are tuned for accuracy on msr-para-train.tsv; figures are on msr-para-val.tsv.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storylens.config import CrosscheckSettings
from storylens.errors import InputError
from storylens.evaluate.paraphrase import (
    accuracy_f1,
    aligner_scores,
    best_threshold,
    read_pairs,
    tfidf_scores,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/data/paraphrase/msrp"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    try:
        train = read_pairs(args.data / "msr-para-train.tsv")
        test = read_pairs(args.data / "msr-para-val.tsv")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = []
    ours_train, ours_test = aligner_scores(train), aligner_scores(test)
    tuned = best_threshold(ours_train, train.labels)
    rows.append(
        ("storylens aligner, threshold tuned on train", tuned, *accuracy_f1(ours_test, test.labels, tuned))
    )
    claim = CrosscheckSettings().claim_similarity
    rows.append(
        (
            "storylens aligner at the pipeline's claim threshold",
            claim,
            *accuracy_f1(ours_test, test.labels, claim),
        )
    )
    base_train, base_test = tfidf_scores(train, train), tfidf_scores(train, test)
    base = best_threshold(base_train, train.labels)
    rows.append(
        (
            "tf-idf cosine, threshold tuned on train (baseline)",
            base,
            *accuracy_f1(base_test, test.labels, base),
        )
    )
    majority = float(test.labels.mean())
    rows.append(('always "paraphrase" (majority class)', 0.0, majority, 2 * majority / (1 + majority)))
    print(
        f"MSRP: {len(train.labels)} training pairs for thresholds, "
        f"{len(test.labels)} validation pairs scored\n"
    )
    print("| system | threshold | accuracy | F1 |")
    print("|---|---|---|---|")
    for name, threshold, accuracy, f1 in rows:
        print(f"| {name} | {threshold:.3f} | {accuracy:.3f} | {f1:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
