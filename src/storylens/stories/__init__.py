"""Stories: articles grouped by the event they report.

Two articles are close when their words (tf-idf cosine) and their named entities (Jaccard) agree,
and the closeness decays with the time between them, so that a report on an earlier event of the
same kind, with the same places and people, still ends up in a story of its own. Groups come
from average-link agglomerative clustering over that similarity.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from storylens.config import StorySettings
from storylens.model import Article, Mention, Story

TEXT_WEIGHT = 0.7  # the rest is entity overlap; entities carry the who and where of an event
LABEL_ENTITIES = 3
LABEL_TERMS = 3


def similarity_matrix(
    articles: Sequence[Article], mentions: dict[str, Sequence[Mention]], settings: StorySettings
) -> np.ndarray:
    texts = [f"{article.title}\n{article.text}" for article in articles]
    tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    text_similarity = (tfidf @ tfidf.T).toarray()
    names = [entity_names(mentions.get(article.id, ())) for article in articles]
    entity_similarity = np.array([[jaccard(a, b) for b in names] for a in names])
    similarity = TEXT_WEIGHT * text_similarity + (1 - TEXT_WEIGHT) * entity_similarity
    return similarity * _time_decay(articles, settings.time_half_life_days)


def entity_names(mentions: Sequence[Mention]) -> set[str]:
    return {_without_article(m.text).lower() for m in mentions}


def _without_article(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _time_decay(articles: Sequence[Article], half_life_days: float) -> np.ndarray:
    """0.5 ** (days apart / half life); 1 where a publication date is unknown."""
    days = np.array([a.published.timestamp() / 86400 if a.published else np.nan for a in articles])
    gaps = np.abs(days[:, None] - days[None, :])
    decay = np.power(0.5, gaps / half_life_days)
    return np.where(np.isnan(decay), 1.0, decay)


def cluster_matrix(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-link clusters of a similarity matrix, merged while above `threshold`."""
    if len(similarity) < 2:
        return [0] * len(similarity)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return [int(label) for label in model.fit_predict(distance)]


def group_stories(
    articles: Sequence[Article], mentions: dict[str, Sequence[Mention]], settings: StorySettings | None = None
) -> tuple[Story, ...]:
    """Stories over `articles`, largest first."""
    settings = settings or StorySettings()
    if not articles:
        return ()
    labels = cluster_matrix(similarity_matrix(articles, mentions, settings), settings.merge_threshold)
    groups: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(label, []).append(article)
    stories = [_story(members, mentions) for members in groups.values()]
    return tuple(sorted(stories, key=lambda s: (-len(s.article_ids), s.label)))


def _story(members: list[Article], mentions: dict[str, Sequence[Mention]]) -> Story:
    members = sorted(members, key=lambda a: (a.published is None, a.published or 0, a.id))
    ids = tuple(article.id for article in members)
    dates = [article.published for article in members if article.published]
    # Named after its first article, so that a story keeps its id (and its web address) as
    # later articles join it.
    digest = hashlib.sha1(ids[0].encode()).hexdigest()[:8]
    return Story(
        id=f"s{digest}",
        article_ids=ids,
        label=_label(members, mentions),
        first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None,
    )


def _label(members: list[Article], mentions: dict[str, Sequence[Mention]]) -> str:
    """The entities most articles name, then the most frequent title words."""
    entity_counts: Counter[str] = Counter()
    for article in members:
        entity_counts.update(
            {
                _without_article(m.text)
                for m in mentions.get(article.id, ())
                if m.label in {"PERSON", "ORG", "GPE", "LOC"} and len(m.text.split()) > 1
            }
        )
    names = _top(entity_counts, LABEL_ENTITIES)
    title_words: Counter[str] = Counter()
    seen = {word.lower() for name in names for word in name.split()}
    for article in members:
        title_words.update({w.lower() for w in article.title.split() if len(w) > 4} - seen)
    return " · ".join(names + _top(title_words, LABEL_TERMS))


def _top(counts: Counter[str], size: int) -> list[str]:
    """The most frequent keys, ties broken alphabetically so that labels are reproducible."""
    return [key for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]]


__all__ = ["group_stories", "similarity_matrix"]
