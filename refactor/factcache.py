"""The facts cache: SQLite under the repository's git directory, keyed by content hash. Safe to delete.

Three tables: full facts per (content hash, module, path); search answers per set of needles (which
content hashes matched); and one snapshot per scanned root, mapping each path to its last `stat`, content
hash and imported modules, so an unchanged file is neither read nor hashed again.
"""

from __future__ import annotations

import marshal
import sqlite3
from pathlib import Path

from refactor import __version__
from refactor.facts import FileFacts

SCHEMA = 17

# path -> (stat key or None, content hash, imported modules or None)
Snapshot = dict[str, tuple[tuple[int, ...] | None, str, tuple[str, ...] | None]]


class FactCache:
    """A cache that never fails its caller: any SQLite or decoding problem reads as a miss."""

    def __init__(self, folder: Path | None) -> None:
        self._db = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by refactor: this cache is safe to delete\n*\n")
            self._db = sqlite3.connect(folder / f"facts-{__version__}-s{SCHEMA}.sqlite3", timeout=5)
            self._db.execute("PRAGMA synchronous = OFF")   # a cache: losing the last write costs a re-parse
            for table in ("facts", "searches", "snapshots"):
                self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB)")
        except (OSError, sqlite3.Error):
            self._db = None

    def _get(self, table: str, key: str) -> object | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
            return None if row is None else marshal.loads(row[0])
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return None

    def _put(self, table: str, rows: list[tuple[str, object]]) -> None:
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                                     [(key, marshal.dumps(value)) for key, value in rows])
        except (sqlite3.Error, ValueError):
            pass

    # -- full facts ------------------------------------------------------------------------------
    def get_many(self, keys: list[str]) -> dict[str, FileFacts]:
        if self._db is None or not keys:
            return {}
        out = {}
        try:
            for start in range(0, len(keys), 900):
                chunk = keys[start:start + 900]
                rows = self._db.execute(
                    f"SELECT key, value FROM facts WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, value in rows:
                    out[key] = FileFacts.from_tuple(marshal.loads(value))
        except (sqlite3.Error, ValueError, TypeError, KeyError, EOFError):
            return out
        return out

    def put_many(self, items: dict[str, FileFacts]) -> None:
        self._put("facts", [(key, facts.to_tuple()) for key, facts in items.items()])

    # -- search answers --------------------------------------------------------------------------
    def get_search(self, key: str) -> tuple[set[str], set[str]]:
        """(content hashes that matched, content hashes searched) for one set of needles."""
        value = self._get("searches", key)
        try:
            matched, searched = value if value is not None else ((), ())
            return set(matched), set(searched)
        except (TypeError, ValueError):
            return set(), set()

    def put_search(self, key: str, matched: set[str], searched: set[str]) -> None:
        self._put("searches", [(key, (sorted(matched), sorted(searched)))])

    # -- snapshots of a scanned root ---------------------------------------------------------------
    def get_snapshot(self, root: str) -> Snapshot:
        value = self._get("snapshots", root)
        return value if isinstance(value, dict) else {}

    def put_snapshot(self, root: str, snapshot: Snapshot) -> None:
        self._put("snapshots", [(root, snapshot)])
