"""Deciding, for each site found by `import_sites`, what the rewrite does (no edits yet).

The result is a `RewritePlan` of node-keyed edits that `import_rewrite.ImportRewriter`
applies. Any site that would shadow another binding blocks the whole file. `from` imports
are planned in `plan_from_sites`, attribute uses through a module binding (`m.X`) in
`plan_attr_sites`, names a module loses in `lost_names`; placing the imports they need in
`import_placement`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BaseAssignment, CodeRange, Scope

from codemods._context import FileJob
from codemods.import_placement import Need, Placement, Placer
from codemods.import_sites import FileSites
from codemods.lost_names import plan_lost_names
from codemods.plan_attr_sites import plan_attr_site
from codemods.plan_from_sites import plan_from_site
from codemods.shadowing import ShadowCheck
from codemods.try_collapse import collapsible_try


@dataclass
class RewritePlan:
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


class ImportPlanner:
    def __init__(
        self,
        job: FileJob,
        module: cst.Module,
        sites: FileSites,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        positions: Mapping[cst.CSTNode, CodeRange],
    ) -> None:
        self.job, self.sites, self.parents, self.positions = job, sites, parents, positions
        self.plan = RewritePlan()
        self.shadow = ShadowCheck(job, sites.scopes)
        self.placer = Placer(job, module, parents, positions)
        self.needs: list[Need] = []
        self.dropped: set[BaseAssignment] = set()
        # string annotation -> {span in its value: the code that replaces it} (a string can hold several uses)
        self.string_parts: dict[cst.SimpleString, dict[tuple[int, int], str]] = {}

    def build(self) -> RewritePlan:
        for site in self.sites.from_sites:
            try_node = collapsible_try(site.line, self.parents, self.sites, self.job)
            if try_node is not None:
                self.plan.collapse.add(try_node)
        for site in self.sites.from_sites:
            plan_from_site(self, site)
        for attr in self.sites.attr_sites:
            plan_attr_site(self, attr)
        plan_lost_names(self)
        for need in sorted(self.needs, key=lambda n: n.lineno):
            same = need.same or (lambda a, r=need.rename: self.shadow.equivalent(a, r))
            self.bind_existing(need.scope, need.local, same)
            self.placer.place(need)
        self.plan.placement = self.placer.finish()
        return self.plan

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
        self.plan.blocked = True

    def line(self, node: cst.CSTNode) -> int:
        position = self.positions.get(node)
        return position.start.line if position is not None else 1
