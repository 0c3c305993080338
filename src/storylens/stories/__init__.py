"""Stories: articles grouped by the event they report.

Two articles are close when their words and word pairs agree (tf-idf cosine, see `vectors`), and
the closeness decays with the time between them, so that a report on an earlier event of the same
kind still ends up in a story of its own. Groups come from average-link agglomerative clustering
over that similarity. A group is then cut in two where its entity terms (names, places, numbers)
fall into two sets that each hang together far better than they agree with each other: two events
of one kind (two rehab stays, two pirate attacks) share their vocabulary, not their who and where.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from storylens.annotate.names import without_article
from storylens.config import StorySettings
from storylens.model import Article, Mention, Story
from storylens.stories.vectors import batch_vectors, entity_counts, entity_terms, local_tfidf

# Share of the embedding cosine in the pair score; Pearson with SemEval-2022 Task 8 Overall moves
# less than 0.01 between 0.3 and 0.7.
EMBEDDING_SHARE = 0.5
LABEL_ENTITIES = 3
LABEL_TERMS = 3


def story_text(article: Article) -> str:
    return f"{article.title}\n{article.text}"


def similarity_matrix(articles: Sequence[Article], settings: StorySettings) -> np.ndarray:
    """Pairwise same-story similarity of a batch: tf-idf cosine with the batch's own document
    frequencies, times the time decay."""
    vectors = batch_vectors([story_text(a) for a in articles])
    similarity = np.asarray((vectors @ vectors.T).toarray(), dtype=np.float64)
    return similarity * time_decay(articles, settings.time_half_life_days)


def same_story_scores(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """How likely each pair of texts reports the same story, from 0 to 1: the square root of
    their tf-idf cosine (document frequencies from all the texts given) averaged with the cosine of
    their wordllama embeddings, which knows that "quake" and "earthquake" tell the same event.

    Used to score pairs; grouping uses the cosine alone, because embeddings also bring together
    two events of the same kind (measured on ECB+: B-cubed F1 falls from 0.93 to 0.89).
    """
    from storylens.similarity import embed

    vectors = batch_vectors([*first, *second])
    size = len(first)
    cosine = np.asarray(vectors[:size].multiply(vectors[size:]).sum(axis=1)).ravel()
    embeddings = embed([*first, *second])
    semantic = np.clip((embeddings[:size] * embeddings[size:]).sum(axis=1), 0.0, 1.0)
    return EMBEDDING_SHARE * semantic + (1 - EMBEDDING_SHARE) * np.sqrt(np.clip(cosine, 0.0, 1.0))


EPOCH = datetime(1970, 1, 1)


def days_since_epoch(moment: datetime) -> float:
    """Days from 1970 to `moment`, read as written (no local-time conversion, which fails before
    1970 on some systems and for year 1 everywhere)."""
    return (moment.replace(tzinfo=None) - EPOCH) / timedelta(days=1)


def time_decay(articles: Sequence[Article], half_life_days: float) -> np.ndarray:
    """0.5 ** (days apart / half life); 1 where a publication date is unknown."""
    days = np.array([days_since_epoch(a.published) if a.published else np.nan for a in articles])
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


def split_by_entities(labels: Sequence[int], entities: sp.csr_matrix, settings: StorySettings) -> list[int]:
    """Each group cut in two where its entity terms say it holds two events (see the module note);
    `entities` has one row of entity-term counts per labelled item."""
    result = list(labels)
    next_label = max(labels, default=-1) + 1
    for label in sorted(set(labels)):
        members = [i for i, x in enumerate(labels) if x == label]
        halves = entity_halves(entities[members], settings)
        if halves is None:
            continue
        for member, half in zip(members, halves, strict=True):
            if half:
                result[member] = next_label
        next_label += 1
    return result


def entity_halves(entities: sp.csr_matrix, settings: StorySettings) -> list[bool] | None:
    """Which members go to the second of two entity-coherent halves, or None to keep the group."""
    size = entities.shape[0]
    if size < 2 * settings.split_min_size:
        return None
    vectors = local_tfidf(entities)
    similarity = np.asarray((vectors @ vectors.T).toarray())
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    halves = AgglomerativeClustering(n_clusters=2, metric="precomputed", linkage="average").fit_predict(
        distance
    )
    first = halves == 0
    second = ~first
    if min(first.sum(), second.sum()) < settings.split_min_size:
        return None
    between = similarity[np.ix_(first, second)].mean()
    cohesion = min(_mean_within(similarity, first), _mean_within(similarity, second))
    if between >= settings.split_ratio * cohesion:
        return None
    return [bool(h) for h in second]


def _mean_within(similarity: np.ndarray, members: np.ndarray) -> float:
    block = similarity[np.ix_(members, members)]
    count = len(block)
    return float((block.sum() - np.trace(block)) / (count * (count - 1)))


def group_stories(
    articles: Sequence[Article],
    mentions: dict[str, Sequence[Mention]] | None = None,
    settings: StorySettings | None = None,
) -> tuple[Story, ...]:
    """Stories over `articles`, largest first."""
    settings = settings or StorySettings()
    if not articles:
        return ()
    labels = cluster_matrix(similarity_matrix(articles, settings), settings.merge_threshold)
    labels = split_by_entities(labels, entity_counts([story_text(a) for a in articles]), settings)
    groups: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(label, []).append(article)
    stories = [_story(members, mentions or {}) for members in groups.values()]
    return tuple(sorted(stories, key=lambda s: (-len(s.article_ids), s.label)))


def _story(members: list[Article], mentions: dict[str, Sequence[Mention]]) -> Story:
    members = sorted(members, key=lambda a: (a.published is None, a.published or 0, a.id))
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for article in members:
        names.update(label_names(article, mentions.get(article.id)))
        words.update(title_words(article))
    return make_story(
        [a.id for a in members], story_label(names, words), [a.published for a in members if a.published]
    )


def make_story(ids: Sequence[str], label: str, dates: Sequence[datetime]) -> Story:
    """`ids` in reading order (dated first, oldest first)."""
    # Named after its first article, so that a story keeps its id (and its web address) as
    # later articles join it.
    digest = hashlib.sha1(ids[0].encode()).hexdigest()[:8]
    return Story(
        id=f"s{digest}",
        article_ids=tuple(ids),
        label=label,
        first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None,
    )


def label_names(
    article: Article, mentions: Sequence[Mention] | None, terms: Sequence[str] | None = None
) -> set[str]:
    """The names an article gives: multi-word named entities where NER ran, else its capitalised
    words (no NER in the corpus command; `terms`: its entity terms, where already found)."""
    if mentions is not None:
        return {
            without_article(m.text)
            for m in mentions
            if m.label in {"PERSON", "ORG", "GPE", "LOC"} and len(m.text.split()) > 1
        }
    terms = entity_terms(story_text(article)) if terms is None else terms
    counted = Counter(t for t in terms if t.isalpha() and t.lower() not in STOP_WORDS)
    return {term for term, count in counted.items() if count > 1}


def title_words(article: Article) -> set[str]:
    return {
        w for w in (word.lower().strip(".,:;!?'\"“”‘’") for word in article.title.split()) if len(w) > 4
    } - STOP_WORDS


def story_label(names: Counter[str], words: Counter[str]) -> str:
    """The names most articles give, then the most frequent title words not already named."""
    top_names = _top(names, LABEL_ENTITIES)
    seen = {word.lower() for name in top_names for word in name.split()}
    top_words = _top(Counter({w: c for w, c in words.items() if w not in seen}), LABEL_TERMS)
    return " · ".join(top_names + top_words)


def _top(counts: Counter[str], size: int) -> list[str]:
    """The most frequent keys, ties broken alphabetically so that labels are reproducible."""
    return [key for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]]


__all__ = ["group_stories", "same_story_scores", "similarity_matrix"]
