"""Kill `storylens cluster` with SIGKILL at random moments, rerun it, and compare its outputs
with those of an uninterrupted run: nothing may be lost or written twice.

    .venv/bin/python bench/kill_cluster.py --kills 12 --workers 0
    .venv/bin/python bench/kill_cluster.py --kills 12 --workers 2

The corpus is the Timeline17 articles in ../shared/data (real news with dates), a few times over
so that old stories close while the run goes on; without ../shared it is a generated stream.
Every kill lands while the run is working (a run that finished first is not counted). After each
kill the command's worker processes are looked for: any still alive is an orphan. Prints a
table; exits 1 when an output differs or an orphan is left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procs import alive, descendants

ROOT = Path(__file__).resolve().parents[1]
TIMELINES = ROOT.parent / "shared" / "data" / "timelines" / "timeline17"


def write_corpus(path: Path, copies: int, limit: int) -> int:
    """A JSON-lines stream of real dated articles (or generated ones); returns its line count."""
    lines: list[str] = []
    sources = sorted(TIMELINES.glob("*/articles.jsonl")) if TIMELINES.exists() else []
    for copy in range(copies):
        for source in sources:
            with source.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle):
                    if number >= limit // max(len(sources), 1):
                        break
                    record = json.loads(line)
                    lines.append(json.dumps({"text": record["text"], "date": record["time"], "copy": copy}))
    if not lines:
        lines = [_generated(number) for number in range(limit * copies)]
    lines.insert(len(lines) // 3, '{"text": "a malformed line')  # failures must survive kills too
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _generated(number: int) -> str:
    rng = random.Random(number)
    place = rng.choice(["Aldbridge", "Brenmouth", "Carrow", "Dunmere", "Eastholm", "Fenwick"])
    event = rng.choice(["a bridge closure", "a factory fire", "a council vote", "a rail strike"])
    text = (
        f"Officials in {place} reported {event} on Tuesday after {rng.randint(2, 40)} residents "
        f"complained, the mayor of {place} said, adding that repairs would take weeks."
    )
    return json.dumps({"text": text, "date": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"})


def command(corpus: Path, output: Path, workers: int, batch: int) -> list[str]:
    return [
        sys.executable, "-m", "storylens", "cluster", str(corpus), "-o", str(output),
        "--workers", str(workers), "--batch", str(batch), "--checkpoint-every", "0.5",
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--articles", type=int, default=600, help="articles per copy of the corpus")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="storylens-kill-"))
    corpus = work / "corpus.jsonl"
    lines = write_corpus(corpus, args.copies, args.articles)
    reference = work / "reference.jsonl"
    started = time.monotonic()
    done = subprocess.run(
        command(corpus, reference, args.workers, args.batch), capture_output=True, check=False
    )
    duration = time.monotonic() - started
    if done.returncode not in (0, 1):
        print(done.stderr.decode(), file=sys.stderr)
        return 1
    output = work / "killed.jsonl"
    kills = misses = orphans = runs = 0
    while kills < args.kills:
        process = subprocess.Popen(
            command(corpus, output, args.workers, args.batch),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        runs += 1
        time.sleep(rng.uniform(0.3, duration))
        if process.poll() is not None:  # finished before the kill: start over, this one does not count
            misses += 1
            output.unlink(missing_ok=True)
            Path(f"{output}.failures.jsonl").unlink(missing_ok=True)
            continue
        family = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        time.sleep(2.0)  # time for orphaned workers to notice their parent is gone
        left = sorted(alive(family))
        orphans += len(left)
        for pid in left:  # ours to clean up: they were started by this bench's run
            os.kill(pid, signal.SIGKILL)
    final = subprocess.run(
        command(corpus, output, args.workers, args.batch), capture_output=True, check=False
    )
    same_stories = output.read_bytes() == reference.read_bytes()
    failures = [Path(f"{p}.failures.jsonl") for p in (output, reference)]
    same_failures = failures[0].read_bytes() == failures[1].read_bytes()
    columns = [
        "corpus lines", "workers", "uninterrupted run", "SIGKILLs mid-run", "runs started", "final exit",
        "stories identical", "failures identical", "orphan processes",
    ]  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|---:|---:|---:|---:|---:|---:|---|---|---:|")
    print(
        f"| {lines:,} | {args.workers} | {duration:.1f} s | {kills} | {runs + 1} | {final.returncode} | "
        f"{'yes' if same_stories else 'NO'} | {'yes' if same_failures else 'NO'} | {orphans} |"
    )
    print(f"\n({misses} runs finished before their kill time and were not counted)")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same_stories and same_failures and orphans == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
