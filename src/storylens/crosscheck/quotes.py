"""The same quote across sources: one quote with its wording variants and speaker."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from storylens.annotate.entities import canonical_person
from storylens.model import Annotation, Entity, Quote, QuoteKind, QuoteMention, Span
from storylens.similarity import similarity_within

# Set on spun versions of the bundled quotes ("I accept complete responsibility for what
# occurred" scores 0.71 against the original) and unrelated quotes of one story (below 0.2).
SPUN_QUOTE_SIMILARITY = 0.65


def quote_groups(annotations: dict[str, Annotation], threshold: float) -> list[list[QuoteMention]]:
    """Quote mentions grouped by wording. A lightly edited quote joins by its characters
    (rapidfuzz token-set ratio at `threshold`); a spun or retranslated one by its sense
    (sentence similarity at SPUN_QUOTE_SIMILARITY)."""
    quotes = [quote for annotation in annotations.values() for quote in annotation.quotes]
    if not quotes:
        return []
    similarity = similarity_within([quote.text for quote in quotes])
    groups: list[list[int]] = []
    for index, quote in enumerate(quotes):
        for group in groups:
            head = group[0]
            close = fuzz.token_set_ratio(quotes[head].text.lower(), quote.text.lower()) >= threshold
            if close or similarity[head, index] >= SPUN_QUOTE_SIMILARITY:
                group.append(index)
                break
        else:
            groups.append([index])
    return [[quotes[i] for i in group] for group in groups]


def speaker_of(quote: QuoteMention, entities: Sequence[Entity]) -> str | None:
    return canonical_person(quote.speaker, entities) if quote.speaker else None


def _quote(speaker: str | None, mentions: Sequence[QuoteMention]) -> Quote:
    variants = tuple(dict.fromkeys(q.text for q in mentions))
    written = tuple(dict.fromkeys(q.speaker_text for q in mentions if q.speaker_text))
    kind = mentions[0].kind
    return Quote(
        text=variants[0],
        speaker=speaker,
        spans=tuple(Span(q.article_id, q.start, q.end) for q in mentions),
        variants=variants[1:],
        kind=kind,
        speaker_written=written,
        speaker_spans=tuple(q.speaker_span for q in mentions if q.speaker_span is not None),
        cues=tuple(q.cue for q in mentions if q.cue is not None),
    )


def group_quotes(groups: Sequence[Sequence[QuoteMention]], entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """One Quote per wording group (from `quote_groups`) and speaker: where sources give the same
    words to different people, each attribution is its own entry (and crosscheck reports the
    conflict)."""
    quotes = []
    for group in groups:
        # Direct and reported wordings stay apart: words nobody quoted never get quotation marks.
        by_speaker: dict[tuple[str | None, QuoteKind], list[QuoteMention]] = {}
        for mention in group:
            by_speaker.setdefault((speaker_of(mention, entities), mention.kind), []).append(mention)
        for (speaker, _), mentions in by_speaker.items():
            quotes.append(_quote(speaker, mentions))
    return tuple(sorted(quotes, key=lambda q: -len(q.spans)))
