"""Load a plan and the repository it names, once per command: the composition root for reading.

Data flows one way: files -> facts -> inventory + graph -> schedule.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from refactor.analysis.graph import (
    ImportGraph,
    broken_imports,
    build_graph,
    could_refer,
    watched_modules,
)
from refactor.analysis.inventory import Inventory, take_inventory
from refactor.analysis.module_info import ModuleInfo, describe_modules
from refactor.analysis.project import Project
from refactor.output import counted
from refactor.planfile import Plan, load_plan
from refactor.planning.schedule import Schedule, make_schedule
from refactor.reading.cache import FactCache, cache_folder
from refactor.reading.needles import module_pairs, names_relatively
from refactor.reading.run_memo import RunMemo


def drop_snapshot(tree: Path, plan_root: Path) -> None:
    """Forget the remembered stats of `tree`, a tree of the plan's repository that is gone."""
    FactCache(cache_folder(plan_root)).drop_snapshot(str(tree.resolve()))


@dataclass(frozen=True)
class KeptSchedule:
    schedule: Schedule
    warnings: tuple[str, ...]   # the inventory's
    focus: tuple | None         # what its files were parsed for (`Project.focus_key`)


@dataclass
class Workspace:
    plan: Plan
    project: Project
    _inventory: Inventory | None = field(default=None, repr=False)
    _graph: ImportGraph | None = field(default=None, repr=False)
    _schedule: Schedule | None = field(default=None, repr=False)
    _modules: dict[str, ModuleInfo] | None = field(default=None, repr=False)
    _site_files: list[str] | None = field(default=None, repr=False)
    extra_needles: frozenset[str] = frozenset()   # removed names and (dotted) modules, so leftovers are found
    canonical_chosen: bool = True   # false while `init` surveys the family to propose one
    progress: Callable[[str], None] = field(default=lambda message: None, repr=False, compare=False)

    @classmethod
    def open(cls, plan_path: str | Path, *, cache: bool = True, root: Path | None = None,
             progress: Callable[[str], None] | None = None) -> Workspace:
        """Read the plan; scan `root` (a worktree of the same repository) or the plan's own root."""
        plan = load_plan(plan_path)
        workspace = cls.for_plan(plan, cache=cache, root=root)
        if progress is not None:
            workspace.progress = progress
        return workspace

    def __post_init__(self) -> None:
        # every file's light facts (what the graph takes for a file not parsed) need only the first pass
        # over every file: they are made while git searches. (The module graph itself is built at the
        # end, from the facts of the files parsed by then: those are more exact than the line scan.)
        light = weakref.WeakMethod(self.project.light)
        self.project.reader.when_waiting(lambda: light() is not None and light()())

    @classmethod
    def for_plan(cls, plan: Plan, *, cache: bool = True, root: Path | None = None,
                 extra_needles: frozenset[str] = frozenset(), remember_stats: bool = False,
                 search: tuple | None = None, jobs: int | None = None) -> Workspace:
        """Scan `root` (default: the plan's root); the facts cache is the plan root's (shared with worktrees).
        The stats of the plan's own tree are remembered for the next run; another tree's only with
        `remember_stats` (a tree that lives on: see `drop_snapshot`). `search`: another workspace's
        (`Project.focus_key()`), searched for too (a stage's verification asks at least what its plan asked).
        `jobs`: how many processes read files (default: one per core)."""
        own_tree = root is None or Path(root).resolve() == Path(plan.root).resolve()
        project = Project.load(root or plan.root, source_roots=plan.source_roots, cache=cache,
                               cache_dir=cache_folder(plan.root), remember_stats=own_tree or remember_stats,
                               jobs=jobs)
        if search is not None:
            project.widen_focus(*search)
        return cls(plan, project, extra_needles=extra_needles)

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None:
            self.progress(f"finding the family's definitions among {counted(len(self.project.files), 'file')}")
            # (while `init` surveys, sites are searched for only when two classes can be the canonical)
            self._inventory = take_inventory(self.project, self.plan, require_canonical=self.canonical_chosen,
                                             sites_next=self.canonical_chosen)
        return self._inventory

    def site_files(self) -> list[str]:
        """Files worth parsing for sites: those that name a family member anywhere, or name one of the
        family's modules (its package's name and its own both appear), and can reach the family (see
        `graph.could_refer`); and every file of those modules' packages."""
        if self._site_files is None:
            self._site_files = self._find_site_files()
        return self._site_files

    def _find_site_files(self) -> list[str]:
        inventory = self.inventory
        self.progress("searching every file for the family's names and modules")
        words = {d.name for d in inventory.definitions} | {n for n in self.extra_needles if "." not in n}
        modules = set(inventory.redundant_modules()) | {n for n in self.extra_needles if "." in n}
        pairs = module_pairs(modules)
        packages = {m.rpartition(".")[0] for m in modules}
        self.project.widen_focus(words, pairs)
        paths = [f.path for f in self.project.files]
        found = set(self.project.reader.search(words, paths, pairs))
        parsed = self.project.parsed   # (the inventory's files: no saving in leaving them out)
        light = self.project.light()
        found = {p for p in found if p in parsed} | could_refer(
            (p for p in found if p not in parsed), {p: f.imported_modules for p, f in light.items()},
            {p: f.module for p, f in light.items()}, {*inventory.modules(), *modules}, self._mentioning)
        found |= {f.path for f in self.project.files if f.module.rpartition(".")[0] in packages or f.module in packages}
        return sorted(found | self._naming_relatively(modules, packages, found))

    def _naming_relatively(self, modules: set[str], packages: set[str], found: set[str]) -> set[str]:
        """The files of the modules' subpackages that name one of them by a relative import (`from .. import
        module`): unlike every other file, they need not write the package's name."""
        names = {m.rpartition(".")[2] for m in modules}
        deeper = [f.path for f in self.project.files
                  if f.path not in found and any(f.module.startswith(p + ".") for p in packages if p)]
        reader = self.project.reader   # (its search answers are kept by content: a warm run reads only those)
        return {path for path in reader.search(names, deeper)
                if names_relatively(reader.data(path), [n.encode() for n in names])}

    def _mentioning(self, paths: list[str], words: frozenset[str]) -> set[str]:
        return set(self.project.reader.search(words, paths))

    def unreadable(self) -> dict[str, str]:
        """{path: `path:line: problem`} for files the plan would need to read (they mention the family) but
        cannot, or could not edit: those parsed only in part are parsed whole first, unless some run
        already parsed them whole as they are now."""
        relevant = sorted(self.site_files())
        known = self.project.reader.whole_outcomes(relevant)
        unknown = [p for p in relevant if p not in known]
        self.project.parse(unknown)   # (the graph may have taken their sites from the memo)
        self.project.complete(unknown)
        parsed = self.project.parsed
        found = {p: known[p] for p in relevant if known.get(p)}
        found.update({p: parsed[p].error for p in unknown if parsed[p].error})
        return dict(sorted(found.items()))

    def hold(self, paths: list[str]) -> Project:
        """This tree's project, with every file of `paths` read and parsed whole now: call it before those
        files change, and the project keeps answering for the tree as it was (verification asks it)."""
        self.project.parse(paths)
        self.project.complete(paths)
        return self.project

    @property
    def graph(self) -> ImportGraph:
        if self._graph is None:
            files = self.site_files()
            self.progress(f"reading the import sites of {counted(len(files), 'file')}")
            self._graph = build_graph(self.project, files)
        return self._graph

    @property
    def modules(self) -> dict[str, ModuleInfo]:
        if self._modules is None:
            inventory = self.inventory
            names = {d.name for d in inventory.definitions}
            looked_in = {s.module for s in self.graph.sites if s.name in names} & set(self.project.by_module)
            wanted = set(inventory.modules()) | looked_in
            self._modules = describe_modules(self.project, wanted, names, origins_for=inventory.redundant_modules())
        return self._modules

    def kept_schedule(self) -> KeptSchedule:
        """The schedule, as `plan` shows it and `apply` starts from: the last run's for this plan and tree
        when nothing that run read has changed in a way it depended on (see `refactor.reading.run_memo`),
        else worked out now (and kept for the next run)."""
        memo = RunMemo(self.project.reader, "schedule", (
            repr(self.plan), str(Path(self.plan.path).resolve()), str(Path(self.project.root).resolve()),
            repr(sorted(self.extra_needles)), str(self.canonical_chosen)))
        kept = memo.recall()
        if isinstance(kept, KeptSchedule):
            return kept
        made = KeptSchedule(self.schedule, tuple(self.inventory.warnings), self.project.focus_key())
        memo.keep(made)
        return made

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            graph = self.graph   # (its own progress first)
            self.progress("ordering the stages")
            watched = watched_modules(self.inventory.modules())
            baseline = tuple(broken_imports(self.project, graph, watched))
            self._schedule = make_schedule(self.inventory, graph, self.modules, baseline=baseline,
                                         unparsable=tuple(self.project.errors()))
        return self._schedule
