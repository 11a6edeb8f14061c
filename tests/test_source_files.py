"""`refactor.reading.files`, `parse` and `cache`: which files belong to the project, their module names, decoding, parsing and the facts cache."""

from __future__ import annotations

import os
import sys

import pytest

from refactor.reading.cache import CACHE_DIR
from refactor.reading.files import SourceFile, discover, module_name
from refactor.reading.parse import decode, extract_file
from refactor.reading.reader import Reader
from tests.helpers import git, git_init, write_tree

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/mod.py": "import os\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/deep.py": "",
    "setup.py": "",
}
NOT_PROJECT = {
    ".venv/lib/python3.11/site-packages/dep.py": "",
    "venv/lib/dep.py": "",
    "build/lib/pkg/mod.py": "",
    "dist/pkg/mod.py": "",
    "pkg/__pycache__/mod.py": "",
    "node_modules/tool/x.py": "",
    "pkg.egg-info/x.py": "",
    ".tox/py311/x.py": "",
    "custom_env/lib/x.py": "",       # a virtualenv under any name: it has pyvenv.cfg
    "custom_env/pyvenv.cfg": "home = /usr\n",
    "pkg/data.txt": "not python",
}


@pytest.mark.parametrize("use_git", [pytest.param(False, id="walk"), pytest.param(True, id="git")])
def test_discover_skips_environments_build_output_and_caches(tmp_path, use_git):
    write_tree(tmp_path, {**PROJECT, **NOT_PROJECT})
    if use_git:
        git_init(tmp_path)
    found = [f.path for f in discover(tmp_path)]
    assert found == sorted(PROJECT)


def test_discover_in_git_respects_gitignore_and_skips_dot_git(tmp_path):
    write_tree(tmp_path, {**PROJECT, ".gitignore": "generated/\nscratch_*.py\n",
                          "generated/out.py": "", "scratch_1.py": "", "pkg/kept.py": ""})
    git_init(tmp_path)
    (tmp_path / ".git" / "hooks" / "hook.py").write_text("")
    git(tmp_path, "add", "pkg/__init__.py")  # tracked and untracked files both count
    found = [f.path for f in discover(tmp_path)]
    assert found == sorted([*PROJECT, "pkg/kept.py"])


def test_gitignore_means_nothing_outside_git(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", ".gitignore": "generated/\n", "generated/out.py": ""})
    assert [f.path for f in discover(tmp_path)] == ["generated/out.py", "pkg/__init__.py"]


@pytest.mark.parametrize("use_git", [pytest.param(False, id="walk"), pytest.param(True, id="git")])
def test_discover_skips_symlink_out_of_root_keeps_one_inside(tmp_path, use_git):
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    write_tree(root, {"pkg/__init__.py": "", "pkg/real.py": ""})
    write_tree(outside, {"foreign.py": "", "lib/thing.py": ""})
    os.symlink(outside / "foreign.py", root / "pkg" / "foreign.py")
    os.symlink(root / "pkg" / "real.py", root / "pkg" / "inner_link.py")
    os.symlink(outside / "lib", root / "pkg" / "linked_dir")
    if use_git:
        git_init(root)
    found = [f.path for f in discover(root)]
    assert found == ["pkg/__init__.py", "pkg/inner_link.py", "pkg/real.py"]


@pytest.mark.parametrize(("rel", "roots", "expected"), [
    pytest.param("app/mod.py", ["."], ("app.mod", False), id="flat-module"),
    pytest.param("app/__init__.py", ["."], ("app", True), id="flat-package"),
    pytest.param("app/sub/__init__.py", ["."], ("app.sub", True), id="flat-subpackage"),
    pytest.param("top.py", ["."], ("top", False), id="top-level-module"),
    pytest.param("src/app/mod.py", [".", "src"], ("app.mod", False), id="src-module"),
    pytest.param("src/app/__init__.py", [".", "src"], ("app", True), id="src-package"),
    pytest.param("tests/test_x.py", [".", "src"], ("tests.test_x", False), id="src-layout-tests-at-root"),
    pytest.param("lib/python/app/mod.py", ["lib/python/"], ("app.mod", False), id="configured-root-slash"),
])
def test_module_name(rel, roots, expected):
    assert module_name(rel, roots) == expected


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"src/app/__init__.py": "", "src/app/mod.py": ""},
                 [SourceFile("src/app/__init__.py", "app", True), SourceFile("src/app/mod.py", "app.mod", False)],
                 id="src-layout"),
    pytest.param({"src/__init__.py": "", "src/mod.py": ""},
                 [SourceFile("src/__init__.py", "src", True), SourceFile("src/mod.py", "src.mod", False)],
                 id="src-is-a-package"),
    pytest.param({"app/__init__.py": "", "app/mod.py": ""},
                 [SourceFile("app/__init__.py", "app", True), SourceFile("app/mod.py", "app.mod", False)],
                 id="flat-layout"),
])
def test_discover_module_names(tmp_path, files, expected):
    write_tree(tmp_path, files)
    assert discover(tmp_path) == expected


