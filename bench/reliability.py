"""Time `storylens brief` on the inputs issue 13 named: many tiny articles in one folder, one
article of about 1 MB (as plain text, refused; as an HTML page holding as much text as an article
may have, briefed), and one sentence of 100,000 characters.

    .venv/bin/python bench/reliability.py --tiny 1000 5000

Each case runs the real command in a subprocess; the table gives its wall time, its exit code,
its CPU time (user and system, so a busy machine can be told apart from slow code), its peak
memory (max RSS of the child) and what became of the input. Timings depend on what
else the machine runs: say so next to them.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from storylens.config import CleanSettings

FIRST = "Anna Boris Clara David Elena Farid Greta Hugo Irene Jonas Karim Lena Marco Nadia Omar".split()
LAST = "Keller Novak Duarte Berg Halvorsen Okafor Laine Moreau Petrov Santos Weber Yilmaz".split()
PLACES = "Aldbridge Brenmouth Carrow Dunmere Eastholm Fenwick Galloway Harlow Ivybridge Kestrel".split()
EVENTS = ["a bridge closure", "a factory fire", "a council vote", "a rail strike", "a flood warning"]
VERBS = ["announced", "criticised", "defended", "postponed", "approved", "investigated"]


def tiny_article(rng: random.Random) -> str:
    """A headline and two sentences, the kind of item a feed reader collects by the thousand."""
    place, event = rng.choice(PLACES), rng.choice(EVENTS)
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    count = rng.randint(2, 40)
    return (
        f"{event.capitalize()} in {place}\n\n"
        f"Officials in {place} {rng.choice(VERBS)} {event} on Tuesday after {count} residents "
        f"complained, {who} said. The mayor of {place} said the decision would be reviewed "
        f"within {rng.randint(2, 9)} weeks and that {count * 3} homes were affected.\n"
    )


def long_text(rng: random.Random, characters: int) -> str:
    """Paragraphs of varied sentences up to `characters`."""
    paragraphs, size = [], 0
    while size < characters:
        paragraph = " ".join(tiny_article(rng).split("\n\n", 1)[1].strip() for _ in range(3))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:characters]


@dataclass
class Case:
    name: str
    paths: list[Path]
    articles: int


def cases(folder: Path, tiny_counts: list[int], rng: random.Random) -> list[Case]:
    made = []
    for count in tiny_counts:
        sub = folder / f"tiny{count}"
        sub.mkdir()
        for number in range(count):
            (sub / f"a{number:05d}.txt").write_text(tiny_article(rng), encoding="utf-8")
        made.append(Case(f"{count:,} tiny articles in one folder", [sub], count))
    text = folder / "one-megabyte.txt"
    text.write_text("A long text\n\n" + long_text(rng, 1_000_000), encoding="utf-8")
    made.append(Case("one 1 MB plain-text article", [text], 1))
    limit = CleanSettings().max_article_chars
    page = folder / "one-megabyte.html"
    body = "".join(f"<p>{p}</p>" for p in long_text(rng, limit - 2_000).split("\n\n"))
    padding = "<nav>" + "<a href='#'>menu</a>" * ((1_000_000 - len(body)) // 20) + "</nav>"
    page.write_text(f"<html><body>{padding}<article><h1>Long read</h1>{body}</article></body></html>")
    made.append(Case(f"one 1 MB HTML page, {limit // 1000}k characters of text", [page], 1))
    sentence = folder / "one-sentence.txt"
    words = long_text(rng, 120_000).replace(".", "").replace("\n", " ").split()
    sentence.write_text("One sentence\n\n" + " ".join(words)[: limit - 100] + ".", encoding="utf-8")
    made.append(Case(f"one sentence of {limit - 100:,} characters", [sentence], 1))
    return made


def run(case: Case, out: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "storylens", "brief", *map(str, case.paths), "-q", "--json", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = after.ru_maxrss
    result = json.loads(out.read_text()) if out.exists() else {"briefings": [], "failures": []}
    briefed = sum(len(b["articles"]) for b in result["briefings"])
    reasons = "; ".join(sorted({f["reason"][:90] for f in result["failures"]}))
    stages = ", ".join(f"{name} {sec:.1f}" for name, sec in result.get("stage_seconds", []) if sec >= 0.5)
    return {
        "case": case.name,
        "seconds": seconds,
        "exit": done.returncode,
        "cpu": cpu,
        "peak": f"{peak / 1024:,.0f} MiB" if peak > before.ru_maxrss else "(below an earlier case)",
        "briefed": f"{briefed} of {case.articles}",
        "stages": stages,
        "refused": reasons or "-",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storylens-reliability-"))
    rows = [
        run(case, folder / f"out{n}.json")
        for n, case in enumerate(cases(folder, args.tiny, random.Random(args.seed)))
    ]
    columns = ["input", "wall time", "CPU time", "exit", "peak memory", "briefed", "stages over 0.5 s (s)"]
    print("| " + " | ".join([*columns, "refused because"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for row in rows:
        cells = [row["case"], f"{row['seconds']:.1f} s", f"{row['cpu']:.1f} s", row["exit"], row["peak"]]
        cells += [row["briefed"], row["stages"], row["refused"]]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
