"""Main-text extraction on the scrapinghub article-extraction benchmark (181 news pages).

Run: .venv/bin/python bench/extraction.py [--data ../shared/data/extraction/scrapinghub] [--limit N]
(the same table as `storylens eval extraction --data ...`)

Four systems on the same pages, token precision / recall / F1 against `articleBody`:
- storylens HTML path: trafilatura, then storylens' line scoring on its output (what `brief` does)
- trafilatura alone (bare_extraction, comments off), the baseline
- storylens plain-text path: the page rendered to naive visible text, one line per block element,
  then storylens' plain-text cleaning (what happens to text pasted from a browser)
- whole visible text: the naive rendering, untouched (the floor)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storylens.errors import InputError
from storylens.evaluate.runner import Ticker, extraction

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/data/extraction/scrapinghub"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    try:
        print(extraction(args.data, args.limit, Ticker()).markdown())
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
