"""The Spark engine on a real local SparkSession: the same stories as `storylens cluster`, inputs
read with the same origins, failures listed, output partitioned by month; the candidate blocks
(hypothesis) never separate articles that the local clusterer could compare."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.clean import clean_batch
from storylens.config import Settings, StorySettings
from storylens.corpus import cluster_corpus
from storylens.ingest import read_inputs
from storylens.model import Failure
from storylens.spark.cluster import block_labels, horizon_days, posting_links
from storylens.spark.output import read_stories
from storylens.spark.session import java_missing

EDITIONS = 4  # the fixture stories retold every 60 days: blocks split by time


def _spark_unavailable() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'storylens[spark]')"
    return java_missing()


needs_spark = pytest.mark.skipif(_spark_unavailable() is not None, reason=str(_spark_unavailable()))


def write_corpus(folder: Path) -> Path:
    """A dated JSON-lines stream with a malformed line, a too-short article and a repeated input."""
    raws, _ = read_inputs([str(FIXTURES / "ferry_fire"), str(EXAMPLES)])
    articles, _ = clean_batch(raws)
    start = datetime(2026, 1, 5)
    lines = []
    for edition in range(EDITIONS):
        for number, article in enumerate(sorted(articles, key=lambda a: a.origin)):
            record = {
                "title": article.title,
                "text": f"Edition {edition}. {article.text}",
                "source": article.outlet,
                "date": (start + timedelta(days=60 * edition, hours=number)).isoformat(),
            }
            lines.append(json.dumps(record))
        if edition == 1:
            lines += ['{"text": "broken', "", json.dumps({"text": "Too short.", "source": "Nobody"})]
    path = folder / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    if _spark_unavailable():
        pytest.skip(str(_spark_unavailable()))
    from storylens.spark import spark_session

    session = spark_session("local[2]", "storylens-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("spark-corpus"))


def local_stories(paths: list[str], folder: Path) -> list[dict[str, object]]:
    cluster_corpus(paths, folder / "local.jsonl", Settings(), restart=True, workers=0)
    return read_stories(folder / "local.jsonl")


def by_id(stories: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {story["id"]: story for story in stories}


@needs_spark
def test_spark_gives_the_local_engines_stories(spark: object, corpus: Path, tmp_path: Path) -> None:
    from storylens.spark import cluster_corpus_spark

    paths = [str(corpus), str(corpus)]  # the second copy is all repeats
    result = cluster_corpus_spark(spark, paths, str(tmp_path / "stories.parquet"), Settings())
    distributed = read_stories(tmp_path / "stories.parquet")
    local = local_stories(paths, tmp_path)
    assert by_id(distributed) == by_id(local)
    assert result.stories == len(local) > EDITIONS
    assert result.repeats == result.articles
    months = {p.name for p in (tmp_path / "stories.parquet").iterdir() if p.is_dir()}
    assert months == {f"month=2026-{m:02d}" for m in (1, 3, 5, 7)}


@needs_spark
def test_failures_are_listed_in_input_order(spark: object, corpus: Path, tmp_path: Path) -> None:
    from storylens.spark import cluster_corpus_spark

    missing = str(tmp_path / "nowhere")
    result = cluster_corpus_spark(spark, [missing, str(corpus)], str(tmp_path / "stories.jsonl"), Settings())
    parts = sorted(Path(str(result.failures_path)).glob("part-*"))
    listed = [json.loads(line) for part in parts for line in part.read_text().splitlines()]
    lines = corpus.read_text().splitlines()
    broken = lines.index('{"text": "broken') + 1
    short = next(n for n, line in enumerate(lines, start=1) if "Too short" in line)
    assert [(f["origin"], f["stage"]) for f in listed] == [
        (missing, "ingest"),
        (f"{corpus}:{broken}", "ingest"),
        (f"{corpus}:{short}", "clean"),
    ]
    assert "malformed JSON" in listed[1]["reason"] and "words of article text" in listed[2]["reason"]
    assert result.failures == 3
    assert by_id(read_stories(tmp_path / "stories.jsonl")) == by_id(local_stories([str(corpus)], tmp_path))


@needs_spark
def test_a_text_folder_keeps_the_local_origins(spark: object, tmp_path: Path) -> None:
    from storylens.spark import cluster_corpus_spark

    cluster_corpus_spark(spark, [str(EXAMPLES)], str(tmp_path / "stories.parquet"), Settings())
    distributed = read_stories(tmp_path / "stories.parquet")
    assert by_id(distributed) == by_id(local_stories([str(EXAMPLES)], tmp_path))
    origins = {a["origin"] for s in distributed for a in s["articles"]}  # type: ignore[attr-defined]
    assert all(origin.startswith(f"{EXAMPLES}/") for origin in origins)


@needs_spark
def test_parquet_input_reads_like_json_lines(spark: object, corpus: Path, tmp_path: Path) -> None:
    from storylens.spark import cluster_corpus_spark

    rows = [json.loads(line) for line in corpus.read_text().splitlines() if line.startswith('{"title')]
    spark.createDataFrame(rows).coalesce(1).write.parquet(str(tmp_path / "news.parquet"))  # type: ignore[attr-defined]
    cluster_corpus_spark(spark, [str(tmp_path / "news.parquet")], str(tmp_path / "a.parquet"), Settings())
    lines = tmp_path / "clean.jsonl"
    lines.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    cluster_corpus_spark(spark, [str(lines)], str(tmp_path / "b.parquet"), Settings())

    def groups(path: Path) -> set[tuple[str, ...]]:
        return {tuple(a["id"] for a in s["articles"]) for s in read_stories(path)}  # type: ignore[attr-defined]

    # Article ids hash the origin ("#row" here, ":line" there), so compare titles and outlets.
    def shapes(path: Path) -> list[tuple[int, str]]:
        return sorted((s["size"], s["label"]) for s in read_stories(path))  # type: ignore[misc]

    assert shapes(tmp_path / "a.parquet") == shapes(tmp_path / "b.parquet")
    assert len(groups(tmp_path / "a.parquet")) == len(groups(tmp_path / "b.parquet"))


postings = st.lists(
    st.lists(
        st.tuples(st.integers(0, 30), st.one_of(st.none(), st.floats(0, 400, allow_nan=False))),
        min_size=1,
        max_size=8,
        unique_by=lambda pair: pair[0],
    ),
    max_size=6,
)


@given(postings)
@settings(max_examples=200, deadline=None)
def test_blocks_join_what_could_meet(lists: list[list[tuple[int, float | None]]]) -> None:
    """Within one posting, an undated article and everything else, and each dated article and the
    next within the horizon, end in one block; nothing links what no posting holds together."""
    horizon = horizon_days(StorySettings())
    keys = np.arange(31, dtype=np.int64)
    edges = [pair for posting in lists for pair in posting_links(posting, horizon)]
    labels = block_labels(keys, np.array(edges, dtype=np.int64).reshape(-1, 2))
    for posting in lists:
        undated = [key for key, day in posting if day is None]
        if undated:
            assert len({labels[key] for key, _ in posting}) == 1
        dated = sorted((day, key) for key, day in posting if day is not None)
        for (day_a, a), (day_b, b) in itertools.pairwise(dated):
            if day_b - day_a <= horizon:
                assert labels[a] == labels[b]
    together = {key for posting in lists if len(posting) > 1 for key, _ in posting}
    alone = [key for key in range(31) if key not in together]
    assert len({labels[key] for key in alone}) == len(alone)
    assert not set(labels[alone]) & {labels[key] for key in together}


@needs_spark
def test_spark_briefings_are_those_of_brief_on_each_story(spark: object, tmp_path: Path) -> None:
    """Byte for byte: the briefing column against `pipeline.brief` (what `storylens brief` runs)
    on each story's files, with stories from the cluster engine's output."""
    import orjson
    import pyarrow.parquet as pq

    from storylens.pipeline import brief
    from storylens.render import to_json
    from storylens.spark import cluster_corpus_spark
    from storylens.spark.brief import brief_corpus_spark

    stories_path, output = tmp_path / "stories.parquet", tmp_path / "briefings.parquet"
    inputs = [str(EXAMPLES), str(tmp_path / "nowhere")]
    cluster_corpus_spark(spark, inputs, str(stories_path), Settings())
    result = brief_corpus_spark(spark, inputs, str(output), Settings(), stories=str(stories_path))
    rows = pq.read_table(output).to_pylist()
    assert result.briefings == len(rows) >= 2 and result.failures == 1
    for story in read_stories(stories_path):
        files = sorted(article["origin"] for article in story["articles"])  # type: ignore[attr-defined]
        expected = sorted(orjson.dumps(b) for b in orjson.loads(to_json(brief(files)))["briefings"])
        mine = [row for row in rows if row["corpus_story"] == story["id"]]
        assert sorted(row["briefing"].encode() for row in mine) == expected
        for row in mine:
            assert row["articles"] == len(orjson.loads(row["briefing"])["story"]["article_ids"])
            assert 1 <= row["independent_voices"] <= row["articles"]


# warcio's writer, used only to build the fixture, leaves a spooled temporary file unclosed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@needs_spark
def test_spark_reads_every_format_as_the_local_reader_does(spark: object, tmp_path: Path) -> None:
    import gzip
    import shutil
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from storylens.config import IngestSettings
    from storylens.ingest import iter_documents
    from storylens.spark.read import read_documents

    folder = tmp_path / "inputs"
    shutil.copytree(EXAMPLES, folder / "examples")
    html = (EXAMPLES / "02_daily_courier.html").read_bytes()
    (folder / "page.html.gz").write_bytes(gzip.compress(html))
    (folder / "notes.docx").write_bytes(b"PK not a format storylens reads")
    (folder / "big.txt").write_text("word " * 6000, encoding="utf-8")
    (folder / "lines.jsonl").write_text('{"text": "one"}\n\n{"text": 2}\nnot json\n', encoding="utf-8")
    with (folder / "crawl.warc.gz").open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://a.example/s", "response", payload=BytesIO(html), http_headers=headers
            )
        )
    paths = [str(folder), str(tmp_path / "missing.txt")]
    settings = IngestSettings(max_bytes=20_000)
    distributed = read_documents(spark, paths, settings).sortByKey().values().collect()
    assert distributed == list(iter_documents(paths, settings))
    assert any(getattr(document, "url", None) == "https://a.example/s" for document in distributed)
    reasons = [document.reason for document in distributed if isinstance(document, Failure)]
    assert any("unknown format" in r for r in reasons) and any("over the limit" in r for r in reasons)
