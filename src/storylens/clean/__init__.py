"""Clean: raw documents to `Article` records with clean text, metadata and the removed lines.

HTML goes through trafilatura for the main text and metadata; plain text (and trafilatura's
output, which still carries bylines and share widgets) goes through line scoring. Everything
removed is kept on the article with its reason.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

import py3langid

from storylens.clean.boilerplate import judge_lines, line_key, repeated_lines
from storylens.clean.html import extract, parse_page, visible_lines
from storylens.clean.metadata import EARLIEST_YEAR, LATEST_YEAR, parse_date, plausible_date, take_metadata
from storylens.config import CleanSettings
from storylens.errors import InputError
from storylens.model import Article, DatePrecision, Failure, Raw, RemovedLine
from storylens.sanitize import one_line, safe_raw

log = logging.getLogger(__name__)

T = TypeVar("T")

HARD_WRAP_MIN, HARD_WRAP_MAX = 50, 90  # line lengths of text wrapped by an editor or mailer
# Words after which a line break cannot end a sentence: an initial, or a title before a name.
BROKEN_AFTER = re.compile(
    r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Hon|Pres|Supt|Det|Insp)\.)$"
)
LOWER_WORD = re.compile(r"^[a-z][a-z'’-]*\s")  # a sentence going on, not a link or a handle
KEY_LINE = re.compile(r"^[\w-]+\s*:")  # "date: 2024-06-01", "source: Reuters"
BROKEN_MIN_WORDS = 6  # a line broken mid-sentence has some words before the break
SENTENCE_ENDS = (".", "!", "?", ":", ";", '"', "”", "'", "’", ")", "]")

# Characters the language is told from: a few sentences settle it, and the cost grows with them.
LANGUAGE_SAMPLE = 600
# Plain text before cleaning may be this many times the article limit: a news page rendered to
# text runs to 300,000 characters around an article of 5,000 (scrapinghub pages); the limit on the
# article itself applies to what cleaning keeps.
PAGE_TEXT_FACTOR = 5


@dataclass(frozen=True)
class _Prepared:
    raw: Raw
    lines: list[str]
    fields: dict[str, str]
    removed: list[RemovedLine]


def clean_batch(
    raws: list[Raw], settings: CleanSettings | None = None
) -> tuple[list[Article], list[Failure]]:
    """Articles for every raw document that holds enough text; a Failure for each other one."""
    settings = settings or CleanSettings()
    prepared: list[_Prepared] = []
    failures: list[Failure] = []
    for raw in raws:
        try:
            prepared.append(_named_errors(raw.origin, partial(_prepare, raw, settings)))
        except InputError as exc:
            failures.append(Failure(exc.origin, "clean", exc.reason))
    repeated = repeated_lines([item.lines for item in prepared])
    articles: list[Article] = []
    for item in prepared:
        try:
            articles.append(_named_errors(item.raw.origin, partial(_finish, item, repeated, settings)))
        except InputError as exc:
            failures.append(Failure(exc.origin, "clean", exc.reason))
    return articles, failures


def clean_one(raw: Raw, settings: CleanSettings | None = None) -> Article:
    """One document on its own (no batch-level repetition signal); raises InputError, whatever
    went wrong."""
    settings = settings or CleanSettings()
    return _named_errors(raw.origin, lambda: _finish(_prepare(raw, settings), set(), settings))


def _named_errors(origin: str, work: Callable[[], T]) -> T:
    """`work` done, any error in it an InputError naming the input: a rule or library tripping
    on one odd document must fail that document, never the batch."""
    try:
        return work()
    except InputError:
        raise
    except Exception as exc:
        log.debug("cleaning %s failed", origin, exc_info=True)
        raise InputError(origin, f"cleaning failed ({one_line(exc)})") from exc


def _prepare(raw: Raw, settings: CleanSettings) -> _Prepared:
    raw = safe_raw(raw)  # documents built by other callers (the web app, Spark) come here directly
    if raw.format != "html":
        _check_length(raw.origin, raw.content, settings, PAGE_TEXT_FACTOR)
        _check_line_length(raw.origin, raw.content, settings)
    fields = {
        name: value
        for name, value in (
            ("title", raw.title),
            ("date", raw.published),
            ("source", raw.outlet),
            ("author", raw.byline),
            ("url", raw.url),
        )
        if value
    }
    if raw.format != "html":
        return _Prepared(raw, split_paragraphs(raw.content), fields, [])
    tree = parse_page(raw.content, raw.origin)
    page = extract(tree, raw.origin, raw.url)
    _check_length(raw.origin, page.text, settings)
    found = {
        "title": page.title,
        "date": page.date,
        "source": page.site,
        "author": page.author,
        "url": page.url,
    }
    for name, value in found.items():
        if value:
            fields.setdefault(name, value)
    lines = split_paragraphs(page.text)
    kept_keys = {line_key(line) for line in lines}
    outside = [
        RemovedLine(line, "outside the main text (trafilatura)")
        for line in visible_lines(tree)
        if line_key(line) not in kept_keys
    ]
    return _Prepared(raw, lines, fields, outside)


def _check_length(origin: str, text: str, settings: CleanSettings, factor: int = 1) -> None:
    """The limit on one article's text; `factor` times it for plain text before cleaning, which
    may be a whole page rendered to text (menus, comments and all) around one article."""
    if len(text) > settings.max_article_chars * factor:
        raise InputError(
            origin,
            f"{len(text):,} characters of text, over the limit of {settings.max_article_chars:,} "
            "for one article (a text this long is a collection or a book: split it into articles, "
            "or raise [clean] max_article_chars)",
        )


def _check_line_length(origin: str, text: str, settings: CleanSettings) -> None:
    """InputError when one line of `text` is longer than a whole article may be: it can never be
    kept, and scoring it first splits it into words several times over (a text of 276,000
    characters on one line peaked at 6 times the byte limit before the article limit refused it)."""
    if "\r" in text:  # old Mac line ends; the copy is made only for such a text
        text = text.replace("\r", "\n")
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > settings.max_article_chars:
            raise InputError(
                origin,
                f"a paragraph of {end - start:,} characters, over the limit of "
                f"{settings.max_article_chars:,} for a whole article (a text this long is a "
                "collection or a book: split it into articles, or raise [clean] max_article_chars)",
            )
        start = end + 1


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines; lines hard-wrapped inside a paragraph are joined back first."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines: list[str] = []
    for block in blocks:
        block_lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
        if _is_hard_wrapped(block_lines):
            lines.append(" ".join(block_lines))
        else:
            lines.extend(_join_broken(block_lines))
    return lines


def _join_broken(lines: list[str]) -> list[str]:
    """Lines with a sentence broken across them joined back: after an initial or a title that
    never ends a sentence ("O.J." / "Simpson", "Sen." / "John McCain"), or an unpunctuated line
    followed by one that starts in lower case."""
    joined: list[str] = []
    for line in lines:
        if joined and _continues(joined[-1], line):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str) -> bool:
    if BROKEN_AFTER.search(previous) and line[:1].isupper():
        return True
    if previous.endswith(SENTENCE_ENDS) or not LOWER_WORD.match(line) or KEY_LINE.match(line):
        return False
    return len(previous.split()) >= BROKEN_MIN_WORDS


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    body = lines[:-1]
    wrapped = sum(HARD_WRAP_MIN <= len(line) <= HARD_WRAP_MAX for line in body)
    # A wrapped line breaks mid-sentence; one paragraph per line ends each with punctuation.
    mid_sentence = sum(not line.rstrip().endswith((".", "!", "?", '"', "”")) for line in body)
    return wrapped >= 0.8 * len(body) and mid_sentence >= 0.6 * len(body)


def _finish(item: _Prepared, repeated: set[str], settings: CleanSettings) -> Article:
    lines, meta = take_metadata(item.lines, item.fields.get("title"))
    fields = {**meta.fields, **item.fields}
    removed = list(item.removed) + [RemovedLine(line, reason) for line, reason in meta.removed]
    kept = []
    count = 0
    is_html = item.raw.format == "html"
    threshold = settings.html_boilerplate_threshold if is_html else settings.boilerplate_threshold
    verdicts = judge_lines(lines, repeated, threshold, find_block=not is_html)
    for verdict in verdicts:
        if verdict.reason == "kept":
            kept.append(verdict.text)
            count += verdict.word_count
        else:
            removed.append(RemovedLine(verdict.text, verdict.reason))
    text = "\n\n".join(kept)
    _check_length(item.raw.origin, text, settings)
    if count < settings.min_article_words:
        raise InputError(
            item.raw.origin,
            f"only {count} words of article text after cleaning "
            f"(at least {settings.min_article_words} needed)",
        )
    return _article(item.raw, text, fields, tuple(removed))


def _article(raw: Raw, text: str, fields: dict[str, str], removed: tuple[RemovedLine, ...]) -> Article:
    published, precision = _published(fields.get("date"), raw.origin)
    digest = hashlib.sha1(f"{raw.origin}\0{text}".encode()).hexdigest()[:10]
    return Article(
        id=f"a{digest}",
        text=text,
        title=fields.get("title") or _first_words(text),
        outlet=fields.get("source") or _outlet_from(fields.get("url"), raw.origin),
        origin=raw.origin,
        format=raw.format,
        url=fields.get("url"),
        published=published,
        published_precision=precision,
        language=py3langid.classify(text[:LANGUAGE_SAMPLE])[0],
        byline=fields.get("author"),
        removed=removed,
    )


def _published(value: str | None, origin: str) -> tuple[datetime | None, DatePrecision | None]:
    if not value:
        return None, None
    parsed = parse_date(value)
    if parsed is None:
        log.warning("%s: cannot read the date %r; the article has no publication date", origin, value)
        return None, None
    if not plausible_date(parsed):
        log.warning(
            "%s: the date %r is outside %d-%d; the article has no publication date",
            origin,
            value,
            EARLIEST_YEAR,
            LATEST_YEAR,
        )
        return None, None
    return parsed.replace(tzinfo=None), DatePrecision.DAY


def _outlet_from(url: str | None, origin: str) -> str:
    if url:
        host = urlparse(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    stem = Path(_origin_path(origin)).stem
    return "unknown outlet" if stem.isdigit() else stem


def _origin_path(origin: str) -> str:
    """The file part of an origin: "upload:story.txt" -> "story.txt", "feed.jsonl:3" ->
    "feed.jsonl", "crawl.warc#2" -> "crawl.warc"."""
    name = origin.split("#")[0]
    name = re.sub(r"^(?:upload|api|watch):", "", name)
    return re.sub(r":\d+$", "", name)


def _first_words(text: str, count: int = 10) -> str:
    first = text.split("\n", 1)[0].split()
    return " ".join(first[:count]) + ("…" if len(first) > count else "")


__all__ = ["clean_batch", "clean_one", "split_paragraphs"]
