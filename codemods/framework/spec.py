"""The data a stage hands to the codemods: what moves where, what goes.

Plain frozen values, built by `refactor.planning.schedule` and consumed by every codemod. Nothing here
touches files; `codemods.engine.apply_edits` turns a spec plus source texts into new texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rename:
    """Every reference to `old_module.old_name` must refer to `new_module.new_name` instead.

    `old_module` is where the name is *looked up* by a site: the defining module, or a
    module that re-exports it (a package `__init__`). The schedule emits one Rename per
    (module, name) pair that any site in the repository imports.
    """

    old_module: str
    old_name: str
    new_module: str
    new_name: str


@dataclass(frozen=True)
class FileContext:
    """Where a file sits: its repository-relative path and its dotted module name."""

    path: str
    module: str
    is_package: bool = False  # True for `__init__.py`: relative imports resolve against `module` itself


@dataclass(frozen=True)
class EditSpec:
    """Everything one stage changes, repository-wide."""

    renames: tuple[Rename, ...] = ()
    # module -> names whose top-level definitions (class, assignment, dynamic `type()`,
    # function, renaming import) are deleted in that module, with their `__all__` entries.
    delete_definitions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # modules whose file is deleted when, after the deletions, nothing of substance is left
    # (only imports, docstring, `__all__`, `pass`, logger set-up, comments).
    removable_modules: tuple[str, ...] = ()
    # module -> names it binds at runtime once the stage is done (its own definitions and imports):
    # where a `mock.patch("m.Name")` must point so that code looking the name up in `m` sees it.
    exports_after: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # module -> names other modules may import from it after the stage (its own definitions; imports
    # only when it is a package or lists them in `__all__`). An import site keeps its module only when
    # the new name is listed here; a `mock.patch` string uses `exports_after` (where code looks it up).
    public_after: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (module, name, target module, target name): bindings known to be the very object a rename
    # targets (a package re-exporting the canonical). Importing one of them where the target's name
    # is already bound is not shadowing.
    same_objects: tuple[tuple[str, str, str, str], ...] = ()
    # deleted module -> the module its remaining uses move to (an import of the module object that is still
    # used once every name has moved: `m.__all__`, `getattr(m, name)`, an import for its side effects).
    module_moves: tuple[tuple[str, str], ...] = ()
    # keep the old local name (`from new import New as Old`) instead of renaming the uses.
    keep_local_names: bool = False

    def deletions(self) -> dict[str, frozenset[str]]:
        return {module: frozenset(names) for module, names in self.delete_definitions}

    def exports(self) -> dict[str, frozenset[str]]:
        return {module: frozenset(names) for module, names in self.exports_after}

    def public(self) -> dict[str, frozenset[str]]:
        return {module: frozenset(names) for module, names in self.public_after}


@dataclass(frozen=True)
class Finding:
    """Something a codemod could not rewrite and reports instead (never silently dropped)."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file: new text (None when deleted), unchanged, or a failure."""

    path: str
    status: str  # "changed" | "unchanged" | "deleted" | "failed"
    new_text: str | None = None
    findings: tuple[Finding, ...] = field(default=())
    error: str | None = None  # one line, for "failed": "path:line: reason"
