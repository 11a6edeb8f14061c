"""Properties of `make_schedule` on random dependency graphs among redundant modules (cycles included).

Each scenario is built by hand: N redundant modules `pkg.<name>`, each defining one family member;
an edge X -> Y is a site in X's file importing Y's member (the way the planner learns that X depends on
Y); extra sites in user files vary each module's blast radius, and some modules keep other content (so
their files stay). The strongly connected components are computed here independently (a transitive
closure), not with the planner's networkx.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from refactor.analysis.graph import ImportGraph, Site
from refactor.analysis.inventory import Definition, Inventory
from refactor.analysis.module_graph import ModuleGraph
from refactor.analysis.module_info import ModuleInfo
from refactor.planning.schedule import make_schedule
from refactor.reading.facts import TopStatement

CANONICAL = "pkg.core:Engine"
NAMES = ("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta")
KINDS = ("from", "lazy", "relative", "type_checking", "try_except", "attribute")
FUZZ = settings(max_examples=int(os.environ.get("REFACTOR_FUZZ_EXAMPLES", "60")), derandomize=True, deadline=None)


def _member(module: str) -> str:
    return module.rpartition(".")[2].capitalize() + "Engine"


def _path(module: str) -> str:
    return module.replace(".", "/") + ".py"


@st.composite
def scenarios(draw):
    names = draw(st.permutations(NAMES))[: draw(st.integers(1, len(NAMES)))]
    modules = [f"pkg.{n}" for n in names]
    n = len(modules)
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.sets(pairs, max_size=2 * n))
    ring = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))   # a cycle, often
    edges = sorted(edges | {(a, b) for a, b in zip(ring, ring[1:] + ring[:1]) if len(ring) > 1})
    users = draw(st.lists(st.integers(0, n - 1), max_size=3 * n))
    keeps = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    classes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    sites = []
    for line, (a, b) in enumerate(edges, 10):
        kind = draw(st.sampled_from(KINDS))
        sites.append(Site(_path(modules[a]), line, kind, modules[b], _member(modules[b]),
                          "f" if kind == "lazy" else ""))
    for line, target in enumerate(users, 1):
        sites.append(Site(f"app/user{line % 4}.py", line, "from", modules[target], _member(modules[target])))
    rows = [Definition(m, _member(m), "wrapper" if cls else "alias", 3, _path(m),
                       f"{m}:{_member(m)}" if cls else CANONICAL, "random", cls, "replace", CANONICAL)
            for m, cls in zip(modules, classes)]
    infos = {}
    for m, keep in zip(modules, keeps):
        toplevel = (TopStatement(1, "import"), TopStatement(3, "assign", (_member(m),)))
        if keep:
            toplevel += (TopStatement(5, "def", ("helper",)),)
        infos[m] = ModuleInfo(m, _path(m), False, frozenset({"Engine", _member(m), "helper"}), toplevel)
    dependency = {(modules[a], modules[b]) for a, b in edges}
    return modules, rows, sites, infos, dependency


def _plan(rows, sites, infos):
    canonical = Definition("pkg.core", "Engine", "class", 1, "pkg/core.py", CANONICAL, "impl", True,
                           "canonical", CANONICAL)
    paths = {s.path for s in sites} | {i.path for i in infos.values()}
    module_of = {p: p[:-3].replace("/", ".") for p in paths}
    graph = ImportGraph(sites, ModuleGraph({}, module_of, {m: p for p, m in module_of.items()}))
    return make_schedule(Inventory("random", CANONICAL, (canonical, *rows), ()), graph, infos)


def _components(modules: list[str], dependency: set[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each module's strongly connected component, from a transitive closure (Floyd-Warshall)."""
    reach = {(a, b): a == b or (a, b) in dependency for a in modules for b in modules}
    for k in modules:
        for a in modules:
            if reach[a, k]:
                for b in modules:
                    if reach[k, b]:
                        reach[a, b] = True
    return {a: frozenset(b for b in modules if reach[a, b] and reach[b, a]) for a in modules}


@FUZZ
@given(scenarios(), st.data())
def test_stages_respect_components_and_dependencies(scenario, data):
    modules, rows, sites, infos, dependency = scenario
    plan = _plan(rows, sites, infos)
    stage_of = {m: s.number for s in plan.stages for m in s.modules}

    # every redundant module is in exactly one stage, and stages are numbered 1..k
    assert Counter(m for s in plan.stages for m in s.modules) == Counter(modules)
    assert [s.number for s in plan.stages] == list(range(1, len(plan.stages) + 1))

    # a stage is exactly one strongly connected component: a cycle goes together, nothing else joins it
    components = _components(modules, dependency)
    for stage in plan.stages:
        assert {components[m] for m in stage.modules} == {frozenset(stage.modules)}

    # X depends on Y: X is removed no later than Y (never remove Y while X, still to go, needs it)
    for a, b in dependency:
        assert stage_of[a] <= stage_of[b], (a, b, stage_of)
        if components[a] != components[b]:
            assert b in plan.stage(stage_of[a]).depends_on

    # every definition goes once; the distinct count falls to 1 (only the canonical) at the end
    assert sorted(d.ref for s in plan.stages for d in s.definitions) == sorted(r.ref for r in rows)
    assert plan.stages[-1].distinct_after == 1

    # deterministic: the same scenario in any input order gives the same stages
    shuffled = _plan(data.draw(st.permutations(rows)), data.draw(st.permutations(sites)),
                     dict(data.draw(st.permutations(list(infos.items())))))
    assert shuffled.stages == plan.stages
