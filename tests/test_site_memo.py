"""`refactor.analysis.site_memo`: a file's sites are taken from the last run only while nothing they were
worked out from has changed; and what a warm run reports never depends on what earlier runs parsed."""

from __future__ import annotations

import os
import time

from refactor.analysis.graph import build_graph
from refactor.analysis.project import Project
from tests.helpers import write_tree

WORDS = {"Thing"}
PAIRS = {("pkg", "a")}


def graph_of(root, cache_dir, *, focus: bool = True):
    project = Project.load(root, cache_dir=cache_dir, cache=cache_dir is not None)
    if focus:
        project.widen_focus(WORDS, PAIRS)
    graph = build_graph(project, [f.path for f in project.files if f.path.startswith("app")])
    return project, sorted((s.path, s.line, s.kind, s.module, s.name, s.via) for s in graph.sites)


def edit(root, path: str, text: str) -> None:
    """Write `text` and date it in the past (a stat within the last two seconds is never trusted, so the
    change is seen either way: this makes the test not depend on the clock)."""
    target = root / path
    target.write_text(text)
    past = time.time() - 60
    os.utime(target, (past, past))


BASE = {
    "pkg/__init__.py": "from pkg.a import Thing\n",
    "pkg/a.py": "class Thing: ...\n",
    "pkg/b.py": "class Thing: ...\n",
    "pkg/star.py": "from pkg.a import *\n",
    "app/__init__.py": "",
    "app/one.py": "from pkg import Thing\n\ndef make():\n    return Thing()\n",
    "app/two.py": "from pkg.star import *\n\nlater = Other\n",
    "app/three.py": "from pkg.star import *\n\nother = Thing\n",
    "app/four.py": "import pkg\n\nname = pkg.sub.Thing\n",
}


def test_a_second_run_takes_every_site_from_the_memo_without_parsing(tmp_path):
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, BASE)
    _, first = graph_of(root, cache)
    project, second = graph_of(root, cache)
    assert second == first
    assert not any(p.startswith("app/") for p in project.parsed)   # not one app file was parsed or loaded


def before_and_after(tmp_path, change) -> tuple[list, list]:
    """The sites of `BASE` (a run that keeps them), and those of a second run after `change(root)`; that
    second run must agree with a run without any cache."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, BASE)
    _, before = graph_of(root, cache)
    change(root)
    _, warm = graph_of(root, cache)
    _, cold = graph_of(root, None)
    assert warm == cold
    return before, warm


def test_a_change_to_a_module_a_site_resolves_through_is_seen(tmp_path):
    _, after = before_and_after(tmp_path, lambda root: edit(root, "pkg/__init__.py", "from pkg.b import Thing\n"))
    assert ("app/one.py", 1, "from", "pkg", "Thing", ("pkg.b:Thing",)) in after


def test_a_change_behind_a_star_import_is_seen_by_every_file_reading_it(tmp_path):
    """Two files read names through the same star chain: the second (`two`) is answered from the project's
    own record of what the chain hands out, and still depends on every file of it."""
    before, after = before_and_after(tmp_path, lambda root: edit(root, "pkg/a.py", "class Thing: ...\nclass Other: ...\n"))
    assert [s for s in before if s[0] == "app/three.py" and s[2] == "star"]
    assert not [s for s in before if s[0] == "app/two.py" and s[4] == "Other"]
    assert ("app/two.py", 3, "star", "pkg.star", "Other", ("pkg.a:Other",)) in after


def test_a_new_file_changes_what_a_dotted_name_reads(tmp_path):
    before, after = before_and_after(tmp_path, lambda root: write_tree(root, {"pkg/sub.py": ""}))
    assert ("app/four.py", 3, "attribute", "pkg", "sub", ()) in before
    assert ("app/four.py", 3, "attribute", "pkg.sub", "Thing", ()) in after


def test_an_unrelated_edit_leaves_the_other_files_memo_in_use(tmp_path):
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, {**BASE, "lone.py": "x = 1\n"})
    graph_of(root, cache)
    edit(root, "lone.py", "x = 2\n")
    project, _ = graph_of(root, cache)
    assert not any(p.startswith("app/") for p in project.parsed)



def test_a_file_deleted_or_added_that_no_site_asked_about_leaves_the_memo_in_use(tmp_path):
    """Which files are which modules is part of what sites depend on only as far as a site asked: deleting
    `pkg/b.py` and adding `lone.py` re-resolves nothing (a stage that deletes a module keeps the memo)."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, BASE)
    _, before = graph_of(root, cache)
    (root / "pkg/b.py").unlink()
    write_tree(root, {"lone.py": "x = 1\n"})
    project, warm = graph_of(root, cache)
    assert not any(p.startswith("app/") for p in project.parsed)
    assert warm == before == graph_of(root, None)[1]


