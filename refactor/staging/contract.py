"""The stage contract, checked on the changed tree with a fresh inventory and graph.

1. the stage's modules define no family member any more, and the distinct count fell as planned;
2. nothing anywhere still refers to a removed definition or module (string targets included);
3. no import is broken that was not broken before the stage: every failing reference of the changed tree
   is asked again of the tree before the stage (the same reference, the same check), so what was already
   broken there, in any file, is never held against the stage;
4. every changed file parses;
5. independently of the site search, no use of a removed name that reached a definition before the stage
   reaches nothing now (`refactor.staging.lost_names`).

`apply` checks it (`verify_stage`); `verify` re-checks 1 and 2 on a stage branch with the same functions
(`left_behind`, `stale_references`, in `refactor.staging.rederive`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from refactor.analysis.graph import broken_reference, sites_of, undefined_exports, watched_modules
from refactor.analysis.inventory import Definition
from refactor.analysis.project import Project
from refactor.planning.schedule import Stage
from refactor.planning.workspace import Workspace
from refactor.reading.parse import whole_error
from refactor.staging.lost_names import lost_uses


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]
    distinct_after: int

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def removal_needles(stage: Stage) -> frozenset[str]:
    """What the verification searches the changed tree for besides the family: the names the stage removed,
    and the modules it deleted, dotted (a file names one the way code can: see `needles.ModuleNames`)."""
    return frozenset({d.name for d in stage.definitions} | set(stage.delete_modules))


def unparsable_naming(workspace: Workspace, unreadable: dict[str, str], stage: Stage) -> list[str]:
    """Findings for the files that do not parse (`unreadable`: {path: `path:line: problem`}) and name what
    `stage` removes: no codemod can rewrite them. A file that does not parse cannot be imported either, so
    this is the base's state, reported with the stage, never a reason to refuse it."""
    words = {d.name for d in stage.definitions} | {m.rpartition(".")[2] for m in stage.delete_modules} \
        | set(stage.modules)
    out = []
    for path, problem in unreadable.items():
        data = workspace.project.reader.data(path)
        named = sorted(w for w in words if w.encode() in data)
        if named:
            out.append(f"{problem} (the file does not parse, so it was not rewritten; it names "
                       f"{', '.join(named)}, which this stage removes)")
    return out


def new_broken_imports(before: Project, after: Workspace, changed: list[str], watched: set[str]) -> list[str]:
    """References that fail on the changed tree (`after`) and did not fail before the stage (`before`: its
    facts of every `changed` file must have been read before the change). A file the stage did not change
    reads as it did: a failing reference of it is old when the same text on the same line failed before
    (what it refers to can read differently once a module is gone: `"a.gone.X"` is then `a` lacking
    `gone`). In a changed
    file, a failing reference is old only when that file made the same failing reference before, or wrote
    the same failing text (`m._gone_attr` through a module alias the stage moved)."""
    project = after.project
    focus = project.focus_key()
    if focus is not None:   # the tree before is asked with the same search (a wider one reads more of a file)
        before.widen_focus(*focus)
    project.parse(sorted({project.by_module[m].path for m in watched if m in project.by_module}))
    edited = set(changed)
    failing = [(site, reason) for site in after.graph.sites
               if (reason := broken_reference(project, site, watched)) is not None]
    unchanged = sorted({s.path for s, _ in failing if s.path not in edited} & before.by_path.keys())
    failed_lines = {(s.path, s.line, s.text) for s in sites_of(before, unchanged)
                    if broken_reference(before, s, watched)}
    was_broken = set()
    for s in sites_of(before, sorted(edited & before.by_path.keys())):
        if broken_reference(before, s, watched):
            was_broken |= {(s.path, s.module, s.name), (s.path, s.text)}
    out = [reason for site, reason in failing
           if not ({(site.path, site.module, site.name), (site.path, site.text)} & was_broken if site.path in edited
                   else (site.path, site.line, site.text) in failed_lines)]
    for module in sorted(watched & project.by_module.keys()):
        undefined = undefined_exports(project, module)
        if undefined:
            known = {name for name, _, _ in undefined_exports(before, module)} if module in before.by_module else set()
            out.extend(reason for name, _, reason in undefined if name not in known)
    return sorted(set(out))


def stale_references(after: Workspace, removed: set[str], deleted: set[str], before: Project) -> list[str]:
    """Sites of the changed tree that still refer to a removed definition (`module:Name`) or a deleted
    module. What was already broken before the stage (a name the module never defined) and a path literal
    (no reference Python follows: a file name, reported by the plan) are left as they were."""
    return [f"{s.path}:{s.line}: {s.kind} {s.text or s.target} still refers to {s.target}"
            for s in after.graph.sites
            if ((s.name is not None and f"{s.module}:{s.name}" in removed)
                or s.module in deleted or any(s.module.startswith(m + ".") for m in deleted))
            and s.kind != "path" and broken_reference(before, s, watched_modules({s.module})) is None]


def left_behind(after: Workspace, modules: Iterable[str], deleted: Iterable[str]) -> tuple[list[Definition], list[str]]:
    """What a stage was to remove and the changed tree `after` still has: the removable family members
    defined in its `modules`, and those of its `deleted` modules that still exist (checked by `apply` and
    again by `verify`)."""
    modules = set(modules)
    members = [d for d in after.inventory.definitions if d.module in modules and d.removable]
    return members, [m for m in deleted if m in after.project.by_module]


def verify_stage(stage: Stage, after: Workspace, changed: list[str], before: Project, *,
                 among: frozenset[str] = frozenset()) -> Verification:
    """The contract on the changed tree `after`; `before` is the project as it was before the stage
    (the facts of every file the stage changed read before the change). `among`: the names every stage of
    the plan removes (the lost-name gate reads files for all of them, once)."""
    inventory = after.inventory
    checks = []
    members, still_there = left_behind(after, stage.modules, stage.delete_modules)
    left = [f"{d.path}:{d.line}: {d.name} ({d.kind}) is still defined" for d in members]
    left += [f"{after.project.by_module[m].path}: module {m} should have been deleted" for m in still_there]
    checks.append(Check("stage modules define no family member", not left, tuple(left)))
    checks.append(Check(
        f"distinct definitions {stage.distinct_before} -> {stage.distinct_after}",
        inventory.distinct == stage.distinct_after,
        () if inventory.distinct == stage.distinct_after else
        (f"distinct is {inventory.distinct}, the plan promised {stage.distinct_after}",)))
    refs = stale_references(after, {d.ref for d in stage.definitions}, set(stage.delete_modules), before)
    checks.append(Check("no site refers to a removed definition or module", not refs, tuple(refs)))
    new_broken = new_broken_imports(before, after, changed, watched_modules({*inventory.modules(), *stage.modules}))
    checks.append(Check("no new broken imports", not new_broken, tuple(new_broken)))
    unparsable = list(after.project.reader.whole_errors([p for p in changed if p in after.project.by_path]).values())
    for path in changed:   # (a changed file the project does not list: not a module of it)
        full = after.project.root / path
        if path not in after.project.by_path and full.exists():
            error = whole_error(path, path.endswith("__init__.py"), full.read_bytes())
            unparsable += [error] if error else []
    checks.append(Check("every changed file parses", not unparsable, tuple(unparsable)))
    lost = lost_uses(before, after.project, stage.removed_names, among=among)
    checks.append(Check("no use of a removed name is lost (read apart from the site search)", not lost, tuple(lost)))
    return Verification(tuple(checks), inventory.distinct)
