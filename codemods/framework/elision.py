"""What LibCST reads of a file: the statements a stage can concern, the rest masked line by line.

LibCST's parse and scope analysis cost grows with the whole file, while a stage edits only what
names its words (the names it renames or deletes, their targets, the modules it changes). `elide`
masks, inside function and class bodies, every statement that names none of them. A masked statement
becomes an opaque call on its first line and marker comments on the others, so the module keeps its
line numbers and its blocks their shape (an edit that asks whether a block holds only imports, or a
handler only rebinds, gets the answer the whole file gives), and the codemods read far fewer nodes.
The call reads the imported names the statement read and is assigned to those it bound
(`json = __elided__(sys)`), so each import is used, and each read finds a binding, as in the whole
file. Import statements and module-level statements always stay: they are what the unused-import
edit, the bindings the edits check and the import placement reason about.

A masked statement must not matter to any edit, so a file has more words than its stage. A statement
that names a word (an anchor) can be edited; what it binds must stay in view wherever it is read,
and so must the imports read by the parts of it an edit can remove (the handlers of a `try`, the
condition of an `if`):
  - an import such a part reads, or an anchor binds: in the whole file;
  - a name a module-level anchor binds, or one declared `global` or `nonlocal`: in the whole file;
  - a name an anchor binds in a function or class body (`module = import_module(...)`): in that body.
An import of a module a renamed name is imported through binds what sites read: it is an anchor.

`View.restore` puts the masked lines back into the edited text. It answers None when the edits did
anything to a masked line (removed, moved or re-indented it): the caller then edits the whole file.
Files the view does not suit get no view: files Python cannot parse here, and files with a star
import (whose names any statement may use).
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import itertools
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from codemods.framework.context import StageIndex
from codemods.framework.gates import python_parse

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_INDENT = re.compile(r"[ \t\f]*")
_IDENTIFIER = r"(?<![\w])(?:{})(?![\w])"
_BLOCKS = ("body", "orelse", "finalbody")
Masked = dict[int, tuple[str, str]]  # line -> (indent, statement): the placeholder on a masked run's first line
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class View:
    """A file as the codemods read it: `text`, where each line numbered in `masked` is a marker."""

    text: str
    original: str
    masked: tuple[int, ...]
    marker: str  # "# refactor-elided:<digest of the file>:" (the line number follows)

    def restore(self, edited: str) -> str | None:
        """`edited` (the codemods' output for `text`) with the masked lines as the file had them; None when
        the edits removed, moved, repeated or changed a marker line."""
        view, original = _lines(self.text), _lines(self.original)
        expected = iter(self.masked)
        out = []
        for line in _lines(edited):
            if self.marker not in line:
                out.append(line)
                continue
            number = next(expected, None)
            if number is None or line != view[number - 1]:
                return None
            out.append(original[number - 1])
        if next(expected, None) is not None:
            return None
        return "".join(out)


def elide(text: str, words: Collection[str], modules: Collection[str] = ()) -> View | None:
    """The view of `text` for a stage whose words are `words`; None when nothing can be masked. An import
    naming one of `modules` (last names of modules names are imported through) binds what sites read."""
    if not words or "*" in text and re.search(r"\bimport\s*\*", text):
        return None
    try:
        tree = python_parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = _lines(text)
    found = _Found(text, lines, words)
    anchors = _Anchors(tree, found, frozenset(modules))
    found = found.narrowed(anchors.file_words() - set(words), 1, len(lines))
    masker = _Masker(anchors, lines)
    for node in tree.body:
        masker.inside(node, found)
    masked = masker.masked
    if not masked:
        return None
    marker = f"# refactor-elided:{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}:"
    view = list(lines)
    for number, (indent, statement) in masked.items():
        line = lines[number - 1]
        end = line[len(line.rstrip("\r\n")):]
        view[number - 1] = f"{indent}{statement}{marker}{number}{end}"
    return View("".join(view), text, tuple(sorted(masked)), marker)


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (ends at `\\n`, `\\r\\n` or `\\r`), each with its end."""
    return _LINES.findall(text)


class _Found:
    """Which lines name a word: the words searched in lines `first` to `last`, over those of `parent`."""

    def __init__(self, text: str, lines: list[str], words: Collection[str], first: int = 1,
                 last: int | None = None, parent: _Found | None = None) -> None:
        self.text, self.lines, self.parent = text, lines, parent
        if parent is None:
            self.starts = [0]
            for line in lines:
                self.starts.append(self.starts[-1] + len(line))
        else:
            self.starts = parent.starts
        self.first, self.last = first, len(lines) if last is None else last
        pattern = re.compile(_IDENTIFIER.format("|".join(map(re.escape, sorted(words, key=len, reverse=True)))))
        matches = pattern.finditer(text, self.starts[first - 1], self.starts[self.last])
        self._marks = _Marks(self.first, self.last, (bisect.bisect_right(self.starts, match.start()) for match in matches))

    def narrowed(self, words: Collection[str], first: int, last: int) -> _Found:
        """These lines, and in lines `first` to `last` also `words`."""
        return _Found(self.text, self.lines, words, first, last, self) if words else self

    def any(self, first: int, last: int) -> bool:
        """Whether lines `first` to `last` (1-based, inclusive) name a word."""
        low, high = max(first, self.first), min(last, self.last)
        return (low <= high and self._marks.any(low, high)) or (self.parent is not None and self.parent.any(first, last))


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno] + [d.lineno for d in decorators]) if decorators else node.lineno


