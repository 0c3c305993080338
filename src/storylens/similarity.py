"""Sentence similarity shared by provenance, crosscheck and summarize.

Two signals, both cheap: content-word overlap (catches copies and light edits) and wordllama
embeddings (catch synonyms a spinning tool swaps in). Combined as a weighted mean, because a spun
sentence keeps the names and numbers (lexical) and the sense (embedding) but neither fully.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# Weight of the embedding cosine in the combined score; the rest is content-word Dice. Set on the
# bundled examples so that a spun sentence pair (~0.65 cosine, ~0.35 Dice) clears the alignment
# threshold while sentences that only share a topic (~0.45 cosine, <0.15 Dice) do not.
EMBEDDING_WEIGHT = 0.5


def content_tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in (m.lower() for m in TOKEN.findall(text)) if t not in ENGLISH_STOP_WORDS)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@functools.cache
def _wordllama():  # type: ignore[no-untyped-def]
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text (zeros for an empty list)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    vectors = np.asarray(_wordllama().embed(list(texts), norm=True), dtype=np.float32)
    return vectors


def lexical_matrix(first: Sequence[frozenset[str]], second: Sequence[frozenset[str]]) -> np.ndarray:
    matrix = np.zeros((len(first), len(second)), dtype=np.float32)
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            matrix[i, j] = dice(a, b)
    return matrix


def combined(lexical: np.ndarray, cosine: np.ndarray) -> np.ndarray:
    """The similarity used everywhere: copies score near 1, spun rewrites around 0.5-0.7."""
    return np.maximum(lexical, (1 - EMBEDDING_WEIGHT) * lexical + EMBEDDING_WEIGHT * cosine)


def similarity_within(texts: Sequence[str]) -> np.ndarray:
    """The combined similarity of every pair of `texts` (each embedded once)."""
    tokens = [content_tokens(text) for text in texts]
    vectors = embed(texts)
    return combined(lexical_matrix(tokens, tokens), vectors @ vectors.T)


def similarity_between(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """The combined similarity of every text of `first` (rows) with every text of `second`."""
    lexical = lexical_matrix([content_tokens(t) for t in first], [content_tokens(t) for t in second])
    return combined(lexical, embed(first) @ embed(second).T)
