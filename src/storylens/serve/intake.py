"""Turning uploads into stored articles: the same ingest and clean stages as `brief`, with
limits for a server and a report of what was stored, what was a duplicate and what failed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from storylens.clean import clean_batch
from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest import KNOWN_SUFFIXES, read_bytes
from storylens.ingest.records import raw_from_record
from storylens.model import Failure, Raw
from storylens.serve.store import Store

MAX_FILES_PER_UPLOAD = 100
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # all files of one request together


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
        """Uploaded files: (name, content) pairs."""
        report = IntakeReport()
        raws: list[Raw] = []
        for name, data in files:
            origin = f"upload:{safe_name(name)}"
            for item in read_bytes(data, origin, suffix_of(safe_name(name)), self.settings.ingest):
                if isinstance(item, Raw):
                    raws.append(item)
                else:
                    report.failures.append(item)
        return self._store(raws, report)

    def records(self, records: list[Any]) -> IntakeReport:
        """JSON articles posted to the API: objects with text and optional metadata."""
        report = IntakeReport()
        raws = []
        for number, record in enumerate(records, start=1):
            try:
                raws.append(raw_from_record(record, f"api:{number}", self.settings.ingest))
            except InputError as exc:
                report.failures.append(Failure(exc.origin, "ingest", exc.reason))
        return self._store(raws, report)

    def _store(self, raws: list[Raw], report: IntakeReport) -> IntakeReport:
        with self._lock:
            articles, failures = clean_batch(raws, self.settings.clean)
            report.failures += failures
            stored, duplicates = self.store.add_articles(articles)
            self.store.add_failures(report.failures)
        report.stored = [a.id for a in stored]
        report.duplicates = [a.origin for a in duplicates]
        return report
