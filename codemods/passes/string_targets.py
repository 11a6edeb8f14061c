"""Names written as strings: `mock.patch` targets and file paths of removed modules.

- `patch("m.X")` / `mock.patch` / `unittest.mock.patch` / `mocker.patch` (first argument or
  `target=`), `monkeypatch.setattr("m.X", v)` / `delattr`: a renamed `m.X` becomes `m.New`
  when `m` still binds `New` after the stage (that is where the code looks it up), else
  `new_module.New`. A name some file renamed locally (`from old import X` became
  `from new import New`) is followed too: `"app.api.X"` becomes `"app.api.New"`.
- `patch.object(m, "X")` / `monkeypatch.setattr(m, "X", v)` with `m` an imported module:
  the attribute string is renamed when `m` still binds the new name, else the call becomes
  the dotted form `patch("new_module.New", ...)`.
- `patch.multiple("m", X=...)`: keywords renamed when `m` binds the new names.
- `getattr(m, "X")` / `hasattr(m, "X")` with `m` an imported module: `"X"` renamed when `m` still
  binds the new name after the stage, else reported.
- Any other string that is exactly a dotted path of two dots or more (`"app.legacy.OldName"`:
  an entry point, a plugin list, a setting naming a class) is spelled anew the same way.
- A patch of a name of a removed module that no rename covers, and any string naming a
  removed module's file by path, are reported, not guessed.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.framework.context import FileJob
from codemods.framework.lazy_metadata import LazyMetadata
from codemods.framework.names import aliases_of
from codemods.framework.strings import dotted_target, restring

_PATCH = {"unittest.mock.patch", "mock.patch"}
_SUFFIXES = ("mocker.patch", "monkeypatch.setattr", "monkeypatch.delattr")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*){2,}$")   # (what the site search reads as a dotted string)
_PATCHING = frozenset({"patch", "object", "multiple", "setattr", "delattr"})   # the last names of `_kind`'s calls


class StringTargetRewriter(LazyMetadata, cst.CSTTransformer):
    """Scopes are resolved only for a call that can be a patch (its name, or an import alias of one, ends
    as a patch does) or a lookup with a string; positions only for a report."""

    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.job = job
        self._patching = _PATCHING

    def visit_Module(self, node: cst.Module) -> bool:
        self._patching = _PATCHING | aliases_of(node, _PATCHING)
        return super().visit_Module(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if isinstance(original_node.func, cst.Name) and original_node.func.value in ("getattr", "hasattr"):
            return self._lookup(original_node, updated_node)
        kind = self._kind(original_node)
        if kind is None or not updated_node.args:
            return updated_node
        args = list(updated_node.args)
        if kind == "object":
            target = _argument(args, 0, ("target",))
            attribute = _argument(args, 1, ("attribute", "name"))
            if target is None or attribute is None:
                return updated_node
            return self._patch_object(original_node, updated_node, args, target, attribute)
        if kind == "multiple":
            return self._patch_multiple(original_node, updated_node, args)
        if kind == "dotted":
            index = next(
                (i for i, a in enumerate(args) if a.keyword and a.keyword.value == "target"), 0
            )
            string = args[index].value
            if isinstance(string, cst.SimpleString) and isinstance(string.evaluated_value, str):
                new = dotted_target(string.evaluated_value, self.job, lambda: self.line(original_node))
                if new is not None:
                    args[index] = args[index].with_changes(value=restring(string, new))
                    return updated_node.with_changes(args=args)
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        value = updated_node.evaluated_value
        if isinstance(value, str) and _DOTTED.match(value):
            new = dotted_target(value, self.job, lambda: self.line(original_node))
            return restring(updated_node, new) if new is not None else updated_node
        if isinstance(value, str) and "/" in value.replace("\\", "/"):
            text = value.replace("\\", "/")
            for module, path in self.job.stage.gone_paths.items():
                if text.endswith(path):
                    self.job.report(
                        self.line(original_node), f"reads removed file by path: {module}"
                    )
        return updated_node

    def _kind(self, call: cst.Call) -> str | None:
        dotted = get_full_name_for_node(call.func) or ""
        if dotted.rpartition(".")[2] not in self._patching:
            return None
        names = self.imported(call.func, self.job.file)
        for name in {dotted, *names}:
            base, _, last = name.rpartition(".")
            if name in _PATCH or name.endswith(_SUFFIXES):
                positional = sum(1 for arg in call.args if arg.keyword is None)
                object_form = {"setattr": 3, "delattr": 2}.get(last, 99)
                named = last in ("setattr", "delattr") and any(
                    arg.keyword is not None and arg.keyword.value == "name" for arg in call.args)
                return "object" if positional >= object_form or named else "dotted"
            if last in ("object", "multiple") and (base in _PATCH or base.endswith("mocker.patch")):
                return last
        return None

    def _patch_object(self, original: cst.Call, call: cst.Call, args: list[cst.Arg], target_at: int,
                      attribute_at: int) -> cst.Call:
        stage = self.job.stage
        attribute = args[attribute_at].value
        modules = self.imported(original.args[target_at].value, self.job.file)
        if not isinstance(attribute, cst.SimpleString) or len(modules) != 1:
            return call
        (module,) = modules
        name = attribute.evaluated_value
        rename = stage.rename(module, name) if isinstance(name, str) else None
        local = stage.local_rename(module, name) if isinstance(name, str) else None
        if rename is None and local is None:
            if module in stage.gone:
                self.job.report(self.line(original), f"cannot decide where {module}.{name} lives")
            return call
        if local is not None or stage.binds_after(module, rename.new_name):  # type: ignore[union-attr]
            new_name = local or rename.new_name  # type: ignore[union-attr]
            args[attribute_at] = args[attribute_at].with_changes(value=restring(attribute, new_name))
            return call.with_changes(args=args)
        target = restring(attribute, f"{rename.new_module}.{rename.new_name}")  # type: ignore[union-attr]
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "object":
            func = func.value
        # the dotted form: the target first; `monkeypatch.setattr("m.X", value)` takes its value by position
        rest = [_positional(a) if a.keyword is not None and a.keyword.value == "value" else a
                for index, a in enumerate(args) if index not in (target_at, attribute_at)]
        rest.sort(key=lambda a: a.keyword is not None)   # (stable: positions kept, keywords after them)
        first = _positional(args[attribute_at]).with_changes(value=target)
        return call.with_changes(func=func, args=[first, *rest])

    def _lookup(self, original: cst.Call, call: cst.Call) -> cst.Call:
        """`getattr(m, "X")` / `hasattr(m, "X")` with `m` an imported module: the name renamed where `m`
        binds the new one once the stage is done (the lookup happens then), else reported."""
        args = list(call.args)
        if len(args) < 2 or args[0].keyword or args[1].keyword or not isinstance(args[1].value, cst.SimpleString):
            return call
        modules = self.imported(original.args[0].value, self.job.file)
        name = args[1].value.evaluated_value
        if len(modules) != 1 or not isinstance(name, str):
            return call
        (module,) = modules
        stage = self.job.stage
        rename = stage.rename(module, name)
        local = stage.local_rename(module, name)
        new_name = local or (rename.new_name if rename is not None and stage.binds_after(module, rename.new_name)
                             else None)
        if new_name is None:
            if rename is not None:
                self.job.report(self.line(original), f"{original.func.value} of {module}.{name}: {module} will "  # type: ignore[union-attr]
                                f"not have it; {rename.new_module}.{rename.new_name} does")
            return call
        args[1] = args[1].with_changes(value=restring(args[1].value, new_name))
        return call.with_changes(args=args)

    def _patch_multiple(self, original: cst.Call, call: cst.Call, args: list[cst.Arg]) -> cst.Call:
        target = args[0].value
        if args[0].keyword is not None or not isinstance(target, cst.SimpleString):
            return call
        module = target.evaluated_value
        changed = False
        for index, arg in enumerate(args[1:], start=1):
            rename = self.job.stage.rename(module, arg.keyword.value) if arg.keyword else None  # type: ignore[arg-type]
            if rename is None:
                if arg.keyword is not None and module in self.job.stage.gone:
                    self.job.report(
                        self.line(original),
                        f"cannot decide where {module}.{arg.keyword.value} lives",
                    )
                continue
            if not self.job.stage.binds_after(module, rename.new_name):  # type: ignore[arg-type]
                self.job.report(
                    self.line(original),
                    f"patch.multiple of {module}.{rename.old_name}: "
                    f"patch {rename.new_module}.{rename.new_name} instead",
                )
                continue
            args[index] = arg.with_changes(keyword=cst.Name(rename.new_name))
            changed = True
        return call.with_changes(args=args) if changed else call


def _argument(args: list[cst.Arg], position: int, keywords: tuple[str, ...]) -> int | None:
    """The index in `args` of the argument at `position` or, passed by keyword, under one of `keywords`."""
    positional = [index for index, arg in enumerate(args) if arg.keyword is None and not arg.star]
    if position < len(positional):
        return positional[position]
    return next((i for i, arg in enumerate(args) if arg.keyword is not None and arg.keyword.value in keywords), None)


def _positional(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
