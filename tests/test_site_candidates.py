"""`refactor.analysis.graph.could_refer`: which files that name a family member are worth a parse for sites."""

from __future__ import annotations

from refactor.analysis.graph import could_refer
from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from tests.helpers import write_plan, write_tree

IMPORTS = {
    "pkg/core.py": (),
    "pkg/legacy.py": ("pkg.core", "pkg.core.Engine"),
    "app/direct.py": ("pkg.legacy", "pkg.legacy.OldEngine"),
    "app/reexport.py": ("pkg.legacy",),                          # `from pkg.legacy import *`
    "app/deeper.py": ("app.reexport", "app.reexport.OldEngine"),   # through the re-export
    "app/patches.py": ("unittest.mock",),                        # mock.patch("pkg.legacy.OldEngine")
    "other/physics.py": ("math",),                               # "OldEngine" as a word in a docstring
    "other/imports_other.py": ("other.physics",),
}
MODULES = {path: path[:-3].replace("/", ".") for path in IMPORTS}
TEXT = {"app/patches.py": 'mock.patch("pkg.legacy.OldEngine")'}


def mentions(paths: list[str], words: frozenset[str]) -> set[str]:
    return {path for path in paths if any(word in TEXT.get(path, "") for word in words)}


def test_files_that_cannot_reach_the_family_are_left_out():
    candidates = [p for p in IMPORTS if p.startswith(("app/", "other/"))]
    assert could_refer(candidates, IMPORTS, MODULES, ["pkg.legacy"], mentions) == {
        "app/direct.py", "app/reexport.py", "app/deeper.py", "app/patches.py"}


def test_a_holders_package_counts_as_a_holder():
    imports = {**IMPORTS, "app/package.py": ("pkg",)}          # `import pkg` and then pkg.legacy.OldEngine
    found = could_refer(["app/package.py", "other/physics.py"], imports,
                        {**MODULES, "app/package.py": "app.package"}, ["pkg.legacy"], mentions)
    assert found == {"app/package.py"}


def test_a_subpackage_file_naming_a_family_module_by_a_relative_import_is_read(tmp_path):
    """`pkg/sub/deep.py` names `pkg.compat` only as `from .. import compat`, without `pkg` anywhere: it is
    read for sites (and its import is one), and a file of another package importing its own `compat`
    relatively is not."""
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/core.py": "class Opt:\n    pass\n",
        "pkg/compat.py": "from pkg.core import Opt\n\n\nclass Optional(Opt):\n    pass\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/deep.py": "from .. import compat\n\nLOADED = compat\n",
        "other/__init__.py": "",
        "other/compat.py": "",
        "other/sub/__init__.py": "",
        "other/sub/deep.py": "from .. import compat\n",
    })
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="opt", root=str(tmp_path), packages=["pkg"],
                                canonical="pkg.core:Opt", family=["Optional"]))
    workspace = Workspace.for_plan(plan, cache=False)
    assert "pkg/sub/deep.py" in workspace.site_files()
    assert "other/sub/deep.py" not in workspace.site_files()
    assert any(s.path == "pkg/sub/deep.py" and s.module == "pkg.compat" for s in workspace.graph.sites)
