"""Finding every site of a file that refers to a renamed name (read-only, no edits).

Kinds: `from m import X [as Y]` (absolute or relative, any scope); attribute uses through
a module binding (`a.b.m.X`, `w.X`, `m.X`), also as a whole string annotation (`-> "w.X"`);
`from m import *`; and, in a module that loses definitions, uses of a deleted name that now
resolve to nothing ("orphans").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    ImportAssignment,
    Scope,
    ScopeProvider,
)

from codemods.framework.context import FileJob
from codemods.framework.lines import NodeLines
from codemods.framework.names import import_from_module, imported_names, qualified_names, split
from codemods.framework.parents import is_target
from codemods.framework.spec import Rename

Line = cst.SimpleStatementLine | cst.SimpleStatementSuite
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


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
    """`<module binding>.name` where (module, name) is renamed, written as code or inside a string
    annotation (`-> "w.X"`, `-> "list[w.X]"`: `span` is where in the string's value)."""

    rename: Rename
    node: cst.Attribute | cst.SimpleString
    scope: Scope
    imports: list[ImportAssignment]
    lineno: int
    stored: bool
    span: tuple[int, int] | None = None

    @property
    def expression(self) -> cst.Attribute:
        """The use as code (a string annotation's part parsed)."""
        if isinstance(self.node, cst.SimpleString):
            value = str(self.node.evaluated_value)
            start, end = self.span or (0, len(value))
            return cst.ensure_type(cst.parse_expression(value[start:end]), cst.Attribute)
        return self.node


@dataclass
class FileSites:
    from_sites: list[FromSite] = field(default_factory=list)
    attr_sites: list[AttrSite] = field(default_factory=list)
    stars: list[tuple[str | None, int]] = field(default_factory=list)
    scopes: set[Scope] = field(default_factory=set)


class SiteCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(self, job: FileJob, parents: Mapping[cst.CSTNode, cst.CSTNode], lines: NodeLines) -> None:
        super().__init__()
        self.job = job
        self.parents = parents
        self.lines = lines
        self.sites = FileSites()

    def visit_Module(self, node: cst.Module) -> None:
        scopes = self.metadata[ScopeProvider].values()
        self.sites.scopes = {scope for scope in scopes if scope is not None}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = import_from_module(node, self.job.file)
        lineno = self.lines[node]
        if isinstance(node.names, cst.ImportStar):
            self.sites.stars.append((module, lineno))
            return False
        scope = self.get_metadata(ScopeProvider, node)
        for alias in node.names:
            rename = self.job.stage.rename(module, cst.ensure_type(alias.name, cst.Name).value)
            if rename is not None and scope is not None:
                line = self.parents[node]
                binding = _assignment_of(scope, node, alias)
                self.sites.from_sites.append(
                    FromSite(rename, alias, node, line, scope, binding, lineno)
                )
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value not in self.job.stage.old_names:
            return True   # a qualified name ends with the attribute's own name: no rename can match
        qualified = qualified_names(self, node)
        for dotted in imported_names(qualified, self.job.file):
            rename = self.job.stage.rename(*split(dotted))
            scope = self.get_metadata(ScopeProvider, node, None)
            if rename is None or scope is None:
                continue
            imports = _module_bindings(scope, node.value)
            if imports:
                stored = is_target(node, self.parents)
                lineno = self.lines[node]
                self.sites.attr_sites.append(AttrSite(rename, node, scope, imports, lineno, stored))
                return False
        return True

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        value = node.evaluated_value
        scope = self.get_metadata(ScopeProvider, node, None)
        if not isinstance(value, str) or scope is None:
            return False
        for match in _DOTTED.finditer(value):
            written = match.group()
            if match.start() and (value[match.start() - 1].isalnum() or value[match.start() - 1] in "_."):
                continue
            # (LibCST reads a string as code only in type positions: elsewhere no import is read through it)
            imports = _annotation_bindings(scope, node, written)
            qualified = {q for ref in imports for q in ref.get_qualified_names_for(written)}
            for dotted in imported_names(qualified, self.job.file):
                rename = self.job.stage.rename(*split(dotted))
                if rename is not None:
                    lineno = self.lines[node]
                    span = None if match.span() == (0, len(value)) else match.span()
                    self.sites.attr_sites.append(AttrSite(rename, node, scope, imports, lineno, False, span))
                    break
        return False


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


def _annotation_bindings(
    scope: Scope, node: cst.SimpleString, value: str
) -> list[ImportAssignment]:
    """The imports a string annotation (`"w.X"`, `"a.b.m.X"`) reads through. LibCST reads only
    strings in type positions as code (annotations, `cast`, `TypeVar` bounds): others have none."""
    parts = value.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        for access in scope.accesses[".".join(parts[:cut])]:
            if access.node is node:
                return [ref for ref in access.referents if isinstance(ref, ImportAssignment)]
    return []


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
