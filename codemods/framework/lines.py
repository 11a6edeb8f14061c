"""`NodeLines`: the line each node of a module starts on, worked out by printing the module once (the
printed code is kept: `NodeLines.code`, the module's `code`, without printing it again).

The passes place and report sites by line only. LibCST's `PositionProvider` gives a full `CodeRange`
per node: two `CodePosition`s and a range object for each of the module's nodes, every token split on
newlines, and a dictionary keyed by the nodes (whose hash is a Python call). On a large file that is
ten times the cost of printing it. Here the printer keeps a line count, a node's start goes into a
dictionary keyed by the node's identity, and the syntactic start overrides the start with leading
whitespace, as in `PositionProvider`: a node's line is that provider's `.start.line`.

The module is held, so the identities of its nodes stay theirs while the lines are asked for; a node
not in the module has no line.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")   # (as LibCST's printer counts lines)


class NodeLines:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        state = _LineCounting(module)
        module._codegen(state)
        self._lines = state.lines
        self.code = "".join(state.tokens)   # (what `module.code` prints: the same tokens, joined)

    def get(self, node: cst.CSTNode, default: int) -> int:
        return self._lines.get(id(node), default)

    def __getitem__(self, node: cst.CSTNode) -> int:
        return self._lines[id(node)]


class _LineCounting(CodegenState):
    """LibCST's printing state, counting lines and recording where each node starts."""

    __slots__ = ("_starts", "line", "lines")

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.lines: dict[int, int] = {}
        self._starts: list[int] = []

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += len(_NEWLINE.findall(value))

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.line)

    def after_codegen(self, node: cst.CSTNode) -> None:
        # (a syntactic start recorded while the node printed stays)
        self.lines.setdefault(id(node), self._starts.pop())

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> _Syntactic:
        return _Syntactic(self, node, start_node)


class _Syntactic:
    """The context in which a node prints its syntactic part (a plain class: LibCST enters one per node)."""

    __slots__ = ("node", "start", "start_node", "state")

    def __init__(self, state: _LineCounting, node: cst.CSTNode, start_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node = state, node, start_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.line

    def __exit__(self, *exc_info: object) -> bool:
        lines = self.state.lines
        lines[id(self.node)] = lines[id(self.start_node)] if self.start_node is not None else self.start
        return False
