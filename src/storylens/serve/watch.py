"""A watched folder: files that appear or change in it are taken in like uploads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


class FolderWatcher:
    def __init__(self, folder: Path, take: Callable[[list[tuple[str, bytes]]], object]) -> None:
        self.folder = folder
        self.take = take
        self._seen: dict[Path, tuple[float, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="storylens-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def scan(self) -> int:
        """Take in new or changed files; the count taken."""
        batch = []
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            stat = path.stat()
            key = (stat.st_mtime, stat.st_size)
            if self._seen.get(path) == key:
                continue
            self._seen[path] = key
            try:
                batch.append((path.name, path.read_bytes()))
            except OSError as exc:
                log.warning("cannot read %s: %s", path, exc)
        if batch:
            self.take(batch)
        return len(batch)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan()
            except OSError as exc:
                log.warning("cannot scan %s: %s", self.folder, exc)
            self._stop.wait(POLL_SECONDS)
