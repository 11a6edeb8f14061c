"""Find a repository's Python files and their module names, and search many files' bytes at once (git grep)."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "__pycache__", "build", "dist", "node_modules",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".refactor_cache",
    ".eggs", ".hypothesis",
}


@dataclass(frozen=True)
class SourceFile:
    path: str          # repository-relative, POSIX separators
    module: str        # dotted module name under its source root
    is_package: bool


def discover(root: Path, source_roots: Iterable[str] = (),
             stats: dict[str, os.stat_result] | None = None) -> list[SourceFile]:
    """Every Python file under `root` that belongs to the project, with its module name.

    In a git work tree, what git tracks or would track (`.gitignore` respected); elsewhere a
    walk. Virtual environments, build output and caches are skipped; so are symlinks that
    point outside `root`. `stats`, when given, receives the `stat` taken of each file that is not a
    symlink (the reader's "unchanged since the last run" needs no second one).
    """
    root = root.resolve()
    paths = _git_files(root)
    if paths is None:
        paths = _walk(root)
    roots = import_roots(root, source_roots)
    skipped: dict[str, bool] = {"": False}   # directory -> skipped (its own name, a parent, or a virtualenv)
    files = []
    prefix = os.path.join(root, "")
    for rel in sorted(set(paths)):
        directory = rel.rpartition("/")[0]
        if _skipped_dir(root, directory, skipped):
            continue
        full = prefix + rel
        try:
            taken = os.lstat(full)
            mode = taken.st_mode
            if stats is not None and stat.S_ISREG(mode):
                stats[rel] = taken
            if stat.S_ISLNK(mode):
                if not _inside(Path(full).resolve(), root):
                    continue
                mode = os.stat(full).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            continue
        module, is_package = module_name(rel, roots)
        files.append(SourceFile(rel, module, is_package))
    return files


def _skipped_dir(root: Path, directory: str, seen: dict[str, bool]) -> bool:
    """Whether files under `directory` are not the project's: a skipped name anywhere on the way, or a
    virtualenv under any name (it holds pyvenv.cfg; git may list it)."""
    if directory not in seen:
        parent, _, name = directory.rpartition("/")
        seen[directory] = _skipped_dir(root, parent, seen) or name in SKIP_DIRS or name.endswith(".egg-info") \
            or os.path.exists(os.path.join(root, directory, "pyvenv.cfg"))
    return seen[directory]


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


def grep_files(root: Path, needles: Iterable[bytes], meanwhile: Callable[[], object] = lambda: None, *,
               under: Iterable[str] | None = None) -> set[str] | None:
    """Paths that may contain a needle, as `discover` lists them in a git work tree: those `git grep`
    finds it in (compiled, multi-threaded: far faster than reading every file here), and the tracked files
    it does not search (those a `.gitignore` matches). `under`: only the files inside these folders of
    `root` are searched (the answer says nothing of the others). None outside a git work tree or when git
    cannot answer; the caller then searches itself. `meanwhile` runs here while git works."""
    arguments = []
    for needle in needles:
        if not needle or b"\n" in needle or b"\0" in needle:
            return None
        arguments += ["-e", needle.decode("utf-8", "surrogateescape")]
    if not arguments:
        return set()
    pathspecs = ["*.py"] if under is None else [f":(glob){_glob_escaped(folder)}/**/*.py" for folder in sorted(under)]
    if not pathspecs:
        return set()
    git = ["git", "-C", str(root), "-c", "core.quotePath=false"]
    try:
        # `--untracked` greps the files in the work tree as they are, but skips ignored ones even if tracked
        with subprocess.Popen([*git, "ls-files", "-z", "--cached", "--ignored", "--exclude-standard", "--", "*.py"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as unsearched, \
             subprocess.Popen([*git, "-c", "grep.fallbackToNoIndex=false", "grep", "-l", "-z", "-F", "--no-color",
                               "--untracked", "--no-recurse-submodules", *arguments, "--", *pathspecs],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env={**os.environ, "LC_ALL": "C"}) as done:
            try:
                meanwhile()
                found, _ = done.communicate(timeout=300)
                ignored, _ = unsearched.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                done.kill()
                unsearched.kill()
                return None
    except OSError:
        return None
    if unsearched.returncode != 0 or done.returncode not in (0, 1) or (done.returncode == 1 and found):
        return None
    return {p for p in (found + b"\0" + ignored).decode("utf-8", "surrogateescape").split("\0") if p}


def _glob_escaped(text: str) -> str:
    """`text` matched literally by a `:(glob)` pathspec."""
    return "".join(f"[{c}]" if c in "*?[]\\" else c for c in text)


def _walk(root: Path) -> list[str]:
    out = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
                         and not (Path(directory, d) / "pyvenv.cfg").exists())
        for name in files:
            if name.endswith(".py"):
                out.append(os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/"))
    return out
