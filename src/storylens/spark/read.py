"""Inputs on any path Spark reads (local, HDFS, object stores through the user's Hadoop settings)
as an RDD of documents, each keyed by its place in the input.

Files are listed through Hadoop's file system API on the driver, in the order `storylens cluster`
reads them (paths as given, each folder's files sorted by path). JSON-lines files are split by line
across tasks, so one large file is read by many executors; Parquet files by row groups; any other
file (text, HTML, JSON, WARC, gzipped) is one record of `binaryFiles` and goes through the same
reader as on one machine. Origins are written as the local engine writes them: the path as given,
then the file's path inside a given folder, then `:line` or `#record`.

Limits: file names are handed to Hadoop as paths, so a name holding a comma or a glob character
(`*?[]{}`) is misread; Hadoop also ends a line at a lone carriage return, which the local reader
keeps inside the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from storylens.config import IngestSettings
from storylens.errors import InputError
from storylens.ingest import is_json_lines, read_file_content, too_large
from storylens.ingest.records import json_line, raw_from_record
from storylens.model import Failure, Raw

# A document's place in the input: the file's rank, then the line or record inside it. Files of
# one run stay far below 2**24 and records per file below 2**39.
RECORD_BITS = 39
PARQUET = ".parquet"

Document = Raw | Failure
Keyed = tuple[int, Document]


@dataclass(frozen=True)
class InputFile:
    uri: str  # what Hadoop calls it
    origin: str  # what the user calls it
    size: int
    rank: int

    def key(self, record: int) -> int:
        return (self.rank << RECORD_BITS) | record


def read_documents(spark: Any, paths: list[str], settings: IngestSettings) -> Any:
    """RDD of (key, Raw or Failure) for every document under `paths`; keys sort in input order."""
    files, failures = list_inputs(spark, paths)
    sc = spark.sparkContext
    parts = [sc.parallelize([(rank << RECORD_BITS, failure) for rank, failure in failures], 1)]
    lines = [f for f in files if is_json_lines(f.origin)]
    tables = [f for f in files if f.origin.lower().endswith(PARQUET)]
    whole = [f for f in files if f not in lines and f not in tables]
    parts += [_json_lines(sc, file, settings) for file in lines]
    parts += [_parquet(spark, file, settings) for file in tables]
    if whole:
        parts.append(_whole_files(sc, whole, settings))
    return sc.union(parts)


def list_inputs(spark: Any, paths: list[str]) -> tuple[list[InputFile], list[tuple[int, Failure]]]:
    """The files under `paths`, and a Failure (with its rank) for each path that gives none."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    files: list[InputFile] = []
    failures: list[tuple[int, Failure]] = []
    for given in paths:
        rank = len(files) + len(failures)
        found, failure = _list_path(jvm, conf, given)
        if failure is not None:
            failures.append((rank, failure))
        for uri, origin, size in found:
            files.append(InputFile(uri, origin, size, len(files) + len(failures)))
    return files, failures


def _list_path(jvm: Any, conf: Any, given: str) -> tuple[list[tuple[str, str, int]], Failure | None]:
    path = jvm.org.apache.hadoop.fs.Path(given)
    fs = path.getFileSystem(conf)
    if not fs.exists(path):
        return [], Failure(given, "ingest", "no such file or folder")
    status = fs.getFileStatus(path)
    if not status.isDirectory():
        return [(status.getPath().toString(), given, status.getLen())], None
    root = status.getPath().toString().rstrip("/")
    found = []
    listing = fs.listFiles(path, True)
    while listing.hasNext():
        item = listing.next()
        uri = item.getPath().toString()
        inside = uri[len(root) :].lstrip("/")
        if any(part.startswith((".", "_")) for part in inside.split("/")):
            continue  # hidden files, and Hadoop's _SUCCESS markers
        found.append((uri, _joined(given, inside), item.getLen()))
    if not found:
        return [], Failure(given, "ingest", "the folder holds no files")
    return sorted(found, key=lambda item: item[1]), None


def _joined(given: str, inside: str) -> str:
    """A file in a folder named as the local engine names it (Path(folder) / file)."""
    if "://" in given:
        return given.rstrip("/") + "/" + inside
    return str(PurePosixPath(given) / inside)


def _json_lines(sc: Any, file: InputFile, settings: IngestSettings) -> Any:
    def parse(item: tuple[bytes, int]) -> Iterator[Keyed]:
        line, index = item
        if line.strip():
            yield file.key(index + 1), json_line(line, f"{file.origin}:{index + 1}", settings)

    return sc.textFile(file.uri, use_unicode=False).zipWithIndex().flatMap(parse)


def _parquet(spark: Any, file: InputFile, settings: IngestSettings) -> Any:
    def parse(item: tuple[Any, int]) -> Keyed:
        row, index = item
        origin = f"{file.origin}#{index + 1}"
        try:
            return file.key(index + 1), raw_from_record(row.asDict(recursive=True), origin, settings)
        except InputError as exc:
            return file.key(index + 1), Failure(exc.origin, "ingest", exc.reason)

    return spark.read.parquet(file.uri).rdd.zipWithIndex().map(parse)


def _whole_files(sc: Any, files: list[InputFile], settings: IngestSettings) -> Any:
    """Files read whole, each through the local reader; files over the size limit are not read."""
    readable = {f.uri: f for f in files if f.size <= settings.max_bytes}
    too_big = [
        (f.key(0), Failure(f.origin, "ingest", too_large(f.size, settings)))
        for f in files
        if f.uri not in readable
    ]

    def parse(item: tuple[str, bytes]) -> Iterator[Keyed]:
        file = readable[item[0]]
        for number, document in enumerate(read_file_content(item[1], file.origin, file.origin, settings)):
            yield file.key(number), document

    parts = [sc.parallelize(too_big, 1)]
    if readable:
        parts.append(sc.binaryFiles(",".join(readable)).flatMap(parse))
    return sc.union(parts)
