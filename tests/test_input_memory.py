"""Reading one input holds a small multiple of its size (issue 13), and the cheaper paths give
the same text as before: damaged UTF-8 keeps its characters, legacy code pages are still found,
and the naive page renderer reads a parsed tree without changing it."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable

import lxml.html

from storylens.clean.html import parse_page, visible_lines
from storylens.config import IngestSettings
from storylens.ingest import read_bytes
from storylens.model import Failure, Raw

PARAGRAPH = (
    "<p>Le café près de la gare a rouvert mardi, après que les ingénieurs ont réparé le pont "
    "qui mène à la place du marché, a déclaré la maire à la presse.</p>\n"
)


def _read(data: bytes, name: str) -> tuple[list[Raw], list[Failure]]:
    items = list(read_bytes(data, name, "." + name.rsplit(".", 1)[1], IngestSettings()))
    return [i for i in items if isinstance(i, Raw)], [i for i in items if isinstance(i, Failure)]


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _damaged(data: bytes, flips: int, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    buffer = bytearray(data)
    for _ in range(flips):
        buffer[rng.randrange(len(buffer))] ^= 0x80  # a high bit set or cleared: invalid UTF-8
    return bytes(buffer)


def _page(paragraphs: int) -> bytes:
    return f"<html><body><article>{PARAGRAPH * paragraphs}</article></body></html>".encode()


def test_damaged_utf8_keeps_its_characters() -> None:
    data = _damaged(_page(40), flips=3)
    raws, failures = _read(data, "page.html")
    assert not failures
    assert "café" in raws[0].content and "\ufffd" in raws[0].content


def test_a_legacy_code_page_is_still_found_from_a_sample() -> None:
    sentence = "Министр транспорта заявил во вторник, что мост будет закрыт на ремонт. "
    data = (sentence * 600).encode("cp1251")  # longer than the sample the detector reads
    raws, failures = _read(data, "news.txt")
    assert not failures
    assert raws[0].content == sentence * 600


def test_decoding_a_damaged_page_holds_a_small_multiple_of_it() -> None:
    data = _damaged(_page(2000), flips=20)  # about 400 KB
    _read(data, "warm.html")
    # The file, its text (two bytes a character once U+FFFD is in it) and working space; the
    # whole-file encoding detection this replaced peaked at some 40 times the file.
    assert _peak(lambda: _read(data, "page.html")) < 4 * len(data)


def test_the_page_renderer_never_holds_the_whole_text_at_its_widest() -> None:
    html = _page(1500).decode().replace("mardi", "mardi 🚆", 1)  # one emoji: 4 bytes a character
    tree = parse_page(html, "page.html")
    visible_lines(tree)
    # Lines are stored each at its own width (one byte a character here but for one line); the
    # whole text as one string, as the renderer made it before, is four bytes a character.
    assert _peak(lambda: visible_lines(tree)) < 2 * len(html.encode())


def test_visible_lines_reads_a_tree_without_changing_it() -> None:
    tree = lxml.html.fromstring(
        "<html><head><title>T</title></head><body><div><p>Intro<script>var x;</script> text</p>"
        "<p>First <!-- note -->para</p>after <style>p{}</style><span>all</span></div></body></html>"
    )
    before = lxml.html.tostring(tree)
    assert visible_lines(tree) == ["Intro text", "First para", "after all"]
    assert lxml.html.tostring(tree) == before


def test_a_paragraph_longer_than_an_article_is_refused_before_it_is_scored() -> None:
    from storylens.clean import clean_one
    from storylens.errors import InputError

    text = "Officials said the bridge would stay closed for repairs. " * 5000  # one line
    raw = Raw(origin="long.txt", format="text", content=text)
    tracemalloc.start()
    try:
        clean_one(raw)
        raise AssertionError("a 285,000-character paragraph was kept")
    except InputError as exc:
        assert "paragraph of 285,000 characters" in exc.reason
        assert tracemalloc.get_traced_memory()[1] < len(text)  # refused without splitting it
    finally:
        tracemalloc.stop()
