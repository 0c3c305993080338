"""ROUGE of the summary on the development half of Multi-News 200, beside the baselines that
`storylens eval summaries` runs, for tuning without touching the test half.

`storylens eval summaries --limit N` takes the first N clusters, development and test alike; this
script takes the even-numbered (development) clusters among the first N and runs the same
functions (`evaluate/summaries.py`) on them at the same budget.

    .venv/bin/python bench/summary_rouge_dev.py --first 40
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.evaluate import summaries as s

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mds" / "multinews200" / "multi_news.jsonl"
WORDS = 220  # the budget of `storylens eval summaries`


def systems() -> dict[str, Callable[[Sequence[str], int], str]]:
    return {
        "storylens": s.storylens_summary,
        "lead (each source in turn)": s.lead,
        "centroid (tf-idf)": s.centroid,
        "LexRank (sumy)": s.sumy_summarizer("LexRank"),
        **{
            f"{name} (sumy, top {top} in document order)": s.sumy_summarizer(name, top)
            for name in ("LexRank", "TextRank", "LSA")
            for top in (s.SUMY_CLI_COUNT,)
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--first", type=int, default=40, help="even-numbered clusters among the first N")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    started = time.perf_counter()
    clusters = s.read_multinews(args.data, args.first)[::2]
    scores: dict[str, list[dict[str, float]]] = {name: [] for name in systems()}
    for name, system in systems().items():
        scores[name] = [s.rouge(system(c.documents, WORDS), c.reference) for c in clusters]
    print(f"{len(clusters)} development clusters, {WORDS} words ({time.perf_counter() - started:.0f} s)")
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-L |\n|---|---|---|---|")
    for name, values in scores.items():
        row = [100 * statistics.mean(v[m] for v in values) for m in ("rouge1", "rouge2", "rougeL")]
        print(f"| {name} | " + " | ".join(f"{x:.2f}" for x in row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
