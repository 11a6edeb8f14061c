"""`Project.file_ending_in`: the file a path literal names when it is written relative to somewhere else."""

from __future__ import annotations

from refactor.analysis.graph import build_graph
from refactor.analysis.project import Project
from tests.helpers import write_tree


def test_a_tail_names_the_one_file_it_ends_and_nothing_when_several_end_so(tmp_path):
    write_tree(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/core/engine.py": "", "src/pkg/util.py": "",
                          "tools/util.py": ""})
    project = Project.load(tmp_path, cache=False)
    assert project.file_ending_in("core/engine.py").path == "src/pkg/core/engine.py"
    assert project.file_ending_in("pkg/core/engine.py").path == "src/pkg/core/engine.py"
    assert project.file_ending_in("util.py") is None            # two files end so
    assert project.file_ending_in("pkg/util.py").path == "src/pkg/util.py"
    assert project.file_ending_in("ngine.py") is None           # only whole path parts


def test_a_path_literal_is_a_site_of_the_module_whose_file_it_names(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/core/__init__.py": "", "pkg/core/engine.py": "",
                          "app.py": 'SOURCE = "./core/engine.py"\nOTHER = "core/missing.py"\n'})
    project = Project.load(tmp_path, cache=False)
    sites = build_graph(project, ["app.py"]).sites
    assert [(s.line, s.kind, s.module) for s in sites if s.kind == "path"] == [(1, "path", "pkg.core.engine")]
