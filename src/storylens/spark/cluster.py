"""`storylens cluster --engine spark`: the stories of `storylens cluster`, computed on Apache Spark.

The local engine reads a stream and places each article in the open story it is closest to
(`stories.incremental`). Here the same steps run over partitions:

1. documents are read, cleaned and featurised in executors by the local engine's own function
   (`corpus.prepare_chunk`: the same cleaning, the same hashed word counts, the same records);
2. the corpus' document frequencies are summed across executors (a 4 MiB vector) and sent back to
   every executor; articles are weighed with them as the local clusterer weighs them once it has
   seen the whole corpus;
3. candidates: a distributed inverted index over the terms through which an article can meet a
   story (`meeting_terms`: the terms it is looked up by and those it is indexed under). Within each
   term's posting, articles are linked to the next one in date order unless the gap is longer than
   the time decay lets any pair join (`horizon_days`), so that blocks follow time windows that
   slide with the stories instead of cutting them at fixed edges; undated articles link to the
   whole posting, as their decay is 1. Blocks are the connected components of these links;
4. each block is placed in input order by the local engine's `StoryClusterer` (average link to
   the stories, the story-to-story pass as stories close, the entity split), a batch of the input
   at a time, its stale stories closed after each batch as the local engine closes them (with the
   batch's newest date over all blocks). Articles of two
   blocks are never compared when placed. The story-to-story pass looks a closing story up by
   the top terms of its summed vector, which may be terms none of its members is indexed under;
   such a join across blocks is not made here (no cross-block pass: on the Multi-News and ECB+
   piles every story record is the local engine's, see docs/benchmarks.md).

Output: the local engine's story records, partitioned by the month of a story's first article
(`month=2024-05`, `month=undated`), as Parquet or JSON lines; failures go to `<output>.failures`.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from storylens import worker
from storylens.config import Settings, StorySettings
from storylens.corpus import prepare_chunk
from storylens.model import Failure, Story
from storylens.spark.output import (
    ARTICLE_FIELDS,
    FAILURES_SUFFIX,
    UNDATED_MONTH,
    write_failures,
    write_stories,
)
from storylens.spark.read import RECORD_BITS, read_documents
from storylens.stories.incremental import Features, StoryClusterer, meeting_terms
from storylens.stories.vectors import N_FEATURES, DocumentFrequencies, weigh

log = logging.getLogger(__name__)

# Documents cleaned and featurised per vectoriser call in an executor, as a batch is locally.
PREPARE_CHUNK = 256

Prepared = tuple[dict[str, Any], Features]


@dataclass(frozen=True)
class SparkClusterResult:
    articles: int
    stories: int
    failures: int
    repeats: int  # the same document given more than once; placed once
    failures_path: str | None
    failure_samples: tuple[Failure, ...]  # the first few, for the terminal


def cluster_corpus_spark(
    spark: Any, paths: list[str], output: str, settings: Settings, *, batch_size: int = 1000
) -> SparkClusterResult:
    """Group every article under `paths` into stories written under `output` (a folder of Parquet
    files when it ends in .parquet, else of JSON lines), with the local engine's grouping."""
    from pyspark import StorageLevel

    prepared = prepare(spark, paths, settings).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        failures = prepared.filter(lambda item: isinstance(item[1], Failure))
        articles, repeats = first_of_each(prepared.filter(lambda item: not isinstance(item[1], Failure)))
        articles = articles.persist(StorageLevel.MEMORY_AND_DISK)
        frequencies = document_frequencies(articles)
        stories = place_stories(spark, articles, frequencies, settings, batch_size)
        story_count = write_stories(spark, stories, output)
        failure_count, samples = write_failures(spark, failures, output + FAILURES_SUFFIX)
        articles.unpersist()
    finally:
        prepared.unpersist()
    return SparkClusterResult(
        articles=frequencies.documents,
        stories=story_count,
        failures=failure_count,
        repeats=repeats,
        failures_path=output + FAILURES_SUFFIX if failure_count else None,
        failure_samples=samples,
    )


def prepare(spark: Any, paths: list[str], settings: Settings) -> Any:
    """RDD of (key, Failure) and (key, (record, Features)) in executors."""

    return prepare_documents(read_documents(spark, paths, settings.ingest), settings)


