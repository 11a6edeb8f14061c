"""What LibCST reads of a file: the statements a stage can concern, the rest masked.

LibCST's parse and scope analysis cost grows with the whole file, while a stage edits only what
names its words (the names it renames or deletes, their targets, the modules it changes). `elide`
masks, inside function and class bodies, every statement that names none of them. A run of masked
statements becomes one line: an opaque call, with a marker comment naming the run. The blocks keep
their shape (an edit that asks whether a block holds only imports, or a handler only rebinds, gets
the answer the whole file gives), and the codemods read far fewer nodes. The call reads the imported
names the run read and is assigned to those it bound (`json = __elided__(sys)`), so each import is
used, and each read finds a binding, as in the whole file. Import statements and module-level
statements always stay: they are what the unused-import edit, the bindings the edits check and the
import placement reason about. `View.original_line` gives a view's line in the file's numbering.

A masked statement must not matter to any edit, so a file has more words than its stage. A module's
last name counts where it can name the module: in a string, an import, or an attribute read through
an imported name (`pkg.legacy`), not as a local variable's name. And what a statement that names a
word (an anchor) binds must stay in view wherever it is read, when it can hold what the stage
concerns:
  - a module or a name of the stage an import binds (`from pkg import legacy`, `import Old as Alias`),
    what a module-level anchor assigns, and a name declared `global` or `nonlocal`: in the whole file;
  - what an anchor assigns in a function or class body (`module = import_module(...)`): in that body.
An import of a module a renamed name is imported through (`from pkg import compat`) is an anchor.

`View.restore` puts the masked lines back into the edited text. It answers None when the edits did
anything to a placeholder (removed, reordered or re-indented it): the caller then edits the whole file.
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
Run = tuple[int, int, str, str]  # a masked run: first and last line, indent, placeholder statement
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class View:
    """A file as the codemods read it: `text`, where each masked run of the file's lines (`runs`, first and
    last line numbers) stands as one placeholder line carrying `marker` and the run's index."""

    text: str
    original: str
    runs: tuple[tuple[int, int], ...]
    marker: str  # "# refactor-elided:<digest of the file>:" (the run's index follows)

    @property
    def masked(self) -> tuple[int, ...]:
        """The file's line numbers the view masks."""
        return tuple(number for first, last in self.runs for number in range(first, last + 1))

    def original_line(self, line: int) -> int:
        """The file's line number of the view's `line` (a placeholder: its run's first line)."""
        shift = 0
        for first, last in self.runs:
            if first - shift > line:
                break
            if first - shift == line:
                return first
            shift += last - first
        return line + shift

    def restore(self, edited: str) -> str | None:
        """`edited` (the codemods' output for `text`) with each run's lines as the file had them; None when
        the edits removed, reordered, repeated or changed a placeholder line (re-indented it, say)."""
        view, original = _lines(self.text), _lines(self.original)
        expected = iter(enumerate(self.runs))
        placeholders = [line for line in view if self.marker in line]
        out = []
        for line in _lines(edited):
            if self.marker not in line:
                out.append(line)
                continue
            index, (first, last) = next(expected, (None, (0, 0)))
            if index is None or line != placeholders[index]:
                return None
            out.extend(original[first - 1:last])
        if next(expected, None) is not None:
            return None
        return "".join(out)