_Owner = ast.AST | None  # the function or class whose body a statement is in; None: the module
_BINDERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.MatchAs, ast.MatchStar)
_TRY_STAR = (ast.TryStar,) if hasattr(ast, "TryStar") else ()


class _Anchors:
    """What the statements an edit can change bind, and the names of the parts an edit can remove.

    An anchor is a statement that names a word. What it binds matters where the binding is read. An
    edit removes parts of only two kinds of statement (an emptied `if` goes with its condition, a
    collapsed `try` without its handlers), so those are taken whole, with the names they use; the other
    compound statements (`with`, `for`, `while`, `match`) give their headers' bindings and are looked
    into, block by block. A definition that names a word in its header gives its name and parameters.
    """

    def __init__(self, tree: ast.Module, found: _Found, modules: frozenset[str]) -> None:
        self.modules = modules
        self.bound: dict[_Owner, set[str]] = {}
        self.used: set[str] = set()
        self.imported: set[str] = set()
        self.declared_global: set[str] = set()
        import_lines = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imported.update(_imported(node))
                import_lines.append(node.lineno)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self.declared_global.update(node.names)
        self.imports = _Marks(1, len(found.lines), import_lines)
        self._body(tree.body, None, found)

    def file_words(self) -> set[str]:
        """Names that matter wherever they appear: imports a removable part uses (an edit can leave them
        unused), what module-level anchors bind, and globals any anchor binds."""
        bound = set().union(*self.bound.values()) if self.bound else set()
        return (self.imported & self.used) | self.bound.get(None, set()) | (bound & self.declared_global)

    def local_words(self, owner: ast.AST) -> set[str]:
        """Names an anchor in this function or class body binds: they matter within it."""
        return self.bound.get(owner, set())

    def _body(self, body: list[ast.stmt], owner: _Owner, found: _Found) -> None:
        for node in body:
            if not found.any(_first_line(node), node.end_lineno) and not self._reads_module(node):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if found.any(_first_line(node), node.body[0].lineno - 1):
                    self.bound.setdefault(owner, set()).add(node.name)
                    if not isinstance(node, ast.ClassDef):
                        self._take(ast.walk(node.args), node, uses=False)
                self._body(node.body, node, found)
            elif isinstance(node, (ast.If, ast.Try, *_TRY_STAR)):
                self._take(ast.walk(node), owner, uses=True)
            elif any(True for _ in _child_blocks(node)):
                header = [value for field, value in ast.iter_fields(node) if field not in (*_BLOCKS, "cases")]
                self._take((inner for part in header for inner in _walk_all(part)), owner, uses=False)
                for block in _child_blocks(node):
                    self._body(block, owner, found)
            else:
                self._take(ast.walk(node), owner, uses=False)

    def _reads_module(self, node: ast.stmt) -> bool:
        """An import of one of the modules (or from one): the module it binds is what `module.Name` reads."""
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or not self.modules:
            return False
        dotted = [alias.name for alias in node.names] + ([node.module] if getattr(node, "module", None) else [])
        return any(part in self.modules for name in dotted for part in name.split("."))

    def _take(self, nodes: Iterable[ast.AST], owner: _Owner, *, uses: bool) -> None:
        bound = self.bound.setdefault(owner, set())
        for node in nodes:
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Store):
                    bound.add(node.id)
                elif uses:
                    self.used.add(node.id)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update(_imported(node))
            elif isinstance(node, _BINDERS) and node.name:
                bound.add(node.name)


