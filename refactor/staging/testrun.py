"""Run a project's test command and read what happened, test by test (pytest's JUnit XML).

The command is an argument list, never a shell string. For pytest commands we add
`--junitxml` and read every test's outcome; any other command is judged by its exit code alone,
as one pseudo-test named after the command.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from refactor.errors import RefactorError
from refactor.reading.files import import_roots

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
_POLL = 0.1   # seconds between looks at a `stop` event while a test command runs


class TestsStopped(Exception):
    """A test run was stopped (its `stop` event set) before it ended: its outcome says nothing."""

    __test__ = False


@dataclass(frozen=True)
class TestReport:
    __test__ = False   # not a test class, whatever pytest thinks of the name
    command: tuple[str, ...]
    exit_code: int
    outcomes: tuple[tuple[str, str], ...]   # (test id, outcome), sorted
    duration: float
    output_tail: str
    from_junit: bool

    def outcome_map(self) -> dict[str, str]:
        return dict(self.outcomes)

    def count(self, *kinds: str) -> int:
        return sum(1 for _, outcome in self.outcomes if outcome in kinds)

    @property
    def run(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        return self.count(PASSED)

    @property
    def failed(self) -> int:
        return self.count(FAILED, ERROR)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def failing(self) -> list[str]:
        return [test for test, outcome in self.outcomes if outcome in (FAILED, ERROR)]

    def summary(self) -> str:
        if not self.from_junit:   # a command other than pytest: its exit code is all there is to count
            verdict = "passed" if self.exit_code == 0 else "failed"
            return f"command {verdict} (exit {self.exit_code}; not pytest, so its tests are not counted)"
        return f"{self.run} run, {self.passed} passed, {self.failed} failed, {self.skipped} skipped"

    def to_json(self) -> dict:
        return {"command": list(self.command), "exit_code": self.exit_code, "outcomes": dict(self.outcomes),
                "duration": round(self.duration, 3), "from_junit": self.from_junit}

    @classmethod
    def from_json(cls, data: dict) -> TestReport:
        return cls(tuple(data["command"]), data["exit_code"], tuple(sorted(data["outcomes"].items())),
                   data["duration"], "", data["from_junit"])


@dataclass(frozen=True)
class Comparison:
    """A stage's test outcomes against the base's: only *new* failures block."""

    new_failures: tuple[str, ...]     # passed on the base, failed or errored now
    disappeared: tuple[str, ...]      # passed on the base, not run now
    still_failing: tuple[str, ...]    # failed on the base and now: reported, not held against the stage
    fixed: tuple[str, ...]            # failed on the base, pass now
    renamed: tuple[str, ...] = ()     # parametrized ids made of a removed name; the same test still passes
    flaky: tuple[str, ...] = ()       # failed in the run, then passed when run again on the same tree

    @property
    def ok(self) -> bool:
        return not self.new_failures and not self.disappeared


def compare(base: TestReport, stage: TestReport, removed_names: frozenset[str] = frozenset()) -> Comparison:
    """`removed_names`: names the stage removed. pytest builds parametrized ids from class names, so a
    variant like `test_x[OldName]` cannot keep its id; it counts as renamed (not lost) when its test
    function still passes under another id. So do variants whose ids are made of a value that differs
    from run to run (a time of day): as many new ids of that function pass as old ones went."""
    before, after = base.outcome_map(), stage.outcome_map()
    bad = (FAILED, ERROR)
    passing_functions = {t.partition("[")[0] for t, o in after.items() if o == PASSED}
    passing = {t for t, o in after.items() if o == PASSED}
    # per parametrized function, the passing variants whose ids the base did not have: ids built from a
    # value that changes between runs (a time, a random seed) are new each run, as many as went
    fresh: dict[str, int] = {}
    for test in passing:
        function, bracket, _ = test.partition("[")
        if bracket and test not in before:
            fresh[function] = fresh.get(function, 0) + 1
    gone, renamed = [], []
    unmatched = [t for t, o in before.items() if o == PASSED and t not in after]
    went: dict[str, int] = {}
    for test in unmatched:
        function, bracket, _ = test.partition("[")
        if bracket:
            went[function] = went.get(function, 0) + 1
    for test in unmatched:
        function, bracket, params = test.partition("[")
        made_of_removed = any(n in params for n in removed_names)
        # pytest numbers ids that became equal: `[Name]` turns into `[Name0]`, `[Name1]`
        numbered = any(t.startswith(f"{function}[{params[:-1]}") and t[len(function) + len(params):-1].isdigit()
                       for t in passing) if bracket else False
        unstable = bool(bracket) and fresh.get(function, 0) >= went.get(function, 0)
        if bracket and function in passing_functions and (made_of_removed or numbered or unstable):
            renamed.append(test)
        else:
            gone.append(test)
    return Comparison(
        new_failures=tuple(sorted(t for t, o in after.items() if o in bad and before.get(t) not in bad)),
        disappeared=tuple(sorted(gone)),
        still_failing=tuple(sorted(t for t, o in after.items() if o in bad and before.get(t) in bad)),
        fixed=tuple(sorted(t for t, o in after.items() if o == PASSED and before.get(t) in bad)),
        renamed=tuple(sorted(renamed)),
    )


def node_id(test: str, root: Path) -> str | None:
    """The pytest node id (`tests/test_x.py::Class::name`) of a test as the JUnit report names it
    (`tests.test_x.Class::name`), found by the file its dotted class name starts with; None if none."""
    classname, _, name = test.partition("::")
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if (root / path).is_file():
            return "::".join([path, *parts[cut:], name])
    return None


def settle_failures(command: tuple[str, ...], root: Path, comparison: Comparison, *, tries: int = 2,
                    timeout: float | None = None, repo_root: Path | None = None,
                    source_roots: tuple[str, ...] = (), stop: threading.Event | None = None) -> Comparison:
    """Run the tests that newly failed again, alone, up to `tries` times: one that passes is flaky (its
    outcome changes without any change of code), not a failure the stage made. pytest commands only."""
    failing = list(comparison.new_failures)
    flaky: list[str] = []
    for _ in range(tries):
        ids = {test: node_id(test, root) for test in failing}
        wanted = [i for i in ids.values() if i is not None]
        if not wanted:
            break
        again = run_tests(command, root, only=wanted, timeout=timeout, repo_root=repo_root,
                          source_roots=source_roots, stop=stop).outcome_map()
        passed = [t for t in failing if again.get(t) == PASSED]
        flaky += passed
        failing = [t for t in failing if t not in passed]
        if not failing:
            break
    return dataclasses.replace(comparison, new_failures=tuple(failing), flaky=tuple(sorted(flaky)))


def is_pytest(command: tuple[str, ...]) -> bool:
    return any(Path(part).name in ("pytest", "py.test") for part in command) or (
        "-m" in command and command.index("-m") + 1 < len(command) and command[command.index("-m") + 1] == "pytest")


def _pytest_arguments_start(command: tuple[str, ...]) -> int:
    """Where pytest's own arguments begin in a pytest command (after `pytest` or `-m pytest`)."""
    for index, part in enumerate(command):
        if Path(part).name in ("pytest", "py.test"):
            return index + 1
    return len(command)


