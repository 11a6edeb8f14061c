"""The state of one file's import rewrite while its sites are decided: what the deciders
(`from_sites`, `attr_sites`, `lost_names`) read (the file's sites, parents, positions, scopes) and
what they write (`ImportEdits`, the imports still to place). `decide` builds it and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BaseAssignment, Scope

from codemods.framework.context import FileJob
from codemods.framework.lines import NodeLines
from codemods.imports.placement import Need, Placement, Placer
from codemods.imports.shadowing import ShadowCheck
from codemods.imports.sites import FileSites


@dataclass
class ImportEdits:
    """Node-keyed edits of one file's imports and uses, which `rewrite.ImportRewriter` applies."""

    alias_edits: dict[cst.ImportAlias, cst.ImportAlias | None] = field(default_factory=dict)
    replace: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    collapse: set[cst.Try] = field(default_factory=set)
    all_renames: dict[str, str] = field(default_factory=dict)  # module-level old -> new local
    placement: Placement = field(default_factory=Placement)
    blocked: bool = False

    @property
    def empty(self) -> bool:
        p = self.placement
        return not (self.alias_edits or self.replace or self.all_renames or p.appends or p.insert_after
                    or p.prepend)


class RewriteState:
    def __init__(
        self,
        job: FileJob,
        module: cst.Module,
        sites: FileSites,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        lines: NodeLines,
    ) -> None:
        self.job, self.sites, self.parents, self.lines = job, sites, parents, lines
        self.edits = ImportEdits()
        self.shadow = ShadowCheck(job, sites.scopes)
        self.placer = Placer(job, module, parents)
        self.needs: list[Need] = []
        self.dropped: set[BaseAssignment] = set()
        # string annotation -> {span in its value: the code that replaces it} (a string can hold several uses)
        self.string_parts: dict[cst.SimpleString, dict[tuple[int, int], str]] = {}

    def bind_existing(
        self, scope: Scope, local: str, same: Callable[[BaseAssignment], bool]
    ) -> None:
        """Tell the placer about equivalent imports of `local` here and in enclosing scopes."""
        while True:
            for assignment in scope.assignments[local]:
                node = assignment.node
                is_import = isinstance(node, (cst.Import, cst.ImportFrom))
                kept = is_import and assignment not in self.dropped
                if kept and same(assignment):
                    self.placer.bind(scope, local, node, self.line(node))
            if scope is scope.globals:
                return
            scope = scope.parent

    def block(self, lineno: int, name: str) -> None:
        self.job.report(lineno, f"would shadow {name}")
        self.edits.blocked = True

    def line(self, node: cst.CSTNode) -> int:
        return self.lines.get(node, 1)
