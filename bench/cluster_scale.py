"""Throughput and peak memory of `storylens cluster` at growing corpus sizes.

The corpus is built from every article text in ../shared/data (Timeline17 articles, Multi-News
passages, ECB+ documents, SemEval-2022 Task 8 texts, SummEdits news documents, scrapinghub page
bodies, Clough & Stevenson answers), repeated with light perturbations until it is large enough:
each copy drops about one sentence in ten, alters a few numbers, gets its own outlet, and moves its
date (where it has one) by up to two days. Copies of one text should end in one story, so the
story count is printed as a sanity check. Files are written under a temporary folder, never into
the repository.

    python bench/cluster_scale.py --sizes 1000 10000 100000

Peak memory is the largest sum of resident memory over the command's process tree, sampled every
0.2 s; time is wall time of the whole command (start-up included).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from procs import descendants, resident_bytes

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NUMBER = re.compile(r"\b\d{1,4}\b")


def base_articles(data: Path) -> list[dict[str, str | None]]:
    """(text, date) of every article text in the shared data, each once."""
    found: list[dict[str, str | None]] = []
    for path in sorted((data / "timelines" / "timeline17").glob("*/articles.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            found.append({"text": record["text"], "date": record.get("time")})
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from storylens.evaluate.stories import read_ecbplus
    from storylens.evaluate.summaries import read_multinews

    for cluster in read_multinews(data / "mds" / "multinews200" / "multi_news.jsonl"):
        found += [{"text": text, "date": None} for text in cluster.documents]

    found += [{"text": d.text, "date": None} for d in read_ecbplus(data / "events" / "ecbplus")]
    csv.field_size_limit(sys.maxsize)
    with (data / "similarity" / "semeval2022_task8" / "training_set.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found += [{"text": row[key], "date": None} for key in ("text1", "text2")]
    news = json.loads((data / "consistency" / "summedits" / "summedits_news.json").read_text())
    found += [{"text": doc, "date": None} for doc in sorted({item["doc"] for item in news})]
    truth = json.loads((data / "extraction" / "scrapinghub" / "ground-truth.json").read_text())
    found += [{"text": page["articleBody"], "date": None} for page in truth.values()]
    for path in sorted((data / "reuse" / "clough_stevenson").glob("*.txt")):
        found.append({"text": path.read_text(encoding="latin-1"), "date": None})
    unique = {item["text"]: item for item in found if item["text"] and len(item["text"].split()) >= 40}
    return list(unique.values())


def perturbed(item: dict[str, str | None], copy: int, rng: random.Random) -> dict[str, str | None]:
    text = str(item["text"])
    if copy:
        sentences = SENTENCE_END.split(text)
        kept = [s for s in sentences if rng.random() > 0.1] or sentences[:1]
        text = NUMBER.sub(
            lambda m: str(int(m.group()) + 1) if rng.random() < 0.2 else m.group(), " ".join(kept)
        )
    date = item["date"]
    if date and copy:
        moved = datetime.fromisoformat(str(date)[:10]) + timedelta(days=rng.randint(0, 2))
        date = moved.date().isoformat()
    return {"text": text, "date": date, "source": f"Outlet {copy}"}


def write_corpus(path: Path, size: int, base: list[dict[str, str | None]]) -> list[int]:
    """The corpus as JSON lines, and the base text of each line: rounds of shuffled copies, cut at
    `size`, then the dated articles put in date order (as a news stream comes) while the undated
    ones keep their places."""
    rng = random.Random(7)
    order = list(range(len(base)))
    items: list[tuple[int, dict[str, str | None]]] = []
    for copy in range(size // len(base) + 1):
        rng.shuffle(order)
        items += [(index, perturbed(base[index], copy, rng)) for index in order]
    items = items[:size]
    dated = [i for i, (_, item) in enumerate(items) if item["date"]]
    in_date_order = sorted(dated, key=lambda i: str(items[i][1]["date"]))
    arranged = list(items)
    for position, source in zip(dated, in_date_order, strict=True):
        arranged[position] = items[source]
    with path.open("w", encoding="utf-8") as out:
        for _, item in arranged:
            out.write(json.dumps(item) + "\n")
    return [index for index, _ in arranged]


def copies_together(output: Path, corpus: Path, sources: list[int]) -> float:
    """B-cubed recall of "same base text" over the stories: 1.0 when every copy of a text is in
    one story with all the other copies of it."""
    story_of: dict[int, int] = {}
    with output.open() as handle:
        for number, line in enumerate(handle):
            for article in json.loads(line)["articles"]:
                story_of[int(article["origin"].rsplit(":", 1)[1]) - 1] = number
    by_source: dict[int, list[int]] = {}
    for line, source in enumerate(sources):
        if line in story_of:
            by_source.setdefault(source, []).append(story_of[line])
    total = 0.0
    for stories in by_source.values():
        counts = Counter(stories)
        total += sum(count * count for count in counts.values()) / len(stories)
    return total / max(sum(len(s) for s in by_source.values()), 1)


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    return sum(resident_bytes(pid) for pid in {root} | descendants(root))


def run_cluster(corpus: Path, output: Path) -> tuple[float, int, int]:
    """(seconds, peak bytes, stories)."""
    command = [sys.executable, "-m", "storylens", "cluster", str(corpus), "-o", str(output), "--restart"]
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    sampler.join()
    seconds = time.monotonic() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"storylens cluster failed ({process.returncode}): {stderr.decode()[-2000:]}")
    with output.open() as handle:
        stories = sum(1 for _ in handle)
    return seconds, peak, stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--data", type=Path, default=SHARED)
    args = parser.parse_args()
    base = base_articles(args.data)
    print(f"{len(base):,} distinct article texts in {args.data}; cores: {os.cpu_count()}\n")
    print(
        "| articles | seconds | articles/s | peak memory (MiB) | stories | copies kept together "
        "| s per n log n (x1e-6) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="storylens-scale-") as folder:
        for size in args.sizes:
            corpus = Path(folder) / f"corpus-{size}.jsonl"
            sources = write_corpus(corpus, size, base)
            output = Path(folder) / f"stories-{size}.jsonl"
            seconds, peak, stories = run_cluster(corpus, output)
            together = copies_together(output, corpus, sources)
            per_nlogn = seconds / (size * max(1.0, math.log2(size))) * 1e6
            print(
                f"| {size:,} | {seconds:.1f} | {size / seconds:,.0f} | {peak / 2**20:,.0f} | {stories:,} "
                f"| {together:.3f} | {per_nlogn:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
