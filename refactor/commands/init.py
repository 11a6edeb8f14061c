"""`refactor init --family PATTERN`: audit a repository and write a commented starting plan.

Without `--canonical`, the class most import sites already resolve to is proposed (the runner-up is
shown too). Candidates are the classes that can be constructed and that other classes of the family are
tied to (a class tied to nothing shares only its name); when only one is left it is proposed without
counting import sites (the count needs every file that names the family parsed). Every member is listed in the file with its kind and status; members that need a
decision get a commented-out `[map]` line for the user to fill in.
"""

from __future__ import annotations

import os
import re
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from refactor import exitcodes
from refactor.analysis.inventory import Inventory, take_inventory, tie_counts
from refactor.analysis.module_graph import TEST_DIRS
from refactor.analysis.project import Project
from refactor.errors import PlanError, RefactorError
from refactor.output import counted
from refactor.planfile import DEFAULT_TEST_COMMAND, Plan, Ref, load_plan, parse_ref
from refactor.planning.scaffold import (
    Draft,
    apart_summary,
    constructible,
    decisions,
    default_name,
    rank_candidates,
    render,
)
from refactor.planning.workspace import Workspace
from refactor.reading.cache import cache_folder

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PATTERN = re.compile(r"^[A-Za-z0-9_*?\[\]!]+$")
_UNCHOSEN = Ref("__refactor_init__", "__no_canonical_yet__")  # names nothing: the audit before the choice


def run(args: Namespace, console: Console) -> int:
    root = Path(args.root or ".").resolve()
    if not root.is_dir():
        raise RefactorError(f"--root {args.root}: not a directory")
    family = _patterns(args.family, "--family")
    exclude = _patterns(args.exclude or [], "--exclude")
    name = args.name or default_name(family)
    if not _NAME.match(name):
        raise RefactorError(f"--name {name!r}: use letters, digits, . _ - (it names the plan and its branches)")
    output = Path(args.output).resolve() if args.output else root / "plans" / f"{name}.toml"
    shown = _shown(output, root)
    if output.exists() and not args.force:
        raise RefactorError(f"{shown} already exists: pass --force to overwrite it")

    project = Project.load(root, cache=not args.no_cache, cache_dir=cache_folder(root))
    packages = _packages(args.packages, project, root)
    plan = Plan(path=output, name=name, root=root, packages=packages, canonical=_UNCHOSEN, family=family,
                exclude=exclude, keep=(), mapping=(), test_command=DEFAULT_TEST_COMMAND,
                branch_prefix=f"refactor/{name}", source_roots=(), keep_local_names=False, digest="")
    candidates = ()
    if args.canonical:
        canonical = _canonical_ref(args.canonical)
    else:
        surveying = Workspace(plan, project, canonical_chosen=False)
        survey = surveying.inventory
        _require_members(survey, family, packages, root)
        classes = constructible(survey, project)
        ties = tie_counts(project, plan, survey, [f"{module}:{name}" for module, name, _ in classes])
        # a class nothing in the family is tied to shares only its name with it: not a candidate when others are
        classes = tuple(c for c in classes if ties[f"{c[0]}:{c[1]}"]) or classes
        # the import graph (every file that names the family, parsed) only ranks two or more candidates
        graph = surveying.graph if len(classes) > 1 else None
        candidates = rank_candidates(classes, graph, project)
        if not candidates:
            raise RefactorError("no class of the family can be the canonical (none is a constructible class): "
                                "pass --canonical module:Name")
        canonical = _canonical_ref(candidates[0].ref)
    plan = replace(plan, canonical=canonical)
    try:
        inventory = take_inventory(project, plan, sites_next=False)
    except PlanError as exc:
        raise RefactorError(f"--canonical {canonical}: {exc.problem}") from None
    _require_members(inventory, family, packages, root)
    members = {d.ref for d in inventory.definitions}   # (a runner-up is a member: not a test double or enum)
    candidates = tuple(c for i, c in enumerate(candidates) if i == 0 or c.ref in members)

    draft = Draft(name=name, root=Path(os.path.relpath(root, output.parent)).as_posix(), packages=packages,
                  canonical=str(canonical), family=family, exclude=exclude, test_command=DEFAULT_TEST_COMMAND,
                  branch_prefix=plan.branch_prefix, plan_path=shown, proposed=not args.canonical,
                  candidates=candidates)
    _write(output, render(draft, inventory))
    _report(console, draft, inventory, root)
    return exitcodes.OK


