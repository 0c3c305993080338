"""HTML pages: main text and metadata through trafilatura, and the page as naive visible text.

A page is parsed once (`parse_page`) and trafilatura, htmldate and the naive renderer all read
that tree: each parsing the page text again held two to four copies of it in Python strings
while it worked (issue 13: a page near the byte limit peaked at 7 to 11 times the limit).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from storylens.errors import InputError

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "main",
    "tr",
    "table",
    "figure",
    "figcaption",
    "blockquote",
    "pre",
    "form",
    "title",
    "dd",
    "dt",
}
INVISIBLE_TAGS = {"script", "style", "noscript", "template", "svg", "head"}


@dataclass(frozen=True)
class HtmlExtract:
    text: str
    title: str | None
    date: str | None
    site: str | None
    author: str | None
    url: str | None


def parse_page(html: str, origin: str) -> HtmlElement:
    """The page's tree, parsed as trafilatura parses it (its repairs of faulty markup included),
    or InputError when nothing in it parses as HTML."""
    try:
        tree = load_html(html)
    except (ValueError, etree.ParserError) as exc:
        raise InputError(origin, f"broken HTML that cannot be parsed ({exc})") from exc
    if tree is None:
        raise InputError(origin, "broken HTML that cannot be parsed (no element found)")
    return tree


def extract(page: HtmlElement, origin: str, url: str | None = None) -> HtmlExtract:
    """The main text of a parsed page, or InputError when the page holds none; the tree is left
    as it was (trafilatura and htmldate each work on their own copy). The date is htmldate's
    original publication date (from the page's markup and `url`), trafilatura's where it finds
    none: on htmldate's MediaCloud pages trafilatura's own pick scored below htmldate alone."""
    try:
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, etree.ParserError) as exc:
        raise InputError(origin, f"broken HTML that cannot be parsed ({exc})") from exc
    if isinstance(doc, dict) or doc is None or not (doc.text or "").strip():
        raise InputError(
            origin, "no article text found in the HTML (broken markup, or a page that is only navigation)"
        )
    return HtmlExtract(
        text=doc.text or "",
        title=doc.title,
        date=_original_date(page, url or doc.url) or doc.date,
        site=doc.sitename,
        author=doc.author,
        url=doc.url,
    )


def _original_date(page: HtmlElement, url: str | None) -> str | None:
    try:
        return htmldate.find_date(page, url=url, original_date=True)
    except (ValueError, TypeError, etree.ParserError):  # htmldate's own trips on odd pages
        return None


def visible_lines(page: str | HtmlElement) -> list[str]:
    """The page as a naive renderer shows it: visible text, one line per block element. A tree
    is read, never changed; the text is gathered a block at a time, so no string of the whole
    page's text is made (one wide character would make it four bytes a character)."""
    if isinstance(page, str):
        try:
            page = lxml.html.fromstring(page)
        except (etree.ParserError, ValueError):
            return []
    lines: list[str] = []
    pending: list[str] = []
    for piece in _visible_pieces(page):
        if piece is None:  # a block ended: its text is complete lines
            lines.extend(_lines_of(pending))
            pending = []
        else:
            pending.append(piece)
    lines.extend(_lines_of(pending))
    return lines


def _visible_pieces(root: HtmlElement) -> Iterator[str | None]:
    """Text pieces in reading order, with None after each block element (a line break); invisible
    elements (scripts, styles, the head) are skipped but their tail text is shown, and comments
    give only their tail, as a browser shows them."""
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if element.tag in INVISIBLE_TAGS:
                walker.skip_subtree()
            elif element.text:
                yield element.text
            continue
        if event == "end" and element.tag in BLOCK_TAGS and element.tag not in INVISIBLE_TAGS:
            yield None
        if element is not root and element.tail:
            yield element.tail


def _lines_of(pieces: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in "".join(pieces).splitlines() if line.strip()]
