"""`refactor restack PLAN`: regenerate stale stages on their new parents and carry people's commits across."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console

from refactor import exitcodes
from refactor.planfile import load_plan
from refactor.staging.runner import StageRunner
from refactor.staging.stack import Restacker


def run(args: Namespace, console: Console) -> int:
    runner = StageRunner(load_plan(args.plan), progress=lambda message: None)
    restacker = Restacker(runner)
    with runner.git.lock():
        if args.abort:
            console.print(restacker.abort(), highlight=False)
            return exitcodes.OK
        steps = restacker.resume() if args.continue_ else restacker.run(args.from_stage)
    failed = False
    for step in steps:
        mark = {"regenerated": "[green]✓[/]", "unchanged": "[dim]-[/]"}.get(step.status, "[bold red]✗[/]")
        console.print(f"{mark} stage {step.number} {step.branch}: {step.status} {step.detail}", highlight=False)
        if step.backup:
            console.print(f"    old tip kept as {step.backup}", highlight=False)
        if step.outcome is not None and step.status == "failed":
            for line in step.outcome.details:
                console.print(f"    {line}", highlight=False)
        failed = failed or step.status in ("conflict", "failed")
    return exitcodes.FAILED if failed else exitcodes.OK
