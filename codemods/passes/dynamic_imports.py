"""Modules reached by name: `importlib.import_module("m")` and `getattr(module, ...)`.

`v = importlib.import_module("m")` (or the call used directly, `import_module("m").X`) of
a removed module switches to the module the renames point at, and the attribute reads
`v.X` / `getattr(v, "X")` are renamed, when every read name is renamed into one module.
A module that stays but loses a read name gets the read renamed when it still binds the
new name at runtime (`exports_after`, as for patch targets: the lookup happens at runtime); when it
does not, and every read is a renamed name moving to one module, the import switches to that module. Anything else (other names read, the module object passed on, `getattr` with a
computed name, a removed module imported for its side effects) is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ScopeProvider

from codemods.framework.context import FileJob
from codemods.framework.lazy_metadata import LazyMetadata
from codemods.framework.names import aliases_of
from codemods.framework.parents import parent_map
from codemods.framework.strings import restring

_IMPORT_MODULE = "importlib.import_module"
_CALLS = frozenset({"import_module", "getattr"})
_GETATTR_LITERAL = m.Call(
    func=m.Name("getattr"), args=[m.Arg(), m.Arg(value=m.SimpleString()), m.ZeroOrMore()]
)


class DynamicImportRewriter(LazyMetadata, cst.CSTTransformer):
    """Scopes are resolved only for a call named `import_module` (or an import alias of it) or `getattr`."""

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self.replace: dict[cst.CSTNode, cst.CSTNode] = {}
        self.parents: Mapping[cst.CSTNode, cst.CSTNode] = {}
        self._calls = _CALLS

    def visit_Module(self, node: cst.Module) -> bool:
        self.parents = parent_map(node)
        self._calls = _CALLS | aliases_of(node, _CALLS)
        return super().visit_Module(node)

    def visit_Call(self, node: cst.Call) -> None:
        if (get_full_name_for_node(node.func) or "").rpartition(".")[2] not in self._calls:
            return
        names = self.imported(node.func, self.job.file)
        if _IMPORT_MODULE in names and len(node.args) == 1:
            string = node.args[0].value
            if isinstance(string, cst.SimpleString) and isinstance(string.evaluated_value, str):
                self._import_module(node, string, string.evaluated_value)
        elif (
            isinstance(node.func, cst.Name) and node.func.value == "getattr" and len(node.args) >= 2
        ):
            modules = self.imported(node.args[0].value, self.job.file)
            for module in modules & self.job.stage.gone:
                self.job.report(self.line(node), f"getattr on removed module {module}")

    def _import_module(self, call: cst.Call, string: cst.SimpleString, module: str) -> None:
        stage = self.job.stage
        if module not in stage.gone and module not in stage.deletions:
            return
        reads = self._reads(call)
        if reads is None:
            if module in stage.gone:
                self.job.report(self.line(call), f"imports removed module {module} by name")
            return
        renames = {name: stage.rename(module, name) for _, name in reads}
        targets = {r.new_module for r in renames.values() if r is not None}
        stays_without = module not in stage.gone and any(
            r is not None and not stage.binds_after(module, r.new_name) for r in renames.values())
        if stays_without and renames and None not in renames.values() and len(targets) == 1:
            # every read is a renamed name moving to one module: read them there (the old module stays,
            # but no longer binds them)
            module = targets.pop()
            self.replace[string] = restring(string, module)
        elif module in stage.gone:
            missing = sorted(name for name, rename in renames.items() if rename is None)
            if missing or len(targets) != 1:
                detail = (
                    f"reads {', '.join(missing)}" if missing else "names move to several modules"
                )
                self.job.report(
                    self.line(call), f"cannot switch import_module({module!r}): {detail}"
                )
                return
            self.replace[string] = restring(string, targets.pop())
        for node, name in reads:
            rename = renames[name]
            if rename is None or rename.new_name == name:
                continue
            # a read by name happens at runtime: like a patch target, it follows runtime bindings
            if module not in stage.gone and module != rename.new_module \
                    and not stage.binds_after(module, rename.new_name):
                self.job.report(self.line(node), f"{module}.{name} moves to {rename.new_module}")
                continue
            if isinstance(node, cst.Attribute):
                self.replace[node] = cst.Name(rename.new_name)  # the new attribute name
            else:
                self.replace[node] = restring(
                    cst.ensure_type(node, cst.SimpleString), rename.new_name
                )

    def _reads(self, call: cst.Call) -> list[tuple[cst.CSTNode, str]] | None:
        """The attribute reads on the imported module, or None when it is used otherwise."""
        parent = self.parents.get(call)
        if isinstance(parent, cst.Attribute) and parent.value is call:
            return [(parent, parent.attr.value)]
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
            return None
        target = parent.targets[0].target
        scope = self.get_metadata(ScopeProvider, parent, None)
        if not isinstance(target, cst.Name) or scope is None:
            return None
        reads = []
        for assignment in scope.assignments[target.value]:
            for access in assignment.references:
                read = self._read(access.node)
                if read is None:
                    return None
                reads.append(read)
        return reads

    def _read(self, node: cst.CSTNode) -> tuple[cst.CSTNode, str] | None:
        parent = self.parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return parent, parent.attr.value
        call = (
            self.parents.get(parent) if isinstance(parent, cst.Arg) else None
        )
        if m.matches(call, _GETATTR_LITERAL) and call.args[0].value is node:  # type: ignore[union-attr]
            name = cst.ensure_type(call.args[1].value, cst.SimpleString)  # type: ignore[union-attr]
            return name, str(name.evaluated_value)
        return None

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        attr = self.replace.get(original_node)
        return updated_node if attr is None else updated_node.with_changes(attr=attr)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self.replace.get(original_node, updated_node)  # type: ignore[return-value]
