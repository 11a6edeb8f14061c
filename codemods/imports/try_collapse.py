"""`try: from old import X / except ImportError: X = None` once `old` is rewritten.

After the rewrite the try body imports only renamed targets, which exist after the stage,
so the fallback can never run. A try qualifies when:
  - its body holds only `from ... import` statements, every name of which is renamed;
  - every handler catches import failure (`ImportError`, `ModuleNotFoundError`, a tuple of
    them, `Exception` or bare `except:`) and only rebinds those same names (`X = None`,
    another import of them, `pass`);
  - it has no `finally:` (an `else:` block is kept, after the body).
It then collapses to its body. Deciding is read-only; `collapse()` builds the replacement.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m

from codemods.framework.context import FileJob
from codemods.framework.names import bound_name
from codemods.imports.sites import FileSites

_IMPORT_FAILURES = m.Name("ImportError") | m.Name("ModuleNotFoundError") | m.Name("Exception")


def collapsible_try(
    line: cst.CSTNode,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    sites: FileSites,
    job: FileJob,
) -> cst.Try | None:
    """The try statement whose body directly holds `line`, when it qualifies."""
    block = parents.get(line)
    node = parents.get(block) if block is not None else None
    if not isinstance(node, cst.Try) or node.body is not block or node.finalbody is not None:
        return None
    renamed = {id(site.alias) for site in sites.from_sites}
    names: set[str] = set()
    for stmt in node.body.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None
        for small in stmt.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                return None
            if any(id(alias) not in renamed for alias in small.names):
                return None
            names.update(bound_name(alias) for alias in small.names)
    if all(_only_rebinds(handler, names) for handler in node.handlers):
        return node
    return None


def collapse(node: cst.Try) -> cst.FlattenSentinel[cst.BaseStatement]:
    """The try's body (then its `else:` block) in its place, with the try's leading lines."""
    body = list(node.body.body)
    if node.orelse is not None:
        body.extend(cst.ensure_type(node.orelse.body, cst.IndentedBlock).body)
    first = body[0]
    body[0] = first.with_changes(leading_lines=[*node.leading_lines, *first.leading_lines])
    return cst.FlattenSentinel(body)


def _aliases(node: cst.BaseSmallStatement) -> list[cst.ImportAlias]:
    """The names an import binds ([] for anything else, and for a star import)."""
    if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
        return []
    return list(node.names)


def _only_rebinds(handler: cst.ExceptHandler, names: set[str]) -> bool:
    if handler.type is not None and not m.matches(
        handler.type,
        _IMPORT_FAILURES | m.Tuple(elements=[m.ZeroOrMore(m.Element(_IMPORT_FAILURES))]),
    ):
        return False
    suite = handler.body
    lines = [suite] if isinstance(suite, cst.SimpleStatementSuite) else suite.body
    for stmt in lines:
        if not isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for small in stmt.body:
            if isinstance(small, cst.Pass):
                continue
            aliases = _aliases(small)
            if aliases and all(bound_name(alias) in names for alias in aliases):
                continue
            if isinstance(small, cst.Assign) and all(
                isinstance(target.target, cst.Name) and target.target.value in names
                for target in small.targets
            ):
                continue
            return False
    return True
