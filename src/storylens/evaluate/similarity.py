""" "Same story?" on SemEval-2022 Task 8 English pairs: Pearson of a similarity with the
annotators' Overall score (1 = very similar ... 4 = very dissimilar, so it is negated)."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.errors import InputError
from storylens.evaluate.metrics import pairwise_tfidf_cosine
from storylens.stories import same_story_scores

REQUIRED = {"lang1", "lang2", "text1", "text2", "Overall"}


@dataclass(frozen=True)
class Pairs:
    first: list[str]
    second: list[str]
    overall: np.ndarray


def read_pairs(path: Path, limit: int | None = None) -> Pairs:
    if not path.exists():
        raise InputError(str(path), "no such file; pass --data pointing at training_set.csv or its folder")
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not set(reader.fieldnames or []) >= REQUIRED:
            raise InputError(
                str(path), f"not a SemEval-2022 Task 8 file: needs the columns {sorted(REQUIRED)}"
            )
        rows = [r for r in reader if r["lang1"] == "en" and r["lang2"] == "en" and r["text1"] and r["text2"]]
    rows = rows[:limit] if limit else rows
    return Pairs(
        [r["text1"] for r in rows], [r["text2"] for r in rows], np.array([float(r["Overall"]) for r in rows])
    )


def tfidf_cosine(pairs: Pairs) -> np.ndarray:
    return pairwise_tfidf_cosine(pairs.first, pairs.second, pairs.first + pairs.second, "english")


def storylens_similarity(pairs: Pairs) -> np.ndarray:
    """The story stage's same-story score of each pair (no publication dates in this data, so no
    time decay)."""
    return same_story_scores(pairs.first, pairs.second)


def pearson_with_overall(scores: np.ndarray, overall: np.ndarray) -> float:
    """Pearson of a similarity with the negated Overall score (higher = more alike)."""
    return float(np.corrcoef(scores, -overall)[0, 1])
