"""`refactor demo`: the whole flow on a temporary git copy of the bundled WebSocket fixture."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from argparse import Namespace
from pathlib import Path

from rich.console import Console

from refactor import exitcodes
from refactor.commands import apply as apply_command
from refactor.commands import plan as plan_command
from refactor.errors import RefactorError
from refactor.output import counted
from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace

FIXTURE = "fixtures/websocket_app"
PLAN = "plans/websocket_manager.toml"


def bundled(relative: str) -> Path:
    """A file shipped with the project: next to the package (a checkout) or in the current directory."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / relative).exists():
            return base / relative
    raise RefactorError(f"cannot find {relative}: run `refactor demo` from a checkout of the project")


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=refactor demo", "-c", "user.email=demo@localhost", *args],
                          cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def run(args: Namespace, console: Console) -> int:
    if args.dir:
        return _demo(Path(args.dir).resolve(), console, keep=True)
    folder = Path(tempfile.mkdtemp(prefix="refactor-demo-"))
    try:
        return _demo(folder, console, keep=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _demo(folder: Path, console: Console, *, keep: bool) -> int:
    repo = folder / "websocket_app"
    if repo.exists():
        raise RefactorError(f"{repo} already exists: choose another --dir")
    shutil.copytree(bundled(FIXTURE), repo, ignore=shutil.ignore_patterns("__pycache__", ".refactor_cache",
                                                                          ".pytest_cache"))
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "-m", "WebSocket app with its manager defined in 11 modules")
    text = bundled(PLAN).read_text(encoding="utf-8").replace('root = "../fixtures/websocket_app"',
                                                              'root = "websocket_app"')
    plan_path = folder / "websocket_manager.toml"
    plan_path.write_text(text, encoding="utf-8")
    if console.is_terminal:
        console.rule("[bold]refactor demo")
    console.print(f"a git copy of the bundled fixture: {repo}\nits plan: {plan_path}\n", highlight=False)
    workspace = Workspace.open(plan_path)
    console.print(f"[bold]1. audit[/]: {workspace.inventory.distinct} distinct definitions, "
                  f"{counted(workspace.inventory.names, 'name')}, in "
                  f"{counted(len(workspace.inventory.redundant_modules()), 'redundant module')} (refactor audit {plan_path})", highlight=False)
    console.print("[bold]2. plan[/]")
    console.print(plan_command.render(workspace.schedule))
    console.print("[bold]3. apply --all[/]")
    code = apply_command.run(Namespace(plan=str(plan_path), all=True, stage=None, base=None, strict=False,
                                       force=False, reviews=None, test_timeout=None, push=None, open_prs=False),
                             console)
    console.print("[bold]4. what each branch holds[/]")
    console.print(_git(repo, "log", "--oneline", "--graph", "--decorate", "main..refactor/websocket-manager/"
                       f"stage-{len(workspace.schedule.stages):02d}") if code == 0 else "(stopped early)",
                  highlight=False, markup=False)
    if code != exitcodes.OK:
        return code
    plan = load_plan(plan_path)
    last = plan.branch(len(workspace.schedule.stages))
    tree = folder / "last-stage"
    _git(repo, "worktree", "add", "--quiet", "--detach", str(tree), last)
    try:
        distinct = Workspace.for_plan(plan, root=tree, cache=False).inventory.distinct
    finally:
        _git(repo, "worktree", "remove", "--force", str(tree))
    console.print(f"[bold]5. on {last}[/]: refactor check -> {counted(distinct, 'distinct definition')}; "
                  f"the repository's own checkout is still on main, untouched", highlight=False)
    if keep:
        console.print(f"explore: cd {repo} && git log --stat {last}", highlight=False)
    else:
        console.print("(that copy was temporary and is gone; `refactor demo --dir DIR` keeps one to explore)",
                      highlight=False)
    return exitcodes.OK if distinct == 1 else exitcodes.FAILED
