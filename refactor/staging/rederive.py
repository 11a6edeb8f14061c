"""Re-derive what a stage commit claims, from the commit itself, and list every disagreement."""

from __future__ import annotations

from dataclasses import dataclass

from refactor.output import counted
from refactor.planning.workspace import Workspace
from refactor.staging import evidence as evidence_format
from refactor.staging.branches import StageBranches
from refactor.staging.contract import left_behind, stale_references
from refactor.staging.testrun import run_tests


@dataclass(frozen=True)
class BranchCheck:
    number: int
    branch: str
    commit: str | None
    problems: tuple[str, ...]
    facts: tuple[str, ...]         # what was re-derived, for the report

    @property
    def ok(self) -> bool:
        return self.commit is not None and not self.problems


def check_branch(branches: StageBranches, number: int, *, tests: bool = False) -> BranchCheck | None:
    """None when the branch does not exist."""
    branch = branches.plan.branch(number)
    tip = branches.git.branch_tip(branch)
    if tip is None:
        return None
    commit = branches.tool_commit(tip, number)
    if commit is None:
        return BranchCheck(number, branch, None, (f"{branch} has no commit made by the tool for stage {number}",), ())
    claimed = evidence_format.parse(commit.trailers)
    if claimed is None:
        return BranchCheck(number, branch, commit.sha, ("the tool commit's evidence trailers are missing or "
                                                        "malformed",), ())
    problems, facts = [], []
    git, rel = branches.git, branches.rel
    parent = branches.git.parent(commit.sha)
    if parent != claimed.parent:
        problems.append(f"claims parent {claimed.parent[:10]}, but its parent is {str(parent)[:10]}")
    with git.worktree(commit.sha, f"{branches.plan.name}-verify-{number:02d}") as tree, \
            git.worktree(parent or commit.sha, f"{branches.plan.name}-verify-parent-{number:02d}") as parent_tree:
        before = Workspace.for_plan(branches.plan, root=parent_tree / rel)
        after = Workspace.for_plan(branches.plan, root=tree / rel,
                                   extra_needles=frozenset(m.rpartition(".")[2] for m in claimed.deleted_modules))
        inventory = after.inventory
        facts.append(f"distinct {inventory.distinct}")
        if inventory.distinct != claimed.distinct_after:
            problems.append(f"claims distinct {claimed.distinct_before} -> {claimed.distinct_after}, "
                            f"the branch has {inventory.distinct}")
        members, still_there = left_behind(after, claimed.modules, claimed.deleted_modules)
        if members:
            problems.append(f"claims {', '.join(claimed.modules)} are free of the family, but they still "
                            f"define {', '.join(d.ref for d in members)}")
        for module in still_there:
            problems.append(f"claims {module} was deleted, but it exists")
        refs = stale_references(after, set(), set(claimed.deleted_modules), before.project)
        if refs:
            problems.append(f"{counted(len(refs), 'site')} still referring to deleted modules, first {refs[0]}")
        if tests:
            report = run_tests(branches.plan.test_command, tree / rel, repo_root=branches.plan.root,
                               source_roots=branches.plan.source_roots)
            facts.append(f"tests {report.summary()}")
            measured = (report.run, report.passed, report.failed, report.skipped)
            stated = (claimed.tests_run, claimed.tests_passed, claimed.tests_failed, claimed.tests_skipped)
            if measured != stated:
                problems.append(f"claims tests run/passed/failed/skipped = {stated}, a re-run gives {measured}")
        if parent is not None:
            planned = before.schedule
            stage = next((s for s in planned.stages if set(s.modules) == set(claimed.modules)), None)
            if stage is None:
                problems.append(f"on its parent, no stage removes {', '.join(claimed.modules)}")
            else:
                derived = tuple(stage.sites_by_kind.items())
                facts.append(f"sites {len(stage.edits)}")
                if dict(derived) != dict(claimed.sites):
                    problems.append(f"claims sites {dict(claimed.sites)}, the plan on its parent has {dict(derived)}")
                if stage.distinct_before != claimed.distinct_before:
                    problems.append(f"claims distinct before {claimed.distinct_before}, its parent has "
                                    f"{stage.distinct_before}")
    return BranchCheck(number, branch, commit.sha, tuple(problems), tuple(facts))
