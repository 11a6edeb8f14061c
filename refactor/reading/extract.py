"""Turn one file's source into `FileFacts`, with Python's own `ast` (fast).

Source that the running interpreter's `ast` rejects (newer syntax) is first read by LibCST and
lowered to equivalent older syntax with the same line numbers (`refactor.reading.lowering`).
"""

from __future__ import annotations

import ast
import bisect
import builtins
import dataclasses
import functools
import re
import symtable
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import NamedTuple

from codemods.framework.relative import absolute_module, package_of
from refactor.reading.facts import (
    MODULE_SCOPE,
    AssignFact,
    AttributeRef,
    Binding,
    ClassFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    StringRef,
    TopStatement,
)

_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\(?[^#\n]*)|import[ \t]+([^#\n]+))", re.M
)
_RELATIVE = re.compile(rb"[ \t]*from[ \t]+\.")
_DOTTED_STRING = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_IDENTIFIERS = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")   # a name, or a dotted one
_PATCH_FUNCS = ("patch", "setattr")
# what makes a line worth an expression walk (besides `<imported name>.`): these words, or a dotted string
_EXPRESSION_WORDS = tuple((word, re.compile(re.escape(word) + ending)) for word, ending in (
    ("patch", ""), ("setattr", ""), ("getattr", ""), ("hasattr", ""), ("import_module", ""), ("__import__", ""),
    ("__all__", ""), (".py", r"\b")))
_DOTTED_LITERAL = re.compile(r"""['"][A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,}['"]""")
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# statements that hold other statements (if, for, try, with, match, def, class, ...), in this Python
_COMPOUND = tuple(kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.stmt)
                  and {"body", "orelse", "finalbody", "handlers", "cases"} & set(kind._fields))


def _statements(body: list[ast.stmt], *, into_scopes: bool = True):
    """Every statement in `body`, depth first, without walking expressions (cheap)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if not isinstance(stmt, _COMPOUND) or (not into_scopes and isinstance(stmt, _NESTED_SCOPES)):
            continue
        children = []
        for field in ("body", "orelse", "finalbody"):
            children.extend(getattr(stmt, field, ()))
        for holder in (*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())):
            children.extend(holder.body)
        stack.extend(reversed([c for c in children if isinstance(c, ast.stmt)]))


@functools.lru_cache(maxsize=4096)
def _name_dot(name: str) -> re.Pattern:
    """`name` followed by a dot (spaces between allowed); the word boundary before it is the caller's."""
    return re.compile(rf"{re.escape(name)}\s*\.")


_BUILTINS = frozenset(dir(builtins))
_DISPATCH: dict[type, Callable] = {}   # node class -> the `_Collector` method that visits it


def imported_modules(module: str, is_package: bool, data: bytes, *, continued: bool = False) -> tuple[str, ...]:
    """The modules (and `module.name`s) a file's import lines name, sorted. `continued`: also the names of a
    parenthesized import on the lines after its first (as `ast` sees them)."""
    found: set[str] = set()
    package = package_of(module, is_package)
    for line in _import_lines(data, continued):
        # the same line recurs across files (`import os`): it is read once; only a relative one depends
        # on where it is
        names = _LINES.get(line)
        if names is None:
            if len(_LINES) > _LINES_KEPT:
                _LINES.clear()
            names = _LINES[line] = _line_kind(line)
        found.update(_line_imports(line, package) if names is _RELATIVE_LINE else names)
    return tuple(sorted(found))


_LINES: dict[bytes, tuple[str, ...]] = {}   # a line holding `import` -> what it imports (absolute)
_LINES_KEPT = 1 << 18
_RELATIVE_LINE: tuple[str, ...] = ("<relative>",)


def _line_kind(line: bytes) -> tuple[str, ...]:
    if _IMPORT_LINE.match(line) is None:
        return ()
    return _RELATIVE_LINE if _RELATIVE.match(line) else _line_imports(line, None)


@functools.lru_cache(maxsize=1 << 17)
def _line_imports(line: bytes, package: str | None) -> tuple[str, ...]:
    source, names, plain = _IMPORT_LINE.match(line).groups()
    found = []
    if plain is not None:
        for part in plain.decode("utf-8", "replace").split(","):
            token = part.strip().split(" ")[0].strip("()\\ ")
            if token:
                found.append(sys.intern(token))
        return tuple(found)
    base = absolute_module(source.decode("utf-8", "replace"), package or "")
    if base:
        found.append(sys.intern(base))
        for name in names.decode("utf-8", "replace").strip("()\\ ").split(","):
            name = name.strip().split(" ")[0].strip("()\\ ")
            if name and name != "*" and name.isidentifier():
                found.append(sys.intern(f"{base}.{name}"))
    return tuple(found)   # (interned: one string per module however many files import it, in memory and the cache)


