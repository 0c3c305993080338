"""The same quote across sources: one quote with its wording variants and speaker."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from storylens.annotate.entities import canonical_person
from storylens.model import Annotation, Entity, Quote, QuoteMention, Span


def quote_groups(annotations: dict[str, Annotation], threshold: float) -> list[list[QuoteMention]]:
    """Quote mentions grouped by wording; a lightly reworded quote still joins its group."""
    groups: list[list[QuoteMention]] = []
    for annotation in annotations.values():
        for quote in annotation.quotes:
            for group in groups:
                if fuzz.token_set_ratio(group[0].text.lower(), quote.text.lower()) >= threshold:
                    group.append(quote)
                    break
            else:
                groups.append([quote])
    return groups


def speaker_of(quote: QuoteMention, entities: Sequence[Entity]) -> str | None:
    return canonical_person(quote.speaker, entities) if quote.speaker else None


def group_quotes(
    annotations: dict[str, Annotation], entities: Sequence[Entity], threshold: float
) -> tuple[Quote, ...]:
    """One Quote per wording group and speaker: where sources give the same words to different
    people, each attribution is its own entry (and crosscheck reports the conflict)."""
    quotes = []
    for group in quote_groups(annotations, threshold):
        by_speaker: dict[str | None, list[QuoteMention]] = {}
        for mention in group:
            by_speaker.setdefault(speaker_of(mention, entities), []).append(mention)
        for speaker, mentions in by_speaker.items():
            variants = tuple(dict.fromkeys(q.text for q in mentions))
            spans = tuple(Span(q.article_id, q.start, q.end) for q in mentions)
            quotes.append(Quote(text=variants[0], speaker=speaker, spans=spans, variants=variants[1:]))
    return tuple(sorted(quotes, key=lambda q: -len(q.spans)))
