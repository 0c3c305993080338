"""`storylens cluster`: streamed corpus clustering, resuming without loss or repeats, Parquet out,
failures listed, and the incremental clusterer agreeing with the batch one."""

from __future__ import annotations

import json
import pickle
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import EXAMPLES, FIXTURES
from procs import alive, descendants  # bench/procs.py, put on the path by conftest
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

from storylens.clean import clean_batch
from storylens.cli import app
from storylens.config import Settings
from storylens.corpus import CorpusFiles, cluster_corpus
from storylens.errors import StorylensError
from storylens.ingest import read_inputs
from storylens.stories import group_stories
from storylens.stories.incremental import StoryClusterer

MONTHS = 5  # the fixture stories again every two months: old stories close as the stream moves on


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON-lines stream in date order: the ferry-fire and rail stories, retold every 60 days
    (each retelling its own event), with a malformed line and a too-short article in it."""
    raws, _ = read_inputs([str(FIXTURES / "ferry_fire"), str(EXAMPLES)])
    articles, _ = clean_batch(raws)
    start = datetime(2026, 1, 5)
    lines = []
    for month in range(MONTHS):
        for number, article in enumerate(sorted(articles, key=lambda a: a.origin)):
            record = {
                "title": article.title,
                "text": f"Edition {month}. {article.text}",
                "source": article.outlet,
                "date": (start + timedelta(days=60 * month, hours=number)).isoformat(),
            }
            lines.append(json.dumps(record))
        if month == 1:
            lines += ['{"text": "broken', json.dumps({"text": "Too short.", "source": "Nobody"})]
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(corpus: Path, output: Path, **options: object) -> object:
    settings = {"batch_size": 9, "workers": 0, "checkpoint_seconds": 0.0, **options}
    return cluster_corpus([str(corpus)], output, Settings(), **settings)  # type: ignore[arg-type]


def stories(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_article_lands_in_exactly_one_story(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "stories.jsonl"
    result = run(corpus, output)
    written = stories(output)
    ids = [a["id"] for s in written for a in s["articles"]]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids)) == result.articles == 14 * MONTHS  # type: ignore[attr-defined]
    assert all(s["size"] == len(s["articles"]) and s["label"] for s in written)  # type: ignore[arg-type]
    # a retelling two months later is a story of its own, and each has its date span
    assert len(written) >= MONTHS * 2
    for story in written:
        assert story["first_published"] <= story["last_published"]  # type: ignore[operator]
    files = CorpusFiles(output)
    assert not files.checkpoint.exists() and not files.staging.exists()


def test_worker_processes_give_the_same_stories(corpus: Path, tmp_path: Path) -> None:
    run(corpus, tmp_path / "here.jsonl")
    run(corpus, tmp_path / "workers.jsonl", workers=2)
    assert (tmp_path / "workers.jsonl").read_bytes() == (tmp_path / "here.jsonl").read_bytes()


def test_failures_are_listed_not_dropped(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "stories.jsonl"
    result = run(corpus, output)
    assert result.failures == 2  # type: ignore[attr-defined]
    failures = [json.loads(line) for line in CorpusFiles(output).failures.read_text().splitlines()]
    reasons = " ".join(f["reason"] for f in failures)
    assert "malformed JSON line" in reasons and "words of article text" in reasons
    assert all(f["origin"].startswith(str(corpus) + ":") for f in failures)


@pytest.fixture(scope="module")
def long_corpus(corpus: Path) -> Path:
    """The corpus six times over (each copy its own origin), long enough to be stopped midway."""
    lines = corpus.read_text(encoding="utf-8").splitlines()
    path = corpus.with_name("long.jsonl")
    path.write_text("\n".join(lines * 6) + "\n", encoding="utf-8")
    return path


def start_cluster(corpus: Path, output: Path, workers: int = 0, batch: int = 9) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "storylens", "cluster", str(corpus), "-o", str(output)]
    options = ["--workers", str(workers), "--batch", str(batch), "--checkpoint-every", "0"]
    return subprocess.Popen(command + options, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stop_after_a_checkpoint(process: subprocess.Popen[bytes], output: Path, signal_number: int) -> bytes:
    """Send a real signal once the run has saved a checkpoint (and before it can finish)."""
    checkpoint = CorpusFiles(output).checkpoint
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=120)
    return stderr


@pytest.fixture(scope="module")
def uninterrupted(long_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("whole") / "whole.jsonl"
    run(long_corpus, output)
    return output


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGKILL])
def test_resume_after_a_real_signal_loses_and_repeats_nothing(
    long_corpus: Path, uninterrupted: Path, tmp_path: Path, signal_number: int
) -> None:
    interrupted = tmp_path / "interrupted.jsonl"
    process = start_cluster(long_corpus, interrupted)
    stderr = stop_after_a_checkpoint(process, interrupted, signal_number)
    files = CorpusFiles(interrupted)
    assert files.checkpoint.exists() and not interrupted.exists(), "the run ended before the signal"
    if signal_number == signal.SIGINT:
        assert process.returncode == 130 and b"run the same command again to resume" in stderr
        assert b"Traceback" not in stderr
    else:
        assert process.returncode == -signal.SIGKILL
    resumed = start_cluster(long_corpus, interrupted)
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, stderr  # the corpus holds two bad lines
    assert b"resumed after" in stderr
    assert interrupted.read_bytes() == uninterrupted.read_bytes()
    assert files.failures.read_bytes() == CorpusFiles(uninterrupted).failures.read_bytes()
    assert not files.checkpoint.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_cleaning_workers_die_with_a_killed_run(long_corpus: Path, tmp_path: Path) -> None:
    """Killed while its workers are still starting (importing the cleaning stack takes seconds),
    the run leaves none behind for more than a moment. (Workers caught in their start-up
    handshake die with it anyway; bench/kill_cluster.py kills at random moments and counts.)"""
    process = start_cluster(long_corpus, tmp_path / "stories.jsonl", workers=2)
    deadline = time.monotonic() + 180
    workers: set[int] = set()
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = {pid for pid in descendants(process.pid) if b"spawn_main" in command_line(pid)}
        time.sleep(0.005)
    time.sleep(1.0)  # past their start-up handshake, into their imports
    process.kill()
    process.communicate()
    assert len(workers) == 2, "the worker processes never started"
    time.sleep(1.5)
    assert not alive(workers)


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_checkpoint_of_other_inputs_is_refused(long_corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "stories.jsonl"
    stop_after_a_checkpoint(start_cluster(long_corpus, output), output, signal.SIGKILL)
    assert CorpusFiles(output).checkpoint.exists()
    with pytest.raises(StorylensError, match="other inputs"):
        cluster_corpus([str(EXAMPLES)], output, Settings(), workers=0)
    result = cluster_corpus([str(EXAMPLES)], output, Settings(), workers=0, restart=True)
    assert result.articles == 6


class _Planted:
    """A pickle that, once unpickled, creates a file: what a crafted checkpoint could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_a_crafted_checkpoint_runs_no_code(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "stories.jsonl"
    marker = tmp_path / "code-ran"
    payload = pickle.dumps((1, _Planted(marker)))
    pickle.loads(payload)  # the payload works: unpickled, it creates the marker
    assert marker.exists()
    marker.unlink()
    CorpusFiles(output).checkpoint.write_bytes(payload)
    with pytest.raises(StorylensError, match=r"unreadable checkpoint.*--restart"):
        run(corpus, output)
    assert not marker.exists()
    planted_json = {"version": 2, "inputs": [str(corpus)], "settings": {}, "clusterer": {"__reduce__": 1}}
    CorpusFiles(output).checkpoint.write_text(json.dumps(planted_json))
    with pytest.raises(StorylensError, match="unreadable checkpoint"):
        run(corpus, output)
    done = CliRunner().invoke(app, ["cluster", str(corpus), "-o", str(output), "--workers", "0"])
    assert done.exit_code == 2 and "unreadable checkpoint" in done.output
    assert run(corpus, output, restart=True).articles == 14 * MONTHS  # type: ignore[attr-defined]


def test_checkpoint_round_trips_the_clusterer(corpus: Path, tmp_path: Path) -> None:
    from storylens.stories.incremental import StoryClusterer

    raws, _ = read_inputs([str(corpus)])
    articles, _ = clean_batch(raws)
    clusterer = StoryClusterer()
    clusterer.add(articles[:40])
    state = json.loads(json.dumps(clusterer.to_state()))
    restored = StoryClusterer.from_state(state, Settings().stories)
    assert restored.to_state() == clusterer.to_state()
    clusterer.add(articles[40:])
    restored.add(articles[40:])
    assert list(restored.finish()) == list(clusterer.finish())


def test_parquet_holds_the_same_stories(corpus: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run(corpus, tmp_path / "stories.jsonl")
    run(corpus, tmp_path / "stories.parquet")
    table = pq.read_table(tmp_path / "stories.parquet").to_pylist()
    assert table == stories(tmp_path / "stories.jsonl")


def test_cli_exit_code_says_something_failed(corpus: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["cluster", str(corpus), "-o", str(output), "--workers", "0"])
    assert result.exit_code == 1, result.output
    assert output.exists()
    clean = CliRunner().invoke(
        app, ["cluster", str(EXAMPLES), "-o", str(tmp_path / "ok.jsonl"), "--workers", "0"]
    )
    assert clean.exit_code == 0, clean.output
    wrong = CliRunner().invoke(app, ["cluster", str(EXAMPLES), "-o", str(tmp_path / "out.csv")])
    assert wrong.exit_code == 2


def test_incremental_agrees_with_batch() -> None:
    raws, _ = read_inputs([str(FIXTURES / "ferry_fire"), str(EXAMPLES)])
    articles, _ = clean_batch(raws)
    batch = {a: n for n, s in enumerate(group_stories(articles)) for a in s.article_ids}
    clusterer = StoryClusterer()
    for article in articles:
        clusterer.add([article])
    incremental = clusterer.labels([a.id for a in articles])
    # One article at a time the two share-price reports of the ferry fire stay a story of their
    # own; nothing the batch run keeps apart is put together.
    assert adjusted_rand_score([batch[a.id] for a in articles], incremental) >= 0.7
    for label in set(incremental):
        assert len({batch[a.id] for a, x in zip(articles, incremental, strict=True) if x == label}) == 1


ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "events" / "ecbplus"


@pytest.mark.skipif(not ECBPLUS.exists(), reason="needs ../shared/data/events/ecbplus")
def test_incremental_agrees_with_batch_on_ecbplus() -> None:
    import numpy as np

    from storylens.evaluate import stories as st

    documents = st.read_ecbplus(ECBPLUS)
    batch = st.storylens_clusterer(documents)(np.arange(len(documents)), Settings().stories.merge_threshold)
    incremental = st.incremental_labels(documents)
    # measured 0.91 on the even topics (docs/benchmarks.md); the test holds the pile to a floor
    assert adjusted_rand_score(batch, incremental) >= 0.85