def elide(text: str, words: Words) -> View | None:
    """The view of `text` for a stage with these words; None when nothing can be masked."""
    if not words.names or "*" in text and re.search(r"\bimport\s*\*", text):
        return None
    try:
        tree = python_parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = _lines(text)
    starts = _line_starts(lines)
    scan = _Scan(tree, words, text, starts)
    found = _Found(text, lines, words.names, starts, marked=scan.module_lines)
    anchors = _Anchors(tree, found, scan, words)
    found = found.narrowed(anchors.file_words() - words.names, 1, len(lines))
    masker = _Masker(anchors, lines)
    for node in tree.body:
        masker.inside(node, found)
    if not masker.runs:
        return None
    marker = f"# refactor-elided:{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}:"
    runs = sorted(masker.runs)
    view, done = [], 0
    for index, (first, last, indent, statement) in enumerate(runs):
        end = lines[last - 1][len(lines[last - 1].rstrip("\r\n")):]
        view += lines[done:first - 1]
        view.append(f"{indent}{statement}{marker}{index}{end}")
        done = last
    view += lines[done:]
    return View("".join(view), text, tuple((first, last) for first, last, _, _ in runs), marker)


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (ends at `\\n`, `\\r\\n` or `\\r`), each with its end."""
    return _LINES.findall(text)


def _line_starts(lines: list[str]) -> list[int]:
    """Where each line starts in the text, and where the text ends (the last entry)."""
    return list(itertools.accumulate((len(line) for line in lines), initial=0))


class _Found:
    """Which lines name a word: the words searched in lines `first` to `last`, over those of `parent`."""

    def __init__(self, text: str, lines: list[str], words: Collection[str], starts: list[int], first: int = 1,
                 last: int | None = None, parent: _Found | None = None, marked: Iterable[int] = ()) -> None:
        self.text, self.lines, self.parent, self.starts = text, lines, parent, starts   # (see `_line_starts`)
        self.first, self.last = first, len(lines) if last is None else last
        pattern = re.compile(_IDENTIFIER.format("|".join(map(re.escape, sorted(words, key=len, reverse=True)))))
        matches = pattern.finditer(text, self.starts[first - 1], self.starts[self.last])
        numbers = (bisect.bisect_right(self.starts, match.start()) for match in matches)
        self._marks = _Marks(self.first, self.last, itertools.chain(numbers, marked))

    def narrowed(self, words: Collection[str], first: int, last: int) -> _Found:
        """These lines, and in lines `first` to `last` also `words`."""
        return _Found(self.text, self.lines, words, self.starts, first, last, self) if words else self

    def any(self, first: int, last: int) -> bool:
        """Whether lines `first` to `last` (1-based, inclusive) name a word."""
        low, high = max(first, self.first), min(last, self.last)
        return (low <= high and self._marks.any(low, high)) or (self.parent is not None and self.parent.any(first, last))


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno] + [d.lineno for d in decorators]) if decorators else node.lineno


_Owner = ast.AST | None  # the function or class whose body a statement is in; None: the module


class _Anchors:
    """What the statements that name a word (anchors) bind, where it holds something the stage concerns.

    A simple statement that names a word binds what it assigns (`module = import_module("...")`, `Old =
    Legacy`); a compound statement, what its header assigns when the header names a word (`with ... as
    m:`), and its blocks are looked into; an import, the modules the stage concerns it binds (`from pkg
    import legacy`: what `legacy.Name` reads). Definitions bind nothing of the kind: their bodies are
    looked into. (Which import is used needs no word: a masked statement's placeholder reads them.)
    """

    def __init__(self, tree: ast.Module, found: _Found, scan: _Scan, words: Words) -> None:
        self.bound: dict[_Owner, set[str]] = {}
        self.modules = words.modules | words.through
        self.names = words.names
        self.imported, self.declared_global = scan.imported, scan.declared_global
        self.imports = _Marks(1, len(found.lines), scan.import_lines)
        self._body(tree.body, None, found)

    def file_words(self) -> set[str]:
        """Names that matter wherever they appear: what module-level anchors bind, and globals any binds."""
        bound = set().union(*self.bound.values()) if self.bound else set()
        return self.bound.get(None, set()) | (bound & self.declared_global)

    def local_words(self, owner: ast.AST) -> set[str]:
        """Names an anchor in this function or class body binds: they matter within it."""
        return self.bound.get(owner, set())

    def _body(self, body: list[ast.stmt], owner: _Owner, found: _Found) -> None:
        for node in body:
            if not found.any(_first_line(node), node.end_lineno):
                continue
            bound = self.bound.setdefault(owner, set())
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._body(node.body, node, found)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update(self._import_bound(node))
            elif any(True for _ in _child_blocks(node)):
                blocks = list(_child_blocks(node))
                if found.any(node.lineno, min(block[0].lineno for block in blocks) - 1):
                    header = [value for name, value in ast.iter_fields(node) if name not in (*_BLOCKS, "cases")]
                    bound.update(_stored(inner for part in header for inner in _walk_all(part)))
                for block in blocks:
                    self._body(block, owner, found)
            else:
                bound.update(_stored(_walk([node])))

    def _import_bound(self, node: ast.Import | ast.ImportFrom) -> set[str]:
        """The local names of the stage's modules, and of its names (`import Old as Alias`: every read of
        `Alias` is a site), an import binds."""
        if isinstance(node, ast.ImportFrom):
            return {alias.asname or alias.name for alias in node.names
                    if alias.name in self.modules or alias.name in self.names}
        return {alias.asname or alias.name.partition(".")[0] for alias in node.names
                if self.modules.intersection(alias.name.split("."))}


def _stored(nodes: Iterable[ast.AST]) -> set[str]:
    return {node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _walk_all(value: object) -> Iterator[ast.AST]:
    """Every node in a field's value (a node, a list of nodes, or neither)."""
    return _walk([item for item in (value if isinstance(value, list) else [value]) if isinstance(item, ast.AST)])


