"""Load a plan and the repository it names, once per command: the composition root for reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from refactor.inventory import Inventory, take_inventory
from refactor.planfile import Plan, load_plan
from refactor.project import Project


@dataclass
class Workspace:
    plan: Plan
    project: Project
    _inventory: Inventory | None = field(default=None, repr=False)

    @classmethod
    def open(cls, plan_path: str | Path, *, cache: bool = True, root: Path | None = None) -> Workspace:
        """Read the plan; scan `root` (a worktree of the same repository) or the plan's own root."""
        plan = load_plan(plan_path)
        project = Project.load(root or plan.root, source_roots=plan.source_roots, cache=cache)
        return cls(plan, project)

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = take_inventory(self.project, self.plan)
        return self._inventory
