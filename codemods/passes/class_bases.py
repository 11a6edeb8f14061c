"""Class bases that the renames turn into the class itself, or into a repeated base.

When the canonical class lists a family member it replaces (`class Settings(SettingsBase)`
with `SettingsBase` renamed to `Settings`), that base goes; so does a base that, after the
renames, names the same class as an earlier base (`class C(Settings, AppSettings)`).
Runs before `imports.rewrite`, on the names as the file has them.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameSource, ScopeProvider

from codemods.framework.context import FileJob
from codemods.framework.names import absolute, qualified_names
from codemods.framework.sequences import remove_items


class BaseCleaner(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self._depth = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._depth += 1

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._depth -= 1
        own = (self.job.file.module, original_node.name.value) if self._depth == 0 else None
        seen: dict[tuple[str, str], bool] = {}   # target -> reached through a rename
        keep = []
        for base in original_node.bases:
            target, renamed = self._target(base)
            if target is None:
                keep.append(True)
                continue
            # only a rename makes a base the class itself or a repeat (`class Base(Base)` stays)
            repeated = target == own or target in seen
            keep.append(not (repeated and (renamed or seen.get(target, False))))
            seen[target] = seen.get(target, False) or renamed
        if all(keep):
            return updated_node
        bases = remove_items(list(updated_node.bases), keep)
        if bases or updated_node.keywords:
            return updated_node.with_changes(bases=bases)
        return updated_node.with_changes(
            bases=[], lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT
        )

    def _target(self, base: cst.Arg) -> tuple[tuple[str, str] | None, bool]:
        """What a base names once the renames are done, as (module, name), and whether a rename did it."""
        if base.keyword is not None or base.star:
            return None, False
        names = qualified_names(self, base.value)
        if len(names) != 1:
            return None, False
        (qualified,) = names
        if qualified.source is QualifiedNameSource.LOCAL:
            dotted = f"{self.job.file.module}.{qualified.name}"
        elif qualified.source is QualifiedNameSource.IMPORT:
            dotted = absolute(qualified.name, self.job.file) or qualified.name
        else:
            return None, False
        module, _, name = dotted.rpartition(".")
        rename = self.job.stage.rename(module, name)
        return ((rename.new_module, rename.new_name), True) if rename else ((module, name), False)
