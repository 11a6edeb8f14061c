"""Time `refactor` against the physical floor and the tools a user would compare it with, in one run.

    python benchmarks/generate_repo.py /tmp/bench10k --modules 10000
    python benchmarks/run_benchmarks.py /tmp/bench10k [--libcst-timeout 900] [--skip-libcst]
    python benchmarks/run_benchmarks.py CHECKOUT --plan benchmarks/plans/zen_websocket_manager.toml --skip-libcst

A generated repository carries its own `plan.toml`. A real tree (a git checkout) takes a plan with `--plan`:
its `root` is set to the checkout (in a copy of the plan, written to a temporary folder), grimp builds the
graph of the top-level packages of the plan's `packages`, and `refactor init` runs with the plan's first
family pattern and its packages (the plan `init` writes goes to the temporary folder too).

Every measurement runs as its own subprocess; wall time, CPU time (user + system) and peak memory
(max RSS) are taken for that child alone (`os.wait4`). The table's last column is each row's wall time
divided by ours for the comparable job (`refactor plan` cold for the graph builders).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from refactor.reading.cache import cache_folder

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


@dataclass
class Measure:
    name: str
    wall: float
    cpu: float
    rss_mb: float
    note: str = ""
    timed_out: bool = False


def measure(name: str, command: list[str], cwd: Path, *, timeout: float = 900, note: str = "",
            env: dict | None = None) -> Measure:
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.005)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) and not timed_out:
        error = process.stderr.read().decode(errors="replace").strip().splitlines()[-1:] if process.stderr else []
        note = (note + f" (exit {code}: {' '.join(error)})").strip()
    return Measure(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, note, timed_out)


FLOOR_READ = """
import pathlib, sys
for p in pathlib.Path(sys.argv[1]).rglob("*.py"):
    p.read_bytes()
"""
FLOOR_AST = """
import ast, pathlib, sys
for p in pathlib.Path(sys.argv[1]).rglob("*.py"):
    try:
        ast.parse(p.read_bytes())
    except SyntaxError:
        pass
"""
GRIMP = """
import sys, grimp
sys.path.insert(0, sys.argv[1])
grimp.build_graph(*sys.argv[2].split(","), cache_dir=sys.argv[3])
"""
LARGEST_STAGE = """
import sys, time
from refactor.planning.workspace import Workspace
from refactor.staging.edits import compute_edits
workspace = Workspace.open(sys.argv[1])
stage = max(workspace.schedule.stages, key=lambda s: len(s.files))
start = time.perf_counter()
edits = compute_edits(workspace, stage)
print(f"stage {stage.number}: {len(stage.files)} files, {len(stage.edits)} sites, "
      f"{len(edits.changed)} changed, edits {time.perf_counter() - start:.2f}s", file=sys.stderr)
"""


@dataclass(frozen=True)
class Subject:
    """What one run measures: a repository, the plan run on it, and what the other tools are given."""
    repo: Path
    plan: Path
    packages: tuple[str, ...]     # the plan's packages
    family: str                   # its first family pattern, for `refactor init`

    @property
    def top_packages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.split(".")[0] for p in self.packages))


def subject(repo: Path, plan: Path | None, scratch: Path) -> Subject:
    """The generated repository's own plan.toml, or a copy of `plan` rooted at `repo`."""
    document = tomlkit.parse((plan or repo / "plan.toml").read_text(encoding="utf-8"))
    table = document["plan"]
    if plan is not None:
        table["root"] = str(repo)
        plan = scratch / plan.name
        plan.write_text(tomlkit.dumps(document), encoding="utf-8")
    packages = tuple(str(p) for p in table.get("packages", ()))
    family = [str(f) for f in table.get("family", ())]
    if not packages or not family:
        raise SystemExit(f"{plan or repo / 'plan.toml'}: the plan names no packages or no family")
    return Subject(repo, plan or repo / "plan.toml", packages, family[0])


def canonical_pair(package: str) -> tuple[str, str]:
    return (f"{package}.websocket_core.websocket_manager.WebSocketManager",
            f"{package}.websocket_core.unified_manager.UnifiedWebSocketManager")


