"""`storylens brief --engine spark`: a briefing for every story of a corpus, computed in executors.

Stories come from a stories file of either engine (`--stories`), matched to the documents by
origin, or from a clustering run in the same job. Each story's raw documents, in input order, go
through exactly what `storylens brief` does with files (`clean_batch`, then `brief_articles`, which
calls `brief_story`), so a story's briefings are those of `storylens brief` on its articles. That
command groups the articles again (with named entities, batch average link): a corpus story it
splits gives several briefings, each a row with the corpus story's id beside its own.

Output: Parquet, one row per briefing: the `Briefing` object of docs/schema.md as JSON text
(`briefing`, with `schema_version`), and columns to filter on without parsing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from storylens.clean import clean_batch
from storylens.config import Settings
from storylens.model import SCHEMA_VERSION, Briefing, Failure, Raw, to_dict
from storylens.pipeline import brief_articles
from storylens.provenance import origin_groups
from storylens.spark.cluster import first_of_each
from storylens.spark.output import FAILURES_SUFFIX, write_failures
from storylens.spark.read import read_documents

# Documents per clustering batch (the local engine's default `--batch`): how often a block
# closes its stale stories.
CLUSTER_BATCH = 1000
BRIEFING_COLUMNS = (
    ("corpus_story", "string"),
    ("id", "string"),
    ("headline", "string"),
    ("first_published", "string"),
    ("last_published", "string"),
    ("articles", "long"),
    ("independent_voices", "long"),
    ("conflicts", "long"),
    ("schema_version", "string"),
    ("briefing", "string"),
)


@dataclass(frozen=True)
class SparkBriefResult:
    stories: int
    briefings: int
    failures: int
    failures_path: str | None
    failure_samples: tuple[Failure, ...]


def briefing_json(briefing: Briefing) -> bytes:
    """A briefing as in the `briefings` list of `storylens brief --json`, compact."""
    return orjson.dumps(to_dict(briefing))


def brief_corpus_spark(
    spark: Any, paths: list[str], output: str, settings: Settings, *, stories: str | None = None
) -> SparkBriefResult:
    """Briefings of every story under `paths`, written as Parquet to `output`."""
    from pyspark import StorageLevel

    keep = StorageLevel.MEMORY_AND_DISK
    documents = read_documents(spark, paths, settings.ingest).persist(keep)
    cached = [documents]
    try:
        if stories:
            story_of = _stories_from_file(spark, stories)
            input_failures = documents.filter(lambda item: isinstance(item[1], Failure))
        else:
            story_of, input_failures, prepared = _stories_by_clustering(spark, documents, settings)
            cached.append(prepared)
        raws = documents.filter(lambda item: isinstance(item[1], Raw)).map(
            lambda item: (item[1].origin, item)
        )
        joined = raws.leftOuterJoin(story_of).persist(keep)
        cached.append(joined)
        grouped = (
            joined.filter(lambda pair: pair[1][1] is not None).map(lambda pair: pair[1][::-1]).groupByKey()
        )
        results = grouped.flatMap(lambda story: brief_story_documents(story[0], story[1], settings)).persist(
            keep
        )
        cached.append(results)
        briefings = _write_briefings(
            spark, results.filter(lambda item: not isinstance(item[1], Failure)).values(), output
        )
        failures = input_failures.union(results.filter(lambda item: isinstance(item[1], Failure)))
        if stories:
            failures = failures.union(
                joined.filter(lambda pair: pair[1][1] is None).map(_not_in_stories(stories))
            )
        count, samples = write_failures(spark, failures, output + FAILURES_SUFFIX)
        story_count = int(grouped.count())
    finally:
        for rdd in cached:
            rdd.unpersist()
    return SparkBriefResult(
        story_count, briefings, count, output + FAILURES_SUFFIX if count else None, samples
    )


def _not_in_stories(stories: str) -> Any:
    def failure(pair: tuple[str, tuple[tuple[int, Raw], None]]) -> tuple[int, Failure]:
        key, raw = pair[1][0]
        return key, Failure(raw.origin, "brief", f"the document is in no story of {stories}")

    return failure


def brief_story_documents(
    corpus_story: str, documents: Iterable[tuple[int, Raw]], settings: Settings
) -> Iterator[tuple[int, Any]]:
    """(key, briefing row) for each briefing of one story, and (key, Failure) for each document
    that could not be used; keys order the failures as the input."""
    firsts: dict[str, tuple[int, Raw]] = {}
    for key, raw in sorted(documents, key=lambda item: item[0]):
        firsts.setdefault(raw.origin, (key, raw))  # a document given twice is briefed once
    ordered = list(firsts.values())
    first_key = ordered[0][0]
    keys = {origin: key for origin, (key, _) in firsts.items()}
    articles, failures = clean_batch([raw for _, raw in ordered], settings.clean)
    result = brief_articles(articles, settings)
    for failure in (*failures, *result.failures):
        yield keys.get(failure.origin, first_key), failure
    for briefing in result.briefings:
        yield first_key, _row(corpus_story, briefing)


def _row(corpus_story: str, briefing: Briefing) -> tuple[Any, ...]:
    story = briefing.story
    return (
        corpus_story,
        story.id,
        story.headline.text if story.headline else None,  # the keyword label stays in `briefing`
        story.first_published.isoformat() if story.first_published else None,
        story.last_published.isoformat() if story.last_published else None,
        len(story.article_ids),
        len(origin_groups(story.article_ids, briefing.derivations)),
        len(briefing.conflicts),
        SCHEMA_VERSION,
        briefing_json(briefing).decode(),
    )


def _stories_from_file(spark: Any, path: str) -> Any:
    """(origin, story id) pairs from a stories file or folder of either engine."""
    reader = spark.read.parquet if path.lower().endswith(".parquet") else spark.read.json
    frame = reader(path).selectExpr("id", "explode(articles) as article")
    return frame.rdd.map(lambda row: (row["article"]["origin"], row["id"]))


def _stories_by_clustering(spark: Any, documents: Any, settings: Settings) -> tuple[Any, Any, Any]:
    """(origin, story id) pairs from the Spark cluster engine on the same documents; the documents
    that could not be read or cleaned; the cleaned documents (cached: the caller frees them)."""
    from pyspark import StorageLevel

    from storylens.spark.cluster import document_frequencies, place_stories, prepare_documents

    prepared = prepare_documents(documents, settings).persist(StorageLevel.MEMORY_AND_DISK)
    articles, _ = first_of_each(prepared.filter(lambda item: not isinstance(item[1], Failure)))
    frequencies = document_frequencies(articles)
    stories = place_stories(spark, articles, frequencies, settings, batch_size=CLUSTER_BATCH)
    story_of = stories.flatMap(lambda row: [(article[1], row[0]) for article in row[5]])
    return story_of, prepared.filter(lambda item: isinstance(item[1], Failure)), prepared


def _write_briefings(spark: Any, rows: Any, output: str) -> int:
    from pyspark import StorageLevel

    schema = ", ".join(f"{name} {kind}" for name, kind in BRIEFING_COLUMNS)
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    spark.createDataFrame(rows, schema).write.mode("overwrite").parquet(output)
    count = int(rows.count())
    rows.unpersist()
    return count
