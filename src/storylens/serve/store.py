"""The web app's store: articles, briefings and failed uploads in one SQLite file.

Records are kept as the same JSON the briefing schema documents, so a restart serves exactly
what was stored. Writes go through one lock; SQLite's WAL mode lets readers go on meanwhile.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable
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
        with self._lock:
            self._db.execute("BEGIN")
            for article in articles:
                row = (article.id, content_key(article), time.time(), orjson.dumps(to_dict(article)))
                cursor = self._db.execute("INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?)", row)
                (stored if cursor.rowcount else duplicates).append(article)
            self._db.execute("COMMIT")
        return stored, duplicates

    def add_failures(self, failures: Iterable[Failure]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT INTO failures VALUES (?, ?, ?, ?)",
                [(f.origin, f.stage, f.reason, time.time()) for f in failures],
            )

    def articles(self) -> list[Article]:
        rows = self._db.execute("SELECT data FROM articles ORDER BY added, id").fetchall()
        return [from_dict(Article, orjson.loads(data)) for (data,) in rows]

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
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO story_aliases VALUES (?, ?)", aliases)
            self._db.execute("DELETE FROM briefings")
            self._db.executemany("INSERT INTO briefings VALUES (?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
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
