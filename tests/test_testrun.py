"""`refactor.staging.testrun`: real pytest runs, outcomes read from JUnit XML, compared against the base."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from refactor.errors import RefactorError
from refactor.staging.testrun import TestReport, TestsStopped, affected_in_scope, compare, run_tests

PYTEST = (sys.executable, "-m", "pytest", "-q")


def tree(root, value: int):
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text(f"VALUE = {value}\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_value.py").write_text("import pkg\n\ndef test_value():\n    assert pkg.VALUE == 2\n")
    return root


def test_the_tree_under_test_wins_over_an_installed_copy(tmp_path, monkeypatch):
    original = tree(tmp_path / "checkout", 1)     # what an editable install in the project's venv points at
    changed = tree(tmp_path / "worktree", 2)      # the stage's tree
    monkeypatch.setenv("PYTHONPATH", str(original / "src"))
    report = run_tests(PYTEST, changed)
    assert report.from_junit and report.outcome_map() == {"tests.test_value::test_value": "passed"}


def test_outcomes_come_from_junit_and_only_new_failures_count(tmp_path):
    root = tmp_path / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_a.py").write_text(
        "import pytest\n\ndef test_ok():\n    pass\n\ndef test_bad():\n    assert False\n\n"
        "@pytest.mark.skip\ndef test_skipped():\n    pass\n")
    report = run_tests(PYTEST, root)
    assert (report.run, report.passed, report.failed, report.skipped) == (3, 1, 1, 1)
    base = TestReport(PYTEST, 1, (("tests.test_a::test_bad", "failed"), ("tests.test_a::test_ok", "passed")), 0, "",
                      True)
    comparison = compare(base, report)
    assert comparison.ok and comparison.still_failing == ("tests.test_a::test_bad",)


def test_a_missing_test_program_is_one_clear_error(tmp_path):
    with pytest.raises(RefactorError, match="test command not found: no-such-runner"):
        run_tests(("no-such-runner", "-q"), tmp_path)


def test_a_non_pytest_command_is_judged_by_its_exit_code(tmp_path):
    report = run_tests((sys.executable, "-c", "raise SystemExit(3)"), tmp_path)
    assert not report.from_junit and report.failed == 1 and report.exit_code == 3
    assert report.summary() == "command failed (exit 3; not pytest, so its tests are not counted)"
    passing = run_tests((sys.executable, "-c", "pass"), tmp_path)
    assert passing.summary() == "command passed (exit 0; not pytest, so its tests are not counted)"


def scoped_tree(root):
    for name in ("tests/unit/test_a.py", "tests/unit/test_b.py", "tests/slow/test_c.py", "other/test_d.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("def test_it():\n    pass\n\ndef test_other():\n    pass\n")
    return root


AFFECTED = ["tests/unit/test_a.py", "tests/slow/test_c.py", "other/test_d.py"]


@pytest.mark.parametrize("arguments, first", [
    pytest.param((), AFFECTED, id="no-paths-named: every affected file"),
    pytest.param(("tests/unit",), ["tests/unit/test_a.py"], id="a-folder: those inside it"),
    pytest.param(("-k", "it", "tests/unit/", "other"), ["tests/unit/test_a.py", "other/test_d.py"],
                 id="options-and-two-folders"),
    pytest.param(("tests/unit/test_a.py",), [], id="only-affected-files-named: nothing to gain"),
    pytest.param(("tests/unit/test_a.py::test_it", "tests/unit"), ["tests/unit/test_a.py"],
                 id="a-selection-is-not-widened"),
    pytest.param(("tests/unit/test_a.py::test_it",), [], id="only-a-selection: nothing to gain"),
    pytest.param(("tests/unit/test_b.py",), [], id="no-affected-file-in-scope"),
])
def test_affected_tests_run_first_stay_within_what_the_command_runs(tmp_path, arguments, first):
    """The quick first run never runs tests the user's command would not (a command naming three test
    files must not grow into the whole suite's affected files)."""
    assert affected_in_scope((*PYTEST, *arguments), scoped_tree(tmp_path), AFFECTED) == first


