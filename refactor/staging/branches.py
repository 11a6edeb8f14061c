"""A plan's stage branches in one repository: where stage 1 starts, each stage's parent, the tool's
commit on a branch, and the record of each stage's last run. Reads git (and the run record) only; the
runner (`runner.StageRunner`) builds stages, `stack`, `rederive` and the commands read through this.
"""

from __future__ import annotations

import json
import os

from refactor.errors import RepositoryError
from refactor.planfile import Plan
from refactor.staging.gitops import Commit, Git


class StageBranches:
    def __init__(self, plan: Plan, base_ref: str | None = None) -> None:
        self.plan, self.base_ref = plan, base_ref   # `base_ref`: --base, when given
        self.git = Git(plan.root)
        try:
            self.rel = plan.root.relative_to(self.git.toplevel)
        except ValueError:
            raise RepositoryError(f"{plan.path}: plan.root {plan.root} is outside the repository "
                                  f"{self.git.toplevel}") from None
        self.state = self.git.state_dir

    def base_commit(self) -> str:
        """The commit stage 1 starts from: --base, or the recorded base of existing stages, or HEAD."""
        if self.base_ref:
            sha = self.git.resolve(self.base_ref)
            if sha is None:
                raise RepositoryError(f"--base {self.base_ref}: no such commit")
            return sha
        head = self.git.head()
        first = self.git.branch_tip(self.plan.branch(1))
        if first is not None:
            recorded = self.tool_commit(first, 1)
            if recorded is not None:
                return recorded.trailers["Refactor-Base"]
        dirty = self.git.dirty()
        if dirty:
            shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
            raise RepositoryError(f"{self.git.toplevel}: uncommitted changes in {shown}; the stages are built from "
                                  f"commits, so commit or stash them first (or pass --base REF)")
        return head

    def tool_commit(self, tip: str, number: int) -> Commit | None:
        """The tool's commit for stage `number` on a branch whose tip is `tip` (reviewer commits may follow)."""
        sha = tip
        for _ in range(200):
            commit = self.git.commit_info(sha)
            if commit.by_tool and commit.trailers.get("Refactor-Plan") == self.plan.name \
                    and commit.trailers.get("Refactor-Stage", "").split("/")[0] == str(number):
                return commit
            sha = self.git.parent(sha)
            if sha is None:
                return None
        return None

    def parent_of(self, number: int, base: str) -> tuple[str, str]:
        """(commit, branch name) stage `number` is stacked on."""
        if number == 1:
            return base, self.base_ref or (self.git.current_branch() or "HEAD")
        previous = self.plan.branch(number - 1)
        tip = self.git.branch_tip(previous)
        if tip is None:
            raise RepositoryError(f"branch {previous} is missing: run `refactor apply {self.plan.path} "
                                  f"--stage {number - 1}` first")
        return tip, previous

    def record_run(self, number: int, run: dict) -> None:
        """Remember the last run of stage `number` (for `refactor status`)."""
        path = self.state / "runs" / f"{self.plan.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        runs = self.last_runs()
        runs[str(number)] = run
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(runs, indent=1))
        os.replace(tmp, path)

    def last_runs(self) -> dict[str, dict]:
        try:
            return json.loads((self.state / "runs" / f"{self.plan.name}.json").read_text())
        except (OSError, ValueError):
            return {}

    def branch_commits(self, number: int, tip: str, parent: str) -> list[Commit]:
        """The commits that belong to stage `number`'s branch: from its tool commit's parent to the tip."""
        tool = self.tool_commit(tip, number)
        start = tool.trailers.get("Refactor-Parent") if tool is not None else None
        if start is None or self.git.resolve(start) is None:
            start = parent
        return self.git.commits(start, tip)
