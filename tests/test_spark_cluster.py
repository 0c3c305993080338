"""The Spark engine with separate executor JVMs and Python workers (`local-cluster[2,1,1024]`), so
that settings, features and frequencies really cross process boundaries; the same stories again.

Its own module: a process holds one SparkContext, and the other Spark tests' session is stopped
when their module ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_spark import _spark_unavailable, by_id, local_stories, write_corpus

from storylens.config import Settings
from storylens.spark.output import read_stories

MASTER = "local-cluster[2,1,1024]"  # two workers of one core and 1 GiB each


@pytest.mark.skipif(_spark_unavailable() is not None, reason=str(_spark_unavailable()))
def test_separate_executors_give_the_local_engines_stories(tmp_path: Path) -> None:
    from storylens.spark import cluster_corpus_spark, spark_session

    corpus = write_corpus(tmp_path)
    spark = spark_session(MASTER, "storylens-tests-cluster")
    try:
        assert spark.sparkContext.master == MASTER
        result = cluster_corpus_spark(spark, [str(corpus)], str(tmp_path / "stories.jsonl"), Settings())
    finally:
        spark.stop()
    assert result.failures == 2
    assert by_id(read_stories(tmp_path / "stories.jsonl")) == by_id(local_stories([str(corpus)], tmp_path))
