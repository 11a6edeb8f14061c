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

from codemods.framework.dunder_all import exported_names
from codemods.framework.names import renamed_use
from codemods.imports.placement import Need
from codemods.imports.sites import unresolved_uses
from codemods.imports.state import RewriteState


def decide_lost_names(state: RewriteState) -> None:
    _orphans(state)
    _stars(state)


def _orphans(state: RewriteState) -> None:
    stage, file = state.job.stage, state.job.file
    for name in sorted(stage.deletions.get(file.module, ())):
        uses = unresolved_uses(state.sites.scopes, name)
        rename = stage.rename(file.module, name)
        if not uses:
            continue
        lineno = min(state.line(node) for node, _ in uses)
        if rename is None:
            state.job.report(lineno, f"{name} is deleted here but still used")
            continue
        keep = stage.spec.keep_local_names and file.module != rename.new_module
        local = name if keep else rename.new_name
        for node, _ in uses:
            state.edits.replace[node] = renamed_use(node, name, local)
        scope = next(iter(state.sites.scopes)).globals
        if state.shadow.conflict(rename, local, scope, uses):
            state.block(lineno, local)
        state.needs.append(Need(rename, local, scope, None, lineno, False))


def _stars(state: RewriteState) -> None:
    stage, file = state.job.stage, state.job.file
    listed = None
    for module, lineno in state.sites.stars:
        if module in stage.spec.removable_modules:
            continue  # whether it goes is known later: package_exports reports it
        for rename in stage.renames.values():
            if rename.old_module != module or stage.binds_after(module, rename.old_name):
                continue
            uses = unresolved_uses(state.sites.scopes, rename.old_name)
            if listed is None:
                listed = exported_names(state.placer.module)
            if not uses and rename.old_name not in listed:
                continue
            scope = next(iter(state.sites.scopes)).globals
            if scope.assignments[rename.new_name] and not stage.binds_after(module, rename.new_name):
                state.block(lineno, rename.new_name)   # (the file binds the new name to something else)
                continue
            for node, _ in uses:
                state.edits.replace[node] = renamed_use(node, rename.old_name, rename.new_name)
            if rename.old_name in listed:
                state.edits.all_renames[rename.old_name] = rename.new_name
            if uses and not stage.binds_after(module, rename.new_name) and file.module != rename.new_module:
                state.needs.append(Need(rename, rename.new_name, scope, None, lineno, False))