def _walk(nodes: list[ast.AST]) -> Iterator[ast.AST]:
    """Every node within `nodes` (themselves included), in no particular order; an expression's context
    (`Load`, `Store`) is not a node here."""
    pending = list(nodes)
    while pending:
        node = pending.pop()
        yield node
        pending.extend(_children(node))


def _children(node: ast.AST) -> list[ast.AST]:
    fields = _FIELDS.get(node.__class__)
    if fields is None:
        fields = _FIELDS[node.__class__] = tuple(name for name in node._fields if name != "ctx")
    out = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}   # node type -> its fields that can hold nodes (all but `ctx`)


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    return {alias.asname or alias.name.partition(".")[0] for alias in node.names if alias.name != "*"}


class _Masker:
    """Finds the runs of statements to mask (`runs`), one definition body at a time."""

    def __init__(self, anchors: _Anchors, lines: list[str]) -> None:
        self.anchors, self.lines = anchors, lines
        self.runs: list[Run] = []

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
        for keep, run in itertools.groupby(zip(groups, kept), key=lambda pair: pair[1]):
            statements = [node for group, _ in run for node in group]
            if keep:
                for node in statements:
                    self.kept(node, found)
                continue
            first = _first_line(statements[0])
            indent = _INDENT.match(lines[first - 1]).group()
            placeholder = _placeholder(statements, self.anchors.imported, self.anchors.declared_global, lines)
            self.runs.append((first, statements[-1].end_lineno, indent, placeholder))

    def kept(self, node: ast.stmt, found: _Found) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node, found)
            return
        for block in _child_blocks(node):
            if len(block) == 1 and _clause(block[0], self.lines):
                self.kept(block[0], found)  # `elif`: a clause of this statement, not a statement
            else:
                self.block(block, found)


def _placeholder(group: list[ast.stmt], imported: set[str], declared: set[str], lines: list[str]) -> str:
    """The statement standing for a masked run of statements: it reads and binds the imported names they
    read and bind, so which import is used, and which binding a read finds, is as in the whole file. (A
    name `declared` `global` or `nonlocal` somewhere is not bound: binding it here could make it local.)
    Only statements whose lines write one of the imported names are walked."""
    reads: set[str] = set()
    binds: set[str] = set()
    pending: list[tuple[ast.AST, bool]] = [(node, False) for node in group   # (node, in a nested scope)
                                           if _may_name(node, lines, imported)]
    while pending:
        node, nested = pending.pop()
        if node.__class__ is ast.Name:
            if node.id in imported:
                stored = node.ctx.__class__ is ast.Store
                if not stored:
                    reads.add(node.id)
                elif not nested:
                    binds.add(node.id)
            continue
        if not nested and isinstance(node, _SCOPES):
            binds.update({getattr(node, "name", None)} & imported)  # a definition binds its name, here
            nested = True
        pending.extend((child, nested) for child in _children(node))
    targets = "".join(f"{name} = " for name in sorted(binds - declared))
    return f"{targets}__elided__({', '.join(sorted(reads))})  "


def _may_name(node: ast.stmt, lines: list[str], names: set[str]) -> bool:
    """Whether the statement's lines write one of `names` as a word (an identifier is written as `ast` reads
    it, unless it holds characters Python normalizes: then the answer is yes)."""
    text = "".join(lines[_first_line(node) - 1:node.end_lineno])
    return not text.isascii() or not names.isdisjoint(_WORD.findall(text))


_WORD = re.compile(r"[A-Za-z_]\w*")


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


@dataclass(frozen=True)
class Words:
    """What a stage's edits can concern in a file, by where an occurrence counts."""

    names: frozenset[str]    # names it renames or deletes and the names they become: anywhere
    modules: frozenset[str]  # last names of the modules it changes: in strings, imports, reads through imports
    through: frozenset[str] = frozenset()  # last names of modules names are imported through: in imports


