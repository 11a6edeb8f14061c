"""quick_visits: a looking visitor meets the same hooks in the same order as in LibCST's own walk, and the
scope analysis gives the same answers; a transformer makes the same tree."""

from __future__ import annotations

import contextlib
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    ScopeProvider,
)

from codemods.framework import traversal
from codemods.framework.traversal import quick_visits
from tests.codemods.test_lines import TRICKY

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [TRICKY, TRICKY.replace("\n", "\r\n"),
           'x = f"{a!r:>{width}} {b=}"\nfrom . import (c as d, e)\nfrom .m import *\nprint(*x, **{"k": 1})\n']


def _project_sources() -> list[str]:
    return [path.read_text() for path in sorted((ROOT / "codemods").rglob("*.py"))[:20]]


class _Recording(cst.CSTVisitor):
    """Every hook, with the node's identity (field hooks included)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return not isinstance(node, cst.Lambda)   # (children skipped on request, too)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit field", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave field", id(original_node), attribute))


class _Seeing:
    """Mixed in before a visitor class: what the visitor saw, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []


class _FieldHook(_Seeing, cst.CSTVisitor):
    """A visitor defining one `visit_<Node>_<field>` method: it is called, as in LibCST's walk."""

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)

    def visit_Call_args(self, node: cst.Call) -> None:
        self.seen.append("(")

    def leave_Call_args(self, node: cst.Call) -> None:
        self.seen.append(")")


def _both(module: cst.Module, make) -> tuple:
    walked = make()
    module.visit(walked)
    quick = make()
    with quick_visits():
        module.visit(quick)
    return walked, quick


@pytest.mark.parametrize("index", range(len(SOURCES)))
def test_a_looking_visitor_meets_the_same_hooks_in_the_same_order(index: int) -> None:
    module = cst.parse_module(SOURCES[index])
    walked, quick = _both(module, _Recording)
    assert len(walked.events) > 100
    assert quick.events == walked.events


def test_the_project_s_own_sources_are_walked_alike() -> None:
    for source in _project_sources():
        module = cst.parse_module(source)
        walked, quick = _both(module, _Recording)
        assert quick.events == walked.events
        hooked, quick_hooked = _both(module, _FieldHook)
        assert quick_hooked.seen == hooked.seen


def test_a_field_hook_is_called() -> None:
    _, quick = _both(cst.parse_module("f(a, g(b))\n"), _FieldHook)
    assert quick.seen == ["f", "(", "a", "g", "(", "b", ")", ")"]


def test_field_hooks_are_asked_for_only_where_a_visitor_has_one(monkeypatch) -> None:
    """Every visitor inherits a `visit_<Node>_<field>` for each field, each marked as doing nothing: those
    are not asked for (the ones the visitor defines still are, above)."""
    asked = []
    real = cst.CSTVisitor.on_visit_attribute
    monkeypatch.setattr(cst.CSTVisitor, "on_visit_attribute",
                        lambda self, node, name: asked.append((type(node).__name__, name)) or real(self, node, name))
    module = cst.parse_module("f(a, g(b))\nclass C(D):\n    x = [c]\n")
    with quick_visits():
        module.visit(_FieldHook())
        module.visit(_SeeingNames())
    assert asked == [("Call", "args"), ("Call", "args")]
    assert traversal._hooks_of(_SeeingNames) is False
    assert traversal._hooks_of(_FieldHook) == {"Call": frozenset({"args"})}


class _SeeingNames(_Seeing, cst.CSTVisitor):
    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)


def test_nearly_every_node_type_met_is_walked_quickly() -> None:
    for source in [*SOURCES, *_project_sources()]:
        with quick_visits():
            cst.parse_module(source).visit(cst.CSTVisitor())
    slow = {kind.__name__ for kind, fields in traversal._FIELDS.items() if fields is None}
    # (those whose fields are visited or not by value, `ImportFrom` and `FormattedStringExpression` in LibCST
    # 1.9, are walked by LibCST itself)
    assert len(traversal._FIELDS) > 100
    assert len(slow) <= len(traversal._FIELDS) // 20


