"""Shared, read-only lookups for one stage, and the per-file job every codemod receives.

`StageIndex` is built once from an `EditSpec` (plus what the engine learns on its first
pass over all files); `FileJob` pairs it with one file and collects that file's findings.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from libcst.metadata import CodeRange

from codemods.framework.spec import EditSpec, FileContext, Finding, Rename

_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class StageIndex:
    """What a stage renames, deletes and keeps, indexed for lookups by (module, name)."""

    spec: EditSpec
    renames: Mapping[tuple[str, str], Rename]
    exports: Mapping[str, frozenset[str]]  # runtime bindings: where patch strings look
    deletions: Mapping[str, frozenset[str]]
    public: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)  # importable
    # modules whose file goes away in this stage (decided by the engine's first pass)
    gone: frozenset[str] = frozenset()
    gone_paths: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    # (module, local name) -> new local name, for module-level names rewritten in any file
    local_renames: Mapping[tuple[str, str], str] = field(default_factory=lambda: _EMPTY)
    # while a pass runs on a guess of `local_renames` (`framework.guess`): the questions it asked of them
    # (`local_rename`, `string_names_in`) and the guess's answers
    asked: dict[tuple[str, ...], object] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, spec: EditSpec) -> StageIndex:
        renames = {(r.old_module, r.old_name): r for r in spec.renames}
        return cls(spec, MappingProxyType(renames), spec.exports(), spec.deletions(), spec.public())

    def rename(self, module: str | None, name: str) -> Rename | None:
        return self.renames.get((module, name)) if module is not None else None

    def local_rename(self, module: str, name: str) -> str | None:
        """The name some file gave its module-level `name` (`module.name`) in place of it, or None."""
        return self._answer(("local_rename", module, name), lambda renames: renames.get((module, name)))

    def string_names_in(self, words: frozenset[str]) -> frozenset[str]:
        """Those of `words` (written in a file's strings) that name what the stage changes: names it renames,
        and module-level names files renamed in place of them."""
        return self._answer(("string_names_in", words), lambda renames: words & (
            self.old_names | {name for _, name in renames}))

    def _answer(self, question: tuple[str, ...], answer: Callable[[Mapping[tuple[str, str], str]], object]):
        if self.asked is None:
            return answer(self.local_renames)
        self.asked[question] = guessed = answer(_EMPTY)   # (the guess: no file renamed anything in place)
        return guessed

    @functools.cached_property
    def old_names(self) -> frozenset[str]:
        """Every name the stage renames, whatever its module."""
        return frozenset(name for _, name in self.renames)

    def binds_after(self, module: str, name: str) -> bool:
        """Whether `module` still binds `name` at runtime once the stage is done."""
        return module not in self.gone and name in self.exports.get(module, frozenset())

    def offers_after(self, module: str, name: str) -> bool:
        """Whether other modules may still import `name` from `module` after the stage."""
        return module not in self.gone and name in self.public.get(module, frozenset())

    def same_target(self, module: str, name: str, rename: Rename) -> bool:
        """Whether `module.name` is, after the stage, the object `rename` points at."""
        if (module, name) == (rename.new_module, rename.new_name):
            return True
        if (module, name, rename.new_module, rename.new_name) in self.spec.same_objects:
            return True
        other = self.renames.get((module, name))
        return other is not None and (other.new_module, other.new_name) == (
            rename.new_module,
            rename.new_name,
        )

    def family_sources(self, rename: Rename) -> frozenset[str]:
        """Modules through which the same target may be imported under its new name."""
        target = (rename.new_module, rename.new_name)
        olds = {r.old_module for r in self.renames.values() if (r.new_module, r.new_name) == target}
        return frozenset(
            {rename.new_module} | {m for m in olds if self.binds_after(m, rename.new_name)}
        )


@dataclass
class FileJob:
    """One file under edit: its context, the stage, and the findings reported so far."""

    file: FileContext
    stage: StageIndex
    findings: list[Finding] = field(default_factory=list)
    # lines of the tree being edited -> lines of the file as read (edits move lines)
    original_line: Callable[[int], int] = field(default=lambda line: line)

    def report(self, where: CodeRange | int | None, reason: str) -> None:
        line = where if isinstance(where, int) else (where.start.line if where else 1)
        finding = Finding(self.file.path, self.original_line(line), reason)
        if finding not in self.findings:
            self.findings.append(finding)


def line_map(edited: str, original: str) -> Callable[[int], int]:
    """Map a line of `edited` to the line of `original` it came from (or stands in for)."""
    if edited == original:
        return lambda line: line
    matcher = difflib.SequenceMatcher(None, original.splitlines(), edited.splitlines(), False)
    table: dict[int, int] = {}
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            table[j + 1] = i1 + min(j - j1, max(i2 - i1 - 1, 0)) + 1
    return lambda line: table.get(line, line)


def trigger_words(spec: EditSpec) -> set[str]:
    """Words without which a file cannot refer to anything the stage renames or removes."""
    words = {r.old_name for r in spec.renames}
    words |= {r.old_module.rpartition(".")[2] for r in spec.renames}
    return words | {module.rpartition(".")[2] for module in spec.removable_modules}


def mentions(ctx: FileContext, text: str, stage: StageIndex, words: set[str]) -> bool:
    """Whether the file may concern the stage (else it is left unparsed)."""
    if ctx.module in stage.deletions or ctx.module in stage.spec.removable_modules:
        return True
    return any(word in text for word in words)
