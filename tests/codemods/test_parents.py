"""`codemods.framework.parents`: the parent map, and assignment targets read from it, agree with LibCST's
own providers (which visit the whole file)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper, ParentNodeProvider

from codemods.framework.parents import is_target, parent_map

SOURCES = [
    "a.X = 1\nb = a.X\n",
    "a.X += 1\na.X: int = 2\ndel a.X\n",
    "a.X, (b.Y, [*c.Z]) = f()\nd = (a.X, b.Y)\n",
    "for a.X in items:\n    pass\n[n for m.X in items]\n",
    "with open(p) as a.X:\n    a.X.read()\n",
    "a.X[0] = 1\na.X.y = 2\nf(a.X).z = 3\n",
    "async def f():\n    async for a.X in g():\n        del (a.X, b.Y)\n",
    "x = [a.X for a.X in y if a.X]\nprint(a.X.b.c)\n",
]


@pytest.mark.parametrize("source", SOURCES)
def test_targets_are_what_the_expression_context_provider_says(source):
    wrapper = MetadataWrapper(cst.parse_module(source))
    contexts = wrapper.resolve(ExpressionContextProvider)
    parents = parent_map(wrapper.module)
    attributes = [n for n in parents if isinstance(n, cst.Attribute)]
    assert attributes
    for node in attributes:
        expected = contexts.get(node) in (ExpressionContext.STORE, ExpressionContext.DEL)
        assert is_target(node, parents) is expected, cst.Module([]).code_for_node(node)


def test_every_node_s_parent_is_the_one_the_parent_node_provider_gives():
    sources = SOURCES + [p.read_text() for p in sorted(Path(__file__).parents[2].glob("codemods/imports/*.py"))]
    for source in sources:
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        expected = {node: parent for node, parent in wrapper.resolve(ParentNodeProvider).items()}
        parents = parent_map(wrapper.module)
        assert len(parents) == len(expected) and set(map(id, parents)) == set(map(id, expected))
        assert all(parents[node] is parent and node in parents for node, parent in expected.items())
        assert wrapper.module not in parents and parents.get(wrapper.module) is None
