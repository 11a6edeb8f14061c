"""Deleting named top-level definitions from one module, with their `__all__` entries.

A definition is a class, a function, an assignment or annotated assignment (`X = Y`,
`X = type("X", ...)`, `X: T = ...`), or an import binding the name (`from a import B as X`).
An aliasing import of exactly the name's replacement (`from canon import New as X`, with X
renamed to canon.New) loses only its alias: the module keeps `from canon import New` where
it was, for the uses `imports.rewrite` renames.
Definitions under module-level `if TYPE_CHECKING:` / `if ...:` / `try:` blocks count;
a block left empty goes (see `blocks.BlockPruner`). Function and class bodies are not
entered: only module-level names are definitions of the module.
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from codemods.framework.blocks import BlockPruner
from codemods.framework.context import FileJob
from codemods.framework.dunder_all import DunderAllEditor
from codemods.framework.names import bound_name, import_from_module
from codemods.framework.sequences import remove_items


def remove_definitions(module: cst.Module, job: FileJob) -> cst.Module:
    names = job.stage.deletions.get(job.file.module, frozenset())
    if not names:
        return module
    pruned = module.visit(DefinitionRemover(names, job))
    return pruned.visit(DunderAllEditor(remove=names))


class DefinitionRemover(BlockPruner):
    def __init__(self, names: Collection[str], job: FileJob) -> None:
        super().__init__()
        self.names = frozenset(names)
        self.job = job

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return self.doom(updated_node) if updated_node.name.value in self.names else updated_node

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        return self.doom(updated_node) if updated_node.name.value in self.names else updated_node

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.Assign | cst.RemovalSentinel:
        targets = [t for t in updated_node.targets if not self._defines(t.target)]
        if len(targets) == len(updated_node.targets):
            return updated_node
        return updated_node.with_changes(targets=targets) if targets else cst.RemoveFromParent()

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign | cst.RemovalSentinel:
        return cst.RemoveFromParent() if self._defines(updated_node.target) else updated_node

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        return self._without_names(updated_node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        return self._without_names(updated_node)

    def _without_names(self, node: cst.Import | cst.ImportFrom):  # type: ignore[no-untyped-def]
        aliases = list(node.names)  # type: ignore[arg-type]
        keep = [bound_name(alias) not in self.names for alias in aliases]
        if all(keep):
            return node
        bound = {bound_name(a) for a, k in zip(aliases, keep) if k}
        for index, alias in enumerate(aliases):
            if (
                not keep[index]
                and self._unaliases(node, alias)
                and alias.evaluated_name not in bound
            ):
                aliases[index] = alias.with_changes(asname=None)
                keep[index] = True
                bound.add(alias.evaluated_name)
        return (
            node.with_changes(names=remove_items(aliases, keep))
            if any(keep)
            else cst.RemoveFromParent()
        )

    def _unaliases(self, node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> bool:
        """Whether `alias` is `from T import New as X` with X renamed to exactly T.New."""
        if not isinstance(node, cst.ImportFrom) or alias.asname is None:
            return False
        rename = self.job.stage.rename(self.job.file.module, bound_name(alias))
        source = (import_from_module(node, self.job.file), alias.evaluated_name)
        return rename is not None and source == (rename.new_module, rename.new_name)

    def _defines(self, target: cst.BaseExpression) -> bool:
        if isinstance(target, cst.Name):
            return target.value in self.names
        if isinstance(target, (cst.Tuple, cst.List)):  # `A, B = ...` goes only when all go
            return bool(target.elements) and all(self._defines(e.value) for e in target.elements)
        return False
