"""`refactor guard PLAN`: configure Ruff so the modules and names the plan removes cannot come back.

The removed things are every stage's definitions and deleted modules, from the plan as made on the
stage branches' base commit when stage branches exist (so running after the merge still knows what
went), else from the current tree. `--print` shows the change as a diff and writes nothing.
"""

from __future__ import annotations

import difflib
import os
from argparse import Namespace
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from refactor import exitcodes
from refactor.errors import RepositoryError
from refactor.output import counted
from refactor.planfile import Plan, load_plan
from refactor.planning.guard_rules import (
    IMPORTLINTER_NOTE,
    RULE,
    bans_for,
    edit_ruff,
    importlinter_config,
    ruff_config,
    undecided,
)
from refactor.planning.schedule import Schedule
from refactor.planning.workspace import Workspace
from refactor.staging.gitops import Git
from refactor.staging.runner import StageRunner


def run(args: Namespace, console: Console) -> int:
    def say(text: str) -> None:
        console.print(text, highlight=False, soft_wrap=True)

    plan = load_plan(args.plan)
    schedule, source = removed_things(plan, cache=not args.no_cache)
    bans = bans_for(plan.name, schedule)
    say(f"Plan {escape(plan.name)}: {counted(len(bans), 'removed module or name', 'removed modules and names')}, taken from {escape(source)}.")
    for ref in undecided(schedule):
        say(f"  [yellow]not guarded[/] {escape(ref)}: the plan does not say what replaces it yet")

    path, pyproject = ruff_config(plan.root, _repository_top(plan))
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    edit = edit_ruff(path, before, bans, pyproject=pyproject, plan_name=plan.name)
    shown = Path(os.path.relpath(path, plan.root)).as_posix()
    if args.print_only:
        if edit.changed:
            diff = difflib.unified_diff(before.splitlines(keepends=True), edit.after.splitlines(keepends=True),
                                        f"a/{shown}", f"b/{shown}")
            console.out("".join(diff), highlight=False, end="")
        else:
            say(f"Ruff: {escape(shown)} already bans every removed module and name.")
    elif edit.changed:
        path.write_text(edit.after, encoding="utf-8")
        parts = [f"{len(edit.added)} banned-api entr{'y' if len(edit.added) == 1 else 'ies'} added"]
        if edit.updated:
            parts.append(f"{len(edit.updated)} updated")
        if edit.selected:
            parts.append(f"{RULE} added to extend-select")
        say(f"Ruff: [green]wrote[/] {escape(shown)}: {', '.join(parts)}.")
    else:
        say(f"Ruff: {escape(shown)} unchanged: it already bans every removed module and name.")
    for target in edit.left:
        say(f"  [yellow]left as it was[/] {escape(target)}: banned already by an entry this plan did not write")

    where = importlinter_config(plan.root)
    deleted = sorted({m for s in schedule.stages for m in s.delete_modules})
    if where and deleted:
        say(f"import-linter ({escape(where)}): no forbidden contract added for the "
            f"{counted(len(deleted), 'deleted module')}: {IMPORTLINTER_NOTE}. Ruff's banned-api covers them.")
    if bans:
        say("Until the stages are merged, `ruff check` also reports the uses of these names that remain.")
    return exitcodes.OK


def removed_things(plan: Plan, *, cache: bool = True) -> tuple[Schedule, str]:
    """The schedule that says what is removed, and where it came from (one phrase for the output)."""
    try:
        runner = StageRunner(plan)
    except RepositoryError:
        reason = "not a git repository"
    else:
        if runner.git.branch_tip(plan.branch(1)) is None:
            reason = "no stage branches yet"
        else:
            try:
                base = runner.branches.base_commit()
                return runner.base_schedule(base), f"the stage branches' base commit {base[:10]}"
            except RepositoryError as exc:   # e.g. uncommitted changes and no recorded base
                reason = f"stage branches exist but their base is not usable: {exc}"
    return Workspace.for_plan(plan, cache=cache).schedule, f"the current tree ({reason})"


def _repository_top(plan: Plan) -> Path:
    """How far up a Ruff configuration is looked for: the git work tree's top, or the plan's root."""
    try:
        return Git(plan.root).toplevel
    except RepositoryError:
        return plan.root