def test_discover_with_configured_source_roots(tmp_path):
    write_tree(tmp_path, {"code/app/__init__.py": "", "code/app/mod.py": ""})
    assert [f.module for f in discover(tmp_path, ["code"])] == ["app", "app.mod"]


# -- decoding -------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    pytest.param(b"x = '\xc3\xa9'\n", "x = 'é'\n", id="utf8"),
    pytest.param(b"\xef\xbb\xbfx = '\xc3\xa9'\n", "x = 'é'\n", id="utf8-bom"),
    pytest.param(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "# -*- coding: latin-1 -*-\nx = 'é'\n",
                 id="latin1-cookie"),
    pytest.param(b"#!/usr/bin/env python\n# coding=cp1252\nx = '\x80'\n",
                 "#!/usr/bin/env python\n# coding=cp1252\nx = '€'\n", id="cookie-on-line-2"),
])
def test_decode(data, expected):
    assert decode(data, "m.py") == expected


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(b"x = 1\ny = 2\nz = '\xff'\n", "pkg/m.py:3: not valid UTF-8", id="invalid-utf8-line-3"),
    pytest.param(b"# coding: no-such-codec\n", "pkg/m.py:1: cannot decode", id="unknown-codec"),
    pytest.param(b"\xef\xbb\xbf# coding: latin-1\n", "pkg/m.py:1: cannot decode", id="bom-disagrees-with-cookie"),
])
def test_decode_errors_name_path_and_line(data, message):
    with pytest.raises(ValueError) as caught:
        decode(data, "pkg/m.py")
    assert str(caught.value).startswith(message)


def test_extract_file_undecodable_is_an_error_value():
    facts = extract_file("pkg/m.py", "pkg.m", False, b"import os\nx = '\xff'\n")
    assert facts.error.startswith("pkg/m.py:2: not valid UTF-8")
    assert facts.imports == ()


# -- parsing --------------------------------------------------------------------------------

def test_extract_file_syntax_error_is_an_error_value():
    facts = extract_file("pkg/bad.py", "pkg.bad", False, b"import os\n\ndef broken(:\n    pass\n")
    assert facts.full and facts.imports == ()
    assert facts.error.startswith("pkg/bad.py:3: syntax error: ")


