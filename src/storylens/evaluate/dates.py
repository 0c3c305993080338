"""Publication dates of real news pages (htmldate's MediaCloud 2020 set, 200 pages, many
countries and languages): storylens' HTML path, its plain-text path (the page rendered to naive
visible text first, as text pasted from a browser) and htmldate alone, on the same pages.

A page counts as right when the day found equals the gold day, or when it has no gold date and
no date is found; every date found that is not the gold day (a page with no gold date included)
is a false date. The pages are split by file name: even positions are the development half (where
the plain-text rules were chosen), odd positions the test half.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import htmldate

from storylens.clean import clean_one
from storylens.clean.html import visible_lines
from storylens.errors import InputError
from storylens.model import Raw


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str
    gold: date | None
    dev: bool


def read_pages(data: Path, limit: int | None = None) -> list[Page]:
    index = data / "eval_mediacloud_2020.json"
    if not index.exists():
        raise InputError(str(data), "no eval_mediacloud_2020.json here; pass --data pointing at "
                         "dates/htmldate_mediacloud")  # fmt: skip
    try:
        gold = json.loads(index.read_text(encoding="utf-8"))  # json reads NaN: no date
        entries = sorted(gold.items(), key=lambda item: item[1]["file"])
        pages = []
        for position, (url, entry) in enumerate(entries[:limit] if limit else entries):
            raw = (data / "test_set" / entry["file"]).read_bytes().decode("utf-8", "replace")
            pages.append(Page(entry["file"], url, raw, _gold(entry["date"]), position % 2 == 0))
        return pages
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(str(data), f"not the htmldate evaluation layout ({exc!r})") from exc


def _gold(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None  # NaN in the file: the page has no publication date
    return date.fromisoformat(value.strip()[:10])


def htmldate_alone(page: Page) -> date | None:
    found = htmldate.find_date(page.html, url=page.url, original_date=True)
    return date.fromisoformat(found) if found else None


def storylens_html(page: Page) -> date | None:
    return _published(Raw(origin=page.name, format="html", content=page.html, url=page.url))


def storylens_plain(page: Page) -> date | None:
    text = "\n".join(visible_lines(page.html))
    return _published(Raw(origin=page.name, format="text", content=text))


def _published(raw: Raw) -> date | None:
    try:
        article = clean_one(raw)
    except InputError:
        return None
    return article.published.date() if article.published else None


SYSTEMS: dict[str, Callable[[Page], date | None]] = {
    "storylens HTML path": storylens_html,
    "htmldate alone (original date, baseline)": htmldate_alone,
    "storylens plain-text path (page rendered to text)": storylens_plain,
}


@dataclass
class DateScore:
    pages: int = 0
    right: int = 0
    false: int = 0
    missing: int = 0

    def add(self, found: date | None, gold: date | None) -> None:
        self.pages += 1
        if found == gold:
            self.right += 1
        elif found is None:
            self.missing += 1
        else:
            self.false += 1

    def row(self) -> list[object]:
        share = self.right / self.pages if self.pages else math.nan
        return [self.pages, share, self.false, self.missing]
