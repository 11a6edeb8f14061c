"""`refactor init`: a starting plan from an audit, through the real CLI on real files."""

from __future__ import annotations

import re
import sys

import pytest

from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from tests.helpers import copy_fixture, git, git_init, run_cli, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CANONICAL = "app.websocket_core.unified_manager:UnifiedWebSocketManager"
COMMENTED_MAP = re.compile(r'^# ("[^"]+") = ("[^"]+")$', re.MULTILINE)

ENGINES = {
    "pkg/__init__.py": "",
    "pkg/core.py": """
        class Engine:
            def start(self):
                return 1
        """,
    "pkg/other.py": """
        class OtherEngine:
            def start(self):
                return 2

            def stop(self):
                return 0
        """,
    "pkg/old.py": """
        from pkg.core import Engine

        OldEngine = Engine


        class ThinEngine(Engine):
            pass
        """,
    "pkg/use.py": """
        from pkg.core import Engine
        from pkg.old import OldEngine
        from pkg.other import OtherEngine


        def go():
            from pkg.core import Engine as E
            return Engine, OldEngine, E, OtherEngine
        """,
    "tests/__init__.py": "",
    "tests/test_engine.py": """
        from pkg.core import Engine


        class FakeEngine(Engine):
            pass
        """,
}


def stage_shape(workspace: Workspace) -> list:
    return [(s.number, s.modules, s.delete_modules, [(d.ref, d.kind, d.status, d.replacement) for d in s.definitions])
            for s in workspace.schedule.stages]


@pytest.fixture
def websocket_copy(tmp_path):
    return copy_fixture("websocket_app", tmp_path) / "fixtures" / "websocket_app"


def test_init_proposes_the_canonical_and_fills_in_to_the_bundled_stages(websocket_copy, tmp_path):
    code, out = run_cli(["init", "--family", "*WebSocketManager*", "--name", "wsm",
                         "--exclude", "WebSocketManagerMode", "--root", str(websocket_copy)])
    assert code == 0, out
    assert f"Canonical (proposed): {CANONICAL} (59 import sites" in out
    assert "Runner-up: app.websocket_core.canonical_import_patterns:EnhancedWebSocketManager (5 import sites" in out
    written = websocket_copy / "plans" / "wsm.toml"
    text = written.read_text(encoding="utf-8")
    draft = load_plan(written)
    assert (str(draft.canonical), draft.root, draft.packages) == (CANONICAL, websocket_copy.resolve(), ("app",))
    assert (draft.exclude, draft.branch_prefix, draft.mapping) == (("WebSocketManagerMode",), "refactor/wsm", ())
    assert draft.test_command == ("python", "-m", "pytest", "-q")
    assert "# Runner-up: app.websocket_core.canonical_import_patterns:EnhancedWebSocketManager" in text

    # the decisions init leaves open are the ones the bundled plan makes, but for a class nothing ties to the
    # canonical (its `__new__` only raises): init sets it apart as a name match (the bundled plan, naming it
    # in [map], makes it a member)
    bundled = load_plan(tmp_path / "plans" / "websocket_manager.toml")
    offered = {key.strip('"'): value.strip('"') for key, value in COMMENTED_MAP.findall(text)}
    only_named = {"app.websocket_core.websocket_manager:_WebSocketManagerFactory"}
    assert set(offered) == {str(k) for k, _ in bundled.mapping} - only_named
    assert set(offered.values()) == {CANONICAL}
    for ref in only_named:
        assert re.search(rf"^#   {re.escape(ref)} +\w+ +name match only", text, re.MULTILINE), ref
    for key, value in bundled.mapping:
        text = re.sub(rf'^# "{re.escape(str(key))}" = .*$', f'"{key}" = "{value}"', text, flags=re.MULTILINE)
        if str(key) in only_named:   # (to count it in, the plan names it)
            text += f'"{key}" = "{value}"\n'

    filled = written.with_name("wsm-filled.toml")
    filled.write_text(text, encoding="utf-8")

    mine, theirs = Workspace.open(filled, cache=False), Workspace.open(bundled.path, cache=False)
    assert mine.plan.root == theirs.plan.root
    assert len(mine.schedule.stages) == 9
    assert stage_shape(mine) == stage_shape(theirs)


def test_init_lists_every_member_with_kind_and_status(websocket_copy):
    code, _ = run_cli(["init", "--family", "*WebSocketManager*", "--exclude", "WebSocketManagerMode",
                       "--root", str(websocket_copy), "--name", "wsm"])
    assert code == 0
    text = (websocket_copy / "plans" / "wsm.toml").read_text(encoding="utf-8")
    inventory = Workspace.open(websocket_copy / "plans" / "wsm.toml", cache=False).inventory
    for row in inventory.definitions:
        assert re.search(rf"^#   {re.escape(row.ref)} +{row.kind} ", text, re.MULTILINE), row.ref
    assert re.search(r"^#   app\.websocket_core\.types:WebSocketManagerType +alias +nothing to decide: ", text,
                     re.MULTILINE)
    assert "# WebSocketManagerAdapter: adapter, needs a decision" in text
    assert "# WebSocketManagerProtocol: protocol, needs a decision: typing.Protocol" in text
    assert "# EnhancedWebSocketManager: wrapper with substance, needs a decision" in text
    assert "# WebSocketManagerFactory: factory, needs a decision" in text


