"""`refactor.graph.broken_imports`: what a stage's verification counts as a broken import, and what it
must not guess about (names bound where the source does not show them)."""

from __future__ import annotations

from refactor.graph import broken_imports, build_graph, watched_modules
from refactor.project import Project
from tests.helpers import write_tree


def broken(tmp_path, files: dict[str, str], watched: set[str]) -> list[str]:
    write_tree(tmp_path, files)
    project = Project.load(tmp_path, cache=False)
    graph = build_graph(project, [f.path for f in project.files])
    return broken_imports(project, graph, watched)


def test_names_from_modules_that_bind_unseen_names_are_not_called_missing(tmp_path):
    """A star import from outside the project (a C extension such as `posix`), a module `__getattr__`,
    and a star import of a star import inside the project: none of these names is missing."""
    found = broken(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/osish.py": "from posix import *\n",
        "pkg/lazy.py": "def __getattr__(name):\n    return name\n",
        "pkg/inner.py": "VALUE = 1\n",
        "pkg/middle.py": "from pkg.inner import *\n",
        "pkg/outer.py": "from pkg.middle import *\n",
        "app.py": "from pkg.osish import fork\nfrom pkg.lazy import anything\nfrom pkg.outer import VALUE\n"
                  "from pkg.inner import NOPE\n",
    }, watched_modules({"pkg.osish", "pkg.lazy", "pkg.outer", "pkg.inner"}))
    assert found == ["app.py:4: pkg.inner does not define NOPE"]


def test_dunder_all_entries_a_module_does_not_define_are_broken(tmp_path):
    found = broken(tmp_path, {
        "pkg/__init__.py": '__all__ = ["sub", "Thing", "Gone"]\nfrom pkg.things import Thing\n',
        "pkg/sub.py": "",
        "pkg/things.py": 'import os\n__all__ = ["Thing"]\nif hasattr(os, "fork"):\n'
                         '    __all__.extend(["Forked"])\nclass Thing: ...\n',
    }, watched_modules({"pkg.things"}))
    assert found == [
        "pkg/__init__.py:1: pkg lists Gone in __all__ but does not define it",
        "pkg/things.py:4: pkg.things lists Forked in __all__ but does not define it",
    ]


def test_watched_modules_are_the_modules_and_their_packages_never_the_top_level():
    assert watched_modules({"socketserver", "a.b.c"}) == {"socketserver", "a.b.c", "a.b"}