def _scopes(module: cst.Module) -> list[tuple]:
    """What the scope analysis says, by position in the walk: each node's scope and expression context,
    each scope's assignments and accesses (names, and the nodes by their index)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    order = {id(node): index for index, node in enumerate(wrapper.resolve(ParentNodeProvider))}
    scopes = wrapper.resolve(ScopeProvider)
    contexts = wrapper.resolve(ExpressionContextProvider)
    named: dict[int, int] = {}   # (scopes numbered as the analysis first meets them)
    for scope in scopes.values():
        if scope is not None:
            named.setdefault(id(scope), len(named))
    out = [(order.get(id(node), -1), named.get(id(scope)), str(contexts.get(node))) for node, scope in scopes.items()]
    for scope in {id(s): s for s in scopes.values() if s is not None}.values():
        out.append(("assignments", named[id(scope)], sorted(
            (a.name, order.get(id(a.node), -1), len(a.references)) for a in scope.assignments)))
        out.append(("accesses", named[id(scope)], sorted(
            (a.node.value if isinstance(a.node, cst.Name) else type(a.node).__name__, order.get(id(a.node), -1),
             len(a.referents)) for a in scope.accesses)))
    return sorted(out, key=repr)


def test_the_scope_analysis_answers_the_same() -> None:
    for source in [*SOURCES, *_project_sources()]:
        walked = _scopes(cst.parse_module(source))
        with quick_visits():
            quick = _scopes(cst.parse_module(source))
        assert quick == walked


class _Renamer(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if original_node.value == "x" else updated_node


class _Mangler(cst.CSTTransformer):
    """Removes, repeats and replaces nodes of every kind of field, and records what it leaves."""

    def __init__(self) -> None:
        super().__init__()
        self.left: list[tuple[int, str]] = []

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        body = getattr(updated_node, "body", None)
        self.left.append((id(original_node), type(updated_node).__name__,
                          len(body) if isinstance(body, (tuple, list)) else None))
        return super().on_leave(original_node, updated_node)

    def leave_Pass(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent()   # (a statement's only small statement: the line goes)

    def leave_Expr(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.FlattenSentinel([updated_node, updated_node])

    def leave_Arg(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent() if isinstance(updated_node.value, cst.Integer) else updated_node

    def leave_Else(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent()   # (an optional field: it becomes None)

    def leave_Decorator(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent()

    def leave_Name(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return updated_node.with_changes(value=updated_node.value.upper()) if len(updated_node.value) == 1 \
            else updated_node


def test_a_transformer_gives_the_same_tree_and_leaves_the_same_nodes() -> None:
    for source in [*SOURCES, *_project_sources()]:
        module = cst.parse_module(source)
        walked, quick = _Mangler(), _Mangler()
        expected = module.visit(walked).code
        with quick_visits():
            assert module.visit(quick).code == expected
        assert quick.left == walked.left


class _RemovesARequiredChild(cst.CSTTransformer):
    def leave_Name(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent()


def test_a_removal_no_field_allows_fails_as_in_libcst() -> None:
    module = cst.parse_module("x.y = 1\n")
    with pytest.raises(TypeError):
        module.visit(_RemovesARequiredChild())
    with quick_visits(), pytest.raises(TypeError):
        module.visit(_RemovesARequiredChild())


def test_a_transformer_still_rewrites_and_the_walk_is_restored_after() -> None:
    module = cst.parse_module("x = y\n")
    with quick_visits():
        with quick_visits():   # (nested: still quick inside)
            assert cst.CSTNode.visit is not traversal._ORIGINAL
        assert module.visit(_Renamer()).code == "renamed = y\n"
    assert cst.CSTNode.visit is traversal._ORIGINAL


class _BatchedFieldHook(_Seeing, cst.BatchableCSTVisitor):
    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)

    def visit_Call_args(self, node: cst.Call) -> None:
        self.seen.append("(")


class _BatchedPlain(_Seeing, cst.BatchableCSTVisitor):
    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)


def test_a_batched_visitor_s_field_hooks_are_called_and_plain_ones_walk_alike() -> None:
    module = cst.parse_module("f(a, g(b))\nh = [c]\n")
    for make, expected in ((_BatchedFieldHook, ["f", "(", "a", "g", "(", "b", "h", "c"]),
                           (_BatchedPlain, ["f", "a", "g", "b", "h", "c"])):
        walked, quick = make(), make()
        MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([walked])
        with quick_visits():
            MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([quick])
        assert quick.seen == walked.seen == expected


class _ModuleOnly(_Seeing, cst.BatchableCSTVisitor):
    def visit_Module(self, node: cst.Module) -> None:
        self.seen.append("visit")

    def leave_Module(self, original_node: cst.Module) -> None:
        self.seen.append("leave")


def test_a_batch_with_methods_for_the_module_alone_is_called_alike() -> None:
    module = cst.parse_module(TRICKY)
    for hooks in ({}, {"before_visit": None}, {"after_leave": None}):
        walked, quick = _ModuleOnly(), _ModuleOnly()
        met: dict[str, list[int]] = {"walked": [], "quick": []}
        for key, visitor in (("walked", walked), ("quick", quick)):
            options = {name: (lambda node, seen=met[key]: seen.append(id(node))) for name in hooks}
            with quick_visits() if key == "quick" else contextlib.nullcontext():
                MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([visitor], **options)
        assert quick.seen == walked.seen == ["visit", "leave"]
        assert met["quick"] == met["walked"]
        assert (len(met["walked"]) > 100) == bool(hooks)   # (a hook on every node: the whole tree is walked)