def test_a_first_run_replaces_the_paths_the_command_names(tmp_path):
    root = scoped_tree(tmp_path)
    report = run_tests((*PYTEST, "tests/unit", "tests/slow"), root, only=["tests/unit/test_a.py"])
    assert sorted(t for t, _ in report.outcomes) == ["tests.unit.test_a::test_it", "tests.unit.test_a::test_other"]


def test_a_junit_test_name_maps_back_to_its_pytest_node_id(tmp_path):
    from refactor.staging.testrun import node_id
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_x.py").write_text("")
    assert node_id("tests.unit.test_x.TestThing::test_it[a-1]", tmp_path) == "tests/unit/test_x.py::TestThing::test_it[a-1]"
    assert node_id("tests.unit.test_x::test_plain", tmp_path) == "tests/unit/test_x.py::test_plain"
    assert node_id("elsewhere.test_y::test_z", tmp_path) is None


def _report(outcomes: dict[str, str]):
    from refactor.staging.testrun import TestReport
    return TestReport(("pytest",), 0, tuple(sorted(outcomes.items())), 0.0, "", True)


def test_parametrized_ids_made_of_a_value_that_changes_each_run_are_not_lost():
    """marshmallow's `test_invalid_datetime_deserialization[12-03-2026 21:58:17]`: the id holds the time."""
    base = _report({"t::test_dt[21:58:17]": "passed", "t::test_dt[21:58:17 x]": "passed", "t::test_ok": "passed"})
    later = _report({"t::test_dt[21:59:02]": "passed", "t::test_dt[21:59:02 x]": "passed", "t::test_ok": "passed"})
    comparison = compare(base, later)
    assert comparison.ok and comparison.renamed == ("t::test_dt[21:58:17 x]", "t::test_dt[21:58:17]")


def test_a_variant_that_really_went_is_still_lost():
    base = _report({"t::test_dt[a]": "passed", "t::test_dt[b]": "passed"})
    later = _report({"t::test_dt[a]": "passed"})
    assert compare(base, later).disappeared == ("t::test_dt[b]",)
    fewer = _report({"t::test_dt[c]": "passed"})   # two went, one new: not a renaming
    assert compare(base, fewer).disappeared == ("t::test_dt[a]", "t::test_dt[b]")


def _sleeper(tmp_path, seconds: float) -> tuple[str, ...]:
    """A command that runs `seconds`, then writes a mark (so a killed one is told from one that ended)."""
    (tmp_path / "sleep.py").write_text(
        f"import pathlib, time\ntime.sleep({seconds})\npathlib.Path('ended').write_text('yes')\n")
    return (sys.executable, "sleep.py")


def test_a_stopped_test_run_kills_its_command_and_says_so(tmp_path):
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(TestsStopped):
        run_tests(_sleeper(tmp_path, 2), tmp_path, stop=stop)
    time.sleep(2.2)   # (long enough for a command left running to write its mark)
    assert not (tmp_path / "ended").exists()
    assert time.monotonic() - started < 4.4


def test_a_test_run_that_is_never_stopped_ends_as_its_command_does(tmp_path):
    report = run_tests(_sleeper(tmp_path, 0.4), tmp_path, stop=threading.Event())
    assert (report.exit_code, report.passed) == (0, 1)
    assert (tmp_path / "ended").read_text() == "yes"


@pytest.mark.parametrize("stop", [None, threading.Event()])
def test_a_test_run_over_its_time_is_killed_with_one_clear_error(tmp_path, stop):
    with pytest.raises(RefactorError, match=r"test command timed out after 0\.5s"):
        run_tests(_sleeper(tmp_path, 2), tmp_path, timeout=0.5, stop=stop)
    time.sleep(2.0)
    assert not (tmp_path / "ended").exists()
