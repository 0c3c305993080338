"""No input stops a batch: the inputs that used to abort `brief` and `cluster` fail alone, each
named with a one-line reason, and everything else is briefed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES

from storylens.config import Settings
from storylens.corpus import CorpusFiles, cluster_corpus
from storylens.errors import isolated
from storylens.model import Article
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
        "huge.txt": "over the limit of 200,000 for one article",
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
