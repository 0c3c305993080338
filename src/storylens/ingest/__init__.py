"""Ingest: files, folders and stdin to `Raw` documents, each with its origin.

Formats are chosen by extension: .txt/.md/.text (plain text), .html/.htm, .json/.jsonl,
.warc/.warc.gz. Anything that cannot be read becomes a `Failure` naming the file and the reason;
the other inputs go on.
"""

from __future__ import annotations

import errno
import gzip
import logging
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from storylens.config import IngestSettings
from storylens.errors import InputError
from storylens.ingest.decode import decode
from storylens.ingest.limits import RAISE_LIMIT, LongLine, bounded_lines, gunzip_capped, read_capped
from storylens.ingest.records import json_line, read_json, read_json_lines
from storylens.ingest.warc import read_warc
from storylens.model import Failure, Raw
from storylens.sanitize import one_line, path_text, safe_raw

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl", ".ndjson", ".warc", ".gz"}
JSON_LINES = {".jsonl", ".ndjson"}
STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"


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
            yield from _guarded(_read_stdin(settings), "<stdin>")
            continue
        yield from _read_path(Path(path), settings)


def _read_stdin(settings: IngestSettings) -> Iterator[Raw | Failure]:
    data = read_capped(sys.stdin.buffer, settings.max_bytes, "<stdin>", "standard input")
    yield from _read_bytes(data, "<stdin>", None, settings)


