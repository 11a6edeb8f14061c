"""How a module's imports are used, by LibCST's scope analysis: per import binding, a key (its scope, where
it imports from and the local name, with a renamed import read as the import it is rewritten to) and
whether anything uses it. `unused_imports` compares the edited module with the original by these keys;
the original's counts (`import_usage`) are small and cross processes, so the scopes the import rewrite
worked out for the original serve, instead of being worked out again."""

from __future__ import annotations

from collections import Counter

import libcst as cst
from libcst.metadata import ImportAssignment, MetadataWrapper, Scope, ScopeProvider

from codemods.framework.context import FileJob
from codemods.framework.names import bound_name, import_from_module

Key = tuple[str, str, str]  # (scope path, source, local name)
Usage = tuple[Counter, Counter]   # per key: how many bindings are used, how many exist


def import_usage(wrapper: MetadataWrapper, job: FileJob) -> Usage:
    """Per key, how many of the module's import bindings are used, and how many there are."""
    _, used, every = import_uses(wrapper, job)
    return used, every


def import_uses(wrapper: MetadataWrapper, job: FileJob) -> tuple[dict, Counter, Counter]:
    """Per import alias: (key, used?, at module level?); and per key, how many used / exist."""
    scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
    refs: dict[cst.ImportAlias, int] = {}
    owner: dict[cst.ImportAlias, tuple[Scope, cst.Import | cst.ImportFrom]] = {}
    for scope in scopes:
        for assignment in scope.assignments:
            if not isinstance(assignment, ImportAssignment):
                continue
            node = assignment.node
            for alias in getattr(node, "names", ()):
                if isinstance(alias, cst.ImportAlias) and assignment.as_name in (
                    alias.name,
                    _as(alias),
                ):
                    refs[alias] = refs.get(alias, 0) + len(assignment.references)
                    owner[alias] = (scope, node)
    result, used_counts, all_counts = {}, Counter(), Counter()
    for alias, count in refs.items():
        scope, node = owner[alias]
        key = (_scope_path(scope), *_identity(node, alias, job))
        result[alias] = (key, count > 0, scope is scope.globals)
        used_counts[key] += count > 0
        all_counts[key] += 1
    return result, used_counts, all_counts



def _identity(
    node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias, job: FileJob
) -> tuple[str, str]:
    """(source, local name), with a renamed import read as the import it is rewritten to,
    so that a rewritten import inherits the used/unused state of the one it replaces."""
    name = cst.Module([]).code_for_node(alias.name)
    local = bound_name(alias)
    if not isinstance(node, cst.ImportFrom):
        return name, local
    stage = job.stage
    module = import_from_module(node, job.file) or ""
    for rename in stage.renames.values():
        renamed = (rename.old_module, rename.old_name) == (module, name)
        if renamed or (name == rename.new_name and module in stage.family_sources(rename)):
            if renamed and not stage.spec.keep_local_names:
                local = rename.new_name
            return f"{rename.new_module}:{rename.new_name}", local
    return f"{module}:{name}", local


def _scope_path(scope: Scope) -> str:
    parts = []
    while scope is not scope.globals:
        parts.append(getattr(scope, "name", None) or "?")
        scope = scope.parent
    return ".".join(reversed(parts))


def _as(alias: cst.ImportAlias) -> cst.CSTNode | None:
    return alias.asname.name if alias.asname is not None else None
