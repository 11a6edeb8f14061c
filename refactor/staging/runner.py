"""Apply one stage on its own branch: worktree, codemods, the stage contract, tests, commit, branch.

Nothing is committed and no branch is made unless every condition holds; the branch ref is
created last, atomically. The user's checkout is only read (and only when it is the base).
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from refactor.analysis.project import Project
from refactor.errors import RefactorError, RepositoryError
from refactor.output import counted
from refactor.planfile import Plan
from refactor.planning.schedule import Schedule, Stage
from refactor.planning.workspace import Workspace, drop_snapshot
from refactor.staging.branches import StageBranches
from refactor.staging.contract import Verification, removal_needles, unparsable_naming, verify_stage
from refactor.staging.edits import StageEdits, compute_edits, write_edits
from refactor.staging.evidence import Evidence
from refactor.staging.lost_names import read_uses
from refactor.staging.review import describe
from refactor.staging.testrun import (
    BaselineStore,
    Comparison,
    TestReport,
    affected_in_scope,
    check_command,
    compare,
    is_pytest,
    run_tests,
    settle_failures,
)

Progress = Callable[[str], None]
T = TypeVar("T")


class PhaseClock:
    """Wall time spent per phase of a stage (worktree, planning, codemods, verification, tests, commit), and
    the time of work done beside another phase (not counted in the stage's wall time)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.beside: dict[str, float] = {}
        self._phase: str | None = None
        self._since = 0.0

    def add(self, phase: str, seconds: float) -> None:
        """`seconds` more toward `phase` (time measured apart, while no phase was entered)."""
        self.spent[phase] = self.spent.get(phase, 0.0) + max(seconds, 0.0)

    def enter(self, phase: str | None) -> None:
        """From now on, time counts toward `phase` (None: toward nothing)."""
        now = time.monotonic()
        if self._phase is not None:
            self.spent[self._phase] = self.spent.get(self._phase, 0.0) + now - self._since
        self._phase, self._since = phase, now

    def totals(self) -> tuple[tuple[str, float], ...]:
        self.enter(None)
        return tuple((phase, round(seconds, 3)) for phase, seconds in self.spent.items())

    def beside_totals(self) -> tuple[tuple[str, float], ...]:
        return tuple((phase, round(seconds, 3)) for phase, seconds in self.beside.items())


@dataclass(frozen=True)
class StageOutcome:
    number: int
    branch: str
    status: str                      # committed | up to date | failed | blocked
    reason: str = ""                 # one line when not committed
    details: tuple[str, ...] = ()    # failed checks, failing tests, blocked members
    commit: str | None = None
    evidence: Evidence | None = None
    diff_path: str | None = None
    review_path: str | None = None
    tests: TestReport | None = None
    comparison: Comparison | None = None
    stage: Stage | None = None
    timings: tuple[tuple[str, float], ...] = ()   # wall seconds per phase (see `PhaseClock`)
    beside: tuple[tuple[str, float], ...] = ()    # wall seconds of work done beside another phase
    details_path: str | None = None  # every line of `details` (a report shows the first few)

    @property
    def ok(self) -> bool:
        return self.status in ("committed", "up to date")


@dataclass(frozen=True)
class Options:
    base: str | None = None
    strict: bool = False
    force: bool = False
    reviews: Path | None = None
    test_timeout: float | None = None


@dataclass(frozen=True)
class _Edited:
    """A stage planned and edited on a tree, nothing written yet: what building it goes on from."""

    workspace: Workspace
    fresh: Schedule
    unreadable: dict[str, str]
    stage: Stage
    blind: tuple[str, ...]
    edits: StageEdits
    before: Project


class _Ahead:
    """Stage `number`, planned and edited in a thread of its own on the tree of the stage before it, while
    that stage's tests run. It serves only the stage built on `parent`, set once the stage before is
    committed with the tree it was read on (nothing else changed there), and only when every file it edits
    is still as it was read; otherwise the stage is planned and edited anew, as it would have been."""

    def __init__(self, number: int, work: Callable[[], _Edited | StageOutcome]) -> None:
        self.number = number
        self.parent: str | None = None
        self.seconds = 0.0
        self._result: _Edited | StageOutcome | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="refactor-ahead", daemon=True)

    def start(self) -> None:
        """Begin, while nothing else in this process parses Python: CPython keeps one AST recursion depth
        per interpreter, and two threads making syntax trees at once can fail with `SystemError: AST
        constructor recursion depth mismatch` (python/cpython#106905). Until the stage's successor takes
        the work, this process only waits for the tests, commits and reports."""
        self._thread.start()

    def _run(self, work: Callable[[], _Edited | StageOutcome]) -> None:
        started = time.monotonic()
        try:
            self._result = work()
        except Exception:   # noqa: BLE001 (met again, and reported, when the stage is built the usual way)
            self._result = None
        finally:
            self.seconds = time.monotonic() - started

    def wait(self) -> None:
        if self._thread.is_alive() or self._thread.ident is not None:
            self._thread.join()

    def ended(self, timeout: float) -> bool:
        """Whether the work has ended (or never started), waiting for it up to `timeout` seconds."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def taken(self, root: Path) -> _Edited | None:
        """The stage's edits, if they were made and every file they edit under `root` is as it was read."""
        self.wait()
        result = self._result
        if not isinstance(result, _Edited):   # (an outcome that ends the stage is found again, with its words)
            return None
        for path, data in result.edits.raw:
            try:
                if (root / path).read_bytes() != data:
                    return None
            except OSError:
                return None
        return result


