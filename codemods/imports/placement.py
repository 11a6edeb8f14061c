"""Where a needed `from T import New [as Local]` goes: merged, grouped, or a new statement.

Rules, in order: nothing when an equivalent binding already precedes it in the same block or
the scope's own body ("never import a name twice"); merged into an import of the same
module in the same block when only imports stand between them; grouped with a statement
this rewrite already adds to that block for that module; otherwise a new statement right
after the site (same block, so lazy imports stay lazy and `TYPE_CHECKING` imports stay
type-only), or, for a module-level need without a site, after the leading imports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BaseAssignment, ClassScope, Scope

from codemods.framework.context import FileJob
from codemods.framework.names import bound_name, dotted_expr, import_from_module
from codemods.framework.spec import Rename
from codemods.imports.nodes import alias_node, import_line, merge_candidate, names_of, top_anchor

Small = cst.Import | cst.ImportFrom


@dataclass
class Need:
    rename: Rename
    local: str
    scope: Scope
    anchor: Small | None  # the import statement the new binding follows; None: module top
    lineno: int
    relative: bool
    plain: bool = False  # `import new.module` (binds its top package), not `from ... import`
    same: Callable[[BaseAssignment], bool] | None = None  # existing bindings that already do


@dataclass
class _Pending:
    module: str
    relative: bool
    anchor: Small | None
    aliases: list[cst.ImportAlias] = field(default_factory=list)
    plain: bool = False


@dataclass
class Placement:
    appends: dict[cst.ImportFrom, list[cst.ImportAlias]] = field(default_factory=dict)
    insert_after: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = field(default_factory=dict)
    prepend: list[cst.SimpleStatementLine] = field(default_factory=list)


class Placer:
    def __init__(
        self,
        job: FileJob,
        module: cst.Module,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
    ) -> None:
        self.job, self.module, self.parents = job, module, parents
        self.result = Placement()
        self._bound: list[tuple[Scope, str, cst.CSTNode, int]] = []  # scope, local, block, line
        self._added: dict[tuple[int, str], _Pending] = {}

    def bind(self, scope: Scope, local: str, anchor: cst.CSTNode, lineno: int) -> None:
        """Record that `local` is bound (equivalently) at `anchor`."""
        self._bound.append((scope, local, self._block(anchor), lineno))

    def is_bound_before(
        self, scope: Scope, local: str, anchor: cst.CSTNode | None, lineno: int
    ) -> bool:
        """Whether an equivalent binding of `local` precedes `lineno` where it is visible:
        in the same block or the scope's own body, or the own body of an enclosing scope."""
        block = self._block(anchor) if anchor is not None else self.module
        current = scope
        while True:
            own = _own_body(current, self.module)
            blocks = (block, own) if current is scope else (own,)
            if any(
                s is current and name == local and line < lineno and b in blocks
                for s, name, b, line in self._bound
            ):
                return True
            if current is current.globals or (
                current is not scope and local in current.assignments
            ):
                return False
            current = current.parent
            while isinstance(current, ClassScope):
                current = current.parent

    def place(self, need: Need) -> None:
        rename, file = need.rename, self.job.file
        if file.module == rename.new_module:
            return
        if self.is_bound_before(need.scope, need.local, need.anchor, need.lineno):
            return
        anchor = need.anchor if need.anchor is not None else top_anchor(self.module)
        block = self._block(anchor) if anchor is not None else self.module
        if need.plain:
            pending = _Pending(rename.new_module, False, anchor, plain=True)
            self._added.setdefault((id(block), "import " + rename.new_module), pending)
            self.bind(need.scope, need.local, anchor or self.module, need.lineno)
            return
        alias = alias_node(rename.new_name, need.local)
        existing = _same_module(anchor, rename.new_module, self.job) or merge_candidate(
            block, self.parents.get(anchor), rename.new_module, self.job.file
        )
        if existing is not None:
            if (rename.new_name, need.local) not in names_of(existing, self.result.appends):
                self.result.appends.setdefault(existing, []).append(alias)
        else:
            key = (id(block), rename.new_module)
            pending = self._added.setdefault(
                key, _Pending(rename.new_module, need.relative, anchor)
            )
            if all(
                (a.name.value, bound_name(a)) != (rename.new_name, need.local)
                for a in pending.aliases
            ):
                pending.aliases.append(alias)
        self.bind(
            need.scope, need.local, anchor if anchor is not None else self.module, need.lineno
        )

    def finish(self) -> Placement:
        """The placement, with the statements this rewrite adds built."""
        for pending in self._added.values():
            if pending.plain:
                name = cst.ImportAlias(name=dotted_expr(pending.module))
                line = cst.SimpleStatementLine(body=[cst.Import(names=[name])])
            else:
                line = import_line(pending.module, pending.aliases, pending.relative, self.job)
            if pending.anchor is None:
                self.result.prepend.append(line)
            else:
                self.result.insert_after.setdefault(pending.anchor, []).append(line)
        self._added.clear()
        return self.result

    def _block(self, node: cst.CSTNode) -> cst.CSTNode:
        while not isinstance(node, (cst.Module, cst.IndentedBlock)):
            node = self.parents[node]
        return node


def _own_body(scope: Scope, module: cst.Module) -> cst.CSTNode:
    node = getattr(scope, "node", None)
    return node.body if isinstance(node, (cst.FunctionDef, cst.ClassDef)) else module


def _same_module(anchor: cst.CSTNode | None, module: str, job: FileJob) -> cst.ImportFrom | None:
    """The anchor itself, when it already imports from `module` (`from a.b import m1` + m3)."""
    if isinstance(anchor, cst.ImportFrom) and not isinstance(anchor.names, cst.ImportStar):
        return anchor if import_from_module(anchor, job.file) == module else None
    return None