def _test_path(part: str, cwd: Path) -> str | None:
    """The path (relative to `cwd`) a pytest argument names, `file::test` naming its file; None for an
    option or anything that is not a file or folder under `cwd`."""
    path = part.split("::")[0]
    if part.startswith("-") or not path or not (cwd / path).exists():
        return None
    return os.path.relpath((cwd / path).resolve(), cwd.resolve()).replace(os.sep, "/")


def affected_in_scope(command: tuple[str, ...], cwd: Path, tests: list[str]) -> list[str]:
    """The affected `tests` the command would run anyway: all of them when it names no paths, else those
    in the files or folders it names (a `file::test` selection is not widened to its whole file). Empty
    when running them first would gain nothing: they are everything the command names."""
    arguments = command[_pytest_arguments_start(command):]
    named = [(path, "::" in part) for part in arguments if (path := _test_path(part, cwd)) is not None]
    if not named:
        return list(tests)
    whole = {path for path, selection in named if not selection}
    inside = [t for t in tests if any(p == "." or t == p or t.startswith(p + "/") for p in whole)]
    return [] if set(inside) >= {p for p, _ in named} else inside


def resolve_command(command: tuple[str, ...], repo_root: Path) -> tuple[str, ...]:
    """`python` means the repository's own virtual environment when it has one, else this interpreter."""
    if command and command[0] in ("python", "python3"):
        for candidate in (repo_root / ".venv/bin/python", repo_root / "venv/bin/python"):
            if candidate.exists():
                return (str(candidate), *command[1:])
        return (sys.executable, *command[1:])
    return command


