"""Main-text extraction on the scrapinghub article-extraction benchmark (181 news pages).

Run: .venv/bin/python bench/extraction.py [--data ../shared/data/extraction/scrapinghub]

Four systems on the same pages, token precision / recall / F1 against `articleBody`:
- storylens HTML path: trafilatura, then storylens' line scoring on its output (what `brief` does)
- trafilatura alone (bare_extraction, comments off), the baseline
- storylens plain-text path: the page rendered to naive visible text, one line per block element,
  then storylens' plain-text cleaning (what happens to text pasted from a browser)
- whole visible text: the naive rendering, untouched (the floor)
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from storylens.clean import clean_one
from storylens.clean.html import visible_lines
from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, token_prf
from storylens.model import Raw

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/data/extraction/scrapinghub"


def storylens_html(html: str) -> str:
    return _or_empty(lambda: clean_one(Raw(origin="page.html", format="html", content=html)).text)


def trafilatura_alone(html: str) -> str:
    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False)
    return "" if doc is None or isinstance(doc, dict) else (doc.text or "")


def storylens_plain(html: str) -> str:
    naive = "\n".join(visible_lines(html))
    return _or_empty(lambda: clean_one(Raw(origin="page.txt", format="text", content=naive)).text)


def whole_visible_text(html: str) -> str:
    return "\n".join(visible_lines(html))


def _or_empty(extract: Callable[[], str]) -> str:
    try:
        return extract()
    except InputError:
        return ""  # counted as an empty extraction: precision and recall 0


SYSTEMS: dict[str, Callable[[str], str]] = {
    "storylens HTML path": storylens_html,
    "trafilatura (baseline)": trafilatura_alone,
    "storylens plain-text path": storylens_plain,
    "whole visible text": whole_visible_text,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    truth_file = args.data / "ground-truth.json"
    if not truth_file.exists():
        print(f"no benchmark data at {args.data}: pass --data", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = sorted(truth)[: args.limit]
    scores: dict[str, list[PRF]] = {name: [] for name in SYSTEMS}
    seconds: dict[str, float] = dict.fromkeys(SYSTEMS, 0.0)
    for key in pages:
        page = (args.data / "html" / f"{key}.html.gz").read_bytes()
        html = gzip.decompress(page).decode("utf-8", "replace")
        expected = truth[key]["articleBody"]
        for name, system in SYSTEMS.items():
            started = time.perf_counter()
            predicted = system(html)
            seconds[name] += time.perf_counter() - started
            scores[name].append(token_prf(predicted, expected))
    print(f"scrapinghub article-extraction benchmark, {len(pages)} pages, token-level, mean per page\n")
    print("| system | precision | recall | F1 | ms/page |")
    print("|---|---|---|---|---|")
    for name, values in scores.items():
        p = statistics.mean(v.precision for v in values)
        r = statistics.mean(v.recall for v in values)
        f = statistics.mean(v.f1 for v in values)
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {1000 * seconds[name] / len(pages):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
