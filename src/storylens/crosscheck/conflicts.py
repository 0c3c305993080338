"""Conflicts: two aligned sentences whose numbers, durations or dates differ, and one quote given
to two speakers. Each conflict keeps both spans and says in plain words what differs."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from itertools import combinations
from typing import TypeVar

import numpy as np

from storylens.crosscheck.quotes import quote_groups, speaker_of
from storylens.model import (
    Annotation,
    Article,
    Conflict,
    ConflictKind,
    DateMention,
    Entity,
    Quantity,
    Quote,
    QuoteMention,
    Sentence,
    Span,
)

# Hedged figures ("nearly a decade", "about 40") agree with values this close, relatively.
APPROXIMATE_TOLERANCE = 0.15


Figure = TypeVar("Figure", Quantity, DateMention)


def _inside(items: Sequence[Figure], sentence: Sentence) -> list[Figure]:
    return [item for item in items if sentence.start <= item.start and item.end <= sentence.end]


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value:
        return True
    if a.approximate or b.approximate:
        return abs(a.value - b.value) <= APPROXIMATE_TOLERANCE * max(abs(a.value), abs(b.value))
    return False


def quantity_conflicts(
    sentences: Sequence[Sentence],
    clusters: Sequence[Sequence[int]],
    similarity: np.ndarray,
    annotations: dict[str, Annotation],
    articles: Sequence[Article],
) -> list[Conflict]:
    """Conflicts between sentences of one claim: a figure of one unit that the other sentence
    gives differently, and no matching figure of that unit on either side."""
    outlets = {article.id: article.outlet for article in articles}
    found: dict[tuple[str, str, frozenset[str]], Conflict] = {}
    for members in clusters:
        for i, j in combinations(members, 2):
            first, second = sentences[i], sentences[j]
            confidence = float(similarity[i, j])
            for conflict in _sentence_pair_conflicts(first, second, annotations, outlets, confidence):
                key = (
                    conflict.kind.value,
                    str(members[0]),
                    frozenset({conflict.first_value, conflict.second_value}),
                )
                found.setdefault(key, conflict)
    return list(found.values())


def _sentence_pair_conflicts(
    first: Sentence,
    second: Sentence,
    annotations: dict[str, Annotation],
    outlets: dict[str, str],
    confidence: float,
) -> list[Conflict]:
    conflicts = []
    a_items = _inside(annotations[first.article_id].quantities, first)
    b_items = _inside(annotations[second.article_id].quantities, second)
    for a, b in _unmatched_pairs(a_items, b_items, lambda q: q.unit, quantities_agree):
        kind = ConflictKind.DURATION if a.unit == "years" else ConflictKind.NUMBER
        conflicts.append(_conflict(kind, a, b, outlets, confidence, _describe_quantity))
    a_dates = _inside(annotations[first.article_id].dates, first)
    b_dates = _inside(annotations[second.article_id].dates, second)
    for da, db in _unmatched_pairs(a_dates, b_dates, lambda d: d.precision, lambda x, y: x.value == y.value):
        conflicts.append(_conflict(ConflictKind.DATE, da, db, outlets, confidence, _describe_date))
    return conflicts


def _unmatched_pairs(
    first: list[Figure],
    second: list[Figure],
    unit: Callable[[Figure], Hashable],
    agree: Callable[[Figure, Figure], bool],
) -> Iterator[tuple[Figure, Figure]]:
    """Pairs (a, b) of one unit where neither side has an agreeing figure on the other side."""
    lonely_a = [a for a in first if not any(unit(a) == unit(b) and agree(a, b) for b in second)]
    lonely_b = [b for b in second if not any(unit(a) == unit(b) and agree(a, b) for a in first)]
    for a in lonely_a:
        match = next((b for b in lonely_b if unit(b) == unit(a)), None)
        if match is not None:
            lonely_b.remove(match)
            yield a, match


def _describe_quantity(item: Quantity) -> str:
    if item.unit == "years" and not item.text.lower().endswith(("year", "years")):
        return f"“{item.text}” (about {item.value:g} years)"
    return f"“{item.text}”"


def _describe_date(item: DateMention) -> str:
    return f"“{item.text}” ({item.value.isoformat()})"


def _conflict(
    kind: ConflictKind,
    a: Figure,
    b: Figure,
    outlets: dict[str, str],
    confidence: float,
    describe: Callable[[Figure], str],
) -> Conflict:
    noun = {ConflictKind.DURATION: "how long", ConflictKind.DATE: "when", ConflictKind.NUMBER: "how many"}[
        kind
    ]
    explanation = (
        f"The sources differ on {noun}: {outlets[a.article_id]} says {describe(a)}, "
        f"{outlets[b.article_id]} says {describe(b)}, in sentences that otherwise "
        "report the same fact."
    )
    return Conflict(
        kind,
        Span(a.article_id, a.start, a.end),
        Span(b.article_id, b.start, b.end),
        a.text,
        b.text,
        explanation,
        round(confidence, 3),
    )


def quote_conflicts(
    quotes: Sequence[Quote],
    annotations: dict[str, Annotation],
    entities: Sequence[Entity],
    articles: Sequence[Article],
    threshold: float,
) -> list[Conflict]:
    """The same words attributed to different people by different sources."""
    outlets = {article.id: article.outlet for article in articles}
    conflicts = []
    for group in quote_groups(annotations, threshold):
        by_speaker: dict[str, list[QuoteMention]] = {}
        for quote in group:
            speaker = speaker_of(quote, entities)
            if speaker:
                by_speaker.setdefault(speaker, []).append(quote)
        if len(by_speaker) < 2:
            continue
        ranked = sorted(by_speaker.items(), key=lambda item: -len(item[1]))
        (first_name, first), *others = ranked
        for other_name, other in others:
            conflicts.append(_quote_conflict(first[0], first_name, other[0], other_name, outlets))
    return conflicts


def _quote_conflict(
    a: QuoteMention, a_name: str, b: QuoteMention, b_name: str, outlets: dict[str, str]
) -> Conflict:
    words = a.text if len(a.text) <= 80 else a.text[:77] + "…"
    explanation = (
        f"The same words, “{words}”, are given to {a_name} by {outlets[a.article_id]} "
        f"and to {b_name} by {outlets[b.article_id]}."
    )
    return Conflict(
        ConflictKind.QUOTE_ATTRIBUTION,
        Span(a.article_id, a.start, a.end),
        Span(b.article_id, b.start, b.end),
        a_name,
        b_name,
        explanation,
        0.9,
    )
