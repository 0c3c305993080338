"""Crosscheck: sentences aligned across articles into claims, their independent voices, and the
conflicts between aligned sentences (numbers, durations, dates) and between quotes (the same
words given to different speakers)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from storylens.config import CrosscheckSettings
from storylens.crosscheck.conflicts import aligned_conflicts, quote_conflicts, role_conflicts
from storylens.crosscheck.quotes import group_quotes, quote_groups
from storylens.model import Annotation, Article, Claim, Conflict, Entity, Quote, Sentence, Span
from storylens.similarity import similarity_within


@dataclass(frozen=True)
class CrosscheckResult:
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...]
    quotes: tuple[Quote, ...]
    claim_of_sentence: dict[tuple[str, int], str]  # (article id, sentence index) -> claim id


def crosscheck(
    articles: Sequence[Article],
    annotations: dict[str, Annotation],
    voice_groups: Sequence[Sequence[str]],
    entities: Sequence[Entity],
    settings: CrosscheckSettings | None = None,
) -> CrosscheckResult:
    settings = settings or CrosscheckSettings()
    sentences = [s for article in articles for s in annotations[article.id].sentences]
    similarity = sentence_similarity(sentences)
    clusters = cluster_sentences(sentences, similarity, settings.claim_similarity)
    group_of = {article_id: index for index, group in enumerate(voice_groups) for article_id in group}
    claims = [_claim(members, sentences, similarity, group_of) for members in clusters]
    claim_of = {
        (sentences[i].article_id, sentences[i].index): claim.id
        for claim, members in zip(claims, clusters, strict=True)
        for i in members
    }
    conflicts = aligned_conflicts(sentences, clusters, similarity, annotations, articles, entities)
    conflicts += role_conflicts(entities, articles)
    groups = quote_groups(annotations, settings.quote_match)  # embeds every quote: once
    quotes = group_quotes(groups, entities)
    conflicts += quote_conflicts(groups, entities, articles)
    ranked = tuple(sorted(conflicts, key=lambda c: -c.confidence))
    claims.sort(key=lambda c: (-c.independent_voices, -len(c.articles), c.id))
    return CrosscheckResult(tuple(claims), ranked, quotes, claim_of)


def sentence_similarity(sentences: Sequence[Sentence]) -> np.ndarray:
    return similarity_within([s.text for s in sentences])


def cluster_sentences(
    sentences: Sequence[Sentence], similarity: np.ndarray, threshold: float
) -> list[list[int]]:
    """Groups of sentence indexes stating the same fact; two sentences of one article never
    state the same fact, so they are kept apart."""
    if len(sentences) < 2:
        return [[i] for i in range(len(sentences))]
    articles = np.array([s.article_id for s in sentences])
    distance = 1.0 - similarity.astype(np.float64)
    distance[articles[:, None] == articles[None, :]] = 1.0
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    labels = model.fit_predict(np.clip(distance, 0.0, None))
    clusters: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(index)
    return list(clusters.values())


def _claim(
    members: list[int], sentences: Sequence[Sentence], similarity: np.ndarray, group_of: dict[str, int]
) -> Claim:
    centre = max(members, key=lambda i: float(similarity[i, members].sum()))
    articles = tuple(dict.fromkeys(sentences[i].article_id for i in members))
    groups: dict[int, list[str]] = {}
    for article_id in articles:
        groups.setdefault(group_of.get(article_id, -1 - len(groups)), []).append(article_id)
    spans = tuple(Span(sentences[i].article_id, sentences[i].start, sentences[i].end) for i in members)
    key = "|".join(f"{s.article_id}:{s.start}" for s in spans)
    return Claim(
        id=f"c{hashlib.sha1(key.encode()).hexdigest()[:8]}",
        spans=spans,
        text=sentences[centre].text,
        articles=articles,
        independent_voices=len(groups),
        voice_groups=tuple(tuple(g) for g in groups.values()),
    )


__all__ = ["CrosscheckResult", "crosscheck"]
