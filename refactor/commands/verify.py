"""`refactor verify PLAN`: re-derive every stage branch's evidence from the branch; exit 1 on any disagreement."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console

from refactor import exitcodes
from refactor.output import counted
from refactor.planfile import load_plan
from refactor.staging.rederive import check_branch
from refactor.staging.runner import StageRunner


def run(args: Namespace, console: Console) -> int:
    plan = load_plan(args.plan)
    runner = StageRunner(plan)
    total = len(runner.base_schedule(runner.branches.base_commit()).stages)
    checked = failed = 0
    with runner.git.lock():
        for number in range(1, total + 1):
            result = check_branch(runner.branches, number, tests=args.tests)
            if result is None:
                console.print(f"[dim]- stage {number}: {plan.branch(number)} does not exist[/]", highlight=False)
                continue
            checked += 1
            if result.ok:
                console.print(f"[green]✓[/] stage {number} {result.branch} {result.commit[:10]}: evidence holds "
                              f"({', '.join(result.facts)})", highlight=False)
            else:
                failed += 1
                console.print(f"[bold red]✗[/] stage {number} {result.branch}: "
                              f"claims that do not hold: {len(result.problems)}", highlight=False)
                for problem in result.problems:
                    console.print(f"    {problem}", highlight=False)
    console.print(f"{counted(checked, 'stage branch', 'stage branches')} checked, {failed} with claims that do not hold", highlight=False)
    return exitcodes.FAILED if failed else exitcodes.OK
