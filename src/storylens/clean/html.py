"""HTML pages: main text and metadata through trafilatura, and the page as naive visible text."""

from __future__ import annotations

from dataclasses import dataclass

import htmldate
import lxml.html
import trafilatura
from lxml import etree

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
INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "head"]


@dataclass(frozen=True)
class HtmlExtract:
    text: str
    title: str | None
    date: str | None
    site: str | None
    author: str | None
    url: str | None


def extract(html: str, origin: str, url: str | None = None) -> HtmlExtract:
    """The main text of a page, or InputError when the page holds none. The date is htmldate's
    original publication date (from the page's markup and `url`), trafilatura's where it finds
    none: on htmldate's MediaCloud pages trafilatura's own pick scored below htmldate alone."""
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
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
        date=_original_date(html, url or doc.url) or doc.date,
        site=doc.sitename,
        author=doc.author,
        url=doc.url,
    )


def _original_date(html: str, url: str | None) -> str | None:
    try:
        return htmldate.find_date(html, url=url, original_date=True)
    except (ValueError, TypeError, etree.ParserError):  # htmldate's own trips on odd pages
        return None


def visible_lines(html: str) -> list[str]:
    """The page as a naive renderer shows it: visible text, one line per block element."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    # Listed first: dropping elements while iterating skips the sibling after each one dropped,
    # and scripts come in runs.
    for element in list(root.iter(*INVISIBLE_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
