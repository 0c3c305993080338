"""Sentences with character spans into the article text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import pysbd

from storylens.model import Sentence

# The longest sentence kept whole. News sentences run to about 60 words (400 characters); a
# "sentence" ten times that is a list, a table or text with no punctuation, and cutting it keeps
# every later step (parse, alignment) linear in the article's length.
MAX_SENTENCE_CHARS = 2_000
# The most text handed to the segmenter at once, cut after a sentence end where there is one.
MAX_SEGMENTER_CHARS = 5_000
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+")
SPACE = re.compile(r"\s+")
LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
# Two sentences run together where a page lost the space between them ("... late
# Wednesday.Officials believe ...", Multi-News cluster 68): a sentence end after a word of two or
# more lower-case letters, then a capitalised word. Initials and titles ("U.S.", "Mr.Smith") and
# domains ("Amazon.com") do not have that shape.
GLUED_SENTENCES = re.compile(r"(?<=[a-z][a-z][.!?])(?=[A-Z][a-z])")


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(article_id: str, text: str) -> tuple[Sentence, ...]:
    """Sentences of `text`, paragraph by paragraph, each located exactly in the text and none
    longer than MAX_SENTENCE_CHARS."""
    sentences: list[Sentence] = []
    cursor = 0
    # A line break inside a paragraph is a space to the segmenter ("O.J.\nSimpson" is one name);
    # the flat copy has the same length, so its offsets are the text's.
    flat = LINE_BREAK.sub(" ", text)
    for paragraph in flat.split("\n\n"):
        start_of_paragraph = flat.find(paragraph, cursor)
        cursor = start_of_paragraph
        for piece in _segments(paragraph):
            stripped = piece.strip()
            if not stripped:
                continue
            start = flat.find(stripped, cursor)
            if start < 0:  # the segmenter changed the text; fall back to the whole paragraph
                continue
            end = start + len(stripped)
            if sentences and sentences[-1].end >= start_of_paragraph and not _has_words(stripped):
                # pysbd may leave a closing quotation mark alone ("... use.” / ”"): it ends the
                # sentence before it, it is no sentence of its own.
                previous = sentences.pop()
                start = previous.start
            sentences.append(Sentence(article_id, len(sentences), start, end, text[start:end]))
            cursor = end
        cursor = max(cursor, start_of_paragraph + len(paragraph))
    return tuple(sentences)


def _has_words(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


def _segments(paragraph: str) -> Iterator[str]:
    """pysbd's sentences of `paragraph`, fed to it in pieces of at most MAX_SEGMENTER_CHARS and
    with over-long sentences cut at spaces: pysbd's time grows with the square of its input
    (2.4 s for one 40,000-character sentence here), and nothing later needs a longer sentence."""
    for piece in _cut(paragraph, MAX_SEGMENTER_CHARS, SENTENCE_END):
        for sentence in _segmenter().segment(piece):
            for part in GLUED_SENTENCES.split(sentence):
                yield from _cut(part, MAX_SENTENCE_CHARS, SPACE)


def _cut(text: str, limit: int, boundary: re.Pattern[str]) -> Iterator[str]:
    """`text` in consecutive pieces of at most `limit` characters, each cut after the last
    `boundary` match inside the limit (at the limit itself when there is none)."""
    while len(text) > limit:
        ends = [match.end() for match in boundary.finditer(text, 0, limit)]
        cut = ends[-1] if ends and ends[-1] > 0 else limit
        yield text[:cut]
        text = text[cut:]
    yield text
