"""`refactor.planning.schedule.make_schedule` on hand-built data: no files, no parsing.

Every input is built directly (`Definition`, `Inventory`, `Site`, `ImportGraph`, `ModuleInfo`), so each
test states exactly the situation it checks: which module defines what, which file refers to what, and
what the plan must then say about stages, edits, deletions, tests and exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from codemods.framework.spec import Rename
from refactor.analysis.graph import ImportGraph, Site
from refactor.analysis.inventory import CLASS_KINDS, Definition, Inventory
from refactor.analysis.module_graph import ModuleGraph
from refactor.analysis.module_info import ModuleInfo
from refactor.planning.schedule import Schedule, make_schedule
from refactor.reading.facts import TopStatement

CANONICAL = "pkg.core:Engine"
PACKAGES = {"pkg", "pkg.sub", "tests"}

# -- builders ------------------------------------------------------------------------------------------


def path_for(module: str) -> str:
    return module.replace(".", "/") + ("/__init__.py" if module in PACKAGES else ".py")


def module_for(path: str) -> str:
    stem = path[: -len(".py")]
    return stem[: -len("/__init__")].replace("/", ".") if stem.endswith("/__init__") else stem.replace("/", ".")


CANONICAL_ROW = Definition("pkg.core", "Engine", "class", 1, "pkg/core.py", CANONICAL, "implementation",
                           True, "canonical", CANONICAL, end_line=5)


def member(module: str, name: str, *, kind: str = "alias", line: int = 3, end_line: int = 0,
           status: str = "replace", replacement: str | None = CANONICAL, reexport: bool = False,
           chain: tuple[str, ...] = ()) -> Definition:
    """A family member; class-like kinds are separate class objects (they count in `distinct`)."""
    resolves = CANONICAL if kind == "alias" else f"{module}:{name}"
    return Definition(module, name, kind, line, path_for(module), resolves, f"{kind} made by hand",
                      kind in CLASS_KINDS, status, replacement, reexport, chain, end_line)


def inventory(*rows: Definition) -> Inventory:
    return Inventory("hand-made", CANONICAL, (CANONICAL_ROW, *rows), ())


def info(module: str, *statements: tuple[int, str, tuple[str, ...]], exports: Iterable[str] = (),
         public: Iterable[str] | None = None, origins: Mapping[str, str] | None = None,
         uses: Mapping[str, tuple[int, ...]] | None = None) -> ModuleInfo:
    exports = frozenset(exports)
    return ModuleInfo(
        module=module, path=path_for(module), is_package=module in PACKAGES, exports=exports,
        toplevel=tuple(TopStatement(line, kind, names) for line, kind, names in statements),
        public=exports if public is None else frozenset(public),
        origins=tuple(sorted((origins or {}).items())),
        uses=tuple(sorted((uses or {}).items())),
    )


def emptied(module: str, *names: str) -> ModuleInfo:
    """A module holding only an import of the canonical and its family definitions (`X = Engine`)."""
    statements = [(1, "import", ())] + [(3 + i, "assign", (n,)) for i, n in enumerate(names)]
    return info(module, *statements, exports={"Engine", *names}, public=set(names))


def site(path: str, line: int, module: str, name: str | None, kind: str = "from", scope: str = "") -> Site:
    text = f"import {module}" if name is None else f"from {module} import {name}"
    return Site(path, line, kind, module, name, scope, text)


def graph(sites: Iterable[Site], edges: Mapping[str, set[str]] | None = None,
          modules: Iterable[str] = ()) -> ImportGraph:
    sites = list(sites)
    edges = {k: set(v) for k, v in (edges or {}).items()}
    known = set(modules) | {s.module for s in sites} | {module_for(s.path) for s in sites} | set(edges)
    known |= {m for targets in edges.values() for m in targets}
    return ImportGraph(sites, ModuleGraph(edges, {path_for(m): m for m in known}, {m: path_for(m) for m in known}))


def plan(rows: Iterable[Definition], sites: Iterable[Site], modules: Iterable[ModuleInfo],
         edges: Mapping[str, set[str]] | None = None) -> Schedule:
    infos = {m.module: m for m in modules}
    return make_schedule(inventory(*rows), graph(sites, edges, infos), infos)


def order(result: Schedule) -> list[tuple[str, ...]]:
    return [stage.modules for stage in result.stages]


def stage_of(result: Schedule, module: str):
    (found,) = [s for s in result.stages if module in s.modules]
    return found


def edit_rows(stage) -> list[tuple[str, int, str | None]]:
    return [(e.site.path, e.site.line, e.replacement) for e in stage.edits]


# -- one redundant module ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "before", "after"), [
    pytest.param("alias", 1, 1, id="alias-is-not-a-class"),
    pytest.param("wrapper", 2, 1, id="wrapper-is-a-class"),
])
def test_one_redundant_module_is_one_stage(kind, before, after):
    old = member("pkg.old", "OldEngine", kind=kind)
    result = plan(
        [old],
        [site("pkg/old.py", 1, "pkg.core", "Engine"),           # the redundant module's own import: kept
         site("pkg/user.py", 4, "pkg.old", "OldEngine")],
        [emptied("pkg.old", "OldEngine"), info("pkg.user", (4, "import", ()))],
    )
    assert result.distinct == before
    (stage,) = result.stages
    assert stage.number == 1
    assert stage.modules == ("pkg.old",)
    assert stage.delete_modules == ("pkg.old",)
    assert stage.definitions == (old,)
    assert edit_rows(stage) == [("pkg/user.py", 4, "pkg.core:Engine")]
    assert stage.renames == (Rename("pkg.old", "OldEngine", "pkg.core", "Engine"),)
    assert stage.files == ("pkg/old.py", "pkg/user.py")
    assert (stage.distinct_before, stage.distinct_after) == (before, after)
    assert stage.blocked == () and stage.findings == ()
    assert stage.depends_on == ()
    assert stage.sites_by_kind == {"from": 1}


@pytest.mark.parametrize(("statement", "deleted"), [
    pytest.param((9, "def", ("helper",)), False, id="def"),
    pytest.param((9, "class", ("Other",)), False, id="class"),
    pytest.param((9, "assign", ("LIMIT",)), False, id="assign"),
    pytest.param((9, "other", ()), False, id="other-statement"),
    pytest.param((9, "logger", ("log",)), True, id="logger"),
    pytest.param((9, "all", ("__all__",)), True, id="all"),
    pytest.param((9, "pass", ()), True, id="pass"),
    pytest.param((0, "docstring", ()), True, id="docstring"),
])
def test_a_module_is_deleted_only_when_nothing_of_substance_is_left(statement, deleted):
    base = emptied("pkg.old", "OldEngine")
    old_info = ModuleInfo(base.module, base.path, False, base.exports, (*base.toplevel, TopStatement(*statement)))
    result = plan(
        [member("pkg.old", "OldEngine"), member("pkg.gone", "GoneEngine")],
        [site("pkg/user.py", 1, "pkg.old", None, kind="import"), site("pkg/user.py", 2, "pkg.gone", None, "import")],
        [old_info, emptied("pkg.gone", "GoneEngine")],
    )
    assert stage_of(result, "pkg.gone").delete_modules == ("pkg.gone",)   # the control: emptied, deleted
    old = stage_of(result, "pkg.old")
    assert old.delete_modules == (("pkg.old",) if deleted else ())
    # `import pkg.old` moves to the canonical module only when pkg.old goes; otherwise nothing to edit
    expected = [("pkg/user.py", 1, "pkg.core")] if deleted else []
    assert edit_rows(old) == expected


# -- ordering ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["from", "lazy", "type_checking", "try_except", "attribute"])
def test_a_module_goes_before_the_redundant_module_it_depends_on(kind):
    """pkg.zeta imports pkg.alpha's member. By blast radius (zeta has more sites) and by name, alpha
    would go first; the dependency must win: zeta goes first, so alpha is never deleted under it."""
    scope = "f" if kind == "lazy" else ""
    result = plan(
        [member("pkg.alpha", "AlphaEngine"), member("pkg.zeta", "ZetaEngine")],
        [site("pkg/zeta.py", 2, "pkg.alpha", "AlphaEngine", kind, scope)]
        + [site(f"pkg/user{i}.py", 1, "pkg.zeta", "ZetaEngine") for i in range(3)],
        [emptied("pkg.alpha", "AlphaEngine"), emptied("pkg.zeta", "ZetaEngine")],
    )
    assert order(result) == [("pkg.zeta",), ("pkg.alpha",)]
    zeta, alpha = result.stages
    assert zeta.depends_on == ("pkg.alpha",) and alpha.depends_on == ()
    # zeta's file is gone after stage 1: stage 2 has nothing left to rewrite in it
    assert all(e.site.path != "pkg/zeta.py" for e in alpha.edits)
    assert alpha.edits == ()


def test_without_the_dependency_the_smaller_module_goes_first():
    """The control for the test above: same sites minus the dependency, and alpha goes first."""
    result = plan(
        [member("pkg.alpha", "AlphaEngine"), member("pkg.zeta", "ZetaEngine")],
        [site("pkg/other.py", 2, "pkg.alpha", "AlphaEngine")]
        + [site(f"pkg/user{i}.py", 1, "pkg.zeta", "ZetaEngine") for i in range(3)],
        [emptied("pkg.alpha", "AlphaEngine"), emptied("pkg.zeta", "ZetaEngine")],
    )
    assert order(result) == [("pkg.alpha",), ("pkg.zeta",)]


def test_a_two_module_cycle_is_one_stage():
    a, b, c = member("pkg.a", "AEngine"), member("pkg.b", "BEngine"), member("pkg.c", "CEngine")
    result = plan(
        [a, b, c],
        [site("pkg/a.py", 2, "pkg.b", "BEngine"),
         site("pkg/b.py", 9, "pkg.a", "AEngine", kind="lazy", scope="make"),
         site("pkg/user.py", 1, "pkg.c", "CEngine"),
         site("pkg/user.py", 2, "pkg.a", "AEngine")],
        [emptied("pkg.a", "AEngine"), emptied("pkg.b", "BEngine"), emptied("pkg.c", "CEngine")],
    )
    assert order(result) == [("pkg.c",), ("pkg.a", "pkg.b")]
    cycle = result.stages[1]
    assert cycle.number == 2
    assert cycle.definitions == (a, b)
    assert cycle.delete_modules == ("pkg.a", "pkg.b")
    assert cycle.depends_on == ()
    # the references inside the cycle die with its files; only the outside user is rewritten
    assert edit_rows(cycle) == [("pkg/user.py", 2, "pkg.core:Engine")]


def test_ties_go_by_blast_radius_then_files_then_name():
    """a: 2 sites in 2 files; d: 2 sites in 1 file; b and c: 1 site each. -> b, c, d, a."""
    names = {"a": "AEngine", "b": "BEngine", "c": "CEngine", "d": "DEngine"}
    sites = [site("pkg/u1.py", 1, "pkg.a", "AEngine"), site("pkg/u2.py", 1, "pkg.a", "AEngine"),
             site("pkg/u1.py", 5, "pkg.d", "DEngine"), site("pkg/u1.py", 6, "pkg.d", "DEngine", "lazy", "f"),
             site("pkg/u3.py", 1, "pkg.c", "CEngine"), site("pkg/u4.py", 1, "pkg.b", "BEngine")]
    result = plan([member(f"pkg.{m}", n) for m, n in names.items()], sites,
                  [emptied(f"pkg.{m}", n) for m, n in names.items()])
    assert order(result) == [("pkg.b",), ("pkg.c",), ("pkg.d",), ("pkg.a",)]
    assert [s.number for s in result.stages] == [1, 2, 3, 4]


# -- members without a replacement -------------------------------------------------------------------


def test_a_used_member_without_replacement_blocks_its_stage():
    legacy = member("pkg.legacy", "LegacyEngine", kind="class", status="needs decision", replacement=None)
    result = plan([legacy], [site("pkg/user.py", 7, "pkg.legacy", "LegacyEngine")],
                  [emptied("pkg.legacy", "LegacyEngine")])
    (stage,) = result.stages
    (reason,) = stage.blocked
    assert "pkg.legacy:LegacyEngine" in reason and "pkg/user.py:7" in reason and "needs a decision" in reason
    assert edit_rows(stage) == [("pkg/user.py", 7, None)]
    assert stage.findings == ("pkg/user.py:7: pkg.legacy:LegacyEngine (class) has no replacement: needs a decision",)
    assert stage.renames == ()


def test_a_member_without_replacement_used_in_its_own_kept_module_blocks_too():
    legacy = member("pkg.legacy", "LegacyEngine", kind="class", line=3, end_line=6, status="needs decision",
                    replacement=None)
    kept = info("pkg.legacy", (1, "import", ()), (3, "class", ("LegacyEngine",)), (9, "def", ("build",)),
                exports={"LegacyEngine", "build"}, uses={"LegacyEngine": (3, 10)})
    (stage,) = plan([legacy], [], [kept]).stages
    (reason,) = stage.blocked
    assert "pkg/legacy.py:10" in reason and "pkg/legacy.py:3" not in reason


def test_an_unused_member_without_replacement_still_blocks():
    # nothing here uses it, but code elsewhere (a library's users) may: never deleted without a decision
    legacy = member("pkg.legacy", "LegacyEngine", kind="class", status="needs decision", replacement=None)
    other = member("pkg.legacy", "OldEngine", line=9)
    result = plan([legacy, other], [site("pkg/user.py", 7, "pkg.legacy", "OldEngine")],
                  [emptied("pkg.legacy", "LegacyEngine", "OldEngine")])
    (stage,) = result.stages
    (reason,) = stage.blocked
    assert reason.startswith("pkg.legacy:LegacyEngine (class") and "not referenced in this repository" in reason
    assert "[map]" in reason and "plan.keep" in reason
    assert stage.definitions == (legacy, other)
    assert edit_rows(stage) == [("pkg/user.py", 7, "pkg.core:Engine")]


# -- other names in deleted modules ------------------------------------------------------------------


def test_a_non_family_name_from_a_deleted_module_goes_where_it_lives():
    old = info("pkg.old", (1, "import", ()), (2, "import", ()), (3, "assign", ("OldEngine",)),
               exports={"Engine", "helper", "mystery", "OldEngine"},
               origins={"helper": "pkg.util:helper", "Engine": CANONICAL})
    result = plan([member("pkg.old", "OldEngine")],
                  [site("pkg/user.py", 1, "pkg.old", "helper"), site("pkg/user.py", 2, "pkg.old", "mystery"),
                   site("pkg/user.py", 3, "pkg.old", "OldEngine")],
                  [old])
    (stage,) = result.stages
    assert stage.delete_modules == ("pkg.old",)
    assert edit_rows(stage) == [("pkg/user.py", 1, "pkg.util:helper"), ("pkg/user.py", 2, None),
                                ("pkg/user.py", 3, "pkg.core:Engine")]
    assert "cannot be decided" in stage.edits[1].note
    assert Rename("pkg.old", "helper", "pkg.util", "helper") in stage.renames


def test_a_non_family_name_from_a_kept_module_is_left_alone():
    kept = info("pkg.old", (1, "import", ()), (3, "assign", ("OldEngine",)), (5, "def", ("helper",)),
                exports={"Engine", "helper", "OldEngine"})
    (stage,) = plan([member("pkg.old", "OldEngine")], [site("pkg/user.py", 1, "pkg.old", "helper")], [kept]).stages
    assert stage.delete_modules == () and stage.edits == ()


# -- re-exports ----------------------------------------------------------------------------------------


def test_sites_through_a_reexporting_package_belong_to_the_defining_modules_stage():
    old, other = member("pkg.old", "OldEngine"), member("pkg.other", "OtherEngine")
    package_row = member("pkg", "OldEngine", reexport=True,
                         chain=("pkg:OldEngine", "pkg.old:OldEngine", "pkg.core:Engine"))
    deeper_row = member("pkg.sub", "OldEngine", reexport=True,   # re-exports the package's re-export
                        chain=("pkg.sub:OldEngine", "pkg:OldEngine", "pkg.old:OldEngine", "pkg.core:Engine"))
    sites = [site("pkg/__init__.py", 1, "pkg.old", "OldEngine", kind="reexport"),
             site("pkg/sub/__init__.py", 1, "pkg", "OldEngine", kind="reexport"),
             site("pkg/user.py", 2, "pkg", "OldEngine"),
             site("pkg/user.py", 3, "pkg.sub", "OldEngine"),
             site("pkg/user.py", 4, "pkg.other", "OtherEngine")]
    result = plan([old, other, package_row, deeper_row], sites,
                  [emptied("pkg.old", "OldEngine"), emptied("pkg.other", "OtherEngine"),
                   info("pkg", (1, "import", ()), exports={"OldEngine"}),
                   info("pkg.sub", (1, "import", ()), exports={"OldEngine"})])
    assert sorted(order(result)) == [("pkg.old",), ("pkg.other",)]   # packages re-export: never a stage
    old_stage, other_stage = stage_of(result, "pkg.old"), stage_of(result, "pkg.other")
    assert old_stage.definitions == (old,)                                # the re-export rows are not deleted
    assert edit_rows(old_stage) == [("pkg/__init__.py", 1, CANONICAL), ("pkg/sub/__init__.py", 1, CANONICAL),
                                    ("pkg/user.py", 2, CANONICAL), ("pkg/user.py", 3, CANONICAL)]
    assert edit_rows(other_stage) == [("pkg/user.py", 4, CANONICAL)]
    assert {(r.old_module, r.old_name) for r in old_stage.renames} == {
        ("pkg", "OldEngine"), ("pkg.sub", "OldEngine"), ("pkg.old", "OldEngine")}


# -- affected tests ----------------------------------------------------------------------------------


def test_tests_are_the_test_files_importing_a_touched_module_at_any_depth():
    edges = {
        "tests.test_api": {"pkg.api"},            # -> pkg.api -> pkg.service (has a site) : affected
        "pkg.api": {"pkg.service"},
        "pkg.service": {"pkg.old"},
        "tests.test_old": {"pkg.old"},            # imports the removed module directly: affected
        "tests.test_core": {"pkg.core"},          # only the canonical: not affected
        "tests.test_other": {"pkg.unrelated"},    # unrelated: not affected
    }
    (stage,) = plan([member("pkg.old", "OldEngine")],
                    [site("pkg/service.py", 1, "pkg.old", "OldEngine"),
                     site("tests/test_old.py", 1, "pkg.old", "OldEngine")],
                    [emptied("pkg.old", "OldEngine")], edges).stages
    assert stage.tests == ("tests/test_api.py", "tests/test_old.py")


def test_a_test_file_with_a_site_is_affected_without_any_edge():
    (stage,) = plan([member("pkg.old", "OldEngine")], [site("tests/test_old.py", 1, "pkg.old", "OldEngine")],
                    [emptied("pkg.old", "OldEngine")]).stages
    assert stage.tests == ("tests/test_old.py",)


# -- exports after the stage ---------------------------------------------------------------------------


def _kept_old(uses: Mapping[str, tuple[int, ...]] | None = None) -> ModuleInfo:
    # import pkg.core as core / OldEngine = core.Engine / def helper(): ...
    return info("pkg.old", (1, "import", ()), (3, "assign", ("OldEngine",)), (5, "def", ("helper",)),
                exports={"core", "OldEngine", "helper"}, public={"OldEngine", "helper"}, uses=uses)


def test_exports_after_drop_the_deleted_name():
    (stage,) = plan([member("pkg.old", "OldEngine")], [site("pkg/user.py", 1, "pkg.old", "OldEngine")],
                    [_kept_old()]).stages
    assert stage.delete_modules == ()
    assert stage.exports_after == (("pkg.old", ("core", "helper")),)
    assert stage.public_after == (("pkg.old", ("helper",)),)


def test_a_module_still_using_its_deleted_name_binds_the_replacement_but_does_not_offer_it():
    (stage,) = plan([member("pkg.old", "OldEngine")], [site("pkg/user.py", 1, "pkg.old", "OldEngine")],
                    [_kept_old(uses={"OldEngine": (3, 6)})]).stages
    assert stage.exports_after == (("pkg.old", ("Engine", "core", "helper")),)
    assert stage.public_after == (("pkg.old", ("helper",)),)


def test_a_reexporting_package_offers_the_replacement_after_the_stage():
    row = member("pkg.sub", "OldEngine", reexport=True, chain=("pkg.sub:OldEngine", "pkg.old:OldEngine", CANONICAL))
    package = info("pkg.sub", (1, "import", ()), (2, "def", ("other",)), exports={"OldEngine", "other"})
    (stage,) = plan([member("pkg.old", "OldEngine"), row],
                    [site("pkg/sub/__init__.py", 1, "pkg.old", "OldEngine", kind="reexport"),
                     site("pkg/user.py", 2, "pkg.sub", "OldEngine")],
                    [emptied("pkg.old", "OldEngine"), package]).stages
    assert stage.exports_after == (("pkg.sub", ("Engine", "other")),)   # pkg.old is deleted: not listed
    assert stage.public_after == (("pkg.sub", ("Engine", "other")),)


# -- determinism ---------------------------------------------------------------------------------------


def _mixed_case(reverse: bool) -> Schedule:
    rows = [member("pkg.a", "AEngine"), member("pkg.b", "BEngine", kind="wrapper"),
            member("pkg.c", "CEngine"), member("pkg.d", "DEngine", kind="class", status="needs decision",
                                                replacement=None)]
    sites = [site("pkg/a.py", 2, "pkg.b", "BEngine"), site("pkg/b.py", 2, "pkg.a", "AEngine", "lazy", "f"),
             site("pkg/c.py", 2, "pkg.a", "AEngine"), site("pkg/u.py", 1, "pkg.c", "CEngine"),
             site("pkg/u.py", 2, "pkg.d", "DEngine"), site("tests/test_u.py", 1, "pkg.c", "CEngine"),
             site("pkg/u.py", 3, "pkg.c", None, "import"), site("pkg/u.py", 4, "pkg.c", "CEngine", "attribute")]
    infos = [emptied("pkg.a", "AEngine"), emptied("pkg.b", "BEngine"), emptied("pkg.c", "CEngine"),
             emptied("pkg.d", "DEngine")]
    edges = {"tests.test_u": {"pkg.u"}, "pkg.u": {"pkg.c", "pkg.d"}}
    if reverse:
        rows, sites, infos = rows[::-1], sites[::-1], infos[::-1]
        edges = dict(reversed(list(edges.items())))
    infos_by_name = {m.module: m for m in infos}
    return make_schedule(Inventory("hand-made", CANONICAL, (*rows, CANONICAL_ROW) if reverse else (CANONICAL_ROW, *rows),
                               ()), graph(sites, edges, infos_by_name), infos_by_name)


def test_the_plan_is_deterministic():
    first, again, reordered = _mixed_case(False), _mixed_case(False), _mixed_case(True)
    assert first == again
    assert first == reordered
    assert first.to_json() == reordered.to_json()
    assert order(first) == [("pkg.d",), ("pkg.c",), ("pkg.a", "pkg.b")]