def view_words(stage: StageIndex) -> Words:
    """The words of a stage. Its modules are those it deletes from, removes or moves, and those names move
    to; a module a name is only imported through counts in imports only (every read of the name through
    it names the name, but `from pkg import module` binds what `module.Name` reads)."""
    spec = stage.spec
    names = {name for rename in spec.renames for name in (rename.old_name, rename.new_name)}
    names |= {name for _, deleted in spec.delete_definitions for name in deleted}
    names |= {name for _, old, _, new in spec.same_objects for name in (old, new)}
    names |= {name for (_, old), new in stage.local_renames.items() for name in (old, new)}
    modules = {rename.new_module for rename in spec.renames} | set(spec.removable_modules) | set(stage.gone)
    modules |= {module for module, _ in spec.delete_definitions} | {m for move in spec.module_moves for m in move}
    through = {rename.old_module for rename in spec.renames}
    return Words(frozenset(names), frozenset(_last_names(modules)), frozenset(_last_names(through)))


def _last_names(modules: Iterable[str]) -> set[str]:
    return {module.rpartition(".")[2] for module in modules}


class _Scan:
    """One walk over a file's statements: its imports, its `global`/`nonlocal` names, and the lines where a
    module word counts (a string holding it, an import naming it, an attribute read of it through an
    imported name). Expressions are walked only in statements whose lines may hold such a string or
    attribute (`_written`)."""

    def __init__(self, tree: ast.Module, words: Words, text: str, starts: list[int]) -> None:
        self.imported: set[str] = set()
        self.declared_global: set[str] = set()
        self.import_lines: list[int] = []
        self.module_lines: list[int] = []
        in_imports = words.modules | words.through
        pattern = re.compile(_IDENTIFIER.format("|".join(map(re.escape, sorted(words.modules))))) \
            if words.modules else None
        written = _written(text, starts, words.modules) if words.modules else None
        reads: list[tuple[ast.Attribute, str]] = []
        for statement in _statements(tree.body):
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                self.imported.update(_imported(statement))
                self.import_lines.append(statement.lineno)
                dotted = [alias.name for alias in statement.names] + (
                    [statement.module] if getattr(statement, "module", None) else [])
                if any(part in in_imports for name in dotted for part in name.split(".")):
                    self._mark(statement)
                continue
            if isinstance(statement, (ast.Global, ast.Nonlocal)):
                self.declared_global.update(statement.names)
                continue
            if written is None or not written.any(_first_line(statement), statement.end_lineno):
                continue
            for node in _walk(_expressions(statement)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if pattern.search(node.value):
                        self._mark(node)
                elif isinstance(node, ast.Attribute) and node.attr in words.modules:
                    base = node.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name):
                        reads.append((node, base.id))
        for node, base in reads:
            if base in self.imported:
                self._mark(node)

    def _mark(self, node: ast.AST) -> None:
        self.module_lines.extend(range(node.lineno, node.end_lineno + 1))


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement within `body`, nested blocks included."""
    pending = list(body)
    while pending:
        node = pending.pop()
        yield node
        for block in _child_blocks(node):
            pending.extend(block)


def _expressions(statement: ast.stmt) -> list[ast.AST]:
    """The nodes a statement holds itself (its header's, a simple statement's all): not its blocks'
    statements, but an `except` clause's type and a `case`'s pattern and guard."""
    out = []
    for name, value in ast.iter_fields(statement):
        if name in _BLOCKS:
            continue
        if name in ("handlers", "cases"):
            out.extend(child for holder in value for field, child in ast.iter_fields(holder)
                       if field != "body" and isinstance(child, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out


# where a string's value may hold what its source does not write out: an escape, a line continuation, or
# literals put side by side (`"pkg." "legacy"`, across lines and comments, with any prefix)
_SPLIT_STRING = re.compile(r"""\\|["'](?:[ \t\f\r\n]|#[^\r\n]*)*[rRbBuUfF]{0,2}["']""")


def _written(text: str, starts: list[int], modules: Collection[str]) -> _Marks:
    """The lines where a string may hold one of `modules` (or an attribute read name one): lines that
    write one out, and lines where a string's value may differ from its source (`_SPLIT_STRING`). A file
    that is not ASCII: every line (Python normalizes the identifiers it reads)."""
    count = len(starts) - 1   # (lines)
    if not text.isascii():
        return _Marks(1, count, range(1, count + 1))
    pattern = re.compile("|".join(map(re.escape, sorted(modules, key=len, reverse=True))))
    marked: list[int] = []
    for found in itertools.chain(pattern.finditer(text), _SPLIT_STRING.finditer(text)):
        first = bisect.bisect_right(starts, found.start())
        marked.extend(range(first, bisect.bisect_right(starts, max(found.end() - 1, found.start())) + 1))
    return _Marks(1, count, marked)
