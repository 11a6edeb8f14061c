"""Who imports whom: module-level edges for every file of a repository (exact for a parsed file, from the
line scan of its import lines for the others), and what the schedule asks of them: a module's importers,
through other modules too, and the tests a change reaches."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from refactor.analysis.project import Project

TEST_DIRS = {"tests", "test", "testing"}


def is_test_file(path: str) -> bool:
    directory, _, name = path.rpartition("/")
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or _test_folder(directory)


@functools.lru_cache(maxsize=1 << 14)
def _test_folder(directory: str) -> bool:
    return any(part in TEST_DIRS for part in directory.split("/"))


class ModuleGraph:
    """Module-level edges: `edges` importer module -> imported modules; `module_of` path -> module;
    `path_of` module -> path."""

    def __init__(self, edges: dict[str, set[str]], module_of: dict[str, str], path_of: dict[str, str]) -> None:
        self.edges, self.module_of, self.path_of = edges, module_of, path_of
        self._reverse: dict[str, set[str]] | None = None
        self._test_modules: dict[str, str] | None = None   # module -> path, for test files

    def transitive_importers(self, modules: Iterable[str]) -> set[str]:
        """Every module that imports any of `modules`, directly or through others."""
        reverse = self._reverse_edges()
        seen: set[str] = set()
        frontier = set(modules)
        while frontier:   # breadth first, a level at a time (set unions: no Python loop per edge)
            reached: set[str] = set()
            for current in frontier:
                importers = reverse.get(current)
                if importers:
                    reached |= importers
            frontier = reached - seen
            seen |= frontier
        return seen

    def tests_affected(self, modules: Iterable[str], paths: Iterable[str] = ()) -> list[str]:
        """Test files among `paths` and among the importers (through others too) of `modules`."""
        modules = set(modules)
        tests = self._tests()
        importers = self.transitive_importers(modules) | modules
        found = {tests[m] for m in importers & tests.keys()}
        found |= {p for p in paths if is_test_file(p)}
        return sorted(found)

    def _reverse_edges(self) -> dict[str, set[str]]:
        if self._reverse is None:
            reverse: dict[str, set[str]] = defaultdict(set)
            for importer, imported in self.edges.items():
                for target in imported:
                    reverse[target].add(importer)
            # importing `a.b.c` runs `a/__init__` and `a/b/__init__` too: deepest first, each to its parent
            by_depth: dict[int, set[str]] = defaultdict(set)
            for target in reverse:
                by_depth[target.count(".")].add(target)
            for depth in range(max(by_depth, default=0), 0, -1):
                for target in by_depth[depth]:
                    parent = target.rpartition(".")[0]
                    reverse[parent] |= reverse[target]
                    by_depth[depth - 1].add(parent)
            self._reverse = reverse
        return self._reverse

    def _tests(self) -> dict[str, str]:
        if self._test_modules is None:
            self._test_modules = {m: p for m, p in self.path_of.items() if is_test_file(p)}
        return self._test_modules


def module_graph(project: Project) -> ModuleGraph:
    """Edges from every file's light facts (imported modules by a line scan), to modules of the project."""
    everything = project.light()
    known = project.by_module.keys() | project.packages
    edges = {f.module: known.intersection(f.imported_modules) for f in everything.values()}
    module_of = {p: f.module for p, f in everything.items()}
    path_of = {f.module: p for p, f in everything.items()}
    return ModuleGraph(edges, module_of, path_of)
