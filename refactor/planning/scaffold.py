"""Draft a plan file from an audit: which class should stay, and every member written down as a comment.

Pure: an inventory, the import graph and the project's facts in; a ranking and the TOML text out.
`refactor init` (in `refactor.commands.init`) does the reading and the writing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import tomlkit

from refactor.analysis import status
from refactor.analysis.graph import ImportGraph
from refactor.analysis.inventory import Definition, Inventory
from refactor.analysis.project import Project
from refactor.output import counted

# statuses of members the plan needs nothing more for
_SETTLED = {status.REPLACE: "nothing to decide", status.CANONICAL: "canonical",
            status.CANONICAL_REEXPORT: "canonical re-export", status.MAPPED: "mapped", status.KEPT: "kept"}


@dataclass(frozen=True)
class Candidate:
    """A family class that could be the canonical, and how much of the repository already uses it."""

    ref: str            # "module:Name"
    sites: int | None   # import sites (anywhere) whose target resolves to this class; None: not counted
    substance: int      # how many things its body adds (methods, attributes)

    def describe(self) -> str:
        what = (f"{counted(self.substance, 'method or attribute', 'methods and attributes')} of its own"
                if self.substance else "adds nothing of its own")
        if self.sites is None:
            return f"{self.ref} (the only constructible class the family is tied to; {what})"
        sites = f"{self.sites} import site resolves" if self.sites == 1 else f"{self.sites} import sites resolve"
        return f"{self.ref} ({sites} to it; {what})"


@dataclass(frozen=True)
class Draft:
    """What the plan file's `[plan]` table will say."""

    name: str
    root: str                       # as written: relative to the plan file's folder
    packages: tuple[str, ...]
    canonical: str
    family: tuple[str, ...]
    exclude: tuple[str, ...]
    test_command: tuple[str, ...]
    branch_prefix: str
    plan_path: str                  # how the user names the plan file (for the instructions in comments)
    proposed: bool                  # the canonical was proposed by `init`, not given
    candidates: tuple[Candidate, ...] = ()


def constructible(inventory: Inventory, project: Project) -> tuple[tuple[str, str, int], ...]:
    """The family classes that can be the canonical, as (module, name, how much their body adds).

    A candidate is a definition of kind `class`, or a subclass of another member with a body of its own
    (`class AgentRegistry(BaseAgentRegistry)`), that can be constructed (`__new__` does not raise).
    """
    found = []
    for d in inventory.definitions:
        if not d.class_object or not (d.kind == "class" or (d.kind == "wrapper" and "adds:" in d.detail)):
            continue
        facts = project.facts_of(d.module)
        cls = facts.class_named(d.name) if facts else None
        if cls is not None and not cls.new_raises:
            found.append((d.module, d.name, len(cls.substance)))
    return tuple(sorted(set(found)))


