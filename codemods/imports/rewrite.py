"""Rewriting every import site of a renamed name to the canonical.

`rewrite_imports(module, job)` finds the sites (`sites`), decides the edits
(`decide` with `from_sites`, `attr_sites`, `lost_names` over one `state.RewriteState`; `placement`,
`shadowing`, `try_collapse`) and applies them here, in place: aliases are renamed or
dropped, new imports go next to the site they replace (inside the same function,
`if TYPE_CHECKING:` or `try:` block) or are merged into an import of the same module, uses
are renamed (a use through a module stays one: `m.X` -> `mod.New`), `__all__` follows.
A file with a shadowing site is returned untouched (`RewriteOutcome.blocked`), with the
finding on the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods.framework.blocks import BlockPruner
from codemods.framework.context import FileJob
from codemods.framework.dunder_all import DunderAllEditor
from codemods.framework.import_usage import Usage, import_usage
from codemods.framework.lines import NodeLines
from codemods.framework.parents import Parents, parent_map
from codemods.framework.sequences import append_items, remove_items
from codemods.imports.decide import decide_import_edits
from codemods.imports.sites import SiteCollector
from codemods.imports.state import ImportEdits
from codemods.imports.try_collapse import collapse


@dataclass(frozen=True)
class RewriteOutcome:
    module: cst.Module
    blocked: bool = False
    local_renames: dict[str, str] = field(default_factory=dict)  # module-level old -> new
    usage: Usage | None = None   # how the module's imports are used (see `import_usage`)


def rewrite_imports(module: cst.Module, job: FileJob, *, usage: bool = False,
                    lines: NodeLines | None = None) -> RewriteOutcome:
    """`usage`: also say how `module`'s imports are used (its scopes are worked out here anyway). `lines`:
    the module's `NodeLines`, when the caller has them already."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    parents = parent_map(wrapper.module)
    if lines is None or lines.module is not wrapper.module:
        lines = NodeLines(wrapper.module)
    collector = SiteCollector(job, parents, lines)
    wrapper.visit(collector)
    used = import_usage(wrapper, job) if usage else None
    edits = decide_import_edits(job, wrapper.module, collector.sites, parents, lines)
    if edits.blocked:
        return RewriteOutcome(module, blocked=True)
    if edits.empty:
        return RewriteOutcome(module, usage=used)
    rewritten = wrapper.module.visit(ImportRewriter(edits, parents))
    if edits.all_renames and "__all__" in lines.code:   # (a module that never writes `__all__` has none to edit)
        rewritten = rewritten.visit(DunderAllEditor(rename=edits.all_renames))
    return RewriteOutcome(rewritten, local_renames=dict(edits.all_renames), usage=used)


class ImportRewriter(BlockPruner):
    """Applies `ImportEdits`; every edit is keyed by an original node. With the module's `parents`, only the
    nodes an edit is keyed by and those that hold them are walked into (what an edit removes empties only
    blocks that hold it)."""

    def __init__(self, edits: ImportEdits, parents: Parents | None = None) -> None:
        super().__init__()
        self.edits = edits
        self._consumed: set[int] = set()
        self._paths = None if parents is None else _holding(edits, parents)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._paths is not None and id(node) not in self._paths:
            return False
        return super().on_visit(node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(original_node.names, cst.ImportStar):
            return updated_node
        edits = [self.edits.alias_edits.get(alias, alias) for alias in original_node.names]
        appends = self.edits.placement.appends.get(original_node, [])
        if all(e is a for e, a in zip(edits, original_node.names)) and not appends:
            return updated_node
        items = [e if e is not None else a for e, a in zip(edits, original_node.names)]
        names = remove_items(items, [e is not None for e in edits])
        opening = updated_node.lpar.whitespace_after if updated_node.lpar else None
        names = append_items(names, appends, opening)
        if names:
            return updated_node.with_changes(names=names)
        for line in self.edits.placement.insert_after.get(original_node, []):
            if id(line) not in self._consumed:  # the new import takes the old one's place
                self._consumed.add(id(line))
                return line.body[0].with_changes(semicolon=updated_node.semicolon)
        return cst.RemoveFromParent()

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        result = super().leave_SimpleStatementLine(original_node, updated_node)
        pending = self._pending(original_node)
        return cst.FlattenSentinel([result, *pending]) if pending else result

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        pending = self._pending(original_node)
        if pending:
            updated_node = updated_node.with_changes(
                body=[*updated_node.body, *(line.body[0] for line in pending)]
            )
        return super().leave_SimpleStatementSuite(original_node, updated_node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self.edits.placement.prepend:
            updated_node = updated_node.with_changes(
                body=[*self.edits.placement.prepend, *updated_node.body]
            )
        return super().leave_Module(original_node, updated_node)

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try):  # type: ignore[override]
        result = super().leave_Try(original_node, updated_node)
        if original_node in self.edits.collapse and not self.is_doomed(result):
            return collapse(result)
        return result

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._replaced(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replaced(original_node, updated_node)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._replaced(original_node, updated_node)

    def _replaced(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        replacement = self.edits.replace.get(original)
        return updated if replacement is None else replacement  # type: ignore[return-value]

    def _pending(self, line: cst.CSTNode) -> list[cst.SimpleStatementLine]:
        found = []
        for small in getattr(line, "body", ()):
            for new in self.edits.placement.insert_after.get(small, []):
                if id(new) not in self._consumed:
                    found.append(new)
        return found


def _holding(edits: ImportEdits, parents: Parents) -> set[int]:
    """The identities of the nodes `edits` is keyed by and of every node that holds one."""
    placement = edits.placement
    found: set[int] = set()
    for node in (*edits.alias_edits, *edits.replace, *edits.collapse, *placement.appends, *placement.insert_after):
        while node is not None and id(node) not in found:
            found.add(id(node))
            node = parents.get(node)
    return found
