"""Throughput and memory of `storylens cluster --engine spark` at `local[1]` and `local[2]`, beside
the local engine, on the corpus of bench/cluster_scale.py (every article text of ../shared/data,
copied with light perturbations up to the size asked), in one run.

    python bench/spark_scale.py --sizes 10000 100000

Each engine runs as its own command (start-up, Spark's included, counts). Memory is sampled every
0.2 s over the command's process tree: the whole tree, the largest JVM (in local mode the driver is
the executor) and the largest Python worker of Spark. Agreement: the adjusted Rand index of each
Spark run's stories against the local engine's, and how well copies of one text stay together.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from procs import descendants, resident_bytes
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cluster_scale import SHARED, base_articles, write_corpus

from storylens.spark.output import read_stories


def rss_and_kind(pid: int) -> tuple[int, str]:
    """Resident bytes of a process, and whether it is a JVM, a Spark Python worker or other."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return 0, "gone"
    rss = resident_bytes(pid)
    if "java" in command.split(" ", 1)[0]:
        return rss, "jvm"
    return rss, "worker" if "pyspark" in command else "other"


def run(command: list[str]) -> tuple[float, dict[str, int]]:
    """(seconds, peak bytes by part: tree, jvm, worker)."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: Counter[str] = Counter()

    def sample() -> None:
        while process.poll() is None:
            sizes = [rss_and_kind(pid) for pid in {process.pid} | descendants(process.pid)]
            peaks["tree"] = max(peaks["tree"], sum(size for size, _ in sizes))
            for part in ("jvm", "worker"):
                peaks[part] = max([peaks[part]] + [size for size, kind in sizes if kind == part])
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()[-3000:]}")
    return time.monotonic() - started, dict(peaks)


def labels(output: Path) -> dict[str, str]:
    return {article["origin"]: story["id"] for story in read_stories(output) for article in story["articles"]}


def copies_together(story_of: dict[str, str], sources: list[int]) -> float:
    """B-cubed recall of "same base text" (as in bench/cluster_scale.py)."""
    by_source: dict[int, list[str]] = {}
    for origin, story in story_of.items():
        by_source.setdefault(sources[int(origin.rsplit(":", 1)[1]) - 1], []).append(story)
    total = sum(sum(c * c for c in Counter(s).values()) / len(s) for s in by_source.values())
    return total / max(sum(len(s) for s in by_source.values()), 1)


def local_rule_with_corpus_frequencies(corpus: Path, batch_size: int = 1000) -> dict[str, str]:
    """The local engine's placement, in this process, with the corpus' frequencies counted first
    instead of learnt as articles come: what the Spark engine distributes."""
    from storylens import worker
    from storylens.config import Settings
    from storylens.corpus import prepare_chunk
    from storylens.ingest import iter_documents
    from storylens.model import Failure
    from storylens.stories.incremental import StoryClusterer
    from storylens.stories.vectors import DocumentFrequencies

    settings = Settings()
    worker.use(settings)
    items = list(iter_documents([str(corpus)], settings.ingest))
    batches = [
        [item for item in prepare_chunk(items[start : start + batch_size]) if not isinstance(item, Failure)]
        for start in range(0, len(items), batch_size)
    ]
    frequencies = DocumentFrequencies()
    for batch in batches:
        for _, features in batch:
            frequencies.counts[features.words[0]] += 1
        frequencies.documents += len(batch)
    clusterer = StoryClusterer(settings.stories, frequencies, as_learnt=True)
    origin = {features.id: record["origin"] for batch in batches for record, features in batch}
    story_of: dict[str, str] = {}
    for batch in batches:
        clusterer.add_features([features for _, features in batch])
        dates = [features.published for _, features in batch if features.published]
        closed = list(clusterer.close_stale(max(dates))) if dates else []
        story_of.update((origin[a], story.id) for story in closed for a in story.article_ids)
    story_of.update((origin[a], story.id) for story in clusterer.finish() for a in story.article_ids)
    return story_of


def agreement(first: dict[str, str] | None, second: dict[str, str]) -> float:
    origins = sorted(second)
    if first is None or sorted(first) != origins:
        return float("nan")
    return float(adjusted_rand_score([first[o] for o in origins], [second[o] for o in origins]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--engines", nargs="+", default=["local", "local[1]", "local[2]"])
    parser.add_argument(
        "--check-rule",
        action="store_true",
        help="also compare with the local placement given the corpus' frequencies (cleans in this process)",
    )
    args = parser.parse_args()
    base = base_articles(args.data)
    load = os.getloadavg()[0]
    print(f"{len(base):,} distinct article texts; cores: {os.cpu_count()}; load at start {load:.2f}\n")
    print(
        "| articles | engine | seconds | articles/s | s per n log n (x1e-6) | peak tree MiB | peak JVM MiB "
        "| peak Python worker MiB | stories | ARI vs local | ARI vs local rule, corpus frequencies "
        "| copies kept together | load after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    storylens = [sys.executable, "-m", "storylens", "cluster"]
    with tempfile.TemporaryDirectory(prefix="storylens-spark-scale-") as folder:
        for size in args.sizes:
            corpus = Path(folder) / f"corpus-{size}.jsonl"
            sources = write_corpus(corpus, size, base)
            local: dict[str, str] | None = None
            rule = local_rule_with_corpus_frequencies(corpus) if args.check_rule else None
            for engine in args.engines:
                output = Path(folder) / f"{engine.replace('[', '-').strip(']')}-{size}.jsonl"
                command = [*storylens, str(corpus), "-o", str(output)]
                if engine == "local":
                    command.append("--restart")
                else:
                    command += ["--engine", "spark", "--master", engine]
                seconds, peaks = run(command)
                story_of = labels(output)
                local = story_of if engine == "local" else local
                print(
                    f"| {size:,} | {engine} | {seconds:.0f} | {size / seconds:,.0f} "
                    f"| {seconds / (size * max(1.0, math.log2(size))) * 1e6:.2f} "
                    f"| {peaks.get('tree', 0) / 2**20:,.0f} | {peaks.get('jvm', 0) / 2**20:,.0f} "
                    f"| {peaks.get('worker', 0) / 2**20:,.0f} | {len(set(story_of.values())):,} "
                    f"| {agreement(local, story_of):.4f} | {agreement(rule, story_of):.4f} "
                    f"| {copies_together(story_of, sources):.3f} | {os.getloadavg()[0]:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
