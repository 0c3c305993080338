"""`storylens cluster`: stories over a corpus of any size, streamed, resumable.

Inputs are read one document at a time and cleaned in worker processes, a batch at a time, while
the main process places the previous batch into stories (`stories.incremental`), so memory holds
one batch and the open stories, never the corpus. Stories are written as they close (dated
articles) or at the end.

Resuming: every so often the run saves a checkpoint (JSON) beside the output: the clusterer, how many
input documents were fully handled, and how many bytes of output were written by then. A run that
finds a checkpoint for the same inputs and settings cuts its partial output back to those bytes and
goes on from that document, so after an interruption nothing is lost and nothing written twice.
The output appears under its final name only when the run completes.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from storylens import worker
from storylens.clean import clean_one
from storylens.config import Settings
from storylens.errors import InputError, StorylensError
from storylens.ingest import iter_documents
from storylens.isolation import isolated
from storylens.model import Article, Failure, Raw, Story
from storylens.sanitize import one_line
from storylens.stories.incremental import Features, StoryClusterer, article_features

CHECKPOINT_VERSION = 2  # 1 was a pickle, never read again: unpickling a file can run code
# The counters of a run kept in its checkpoint.
COUNTERS = ("consumed", "stories_bytes", "failures_bytes", "articles", "failures", "stories", "repeats")
PARQUET_ROWS_PER_GROUP = 10_000

Prepared = Failure | tuple[dict[str, Any], Features]


@dataclass(frozen=True)
class CorpusFiles:
    """Where a run writes: the output, its failures list, and the files of a run in progress."""

    output: Path

    @property
    def parquet(self) -> bool:
        return self.output.suffix.lower() == ".parquet"

    @property
    def staging(self) -> Path:
        return self._beside(".partial")

    @property
    def failures(self) -> Path:
        return self._beside(".failures.jsonl")

    @property
    def failures_staging(self) -> Path:
        return self._beside(".failures.partial")

    @property
    def checkpoint(self) -> Path:
        return self._beside(".checkpoint")

    def _beside(self, suffix: str) -> Path:
        return self.output.with_name(self.output.name + suffix)


@dataclass
class _State:
    inputs: list[str]
    settings: dict[str, Any]
    clusterer: StoryClusterer
    consumed: int = 0  # input documents (and failed inputs) fully handled
    stories_bytes: int = 0
    failures_bytes: int = 0
    articles: int = 0
    failures: int = 0
    stories: int = 0
    repeats: int = 0
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # articles of open stories
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class CorpusResult:
    articles: int
    stories: int
    failures: int
    repeats: int  # the same document (same origin and text) given more than once; placed once
    resumed_at: int  # input documents skipped because a checkpoint had them; 0 for a fresh run


ProgressCallback = Callable[[int, int], None]  # (articles placed, failures)


def cluster_corpus(
    paths: Iterable[str],
    output: Path,
    settings: Settings,
    *,
    restart: bool = False,
    batch_size: int = 1000,
    workers: int | None = None,
    checkpoint_seconds: float = 60.0,
    progress: ProgressCallback | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> CorpusResult:
    """Group every article under `paths` into stories written to `output` (.jsonl or .parquet);
    `workers`: cleaning processes, None for one per core, 0 for none (all in this process)."""
    files = CorpusFiles(output)
    inputs = list(paths)
    state = None if restart else _load_checkpoint(files, inputs, settings)
    resumed_at = state.consumed if state else 0
    if state is None:
        state = _State(inputs, _settings_data(settings), StoryClusterer(settings.stories))
    stories_out = _open_truncated(files.staging, state.stories_bytes)
    failures_out = _open_truncated(files.failures_staging, state.failures_bytes)
    items = itertools.islice(iter_documents(inputs, settings.ingest), state.consumed, None)
    last_checkpoint = time.monotonic()
    with stories_out, failures_out, _Cleaner(settings, workers) as cleaner:
        for consumed, batch in cleaner.batches(items, batch_size):
            _place(state, batch, stories_out, failures_out, on_failure)
            state.consumed += consumed
            if progress:
                progress(state.articles, state.failures)
            if time.monotonic() - last_checkpoint >= checkpoint_seconds:
                _save_checkpoint(files, state, stories_out, failures_out)
                last_checkpoint = time.monotonic()
        _write_stories(state, state.clusterer.finish(), stories_out)
    _publish(files, state)
    return CorpusResult(state.articles, state.stories, state.failures, state.repeats, resumed_at)


def _place(
    state: _State,
    batch: list[Prepared],
    stories_out: IO[bytes],
    failures_out: IO[bytes],
    on_failure: Callable[[Failure], None] | None,
) -> None:
    features = []
    for item in batch:
        if isinstance(item, Failure):
            failures_out.write(orjson.dumps(asdict(item)) + b"\n")
            state.failures += 1
            if on_failure:
                on_failure(item)
            continue
        record, feature = item
        if feature.id in state.seen:
            state.repeats += 1
            continue
        state.seen.add(feature.id)
        state.records[feature.id] = record
        features.append(feature)
    state.clusterer.add_features(features)
    state.articles += len(features)
    dates = [f.published for f in features if f.published]
    if dates:
        _write_stories(state, state.clusterer.close_stale(max(dates)), stories_out)


def _write_stories(state: _State, stories: Iterator[Story], out: IO[bytes]) -> None:
    for story in stories:
        articles = [state.records.pop(article_id) for article_id in story.article_ids]
        record = {
            "id": story.id,
            "label": story.label,
            "first_published": _iso(story.first_published),
            "last_published": _iso(story.last_published),
            "size": len(articles),
            "articles": articles,
        }
        out.write(orjson.dumps(record) + b"\n")
        state.stories += 1


def _article_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "origin": article.origin,
        "title": article.title,
        "outlet": article.outlet,
        "published": _iso(article.published),
    }


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


class _Cleaner:
    """Cleans and featurises documents, in worker processes when there are cores to spare; the
    next batch is cleaned while the caller places the current one."""

    def __init__(self, settings: Settings, workers: int | None):
        self.settings = settings
        # As many cleaners as cores: cleaning costs several times what placing does, so the main
        # process is mostly waiting for them.
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.pool: Any = None

    def __enter__(self) -> _Cleaner:
        worker.use(self.settings)  # this process cleans whatever the workers do not
        return self

    def _start_workers(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.pool = context.Pool(
            self.workers, initializer=worker.start, initargs=(self.settings, os.getpid())
        )

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def batches(self, items: Iterator[Raw | Failure], size: int) -> Iterator[tuple[int, list[Prepared]]]:
        """(documents consumed, their cleaned form) per batch, in input order. Workers start only
        for an input of more than one batch: spawning them (each loads its models) costs seconds."""
        chunks = iter(lambda: list(itertools.islice(items, size)), [])
        first = next(chunks, [])
        upcoming = next(chunks, [])
        if not upcoming or self.workers == 0:
            for chunk in itertools.chain([first, upcoming], chunks):
                if chunk:
                    yield len(chunk), prepare_chunk(chunk)
            return
        self._start_workers()
        chunks = itertools.chain([first, upcoming], chunks)
        part = max(1, size // (4 * self.workers))
        pending = None
        for chunk in chunks:
            parts = [chunk[i : i + part] for i in range(0, len(chunk), part)]
            submitted = (len(chunk), self.pool.map_async(prepare_chunk, parts))
            if pending is not None:
                yield pending[0], [item for done in pending[1].get() for item in done]
            pending = submitted
        if pending is not None:
            yield pending[0], [item for done in pending[1].get() for item in done]


def prepare_chunk(chunk: list[Raw | Failure]) -> list[Prepared]:
    """Cleaned articles featurised together (one vectoriser call for the chunk), in input order."""
    cleaned = [_clean(item) for item in chunk]
    articles = [item for item in cleaned if isinstance(item, Article)]
    features, _, left_out = isolated(articles, article_features, "stories")
    featured = dict(zip((f.id for f in features), features, strict=True))
    failed = {failure.origin: failure for failure in left_out}
    return [_outcome(item, featured, failed) for item in cleaned]


def _outcome(item: Article | Failure, featured: dict[str, Features], failed: dict[str, Failure]) -> Prepared:
    if isinstance(item, Failure):
        return item
    if item.id in featured:
        return _article_record(item), featured[item.id]
    return failed[item.origin]


def _clean(item: Raw | Failure) -> Article | Failure:
    if isinstance(item, Failure):
        return item
    assert worker.settings is not None
    try:
        return clean_one(item, worker.settings.clean)
    except InputError as exc:
        return Failure(exc.origin, "clean", exc.reason)


def _open_truncated(path: Path, size: int) -> IO[bytes]:
    """`path` opened for appending after its first `size` bytes (all of it gone when size is 0)."""
    handle = path.open("r+b" if size and path.exists() else "wb")
    handle.truncate(size)
    handle.seek(size)
    return handle


def _load_checkpoint(files: CorpusFiles, inputs: list[str], settings: Settings) -> _State | None:
    if not files.checkpoint.exists():
        return None
    try:
        state = _state_from(orjson.loads(files.checkpoint.read_bytes()), settings)
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StorylensError(
            f"{files.checkpoint}: unreadable checkpoint ({one_line(exc)}); pass --restart to start over"
        ) from exc
    if state.inputs != inputs or state.settings != _settings_data(settings):
        raise StorylensError(
            f"{files.checkpoint}: a checkpoint of a run over other inputs or settings; "
            "pass the same ones to resume it, or --restart to start over"
        )
    for path, size in ((files.staging, state.stories_bytes), (files.failures_staging, state.failures_bytes)):
        if (path.stat().st_size if path.exists() else 0) < size:
            raise StorylensError(f"{path}: shorter than its checkpoint says; pass --restart")
    return state


def _save_checkpoint(files: CorpusFiles, state: _State, *outputs: IO[bytes]) -> None:
    for out in outputs:
        out.flush()
        os.fsync(out.fileno())
    state.stories_bytes = outputs[0].tell()
    state.failures_bytes = outputs[1].tell()
    partial = files.checkpoint.with_name(files.checkpoint.name + ".tmp")
    with partial.open("wb") as handle:
        handle.write(orjson.dumps(_state_data(state)))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, files.checkpoint)


def _settings_data(settings: Settings) -> Any:
    """Settings as they read back from JSON (tuples become lists), for comparing with a checkpoint."""
    return orjson.loads(orjson.dumps(asdict(settings)))


def _state_data(state: _State) -> dict[str, Any]:
    """The run's state as JSON (a data format: reading a checkpoint never runs code)."""
    return {
        "version": CHECKPOINT_VERSION,
        "inputs": state.inputs,
        "settings": state.settings,
        "clusterer": state.clusterer.to_state(),
        "counts": {name: getattr(state, name) for name in COUNTERS},
        "records": state.records,
        "seen": sorted(state.seen),
    }


