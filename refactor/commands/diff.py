"""`refactor plan PLAN --diff [--stage N]`: the exact changes each stage makes, as a unified diff.

Nothing is written. Stage N's diff is computed on the tree as the earlier stages leave it, in a
scratch copy (the repository itself is only read).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax

from refactor import exitcodes
from refactor.planning.schedule import Schedule
from refactor.planning.workspace import Workspace
from refactor.staging.edits import compute_edits, write_edits


@dataclass(frozen=True)
class StagePatch:
    number: int
    modules: tuple[str, ...]
    diff: bytes
    problems: tuple[str, ...]    # markup lines: files a codemod could not edit, sites it reported


def stage_patches(workspace: Workspace, plan: Schedule, number: int | None,
                  show: Callable[[str], None] = lambda message: None) -> list[StagePatch]:
    """Each wanted stage's diff, computed on a scratch copy of the tree as the earlier stages leave it."""
    wanted = [s.number for s in plan.stages] if number is None else [number]
    last = max(wanted)
    out = []
    with tempfile.TemporaryDirectory(prefix="refactor-diff-") as scratch:
        copy = Path(scratch) / "tree"
        show(f"copying {len(workspace.project.files):,} files to a scratch tree")
        for source in workspace.project.files:
            target = copy / source.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workspace.project.root / source.path, target)
        for stage_number in range(1, last + 1):
            current = Workspace.for_plan(workspace.plan, root=copy)
            current.progress = lambda message, n=stage_number: show(f"stage {n}: {message}")
            planned = plan.stage(stage_number)
            stage = next((s for s in current.schedule.stages if set(s.modules) == set(planned.modules)), None)
            if stage is None:
                out.append(StagePatch(stage_number, planned.modules, b"", ("nothing left to change",)))
                continue
            show(f"stage {stage_number}: rewriting {len(stage.edits):,} sites in {len(stage.files):,} files")
            edits = compute_edits(current, stage)
            if stage_number in wanted:
                problems = tuple(f"[bold red]cannot edit[/] {escape(r.error or r.path)}" for r in edits.failures)
                problems += tuple(f"[yellow]reported[/] {escape(f)}" for f in edits.findings)
                out.append(StagePatch(stage_number, stage.modules, edits.diff(), problems))
            write_edits(copy, edits)
    return out


def show_diff(patches: list[StagePatch], console: Console, output: str | None = None) -> int:
    """The stages' diffs: coloured on a terminal; else (or to `output`) a patch, byte for byte, that
    `git apply` and `patch -p1` take. What a stage cannot edit or reports goes to stderr."""
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for patch in patches:
        for line in patch.problems:
            errors.print(f"stage {patch.number}: {line}")
    whole = b"".join(p.diff for p in patches)
    if output is not None:
        with open(output, "wb") as handle:
            handle.write(whole)
        errors.print(f"wrote {output}")
    elif console.is_terminal:
        for patch in patches:
            console.rule(f"stage {patch.number}: {', '.join(patch.modules)}")
            text = patch.diff.decode("utf-8", "replace")
            console.print(Syntax(text, "diff", word_wrap=True) if text else "(no changes)")
    else:
        _write_bytes(console, whole)
    return exitcodes.OK


def _write_bytes(console: Console, data: bytes) -> None:
    """`data` to the console's stream as it is (its text layer, when it has no bytes layer: a test's)."""
    stream = console.file
    buffer = getattr(stream, "buffer", None)
    stream.flush()
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "surrogateescape"))
