"""Incremental story grouping: each new article joins the story it is closest to, or starts one.

"Closest" is the batch clusterer's average link: the mean cosine between the article and a story's
members, which is the article's dot product with the sum of the members' unit vectors divided by
their number, so a story is kept as one summed vector however large it grows. Candidate stories
come from an inverted index over each article's most weighted terms, so an article is compared
with the few stories that share its rarest words, not with all of them. The same entity split as
in batch mode runs when stories are read out.

Memory is bounded by the open stories: when articles carry dates, a story whose newest article is
so old that the time decay keeps anything from joining it is closed and can be written out.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import scipy.sparse as sp

from storylens.config import StorySettings
from storylens.model import Article, Story
from storylens.stories import (
    days_since_epoch,
    entity_halves,
    label_names,
    make_story,
    story_label,
    story_text,
    title_words,
)
from storylens.stories.vectors import (
    MIN_DOCUMENT_FREQUENCY,
    N_FEATURES,
    DocumentFrequencies,
    entity_term_counts,
    entity_terms,
    weigh,
    word_counts,
)

# An article is looked up by this many of its most weighted terms ...
LOOKUP_TERMS = 12
# ... and each term's index remembers the stories that most recently used it, this many of them.
POSTING_LENGTH = 64
# A story closes when the time decay to its newest article falls below this (10 half-lives).
CLOSED_DECAY = 2.0**-10


@dataclass(frozen=True)
class Features:
    """What the clusterer needs of an article, small enough to send between processes."""

    id: str
    published: datetime | None
    words: tuple[np.ndarray, np.ndarray]  # hashed word and word-pair counts: sorted indices, counts
    entities: tuple[np.ndarray, np.ndarray]  # hashed entity-term counts
    names: frozenset[str]
    title_words: frozenset[str]


def article_features(articles: Sequence[Article]) -> list[Features]:
    if not articles:  # the vectorisers cannot take an empty batch
        return []
    texts = [story_text(a) for a in articles]
    words = word_counts(texts)
    terms = [entity_terms(text) for text in texts]  # found once: for the split and for labels
    entities = entity_term_counts(terms)
    return [
        Features(
            id=article.id,
            published=article.published,
            words=_row(words, row),
            entities=_row(entities, row),
            names=frozenset(label_names(article, None, terms[row])),
            title_words=frozenset(title_words(article)),
        )
        for row, article in enumerate(articles)
    ]


@dataclass
class _Open:
    """One story being built: its members, their summed unit vectors, what labels it."""

    ids: list[str] = field(default_factory=list)
    dates: list[datetime | None] = field(default_factory=list)
    indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    entities: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    names: list[frozenset[str]] = field(default_factory=list)  # per member, for its label
    words: list[frozenset[str]] = field(default_factory=list)
    newest: float | None = None  # days since the epoch
    oldest: float | None = None

    def similarity(self, indices: np.ndarray, values: np.ndarray) -> float:
        positions = np.searchsorted(self.indices, indices)
        positions[positions == len(self.indices)] = 0
        hits = self.indices[positions] == indices if len(self.indices) else np.zeros(0, bool)
        if not hits.any():
            return 0.0
        return float(np.dot(values[hits], self.values[positions[hits]])) / len(self.ids)

    def cover(self, day: float | None) -> None:
        """Widen the story's date span to `day` (unknown dates leave it as it is)."""
        if day is not None:
            self.newest = day if self.newest is None else max(self.newest, day)
            self.oldest = day if self.oldest is None else min(self.oldest, day)

    def add_vector(self, indices: np.ndarray, values: np.ndarray) -> None:
        merged, inverse = np.unique(np.concatenate([self.indices, indices]), return_inverse=True)
        self.values = np.bincount(inverse, weights=np.concatenate([self.values, values])).astype(np.float32)
        self.indices = merged.astype(np.int32)


