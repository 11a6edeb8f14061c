"""After `apply`: `--push REMOTE` pushes every stage branch; `--open-prs` opens one pull request per stage."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console

from refactor import exitcodes
from refactor.errors import RepositoryError
from refactor.staging.publish import open_pull_request, push_branch
from refactor.staging.runner import StageOutcome, StageRunner


def publish_if_asked(args: Namespace, runner: StageRunner, outcomes: list[StageOutcome], console: Console) -> int:
    if not getattr(args, "push", None):
        if getattr(args, "open_prs", False):
            console.print("[bold red]error:[/] --open-prs needs --push REMOTE", highlight=False)
            return exitcodes.BAD_INPUT
        return exitcodes.OK
    status = exitcodes.OK
    branches = [o.branch for o in outcomes if o.ok]
    for branch in branches:
        result = push_branch(runner.git, args.push, branch)
        style = "red" if result.action == "refused" else "green"
        console.print(f"[{style}]{result.action}[/] {args.push}/{branch} {result.detail}", highlight=False)
        if result.action == "refused":
            status = exitcodes.FAILED
    if not args.open_prs or status != exitcodes.OK:
        return status
    base_branch = runner.parent_of(1, runner.base_commit())[1]
    for outcome in outcomes:
        base = base_branch if outcome.number == 1 else runner.plan.branch(outcome.number - 1)
        review = runner.reviews_folder() / f"stage-{outcome.number:02d}.md"
        title = f"{runner.plan.name}: stage {outcome.number}"
        try:
            url = open_pull_request(runner.git.toplevel, outcome.branch, base, title, review)
        except RepositoryError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False)
            return exitcodes.FAILED
        console.print(f"pull request for {outcome.branch}: {url}", highlight=False)
    return status
