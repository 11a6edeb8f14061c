"""`from m import *` where the stage deletes `m`: replace it by what the star provided that survives.

Only when no code in the file reads the old names through the star (a package `__init__` that
re-exports them lists them in `__all__`: those entries are renamed here, see `dunder_all`). A
deleted module held nothing of substance, so the names its star provided were family members
(renamed: their replacements are imported explicitly, unless the file already binds them) or
names it re-exported from elsewhere (imported from where they really live is not known here: the
star is then kept and reported, and the stage's verification will refuse it).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider

from codemods.framework.context import FileJob
from codemods.framework.dunder_all import DunderAllEditor
from codemods.framework.names import import_from_module
from codemods.imports.sites import unresolved_uses


class GoneStarReplacer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self._bound: set[str] = set()
        self._depth = 0
        self._all_renames: dict[str, str] = {}   # names a replaced star provided -> their replacements

    def visit_Module(self, node: cst.Module) -> None:
        scopes = {s for s in self.metadata[ScopeProvider].values() if s is not None}
        self._read = {name for r in self.job.stage.renames.values() for name in [r.old_name]
                      if unresolved_uses(scopes, name)}
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                        self._bound |= {(a.asname.name.value if a.asname else cst.ensure_type(a.name, cst.Name).value)
                                        for a in small.names if isinstance(a.name, cst.Name)
                                        and (a.asname is None or isinstance(a.asname.name, cst.Name))}

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # `__all__` entries for what the star provided name what replaces it now (or go, when that
        # is listed already): left as they were, `from package import *` would fail on them
        return updated_node.visit(DunderAllEditor(rename=self._all_renames)) if self._all_renames else updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        return updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel | cst.FlattenSentinel:
        if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.ImportFrom):
            return updated_node
        node = updated_node.body[0]
        if not isinstance(node.names, cst.ImportStar) or self._depth:
            return updated_node
        module = import_from_module(node, self.job.file)
        if module is None or module not in self.job.stage.gone:
            return updated_node
        renames = sorted((r for r in self.job.stage.renames.values() if r.old_module == module),
                         key=lambda r: (r.new_module, r.new_name))
        if not renames or any(r.old_name in self._read for r in renames):
            # nothing known about what it provided, or code reads the old names through the star:
            # leave it to be reported (package_exports) rather than leave a dangling name
            return updated_node
        self._all_renames.update((r.old_name, r.new_name) for r in renames if r.old_name not in self._bound)
        lines = []
        for rename in renames:
            if rename.new_name in self._bound:
                continue
            self._bound.add(rename.new_name)
            statement = cst.parse_statement(f"from {rename.new_module} import {rename.new_name}\n")
            lines.append(statement)
        if not lines:
            return cst.RemovalSentinel.REMOVE
        first = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([first, *lines[1:]])
