"""Names a file loses: uses of a definition deleted from this very module ("orphans"),
and names read through `from m import *` that `m` no longer provides.

An orphan with a rename is renamed to the new name, imported at the top of the module
(after the leading imports, merged into an import of the same module when there is one);
without one it is reported. A renamed name the file reads through a star import that no longer
provides it is renamed too: the star stays when it provides the new name, else the new name is
imported; a `__all__` entry of it follows (a package re-exporting it through the star). A star of
a removed module is `package_exports`' to report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemods._names import renamed_use
from codemods.dunder_all import exported_names
from codemods.import_placement import Need
from codemods.import_sites import unresolved_uses

if TYPE_CHECKING:
    from codemods.import_plan import ImportPlanner


def plan_lost_names(planner: ImportPlanner) -> None:
    _orphans(planner)
    _stars(planner)


def _orphans(planner: ImportPlanner) -> None:
    stage, file = planner.job.stage, planner.job.file
    for name in sorted(stage.deletions.get(file.module, ())):
        uses = unresolved_uses(planner.sites.scopes, name)
        rename = stage.rename(file.module, name)
        if not uses:
            continue
        lineno = min(planner.line(node) for node, _ in uses)
        if rename is None:
            planner.job.report(lineno, f"{name} is deleted here but still used")
            continue
        keep = stage.spec.keep_local_names and file.module != rename.new_module
        local = name if keep else rename.new_name
        for node, _ in uses:
            planner.plan.replace[node] = renamed_use(node, name, local)
        scope = next(iter(planner.sites.scopes)).globals
        if planner.shadow.conflict(rename, local, scope, uses):
            planner.block(lineno, local)
        planner.needs.append(Need(rename, local, scope, None, lineno, False))


def _stars(planner: ImportPlanner) -> None:
    stage, file = planner.job.stage, planner.job.file
    listed = None
    for module, lineno in planner.sites.stars:
        if module in stage.spec.removable_modules:
            continue  # whether it goes is known later: package_exports reports it
        for rename in stage.renames.values():
            if rename.old_module != module or stage.binds_after(module, rename.old_name):
                continue
            uses = unresolved_uses(planner.sites.scopes, rename.old_name)
            if listed is None:
                listed = exported_names(planner.placer.module)
            if not uses and rename.old_name not in listed:
                continue
            scope = next(iter(planner.sites.scopes)).globals
            if scope.assignments[rename.new_name] and not stage.binds_after(module, rename.new_name):
                planner.block(lineno, rename.new_name)   # (the file binds the new name to something else)
                continue
            for node, _ in uses:
                planner.plan.replace[node] = renamed_use(node, rename.old_name, rename.new_name)
            if rename.old_name in listed:
                planner.plan.all_renames[rename.old_name] = rename.new_name
            if uses and not stage.binds_after(module, rename.new_name) and file.module != rename.new_module:
                planner.needs.append(Need(rename, rename.new_name, scope, None, lineno, False))
