"""Is anything of substance left in a module once its family definitions are gone?

Not substance: the docstring, imports (also under `if TYPE_CHECKING:` or in a
`try/except ImportError`), `__all__` and `__all__ += ...`, `pass`, `...`, logger set-up
(`logger = logging.getLogger(__name__)`), aliases of what a name or attribute chain refers to
(`X = Y`, `X = a.b.Y`), `None` fallbacks (`X = None`), deprecation warnings (`warnings.warn(...)`),
comments and blank lines: what a compatibility module holds. Everything else is: a class, a
function, any other assignment or expression, any other control flow.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

_GET_LOGGER = m.Call(func=m.Attribute(attr=m.Name("getLogger") | m.Name("get_logger")) | m.Name("getLogger") | m.Name("get_logger"))
_DOTTED = m.Name() | m.Attribute(value=m.MatchIfTrue(lambda node: m.matches(node, _DOTTED)))
_WARN = m.Call(func=m.Attribute(value=m.Name("warnings"), attr=m.Name("warn")) | m.Name("warn"))
_TRIVIAL_SMALL = (
    m.Import()
    | m.ImportFrom()
    | m.Pass()
    | m.Expr(value=m.Ellipsis())
    | m.Assign(targets=[m.AssignTarget(target=m.Name("__all__"))])
    | m.AnnAssign(target=m.Name("__all__"))
    | m.AugAssign(target=m.Name("__all__"))
    | m.Assign(targets=[m.AssignTarget(target=m.Name())], value=_GET_LOGGER)
    | m.AnnAssign(target=m.Name(), value=_GET_LOGGER)
    | m.Assign(targets=[m.AssignTarget(target=m.Name())], value=_DOTTED | m.Name("None"))
    | m.Expr(value=_WARN)
)


def has_substance(module: cst.Module) -> bool:
    """True when deleting the module would lose something beyond imports and exports."""
    body = list(module.body)
    if body and _is_docstring(body[0]):
        body = body[1:]
    return not all(_trivial(stmt) for stmt in body)


def _trivial(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return all(m.matches(small, _TRIVIAL_SMALL) for small in stmt.body)
    if isinstance(stmt, cst.If):
        blocks: list[cst.CSTNode] = [stmt.body]
        if stmt.orelse is not None:
            blocks.append(stmt.orelse if isinstance(stmt.orelse, cst.If) else stmt.orelse.body)
        return all(_trivial_block(block) for block in blocks)
    if isinstance(stmt, cst.Try):
        blocks = [stmt.body, *(handler.body for handler in stmt.handlers)]
        blocks += [part.body for part in (stmt.orelse, stmt.finalbody) if part is not None]
        return all(_trivial_block(block) for block in blocks)
    return False


def _trivial_block(block: cst.CSTNode) -> bool:
    if isinstance(block, cst.If):
        return _trivial(block)
    if isinstance(block, cst.SimpleStatementSuite):
        return _trivial(block)
    return all(_trivial(stmt) for stmt in getattr(block, "body", ()))


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return m.matches(
        stmt, m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString() | m.ConcatenatedString())])
    )
