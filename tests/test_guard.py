"""`refactor guard`: Ruff banned-api entries for what a plan removes, checked with the real `ruff check`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from refactor.planning.guard_rules import Ban, edit_ruff
from tests.helpers import copy_fixture, git, git_init, run_cli, write_plan, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BIN = Path(sys.executable).parent
RUFF = [str(BIN / "ruff")] if (BIN / "ruff").exists() else [sys.executable, "-m", "ruff"]
LINT_IMPORTS = BIN / "lint-imports"
PLAN = "websocket-manager"
IDENTITY = ("-c", "user.name=guard test", "-c", "user.email=guard@localhost")


def ruff_check(root: Path, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RUFF, "check", "--no-cache", "--select", "TID251", "--output-format", "concise", *files],
                          check=False, cwd=root, capture_output=True, text=True, timeout=60)


@pytest.fixture
def websocket(tmp_path):
    """(fixture copy's root, its plan file)."""
    copy_fixture("websocket_app", tmp_path)
    return tmp_path / "fixtures" / "websocket_app", tmp_path / "plans" / "websocket_manager.toml"


def test_guard_makes_ruff_reject_removed_imports(websocket):
    root, plan = websocket
    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    assert "taken from the current tree (not a git repository)" in out
    assert "Ruff: wrote pyproject.toml: 19 banned-api entries added, TID251 added to extend-select." in out
    write_tree(root, {
        "app/new_feature.py": """
            from app.websocket_core.websocket_manager import WebSocketManager

            manager = WebSocketManager
            """,
        "app/fine_feature.py": """
            from app.websocket_core.unified_manager import UnifiedWebSocketManager

            manager = UnifiedWebSocketManager
            """,
        "app/websocket_core/relative_feature.py": """
            from .websocket_manager import WebSocketManager
            from . import compat

            manager, module = WebSocketManager, compat
            """,
    })
    bad = ruff_check(root, "app/new_feature.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert ("app/new_feature.py:1:50: TID251 `app.websocket_core.websocket_manager.WebSocketManager` is banned: "
            "removed by refactor plan websocket-manager: use "
            "app.websocket_core.unified_manager.UnifiedWebSocketManager") in bad.stdout
    good = ruff_check(root, "app/fine_feature.py")
    assert good.returncode == 0, good.stdout + good.stderr
    # Ruff resolves relative imports too, and bans a deleted module as a whole
    relative = ruff_check(root, "app/websocket_core/relative_feature.py")
    assert relative.returncode == 1
    assert "`app.websocket_core.websocket_manager.WebSocketManager` is banned" in relative.stdout
    assert "`app.websocket_core.compat` is banned: removed by refactor plan websocket-manager: import from " \
           "app.websocket_core.unified_manager instead" in relative.stdout


def test_guard_second_run_changes_nothing(websocket):
    root, plan = websocket
    assert run_cli(["guard", str(plan)])[0] == 0
    first = (root / "pyproject.toml").read_bytes()
    code, out = run_cli(["guard", str(plan)])
    assert code == 0
    assert "Ruff: pyproject.toml unchanged" in out
    assert (root / "pyproject.toml").read_bytes() == first
    data = tomllib.loads(first.decode())
    assert data["tool"]["ruff"]["lint"]["extend-select"] == ["TID251"]
    banned = data["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert banned["app.websocket_core.websocket_manager_factory.WebSocketManagerFactory"]["msg"] == \
        "removed by refactor plan websocket-manager: use app.websocket_core.unified_manager.ManagerRegistry"
    assert "app.websocket_core.websocket_manager" not in banned   # the module stays; only its names go
    assert data["tool"]["pytest"]["ini_options"]["pythonpath"] == ["."]


def test_guard_print_shows_a_diff_and_writes_nothing(websocket):
    root, plan = websocket
    before = (root / "pyproject.toml").read_bytes()
    code, out = run_cli(["guard", str(plan), "--print"])
    assert code == 0
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in out
    assert '+extend-select = ["TID251"]' in out
    assert (root / "pyproject.toml").read_bytes() == before


SMALL = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def start(self):\n        return 1\n",
    "pkg/old.py": "from pkg.core import Engine\n\n\nclass ThinEngine(Engine):\n    pass\n",
    "pkg/use.py": "from pkg.old import ThinEngine\n",
}
COMMENTED = """\
# Project settings: keep these comments.
[project]
name = "engines"   # the distribution

[tool.ruff]
line-length = 90   # narrow screens
# rules are chosen below

[tool.ruff.lint]
select = ["E", "F"]   # the basics

[tool.ruff.lint.flake8-tidy-imports.banned-api]
"os.system" = { msg = "use subprocess" }   # a person's own ban
"pkg.old" = { msg = "do not touch pkg.old" }

[tool.pytest.ini_options]
testpaths = ["tests"]   # only these
"""


def small(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    root = write_tree(tmp_path / "repo", {**SMALL, **files})
    plan = write_plan(tmp_path / "plans" / "engine.toml", name="engine", root="../repo", packages=["pkg"],
                      canonical="pkg.core:Engine", family=["*Engine"])
    return root, plan


def test_guard_keeps_comments_and_other_entries_of_an_existing_pyproject(tmp_path):
    root, plan = small(tmp_path, {"pyproject.toml": COMMENTED})
    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    lines = iter(text.splitlines())
    assert all(line in lines for line in COMMENTED.splitlines())   # every line kept, in the same order
    assert 'extend-select = ["TID251"]' in text
    assert '"pkg.old.ThinEngine" = { msg = "removed by refactor plan engine: use pkg.core.Engine" }' in text
    assert "left as it was pkg.old: banned already by an entry this plan did not write" in out
    assert ruff_check(root, "pkg/use.py").returncode == 1
    assert run_cli(["guard", str(plan)])[0] == 0
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == text


def test_guard_edits_ruff_toml_without_the_tool_prefix(tmp_path):
    root, plan = small(tmp_path, {"ruff.toml": "# ours\nline-length = 90\n",
                                  "pyproject.toml": "[project]\nname = 'e'\n"})
    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    assert "Ruff: wrote ruff.toml" in out
    assert (root / "pyproject.toml").read_text() == "[project]\nname = 'e'\n"
    data = tomllib.loads((root / "ruff.toml").read_text())
    assert data["line-length"] == 90 and data["lint"]["extend-select"] == ["TID251"]
    assert set(data["lint"]["flake8-tidy-imports"]["banned-api"]) == {"pkg.old", "pkg.old.ThinEngine"}
    done = ruff_check(root, "pkg/use.py")
    assert done.returncode == 1 and "`pkg.old` is banned: removed by refactor plan engine" in done.stdout


@pytest.mark.parametrize(("in_git", "edited"), [(True, "ruff.toml"), (False, "repo/pyproject.toml")],
                         ids=["parent-config-in-the-repository", "never-above-the-repository"])
def test_guard_edits_the_configuration_ruff_uses(tmp_path, in_git, edited):
    """A parent folder's ruff.toml inside the repository is the one Ruff reads; outside it is never touched."""
    root, plan = small(tmp_path, {"pyproject.toml": "[project]\nname = 'e'\n"})   # no [tool.ruff]: Ruff ignores it
    (tmp_path / "ruff.toml").write_text("line-length = 90\n")
    if in_git:
        git_init(tmp_path)
    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    assert "pkg.old.ThinEngine" in (tmp_path / edited).read_text()
    if in_git:
        assert (root / "pyproject.toml").read_text() == "[project]\nname = 'e'\n"
    else:
        assert (tmp_path / "ruff.toml").read_text() == "line-length = 90\n"
        assert "[project]\nname = 'e'\n" in (root / "pyproject.toml").read_text()
    assert ruff_check(root, "pkg/use.py").returncode == 1


def test_guard_skips_import_linter_and_says_why(tmp_path):
    root, plan = small(tmp_path, {"pyproject.toml": "[tool.importlinter]\nroot_packages = ['pkg']\n"})
    code, out = run_cli(["guard", str(plan)])
    assert code == 0
    assert "import-linter (pyproject.toml [tool.importlinter]): no forbidden contract added for the 1 deleted " \
           "module: import-linter refuses a forbidden module that does not exist" in out
    assert "contracts" not in tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]


def _import_linter_version() -> tuple[int, ...]:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return tuple(int(p) for p in version("import-linter").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return ()


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed next to this Python")
@pytest.mark.skipif(_import_linter_version() < (2, 17),
                    reason="older import-linter releases (the newest that installs on Python 3.10 is 2.15) "
                           "accept a missing forbidden module; the guard stays conservative either way")
def test_import_linter_refuses_a_forbidden_module_that_does_not_exist(tmp_path):
    """Why the guard writes no import-linter contract: if this starts passing, the guard could add one."""
    root = write_tree(tmp_path / "repo", {**SMALL, ".importlinter": """
        [importlinter]
        root_packages =
            pkg

        [importlinter:contract:gone]
        name = Deleted modules stay deleted
        type = forbidden
        source_modules =
            pkg
        forbidden_modules =
            pkg.deleted
        """})
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache"], check=False, cwd=root, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "Module 'pkg.deleted' does not exist." in done.stdout + done.stderr


def test_guard_takes_removed_things_from_the_stage_branches_base(tmp_path):
    """After stage 1 is merged, the current tree no longer plans compat's removal; the base commit does."""
    copy_fixture("websocket_app", tmp_path)
    repo, plan = git_init(tmp_path), tmp_path / "plans" / "websocket_manager.toml"
    git(repo, "add", "-A")
    git(repo, *IDENTITY, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    main = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", f"refactor/{PLAN}/stage-01")
    git(repo, "rm", "-q", "fixtures/websocket_app/app/websocket_core/compat.py")
    message = textwrap.dedent(f"""\
        refactor stage 1/9: remove app.websocket_core.compat

        Refactor-Tool: refactor test
        Refactor-Plan: {PLAN}
        Refactor-Stage: 1/9
        Refactor-Base: {base}
        """)
    git(repo, *IDENTITY, "commit", "-q", "-m", message)
    git(repo, "checkout", "-q", main)
    git(repo, "merge", "-q", "--ff-only", f"refactor/{PLAN}/stage-01")

    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    assert f"taken from the stage branches' base commit {base[:10]}" in out
    banned = tomllib.loads((repo / "fixtures/websocket_app/pyproject.toml").read_text())
    banned = banned["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert "app.websocket_core.compat" in banned and len(banned) == 19


def test_guard_falls_back_to_the_current_tree_when_the_base_is_not_usable(tmp_path):
    copy_fixture("websocket_app", tmp_path)
    repo, plan = git_init(tmp_path), tmp_path / "plans" / "websocket_manager.toml"
    git(repo, "add", "-A")
    git(repo, *IDENTITY, "commit", "-q", "-m", "base")
    git(repo, "branch", f"refactor/{PLAN}/stage-01")   # not the tool's commit: no recorded base
    pyproject = repo / "fixtures" / "websocket_app" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "# uncommitted\n")
    code, out = run_cli(["guard", str(plan)])
    assert code == 0, out
    assert "taken from the current tree (stage branches exist but their base is not usable: " in out
    assert "uncommitted changes in" in out
    assert "19 banned-api entries added" in out


def test_edit_ruff_refreshes_its_own_messages_only():
    old = 'x = 1\n\n[lint.flake8-tidy-imports.banned-api]\n"a.B" = { msg = "removed by refactor plan p: use a.C" }\n'
    edit = edit_ruff(Path("ruff.toml"), old, (Ban("a.B", "removed by refactor plan p: use z.C"),), pyproject=False,
                     plan_name="p")
    assert edit.updated == ("a.B",) and edit.added == ()
    assert tomllib.loads(edit.after)["lint"]["flake8-tidy-imports"]["banned-api"]["a.B"]["msg"].endswith("z.C")
    untouched = edit_ruff(Path("ruff.toml"), old, (Ban("a.B", "removed by refactor plan q: use z.C"),),
                          pyproject=False, plan_name="q")
    assert untouched.left == ("a.B",)
    theirs = old.replace("plan p:", "plan p2:")
    other_plan = edit_ruff(Path("ruff.toml"), theirs, (Ban("a.B", "removed by refactor plan p: use z.C"),),
                           pyproject=False, plan_name="p")
    assert other_plan.left == ("a.B",)
    assert '"a.B" = { msg = "removed by refactor plan p2: use a.C" }' in other_plan.after
    assert edit_ruff(Path("ruff.toml"), old, (), pyproject=False, plan_name="p").after == old


@pytest.mark.parametrize("select", ['select = ["ALL"]', 'extend-select = ["TID"]', 'select = ["E", "TID251"]'])
def test_edit_ruff_does_not_select_a_rule_already_on(select):
    text = f"[tool.ruff.lint]\n{select}\n"
    edit = edit_ruff(Path("pyproject.toml"), text, (Ban("a.B", "m"),), pyproject=True, plan_name="p")
    assert not edit.selected
    assert edit.after.startswith(text)
