"""Story grouping on real dated streams: Gedikli et al.'s story chains (pairwise same-story F1
against the hand-coded pairs) and the 13 dated Timeline17 streams (pairwise F1 per stream: one
topic within a week is one story); see `storylens.evaluate.streams` for the data, the gold and the splits.

Rows: storylens batch (what `storylens brief` groups with), storylens incremental (what
`storylens cluster` groups with), and plain tf-idf average link at the threshold it is tuned to on
the odd ECB+ topics in this same run. `--split test` (default) scores the held-out halves;
`--split dev` the halves the settings were chosen on; `--tune` prints the development grid of
half-life and merge threshold that chose them.

    python bench/stories_streams.py
    python bench/stories_streams.py --split dev --tune
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.config import StorySettings
from storylens.evaluate import stories as ecb
from storylens.evaluate import streams as st

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FALLBACK_TFIDF_THRESHOLD = 0.17  # what the ECB+ odd topics give, when ECB+ is not at hand
HALF_LIVES = (7.0, 14.0, 30.0, 60.0)
MERGE_THRESHOLDS = (0.10, 0.11, 0.12, 0.13, 0.14)


def tfidf_threshold(ecbplus: Path) -> float:
    if not ecbplus.exists():
        return FALLBACK_TFIDF_THRESHOLD
    documents = ecb.read_ecbplus(ecbplus)
    threshold, _, _ = ecb.tune_and_test(ecb.tfidf_clusterer(documents), documents)
    return threshold


def systems(threshold: float, settings: StorySettings) -> dict[str, st.Grouping]:
    return {
        f"storylens batch ({settings.merge_threshold:.2f}, half-life {settings.time_half_life_days:g} d)": (
            st.storylens_batch(settings)
        ),
        f"storylens incremental ({settings.incremental_threshold:.2f})": st.storylens_incremental(settings),
        f"tf-idf average link ({threshold:.2f}, tuned on ECB+ odd topics)": st.tfidf_average_link(threshold),
    }


def chains_table(pile: st.Pile, groupings: dict[str, st.Grouping]) -> None:
    assert pile.pairs is not None
    positives = sum(pile.pairs.values())
    print(
        f"\n{pile.name}: {len(pile.articles)} articles, {len(pile.pairs)} labelled pairs, "
        f"{positives} same-story\n"
    )
    print("| system | groups | pairwise P | pairwise R | pairwise F1 |")
    print("|---|---|---|---|---|")
    for name, group in groupings.items():
        labels = group(pile)
        score = st.pairwise(labels, pile)
        print(
            f"| {name} | {len(set(labels))} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |"
        )


def timeline_table(pile: st.Pile, groupings: dict[str, st.Grouping]) -> None:
    results = {name: st.pairwise_by_stream(group(pile), pile) for name, group in groupings.items()}
    names = list(results)
    print(
        f"\n{pile.name}: {len(pile.articles)} articles, {len(set(pile.gold))} topics; "
        "pairwise same-story F1 (P/R) over the judged pairs of each stream\n"
    )
    print("| stream | articles | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    sizes = {s: pile.streams.count(s) for s in set(pile.streams)}
    for stream in [*sorted(sizes), "all"]:
        cells = [
            f"{r[stream].f1:.3f} ({r[stream].precision:.2f}/{r[stream].recall:.2f})" for r in results.values()
        ]
        size = len(pile.streams) if stream == "all" else sizes[stream]
        print(f"| {stream} | {size} | " + " | ".join(cells) + " |")


def tune(chains: st.Pile, timeline: st.Pile) -> None:
    """Development grid: story-chain pairwise F1 and Timeline17 mean per-stream pairwise F1."""
    print("\nDevelopment grid (batch): story chains pairwise F1 / Timeline17 mean per-stream pairwise F1\n")
    print("| half-life (days) | " + " | ".join(f"{t:.2f}" for t in MERGE_THRESHOLDS) + " |")
    print("|---|" + "---|" * len(MERGE_THRESHOLDS))
    for half_life in HALF_LIVES:
        cells = []
        for threshold in MERGE_THRESHOLDS:
            settings = dataclasses.replace(
                StorySettings(), time_half_life_days=half_life, merge_threshold=threshold
            )
            group = st.storylens_batch(settings)
            chain = st.pairwise(group(chains), chains).f1
            streams = st.pairwise_by_stream(group(timeline), timeline)
            mean = float(np.mean([s.f1 for name, s in streams.items() if name != "all"]))
            cells.append(f"{chain:.3f} / {mean:.3f}")
        print(f"| {half_life:g} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    parity = 0 if args.split == "dev" else 1
    chains = st.read_story_chains(args.data / "events" / "story_chains_gedikli").half(parity)
    timeline = st.read_timeline17(args.data / "timelines" / "timeline17").half(parity)
    threshold = tfidf_threshold(args.data / "events" / "ecbplus")
    groupings = systems(threshold, StorySettings())
    chains_table(chains, groupings)
    timeline_table(timeline, groupings)
    if args.tune:
        tune(chains, timeline)


if __name__ == "__main__":
    main()
