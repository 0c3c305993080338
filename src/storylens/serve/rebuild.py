"""Rebuilding briefings in the background after new articles arrive.

One worker thread hands each rebuild to one worker process (the pipeline is CPU-bound Python;
in the server's own process it would hold the interpreter lock and stall every request).
Requests that come while a rebuild runs are folded into one more run, so a burst of uploads
costs at most two rebuilds. Every story is rebuilt from all stored articles: stories can merge
or split when an article arrives, so no story is safe to keep as it was.

Whatever the pipeline does (raises, crashes its process, hangs on one article), the next
rebuild goes on: when a rebuild fails, the articles that are new since the last good one are
briefed one at a time, and those that fail alone are quarantined (kept, marked failed with the
reason, left out of rebuilds until deleted). The worker process dies with the server, even
when the server is killed with SIGKILL: it watches its parent.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from storylens.config import Settings
from storylens.model import Article, BriefingSet
from storylens.pipeline import brief_articles
from storylens.serve.store import Store

log = logging.getLogger(__name__)

# One article alone briefs in well under a second on the bundled examples; a minute is ample
# for a long one and stops one pathological article from holding the rebuild for ever.
ISOLATED_SECONDS = 120.0
PARENT_POLL_SECONDS = 0.5

# Articles -> briefings; a module-level function, since the spawned worker imports it by name.
BriefFunction = Callable[[list[Article], Settings], BriefingSet]


class WorkerFailed(Exception):
    """The pipeline raised, its process died, or it ran out of time."""


class _Stopped(Exception):
    """The server is shutting down."""


class Rebuilder:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        isolated_seconds: float = ISOLATED_SECONDS,
        brief: BriefFunction = brief_articles,
    ) -> None:
        self.store = store
        self.settings = settings
        self.isolated_seconds = isolated_seconds
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self.last_error: str | None = None
        self.last_built: float | None = None
        self._worker = _Worker(brief)
        self._thread = threading.Thread(target=self._run, name="storylens-rebuild", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._wanted.is_set() or not self._idle.is_set()

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid

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
            self._rebuild()
            self.last_error = None
            self.last_built = time.time()
        except _Stopped:
            return
        except Exception as exc:  # keep serving the previous briefings; the next rebuild tries again
            log.exception("rebuild failed")
            self.last_error = f"{type(exc).__name__}: {exc}"

    def _rebuild(self) -> None:
        articles = self.store.active_articles()
        try:
            result = self._brief(articles)
        except WorkerFailed as failure:
            self._brief([])  # raises when the pipeline fails on nothing at all: not the articles' fault
            log.warning("rebuild failed (%s); briefing the new articles one at a time", failure)
            before = set(self.store.quarantined())
            try:
                articles, result = self._rebuild_without_poison(self._suspects(articles))
            except WorkerFailed:
                # Even the articles that were good before fail: the fault is elsewhere, so the
                # marks made in this rebuild are taken back and the error shown.
                self.store.unquarantine(set(self.store.quarantined()) - before)
                raise
        self._keep(result, articles)

    def _rebuild_without_poison(self, suspects: list[Article]) -> tuple[list[Article], BriefingSet]:
        self._quarantine_failing(suspects)
        articles = self.store.active_articles()
        try:
            return articles, self._brief(articles)
        except WorkerFailed as again:
            # Each new article briefs alone but not together: set them all aside, so that the
            # stories that were good before come back.
            quarantined = self.store.quarantined()
            reason = f"the rebuild failed with it among the new articles ({again}); alone it briefs"
            self.store.quarantine({a.id: reason for a in suspects if a.id not in quarantined})
            articles = self.store.active_articles()
            return articles, self._brief(articles)

    def _brief(self, articles: list[Article], timeout: float | None = None) -> BriefingSet:
        if self._stop.is_set():
            raise _Stopped
        return self._worker.run(articles, self.settings, timeout, self._stop)

    def _suspects(self, articles: list[Article]) -> list[Article]:
        """The articles new since the last good rebuild, or all of them when none is new."""
        briefed = {i for b in self.store.briefings() for i in b.story.article_ids}
        new = [a for a in articles if a.id not in briefed]
        return new or articles

    def _quarantine_failing(self, suspects: list[Article]) -> None:
        for article in suspects:
            try:
                alone = self._brief([article], self.isolated_seconds)
            except WorkerFailed as exc:
                self.store.quarantine({article.id: f"briefing it failed: {exc}"})
                continue
            if not any(article.id in b.story.article_ids for b in alone.briefings):
                self.store.quarantine({article.id: _reason(alone, article)})

    def _keep(self, result: BriefingSet, articles: list[Article]) -> None:
        self.store.replace_briefings(result.briefings)
        self.store.add_failures(result.failures)
        briefed = {i for b in result.briefings for i in b.story.article_ids}
        missing = {a.id: _reason(result, a) for a in articles if a.id not in briefed}
        if missing:  # the pipeline named them as failures: they are not tried again
            self.store.quarantine(missing)


def _reason(result: BriefingSet, article: Article) -> str:
    for failure in result.failures:
        if failure.origin == article.origin:
            return f"{failure.stage}: {failure.reason}"
    return "the pipeline left it out of every story"


class _Worker:
    """One long-lived process that runs the pipeline; spawned (a fresh interpreter, never a fork
    of the threaded server), replaced when it dies, terminated on stop even mid-rebuild."""

    def __init__(self, brief: BriefFunction) -> None:
        self._brief = brief
        self._context = multiprocessing.get_context("spawn")
        self._start()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def _start(self) -> None:
        self._connection, child_end = self._context.Pipe()
        self._process = self._context.Process(
            target=_serve_jobs,
            args=(child_end, os.getpid(), self._brief),
            daemon=True,
            name="storylens-rebuild-worker",
        )
        self._process.start()
        child_end.close()  # only the child holds its end: its death shows here as EOF

    def run(
        self, articles: list[Article], settings: Settings, timeout: float | None, stop: threading.Event
    ) -> BriefingSet:
        if not self._process.is_alive():
            self._restart()
        try:
            self._connection.send((articles, settings))
        except OSError as exc:
            self._restart()
            raise WorkerFailed(f"the rebuild process could not take the job: {exc}") from exc
        return self._result(timeout, stop)

    def _result(self, timeout: float | None, stop: threading.Event) -> BriefingSet:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not stop.is_set():
            try:
                if self._connection.poll(0.2):
                    kind, value = self._connection.recv()
                    if kind == "ok":
                        return value
                    raise WorkerFailed(value)
            except (EOFError, OSError):
                pass  # the process died; said below
            if not self._process.is_alive():
                code = self._process.exitcode
                self._restart()
                raise WorkerFailed(f"the rebuild process died (exit code {code})")
            if deadline is not None and time.monotonic() > deadline:
                self._restart()
                raise WorkerFailed(f"it took longer than {timeout:.0f} s")
        raise _Stopped

    def _restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._connection.close()


def _serve_jobs(connection: Connection, parent_pid: int, brief: BriefFunction) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    while True:
        try:
            articles, settings = connection.recv()
        except (EOFError, OSError):
            return  # the server closed its end, or died
        outcome: tuple[str, Any]
        try:
            outcome = ("ok", brief(articles, settings))
        except Exception as exc:  # reported to the server, which quarantines by isolation
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        connection.send(outcome)


def _exit_with_parent(parent_pid: int) -> None:
    """A worker whose server is gone (even by SIGKILL, when no cleanup runs) ends itself."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)
