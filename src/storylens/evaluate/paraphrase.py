"""The claim aligner's "same fact" decision on MSRP, beside tf-idf cosine.

Both scores get one threshold each, tuned for accuracy on the training file; both are then
judged on the validation file (`msr-para-val.tsv`), which neither saw."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.errors import InputError
from storylens.evaluate.metrics import pairwise_tfidf_cosine
from storylens.similarity import combined, content_tokens, dice, embed

COLUMNS = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]


@dataclass(frozen=True)
class Pairs:
    first: list[str]
    second: list[str]
    labels: np.ndarray


def read_pairs(path: Path) -> Pairs:
    if not path.exists():
        raise InputError(str(path), "no such file; pass --data pointing at the msrp folder")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [c.strip() for c in rows[0]] != COLUMNS:
        raise InputError(str(path), f"not an MSRP file: expected the columns {COLUMNS}")
    body = [row for row in rows[1:] if len(row) == len(COLUMNS)]
    return Pairs([r[3] for r in body], [r[4] for r in body], np.array([int(r[0]) for r in body]))


def aligner_scores(pairs: Pairs) -> np.ndarray:
    """The similarity crosscheck uses to align sentences into claims."""
    first, second = embed(pairs.first), embed(pairs.second)
    cosine = np.sum(first * second, axis=1)
    lexical = np.array(
        [dice(content_tokens(a), content_tokens(b)) for a, b in zip(pairs.first, pairs.second, strict=True)]
    )
    return combined(lexical, cosine)


def tfidf_scores(train: Pairs, pairs: Pairs) -> np.ndarray:
    return pairwise_tfidf_cosine(pairs.first, pairs.second, train.first + train.second)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    candidates = np.unique(np.round(scores, 3))
    accuracy = [np.mean((scores >= t) == labels) for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


def accuracy_f1(scores: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    predicted = scores >= threshold
    accuracy = float(np.mean(predicted == labels))
    true_positive = float(np.sum(predicted & (labels == 1)))
    precision = true_positive / max(float(np.sum(predicted)), 1.0)
    recall = true_positive / max(float(np.sum(labels == 1)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return accuracy, f1
