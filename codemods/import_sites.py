"""Finding every site of a file that refers to a renamed name (read-only, no edits).

Kinds: `from m import X [as Y]` (absolute or relative, any scope); attribute uses through
a module binding (`a.b.m.X`, `w.X`, `m.X`); `from m import *`; and, in a module that
loses definitions, uses of a deleted name that now resolve to nothing ("orphans").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ImportAssignment,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from codemods._context import FileJob
from codemods._names import import_from_module, imported_names, split
from codemods.spec import Rename

Line = cst.SimpleStatementLine | cst.SimpleStatementSuite


@dataclass
class FromSite:
    """`from module import name [as local]` where (module, name) is renamed."""

    rename: Rename
    alias: cst.ImportAlias
    statement: cst.ImportFrom
    line: Line
    scope: Scope
    assignment: ImportAssignment | None
    lineno: int


@dataclass
class AttrSite:
    """`<module binding>.name` where (module, name) is renamed."""

    rename: Rename
    node: cst.Attribute
    scope: Scope
    imports: list[ImportAssignment]
    lineno: int
    stored: bool


@dataclass
class FileSites:
    from_sites: list[FromSite] = field(default_factory=list)
    attr_sites: list[AttrSite] = field(default_factory=list)
    stars: list[tuple[str | None, int]] = field(default_factory=list)
    scopes: set[Scope] = field(default_factory=set)


class SiteCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (
        ScopeProvider,
        QualifiedNameProvider,
        ParentNodeProvider,
        PositionProvider,
        ExpressionContextProvider,
    )

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self.sites = FileSites()

    def visit_Module(self, node: cst.Module) -> None:
        scopes = self.metadata[ScopeProvider].values()
        self.sites.scopes = {scope for scope in scopes if scope is not None}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = import_from_module(node, self.job.file)
        lineno = self.get_metadata(PositionProvider, node).start.line
        if isinstance(node.names, cst.ImportStar):
            self.sites.stars.append((module, lineno))
            return False
        scope = self.get_metadata(ScopeProvider, node)
        for alias in node.names:
            rename = self.job.stage.rename(module, cst.ensure_type(alias.name, cst.Name).value)
            if rename is not None and scope is not None:
                line = self.get_metadata(ParentNodeProvider, node)
                binding = _assignment_of(scope, node, alias)
                self.sites.from_sites.append(
                    FromSite(rename, alias, node, line, scope, binding, lineno)
                )
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        qualified = self.get_metadata(QualifiedNameProvider, node, set())
        for dotted in imported_names(qualified, self.job.file):
            rename = self.job.stage.rename(*split(dotted))
            scope = self.get_metadata(ScopeProvider, node, None)
            if rename is None or scope is None:
                continue
            imports = _module_bindings(scope, node.value)
            if imports:
                context = self.get_metadata(ExpressionContextProvider, node, None)
                stored = context in (ExpressionContext.STORE, ExpressionContext.DEL)
                lineno = self.get_metadata(PositionProvider, node).start.line
                self.sites.attr_sites.append(AttrSite(rename, node, scope, imports, lineno, stored))
                return False
        return True


def unresolved_uses(scopes: set[Scope], name: str) -> list[tuple[cst.CSTNode, Scope]]:
    """Accesses of `name` that no assignment in the file provides."""
    found = []
    for scope in scopes:
        for access in scope.accesses[name]:
            if not any(ref.scope is not scope.globals.parent for ref in access.referents):
                found.append((access.node, scope))
    return found


def _assignment_of(
    scope: Scope, node: cst.ImportFrom, alias: cst.ImportAlias
) -> ImportAssignment | None:
    bound = alias.asname.name if alias.asname is not None else alias.name
    name = cst.ensure_type(bound, cst.Name).value
    for assignment in scope.assignments[name]:
        if isinstance(assignment, ImportAssignment) and assignment.node is node:
            return assignment
    return None


def _module_bindings(scope: Scope, base: cst.BaseExpression) -> list[ImportAssignment]:
    """The imports binding the module that `base` (`w`, `m`, `a.b.m`) reads through."""
    candidates: list[cst.CSTNode] = []
    while isinstance(base, cst.Attribute):
        candidates.append(base)
        base = base.value
    candidates.append(base)
    for candidate in candidates:
        for access in scope.accesses[candidate]:
            if access.node is candidate:
                return [ref for ref in access.referents if isinstance(ref, ImportAssignment)]
    return []
