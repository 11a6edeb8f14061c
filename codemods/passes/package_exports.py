"""What still reads from a module the stage deletes, once every rewrite is done (reports).

A package `__init__` re-export of a renamed name has already been rewritten by
`imports.rewrite` (its `__all__` entry renamed, a duplicate dropped). Whatever still imports
a removed module, or a name from it, after that is reported: a re-export in a package's
`__init__` ("re-exports X from removed module m") or any other file ("imports ...",
"uses removed module ..."). Nothing is edited here.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.framework.context import FileJob
from codemods.framework.lazy_metadata import LazyMetadata
from codemods.framework.names import import_from_module


class GoneImportReporter(LazyMetadata, cst.CSTVisitor):
    """Lines are worked out when the first report is made (most files have none)."""

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self._depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = import_from_module(node, self.job.file)
        if module is None:
            return
        gone = self.job.stage.gone
        if isinstance(node.names, cst.ImportStar):
            if module in gone:
                self._report(node, f"star import from removed module {module}")
            return
        for alias in node.names:
            name = cst.ensure_type(alias.name, cst.Name).value
            if f"{module}.{name}" in gone:
                self._report(alias, f"uses removed module {module}.{name}")
            elif module in gone:
                verb = "re-exports" if self.job.file.is_package and self._depth == 0 else "imports"
                self._report(alias, f"{verb} {name} from removed module {module}")

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if dotted in self.job.stage.gone:
                self._report(alias, f"uses removed module {dotted}")

    def _report(self, node: cst.CSTNode, reason: str) -> None:
        self.job.report(self.line(node), reason)
