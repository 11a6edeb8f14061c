"""assignment_like: LibCST's scope analysis asks a node's kind by its type inside the block, with the same answers."""

from __future__ import annotations

import abc
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider, scope_provider

from codemods.framework.assignment_like import AssignmentLike, quick_assignment_checks

ROOT = Path(__file__).resolve().parents[2]
SOURCE = '''
import os, sys as system
from a.b import (c, d as e)
x: int = 1
y = z = [n for n in range(3) if (m := n)]
y += 1


@decorator
class K(Base):
    attribute = 1

    def method(self, /, a, *args, b=1, **kw):
        global x
        nonlocal_holder = lambda q: q
        with open("f") as handle, open("g"):
            pass
        return a


def outer():
    count = 0

    def inner():
        nonlocal count
        count += 1
    return inner
'''


def _scopes(module: cst.Module) -> list[tuple]:
    """Every scope's assignments and accesses, in a comparable form."""
    scopes = {scope for scope in MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider).values()
              if scope is not None}
    out = []
    for scope in scopes:
        assignments = sorted((a.name, type(a.node).__name__) for a in scope.assignments)
        accesses = sorted((a.node.value, len(a.referents)) for a in scope.accesses)
        out.append((type(scope).__name__, scope._assignment_count, tuple(assignments), tuple(accesses)))
    return sorted(out)


def _sources() -> list[str]:
    return [SOURCE] + [path.read_text() for path in sorted((ROOT / "codemods").rglob("*.py"))[:10]]


def test_scopes_inside_the_block_are_the_scopes_outside() -> None:
    for source in _sources():
        expected = _scopes(cst.parse_module(source))
        with quick_assignment_checks():
            assert _scopes(cst.parse_module(source)) == expected


def test_every_node_gets_the_answer_the_tuple_gives() -> None:
    seen = set()
    for source in _sources():
        module = cst.parse_module(source)
        nodes = []
        module.visit(_Collect(nodes))
        for node in nodes:
            assert isinstance(node, AssignmentLike) == isinstance(node, scope_provider._ASSIGNMENT_LIKE_NODES)
            seen.add(type(node).__name__)
    assert {"Assign", "AnnAssign", "AugAssign", "Import", "ImportFrom", "Parameters", "WithItem",
            "CompFor", "NamedExpr", "Global", "Nonlocal", "ClassDef", "FunctionDef", "AsName", "Name"} <= seen


class _Collect(cst.CSTVisitor):
    def __init__(self, nodes: list) -> None:
        super().__init__()
        self.nodes = nodes

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


def test_the_block_asks_no_abstract_base_class_per_node_and_puts_the_tuple_back(monkeypatch) -> None:
    original = scope_provider._ASSIGNMENT_LIKE_NODES
    asked = []
    real = abc.ABCMeta.__instancecheck__

    def counting(cls, instance):
        if cls in original:
            asked.append(cls)
        return real(cls, instance)

    module = cst.parse_module(SOURCE * 20)
    monkeypatch.setattr(abc.ABCMeta, "__instancecheck__", counting)
    MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    outside = len(asked)
    asked.clear()
    with quick_assignment_checks():
        with quick_assignment_checks():   # (nested: the outer block puts the tuple back)
            assert scope_provider._ASSIGNMENT_LIKE_NODES is AssignmentLike
            MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
        assert scope_provider._ASSIGNMENT_LIKE_NODES is AssignmentLike
    assert scope_provider._ASSIGNMENT_LIKE_NODES is original
    assert outside > 10 * len(module.body) and len(asked) == 0   # (each type's first answer came above)