class StoryClusterer:
    """Stories built one batch of articles at a time.

    With `frequencies` (document frequencies of the whole corpus, from a first pass) every article
    is weighted as the batch clusterer weighs it; without, frequencies are learnt as articles come.
    """

    def __init__(
        self,
        settings: StorySettings | None = None,
        frequencies: DocumentFrequencies | None = None,
        *,
        as_learnt: bool = False,
    ):
        """`as_learnt`: with `frequencies` given, weigh and compare as the learning clusterer does
        once it has seen them all (terms seen once keep their weight, the incremental threshold);
        the Spark engine counts the corpus first and places with these to give the stories of
        `storylens cluster`."""
        self.settings = settings or StorySettings()
        self.learning = frequencies is None
        self.frequencies = frequencies or DocumentFrequencies()
        learnt_weights = self.learning or as_learnt
        minimum = 1 if as_learnt else MIN_DOCUMENT_FREQUENCY
        self._idf: np.ndarray | None = None if self.learning else self.frequencies.idf(minimum)
        self.threshold = (
            self.settings.incremental_threshold if learnt_weights else self.settings.merge_threshold
        )
        self.open: dict[int, _Open] = {}
        self.postings: dict[int, list[int]] = {}
        self.next_story = 0

    def add(self, articles: Sequence[Article]) -> None:
        self.add_features(article_features(articles))

    def add_features(self, batch: Sequence[Features]) -> None:
        """Place a batch; with learnt frequencies the batch counts before it is weighed."""
        if not batch:
            return
        counts = _stack([f.words for f in batch])
        if self.learning:
            self.frequencies.update(counts)
            # Terms seen once so far keep their weight: the first article of a story would
            # otherwise be summed with almost nothing, and the story never found again.
            self._idf = self.frequencies.idf(min_frequency=1)
        assert self._idf is not None
        vectors = weigh(counts, self._idf)
        for row, features in enumerate(batch):
            self._place(features, _row(vectors, row))

    def _place(self, features: Features, vector: tuple[np.ndarray, np.ndarray]) -> None:
        indices, values = vector
        day = _day(features.published)
        best, best_score = None, self.threshold
        for story_id in self._candidates(indices, values):
            story = self.open[story_id]
            score = story.similarity(indices, values) * self._decay(story, day)
            if score >= best_score:
                best, best_score = story_id, score
        if best is None:
            best = self.next_story
            self.next_story += 1
            self.open[best] = _Open()
        self._join(best, features, vector, day)

    def _candidates(self, indices: np.ndarray, values: np.ndarray) -> set[int]:
        """Open stories indexed under the most weighted terms that some earlier article also has:
        a term only this article has cannot lead to a story, and with frequencies learnt as
        articles come, such terms are the most weighted of all."""
        shared = self.frequencies.counts[indices] > 1
        found: set[int] = set()
        for feature in _top_terms(indices[shared], values[shared]):
            found.update(s for s in self.postings.get(int(feature), ()) if s in self.open)
        return found

    def _decay(self, story: _Open, day: float | None) -> float:
        if day is None or story.newest is None or story.oldest is None:
            return 1.0
        gap = max(0.0, day - story.newest, story.oldest - day)
        return float(0.5 ** (gap / self.settings.time_half_life_days))

    def _join(
        self, story_id: int, features: Features, vector: tuple[np.ndarray, np.ndarray], day: float | None
    ) -> None:
        story = self.open[story_id]
        story.ids.append(features.id)
        story.dates.append(features.published)
        story.add_vector(*vector)
        story.entities.append(features.entities)
        story.names.append(features.names)
        story.words.append(features.title_words)
        story.cover(day)
        self._index(story_id, *vector)

    def _index(self, story_id: int, indices: np.ndarray, values: np.ndarray) -> None:
        for feature in _top_terms(indices, values):
            posting = self.postings.setdefault(int(feature), [])
            if not posting or posting[-1] != story_id:
                posting.append(story_id)
                del posting[:-POSTING_LENGTH]

    def close_stale(self, now: datetime) -> Iterator[Story]:
        """Stories no article dated `now` or later could join; they leave memory as they are read
        (or join an open story they are as close to as an article would need to be)."""
        today = _day(now)
        assert today is not None
        horizon = self.settings.time_half_life_days * math.log2(1 / CLOSED_DECAY)
        stale = [i for i, s in self.open.items() if s.newest is not None and today - s.newest > horizon]
        for story_id in stale:
            yield from self._settle(story_id)

    def finish(self) -> Iterator[Story]:
        """Every open story, entity-split, in the order they started; the clusterer is empty after."""
        for story_id in sorted(self.open):
            if story_id in self.open:
                yield from self._settle(story_id)
        self.postings.clear()

    def _settle(self, story_id: int) -> Iterator[Story]:
        """A story leaving memory: one pass of story-to-story average link first, because a story
        started before the articles that link it to another had come in."""
        story = self.open.pop(story_id)
        day_span = (story.oldest, story.newest)
        best, best_score = None, self.threshold
        for other_id in self._candidates(story.indices, story.values):
            other = self.open[other_id]
            score = other.similarity(story.indices, story.values) / len(story.ids)
            score *= min(self._decay(other, day) for day in day_span) if story.newest is not None else 1.0
            if score >= best_score:
                best, best_score = other_id, score
        if best is None:
            yield from self._finish(story)
            return
        self._absorb(best, story)

    def _absorb(self, story_id: int, gone: _Open) -> None:
        story = self.open[story_id]
        story.ids += gone.ids
        story.dates += gone.dates
        story.add_vector(gone.indices, gone.values)
        story.entities += gone.entities
        story.names += gone.names
        story.words += gone.words
        story.cover(gone.oldest)
        story.cover(gone.newest)
        self._index(story_id, gone.indices, gone.values)

    def to_state(self) -> dict[str, Any]:
        """Everything the clusterer holds as plain JSON-ready data (a checkpoint that reading
        can never run code from, unlike a pickle); `from_state` restores it exactly."""
        counts = self.frequencies.counts
        present = np.flatnonzero(counts).astype(np.int32)
        return {
            "learning": self.learning,
            "frequencies": {
                "documents": self.frequencies.documents,
                "terms": pack(present),
                "counts": pack(counts[present]),
            },
            "open": [[story_id, _open_state(story)] for story_id, story in self.open.items()],
            "postings": [[term, stories] for term, stories in self.postings.items()],
            "next_story": self.next_story,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], settings: StorySettings) -> StoryClusterer:
        """The clusterer `to_state` described; KeyError, TypeError or ValueError when `state`
        is not such a description."""
        frequencies = DocumentFrequencies()
        frequencies.documents = int(state["frequencies"]["documents"])
        terms = unpack(state["frequencies"]["terms"])
        frequencies.counts[terms] = unpack(state["frequencies"]["counts"])
        clusterer = cls(settings, None if state["learning"] else frequencies)
        if clusterer.learning:
            clusterer.frequencies = frequencies
            clusterer._idf = frequencies.idf(min_frequency=1) if frequencies.documents else None
        clusterer.open = {int(story_id): _open_from(story) for story_id, story in state["open"]}
        clusterer.postings = {int(term): [int(s) for s in stories] for term, stories in state["postings"]}
        clusterer.next_story = int(state["next_story"])
        return clusterer

    def labels(self, ids: Iterable[str]) -> list[int]:
        """A story number per article id (for comparing with a batch run); finishes the clusterer."""
        story_of = {a: n for n, story in enumerate(self.finish()) for a in story.article_ids}
        return [story_of[i] for i in ids]

    def _finish(self, story: _Open) -> Iterator[Story]:
        halves = entity_halves(_stack(story.entities), self.settings)
        parts = [list(range(len(story.ids)))]
        if halves is not None:
            parts = [[i for i, h in enumerate(halves) if not h], [i for i, h in enumerate(halves) if h]]
        for part in parts:
            label = story_label(
                Counter(n for i in part for n in story.names[i]),
                Counter(w for i in part for w in story.words[i]),
            )
            ordered = sorted(part, key=lambda i: (story.dates[i] is None, story.dates[i] or 0, story.ids[i]))
            dates = [d for d in (story.dates[i] for i in ordered) if d is not None]
            yield make_story([story.ids[i] for i in ordered], label, dates)


