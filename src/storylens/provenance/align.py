"""Sentence alignment between two articles, in order, as rewriting and reprinting keep it."""

from __future__ import annotations

import numpy as np


def monotone_alignment(similarity: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """The order-preserving set of sentence pairs with the largest total similarity above
    `threshold` (Needleman-Wunsch without gap costs). Copies and rewrites keep the order of their
    source; independent reports of the same facts rarely do, which is what tells them apart."""
    rows, cols = similarity.shape
    gain = np.where(similarity >= threshold, similarity - threshold + 1e-6, -np.inf)
    best = np.zeros((rows + 1, cols + 1), dtype=np.float64)
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            best[i, j] = max(best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + gain[i - 1, j - 1])
    pairs = []
    i, j = rows, cols
    while i > 0 and j > 0:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]
