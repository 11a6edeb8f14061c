"""Would binding a new local name capture something else? (read-only scope analysis)

A rewrite binds `local` in `scope` (an import, or the canonical defined in this module) and
renames some uses to it. That is safe only when:
  (a) `scope` binds `local` to nothing else;
  (b) each renamed use reaches `scope` without meeting another binding of `local` on the way;
  (c) no existing use of `local` inside `scope` currently means an outer, different object.
"Something else" is any binding that is not the rename's target under another import path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import libcst as cst
from libcst.metadata import BaseAssignment, ImportAssignment, Scope

from codemods.framework.context import FileJob
from codemods.framework.names import absolute, split
from codemods.framework.spec import Rename


class ShadowCheck:
    def __init__(self, job: FileJob, scopes: Collection[Scope]) -> None:
        self.job = job
        self.scopes = scopes

    def equivalent(self, assignment: BaseAssignment, rename: Rename) -> bool:
        """Whether `assignment` binds the rename's target (however it is imported)."""
        stage, file = self.job.stage, self.job.file
        if isinstance(assignment, ImportAssignment):
            for qualified in assignment.get_qualified_names_for(assignment.name):
                dotted = absolute(qualified.name, file)
                if dotted is None:
                    continue
                module, name = split(dotted)
                if stage.same_target(module, name, rename):
                    return True
                if name == rename.new_name and module in stage.family_sources(rename):
                    return True
            return False
        return (
            file.module == rename.new_module
            and assignment.name == rename.new_name
            and assignment.scope is assignment.scope.globals
        )

    def conflict(
        self,
        rename: Rename,
        local: str,
        scope: Scope,
        uses: Iterable[tuple[cst.CSTNode, Scope]],
        rebinding: Collection[BaseAssignment] = (),
        same: Callable[[BaseAssignment], bool] | None = None,
    ) -> bool:
        """Whether binding `local` in `scope` for `rename` would shadow something; `same`
        overrides which existing bindings count as the very object being bound."""
        is_same = same or (lambda assignment: self.equivalent(assignment, rename))

        def other(assignment: BaseAssignment) -> bool:
            return assignment not in rebinding and not is_same(assignment)

        if any(other(a) for a in scope.assignments[local]):
            return True
        for _, use_scope in uses:
            path = _path(use_scope, scope)
            if path is None:
                continue
            if any(other(a) and a.scope in path for a in use_scope[local]):
                return True
        for candidate in self.scopes:
            path = _path(candidate, scope)
            if path is None:
                continue
            for access in candidate.accesses[local]:
                if any(other(a) and a.scope not in path for a in access.referents):
                    return True
        return False


def _path(start: Scope, stop: Scope) -> list[Scope] | None:
    """Scopes from `start` up to `stop` (inclusive), or None when `stop` is not above."""
    path = [start]
    current = start
    while current is not stop:
        parent = current.parent
        if parent is current:
            return None
        current = parent
        path.append(current)
    return path
