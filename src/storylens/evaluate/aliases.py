"""Alias merging on hand-made mention sets: B-cubed over mentions, pooled across sets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from storylens.annotate.entities import merge_entities
from storylens.evaluate.metrics import PRF, bcubed
from storylens.model import Mention


@dataclass(frozen=True)
class MentionSet:
    id: str
    mentions: tuple[tuple[str, str, str], ...]  # (text, label, gold entity)


def read_sets(path: Path) -> list[MentionSet]:
    rows = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        MentionSet(row["id"], tuple((m["text"], m["label"], m["gold"]) for m in row["mentions"]))
        for row in rows
    ]


def predict(mention_set: MentionSet) -> list[str]:
    """The entity id merge_entities gives each mention, in fixture order."""
    mentions = [
        Mention(f"{mention_set.id}-{i}", 0, len(text), text, label)
        for i, (text, label, _) in enumerate(mention_set.mentions)
    ]
    owner = {}
    for entity in merge_entities(mentions):
        for span in entity.mentions:
            owner[span.article_id] = entity.id
    return [owner[m.article_id] for m in mentions]


def evaluate(sets: list[MentionSet]) -> tuple[PRF, list[tuple[MentionSet, list[str]]]]:
    predicted: list[str] = []
    gold: list[str] = []
    details = []
    for mention_set in sets:
        labels = predict(mention_set)
        details.append((mention_set, labels))
        predicted += [f"{mention_set.id}/{label}" for label in labels]
        gold += [f"{mention_set.id}/{g}" for _, _, g in mention_set.mentions]
    return bcubed(predicted, gold), details
