"""benchmarks/run_benchmarks.py --real-trees and benchmarks/real_trees.py, without the network: a plan rooted at
its tree, the merged table, the file edited once, a tree made a git repository, and one tiny tree measured."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import tomlkit

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("run_benchmarks"), importlib.import_module("real_trees")
    finally:
        sys.path.remove(str(BENCHMARKS))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


TINY = {
    "pkg/__init__.py": "",
    "pkg/widgets.py": "class Widget:\n    def size(self):\n        return 1\n",
    "pkg/legacy.py": "from pkg.widgets import Widget\n\nOldWidget = Widget\n",
    "app.py": "from pkg.legacy import OldWidget\n\nprint(OldWidget().size())\n",
    "tools.py": "import os\n\nHOME = os.sep\n",   # (read only for its imports and names)
}
TINY_PLAN = """# a tiny family
[plan]
name = "tiny"
root = "."
packages = ["pkg"]
canonical = "pkg.widgets:Widget"
family = ["*Widget"]
"""


def test_a_plan_is_rooted_at_the_tree_in_a_copy(bench, tmp_path):
    run_benchmarks, _ = bench
    tree, scratch = write(tmp_path / "tree", TINY), tmp_path / "scratch"
    scratch.mkdir()
    plan = write(tmp_path, {"tiny.toml": TINY_PLAN}) / "tiny.toml"
    target = run_benchmarks.subject(tree, plan, scratch)
    assert target.plan == scratch / "tiny.toml"
    assert tomlkit.parse(target.plan.read_text())["plan"]["root"] == str(tree)
    assert tomlkit.parse(plan.read_text())["plan"]["root"] == "."   # the plan itself is left alone
    assert (target.packages, target.family, target.top_packages) == (("pkg",), "*Widget", ("pkg",))


def test_the_edited_file_is_a_module_of_the_plans_packages_or_the_single_module(bench, tmp_path):
    run_benchmarks, _ = bench
    tree = write(tmp_path, {**TINY, "socketserver.py": "class TCPServer:\n    pass\n"})

    def target(*packages):
        return run_benchmarks.Subject(tree, tree / "plan.toml", packages, "*")

    assert run_benchmarks.edited_file(target("pkg")) == tree / "pkg" / "legacy.py"
    assert run_benchmarks.edited_file(target("socketserver", "pkg")) == tree / "socketserver.py"
    with pytest.raises(SystemExit):
        run_benchmarks.edited_file(target("missing"))


def test_the_merged_table_has_a_row_per_tree_and_measurement_with_the_ratio_to_that_trees_ruff(bench):
    run_benchmarks, _ = bench
    Measure = run_benchmarks.Measure
    groups = [("cpython", [Measure("ruff analyze graph", 2.0, 3.0, 80), Measure("refactor plan (cold)", 5.0, 5.0, 90)]),
              ("django", [Measure("ruff analyze graph", 0.5, 0.6, 30),
                          Measure("grimp build_graph (cold)", 0.25, 0.2, 33, "grimp left out x: a single module"),
                          Measure("refactor plan (cold)", 1.0, 1.0, 50, timed_out=True)])]
    lines = run_benchmarks.merged_table(groups).splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert [row[:2] for row in rows] == [["cpython", "ruff analyze graph"], ["cpython", "refactor plan (cold)"],
                                         ["django", "ruff analyze graph"], ["django", "grimp build_graph (cold)"],
                                         ["django", "refactor plan (cold)"]]
    assert [row[5] for row in rows] == ["", "2.50x", "", "0.50x", "2.00x"]
    assert rows[3][6] == "grimp left out x: a single module"
    assert rows[4][2] == ">1.0"


def test_a_tree_becomes_a_repository_of_one_commit_with_a_fixed_date(bench, tmp_path):
    _, real_trees = bench
    tree = write(tmp_path, {**TINY, "pkg/__pycache__/widgets.cpython-311.pyc": "x"})
    assert real_trees.commit_tree(tree) == tree
    log = subprocess.run(["git", "-C", str(tree), "log", "--format=%an %ad", "--date=iso-strict"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "real-trees 2000-01-01T00:00:00+00:00" and log[1:] == [""]
    files = subprocess.run(["git", "-C", str(tree), "ls-files"], capture_output=True, text=True, check=True).stdout
    assert sorted(files.split()) == sorted(TINY)
    assert real_trees.commit_tree(tree) == tree   # a second call leaves it as it is


def test_every_real_tree_has_a_plan_rooted_at_the_tree_and_unknown_names_are_refused(bench):
    _, real_trees = bench
    for tree in real_trees.TREES:
        text = tree.plan.read_text(encoding="utf-8")
        table = tomlkit.parse(text)["plan"]
        assert text.startswith("#") and table["root"] == "." and table["packages"] and table["family"]
        assert ":" in table["canonical"]
    assert [t.name for t in real_trees.by_name(["django", "cpython"])] == ["django", "cpython"]
    assert real_trees.by_name(None) == list(real_trees.TREES)
    with pytest.raises(SystemExit):
        real_trees.by_name(["nope"])


def test_a_failed_download_is_one_line(bench, tmp_path):
    _, real_trees = bench
    with pytest.raises(real_trees.FetchError, match=r"^listing failed \(exit 2\): .*nothing-here"):
        real_trees.run(["ls", str(tmp_path / "nothing-here")], "listing")
    with pytest.raises(real_trees.FetchError, match="no-such-program"):
        real_trees.run(["no-such-program-here"], "a program")


@pytest.mark.slow
def test_a_tiny_tree_is_measured_with_its_plan_by_every_tool(bench, tmp_path):
    run_benchmarks, real_trees = bench
    tree = write(tmp_path / "tree", TINY)
    real_trees.commit_tree(tree)
    plan = write(tmp_path, {"tiny.toml": TINY_PLAN}) / "tiny.toml"
    fake = real_trees.Tree("tiny", plan, "a tiny tree", lambda cache: tree)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    description, rows = run_benchmarks.run_real_tree(fake, tmp_path / "cache", scratch)
    assert description.startswith("tiny: a tiny tree, 5 Python files")
    assert [m.name for m in rows] == ["ruff analyze graph", "grimp build_graph (cold)",
                                      "grimp build_graph (from its cache)", "refactor audit (cold)",
                                      "refactor init (cold)", "refactor init (cold, every package)",
                                      "refactor plan (cold)", "refactor plan (warm)",
                                      "refactor plan (warm, one file edited)",
                                      "refactor plan (warm, one scanned file edited)"]
    assert rows[-1].note == "tools.py"
    assert not [m for m in rows if m.name.startswith("refactor") and "exit" in m.note]
    assert (tree / "pkg" / "legacy.py").read_text() == TINY["pkg/legacy.py"]   # the edits are put back
    assert (tree / "tools.py").read_text() == TINY["tools.py"]
    table = run_benchmarks.merged_table([("tiny", rows)])
    assert table.count("| tiny ") == len(rows)
