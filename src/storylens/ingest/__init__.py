"""Ingest: files, folders and stdin to `Raw` documents, each with its origin.

Formats are chosen by extension: .txt/.md/.text (plain text), .html/.htm, .json/.jsonl,
.warc/.warc.gz. Anything that cannot be read becomes a `Failure` naming the file and the reason;
the other inputs go on.
"""

from __future__ import annotations

import gzip
import logging
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from storylens.config import IngestSettings
from storylens.errors import InputError
from storylens.ingest.decode import decode
from storylens.ingest.records import json_line, read_json, read_json_lines
from storylens.ingest.warc import read_warc
from storylens.model import Failure, Raw

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl", ".ndjson", ".warc", ".gz"}
JSON_LINES = {".jsonl", ".ndjson"}
STDIN = "-"


def read_inputs(
    paths: Iterable[str], settings: IngestSettings | None = None
) -> tuple[list[Raw], list[Failure]]:
    """Every document under `paths` (files, folders searched recursively, or "-" for stdin)."""
    settings = settings or IngestSettings()
    raws: list[Raw] = []
    failures: list[Failure] = []
    for item in iter_documents(paths, settings):
        if isinstance(item, Raw):
            raws.append(item)
        else:
            failures.append(item)
    return raws, failures


def iter_documents(paths: Iterable[str], settings: IngestSettings) -> Iterator[Raw | Failure]:
    for path in paths:
        if path == STDIN:
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", None, settings)
            continue
        yield from _read_path(Path(path), settings)


def _read_path(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if not files:
            yield Failure(str(path), "ingest", "the folder holds no files")
        for file in files:
            yield from _read_file(file, settings)
    elif path.exists():
        yield from _read_file(path, settings)
    else:
        yield Failure(str(path), "ingest", "no such file or folder")


def _read_file(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    origin = str(path)
    if is_json_lines(path.name):
        yield from stream_json_lines(path, settings)
        return
    unknown = _unknown_format(path.name, origin)
    if unknown:
        yield unknown
        return
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise InputError(origin, too_large(size, settings))
        data = path.read_bytes()
    except InputError as exc:
        yield Failure(exc.origin, "ingest", exc.reason)
        return
    except OSError as exc:
        yield Failure(origin, "ingest", f"cannot read the file ({exc.strerror or exc})")
        return
    yield from read_file_content(data, origin, path.name, settings)


def is_json_lines(name: str) -> bool:
    """A JSON-lines file, gzipped or not: read line by line, whatever its size."""
    suffix = _suffix(Path(name))
    return suffix in JSON_LINES or (suffix == ".gz" and Path(Path(name).stem).suffix.lower() in JSON_LINES)


def too_large(size: int, settings: IngestSettings) -> str:
    return (
        f"the file is {size:,} bytes, over the limit of "
        f"{settings.max_bytes:,}; raise [ingest] max_bytes to read it"
    )


def read_file_content(
    data: bytes, origin: str, name: str, settings: IngestSettings
) -> Iterator[Raw | Failure]:
    """The documents in the bytes of a file called `name`, its format told by its name (the Spark
    engine reads files through Hadoop and hands their bytes here)."""
    unknown = _unknown_format(name, origin)
    if unknown:
        yield unknown
        return
    inner: str | None = _suffix(Path(name))
    if inner == ".gz":
        data, inner = _gunzip(data, Path(name))
        if not data:
            yield Failure(origin, "ingest", "not a readable gzip file, or one holding nothing")
            return
    yield from read_bytes(data, origin, inner, settings)


def _unknown_format(name: str, origin: str) -> Failure | None:
    suffix = _suffix(Path(name))
    if suffix in KNOWN_SUFFIXES:
        return None
    return Failure(
        origin,
        "ingest",
        f"unknown format '{suffix or name}'; storylens reads "
        ".txt, .md, .html, .htm, .json, .jsonl, .warc and .warc.gz",
    )


def stream_json_lines(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    """A JSON-lines file (gzipped or not) read line by line, so that its size is not limited,
    only each line's."""
    origin = str(path)
    try:
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield json_line(line, f"{origin}:{number}", settings)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(origin, "ingest", f"cannot read the file further ({exc})")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return ".warc"
    return path.suffix.lower()


def _gunzip(data: bytes, path: Path) -> tuple[bytes, str | None]:
    """The content of a gzipped file and its inner suffix (None: sniff it)."""
    try:
        content = gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return b"", None
    inner = Path(path.stem).suffix.lower()
    return content, inner if inner in KNOWN_SUFFIXES else None


def read_bytes(
    data: bytes, origin: str, suffix: str | None, settings: IngestSettings
) -> Iterator[Raw | Failure]:
    """Documents in `data`; `suffix` None means sniff the format from the content (stdin)."""
    if len(data) > settings.max_bytes:
        yield Failure(origin, "ingest", f"{len(data):,} bytes, over the limit of {settings.max_bytes:,}")
        return
    if suffix == ".warc" or (suffix is None and data[:4] == b"WARC"):
        yield from read_warc(data, origin)
        return
    try:
        text = decode(data, origin)
    except InputError as exc:
        yield Failure(exc.origin, "ingest", exc.reason)
        return
    yield from _read_text(text, origin, suffix or _sniff(text), settings)


def _sniff(text: str) -> str:
    head = text.lstrip()[:200].lower()
    if head.startswith("{") or head.startswith("["):
        return ".jsonl" if head.startswith("{") and "\n{" in text else ".json"
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in text[:5000].lower():
        return ".html"
    return ".txt"


def _read_text(text: str, origin: str, suffix: str, settings: IngestSettings) -> Iterator[Raw | Failure]:
    if suffix == ".json":
        yield from read_json(text, origin, settings)
    elif suffix in {".jsonl", ".ndjson"}:
        yield from read_json_lines(text, origin, settings)
    elif suffix in HTML_SUFFIXES:
        yield Raw(origin=origin, format="html", content=text)
    else:
        yield Raw(origin=origin, format="text", content=text)


__all__ = [
    "is_json_lines",
    "iter_documents",
    "read_bytes",
    "read_file_content",
    "read_inputs",
    "too_large",
]
