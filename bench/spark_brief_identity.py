"""Are the briefings of `storylens brief --engine spark` those of `storylens brief` on each story?

The first 500 source articles of the Multi-News pile (../shared/data/mds/multinews200) are written
as a folder of text files under a temporary folder. `storylens brief --engine spark FOLDER -o
briefings.parquet` runs once (a separate process, as a user runs it); then, for every corpus
story in its output, `storylens brief` runs on that story's files in input order: in this process
through `pipeline.brief`, the function the command calls, and, for the `--cli` largest stories,
through the command itself with `--json`. A briefing matches when its JSON in the Parquet column
is byte for byte the compact JSON of the same briefing in the `briefings` list of `--json`.

    python bench/spark_brief_identity.py --master 'local[2]' --cli 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.evaluate.summaries import read_multinews
from storylens.pipeline import brief
from storylens.render import to_json
from storylens.spark.output import read_stories

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def write_folder(data: Path, folder: Path, size: int) -> list[Path]:
    files: list[Path] = []
    for number, cluster in enumerate(read_multinews(data / "mds" / "multinews200" / "multi_news.jsonl")):
        for index, text in enumerate(cluster.documents):
            if len(files) < size:
                files.append(folder / f"{number:03d}-{index}.txt")
                files[-1].write_text(text, encoding="utf-8")
    return files


def compact_briefings(json_bytes: bytes) -> list[bytes]:
    """Each briefing of a `--json` file in the compact form of the Parquet column."""
    return sorted(orjson.dumps(item) for item in orjson.loads(json_bytes)["briefings"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--cli", type=int, default=3, help="stories also checked through the command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storylens-brief-") as name:
        folder = Path(name) / "pile"
        folder.mkdir()
        write_folder(args.data, folder, args.articles)
        stories_path, output = Path(name) / "stories.parquet", Path(name) / "briefings.parquet"
        spark = [sys.executable, "-m", "storylens"]
        engine = ["--engine", "spark", "--master", args.master]
        started = time.monotonic()
        for step in (
            ["cluster", str(folder), "-o", str(stories_path), *engine],
            ["brief", str(folder), "-o", str(output), *engine, "--stories", str(stories_path)],
        ):
            subprocess.run([*spark, *step], check=False, capture_output=True)
        spark_seconds = time.monotonic() - started
        members = {s["id"]: [a["origin"] for a in s["articles"]] for s in read_stories(stories_path)}
        by_story: dict[str, list[bytes]] = {story: [] for story in members}
        for row in pq.read_table(output).to_pylist():
            by_story[row["corpus_story"]].append(row["briefing"].encode())
        matched = checked = 0
        started = time.monotonic()
        for story, files in members.items():
            local = compact_briefings(to_json(brief(sorted(files))))
            distributed = sorted(by_story[story])
            checked += max(len(local), len(distributed))
            if len(local) == len(distributed):
                matched += sum(a == b for a, b in zip(local, distributed, strict=True))
        local_seconds = time.monotonic() - started
        largest = sorted(members, key=lambda story: -len(members[story]))[: args.cli]
        cli_matched = 0
        for story in largest:
            target = Path(name) / "one.json"
            subprocess.run(
                [*spark, "brief", *sorted(members[story]), "--json", str(target), "-q"],
                check=False,
                capture_output=True,
            )
            cli_matched += compact_briefings(target.read_bytes()) == sorted(by_story[story])
    print(f"{args.articles} Multi-News articles as text files; Spark master {args.master}\n")
    print(
        "| corpus stories | briefings | byte-identical (pipeline.brief) "
        "| largest stories identical through the CLI | Spark s (cluster + brief) | local s |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(members)} | {checked} | {matched}/{checked} | {cli_matched}/{len(largest)} "
        f"| {spark_seconds:.0f} | {local_seconds:.0f} |"
    )


if __name__ == "__main__":
    main()
