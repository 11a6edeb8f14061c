"""The state of a plan's stage branches, and `restack`: regenerate stale stages, keep people's commits.

Restack never rebases a tool commit: each stale stage is regenerated from the plan on its parent as
it is now (the stage contract and the test gate apply), then the commits the tool did not make are
replayed on top. A branch ref moves only after all of that worked, with its old tip kept under a
backup ref. A conflict stops the run, leaves every branch as it was, and keeps the conflicted
worktree for `restack --continue` (or `--abort`).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from refactor.errors import RepositoryError
from refactor.output import counted
from refactor.staging import evidence as evidence_format
from refactor.staging.branches import StageBranches
from refactor.staging.evidence import Evidence
from refactor.staging.gitops import Commit
from refactor.staging.runner import StageOutcome, StageRunner


@dataclass(frozen=True)
class StageState:
    number: int
    branch: str
    state: str                        # missing | up to date | stale | foreign commits | no tool commit
    reasons: tuple[str, ...]
    tip: str | None = None
    tool_commit: str | None = None
    evidence: Evidence | None = None
    foreign: tuple[Commit, ...] = ()
    last_run: str = ""
    command: str = ""

    def to_json(self) -> dict:
        e = self.evidence
        return {"number": self.number, "branch": self.branch, "state": self.state, "reasons": list(self.reasons),
                "tip": self.tip, "tool_commit": self.tool_commit,
                "foreign_commits": [{"sha": c.sha, "subject": c.message.splitlines()[0] if c.message else "",
                                     "author": c.author} for c in self.foreign],
                "evidence": None if e is None else {
                    "distinct": [e.distinct_before, e.distinct_after], "sites": dict(e.sites),
                    "tests": {"run": e.tests_run, "passed": e.tests_passed, "failed": e.tests_failed,
                              "skipped": e.tests_skipped}},
                "last_run": self.last_run, "command": self.command}


def stack_state(branches: StageBranches, base: str, total: int) -> list[StageState]:
    """The state of each of the `total` stage branches of a stack on `base`."""
    runs = branches.last_runs()
    plan_path = branches.plan.path
    states: list[StageState] = []
    expected_parent: str | None = base
    earlier_stale = False
    for number in range(1, total + 1):
        branch = branches.plan.branch(number)
        tip = branches.git.branch_tip(branch)
        run = runs.get(str(number), {})
        last = "" if not run or run.get("status") in ("committed", "up to date") else \
            f"last run {run.get('status')}: {run.get('reason', '')}"
        if tip is None:
            states.append(StageState(number, branch, "missing", (last,) if last else (), last_run=last,
                                     command=f"refactor apply {plan_path} --stage {number}"))
            expected_parent, earlier_stale = None, True
            continue
        tool = branches.tool_commit(tip, number)
        if tool is None:
            states.append(StageState(number, branch, "no tool commit", ("the branch holds no commit made by the "
                                     "tool for this stage",), tip=tip, last_run=last,
                                     command=f"inspect {branch}; `refactor apply {plan_path} --stage {number} "
                                             f"--force` will not overwrite it"))
            expected_parent, earlier_stale = tip, True
            continue
        claimed = evidence_format.parse(tool.trailers)
        foreign = tuple(c for c in branches.git.commits(tool.sha, tip) if not c.by_tool)
        reasons = []
        actual_parent = branches.git.parent(tool.sha)
        if expected_parent is not None and actual_parent != expected_parent:
            reasons.append(f"its parent moved: stacked on {str(actual_parent)[:10]}, "
                           f"{'the base' if number == 1 else branches.plan.branch(number - 1)} is now at "
                           f"{expected_parent[:10]}")
        elif earlier_stale:
            reasons.append("an earlier stage is stale, so this one will be regenerated too")
        if tool.trailers.get("Refactor-Plan-Hash") != branches.plan.digest:
            reasons.append("the plan file changed since it was made")
        if foreign:
            reasons.append(f"carries {counted(len(foreign), 'commit')} the tool did not make")
        stale = any(not r.startswith("carries") for r in reasons)
        state = "stale" if stale else ("foreign commits" if foreign else "up to date")
        if last:
            reasons.append(last)
        command = f"refactor restack {plan_path} --from {number}" if stale else ""
        states.append(StageState(number, branch, state, tuple(reasons), tip=tip, tool_commit=tool.sha,
                                 evidence=claimed, foreign=foreign, last_run=last, command=command))
        earlier_stale = earlier_stale or stale
        expected_parent = tip
    return states


# -- restack ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RestackStep:
    number: int
    branch: str
    status: str          # regenerated | unchanged | conflict | failed
    detail: str = ""
    backup: str | None = None
    outcome: StageOutcome | None = None


class Restacker:
    def __init__(self, runner: StageRunner) -> None:
        self.runner, self.git = runner, runner.git
        self.state_file = self.git.state_dir / "restack" / f"{runner.plan.name}.json"

    def states(self) -> list[StageState]:
        base = self.runner.branches.base_commit()
        return stack_state(self.runner.branches, base, len(self.runner.base_schedule(base).stages))

    def pending(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def run(self, start: int | None = None) -> list[RestackStep]:
        if self.pending() is not None:
            raise RepositoryError(f"a restack of {self.runner.plan.name} stopped at a conflict: resolve it and run "
                                  f"`refactor restack {self.runner.plan.path} --continue`, or `--abort`")
        states = self.states()
        if start is None:
            start = next((s.number for s in states if s.state in ("stale", "missing")), None)
            if start is None:
                return [RestackStep(s.number, s.branch, "unchanged", "up to date") for s in states]
        return self._from(start, states)

    def _from(self, start: int, states: list[StageState]) -> list[RestackStep]:
        runner = self.runner
        base = runner.branches.base_commit()
        planned = runner.base_schedule(base)
        steps = []
        for state in states:
            if state.number < start:
                continue
            parent, parent_branch = runner.branches.parent_of(state.number, base)
            if state.state in ("up to date", "foreign commits") and not steps and state.number == start \
                    and runner.git.parent(state.tool_commit) == parent:
                steps.append(RestackStep(state.number, state.branch, "unchanged", "already on its parent"))
                continue
            if state.state == "no tool commit":
                steps.append(RestackStep(state.number, state.branch, "failed", "the branch has no tool commit: "
                                         "restack cannot tell the tool's change from people's"))
                return steps
            outcome = runner.build(state.number, planned, base, parent, parent_branch, state.branch)
            runner.record(outcome)
            if outcome.status != "committed":
                steps.append(RestackStep(state.number, state.branch, "failed", outcome.reason, outcome=outcome))
                return steps
            step = self._replay(state, outcome, [c.sha for c in state.foreign])
            steps.append(step)
            if step.status != "regenerated":
                return steps
        return steps

    def _replay(self, state: StageState, outcome: StageOutcome, commits: list[str]) -> RestackStep:
        folder = self.git.state_dir / "restack" / f"{self.runner.plan.name}-stage-{state.number:02d}"
        if folder.exists():
            self.git.remove_worktree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.git.add_worktree(folder, outcome.commit)
        for index, sha in enumerate(commits):
            conflicted = self.git.cherry_pick(folder, sha)
            if conflicted is not None:
                self.state_file.write_text(json.dumps({
                    "stage": state.number, "branch": state.branch, "old_tip": state.tip, "worktree": str(folder),
                    "remaining": commits[index + 1:], "conflict": sha, "files": conflicted,
                    "outcome_commit": outcome.commit}, indent=1))
                return RestackStep(state.number, state.branch, "conflict",
                                   f"replaying {sha[:10]} conflicts in {', '.join(conflicted) or 'the tree'}; "
                                   f"resolve in {folder} (git add the files), then `refactor restack "
                                   f"{self.runner.plan.path} --continue`; or `--abort`; {state.branch} is "
                                   f"unchanged at {str(state.tip)[:10]}", outcome=outcome)
        new_tip = self.git.head_of(folder)
        return self._move(state.number, state.branch, state.tip, new_tip, folder, outcome)

    def _move(self, number: int, branch: str, old_tip: str | None, new_tip: str, folder: Path,
              outcome: StageOutcome | None) -> RestackStep:
        backup = None
        if old_tip is not None:
            backup = self.git.save_backup(branch, old_tip, time.strftime("%Y%m%d-%H%M%S") + f"-{old_tip[:8]}")
        self.git.create_branch(branch, new_tip, expect=old_tip)
        self.git.remove_worktree(folder)
        return RestackStep(number, branch, "regenerated", f"now at {new_tip[:10]}", backup=backup, outcome=outcome)

    def resume(self) -> list[RestackStep]:
        pending = self.pending()
        if pending is None:
            raise RepositoryError(f"no stopped restack of {self.runner.plan.name} to continue")
        folder = Path(pending["worktree"])
        unmerged = self.git.unmerged(folder)
        if unmerged:
            raise RepositoryError(f"still in conflict in {folder}: {', '.join(unmerged)} (edit, `git add`, "
                                  f"then --continue)")
        self.git.continue_cherry_pick(folder)
        for sha in pending["remaining"]:
            conflicted = self.git.cherry_pick(folder, sha)
            if conflicted is not None:
                pending.update(remaining=pending["remaining"][pending["remaining"].index(sha) + 1:],
                               conflict=sha, files=conflicted)
                self.state_file.write_text(json.dumps(pending, indent=1))
                return [RestackStep(pending["stage"], pending["branch"], "conflict",
                                    f"replaying {sha[:10]} conflicts in {', '.join(conflicted)}; resolve in {folder}, "
                                    f"then --continue")]
        step = self._move(pending["stage"], pending["branch"], pending["old_tip"], self.git.head_of(folder), folder,
                          None)
        self.state_file.unlink(missing_ok=True)
        steps = [step]
        states = self.states()
        if pending["stage"] < len(states):
            steps += self._from(pending["stage"] + 1, states)
        return steps

    def abort(self) -> str:
        pending = self.pending()
        if pending is None:
            raise RepositoryError(f"no stopped restack of {self.runner.plan.name} to abort")
        folder = Path(pending["worktree"])
        if folder.exists():
            self.git.abort_cherry_pick(folder)
            self.git.remove_worktree(folder)
            shutil.rmtree(folder, ignore_errors=True)
        self.state_file.unlink(missing_ok=True)
        return f"restack aborted; {pending['branch']} is unchanged at {str(pending['old_tip'])[:10]}"
