"""Deciding, for each site found by `import_sites`, what the rewrite does (no edits yet).

The result is a `RewritePlan` of node-keyed edits that `import_rewrite.ImportRewriter`
applies. Any site that would shadow another binding blocks the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BaseAssignment, CodeRange, Scope

from codemods._context import FileJob
from codemods._names import bound_name
from codemods.import_placement import Need, Placement, Placer
from codemods.import_sites import AttrSite, FileSites, FromSite, unresolved_uses
from codemods.shadowing import ShadowCheck
from codemods.spec import Rename
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
        return not (self.alias_edits or self.replace or p.appends or p.insert_after or p.prepend)


class ImportPlanner:
    def __init__(self, job: FileJob, module: cst.Module, sites: FileSites,
                 parents: Mapping[cst.CSTNode, cst.CSTNode],
                 positions: Mapping[cst.CSTNode, CodeRange]) -> None:  # fmt: skip
        self.job, self.sites, self.parents, self.positions = job, sites, parents, positions
        self.plan = RewritePlan()
        self.shadow = ShadowCheck(job, sites.scopes)
        self.placer = Placer(job, module, parents, positions)
        self.needs: list[Need] = []
        self.dropped: set[BaseAssignment] = set()

    def build(self) -> RewritePlan:
        for site in self.sites.from_sites:
            try_node = collapsible_try(site.line, self.parents, self.sites, self.job)
            if try_node is not None:
                self.plan.collapse.add(try_node)
        for site in self.sites.from_sites:
            self._from_site(site)
        for attr in self.sites.attr_sites:
            self._attr_site(attr)
        self._orphans()
        self._stars()
        for need in sorted(self.needs, key=lambda n: n.lineno):
            self._bind_existing(need.scope, need.local, need.rename)
            self.placer.place(need)
        self.plan.placement = self.placer.finish()
        return self.plan

    def _from_site(self, site: FromSite) -> None:
        rename, stage, file = site.rename, self.job.stage, self.job.file
        local_target = file.module == rename.new_module
        old_local = cst.ensure_type((site.alias.asname or site.alias).name, cst.Name).value
        keep = stage.spec.keep_local_names and not local_target
        local = old_local if keep else rename.new_name
        module = rename.old_module
        in_place = not local_target and (module == rename.new_module or stage.binds_after(module, rename.new_name))
        uses, rebinding = self._rename_uses(site, old_local, local)
        if self.shadow.conflict(rename, local, site.scope, uses, rebinding):
            self._block(site.lineno, local)
        if in_place:
            asname = cst.AsName(name=cst.Name(local)) if local != rename.new_name else None
            new_alias = site.alias.with_changes(name=cst.Name(rename.new_name), asname=asname)
            self._bind_existing(site.scope, local, rename)
            if self.placer.is_bound_before(site.scope, local, site.statement, site.lineno) or any(
                alias is not site.alias and edited is not None and bound_name(edited) == local
                for alias in site.statement.names  # type: ignore[union-attr]
                for edited in [self.plan.alias_edits.get(alias, alias)]
            ):
                new_alias = None
            self.plan.alias_edits[site.alias] = new_alias
            self.placer.bind(site.scope, local, site.statement, site.lineno)
        else:
            self.plan.alias_edits[site.alias] = None
            self.dropped.add(site.assignment)
            self.needs.append(Need(rename, local, site.scope, site.statement, site.lineno,
                                   bool(site.statement.relative)))  # fmt: skip
        if site.scope is site.scope.globals and old_local != local:
            self.plan.all_renames[old_local] = local

    def _rename_uses(
        self, site: FromSite, old: str, new: str
    ) -> tuple[list[tuple[cst.CSTNode, Scope]], set[BaseAssignment]]:
        """The uses of the site's binding (renamed when the local name changes), and the
        other bindings of the same name that the rewrite makes moot."""
        if site.assignment is None:
            return [], set()
        uses, rebinding = [], {site.assignment}
        for access in site.assignment.references:
            uses.append((access.node, access.scope))
            for other in access.referents:
                if other in rebinding:
                    continue
                if self._rebinds(other, site):
                    rebinding.add(other)
                    continue
                self.job.report(site.lineno, f"cannot rename {old}: also bound at line "
                                f"{self._line(other.node)}")  # fmt: skip
                self.plan.blocked = True
            if old != new:
                self.plan.replace[access.node] = _renamed(access.node, old, new)
        for other in site.scope.assignments[old]:
            if other not in rebinding and self._rebinds(other, site):
                rebinding.add(other)
        return uses, rebinding

    def _rebinds(self, other: BaseAssignment, site: FromSite) -> bool:
        """Another site, or a fallback binding in a try/except we collapse."""
        if any(s.assignment is other for s in self.sites.from_sites):
            return True
        node: cst.CSTNode | None = other.node
        while node is not None:
            if isinstance(node, cst.ExceptHandler):
                return self.parents.get(node) in self.plan.collapse
            node = self.parents.get(node)
        return False

    def _attr_site(self, site: AttrSite) -> None:
        rename, stage, file = site.rename, self.job.stage, self.job.file
        if site.stored:
            self.job.report(site.lineno, f"assigns to {rename.old_module}.{rename.old_name}; left as is")
            return
        if stage.binds_after(rename.old_module, rename.new_name):
            if rename.new_name != rename.old_name:
                self.plan.replace[site.node] = site.node.with_changes(attr=cst.Name(rename.new_name))
            return
        self.plan.replace[site.node] = cst.Name(rename.new_name)
        binding = min(site.imports, key=lambda a: self._line(a.node))
        if file.module == rename.new_module:
            scope = site.scope.globals
        else:
            scope = binding.scope
            anchor = binding.node
            relative = isinstance(anchor, cst.ImportFrom) and bool(anchor.relative)
            self.needs.append(Need(rename, rename.new_name, scope, anchor, self._line(anchor), relative))
        if self.shadow.conflict(rename, rename.new_name, scope, [(site.node, site.scope)]):
            self._block(site.lineno, rename.new_name)

    def _orphans(self) -> None:
        stage, file = self.job.stage, self.job.file
        for name in sorted(stage.deletions.get(file.module, ())):
            uses = unresolved_uses(self.sites.scopes, name)
            rename = stage.rename(file.module, name)
            if not uses:
                continue
            lineno = min(self._line(node) for node, _ in uses)
            if rename is None:
                self.job.report(lineno, f"{name} is deleted here but still used")
                continue
            keep = stage.spec.keep_local_names and file.module != rename.new_module
            local = name if keep else rename.new_name
            for node, _ in uses:
                self.plan.replace[node] = _renamed(node, name, local)
            scope = next(iter(self.sites.scopes)).globals
            if self.shadow.conflict(rename, local, scope, uses):
                self._block(lineno, local)
            self.needs.append(Need(rename, local, scope, None, lineno, False))

    def _stars(self) -> None:
        stage = self.job.stage
        for module, lineno in self.sites.stars:
            if module in stage.gone:
                self.job.report(lineno, f"star import from removed module {module}")
                continue
            for rename in stage.renames.values():
                if rename.old_module == module and not stage.binds_after(module, rename.old_name):
                    if unresolved_uses(self.sites.scopes, rename.old_name):
                        self.job.report(lineno, f"{module} no longer provides {rename.old_name} "
                                        f"(used here through *)")  # fmt: skip

    def _bind_existing(self, scope: Scope, local: str, rename: Rename) -> None:
        """Tell the placer about equivalent imports of `local` here and in enclosing scopes."""
        while True:
            for assignment in scope.assignments[local]:
                node = assignment.node
                if assignment not in self.dropped and isinstance(node, (cst.Import, cst.ImportFrom)):
                    if self.shadow.equivalent(assignment, rename):
                        self.placer.bind(scope, local, node, self._line(node))
            if scope is scope.globals:
                return
            scope = scope.parent

    def _block(self, lineno: int, name: str) -> None:
        self.job.report(lineno, f"would shadow {name}")
        self.plan.blocked = True

    def _line(self, node: cst.CSTNode) -> int:
        position = self.positions.get(node)
        return position.start.line if position is not None else 1


def _renamed(node: cst.CSTNode, old: str, new: str) -> cst.CSTNode:
    if isinstance(node, cst.Name):
        return node.with_changes(value=new)
    if isinstance(node, cst.SimpleString):  # a string annotation: rename the name token
        pattern = re.compile(rf"(?<![\w.]){re.escape(old)}(?!\w)")
        return node.with_changes(value=pattern.sub(new, node.value))
    return node
