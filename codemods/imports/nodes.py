"""Small builders and tests for import statement nodes."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from codemods.framework.context import FileJob
from codemods.framework.names import bound_name, dotted_expr, import_from_module
from codemods.framework.relative import package_of, relative_form
from codemods.framework.sequences import append_items
from codemods.framework.spec import FileContext


def is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
    )


def is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def names_of(statement: cst.ImportFrom, appends: Mapping) -> set[tuple[str, str]]:
    names = statement.names
    aliases = [
        *(names if not isinstance(names, cst.ImportStar) else ()),
        *appends.get(statement, []),
    ]
    return {(cst.ensure_type(a.name, cst.Name).value, bound_name(a)) for a in aliases}


def alias_node(name: str, local: str) -> cst.ImportAlias:
    asname = cst.AsName(name=cst.Name(local)) if local != name else None
    return cst.ImportAlias(name=cst.Name(name), asname=asname)


def import_line(
    module: str, aliases: list[cst.ImportAlias], relative: bool, job: FileJob
) -> cst.SimpleStatementLine:
    form = relative_form(module, package_of(job.file.module, job.file.is_package)) if relative else None
    names = append_items([], aliases)
    if form is None:
        statement = cst.ImportFrom(module=dotted_expr(module), names=names)
    else:
        dots, rest = form
        statement = cst.ImportFrom(
            module=dotted_expr(rest) if rest else None,
            names=names,
            relative=[cst.Dot() for _ in range(dots)],
        )
    return cst.SimpleStatementLine(body=[statement])


def merge_candidate(
    block: cst.CSTNode, line: cst.CSTNode | None, module: str, file: FileContext
) -> cst.ImportFrom | None:
    """An import from `module` in `block` that `line` could merge into: the nearest one
    before or after it with nothing but import lines in between."""
    body = list(getattr(block, "body", ()))
    index = next((i for i, stmt in enumerate(body) if stmt is line), None)
    if index is None:
        return None
    for order in (range(index - 1, -1, -1), range(index + 1, len(body))):
        for position in order:
            stmt = body[position]
            if not is_import_line(stmt):
                break
            for small in stmt.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and not isinstance(small.names, cst.ImportStar)
                    and import_from_module(small, file) == module
                ):
                    return small
    return None


def top_anchor(module: cst.Module) -> cst.BaseSmallStatement | None:
    """The last statement of the module's docstring-and-imports opening."""
    anchor = None
    for index, stmt in enumerate(module.body):
        if index == 0 and is_docstring(stmt):
            anchor = stmt.body[0]
            continue
        if not is_import_line(stmt):
            break
        anchor = stmt.body[-1]
    return anchor
