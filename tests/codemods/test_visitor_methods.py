"""`codemods.framework.visitor_methods`: a batchable visitor's methods found from its class are those LibCST finds."""

from __future__ import annotations

import functools

import libcst as cst
import pytest
from libcst._batched_visitor import BatchableCSTVisitor
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
)
from libcst.metadata.scope_provider import ScopeProvider

from codemods.framework import visitor_methods
from codemods.framework.visitor_methods import known_visitor_methods

ORIGINAL = BatchableCSTVisitor.get_visitors


class Collecting(BatchableCSTVisitor):
    def visit_Name(self, node: cst.Name) -> None:
        pass

    def leave_Call(self, node: cst.Call) -> None:
        pass

    @classmethod
    def visit_Attribute(cls, node: cst.Attribute) -> None:
        pass

    @staticmethod
    def visit_Integer(node: cst.Integer) -> None:   # (a plain function on an instance: not a method)
        pass

    other = visit_Name   # (kept under its own name too: LibCST goes by the function's name)


class WithProperty(Collecting):
    @property
    def visit_Float(self):
        return self.visit_Name


class WithCachedProperty(Collecting):
    @functools.cached_property
    def leave_Float(self):
        return self.visit_Name


def _own_methods(visitor: BatchableCSTVisitor) -> BatchableCSTVisitor:
    visitor.visit_Float = visitor.visit_Name   # an instance's own method
    return visitor


VISITORS = {
    "collecting": Collecting,
    "property": WithProperty,
    "cached property": WithCachedProperty,
    "its own method": lambda: _own_methods(Collecting()),
    "expression contexts": ExpressionContextProvider,
    "parents": ParentNodeProvider,
    "scopes": ScopeProvider,
    "qualified names": QualifiedNameProvider,
}


@pytest.mark.parametrize("name", sorted(VISITORS))
def test_the_methods_found_are_those_libcst_finds(name):
    make = VISITORS[name]
    expected = ORIGINAL(make())
    with known_visitor_methods():
        for _ in range(2):   # (the second time from what the first learnt)
            visitor = make()
            found = visitor.get_visitors()
            assert found.keys() == expected.keys()
            assert all(method.__self__ is visitor or method.__self__ is type(visitor) for method in found.values())
            assert [m.__func__ for m in found.values()] == [m.__func__ for m in ORIGINAL(visitor).values()]
    assert BatchableCSTVisitor.get_visitors is ORIGINAL


def test_classes_whose_attributes_may_vary_are_asked_libcsts_way():
    with known_visitor_methods():
        Collecting().get_visitors()
        WithProperty().get_visitors()
    assert visitor_methods._NAMES[Collecting] is not None and visitor_methods._NAMES[WithProperty] is None


def test_the_metadata_resolved_inside_is_the_metadata_resolved_outside():
    module = cst.parse_module("import os\nx = os.path.join(a, b)\ndef f(y):\n    return [z for z in y if x]\n")
    providers = (ExpressionContextProvider, ParentNodeProvider, PositionProvider, ScopeProvider)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(providers)
    with known_visitor_methods():
        found = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(providers)
    for provider in providers[:3]:
        assert dict(found[provider]) == dict(expected[provider])
    assert {id(n): type(s) for n, s in found[ScopeProvider].items()} == \
        {id(n): type(s) for n, s in expected[ScopeProvider].items()}