def prepare_documents(documents: Any, settings: Settings) -> Any:
    """(key, document) pairs cleaned and featurised, a chunk at a time."""

    def prepare_partition(items: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        worker.use(settings)  # models load once per executor process, on first use
        for chunk in _chunks(items, PREPARE_CHUNK):
            keys = [key for key, _ in chunk]
            yield from zip(keys, prepare_chunk([document for _, document in chunk]), strict=True)

    return documents.mapPartitions(prepare_partition)


def first_of_each(articles: Any) -> tuple[Any, int]:
    """Articles without repeats (the same origin and text given twice: the first is kept, as the
    local engine keeps it), and how many were left out."""
    repeated = (
        articles.map(lambda item: (item[1][1].id, item[0]))
        .groupByKey()
        .flatMap(lambda pair: sorted(pair[1])[1:])
        .collect()
    )
    if not repeated:
        return articles, 0
    dropped = set(repeated)
    return articles.filter(lambda item: item[0] not in dropped), len(dropped)


def document_frequencies(articles: Any) -> DocumentFrequencies:
    """How many articles hold each hashed term, summed over partitions."""

    def count(items: Iterator[tuple[int, Prepared]]) -> Iterator[tuple[np.ndarray, int]]:
        counts = np.zeros(N_FEATURES, dtype=np.int32)
        documents = 0
        for _, (_, features) in items:
            counts[features.words[0]] += 1  # the indices of one article are distinct
            documents += 1
        yield counts, documents

    def add(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
        return a[0] + b[0], a[1] + b[1]

    total, documents = articles.mapPartitions(count).treeReduce(add)
    frequencies = DocumentFrequencies()
    frequencies.counts = total
    frequencies.documents = documents
    return frequencies


def horizon_days(settings: StorySettings) -> float:
    """The longest gap across which an article can still join a story: beyond it the time decay
    alone keeps the best possible similarity (1) under the incremental threshold."""
    return settings.time_half_life_days * math.log2(1 / settings.incremental_threshold)


def find_blocks(spark: Any, articles: Any, frequencies: Any, settings: StorySettings) -> tuple[Any, Any]:
    """(sorted article keys, block of each) as broadcast arrays."""
    horizon = horizon_days(settings)

    def terms(items: Iterator[tuple[int, Prepared]]) -> Iterator[tuple[int, tuple[int, float | None]]]:
        counts = frequencies.value.counts
        idf = frequencies.value.idf(min_frequency=1)
        for chunk in _chunks(items, PREPARE_CHUNK):
            vectors = weigh(_counts_matrix([f.words for _, (_, f) in chunk]), idf)
            for row, (key, (_, features)) in enumerate(chunk):
                start, end = vectors.indptr[row], vectors.indptr[row + 1]
                day = _day(features)
                for term in meeting_terms(vectors.indices[start:end], vectors.data[start:end], counts):
                    yield int(term), (key, day)

    def links(items: Iterator[tuple[int, Iterable[tuple[int, float | None]]]]) -> Iterator[np.ndarray]:
        pairs = [pair for _, posting in items for pair in posting_links(list(posting), horizon)]
        yield np.array(pairs, dtype=np.int64).reshape(-1, 2)

    keys = np.sort(np.array(articles.keys().collect(), dtype=np.int64))
    edges = articles.mapPartitions(terms).groupByKey().mapPartitions(links).collect()
    blocks = block_labels(keys, np.concatenate(edges) if edges else np.zeros((0, 2), np.int64))
    if len(blocks):
        sizes = np.bincount(blocks)
        log.info("%d articles in %d blocks, the largest of %d", len(keys), len(sizes), sizes.max())
    context = spark.sparkContext
    return context.broadcast(keys), context.broadcast(blocks)


def posting_links(posting: list[tuple[int, float | None]], horizon: float) -> list[tuple[int, int]]:
    """Links between the articles of one term's posting: each dated article to the next in date
    order when close enough in time; an undated article to every other (its decay is 1)."""
    dated = sorted((day, key) for key, day in posting if day is not None)
    undated = [key for key, day in posting if day is None]
    pairs = [(a, b) for (day_a, a), (day_b, b) in itertools.pairwise(dated) if day_b - day_a <= horizon]
    if undated:
        anchor = undated[0]
        pairs += [(anchor, key) for key, _ in posting if key != anchor]
    return pairs


def block_labels(keys: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Connected components of the links, one label per key of `keys` (sorted)."""
    nodes = np.searchsorted(keys, edges.ravel()).reshape(-1, 2)
    graph = sp.coo_matrix(
        (np.ones(len(nodes), dtype=np.int8), (nodes[:, 0], nodes[:, 1])), shape=(len(keys), len(keys))
    )
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def place_stories(
    spark: Any, articles: Any, frequencies: DocumentFrequencies, settings: Settings, batch_size: int
) -> Any:
    """RDD of story records: each block placed in input order by the local engine's clusterer, a
    batch of the input at a time, its stale stories closed when the local engine closes them."""
    shared = spark.sparkContext.broadcast(frequencies)
    keys, blocks = find_blocks(spark, articles, shared, settings.stories)
    newest = spark.sparkContext.broadcast(newest_by_batch(articles, batch_size))

    def with_block(item: tuple[int, Prepared]) -> tuple[tuple[int, int], Prepared]:
        block = int(blocks.value[np.searchsorted(keys.value, item[0])])
        return (block, item[0]), item[1]

    def place(items: Iterator[tuple[tuple[int, int], Prepared]]) -> Iterator[tuple[Any, ...]]:
        clusterer = StoryClusterer(settings.stories, shared.value, as_learnt=True)
        for _, members in itertools.groupby(items, key=lambda item: item[0][0]):
            batches = itertools.groupby(members, key=lambda item: input_batch(item[0][1], batch_size))
            yield from _place_block(
                clusterer, ((newest.value.get(n), [m for _, m in batch]) for n, batch in batches)
            )

    partitions = articles.getNumPartitions()
    return (
        articles.map(with_block)
        .repartitionAndSortWithinPartitions(partitions, partitionFunc=lambda key: key[0])
        .mapPartitions(place)
    )


def input_batch(key: int, batch_size: int) -> tuple[int, int]:
    """The batch of `storylens cluster` a document falls in (exact for one input file: the local
    engine counts documents across files and leaves blank lines out)."""
    return key >> RECORD_BITS, (key & ((1 << RECORD_BITS) - 1)) // batch_size


def newest_by_batch(articles: Any, batch_size: int) -> dict[tuple[int, int], datetime]:
    """The newest publication date of each input batch: when the local engine closes stale stories."""
    dated = articles.filter(lambda item: item[1][1].published is not None)
    return dict(
        dated.map(lambda item: (input_batch(item[0], batch_size), item[1][1].published))
        .reduceByKey(max)
        .collect()
    )


def _place_block(
    clusterer: StoryClusterer, batches: Iterable[tuple[datetime | None, list[Prepared]]]
) -> Iterator[tuple[Any, ...]]:
    """One block's stories, its members given per input batch with the batch's newest date; the
    clusterer is empty again afterwards."""
    records: dict[str, dict[str, Any]] = {}
    for newest, members in batches:
        records.update((features.id, record) for record, features in members)
        clusterer.add_features([features for _, features in members])
        if newest is not None:
            yield from _story_rows(clusterer.close_stale(newest), records)
    yield from _story_rows(clusterer.finish(), records)


def _story_rows(stories: Iterator[Story], records: dict[str, dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """The local engine's story record, as a row of `story_schema`."""
    for story in stories:
        articles = [records.pop(article_id) for article_id in story.article_ids]
        first = story.first_published.isoformat() if story.first_published else None
        yield (
            story.id,
            story.label,
            first,
            story.last_published.isoformat() if story.last_published else None,
            len(articles),
            [tuple(article[name] for name in ARTICLE_FIELDS) for article in articles],
            first[:7] if first else UNDATED_MONTH,
        )


def _counts_matrix(rows: list[tuple[np.ndarray, np.ndarray]]) -> sp.csr_matrix:
    indptr = np.cumsum([0] + [len(indices) for indices, _ in rows])
    indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([d for _, d in rows]) if rows else np.zeros(0, np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


def _day(features: Features) -> float | None:
    return features.published.timestamp() / 86400 if features.published else None


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    return iter(lambda: list(itertools.islice(items, size)), [])
