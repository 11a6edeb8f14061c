"""`refactor apply PLAN --stage N | --all`: make stage branches, each tested and proven by a fresh audit;
`--push REMOTE` pushes them, `--open-prs` opens one pull request per stage."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from refactor import exitcodes
from refactor.errors import RepositoryError
from refactor.output import counted, paused, progress
from refactor.planfile import load_plan
from refactor.staging.branches import StageBranches
from refactor.staging.publish import open_pull_request, push_branch
from refactor.staging.runner import Options, StageOutcome, StageRunner


def run(args: Namespace, console: Console) -> int:
    if getattr(args, "open_prs", False) and not getattr(args, "push", None):
        console.print("[bold red]error:[/] --open-prs needs --push REMOTE", highlight=False)
        return exitcodes.BAD_INPUT
    plan = load_plan(args.plan)
    options = Options(base=args.base, strict=args.strict, force=args.force,
                      reviews=Path(args.reviews).resolve() if args.reviews else None,
                      test_timeout=args.test_timeout)
    runner = StageRunner(plan, options)
    if getattr(args, "open_prs", False) and not args.base and runner.git.current_branch() is None:
        console.print("[bold red]error:[/] --open-prs on a detached HEAD: the first pull request needs a branch "
                      "to target; pass --base BRANCH", highlight=False)
        return exitcodes.BAD_INPUT
    outcomes: list[StageOutcome] = []
    with runner.git.lock(), runner.session(ahead=args.all), progress(console) as show:
        runner.progress = show
        planned = runner.base_schedule(runner.branches.base_commit())
        if planned.baseline or planned.unparsable:
            with paused(show):
                console.print(f"already broken at the base, never held against a stage: "
                              f"{counted(len(planned.baseline), 'import')}, "
                              f"{counted(len(planned.unparsable), 'file')} that do not parse "
                              f"(refactor plan {args.plan} lists them)", highlight=False, markup=False)
        if args.all:
            total = len(planned.stages)
            numbers = range(1, total + 1)
            if not total:
                with paused(show):
                    console.print(f"nothing to apply: {plan.name} has no redundant module", highlight=False)
                return exitcodes.OK
        else:
            numbers = [args.stage]
        for number in numbers:
            outcome = runner.apply(number)
            outcomes.append(outcome)
            with paused(show):
                report(outcome, console)
            if not outcome.ok:
                break
    if args.all or len(outcomes) > 1:
        console.print(summary(outcomes, runner))
    if outcomes and outcomes[-1].ok:
        return publish_if_asked(args, runner.branches, runner.reviews_folder(), outcomes, console)
    return exitcodes.FAILED


_SHOWN = 10   # lines of a failure's details shown; the rest are in a file


def report(outcome: StageOutcome, console: Console) -> None:
    if outcome.status == "up to date":
        console.print(f"[green]✓[/] stage {outcome.number}: {outcome.reason} (nothing to do)", highlight=False)
        return
    if outcome.status == "committed":
        evidence = outcome.evidence
        console.print(f"[bold green]✓[/] stage {outcome.number} committed on [bold]{outcome.branch}[/] "
                      f"({outcome.commit[:10]}): distinct {evidence.distinct_before} → {evidence.distinct_after}, "
                      f"{counted(evidence.site_count, 'site')}, tests {outcome.tests.summary()}", highlight=False)
        if outcome.comparison and outcome.comparison.still_failing:
            console.print(f"  [yellow]{counted(len(outcome.comparison.still_failing), 'test')} failed on the base "
                          f"and still fail (not held against the stage):[/]", highlight=False)
            for test in outcome.comparison.still_failing:
                console.print(f"    {test}", highlight=False)
        for test in evidence.flaky_tests:
            console.print(f"  [yellow]flaky:[/] {test} (failed, then passed when run again)", highlight=False)
        for finding in evidence.findings:
            console.print(f"  [yellow]reported:[/] {finding}", highlight=False)
        return
    console.print(f"[bold red]✗[/] stage {outcome.number} {outcome.status}: {outcome.reason}; nothing was "
                  f"committed and {outcome.branch} was not created", highlight=False)
    for line in outcome.details[:_SHOWN]:
        console.print(f"    {line}", highlight=False, markup=False)
    if len(outcome.details) > _SHOWN:
        console.print(f"    … and {len(outcome.details) - _SHOWN} more lines: all {len(outcome.details)} in "
                      f"{outcome.details_path}", highlight=False, markup=False)
    if outcome.diff_path:
        console.print(f"  the stage's diff was saved to {outcome.diff_path}", highlight=False)
    if outcome.tests is not None and outcome.tests.output_tail:
        console.print("  last lines of the test output:", highlight=False)
        for line in outcome.tests.output_tail.splitlines()[-12:]:
            console.print(f"    {line}", highlight=False, markup=False)


def summary(outcomes: list[StageOutcome], runner: StageRunner) -> Table:
    prefix = runner.plan.branch_prefix + "/"
    table = Table(title=f"Stage branches {prefix}stage-NN", title_justify="left",
                  caption=f"review descriptions: {runner.reviews_folder()}", caption_justify="left")
    for column in ("#", "branch", "status", "distinct", "sites", "tests"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes:
        evidence = outcome.evidence
        table.add_row(str(outcome.number), outcome.branch.removeprefix(prefix), outcome.status,
                      f"{evidence.distinct_before}→{evidence.distinct_after}" if evidence else "",
                      str(evidence.site_count) if evidence else "",
                      outcome.tests.summary() if outcome.tests else "")
    return table


def publish_if_asked(args: Namespace, branches: StageBranches, reviews: Path, outcomes: list[StageOutcome],
                     console: Console) -> int:
    if not getattr(args, "push", None):
        if getattr(args, "open_prs", False):
            console.print("[bold red]error:[/] --open-prs needs --push REMOTE", highlight=False)
            return exitcodes.BAD_INPUT
        return exitcodes.OK
    status = exitcodes.OK
    for branch in [o.branch for o in outcomes if o.ok]:
        result = push_branch(branches.git, args.push, branch)
        style = "red" if result.action == "refused" else "green"
        console.print(f"[{style}]{result.action}[/] {args.push}/{branch} {result.detail}", highlight=False)
        if result.action == "refused":
            status = exitcodes.FAILED
    if not args.open_prs or status != exitcodes.OK:
        return status
    base_branch = branches.parent_of(1, branches.base_commit())[1]
    for outcome in outcomes:
        base = base_branch if outcome.number == 1 else branches.plan.branch(outcome.number - 1)
        review = reviews / f"stage-{outcome.number:02d}.md"
        title = f"{branches.plan.name}: stage {outcome.number}"
        try:
            url = open_pull_request(branches.git.toplevel, outcome.branch, base, title, review)
        except RepositoryError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False)
            return exitcodes.FAILED
        console.print(f"pull request for {outcome.branch}: {url}", highlight=False)
    return status
