"""Dotted names written as strings (`"app.legacy.AppSettings"`), renamed by the stage."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from codemods.framework.context import FileJob


def restring(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """`node` holding `text` instead, with the same prefix and quotes."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{text}{node.quote}")


def dotted_target(value: str, job: FileJob, line: Callable[[], int]) -> str | None:
    """The new spelling of a dotted `module.Name[.attr]` string, or None when it stays. `line()` gives
    the string's line, asked only to report (working out positions costs a pass over the whole file)."""
    stage, parts = job.stage, value.split(".")
    for index in range(len(parts) - 1, 0, -1):
        module, name, rest = ".".join(parts[:index]), parts[index], parts[index + 1 :]
        rename = stage.rename(module, name)
        local = stage.local_rename(module, name)
        if rename is not None:
            keep = stage.binds_after(module, rename.new_name)
            head = f"{module if keep else rename.new_module}.{rename.new_name}"
        elif local is not None:
            head = f"{module}.{local}"
        else:
            continue
        new = ".".join([head, *rest])
        return new if new != value else None
    if any(".".join(parts[:i]) in stage.gone for i in range(1, len(parts) + 1)):
        job.report(line(), f"cannot decide where {value} lives")
    return None
