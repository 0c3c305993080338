"""Rebuilding briefings in the background after articles arrive or leave, story by story.

One worker thread hands the pipeline's work to one worker process (the pipeline is CPU-bound
Python; in the server's own process it would hold the interpreter lock and stall every request).
Requests that come while a rebuild runs are folded into one more run.

A rebuild is incremental: each new article is placed with the incremental clusterer
(`serve.placement`) and only the stories that gained or lost an article are briefed again, from
the annotations kept in the store (only the new article is annotated). A full regroup (every
article grouped from scratch, `serve.briefs.regroup_stories`) keeps the stories in agreement with
batch grouping: on demand (`POST /api/regroup`), when a batch of new articles outnumbers the
articles already placed (a first import), and by itself once the articles placed one at a time
since the last regroup reach `REGROUP_SHARE` of the store. After a regroup only the stories whose
membership changed are briefed again.

Whatever the pipeline does (raises, crashes its process, hangs on one article), the next
rebuild goes on: when a rebuild fails, the articles new in it are briefed one at a time, and
those that fail alone are quarantined (kept, marked failed with the reason, left out of rebuilds
until deleted). The worker process dies with the server, even when the server is killed with
SIGKILL: it watches its parent.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from storylens.config import Settings
from storylens.model import Article, BriefingSet
from storylens.serve.briefs import GroupBrief, brief_groups, feature_rows, regroup_stories
from storylens.serve.placement import StoryPlacer, features_from_json
from storylens.serve.store import Store
from storylens.serve.worker import serve_jobs
from storylens.stories.incremental import Features

log = logging.getLogger(__name__)

# One article alone briefs in well under a second on the bundled examples; a minute is ample
# for a long one and stops one pathological article from holding the rebuild for ever.
ISOLATED_SECONDS = 120.0
# The periodic regroup: once the articles placed one at a time since the last regroup reach this
# share of the store (and at least REGROUP_MIN_ARTICLES of them). Incremental placement agreed
# with batch grouping at ARI 0.93 when every article is placed one at a time (ECB+ even topics,
# docs/benchmarks.md); with a tenth of the store placed since the last batch grouping, at most
# that tenth can sit where batch grouping would not put it, and a regroup (which re-briefs only
# the stories that changed) costs one grouping of the store per tenth of it that arrived.
REGROUP_SHARE = 0.10
REGROUP_MIN_ARTICLES = 50

# kept for callers of the previous name: a function the worker process runs on groups of articles
BriefFunction = GroupBrief
Groups = dict[int, list[Article]]


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
        brief: GroupBrief = brief_groups,
        regroup_share: float = REGROUP_SHARE,
    ) -> None:
        self.store = store
        self.settings = settings
        self.isolated_seconds = isolated_seconds
        self.regroup_share = regroup_share
        self._brief_function = brief
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self._regroup_wanted = threading.Event()
        self._placer: StoryPlacer | None = None
        self.placed_since_regroup = 0
        self.last_error: str | None = None
        self.last_built: float | None = None
        self.last_regroup: float | None = None
        self.last_changed: list[str] = []  # stories whose briefing the last rebuild rewrote
        self._worker = _Worker()
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

    def request_regroup(self) -> None:
        self._regroup_wanted.set()
        self.request()

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
            self._placer = None  # built again from the store, which holds what was kept

    def _rebuild(self) -> None:
        active = ActiveArticles(self.store)
        placer, touched = self._current_placer(active)
        removed = set(placer.key_of) - set(active)
        # the stories that lose an article, named before a story left empty loses its key
        losing = {placer.story_id[k] for k in {placer.key_of[i] for i in removed} if k in placer.story_id}
        touched |= placer.remove(removed)
        new_ids = [i for i in active if i not in placer.key_of]
        active.load(new_ids)
        new = [active[i] for i in new_ids]
        if self._regroup_wanted.is_set() or len(new) > len(placer.key_of):
            self._regroup_wanted.clear()
            self._regroup(active, new)
            return
        touched |= placer.place(list(self._features(new_ids, active).values()))
        self.placed_since_regroup += len(new)
        changed = self._brief_stories(placer, touched, active, new, losing) if touched or losing else []
        self.last_changed = changed
        due = max(REGROUP_MIN_ARTICLES, self.regroup_share * len(active))
        if self.regroup_share > 0 and self.placed_since_regroup >= due and not self._wanted.is_set():
            self._regroup(active)

    def _current_placer(self, active: ActiveArticles) -> tuple[StoryPlacer, set[int]]:
        """The placer, seeded from the stored stories when there is none yet (a start, or after
        a failed rebuild); with it the stories that hold an article no longer active."""
        if self._placer is not None:
            return self._placer, set()
        briefings = self.store.briefings()
        features = self._features([i for b in briefings for i in b.story.article_ids if i in active], active)
        groups = [
            (b.story.id, [features[i] for i in b.story.article_ids if i in features]) for b in briefings
        ]
        self._placer = StoryPlacer(self.settings.stories, groups)
        stale = {b.story.id for b in briefings if not set(b.story.article_ids) <= active.ids}
        touched = {key for key, story_id in self._placer.story_id.items() if story_id in stale}
        # a story with no active member left has no key: dropped without a rebrief
        emptied = stale - set(self._placer.story_id.values())
        if emptied:
            self.store.update_stories([], emptied)
        return self._placer, touched

    def _features(self, ids: list[str], active: ActiveArticles) -> dict[str, Features]:
        """Each article's story features, from the store or made by the worker and kept."""
        kept = self.store.features(ids)
        missing = [i for i in ids if i not in kept]
        if missing:
            active.load(missing)
            rows = self._call(feature_rows, [active[i] for i in missing])
            self.store.keep_features(rows)
            kept.update(rows)
        return {i: features_from_json(kept[i]) for i in ids}

    def _regroup(self, active: ActiveArticles, new: Sequence[Article] = ()) -> None:
        """Every active article grouped from scratch; the stories whose membership changed are
        briefed again (those that came out the same keep their briefing and version)."""
        active.load(active.ids)
        articles = [active[i] for i in active]
        groups = self._call(regroup_stories, articles, self.settings)
        features = self._features(list(active), active)
        same = {frozenset(b.story.article_ids): b.story.id for b in self.store.briefings()}
        seeded = [(same.get(frozenset(g)), [features[i] for i in g]) for g in groups]
        placer = StoryPlacer(self.settings.stories, seeded)
        old = {b.story.id for b in self.store.briefings()}
        gone = old - set(placer.story_id.values())
        touched = {key for key in placer.open if key not in placer.story_id}
        self._placer = placer
        self.placed_since_regroup = 0
        self.last_regroup = time.time()
        self.last_changed = self._brief_stories(placer, touched, active, list(new), gone)

    def _brief_stories(
        self,
        placer: StoryPlacer,
        touched: set[int],
        active: ActiveArticles,
        new: list[Article],
        gone: Iterable[str] = (),
    ) -> list[str]:
        """Brief the touched stories again and keep them; the ids of the stories rewritten."""
        old_ids = {placer.story_id[k] for k in touched if k in placer.story_id} | set(gone)
        active.load(i for k in touched for i in placer.members(k))
        groups = {k: [active[i] for i in placer.members(k)] for k in touched if placer.members(k)}
        result, groups = self._brief_safely(placer, groups, [a for a in new if a.id in placer.key_of])
        return self._keep(placer, result, groups, old_ids)

    def _brief_safely(
        self, placer: StoryPlacer, groups: Groups, new: list[Article]
    ) -> tuple[BriefingSet, Groups]:
        try:
            return self._brief(groups), groups
        except WorkerFailed as failure:
            self._brief({})  # raises when the pipeline fails on nothing at all: not the articles' fault
            log.warning("rebuild failed (%s); briefing the new articles one at a time", failure)
            suspects = new or [a for group in groups.values() for a in group]
            before = set(self.store.quarantined())
            try:
                return self._brief_without_poison(placer, groups, suspects)
            except WorkerFailed:
                # Even the articles that were good before fail: the fault is elsewhere, so the
                # marks made in this rebuild are taken back and the error shown.
                self.store.unquarantine(set(self.store.quarantined()) - before)
                raise

    def _brief_without_poison(
        self, placer: StoryPlacer, groups: Groups, suspects: list[Article]
    ) -> tuple[BriefingSet, Groups]:
        self._quarantine_failing(suspects)
        groups = self._without_quarantined(placer, groups)
        try:
            return self._brief(groups), groups
        except WorkerFailed as again:
            # Each new article briefs alone but not together: set them all aside, so that the
            # stories that were good before come back.
            quarantined = self.store.quarantined()
            reason = f"the rebuild failed with it among the new articles ({again}); alone it briefs"
            self.store.quarantine({a.id: reason for a in suspects if a.id not in quarantined})
            groups = self._without_quarantined(placer, groups)
            return self._brief(groups), groups

    def _without_quarantined(self, placer: StoryPlacer, groups: Groups) -> Groups:
        quarantined = self.store.quarantined()
        placer.remove(quarantined)
        kept = {k: [a for a in group if a.id not in quarantined] for k, group in groups.items()}
        return {k: group for k, group in kept.items() if group}

    def _brief(self, groups: Groups, timeout: float | None = None) -> BriefingSet:
        """Briefings of the groups; the annotations made on the way are kept in the store."""
        members = [a for group in groups.values() for a in group]
        known = self.store.annotations(a.id for a in members)
        result, fresh = self._call(
            self._brief_function, list(groups.values()), known, self.settings, timeout=timeout
        )
        self.store.keep_annotations(fresh)
        return result

    def _call(self, function: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        if self._stop.is_set():
            raise _Stopped
        return self._worker.run(function, args, timeout, self._stop)

    def _quarantine_failing(self, suspects: list[Article]) -> None:
        for article in suspects:
            try:
                alone = self._brief({0: [article]}, self.isolated_seconds)
            except WorkerFailed as exc:
                self.store.quarantine({article.id: f"briefing it failed: {exc}"})
                continue
            if not any(article.id in b.story.article_ids for b in alone.briefings):
                self.store.quarantine({article.id: _reason(alone, article)})

    def _keep(self, placer: StoryPlacer, result: BriefingSet, groups: Groups, old_ids: set[str]) -> list[str]:
        self.store.add_failures(result.failures)
        briefed = {i for b in result.briefings for i in b.story.article_ids}
        missing = {a.id: _reason(result, a) for g in groups.values() for a in g if a.id not in briefed}
        if missing:  # the pipeline named them as failures: they are not tried again
            self.store.quarantine(missing)
            placer.remove(missing)
        for briefing in result.briefings:
            placer.story_id[placer.key_of[briefing.story.article_ids[0]]] = briefing.story.id
        written = {b.story.id for b in result.briefings}
        return self.store.update_stories(result.briefings, old_ids - written)


class ActiveArticles(Mapping[str, Article]):
    """The articles a rebuild may brief (stored, not quarantined), by id in the order stored; an
    article is read from the store only when asked for: a rebuild touches a few stories, and
    reading every article of a large store costs seconds."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.ids = dict.fromkeys(store.active_ids()).keys()
        self._read: dict[str, Article] = {}

    def load(self, ids: Iterable[str]) -> None:
        """Read these articles in one go (those already read or not active are skipped)."""
        wanted = [i for i in ids if i in self.ids and i not in self._read]
        self._read.update(self._store.articles_by_id(wanted))

    def __getitem__(self, article_id: str) -> Article:
        if article_id not in self._read:
            self.load([article_id])
        return self._read[article_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.ids


def _reason(result: BriefingSet, article: Article) -> str:
    for failure in result.failures:
        if failure.origin == article.origin:
            return f"{failure.stage}: {failure.reason}"
    return "the pipeline left it out of every story"


class _Worker:
    """One long-lived process that runs the pipeline; spawned (a fresh interpreter, never a fork
    of the threaded server), replaced when it dies, terminated on stop even mid-rebuild."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._start()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def _start(self) -> None:
        self._connection, child_end = self._context.Pipe()
        self._process = self._context.Process(
            target=serve_jobs,
            args=(child_end, os.getpid()),
            daemon=True,
            name="storylens-rebuild-worker",
        )
        self._process.start()
        child_end.close()  # only the child holds its end: its death shows here as EOF

    def run(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        timeout: float | None,
        stop: threading.Event,
    ) -> Any:
        if not self._process.is_alive():
            self._restart()
        try:
            self._connection.send((function, args))
        except OSError as exc:
            self._restart()
            raise WorkerFailed(f"the rebuild process could not take the job: {exc}") from exc
        return self._result(timeout, stop)

    def _result(self, timeout: float | None, stop: threading.Event) -> Any:
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
