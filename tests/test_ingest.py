"""Bad inputs: each gives a clear message naming the file, and the batch goes on."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from storylens.cli import app
from storylens.config import IngestSettings
from storylens.ingest import read_bytes, read_inputs

GOOD = (
    "Robert Hallam resigned on Tuesday as head of the Northern Rail Authority, three days after "
    "a derailment near Aldbridge injured 42 people."
)


def _failures_by_name(folder: Path, settings: IngestSettings | None = None) -> dict[str, str]:
    _, failures = read_inputs([str(folder)], settings)
    return {Path(f.origin.split(":")[0]).name: f.reason for f in failures}


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(bytes(range(256)) * 20)
    assert "binary data" in _failures_by_name(tmp_path)["photo.txt"]


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    assert "empty" in _failures_by_name(tmp_path)["empty.txt"]


def test_undecodable_bytes(tmp_path: Path) -> None:
    (tmp_path / "mojibake.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 40)
    assert "undecodable" in _failures_by_name(tmp_path)["mojibake.txt"]


def test_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes(("Le café " + GOOD).encode("cp1252"))
    raws, failures = read_inputs([str(tmp_path)])
    assert not failures and raws[0].content.startswith("Le café")


def test_malformed_json_line_fails_alone(tmp_path: Path) -> None:
    good = json.dumps({"text": GOOD, "title": "Rail chief quits"})
    (tmp_path / "feed.jsonl").write_text(f"{good}\n{{not json\n{good}\n", encoding="utf-8")
    raws, failures = read_inputs([str(tmp_path)])
    assert len(raws) == 2
    assert len(failures) == 1 and failures[0].origin.endswith("feed.jsonl:2")
    assert "malformed JSON line" in failures[0].reason


def test_json_without_text_field_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"story": GOOD}), encoding="utf-8")
    assert "--field text=NAME" in _failures_by_name(tmp_path)["a.json"]


def test_field_mapping_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"story": GOOD}), encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", str(tmp_path), "--field", "text=story", "-q"])
    assert result.exit_code == 0, result.output


def test_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_text(GOOD * 100, encoding="utf-8")
    reason = _failures_by_name(tmp_path, IngestSettings(max_bytes=1000))["huge.txt"]
    assert "over the limit of 1,000" in reason and "max_bytes" in reason


def test_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    assert "unknown format" in _failures_by_name(tmp_path)["sheet.xlsx"]


def test_missing_path(tmp_path: Path) -> None:
    _, failures = read_inputs([str(tmp_path / "nope")])
    assert failures[0].reason == "no such file or folder"


def test_gzipped_html_is_read(tmp_path: Path) -> None:
    html = f"<html><body><article><p>{GOOD}</p><p>{GOOD}</p></article></body></html>"
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(html.encode()))
    raws, failures = read_inputs([str(tmp_path)])
    assert not failures and raws[0].format == "html"


def test_stdin_is_sniffed() -> None:
    items = list(
        read_bytes(b"<!DOCTYPE html><html><body><p>x</p></body></html>", "<stdin>", None, IngestSettings())
    )
    assert items[0].format == "html"  # type: ignore[union-attr]


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    for example in EXAMPLES.iterdir():
        shutil.copy(example, tmp_path / example.name)
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "broken.html").write_text(
        "<html><body><div><p></div></span><script>x()</script>", encoding="utf-8"
    )
    (tmp_path / "lines.jsonl").write_text('{"text": "too short"}\n{oops\n', encoding="utf-8")
    return tmp_path


def test_cli_names_each_bad_file_and_briefs_the_rest(mixed_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "brief.html"
    result = CliRunner().invoke(app, ["brief", str(mixed_folder), "-o", str(out)])
    assert result.exit_code == 1
    assert out.exists()
    output = " ".join(result.output.split())  # the terminal view wraps long lines
    for name in ("binary.txt", "empty.md", "broken.html", "lines.jsonl:1", "lines.jsonl:2"):
        assert name in output
    assert "no article text found in the HTML" in output
    assert "Daily Buzz Online is a rewrite of Meridian News Agency" in output
    assert "binary.txt" in out.read_text(encoding="utf-8")


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["brief"]).exit_code == 2
    assert runner.invoke(app, ["brief", str(EXAMPLES), "--field", "bogus"]).exit_code == 2
    bad = tmp_path / "settings.toml"
    bad.write_text("[nosuch]\nx = 1\n", encoding="utf-8")
    assert runner.invoke(app, ["brief", str(EXAMPLES), "--config", str(bad)]).exit_code == 2


# warcio's writer, used only to build the fixture, leaves a spooled temporary file unclosed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_warc_html_responses_become_documents(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = f"<html><body><article><p>{GOOD}</p></article></body></html>".encode()
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, content_type in (
            ("https://a.example/story", "text/html"),
            ("https://a.example/logo.png", "image/png"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(html), http_headers=headers)
            writer.write_record(record)
    raws, failures = read_inputs([str(tmp_path)])
    assert not failures
    assert [(r.format, r.url) for r in raws] == [("html", "https://a.example/story")]


def test_a_file_that_is_not_a_warc_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.warc").write_bytes(b"this is not an archive at all\n" * 5)
    assert "WARC" in _failures_by_name(tmp_path)["bad.warc"]


def test_an_article_that_breaks_annotation_is_reported_and_the_rest_briefed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storylens.annotate as annotate_module
    from storylens.pipeline import brief

    real = annotate_module.find_quantities

    def fragile(article_id: str, text: str):  # type: ignore[no-untyped-def]
        if "Kessing junction on Tuesday" in text:
            raise ValueError("a rule tripped")
        return real(article_id, text)

    monkeypatch.setattr(annotate_module, "find_quantities", fragile)
    result = brief([str(EXAMPLES)])
    assert [f.stage for f in result.failures] == ["annotate"]
    assert "06_aldbridge_gazette_march.md" in result.failures[0].origin
    assert sum(len(b.articles) for b in result.briefings) == 5


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ('[{"text": "A river rose.", "score": NaN}]', "NaN is not a JSON value"),
        ('[{"text": "A river rose \\ud800 overnight."}]', "lone surrogate"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_a_json_file_orjson_would_refuse_is_refused_by_name(
    tmp_path: Path, document: str, reason: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(document, encoding="utf-8")
    raws, failures = read_inputs([str(path)], IngestSettings())
    assert not raws and len(failures) == 1 and reason in failures[0].reason


def test_a_long_json_list_is_parsed_in_bounded_memory() -> None:
    import tracemalloc

    from storylens.ingest.records import read_json

    record = json.dumps({"text": "The river rose by two metres overnight, officials said. " * 8})
    text = "[" + ",".join([record] * 2000) + "]"
    tracemalloc.start()
    try:
        raws = list(read_json(text, "list.json", IngestSettings()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(raws) == 2000
    assert peak <= 4 * len(text)  # orjson held about 14 times the text while parsing this
