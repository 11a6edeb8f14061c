"""`refactor audit PLAN`: every definition of the family, its kind, what it resolves to, the counts."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from refactor import exitcodes
from refactor.analysis import status
from refactor.analysis.inventory import Inventory
from refactor.output import emit_json
from refactor.planning.scaffold import apart_summary
from refactor.planning.workspace import Workspace

_STATUS_STYLE = {
    status.CANONICAL: "bold green", status.CANONICAL_REEXPORT: "green", status.REPLACE: "yellow",
    status.MAPPED: "cyan", status.KEPT: "dim", status.NEEDS_DECISION: "bold red",
}


def run(args: Namespace, console: Console) -> int:
    workspace = Workspace.open(args.plan, cache=not args.no_cache)
    inventory = workspace.inventory
    if args.json:
        emit_json(console, "audit", inventory.to_json())
        return exitcodes.OK
    console.print(render(inventory))
    if inventory.apart:
        console.print(f"set apart (not members, not counted): {apart_summary(inventory)}", highlight=False)
        for row, why in sorted(inventory.apart, key=lambda a: (a[1], a[0].path, a[0].line)):
            console.print(f"  {row.path}:{row.line}: {row.name} ({row.kind}): {why}", highlight=False, markup=False)
    for error in inventory.errors:
        console.print(f"[yellow]skipped[/] {escape(error)}", highlight=False)
    for warning in inventory.warnings:
        console.print(f"[yellow]warning[/] {escape(warning)}", highlight=False)
    return exitcodes.OK


def render(inventory: Inventory) -> Table:
    table = Table(title=f"Family {inventory.plan_name}: canonical {inventory.canonical}", title_justify="left",
                  caption=f"distinct definitions: {inventory.distinct}   names: {inventory.names}   "
                          f"redundant modules: {len(inventory.redundant_modules())}",
                  caption_justify="left", show_lines=False, expand=False)
    table.add_column("module / name", overflow="fold", ratio=3)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("what it is", overflow="fold", ratio=4)
    table.add_column("status", overflow="fold", ratio=2)
    current = None
    for row in sorted(inventory.definitions, key=lambda d: (d.module, d.line)):
        if row.module != current:
            current = row.module
            table.add_row(f"[bold]{row.path}[/]", "", "", "", "")
        shown = row.status + (f" -> {row.replacement.partition(':')[2]}" if row.status == status.MAPPED else "")
        table.add_row(f"  {row.name}", str(row.line), row.kind, row.detail,
                      f"[{_STATUS_STYLE.get(row.status, '')}]{shown}[/]")
    return table
