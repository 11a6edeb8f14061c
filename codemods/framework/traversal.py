"""`quick_visits()`: LibCST walks a tree without rebuilding what comes back as it was.

LibCST walks every visitor through `_visit_and_replace_children`, which builds (and validates) a new copy
of each node it passes, and drops it when the visitor only looks: its own code says "TODO: provide
traversal where children are not replaced". The scope analysis walks a module twice that way (expression
contexts, then scopes), and so does each pass that collects. Inside `quick_visits()`:
  - a `CSTVisitor` gets the same hooks in the same order (`on_visit`, `on_visit_attribute` and
    `on_leave_attribute` around each child field, the children, `on_leave`), and nothing is built;
  - a `CSTTransformer` gets them too, and a node is copied only when a child came back changed (LibCST's
    rules for removed, repeated and emptied children kept); an unchanged node is its own updated node, as
    when `on_visit` declines the children;
  - LibCST's batching visitor whose visitors have methods for the module alone (the scope and expression-
    context analyses, which walk the module with visitors of their own) does not walk the body to call
    nothing;
  - the batched visitors' methods are found once per class (`visitor_methods`);
  - the scope analysis asks whether a node is assignment-like once per node type (`assignment_like`).
The order and kind of a node type's child fields are read from that type's own
`_visit_and_replace_children` (its source: one call that passes each field through a `visit_*` helper, or
copies it; or `return self`, for a leaf). A type whose method is anything else (a field visited or not
depending on its value) is walked by LibCST itself.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import textwrap
from collections.abc import Iterable, Iterator

import libcst as cst
from libcst import MaybeSentinel
from libcst._batched_visitor import _BatchedCSTVisitor

from codemods.framework.assignment_like import quick_assignment_checks
from codemods.framework.replaced import replaced
from codemods.framework.visitor_methods import known_visitor_methods

_ORIGINAL = cst.CSTNode.visit
Fields = tuple[tuple[str, str], ...]   # (field name, the `visit_*` helper LibCST passes it through)
_UNREAD = object()
_FIELDS: dict[type, Fields | None] = {}   # node type -> its child fields in order (None: LibCST walks it)
_OTHER, _ASK, _MODULE_ONLY = "other", "ask", "module only"
# where a visitor may act around a child field (`visit_If_body`): False, True (anywhere), or by node type name
Hooks = bool | dict[str, frozenset[str]]
_HOOKS: dict[type, Hooks | str] = {}   # visitor type -> its hooks (or see `_hooks_of`)
_TRANSFORMS: dict[type, bool] = {}     # visitor type -> whether it is a transformer (an ABC: asked once)
_MARK = "_refactor_field_hooks"       # (where a batching visitor keeps its answer)
_MANY = frozenset({"visit_sequence", "visit_iterable", "visit_body_sequence", "visit_body_iterable"})


@contextlib.contextmanager
def quick_visits() -> Iterator[None]:
    """Within the block, visits do not rebuild what they leave as it was (nested blocks are fine)."""
    with replaced(cst.CSTNode, "visit", _quick_visit), known_visitor_methods(), quick_assignment_checks():
        yield


def _quick_visit(self: cst.CSTNode, visitor):  # type: ignore[no-untyped-def]
    hooks = _HOOKS.get(visitor.__class__)
    if hooks is None:
        hooks = _HOOKS[visitor.__class__] = _hooks_of(visitor.__class__)
        _TRANSFORMS[visitor.__class__] = issubclass(visitor.__class__, cst.CSTTransformer)
    if hooks is _OTHER:
        return _ORIGINAL(self, visitor)
    if hooks is _ASK:
        hooks = visitor.__dict__.get(_MARK)
        if hooks is None:
            hooks = visitor.__dict__[_MARK] = _batched_hooks(visitor)
        if hooks is _MODULE_ONLY:
            if self.__class__ is not cst.Module:
                return self   # (nothing in a module's body has a method)
            hooks = False
    fields = _FIELDS.get(self.__class__, _UNREAD)
    if fields is _UNREAD:
        fields = _FIELDS[self.__class__] = _read_fields(self.__class__)
    if fields is None:
        return _ORIGINAL(self, visitor)
    # the fields around which the visitor acts (all: True)
    hooked = hooks if hooks is True or not hooks else hooks.get(self.__class__.__name__, ())
    if _TRANSFORMS[visitor.__class__]:
        return _transformed(self, visitor, fields, hooked)
    if visitor.on_visit(self):
        for name, helper in fields:
            hook = hooked is True or (hooked and name in hooked)
            if hook:
                visitor.on_visit_attribute(self, name)
            value = getattr(self, name)
            if helper in _MANY:
                for child in value:
                    child.visit(visitor)
            elif value is not None and value.__class__ is not MaybeSentinel:
                value.visit(visitor)
            if hook:
                visitor.on_leave_attribute(self, name)
    visitor.on_leave(self)
    return self


def _transformed(self: cst.CSTNode, visitor: cst.CSTTransformer, fields: Fields,  # type: ignore[no-untyped-def]
                 hooked: bool | frozenset[str]):
    """As LibCST transforms a node, except that a node whose children all come back as they were is not
    copied: `on_leave` gets it as its updated node (as when `on_visit` declines its children)."""
    updated = self
    if visitor.on_visit(self):
        changes = {}
        for name, helper in fields:
            hook = hooked is True or (hooked and name in hooked)
            if hook:
                visitor.on_visit_attribute(self, name)
            value = getattr(self, name)
            new = _HELPERS[helper](self, name, value, visitor)
            if new is not value:
                changes[name] = new
            if hook:
                visitor.on_leave_attribute(self, name)
        if changes:
            updated = self.with_changes(**changes)
    result = visitor.on_leave(self, updated)
    if result is not updated and not isinstance(result, (cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel)):
        raise cst.CSTValidationError("Expected a node of type CSTNode or a RemovalSentinel, "
                                     f"but got a return value of {type(result).__name__}")
    return result


def _one(parent: cst.CSTNode, name: str, node: cst.CSTNode, visitor: cst.CSTTransformer) -> object:
    result = node.visit(visitor)
    if result is not node and isinstance(result, (cst.RemovalSentinel, cst.FlattenSentinel)):
        raise TypeError(f"{type(node).__name__} in {type(parent).__name__}.{name} cannot be removed or "
                        "replaced by several nodes")
    return result


def _optional(parent: cst.CSTNode, name: str, node: cst.CSTNode | None, visitor: cst.CSTTransformer) -> object:
    return None if node is None else _replaced(parent, name, node, visitor, None)


def _sentinel(parent: cst.CSTNode, name: str, node: object, visitor: cst.CSTTransformer) -> object:
    if node.__class__ is MaybeSentinel:
        return node
    return _replaced(parent, name, node, visitor, MaybeSentinel.DEFAULT)  # type: ignore[arg-type]


def _replaced(parent: cst.CSTNode, name: str, node: cst.CSTNode, visitor: cst.CSTTransformer,
              removed: object) -> object:
    """A field that may be left empty: what `node` becomes, `removed` when it is removed."""
    result = node.visit(visitor)
    if result is node:
        return result
    if isinstance(result, cst.FlattenSentinel):
        raise TypeError(f"{type(node).__name__} in {type(parent).__name__}.{name} cannot be replaced by several nodes")
    return removed if isinstance(result, cst.RemovalSentinel) else result


def _many(parent: cst.CSTNode, name: str, children: tuple, visitor: cst.CSTTransformer) -> object:
    out, same = [], True
    for child in children:
        result = child.visit(visitor)
        if result is child:
            out.append(result)
        elif isinstance(result, cst.FlattenSentinel):
            out.extend(result)
            same = False
        elif isinstance(result, cst.RemovalSentinel):
            same = False
        else:
            out.append(result)
            same = False
    return children if same else tuple(out)


def _body(parent: cst.CSTNode, name: str, children: tuple, visitor: cst.CSTTransformer) -> object:
    """A block's statements: a statement a removal emptied goes with it (LibCST's `visit_body_iterable`)."""
    out, same = [], True
    for child in children:
        result = child.visit(visitor)
        if result is child:
            out.append(child)
            continue
        if isinstance(result, cst.RemovalSentinel):
            same = False
            continue
        for new in (result if isinstance(result, cst.FlattenSentinel) else (result,)):
            if not child._is_removable() and new._is_removable():
                same = False
                continue
            out.append(new)
            same = same and new is child and not isinstance(result, cst.FlattenSentinel)
    return children if same else tuple(out)


_HELPERS = {"visit_required": _one, "visit_optional": _optional, "visit_sentinel": _sentinel,
            "visit_sequence": _many, "visit_iterable": _many, "visit_body_sequence": _body,
            "visit_body_iterable": _body}


def _hooks_of(kind: type) -> Hooks | str:
    """Where visitors of this type may do anything around a child field (see `Hooks`): everywhere when they have
    their own `on_visit_attribute`; `_ASK` for LibCST's batching visitor (an instance answers, by the visitors
    it batches); `_OTHER` for anything but a `CSTVisitor` or a `CSTTransformer`. (Every visitor inherits a
    `visit_If_body` that does nothing, marked so: those are left out.)"""
    if issubclass(kind, cst.CSTVisitor):
        base = cst.CSTVisitor
    elif issubclass(kind, cst.CSTTransformer):
        base = cst.CSTTransformer
    else:
        return _OTHER
    visit, leave = kind.on_visit_attribute, kind.on_leave_attribute
    if (visit, leave) == (_BatchedCSTVisitor.on_visit_attribute, _BatchedCSTVisitor.on_leave_attribute):
        return _ASK
    if (visit, leave) != (base.on_visit_attribute, base.on_leave_attribute):
        return True
    return _hook_fields(name for name in dir(kind)
                        if _field_hook(name) and not getattr(getattr(kind, name), "_is_no_op", False))


def _batched_hooks(visitor: _BatchedCSTVisitor) -> Hooks | str:
    """A batching visitor's field hooks are those of the visitors it batches; `_MODULE_ONLY` when they have
    methods for the module alone (LibCST's scope and expression-context analyses: each walks the module
    with a visitor of its own from `visit_Module`, and the batched walk that follows calls nothing)."""
    names = visitor.visitor_methods   # (LibCST leaves out the methods that do nothing)
    if visitor.before_visit is None and visitor.after_leave is None \
            and set(names) <= {"visit_Module", "leave_Module"}:
        return _MODULE_ONLY
    return _hook_fields(name for name in names if _field_hook(name))


def _hook_fields(names: Iterable[str]) -> Hooks:
    """{node type name: its fields} of the hooks `names` (`visit_If_body`, `leave_If_body`: {"If": {"body"}})."""
    fields: dict[str, set[str]] = {}
    for name in names:
        kind, _, field = name.partition("_")[2].partition("_")
        fields.setdefault(kind, set()).add(field)
    return {kind: frozenset(found) for kind, found in fields.items()} or False


def _field_hook(name: str) -> bool:
    """`visit_<Node>_<field>` or `leave_<Node>_<field>` (node type names have no underscore)."""
    return name.startswith(("visit_", "leave_")) and "_" in name.partition("_")[2]


def _read_fields(kind: type) -> Fields | None:
    """The child fields a node type visits, in order, from its `_visit_and_replace_children`; None when that
    is not one call passing each field through a helper or copying it."""
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
        if keyword.arg != name.value or attribute.attr != name.value:
            return None
        fields.append((name.value, value.func.id))
    return tuple(fields)




def _constructor(function: ast.expr) -> bool:
    """`Name`, `self.__class__` or `type(self)`."""
    return isinstance(function, ast.Name) or (_copied(function) and function.attr == "__class__") or (
        isinstance(function, ast.Call) and isinstance(function.func, ast.Name) and function.func.id == "type"
        and len(function.args) == 1 and isinstance(function.args[0], ast.Name) and function.args[0].id == "self")


def _copied(value: ast.expr) -> bool:
    """`self.<field>`."""
    return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self"
