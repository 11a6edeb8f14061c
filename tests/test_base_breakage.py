"""What is already broken at the base never blocks a stage, and is never hidden.

Each test reduces a failure seen on a real repository (the seed's, netra-systems/zen at 1d0af0f4) to a
small git repository with real pytest runs: an unrelated file that does not parse, a file only a newer
grammar reads, a cache another interpreter wrote, an import broken before the stage in a file the stage
never looked at, a warning from compiling a user's file, a compatibility module left holding only
re-exports and aliases.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from refactor.analysis.graph import watched_modules
from refactor.analysis.project import Project
from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from refactor.reading import cache as factcache
from refactor.reading.cache import FactCache, cache_folder
from refactor.staging.contract import new_broken_imports
from tests.helpers import git, run_cli, write_plan, write_tree

CORE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/engine.py": "class Engine:\n    def run(self):\n        return 1\n",
    "app/core/legacy.py": "from app.core.engine import Engine\n\nOldEngine = Engine\n",
    "app/user.py": "from app.core.legacy import OldEngine\n\n\ndef go():\n    return OldEngine().run()\n",
    "tests/test_user.py": "from app.user import go\n\n\ndef test_go():\n    assert go() == 1\n",
}


def small_repo(tmp_path, files: dict[str, str | bytes], **plan):
    """`files` as a git repository with one commit (`tmp/repo`) and a plan beside it."""
    repo = tmp_path / "repo"
    write_tree(repo, files)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    settings = {"name": "engine", "root": "repo", "packages": ["app"], "canonical": "app.core.engine:Engine",
                "family": ["*Engine"], "test_command": ["python", "-m", "pytest", "-q", "tests"]}
    settings.update(plan)
    return repo, write_plan(tmp_path / "plan.toml", **settings)


def commit_message(repo, branch: str) -> str:
    return git(repo, "log", "-1", "--format=%B", branch)


@pytest.mark.slow
def test_a_file_that_does_not_parse_and_names_nothing_removed_does_not_stop_the_stage(tmp_path):
    """The seed's `shared/feature_flags.py:122: unexpected indent`: it mentions the family's package, so
    the stage reads it, but it names nothing the stage removes. The stage commits; the file is reported
    in the evidence as the base's state."""
    repo, plan = small_repo(tmp_path, {**CORE, "scripts/flags.py": "import app.core\nLABEL = \"Engine\"\n  x = 1\n"})
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=200)
    assert code == 0, out
    message = commit_message(repo, "refactor/engine/stage-01")
    assert "scripts/flags.py:3: syntax error: unexpected indent" in message
    assert "Refactor-Baseline: unparsable=1 " in message


@pytest.mark.slow
def test_a_file_that_does_not_parse_and_names_a_removed_alias_is_a_reported_site(tmp_path):
    repo, plan = small_repo(tmp_path, {**CORE, "scripts/old.py": "from app.core.legacy import OldEngine\n  x = 1\n"})
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=300)
    assert code == 0, out
    assert "scripts/old.py:2: syntax error: unexpected indent (the file does not parse, so it was not rewritten; " \
           "it names OldEngine" in out
    message = commit_message(repo, "refactor/engine/stage-01")
    assert "Reported, not rewritten:" in message and "scripts/old.py:2" in message


# PEP 701 (Python 3.12): a backslash in an f-string's expression, inside an implicit concatenation
NEWER_GRAMMAR = 'from app.core.legacy import OldEngine\nLABEL = f"{OldEngine.__name__.join([\'\\\\n\'])}" "tail"\n'


def test_a_file_only_a_newer_grammar_reads_is_read_on_every_interpreter(tmp_path):
    write_tree(tmp_path, {**CORE, "app/newer.py": NEWER_GRAMMAR})
    workspace = Workspace.for_plan(load_plan(write_plan(
        tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
        canonical="app.core.engine:Engine", family=["*Engine"])), cache=False)
    sites = [(s.path, s.line, s.kind) for s in workspace.graph.sites if s.name == "OldEngine"]
    assert ("app/newer.py", 1, "from") in sites
    assert workspace.project.errors() == []


def test_facts_another_interpreter_cached_are_not_read(tmp_path, monkeypatch):
    """The seed's run under 3.12 read the syntax error its 3.11 run had cached for a 3.12 file."""
    write_tree(tmp_path, {"app/__init__.py": "", "app/m.py": "import os\n"})
    git(tmp_path, "init", "--quiet")

    def facts_of_m():
        project = Project.load(tmp_path)
        return project.parse(["app/m.py"])["app/m.py"]

    monkeypatch.setattr(factcache, "INTERPRETER", "py9.99")   # another interpreter parses and caches
    facts = facts_of_m()
    cache = FactCache(cache_folder(tmp_path))
    (key,) = [row[0] for row in cache._db.execute("SELECT key FROM facts")]
    cache.put_many({key: dataclasses.replace(facts, error="app/m.py:1: syntax error: that interpreter's")})
    assert facts_of_m().error == "app/m.py:1: syntax error: that interpreter's"   # (it does read its own)
    monkeypatch.undo()
    assert facts_of_m().error is None


