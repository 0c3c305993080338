"""Where a new article goes: the store's stories held as the incremental clusterer's open stories.

The web app keeps one `StoryPlacer` in memory, seeded with the stories as they are stored (each
story's members summed into one vector, weighed with the document frequencies of every stored
article), and places each new article with the incremental clusterer's own rule
(`stories.incremental`: average link to the candidate stories found through the term index, with
its threshold and time decay). Only the story an article joins is touched. Deleting an article
rebuilds its story's vector from the members left. The entity split of batch grouping is not run
on each arrival; the full regroup (`serve.briefs.regroup_stories`) runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson

from storylens.config import StorySettings
from storylens.stories.incremental import (
    Features,
    StoryClusterer,
    _day,
    _Open,
    _row,
    _stack,
    pack,
    unpack,
)
from storylens.stories.vectors import weigh


def features_json(features: Features) -> str:
    """An article's story features as JSON (kept in the store: no pickle is ever read back)."""
    data: dict[str, Any] = {
        "id": features.id,
        "published": features.published.isoformat() if features.published else None,
        "words": [pack(features.words[0]), pack(features.words[1])],
        "entities": [pack(features.entities[0]), pack(features.entities[1])],
        "names": sorted(features.names),
        "title_words": sorted(features.title_words),
    }
    return orjson.dumps(data).decode()


def features_from_json(text: str) -> Features:
    data = orjson.loads(text)
    return Features(
        id=str(data["id"]),
        published=datetime.fromisoformat(data["published"]) if data["published"] else None,
        words=(unpack(data["words"][0]), unpack(data["words"][1])),
        entities=(unpack(data["entities"][0]), unpack(data["entities"][1])),
        names=frozenset(str(n) for n in data["names"]),
        title_words=frozenset(str(w) for w in data["title_words"]),
    )


class StoryPlacer(StoryClusterer):
    """The stored stories as open stories of a learning clusterer; a number (key) per story.

    `groups`: (stored story id or None for a story not stored yet, its members' features).
    """

    def __init__(self, settings: StorySettings, groups: Sequence[tuple[str | None, Sequence[Features]]]):
        super().__init__(settings)
        self.features: dict[str, Features] = {}
        self.key_of: dict[str, int] = {}  # article id -> the key of its story
        self.story_id: dict[int, str] = {}  # key -> id of the story as stored
        members = [f for _, group in groups for f in group]
        if not members:
            return
        counts = _stack([f.words for f in members])
        self.frequencies.update(counts)
        self._idf = self.frequencies.idf(min_frequency=1)
        vectors = weigh(counts, self._idf)
        row = 0
        for story_id, group in groups:
            key = self._open_story()
            if story_id is not None:
                self.story_id[key] = story_id
            for features in group:
                self._join(key, features, _row(vectors, row), _day(features.published))
                row += 1

    def _open_story(self) -> int:
        key = self.next_story
        self.next_story += 1
        self.open[key] = _Open()
        return key

    def _join(self, story_id: int, features: Features, vector: tuple[Any, Any], day: float | None) -> None:
        super()._join(story_id, features, vector, day)
        self.key_of[features.id] = story_id
        self.features[features.id] = features

    def place(self, batch: Sequence[Features]) -> set[int]:
        """Place new articles one at a time, in the order given; the keys of the stories they
        joined or started."""
        fresh = [f for f in batch if f.id not in self.key_of]
        self.add_features(fresh)
        return {self.key_of[f.id] for f in fresh}

    def remove(self, article_ids: Iterable[str]) -> set[int]:
        """Take articles out of their stories; the keys of the stories that lost one (a story
        left empty is closed). Their terms still count in the document frequencies until the
        next regroup rebuilds the placer: a handful of deleted articles barely move them."""
        touched: dict[int, set[str]] = {}
        for article_id in article_ids:
            if article_id in self.key_of:
                touched.setdefault(self.key_of.pop(article_id), set()).add(article_id)
                del self.features[article_id]
        for key, gone in touched.items():
            self._rebuild_story(key, [i for i in self.open[key].ids if i not in gone])
        return set(touched)

    def _rebuild_story(self, key: int, kept: list[str]) -> None:
        del self.open[key]
        if not kept:
            self.story_id.pop(key, None)
            return
        self.open[key] = _Open()
        assert self._idf is not None
        vectors = weigh(_stack([self.features[i].words for i in kept]), self._idf)
        for row, article_id in enumerate(kept):
            features = self.features[article_id]
            self._join(key, features, _row(vectors, row), _day(features.published))

    def members(self, key: int) -> list[str]:
        return list(self.open[key].ids) if key in self.open else []
