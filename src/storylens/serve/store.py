"""The web app's store: articles, briefings and failed uploads in one SQLite file.

Records are kept as the same JSON the briefing schema documents, so a restart serves exactly
what was stored. Writes go through one lock; SQLite's WAL mode lets readers go on meanwhile.

Each story carries a version, from one counter for the whole store: a story gets the next number
when its briefing is written and differs from the one stored, so a page that asks for its own
story's version refreshes only when that story changed. Each article's annotation and story
features are kept as well: a new article re-briefs its story without annotating the story's other
articles again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from storylens.model import Annotation, Article, Briefing, Failure, from_dict, to_dict

# (activity, newest publication, briefing, version) of a cached story
_Cached = tuple[float, str, Briefing, int]

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, text_hash TEXT UNIQUE NOT NULL, added REAL NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS briefings (
    story_id TEXT PRIMARY KEY, activity REAL NOT NULL, published TEXT NOT NULL, data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS story_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    origin TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
    article_id TEXT PRIMARY KEY, reason TEXT NOT NULL, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS annotations (article_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS features (article_id TEXT PRIMARY KEY, data TEXT NOT NULL);
"""
VERSION_KEY = "story_version"
CHUNK = 500  # ids per IN (...) query: well under SQLite's limit on bound parameters


def content_key(article: Article) -> str:
    """Identity of an upload: the same text from the same outlet is one article, however often
    it is sent; the same text from another outlet is a reprint, and is kept."""
    normal = " ".join(article.text.split()).lower()
    return hashlib.sha256(f"{article.outlet.lower()}\0{normal}".encode()).hexdigest()


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._add_version_column()
        # Parsed briefings by story id, updated story by story as they change (parsing all of
        # them again after every upload costs seconds in a store of thousands of stories).
        self._cache: dict[str, _Cached] | None = None
        self._order: list[Briefing] = []
        self._story_of: dict[str, str] = {}  # article id -> story id
        self._cache_lock = threading.Lock()

    def _add_version_column(self) -> None:
        """A store written before stories had versions gets the column, every story at 0."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(briefings)")}
        if "version" not in columns:
            self._db.execute("ALTER TABLE briefings ADD COLUMN version INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        self._db.close()

    def add_articles(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        """(stored, duplicates): an article whose text is already stored is not stored again."""
        stored: list[Article] = []
        duplicates: list[Article] = []
        rows = [(a, (a.id, content_key(a), time.time(), orjson.dumps(to_dict(a)))) for a in articles]
        with self._transaction():
            for article, row in rows:
                cursor = self._db.execute("INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?)", row)
                (stored if cursor.rowcount else duplicates).append(article)
        return stored, duplicates

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One locked transaction, rolled back on any error so that the next one can begin."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add_failures(self, failures: Iterable[Failure]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT INTO failures VALUES (?, ?, ?, ?)",
                [(f.origin, f.stage, f.reason, time.time()) for f in failures],
            )

    def articles(self) -> list[Article]:
        rows = self._db.execute("SELECT data FROM articles ORDER BY added, id").fetchall()
        return [from_dict(Article, orjson.loads(data)) for (data,) in rows]

    def active_ids(self) -> list[str]:
        """Ids of the articles a rebuild briefs, in the order stored."""
        query = (
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM quarantine) ORDER BY added, id"
        )
        return [i for (i,) in self._db.execute(query).fetchall()]

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        rows = self._select("SELECT id, data FROM articles WHERE id IN ({})", article_ids)
        return {i: from_dict(Article, orjson.loads(data)) for i, data in rows}

    def active_articles(self) -> list[Article]:
        """The articles a rebuild briefs: all but the quarantined ones."""
        quarantined = self.quarantined()
        return [a for a in self.articles() if a.id not in quarantined]

    def quarantined(self) -> dict[str, str]:
        """Articles that could not be briefed: id -> reason. They stay stored and listed."""
        return dict(self._db.execute("SELECT article_id, reason FROM quarantine ORDER BY added").fetchall())

    def quarantine(self, reasons: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO quarantine VALUES (?, ?, ?)",
                [(article_id, reason, time.time()) for article_id, reason in reasons.items()],
            )

    def unquarantine(self, article_ids: Iterable[str]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM quarantine WHERE article_id = ?", [(i,) for i in article_ids])

    def delete_article(self, article_id: str) -> bool:
        """Remove an article (with its quarantine mark, annotation and features); its story drops
        it at the next rebuild."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            for table in ("quarantine", "annotations", "features"):
                self._db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        return cursor.rowcount > 0

    def unbriefed(self) -> list[str]:
        """Ids of active articles in no stored briefing (stored, then the server stopped)."""
        briefed = {i for b in self.briefings() for i in b.story.article_ids}
        return [a.id for a in self.active_articles() if a.id not in briefed]

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def article_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def added_times(self, article_ids: Iterable[str]) -> dict[str, float]:
        return dict(self._select("SELECT id, added FROM articles WHERE id IN ({})", article_ids))

    def stale_stories(self) -> list[str]:
        """Stories that hold an article deleted or quarantined since they were briefed."""
        active = {a.id for a in self.active_articles()}
        return [b.story.id for b in self.briefings() if not set(b.story.article_ids) <= active]

    def annotations(self, article_ids: Iterable[str]) -> dict[str, Annotation]:
        """The kept annotations of these articles (those never annotated are left out)."""
        rows = self._select("SELECT article_id, data FROM annotations WHERE article_id IN ({})", article_ids)
        return {i: from_dict(Annotation, orjson.loads(data)) for i, data in rows}

    def keep_annotations(self, annotations: Iterable[Annotation]) -> None:
        self._keep("annotations", [(a.article_id, orjson.dumps(to_dict(a)).decode()) for a in annotations])

    def features(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Kept story features (JSON, see `serve.placement`) of these articles."""
        return dict(
            self._select("SELECT article_id, data FROM features WHERE article_id IN ({})", article_ids)
        )

    def keep_features(self, rows: Iterable[tuple[str, str]]) -> None:
        self._keep("features", list(rows))

    def _select(self, query: str, ids: Iterable[str]) -> list[Any]:
        """`query` with its one `IN ({})` filled with `ids`, a chunk at a time."""
        wanted = list(dict.fromkeys(ids))
        found = []
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            found += self._db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
        return found

    def _keep(self, table: str, rows: list[tuple[str, str]]) -> None:
        """Kept only for articles still stored: one deleted meanwhile leaves nothing behind."""
        with self._transaction():
            self._db.executemany(
                f"INSERT OR REPLACE INTO {table} SELECT ?, ? "
                "WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                [(i, data, i) for i, data in rows],
            )

    def replace_briefings(self, briefings: Iterable[Briefing]) -> list[str]:
        """The stories of a full rebuild replace all the previous ones."""
        briefings = list(briefings)
        kept = {b.story.id for b in briefings}
        return self.update_stories(
            briefings, [b.story.id for b in self.briefings() if b.story.id not in kept]
        )

    def update_stories(self, briefings: Iterable[Briefing], removed: Iterable[str] = ()) -> list[str]:
        """Write these stories' briefings and drop the `removed` stories in one transaction; the
        ids of the stories whose briefing changed (each gets a new version). A removed story
        leaves an alias to the written story that holds most of its articles, so that its links
        still lead somewhere. Stories not named are left exactly as they were."""
        rows = {b.story.id: (b, orjson.dumps(to_dict(b))) for b in briefings}
        removed = [i for i in dict.fromkeys(removed) if i not in rows]
        stored = dict(self._select("SELECT story_id, data FROM briefings WHERE story_id IN ({})", rows))
        changed = [i for i, (_, data) in rows.items() if _as_bytes(stored.get(i)) != data]
        added = self.added_times(i for b, _ in rows.values() for i in b.story.article_ids)
        aliases = self._aliases_after(removed, [b for b, _ in rows.values()])
        with self._transaction():
            version = self._next_version() if changed else self.version()
            self._db.executemany("INSERT OR REPLACE INTO story_aliases VALUES (?, ?)", aliases)
            self._db.executemany("DELETE FROM briefings WHERE story_id = ?", [(i,) for i in removed])
            self._db.executemany(
                "INSERT OR REPLACE INTO briefings VALUES (?, ?, ?, ?, ?)",
                [(i, *_sort_key(rows[i][0], added), rows[i][1], version) for i in changed],
            )
        self._update_cache([rows[i][0] for i in changed], removed, version, added)
        return changed

    def _next_version(self) -> int:
        """One more than any version given so far (inside a write transaction)."""
        version = self.version() + 1
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (VERSION_KEY, str(version)))
        return version

    def version(self) -> int:
        """The newest version given to any story: it changes whenever any story does."""
        value = self.meta(VERSION_KEY)
        return int(value) if value else 0

    def story_version(self, story_id: str) -> int | None:
        self.briefings()
        with self._cache_lock:
            entry = self._cache.get(story_id) if self._cache is not None else None
        return entry[3] if entry else None

    def story_versions(self) -> dict[str, int]:
        self.briefings()
        with self._cache_lock:
            return {i: entry[3] for i, entry in (self._cache or {}).items()}

    def _aliases_after(self, removed: list[str], written: list[Briefing]) -> list[tuple[str, str]]:
        new = {b.story.id: set(b.story.article_ids) for b in written}
        aliases = []
        for old_id in removed:
            old = self.briefing(old_id)
            members = set(old.story.article_ids) if old else set()
            heir = max(new, key=lambda story_id: (len(new[story_id] & members), story_id), default=None)
            if heir is not None and new[heir] & members:
                aliases.append((old_id, heir))
        # earlier aliases that pointed at a story now gone follow it too
        rows = self._db.execute("SELECT old_id, new_id FROM story_aliases").fetchall()
        moved = dict(aliases)
        aliases += [(old_id, moved[new_id]) for old_id, new_id in rows if new_id in moved]
        return aliases

    def _update_cache(
        self, written: list[Briefing], removed: list[str], version: int, added: dict[str, float]
    ) -> None:
        with self._cache_lock:
            if self._cache is None:
                return
            for story_id in removed:
                self._cache.pop(story_id, None)
            for briefing in written:
                self._cache[briefing.story.id] = (*_sort_key(briefing, added), briefing, version)
            self._reindex()

    def _reindex(self) -> None:
        """The story list's order and the article -> story index, from the cache."""
        assert self._cache is not None
        by_published = sorted(self._cache.items(), key=lambda item: (item[1][1], item[0]), reverse=True)
        ordered = sorted(by_published, key=lambda item: -item[1][0])  # stable: newest news first within
        self._order = [entry[2] for _, entry in ordered]
        self._story_of = {i: b.story.id for b in self._order for i in b.story.article_ids}

    def resolve_story(self, story_id: str) -> str | None:
        """The current id of a story known under `story_id`, following aliases."""
        row = self._db.execute("SELECT new_id FROM story_aliases WHERE old_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def briefings(self) -> list[Briefing]:
        """Every story's briefing, newest activity first (then newest news first)."""
        with self._cache_lock:  # one reader parses after a start; the others wait for it
            if self._cache is None:
                rows = self._db.execute("SELECT story_id, activity, published, data, version FROM briefings")
                self._cache = {
                    story_id: (activity, published, from_dict(Briefing, orjson.loads(data)), version)
                    for story_id, activity, published, data, version in rows.fetchall()
                }
                self._reindex()
            return list(self._order)

    def briefing(self, story_id: str) -> Briefing | None:
        self.briefings()
        with self._cache_lock:
            entry = self._cache.get(story_id) if self._cache is not None else None
        return entry[2] if entry else None

    def briefing_json(self, story_id: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM briefings WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return from_dict(Article, orjson.loads(row[0])) if row else None

    def briefing_of(self, article_id: str) -> Briefing | None:
        self.briefings()
        with self._cache_lock:
            story_id = self._story_of.get(article_id)
        return self.briefing(story_id) if story_id else None


def _sort_key(briefing: Briefing, added: dict[str, float]) -> tuple[float, str]:
    """(activity: when its newest article was stored, its newest publication date)."""
    activity = max((added.get(i, 0.0) for i in briefing.story.article_ids), default=0.0)
    last = briefing.story.last_published
    return activity, last.isoformat() if last else ""


def _as_bytes(data: str | bytes | None) -> bytes | None:
    return data.encode() if isinstance(data, str) else data
