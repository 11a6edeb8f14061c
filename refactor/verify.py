"""The stage contract, checked on the changed tree with a fresh inventory and graph.

1. the stage's modules define no family member any more, and the distinct count fell as planned;
2. nothing anywhere still refers to a removed definition or module (string targets included);
3. no import is broken that was not broken before the stage;
4. every changed file parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from refactor.graph import broken_imports, watched_modules
from refactor.planner import Stage
from refactor.scan import extract_file
from refactor.workspace import Workspace


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
    words = {d.name for d in stage.definitions} | {m.rpartition(".")[2] for m in stage.delete_modules}
    return frozenset(words)


def _without_line(entry: str) -> str:
    return re.sub(r"^([^:]+):\d+: ", r"\1: ", entry)


def verify_stage(stage: Stage, after: Workspace, changed: list[str], baseline: tuple[str, ...]) -> Verification:
    inventory = after.inventory
    checks = []
    left = [f"{d.path}:{d.line}: {d.name} ({d.kind}) is still defined" for d in inventory.definitions
            if d.module in stage.modules and d.status not in ("canonical", "canonical re-export", "kept")]
    still_there = [m for m in stage.delete_modules if m in after.project.by_module]
    left += [f"{after.project.by_module[m].path}: module {m} should have been deleted" for m in still_there]
    checks.append(Check("stage modules define no family member", not left, tuple(left)))
    checks.append(Check(
        f"distinct definitions {stage.distinct_before} -> {stage.distinct_after}",
        inventory.distinct == stage.distinct_after,
        () if inventory.distinct == stage.distinct_after else
        (f"distinct is {inventory.distinct}, the plan promised {stage.distinct_after}",)))
    removed = {d.ref for d in stage.definitions}
    deleted = set(stage.delete_modules)
    refs = [f"{s.path}:{s.line}: {s.kind} {s.text or s.target} still refers to {s.target}"
            for s in after.graph.sites
            if (s.name is not None and f"{s.module}:{s.name}" in removed)
            or s.module in deleted or any(s.module.startswith(m + ".") for m in deleted)]
    checks.append(Check("no site refers to a removed definition or module", not refs, tuple(refs)))
    watched = watched_modules({*inventory.modules(), *stage.modules})
    before = {_without_line(b) for b in baseline}
    new_broken = [b for b in broken_imports(after.project, after.graph, watched) if _without_line(b) not in before]
    checks.append(Check("no new broken imports", not new_broken, tuple(new_broken)))
    unparsable = []
    for path in changed:
        full = after.project.root / path
        if not full.exists():
            continue
        facts = extract_file(path, "", path.endswith("__init__.py"), Path(full).read_bytes())
        if facts.error:
            unparsable.append(facts.error)
    checks.append(Check("every changed file parses", not unparsable, tuple(unparsable)))
    return Verification(tuple(checks), inventory.distinct)
