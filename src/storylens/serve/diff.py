"""Side-by-side comparison of two articles: sentences aligned in order, words marked where the
wording differs. Used for a derivation against its source and for any two articles."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from storylens.annotate.sentences import split_sentences
from storylens.model import Article
from storylens.provenance.align import monotone_alignment
from storylens.similarity import similarity_between

# Sentences this similar are shown side by side; lower, each stands alone on its side.
COMPARE_SIMILARITY = 0.35
TOKENS = re.compile(r"\s+|[^\s]+")

Piece = tuple[str, str | None]  # (text, css class: "changed" or None)


@dataclass(frozen=True)
class Row:
    left: tuple[Piece, ...]
    right: tuple[Piece, ...]
    similarity: float | None  # None for a sentence with no counterpart


def compare(left: Article, right: Article) -> list[Row]:
    a = split_sentences(left.id, left.text)
    b = split_sentences(right.id, right.text)
    if not a or not b:
        return [Row(_plain(s.text), (), None) for s in a] + [Row((), _plain(s.text), None) for s in b]
    matrix = similarity_between([s.text for s in a], [s.text for s in b])
    rows: list[Row] = []
    i = j = 0
    for x, y in monotone_alignment(matrix, COMPARE_SIMILARITY):
        rows += [Row(_plain(s.text), (), None) for s in a[i:x]]
        rows += [Row((), _plain(s.text), None) for s in b[j:y]]
        left_pieces, right_pieces = word_diff(a[x].text, b[y].text)
        rows.append(Row(left_pieces, right_pieces, round(float(matrix[x, y]), 2)))
        i, j = x + 1, y + 1
    rows += [Row(_plain(s.text), (), None) for s in a[i:]]
    rows += [Row((), _plain(s.text), None) for s in b[j:]]
    return rows


def _plain(text: str) -> tuple[Piece, ...]:
    return ((text, None),)


def word_diff(first: str, second: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Both texts cut into pieces, the words that differ marked on each side."""
    a, b = TOKENS.findall(first), TOKENS.findall(second)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        css = None if op == "equal" else "changed"
        if i2 > i1:
            left.append(("".join(a[i1:i2]), css))
        if j2 > j1:
            right.append(("".join(b[j1:j2]), css))
    return tuple(left), tuple(right)