def _import_lines(data: bytes, continued: bool = False) -> Iterator[bytes]:
    """Each line that contains `import` (a byte search finds them far faster than a multi-line pattern
    tried at every line start; an `_IMPORT_LINE` match never spans lines). `continued`: a line that opens a
    parenthesis after `import` and does not close it runs on, joined, to where it closes."""
    position = data.find(b"import")
    while position >= 0:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        if end < 0:
            end = len(data)
        line = data[start:end]
        if continued and b"(" in line[position - start:] and b")" not in line[position - start:]:
            close = data.find(b")", end)
            if close >= 0:
                line = _COMMENT.sub(b"", data[start:close + 1]).replace(b"\r", b" ").replace(b"\n", b" ")
                end = close
        elif continued and line.rstrip().endswith(b"\\"):   # continued with backslashes
            while end < len(data) and data[start:end].rstrip().endswith(b"\\"):
                following = data.find(b"\n", end + 1)
                end = len(data) if following < 0 else following
            line = data[start:end].replace(b"\\\r\n", b" ").replace(b"\\\n", b" ")
        yield line
        position = data.find(b"import", end)


_COMMENT = re.compile(rb"#[^\n]*")


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for Name/Attribute chains, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def parse_quietly(text: str, path: str = "<unknown>") -> ast.Module:
    """`ast.parse`, with the warnings compiling the user's code raises (`SyntaxWarning: invalid escape
    sequence`, ...) kept from the terminal: they are the file's business, not the run's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path, type_comments=False)


def facts_from_source(text: str, path: str, module: str, is_package: bool, *, parser: str = "ast") -> FileFacts:
    """Parse `text` with ast and collect every fact. Raises SyntaxError when ast rejects it."""
    tree = parse_quietly(text, path)
    collector = _Collector(module, is_package)
    collector.collect(tree, text)
    dynamic = _dynamic_names(tree)
    return FileFacts(
        path=path,
        module=module,
        is_package=is_package,
        full=True,
        imported_modules=tuple(sorted({i.module for i in collector.imports if i.module}
                                      | {f"{i.module}.{i.name}" for i in collector.imports
                                         if i.module and i.name and i.name != "*"})),
        imports=tuple(collector.imports),
        classes=tuple(collector.classes),
        assigns=tuple(collector.assigns),
        functions=tuple(collector.functions),
        bindings=tuple(collector.bindings),
        toplevel=tuple(collector.toplevel),
        all_names=tuple(collector.all_names) if collector.all_names is not None else None,
        attributes=tuple(collector.attributes),
        strings=tuple(collector.strings + collector._module_vars),
        parser=parser,
        dynamic_names=dynamic[0], dynamic_tables=dynamic[1], dynamic_hook=dynamic[2],
        star_uses=_star_uses(tree, text, path) if any(
            i.name == "*" and i.scope == MODULE_SCOPE for i in collector.imports) else (),
    )


def _star_uses(tree: ast.Module, text: str, path: str) -> tuple[tuple[str, int], ...]:
    """Names a file reads as globals without binding them (nor being builtins): what its star imports
    must provide. (name, first line read), in order."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = symtable.symtable(text, path, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read: set[str] = set()
    stack = [table]
    while stack:
        scope = stack.pop()
        read.update(s.get_name() for s in scope.get_symbols()
                    if s.is_referenced() and (scope is table or s.is_global()))
        stack.extend(scope.get_children())
    wanted = read - bound - _BUILTINS
    first: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in wanted and isinstance(node.ctx, ast.Load):
            first[node.id] = min(first.get(node.id, node.lineno), node.lineno)
    return tuple(sorted(first.items(), key=lambda item: (item[1], item[0])))


def with_skipped(facts: FileFacts, chunks: list, imported: tuple[str, ...], focus: tuple) -> FileFacts:
    """`facts` of a source whose top-level defs and classes `chunks` (`refactor.reading.chunks.Chunk`) were left
    out: their names are bound as if parsed; `imported` (what their import lines name) joins the
    file's imported modules, so the module graph stays whole."""
    bindings, toplevel = list(facts.bindings), list(facts.toplevel)
    for chunk in chunks:
        _insert(bindings, Binding(chunk.name, chunk.line, "class" if chunk.kind == "class" else "function"))
        _insert(toplevel, TopStatement(chunk.line, chunk.kind, (chunk.name,)))
    defined = {chunk.name for chunk in chunks}
    return dataclasses.replace(
        facts, bindings=tuple(bindings), toplevel=tuple(toplevel),
        star_uses=tuple(use for use in facts.star_uses if use[0] not in defined),
        imported_modules=tuple(sorted(set(facts.imported_modules) | set(imported))),
        skipped=tuple((chunk.start, chunk.end) for chunk in chunks), focus=focus)