@pytest.mark.slow
def test_an_import_broken_at_the_base_outside_the_stage_is_not_held_against_it(tmp_path):
    """The seed's `admin_tool_executors.py:287: module ...services.debug_service does not exist`: broken
    before any change, in a file only the stage's verification reads (it names the deleted module, not
    the family). Verification asks the same reference of the tree before the stage."""
    files = {**CORE,
             "app/compat.py": "from app.core.engine import Engine\n\nOldEngine = Engine\n",
             "app/user.py": "from app.compat import OldEngine\n\n\ndef go():\n    return OldEngine().run()\n",
             "app/sub/__init__.py": "",
             "app/sub/tools.py": 'from .. import missing_mod\nfrom ..user import go\n\nNAME = "compat"\n'}
    del files["app/core/legacy.py"]
    repo, plan = small_repo(tmp_path, files)
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=200)
    assert code == 0, out
    assert git(repo, "rev-parse", "--verify", "refactor/engine/stage-01")


def test_verification_still_catches_an_import_the_stage_breaks(tmp_path):
    """The control: the same reference asked of the tree before and after. One broken before is old;
    one the change broke (a module deleted under an importer) is new."""
    before_tree, after_tree = tmp_path / "before", tmp_path / "after"
    common = {"app/__init__.py": "", "app/core/__init__.py": "", "app/core/engine.py": "class Engine: ...\n",
              "app/a.py": "from app.core.gone import Thing\nfrom app.core.engine import Missing\n",
              # broken before (gone lacks Missing); after, the same string reads as `app.core` lacking `gone`
              "app/b.py": 'from unittest import mock\nmock.patch("app.core.gone.Missing")\n'}
    write_tree(before_tree, {**common, "app/core/gone.py": "class Thing: ...\n",
                             "app/c.py": "import app.core.gone as m\nVALUE = (m.Missing, m.Engine)\n"})
    # the stage moved the module alias: the same failing text, now failing in the new module
    write_tree(after_tree, {**common, "app/c.py": "import app.core.engine as m\nVALUE = (m.Missing, m.Engine)\n"})
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(after_tree), packages=["app"],
                      canonical="app.core.engine:Engine", family=["Engine"])
    before = Project.load(before_tree, cache=False)
    after = Workspace.for_plan(load_plan(plan), cache=False, extra_needles=frozenset({"gone"}))
    watched = watched_modules({"app.core.engine", "app.core.gone"})
    before.parse(["app/c.py"])   # (read before the change, as a stage does)
    assert new_broken_imports(before, after, ["app/c.py"], watched) == [
        "app/a.py:1: module app.core.gone does not exist"]
    assert new_broken_imports(before, after, ["app/a.py", "app/c.py"], watched) == [
        "app/a.py:1: module app.core.gone does not exist"]


def test_compiling_a_users_file_prints_no_warning(tmp_path):
    write_tree(tmp_path, {**CORE, "app/escapes.py": 'from app.core.legacy import OldEngine\nPATTERN = "\\d+"\n'})
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                      canonical="app.core.engine:Engine", family=["*Engine"])
    done = subprocess.run([sys.executable, "-W", "always", "-m", "refactor", "plan", str(plan), "--no-cache"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr


SHIM = '''"""Compatibility: import from app.core.engine instead."""
import warnings

warnings.warn("app.core.shim is deprecated", DeprecationWarning, stacklevel=2)

from app.core.engine import Engine
from app.core.helpers import Heartbeat, _serialize

OldEngine = Engine
try:
    from app.core.helpers import Pulse
    PulseManager = Pulse
except ImportError:
    Pulse = None
    PulseManager = None

__all__ = ["OldEngine", "Heartbeat", "_serialize", "PulseManager"]
'''


def test_a_module_left_holding_only_reexports_aliases_and_warnings_is_deleted(tmp_path):
    """The seed's `websocket_core/manager.py`: once its family alias goes, what is left re-exports names
    defined elsewhere (one under an alias) behind a deprecation warning. It is a compatibility layer: the
    module goes, and its importers are sent to where each name lives."""
    files = {**CORE,
             "app/core/helpers.py": "class Heartbeat: ...\nclass Pulse: ...\ndef _serialize(x):\n    return x\n",
             "app/core/shim.py": SHIM,
             "app/user.py": "from app.core.shim import OldEngine, Heartbeat, PulseManager\n\n\n"
                            "def go():\n    return OldEngine().run() + len([Heartbeat, PulseManager])\n"}
    write_tree(tmp_path, files)
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                      canonical="app.core.engine:Engine", family=["*Engine"])
    stages = {s.modules: s for s in Workspace.open(plan, cache=False).schedule.stages}
    shim = stages[("app.core.shim",)]
    assert shim.delete_modules == ("app.core.shim",)
    after = {e.site.text: e.replacement for e in shim.edits if e.site.path == "app/user.py"}
    assert after == {"from app.core.shim import OldEngine": "app.core.engine:Engine",
                     "from app.core.shim import Heartbeat": "app.core.helpers:Heartbeat",
                     "from app.core.shim import PulseManager": "app.core.helpers:Pulse"}


def test_a_module_with_logic_of_its_own_stays_and_the_plan_says_why(tmp_path):
    files = {**CORE, "app/core/helpers.py": "class Heartbeat: ...\n",
             "app/core/shim.py": SHIM.replace("__all__", "def keep():\n    return 1\n\n\n__all__")}
    files["app/core/helpers.py"] += "class Pulse: ...\ndef _serialize(x):\n    return x\n"
    write_tree(tmp_path, files)
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                      canonical="app.core.engine:Engine", family=["*Engine"])
    stage = next(s for s in Workspace.open(plan, cache=False).schedule.stages if s.modules == ("app.core.shim",))
    assert stage.delete_modules == ()
    assert stage.kept == (("app.core.shim", "defines 1 function (keep)"),)


