"""The facts cache: SQLite under the repository's git directory, keyed by content hash. Safe to delete.

Five tables: full facts per (content hash, module, path, parsed whole or for a search); for facts parsed in
part, the widest search each is known to serve (learnt after they were written); what parsing a file
whole gave, by content hash and path (nothing wrong, or the error), whatever run parsed it whole; search answers per set of needles (which
content hashes matched); and answers worked out from facts, each with what it was worked out from (its
caller checks that before using it: see `refactor.analysis.site_memo`). Beside the database, one snapshot file per scanned root maps each path to its
last `stat`, content hash and imported modules, so an unchanged file is neither read nor hashed again (a
plain file: written whole, it is several times faster to write than a database row of its size).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from refactor import __version__
from refactor.reading.chunks import Focus
from refactor.reading.facts import FileFacts

SCHEMA = 27
# What a parse yields depends on the interpreter: a file newer than its grammar is read another way (or
# not at all), and marshal's format is its own. Each interpreter version keeps its own cache.
INTERPRETER = f"py{sys.version_info[0]}.{sys.version_info[1]}"

# path -> (stat key or None, content hash, imported modules or None)
Snapshot = dict[str, tuple[tuple[int, ...] | None, str, tuple[str, ...] | None]]


def code_digest(sources: list[Path]) -> str:
    """A hash of the source files that decide some kept answer: the answer is kept under it, so a change to
    that code (a new release, a local edit) makes every earlier answer a miss."""
    digest = hashlib.blake2b(digest_size=12)
    for source in sorted(sources):
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(str(source).encode())
    return digest.hexdigest()


class FactCache:
    """A cache that never fails its caller: any SQLite or decoding problem reads as a miss."""

    def __init__(self, folder: Path | None) -> None:
        self._db = None
        self._folder = folder
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by refactor: this cache is safe to delete\n*\n")
            # (a reader may be made in one thread and used in another, one thread at a time: `apply` plans a
            # stage ahead in a thread of its own, on a workspace opened before the tests start)
            self._db = sqlite3.connect(folder / f"facts-{__version__}-s{SCHEMA}-{INTERPRETER}.sqlite3", timeout=5,
                                       check_same_thread=False)
            self._db.execute("PRAGMA synchronous = OFF")   # a cache: losing the last write costs a re-parse
            for table in ("facts", "served", "searches", "queries", "answers", "outcomes"):
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
    def get_many(self, keys: list[str]) -> tuple[dict[str, FileFacts], dict[str, tuple]]:
        """Facts by key (`FileFacts.focus`: the search they were parsed for), and for facts parsed in part,
        the widest search each is known to serve as well (`Focus.key()`), by key."""
        out, served = {}, {}
        try:
            for key, value in self._rows("facts", keys):
                out[key] = FileFacts.from_tuple(marshal.loads(value))
            for key, value in self._rows("served", [k for k, f in out.items() if f.skipped]):
                skipped, focus = marshal.loads(value)
                facts = out[key]
                if tuple(map(tuple, skipped)) == facts.skipped and Focus(*focus).covers(Focus(*facts.focus)):
                    served[key] = tuple(focus)
        except (sqlite3.Error, ValueError, TypeError, KeyError, EOFError):
            return out, served
        return out, served

    def _rows(self, table: str, keys: list[str]) -> list[tuple[str, bytes]]:
        rows = []
        for start in range(0, len(keys) if self._db is not None else 0, 900):
            chunk = keys[start:start + 900]
            rows += self._db.execute(
                f"SELECT key, value FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        return rows

    def put_many(self, items: dict[str, FileFacts]) -> None:
        self._put("facts", [(key, facts.to_tuple()) for key, facts in items.items()])

    def put_served(self, items: dict[str, FileFacts]) -> None:
        """Facts parsed in part that turned out to serve a wider focus (`FileFacts.focus`) than the one
        they were written with: only that is written (their parts left out, to tell them apart)."""
        self._put("served", [(key, (facts.skipped, facts.focus)) for key, facts in items.items()])

    # -- what parsing a file whole gave -------------------------------------------------------------------
    def get_outcomes(self, keys: list[str]) -> dict[str, str]:
        """By key: "" for a file that parses whole, else its `path:line: problem`."""
        try:
            return {key: marshal.loads(value) for key, value in self._rows("outcomes", keys)}
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return {}

    def put_outcomes(self, items: dict[str, str]) -> None:
        self._put("outcomes", list(items.items()))

    # -- answers worked out from facts ---------------------------------------------------------------
    def get_answers(self, keys: list[str]) -> dict[str, object]:
        out = {}
        try:
            for key, value in self._rows("answers", keys):
                out[key] = marshal.loads(value)
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return out
        return out

    def put_answers(self, items: dict[str, object]) -> None:
        self._put("answers", list(items.items()))

    # -- search answers --------------------------------------------------------------------------
    def get_search(self, key: str) -> tuple[set[str], set[str]]:
        """(content hashes that matched, content hashes searched) for one set of needles."""
        value = self._get("searches", key)
        try:
            matched, searched = value if value is not None else ((), ())
            return set(matched), set(searched)
        except (TypeError, ValueError):
            return set(), set()

    def put_search(self, key: str, matched: set[str], searched: set[str], form: tuple = ()) -> None:
        """`form`: what the search looked for (kept apart: see `searches_kept`)."""
        self._put("searches", [(key, (sorted(matched), sorted(searched)))])
        if form:
            self._put("queries", [(key, (form, len(matched)))])

    def searches_kept(self) -> list[tuple[str, tuple, int]]:
        """(key, what it looked for, how many content hashes matched) for every search kept with its form."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute("SELECT key, value FROM queries").fetchall()
            return [(key, *marshal.loads(value)) for key, value in rows]
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return []

    # -- snapshots of a scanned root ---------------------------------------------------------------
    def _snapshot_path(self, root: str) -> Path | None:
        if self._folder is None or self._db is None:
            return None
        name = hashlib.sha1(root.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()[:20]
        return self._folder / f"snapshot-{__version__}-s{SCHEMA}-{INTERPRETER}-{name}.marshal"

    def get_snapshot(self, root: str) -> Snapshot:
        path = self._snapshot_path(root)
        try:
            value = marshal.loads(path.read_bytes()) if path is not None else None
        except (OSError, ValueError, TypeError, EOFError):
            return {}
        return value[1] if isinstance(value, tuple) and len(value) == 2 and value[0] == root \
            and isinstance(value[1], dict) else {}

    def drop_snapshot(self, root: str) -> None:
        path = self._snapshot_path(root)
        if path is not None:
            path.unlink(missing_ok=True)

    def put_snapshot(self, root: str, snapshot: Snapshot) -> None:
        """Written whole to a temporary file, then renamed over the old one: a reader sees either."""
        path = self._snapshot_path(root)
        if path is None:
            return
        try:
            data = marshal.dumps((root, snapshot))
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, ValueError):
            pass


CACHE_DIR = ".refactor_cache"   # outside a git repository


def cache_folder(root: Path) -> Path:
    """Where the facts cache lives: inside a git repository, under its git directory (never among the
    user's files; shared by every worktree); elsewhere `<root>/.refactor_cache` (self-ignoring)."""
    root = root.resolve()
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git / "refactor" / "cache"
        if dot_git.is_file():   # a worktree: `.git` names its git dir, whose `commondir` names the shared one
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except OSError:
                break
            if not text.startswith("gitdir:"):
                break
            git_dir = (folder / text[len("gitdir:"):].strip()).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                git_dir = (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
            return git_dir / "refactor" / "cache"
    return root / CACHE_DIR
