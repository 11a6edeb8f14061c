"""`parse_module`: LibCST's parse, without checking again each node its parser builds from code Python reads.

Every LibCST node checks itself as it is made (`CSTNode.__post_init__` calls `_validate`): the whitespace a
keyword needs, the brackets a node needs, and the like. Those checks take about a seventh of a parse. What
LibCST's parser builds from code Python's own parser reads passes them (LibCST's source says as much beside
the call); they matter for the few sources LibCST's parser takes and Python never reads (`'a' b'b'`: string
and bytes side by side), which they reject. So the checks are off for code Python reads, and on otherwise;
every node an edit makes is checked as before.
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.base import CSTNode

from codemods.framework.replaced import replaced


def parse_module(code: str, *, python_reads_it: bool) -> cst.Module:
    """LibCST's tree of `code`. `python_reads_it`: Python's parser reads `code`, or `code` is printed from a
    tree whose nodes all passed the checks: the parsed nodes are not checked again. Raises `cst.ParserSyntaxError`, and
    without `python_reads_it` also `cst.CSTValidationError` (a `SyntaxError`), as LibCST's parse does."""
    if not python_reads_it:
        return cst.parse_module(code)
    with replaced(CSTNode, "__post_init__", _unchecked):
        return cst.parse_module(code)


def _unchecked(node: CSTNode) -> None:
    """A parsed node's `__post_init__`: nothing to check."""
