"""From inventory + import graph + plan file to the schedule: the stages in order. Pure: data in, schedule out.

Rules:
- every redundant module is removed in exactly one stage; modules that depend on each other
  (one refers to a family member of the other, at any depth, lazily or not) share a stage;
- a module goes before every redundant module it depends on; among modules that are free to go,
  the smallest blast radius first, then by name, so the order is deterministic;
- every site anywhere that refers to a removed definition or module is rewritten in the stage that
  removes it; what cannot be rewritten is reported; a member without a replacement (neither an alias
  of the canonical nor mapped) blocks its stage until the plan decides, used here or not.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from codemods.framework.spec import EditSpec, Rename
from refactor.analysis import status
from refactor.analysis.graph import ImportGraph, Site
from refactor.analysis.inventory import Definition, Inventory
from refactor.analysis.module_info import ModuleInfo
from refactor.planning.ordering import groups_in_order
from refactor.reading.facts import TopStatement

_INSUBSTANTIAL = {"import", "docstring", "all", "logger", "pass", "warn"}
_KEPT_MODULE = "module kept"
_KEPT_FILE = "file kept; family definitions removed from it"
_UNCHANGED = {_KEPT_MODULE, _KEPT_FILE}


@dataclass(frozen=True)
class SiteEdit:
    site: Site
    replacement: str | None       # "module:Name" (or a module) it will refer to; None when reported
    note: str = ""                # why it cannot be rewritten, or what happens to it

    def describe(self) -> str:
        after = self.replacement or f"(reported: {self.note})"
        return f"{self.site.path}:{self.site.line}  {self.site.text or self.site.target} -> {after}"


@dataclass(frozen=True)
class Stage:
    number: int
    modules: tuple[str, ...]
    delete_modules: tuple[str, ...]
    definitions: tuple[Definition, ...]
    edits: tuple[SiteEdit, ...]
    renames: tuple[Rename, ...]
    files: tuple[str, ...]
    tests: tuple[str, ...]
    blocked: tuple[str, ...]
    findings: tuple[str, ...]
    distinct_before: int
    distinct_after: int
    depends_on: tuple[str, ...] = ()
    exports_after: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())   # runtime bindings: patch targets
    public_after: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())    # public re-exports: import sites
    same_objects: tuple[tuple[str, str, str, str], ...] = field(default=())       # re-exports of the canonical
    kept: tuple[tuple[str, str], ...] = field(default=())   # module that stays -> what keeps it
    module_moves: tuple[tuple[str, str], ...] = field(default=())   # deleted module -> where its uses go

    @property
    def removed_names(self) -> frozenset[str]:
        """The names this stage takes away: its members' and those of the renamed re-exports."""
        return frozenset({d.name for d in self.definitions} | {r.old_name for r in self.renames})

    @property
    def sites_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(e.site.kind for e in self.edits).items()))

    def edit_spec(self, *, keep_local_names: bool = False) -> EditSpec:
        deletions: dict[str, list[str]] = defaultdict(list)
        for definition in self.definitions:
            deletions[definition.module].append(definition.name)
        return EditSpec(
            renames=self.renames,
            delete_definitions=tuple((m, tuple(sorted(n))) for m, n in sorted(deletions.items())),
            removable_modules=self.delete_modules,
            exports_after=self.exports_after,
            public_after=self.public_after,
            same_objects=self.same_objects,
            module_moves=self.module_moves,
            keep_local_names=keep_local_names,
        )

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "modules": list(self.modules),
            "delete_modules": list(self.delete_modules),
            "definitions": [{"module": d.module, "name": d.name, "kind": d.kind, "line": d.line,
                             "replacement": d.replacement} for d in self.definitions],
            "sites": self.sites_by_kind,
            "site_count": len(self.edits),
            "edits": [{"path": e.site.path, "line": e.site.line, "kind": e.site.kind, "before": e.site.text,
                       "target": e.site.target, "after": e.replacement, "note": e.note} for e in self.edits],
            "files": list(self.files),
            "tests": list(self.tests),
            "blocked": list(self.blocked),
            "findings": list(self.findings),
            "distinct_before": self.distinct_before,
            "distinct_after": self.distinct_after,
            "depends_on": list(self.depends_on),
            "kept": dict(self.kept),
        }


@dataclass(frozen=True)
class Schedule:
    name: str
    canonical: str
    distinct: int
    stages: tuple[Stage, ...]
    baseline: tuple[str, ...] = ()     # imports already broken before any change
    unparsable: tuple[str, ...] = ()   # files read for the plan that do not parse (`path:line: problem`)

    @property
    def removed_names(self) -> frozenset[str]:
        """The names the stages take away, all of them."""
        return frozenset().union(*(stage.removed_names for stage in self.stages))

    def stage(self, number: int) -> Stage:
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise KeyError(number)

    def to_json(self) -> dict:
        return {"plan": self.name, "canonical": self.canonical, "distinct": self.distinct,
                "stages": [s.to_json() for s in self.stages], "baseline": list(self.baseline),
                "unparsable": list(self.unparsable)}