def _state_from(data: dict[str, Any], settings: Settings) -> _State:
    if data["version"] != CHECKPOINT_VERSION:
        raise ValueError(
            f"checkpoint version {data['version']!r}, this storylens writes {CHECKPOINT_VERSION}"
        )
    if not isinstance(data["records"], dict) or not all(
        isinstance(r, dict) for r in data["records"].values()
    ):
        raise TypeError("the open stories' articles are not records")
    state = _State(
        inputs=[str(path) for path in data["inputs"]],
        settings=data["settings"],
        clusterer=StoryClusterer.from_state(data["clusterer"], settings.stories),
        records=data["records"],
        seen={str(article_id) for article_id in data["seen"]},
    )
    for name in COUNTERS:
        setattr(state, name, int(data["counts"][name]))
    return state


def _publish(files: CorpusFiles, state: _State) -> None:
    """The finished output under its own name; the run's working files gone."""
    if files.parquet:
        _jsonl_to_parquet(files.staging, files.output)
        files.staging.unlink()
    else:
        os.replace(files.staging, files.output)
    if state.failures:
        os.replace(files.failures_staging, files.failures)
    else:
        files.failures_staging.unlink(missing_ok=True)
        files.failures.unlink(missing_ok=True)
    files.checkpoint.unlink(missing_ok=True)


def _jsonl_to_parquet(source: Path, target: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StorylensError("Parquet output needs pyarrow: pip install 'storylens[parquet]'") from exc
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("label", pa.string()),
            ("first_published", pa.string()),
            ("last_published", pa.string()),
            ("size", pa.int64()),
            (
                "articles",
                pa.list_(
                    pa.struct(
                        [(name, pa.string()) for name in ("id", "origin", "title", "outlet", "published")]
                    )
                ),
            ),
        ]
    )
    partial = target.with_name(target.name + ".tmp")
    with source.open("rb") as lines, pq.ParquetWriter(partial, schema) as writer:
        while rows := [orjson.loads(line) for line in itertools.islice(lines, PARQUET_ROWS_PER_GROUP)]:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(partial, target)