def test_init_says_how_to_make_it_the_default_plan(websocket_copy, monkeypatch):
    code, out = run_cli(["init", "--family", "*WebSocketManager*", "--root", str(websocket_copy), "--name", "wsm",
                         "--exclude", "WebSocketManagerMode"])
    assert code == 0
    assert '[tool.refactor]\n  plans = ["plans/wsm.toml"]' in out
    text = (websocket_copy / "plans" / "wsm.toml").read_text(encoding="utf-8")
    assert '#        [tool.refactor]\n#        plans = ["plans/wsm.toml"]' in text
    # the snippet, pasted into pyproject.toml, is what `refactor check` reads when no plan is named
    pyproject = websocket_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.refactor]\nplans = ["plans/wsm.toml"]\n')
    monkeypatch.chdir(websocket_copy)
    code, out = run_cli(["check", "--max", "11", "--no-cache"])
    assert (code, out.split(":")[0]) == (0, "OK wsm")


def test_init_refuses_to_overwrite_without_force(websocket_copy):
    argv = ["init", "--family", "*WebSocketManager*", "--root", str(websocket_copy), "--name", "wsm"]
    assert run_cli(argv)[0] == 0
    written = websocket_copy / "plans" / "wsm.toml"
    written.write_text("# edited by hand\n", encoding="utf-8")
    code, out = run_cli(argv)
    assert code == 2
    assert out.strip() == "error: plans/wsm.toml already exists: pass --force to overwrite it"
    assert written.read_text(encoding="utf-8") == "# edited by hand\n"
    code, _ = run_cli([*argv, "--force"])
    assert code == 0
    assert load_plan(written).name == "wsm"


def test_init_defaults_name_packages_and_skips_test_packages(tmp_path):
    root = write_tree(tmp_path / "repo", ENGINES)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)])
    assert code == 0, out
    plan = load_plan(root / "plans" / "engine.toml")
    assert (plan.name, plan.packages, plan.branch_prefix) == ("engine", ("pkg",), "refactor/engine")
    text = (root / "plans" / "engine.toml").read_text(encoding="utf-8")
    assert "FakeEngine" not in text   # tests/ is not scanned for definitions
    assert "# exclude = []" in text


def test_init_writes_nothing_but_the_plan_among_the_users_files(tmp_path):
    root = git_init(write_tree(tmp_path / "repo", ENGINES))
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)])
    assert code == 0, out
    assert sorted(git(root, "status", "--porcelain", "--untracked-files=all").splitlines()) == sorted(
        ["?? plans/engine.toml", *(f"?? {path}" for path in ENGINES)])
    assert (root / ".git" / "refactor" / "cache").is_dir()


def test_init_ranks_by_import_sites_and_sets_apart_what_only_the_name_ties(tmp_path):
    """OtherEngine shares the pattern and nothing else with the canonical: no base, no alias, nothing it
    builds or wraps. It is set apart with the line that says so in the plan; naming it in plan.family
    counts it in (then it needs a decision)."""
    root = write_tree(tmp_path / "repo", ENGINES)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)], width=300)
    assert code == 0
    # OtherEngine is tied to nothing: not a candidate, so there is nothing to rank
    assert ("Canonical (proposed): pkg.core:Engine (the only constructible class the family is tied to; "
            "1 method or attribute of its own)") in out
    assert "Runner-up: none" in out
    assert "Set apart (not members, not counted): 1 name match only" in out
    assert 'exclude = ["OtherEngine"]' in out
    text = (root / "plans" / "engine.toml").read_text(encoding="utf-8")
    assert re.search(r"^#   pkg\.other:OtherEngine +class +name match only", text, re.MULTILINE)
    code, out = run_cli(["init", "--family", "*Engine", "--family", "OtherEngine", "--root", str(root),
                         "--force"], width=300)
    text = (root / "plans" / "engine.toml").read_text(encoding="utf-8")
    assert "# OtherEngine: another implementation, needs a decision: implementation" in text
    assert '# "pkg.other:OtherEngine" = "pkg.core:Engine"' in text
    assert re.search(r"^#   pkg\.old:ThinEngine +wrapper +nothing to decide: subclass of Engine, adds nothing$",
                     text, re.MULTILINE)
    data = tomllib.loads(text)
    assert data["map"] == {}



def test_init_proposes_the_only_constructible_class_without_counting_sites(tmp_path):
    """Counting import sites ranks two or more candidates; with one (here Engine: OldEngine is an alias,
    ThinEngine adds nothing) there is nothing to rank, and the count, which needs every file that names
    the family parsed, is not made."""
    files = {path: text for path, text in ENGINES.items() if path != "pkg/other.py"}
    files["pkg/use.py"] = "from pkg.core import Engine\nfrom pkg.old import OldEngine\n"
    root = write_tree(tmp_path / "repo", files)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)], width=300)
    assert code == 0, out
    assert ("Canonical (proposed): pkg.core:Engine (the only constructible class the family is tied to; "
            "1 method or attribute of its own)") in out
    assert load_plan(root / "plans" / "engine.toml").canonical.module == "pkg.core"


