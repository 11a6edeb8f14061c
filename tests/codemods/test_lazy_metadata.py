"""lazy_metadata: a provider is resolved only when a pass asks, and answers as LibCST's eager resolution."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codemods.framework.lazy_metadata import LazyMetadata

CODE = "import os\n\n\ndef f(x):\n    return os.path.join(x, 'y')\n"


class _Lines(LazyMetadata, cst.CSTVisitor):
    def __init__(self, ask: bool) -> None:
        super().__init__()
        self.ask, self.lines = ask, {}

    def visit_Name(self, node: cst.Name) -> None:
        if self.ask:
            self.lines[node.value] = self.get_metadata(PositionProvider, node).start.line


class _Eager(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.lines = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.lines[node.value] = self.get_metadata(PositionProvider, node).start.line


def test_nothing_is_resolved_when_nothing_is_asked() -> None:
    visitor = _Lines(ask=False)
    MetadataWrapper(cst.parse_module(CODE), unsafe_skip_copy=True).visit(visitor)
    assert visitor._tables == {}


def test_what_is_asked_is_what_the_eager_resolution_gives() -> None:
    lazy, eager = _Lines(ask=True), _Eager()
    MetadataWrapper(cst.parse_module(CODE), unsafe_skip_copy=True).visit(lazy)
    MetadataWrapper(cst.parse_module(CODE)).visit(eager)
    assert lazy.lines == eager.lines == {"os": 5, "f": 4, "x": 5, "path": 5, "join": 5}
    assert list(lazy._tables) == [PositionProvider]
