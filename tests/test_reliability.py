"""No input stops a batch: the inputs that used to abort `brief` and `cluster` fail alone, each
named with a one-line reason, and everything else is briefed."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.annotate.sentences import MAX_SENTENCE_CHARS, split_sentences
from storylens.config import IngestSettings, Settings
from storylens.corpus import CorpusFiles, cluster_corpus
from storylens.errors import InputError
from storylens.ingest import read_inputs
from storylens.ingest.limits import CHUNK, LongLine, bounded_lines, read_capped
from storylens.isolation import isolated
from storylens.model import Article, Failure
from storylens.pipeline import brief, brief_articles, screen_articles

BODY = (
    "The council voted on Tuesday to close the old bridge after engineers found cracks in two of "
    "its supports, officials said. Repairs are expected to take most of the year. "
)


def warc_record(uri: str | None, html: str) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}".encode()
    headers = [
        "WARC/1.0",
        "WARC-Type: response",
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>",
        "WARC-Date: 2024-01-01T00:00:00Z",
        "Content-Type: application/http; msgtype=response",
        f"Content-Length: {len(http)}",
    ]
    if uri is not None:
        headers.insert(2, f"WARC-Target-URI: {uri}")
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"


def write_killers(folder: Path) -> dict[str, str]:
    """Inputs that each aborted a whole batch before issue 13; name -> what its failure says
    (empty: the input must be briefed, not fail)."""
    folder.mkdir(parents=True, exist_ok=True)
    page = f"<html><body><article><h1>Bridge shut</h1><p>{BODY * 2}</p></article></body></html>"
    (folder / "nouri.warc").write_bytes(
        warc_record(None, page) + warc_record("https://news.example/bridge", page)
    )
    (folder / "huge.txt").write_text("Long text\n\n" + BODY * 6000, encoding="utf-8")
    (folder / "year1.json").write_text(json.dumps({"text": BODY * 2, "date": "0001-01-01"}))
    (folder / "bell.html").write_text(
        f"<html><head><title>Bell\x07</title></head><body><article><p>{BODY * 3}\x11 and"
        f"</p><p title='\x11'>{BODY * 3}</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "types.jsonl").write_text(
        json.dumps({"text": BODY * 2, "source": {"a": 1}})
        + "\n"
        + json.dumps({"text": BODY * 2, "date": ["x", 5]})
        + "\n"
        + json.dumps({"text": BODY * 2, "date": "NaN", "source": "Daily"})
        + "\n",
        encoding="utf-8",
    )
    return {
        "nouri.warc#1": "without WARC-Target-URI",
        "nouri.warc#2": "",
        "huge.txt": "over the limit of 100,000 for one article",
        "year1.json": "",
        "bell.html": "",
        "types.jsonl:1": "the field 'source' holds an object",
        "types.jsonl:2": "the field 'date' holds a list with a number in it",
        "types.jsonl:3": "",
    }


@pytest.fixture(scope="module")
def killers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("killers")
    return folder, write_killers(folder)


def test_inputs_that_aborted_a_batch_fail_alone(killers: tuple[Path, dict[str, str]]) -> None:
    folder, expected = killers
    result = brief([str(folder), str(EXAMPLES)])
    failed = {Path(f.origin).name: f.reason for f in result.failures}
    for name, reason in expected.items():
        if reason:
            assert reason in failed.pop(name)
    assert not failed, failed  # nothing else failed
    briefed = {Path(a.origin).name for b in result.briefings for a in b.articles}
    good = {name for name, reason in expected.items() if not reason}
    assert good <= briefed and len(briefed) == len(good) + 6  # and the six examples


def test_implausible_and_unreadable_dates_leave_no_date(
    killers: tuple[Path, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    folder, _ = killers
    result = brief([str(folder / "year1.json"), str(folder / "types.jsonl")])
    articles = [a for b in result.briefings for a in b.articles]
    assert len(articles) == 2 and all(a.published is None for a in articles)
    warnings = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "year1.json: the date '0001-01-01' is outside" in warnings
    assert "types.jsonl:3: cannot read the date 'NaN'" in warnings


def test_control_characters_never_reach_the_article(killers: tuple[Path, dict[str, str]]) -> None:
    folder, _ = killers
    result = brief([str(folder / "bell.html")])
    (article,) = [a for b in result.briefings for a in b.articles]
    texts = [article.text, article.title, *(line.text for line in article.removed)]
    assert all("\x07" not in text and "\x11" not in text for text in texts)


def test_stored_articles_are_screened_before_briefing() -> None:
    """The web app briefs articles it stored itself: an implausible date is dropped, a text too
    long to annotate is refused, and the rest are briefed."""
    from datetime import datetime

    good = Article(id="a1", text=BODY * 3, title="Bridge", outlet="Daily", origin="api:1", format="text")
    year_one = Article(
        id="a2", text=BODY * 3, title="Bridge", outlet="Weekly", origin="api:2", format="text",
        published=datetime(1, 1, 1),
    )  # fmt: skip
    huge = Article(id="a3", text=BODY * 3000, title="Huge", outlet="X", origin="api:3", format="text")
    kept, failures = screen_articles([good, year_one, huge])
    assert [a.id for a in kept] == ["a1", "a2"] and kept[1].published is None
    assert [f.origin for f in failures] == ["api:3"] and "over the limit" in failures[0].reason
    result = brief_articles([good, year_one, huge])
    assert sorted(a.id for b in result.briefings for a in b.articles) == ["a1", "a2"]
    assert [f.origin for f in result.failures] == ["api:3"]


def test_batch_work_that_one_article_breaks_is_redone_without_it() -> None:
    articles = [
        Article(id=f"a{n}", text=text, title="t", outlet="o", origin=f"o{n}", format="text")
        for n, text in enumerate(["fine", "poison", "fine too"])
    ]

    def work(batch: object) -> int:
        if any(a.text == "poison" for a in batch):  # type: ignore[attr-defined]
            raise ValueError("cannot take this\nsecond line")
        return len(batch)  # type: ignore[arg-type]

    done, kept, failures = isolated(articles, work, "stories")
    assert done == 2 and [a.id for a in kept] == ["a0", "a2"]
    assert [(f.origin, f.reason) for f in failures] == [
        ("o1", "stories failed on this article (ValueError: cannot take this)")
    ]


def test_cluster_gets_past_the_inputs_that_aborted_it(
    killers: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, expected = killers
    output = tmp_path / "stories.jsonl"
    result = cluster_corpus([str(folder)], output, Settings(), workers=0)
    failed = {
        Path(json.loads(line)["origin"]).name
        for line in CorpusFiles(output).failures.read_text().splitlines()
    }
    assert failed == {name for name, reason in expected.items() if reason}
    assert result.articles == sum(1 for reason in expected.values() if not reason)


# --- streaming limits -------------------------------------------------------------------------

LIMIT = 256 * 1024


def gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    return b"".join(compressor.compress(b"\0" * (1 << 20)) for _ in range(size >> 20)) + compressor.flush()


def peak_while_reading(path: Path) -> tuple[int, list[Failure]]:
    tracemalloc.start()
    try:
        raws, failures = read_inputs([str(path)], IngestSettings(max_bytes=LIMIT))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not raws
    return peak, failures


def test_a_gzip_bomb_is_refused_while_it_expands(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip_of_zeros(64 << 20))  # 64 MiB of zeros in about 64 KiB
    assert bomb.stat().st_size < LIMIT
    peak, failures = peak_while_reading(bomb)
    assert "expands past the limit of 262,144 bytes" in failures[0].reason
    assert peak < 4 * LIMIT


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_warc_payload_is_refused_while_it_expands(tmp_path: Path, encoding: str) -> None:
    payload = gzip_of_zeros(64 << 20) if encoding == "gzip" else zlib.compress(b"\0" * (64 << 20), 9)
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {encoding}\r\n\r\n".encode()
    record = warc_record("https://news.example/bomb", "").replace(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", b""
    )
    record = record.replace(b"Content-Length: 44", f"Content-Length: {len(http) + len(payload)}".encode())
    record = record.replace(b"\r\n\r\n\r\n\r\n", b"\r\n\r\n" + http + payload + b"\r\n\r\n")
    path = tmp_path / "bomb.warc"
    path.write_bytes(record)
    peak, failures = peak_while_reading(path)
    assert len(failures) == 1 and "expands past the limit" in failures[0].reason, failures
    assert peak < 4 * LIMIT


def test_a_gzipped_warc_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip_of_zeros(64 << 20))
    peak, failures = peak_while_reading(path)
    assert "expands past the limit" in failures[0].reason and peak < 4 * LIMIT


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz"])
def test_a_huge_json_line_is_refused_without_being_held(tmp_path: Path, name: str) -> None:
    good = json.dumps({"text": BODY}).encode()
    huge = b'{"text": "' + b"x" * (16 * LIMIT) + b'"}'
    data = good + b"\n" + huge + b"\n" + good + b"\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    tracemalloc.start()
    try:
        raws, failures = read_inputs([str(path)], IngestSettings(max_bytes=LIMIT))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.origin.rsplit(":", 1)[1] for r in raws] == ["1", "3"]
    assert [f.origin.rsplit(":", 1)[1] for f in failures] == ["2"]
    assert f"the line is {len(huge) + 1:,} bytes, over the limit" in failures[0].reason
    assert peak < 4 * LIMIT


def test_bounded_lines_never_yields_more_than_the_limit() -> None:
    data = b"a\n" + b"b" * 100 + b"\n\n" + b"c" * 10 + b"\n" + b"d" * 50
    lines = list(bounded_lines(io.BytesIO(data), 10))
    assert lines == [b"a\n", LongLine(101), b"\n", b"c" * 10 + b"\n", LongLine(50)]


def test_stdin_is_read_up_to_the_limit_only() -> None:
    stream = io.BytesIO(b"x" * (LIMIT + 1))
    with pytest.raises(InputError, match="expands past the limit"):
        read_capped(stream, LIMIT, "<stdin>", "standard input")
    assert stream.tell() <= LIMIT + CHUNK


def test_one_long_sentence_costs_linear_time_in_pieces() -> None:
    text = " ".join(["word"] * 20_000) + "."  # 100,000 characters, no sentence end before the last
    sentences = split_sentences("a", text)
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["word", "Mr.", "end.", "Yes!", "(a", "b)", "x" * 700, "\n", "  "]), max_size=400
    )
)
def test_sentences_are_bounded_and_point_at_their_text(parts: list[str]) -> None:
    text = " ".join(parts)
    for sentence in split_sentences("a", text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert len(sentence.text) <= MAX_SENTENCE_CHARS


# --- soft cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "story.txt").write_bytes(("Le café rouvre\n\n" + BODY).encode(encoding))
    raws, failures = read_inputs([str(tmp_path)])
    assert not failures and raws[0].content.startswith("Le café rouvre")


def test_links_that_loop_or_lead_nowhere_are_listed_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Bridge\n\n" + BODY, encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)  # a folder link back to its own folder
    (tmp_path / "self").symlink_to(tmp_path / "self")  # a link to itself
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    raws, failures = read_inputs([str(tmp_path)])
    assert [Path(r.origin).name for r in raws] == ["story.txt"]
    reasons = {Path(f.origin).name: f.reason for f in failures}
    assert reasons["loop"].startswith("skipped: a link loop")
    assert reasons["self"] == "skipped: a link loop (the link leads back to itself)"
    assert reasons["gone.txt"] == f"skipped: a link to nothing ({tmp_path / 'deleted.txt'} does not exist)"
