"""`refactor status PLAN`: one row per stage branch: its state, its evidence, and what would bring it up to date."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console
from rich.table import Table

from refactor import exitcodes
from refactor.output import counted, emit_json
from refactor.planfile import load_plan
from refactor.staging.runner import StageRunner
from refactor.staging.stack import stack_state

_STYLE = {"up to date": "green", "missing": "dim", "stale": "yellow", "foreign commits": "cyan",
          "no tool commit": "red"}


def run(args: Namespace, console: Console) -> int:
    runner = StageRunner(load_plan(args.plan))
    base = runner.branches.base_commit()
    states = stack_state(runner.branches, base, len(runner.base_schedule(base).stages))
    if args.json:
        emit_json(console, "status", {"plan": runner.plan.name, "stages": [s.to_json() for s in states]})
        return exitcodes.OK
    table = Table(title=f"Stage branches of {runner.plan.name}", title_justify="left", show_lines=True)
    for column in ("#", "branch", "state", "evidence", "to bring it up to date"):
        table.add_column(column, overflow="fold")
    for state in states:
        evidence = state.evidence
        facts = "" if evidence is None else (
            f"distinct {evidence.distinct_before}→{evidence.distinct_after}, {counted(evidence.site_count, 'site')}, "
            f"tests {evidence.tests_passed}/{evidence.tests_run} passed")
        detail = "\n".join(state.reasons)
        for commit in state.foreign:
            detail += f"\n  {commit.sha[:10]} {commit.message.splitlines()[0] if commit.message else ''}"
        label = f"[{_STYLE.get(state.state, '')}]{state.state}[/]" + (f"\n{detail}" if detail else "")
        table.add_row(str(state.number), state.branch, label, facts, state.command)
    console.print(table)
    return exitcodes.OK
