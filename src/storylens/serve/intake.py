"""Turning uploads into stored articles: the same ingest and clean stages as `brief`, with
limits for a server and a report of what was stored, what was a duplicate and what failed."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import orjson

from storylens.clean import clean_batch
from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest import KNOWN_SUFFIXES, read_bytes
from storylens.ingest.records import raw_from_record
from storylens.model import Article, Failure, Raw
from storylens.serve.store import Store

log = logging.getLogger(__name__)

MAX_FILES_PER_UPLOAD = 100
MAX_RECORDS_PER_UPLOAD = 1000
# Formats people drop on the page that storylens does not read: named, so the refusal says what
# the file is rather than what its bytes decoded to (a PDF is not "only 1 words").
REFUSED_SUFFIXES = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".odt": "OpenDocument",
    ".rtf": "RTF",
    ".xls": "spreadsheet",
    ".xlsx": "spreadsheet",
    ".ods": "spreadsheet",
    ".ppt": "presentation",
    ".pptx": "presentation",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".gif": "image",
    ".webp": "image",
    ".zip": "ZIP archive",
    ".tar": "tar archive",
    ".7z": "7-Zip archive",
    ".rar": "RAR archive",
    ".mp3": "audio",
    ".mp4": "video",
    ".mov": "video",
    ".epub": "EPUB",
}
REFUSED_MAGIC = {
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP-based (Word, OpenDocument or ZIP)",
    b"\xd0\xcf\x11\xe0": "old Microsoft Office",
    b"{\\rtf": "RTF",
    b"\x89PNG": "image",
    b"\xff\xd8\xff": "image",
    b"GIF8": "image",
}
READABLE = "plain text, HTML, JSON, JSON lines, CSV or WARC"


@dataclass
class IntakeReport:
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "failures": [{"origin": f.origin, "stage": f.stage, "reason": f.reason} for f in self.failures],
        }


def safe_name(filename: str | None) -> str:
    """The bare file name of an upload, for messages and format detection; never a path used
    on the filesystem (nothing from a request reaches it)."""
    name = PurePath((filename or "upload").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:120] or "upload"


def suffix_of(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(".warc.gz"):
        return ".warc"
    suffix = PurePath(lowered).suffix
    return suffix if suffix in KNOWN_SUFFIXES and suffix != ".gz" else None


class Intake:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lock = threading.Lock()  # one batch is cleaned and stored at a time

    def files(self, files: list[tuple[str, bytes]]) -> IntakeReport:
        """Uploaded files: (name, content) pairs. A file that fails is named with its reason;
        the others are stored all the same."""
        report = IntakeReport()
        raws: list[Raw] = []
        for name, data in files:
            origin = f"upload:{safe_name(name)}"
            refused = refused_format(safe_name(name), data)
            if refused is not None:
                report.failures.append(Failure(origin, "ingest", refused))
                continue
            try:
                items = list(read_bytes(data, origin, suffix_of(safe_name(name)), self.settings.ingest))
            except Exception as exc:  # a reader's bug must not lose the other files
                log.exception("reading %s failed", origin)
                items = [Failure(origin, "ingest", f"could not be read: {type(exc).__name__}: {exc}")]
            for item in items:
                (raws if isinstance(item, Raw) else report.failures).append(item)  # type: ignore[arg-type]
        return self._store(raws, report)

    def records(self, records: list[Any]) -> IntakeReport:
        """JSON articles posted to the API: objects with text and optional metadata."""
        report = IntakeReport()
        raws = []
        limit = self.settings.ingest.max_bytes
        for number, record in enumerate(records, start=1):
            origin = f"api:{number}"
            size = len(orjson.dumps(record))
            if size > limit:
                reason = f"{size:,} bytes, over the per-record limit of {limit:,}"
                report.failures.append(Failure(origin, "ingest", reason))
                continue
            try:
                raws.append(raw_from_record(record, origin, self.settings.ingest))
            except InputError as exc:
                report.failures.append(Failure(exc.origin, "ingest", exc.reason))
            except Exception as exc:
                report.failures.append(Failure(origin, "ingest", f"{type(exc).__name__}: {exc}"))
        return self._store(raws, report)

    def _store(self, raws: list[Raw], report: IntakeReport) -> IntakeReport:
        with self._lock:
            articles = self._clean(raws, report)
            stored, duplicates = self._add(articles, report)
            self.store.add_failures(report.failures)
        report.stored = [a.id for a in stored]
        report.duplicates = [a.origin for a in duplicates]
        return report

    def _clean(self, raws: list[Raw], report: IntakeReport) -> list[Article]:
        """Clean the batch; when cleaning raises, clean one at a time and name the culprits."""
        try:
            articles, failures = clean_batch(raws, self.settings.clean)
            report.failures += failures
            return articles
        except Exception:
            log.exception("cleaning a batch failed; cleaning its documents one at a time")
        articles = []
        for raw in raws:
            try:
                cleaned, failures = clean_batch([raw], self.settings.clean)
            except Exception as exc:
                report.failures.append(Failure(raw.origin, "clean", f"{type(exc).__name__}: {exc}"))
                continue
            articles += cleaned
            report.failures += failures
        return articles

    def _add(self, articles: list[Article], report: IntakeReport) -> tuple[list[Article], list[Article]]:
        try:
            return self.store.add_articles(articles)
        except Exception:
            log.exception("storing a batch failed; storing its articles one at a time")
        stored: list[Article] = []
        duplicates: list[Article] = []
        for article in articles:
            try:
                one_stored, one_duplicate = self.store.add_articles([article])
            except Exception as exc:
                report.failures.append(Failure(article.origin, "store", f"{type(exc).__name__}: {exc}"))
                continue
            stored += one_stored
            duplicates += one_duplicate
        return stored, duplicates


def refused_format(name: str, data: bytes) -> str | None:
    """Why a file in a format storylens does not read is refused, naming the format; else None."""
    kind = REFUSED_SUFFIXES.get(PurePath(name.lower()).suffix)
    if kind is None:
        kind = next((k for magic, k in REFUSED_MAGIC.items() if data.startswith(magic)), None)
    if kind is None:
        return None
    return f"{kind} files are not read: storylens reads {READABLE}; save the article as text or HTML first"
