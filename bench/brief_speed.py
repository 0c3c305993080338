"""Time `brief` per stage, cold (a fresh process: models load) and warm (same process, again).

Run: .venv/bin/python bench/brief_speed.py [--data ../shared/data/mds/multinews200/multi_news.jsonl]

Workloads:
- examples: the six bundled articles (two stories);
- 50 articles: the first Multi-News clusters (real news, several stories), written to a temporary
  folder as plain-text files; skipped with a note when the data is not there.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/mds/multinews200/multi_news.jsonl"
STAGES = [
    "ingest",
    "clean",
    "annotate",
    "stories",
    "provenance",
    "crosscheck",
    "summarize",
    "timeline",
    "headline",
]


def multinews_folder(data: Path, count: int, folder: Path) -> Path:
    """`count` Multi-News source articles as .txt files (one Multi-News cluster is one story)."""
    written = 0
    for line in data.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for passage in record["context"].split("Passage ")[1:]:
            text = passage.split(":", 1)[1].replace("NEWLINE_CHAR", "\n").strip()
            if len(text.split()) < 60:
                continue
            (folder / f"{record['_id'][:8]}_{written:03d}.txt").write_text(text, encoding="utf-8")
            written += 1
            if written == count:
                return folder
    return folder


def run_once(path: str) -> dict[str, float]:
    """Stage seconds of one `brief` run in this process, plus the total wall time."""
    from storylens.pipeline import brief

    started = time.perf_counter()
    result = brief([path])
    timings = dict(result.stage_seconds)
    timings["total"] = time.perf_counter() - started
    timings["n_articles"] = float(sum(len(b.articles) for b in result.briefings))
    timings["n_stories"] = float(len(result.briefings))
    return timings


def cold(path: str) -> dict[str, float]:
    """A fresh interpreter: imports and model loading count, as on a user's first command."""
    here = str(Path(__file__).parent)
    code = (
        f"import json,sys,time; t=time.perf_counter(); sys.path.insert(0, {here!r});"
        f"from brief_speed import run_once; r=run_once({path!r}); r['total']=time.perf_counter()-t;"
        "print(json.dumps(r))"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def table(rows: list[tuple[str, dict[str, float]]]) -> None:
    print("| workload | run | articles | stories | " + " | ".join(STAGES) + " | total s |")
    print("|---|---|---|---|" + "---|" * len(STAGES) + "---|")
    for name, timing in rows:
        workload, run = name.split(" / ")
        cells = " | ".join(f"{timing.get(stage, 0.0):.2f}" for stage in STAGES)
        print(
            f"| {workload} | {run} | {int(timing['n_articles'])} | {int(timing['n_stories'])} | {cells} "
            f"| {timing['total']:.2f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=50)
    args = parser.parse_args()
    workloads = {"examples (6)": str(ROOT / "examples")}
    with tempfile.TemporaryDirectory() as scratch:
        if args.data.exists():
            folder = multinews_folder(args.data, args.articles, Path(scratch))
            workloads[f"Multi-News ({args.articles})"] = str(folder)
        else:
            print(f"note: {args.data} not found; the {args.articles}-article workload is skipped")
        rows = []
        for name, path in workloads.items():
            rows.append((f"{name} / cold", cold(path)))
            run_once(path)  # warm the models and caches
            rows.append((f"{name} / warm", run_once(path)))
    print("storylens brief, seconds per stage (2 CPU cores)\n")
    table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
