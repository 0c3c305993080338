"""Graded text reuse on the Clough & Stevenson corpus: each answer is a cut-and-paste, light
revision, heavy revision or independent writing ("non") of a Wikipedia original.

storylens' provenance evidence (share of the answer's sentences aligned to the original, share
copied word for word, share of unquoted trigrams reused) goes through a small decision tree;
the baseline is MinHash Jaccard of word 3-gram shingles with three cut points. Both are fitted
on the answers outside `test_info.csv` and scored on the answers listed there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from storylens.annotate.sentences import split_sentences
from storylens.errors import InputError
from storylens.model import Article
from storylens.provenance import reuse_evidence, shingle_minhash

LEVELS = ("non", "heavy", "light", "cut")  # least to most reuse


@dataclass(frozen=True)
class Answer:
    name: str
    task: str
    level: str
    text: str


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(str(path), "no such file; pass --data pointing at reuse/clough_stevenson")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"File", "Task", "Category"} <= set(rows[0]):
        raise InputError(str(path), "not a Clough & Stevenson file list: needs File, Task, Category")
    return rows


def read_corpus(data: Path) -> tuple[dict[str, str], list[Answer], set[str]]:
    """(original text per task, every answer, names of the held-out test answers)."""
    rows = _read_csv(data / "file_information.csv")
    test = {row["File"] for row in _read_csv(data / "test_info.csv")}

    def text(name: str) -> str:
        return (data / name).read_bytes().decode("utf-8", "replace")

    originals = {row["Task"]: text(row["File"]) for row in rows if row["Category"] == "orig"}
    answers = [
        Answer(r["File"], r["Task"], r["Category"], text(r["File"])) for r in rows if r["Category"] in LEVELS
    ]
    return originals, answers, test


def provenance_features(original: str, answer: str) -> list[float]:
    articles = [
        Article(id=key, text=body, title="", outlet=key, origin=key, format="text")
        for key, body in (("orig", original), ("answer", answer))
    ]
    sentences = {a.id: split_sentences(a.id, a.text) for a in articles}
    return list(reuse_evidence(articles[0], articles[1], sentences))


def minhash_jaccard(first: str, second: str, size: int = 3) -> float:
    return float(shingle_minhash(first, size, 128).jaccard(shingle_minhash(second, size, 128)))


def fit_cut_points(scores: np.ndarray, levels: np.ndarray) -> list[float]:
    """Three thresholds on one score that best separate the four levels (exhaustive on the
    scores' own values: the training split has about sixty answers)."""
    candidates = np.unique(scores)
    best, best_cuts = -1.0, [0.0, 0.0, 0.0]
    for i, a in enumerate(candidates):
        for j in range(i, len(candidates)):
            for c in candidates[j:]:
                cuts = [float(a), float(candidates[j]), float(c)]
                accuracy = float(np.mean(apply_cut_points(scores, cuts) == levels))
                if accuracy > best:
                    best, best_cuts = accuracy, cuts
    return best_cuts


def apply_cut_points(scores: np.ndarray, cuts: list[float]) -> np.ndarray:
    return np.searchsorted(np.array(cuts), scores, side="right")


def fit_tree(features: np.ndarray, levels: np.ndarray) -> DecisionTreeClassifier:
    # Depth 3 and at least three answers a leaf: few enough choices for sixty training answers.
    return DecisionTreeClassifier(max_depth=3, min_samples_leaf=3, random_state=0).fit(features, levels)
