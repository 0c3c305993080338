"""The web app's store: articles, briefings and failed uploads in one SQLite file.

Records are kept as the same JSON the briefing schema documents, so a restart serves exactly
what was stored. Writes go through one lock; SQLite's WAL mode lets readers go on meanwhile.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from storylens.model import Article, Briefing, Failure, from_dict, to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, text_hash TEXT UNIQUE NOT NULL, added REAL NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS briefings (
    story_id TEXT PRIMARY KEY, activity REAL NOT NULL, published TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    origin TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
    article_id TEXT PRIMARY KEY, reason TEXT NOT NULL, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


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
        self._cache: list[Briefing] | None = None  # parsed briefings, dropped when they change
        self._cache_lock = threading.Lock()

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
        """Remove an article (and its quarantine mark); its story drops it at the next rebuild."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._db.execute("DELETE FROM quarantine WHERE article_id = ?", (article_id,))
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

    def added_times(self) -> dict[str, float]:
        return dict(self._db.execute("SELECT id, added FROM articles").fetchall())

    def replace_briefings(self, briefings: Iterable[Briefing]) -> None:
        """The stories of a rebuild replace the previous ones in one transaction; a story that
        lost its id (its first article changed) leaves an alias to where its articles went."""
        briefings = list(briefings)
        added = self.added_times()
        rows = [
            (
                b.story.id,
                max(added.get(i, 0.0) for i in b.story.article_ids),
                b.story.last_published.isoformat() if b.story.last_published else "",
                orjson.dumps(to_dict(b)),
            )
            for b in briefings
        ]
        aliases = self._aliases_after(list(briefings))
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO story_aliases VALUES (?, ?)", aliases)
            self._db.execute("DELETE FROM briefings")
            self._db.executemany("INSERT INTO briefings VALUES (?, ?, ?, ?)", rows)
        with self._cache_lock:
            self._cache = None

    def _aliases_after(self, briefings: list[Briefing]) -> list[tuple[str, str]]:
        new = {b.story.id: set(b.story.article_ids) for b in briefings}
        aliases = []
        for old in self.briefings():
            if old.story.id in new or not new:
                continue
            members = set(old.story.article_ids)
            heir = max(new, key=lambda story_id: (len(new[story_id] & members), story_id))
            if new[heir] & members:
                aliases.append((old.story.id, heir))
        # earlier aliases that pointed at a story now gone follow it too
        rows = self._db.execute("SELECT old_id, new_id FROM story_aliases").fetchall()
        moved = dict(aliases)
        aliases += [(old_id, moved[new_id]) for old_id, new_id in rows if new_id in moved]
        return aliases

    def resolve_story(self, story_id: str) -> str | None:
        """The current id of a story known under `story_id`, following aliases."""
        row = self._db.execute("SELECT new_id FROM story_aliases WHERE old_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def briefings(self) -> list[Briefing]:
        """Every story's briefing, newest activity first (then newest news first)."""
        with self._cache_lock:  # one reader parses after a rebuild; the others wait for it
            if self._cache is None:
                order = "ORDER BY activity DESC, published DESC, story_id"
                rows = self._db.execute(f"SELECT data FROM briefings {order}").fetchall()
                self._cache = [from_dict(Briefing, orjson.loads(data)) for (data,) in rows]
            return list(self._cache)

    def briefing(self, story_id: str) -> Briefing | None:
        return next((b for b in self.briefings() if b.story.id == story_id), None)

    def briefing_json(self, story_id: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM briefings WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return from_dict(Article, orjson.loads(row[0])) if row else None

    def briefing_of(self, article_id: str) -> Briefing | None:
        for briefing in self.briefings():
            if article_id in briefing.story.article_ids:
                return briefing
        return None
