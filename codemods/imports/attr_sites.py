"""Deciding attribute uses through a module binding: `m.X`, `w.X`, `a.b.m.X`.

Such a use looks the name up when it runs, which is what lets a test patch `m.X`, and what
lets a module import break an import cycle; the rewrite keeps it that way:
  - `m.New` when `m` still offers the new name after the stage;
  - `New` in the new module itself;
  - `import a.b.m` + `a.b.m.X` becomes `import new.mod` + `new.mod.New` (as written);
  - any other form (`import a.b.m as w`, `from a.b import m`) becomes
    `from new import mod` + `mod.New`, under another local name (`pkg_mod`, `mod_module`)
    when `mod` already means something else where it is needed.
A use inside a string annotation (`-> "m.X"`, `-> "list[m.X]"`) is rewritten the same way, in the
string, which keeps its quotes. The new import goes next to the module import the site read through; the old
one goes when nothing else uses it (`unused_imports`). Assigning to `m.X` is reported, not
changed.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import BaseAssignment

from codemods.framework.names import dotted_expr, split
from codemods.framework.spec import Rename
from codemods.framework.strings import restring
from codemods.imports.placement import Need
from codemods.imports.sites import AttrSite
from codemods.imports.state import RewriteState


def decide_attr_site(state: RewriteState, site: AttrSite) -> None:
    rename, stage, file = site.rename, state.job.stage, state.job.file
    if site.stored:
        where = f"{rename.old_module}.{rename.old_name}"
        state.job.report(site.lineno, f"assigns to {where}; left as is")
        return
    if stage.offers_after(rename.old_module, rename.new_name):
        if rename.new_name != rename.old_name:
            _replace(state, site, site.expression.with_changes(attr=cst.Name(rename.new_name)))
        return
    uses = [(site.node, site.scope)]
    if file.module == rename.new_module:
        _replace(state, site, cst.Name(rename.new_name))
        if state.shadow.conflict(rename, rename.new_name, site.scope.globals, uses):
            state.block(site.lineno, rename.new_name)
        return
    binding = min(site.imports, key=lambda a: state.line(a.node))
    anchor, lineno = binding.node, state.line(binding.node)
    package, last = split(rename.new_module)
    if _plain(binding) or not package:
        top = rename.new_module.split(".")[0]
        if state.shadow.conflict(rename, top, binding.scope, uses, same=_binds_package(top)):
            state.block(site.lineno, top)
            return
        _replace(state, site, dotted_expr(f"{rename.new_module}.{rename.new_name}"))
        same = _imports_module(rename.new_module)
        state.needs.append(Need(rename, top, binding.scope, anchor, lineno, False, True, same))
        return
    module_rename = Rename(rename.old_module, rename.old_name, package, last)
    for local in (last, f"{package.rpartition('.')[2]}_{last}", f"{last}_module"):
        if not state.shadow.conflict(module_rename, local, binding.scope, uses):
            break
    else:
        state.block(site.lineno, last)
        return
    _replace(state, site, cst.Attribute(cst.Name(local), cst.Name(rename.new_name)))
    relative = isinstance(anchor, cst.ImportFrom) and bool(anchor.relative)
    state.needs.append(Need(module_rename, local, binding.scope, anchor, lineno, relative))


def _replace(state: RewriteState, site: AttrSite, new: cst.BaseExpression) -> None:
    """`new` in the site's place; a string annotation stays one, in the same quotes, with each of the uses
    it holds replaced."""
    if isinstance(site.node, cst.SimpleString):
        value = str(site.node.evaluated_value)
        parts = state.string_parts.setdefault(site.node, {})
        parts[site.span or (0, len(value))] = cst.Module([]).code_for_node(new)
        for (start, end), code in sorted(parts.items(), reverse=True):
            value = value[:start] + code + value[end:]
        new = restring(site.node, value)
    state.edits.replace[site.node] = new


def _plain(binding: BaseAssignment) -> bool:
    """Whether the module binding is a plain `import a.b.m` (read as `a.b.m.X`)."""
    node = binding.node
    if not isinstance(node, cst.Import):
        return False
    return any(alias.asname is None and alias.name is binding.as_name for alias in node.names)


def _imported(assignment: BaseAssignment) -> list[str]:
    node = assignment.node
    if not isinstance(node, cst.Import):
        return []
    return [get_full_name_for_node(a.name) or "" for a in node.names if a.asname is None]


def _binds_package(top: str):  # type: ignore[no-untyped-def]
    return lambda assignment: any(n.split(".")[0] == top for n in _imported(assignment))


def _imports_module(module: str):  # type: ignore[no-untyped-def]
    return lambda assignment: module in _imported(assignment)