class StageRunner:
    def __init__(self, plan: Plan, options: Options = Options(), progress: Progress = lambda message: None) -> None:
        self.plan, self.options, self.progress = plan, options, progress
        self.branches = StageBranches(plan, options.base)
        self.git, self.rel, self.state = self.branches.git, self.branches.rel, self.branches.state
        self.baselines = BaselineStore(self.state / "baselines")
        self._base_schedules: dict[str, Schedule] = {}
        self.clock = PhaseClock()
        self._shared: Path | None = None    # the worktree a session's stages share (see `session`)
        self._in_session = False
        # what the plans of a session's stages searched for, so far: each stage's plan searches for it too
        # (a stage's changes can only narrow its tree's own search; the facts and sites found for the wider
        # one then serve, instead of every file that names the family being parsed again for each stage)
        self._searched: tuple | None = None
        self._ahead_wanted = False          # whether a session's next stage is built while a stage is tested
        self._ahead: _Ahead | None = None   # the next stage, being (or made) ready

    # -- the worktree stages are built in -------------------------------------------------------------
    @contextmanager
    def session(self, *, ahead: bool = False):
        """Stages built in this block share one worktree, checked out anew at each stage's parent (only the
        files that differ are written) and removed at the end, whatever happens. Outside a session each
        stage makes and removes a worktree of its own. With `ahead` (stages built one after the other, as
        `apply --all` does), each stage's successor is planned and edited while the stage's tests run."""
        self._in_session, self._ahead_wanted = True, ahead
        try:
            yield self
        finally:
            self._in_session, self._ahead_wanted, self._ahead = False, False, None
            self._searched = None
            if self._shared is not None:
                shared, self._shared = self._shared, None
                self.git.remove_worktree(shared)
                drop_snapshot(shared / self.rel, self.plan.root)

    @contextmanager
    def _tree(self, commit: str, label: str):
        if not self._in_session:
            with self.git.worktree(commit, label) as tree:
                yield tree
            return
        if self._shared is None:
            path = self._shared_path()
            self.git.add_worktree(path, commit)
            self._shared = path
        else:
            self.git.reset_worktree(self._shared, commit)
        yield self._shared

    def _shared_path(self) -> Path:
        """Where a session's stages share a worktree (nothing there: a killed run's is removed first)."""
        self.git.prune_stale_worktrees()
        path = self.git.worktree_root() / f"{self.plan.name}-stages-{os.getpid()}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            self.git.remove_worktree(path)
        return path

    @contextmanager
    def _base_tree(self, base: str):
        """The base's files to plan on: the user's checkout itself when it holds them (its stats and cache
        are warm, and it is only read), while git makes the worktree a session's stages share; else a
        worktree of the base."""
        if self._in_session and self._shared is None and self.git.holds(base):
            path = self._shared_path()
            with self.git.adding_worktree(path, base):
                yield self.git.toplevel
            self._shared = path
            return
        with self._tree(base, f"{self.plan.name}-base") as tree:
            yield tree

    def _workspace(self, root: Path, **options) -> Workspace:
        """The plan's workspace on a stage tree; a session's shared tree remembers its files' stats."""
        return Workspace.for_plan(self.plan, root=root, remember_stats=self._in_session, **options)

    def _read_ahead(self, root: Path, number: int, planned: Schedule) -> None:
        """While the base's tests run in `root`: read there what building stage `number` reads first, the
        files with sites whole (`unreadable`) and every use of the names the stage removes (the lost-name
        gate). Both are kept by content, so the stage, on a tree whose files are mostly the base's, finds
        them read. One process reads: the tests have the other cores."""
        workspace = self._workspace(root, search=self._searched, jobs=1)
        workspace.unreadable()
        stage = planned.stage(number)
        after = self._workspace(root, extra_needles=removal_needles(stage), search=workspace.project.focus_key(),
                                jobs=1)
        read_uses(after.project, stage.removed_names, among=planned.removed_names)

    def _search_also(self, workspace: Workspace) -> None:
        if self._in_session:
            self._searched = workspace.project.focus_key()

    # -- where a stage starts ------------------------------------------------------------------------
    def base_schedule(self, base: str) -> Schedule:
        """The schedule as made on the base commit: it fixes the stages' numbers and modules."""
        if base not in self._base_schedules:
            self.clock.enter("base plan")
            self.progress(f"planning on base {base[:10]}")
            with self._base_tree(base) as tree:
                root = tree / self.rel
                workspace = self._workspace(root)
                if root.resolve() == Path(self.plan.root).resolve():   # (the user's checkout: what `plan` keeps)
                    kept = workspace.kept_schedule()
                    self._base_schedules[base] = kept.schedule
                    if self._in_session:
                        self._searched = kept.focus
                else:
                    self._base_schedules[base] = workspace.schedule
                    self._search_also(workspace)
        return self._base_schedules[base]

    # -- one stage --------------------------------------------------------------------------------------
    def apply(self, number: int) -> StageOutcome:
        check_command(self.plan.test_command, self.plan.root)
        base = self.branches.base_commit()
        planned = self.base_schedule(base)
        if not 1 <= number <= len(planned.stages):
            raise RepositoryError(f"{self.plan.path}: no stage {number} (the plan has {len(planned.stages)})")
        parent, parent_branch = self.branches.parent_of(number, base)
        branch = self.plan.branch(number)
        existing = self.git.branch_tip(branch)
        expect = None
        if existing is not None:
            done = self._up_to_date(existing, parent, number)
            if done is not None:
                return done
            expect = self._replaceable(branch, existing, parent, number)
        # (before the stage's tree is made: in a session they share one worktree)
        self.baseline(base, meanwhile=lambda root: self._read_ahead(root, number, planned))
        outcome = self.build(number, planned, base, parent, parent_branch, branch)
        outcome = dataclasses.replace(outcome, timings=self.clock.totals(), beside=self.clock.beside_totals())
        self.clock = PhaseClock()
        if outcome.details:
            outcome = dataclasses.replace(outcome, details_path=str(self._save_details(number, outcome.details)))
        self.record(outcome)
        if outcome.status == "committed":
            if expect is not None:
                self.git.save_backup(branch, expect, outcome.commit[:12])
            self.git.create_branch(branch, outcome.commit, expect=expect)
        return outcome

    def record(self, outcome: StageOutcome) -> None:
        """Remember the last run of the outcome's stage (for `refactor status`)."""
        self.branches.record_run(outcome.number, {
            "status": outcome.status, "reason": outcome.reason, "details": list(outcome.details[:10]),
            "commit": outcome.commit, "timings": dict(outcome.timings), "beside": dict(outcome.beside),
            "sites": len(outcome.stage.edits) if outcome.stage else None,
            "files": len(outcome.stage.files) if outcome.stage else None})

    def _up_to_date(self, tip: str, parent: str, number: int) -> StageOutcome | None:
        commits = self.git.commits(parent, tip) if self.git.is_ancestor(parent, tip) else []
        tool = [c for c in commits if c.by_tool]
        if self.git.is_ancestor(parent, tip) and len(tool) == 1 and len(commits) == 1 \
                and tool[0].trailers.get("Refactor-Plan-Hash") == self.plan.digest:
            return StageOutcome(number, self.plan.branch(number), "up to date",
                                reason=f"{self.plan.branch(number)} already holds this stage of this plan",
                                commit=tip)
        return None

    def _replaceable(self, branch: str, tip: str, parent: str, number: int) -> str:
        if not self.options.force:
            raise RepositoryError(f"branch {branch} already exists at {tip[:10]} and differs from this plan; "
                                  f"`refactor status {self.plan.path}` shows why; --force rebuilds it")
        foreign = [c for c in self.branches.branch_commits(number, tip, parent) if not c.by_tool]
        if foreign:
            raise RepositoryError(f"branch {branch} holds {counted(len(foreign), 'commit')} the tool did not make "
                                  f"(first: {foreign[0].sha[:10]} {foreign[0].message.splitlines()[0]}); --force "
                                  f"never discards them: use `refactor restack {self.plan.path}`")
        return tip

    def build(self, number: int, planned: Schedule, base: str, parent: str, parent_branch: str, branch: str
              ) -> StageOutcome:
        """Build stage `number` on `parent` and commit it (detached); the caller decides about the branch."""
        wanted = set(planned.stage(number).modules)
        ahead, self._ahead = self._ahead, None
        if ahead is not None and (ahead.number, ahead.parent) != (number, parent):
            ahead = None   # (read on another tree: left to end on its own, unused)
        if ahead is not None:   # (done before the worktree is checked out again: it reads that tree)
            self.clock.enter("codemods")
            ahead.wait()
        self.progress(f"stage {number}: preparing a worktree at {parent[:10]}")
        self.clock.enter("worktree")
        with self._tree(parent, f"{self.plan.name}-stage-{number:02d}") as tree:
            try:
                return self._build_in(tree, number, planned, base, parent, parent_branch, branch, wanted, ahead)
            finally:
                self.clock.enter("worktree")   # (its removal)

    def _next_ahead(self, root: Path, number: int, planned: Schedule, search: tuple) -> _Ahead | None:
        """In a session that builds stages one after the other, stage `number + 1` planned and edited on the
        tree at `root` (stage `number`'s, written, about to be tested) in a thread of its own, reading with
        one process (the tests have the other cores). The tree's files are listed here, before the tests
        start: a file a test writes is not read."""
        if not self._ahead_wanted or number >= len(planned.stages):
            return None
        following = number + 1
        wanted = set(planned.stage(following).modules)
        branch = self.plan.branch(following)
        workspace = self._workspace(root, search=search, jobs=1)
        return _Ahead(following, lambda: self._plan_and_edit(root, following, wanted, "", branch, search, jobs=1,
                                                             workspace=workspace))

    def _plan_and_edit(self, root: Path, number: int, wanted: set[str], parent: str, branch: str,
                       search: tuple | None, *, clock: PhaseClock | None = None, progress: Progress = lambda m: None,
                       jobs: int | None = None, workspace: Workspace | None = None) -> _Edited | StageOutcome:
        """Stage `number` planned afresh on the tree at `root` and its edits computed (nothing is written):
        or the outcome that ends the stage there (its modules define nothing any more, it is blocked, a
        codemod failed). Reads only. `jobs`: processes that read and edit (default: one per core);
        `workspace`: one already opened on the tree (its files listed)."""
        enter = clock.enter if clock is not None else (lambda phase: None)
        enter("planning")
        workspace = workspace or self._workspace(root, search=search, jobs=jobs)
        fresh = workspace.schedule
        unreadable = workspace.unreadable()
        if set(unreadable) & {s.path for s in workspace.graph.sites}:
            # a file parsed in part gave sites, and does not parse whole: planned again, it has none (a
            # file that does not parse is reported, never edited)
            workspace = self._workspace(root, search=search, jobs=jobs)
            fresh = workspace.schedule
            unreadable = workspace.unreadable()
        stage = next((s for s in fresh.stages if set(s.modules) == wanted), None) or next(
            (s for s in fresh.stages if wanted & set(s.modules)), None)
        if stage is None:
            return StageOutcome(number, branch, "failed", reason=f"the modules of stage {number} "
                                f"({', '.join(sorted(wanted))}) define no family member on {parent[:10]} any more")
        stage = dataclasses.replace(stage, number=number)
        if stage.blocked:
            return StageOutcome(number, branch, "blocked", reason="a member needs a decision in the plan",
                                details=stage.blocked, stage=stage)
        progress(f"stage {number}: rewriting {counted(len(stage.edits), 'site')} in {counted(len(stage.files), 'file')}")
        enter("codemods")
        blind = unparsable_naming(workspace, unreadable, stage)
        edits = compute_edits(workspace, stage)
        if edits.failures:
            return StageOutcome(number, branch, "failed", reason="a codemod could not edit a file",
                                details=tuple(r.error or r.path for r in edits.failures), stage=stage)
        before = workspace.hold([r.path for r in edits.changed])
        return _Edited(workspace, fresh, unreadable, stage, tuple(blind), edits, before)

    def _build_in(self, tree: Path, number: int, planned: Schedule, base: str, parent: str, parent_branch: str,
                  branch: str, wanted: set[str], ahead: _Ahead | None = None) -> StageOutcome:
        root = tree / self.rel
        prepared = ahead.taken(root) if ahead is not None else None
        if prepared is None:
            prepared = self._plan_and_edit(root, number, wanted, parent, branch, self._searched, clock=self.clock,
                                           progress=self.progress)
        else:
            self.clock.beside["planning and codemods"] = ahead.seconds
            self.progress(f"stage {number}: planned and edited while the stage before it was tested")
        if isinstance(prepared, StageOutcome):
            return prepared
        workspace, stage, edits, before = prepared.workspace, prepared.stage, prepared.edits, prepared.before
        fresh, unreadable, blind = prepared.fresh, prepared.unreadable, prepared.blind
        self._search_also(workspace)
        self.clock.enter("codemods")
        touched = write_edits(root, edits)
        diff_path = self._save_diff(number, edits.diff())
        baseline = self.baseline(base)   # (recorded before any stage is built: read here, not in the tests' thread)
        self.progress(f"stage {number}: verifying with a fresh audit and import graph while the tests run")
        self.clock.enter("verification")
        # (the tree's files are listed now, before the tests start: a file a test writes is not the stage's)
        after = self._workspace(root, extra_needles=removal_needles(stage), search=workspace.project.focus_key(),
                                jobs=1)
        ahead = self._next_ahead(root, number, planned, workspace.project.focus_key())
        verification, tested = self._verify_beside_tests(
            lambda: verify_stage(stage, after, touched, before, among=planned.removed_names),
            lambda stop, alone: self._test(number, stage, root, baseline, planned.stages[:number - 1], stop=stop,
                                           alone=alone),
            verified=ahead.start if ahead is not None else None, started_ended=ahead.ended if ahead is not None else None)
        self._ahead = ahead
        if not verification.ok:
            return self._failed_verification(number, branch, stage, verification, diff_path)
        report, comparison, failure = tested
        if failure is not None:
            return dataclasses.replace(failure, diff_path=str(diff_path), stage=stage)
        evidence = Evidence(
            plan=self.plan.name, plan_hash=self.plan.digest, stage=number, stages=len(planned.stages),
            base=base, parent=parent, modules=stage.modules, deleted_modules=stage.delete_modules,
            definitions=tuple(f"{d.ref} ({d.kind})" for d in stage.definitions),
            sites=tuple(stage.sites_by_kind.items()), distinct_before=stage.distinct_before,
            distinct_after=verification.distinct_after, tests_run=report.run, tests_passed=report.passed,
            tests_failed=report.failed, tests_skipped=report.skipped,
            failing_before_and_after=comparison.still_failing, renamed_tests=comparison.renamed,
            flaky_tests=comparison.flaky,
            findings=tuple(stage.findings) + tuple(edits.findings) + tuple(blind),
            baseline_unparsable=tuple(sorted({*fresh.unparsable, *unreadable.values()})),
            baseline_broken_imports=len(fresh.baseline),
        )
        paths = [str(self.rel / p) if str(self.rel) != "." else p for p in touched]
        self.progress(f"stage {number}: committing {counted(len(paths), 'file')}")
        self.clock.enter("commit")
        sha = self.git.commit_in(tree, paths, evidence.message())
        if self._ahead is not None and not self.git.python_changes(tree):
            self._ahead.parent = sha   # (the tree the next stage was read on is this commit's)
        review = describe(stage, evidence, plan_path=str(self.plan.path), branch=branch,
                          parent_branch=parent_branch, still_failing=comparison.still_failing,
                          findings=evidence.findings)
        review_path = self._save_review(number, review)
        return StageOutcome(number, branch, "committed", commit=sha, evidence=evidence, diff_path=str(diff_path),
                            review_path=str(review_path), tests=report, comparison=comparison, stage=stage)

    def _failed_verification(self, number: int, branch: str, stage: Stage, verification: Verification,
                             diff_path: Path) -> StageOutcome:
        details = []
        for check in verification.failures():
            details.append(f"{check.name}: failed")
            details.extend(f"  {line}" for line in check.detail)
        return StageOutcome(number, branch, "failed", reason="the stage contract does not hold on the changed tree",
                            details=tuple(details), diff_path=str(diff_path), stage=stage)

    # -- tests -------------------------------------------------------------------------------------
    def _verify_beside_tests(self, verify: Callable[[], Verification],
                             test: Callable[[threading.Event, Callable[[], None]], T],
                             verified: Callable[[], object] | None = None,
                             started_ended: Callable[[float], bool] | None = None) -> tuple[Verification, T | None]:
        """`verify()` here while `test(stop, alone)` runs the stage's tests in another thread (they only read
        the tree; the verification reads with one process: the tests have the other cores); `verified()`
        once the verification holds, while the tests go on (`started_ended(timeout)` tells whether what it
        started has ended). `alone()` waits until nothing of this tool runs beside the tests any more (the
        verification, what `verified` started) or `stop` is set: a test that newly fails is run again only
        then, so that the tool's own load is never held against a stage (a test that times itself). When the
        stage fails its verification, or anything goes up here, `stop` is set: the tests end early, and their
        outcome (None) is not looked at. The tests' wall time counts as tests; the verification's counts only
        where it outlasts them (its own wall time is kept beside)."""
        stop = threading.Event()
        verifying_done = threading.Event()

        def alone() -> None:
            while not stop.is_set():
                if verifying_done.wait(0.1) and (started_ended is None or started_ended(0.1)):
                    return

        self.clock.enter(None)
        started = time.monotonic()
        test_seconds: list[float] = []

        def timed_test() -> T:
            try:
                return test(stop, alone)
            finally:
                test_seconds.append(time.monotonic() - started)

        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="refactor-tests") as pool:
                testing = pool.submit(timed_test)
                try:
                    try:
                        verification = verify()
                        self.clock.beside["verification"] = time.monotonic() - started
                        if not verification.ok:
                            stop.set()
                            return verification, None
                        if verified is not None:
                            verified()
                    finally:
                        verifying_done.set()
                    # (`stop` is set only when the verification fails: tests that hold are never stopped)
                    return verification, testing.result()
                except BaseException:
                    stop.set()   # (the pool's exit waits for the tests to end: they must not outlive the tree)
                    raise
        finally:
            whole = time.monotonic() - started
            tests = min(test_seconds[0] if test_seconds else whole, whole)
            self.clock.add("tests", tests)
            self.clock.add("verification", whole - tests)

    def _test(self, number: int, stage: Stage, root: Path, baseline: TestReport, earlier: tuple[Stage, ...] = (),
              stop: threading.Event | None = None, alone: Callable[[], None] | None = None
              ) -> tuple[TestReport | None, Comparison | None, StageOutcome | None]:
        """Affected tests first (quick feedback), then the full command, both against the base's outcomes
        (`baseline`).
        `earlier`: the stages before this one (their removed names may appear in parametrized ids). Once
        `stop` is set, the test command running is killed and `TestsStopped` raised. `alone()`: see
        `_settled`."""
        command = self.plan.test_command
        removed = frozenset().union(*(s.removed_names for s in (*earlier, stage)))
        first = affected_in_scope(command, root, list(stage.tests)) if is_pytest(command) else []
        flaky_first: tuple[str, ...] = ()   # (flaky in the run of the affected files: reported with the rest)
        if first and not self.options.strict:
            self.progress(f"stage {number}: running {counted(len(first), 'affected test file')} first")
            quick = run_tests(command, root, only=first, timeout=self.options.test_timeout,
                              source_roots=self.plan.source_roots,
                              repo_root=self.plan.root, stop=stop)
            early = self._settled(compare(baseline, quick, removed), root, stop, alone)
            if early.new_failures:
                return quick, early, StageOutcome(number, self.plan.branch(number), "failed",
                                                  reason="tests that passed on the base fail now",
                                                  details=early.new_failures, tests=quick, comparison=early)
            flaky_first = early.flaky
        self.progress(f"stage {number}: running the full test command")
        report = run_tests(command, root, timeout=self.options.test_timeout, repo_root=self.plan.root,
                           source_roots=self.plan.source_roots, stop=stop)
        comparison = self._settled(compare(baseline, report, removed), root, stop, alone)
        if flaky_first:
            comparison = dataclasses.replace(comparison, flaky=tuple(sorted({*comparison.flaky, *flaky_first})))
        if self.options.strict and report.failed:
            return report, comparison, StageOutcome(number, self.plan.branch(number), "failed",
                                                    reason="--strict: the test run is not all green",
                                                    details=tuple(report.failing), tests=report, comparison=comparison)
        if not comparison.ok:
            details = tuple(f"fails now: {t}" for t in comparison.new_failures) + tuple(
                f"passed on the base, not run now: {t}" for t in comparison.disappeared)
            return report, comparison, StageOutcome(number, self.plan.branch(number), "failed",
                                                    reason="tests that passed on the base fail or disappeared",
                                                    details=details, tests=report, comparison=comparison)
        return report, comparison, None

    def _settled(self, comparison: Comparison, root: Path, stop: threading.Event | None = None,
                 alone: Callable[[], None] | None = None) -> Comparison:
        """New failures run again (see `settle_failures`): those that pass are flaky, reported apart. They run
        again once `alone()` returns: when nothing of this tool runs beside them any more."""
        if not comparison.new_failures or not is_pytest(self.plan.test_command):
            return comparison
        if alone is not None:
            self.progress("waiting for the work beside the tests to end, to run the new failures again alone")
            alone()
        self.progress(f"running {counted(len(comparison.new_failures), 'newly failing test')} again to tell a flaky one")
        return settle_failures(self.plan.test_command, root, comparison, timeout=self.options.test_timeout,
                               repo_root=self.plan.root, source_roots=self.plan.source_roots, stop=stop)

    def baseline(self, base: str, meanwhile: Callable[[Path], object] | None = None) -> TestReport:
        """The base commit's test outcomes, run once and reused across stages and runs. `meanwhile(root)` runs
        while they run, with the base's tree at `root` (it must only read it)."""
        command = self.plan.test_command
        stored = self.baselines.get(base, command)
        if stored is not None:
            return stored
        self.progress(f"recording the base's test outcomes at {base[:10]} (once per base commit)")
        self.clock.enter("base tests")
        with self._tree(base, f"{self.plan.name}-baseline") as tree:
            root = tree / self.rel
            report = _while(lambda stop: run_tests(command, root, timeout=self.options.test_timeout,
                                                   repo_root=self.plan.root, source_roots=self.plan.source_roots,
                                                   stop=stop),
                            lambda: meanwhile(root) if meanwhile is not None else None)
        self.clock.enter("tests")
        if report.passed == 0:   # nothing passes before any change: no stage could be judged by it
            last = next((line for line in reversed(report.output_tail.splitlines()) if line.strip()), "no output")
            raise RepositoryError(
                f"the test command passes no test on the base commit {base[:10]} (exit {report.exit_code}), so it "
                f"cannot judge a stage; fix plan.test_command or the environment it runs in: {last.strip()}")
        self.baselines.put(base, command, report)
        return report

    # -- files the user can open ---------------------------------------------------------------------
    def _save_diff(self, number: int, diff: bytes) -> Path:
        folder = self.state / "diffs" / self.plan.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"stage-{number:02d}.diff"
        path.write_bytes(diff)
        return path

    def _save_details(self, number: int, details: tuple[str, ...]) -> Path:
        folder = self.state / "failures" / self.plan.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"stage-{number:02d}.txt"
        path.write_text("".join(line + "\n" for line in details), encoding="utf-8")
        return path

    def reviews_folder(self) -> Path:
        return self.options.reviews or (self.state / "reviews" / self.plan.name)

    def _save_review(self, number: int, text: str) -> Path:
        folder = self.reviews_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"stage-{number:02d}.md"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        return path


def _while(task: Callable[[threading.Event], T], meanwhile: Callable[[], object]) -> T:
    """`task(stop)`, run in another thread while this one runs `meanwhile()`, which only reads ahead: a
    problem it meets is left for the work that follows to meet and report. Whatever happens here, `task` is
    waited for (it must not outlive the tree it runs in); when anything else goes up here (an interrupt),
    `stop` is set first."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="refactor-task") as pool:
        running = pool.submit(task, stop)
        try:
            try:
                meanwhile()
            except RefactorError:
                pass
            return running.result()
        except BaseException:
            stop.set()
            raise
