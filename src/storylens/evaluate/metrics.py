"""Metrics, each small enough to check by hand (see tests/test_metrics.py)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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
