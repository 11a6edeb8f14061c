"""Keeping a module's `__all__` in step with renamed and deleted names.

Edits the string entries of module-level `__all__ = [...]`, `__all__: list[str] = (...)`,
`__all__ += [...]`, `__all__.extend([...])` and `__all__.append("X")`, in module-level blocks
too (`if`, `try`): renamed entries get the new name (same quotes), deleted entries go, and a
renamed entry that now repeats an existing one goes too. Other entries keep their place,
layout and comments. An extension left with nothing to add goes, and so does
`__all__.remove("X")` of a deleted or renamed "X" (it would fail, or take the new name out);
a block left empty gets `pass` (see `blocks.BlockPruner`). The assignment that defines
`__all__` stays, even empty.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import libcst as cst
import libcst.matchers as m

from codemods.framework.blocks import BlockPruner
from codemods.framework.sequences import remove_items

_ALL = m.Name("__all__")
_EXTENSION = m.Call(func=m.Attribute(value=_ALL, attr=m.Name("extend") | m.Name("append") | m.Name("remove")),
                    args=[m.Arg(keyword=None, star="")])


class DunderAllEditor(BlockPruner):
    def __init__(
        self, rename: Mapping[str, str] | None = None, remove: Collection[str] = ()
    ) -> None:
        super().__init__()
        self.rename = dict(rename or {})
        self.remove = frozenset(remove)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if len(updated_node.targets) != 1 or not m.matches(updated_node.targets[0].target, _ALL):
            return updated_node
        return updated_node.with_changes(value=self._edit(updated_node.value))

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        if not m.matches(updated_node.target, _ALL) or updated_node.value is None:
            return updated_node
        return updated_node.with_changes(value=self._edit(updated_node.value))

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign | cst.RemovalSentinel:
        if not m.matches(updated_node.target, _ALL):
            return updated_node
        value = self._edit(updated_node.value)
        if _emptied(updated_node.value, value):
            return cst.RemoveFromParent()
        return updated_node.with_changes(value=value)

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> cst.Expr | cst.RemovalSentinel:
        call = updated_node.value
        if not m.matches(call, _EXTENSION):
            return updated_node
        call = cst.ensure_type(call, cst.Call)
        arg = call.args[0]
        method = cst.ensure_type(call.func, cst.Attribute).attr.value
        if method == "remove":   # of a name that is gone or renamed: it would fail, or take the new one out
            name = _entry(cst.Element(arg.value))
            return cst.RemoveFromParent() if name in self.remove or name in self.rename else updated_node
        if method == "append":
            edited = self._edit(cst.List([cst.Element(arg.value)]))
            if _emptied(cst.List([cst.Element(arg.value)]), edited):
                return cst.RemoveFromParent()
            value = cst.ensure_type(edited, cst.List).elements[0].value
        else:
            value = self._edit(arg.value)
            if _emptied(arg.value, value):
                return cst.RemoveFromParent()
        return updated_node.with_changes(value=call.with_changes(args=[arg.with_changes(value=value)]))

    def _edit(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if not isinstance(value, (cst.List, cst.Tuple)):
            return value
        names = [_entry(element) for element in value.elements]
        if not any(name in self.rename or name in self.remove for name in names):
            return value
        untouched = {name for name in names if name not in self.rename}
        seen: set[str] = set()
        items, keep = [], []
        for element, name in zip(value.elements, names):
            new = self.rename.get(name, name) if name is not None else None
            drop = name in self.remove or (
                name in self.rename and (new in untouched or new in seen)
            )
            if name in self.rename and not drop:
                seen.add(new)
                string = cst.ensure_type(element.value, cst.SimpleString)
                element = element.with_changes(
                    value=string.with_changes(
                        value=f"{string.prefix}{string.quote}{new}{string.quote}"
                    )
                )
            items.append(element)
            keep.append(not drop)
        elements = remove_items(items, keep)
        if (
            isinstance(value, cst.Tuple)
            and len(elements) == 1
            and not isinstance(elements[0].comma, cst.Comma)
        ):
            elements[0] = elements[0].with_changes(comma=cst.Comma())
        return value.with_changes(elements=elements)


def _emptied(before: cst.BaseExpression, after: cst.BaseExpression) -> bool:
    """Whether an edit took every entry out of a list or tuple that had some."""
    return isinstance(before, (cst.List, cst.Tuple)) and bool(before.elements) \
        and isinstance(after, (cst.List, cst.Tuple)) and not after.elements


def _entry(element: cst.BaseElement) -> str | None:
    if isinstance(element, cst.Element) and isinstance(element.value, cst.SimpleString):
        evaluated = element.value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


def exported_names(module: cst.Module) -> set[str]:
    """The string entries of the module-level `__all__` assignments."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            target = getattr(small, "target", None) or next(
                (t.target for t in getattr(small, "targets", ())), None
            )
            value = getattr(small, "value", None)
            if (
                isinstance(target, cst.Name)
                and target.value == "__all__"
                and isinstance(value, (cst.List, cst.Tuple))
            ):
                names.update(n for n in map(_entry, value.elements) if n)
    return names
