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


@pytest.mark.skipif(_spark_unavailable() is not None, reason=str(_spark_unavailable()))
def test_cli_on_spark_says_what_failed_in_its_exit_code(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    corpus = write_corpus(tmp_path)
    output = tmp_path / "stories.jsonl"
    command = ["cluster", str(corpus), "-o", str(output), "--engine", "spark", "--master", "local[1]"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "2 inputs failed" in said and "malformed JSON line" in said
    assert by_id(read_stories(output)) == by_id(local_stories([str(corpus)], tmp_path))


def test_cli_refuses_an_unknown_engine_or_a_spark_brief_not_in_parquet(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    runner = CliRunner()
    unknown = runner.invoke(
        app, ["cluster", str(tmp_path), "-o", str(tmp_path / "s.jsonl"), "--engine", "dask"]
    )
    assert unknown.exit_code == 2 and "expected one of local, spark" in unknown.output
    html = runner.invoke(app, ["brief", str(tmp_path), "-o", str(tmp_path / "b.html"), "--engine", "spark"])
    assert html.exit_code == 2 and "-o briefings.parquet" in html.output
