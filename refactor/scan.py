"""Find a repository's Python files, read them, and extract facts in parallel, cached by content hash."""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import re
import sqlite3
import subprocess
import tokenize
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from refactor import __version__
from refactor.extract import facts_from_source, light_facts
from refactor.facts import FileFacts

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "__pycache__", "build", "dist", "node_modules",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".refactor_cache",
    ".eggs", ".hypothesis",
}
CACHE_DIR = ".refactor_cache"
_SCHEMA = 12
_PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class SourceFile:
    path: str          # repository-relative, POSIX separators
    module: str        # dotted module name under its source root
    is_package: bool


def discover(root: Path, source_roots: Iterable[str] = ()) -> list[SourceFile]:
    """Every Python file under `root` that belongs to the project, with its module name.

    In a git work tree, what git tracks or would track (`.gitignore` respected); elsewhere a
    walk. Virtual environments, build output and caches are skipped; so are symlinks that
    point outside `root`.
    """
    root = root.resolve()
    paths = _git_files(root)
    if paths is None:
        paths = _walk(root)
    roots = import_roots(root, source_roots)
    venvs: dict[str, bool] = {}  # directory -> holds pyvenv.cfg (a virtualenv under any name; git lists it)
    files = []
    for rel in sorted(set(paths)):
        parts = rel.split("/")
        if any(p in SKIP_DIRS or p.endswith(".egg-info") for p in parts[:-1]):
            continue
        if any(_is_venv(root, "/".join(parts[:i]), venvs) for i in range(1, len(parts))):
            continue
        full = root / rel
        if full.is_symlink() and not _inside(full.resolve(), root):
            continue
        if not full.is_file():
            continue
        module, is_package = module_name(rel, roots)
        files.append(SourceFile(rel, module, is_package))
    return files


def module_name(rel: str, source_roots: list[str]) -> tuple[str, bool]:
    """The dotted module of a repository-relative path, under the deepest matching source root."""
    best = ""
    for source_root in source_roots:
        prefix = "" if source_root in ("", ".") else source_root.rstrip("/") + "/"
        if rel.startswith(prefix) and len(prefix) >= len(best):
            best = prefix
    parts = rel[len(best):][: -len(".py")].split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def import_roots(root: Path, configured: Iterable[str] = ()) -> list[str]:
    """The folders imports start from: the plan's `source_roots`, else `.` plus `src` for a src layout."""
    configured = list(configured)
    if configured:
        return configured
    roots = ["."]
    src = root / "src"
    if src.is_dir() and not (src / "__init__.py").exists():
        roots.append("src")
    return roots