@pytest.mark.slow
def test_a_stage_module_may_keep_reexporting_a_member_another_stage_removes(tmp_path):
    """The seed's `error_recovery_handler.py` re-exports `recovery.ErrorRecoveryHandler` (an alias that
    recovery's own stage removes) beside its own alias: its stage removes only its own."""
    files = {**CORE,
             "app/core/recovery.py": "from app.core.engine import Engine\n\nRecoveryEngine = Engine\n"
                                     "def recover():\n    return 1\n",
             "app/core/handler.py": "from app.core.engine import Engine\nfrom app.core.recovery import RecoveryEngine\n\n"
                                    "HandlerEngine = Engine\n\n\ndef handle():\n    return 2\n\n\n"
                                    "__all__ = ['RecoveryEngine', 'HandlerEngine', 'handle']\n"}
    _, plan = small_repo(tmp_path, files)
    code, out = run_cli(["apply", str(plan), "--all"], width=200)
    assert code == 0, out


def test_a_package_init_that_holds_only_an_alias_is_emptied_not_deleted(tmp_path):
    """The seed's `services/websocket/__init__.py` re-exports the manager under another name; the package
    holds eleven modules. Deleting its `__init__` would make it a namespace package and every import of
    its modules a reference to a deleted module: it is emptied of the family and stays."""
    files = {**CORE, "app/services/__init__.py": "",
             "app/services/socket/__init__.py": "from app.core.engine import Engine as SocketEngine\n\n"
                                                "__all__ = ['SocketEngine']\n",
             "app/services/socket/queue.py": "class Queue: ...\n",
             "app/services/socket/handler.py": "from app.services.socket.queue import Queue\n"}
    write_tree(tmp_path, files)
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                      canonical="app.core.engine:Engine", family=["*Engine"])
    stage = next(s for s in Workspace.open(plan, cache=False).schedule.stages
                 if s.modules == ("app.services.socket",))
    assert stage.delete_modules == ()
    assert stage.kept == (("app.services.socket",
                           "is a package holding other modules (its __init__ stays, emptied of the family)"),)


FLAKY = '''import os
import pathlib


def test_sometimes():
    marker = pathlib.Path(os.environ["REFACTOR_FLAKY_MARKER"])
    runs = int(marker.read_text()) if marker.exists() else 0
    marker.write_text(str(runs + 1))
    assert runs != 1, "the second run fails, as a timing-dependent test can"
'''


@pytest.mark.slow
def test_a_flaky_test_is_run_again_and_reported_not_held_against_the_stage(tmp_path, monkeypatch):
    """The seed's `test_critical_race_conditions_in_manager_initialization` compares thread timings: it
    fails now and then at the base too. A new failure is run again alone; one that passes is flaky."""
    monkeypatch.setenv("REFACTOR_FLAKY_MARKER", str(tmp_path / "runs"))
    repo, plan = small_repo(tmp_path, {**CORE, "tests/test_timing.py": FLAKY})
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=300)
    assert code == 0, out
    assert "flaky: tests.test_timing::test_sometimes (failed, then passed when run again)" in out
    assert "Flaky (failed, then passed when run again on this very tree):" in commit_message(
        repo, "refactor/engine/stage-01")


