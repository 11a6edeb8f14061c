"""`refactor.reading.run_memo`: `plan` takes the last run's schedule only while every file still answers what
that run asked of it; whatever the edit, it shows what a run without any cache shows."""

from __future__ import annotations

import os
import time

import pytest

from refactor.planfile import Ref, load_plan
from refactor.planning.workspace import KeptSchedule, Workspace
from refactor.reading.files import discover
from refactor.reading.reader import Reader
from refactor.reading.records import NotPlain, from_plain, to_plain
from refactor.staging.runner import StageRunner
from tests.helpers import git, write_plan, write_tree

TREE = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Manager:\n    def run(self):\n        return 1\n",
    "pkg/old.py": "from pkg.core import Manager\n\nLegacyManager = Manager\n",
    "app/__init__.py": "",
    "app/uses.py": "from pkg.old import LegacyManager\n\n\ndef make():\n    return LegacyManager()\n",
    "app/through.py": "from app import uses\n\nvalue = uses.make\n",
    "app/other.py": "import json\n\n\ndef dump(x):\n    return json.dumps(x)\n",
    "app/words.py": "# a Manager in a comment only\nname = 'plain'\n",
    "tests/__init__.py": "",
    "tests/test_uses.py": "from app.uses import make\n\n\ndef test_make():\n    assert make()\n",
    "tests/test_other.py": "from app.other import dump\n\n\ndef test_dump():\n    assert dump(1)\n",
}

EDITS = {   # name -> what it does to a file's text
    "a comment at the end": lambda text: text + "\n# edited\n",
    "a line at the start": lambda text: "\n" + text,
    "a body changed": lambda text: text + "\n\ndef helper():\n    return 2\n",
    "an import of the family's module": lambda text: text + "\nimport pkg.old\n",
    "an import of a module that uses it": lambda text: text + "\nfrom app import through\n",
    "a new alias": lambda text: text + "\nfrom pkg.core import Manager\n\nAnotherManager = Manager\n",
    "a family name": lambda text: text + "\nLegacyManager = None\n",
}


def setup(tmp_path):
    root = write_tree(tmp_path / "repo", TREE)
    plan = write_plan(tmp_path / "plan.toml", name="demo", root=str(root), packages=["pkg", "app"],
                      canonical="pkg.core:Manager", family=["*Manager"])
    return root, plan


def edit(root, path: str, text: str) -> None:
    """Write `text` dated a minute ago (the reader trusts no stat of the last two seconds: either way the
    change is seen, and the test does not depend on the clock)."""
    target = root / path
    target.write_text(text)
    past = time.time() - 60
    os.utime(target, (past, past))


def warm(plan):
    """(the schedule `plan` shows, whether it was the one kept)"""
    workspace = Workspace.open(plan)
    return workspace.kept_schedule().schedule, workspace._inventory is None


def cold(plan):
    return Workspace.open(plan, cache=False).schedule


def test_a_second_run_takes_the_kept_schedule_and_reads_no_file(tmp_path):
    _, plan = setup(tmp_path)
    first, kept = warm(plan)
    assert not kept
    second, kept = warm(plan)
    assert kept and second == first == cold(plan)
    assert [s.modules for s in second.stages] == [("pkg.old",)]


def test_whatever_the_edit_a_warm_plan_shows_what_a_cold_one_does(tmp_path):
    root, plan = setup(tmp_path)
    outcomes = {}
    for path, text in TREE.items():
        for name, change in EDITS.items():
            warm(plan)   # (kept for the tree as it is)
            edit(root, path, change(text))
            schedule, kept = warm(plan)
            assert schedule == cold(plan), (path, name)
            outcomes[path, name] = kept
            edit(root, path, text)
    # taken where nothing the plan read changed: an edit to a file it only scanned for imports and names
    assert outcomes["app/other.py", "a comment at the end"] and outcomes["app/other.py", "a body changed"]
    assert outcomes["app/words.py", "a line at the start"]
    # worked out again where what it read changed: the family's files, new imports, new names
    assert not outcomes["pkg/old.py", "a comment at the end"]
    assert not outcomes["app/other.py", "an import of the family's module"]
    assert not outcomes["app/other.py", "an import of a module that uses it"]   # (a test now reaches the family)
    assert not outcomes["app/other.py", "a new alias"] and not outcomes["app/words.py", "a family name"]


def test_a_new_file_or_another_plan_is_not_answered_from_the_kept_run(tmp_path):
    root, plan = setup(tmp_path)
    warm(plan)
    edit(root, "app/new.py", "x = 1\n")
    assert not warm(plan)[1]
    assert warm(plan)[1]
    write_plan(plan, name="renamed", root=str(root), packages=["pkg", "app"], canonical="pkg.core:Manager",
               family=["*Manager"])
    schedule, kept = warm(plan)
    assert not kept and schedule == cold(plan) and schedule.name == "renamed"


def test_a_reader_notes_what_its_answers_depend_on_and_not_its_own_reading(tmp_path):
    root = write_tree(tmp_path / "repo", TREE)
    reader = Reader(root, discover(root), cache=False)
    found = reader.search(["LegacyManager"], ["app/uses.py", "app/other.py"])
    assert found == ["app/uses.py"]
    (_, paths, hits), = reader.reads.searches
    assert paths == {"app/uses.py", "app/other.py"} and hits == {"app/uses.py"}
    assert not reader.reads.content   # (searching read both files: no answer gave their bytes)
    reader.facts(["app/other.py"], full=False)
    assert reader.reads.light == {"app/other.py"} and not reader.reads.content
    reader.facts(["app/uses.py"], full=True)
    reader.data("pkg/core.py")
    reader.whole_outcomes(["pkg/old.py"])
    assert reader.reads.content == {"app/uses.py", "pkg/core.py", "pkg/old.py"}


def test_a_schedule_is_kept_as_plain_values_and_read_back_equal(tmp_path):
    import marshal

    _, plan = setup(tmp_path)
    schedule = cold(plan)
    kept = KeptSchedule(schedule, ("a warning",), (("Manager",), ()))
    assert from_plain(marshal.loads(marshal.dumps(to_plain(kept)))) == kept


def test_a_plain_value_builds_only_a_dataclass_of_this_tool():
    for forged in (["os", "system", "true"], ["refactor.cli", "main"], ["refactor.planfile", "Ref", "a"],
                   ["builtins", "dict"], [1, 2]):
        with pytest.raises(NotPlain):
            from_plain(forged)
    assert from_plain(["refactor.planfile", "Ref", "a.b", "C"]) == Ref("a.b", "C")
    with pytest.raises(NotPlain):
        to_plain(("a list is refused", [1]))


def test_apply_starts_from_the_schedule_plan_kept_on_the_checkout(tmp_path, monkeypatch):
    root, plan = setup(tmp_path)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "base")
    kept, _ = warm(plan)   # (`refactor plan`, just before)
    runner = StageRunner(load_plan(plan))
    base = runner.branches.base_commit()
    with monkeypatch.context() as patched:
        patched.setattr(Workspace, "schedule", property(lambda self: pytest.fail("the schedule was worked out again")))
        with runner.session():
            assert runner.base_schedule(base) == kept
            assert runner._searched is not None   # (the stages after it search for what that plan did)
    edit(root, "pkg/old.py", TREE["pkg/old.py"] + "\n# edited\n")   # (the family's file: worked out again)
    git(root, "commit", "--quiet", "-am", "edited")
    again = StageRunner(load_plan(plan))
    with again.session():
        assert again.base_schedule(again.branches.base_commit()) == cold(plan)
