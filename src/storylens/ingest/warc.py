"""WARC archives (plain or gzipped): every HTML response record becomes one document."""

from __future__ import annotations

import io
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storylens.errors import InputError
from storylens.ingest.decode import decode
from storylens.model import Failure, Raw


def read_warc(data: bytes, origin: str) -> Iterator[Raw | Failure]:
    found = 0
    try:
        for number, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{origin}#{number}"
            found += 1
            try:
                html = decode(record.content_stream().read(), where)
            except InputError as exc:
                yield Failure(exc.origin, "ingest", exc.reason)
                continue
            yield Raw(
                origin=where,
                format="html",
                content=html,
                url=url,
                published=record.rec_headers.get_header("WARC-Date"),
            )
    except ArchiveLoadFailed as exc:
        yield Failure(origin, "ingest", f"not a readable WARC archive ({exc})")
        return
    if found == 0:
        yield Failure(origin, "ingest", "the WARC archive holds no HTML responses")