def _insert(items: list, item: NamedTuple) -> None:
    """Put `item` after every entry of `items` on its line or before it (they are in source order)."""
    at = len(items)
    while at and items[at - 1].line > item.line:
        at -= 1
    items.insert(at, item)


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.imports: list[ImportFact] = []
        self.classes: list[ClassFact] = []
        self.assigns: list[AssignFact] = []
        self.functions: list[FunctionFact] = []
        self.bindings: list[Binding] = []
        self.toplevel: list[TopStatement] = []
        self.all_names: list[tuple[str, int]] | None = None
        self.attributes: list[AttributeRef] = []
        self.strings: list[StringRef] = []
        self._scope: list[str] = []
        self._functions: list[list] = []   # enclosing functions: [node, (names bound, names imported) or None]
        self._class_depth = 0
        self._log_helpers: frozenset[str] = frozenset()
        self._annotating = 0   # inside an annotation, `cast`'s type or a `TypeVar` bound: strings there are code
        self._type_checking = 0
        self._try_import = 0
        self._fallback = 0
        self._conditional = 0
        self._import_names: set[str] = set()
        self._imports_at: list[int] = []   # lines of import statements, sorted
        self._module_vars: list[StringRef] = []

    # -- driving -------------------------------------------------------------------------
    def collect(self, tree: ast.Module, text: str) -> None:
        import_lines = []
        for node in _statements(tree.body):
            if isinstance(node, ast.Import):
                self._import_names.update((a.asname or a.name).split(".")[0] for a in node.names)
                import_lines.append(node.lineno)
            elif isinstance(node, ast.Assign) and _imports_a_module(node.value):
                self._import_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.ImportFrom):
                self._import_names.update(a.asname or a.name for a in node.names if a.name != "*")
                import_lines.append(node.lineno)
        self._index_lines(text)
        self._imports_at = sorted(import_lines)
        # module functions that only log or warn (`_log_import_usage(...)` in a wrapper's `__init__`)
        self._log_helpers = frozenset(s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                                      and _only_logs(s))
        for index, stmt in enumerate(tree.body):
            self._top_statement(stmt, first=index == 0)
            self.visit(stmt)

    # -- speed: expressions are only walked where a line could hold a reference ------------
    def _index_lines(self, text: str) -> None:
        """Mark the lines that could hold a fact found inside expressions (an attribute access through an
        imported name, a patch/import_module/getattr call, a path or dotted string, `__all__`)."""
        # each pattern starts with a literal (searched fast), and is tried only when that literal occurs
        positions = [m.start() for m in _DOTTED_LITERAL.finditer(text)]
        for word, pattern in _EXPRESSION_WORDS:
            if word in text:
                positions.extend(m.start() for m in pattern.finditer(text))
        for name in self._import_names:   # `name.` for an imported name
            if name in text:
                for match in _name_dot(name).finditer(text):
                    before = text[match.start() - 1] if match.start() else " "
                    if not (before.isalnum() or before == "_"):   # the `\b` of `\w`, checked here
                        positions.append(match.start())
        positions.sort()
        # line numbers as ast counts them: \n, \r\n or \r ends a line (a form feed does not); a position
        # is never inside a \r\n (it holds a word character, a quote or a dot)
        carriage = "\r" in text
        marked, line, previous = [], 1, 0
        for position in positions:
            line += text.count("\n", previous, position)
            if carriage:
                line += text.count("\r", previous, position) - text.count("\r\n", previous, position)
            previous = position
            if not marked or marked[-1] != line:
                marked.append(line)
        self._marked = marked   # sorted line numbers that hold a match

    def _holds_facts(self, node: ast.stmt) -> bool:
        """Whether a function or class body can yield anything: an import statement, or a line that could
        hold a reference (everything else in a nested scope binds nothing at module level)."""
        first, last = node.lineno, node.end_lineno or node.lineno
        at = bisect.bisect_left(self._imports_at, first)
        return (at < len(self._imports_at) and self._imports_at[at] <= last) or self._interesting(node)

    def _interesting(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:
            return True
        at = bisect.bisect_left(self._marked, first)
        return at < len(self._marked) and self._marked[at] <= (getattr(node, "end_lineno", None) or first)

    def visit(self, node: ast.AST) -> None:
        # `ast.NodeVisitor.visit` looks the method up by name for every node: here once per node class
        method = _DISPATCH.get(node.__class__)
        if method is None:
            method = _DISPATCH[node.__class__] = getattr(_Collector, "visit_" + node.__class__.__name__,
                                                         _Collector.generic_visit)
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, ast.stmt):
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            self.visit(item)
                elif isinstance(value, ast.AST):
                    self.visit(value)
            return
        interesting = self._interesting(node)
        if not interesting and not isinstance(node, _COMPOUND):
            return   # a simple statement on lines that hold no reference: nothing below it to collect
        for _, value in ast.iter_fields(node):
            for item in (value if isinstance(value, list) else [value]):
                if isinstance(item, (ast.stmt, ast.excepthandler, ast.match_case)):
                    self.visit(item)
                elif isinstance(item, ast.AST) and interesting:
                    self.visit(item)

    def _scan(self, *nodes: ast.AST | None) -> None:
        for node in nodes:
            if node is not None and self._interesting(node):
                self.visit(node)

    def _shadowed(self, name: str) -> bool:
        """Whether `name` is, where the walk is, a local variable of an enclosing function (a parameter, an
        assignment, a loop or `with` target...) rather than the module-level import of that name. Class
        bodies do not count: their names are not visible in their methods."""
        for frame in reversed(self._functions):
            if frame[1] is None:
                frame[1] = _function_locals(frame[0])
            bound, imported = frame[1]
            if name in imported:
                return False
            if name in bound:
                return True
        return False

    def _hidden(self, expression: str | None) -> bool:
        """Whether dotted `expression` starts with a local variable that hides an import of its name."""
        base = (expression or "").partition(".")[0]
        return base in self._import_names and self._shadowed(base)

    def _reads_import(self, expression: str | None) -> bool:
        """Whether dotted `expression` starts with an imported name that no local variable hides."""
        base = (expression or "").partition(".")[0]
        return base in self._import_names and not self._shadowed(base)

    @property
    def scope(self) -> str:
        return ".".join(self._scope) if self._scope else MODULE_SCOPE

    @property
    def at_module_level(self) -> bool:
        return not self._scope and not self._class_depth

    def _top_statement(self, stmt: ast.stmt, *, first: bool) -> None:
        line = stmt.lineno
        if first and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, str):
            self.toplevel.append(TopStatement(line, "docstring"))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self.toplevel.append(TopStatement(line, "import"))
        elif isinstance(stmt, ast.Pass):
            self.toplevel.append(TopStatement(line, "pass"))
        elif isinstance(stmt, ast.ClassDef):
            self.toplevel.append(TopStatement(line, "class", (stmt.name,)))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.toplevel.append(TopStatement(line, "def", (stmt.name,)))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            names = tuple(_target_names(stmt))
            if names == ("__all__",):
                kind = "all"
            elif len(names) == 1 and _is_logger_call(stmt.value):
                kind = "logger"
            elif _is_alias(stmt):
                kind = "alias"
            else:
                kind = "assign"
            self.toplevel.append(TopStatement(line, kind, names))
        elif type(stmt).__name__ == "TypeAlias":
            self.toplevel.append(TopStatement(line, "assign", (stmt.name.id,)))
        elif isinstance(stmt, ast.Expr) and _is_all_mutation(stmt.value):
            self.toplevel.append(TopStatement(line, "all"))
        elif isinstance(stmt, ast.Expr) and _is_warning(stmt.value):
            self.toplevel.append(TopStatement(line, "warn"))
        elif isinstance(stmt, (ast.If, ast.Try)) and (block := _shim_block(stmt)) is not None:
            self.toplevel.append(TopStatement(line, "alias" if block else "import", block))
        else:
            self.toplevel.append(TopStatement(line, "other", tuple(_bound_names(stmt))))

    # -- scopes and contexts ---------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.at_module_level:
            self.functions.append(FunctionFact(node.name, node.lineno, node.end_lineno or node.lineno,
                                               tuple(_returned(node))))
            self._bind(node.name, node.lineno, "function")
        self._scan(*node.decorator_list)
        self._annotation(node.returns)
        if node.args.args or node.args.kwonlyargs or node.args.posonlyargs:
            self._scan(*node.args.defaults, *node.args.kw_defaults)
            self._annotation(*(a.annotation for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)))
        if not self._holds_facts(node):
            return
        self._scope.append(node.name)
        self._functions.append([node, None])
        for stmt in node.body:
            self.visit(stmt)
        self._functions.pop()
        self._scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.at_module_level:
            self.classes.append(_class_fact(node, self._log_helpers))
            self._bind(node.name, node.lineno, "class")
        self._scan(*node.decorator_list, *node.bases, *(k.value for k in node.keywords))
        if not self._holds_facts(node):
            return
        self._class_depth += 1
        for stmt in node.body:
            self.visit(stmt)
        self._class_depth -= 1

    def visit_If(self, node: ast.If) -> None:
        self._scan(node.test)
        checking = _is_type_checking(node.test)
        self._conditional += 1
        self._type_checking += checking
        for stmt in node.body:
            self.visit(stmt)
        self._type_checking -= checking
        for stmt in node.orelse:
            self.visit(stmt)
        self._conditional -= 1

    def visit_Try(self, node: ast.Try) -> None:
        guards = any(_catches_import_error(h) for h in node.handlers)
        self._conditional += 1
        self._try_import += guards
        for stmt in node.body:
            self.visit(stmt)
        self._try_import -= guards
        for handler in node.handlers:
            fallback = _catches_import_error(handler)
            self._fallback += fallback
            for stmt in handler.body:
                self.visit(stmt)
            self._fallback -= fallback
        for stmt in (*node.orelse, *node.finalbody):
            self.visit(stmt)
        self._conditional -= 1

    visit_TryStar = visit_Try

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self._scan(item.context_expr, item.optional_vars)
        self._conditional += 1
        for stmt in node.body:
            self.visit(stmt)
        self._conditional -= 1

    visit_AsyncWith = visit_With

    # -- imports ---------------------------------------------------------------------------
    def _import(self, line: int, module: str, name: str | None, asname: str | None, level: int) -> None:
        self.imports.append(ImportFact(
            line=line, module=module, name=name, asname=asname, level=level, scope=self.scope,
            type_checking=bool(self._type_checking), try_import=bool(self._try_import),
            fallback=bool(self._fallback), in_class=bool(self._class_depth),
        ))
        if asname and self.at_module_level:
            self._bind(asname, line, "import")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            self._import(node.lineno, alias.name, None, local, 0)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        written = "." * (node.level or 0) + (node.module or "")
        module = absolute_module(written, package_of(self.module, self.is_package))
        for alias in node.names:
            if alias.name == "*":
                self._import(node.lineno, module, "*", None, node.level or 0)
            else:
                self._import(node.lineno, module, alias.name, alias.asname or alias.name, node.level or 0)

    # -- module-level bindings ---------------------------------------------------------------
    def _bind(self, name: str, line: int, kind: str) -> None:
        self.bindings.append(Binding(name, line, kind, type_checking=bool(self._type_checking),
                                     fallback=bool(self._fallback), conditional=bool(self._conditional)))

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assignment(node, node.targets, node.value)
        value = node.value
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call) \
                and (dotted(value.func) or "").rpartition(".")[2] == "import_module" and value.args \
                and _const_str(value.args[0]) is not None:
            # `m = importlib.import_module("a.b")`: `m` is a module alias in this scope
            self._module_vars.append(StringRef(node.lineno, "module_var", _const_str(value.args[0]),
                                               node.targets[0].id, scope=self.scope))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)
        self._assignment(node, [node.target], node.value)

    def _annotation(self, *nodes: ast.AST | None) -> None:
        """Type expressions: a string in them is code (`-> "wsm.Manager"` reads like `wsm.Manager`)."""
        self._annotating += 1
        try:
            self._scan(*nodes)
        finally:
            self._annotating -= 1

    def visit_TypeAlias(self, node: ast.AST) -> None:
        """`type X = ...` (Python 3.12+ parsed natively; older interpreters see it lowered to `X = ...`)."""
        name = getattr(node, "name", None)
        if self.at_module_level and isinstance(name, ast.Name):
            self.assigns.append(AssignFact(name.id, node.lineno, node.end_lineno or node.lineno, "other", None))
            self._bind(name.id, node.lineno, "assign")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if self.at_module_level and isinstance(node.target, ast.Name) and node.target.id == "__all__":
            self._extend_all(node.value)
        self.generic_visit(node)

    def _assignment(self, node: ast.stmt, targets: list[ast.expr], value: ast.expr | None) -> None:
        if self.at_module_level:
            for target in targets:
                for name in _names_in_target(target):
                    if name == "__all__" and value is not None:
                        self.all_names = []
                        self._extend_all(value)
                        continue
                    self.assigns.append(_assign_fact(name, node, value))
                    self._bind(name, node.lineno, "assign")
        self.generic_visit(node)

    def _extend_all(self, value: ast.expr) -> None:
        if self.all_names is None:
            self.all_names = []
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.all_names.append((element.value, element.lineno))

    # -- references ------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = dotted(node)
        if name is not None:
            base, _, rest = name.partition(".")
            if self._reads_import(base):
                self.attributes.append(AttributeRef(node.lineno, base, rest, self.scope))
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = dotted(node.func) or ""
        last = func.rpartition(".")[2]
        if self.at_module_level and func.endswith(("__all__.extend", "__all__.append")):
            if node.args:
                arg = node.args[0]
                self._extend_all(arg if isinstance(arg, (ast.List, ast.Tuple)) else ast.List(elts=[arg]))
        string_target = not node.args or _const_str(node.args[0]) is not None  # else `setattr(obj, "Name", x)`
        if last in _PATCH_FUNCS and string_target and (func == last or func.endswith((
                "mock.patch", "monkeypatch.setattr", "mocker.patch", "patch"))):
            self._patch_string(node, "patch")
        elif func.endswith(("patch.object", "mocker.patch.object")) or (
                func.endswith("setattr") and _const_str(_argument(node, 1, ("name",))) is not None
                and dotted(_argument(node, 0, ("target",))) is not None):
            base = dotted(_argument(node, 0, ("target",)))
            attr = _const_str(_argument(node, 1, ("attribute", "name")))
            if not self._hidden(base):
                self.strings.append(StringRef(node.lineno, "patch_object", attr, base, (attr,) if attr else (),
                                              self.scope))
        elif func.endswith("patch.multiple"):
            value = _const_str(node.args[0]) if node.args else None
            attrs = tuple(k.arg for k in node.keywords if k.arg)
            self.strings.append(StringRef(node.lineno, "patch_multiple", value, dotted(node.args[0]) if node.args else None,
                                          attrs, self.scope))
        elif last in ("import_module", "__import__") and node.args:
            self.strings.append(StringRef(node.lineno, "import_module", _const_str(node.args[0]), scope=self.scope))
        elif func in ("getattr", "hasattr") and len(node.args) >= 2 and not self._hidden(dotted(node.args[0])):
            self.strings.append(StringRef(node.lineno, "getattr", _const_str(node.args[1]), dotted(node.args[0]),
                                          scope=self.scope))
        elif last in ("cast", "TypeVar"):   # `cast("m.X", v)`, `TypeVar("T", bound="m.X")`: type expressions
            types = node.args[:1] if last == "cast" else [k.value for k in node.keywords if k.arg == "bound"]
            self._annotation(*types)
            rest = [*(node.args[1:] if last == "cast" else node.args), *(k.value for k in node.keywords
                                                                        if last == "cast" or k.arg != "bound")]
            self._scan(node.func, *rest)
            return
        self.generic_visit(node)

    def _patch_string(self, node: ast.Call, kind: str) -> None:
        target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "target"), None)
        value = _const_str(target) if target is not None else None
        if value is not None:
            self.strings.append(StringRef(node.lineno, kind, value, scope=self.scope))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        joined = _joined_path(node)   # `root / "pkg" / "mod.py"`: the module's file, like "pkg/mod.py"
        if joined is not None:
            self.strings.append(StringRef(node.lineno, "path", joined, scope=self.scope))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str):
            return
        if any(r.line == node.lineno and r.value == value for r in self.strings[-3:]):
            return  # already recorded as the target of a patch/import_module call
        if 3 < len(value) < 300:
            if value.endswith(".py") and " " not in value:
                self.strings.append(StringRef(node.lineno, "path", value.replace("\\", "/"), scope=self.scope))
            elif _DOTTED_STRING.match(value) and value.count(".") >= 2:
                self.strings.append(StringRef(node.lineno, "dotted", value, scope=self.scope))
        base, _, rest = value.partition(".")
        if self._annotating and _DOTTED_STRING.fullmatch(value) and self._reads_import(base):
            # a string annotation through an imported name, `-> "wsm.Manager"`, reads like `wsm.Manager`
            self.attributes.append(AttributeRef(node.lineno, base, rest, self.scope))