def check_command(command: tuple[str, ...], repo_root: Path) -> None:
    """Raise (exit 2) when the test command's program cannot be found: before any work is done."""
    resolved = resolve_command(tuple(command), repo_root)
    if not resolved or (shutil.which(resolved[0]) is None and not Path(resolved[0]).is_file()):
        raise RefactorError(f"test command not found: {resolved[0] if resolved else '(empty)'} "
                            f"(plan.test_command = {list(command)})")


def run_tests(command: tuple[str, ...], cwd: Path, *, only: list[str] | None = None,
              timeout: float | None = None, repo_root: Path | None = None,
              source_roots: tuple[str, ...] = (), stop: threading.Event | None = None) -> TestReport:
    """Run `command` in `cwd`; with `only`, just those test paths (pytest commands only). Once `stop` is
    set, the command is killed and `TestsStopped` raised.

    `cwd`'s source roots go first on PYTHONPATH: a project installed in editable mode in its own virtual
    environment would otherwise import the user's checkout, not the tree under test."""
    check_command(tuple(command), repo_root or cwd)
    command = resolve_command(tuple(command), repo_root or cwd)
    pytest = is_pytest(command)
    with tempfile.TemporaryDirectory(prefix="refactor-tests-") as folder:
        junit = Path(folder) / "junit.xml"
        full = list(command)
        if pytest and only:   # those paths instead of the ones the command names
            start = _pytest_arguments_start(command)
            full = full[:start] + [part for part in full[start:] if _test_path(part, cwd) is None]
        if pytest:
            full += [f"--junitxml={junit}", "-p", "no:cacheprovider", "-o", "junit_family=xunit2"]
            full += list(only or ())
        roots = [str((cwd / r).resolve()) for r in import_roots(cwd, source_roots)]
        python_path = os.pathsep.join([*roots, *filter(None, [os.environ.get("PYTHONPATH")])])
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": python_path}
        start = time.monotonic()
        try:
            process = subprocess.Popen(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       env=env, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise RefactorError(f"test command not found: {command[0]}") from None
        stdout, stderr = _waited(process, command, timeout, stop)
        duration = time.monotonic() - start
        tail = "\n".join((stdout + stderr).strip().splitlines()[-40:])
        if pytest and junit.exists():
            outcomes = _read_junit(junit)
            return TestReport(tuple(full[: len(command)]), process.returncode, tuple(sorted(outcomes.items())),
                              duration, tail, True)
    outcome = PASSED if process.returncode == 0 else FAILED
    return TestReport(tuple(command), process.returncode, ((" ".join(command), outcome),), duration, tail, False)


def _waited(process: subprocess.Popen, command: tuple[str, ...], timeout: float | None,
            stop: threading.Event | None) -> tuple[str, str]:
    """The output of `process` once it ends; killed (and waited for) on a timeout, on `stop`, or when this
    thread is interrupted."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with process:
        try:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                wait = left if stop is None else _POLL if left is None else min(left, _POLL)
                try:
                    return process.communicate(timeout=None if wait is None else max(wait, 0))
                except subprocess.TimeoutExpired:
                    if stop is not None and stop.is_set():
                        raise TestsStopped(" ".join(command)) from None
                    if deadline is not None and time.monotonic() >= deadline:
                        raise RefactorError(f"test command timed out after {timeout}s: {' '.join(command)}") from None
        except BaseException:
            process.kill()
            process.communicate()
            raise


def _read_junit(path: Path) -> dict[str, str]:
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        raise RefactorError(f"{path}: unreadable JUnit XML from the test run ({exc})") from None
    outcomes = {}
    for case in root.iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        kinds = {child.tag for child in case}
        if "error" in kinds:
            outcomes[test] = ERROR
        elif "failure" in kinds:
            outcomes[test] = FAILED
        elif "skipped" in kinds:
            outcomes[test] = SKIPPED
        else:
            outcomes[test] = PASSED
    return outcomes


class BaselineStore:
    """The base commit's test outcomes, recorded once per (commit, command) and reused."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, commit: str, command: tuple[str, ...]) -> Path:
        import hashlib
        digest = hashlib.sha256(json.dumps(list(command)).encode()).hexdigest()[:16]
        return self.folder / f"{commit}-{digest}.json"

    def get(self, commit: str, command: tuple[str, ...]) -> TestReport | None:
        path = self._path(commit, command)
        try:
            return TestReport.from_json(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, commit: str, command: tuple[str, ...], report: TestReport) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(commit, command)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(report.to_json()))
        os.replace(tmp, path)
