"""Is a summary supported by its document? SummEdits (news): a summary and its edited versions,
each labelled consistent (1) or not (0).

storylens' span-support check: each summary sentence is aligned to its closest document sentence
(the claim aligner's similarity), and the pair goes through crosscheck's conflict detectors
(numbers, dates, durations, negation, swapped parties). A summary's score is the weakest of its
sentences' alignments, and zero when any aligned pair conflicts. The baseline is the share of
the summary's content words found in the document. Thresholds are tuned for balanced accuracy
on the `evaluation` split and scored on the `test` split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from storylens.annotate import annotate
from storylens.annotate.entities import merge_entities
from storylens.crosscheck.conflicts import sentence_pair_conflicts
from storylens.errors import InputError
from storylens.model import Article
from storylens.similarity import content_tokens, similarity_between


@dataclass(frozen=True)
class Example:
    doc: str
    summary: str
    label: int
    split: str


def read_examples(path: Path, limit: int | None = None) -> list[Example]:
    if not path.exists():
        raise InputError(str(path), "no such file; pass --data pointing at consistency/summedits")
    try:
        rows = orjson.loads(path.read_bytes())
        examples = [Example(r["doc"], r["summary"], int(r["label"]), r["split"]) for r in rows]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(str(path), f"not a SummEdits file ({exc!r})") from exc
    return examples[:limit] if limit else examples


def overlap_score(example: Example) -> float:
    summary = content_tokens(example.summary)
    return len(summary & content_tokens(example.doc)) / max(len(summary), 1)


def support_score(example: Example) -> float:
    articles = [
        Article(id="doc", text=example.doc, title="", outlet="document", origin="doc", format="text"),
        Article(id="sum", text=example.summary, title="", outlet="summary", origin="sum", format="text"),
    ]
    annotations = annotate(articles)
    doc, summary = annotations["doc"].sentences, annotations["sum"].sentences
    if not doc or not summary:
        return 0.0
    matrix = similarity_between([s.text for s in summary], [s.text for s in doc])
    entities = merge_entities(m for a in annotations.values() for m in a.mentions)
    outlets = {"doc": "document", "sum": "summary"}
    weakest = 1.0
    for i, sentence in enumerate(summary):
        j = int(np.argmax(matrix[i]))
        if sentence_pair_conflicts(doc[j], sentence, float(matrix[i, j]), annotations, entities, outlets):
            return 0.0
        weakest = min(weakest, float(matrix[i, j]))
    return weakest


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    candidates = np.unique(scores)
    return float(max(candidates, key=lambda t: balanced_accuracy(scores >= t, labels)))


def balanced_accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    positives, negatives = labels == 1, labels == 0
    recall_pos = float(np.mean(predicted[positives])) if positives.any() else 0.0
    recall_neg = float(np.mean(~predicted[negatives])) if negatives.any() else 0.0
    return (recall_pos + recall_neg) / 2
