"""`refactor plan PLAN --diff [--stage N]`: the exact changes each stage makes, as a unified diff.

Nothing is written. Stage N's diff is computed on the tree as the earlier stages leave it, in a
scratch copy (the repository itself is only read).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rich.console import Console
from rich.syntax import Syntax

from refactor import exitcodes
from refactor.edits import compute_edits, write_edits
from refactor.planner import StagePlan
from refactor.workspace import Workspace


def show_diff(workspace: Workspace, plan: StagePlan, number: int | None, console: Console) -> int:
    wanted = [s.number for s in plan.stages] if number is None else [number]
    last = max(wanted)
    with tempfile.TemporaryDirectory(prefix="refactor-diff-") as scratch:
        copy = Path(scratch) / "tree"
        files = [f.path for f in workspace.project.files]
        for path in files:
            target = copy / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workspace.project.root / path, target)
        for stage_number in range(1, last + 1):
            current = Workspace.for_plan(workspace.plan, root=copy)
            planned = plan.stage(stage_number)
            stage = next((s for s in current.stage_plan.stages if set(s.modules) == set(planned.modules)), None)
            if stage is None:
                console.print(f"stage {stage_number}: nothing left to change", highlight=False)
                continue
            edits = compute_edits(current, stage)
            if stage_number in wanted:
                console.rule(f"stage {stage_number}: {', '.join(stage.modules)}")
                text = edits.diff()
                console.print(Syntax(text, "diff", word_wrap=True) if text else "(no changes)")
                for result in edits.failures:
                    console.print(f"[bold red]cannot edit[/] {result.error}", highlight=False)
                for finding in edits.findings:
                    console.print(f"[yellow]reported[/] {finding}", highlight=False)
            write_edits(copy, edits)
    return exitcodes.OK
