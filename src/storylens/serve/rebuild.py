"""Rebuilding briefings in the background after new articles arrive.

One worker thread hands each rebuild to one worker process (the pipeline is CPU-bound Python;
in the server's own process it would hold the interpreter lock and stall every request).
Requests that come while a rebuild runs are folded into one more run, so a burst of uploads
costs at most two rebuilds. Every story is rebuilt from all stored articles: stories can merge
or split when an article arrives, so no story is safe to keep as it was.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from multiprocessing.queues import Queue
from typing import Any

from storylens.config import Settings
from storylens.model import Article, BriefingSet
from storylens.pipeline import brief_articles
from storylens.serve.store import Store

log = logging.getLogger(__name__)


class Rebuilder:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self.last_error: str | None = None
        self.last_built: float | None = None
        self._worker = _Worker()
        self._thread = threading.Thread(target=self._run, name="storylens-rebuild", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._wanted.is_set() or not self._idle.is_set()

    def request(self) -> None:
        self._idle.clear()
        self._wanted.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no rebuild is pending or running (tests and the CLI use it)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.running:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        self._worker.stop()  # ends a rebuild in progress at once
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            self._rebuild_once()
            if not self._wanted.is_set():
                self._idle.set()

    def _rebuild_once(self) -> None:
        try:
            result = self._worker.run(self.store.articles(), self.settings)
            if result is None:
                return  # stopped
            self.store.replace_briefings(result.briefings)
            self.store.add_failures(result.failures)
            self.last_error = None
            self.last_built = time.time()
        except Exception as exc:  # keep serving the previous briefings
            log.exception("rebuild failed")
            self.last_error = repr(exc)


class _Worker:
    """One long-lived process that runs the pipeline; spawned (a fresh interpreter, never a fork
    of the threaded server) and terminated on stop, even in the middle of a rebuild."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._jobs: Queue[Any] = context.Queue()
        self._results: Queue[Any] = context.Queue()
        self._process = context.Process(target=_serve_jobs, args=(self._jobs, self._results), daemon=True)
        self._process.start()

    def run(self, articles: list[Article], settings: Settings) -> BriefingSet | None:
        self._jobs.put((articles, settings))
        while self._process.is_alive():
            try:
                outcome = self._results.get(timeout=0.5)
            except Exception:  # queue.Empty: still working
                continue
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        return None

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(timeout=5)


def _serve_jobs(jobs: Queue[Any], results: Queue[Any]) -> None:
    while True:
        articles, settings = jobs.get()
        try:
            results.put(brief_articles(articles, settings))
        except Exception as exc:
            results.put(exc)