def _joined_path(node: ast.BinOp) -> str | None:
    """`base / "pkg" / "mod.py"` -> "pkg/mod.py": the literal parts right of `/`, the last one a .py file."""
    parts = []
    expr: ast.AST = node
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div) and _const_str(expr.right) is not None:
        parts.append(_const_str(expr.right))
        expr = expr.left
    if _const_str(expr) is not None:
        parts.append(_const_str(expr))
    if len(parts) < 2 or not parts[0].endswith(".py") or any(" " in p for p in parts):
        return None
    return "/".join(reversed(parts)).replace("\\", "/")


def _const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dynamic_hook(tree: ast.Module) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function that hands out a module's names at run time: a module-level `def __getattr__(name)`
    (PEP 562), or the `__getattr__` of a `ModuleType` subclass an instance of which the module puts in
    its own place (`sys.modules[__name__] = _LazyModule(__name__)`, Pygments' lexers)."""
    hook = next((s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and s.name == "__getattr__" and s.args.args), None)
    if hook is not None:
        return hook
    replaced = any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Subscript) and dotted(t.value) == "sys.modules"
                                                     for t in s.targets) for s in tree.body)
    if not replaced:
        return None
    for cls in tree.body:
        if isinstance(cls, ast.ClassDef) and any((dotted(b) or "").endswith("ModuleType") for b in cls.bases):
            method = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                           and s.name == "__getattr__" and len(s.args.args) >= 2), None)
            if method is not None:
                return method
    return None


