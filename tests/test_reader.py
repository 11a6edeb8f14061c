"""`refactor.reading.reader`: unchanged files are not read again, and every search path gives the same answer."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

from refactor.reading import files as files_module
from refactor.reading import reader as reader_module
from refactor.reading.cache import FactCache, cache_folder
from refactor.reading.chunks import Focus
from refactor.reading.files import discover
from refactor.reading.parse import extract_file
from refactor.reading.reader import _SURVEY_THRESHOLD, Reader
from tests.helpers import git, git_init, write_tree


def _reader(root, **options):
    return Reader(root, discover(root), **options)


def test_a_second_run_reads_only_what_changed_and_trusts_no_fresh_stat(tmp_path):
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import os\n", "pkg/b.py": "import sys\n"})
    git_init(tmp_path)
    paths = ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]
    first = _reader(tmp_path)
    first.facts(paths, full=False)
    assert first.read == 3
    del first                              # the snapshot is saved when the reader goes away
    time.sleep(2.1)                        # older than the window in which a stat cannot be trusted
    first = _reader(tmp_path)
    first.facts(paths, full=False)         # these stats are now old enough to be remembered
    del first

    again = _reader(tmp_path)
    light = again.facts(paths, full=False)
    assert again.read == 0
    assert light["pkg/a.py"].imported_modules == ("os",)

    # same size, same mtime, different bytes: the inode change time still tells
    b = tmp_path / "pkg" / "b.py"
    before = b.stat()
    b.write_text("import abc\n\n")
    b.write_text("import abc\n")
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert b.stat().st_size == before.st_size and b.stat().st_mtime_ns == before.st_mtime_ns
    changed = _reader(tmp_path)
    assert changed.facts(paths, full=False)["pkg/b.py"].imported_modules == ("abc",)
    assert changed.read == 1
    del changed

    racy = _reader(tmp_path)               # b.py changed a moment ago: its stat is not trusted yet
    racy.facts(paths, full=False)
    assert racy.read == 1


def test_a_throwaway_tree_leaves_no_snapshot(tmp_path):
    write_tree(tmp_path, {"a.py": "import os\n"})
    git_init(tmp_path)
    reader = _reader(tmp_path, remember_stats=False)
    reader.facts(["a.py"], full=False)
    del reader
    assert FactCache(cache_folder(tmp_path)).get_snapshot(str(tmp_path.resolve())) == {}
    kept = _reader(tmp_path)
    kept.facts(["a.py"], full=False)
    del kept
    assert set(FactCache(cache_folder(tmp_path)).get_snapshot(str(tmp_path.resolve()))) == {"a.py"}


def _git_asked(monkeypatch) -> list:
    """The needles each `git grep` of the test is asked for, in order (git still answers)."""
    asked = []
    real = reader_module.grep_files
    monkeypatch.setattr(reader_module, "grep_files",
                        lambda root, needles, **options: asked.append(needles) or real(root, needles, **options))
    return asked


def _many_files(root):
    """Enough files for the parallel and `git grep` paths, with the needle in code, comments and strings."""
    files = {f"pkg/m{i:04d}.py": f"import os\nX{i} = {i}\n" for i in range(_SURVEY_THRESHOLD + 40)}
    files.update({
        "pkg/__init__.py": "",
        "pkg/m0003.py": "from app import Engine\n",
        "pkg/m0010.py": "# Engine is mentioned only here\n",
        "pkg/m0020.py": 'patch("app.Engine")\n',
        "pkg/m0030.py": "x = 1  # Motor\n",
        "pkg/m0040.py": "label = '# Motor'\n",
        "pkg/m0050.py": "from app.core import widgets\n",           # a pair: both words present
        "pkg/m0060.py": "core = 1\n",                               # only the first word of the pair
    })
    return write_tree(root, files)


@pytest.mark.parametrize("where", ["git", "git-candidates-in-workers", "plain-parallel", "plain-serial"])
def test_every_search_path_gives_the_same_answer(tmp_path, where, monkeypatch):
    root = _many_files(tmp_path / "repo")
    if where.startswith("git"):
        git_init(root)
    if where == "git-candidates-in-workers":   # (git's candidates are read and searched in worker processes)
        monkeypatch.setattr(reader_module, "_SEARCH_THRESHOLD", 2)
    jobs = 1 if where == "plain-serial" else 2
    expected = ["pkg/m0003.py", "pkg/m0020.py", "pkg/m0040.py", "pkg/m0050.py"]
    paths = [f.path for f in discover(root)]
    fresh = _reader(root, cache=False, jobs=jobs)
    fresh.facts(paths, full=False)                 # every file hashed first: the search then reads them itself
    assert fresh.search(["Engine", "Motor"], paths, [("core", "widgets")]) == expected
    cold = _reader(root, cache=False, jobs=jobs)   # hashed and searched in the same pass
    assert cold.search(["Engine", "Motor"], paths, [("core", "widgets")]) == expected


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree", "ignored"])
def test_files_git_treats_specially_are_searched_as_they_are(tmp_path, flag):
    root = _many_files(tmp_path / "repo")
    git_init(root)
    hidden = root / "pkg" / "m0100.py"
    git(root, "add", "pkg/m0100.py")
    hidden.write_text("from app import Engine\n")
    if flag == "ignored":     # tracked, then matched by a .gitignore: `git grep --untracked` skips it
        (root / ".gitignore").write_text("m0100.py\n")
    else:                     # git may take the index's copy as the file
        git(root, "update-index", flag, "pkg/m0100.py")
    paths = [f.path for f in discover(root)]
    assert "pkg/m0100.py" in paths
    reader = _reader(root, cache=False, jobs=2)
    reader.facts(paths, full=False)
    assert reader.search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py", "pkg/m0100.py"]


def test_search_answers_are_cached_by_content(tmp_path):
    root = _many_files(tmp_path / "repo")
    git_init(root)
    paths = [f.path for f in discover(root)]
    assert _reader(root).search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    shutil.move(root / "pkg" / "m0003.py", root / "pkg" / "m9999.py")   # same bytes under another name
    paths = [f.path for f in discover(root)]
    again = _reader(root)
    assert again.search(["Engine"], paths) == ["pkg/m0020.py", "pkg/m9999.py"]


def _hashed_repository(tmp_path):
    """The paths of a git repository of many files, and a reader that has hashed them all."""
    root = _many_files(tmp_path / "repo")
    git_init(root)
    paths = [f.path for f in discover(root)]
    reader = _reader(root, cache=False, jobs=2)
    reader.facts(paths, full=False)
    return paths, reader


def test_a_search_asked_ahead_is_answered_from_the_same_git_run(tmp_path, monkeypatch):
    paths, reader = _hashed_repository(tmp_path)
    asked = _git_asked(monkeypatch)
    assert reader.search(["Engine"], paths, ahead=(["Motor"], [("core", "widgets")])) == \
        ["pkg/m0003.py", "pkg/m0020.py"]
    # covered by what git was asked: no second run, and the same answer as a reader that asks afresh
    assert reader.search(["Motor", "AMotorB"], paths, [("core", "widgets")]) == ["pkg/m0040.py", "pkg/m0050.py"]
    assert reader.search(["MotorEngine"], paths) == []
    assert len(asked) == 1
    assert reader.search(["widgets"], paths) == ["pkg/m0050.py"]   # not covered: git is asked
    assert len(asked) == 2
    _, fresh = _hashed_repository(tmp_path / "again")
    assert fresh.search(["Motor", "AMotorB"], paths, [("core", "widgets")]) == ["pkg/m0040.py", "pkg/m0050.py"]


def test_a_damaged_snapshot_reads_as_none(tmp_path):
    write_tree(tmp_path, {"a.py": "import os\n"})
    git_init(tmp_path)
    reader = _reader(tmp_path)
    reader.facts(["a.py"], full=False)
    del reader
    (snapshot,) = cache_folder(tmp_path).glob("snapshot-*")
    snapshot.write_bytes(b"\x00not marshal")
    assert FactCache(cache_folder(tmp_path)).get_snapshot(str(tmp_path.resolve())) == {}
    again = _reader(tmp_path)
    assert again.facts(["a.py"], full=False)["a.py"].imported_modules == ("os",)
    assert again.read == 1


def test_work_handed_over_for_a_wait_runs_once_while_git_searches(tmp_path):
    paths, reader = _hashed_repository(tmp_path)
    ran = []
    reader.when_waiting(lambda: ran.append(reader.search(["Motor"], ["pkg/m0030.py", "pkg/m0040.py"])))
    assert reader.search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    assert ran == [["pkg/m0040.py"]]                 # (it may use the reader: git is another process)
    reader.search(["widgets"], paths)
    assert len(ran) == 1


def test_a_search_adding_only_words_that_hold_a_searched_word_is_answered_as_that_search(tmp_path, monkeypatch):
    """Where `Engine` is not, neither is `AEngine`: the answers kept for `Engine` answer `Engine` and
    `AEngine`, with no file read and git not asked."""
    root = _many_files(tmp_path / "repo")
    git_init(root)
    paths = [f.path for f in discover(root)]
    assert _reader(root).search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    asked = _git_asked(monkeypatch)
    again = _reader(root)
    again.facts(paths, full=False)   # (hashed first: what the search reads is counted apart)
    read = again.read
    assert again.search(["AEngine", "Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    assert again.read == read and asked == []
    assert again.search(["Motor"], paths) == ["pkg/m0040.py"]   # (a search of its own)
    assert len(asked) == 1


def test_a_search_a_kept_wider_one_covers_reads_only_what_that_one_matched(tmp_path, monkeypatch):
    """A later search for less (`Engine` after `Engine`, `Motor` and the module `core.widgets`) needs no
    answer of its own for the files where the wider one found nothing: only the files it matched are read,
    and git is not asked."""
    root = _many_files(tmp_path / "repo")
    git_init(root)
    paths = [f.path for f in discover(root)]
    assert _reader(root).search(["Engine", "Motor"], paths, [("core", "widgets")]) == \
        ["pkg/m0003.py", "pkg/m0020.py", "pkg/m0040.py", "pkg/m0050.py"]
    asked = _git_asked(monkeypatch)
    again = _reader(root)
    again.facts(paths, full=False)   # (hashed first: what the search reads is counted apart)
    read = again.read
    assert again.search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    assert again.read - read == 4 and asked == []
    # what this search found is kept as its own answer: the next run reads nothing
    assert _reader(root).search(["Engine"], paths) == ["pkg/m0003.py", "pkg/m0020.py"]
    # a search the wider one does not cover is answered afresh
    assert again.search(["Knob"], paths) == [] and asked


def test_git_is_asked_only_when_much_of_the_tree_is_left_to_search(tmp_path, monkeypatch):
    """git reads every file of the folders it searches: for a search left with a small share of the tree (the
    rest answered by earlier runs), reading that share is cheaper."""
    files = {f"pkg/m{i:04d}.py": f"X{i} = {i}\n" for i in range(5 * _SURVEY_THRESHOLD)}
    files.update({"pkg/__init__.py": "", "pkg/m0003.py": "from app import Engine\n"})
    root = write_tree(tmp_path / "repo", files)
    git_init(root)
    paths = sorted(f.path for f in discover(root))
    asked = _git_asked(monkeypatch)
    known = len(paths) - _SURVEY_THRESHOLD - 1   # the search is left with more files than the threshold ...
    for share, asked_then in ((paths[:known], 1), (paths, 1)):
        reader = _reader(root)
        reader.facts(paths, full=False)   # (every file hashed first: the search is left to search them)
        assert reader.search(["Engine"], share) == ["pkg/m0003.py"]
        assert len(asked) == asked_then   # ... but with under a quarter of the tree


def test_git_searches_only_the_folders_of_the_files_asked_about(tmp_path, monkeypatch):
    root = _many_files(tmp_path / "repo")
    write_tree(root, {"other/m.py": "from app import Engine\n", "top.py": "Engine = 1\n"})
    git_init(root)
    paths = [f.path for f in discover(root)]
    in_pkg = [p for p in paths if p.startswith("pkg/")]
    scopes = []
    real = reader_module.grep_files
    monkeypatch.setattr(reader_module, "grep_files", lambda root, needles, **options: scopes.append(
        options.get("under")) or real(root, needles, **options))
    reader = _reader(root, cache=False, jobs=2)
    reader.facts(paths, full=False)
    assert reader.search(["Engine"], in_pkg) == ["pkg/m0003.py", "pkg/m0020.py"]
    assert scopes == [{"pkg"}]
    # the whole tree: that answer does not cover `other/` or the top level, so git is asked again
    assert reader.search(["Engine"], paths) == ["other/m.py", "pkg/m0003.py", "pkg/m0020.py", "top.py"]
    assert scopes == [{"pkg"}, None]
    assert reader.search(["Engine"], in_pkg) == ["pkg/m0003.py", "pkg/m0020.py"]   # (covered by the last)
    assert len(scopes) == 2
    # every folder that holds files: the whole tree is searched, as it is named most simply
    folders = [p for p in paths if "/" in p]
    assert reader.search(["Motor"], folders) == ["pkg/m0040.py"] and scopes[-1] is None


def test_a_folder_git_is_limited_to_is_taken_literally(tmp_path):
    """A folder's name is not a pattern (`a[b]` is not `ab`), and a root below the work tree's top
    names its own folders."""
    write_tree(tmp_path, {"sub/a[b]/m.py": "Engine\n", "sub/ab/m.py": "Engine\n", "sub/a*/m.py": "Engine\n",
                          "ab/m.py": "Engine\n"})
    git_init(tmp_path)
    root = tmp_path / "sub"
    assert files_module.grep_files(root, [b"Engine"], under={"a[b]"}) == {"a[b]/m.py"}
    assert files_module.grep_files(root, [b"Engine"], under={"a*", "ab"}) == {"a*/m.py", "ab/m.py"}
    assert files_module.grep_files(root, [b"Engine"]) == {"a[b]/m.py", "a*/m.py", "ab/m.py"}


def test_facts_held_for_a_narrower_focus_serve_unread_where_git_found_none_of_the_new_words(tmp_path, monkeypatch):
    root = _many_files(tmp_path / "repo")
    write_tree(root, {
        "pkg/user.py": "from app import Engine\n\n\ndef uses():\n    return Engine\n\n\ndef other():\n    return 1\n",
        "pkg/motor.py": "from app import Engine\n\n\ndef uses():\n    return Engine\n\n\ndef other():\n    return Motor\n",
    })
    git_init(root)
    paths = [f.path for f in discover(root)]
    reader = _reader(root, cache=False, jobs=1)
    reader.facts(paths, full=False)
    held = reader.facts(["pkg/user.py", "pkg/motor.py"], full=True, focus=Focus(["Engine"]))
    assert held["pkg/user.py"].skipped and held["pkg/motor.py"].skipped
    assert "pkg/motor.py" in reader.search(["Motor"], paths)   # git was asked: user.py holds no `Motor`
    looked = []
    real = Focus.serves_as_well
    monkeypatch.setattr(Focus, "serves_as_well", lambda self, key, data: looked.append(data) or real(self, key, data))
    parsed = reader.parsed
    wider = reader.facts(["pkg/user.py", "pkg/motor.py"], full=True, focus=Focus(["Engine", "Motor"]), held=held)
    assert wider["pkg/user.py"].skipped == held["pkg/user.py"].skipped   # served as it was, unread
    assert wider["pkg/motor.py"].function_named("other") is not None    # `Motor` is in it: parsed again
    assert looked == [(root / "pkg" / "motor.py").read_bytes()] and reader.parsed == parsed + 1


def test_files_are_parsed_in_batches_of_about_equal_size_the_largest_first():
    sizes = [900, 10, 10, 10, 400, 400, 10, 300, 5, 5]
    items = [f"f{i}" for i in range(len(sizes))]
    batches = reader_module._balanced(items, sizes, 3)
    assert sorted(item for batch in batches for item in batch) == sorted(items)
    size = dict(zip(items, sizes))
    totals = [sum(size[i] for i in batch) for batch in batches]
    assert totals == sorted(totals, reverse=True) and totals[0] == 900   # (no batch holds more than the largest file)
    assert batches[0] == ["f0"]
    assert reader_module._balanced(items[:2], sizes[:2], 8) == [["f0"], ["f1"]]   # (no empty batch)
    assert reader_module._balanced([], [], 4) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_whether_files_parse_whole_is_found_once_and_kept_by_content(tmp_path, jobs, monkeypatch):
    files = {f"pkg/m{i:03d}.py": f"def f{i}():\n    return {i}\n" for i in range(reader_module._PARALLEL_FILES + 8)}
    files["pkg/m007.py"] = "def broken(:\n    pass\n"
    files["pkg/m011.py"] = "x = 1\n\n\ndef later():\n    return (\n"
    files["pkg/m013.py"] = "rows = [{'a': 1}]\nshown = [f'{r['a']}' for r in rows]\n"   # 3.12 syntax: it parses
    write_tree(tmp_path, files)
    paths = sorted(files)
    expected = {p: extract_file(p, "", False, (tmp_path / p).read_bytes()).error for p in ("pkg/m007.py", "pkg/m011.py")}
    assert all(expected.values())
    reader = _reader(tmp_path, jobs=jobs)
    assert reader.whole_errors(paths) == expected    # (the words `extract_file` has for them)
    del reader
    monkeypatch.setattr(reader_module, "whole_error", lambda *args: pytest.fail("parsed again"))
    again = _reader(tmp_path, jobs=1)
    assert again.whole_errors(paths) == expected     # kept: nothing parsed
    assert again.unparsable(paths) == expected       # (the outcomes every run shares)


def test_a_cache_opened_in_one_thread_serves_another(tmp_path):
    """`apply` opens the next stage's workspace before the tests start and plans in a thread of its own:
    the cache it opened must read and write there (not answer every question as a miss)."""
    opened = FactCache(tmp_path / "cache")
    outcome: list = []
    worker = threading.Thread(target=lambda: (opened.put_outcomes({"key": ""}),
                                              outcome.append(opened.get_outcomes(["key", "other"]))))
    worker.start()
    worker.join()
    assert outcome == [{"key": ""}]
    assert FactCache(tmp_path / "cache").get_outcomes(["key"]) == {"key": ""}   # (written for good)


def _remembered(root, paths):
    """A tree whose stats the cache trusts: read twice, the second time with stats older than the window."""
    git_init(root)
    for _ in range(2):
        reader = _reader(root)
        reader.facts(paths, full=False)
        del reader
        time.sleep(2.1)


def _changed(path):
    """Rewrite `path` with other bytes of the same size and put its times back (only the inode's change
    time tells)."""
    before = os.stat(path)
    path.write_text(path.read_text().replace("os", "re"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_the_stats_discover_took_serve_only_a_first_pass_that_starts_at_once(tmp_path, monkeypatch):
    paths = ["a.py", "b.py"]
    write_tree(tmp_path, {"a.py": "import os\n", "b.py": "import os\n"})
    _remembered(tmp_path, paths)
    stats: dict = {}
    files = discover(tmp_path, (), stats)
    assert set(stats) == set(paths)
    reader = Reader(tmp_path, files, stats=stats)
    assert reader.read == 0 and reader.facts(["a.py"], full=False)["a.py"].imported_modules == ("os",)
    _changed(tmp_path / "b.py")   # after the first pass: b.py's stat is taken anew
    assert reader.facts(["b.py"], full=False)["b.py"].imported_modules == ("re",)

    stats = {}
    files = discover(tmp_path, (), stats)
    _changed(tmp_path / "a.py")   # after discover took its stat
    monkeypatch.setattr(reader_module, "_STATS_FRESH", 0.0)   # (the first pass starts too late for them)
    late = Reader(tmp_path, files, stats=stats)
    time.sleep(0.01)
    assert late.facts(["a.py"], full=False)["a.py"].imported_modules == ("re",)