def _walk_all(value: object) -> Iterator[ast.AST]:
    """Every node in a field's value (a node, a list of nodes, or neither)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, ast.AST):
            yield from ast.walk(item)


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    return {alias.asname or alias.name.partition(".")[0] for alias in node.names if alias.name != "*"}


class _Masker:
    """Marks the lines to mask (`masked`), one definition body at a time."""

    def __init__(self, anchors: _Anchors, lines: list[str]) -> None:
        self.anchors, self.lines = anchors, lines
        self.masked: Masked = {}

    def inside(self, node: ast.stmt, found: _Found) -> None:
        """Mask in the bodies of the definitions within a module-level statement (its own lines stay)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node, found)
            return
        for block in _child_blocks(node):
            for child in block:
                self.inside(child, found)

    def definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, found: _Found) -> None:
        local = self.anchors.local_words(node)
        self.block(node.body, found.narrowed(local, _first_line(node), node.end_lineno))

    def block(self, block: list[ast.stmt], found: _Found) -> None:
        """Inside a definition: mask each statement (with any sharing its lines) naming no word; within
        those that stay, do the same one block down."""
        lines = self.lines
        if _shares_line(block[0], lines):
            return  # `def f(): return 1`: the body sits on the header's line
        groups: list[list[ast.stmt]] = []
        for node in block:
            if groups and (_shares_line(node, lines) or _first_line(node) <= groups[-1][-1].end_lineno):
                groups[-1].append(node)
            else:
                groups.append([node])
        imports = self.anchors.imports  # an import stays: the unused-import edit reasons about each one
        kept = [any(found.any(_first_line(node), node.end_lineno) or imports.any(_first_line(node), node.end_lineno)
                    for node in group) for group in groups]
        for group, keep in zip(groups, kept):
            if keep:
                for node in group:
                    self.kept(node, found)
                continue
            first = _first_line(group[0])
            indent = _INDENT.match(lines[first - 1]).group()
            self.masked[first] = (indent, _placeholder(group, self.anchors.imported))
            for number in range(first + 1, group[-1].end_lineno + 1):
                self.masked[number] = (indent, "")

    def kept(self, node: ast.stmt, found: _Found) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node, found)
            return
        for block in _child_blocks(node):
            if len(block) == 1 and _clause(block[0], self.lines):
                self.kept(block[0], found)  # `elif`: a clause of this statement, not a statement
            else:
                self.block(block, found)


def _placeholder(group: list[ast.stmt], imported: set[str]) -> str:
    """The statement standing for a masked run: it reads and binds the imported names the run reads and
    binds, so which import is used, and which binding a read finds, is as in the whole file."""
    reads = {node.id for stmt in group for node in ast.walk(stmt)
             if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store) and node.id in imported}
    binds: set[str] = set()
    pending: list[ast.AST] = list(group)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in imported:
            binds.add(node.id)
        elif isinstance(node, _SCOPES):
            binds.update({getattr(node, "name", None)} & imported)  # a definition binds its name, here
        else:
            pending.extend(ast.iter_child_nodes(node))
    targets = "".join(f"{name} = " for name in sorted(binds))
    return f"{targets}__elided__({', '.join(sorted(reads))})  "


class _Marks:
    """Marked line numbers among lines `first` to `last`, summed for range queries within them."""

    def __init__(self, first: int, last: int, marked: Iterable[int]) -> None:
        self.first = first
        hits = [0] * (last - first + 2)
        for number in marked:
            hits[number - first + 1] = 1
        self._sums = list(itertools.accumulate(hits))

    def any(self, first: int, last: int) -> bool:
        return self._sums[last - self.first + 1] - self._sums[first - self.first] > 0


def _child_blocks(node: ast.AST) -> Iterator[list[ast.stmt]]:
    for name in _BLOCKS:
        block = getattr(node, name, None)
        if block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def _clause(node: ast.stmt, lines: list[str]) -> bool:
    """An `if` written as the `elif` of the statement above."""
    return isinstance(node, ast.If) and lines[node.lineno - 1].lstrip().startswith("elif")


def _shares_line(node: ast.stmt, lines: list[str]) -> bool:
    """Whether something stands before the statement on its first line (a header's colon, a `;`)."""
    line = lines[_first_line(node) - 1].encode("utf-8", "surrogatepass")
    column = node.col_offset if not getattr(node, "decorator_list", None) else node.decorator_list[0].col_offset - 1
    return line[:column].strip() not in (b"", b"@")


def stage_words(stage: StageIndex) -> frozenset[str]:
    """The words of a stage: the names it renames or deletes and the names they become, and the last names
    of the modules it deletes from, removes or moves, and of the modules names move to. (A module a name
    is only imported through is not a word: every read of the name through it names the name.)"""
    spec = stage.spec
    words = {name for rename in spec.renames for name in (rename.old_name, rename.new_name)}
    modules = {rename.new_module for rename in spec.renames} | set(spec.removable_modules) | set(stage.gone)
    modules |= {module for module, _ in spec.delete_definitions} | {m for move in spec.module_moves for m in move}
    words |= {name for _, names in spec.delete_definitions for name in names}
    words |= {name for _, old, _, new in spec.same_objects for name in (old, new)}
    words |= {name for (_, old), new in stage.local_renames.items() for name in (old, new)}
    return frozenset(words | {module.rpartition(".")[2] for module in modules})


def stage_modules(stage: StageIndex) -> frozenset[str]:
    """The last names of the modules the stage's names are imported through (`from pkg import module`
    binds what `module.Name` reads)."""
    return frozenset(rename.old_module.rpartition(".")[2] for rename in stage.spec.renames)
