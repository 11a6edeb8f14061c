"""Dotted names: resolving relative imports against a file, building name nodes, finding import aliases.

LibCST's QualifiedNameProvider reports `from . import m` uses as `.m.X`; everything in
the codemods compares absolute dotted names, so every name goes through `absolute()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import libcst as cst
from libcst import MetadataDependent
from libcst.helpers import get_full_name_for_node
from libcst.metadata import QualifiedName, QualifiedNameSource, ScopeProvider

from codemods.framework.relative import absolute_module, package_of
from codemods.framework.spec import FileContext


def qualified_names(visitor: MetadataDependent, node: cst.CSTNode) -> set[QualifiedName]:
    """What LibCST's QualifiedNameProvider gives for `node`, asked of its scope only for the nodes that
    need it (the provider computes it for every node of the file, which costs as much as the scopes)."""
    scope = visitor.get_metadata(ScopeProvider, node, None)
    return set(scope.get_qualified_names_for(node)) if scope is not None else set()


def absolute(name: str, file: FileContext) -> str | None:
    """`..pkg.mod` -> `top.pkg.mod` seen from `file`; None when it climbs above the root."""
    return absolute_module(name, package_of(file.module, file.is_package)) or None


def import_from_module(node: cst.ImportFrom, file: FileContext) -> str | None:
    """The absolute module an `ImportFrom` reads from."""
    module = get_full_name_for_node(node.module) if node.module is not None else ""
    return absolute("." * len(node.relative) + (module or ""), file)


def imported_names(qualified: Iterable[QualifiedName], file: FileContext) -> set[str]:
    """Absolute dotted names of the QualifiedNameProvider results that come from imports."""
    found = set()
    for qname in qualified:
        if qname.source is QualifiedNameSource.IMPORT:
            resolved = absolute(qname.name, file)
            if resolved:
                found.add(resolved)
    return found


def split(dotted: str) -> tuple[str, str]:
    """`a.b.C` -> (`a.b`, `C`)."""
    module, _, name = dotted.rpartition(".")
    return module, name


def dotted_expr(dotted: str) -> cst.Attribute | cst.Name:
    """Build `a.b.c` as a Name/Attribute chain."""
    head, *rest = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def bound_name(alias: cst.ImportAlias) -> str:
    """The local name an import alias binds (`import a.b` binds `a`)."""
    if alias.asname is not None:
        return cst.ensure_type(alias.asname.name, cst.Name).value
    full = get_full_name_for_node(alias.name) or ""
    return full.split(".")[0]


def renamed_use(node: cst.CSTNode, old: str, new: str) -> cst.CSTNode:
    """A use of `old` (a Name, or a string annotation mentioning it) now reading `new`."""
    if isinstance(node, cst.Name):
        return node.with_changes(value=new)
    if isinstance(node, cst.SimpleString):  # a string annotation: rename the name token
        pattern = re.compile(rf"(?<![\w.]){re.escape(old)}(?!\w)")
        return node.with_changes(value=pattern.sub(new, node.value))
    return node


def aliases_of(module: cst.Module, names: frozenset[str]) -> set[str]:
    """The local names import statements anywhere in `module` give to something whose last name is one of
    `names` (`from unittest.mock import patch as mock_patch`), read from the statements alone."""
    return {cst.ensure_type(alias.asname.name, cst.Name).value for node in _imports(module)
            if not isinstance(node.names, cst.ImportStar) for alias in node.names
            if alias.asname is not None and (get_full_name_for_node(alias.name) or "").rpartition(".")[2] in names}


def _imports(module: cst.Module) -> Iterator[cst.Import | cst.ImportFrom]:
    """Every import statement of `module`, found through the statements' blocks (no expression is visited)."""
    pending: list[cst.CSTNode] = list(module.body)
    while pending:
        node = pending.pop()
        if isinstance(node, cst.SimpleStatementLine):
            yield from (small for small in node.body if isinstance(small, (cst.Import, cst.ImportFrom)))
            continue
        if not isinstance(node, cst.BaseCompoundStatement):
            continue
        orelse = getattr(node, "orelse", None)
        if isinstance(orelse, cst.If):   # `elif`: a statement of its own
            pending.append(orelse)
            orelse = None
        for part in (node, orelse, getattr(node, "finalbody", None), *getattr(node, "handlers", ()),
                     *getattr(node, "cases", ())):
            body = getattr(part, "body", None)
            if isinstance(body, cst.IndentedBlock):
                pending.extend(body.body)
            elif isinstance(body, cst.SimpleStatementSuite):
                pending.append(cst.SimpleStatementLine(body.body))
