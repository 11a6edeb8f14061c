"""Imports of a module the stage deletes that are still used once every name in it has moved.

What is left reads the module object itself (`m.__all__`, `getattr(m, name)`, `inspect.getsource(m)`)
or imports it for its side effects. Such an import is sent where the stage says the deleted module's
uses go (`EditSpec.module_moves`, the plan's canonical module), under the same local name:
  - `import a.gone as m`           becomes `import new.mod as m`;
  - `from a import gone [as m]`    becomes `from new import mod as gone` (or `as m`);
  - `import a.gone` (read `a.gone.X`) becomes `import new.mod`, and each `a.gone` read `new.mod`.
A from-import naming the module beside other names of another package is left to `package_exports`
to report.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.framework.context import FileJob
from codemods.framework.names import dotted_expr, import_from_module, split


class GoneModuleMover(cst.CSTTransformer):
    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self.moves = {old: new for old, new in job.stage.spec.module_moves if old in job.stage.gone}
        self.plain: dict[str, str] = {}   # `import a.gone` moved: `a.gone` -> `new.mod`

    def visit_Module(self, node: cst.Module) -> None:
        self.plain = {}   # (every plain import first: a use may come before the import that serves it)
        node.visit(_PlainImports(self.moves, self.plain))

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        names = []
        for alias in updated_node.names:
            target = self.moves.get(get_full_name_for_node(alias.name) or "")
            names.append(alias if target is None else alias.with_changes(name=dotted_expr(target)))
        return updated_node.with_changes(names=names)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        module = import_from_module(original_node, self.job.file)
        if module is None or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        names, moved = [], None
        for alias in updated_node.names:
            name = cst.ensure_type(alias.name, cst.Name).value
            target = self.moves.get(f"{module}.{name}")
            package, last = split(target) if target else ("", "")
            if target is None or not package or (package != module and len(updated_node.names) > 1):
                names.append(alias)    # (another package beside other names: another statement; reported)
                continue
            local = cst.ensure_type(alias.asname.name, cst.Name).value if alias.asname else name
            asname = cst.AsName(name=cst.Name(local)) if local != last else None
            names.append(alias.with_changes(name=cst.Name(last), asname=asname))
            moved = package
        if moved is None:
            return updated_node
        if moved == module:   # (the same package: each alias renamed in place, relative or not)
            return updated_node.with_changes(names=names)
        return updated_node.with_changes(module=dotted_expr(moved), relative=(), names=names)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        dotted = get_full_name_for_node(original_node)
        target = self.plain.get(dotted or "")
        return dotted_expr(target) if target is not None else updated_node


class _PlainImports(cst.CSTVisitor):
    def __init__(self, moves: dict[str, str], found: dict[str, str]) -> None:
        super().__init__()
        self.moves, self.found = moves, found

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if alias.asname is None and dotted in self.moves:
                self.found[dotted] = self.moves[dotted]
