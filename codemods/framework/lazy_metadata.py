"""Metadata resolved on first use, for a pass that needs scopes or positions at a few nodes only.

LibCST resolves a visitor's declared dependencies over the whole module before the visit starts. A
pass that asks for a scope only at a `patch(...)` call, or for a line only when it reports, mixes in
`LazyMetadata` and declares none: a provider is resolved over the module being visited the first time
the pass asks for it, and never when it does not. A line is asked for with `line(node)`.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods.framework.import_table import ImportTable
from codemods.framework.lines import NodeLines
from codemods.framework.names import imported_names, qualified_names
from codemods.framework.spec import FileContext

_MISSING = object()


class LazyMetadata:
    """Mix in before `cst.CSTVisitor` / `cst.CSTTransformer`; the pass must not declare dependencies.
    `code`: the visited module's code, when the caller has it (else it is printed when first needed)."""

    _module: cst.Module | None = None
    _tables: dict[Any, Any]
    code: str | None = None

    def visit_Module(self, node: cst.Module) -> bool:
        self._module, self._tables = node, {}
        return True

    def get_metadata(self, key: Any, node: cst.CSTNode, default: Any = _MISSING) -> Any:
        table = self._tables.get(key)
        if table is None:
            # the visited module's own nodes: the wrapper must not copy them (the keys are these nodes)
            table = self._tables[key] = MetadataWrapper(self._module, unsafe_skip_copy=True).resolve(key)
        if default is _MISSING:
            return table[node]
        return table.get(node, default)

    def line(self, node: cst.CSTNode) -> int:
        """The line `node` starts on (`NodeLines`: LibCST's `PositionProvider` would give the same line)."""
        lines = self._tables.get(NodeLines)
        if lines is None:
            lines = self._tables[NodeLines] = NodeLines(self._module)
        return lines[node]

    def imported(self, node: cst.CSTNode, file: FileContext) -> set[str]:
        """`imported_names(qualified_names(self, node), file)`: from the file's import statements where
        they tell (`ImportTable`), else from the scopes."""
        table = self._tables.get(ImportTable)
        if table is None:
            table = self._tables[ImportTable] = ImportTable(self.code if self.code is not None else self._module.code)
        found = table.imported(node, file)
        return found if found is not None else imported_names(qualified_names(self, node), file)