def run(target: Subject, *, libcst_timeout: float, skip_libcst: bool) -> list[Measure]:
    repo, plan = target.repo, target.plan
    package = target.top_packages[0]
    refactor = [PYTHON, "-m", "refactor"]
    cache = cache_folder(repo)
    results = []
    results.append(measure("floor: read every file", [PYTHON, "-c", FLOOR_READ, str(repo)], repo))
    results.append(measure("floor: ast.parse every file (1 core)", [PYTHON, "-c", FLOOR_AST, str(repo)], repo))
    ruff = shutil.which("ruff") or str(Path(PYTHON).parent / "ruff")
    results.append(measure("ruff analyze graph", [ruff, "analyze", "graph", str(repo)], repo))
    grimp = [PYTHON, "-c", GRIMP, str(repo), ",".join(target.top_packages)]
    with tempfile.TemporaryDirectory() as grimp_cache:
        results.append(measure("grimp build_graph (cold)", [*grimp, grimp_cache], repo))
        results.append(measure("grimp build_graph (from its cache)", [*grimp, grimp_cache], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor audit (cold)", [*refactor, "audit", str(plan)], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor init (cold)", [*refactor, "init", "--family", target.family, "--root", str(repo),
                                                    "--packages", ",".join(target.packages),
                                                    "-o", str(plan.with_name("init.toml")), "--force"], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor plan (cold)", [*refactor, "plan", str(plan)], repo))
    results.append(measure("refactor plan (warm)", [*refactor, "plan", str(plan)], repo))
    edited = next(p for p in sorted((repo / package.replace(".", "/")).rglob("*.py")) if p.name != "__init__.py")
    original = edited.read_bytes()
    try:
        edited.write_bytes(original + b"\n# edited by the benchmark\n")
        results.append(measure("refactor plan (warm, one file edited)", [*refactor, "plan", str(plan)], repo))
    finally:
        edited.write_bytes(original)
    results.append(measure("refactor: edits of the largest stage", [PYTHON, "-c", LARGEST_STAGE, str(plan)], repo,
                           note="includes a warm plan"))
    if not skip_libcst:
        old, new = canonical_pair(package)
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "repo"
            shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git", ".refactor_cache"))
            results.append(measure("libcst RenameCommand -j 2 (one name)",
                                   [PYTHON, "-m", "libcst.tool", "codemod", "rename.RenameCommand", "-j", "2",
                                    "--no-format", "--hide-progress", f"--old_name={old}", f"--new_name={new}", str(copy)],
                                   copy, timeout=libcst_timeout))
            if results[-1].timed_out:
                results[-1].note = f"did not finish in {libcst_timeout:.0f}s"
    return results


def table(results: list[Measure]) -> str:
    ours = {m.name: m for m in results}
    plan_cold = ours.get("refactor plan (cold)")
    edits = ours.get("refactor: edits of the largest stage")
    lines = [f"| {'measurement':44} | {'wall s':>8} | {'CPU s':>8} | {'peak MB':>8} | {'ratio':>14} | note |",
             f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 16}|------|"]
    for m in results:
        reference = edits if m.name.startswith("libcst") else plan_cold
        ratio = f"{m.wall / reference.wall:.2f}x ours" if reference and reference is not m else ""
        wall = f">{m.wall:.1f}" if m.timed_out else f"{m.wall:.2f}"
        lines.append(f"| {m.name:44} | {wall:>8} | {m.cpu:8.2f} | {m.rss_mb:8.0f} | {ratio:>14} | {m.note} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a repository made by generate_repo.py (with plan.toml), or a "
                        "checkout with --plan")
    parser.add_argument("--plan", type=Path, help="a plan for a real tree; its root is set to REPO")
    parser.add_argument("--libcst-timeout", type=float, default=900)
    parser.add_argument("--skip-libcst", action="store_true")
    args = parser.parse_args()
    repo = args.repo.resolve()
    files = sum(1 for _ in repo.rglob("*.py"))
    size = sum(p.stat().st_size for p in repo.rglob("*.py")) / 1e6
    print(f"repository: {repo} ({files} Python files, {size:.0f} MB); {os.cpu_count()} cores; "
          f"Python {sys.version.split()[0]}")
    if args.plan and not args.skip_libcst:
        parser.error("--plan measures a real tree: pass --skip-libcst (the LibCST row renames the generated family)")
    with tempfile.TemporaryDirectory() as scratch:
        target = subject(repo, args.plan.resolve() if args.plan else None, Path(scratch))
        results = run(target, libcst_timeout=args.libcst_timeout, skip_libcst=args.skip_libcst)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
