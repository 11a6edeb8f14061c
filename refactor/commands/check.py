"""`refactor check PLAN`: exit 1 while the family has more distinct definitions than allowed."""

from __future__ import annotations

from argparse import Namespace

from rich.console import Console
from rich.markup import escape

from refactor import exitcodes
from refactor.analysis import status
from refactor.analysis.runtime_count import count_runtime, default_python
from refactor.output import counted, emit_json
from refactor.planning.workspace import Workspace


def run(args: Namespace, console: Console) -> int:
    workspace = Workspace.open(args.plan, cache=not args.no_cache)
    inventory = workspace.inventory
    limit = args.max
    static = inventory.distinct
    parts = [f"{static} distinct definition{'s' if static != 1 else ''} (static)"]
    failed = static > limit
    if args.runtime:
        runtime = count_runtime(workspace.plan, python=args.python or default_python(workspace.plan.root))
        parts.append(f"{runtime.distinct} class object{'s' if runtime.distinct != 1 else ''} loaded (runtime)")
        failed = failed or runtime.distinct > limit
        if runtime.failed:
            parts.append(f"{counted(len(runtime.failed), 'module')} failed to import")
    extra = [d for d in inventory.definitions if d.class_object and d.status not in status.STAYS]
    if getattr(args, "json", False):
        emit_json(console, "check", {
            "plan": inventory.plan_name, "ok": not failed, "allowed": limit, "distinct": static,
            "runtime_distinct": runtime.distinct if args.runtime else None,
            "import_failures": [{"module": m, "error": e} for m, e in runtime.failed] if args.runtime else [],
            "remove": [{"ref": d.ref, "path": d.path, "line": d.line, "kind": d.kind, "detail": d.detail}
                       for d in extra] if failed else []})
        return exitcodes.FAILED if failed else exitcodes.OK
    verdict = "[bold red]FAIL[/]" if failed else "[bold green]OK[/]"
    summary = f"{verdict} {inventory.plan_name}: " + ", ".join(parts) + f"; allowed {limit}"
    if failed and extra:
        summary += f"; remove: {', '.join(d.ref for d in extra)}"
    console.print(summary, highlight=False, soft_wrap=True)
    if args.runtime:
        for module, error in runtime.failed:
            console.print(f"  [dim]import failed: {escape(module)}: {escape(error)}[/]", highlight=False, soft_wrap=True)
    return exitcodes.FAILED if failed else exitcodes.OK