def test_deleting_a_module_a_site_asked_about_is_seen(tmp_path):
    """`app/three.py` reads `Thing` through `from pkg.star import *`, which takes it from `pkg.a`: with that
    file gone, the chain hands out nothing, and the kept site goes (the run agrees with one without cache)."""
    before, after = before_and_after(tmp_path, lambda root: (root / "pkg/a.py").unlink())
    assert [s for s in before if s[0] == "app/three.py" and s[2] == "star"]
    assert not [s for s in after if s[0] == "app/three.py" and s[2] == "star"]


def test_a_path_literal_follows_the_files_that_end_in_it(tmp_path):
    """`"tools/gen.py"`, written relative to somewhere else, names the one file whose path ends so: a second
    such file makes it name none, and the kept site goes with it."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, {**BASE, "app/paths.py": 'SOURCE = "tools/gen.py"\n', "scripts/tools/gen.py": ""})
    _, before = graph_of(root, cache)
    assert ("app/paths.py", 1, "path", "scripts.tools.gen", None, ()) in before
    write_tree(root, {"other/tools/gen.py": ""})
    _, warm = graph_of(root, cache)
    assert not [s for s in warm if s[0] == "app/paths.py"]
    assert warm == graph_of(root, None)[1]

WIDE = {
    "pkg/__init__.py": "",
    "pkg/a.py": "class Thing: ...\n",
    # `helper` mentions nothing of the search: a search leaves it unparsed, a whole parse reads its import
    "app/__init__.py": "",
    "app/use.py": "from pkg.a import Thing\n\n\ndef helper():\n    from pkg import missing\n    return missing\n",
}


def test_facts_parsed_whole_never_answer_a_search(tmp_path):
    """A file parsed whole (as `apply` does before editing) holds sites a search leaves out: a later
    search takes the facts it would parse itself, so warm and cold runs agree."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, WIDE)
    project, cold = graph_of(root, None)
    assert ("app/use.py", 5, "lazy", "pkg", "missing", ()) not in cold
    project, _ = graph_of(root, cache)
    project.complete(["app/use.py"])
    whole = Project.load(root, cache_dir=cache)
    assert "app/use.py" in {p for p, f in whole.parse(["app/use.py"]).items() if not f.skipped}
    _, warm = graph_of(root, cache)
    assert warm == cold


def test_facts_parsed_for_a_wider_search_never_answer_a_narrower_one(tmp_path):
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, WIDE)
    _, cold = graph_of(root, None)
    wide = Project.load(root, cache_dir=cache)
    wide.widen_focus(WORDS | {"missing"}, PAIRS)
    assert not wide.parse(["app/use.py"])["app/use.py"].skipped   # (the wider search parses `helper` too)
    _, warm = graph_of(root, cache)
    assert warm == cold


def test_a_file_found_not_to_parse_whole_has_no_sites_for_any_later_search(tmp_path):
    """A search that leaves out the part that does not parse reads the file; once a whole parse (as
    `apply` makes) finds the error, every later run takes the file as unparsable, memo or not."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, {**WIDE, "app/use.py": "from pkg.a import Thing\n\n\ndef helper(:\n    pass\n"})
    project, before = graph_of(root, cache)
    assert ("app/use.py", 1, "from", "pkg.a", "Thing", ()) in before
    project.complete(["app/use.py"])
    assert project.errors() == ["app/use.py:4: syntax error: invalid syntax"]
    project, after = graph_of(root, cache)
    assert not [s for s in after if s[0] == "app/use.py"]
    assert project.errors() == ["app/use.py:4: syntax error: invalid syntax"]


def test_what_a_whole_parse_found_is_kept_by_content(tmp_path):
    """`apply` asks, before each stage, which files that name the family do not parse: a file some run
    parsed whole as it is now is answered from the cache (nothing wrong, or its error), not parsed again."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    write_tree(root, {**WIDE, "app/bad.py": "from pkg.a import Thing\n\n\ndef helper(:\n    pass\n"})
    project, _ = graph_of(root, cache)
    assert Project.load(root, cache_dir=cache).reader.whole_outcomes(["app/use.py", "app/bad.py"]) == {}
    project.complete(["app/use.py", "app/bad.py"])
    reader = Project.load(root, cache_dir=cache).reader
    assert reader.whole_outcomes(["app/use.py", "app/bad.py"]) == {
        "app/use.py": "", "app/bad.py": "app/bad.py:4: syntax error: invalid syntax"}
    edit(root, "app/bad.py", "from pkg.a import Thing\n")
    assert Project.load(root, cache_dir=cache).reader.whole_outcomes(["app/bad.py"]) == {}
