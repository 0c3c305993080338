"""`--engine spark` of the `storylens cluster` and `storylens brief` commands: start Spark, run the
job, say what was written and what failed; each returns the command's exit code."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console

from storylens.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, say
from storylens.config import Settings
from storylens.errors import StorylensError

ENGINES = ("local", "spark")
# typer hands paths over as Path, which folds "hdfs://host/x" into "hdfs:/host/x".
_FOLDED_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):/(?!/)")

err = Console(stderr=True)
T = TypeVar("T")


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

    target = spark_path(output)
    result = _run(
        master,
        "storylens cluster",
        lambda spark: cluster_corpus_spark(spark, paths, target, settings, batch_size=batch),
    )
    if result is None:
        return EXIT_USAGE
    written = f"{result.articles:,} articles in {result.stories:,} stories written to {{}}" + (
        f"; {result.repeats:,} repeated inputs placed once" if result.repeats else ""
    )
    return _report(result, written, target, found=result.articles)


def brief_on_spark(
    paths: list[str], output: Path | None, settings: Settings, *, master: str | None, stories: Path | None
) -> int:
    from storylens.spark.brief import brief_corpus_spark

    if output is None or output.suffix.lower() != ".parquet":
        err.print("[red]error:[/] --engine spark writes Parquet: give -o briefings.parquet")
        return EXIT_USAGE
    target = spark_path(output)
    given = spark_path(stories) if stories else None
    result = _run(
        master,
        "storylens brief",
        lambda spark: brief_corpus_spark(spark, paths, target, settings, stories=given),
    )
    if result is None:
        return EXIT_USAGE
    written = f"{result.briefings:,} briefings of {result.stories:,} stories written to {{}}"
    return _report(result, written, target, found=result.briefings)


def _run(master: str | None, name: str, job: Callable[[Any], T]) -> T | None:
    """`job` on a Spark session started for it and stopped after; None (said why) when Spark
    cannot start."""
    from storylens.spark.session import spark_session

    try:
        spark = spark_session(master, name)
    except StorylensError as exc:
        say(err, "[red]error:[/] {}", str(exc))
        return None
    try:
        return job(spark)
    finally:
        spark.stop()


def _report(result: Any, written: str, target: str, *, found: int) -> int:
    """Each failure sampled, then what was written (`written` has one {} for the target) and
    where the failures are listed; the exit code. Input names reach the terminal made safe."""
    for failure in result.failure_samples:
        say(err, "[yellow]skipped[/] {}: {}", failure.origin, failure.reason)
    if result.failures:
        say(
            err,
            written + f"; {result.failures:,} inputs failed, listed in {{}}",
            target,
            str(result.failures_path),
        )
    else:
        say(err, written, target)
    if not found and not result.failures:
        err.print("[red]error:[/] no articles found in the given paths")
        return EXIT_USAGE
    return EXIT_SOME_FAILED if result.failures else EXIT_OK