def test_scan_goes_on_after_a_bad_file(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/bad.py": "class X(:\n", "pkg/good.py": "import json\n"})
    files = discover(tmp_path)
    facts = Reader(tmp_path, files, cache=False).facts([f.path for f in files], full=True)
    assert facts["pkg/bad.py"].error.startswith("pkg/bad.py:1: syntax error")
    assert facts["pkg/good.py"].error is None
    assert [i.module for i in facts["pkg/good.py"].imports] == ["json"]


NEWER_SYNTAX = '''\
import json
from pkg import helpers

def show(d):
    return f"{d["k"]} and {json.dumps(d["v"])}"

type Alias = dict[str, int]

class Box[T]:
    def get[U](self, other: U) -> T:
        from pkg.inner import thing
        return thing

value = f"""{
    helpers.render(1)
}"""
after = 1
'''


def test_newer_syntax_is_read_through_libcst_lowering():
    facts = extract_file("pkg/new.py", "pkg.new", False, NEWER_SYNTAX.encode())
    assert facts.error is None
    assert facts.parser == ("libcst" if sys.version_info < (3, 12) else "ast")
    assert [(i.line, i.module, i.name, i.scope) for i in facts.imports] == [
        (1, "json", None, ""), (2, "pkg", "helpers", ""), (11, "pkg.inner", "thing", "get"),
    ]
    assert {(b.name, b.line, b.kind) for b in facts.bindings} >= {
        ("show", 4, "function"), ("Alias", 7, "assign"), ("Box", 9, "class"), ("value", 14, "assign"),
        ("after", 17, "assign"),
    }
    # references inside f-strings keep their own lines, also inside a multi-line one
    assert [(a.line, a.base, a.path) for a in facts.attributes] == [(5, "json", "dumps"), (15, "helpers", "render")]


def test_file_neither_parser_reads_keeps_the_ast_error():
    facts = extract_file("pkg/bad.py", "pkg.bad", False, b"x = f'{1'\nclass (:\n")
    assert facts.error is not None and facts.error.startswith("pkg/bad.py:")
    assert "syntax error" in facts.error


# -- the cache ------------------------------------------------------------------------------

def _reader(root):
    files = discover(root)
    return Reader(root, files, cache=True, jobs=1), [f.path for f in files]


def test_cache_parses_only_what_changed(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import os\n", "pkg/b.py": "import sys\n",
                          "pkg/c.py": "X = 1\n"})
    reader, paths = _reader(tmp_path)
    reader.facts(paths, full=True)
    assert reader.parsed == 4
    assert (tmp_path / CACHE_DIR / ".gitignore").exists()

    reader, paths = _reader(tmp_path)
    again = reader.facts(paths, full=True)
    assert reader.parsed == 0
    assert [i.module for i in again["pkg/a.py"].imports] == ["os"]

    (tmp_path / "pkg" / "b.py").write_text("import json\n")
    reader, paths = _reader(tmp_path)
    changed = reader.facts(paths, full=True)
    assert reader.parsed == 1
    assert [i.module for i in changed["pkg/b.py"].imports] == ["json"]


def test_cache_keeps_out_of_discovery_and_git(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import os\n"})
    git_init(tmp_path)
    reader, paths = _reader(tmp_path)
    reader.facts(paths, full=True)
    assert git(tmp_path, "status", "--porcelain", "--untracked-files=all").split() == [
        "??", "pkg/__init__.py", "??", "pkg/a.py"]


def test_without_cache_every_run_parses(tmp_path):
    write_tree(tmp_path, {"a.py": "import os\n"})
    for _ in range(2):
        reader = Reader(tmp_path, discover(tmp_path), cache=False)
        reader.facts(["a.py"], full=True)
        assert reader.parsed == 1
    assert not (tmp_path / CACHE_DIR).exists()


def test_parallel_parse_matches_serial(tmp_path):
    files = {f"pkg/m{i:03d}.py": f"from pkg import m{(i + 1) % 70:03d}\nclass C{i}:\n    x = {i}\n"
             for i in range(70)}
    write_tree(tmp_path, {"pkg/__init__.py": "", **files})
    found = discover(tmp_path)
    paths = [f.path for f in found]
    serial = Reader(tmp_path, found, cache=False, jobs=1).facts(paths, full=True)
    parallel = Reader(tmp_path, found, cache=False, jobs=2).facts(paths, full=True)
    assert parallel == serial
    assert serial["pkg/m069.py"].imports[0].name == "m000"


def test_light_facts_over_approximate_imports(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "from . import b, c as d\nimport os.path, json\n"})
    found = discover(tmp_path)
    light = Reader(tmp_path, found, cache=False).facts(["pkg/a.py"], full=False)["pkg/a.py"]
    assert not light.full
    assert set(light.imported_modules) == {"pkg", "pkg.b", "pkg.c", "os.path", "json"}


def test_search_is_a_byte_prefilter(tmp_path):
    write_tree(tmp_path, {"a.py": "class EngineX: pass\n", "b.py": "x = 1\n", "c.py": "Motor = 1\n"})
    reader = Reader(tmp_path, discover(tmp_path), cache=False)
    assert reader.search(["Engine", "Motor"], ["a.py", "b.py", "c.py"]) == ["a.py", "c.py"]
    assert reader.search([], ["a.py"]) == []


# -- the prefilter: a name only in a comment does not make a file worth parsing ---------------------------

@pytest.mark.parametrize("source, found", [
    pytest.param("# uses WebSocketManager for pushes\nx = 1\n", False, id="comment-only"),
    pytest.param("x = 1  # see WebSocketManager\n", False, id="trailing-comment"),
    pytest.param("from app.ws import WebSocketManager\n", True, id="import"),
    pytest.param('patch("app.ws.WebSocketManager")\n', True, id="string-target"),
    pytest.param('label = "# WebSocketManager"\n', True, id="hash-inside-a-string"),
    pytest.param("# WebSocketManager\nmanager = WebSocketManager()\n", True, id="comment-then-code"),
])
def test_search_ignores_names_that_only_appear_in_comments(tmp_path, source, found):
    (tmp_path / "m.py").write_text(source)
    files = discover(tmp_path)
    reader = Reader(tmp_path, files, cache=False)
    assert reader.search(["WebSocketManager"], ["m.py"]) == (["m.py"] if found else [])


def test_light_facts_in_worker_processes_equal_the_serial_ones(tmp_path):
    for index in range(1100):   # above the threshold for the parallel path
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / f"m{index}.py").write_text(f"import os\nfrom . import m{(index + 1) % 1100}\n")
    (tmp_path / "pkg" / "__init__.py").write_text("")
    files = discover(tmp_path)
    paths = [f.path for f in files]
    parallel = Reader(tmp_path, files, cache=False, jobs=2).facts(paths, full=False)
    serial = Reader(tmp_path, files, cache=False, jobs=1).facts(paths, full=False)
    assert parallel == serial
    assert parallel["pkg/m5.py"].imported_modules == ("os", "pkg", "pkg.m6")


def test_the_cache_lives_in_the_git_directory_of_a_repository_and_its_worktrees(tmp_path):
    import subprocess

    from refactor.reading.cache import cache_folder
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "__init__.py").write_text("")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q",
                    "--allow-empty", "-m", "init"], check=True)
    assert cache_folder(repo / "pkg") == (repo / ".git" / "refactor" / "cache").resolve()
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "-q", "--detach", str(tmp_path / "wt")], check=True)
    assert cache_folder(tmp_path / "wt") == (repo / ".git" / "refactor" / "cache").resolve()
    assert cache_folder(tmp_path / "plain") == (tmp_path / "plain" / CACHE_DIR).resolve()
    files = discover(repo)
    Reader(repo, files).facts([f.path for f in files], full=True)
    assert (repo / ".git" / "refactor" / "cache").is_dir() and not (repo / CACHE_DIR).exists()
