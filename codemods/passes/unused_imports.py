"""Removing imports that our edits left unused, and only those.

An import binding is removed when nothing uses it after the edits and either something
used it before (the deleted or rewritten code did) or it is a binding the edits created.
A rewritten import counts as the import it replaces (so an unused `from old import X`
stays unused as `from new import New`, it does not go). Imports the user left unused stay,
and so do `__future__` imports, and module-level imports that export: names in `__all__`,
in the stage's `exports_after` / `public_after` for this module, and everything a package
`__init__` imports. An unused import of a module the stage deletes goes even if it was
unused before, since it would fail (unless it exports: `package_exports` reports that); a
name imported from it that no rename covers stays (the plan reports it).
Removing one import can empty an `if TYPE_CHECKING:` block and free the `TYPE_CHECKING`
import, so removal repeats (a few rounds) until nothing more goes.
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods.framework.blocks import BlockPruner
from codemods.framework.context import FileJob
from codemods.framework.dunder_all import exported_names
from codemods.framework.import_usage import Key, Usage, import_usage, import_uses
from codemods.framework.sequences import remove_items

_ROUNDS = 4


def remove_unused_imports(before: cst.Module | Usage, after: cst.Module, job: FileJob) -> cst.Module:
    """`before`: the original module, or how its imports are used (`import_usage`), known already."""
    previous: Usage | None = None if isinstance(before, cst.Module) else before
    for _ in range(_ROUNDS):  # a removal can empty a block whose condition used an import
        wrapper = MetadataWrapper(after, unsafe_skip_copy=True)
        aliases, _, _ = import_uses(wrapper, job)
        candidates = {
            alias: key
            for alias, (key, used, top) in aliases.items()
            if not used and not _protected(key, top, wrapper.module, job)
        }
        if not candidates:
            break
        if previous is None:
            previous = import_usage(MetadataWrapper(before, unsafe_skip_copy=True), job)
        used_before, all_before = previous
        doomed = {
            alias
            for alias, key in candidates.items()
            if _from_gone(key[1], job) or used_before[key] > 0 or all_before[key] == 0
        }
        if not doomed:
            break
        after = wrapper.module.visit(_AliasRemover(doomed))
    return after


def _from_gone(source: str, job: FileJob) -> bool:
    """An import of a module the stage deletes (`import gone`, `from pkg import gone`). A name imported
    from it that no rename covers is not: the plan reports it (already broken, or where it lives is not
    known) and it stays as written."""
    module, _, name = source.partition(":")
    return (not name and module in job.stage.gone) or (bool(name) and f"{module}.{name}" in job.stage.gone)


def _protected(key: Key, top: bool, module: cst.Module, job: FileJob) -> bool:
    source, local = key[1], key[2]
    if source.startswith("__future__:"):
        return True
    stage, module_name = job.stage, job.file.module
    kept = stage.exports.get(module_name, frozenset()) | stage.public.get(module_name, frozenset())
    if top and (job.file.is_package or local in kept):
        return True
    return top and local in exported_names(module)


class _AliasRemover(BlockPruner):
    def __init__(self, doomed: Collection[cst.ImportAlias]) -> None:
        super().__init__()
        self.doomed = {id(alias) for alias in doomed}

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):  # type: ignore[no-untyped-def]
        return self._prune_aliases(original_node, updated_node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):  # type: ignore[no-untyped-def]
        if isinstance(original_node.names, cst.ImportStar):
            return updated_node
        return self._prune_aliases(original_node, updated_node)

    def _prune_aliases(self, original, updated):  # type: ignore[no-untyped-def]
        keep = [id(alias) not in self.doomed for alias in original.names]
        if all(keep):
            return updated
        names = remove_items(list(updated.names), keep)
        return updated.with_changes(names=names) if names else cst.RemoveFromParent()
