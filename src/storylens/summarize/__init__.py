"""Summarize: an extractive summary whose every line is a sentence of a source, cited.

Claims are ranked by how many independent voices back them, how many articles carry them, how
central they are to the story and how early they come in their articles; the best are taken
greedily up to the word budget, skipping any too close to one already taken. A line is the
wording of an article that does not lose a conflict over it: where a rewrite changed a figure,
the line quotes the origin, and the rewrite is not cited for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from storylens.config import SummarySettings
from storylens.model import Claim, Conflict, Derivation, Sentence, Span, SummaryLine
from storylens.similarity import combined, content_tokens, embed, lexical_matrix

VOICE_WEIGHT = 1.0
ARTICLE_WEIGHT = 0.25
CENTRALITY_WEIGHT = 1.0
LEAD_WEIGHT = 0.5  # news puts the main facts first


def disputed_spans(conflicts: Sequence[Conflict], derivations: Sequence[Derivation]) -> set[tuple[str, int]]:
    """Conflict spans (article id, start) that must not be repeated as fact: the side of a
    derived article against its source; both sides when independent sources disagree (the
    conflicts section shows them, the summary takes neither)."""
    derived_from = {(d.derived, d.source) for d in derivations}
    losers: set[tuple[str, int]] = set()
    for conflict in conflicts:
        a, b = conflict.first, conflict.second
        if (a.article_id, b.article_id) in derived_from:
            losers.add((a.article_id, a.start))
        elif (b.article_id, a.article_id) in derived_from:
            losers.add((b.article_id, b.start))
        else:
            losers.update({(a.article_id, a.start), (b.article_id, b.start)})
    return losers


def summarize(
    claims: Sequence[Claim],
    sentences: dict[tuple[str, int], Sentence],
    disputed: set[tuple[str, int]],
    derived: set[str],
    settings: SummarySettings | None = None,
) -> tuple[SummaryLine, ...]:
    """Summary lines within the word budget, in the order the story is told. A line takes the
    wording of an original report where it can (`derived` holds the copies and rewrites)."""
    settings = settings or SummarySettings()
    index = _SentenceIndex(sentences.values())
    options = [option for option in (_option(claim, index, disputed, derived) for claim in claims) if option]
    if not options:
        return ()
    texts = [text for text, _, _ in options]
    vectors = embed(texts)
    centrality = vectors @ vectors.mean(axis=0)
    tokens = [content_tokens(text) for text in texts]
    # the vectors serve centrality too, so they are not recomputed through similarity_within
    similarity = combined(lexical_matrix(tokens, tokens), vectors @ vectors.T)
    scores = [_score(claim, position, float(centrality[i])) for i, (_, claim, position) in enumerate(options)]
    chosen = _select(options, scores, similarity, settings)
    chosen.sort(key=lambda i: options[i][2])
    return tuple(_line(options[i]) for i in chosen)


class _SentenceIndex:
    """Sentences by (article, start offset), and how many each article has."""

    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.at: dict[tuple[str, int], Sentence] = {}
        self.counts: Counter[str] = Counter()
        for sentence in sentences:
            self.at[(sentence.article_id, sentence.start)] = sentence
            self.counts[sentence.article_id] += 1

    def position(self, span: Span) -> float:
        """Where the span's sentence stands in its article, 0 (first) to 1."""
        return self.at[(span.article_id, span.start)].index / max(self.counts[span.article_id], 1)


def _option(
    claim: Claim,
    index: _SentenceIndex,
    disputed: set[tuple[str, int]],
    derived: set[str],
) -> tuple[str, Claim, float] | None:
    """(text, claim with only undisputed spans, relative position) or None if all are disputed."""
    undisputed = [span for span in claim.spans if not _touches(span, disputed)]
    if not undisputed:
        return None
    undisputed.sort(key=lambda span: span.article_id in derived)  # originals first, stable
    clean = tuple(undisputed)
    lead = clean[0]
    sentence = index.at[(lead.article_id, lead.start)]
    trimmed = Claim(
        claim.id, clean, sentence.text, claim.articles, claim.independent_voices, claim.voice_groups
    )
    return sentence.text, trimmed, float(np.mean([index.position(span) for span in clean]))


def _touches(span: Span, disputed: set[tuple[str, int]]) -> bool:
    return any(article == span.article_id and span.start <= start < span.end for article, start in disputed)


def _score(claim: Claim, position: float, centrality: float) -> float:
    return (
        VOICE_WEIGHT * claim.independent_voices
        + ARTICLE_WEIGHT * len(claim.articles)
        + CENTRALITY_WEIGHT * centrality
        + LEAD_WEIGHT * (1 - position)
    )


def _select(
    options: list[tuple[str, Claim, float]],
    scores: list[float],
    similarity: np.ndarray,
    settings: SummarySettings,
) -> list[int]:
    chosen: list[int] = []
    words = 0
    for i in sorted(range(len(options)), key=lambda k: -scores[k]):
        length = len(options[i][0].split())
        if words + length > settings.words and chosen:
            continue
        if any(similarity[i, j] >= settings.redundancy for j in chosen):
            continue
        chosen.append(i)
        words += length
    return chosen


def _line(option: tuple[str, Claim, float]) -> SummaryLine:
    text, claim, _ = option
    return SummaryLine(text=text, citations=claim.spans, independent_voices=claim.independent_voices)


__all__ = ["disputed_spans", "summarize"]
