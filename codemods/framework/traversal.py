"""`quick_visits()`: LibCST visitors that only look (not transformers) walk the tree without rebuilding it.

LibCST walks every visitor through `_visit_and_replace_children`, which builds (and validates) a new copy
of each node it passes, then drops it when the visitor only looks: its own code says "TODO: provide
traversal where children are not replaced". The scope analysis walks a module twice that way (expression
contexts, then scopes), and so does each pass that collects. Inside `quick_visits()`, a visit by a
`CSTVisitor` calls the same hooks in the same order (`on_visit`, `on_visit_attribute` and
`on_leave_attribute` around each child field, the children, `on_leave`) and builds nothing. Transformers
are untouched.

The order of a node type's child fields is read from that type's own `_visit_and_replace_children`
(its source: one call that passes each field through a `visit_*` helper, or copies it; or `return self`,
for a leaf). A type whose method is anything else (a field visited or not depending on its value) is walked by LibCST itself.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import textwrap
from collections.abc import Iterator

import libcst as cst

_ORIGINAL = cst.CSTNode.visit
_FIELDS: dict[type, tuple[tuple[str, str], ...] | None] = {}   # type -> ((field name, attribute), ...)
_HOOKS: dict[type, bool] = {}   # visitor type -> whether it may act on a child field


@contextlib.contextmanager
def quick_visits() -> Iterator[None]:
    """Within the block, visits by `CSTVisitor`s do not rebuild the tree (nested blocks are fine)."""
    if cst.CSTNode.visit is _quick_visit:
        yield
        return
    cst.CSTNode.visit = _quick_visit   # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.visit = _ORIGINAL   # type: ignore[method-assign]


def _quick_visit(self: cst.CSTNode, visitor):  # type: ignore[no-untyped-def]
    if not isinstance(visitor, cst.CSTVisitor):
        return _ORIGINAL(self, visitor)
    kind = type(self)
    fields = _FIELDS[kind] if kind in _FIELDS else _fields_of(kind)
    if fields is None:
        return _ORIGINAL(self, visitor)
    if visitor.on_visit(self):
        hooks = _HOOKS.get(type(visitor))
        if hooks is None:
            hooks = _HOOKS[type(visitor)] = _has_field_hooks(type(visitor))
        for name, attribute in fields:
            if hooks:
                visitor.on_visit_attribute(self, name)
            value = getattr(self, attribute)
            if isinstance(value, cst.CSTNode):
                value.visit(visitor)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    child.visit(visitor)
            if hooks:
                visitor.on_leave_attribute(self, name)
    visitor.on_leave(self)
    return self


def _has_field_hooks(kind: type) -> bool:
    """Whether visitors of this type may do anything around a child field (`visit_If_body`, or their own
    `on_visit_attribute`): LibCST's batching visitor and any defining such a method."""
    if kind.on_visit_attribute is not cst.CSTVisitor.on_visit_attribute \
            or kind.on_leave_attribute is not cst.CSTVisitor.on_leave_attribute:
        return True
    return any(name.startswith(("visit_", "leave_")) and "_" in name.partition("_")[2] for name in dir(kind))


def _fields_of(kind: type) -> tuple[tuple[str, str], ...] | None:
    """The (field name, attribute) pairs a node type visits, in order, from its `_visit_and_replace_children`;
    None when that is not one call passing each field through a helper or copying it."""
    _FIELDS[kind] = found = _read_fields(kind)
    return found


def _read_fields(kind: type) -> tuple[tuple[str, str], ...] | None:
    method = getattr(kind, "_visit_and_replace_children", None)
    try:
        source = textwrap.dedent(inspect.getsource(method))
        function = ast.parse(source).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if isinstance(call, ast.Name) and call.id == "self":
        return ()   # (a leaf: whitespace, a comment)
    if not isinstance(call, ast.Call) or call.args or not _constructor(call.func):
        return None
    fields = []
    for keyword in call.keywords:
        value = keyword.value
        if _copied(value):
            continue
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id in _HELPERS and len(value.args) == 4 and not value.keywords):
            return None
        parent, name, attribute, visitor = value.args
        if not (isinstance(parent, ast.Name) and parent.id == "self" and isinstance(name, ast.Constant)
                and isinstance(name.value, str) and _copied(attribute) and isinstance(visitor, ast.Name)):
            return None
        fields.append((name.value, attribute.attr))
    return tuple(fields)


_HELPERS = frozenset({"visit_required", "visit_optional", "visit_sentinel", "visit_sequence", "visit_iterable",
                      "visit_body_sequence", "visit_body_iterable"})


def _constructor(function: ast.expr) -> bool:
    """`Name`, `self.__class__` or `type(self)`."""
    return isinstance(function, ast.Name) or (_copied(function) and function.attr == "__class__") or (
        isinstance(function, ast.Call) and isinstance(function.func, ast.Name) and function.func.id == "type"
        and len(function.args) == 1 and isinstance(function.args[0], ast.Name) and function.args[0].id == "self")


def _copied(value: ast.expr) -> bool:
    """`self.<field>`."""
    return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self"
