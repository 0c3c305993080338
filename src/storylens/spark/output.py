"""What the Spark jobs write, and reading it back: story records partitioned by month (Parquet or
JSON lines), failures as one JSON-lines file, briefings as Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storylens.model import Failure

UNDATED_MONTH = "undated"
FAILURES_SUFFIX = ".failures"
ARTICLE_FIELDS = ("id", "origin", "title", "outlet", "published")


def story_schema() -> Any:
    """The columns of the local engine's Parquet output, and the month the output is split by."""
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    article = StructType([StructField(name, StringType()) for name in ARTICLE_FIELDS])
    return StructType(
        [
            StructField("id", StringType()),
            StructField("label", StringType()),
            StructField("first_published", StringType()),
            StructField("last_published", StringType()),
            StructField("size", LongType()),
            StructField("articles", ArrayType(article)),
            StructField("month", StringType()),
        ]
    )


def write_stories(spark: Any, stories: Any, output: str) -> int:
    """Stories under `output`, one folder per month; how many."""
    from pyspark import StorageLevel

    stories = stories.persist(StorageLevel.MEMORY_AND_DISK)
    frame = spark.createDataFrame(stories, story_schema())
    write_frame(frame.write.partitionBy("month"), output)
    count = int(stories.count())
    stories.unpersist()
    return count


def write_frame(writer: Any, output: str) -> None:
    """Parquet when `output` ends in .parquet, else JSON lines that keep empty fields as null."""
    writer = writer.mode("overwrite")
    if output.lower().endswith(".parquet"):
        writer.parquet(output)
    else:
        writer.option("ignoreNullFields", "false").json(output)


def write_failures(
    spark: Any, failures: Any, target: str, samples: int = 20
) -> tuple[int, tuple[Failure, ...]]:
    """Failures in input order as one JSON-lines file under `target` (removed when there are none);
    how many, and the first few."""
    ordered = failures.sortByKey().map(lambda item: (item[1].origin, item[1].stage, item[1].reason))
    count = int(ordered.count())
    if not count:
        _remove(spark, target)
        return 0, ()
    frame = spark.createDataFrame(ordered, ["origin", "stage", "reason"])
    frame.coalesce(1).write.mode("overwrite").json(target)
    return count, tuple(Failure(*row) for row in ordered.take(samples))


def _remove(spark: Any, target: str) -> None:
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(target)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(path):
        fs.delete(path, True)


def read_stories(path: Path) -> list[dict[str, Any]]:
    """Story records from a local path written by either engine: the local engine's .jsonl or
    .parquet file, or the Spark engine's folder (the month of a Spark row is left out)."""
    if path.is_dir():
        parquet = sorted(path.rglob("*.parquet"))
        files = parquet or sorted(p for p in path.rglob("part-*") if not p.name.endswith(".crc"))
    else:
        files = [path]
    rows: list[dict[str, Any]] = []
    for file in files:
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows += pq.read_table(file, partitioning=None).to_pylist()
        else:
            with file.open(encoding="utf-8") as lines:
                rows += [json.loads(line) for line in lines if line.strip()]
    return [{key: value for key, value in row.items() if key != "month"} for row in rows]
