"""Deciding `from m import X [as Y]` sites (see `decide`).

The new import goes where the old one was: the alias is renamed in place when the module
the site reads from still binds the new name after the stage (a re-exporting package, or
the new module itself), else the alias is dropped and the name is imported from
`Rename.new_module` next to the statement. Uses of the old local name are renamed (unless
`keep_local_names`), string annotations included. A fallback binding of the same name in
a try/except that collapses is moot; when the name is bound some other way too (an `if`/`else`
choosing between two sources), the file keeps the name: `from new import New as Old`.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BaseAssignment, Scope

from codemods.framework.names import bound_name, renamed_use
from codemods.imports.placement import Need
from codemods.imports.sites import FromSite
from codemods.imports.state import RewriteState


def decide_from_site(state: RewriteState, site: FromSite) -> None:
    rename, stage, file = site.rename, state.job.stage, state.job.file
    local_target = file.module == rename.new_module
    old_local = cst.ensure_type((site.alias.asname or site.alias).name, cst.Name).value
    # the name is also bound another way (`if X: from a import Name` / `else: from legacy import Name`):
    # it stays the file's name, now bound to the replacement (`import New as Name`)
    elsewhere = not local_target and _bound_elsewhere(state, site, old_local)
    keep = (stage.spec.keep_local_names or elsewhere) and not local_target
    local = old_local if keep else rename.new_name
    module = rename.old_module
    in_place = not local_target and (
        module == rename.new_module or stage.offers_after(module, rename.new_name)
    )
    uses, rebinding = _rename_uses(state, site, old_local, local)
    if not elsewhere and state.shadow.conflict(rename, local, site.scope, uses, rebinding):
        state.block(site.lineno, local)
    if in_place:
        asname = cst.AsName(name=cst.Name(local)) if local != rename.new_name else None
        new_alias = site.alias.with_changes(name=cst.Name(rename.new_name), asname=asname)
        state.bind_existing(site.scope, local, lambda a: state.shadow.equivalent(a, rename))
        if not elsewhere and state.placer.is_bound_before(site.scope, local, site.statement, site.lineno) or any(
            alias is not site.alias and edited is not None and bound_name(edited) == local
            for alias in site.statement.names  # type: ignore[union-attr]
            for edited in [state.edits.alias_edits.get(alias, alias)]
        ):
            new_alias = None
        state.edits.alias_edits[site.alias] = new_alias
        state.placer.bind(site.scope, local, site.statement, site.lineno)
    else:
        state.edits.alias_edits[site.alias] = None
        state.dropped.add(site.assignment)
        state.needs.append(
            Need(
                rename,
                local,
                site.scope,
                site.statement,
                site.lineno,
                bool(site.statement.relative),
            )
        )
    if site.scope is site.scope.globals and old_local != local:
        state.edits.all_renames[old_local] = local


def _rename_uses(
    state: RewriteState, site: FromSite, old: str, new: str
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
            if _rebinds(state, other, site):
                rebinding.add(other)
                continue
            if old != new:   # (a use that can see another binding cannot take the new name)
                state.job.report(
                    site.lineno,
                    f"cannot rename {old}: also bound at line {state.job.original_line(state.line(other.node))}",
                )
                state.edits.blocked = True
        if old != new:
            state.edits.replace[access.node] = renamed_use(access.node, old, new)
    for other in site.scope.assignments[old]:
        if other not in rebinding and _rebinds(state, other, site):
            rebinding.add(other)
    return uses, rebinding


def _bound_elsewhere(state: RewriteState, site: FromSite, name: str) -> bool:
    """Whether the site's scope binds `name` some other way than sites and moot fallbacks."""
    if site.assignment is None:
        return False
    return any(other is not site.assignment and not _rebinds(state, other, site)
               for other in site.scope.assignments[name])


def _rebinds(state: RewriteState, other: BaseAssignment, site: FromSite) -> bool:
    """Another site, or a fallback binding in a try/except we collapse."""
    if any(s.assignment is other for s in state.sites.from_sites):
        return True
    node: cst.CSTNode | None = other.node
    while node is not None:
        if isinstance(node, cst.ExceptHandler):
            return state.parents.get(node) in state.edits.collapse
        node = state.parents.get(node)
    return False