def _read_path(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    origin = path_text(str(path))
    if path.is_dir():
        found = False
        for item in walk(path):
            if isinstance(item, Failure):
                yield item
                continue
            found = True
            yield from _guarded(_read_file(item, settings), path_text(str(item)))
        if not found:
            yield Failure(origin, "ingest", "the folder holds no files")
    elif path.exists():
        yield from _guarded(_read_file(path, settings), origin)
    else:
        yield Failure(origin, "ingest", _missing_reason(path))


def walk(folder: Path) -> Iterator[Path | Failure]:
    """The files under `folder` in path order (hidden ones left out), following links, each
    folder read once: a link loop, a link to nothing or something that is not a file is a
    Failure saying it was skipped and why."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        directory = pending.pop()
        for entry in _entries(directory, seen):
            if isinstance(entry, Failure):
                yield entry
            elif entry.is_dir():
                pending.append(entry)
            else:
                files.append(entry)
    yield from sorted(files, key=str)


def _entries(directory: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Failure]:
    """The visible entries of one folder that are files or folders; the rest as Failures."""
    origin = path_text(str(directory))
    try:
        status = directory.stat()
        if (status.st_dev, status.st_ino) in seen:
            yield Failure(origin, "ingest", "skipped: a link loop (this folder is already being read)")
            return
        seen.add((status.st_dev, status.st_ino))
        names = sorted(os.listdir(directory))
    except OSError as exc:
        yield Failure(origin, "ingest", f"skipped: cannot list the folder ({exc.strerror or exc})")
        return
    for name in names:
        if name.startswith("."):
            continue
        entry = directory / name
        try:
            mode = entry.stat().st_mode
        except OSError as exc:
            yield Failure(path_text(str(entry)), "ingest", _missing_reason(entry, exc))
            continue
        if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
            yield entry
        else:
            reason = "skipped: not a regular file (a pipe, socket or device)"
            yield Failure(path_text(str(entry)), "ingest", reason)


def _missing_reason(path: Path, error: OSError | None = None) -> str:
    if path.is_symlink():
        if error is not None and error.errno == errno.ELOOP:
            return "skipped: a link loop (the link leads back to itself)"
        return f"skipped: a link to nothing ({path_text(os.readlink(path))} does not exist)"
    if error is not None:
        return f"skipped: cannot read it ({error.strerror or error})"
    return "no such file or folder"


def _guarded(items: Iterator[Raw | Failure], origin: str) -> Iterator[Raw | Failure]:
    """The documents of one input, made safe; an error while reading it becomes its Failure, and
    the documents read before the error are kept."""
    try:
        for item in items:
            yield safe_raw(item) if isinstance(item, Raw) else item
    except InputError as exc:
        yield Failure(exc.origin, "ingest", exc.reason)
    except Exception as exc:  # a reader tripping on one odd input must not stop the batch
        log.debug("reading %s failed", origin, exc_info=True)
        yield Failure(origin, "ingest", f"cannot read this input ({one_line(exc)})")


def _read_file(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    origin = path_text(str(path))
    suffix = _suffix(path)
    if suffix in JSON_LINES:
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
        with path.open("rb") as handle:  # the file may have grown since it was measured
            data = read_capped(handle, settings.max_bytes, origin, "the file")
    except InputError as exc:
        yield Failure(exc.origin, "ingest", exc.reason)
        return
    except OSError as exc:
        yield Failure(origin, "ingest", f"cannot read the file ({exc.strerror or exc})")
        return
    yield from _read_bytes(data, origin, suffix, settings)  # guarded by the caller


def is_json_lines(name: str) -> bool:
    """A JSON-lines file, gzipped or not: read line by line, whatever its size."""
    return _suffix(Path(name)) in JSON_LINES


def too_large(size: int, settings: IngestSettings) -> str:
    return f"the file is {size:,} bytes, over the limit of {settings.max_bytes:,}; {RAISE_LIMIT}"


def read_file_content(
    data: bytes, origin: str, name: str, settings: IngestSettings
) -> Iterator[Raw | Failure]:
    """The documents in the bytes of a file called `name`, its format told by its name (the Spark
    engine reads files through Hadoop and hands their bytes here). Never raises."""
    unknown = _unknown_format(name, origin)
    if unknown:
        yield unknown
        return
    yield from read_bytes(data, origin, _suffix(Path(name)), settings)


def _unknown_format(name: str, origin: str) -> Failure | None:
    suffix = _suffix(Path(name))
    if suffix.removesuffix(".gz") in KNOWN_SUFFIXES or suffix == ".gz":
        return None
    return Failure(
        origin,
        "ingest",
        f"unknown format '{suffix or name}'; storylens reads "
        ".txt, .md, .html, .htm, .json, .jsonl, .warc and .warc.gz (each also gzipped)",
    )


def stream_json_lines(path: Path, settings: IngestSettings) -> Iterator[Raw | Failure]:
    """A JSON-lines file (gzipped or not) read line by line, so that its size is not limited,
    only each line's; a longer line is read through in chunks and refused, never held whole."""
    origin = path_text(str(path))
    found = 0
    try:
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as handle:
            for number, line in enumerate(bounded_lines(handle, settings.max_bytes), start=1):
                where = f"{origin}:{number}"
                if isinstance(line, LongLine):
                    found += 1
                    yield Failure(where, "ingest", _long_line(line.length, settings.max_bytes))
                elif line.strip():
                    found += 1
                    yield json_line(line, where, settings)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(origin, "ingest", f"cannot read the file further ({exc})")
        return
    if not found:
        yield Failure(origin, "ingest", "the file is empty: no JSON lines in it")


def _long_line(length: int, limit: int) -> str:
    return f"the line is {length:,} bytes, over the limit of {limit:,}; {RAISE_LIMIT}"


def _suffix(path: Path) -> str:
    """The format's suffix, looking through .gz: "a.warc.gz" -> ".warc.gz", "a.txt.gz" ->
    ".txt.gz", "a.jsonl.gz" -> ".jsonl"; a bare "a.gz" stays ".gz" (its content is sniffed)."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix != ".gz":
        return suffix
    inner = Path(name[: -len(".gz")]).suffix
    if inner in JSON_LINES:
        return inner
    return inner + ".gz" if inner in KNOWN_SUFFIXES else ".gz"


def read_bytes(
    data: bytes, origin: str, suffix: str | None, settings: IngestSettings
) -> Iterator[Raw | Failure]:
    """Documents in `data`; `suffix` None means sniff the format from the content (stdin). Never
    raises: whatever goes wrong is a Failure naming `origin`."""
    yield from _guarded(_read_bytes(data, origin, suffix, settings), origin)


def _read_bytes(
    data: bytes, origin: str, suffix: str | None, settings: IngestSettings
) -> Iterator[Raw | Failure]:
    if len(data) > settings.max_bytes:
        yield Failure(origin, "ingest", f"{len(data):,} bytes, over the limit of {settings.max_bytes:,}")
        return
    if data[:2] == GZIP_MAGIC:  # whatever the name says (web uploads of .warc.gz say .warc)
        data = gunzip_capped(data, settings.max_bytes, origin)
    suffix = suffix.removesuffix(".gz") or None if suffix else None
    if suffix == ".warc" or (suffix is None and data[:4] == b"WARC"):
        yield from read_warc(data, origin, settings.max_bytes)
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
    "walk",
]
