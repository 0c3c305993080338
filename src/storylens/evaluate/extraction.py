"""Main-text extraction on the scrapinghub article-extraction benchmark: storylens' HTML and
plain-text paths beside trafilatura and the page's whole visible text."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import trafilatura

from storylens.clean import clean_one
from storylens.clean.html import visible_lines
from storylens.errors import InputError
from storylens.model import Raw


def read_pages(data: Path, limit: int | None = None) -> list[tuple[str, str]]:
    """(html, true main text) per page."""
    truth_file = data / "ground-truth.json"
    if not truth_file.exists():
        raise InputError(
            str(data), "no ground-truth.json here; pass --data pointing at extraction/scrapinghub"
        )
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        keys = sorted(truth)[:limit]
        return [
            (
                gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"),
                truth[key]["articleBody"],
            )
            for key in keys
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(str(data), f"not the scrapinghub benchmark layout ({exc!r})") from exc


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
