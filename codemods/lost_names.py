"""Names a file loses: uses of a definition deleted from this very module ("orphans"),
and names read through `from m import *` that `m` no longer provides.

An orphan with a rename is renamed to the new name, imported at the top of the module
(after the leading imports, merged into an import of the same module when there is one);
without one it is reported. A star import that no longer provides a renamed name the file
reads is reported (one of a removed module, by `package_exports`); the star stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemods._names import renamed_use
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
    stage = planner.job.stage
    for module, lineno in planner.sites.stars:
        if module in stage.spec.removable_modules:
            continue  # whether it goes is known later: package_exports reports it
        for rename in stage.renames.values():
            lost = rename.old_module == module and not stage.binds_after(module, rename.old_name)
            if lost and unresolved_uses(planner.sites.scopes, rename.old_name):
                planner.job.report(
                    lineno, f"{module} no longer provides {rename.old_name} (used here through *)"
                )