def _elsewhere(origin: str | None, module: str) -> bool:
    return origin is not None and ":" in origin and origin.partition(":")[0] != module


def make_schedule(inventory: Inventory, graph: ImportGraph, modules: Mapping[str, ModuleInfo],
              *, baseline: tuple[str, ...] = (), unparsable: tuple[str, ...] = ()) -> Schedule:
    return dataclasses.replace(_ScheduleBuilder(inventory, graph, modules).build(baseline), unparsable=unparsable)


class _ScheduleBuilder:
    def __init__(self, inventory: Inventory, graph: ImportGraph, modules: Mapping[str, ModuleInfo]) -> None:
        self.inventory, self.graph, self.modules = inventory, graph, modules
        self.removable = {d.ref: d for d in inventory.definitions if d.removable}
        self.redundant = sorted({d.module for d in self.removable.values()})
        self.reexports = {d.ref: d for d in inventory.definitions
                          if d.reexport and d.status in status.REMOVED}
        self.deleted = {m for m in self.redundant if self._emptied(m)}
        self.path_module = {info.path: m for m, info in modules.items()}
        module, _, name = inventory.canonical.partition(":")
        self.same_objects = tuple(sorted((d.module, d.name, module, name) for d in inventory.definitions
                                         if d.status == status.CANONICAL_REEXPORT))

    # -- ownership: which redundant module's stage must rewrite a site ------------------------------
    def _reexport_owner(self, row: Definition) -> str | None:
        for hop in row.chain[1:]:
            if hop in self.removable:
                return self.removable[hop].module
        return None

    def owner(self, site: Site) -> str | None:
        if site.name in (None, "?", "*"):
            return site.module if site.module in self.redundant else None
        ref = f"{site.module}:{site.name}"
        if ref in self.removable or site.module in self.deleted:
            return site.module  # (a name of a module that goes away: that module's stage, family or not)
        if ref in self.reexports:
            return self._reexport_owner(self.reexports[ref])
        for hop in site.via:   # looked up where it is only imported: the stage of the first hop that goes
            if hop in self.removable:
                return self.removable[hop].module
            if hop in self.reexports:
                return self._reexport_owner(self.reexports[hop])
        return None

    def _emptied(self, module: str) -> bool:
        """Whether nothing of substance is left in `module` once its family definitions go: what is left
        is imports, `__all__`, warnings and aliases of names that live elsewhere (a compatibility module,
        whose importers are sent to where each name lives)."""
        info = self.modules.get(module)
        return info is not None and not info.holds_modules and not self._substance(module)

    def _substance(self, module: str) -> list[TopStatement]:
        """The top-level statements that keep `module` once its family definitions go."""
        info = self.modules[module]
        names = {d.name for d in self.removable.values() if d.module == module}
        kept = []
        for statement in info.toplevel:
            if statement.kind in _INSUBSTANTIAL or (statement.names and set(statement.names) <= names):
                continue
            if statement.kind == "alias" and all(n in names or _elsewhere(info.origin(n), module)
                                                 for n in statement.names):
                continue
            kept.append(statement)
        return kept

    def kept_because(self, module: str) -> str:
        """Why `module` stays once its family definitions go: "defines 2 functions (a, b), 1 class (C)"."""
        if module not in self.modules:
            return "not read"
        if self.modules[module].holds_modules and not self._substance(module):
            return "is a package holding other modules (its __init__ stays, emptied of the family)"
        kinds: dict[str, list[str]] = defaultdict(list)
        for statement in self._substance(module):
            kind = {"def": "function", "class": "class", "alias": "alias of a name it defines"}.get(
                statement.kind, "other statement")
            kinds[kind].append(", ".join(statement.names) if statement.names and kind != "other statement"
                               else f"line {statement.line}")
        parts = []
        for kind, items in kinds.items():
            shown = ", ".join(items[:3]) + (f", and {len(items) - 3} more" if len(items) > 3 else "")
            parts.append(f"{len(items)} {kind}{'es' if kind == 'class' and len(items) != 1 else 's' if len(items) != 1 else ''} ({shown})")
        return "defines " + ", ".join(parts)

    # -- ordering ----------------------------------------------------------------------------------
    def build(self, baseline: tuple[str, ...]) -> Schedule:
        owned: dict[str, list[Site]] = defaultdict(list)
        for site in self.graph.sites:
            module = self.owner(site)
            if module is not None:
                owned[module].append(site)
        dependencies: dict[str, set[str]] = {module: set() for module in self.redundant}
        redundant = set(self.redundant)
        for site in self.graph.sites:
            # any reference from one redundant module into another (family name or not, lazy or not)
            here = self.path_module.get(site.path) or self.graph.modules.module_of.get(site.path)
            there = self.owner(site) or (site.module if site.module in redundant else None)
            if here in redundant and there is not None and here != there:
                dependencies[here].add(there)   # `here` depends on `there`: remove `here` first

        def radius(members: list[str]) -> str:
            sites = sum(len(owned[m]) for m in members)
            files = len({s.path for m in members for s in owned[m]})
            return f"{sites:09d}{files:09d}{','.join(members)}"

        order = groups_in_order(self.redundant, dependencies, radius)
        stages, distinct, gone = [], self.inventory.distinct, set()
        deleted_names: dict[str, set[str]] = defaultdict(set)
        for number, members in enumerate(order, 1):
            stage = self._stage(number, members, owned, distinct, gone, deleted_names, dependencies)
            stages.append(stage)
            distinct = stage.distinct_after
            gone |= set(stage.delete_modules)
        return Schedule(self.inventory.plan_name, self.inventory.canonical, self.inventory.distinct,
                         tuple(stages), baseline)

    # -- one stage -----------------------------------------------------------------------------------
    def _stage(self, number: int, modules: list[str], owned: dict[str, list[Site]], distinct: int,
               gone: set[str], deleted_names: dict[str, set[str]], dependencies: Mapping[str, set[str]]) -> Stage:
        definitions = sorted((d for d in self.removable.values() if d.module in modules),
                             key=lambda d: (d.module, d.line))
        delete_modules = tuple(m for m in modules if m in self.deleted)
        dead_paths = {self.modules[m].path for m in (*gone, *delete_modules) if m in self.modules}
        sites = sorted((s for m in modules for s in owned.get(m, ()) if s.path not in dead_paths),
                       key=lambda s: (s.path, s.line, s.kind))
        edits = [e for e in (self._edit(s) for s in sites) if e.note not in _UNCHANGED]
        edits = sorted(edits + self._own_uses(definitions, delete_modules),
                       key=lambda e: (e.site.path, e.site.line, e.site.kind))
        blocked = self._blocked(definitions, edits, delete_modules)
        renames = {Rename(e.site.module, e.site.name, *e.replacement.split(":"))
                   for e in edits if e.replacement and ":" in e.replacement and e.site.name not in (None, "?", "*")}
        for definition in definitions:
            if definition.replacement:
                renames.add(Rename(definition.module, definition.name, *definition.replacement.split(":")))
        for module in modules:
            deleted_names[module] |= {d.name for d in definitions if d.module == module}
        exports_after, public_after = self._exports_after(sites, renames, deleted_names)
        files = sorted({s.path for s in sites} | {self.modules[m].path for m in modules if m in self.modules})
        touched = {self.path_module.get(p) or self.graph.modules.module_of.get(p, "") for p in files}
        tests = self.graph.modules.tests_affected(touched - {""}, files)
        removed = sum(1 for d in definitions if d.class_object)
        depends = sorted({t for m in modules for t in dependencies.get(m, ()) if t not in modules})
        return Stage(
            number=number, modules=tuple(modules), delete_modules=delete_modules, definitions=tuple(definitions),
            edits=tuple(edits), renames=tuple(sorted(renames, key=lambda r: (r.old_module, r.old_name))),
            files=tuple(files), tests=tuple(tests), blocked=tuple(blocked),
            findings=tuple(f"{e.site.path}:{e.site.line}: {e.note}" for e in edits if e.replacement is None),
            distinct_before=distinct, distinct_after=distinct - removed, depends_on=tuple(depends),
            exports_after=exports_after, public_after=public_after, same_objects=self.same_objects,
            kept=tuple((m, self.kept_because(m)) for m in modules if m not in delete_modules),
            module_moves=tuple((m, self.inventory.canonical.partition(":")[0]) for m in delete_modules),
        )

    def _own_uses(self, definitions: list[Definition], delete_modules: tuple[str, ...]) -> list[SiteEdit]:
        """Lines of a module that stays which use a definition the stage deletes from it (besides the
        definition and `__all__`): the stage renames them to the replacement, imported there."""
        out = []
        for definition in definitions:
            info = self.modules.get(definition.module)
            if info is None or definition.module in delete_modules or definition.replacement is None:
                continue
            for line in info.uses_besides(definition.name, definition.line, definition.end_line):
                site = Site(info.path, line, "use", definition.module, definition.name,
                            text=f"{definition.name} (used in {definition.module} itself)")
                out.append(SiteEdit(site, definition.replacement))
        return out

    def _edit(self, site: Site) -> SiteEdit:
        if site.name == "?":
            return SiteEdit(site, None, f"dynamic getattr on {site.module}: name not known statically")
        if site.name is None or site.name == "*":
            if site.kind == "path":
                if site.module in self.deleted:
                    return SiteEdit(site, None, f"reads the file of {site.module}, which is deleted")
                return SiteEdit(site, site.module, _KEPT_FILE)
            if site.module in self.deleted:
                return SiteEdit(site, self.inventory.canonical.partition(":")[0],
                                "module deleted: its uses move to the canonical module")
            return SiteEdit(site, site.module, _KEPT_MODULE)
        ref = f"{site.module}:{site.name}"
        row = self.removable.get(ref) or self.reexports.get(ref) or next(
            (self.removable.get(hop) or self.reexports.get(hop) for hop in site.via
             if hop in self.removable or hop in self.reexports), None)
        if row is not None:
            if row.replacement is None:
                return SiteEdit(site, None, f"{row.ref} ({row.kind}) has no replacement: needs a decision")
            return SiteEdit(site, row.replacement)
        info = self.modules.get(site.module)
        origin = info.origin(site.name) if info is not None else None
        if origin and ":" in origin:
            return SiteEdit(site, origin, f"{site.module} is deleted; {site.name} lives in {origin}")
        if info is not None and site.name not in info.exports and not info.open_names \
                and not (site.name.startswith("__") and site.name.endswith("__")):
            return SiteEdit(site, None, f"already broken: {site.module} does not define {site.name} (left as it is)")
        return SiteEdit(site, None, f"{site.module} is deleted and where {site.name} lives cannot be decided")

    def _blocked(self, definitions: list[Definition], edits: list[SiteEdit], delete_modules: tuple[str, ...]
                 ) -> list[str]:
        out = []
        for definition in definitions:
            if definition.replacement is not None:
                continue
            users = [e.site for e in edits if e.site.name is not None and e.replacement is None
                     and (e.site.target == definition.ref or e.note.startswith(definition.ref + " "))]
            info = self.modules.get(definition.module)
            if info is not None and definition.module not in delete_modules:
                own = list(info.uses_besides(definition.name, definition.line, definition.end_line))
                users += [Site(info.path, line, "use", definition.module, definition.name) for line in own]
            # blocked whether or not this repository uses it: code elsewhere (a library's users) may
            where = ("used at " + ", ".join(str(u) for u in users[:5])
                     + (f" and {len(users) - 5} more" if len(users) > 5 else "")) if users \
                else "not referenced in this repository (code elsewhere may use it)"
            out.append(f"{definition.ref} ({definition.kind}: {definition.detail}) needs a decision: {where}; "
                       f"add [map] \"{definition.ref}\" = \"module:Name\" or list it in plan.keep")
        return out

    def _exports_after(self, sites: list[Site], renames: set[Rename], deleted: dict[str, set[str]]):
        """(runtime bindings, public re-exports) of each module a site looks in, once the stage is done."""
        looked_in = {s.module for s in sites} | {r.old_module for r in renames}
        gained: dict[str, set[str]] = defaultdict(set)
        by_old = {(r.old_module, r.old_name): r for r in renames}
        for site in sites:
            module = self.path_module.get(site.path)
            rename = by_old.get((site.module, site.name))
            if module and rename and site.scope == "" and site.kind not in ("patch", "string", "path", "all", "star"):
                gained[module].add(rename.new_name)
        spans = {(d.module, d.name): (d.line, d.end_line) for d in self.removable.values()}
        for rename in renames:   # a module that still uses its deleted definition now imports the replacement
            info = self.modules.get(rename.old_module)
            span = spans.get((rename.old_module, rename.old_name))
            if info is not None and span is not None and rename.old_name in deleted[rename.old_module] \
                    and info.uses_besides(rename.old_name, *span):
                gained[rename.old_module].add(rename.new_name)
        runtime, public = [], []
        for module in sorted(looked_in):
            info = self.modules.get(module)
            if info is None or module in self.deleted:
                continue
            renamed_away = {r.old_name for r in renames if r.old_module == module}
            names = (set(info.exports) - deleted[module] - renamed_away) | gained[module]
            runtime.append((module, tuple(sorted(names))))
            shown = (set(info.public) - deleted[module] - renamed_away) | (gained[module] if info.is_package else set())
            public.append((module, tuple(sorted(shown))))
        return tuple(runtime), tuple(public)
