"""The `storylens` command: thin wrappers over the library functions.

Exit codes: 0 every input was briefed; 1 some inputs failed (each is named with its reason, the
rest are briefed); 2 usage error (bad option, nothing to read, unreadable settings).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from storylens.config import Settings, load_settings
from storylens.errors import MissingExtraError, StorylensError
from storylens.model import BriefingSet

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
PROGRESS_MIN_INPUTS = 5  # below this a progress bar is noise

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn a pile of news articles into a faithful, source-cited briefing.",
)
err = Console(stderr=True)


def _usage_error(message: str) -> typer.Exit:
    """The exit for a usage error (bad option, unreadable settings, nothing to read), said first."""
    err.print(f"[red]error:[/] {message}")
    return typer.Exit(EXIT_USAGE)


@app.callback()
def _root(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-v info, -vv debug).")
    ] = 0,
) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@app.command("brief")
def brief_command(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of articles; - reads stdin.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the HTML briefing here.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the JSON briefing here.")] = None,
    md_path: Annotated[Path | None, typer.Option("--md", help="Write the Markdown briefing here.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Map a JSON field: text=content, title=headline, date=pubDate, source=..., url=...",
        ),
    ] = None,
    words: Annotated[
        int | None, typer.Option("--words", help="Summary length in words (default 120).")
    ] = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Largest input file read (default 20 MiB).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="local, or spark: one briefing per story of a corpus, as Parquet.")
    ] = "local",
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master: local[*] (default), spark://..., yarn.")
    ] = None,
    stories: Annotated[
        Path | None, typer.Option("--stories", help="With --engine spark: stories of `storylens cluster`.")
    ] = None,
) -> None:
    """Brief the articles under PATHS: summary with citations, conflicts, quotes, timeline, copies."""
    from storylens.spark.commands import brief_on_spark, check_engine

    try:
        settings = _settings(config, field or [], words, max_bytes)
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    if check_engine(engine):
        raise _usage_error(str(check_engine(engine)))
    if engine == "spark":
        raise typer.Exit(brief_on_spark(paths, output, settings, master=master, stories=stories))
    result = _run_with_progress(paths, settings)
    if not result.briefings and not result.failures:
        raise _usage_error("no articles found in the given paths")
    _write_outputs(result, output, json_path, md_path)
    if not quiet:
        from storylens.render import print_terminal

        print_terminal(result, Console())
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


@app.command("cluster")
def cluster_command(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of articles (JSON lines stream).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="stories.jsonl, or a .parquet file for Parquet.")
    ],
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="Map a JSON field: text=content, title=headline, date=pubDate, ..."),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore the checkpoint of an interrupted run; start over.")
    ] = False,
    batch: Annotated[int, typer.Option("--batch", help="Articles cleaned and placed per batch.")] = 1000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Cleaning processes (default: one per core; 0: clean in the main process)."
        ),
    ] = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Largest input file or JSON line read (default 20 MiB).")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (this machine) or spark.")] = "local",
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master: local[*] (default), spark://..., yarn.")
    ] = None,
) -> None:
    """Group a corpus into stories (no briefing); rerun the same command to resume after an interruption."""
    from storylens.corpus import CorpusFiles, cluster_corpus
    from storylens.spark.commands import check_engine, cluster_on_spark

    try:
        settings = _settings(config, field or [], None, max_bytes)
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    if output.suffix.lower() not in {".jsonl", ".parquet"}:
        raise _usage_error(f"{output}: the output must end in .jsonl or .parquet")
    if check_engine(engine):
        raise _usage_error(str(check_engine(engine)))
    if engine == "spark":
        raise typer.Exit(cluster_on_spark(paths, output, settings, master=master, batch=max(1, batch)))
    columns = (
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} articles"),
        TextColumn("{task.fields[failures]:,} failed"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
            bar = progress.add_task("clustering", total=None, failures=0)
            result = cluster_corpus(
                paths,
                output,
                settings,
                restart=restart,
                batch_size=max(1, batch),
                workers=workers,
                progress=lambda done, failed: progress.update(bar, completed=done, failures=failed),
                on_failure=lambda f: err.print(f"[yellow]skipped[/] {f.origin}: {f.reason}", highlight=False),
            )
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        err.print("interrupted; run the same command again to resume from the last checkpoint")
        raise typer.Exit(130) from None
    if result.resumed_at:
        err.print(f"resumed after {result.resumed_at:,} input documents")
    files = CorpusFiles(output)
    err.print(
        f"{result.articles:,} articles in {result.stories:,} stories written to {output}"
        + (f"; {result.repeats:,} repeated inputs placed once" if result.repeats else "")
        + (f"; {result.failures:,} inputs failed, listed in {files.failures}" if result.failures else ""),
        highlight=False,
    )
    if not result.articles and not result.failures:
        raise _usage_error("no articles found in the given paths")
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


@app.command("eval")
def eval_command(
    task: Annotated[
        str,
        typer.Argument(
            help="extraction, summaries, stories, similarity, paraphrase, reuse, support, timelines, "
            "quotes or entities"
        ),
    ],
    data: Annotated[Path, typer.Option("--data", help="The task's dataset folder or file.")],
    limit: Annotated[int | None, typer.Option("--limit", help="Use only the first N items.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the table as JSON.")] = None,
) -> None:
    """Measure storylens beside the baselines on a public dataset; prints a table."""
    from storylens.evaluate.runner import TASKS, Ticker

    if task not in TASKS:
        raise _usage_error(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    try:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            bar = progress.add_task(task, total=None)
            ticker = Ticker(lambda total: progress.update(bar, total=total), lambda: progress.advance(bar))
            table = TASKS[task](data, limit, ticker)
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    print(table.markdown())
    if json_path:
        _write(json_path, orjson.dumps(table.as_json(), option=orjson.OPT_INDENT_2))


@app.command("serve")
def serve_command(
    db: Annotated[Path, typer.Option("--db", help="SQLite store (created if missing).")] = Path(
        "storylens.db"
    ),
    host: Annotated[str, typer.Option("--host", help="Address to bind; loopback by default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    watch: Annotated[
        Path | None, typer.Option("--watch", help="Take in files that appear in this folder.")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
) -> None:
    """Serve the web app: stories and live briefings over a SQLite store."""
    try:
        import uvicorn

        from storylens.serve.app import create_app
    except ImportError as exc:
        raise _usage_error(str(MissingExtraError(exc.name or "fastapi", "serve"))) from exc
    if watch is not None and not watch.is_dir():
        raise _usage_error(f"--watch {watch}: not a folder")
    try:
        settings = load_settings(config)
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    err.print(f"storylens serving {db} on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(create_app(db, watch, settings), host=host, port=port, log_level="warning")


def _settings(config: Path | None, fields: list[str], words: int | None, max_bytes: int | None) -> Settings:
    ingest: dict[str, object] = {}
    defaults = Settings().ingest
    for item in fields:
        name, sep, source = item.partition("=")
        key = f"{name.strip()}_fields"
        if not sep or not hasattr(defaults, key):
            raise StorylensError(
                f"--field {item!r}: expected NAME=FIELD with NAME one of text, "
                "title, url, date, source, author"
            )
        ingest[key] = (source.strip(), *ingest.get(key, getattr(defaults, key)))  # type: ignore[misc]
    if max_bytes is not None:
        ingest["max_bytes"] = max_bytes
    summary = {"words": words} if words is not None else {}
    return load_settings(config, ingest=ingest, summary=summary)


def _run_with_progress(paths: list[str], settings: Settings) -> BriefingSet:
    from storylens.pipeline import brief

    show = sys.stderr.isatty() and _count_inputs(paths) >= PROGRESS_MIN_INPUTS
    if not show:
        return brief(paths, settings)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("reading", total=None)

        def step(stage: str) -> None:
            progress.update(task, description=f"{stage} done", advance=1)

        return brief(paths, settings, progress=step)


def _count_inputs(paths: list[str]) -> int:
    total = 0
    for path in paths:
        p = Path(path)
        total += sum(1 for _ in p.rglob("*")) if p.is_dir() else 1
    return total


def _write_outputs(
    result: BriefingSet, html: Path | None, json_path: Path | None, md_path: Path | None
) -> None:
    from storylens.render import to_html, to_json, to_markdown

    if html:
        _write(html, to_html(result).encode())
        print(f"HTML briefing: {html.resolve()}")
    if json_path:
        _write(json_path, to_json(result))
        print(f"JSON briefing: {json_path.resolve()}")
    if md_path:
        _write(md_path, to_markdown(result).encode())
        print(f"Markdown briefing: {md_path.resolve()}")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> None:
    """Entry point; usage errors from typer/click exit with 2 as well."""
    app()


if __name__ == "__main__":
    main()