@pytest.mark.slow
def test_a_test_flaky_in_the_affected_tests_run_first_is_reported_too(tmp_path, monkeypatch):
    """The seed's stage 17 under Python 3.12: the timed test failed in the run of the affected test files,
    passed when run again alone, and passed in the full run after it. It is reported as flaky all the same."""
    monkeypatch.setenv("REFACTOR_FLAKY_MARKER", str(tmp_path / "runs"))
    timing = "import app.user\n\n" + FLAKY   # (it imports what the stage changes: among the tests run first)
    repo, plan = small_repo(tmp_path, {**CORE, "tests/test_timing.py": timing})
    code, out = run_cli(["apply", str(plan), "--stage", "1"], width=300)
    assert code == 0, out
    assert (tmp_path / "runs").read_text() == "4"   # the base, the affected files, again alone, the full run
    assert "flaky: tests.test_timing::test_sometimes (failed, then passed when run again)" in out
    assert "Flaky (failed, then passed when run again on this very tree):" in commit_message(
        repo, "refactor/engine/stage-01")


def test_an_old_broken_import_only_the_wider_search_after_a_stage_reads_is_not_new(tmp_path):
    """The seed's stage 10: verification searches for more (the names and modules the stage removed) than
    the stage's plan did, and so reads parts of unchanged files the plan left out, with references broken
    long before (`patch('app.recovery.x')`). The tree before the stage is asked with the same search."""
    before_tree, after_tree = tmp_path / "before", tmp_path / "after"
    common = {"app/__init__.py": "", "app/core/__init__.py": "", "app/core/engine.py": "class Engine: ...\n",
              "app/user.py": "from app.core.engine import Engine\n",
              "app/d.py": "import os\n\n\ndef helper():\n    from app.core import nothing_here\n"
                          "    return 'gone', nothing_here, os\n"}
    write_tree(before_tree, {**common, "app/core/gone.py": "class Thing: ...\n"})
    write_tree(after_tree, common)
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=str(after_tree), packages=["app"],
                      canonical="app.core.engine:Engine", family=["Engine"])
    before = Project.load(before_tree, cache=False)
    before.widen_focus({"Engine"})   # (what the stage's plan searched for)
    after = Workspace.for_plan(load_plan(plan), cache=False, extra_needles=frozenset({"gone"}))
    watched = watched_modules({"app.core.engine", "app.core.gone"})
    assert any(s.path == "app/d.py" and s.name == "nothing_here" for s in after.graph.sites)
    assert new_broken_imports(before, after, [], watched) == []


def test_a_workspace_given_another_search_searches_for_it_too(tmp_path):
    """A stage's verification starts from its plan's search: the tree after the stage may name fewer
    family modules (one is no longer the family's), and the facts parsed for the plan then still serve."""
    write_tree(tmp_path, {**CORE, "app/user.py": "from app.core.engine import Engine\n"})
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                                canonical="app.core.engine:Engine", family=["*Engine"]))
    planned = Workspace.for_plan(plan, cache=False)
    planned.site_files()
    search = (("Gone",), (("core", "gone"),))
    after = Workspace.for_plan(plan, cache=False, search=search)
    after.site_files()
    words, modules = after.project.focus_key()
    assert "Gone" in words and ("core", "gone") in modules
    assert set(planned.project.focus_key()[0]) <= set(words)


def test_a_tree_a_stage_narrowed_is_read_with_the_facts_of_the_wider_search(tmp_path):
    """After a stage, the tree's own search is narrower (`legacy` is no longer the family's). Asked with
    the search before it (as `apply --all` asks each stage's tree), the facts parsed for that search serve:
    only the file the stage changed is parsed again. Asked with its own, narrower search, every file that
    names the family is parsed again (facts parsed for a wider search can hold more than it parses)."""
    users = {f"tests/test_user{i}.py": f"from app.core.engine import Engine\n\n\ndef test_{i}():\n    assert Engine\n"
             for i in range(6)}   # (outside the plan's packages: first parsed by the site search)
    write_tree(tmp_path, {**CORE, **users, "app/user.py": "from app.core.engine import Engine\n"})
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="engine", root=str(tmp_path), packages=["app"],
                                canonical="app.core.engine:Engine", family=["*Engine"]))
    planned = Workspace.for_plan(plan)
    assert planned.graph.sites
    (tmp_path / "app/core/legacy.py").write_text("VALUE = 1\n")   # (the stage's change)
    wide = Workspace.for_plan(plan, search=planned.project.focus_key())
    assert wide.graph.sites
    narrow = Workspace.for_plan(plan)
    assert narrow.graph.sites
    assert wide.project.reader.parsed <= 1
    assert narrow.project.reader.parsed >= len(users)
