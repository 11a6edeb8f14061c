"""Removing whole statements from blocks without losing unrelated comments.

A transformer that mixes in `BlockPruner` marks statements with `self.doom(node)` instead of
returning `RemoveFromParent()`. When the enclosing block is left, doomed statements go, and
comment lines that were separated from them by a blank line (section comments) move to the
next surviving statement; comment lines directly above a doomed statement go with it, unless
they head a group of lines that goes on without a blank line to a statement that stays (`#: nicer
import names` above four aliases, the first one removed): then they head what stays.
A block left empty gets `pass`; an `if`/`elif` or `try` whose body we emptied goes entirely
(a `try` with its handlers), an `else`/`finally` we emptied goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

Stmt = TypeVar("Stmt", bound=cst.CSTNode)


class BlockPruner(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        self._doomed: dict[int, cst.CSTNode] = {}
        self._emptied: dict[int, cst.CSTNode] = {}

    def doom(self, node: Stmt) -> Stmt:
        self._doomed[id(node)] = node
        return node

    def is_doomed(self, node: object) -> bool:
        return id(node) in self._doomed

    def _is_emptied(self, node: object) -> bool:
        return id(node) in self._emptied

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not updated_node.body:  # every small statement went: remove the line, keep comments
            return self.doom(updated_node.with_changes(body=[cst.Pass()]))
        if len(updated_node.body) < len(original_node.body):
            *rest, last = updated_node.body
            return updated_node.with_changes(
                body=[*rest, last.with_changes(semicolon=original_node.body[-1].semicolon)]
            )
        return updated_node

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if updated_node.body:
            return updated_node
        emptied = updated_node.with_changes(body=[cst.Pass()])
        self._emptied[id(emptied)] = emptied
        return emptied

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(self.is_doomed(stmt) for stmt in updated_node.body):
            return updated_node
        body, carried = self._prune(updated_node.body)
        if body:
            return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])
        emptied = updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        self._emptied[id(emptied)] = emptied
        return emptied

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not any(self.is_doomed(stmt) for stmt in updated_node.body):
            return updated_node
        body, carried = self._prune(updated_node.body)
        return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If:
        orelse = updated_node.orelse
        if (
            isinstance(orelse, cst.Else)
            and self._is_emptied(orelse.body)
            or isinstance(orelse, cst.If)
            and self.is_doomed(orelse)
        ):
            orelse = None
        updated_node = updated_node.with_changes(orelse=orelse)
        if self._is_emptied(updated_node.body) and orelse is None:
            return self.doom(updated_node)
        return updated_node

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.Try:
        if self._is_emptied(updated_node.body):
            return self.doom(updated_node)
        changes: dict[str, object] = {}
        if updated_node.orelse is not None and self._is_emptied(updated_node.orelse.body):
            changes["orelse"] = None
        final = updated_node.finalbody
        if final is not None and self._is_emptied(final.body) and updated_node.handlers:
            changes["finalbody"] = None
        return updated_node.with_changes(**changes) if changes else updated_node

    def _prune(self, body: Sequence[Stmt]) -> tuple[list[Stmt], list[cst.EmptyLine]]:
        kept: list[Stmt] = []
        carry: list[cst.EmptyLine] = []
        heading: list[cst.EmptyLine] = []   # comments directly above a run of doomed statements
        for stmt in body:
            lines = list(getattr(stmt, "leading_lines", ()))
            if any(line.comment is None for line in lines):
                heading = []   # a blank line ends the group those comments headed
            if self.is_doomed(stmt):
                detached = _detached(lines)
                carry = _join(carry, detached)
                heading = [*heading, *lines[len(detached):]]
                continue
            if carry or heading or (not kept and stmt is not body[0]):
                lines = _join(carry, [*heading, *lines])
                stmt = stmt.with_changes(leading_lines=lines if kept else _lstrip(lines))
                carry, heading = [], []
            kept.append(stmt)
        return kept, [line for line in carry if line.comment is not None]


def _detached(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The leading lines up to the last blank one: they separate, they don't belong."""
    blanks = [index for index, line in enumerate(lines) if line.comment is None]
    return list(lines[: blanks[-1] + 1]) if blanks else []


def _lstrip(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Without the blank lines that would open a file or a block."""
    index = 0
    while index < len(lines) and lines[index].comment is None:
        index += 1
    return list(lines[index:])


def _join(first: Sequence[cst.EmptyLine], second: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """`first + second`, where the blank lines at the seam are the larger of the two runs."""
    head, tail = list(first), list(second)
    trailing = leading = 0
    while head and head[-1].comment is None:
        head.pop()
        trailing += 1
    while tail and tail[0].comment is None:
        tail.pop(0)
        leading += 1
    return [*head, *(cst.EmptyLine() for _ in range(max(trailing, leading))), *tail]
