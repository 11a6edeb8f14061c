"""`pytest.mark.parametrize` values that the renames made identical: keep the first.

`@pytest.mark.parametrize("cls", [Settings, AppSettings])` becomes `[Settings, Settings]`
after the renames: the same test twice, under new ids (`Settings0`, `Settings1`). The later
repeat goes, so the test keeps its id (`[Settings]`). Only values that are a renamed target
(`Settings`, `mod.Settings`, `app.mod.Settings`) are compared, so a repeat the author wrote
on purpose with other values stays.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.framework.context import FileJob
from codemods.framework.sequences import remove_items


class ParametrizeDeduper(cst.CSTTransformer):
    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.targets = {r.new_name for r in job.stage.renames.values()}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        name = get_full_name_for_node(updated_node.func) or ""
        if not name.endswith("parametrize") or len(updated_node.args) < 2:
            return updated_node
        values = updated_node.args[1].value
        if not isinstance(values, (cst.List, cst.Tuple)):
            return updated_node
        seen: set[str] = set()
        keep = []
        for element in values.elements:
            text = (
                get_full_name_for_node(element.value) if isinstance(element, cst.Element) else None
            )
            repeated = text is not None and text.rpartition(".")[2] in self.targets and text in seen
            keep.append(not repeated)
            if text is not None:
                seen.add(text)
        if all(keep):
            return updated_node
        elements = remove_items(list(values.elements), keep)
        args = list(updated_node.args)
        args[1] = args[1].with_changes(value=values.with_changes(elements=elements))
        return updated_node.with_changes(args=args)
