"""`refactor.analysis.graph.broken_imports`: what a stage's verification counts as a broken import, and what it
must not guess about (names bound where the source does not show them)."""

from __future__ import annotations

from refactor.analysis.graph import broken_imports, build_graph, watched_modules
from refactor.analysis.project import Project
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


LAZY_PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/lexers/_mapping.py": "LEXERS = {\n    'PythonLexer': ('pkg.lexers.python', 'Python'),\n}\n",
    "pkg/lexers/python.py": "class PythonLexer: ...\n",
    "pkg/lexers/__init__.py": """\
import sys
import types

from pkg.lexers._mapping import LEXERS

COMPAT = {'Python3Lexer': 'PythonLexer'}


class _automodule(types.ModuleType):
    def __getattr__(self, name):
        info = LEXERS.get(name)
        if info:
            return _load(info)
        if name in COMPAT:
            return getattr(self, COMPAT[name])
        raise AttributeError(name)


oldmod = sys.modules[__name__]
newmod = _automodule(__name__)
newmod.__dict__.update(oldmod.__dict__)
sys.modules[__name__] = newmod
""",
}


def test_names_a_lazy_loader_hands_out_from_literal_tables_are_resolved(tmp_path):
    """Pygments' lexers: a `ModuleType` subclass in the package's place, its `__getattr__` reading a table
    imported from another module and one of its own. Those names are resolved, not called broken."""
    found = broken(tmp_path, {**LAZY_PACKAGE, "app.py": "from pkg.lexers import PythonLexer, Python3Lexer\n"},
                   watched_modules({"pkg.lexers.python", "pkg.lexers._mapping"}))
    assert found == []
    project = Project.load(tmp_path, cache=False)
    assert {"PythonLexer", "Python3Lexer"} <= project.exports("pkg.lexers")


def test_the_control_a_package_without_the_loader_lacks_those_names(tmp_path):
    files = {**LAZY_PACKAGE, "pkg/lexers/__init__.py": "from pkg.lexers._mapping import LEXERS\n",
             "app.py": "from pkg.lexers import PythonLexer\n"}
    assert broken(tmp_path, files, watched_modules({"pkg.lexers.python"})) == [
        "app.py:1: pkg.lexers does not define PythonLexer"]
