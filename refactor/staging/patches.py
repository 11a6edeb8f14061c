"""The exact changes each stage makes, as unified diffs, for `refactor plan --diff` (nothing is written).

Stage N's diff is computed on the tree as the earlier stages leave it, in a scratch copy (the repository
itself is only read).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from refactor.output import counted
from refactor.planning.schedule import Schedule
from refactor.planning.workspace import Workspace
from refactor.staging.edits import compute_edits, write_edits


@dataclass(frozen=True)
class StagePatch:
    number: int
    modules: tuple[str, ...]
    diff: bytes
    problems: tuple[str, ...]    # markup lines: files a codemod could not edit, sites it reported


def stage_patches(workspace: Workspace, schedule: Schedule, number: int | None,
                  show: Callable[[str], None] = lambda message: None) -> list[StagePatch]:
    """Each wanted stage's diff, computed on a scratch copy of the tree as the earlier stages leave it."""
    wanted = [s.number for s in schedule.stages] if number is None else [number]
    last = max(wanted)
    out = []
    with tempfile.TemporaryDirectory(prefix="refactor-diff-") as scratch:
        copy = Path(scratch) / "tree"
        show(f"copying {counted(len(workspace.project.files), 'file')} to a scratch tree")
        for source in workspace.project.files:
            target = copy / source.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workspace.project.root / source.path, target)
        for stage_number in range(1, last + 1):
            current = Workspace.for_plan(workspace.plan, root=copy)
            current.progress = lambda message, n=stage_number: show(f"stage {n}: {message}")
            planned = schedule.stage(stage_number)
            stage = next((s for s in current.schedule.stages if set(s.modules) == set(planned.modules)), None)
            if stage is None:
                out.append(StagePatch(stage_number, planned.modules, b"", ("nothing left to change",)))
                continue
            show(f"stage {stage_number}: rewriting {counted(len(stage.edits), 'site')} in {counted(len(stage.files), 'file')}")
            edits = compute_edits(current, stage)
            if stage_number in wanted:
                problems = tuple(f"[bold red]cannot edit[/] {escape(r.error or r.path)}" for r in edits.failures)
                problems += tuple(f"[yellow]reported[/] {escape(f)}" for f in edits.findings)
                out.append(StagePatch(stage_number, stage.modules, edits.diff(), problems))
            write_edits(copy, edits)
    return out