def _patterns(values: list[str] | None, option: str) -> tuple[str, ...]:
    patterns = tuple(p.strip() for v in values or () for p in v.split(",") if p.strip())
    for pattern in patterns:
        if not _PATTERN.match(pattern) or pattern.count("[") != pattern.count("]") or not pattern.strip("*?"):
            raise RefactorError(f"{option} {pattern!r}: not a name pattern (use identifiers with * ? [] wildcards)")
    if option == "--family" and not patterns:
        raise RefactorError("--family: give at least one name pattern")
    return patterns


def _packages(value: str | None, project: Project, root: Path) -> tuple[str, ...]:
    if value:
        packages = tuple(p.strip() for p in value.split(",") if p.strip())
        for package in packages:
            if not project.module_exists(package):
                raise RefactorError(f"--packages: no package {package} under {root}")
        return packages
    found = sorted({f.module for f in project.files if f.is_package and "." not in f.module} - TEST_DIRS)
    if not found:
        raise RefactorError(f"no top-level package found under {root}: pass --packages")
    return tuple(found)


def _canonical_ref(text: str) -> Ref:
    try:
        return parse_ref(text, path="--canonical", key="")
    except PlanError as exc:
        raise RefactorError(f"--canonical: {exc.problem}") from None


def _require_members(inventory: Inventory, family: tuple[str, ...], packages: tuple[str, ...], root: Path) -> None:
    if not inventory.definitions:
        raise RefactorError(f"no definition matches {', '.join(family)} in {', '.join(packages)} under {root}")


def _shown(path: Path, root: Path) -> str:
    """How the plan file is named in instructions: relative to the repository root when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _write(output: Path, text: str) -> None:
    """Write atomically, after checking that the text loads as a plan (a broken draft is never left behind)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    draft = output.with_name(f".{output.name}.tmp")
    draft.write_text(text, encoding="utf-8")
    try:
        load_plan(draft)
    except PlanError:
        draft.unlink()
        raise
    os.replace(draft, output)


def _report(console: Console, draft: Draft, inventory: Inventory, root: Path) -> None:
    def say(text: str) -> None:
        console.print(text, highlight=False, soft_wrap=True)

    say(f"Audited {escape(str(root))}: {counted(inventory.names, 'definition')} of {escape(', '.join(draft.family))} in "
        f"{escape(', '.join(draft.packages))}; {inventory.distinct} distinct class objects.")
    if draft.proposed:
        say(f"Canonical (proposed): [bold]{escape(draft.candidates[0].describe())}[/]")
        runner_up = draft.candidates[1].describe() if len(draft.candidates) > 1 else "none"
        say(f"Runner-up: {escape(runner_up)}")
    else:
        say(f"Canonical (given): [bold]{escape(draft.canonical)}[/]")
    if inventory.apart:
        say(f"Set apart (not members, not counted): {escape(apart_summary(inventory))}")
    todo = decisions(inventory)
    if todo:
        say(f"Needs a decision: {len(todo)} member{'s' if len(todo) != 1 else ''} "
            f"({escape(', '.join(d.name for d in todo))}): fill in \\[map] in {escape(draft.plan_path)}")
    for warning in inventory.warnings:
        say(f"[yellow]warning[/] {escape(warning)}")
    say(f"[green]Wrote[/] {escape(draft.plan_path)}")
    say(f"Next: `refactor audit {escape(draft.plan_path)}`, then `refactor plan {escape(draft.plan_path)}`.")
    say("To make it the default plan for `refactor check` (CI, pre-commit), add to pyproject.toml:")
    say("  \\[tool.refactor]")
    say(f"  plans = [\"{escape(draft.plan_path)}\"]")
