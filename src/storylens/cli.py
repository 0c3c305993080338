"""The `storylens` command: thin wrappers over the library functions.

Exit codes: 0 every input was briefed; 1 some inputs failed (each is named with its reason, the
rest are briefed); 2 usage error (bad option, nothing to read, unreadable settings, an output that
cannot be written); 3 internal error, a bug in storylens (the message says where to report it; the
traceback is shown with -vv only); 130 interrupted.

Everything printed that came from an input (file names, outlets, titles, reasons) goes through
`terminal_safe`: an escape sequence in a file name must not retitle the window or write the
clipboard.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from storylens.config import Settings, load_settings
from storylens.errors import MissingExtraError, StorylensError
from storylens.model import BriefingSet
from storylens.sanitize import one_line, terminal_safe

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command killed by it
ISSUES_URL = "https://github.com/storylens/storylens/issues"
PROGRESS_MIN_INPUTS = 5  # below this a progress bar is noise
QUIET_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext", "readability")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # `run` reports errors; a traceback only with -vv
    help="Turn a pile of news articles into a faithful, source-cited briefing.",
)
err = Console(stderr=True)
_verbosity = 0


def say(console: Console, markup: str, *texts: str) -> None:
    """Print `markup` with each `{}` filled by a text from an input, made terminal-safe and
    inert as rich markup."""
    text = markup.format(*(escape(terminal_safe(text)) for text in texts))
    console.print(text, highlight=False, soft_wrap=True)  # a path broken over lines cannot be copied


def _usage_error(message: str) -> typer.Exit:
    """The exit for a usage error (bad option, unreadable settings, nothing to read), said first."""
    say(err, "[red]error:[/] {}", message)
    return typer.Exit(EXIT_USAGE)


class _TerminalSafeFormatter(logging.Formatter):
    """Log lines carry file names and values from inputs; they reach the terminal safe."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))


@app.callback()
def _root(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-v info, -vv debug).")
    ] = 0,
) -> None:
    global _verbosity
    _verbosity = verbose
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalSafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if verbose < 2:  # their complaints about a page repeat what its Failure already says
        for library in QUIET_LIBRARIES:
            logging.getLogger(library).setLevel(logging.CRITICAL)


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
    try:
        result = _run_with_progress(paths, settings)
    except KeyboardInterrupt:  # typer would call it "Aborted!" with the code for failed inputs
        err.print("interrupted; nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None
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
    checkpoint_every: Annotated[
        float, typer.Option("--checkpoint-every", help="Seconds between checkpoints (0: after every batch).")
    ] = 60.0,
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
                checkpoint_seconds=max(0.0, checkpoint_every),
                progress=lambda done, failed: progress.update(bar, completed=done, failures=failed),
                on_failure=lambda f: say(err, "[yellow]skipped[/] {}: {}", f.origin, f.reason),
            )
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        err.print("interrupted; run the same command again to resume from the last checkpoint")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if result.resumed_at:
        err.print(f"resumed after {result.resumed_at:,} input documents")
    files = CorpusFiles(output)
    say(
        err,
        f"{result.articles:,} articles in {result.stories:,} stories written to {{}}"
        + (f"; {result.repeats:,} repeated inputs placed once" if result.repeats else "")
        + (f"; {result.failures:,} inputs failed, listed in {{}}" if result.failures else ""),
        str(output),
        str(files.failures),
    )
    if not result.articles and not result.failures:
        raise _usage_error("no articles found in the given paths")
    raise typer.Exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


@app.command("eval")
def eval_command(
    task: Annotated[
        str,
        typer.Argument(
            help="extraction, dates, summaries, stories, similarity, paraphrase, reuse, support, timelines, "
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
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="STORYLENS_TOKEN",
            help="API token every write needs; by default generated on first start and kept in the store.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host", help="Also answer to this Host name (repeatable); loopback names always."
        ),
    ] = None,
    max_request_bytes: Annotated[
        int,
        typer.Option("--max-request-bytes", min=1024, help="Largest request body, counted as it streams in."),
    ] = 50 * 1024 * 1024,
) -> None:
    """Serve the web app: stories and live briefings over a SQLite store."""
    try:
        import uvicorn

        from storylens.serve.app import create_app, stored_token
        from storylens.serve.security import MIN_TOKEN_LENGTH, Access, is_loopback
        from storylens.serve.store import Store
    except ImportError as exc:
        raise _usage_error(str(MissingExtraError(exc.name or "fastapi", "serve"))) from exc
    if watch is not None and not watch.is_dir():
        raise _usage_error(f"--watch {watch}: not a folder")
    if token is not None and len(token.strip()) < MIN_TOKEN_LENGTH:
        raise _usage_error(
            f"--token / STORYLENS_TOKEN: at least {MIN_TOKEN_LENGTH} characters, to resist guessing"
        )
    try:
        settings = load_settings(config)
    except StorylensError as exc:
        raise _usage_error(str(exc)) from exc
    if token is None:
        store = Store(db)
        fresh = store.meta("api_token") is None
        token = stored_token(store)
        store.close()
        kept = "generated now and kept in" if fresh else "kept in"
        say(err, "API token ({} {}; --token or STORYLENS_TOKEN to choose one): {}", kept, str(db), token)
    access = Access.for_server(token.strip(), host, allow_host or (), max_request_bytes)
    if not is_loopback(host):
        _warn_exposed(host, port, sorted(access.allowed_hosts))
    say(
        err,
        "storylens serving {} on http://{}:{}/ (API docs at /docs; log in at /login to upload)",
        str(db),
        host,
        str(port),
    )
    uvicorn.run(create_app(db, watch, settings, access), host=host, port=port, log_level="warning")


def _warn_exposed(host: str, port: int, names: list[str]) -> None:
    say(
        err,
        "[bold red]WARNING: bound to {}:{}, beyond loopback.[/bold red] Anyone who can reach "
        "this address can read every stored article and briefing; writes need the API token, "
        "which travels in clear over plain HTTP: put a TLS proxy in front for anything but a "
        "trusted network. Host names answered: {} (add more with --allow-host).",
        host,
        str(port),
        ", ".join(names),
    )


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
        print(f"HTML briefing: {terminal_safe(str(html.resolve()))}")
    if json_path:
        _write(json_path, to_json(result))
        print(f"JSON briefing: {terminal_safe(str(json_path.resolve()))}")
    if md_path:
        _write(md_path, to_markdown(result).encode())
        print(f"Markdown briefing: {terminal_safe(str(md_path.resolve()))}")


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise _usage_error(f"cannot write {path} ({exc.strerror or exc})") from exc


def run(argv: Sequence[str] | None = None) -> int:
    """The command line `argv` run to its exit code; nothing but a usage message, the outputs
    and, on a bug, a short note where to report it (the traceback with -vv) reaches the user."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="storylens")
    except SystemExit as exc:  # typer exits with the command's code, or 2 for a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE if exc.code else EXIT_OK
    except KeyboardInterrupt:
        err.print("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (`| head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug in storylens: one failed input never comes here
        _report_bug(exc)
        return EXIT_INTERNAL
    return EXIT_OK


def _report_bug(exc: Exception) -> None:
    if _verbosity >= 2:
        traceback.print_exc()
    say(
        err,
        "[red]internal error:[/] {} - a bug in storylens, not in your input. Please report it at "
        f"{ISSUES_URL} with the command and its output"
        + (" (above)." if _verbosity >= 2 else "; add -vv before the command to see the traceback."),
        one_line(exc),
    )


def main() -> None:
    """Entry point: see the exit codes at the top of this module."""
    sys.exit(run())


if __name__ == "__main__":
    main()
