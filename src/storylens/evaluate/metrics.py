"""Metrics, each small enough to check by hand (see tests/test_metrics.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def prf(overlap: float, predicted: float, expected: float) -> PRF:
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def token_prf(predicted: str, expected: str) -> PRF:
    """Bag-of-tokens precision, recall and F1 of an extracted text against the true main text
    (the measure of the scrapinghub article-extraction benchmark): lowercase word tokens, each
    counted as often as it occurs."""
    got = Counter(t.lower() for t in TOKEN.findall(predicted))
    want = Counter(t.lower() for t in TOKEN.findall(expected))
    overlap = sum((got & want).values())
    return prf(overlap, sum(got.values()), sum(want.values()))


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """B-cubed precision, recall and F1 of a clustering (Bagga and Baldwin 1998): for each item,
    the share of its predicted cluster that shares its gold cluster (precision) and the share of
    its gold cluster found in its predicted cluster (recall), averaged over items."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold labels must cover the same items")
    if not gold:
        return PRF(0.0, 0.0, 0.0)
    pairs = list(zip(predicted, gold, strict=True))
    by_predicted = Counter(p for p, _ in pairs)
    by_gold = Counter(g for _, g in pairs)
    both = Counter(pairs)
    precision = sum(both[(p, g)] / by_predicted[p] for p, g in pairs) / len(pairs)
    recall = sum(both[(p, g)] / by_gold[g] for p, g in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def pairwise_tfidf_cosine(
    first: Sequence[str], second: Sequence[str], fit_on: Sequence[str], stop_words: str | None = None
) -> np.ndarray:
    """Cosine of each pair (first[i], second[i]) under tf-idf fitted on `fit_on`: the baseline of
    the paraphrase and similarity tasks."""
    vectorizer = TfidfVectorizer(stop_words=stop_words, sublinear_tf=True).fit(fit_on)
    a, b = vectorizer.transform(first), vectorizer.transform(second)
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()