def test_init_ranks_the_tied_candidates_by_import_sites(tmp_path):
    """Two classes the family is tied to (TurboEngine subclasses Engine and adds a method): the one more
    import sites resolve to is proposed, the other is the runner-up; OtherEngine, tied to nothing, is
    neither."""
    files = {**ENGINES, "pkg/turbo.py": "from pkg.core import Engine\n\n\nclass TurboEngine(Engine):\n"
                                        "    def boost(self):\n        return 3\n"}
    root = write_tree(tmp_path / "repo", files)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)], width=300)
    assert code == 0, out
    assert "Canonical (proposed): pkg.core:Engine (6 import sites resolve to it; 1 method or attribute of its own)" in out
    assert "Runner-up: pkg.turbo:TurboEngine (0 import sites resolve to it; 1 method or attribute of its own)" in out


def test_init_with_a_given_canonical(tmp_path):
    root = write_tree(tmp_path / "repo", ENGINES)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root), "--canonical", "pkg.other:OtherEngine"])
    assert code == 0, out
    assert "Canonical (given): pkg.other:OtherEngine" in out
    text = (root / "plans" / "engine.toml").read_text(encoding="utf-8")
    assert "# Canonical (given): pkg.other:OtherEngine." in text
    assert re.search(r"^#   pkg\.core:Engine +class +name match only", text, re.MULTILINE)


@pytest.mark.parametrize(("argv", "message"), [
    (["--canonical", "pkg.core:Missing"],
     "error: --canonical pkg.core:Missing: no class Missing defined in pkg/core.py"),
    (["--canonical", "pkg.core"], "error: --canonical: expected 'module:Name', got 'pkg.core'"),
    (["--packages", "nope"], "error: --packages: no package nope under"),
    (["--name", "no spaces"], "error: --name 'no spaces': use letters, digits"),
    (["--exclude", "a-b"], "error: --exclude 'a-b': not a name pattern"),
], ids=["canonical-missing", "canonical-malformed", "unknown-package", "bad-name", "bad-pattern"])
def test_init_bad_input_is_one_line_and_exit_2(tmp_path, argv, message):
    root = write_tree(tmp_path / "repo", ENGINES)
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root), *argv])
    assert code == 2
    assert out.startswith(message) and out.count("\n") == 1, out
    assert not (root / "plans").exists()


def test_init_family_matching_nothing(tmp_path):
    root = write_tree(tmp_path / "repo", ENGINES)
    code, out = run_cli(["init", "--family", "*Gearbox*", "--root", str(root)])
    assert code == 2
    assert "no definition matches *Gearbox* in pkg under" in out


def test_init_output_elsewhere_keeps_root_relative(tmp_path):
    root = write_tree(tmp_path / "repo", ENGINES)
    output = tmp_path / "elsewhere" / "engines.toml"
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root), "--output", str(output)])
    assert code == 0, out
    plan = load_plan(output)
    assert plan.root == root.resolve()
    assert 'root = "../repo"' in output.read_text(encoding="utf-8")
    assert not (root / "plans").exists()


def test_init_offers_a_decision_for_an_alias_of_something_missing(tmp_path):
    ghost = {"pkg/ghost.py": 'from pkg.gone import GhostEngine\n\n__all__ = ["GhostEngine"]\n'}
    root = write_tree(tmp_path / "repo", {**ENGINES, **ghost})
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(root)])
    assert code == 0, out
    text = (root / "plans" / "engine.toml").read_text(encoding="utf-8")
    assert "# GhostEngine: alias of something unresolvable, needs a decision" in text
    assert '# "pkg.ghost:GhostEngine" = "pkg.core:Engine"' in text


def test_init_asks_only_for_the_family_when_no_site_search_follows(tmp_path, monkeypatch):
    """One class can be the canonical: no site search follows, so git is not asked for what it would look
    for (modules' own names, such as `core`, are in nearly every file), and the placeholder canonical of
    the survey is never searched for. A plan's workspace, which searches for sites next, asks ahead."""
    from refactor.reading.reader import Reader

    searches = []
    real = Reader.search

    def recording(self, needles, paths, *args, **kwargs):
        needles = set(needles)
        searches.append((needles, kwargs.get("ahead", ((), ()))))
        return real(self, needles, paths, *args, **kwargs)

    monkeypatch.setattr(Reader, "search", recording)
    write_tree(tmp_path, {k: v for k, v in ENGINES.items() if k != "pkg/other.py"})
    code, out = run_cli(["init", "--family", "*Engine", "--root", str(tmp_path), "--no-cache"])
    assert code == 0, out
    assert "pkg.core:Engine" in out and searches
    assert all(not any(ahead) for _, ahead in searches), searches
    assert not any(any(n.startswith("__") for n in needles) for needles, _ in searches), searches
    searches.clear()
    assert Workspace.open(tmp_path / "plans" / "engine.toml", cache=False).inventory.definitions
    assert any(any(ahead) for _, ahead in searches), searches
