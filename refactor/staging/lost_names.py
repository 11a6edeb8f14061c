"""The lost-name gate: every use of a name a stage removed must still reach a definition afterwards.

Independent of the site search and of the codemods: every file whose text names a removed name is
read again on the changed tree, with Python's own `ast` and `symtable`, and each way its code can reach
that name is resolved before and after the stage:
  - a bare name no binding of the file provides, read through `from m import *` (chains of them, and
    an `__all__` built by them, included);
  - `from m import Name` (at any depth, relative or not);
  - an attribute chain through an imported module or package, `pkg.mod.Name`, `alias.Name`;
  - a string that spells a dotted path exactly, `"pkg.mod.Name"`.
A use that resolved before the stage and does not after is lost: the stage fails with each one. Uses that
did not resolve before (already broken) are not the stage's doing.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import hashlib
import re
import symtable
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from codemods.framework.relative import absolute_module, package_of
from refactor.analysis.project import Project
from refactor.reading.cache import code_digest
from refactor.reading.parse import decode
from refactor.reading.reader import content_digest
from refactor.reading.workers import in_workers

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Use:
    line: int
    how: str                  # star | from | attribute | string
    module: str               # where the name is looked up ("" for a star use: see `stars`)
    name: str
    text: str
    stars: tuple[str, ...] = ()   # for a star use: the modules the file star-imports


def lost_uses(before: Project, after: Project, names: Iterable[str], *, among: Iterable[str] = ()) -> list[str]:
    """`path:line: ...` for each use of `names` on the changed tree (`after`) that resolved before the stage
    (`before`: the tree as it was, its facts of every changed file read before the change) and does not
    now. Files that do not parse are not read here (they are reported as such). `among`: more names the
    uses are read for (those of every stage of a plan), so that what one stage reads serves the next."""
    words = frozenset(n for n in names if n)
    out = []
    for path, uses in read_uses(after, words, among=among).items():
        for use in uses:
            if use.name in words and resolves(after, use) is False and resolves(before, use) is True:
                out.append(f"{path}:{use.line}: {use.text} reached {use.name} before this stage and reaches "
                           f"nothing now ({_how(use)})")
    return sorted(set(out))


def read_uses(project: Project, names: Iterable[str], *, among: Iterable[str] = ()) -> dict[str, list[Use]]:
    """The uses of `names` (and of `among`) in each file of `project` whose text names one of `names`. They
    are kept by content: a later stage or run finds a file it did not change read already."""
    words = frozenset(n for n in names if n)
    if not words:
        return {}
    paths = project.reader.search(sorted(words), [f.path for f in project.files])
    return _uses(project, paths, words | {n for n in among if n})


_PARALLEL_FILES = 32   # fewer files than this are read here rather than in worker processes


@functools.cache
def _code() -> str:
    here = Path(__file__).resolve()
    return code_digest([here, here.parent.parent / "reading" / "parse.py",
                        here.parent.parent.parent / "codemods" / "framework" / "relative.py"])


def _uses(project: Project, paths: list[str], names: frozenset[str]) -> dict[str, list[Use]]:
    """Each file's uses of `names`: kept by content, so a file no stage changed is read once (by this run
    or an earlier one), whatever the stages in between."""
    prefix = "uses:" + hashlib.blake2b(repr((_code(), sorted(names))).encode(), digest_size=12).hexdigest() + ":"

    def key(digest: str, module: str, is_package: bool) -> str:
        return f"{prefix}{digest}:{module}:{is_package:d}"

    reader = project.reader
    items = [(path, project.by_path[path].module, project.by_path[path].is_package) for path in paths]
    keys = {path: key(reader.digest(path), module, is_package) for path, module, is_package in items}
    kept = reader.answers(list(keys.values()))
    found = {path: uses for path, k in keys.items() if (uses := _kept(kept.get(k))) is not None}
    items = [item for item in items if item[0] not in found]
    if reader.jobs > 1 and len(items) >= _PARALLEL_FILES:
        size = max(8, len(items) // (reader.jobs * 4))
        read = [row for rows in in_workers(reader.jobs, _uses_batch, [(str(project.root), items[i:i + size], names)
                                                                      for i in range(0, len(items), size)])
                for row in rows]
    else:
        read = [(path, content_digest(data), file_uses(path, module, is_package, data, names))
                for path, module, is_package in items for data in (reader.data(path),)]
    new = {}
    for (path, digest, uses), (_, module, is_package) in zip(read, items):
        found[path] = uses
        if digest:   # (a file that could not be read has nothing kept)
            new[key(digest, module, is_package)] = [dataclasses.astuple(u) for u in uses]
    if new:
        reader.keep_answers(new)
    return {path: found[path] for path in paths if path in found}


def _kept(rows: object) -> list[Use] | None:
    """Uses as the cache kept them, or None for a miss (nothing kept, or rows of another shape)."""
    try:
        return [Use(*row) for row in rows]   # type: ignore[union-attr]
    except TypeError:
        return None


def _uses_batch(job: tuple[str, list[tuple[str, str, bool]], frozenset[str]]) -> list[tuple[str, str, list[Use]]]:
    """In a worker process: each file read from disk, its content hash ("" when it cannot be read) and
    its uses."""
    root, items, words = job
    out = []
    for path, module, is_package in items:
        try:
            data = (Path(root) / path).read_bytes()
        except OSError:
            out.append((path, "", []))
            continue
        out.append((path, content_digest(data), file_uses(path, module, is_package, data, words)))
    return out


def file_uses(path: str, module: str, is_package: bool, data: bytes, names: frozenset[str]) -> list[Use]:
    """The uses of `names` in one file's source (none when it does not parse). A file that writes none of
    them as a word (only inside longer names, as a stage's renames leave them: `UnifiedName` for `Name`) is
    not parsed: every use writes the name whole."""
    try:
        text = decode(data, path)
        if not _as_word(names).search(text):
            return []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return uses_in(tree, functools.partial(_symbols, text, path), module, is_package, set(names))


@functools.lru_cache(maxsize=8)
def _as_word(names: frozenset[str]) -> re.Pattern[str]:
    """Any of `names` with no word character either side."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _symbols(text: str, path: str) -> symtable.SymbolTable | None:
    """The file's symbol table (a second compile: built only for a file with star imports)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return symtable.symtable(text, path, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _how(use: Use) -> str:
    return {"star": f"through `from {', '.join(use.stars)} import *`", "from": f"{use.module} does not bind it",
            "attribute": f"{use.module} does not bind it", "string": f"{use.module} does not bind it"}[use.how]


def resolves(project: Project, use: Use) -> bool | None:
    """Whether `use` reaches a binding in `project`; None when that cannot be told (a module outside the
    project, or one that binds names its source does not show)."""
    modules = use.stars if use.how == "star" else (use.module,)
    unknown = False
    for module in modules:
        if not project.module_exists(module):
            if not project.is_internal(module):
                unknown = True
            continue
        if project.names_are_open(module):
            unknown = True
        if use.name in project.exports(module) or project.module_exists(f"{module}.{use.name}"):
            return True
    return None if unknown else False


def uses_in(tree: ast.Module, table: Callable[[], symtable.SymbolTable | None], module: str, is_package: bool,
            names: set[str]) -> list[Use]:
    """Every use in one file of the `names`, as `Use`s to resolve; `table()` gives the file's symbol table
    (asked only when the file has star imports)."""
    out: list[Use] = []
    stars, aliases = [], {}   # star-imported modules; local name -> module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = absolute_module("." * node.level + (node.module or ""), package_of(module, is_package))
            if not source:
                continue
            for alias in node.names:
                if alias.name == "*":
                    stars.append(source)
                elif alias.name in names:
                    out.append(Use(node.lineno, "from", source, alias.name, f"from {source} import {alias.name}"))
                else:
                    aliases.setdefault(alias.asname or alias.name, f"{source}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases.setdefault(alias.asname, alias.name)
                else:
                    aliases.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
    symbols = table() if stars else None
    unbound = _unbound_globals(symbols, names) if symbols is not None else set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in unbound and isinstance(node.ctx, ast.Load) and stars:
            out.append(Use(node.lineno, "star", "", node.id, node.id, tuple(stars)))
            unbound.discard(node.id)   # (once per name is enough to tell)
        elif isinstance(node, ast.Attribute) and node.attr in names and isinstance(node.ctx, ast.Load):
            chain = _chain(node.value)
            if chain and chain[0] in aliases:
                target = ".".join([aliases[chain[0]], *chain[1:]])
                out.append(Use(node.lineno, "attribute", target, node.attr, f"{'.'.join(chain)}.{node.attr}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _DOTTED.match(node.value):
            head, _, last = node.value.rpartition(".")
            if last in names and head.count(".") >= 1:
                out.append(Use(node.lineno, "string", head, last, f'"{node.value}"'))
    return out


def _chain(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _unbound_globals(table: symtable.SymbolTable, names: set[str]) -> set[str]:
    """Of `names`, those the file reads as globals without binding them itself (so from a star import)."""
    top = {s.get_name(): s for s in table.get_symbols()}
    bound = {n for n, s in top.items() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read: set[str] = set()
    stack = [table]
    while stack:
        scope = stack.pop()
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if name in names and symbol.is_referenced() and (scope is table or symbol.is_global()):
                read.add(name)
        stack.extend(scope.get_children())
    return read - bound - _BUILTINS