def _dynamic_names(tree: ast.Module) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str], ...], bool]:
    """(names, tables, hooked): the names the module's `__getattr__` hook (see `_dynamic_hook`) tests for
    (`name == "X"`, `name in ("X", "Y")`, `name in TABLE`, `TABLE.get(name)`, `TABLE[name]` for a
    module-level literal table), handed out at run time though no binding shows them; the tables it
    reads that the module imports (module, name), whose keys it hands out too; and whether it has a hook."""
    hook = _dynamic_hook(tree)
    if hook is None:
        return (), (), False
    parameter = hook.args.args[-1].arg if len(hook.args.args) > 1 else hook.args.args[0].arg
    tables = {t.id: s.value for s in tree.body if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None
              for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) if isinstance(t, ast.Name)}
    imported = {(a.asname or a.name): (node.module, a.name) for node in tree.body
                if isinstance(node, ast.ImportFrom) and node.module and not node.level for a in node.names}
    found: dict[str, int] = {}
    elsewhere: set[tuple[str, str]] = set()

    def table_keys(table: ast.AST | None, line: int) -> None:
        if isinstance(table, ast.Name) and table.id in imported and table.id not in tables:
            elsewhere.add(imported[table.id])
            return
        table = tables.get(table.id) if isinstance(table, ast.Name) else table
        keys = table.keys if isinstance(table, ast.Dict) else getattr(table, "elts", ())
        for key in keys:
            if isinstance(_const_str(key), str):
                found.setdefault(_const_str(key), line)

    def is_parameter(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == parameter

    for node in ast.walk(hook):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            if isinstance(node.ops[0], ast.Eq):
                for one, other in ((left, right), (right, left)):
                    if is_parameter(one) and isinstance(_const_str(other), str):
                        found.setdefault(_const_str(other), node.lineno)
            elif isinstance(node.ops[0], ast.In) and is_parameter(left):
                table_keys(right, node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args and is_parameter(node.args[0]):
            table_keys(node.func.value, node.lineno)
        elif isinstance(node, ast.Subscript) and is_parameter(node.slice):
            table_keys(node.value, node.lineno)
    return tuple(sorted(found.items(), key=lambda item: (item[1], item[0]))), tuple(sorted(elsewhere)), True


def literal_keys(text: str, name: str) -> tuple[str, ...]:
    """The string keys of the module-level literal dict (or the items of a literal list, tuple or set)
    `name = ...` in source `text`; () when there is none."""
    try:
        tree = parse_quietly(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and stmt.value is not None:
            value = stmt.value
            items = value.keys if isinstance(value, ast.Dict) else getattr(value, "elts", ())
            return tuple(k for k in (_const_str(item) for item in items) if isinstance(k, str))
    return ()


def _imports_a_module(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and (dotted(value.func) or "").endswith("import_module")


def _function_locals(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[frozenset[str], frozenset[str]]:
    """(names the function binds other than by import, names it imports), from its parameters and its
    own statements (not nested functions' or classes'); `global`/`nonlocal` names are not its own."""
    args = node.args
    bound = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    imported: set[str] = set()
    declared: set[str] = set()
    for stmt in _statements(node.body, into_scopes=False):
        if isinstance(stmt, _NESTED_SCOPES):
            bound.add(stmt.name)
        elif isinstance(stmt, ast.Import):
            imported.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            imported.update(a.asname or a.name for a in stmt.names if a.name != "*")
        elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
            declared.update(stmt.names)
        elif isinstance(stmt, ast.Assign) and _imports_a_module(stmt.value):   # m = import_module("a.b")
            imported.update(n for t in stmt.targets for n in _names_in_target(t))
        elif isinstance(stmt, (ast.Assign, ast.Delete)):
            bound.update(n for t in stmt.targets for n in _names_in_target(t))
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            bound.update(_names_in_target(stmt.target))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            bound.update(n for item in stmt.items if item.optional_vars for n in _names_in_target(item.optional_vars))
        for handler in getattr(stmt, "handlers", ()):   # try: ... except E as name
            if handler.name:
                bound.add(handler.name)
    return frozenset(bound - declared - imported), frozenset(imported - declared)


def _names_in_target(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _names_in_target(element)]
    if isinstance(target, ast.Starred):
        return _names_in_target(target.value)
    return []


def _target_names(stmt: ast.stmt) -> list[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return [n for t in targets for n in _names_in_target(t)]


def _bound_names(stmt: ast.stmt) -> list[str]:
    names = []
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return names


def _is_logger_call(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and (dotted(value.func) or "").endswith(("getLogger", "get_logger"))


def _is_all_mutation(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and (dotted(value.func) or "") in ("__all__.extend", "__all__.append")


def _shim_block(stmt: ast.If | ast.Try) -> tuple[str, ...] | None:
    """For an if/try block of nothing but imports, aliases (`X = Y`, `X = a.b`), `None` fallbacks,
    warnings and `pass`: the names its aliases bind (empty for imports alone). None for anything else."""
    bodies = [stmt.body, stmt.orelse] if isinstance(stmt, ast.If) else \
        [stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)]
    aliases: list[str] = []
    for body in bodies:
        for inner in body:
            if isinstance(inner, (ast.If, ast.Try)):
                nested = _shim_block(inner)
                if nested is None:
                    return None
                aliases.extend(nested)
            elif _is_alias(inner):
                aliases.extend(_target_names(inner))
            elif not isinstance(inner, (ast.Import, ast.ImportFrom, ast.Pass)) and not (
                    isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Constant)
                    and inner.value.value is None) and not (
                    isinstance(inner, ast.Expr) and _is_warning(inner.value)):
                return None
    return tuple(dict.fromkeys(aliases))


def _is_alias(stmt: ast.stmt) -> bool:
    """`X = Y` or `X = a.b.Y` (one plain name bound to what a name or attribute chain refers to)."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
        and dotted(stmt.value) is not None


def _is_warning(value: ast.expr) -> bool:
    """A call of `warnings.warn` (or a `warn` imported from it): a deprecation notice, not behaviour."""
    return isinstance(value, ast.Call) and (dotted(value.func) or "") in ("warnings.warn", "warn")


def _is_type_checking(test: ast.expr) -> bool:
    return (dotted(test) or "").rpartition(".")[2] == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {(dotted(t) or "").rpartition(".")[2] for t in types}
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _argument(call: ast.Call, position: int, keywords: tuple[str, ...]) -> ast.expr | None:
    """A call's argument at `position`, or passed by one of `keywords`."""
    if position < len(call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg in keywords), None)


def _returned(node: ast.AST) -> list[str]:
    """What a function returns, as written: the callee or name of each `return`, and its return annotation
    (`-> Manager`, `-> "Manager"`)."""
    out = []
    annotation = getattr(node, "returns", None)
    written = _const_str(annotation) if isinstance(annotation, ast.Constant) else dotted(annotation) if annotation else None
    if written and _IDENTIFIERS.fullmatch(written):
        out.append(written)
    for stmt in _statements(getattr(node, "body", []), into_scopes=False):
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value.func if isinstance(stmt.value, ast.Call) else stmt.value
            name = dotted(value)
            if name:
                out.append(name)
    return sorted(set(out))


def _assign_fact(name: str, node: ast.stmt, value: ast.expr | None) -> AssignFact:
    line, end = node.lineno, node.end_lineno or node.lineno
    if value is None:
        return AssignFact(name, line, end, "other", None)
    ref = dotted(value)
    if ref is not None:
        return AssignFact(name, line, end, "ref", ref)
    if isinstance(value, ast.Constant) and value.value is None:
        return AssignFact(name, line, end, "none", None)
    if isinstance(value, ast.Call):
        callee = dotted(value.func)
        if callee in ("type", "builtins.type") and len(value.args) == 3:
            bases_node, namespace = value.args[1], value.args[2]
            bases = tuple(dotted(b) or "<expr>" for b in getattr(bases_node, "elts", []))
            empty = isinstance(namespace, ast.Dict) and not namespace.keys
            return AssignFact(name, line, end, "type_call", None, bases, empty)
        return AssignFact(name, line, end, "call", callee)
    return AssignFact(name, line, end, "other", None)


_TRIVIAL_DUNDERS = {"__slots__", "__doc__", "__module__", "__qualname__"}


_INERT_DECORATORS = {"final", "deprecated", "runtime_checkable"}   # change no behaviour a caller relies on


def _class_fact(node: ast.ClassDef, log_helpers: frozenset[str] = frozenset()) -> ClassFact:
    bases = tuple(dotted(b) or "<expr>" for b in node.bases)
    metaclass = next((dotted(k.value) or "<expr>" for k in node.keywords if k.arg == "metaclass"), None)
    methods, substance, composes, returns = [], [], [], []
    new_returns, new_raises, abstract = None, False, False
    for decorator in node.decorator_list:   # `@dataclass`, `@registry.register("x")`: behaviour or a side effect
        name = dotted(decorator.func if isinstance(decorator, ast.Call) else decorator) or "<expr>"
        if name.rpartition(".")[2] not in _INERT_DECORATORS:
            substance.append(f"@{name}")
    for index, stmt in enumerate(node.body):
        if index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.append(stmt.name)
            if any((dotted(d) or "").endswith("abstractmethod") for d in stmt.decorator_list):
                abstract = True
            returns.extend(_returned(stmt))
            if stmt.name == "__new__":
                new_returns, new_raises = _new_behaviour(stmt)
                if new_returns or new_raises:
                    continue
            if stmt.name == "__init__":
                composes.extend(_composed(stmt))
            if _only_delegates(stmt, log_helpers):
                continue
            substance.append(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            names = _target_names(stmt)
            if not set(names) <= _TRIVIAL_DUNDERS:
                substance.extend(names or ["<assignment>"])
        else:
            substance.append(f"<{type(stmt).__name__.lower()}>")
    return ClassFact(
        name=node.name, line=node.lineno, end_line=node.end_lineno or node.lineno, bases=bases,
        metaclass=metaclass, methods=tuple(methods), substance=tuple(substance), new_returns=new_returns,
        new_raises=new_raises, composes=tuple(sorted(set(composes))), returns=tuple(sorted(set(returns))),
        abstract=abstract,
    )


def _new_behaviour(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str | None, bool]:
    raises = any(isinstance(s, ast.Raise) for s in func.body)
    for stmt in _statements(func.body, into_scopes=False):
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Call):
            callee = dotted(stmt.value.func) or ""
            if callee.endswith("__new__") and stmt.value.args:
                target = dotted(stmt.value.args[0])
                if target and target != "cls":
                    return target, raises
            elif callee and not callee.startswith(("super", "cls", "object")):
                return callee, raises
    return None, raises


def _composed(init: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    out = []
    for stmt in _statements(init.body, into_scopes=False):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Attribute) and dotted(t.value) == "self" for t in targets):
                callee = dotted(stmt.value.func)
                if callee:
                    out.append(callee)
    return out


def _only_delegates(method: ast.FunctionDef | ast.AsyncFunctionDef, log_helpers: frozenset[str] = frozenset()) -> bool:
    """Whether a method only hands its call on to the same method of the base class, around a docstring,
    log lines and deprecation warnings (`__init__` that logs and calls `super().__init__(...)`): it changes
    nothing a caller sees."""
    calls = 0
    for stmt in method.body:
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return, ast.Await)) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(value, ast.Constant)):
            continue
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr == method.name and isinstance(func.value, ast.Call) \
                and dotted(func.value.func) == "super":
            calls += 1
        elif isinstance(stmt, ast.Expr) and (_is_warning(value) or _is_log_call(value)
                                             or (isinstance(func, ast.Name) and func.id in log_helpers)):
            continue
        else:
            return False
    return calls == 1


_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}


def _only_logs(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function does nothing but log or warn: a docstring, imports, a logger set-up, log lines,
    `warnings.warn`, `pass`."""
    saw = False
    for stmt in function.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)) or (
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if isinstance(stmt, ast.Assign) and _is_logger_call(stmt.value):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and (
                _is_warning(stmt.value) or _is_log_call(stmt.value)):
            saw = True
            continue
        return False
    return saw


def _is_log_call(call: ast.Call) -> bool:
    """`logger.info(...)`, `self.logger.warning(...)`, `logging.debug(...)`: a log line."""
    name = dotted(call.func) or ""
    base, _, method = name.rpartition(".")
    return method in _LOG_METHODS and "log" in base.rpartition(".")[2].lower()