def rank_candidates(classes: Sequence[tuple[str, str, int]], graph: ImportGraph | None,
                    project: Project) -> tuple[Candidate, ...]:
    """The constructible classes, most used first; classes with a body of their own rank above empty ones.

    Each import site anywhere in the repository is resolved through aliases and re-exports, and counts
    for the class it really names. Without a graph (one candidate: nothing to rank) sites are not counted.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for site in graph.sites if graph is not None else ():
        if site.name in (None, "*", "?"):
            continue
        symbol = project.resolve(site.module, site.name)
        counts[(symbol.module, symbol.name)] += 1
    found = [Candidate(f"{module}:{name}", counts[(module, name)] if graph is not None else None, substance)
             for module, name, substance in classes]
    return tuple(sorted(found, key=lambda c: (c.substance == 0, -(c.sites or 0), -c.substance, c.ref)))


def default_name(family: Sequence[str]) -> str:
    """A plan name from the first family pattern: `*WebSocketManager*` -> `web-socket-manager`."""
    words = re.sub(r"[^A-Za-z0-9]+", " ", family[0] if family else "").strip()
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", words.replace(" ", "-")).lower()
    return kebab or "family"


def decisions(inventory: Inventory) -> list[Definition]:
    """Members the plan must decide: unsettled, and not aliases of a member (those follow their target)."""
    return [d for d in inventory.definitions
            if d.status == status.NEEDS_DECISION and (d.kind != "alias" or d.resolves_to == "?")]


def what_it_is(row: Definition) -> str:
    """A short name for a member that needs a decision."""
    if row.kind == "wrapper":
        if "composition" in row.detail:
            return "adapter"
        if row.detail.startswith("__new__ returns"):
            return "redirect with substance"
        return "wrapper with substance"
    if row.kind == "class":
        return "constructor-less class" if "__new__ raises" in row.detail else "another implementation"
    if row.kind == "dynamic":
        return "type() copy with its own namespace"
    if row.kind == "alias":
        return "alias of something unresolvable"
    return row.kind  # factory, protocol


def render(draft: Draft, inventory: Inventory) -> str:
    """The plan file: a header with the proposal and next steps, `[plan]`, every member, `[map]`."""
    return "\n".join([*_header(draft, inventory), "", *_plan_table(draft), "", *_members(inventory), "",
                      *_map_table(draft, inventory)]) + "\n"


def _header(draft: Draft, inventory: Inventory) -> list[str]:
    patterns = ", ".join(draft.family)
    modules = len(inventory.modules())
    lines = [
        f"# Plan for the {patterns} family, drafted by `refactor init` from an audit of this repository.",
        (f"# {counted(inventory.names, 'definition')} in {counted(modules, 'module')}; "
         f"{counted(inventory.distinct, 'distinct class object')} (the goal is 1)."),
        "#",
    ]
    if draft.proposed and draft.candidates:
        lines.append(f"# Canonical (proposed): {draft.candidates[0].describe()}.")
        if len(draft.candidates) > 1:
            lines.append(f"# Runner-up: {draft.candidates[1].describe()}.")
        else:
            lines.append("# Runner-up: none (no other class of the family has a body that can be constructed).")
        lines.append("# Change plan.canonical if the proposal is wrong; `refactor audit` shows the statuses again.")
    else:
        lines.append(f"# Canonical (given): {draft.canonical}.")
    n = len(decisions(inventory))
    lines += ["#", "# Next steps:"]
    if n:
        members = f"{n} member{'s' if n != 1 else ''}"
        lines += [
            f"#   1. Decide the {members} under [map]: uncomment each line and name what replaces it,",
            "#      or add the member to plan.keep to keep it on purpose. Until then its stage is blocked.",
        ]
    else:
        lines.append("#   1. Nothing needs a decision: every member is an alias or thin wrapper of the canonical.")
    lines += [
        f"#   2. Review: `refactor audit {draft.plan_path}`, then `refactor plan {draft.plan_path}`.",
        "#   3. Make it the default plan (`refactor check` in CI and pre-commit) in pyproject.toml:",
        "#        [tool.refactor]",
        f"#        plans = [{_toml(draft.plan_path)}]",
    ]
    return lines


def _plan_table(draft: Draft) -> list[str]:
    lines = [
        "[plan]",
        f"name = {_toml(draft.name)}",
        f"root = {_toml(draft.root)}",
        f"packages = {_toml(list(draft.packages))}",
        f"canonical = {_toml(draft.canonical)}",
        f"family = {_toml(list(draft.family))}",
    ]
    if draft.exclude:
        lines.append(f"exclude = {_toml(list(draft.exclude))}")
    else:
        lines.append("# exclude = []   # names matching the patterns that are not members (an enum, a validator)")
    lines += [
        f"test_command = {_toml(list(draft.test_command))}",
        f"branch_prefix = {_toml(draft.branch_prefix)}",
        "# keep = []   # members to keep on purpose, as \"module:Name\"",
    ]
    return lines


def _members(inventory: Inventory) -> list[str]:
    rows = sorted(inventory.definitions, key=lambda d: (d.module, d.line, d.name))
    groups = [
        ("Canonical:", [r for r in rows if r.status in status.CANONICAL_FORMS]),
        ("Nothing to decide (aliases and thin wrappers of the canonical, replaced by it):",
         [r for r in rows if r.status in status.REPLACED]),
        ("Kept on purpose:", [r for r in rows if r.status == status.KEPT]),
        ("Needs a decision (see [map]; re-exports follow the member they re-export):",
         [r for r in rows if r.status == status.NEEDS_DECISION]),
    ]
    width = max((len(r.ref) for r in rows), default=0)
    lines = ["# Members: module:Name, kind, status, what it is."]
    for title, members in groups:
        if not members:
            continue
        lines += ["#", f"# {title}"]
        for row in members:
            settled = _SETTLED.get(row.status, "needs a decision")
            lines.append(f"#   {row.ref:<{width}}  {row.kind:<8}  {settled}: {row.detail}")
    if inventory.apart:
        lines += ["#", f"# Set apart: {apart_summary(inventory)}. Not members: not counted, not staged (their",
                  "# imports of what a stage removes are still rewritten); `test_members = true` counts test code in."]
        for row, why in sorted(inventory.apart, key=lambda a: (a[1], a[0].module, a[0].line)):
            lines.append(f"#   {row.ref:<{width}}  {row.kind:<8}  {why}")
    return lines


def apart_summary(inventory: Inventory) -> str:
    """`41 in test code (a test double or test case), 2 enums, ...`: the definitions set apart, by why."""
    counts = Counter(why for _, why in inventory.apart)
    return ", ".join(f"{n} {why}" for why, n in counts.most_common())


def _map_table(draft: Draft, inventory: Inventory) -> list[str]:
    lines = ["[map]"]
    todo = sorted(decisions(inventory), key=lambda d: (d.module, d.line, d.name))
    if not todo:
        return lines + ["# Nothing needs a decision."]
    lines += [
        "# Members that are more than aliases of the canonical: say what replaces each one (\"module:Name\"),",
        "# usually the canonical or a function or class of the canonical's module with the same job.",
    ]
    for row in todo:
        hint = " (point it at what builds the canonical)" if row.kind == "factory" else ""
        lines += [
            "#",
            f"# {row.name}: {what_it_is(row)}, needs a decision: {row.detail}{hint}",
            f"# {_toml(row.ref)} = {_toml(draft.canonical)}",
        ]
    return lines


def _toml(value: object) -> str:
    return tomlkit.item(value).as_string()
