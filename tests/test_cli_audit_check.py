"""`refactor audit` and `refactor check` through the real CLI: in-process with a captured console, and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from refactor.reading.cache import CACHE_DIR
from tests.helpers import REPO, copy_fixture, run_cli, write_plan, write_tree

SMALL = {
    "pkg/__init__.py": "from pkg.core import Engine\n",
    "pkg/core.py": "class Engine:\n    def start(self):\n        return 1\n",
    "pkg/old.py": "from pkg.core import Engine\n\nOldEngine = Engine\n\n\nclass ThinEngine(Engine):\n    pass\n",
}


def small_repo(tmp_path, files=SMALL, **plan):
    write_tree(tmp_path / "repo", files)
    values = {"name": "engine", "root": "../repo", "packages": ["pkg"], "canonical": "pkg.core:Engine", "family": ["*Engine"]}
    return write_plan(tmp_path / "plans" / "engine.toml", **{**values, **plan})


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    """Copies of both bundled fixtures and the plans, so nothing is written into the repository."""
    root = tmp_path_factory.mktemp("fixtures")
    copy_fixture("websocket_app", root)
    copy_fixture("settings_app", root)
    return root


# -- audit ------------------------------------------------------------------------------------

def test_audit_table(tmp_path):
    code, out = run_cli(["audit", str(small_repo(tmp_path))])
    assert code == 0
    assert "Family engine: canonical pkg.core:Engine" in out
    assert "distinct definitions: 2   names: 4   redundant modules: 1" in out
    for text in ("pkg/old.py", "OldEngine", "alias of pkg.core:Engine", "ThinEngine", "wrapper", "canonical re-export"):
        assert text in out


def test_audit_lists_unparseable_files_as_skipped(tmp_path):
    plan = small_repo(tmp_path, {**SMALL, "pkg/broken.py": "class BrokenEngine(:\n"})
    code, out = run_cli(["audit", str(plan)])
    assert code == 0
    assert "skipped pkg/broken.py:1: syntax error" in out


def test_audit_json_document(fixtures):
    code, out = run_cli(["audit", str(fixtures / "plans" / "websocket_manager.toml"), "--json"])
    assert code == 0
    doc = json.loads(out)
    assert doc["plan"] == "websocket-manager"
    assert doc["canonical"] == "app.websocket_core.unified_manager:UnifiedWebSocketManager"
    assert doc["distinct"] == 11
    assert doc["names"] == len(doc["family"]) > 11
    assert len(doc["redundant_modules"]) == 10 and doc["errors"] == []
    for row in doc["family"]:
        assert {"module", "name", "kind", "line", "resolves_to", "status", "detail", "path"} <= set(row)
        assert isinstance(row["line"], int) and row["line"] > 0
    dynamic = next(r for r in doc["family"] if r["name"] == "DynamicWebSocketManager" and not r["reexport"])
    assert (dynamic["module"], dynamic["kind"]) == ("app.websocket_core.canonical_imports", "dynamic")
    assert dynamic["resolves_to"] == "app.websocket_core.canonical_imports:DynamicWebSocketManager"


def test_cache_is_written_unless_no_cache(tmp_path):
    plan = small_repo(tmp_path)
    assert run_cli(["audit", str(plan), "--no-cache"])[0] == 0
    assert not (tmp_path / "repo" / CACHE_DIR).exists()
    assert run_cli(["audit", str(plan)])[0] == 0
    assert (tmp_path / "repo" / CACHE_DIR).is_dir()
    assert run_cli(["audit", str(plan)])[0] == 0  # read back from the cache


# -- check ------------------------------------------------------------------------------------

def test_check_fails_with_one_line_summary(fixtures):
    code, out = run_cli(["check", str(fixtures / "plans" / "websocket_manager.toml")])
    assert code == 1
    assert len(out.splitlines()) == 1, out
    assert out.startswith("FAIL websocket-manager: 11 distinct definitions (static); allowed 1; remove: ")
    assert "app.websocket_core.canonical_imports:DynamicWebSocketManager" in out
    assert "UnifiedWebSocketManager," not in out.partition("remove: ")[2]


@pytest.mark.parametrize(("limit", "code", "verdict"), [
    pytest.param("11", 0, "OK", id="at-limit"),
    pytest.param("12", 0, "OK", id="above-count"),
    pytest.param("10", 1, "FAIL", id="below-count"),
])
def test_check_max(fixtures, limit, code, verdict):
    result, out = run_cli(["check", str(fixtures / "plans" / "websocket_manager.toml"), "--max", limit])
    assert result == code
    assert out.startswith(f"{verdict} websocket-manager: 11 distinct definitions (static); allowed {limit}")


def test_check_passes_when_only_aliases_remain(tmp_path):
    files = {**SMALL, "pkg/old.py": "from pkg.core import Engine\n\nOldEngine = Engine\n"}
    code, out = run_cli(["check", str(small_repo(tmp_path, files))])
    assert (code, out) == (0, "OK engine: 1 distinct definition (static); allowed 1\n")


def test_check_runtime_counts_class_objects(fixtures):
    code, out = run_cli(["check", str(fixtures / "plans" / "settings.toml"), "--runtime"])
    assert code == 1
    assert "5 distinct definitions (static), 5 class objects loaded (runtime); allowed 1" in out
    assert "failed to import" not in out


def test_check_runtime_reports_modules_that_fail_to_import(tmp_path):
    files = {**SMALL, "pkg/old.py": "from pkg.core import Engine\n\nOldEngine = Engine\n",
             "pkg/needs_dep.py": "import not_installed_anywhere_xyz\n"}
    code, out = run_cli(["check", str(small_repo(tmp_path, files)), "--runtime"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("OK engine: 1 distinct definition (static), 1 class object loaded (runtime), "
                        "1 module failed to import; allowed 1")
    assert lines[1].strip().startswith("import failed: pkg.needs_dep: ModuleNotFoundError")


def test_check_runtime_sees_classes_static_analysis_cannot(tmp_path):
    # a class built in a loop: no static definition, but a second class object at runtime
    files = {**SMALL, "pkg/old.py": "from pkg.core import Engine\n\nOldEngine = Engine\n",
             "pkg/generated.py": "for _n in ['GeneratedEngine']:\n    globals()[_n] = type(_n, (), {})\n"}
    code, out = run_cli(["check", str(small_repo(tmp_path, files)), "--runtime"])
    assert code == 1
    assert "1 distinct definition (static), 2 class objects loaded (runtime)" in out


# -- the plan from pyproject.toml ---------------------------------------------------------------

def test_plan_from_pyproject(tmp_path, monkeypatch):
    plan = small_repo(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.refactor]\nplans = ["plans/engine.toml"]\n')
    (tmp_path / "repo" / "pkg" / "deeper").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "pkg" / "deeper")  # found in a parent folder
    code, out = run_cli(["audit"])
    assert code == 0 and "Family engine" in out
    assert run_cli(["check"])[0] == 1
    assert plan.exists()


@pytest.mark.parametrize(("pyproject", "message"), [
    pytest.param(None, "no plan file given", id="no-pyproject"),
    pytest.param('[project]\nname = "x"\n', "no plan file given", id="no-tool-table"),
    pytest.param('[tool.refactor]\nplans = ["a.toml", "b.toml"]\n', "several plans configured", id="several"),
    pytest.param('[tool.refactor]\nplans = 3\n', "tool.refactor.plans: expected a list", id="malformed"),
    pytest.param('[tool.refactor\n', "cannot read [tool.refactor]", id="bad-toml"),
    pytest.param('[tool.refactor]\nplans = ["missing.toml"]\n', "cannot read plan file", id="plan-missing"),
])
def test_plan_from_pyproject_errors(tmp_path, monkeypatch, pyproject, message):
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    monkeypatch.chdir(tmp_path)
    code, out = run_cli(["audit"])
    assert code == 2
    assert len(out.splitlines()) == 1 and message in out, out


# -- errors and arguments -------------------------------------------------------------------------

def test_plan_error_found_in_the_code_is_one_line(tmp_path):
    code, out = run_cli(["check", str(small_repo(tmp_path, canonical="pkg.core:Nope"))])
    assert code == 2
    plan = tmp_path / "plans" / "engine.toml"
    assert out.splitlines() == [f"error: {plan}: plan.canonical: no class Nope defined in pkg/core.py"]


def test_debug_reraises(tmp_path):
    from refactor.errors import PlanError

    with pytest.raises(PlanError):
        run_cli(["--debug", "audit", str(tmp_path / "missing.toml")])


@pytest.mark.parametrize("argv", [
    pytest.param([], id="no-command"),
    pytest.param(["audit", "a.toml", "--bogus"], id="unknown-option"),
    pytest.param(["check", "a.toml", "--max", "many"], id="max-not-a-number"),
    pytest.param(["frobnicate"], id="unknown-command"),
])
def test_bad_arguments_exit_2(argv, capsys):
    assert run_cli(argv)[0] == 2
    assert "usage: refactor" in capsys.readouterr().err


def test_subprocess_check_and_audit(fixtures):
    plan = str(fixtures / "plans" / "settings.toml")
    done = subprocess.run([sys.executable, "-m", "refactor", "check", plan, "--max", "5"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK settings: 5 distinct definitions (static); allowed 5")
    done = subprocess.run([sys.executable, "-m", "refactor", "check", plan], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and done.stdout.startswith("FAIL settings:")
    done = subprocess.run([sys.executable, "-m", "refactor", "audit", plan, "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["distinct"] == 5


def test_plan_stage_detail_names_at_most_thirty_test_files(tmp_path):
    """A stage whose blast radius is hundreds of test files names thirty and counts the rest."""
    tests = {f"tests/test_{i:03}.py": "from pkg.old import OldEngine\n\ndef test_it():\n    assert OldEngine\n"
             for i in range(35)}
    code, out = run_cli(["plan", str(small_repo(tmp_path, {**SMALL, **tests})), "--stage", "1", "--no-cache"],
                        width=400)
    assert code == 0, out
    text = " ".join(out[out.index("tests affected"):].split())
    assert text.startswith("tests affected (35): tests/test_000.py, ")
    assert text.endswith("tests/test_029.py, and 5 more (--json lists them all)")


def test_audit_and_plan_warn_about_family_names_a_module_getattr_hands_out(tmp_path):
    files = {**SMALL, "pkg/__init__.py": (
        "from pkg.core import Engine\n\ndef __getattr__(name):\n    if name == 'LegacyEngine':\n"
        "        return Engine\n    raise AttributeError(name)\n")}
    plan = small_repo(tmp_path, files)
    for command in ("audit", "plan"):
        code, out = run_cli([command, str(plan), "--no-cache"], width=400)
        assert code == 0, out
        assert ("warning pkg/__init__.py:4: the module __getattr__ of pkg hands out LegacyEngine at run time, "
                "which no stage audits or rewrites") in out, out


@pytest.mark.parametrize("roots, winner, loser", [
    pytest.param(["svc_a/src", "svc_b/src"], "svc_a", "svc_b", id="first-root-wins"),
    pytest.param(["svc_b/src", "svc_a/src"], "svc_b", "svc_a", id="order-decides"),
])
def test_the_same_module_in_two_source_roots_is_read_once_and_named(tmp_path, roots, winner, loser):
    """A monorepo whose services both have a package `app`: only one `app.core` can be imported (the
    first source root, as on sys.path); the other is left out with a warning instead of a traceback."""
    write_tree(tmp_path / "repo", {
        "svc_a/src/app/__init__.py": "", "svc_b/src/app/__init__.py": "",
        "svc_a/src/app/core.py": "class Engine:\n    def start(self):\n        return 1\n\nOldEngine = Engine\n",
        "svc_b/src/app/core.py": "class Engine:\n    def start(self):\n        return 2\n",
        "svc_b/src/app/old.py": "from app.core import Engine\n\nclass ThinEngine(Engine):\n    pass\n",
    })
    plan = write_plan(tmp_path / "plans" / "engine.toml", name="engine", root="../repo", packages=["app"],
                      source_roots=roots, canonical="app.core:Engine", family=["*Engine"])
    code, out = run_cli(["audit", str(plan), "--no-cache"], width=400)
    assert code == 0, out
    assert f"warning {loser}/src/app/core.py: not read: module app.core is {winner}/src/app/core.py" in out
    assert ("OldEngine" in out) == (winner == "svc_a") and "ThinEngine" in out


def test_a_module_next_to_its_own_package_is_left_out(tmp_path):
    """`pkg/engines.py` beside `pkg/engines/__init__.py`: Python imports the package."""
    files = {**SMALL, "pkg/engines.py": "from pkg.core import Engine\n\nShadowEngine = Engine\n",
             "pkg/engines/__init__.py": "from pkg.core import Engine\n\nPackagedEngine = Engine\n"}
    code, out = run_cli(["audit", str(small_repo(tmp_path, files)), "--no-cache"], width=400)
    assert code == 0, out
    assert "PackagedEngine" in out and "ShadowEngine" not in out
    assert "warning pkg/engines.py: not read: module pkg.engines is pkg/engines/__init__.py" in out
