"""Story grouping on real dated streams: the Gedikli et al. story chains and Timeline17.

- Story chains (events/story_chains_gedikli): 100 business and energy news articles of June 2021
  with a hand-coded same-story label for every one of their 4,950 pairs (the first coder's, the
  paper's author; the second coder disagrees on 16 pairs). Score: pairwise same-story F1 over the
  labelled pairs, two articles being "the same story" for a system when it puts them in one group.
- Timeline17 (timelines/timeline17): 13 dated streams (one outlet's articles on one topic, over
  weeks to months: the Egyptian protests, the BP oil spill from five outlets, H1N1 from three ...).
  Gold: journalists wrote one timeline per topic, listing its developments day by day, so two
  articles of one topic published within SAME_STORY_DAYS of each other report the same
  developing story (across outlets too: the five BP oil-spill streams are one story), and two
  articles of different topics never do. Pairs of one topic further apart are not judged: a
  months-long topic (a year of the Iraq war) may fairly be told as several stories. All streams
  are grouped in one pile; each stream is scored by pairwise same-story F1 over the judged pairs
  that hold one of its articles.

Splits: every set is halved by position (even rows = development, odd rows = test; in Timeline17
within each stream file, so both halves are full-length streams of every topic); each half is
grouped as a pile of its own. Settings are chosen on the development halves only.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson

from storylens.config import StorySettings
from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, prf
from storylens.model import Article
from storylens.stories import (
    cluster_matrix,
    days_since_epoch,
    similarity_matrix,
    split_by_entities,
    story_text,
)
from storylens.stories.incremental import StoryClusterer
from storylens.stories.vectors import entity_counts

# Two articles of one Timeline17 topic this close in time are one developing story (a week: the
# rhythm of follow-ups in the journalists' timelines; set from the gold's definition, not tuned).
SAME_STORY_DAYS = 7
PAIRS_FILE = "hand_coded/story_pairs-2021-06-29-coder1-gedikli.csv"
ARTICLES_FILE = "gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv"


@dataclass(frozen=True)
class Pile:
    """Articles to group, each with its gold story and the stream it came from."""

    name: str
    articles: tuple[Article, ...]
    gold: tuple[str, ...]
    streams: tuple[str, ...]
    pairs: dict[tuple[str, str], bool] | None = None  # labelled pairs, where gold is pairwise

    def half(self, parity: int) -> Pile:
        """Every other article of each stream: 0 = development, 1 = test."""
        seen: Counter[str] = Counter()
        keep = []
        for index, stream in enumerate(self.streams):
            if seen[stream] % 2 == parity:
                keep.append(index)
            seen[stream] += 1
        ids = {self.articles[i].id for i in keep}
        pairs = None
        if self.pairs is not None:
            pairs = {p: same for p, same in self.pairs.items() if p[0] in ids and p[1] in ids}
        return Pile(
            f"{self.name} ({'dev' if parity == 0 else 'test'})",
            tuple(self.articles[i] for i in keep),
            tuple(self.gold[i] for i in keep),
            tuple(self.streams[i] for i in keep),
            pairs,
        )


def _article(key: str, text: str, published: datetime | None, title: str = "") -> Article:
    return Article(id=key, text=text, title=title, outlet="", origin=key, format="text", published=published)


def read_story_chains(data: Path) -> Pile:
    articles_path, pairs_path = data / ARTICLES_FILE, data / PAIRS_FILE
    if not articles_path.exists() or not pairs_path.exists():
        raise InputError(
            str(data), "no story chains here; pass --data pointing at events/story_chains_gedikli"
        )
    with articles_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    articles = tuple(
        _article(r["url"], r["text"], datetime.fromisoformat(r["date"]), r["title"]) for r in rows
    )
    pairs = {}
    for line in pairs_path.read_text(encoding="utf-8-sig").splitlines():
        if line.strip():
            first, second, label = line.strip().split(";")
            pairs[(first, second)] = label == "1"
    ids = [a.id for a in articles]
    return Pile("story chains", articles, tuple(ids), ("all",) * len(ids), pairs)


def read_timeline17(data: Path) -> Pile:
    folders = sorted(p for p in data.iterdir() if p.is_dir()) if data.is_dir() else []
    if not folders:
        raise InputError(str(data), "no topic folders here; pass --data pointing at timelines/timeline17")
    articles, gold, streams = [], [], []
    for folder in folders:
        topic = str(orjson.loads((folder / "keywords.json").read_bytes())[0])
        for number, row in enumerate(_rows(folder)):
            key = f"{folder.name}/{number}"
            articles.append(_article(key, _text(row["text"]), datetime.fromisoformat(str(row["time"])[:10])))
            gold.append(topic)
            streams.append(folder.name)
    return Pile("Timeline17", tuple(articles), tuple(gold), tuple(streams))


def _rows(folder: Path) -> list[dict[str, object]]:
    plain, packed = folder / "articles.jsonl", folder / "articles.tokenized.jsonl.gz"
    raw = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
    return [orjson.loads(line) for line in raw.splitlines() if line.strip()]


def _text(value: object) -> str:
    if isinstance(value, list):  # the tokenized files hold sentences of tokens
        return "\n".join(" ".join(map(str, s)) if isinstance(s, list) else str(s) for s in value)
    return str(value)


Grouping = Callable[[Pile], list[int]]


def storylens_batch(settings: StorySettings) -> Grouping:
    """The story stage as `storylens brief` runs it over a pile."""

    def group(pile: Pile) -> list[int]:
        labels = cluster_matrix(similarity_matrix(pile.articles, settings), settings.merge_threshold)
        return split_by_entities(labels, entity_counts([story_text(a) for a in pile.articles]), settings)

    return group


def storylens_incremental(settings: StorySettings) -> Grouping:
    """The clusterer of `storylens cluster`, fed one article at a time, oldest first."""

    def group(pile: Pile) -> list[int]:
        clusterer = StoryClusterer(settings)
        for article in sorted(pile.articles, key=lambda a: (a.published or datetime.min, a.id)):
            clusterer.add([article])
        return clusterer.labels([a.id for a in pile.articles])

    return group


def tfidf_average_link(threshold: float) -> Grouping:
    from storylens.evaluate.stories import tfidf_similarity

    return lambda pile: cluster_matrix(tfidf_similarity([story_text(a) for a in pile.articles]), threshold)


def pairwise(labels: Sequence[int], pile: Pile) -> PRF:
    """Same-story precision, recall and F1 over the pile's labelled pairs."""
    assert pile.pairs is not None
    group = {a.id: label for a, label in zip(pile.articles, labels, strict=True)}
    predicted = np.array([group[a] == group[b] for a, b in pile.pairs])
    expected = np.array(list(pile.pairs.values()))
    return prf(float((predicted & expected).sum()), float(predicted.sum()), float(expected.sum()))


def pairwise_by_stream(labels: Sequence[int], pile: Pile) -> dict[str, PRF]:
    """Same-story F1 over the judged pairs (see the module note) that hold an article of each
    stream, and over all of them ("all")."""
    days = np.array([days_since_epoch(a.published) if a.published else np.nan for a in pile.articles])
    gold = np.array(pile.gold)
    same_topic = gold[:, None] == gold[None, :]
    close = np.abs(days[:, None] - days[None, :]) <= SAME_STORY_DAYS
    upper = np.triu(np.ones(len(gold), bool), k=1)
    judged = upper & (~same_topic | close)
    expected = judged & same_topic
    grouped = np.array(labels)
    predicted = judged & (grouped[:, None] == grouped[None, :])
    streams = np.array(pile.streams)
    result = {}
    for stream in [*sorted(set(pile.streams)), "all"]:
        member = np.ones(len(gold), bool) if stream == "all" else streams == stream
        touches = member[:, None] | member[None, :]
        result[stream] = prf(
            float((predicted & expected & touches).sum()),
            float((predicted & touches).sum()),
            float((expected & touches).sum()),
        )
    return result
