"""`--engine spark` of the `storylens cluster` and `storylens brief` commands: start Spark, run the
job, say what was written and what failed; each returns the command's exit code."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from storylens.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from storylens.config import Settings
from storylens.errors import StorylensError

ENGINES = ("local", "spark")
# typer hands paths over as Path, which folds "hdfs://host/x" into "hdfs:/host/x".
_FOLDED_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):/(?!/)")

err = Console(stderr=True)


def check_engine(engine: str) -> str | None:
    """Why `engine` cannot be used, or None."""
    if engine in ENGINES:
        return None
    return f"--engine {engine!r}: expected one of {', '.join(ENGINES)}"


def spark_path(path: Path) -> str:
    """The path as the user wrote it: a URL keeps its double slash (file: URLs need none)."""
    text = str(path)
    if text.startswith("file:"):
        return text
    return _FOLDED_URL.sub(r"\1://", text)


def cluster_on_spark(
    paths: list[str], output: Path, settings: Settings, *, master: str | None, batch: int
) -> int:
    from storylens.spark.cluster import cluster_corpus_spark
    from storylens.spark.session import spark_session

    target = spark_path(output)
    try:
        spark = spark_session(master, "storylens cluster")
    except StorylensError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return EXIT_USAGE
    try:
        result = cluster_corpus_spark(spark, paths, target, settings, batch_size=batch)
    finally:
        spark.stop()
    for failure in result.failure_samples:
        err.print(f"[yellow]skipped[/] {failure.origin}: {failure.reason}", highlight=False)
    failed = f"; {result.failures:,} inputs failed, listed in {result.failures_path}"
    err.print(
        f"{result.articles:,} articles in {result.stories:,} stories written to {target}"
        + (f"; {result.repeats:,} repeated inputs placed once" if result.repeats else "")
        + (failed if result.failures else ""),
        highlight=False,
    )
    if not result.articles and not result.failures:
        err.print("[red]error:[/] no articles found in the given paths")
        return EXIT_USAGE
    return EXIT_SOME_FAILED if result.failures else EXIT_OK


def brief_on_spark(
    paths: list[str], output: Path | None, settings: Settings, *, master: str | None, stories: Path | None
) -> int:
    from storylens.spark.brief import brief_corpus_spark
    from storylens.spark.session import spark_session

    if output is None or output.suffix.lower() != ".parquet":
        err.print("[red]error:[/] --engine spark writes Parquet: give -o briefings.parquet")
        return EXIT_USAGE
    target = spark_path(output)
    try:
        spark = spark_session(master, "storylens brief")
    except StorylensError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return EXIT_USAGE
    try:
        result = brief_corpus_spark(
            spark, paths, target, settings, stories=spark_path(stories) if stories else None
        )
    finally:
        spark.stop()
    for failure in result.failure_samples:
        err.print(f"[yellow]skipped[/] {failure.origin}: {failure.reason}", highlight=False)
    failed = f"; {result.failures:,} inputs failed, listed in {result.failures_path}"
    err.print(
        f"{result.briefings:,} briefings of {result.stories:,} stories written to {target}"
        + (failed if result.failures else ""),
        highlight=False,
    )
    if not result.briefings and not result.failures:
        err.print("[red]error:[/] no articles found in the given paths")
        return EXIT_USAGE
    return EXIT_SOME_FAILED if result.failures else EXIT_OK
