"""Which import a name in a file reads, told from the file's statements alone where that is not in doubt.

LibCST's scopes answer it for every name, at the cost of working out every scope of the file. A pass that
asks only about a few calls (`patch(...)`, `import_module(...)`) can often do without: Python's own parser
lists every binding in the file, and
  - a name that no import anywhere in the file binds reads no import (`mocker.patch`, `getattr`);
  - a name bound once in the whole file, by an import at module level, reads that import wherever it is
    used (nothing can hide it);
  - anything else (a name bound twice, a star import, `import a.b` without `as`, code Python cannot
    parse here) is left to the scopes.
The answers are those of `imported_names(qualified_names(...))`; `test_import_table.py` holds them side by
side.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.framework.names import absolute
from codemods.framework.spec import FileContext

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_PARAMETERS = tuple(getattr(ast, n) for n in ("TypeVar", "ParamSpec", "TypeVarTuple") if hasattr(ast, n))


class ImportTable:
    def __init__(self, code: str) -> None:
        self.bindings: Counter[str] = Counter()   # name -> how many times anything in the file binds it
        self.by_import: set[str] = set()          # names some import binds, in any scope
        self.top: dict[str, str] = {}             # name -> what a module-level import binds it to
        self.usable = True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.usable = False
            return
        for node in ast.walk(tree):
            self._count(node)
        self._module_level(tree.body)

    def imported(self, node: cst.CSTNode, file: FileContext) -> set[str] | None:
        """The absolute dotted names `node` (a name or an attribute chain) reads through imports; None
        when only the scopes can tell."""
        dotted = get_full_name_for_node(node)
        if not self.usable or not dotted or not _DOTTED.fullmatch(dotted):
            return None
        base, _, rest = dotted.partition(".")
        if base not in self.by_import:
            return set()
        if self.bindings[base] != 1 or base not in self.top:
            return None
        resolved = absolute(f"{self.top[base]}.{rest}" if rest else self.top[base], file)
        return {resolved} if resolved else set()

    def _count(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                self.bindings[node.id] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bindings[node.name] += 1
        elif isinstance(node, ast.arg):
            self.bindings[node.arg] += 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    self.usable = False   # (a star import can bind any name)
                    continue
                local = alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name)
                self.bindings[local] += 1
                self.by_import.add(local)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.bindings.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name or isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self.bindings[node.name] += 1
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self.bindings[node.rest] += 1
        elif _PARAMETERS and isinstance(node, _PARAMETERS):
            self.bindings[node.name] += 1

    def _module_level(self, body: list[ast.stmt]) -> None:
        """The imports of module-level statements, blocks included, functions and classes not."""
        for statement in body:
            if isinstance(statement, ast.ImportFrom):
                prefix = "." * statement.level + (statement.module or "")
                for alias in statement.names:
                    if alias.name != "*":
                        source = f"{prefix}.{alias.name}" if statement.module else f"{prefix}{alias.name}"
                        self.top[alias.asname or alias.name] = source
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.asname:
                        self.top[alias.asname] = alias.name
                    elif "." not in alias.name:
                        self.top[alias.name] = alias.name
            elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                    for part in getattr(statement, field, None) or ():
                        self._module_level(part.body if isinstance(part, (ast.ExceptHandler, ast.match_case))
                                           else [part])
