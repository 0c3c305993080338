"""Reading with a byte limit that holds while reading, not after.

A 4 MB gzip file can expand to gigabytes and a JSON-lines file can hold one line of any length:
checking the size once everything is in memory is too late. Every read here counts the bytes
as they come and stops one chunk past the limit, so memory stays a small multiple of it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from storylens.errors import InputError

CHUNK = 1 << 16  # bytes per read: large enough to be fast, small enough to overshoot little
RAISE_LIMIT = "raise --max-bytes (or [ingest] max_bytes) to read it"


class OverLimit(InputError):
    """An input that grows past the byte limit while it is read."""


def read_capped(stream: Readable, limit: int, origin: str, what: str = "the content") -> bytes:
    """Everything `stream` holds, or InputError as soon as it passes `limit` bytes."""
    buffer = bytearray()
    while chunk := stream.read(min(CHUNK, limit + 1 - len(buffer))):
        buffer += chunk
        if len(buffer) > limit:
            raise OverLimit(origin, f"{what} expands past the limit of {limit:,} bytes; {RAISE_LIMIT}")
    return bytes(buffer)


def gunzip_capped(data: bytes, limit: int, origin: str) -> bytes:
    """The content of gzip `data` (every member), decompressed a chunk at a time up to `limit`."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return read_capped(stream, limit, origin, "the gzip file")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(origin, f"not a readable gzip file ({exc})") from exc


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def inflate_capped(stream: Readable, limit: int, origin: str, what: str = "the content") -> bytes:
    """`stream` holding gzip, zlib or raw deflate data, inflated a chunk at a time to at most
    `limit` bytes (HTTP's `Content-Encoding: deflate` is zlib or raw deflate, depending on the
    server). zlib's `max_length` keeps every step bounded: a 16 KiB block of zeros alone would
    otherwise inflate to 16 MiB."""
    head = stream.read(CHUNK)
    try:
        return _inflate(head, stream, zlib.MAX_WBITS | 32, limit, origin, what)  # gzip or zlib header
    except zlib.error:
        return _inflate(head, stream, -zlib.MAX_WBITS, limit, origin, what)  # raw deflate


def _inflate(head: bytes, stream: Readable, wbits: int, limit: int, origin: str, what: str) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = bytearray()
    data = head
    while data and not decompressor.eof:
        out += decompressor.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            raise OverLimit(origin, f"{what} expands past the limit of {limit:,} bytes; {RAISE_LIMIT}")
        data = decompressor.unconsumed_tail or stream.read(CHUNK)
    return bytes(out)


@dataclass(frozen=True)
class LongLine:
    """A line over the limit: only its length is known; its bytes were read and dropped."""

    length: int


def bounded_lines(stream: Readable, limit: int) -> Iterator[bytes | LongLine]:
    """The lines of `stream` (newline kept), none held longer than `limit` bytes: a longer line
    is read through in chunks and given as its length."""
    while line := stream.readline(limit + 1):
        if len(line) - line.endswith(b"\n") <= limit:
            yield line
            continue
        length = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(CHUNK)):
            length += len(line)
        yield LongLine(length)


__all__ = [
    "CHUNK",
    "LongLine",
    "OverLimit",
    "bounded_lines",
    "gunzip_capped",
    "inflate_capped",
    "read_capped",
]
