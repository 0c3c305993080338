"""Does `storylens cluster --engine spark` give the stories of the local engine?

Two piles from ../shared/data, each written as a JSON-lines corpus under a temporary folder: the
570 source articles of the 200 Multi-News clusters (gold story: the cluster) and the 535 ECB+
documents of topics 1-25 (gold story: the sub-event, `N_Xecb` or `N_Xecbplus`). Each goes through
the local engine and through the Spark engine; the table gives the agreement of the two (adjusted
Rand index, share of identical story records) and each engine's B-cubed F1 against the gold.

    python bench/spark_same_stories.py --master 'local[2]'
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.config import Settings
from storylens.corpus import cluster_corpus
from storylens.evaluate.metrics import bcubed
from storylens.evaluate.stories import read_ecbplus
from storylens.evaluate.summaries import read_multinews
from storylens.spark import cluster_corpus_spark, spark_session
from storylens.spark.output import read_stories

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def multinews(data: Path) -> Iterator[tuple[str, str]]:
    """(text, gold story) of each Multi-News source article."""
    for number, cluster in enumerate(read_multinews(data / "mds" / "multinews200" / "multi_news.jsonl")):
        for text in cluster.documents:
            yield text, f"cluster {number}"


def ecbplus(data: Path) -> Iterator[tuple[str, str]]:
    for document in read_ecbplus(data / "events" / "ecbplus"):
        yield document.text, document.gold


def write_pile(pile: Iterator[tuple[str, str]], path: Path) -> dict[str, str]:
    """The pile as JSON lines; the gold story of each line's origin."""
    gold = {}
    with path.open("w", encoding="utf-8") as out:
        for number, (text, story) in enumerate(pile, start=1):
            out.write(json.dumps({"text": text}) + "\n")
            gold[f"{path}:{number}"] = story
    return gold


def story_of(stories: list[dict]) -> dict[str, str]:
    return {article["origin"]: story["id"] for story in stories for article in story["articles"]}


def compare(name: str, corpus: Path, gold: dict[str, str], spark: object, folder: Path) -> str:
    settings = Settings()
    started = time.monotonic()
    cluster_corpus([str(corpus)], folder / "local.jsonl", settings, restart=True)
    local_seconds = time.monotonic() - started
    local = [json.loads(line) for line in (folder / "local.jsonl").open()]
    started = time.monotonic()
    cluster_corpus_spark(spark, [str(corpus)], str(folder / "spark.parquet"), settings)
    spark_seconds = time.monotonic() - started
    distributed = read_stories(folder / "spark.parquet")
    by_local, by_spark = story_of(local), story_of(distributed)
    origins = sorted(by_local)
    if sorted(by_spark) != origins:
        raise SystemExit(f"{name}: the engines placed different articles")
    agreement = adjusted_rand_score([by_local[o] for o in origins], [by_spark[o] for o in origins])
    same = len(
        {json.dumps(s, sort_keys=True) for s in local} & {json.dumps(s, sort_keys=True) for s in distributed}
    )
    f1_local = bcubed([by_local[o] for o in origins], [gold[o] for o in origins]).f1
    f1_spark = bcubed([by_spark[o] for o in origins], [gold[o] for o in origins]).f1
    return (
        f"| {name} | {len(origins)} | {len(local)} | {len(distributed)} | {agreement:.4f} "
        f"| {same}/{len(local)} | {f1_local:.3f} | {f1_spark:.3f} | {abs(f1_local - f1_spark):.3f} "
        f"| {local_seconds:.1f} | {spark_seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    spark = spark_session(args.master, "storylens-same-stories")
    print(f"Spark master {args.master}\n")
    print(
        "| pile | articles | local stories | Spark stories | ARI (Spark vs local) | identical story records "
        "| B-cubed F1 local | B-cubed F1 Spark | difference | local s | Spark s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="storylens-same-") as name:
        folder = Path(name)
        for pile_name, pile in (
            ("Multi-News 200", multinews(args.data)),
            ("ECB+ topics 1-25", ecbplus(args.data)),
        ):
            gold = write_pile(pile, folder / "corpus.jsonl")
            print(compare(pile_name, folder / "corpus.jsonl", gold, spark, folder), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