# The array types a checkpoint may hold; any other is refused, never interpreted.
ARRAY_TYPES = {"int32": np.dtype("<i4"), "float32": np.dtype("<f4")}


def pack(array: np.ndarray) -> dict[str, str]:
    """A numeric array as JSON-ready data: its type and its little-endian bytes in base64."""
    dtype = ARRAY_TYPES[array.dtype.name]
    return {"dtype": array.dtype.name, "data": base64.b64encode(array.astype(dtype).tobytes()).decode()}


def unpack(data: dict[str, str]) -> np.ndarray:
    dtype = ARRAY_TYPES[data["dtype"]]
    raw = base64.b64decode(data["data"], validate=True)
    return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="))


def _open_state(story: _Open) -> dict[str, Any]:
    return {
        "ids": story.ids,
        "dates": [d.isoformat() if d else None for d in story.dates],
        "indices": pack(story.indices),
        "values": pack(story.values),
        "entities": [[pack(indices), pack(values)] for indices, values in story.entities],
        "names": [sorted(names) for names in story.names],
        "words": [sorted(words) for words in story.words],
        "newest": story.newest,
        "oldest": story.oldest,
    }


def _open_from(state: dict[str, Any]) -> _Open:
    return _Open(
        ids=[str(i) for i in state["ids"]],
        dates=[datetime.fromisoformat(d) if d else None for d in state["dates"]],
        indices=unpack(state["indices"]),
        values=unpack(state["values"]),
        entities=[(unpack(indices), unpack(values)) for indices, values in state["entities"]],
        names=[frozenset(str(n) for n in names) for names in state["names"]],
        words=[frozenset(str(w) for w in words) for words in state["words"]],
        newest=None if state["newest"] is None else float(state["newest"]),
        oldest=None if state["oldest"] is None else float(state["oldest"]),
    )


def _row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    order = np.argsort(matrix.indices[start:end])
    return (
        matrix.indices[start:end][order].astype(np.int32),
        matrix.data[start:end][order].astype(np.float32),
    )


def _stack(rows: list[tuple[np.ndarray, np.ndarray]]) -> sp.csr_matrix:
    indptr = np.cumsum([0] + [len(indices) for indices, _ in rows])
    indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([d for _, d in rows]) if rows else np.zeros(0, np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


def meeting_terms(indices: np.ndarray, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The terms through which an article (a weighted vector) can meet a story in `StoryClusterer`:
    those it is looked up by and those it is indexed under, less the terms no other article has
    (`counts`: how many articles hold each term). Articles that share none of these, directly or
    through others, are never compared when placed; only the story-to-story pass, which looks a
    closing story up by the top terms of its summed vector, can join them."""
    shared = counts[indices] > 1
    found = np.union1d(_top_terms(indices[shared], values[shared]), _top_terms(indices, values))
    return found[counts[found] > 1]


def _top_terms(indices: np.ndarray, values: np.ndarray) -> np.ndarray:
    if len(indices) <= LOOKUP_TERMS:
        return indices
    return indices[np.argpartition(-values, LOOKUP_TERMS)[:LOOKUP_TERMS]]


def _day(moment: datetime | None) -> float | None:
    return days_since_epoch(moment) if moment else None
