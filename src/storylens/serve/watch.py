"""A watched folder: files that appear or change in it are taken in like uploads.

Only files inside the folder are read: a link that points out of it (to /etc/passwd, to a
user's home) is skipped with a warning, and linked folders are never entered."""

from __future__ import annotations

import logging
import os
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
        self._warned: set[Path] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="storylens-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def scan(self) -> int:
        """Take in new or changed files; the count taken."""
        batch = []
        for path in self.files():
            stat = path.stat()
            key = (stat.st_mtime, stat.st_size)
            if self._seen.get(path) == key:
                continue
            self._seen[path] = key
            try:
                batch.append((path.name, _read_no_link(path)))
            except OSError as exc:
                log.warning("cannot read %s: %s", path, exc)
        if batch:
            self.take(batch)
        return len(batch)

    def files(self) -> list[Path]:
        """Visible regular files under the folder, links into it resolved, links out skipped."""
        root = self.folder.resolve()
        found = []
        for directory, folders, names in os.walk(root, followlinks=False):
            folders[:] = [f for f in folders if not f.startswith(".")]
            for name in names:
                path = Path(directory, name)
                if name.startswith("."):
                    continue
                target = path.resolve()
                if not target.is_relative_to(root):
                    self._warn_once(path, f"skipped {path}: a link to {target}, outside the watched folder")
                elif target.is_file():
                    found.append(target)
        return sorted(set(found))

    def _warn_once(self, path: Path, message: str) -> None:
        if path not in self._warned:
            self._warned.add(path)
            log.warning(message)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan()
            except OSError as exc:
                log.warning("cannot scan %s: %s", self.folder, exc)
            self._stop.wait(POLL_SECONDS)


def _read_no_link(path: Path) -> bytes:
    """The file's bytes; refused if it was swapped for a link since it was checked."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read()
