"""`refactor plan PLAN`: the stages, in order, with what each removes and rewrites (writes nothing);
`--stage N` one stage in full, `--diff` its exact changes as a patch, `--graph` the import graph."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from refactor import exitcodes
from refactor.output import counted, emit_json, progress
from refactor.planning.pictures import dot, mermaid
from refactor.planning.schedule import Schedule, Stage
from refactor.planning.workspace import Workspace


def run(args: Namespace, console: Console) -> int:
    if args.output and not (args.graph or args.diff):
        console.print("[bold red]error:[/] --output FILE writes the --diff or --graph output: name one of them",
                      highlight=False)
        return exitcodes.BAD_INPUT
    with progress(console, "reading the plan") as show:
        workspace = Workspace.open(args.plan, cache=not args.no_cache, progress=show)
        # (the graph and the diff need more than the schedule: they work it out)
        if args.graph or args.diff:
            schedule, warnings = workspace.schedule, workspace.inventory.warnings
        else:
            kept = workspace.kept_schedule()
            schedule, warnings = kept.schedule, kept.warnings
        stage_missing = args.stage is not None and not any(s.number == args.stage for s in schedule.stages)
        patches = None
        if args.diff and schedule.stages and not stage_missing:
            # (LibCST is loaded only for a diff)
            from refactor.staging.patches import stage_patches
            patches = stage_patches(workspace, schedule, args.stage, show)
    if args.graph:
        text = mermaid(schedule, workspace.graph) if args.graph == "mermaid" else dot(schedule, workspace.graph)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
            console.print(f"wrote {args.output}")
        else:
            console.out(text, end="", highlight=False)
        return exitcodes.OK
    if not schedule.stages and not args.json:
        console.print(f"nothing to plan: {schedule.name} has {counted(schedule.distinct, 'distinct definition')} and no "
                      f"redundant module (plan.family = {list(workspace.plan.family)})", highlight=False)
        return exitcodes.OK
    if stage_missing:
        console.print(f"[bold red]error:[/] {workspace.plan.path}: no stage {args.stage} "
                      f"(the plan has {len(schedule.stages)})", highlight=False)
        return exitcodes.BAD_INPUT
    if patches is not None:
        return show_diff(patches, console, args.output)
    if args.json:
        data = schedule.to_json()
        if args.stage is not None:
            data["stages"] = [s for s in data["stages"] if s["number"] == args.stage]
        emit_json(console, "plan", data)
        return exitcodes.OK
    if args.stage is not None:
        console.print(stage_detail(schedule.stage(args.stage)))
        return exitcodes.OK
    console.print(render(schedule))
    for warning in warnings:
        console.print(f"[yellow]warning[/] {escape(warning)}", highlight=False)
    return exitcodes.OK


def _kinds(stage: Stage) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in stage.sites_by_kind.items())


def _common_prefix(schedule: Schedule) -> str:
    modules = [m for s in schedule.stages for m in s.modules]
    if not modules:
        return ""
    parts = [m.split(".")[:-1] for m in modules]
    prefix = []
    for column in zip(*parts):
        if len(set(column)) != 1:
            break
        prefix.append(column[0])
    return ".".join(prefix) + "." if prefix else ""


def render(schedule: Schedule) -> Group:
    prefix = _common_prefix(schedule)
    title = f"Plan {schedule.name}: {counted(len(schedule.stages), 'stage')} to one {schedule.canonical.partition(':')[2]}"
    if prefix:
        title += f"   (modules under {prefix.rstrip('.')})"
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("modules (✗ file deleted)", ratio=3, overflow="fold")
    table.add_column("defs", justify="right", no_wrap=True)
    table.add_column("sites by kind", ratio=3, overflow="fold")
    table.add_column("files", justify="right", no_wrap=True)
    table.add_column("tests", justify="right", no_wrap=True)
    table.add_column("distinct", justify="right", no_wrap=True)
    for stage in schedule.stages:
        names = "\n".join(("✗ " if m in stage.delete_modules else "  ") + m[len(prefix):] for m in stage.modules)
        if stage.blocked:
            names += "\n[bold red]blocked: needs a decision[/]"
        if stage.findings:
            names += f"\n[yellow]{counted(len(stage.findings), 'site')} reported[/]"
        table.add_row(str(stage.number), names, str(len(stage.definitions)),
                      f"{len(stage.edits)}: {_kinds(stage)}", str(len(stage.files)), str(len(stage.tests)),
                      f"{stage.distinct_before}→{stage.distinct_after}")
    notes = [Text(f"distinct definitions now: {schedule.distinct}; after the last stage: "
                  f"{schedule.stages[-1].distinct_after if schedule.stages else schedule.distinct}")]
    if schedule.baseline:
        notes.append(Text(f"{counted(len(schedule.baseline), 'import')} already broken before any change (baseline, not blocking):"))
        notes.extend(Text(f"  {line}") for line in schedule.baseline)
    if schedule.unparsable:
        notes.append(Text(f"{counted(len(schedule.unparsable), 'unparsable file')} among those read for the plan (baseline, not blocking; "
                          f"a stage reports those that name what it removes):"))
        notes.extend(Text(f"  {line}") for line in schedule.unparsable)
    blocked = [b for s in schedule.stages for b in s.blocked]
    for line in blocked:
        notes.append(Text.from_markup(f"[bold red]blocked[/] {line}"))
    notes.append(Text("details: refactor plan PLAN --stage N   changes: refactor plan PLAN --diff --stage N"))
    return Group(table, *notes)


_TESTS_SHOWN = 30   # test files named in a stage's detail; a large repository can have thousands


def stage_detail(stage: Stage) -> Group:
    parts: list = [Text.from_markup(
        f"[bold]Stage {stage.number}[/]: {', '.join(stage.modules)}   distinct {stage.distinct_before}→"
        f"{stage.distinct_after}")]
    if stage.depends_on:
        parts.append(Text(f"goes before: {', '.join(stage.depends_on)}"))
    parts.append(Text("definitions removed:", style="bold"))
    for d in stage.definitions:
        parts.append(Text(f"  {d.path}:{d.line}  {d.name} ({d.kind}) -> {d.replacement or 'no replacement: needs a decision'}"))
    for module in stage.delete_modules:
        parts.append(Text(f"  module {module} deleted: nothing of substance left"))
    for module, reason in stage.kept:
        parts.append(Text(f"  module {module} kept: it {reason}"))
    parts.append(Text(f"sites rewritten ({len(stage.edits)}): {_kinds(stage)}", style="bold"))
    for edit in stage.edits:
        line = Text(f"  {edit.describe()}")
        if edit.replacement is None:
            line.stylize("yellow")
        parts.append(line)
    shown = stage.tests[:_TESTS_SHOWN]
    more = f", and {len(stage.tests) - len(shown)} more (--json lists them all)" if len(stage.tests) > len(shown) else ""
    parts.append(Text(f"tests affected ({len(stage.tests)}): {', '.join(shown) or 'none found'}{more}"))
    for blocked in stage.blocked:
        parts.append(Text.from_markup(f"[bold red]blocked[/] {blocked}"))
    return Group(*parts)


def show_diff(patches: list, console: Console, output: str | None = None) -> int:
    """The stages' diffs (`refactor.staging.patches.StagePatch`s): coloured on a terminal; else (or to `output`) a patch, byte for byte, that
    `git apply` and `patch -p1` take. What a stage cannot edit or reports goes to stderr."""
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for patch in patches:
        for line in patch.problems:
            errors.print(f"stage {patch.number}: {line}")
    whole = b"".join(p.diff for p in patches)
    if output is not None:
        with open(output, "wb") as handle:
            handle.write(whole)
        errors.print(f"wrote {output}")
    elif console.is_terminal:
        # (its import is a tenth of a warm plan's time: only a diff needs it)
        from rich.syntax import Syntax
        for patch in patches:
            console.rule(f"stage {patch.number}: {', '.join(patch.modules)}")
            text = patch.diff.decode("utf-8", "replace")
            console.print(Syntax(text, "diff", word_wrap=True) if text else "(no changes)")
    else:
        _write_bytes(console, whole)
    return exitcodes.OK


def _write_bytes(console: Console, data: bytes) -> None:
    """`data` to the console's stream as it is (its text layer, when it has no bytes layer: a test's)."""
    stream = console.file
    buffer = getattr(stream, "buffer", None)
    stream.flush()
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "surrogateescape"))