def _is_venv(root: Path, directory: str, seen: dict[str, bool]) -> bool:
    if directory not in seen:
        seen[directory] = (root / directory / "pyvenv.cfg").exists()
    return seen[directory]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _git_files(root: Path) -> list[str] | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "*.py"],
            capture_output=True, check=False, timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(root: Path) -> list[str]:
    out = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
                         and not (Path(directory, d) / "pyvenv.cfg").exists())
        for name in files:
            if name.endswith(".py"):
                out.append(os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/"))
    return out


# -- reading and parsing -------------------------------------------------------------------------

def decode(data: bytes, path: str) -> str:
    """Source bytes to text, honouring a BOM and a PEP 263 coding line. Raises ValueError("path:line: ...")."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError) as exc:
        raise ValueError(f"{path}:1: cannot decode: {exc}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path}:{line}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def _in_code(pattern: re.Pattern | None, data: bytes) -> bool:
    """Whether `pattern` matches somewhere other than a comment (a reference can hide in a string, not in a
    comment). A match after a `#` on its line, with no quote before that `#`, is a comment."""
    if pattern is None:
        return False
    for match in pattern.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        before = data[start:match.start()]
        hash_at = before.find(b"#")
        if hash_at < 0 or b'"' in before[:hash_at] or b"'" in before[:hash_at]:
            return True
    return False


def extract_file(path: str, module: str, is_package: bool, data: bytes) -> FileFacts:
    """Full facts for one file; a file that cannot be read or parsed gives facts with `error` set."""
    try:
        text = decode(data, path)
    except ValueError as exc:
        return FileFacts(path=path, module=module, is_package=is_package, full=True, error=str(exc))
    try:
        return facts_from_source(text, path, module, is_package)
    except SyntaxError as exc:
        first_error = f"{path}:{exc.lineno or 1}: syntax error: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        first_error = f"{path}:1: cannot parse: {exc}"
    import libcst  # only for syntax newer than this interpreter: keep it off the common path

    from refactor.lowering import lower
    try:
        lowered = lower(text)
        return facts_from_source(lowered, path, module, is_package, parser="libcst")
    except (libcst.ParserSyntaxError, SyntaxError, ValueError, RecursionError):
        return FileFacts(path=path, module=module, is_package=is_package, full=True, error=first_error)


def _light_batch(batch: list[tuple[str, str, str, bool]]) -> list[tuple]:
    out = []
    for root, path, module, is_package in batch:
        try:
            data = (Path(root) / path).read_bytes()
        except OSError:
            data = b""
        out.append(light_facts(path, module, is_package, data).to_tuple())
    return out


def _extract_batch(batch: list[tuple[str, str, bool, bytes]]) -> list[tuple]:
    return [extract_file(*item).to_tuple() for item in batch]


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


class FactCache:
    """Per-file facts in SQLite, keyed by content hash, path and tool version. Safe to delete."""

    def __init__(self, folder: Path | None) -> None:
        self._db = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by refactor: this cache is safe to delete\n*\n")
            self._db = sqlite3.connect(folder / f"facts-{__version__}-s{_SCHEMA}.sqlite3", timeout=5)
            self._db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value BLOB)")
            self._db.execute("CREATE TABLE IF NOT EXISTS searches (key TEXT PRIMARY KEY, value BLOB)")
        except (OSError, sqlite3.Error):
            self._db = None

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

    def get_search(self, key: str) -> tuple[set[str], set[str]]:
        """(content hashes that matched, content hashes searched) for one set of needles."""
        if self._db is None:
            return set(), set()
        try:
            row = self._db.execute("SELECT value FROM searches WHERE key = ?", (key,)).fetchone()
            if row is None:
                return set(), set()
            matched, searched = marshal.loads(row[0])
            return set(matched), set(searched)
        except (sqlite3.Error, ValueError, TypeError, EOFError):
            return set(), set()

    def put_search(self, key: str, matched: set[str], searched: set[str]) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO searches VALUES (?, ?)",
                                 (key, marshal.dumps((sorted(matched), sorted(searched)))))
        except sqlite3.Error:
            pass

    def put_many(self, items: dict[str, FileFacts]) -> None:
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?)",
                                     [(k, marshal.dumps(v.to_tuple())) for k, v in items.items()])
        except sqlite3.Error:
            pass


class Reader:
    """Reads a set of files once and answers fact requests, cheapest first."""

    def __init__(self, root: Path, files: list[SourceFile], *, cache: bool = True, jobs: int | None = None,
                 cache_dir: Path | None = None) -> None:
        self.root = root
        self.files = {f.path: f for f in files}
        self._data: dict[str, bytes] = {}
        self._digest: dict[str, str] = {}
        self._cache = FactCache((cache_dir or cache_folder(root)) if cache else None)
        self.jobs = jobs or os.cpu_count() or 1
        self.parsed = 0  # files parsed in this run (not from the cache): for benchmarks and tests

    def data(self, path: str) -> bytes:
        if path not in self._data:
            try:
                self._data[path] = (self.root / path).read_bytes()
            except OSError:
                self._data[path] = b""
        return self._data[path]

    def _key(self, path: str, full: bool) -> str:
        source = self.files[path]
        return f"{'F' if full else 'L'}:{self.digest(path)}:{source.module}:{int(source.is_package)}:{path}"

    def search(self, needles: Iterable[str], paths: Iterable[str],
               pairs: Iterable[tuple[str, str]] = ()) -> list[str]:
        """Paths whose bytes contain any needle, or both words of any pair (a cheap prefilter before parsing)."""
        words = sorted({n.encode() for n in needles if n}, key=lambda w: (-len(w), w))   # a stable order
        pairs = sorted({(a.encode(), b.encode()) for a, b in pairs if a and b})
        if not words and not pairs:
            return []
        key = hashlib.blake2b(repr((words, pairs)).encode(), digest_size=16).hexdigest()
        matched, searched = self._cache.get_search(key)   # answers of earlier runs, by content hash
        pattern = re.compile(b"|".join(re.escape(w) for w in words)) if words else None
        firsts = re.compile(b"|".join(re.escape(a) for a in {a for a, _ in pairs})) if pairs else None
        seconds = re.compile(b"|".join(re.escape(b) for b in {b for _, b in pairs})) if pairs else None
        out, fresh = [], False
        for path in paths:
            digest = self.digest(path)
            if digest in searched:
                if digest in matched:
                    out.append(path)
                continue
            data = self.data(path)
            hit = _in_code(pattern, data) or (_in_code(firsts, data) and _in_code(seconds, data))
            # (pairs are over-approximated: any first word and any second word; a parse decides)
            searched.add(digest)
            fresh = True
            if hit:
                matched.add(digest)
                out.append(path)
        if fresh:
            self._cache.put_search(key, matched, searched)
        return out

    def digest(self, path: str) -> str:
        if path not in self._digest:
            self._digest[path] = hashlib.blake2b(self.data(path), digest_size=16).hexdigest()
        return self._digest[path]

    def facts(self, paths: Iterable[str], *, full: bool) -> dict[str, FileFacts]:
        paths = list(paths)
        keys = {p: self._key(p, full) for p in paths}
        found = self._cache.get_many(list(keys.values()))
        out = {p: found[k] for p, k in keys.items() if k in found}
        missing = [p for p in paths if p not in out]
        if full:
            new = self._parse_all(missing)
        elif len(missing) >= _PARALLEL_THRESHOLD * 16 and self.jobs > 1:
            new = self._light_all(missing)
        else:
            new = {p: light_facts(p, self.files[p].module, self.files[p].is_package, self.data(p)) for p in missing}
        self.parsed += len(new) if full else 0
        self._cache.put_many({keys[p]: f for p, f in new.items()})
        out.update(new)
        return out

    def _light_all(self, paths: list[str]) -> dict[str, FileFacts]:
        """Light facts in worker processes that read the files themselves (nothing big crosses processes)."""
        items = [(str(self.root), p, self.files[p].module, self.files[p].is_package) for p in paths]
        size = max(64, len(items) // (self.jobs * 4))
        out: dict[str, FileFacts] = {}
        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            for result in pool.map(_light_batch, [items[i:i + size] for i in range(0, len(items), size)]):
                for data in result:
                    facts = FileFacts.from_tuple(data)
                    out[facts.path] = facts
        return out

    def _parse_all(self, paths: list[str]) -> dict[str, FileFacts]:
        items = [(p, self.files[p].module, self.files[p].is_package, self.data(p)) for p in paths]
        if len(items) < _PARALLEL_THRESHOLD or self.jobs <= 1:
            return {item[0]: extract_file(*item) for item in items}
        size = max(8, len(items) // (self.jobs * 4))
        batches = [items[i:i + size] for i in range(0, len(items), size)]
        out: dict[str, FileFacts] = {}
        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            for result in pool.map(_extract_batch, batches):
                for data in result:
                    facts = FileFacts.from_tuple(data)
                    out[facts.path] = facts
        return out
