"""A pytest helper for projects: assert a concept has one definition, in place of tests that accept aliases.

    from refactor.testing import assert_single_source

    def test_websocket_manager_is_single_source():
        assert_single_source("plans/websocket_manager.toml")

Unlike `assert WebSocketManager is UnifiedWebSocketManager` (which passes for an alias and so hides
the duplicate), this audits the source: every class body, wrapper and `type()` copy counts.
"""

from __future__ import annotations

from pathlib import Path

from refactor.analysis import status
from refactor.analysis.inventory import Inventory
from refactor.planning.workspace import Workspace


def assert_single_source(plan_path: str | Path, *, allowed: int = 1, runtime: bool = False) -> Inventory:
    """Fail with the list of extra definitions while the plan's family has more than `allowed` distinct
    definitions (with `runtime=True`, also counting the class objects the packages actually load)."""
    __tracebackhide__ = True
    workspace = Workspace.open(plan_path, cache=False)
    inventory = workspace.inventory
    extra = [f"{d.path}:{d.line}: {d.name} ({d.kind}: {d.detail})" for d in inventory.definitions
             if d.class_object and d.status not in status.STAYS]
    if inventory.distinct > allowed:
        raise AssertionError(f"{inventory.plan_name}: {inventory.distinct} distinct definitions, {allowed} allowed "
                             f"(canonical {inventory.canonical}); also defined:\n  " + "\n  ".join(extra))
    if runtime:
        from refactor.analysis.runtime_count import count_runtime, default_python
        loaded = count_runtime(workspace.plan, python=default_python(workspace.plan.root))
        if loaded.distinct > allowed:
            shown = "\n  ".join(f"{where} bound as {', '.join(names)}" for where, names in loaded.classes)
            raise AssertionError(f"{inventory.plan_name}: {loaded.distinct} family class objects loaded at runtime, "
                                 f"{allowed} allowed:\n  {shown}")
    return inventory
