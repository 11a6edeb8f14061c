"""`refactor.analysis.module_graph`: who imports whom, and which tests a change reaches."""

from __future__ import annotations

from refactor.analysis.module_graph import ModuleGraph, is_test_file
from refactor.planning.workspace import Workspace
from tests.helpers import git_init, write_plan, write_tree


def test_test_files_by_name_and_by_folder():
    assert is_test_file("test_x.py") and is_test_file("pkg/x_test.py") and is_test_file("a/conftest.py")
    assert is_test_file("pkg/tests/helpers.py") and is_test_file("testing/util.py")
    assert not is_test_file("pkg/contest.py") and not is_test_file("pkg/attest/x.py")


def test_tests_reached_through_importers_and_packages():
    edges = {
        "app.api": {"app.core.engine"},   # importing app.core.engine runs app/__init__ and app/core/__init__
        "tests.test_api": {"app.api"},
        "tests.test_pkg": {"app"},
        "tests.test_other": {"other"},
    }
    modules = {m: f"{m.replace('.', '/')}.py" for m in [*edges, "app", "app.core", "app.core.engine", "other"]}
    graph = ModuleGraph(edges, {p: m for m, p in modules.items()}, modules)
    assert graph.transitive_importers({"app.core.engine"}) == {"app.api", "tests.test_api"}
    assert graph.tests_affected({"app"}) == ["tests/test_api.py", "tests/test_pkg.py"]
    assert graph.tests_affected({"other"}, ["tests/test_new.py", "app/api.py"]) == \
        ["tests/test_new.py", "tests/test_other.py"]


def test_a_parsed_file_gives_its_exact_imports_not_an_example_in_its_docstring(tmp_path):
    """(The line scan takes `from pkg.core import setup` in a docstring for an import; once the package is
    parsed, the graph must not: a test importing only the package is not reached by a change to pkg.core.)"""
    write_tree(tmp_path, {
        "pkg/__init__.py": '"""Usage:\n\n    from pkg.core import setup\n"""\nimport sys\n',
        "pkg/core.py": "class Engine:\n    pass\n\n\nclass OldEngine(Engine):\n    pass\n",
        "pkg/user.py": "from pkg.core import OldEngine\n",
        "tests/test_pkg.py": "import pkg\n",
        "tests/test_user.py": "import pkg.user\n",
    })
    git_init(tmp_path)
    plan = write_plan(tmp_path / "plan.toml", name="engine", root=".", packages=["pkg"],
                      canonical="pkg.core:Engine", family=["*Engine"])
    workspace = Workspace.open(plan, cache=False)
    assert "pkg.core" not in workspace.graph.modules.edges["pkg"]
    assert workspace.graph.modules.tests_affected({"pkg.core"}) == ["tests/test_user.py"]
