"""Sentences with character spans into the article text."""

from __future__ import annotations

import functools

import pysbd

from storylens.model import Sentence


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(article_id: str, text: str) -> tuple[Sentence, ...]:
    """Sentences of `text`, paragraph by paragraph, each located exactly in the text."""
    sentences: list[Sentence] = []
    cursor = 0
    for paragraph in text.split("\n\n"):
        start_of_paragraph = text.find(paragraph, cursor)
        cursor = start_of_paragraph
        for piece in _segmenter().segment(paragraph):
            stripped = piece.strip()
            if not stripped:
                continue
            start = text.find(stripped, cursor)
            if start < 0:  # the segmenter changed the text; fall back to the whole paragraph
                continue
            end = start + len(stripped)
            sentences.append(Sentence(article_id, len(sentences), start, end, stripped))
            cursor = end
        cursor = max(cursor, start_of_paragraph + len(paragraph))
    return tuple(sentences)
