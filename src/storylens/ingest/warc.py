"""WARC archives (plain, or gzipped and inflated by the caller): every HTML response record
becomes one document.

Record payloads may themselves be compressed (`Content-Encoding: gzip` or `deflate`); they are
inflated a chunk at a time against the archive's byte budget, so a small archive cannot expand
into gigabytes. A record that cannot be used fails alone; a break in the archive ends it with a
failure naming the record where it broke.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from storylens.errors import InputError
from storylens.ingest.decode import decode
from storylens.ingest.limits import OverLimit, inflate_capped, read_capped
from storylens.model import Failure, Raw
from storylens.sanitize import one_line

log = logging.getLogger(__name__)


class _Loader(ArcWarcRecordLoader):
    """warcio's loader, except that a record without WARC-Target-URI has no HTTP headers parsed
    (warcio calls `None.startswith` on it) instead of ending the whole archive."""

    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: int) -> Any:
        return super().load_http_headers(rec_type, uri or "", stream, length)


def read_warc(data: bytes, origin: str, limit: int) -> Iterator[Raw | Failure]:
    """Documents of an uncompressed WARC archive; payloads together decode to at most `limit`."""
    found = number = 0
    budget = limit
    records = ArchiveIterator(io.BytesIO(data))
    records.loader = _Loader()
    # warcio writes this warning (with raw bytes of the input) straight to stderr; what it means
    # for the user is said by the record's failure, if the record cannot be read.
    records.INC_RECORD = ""
    try:
        for number, record in enumerate(records, start=1):
            if not _is_html_response(record):
                continue
            found += 1
            try:
                item = _document(record, f"{origin}#{number}", budget)
            except OverLimit as exc:
                yield Failure(exc.origin, "ingest", f"{exc.reason}; the rest of the archive is not read")
                return
            if isinstance(item, Raw):
                budget -= len(item.content)
            yield item
    except ArchiveLoadFailed as exc:
        yield Failure(origin, "ingest", f"not a readable WARC archive ({exc})")
        return
    except Exception as exc:  # warcio trips on malformed records; what came before is kept
        log.debug("WARC %s broke at record %d", origin, number + 1, exc_info=True)
        yield Failure(origin, "ingest", f"the WARC archive breaks at record {number + 1} ({one_line(exc)})")
        return
    if found == 0:
        yield Failure(origin, "ingest", "the WARC archive holds no HTML responses")


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response":
        return False
    if record.http_headers is None:
        # warcio parses HTTP headers only for http(s) addresses; a response with none is a page
        # whose address was lost, and it is reported rather than silently dropped.
        return record.rec_headers.get_header("WARC-Target-URI") is None
    return "html" in (record.http_headers.get_header("Content-Type") or "")


def _payload(record: Any, limit: int, where: str) -> bytes:
    """The record's page: de-chunked, and inflated when the server compressed it, by our own
    bounded reads (warcio's decompressing reader inflates a whole block at a time, unbounded)."""
    headers = record.http_headers
    stream = record.raw_stream
    if headers.get_header("Transfer-Encoding", "").lower() == "chunked":
        stream = ChunkedDataReader(stream)
    encoding = headers.get_header("Content-Encoding", "").lower().strip()
    what = "the archive's pages"
    if encoding in {"gzip", "x-gzip", "deflate"}:
        return inflate_capped(stream, limit, where, what)
    if encoding not in {"", "identity"}:
        raise InputError(where, f"a page compressed as {encoding!r}, which storylens does not read")
    return read_capped(stream, limit, where, what)


def _document(record: Any, where: str, budget: int) -> Raw | Failure:
    url = record.rec_headers.get_header("WARC-Target-URI")
    if url is None:
        reason = "a response record without WARC-Target-URI (the page address); skipped"
        return Failure(where, "ingest", reason)
    try:
        payload = _payload(record, max(budget, 0), where)
        html = decode(payload, where)
    except OverLimit:
        raise
    except InputError as exc:
        return Failure(exc.origin, "ingest", exc.reason)
    except Exception as exc:  # a corrupt compressed payload, a broken chunked encoding
        return Failure(where, "ingest", f"cannot read the record's content ({one_line(exc)})")
    return Raw(
        origin=where,
        format="html",
        content=html,
        url=url,
        published=record.rec_headers.get_header("WARC-Date"),
    )
