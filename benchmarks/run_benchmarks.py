"""Time `refactor` against the physical floor and the tools a user would compare it with, in one run.

    python benchmarks/generate_repo.py /tmp/bench10k --modules 10000 [--profile zen]
    python benchmarks/run_benchmarks.py /tmp/bench10k [--libcst-timeout 900] [--skip-libcst] [--skip-edits]
    python benchmarks/run_benchmarks.py CHECKOUT --plan benchmarks/plans/zen_websocket_manager.toml --skip-libcst

A generated repository carries its own `plan.toml`. A real tree (a git checkout) takes a plan with `--plan`:
its `root` is set to the checkout (in a copy of the plan, written to a temporary folder), grimp builds the
graph of the top-level packages of the plan's `packages`, and `refactor init` runs with the plan's first
family pattern, once with its packages and once without `--packages` (every top-level package, what a
first run on a repository does; the plans `init` writes go to the temporary folder too).

With `--real-trees` (or `--tree NAME`, repeatable) the real trees of `real_trees.py` (CPython's `Lib/`,
Django, a site-packages folder) are fetched into `--cache DIR` the first time and measured one after the
other with their plans in `benchmarks/plans/`, into one table: per tree, `ruff analyze graph`, grimp cold and
from its cache, and `refactor` audit, init and plan (cold, warm, warm after one edit), each row's wall time
also as a multiple of ruff's on the same tree. grimp is given the plan's top-level packages that it can
read from the tree: a single module (grimp takes packages) or a package the interpreter running grimp has
already imported (grimp would read that copy, not the tree's) is left out, and the row says so.

    python benchmarks/run_benchmarks.py --real-trees --cache DIR
    python benchmarks/run_benchmarks.py --tree django --tree cpython --cache DIR

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

import real_trees
import tomlkit

from refactor.reading.cache import cache_folder

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
# Python children run in the tree's folder: without this, `python -m refactor` and `python -c` would import
# the tree's modules first (CPython's Lib/ holds `typing`, `enum`, ... of another Python version)
SAFE_PATH = {"PYTHONSAFEPATH": "1"}


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
    """One child's wall time, CPU time and peak memory. Its stderr goes to a file (a pipe nobody reads
    could fill and stall it); its `note: ` lines, and its last line when it fails, go into the note."""
    with tempfile.TemporaryFile() as stderr:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env={**os.environ, **SAFE_PATH, **(env or {})})
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
        stderr.seek(0)
        lines = stderr.read().decode(errors="replace").strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    notes = [note, *(line.removeprefix("note: ") for line in lines if line.startswith("note: "))]
    if (code not in (0, 1) or "Traceback (most recent call last):" in lines) and not timed_out:
        last = "" if not lines or lines[-1].startswith("note: ") else f": {lines[-1]}"
        notes.append(f"(exit {code}{last})")
    return Measure(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   " ".join(n for n in notes if n), timed_out)


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
import importlib.util, os, sys
try:
    import grimp
except ImportError as error:
    print(f"note: grimp is not installed here ({error})", file=sys.stderr)
    sys.exit(3)
root = os.path.realpath(sys.argv[1])
sys.path.insert(0, root)

def refusal(name):
    # why grimp cannot build `name` from the tree, or None when it can
    if name in sys.modules:
        return "imported by the interpreter running grimp, which would read that copy"
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return "not found"
    if not spec.submodule_search_locations:
        return "a single module (grimp takes packages)"
    places = [os.path.realpath(p) for p in spec.submodule_search_locations]
    if not all(p.startswith(root + os.sep) for p in places):
        return "found outside the tree"
    return None

refused = {name: refusal(name) for name in sys.argv[2].split(",")}
usable = [name for name, why in refused.items() if why is None]
left_out = "; ".join(f"{name}: {why}" for name, why in refused.items() if why)
if left_out:
    print(f"note: grimp left out {left_out}", file=sys.stderr)
if not usable:
    print("note: no package of the plan is left for grimp to build", file=sys.stderr)
    sys.exit(3)
try:
    grimp.build_graph(*usable, cache_dir=sys.argv[3])
except Exception as error:
    print(f"note: grimp failed: {type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(3)
"""
SCANNED_ONLY = """
import sys
from refactor.planning.workspace import Workspace
workspace = Workspace.open(sys.argv[1])
workspace.schedule
reads = workspace.project.reader.reads
scanned = sorted(reads.paths() - reads.content)
prefixes = [p.replace(".", "/") for p in sys.argv[2].split(",")]
inside = [p for p in scanned if any(p.startswith(prefix + "/") or p == prefix + ".py" for prefix in prefixes)]
print((inside or scanned or [""])[0])
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


def graph_rows(target: Subject) -> list[Measure]:
    """The graph builders a user would compare with: ruff over the whole tree, grimp over the plan's packages."""
    repo = target.repo
    ruff = shutil.which("ruff") or str(Path(PYTHON).parent / "ruff")
    results = [measure("ruff analyze graph", [ruff, "analyze", "graph", str(repo)], repo)]
    grimp = [PYTHON, "-c", GRIMP, str(repo), ",".join(target.top_packages)]
    with tempfile.TemporaryDirectory() as grimp_cache:
        results.append(measure("grimp build_graph (cold)", [*grimp, grimp_cache], repo))
        results.append(measure("grimp build_graph (from its cache)", [*grimp, grimp_cache], repo))
    return results


def edited_file(target: Subject) -> Path:
    """The file the benchmark edits once: the first module (not an `__init__`) of the plan's packages, or
    the package itself when it is a single module (`socketserver.py`)."""
    for package in target.packages:
        folder = target.repo / package.replace(".", "/")
        modules = sorted(p for p in folder.rglob("*.py") if p.name != "__init__.py") if folder.is_dir() else []
        if modules:
            return modules[0]
        if folder.with_suffix(".py").is_file():
            return folder.with_suffix(".py")
    raise SystemExit(f"{target.plan}: no Python file under the plan's packages {', '.join(target.packages)}")


def refactor_rows(target: Subject) -> list[Measure]:
    """`refactor` audit, init and plan cold (the facts cache deleted before each), then plan warm, and warm
    again after one file is edited (and put back): the first module of the plan's packages, then one the plan
    only scans (see `scanned_file`; the run before it keeps the schedule: see `refactor.reading.run_memo`)."""
    repo, plan = target.repo, target.plan
    refactor = [PYTHON, "-m", "refactor"]
    cache = cache_folder(repo)
    results = []
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor audit (cold)", [*refactor, "audit", str(plan)], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor init (cold)", [*refactor, "init", "--family", target.family, "--root", str(repo),
                                                    "--packages", ",".join(target.packages),
                                                    "-o", str(plan.with_name("init.toml")), "--force"], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor init (cold, every package)", [
        *refactor, "init", "--family", target.family, "--root", str(repo),
        "-o", str(plan.with_name("init-all.toml")), "--force"], repo))
    shutil.rmtree(cache, ignore_errors=True)
    results.append(measure("refactor plan (cold)", [*refactor, "plan", str(plan)], repo))
    results.append(measure("refactor plan (warm)", [*refactor, "plan", str(plan)], repo))
    edited = edited_file(target)
    original = edited.read_bytes()
    try:
        edited.write_bytes(original + b"\n# edited by the benchmark\n")
        results.append(measure("refactor plan (warm, one file edited)", [*refactor, "plan", str(plan)], repo))
    finally:
        edited.write_bytes(original)
    scanned = scanned_file(target)
    if scanned is not None:
        original = scanned.read_bytes()
        measure("refactor plan (warm, again)", [*refactor, "plan", str(plan)], repo)   # (kept for the tree as it is)
        try:
            scanned.write_bytes(original + b"\n# edited by the benchmark\n")
            results.append(measure("refactor plan (warm, one scanned file edited)", [*refactor, "plan", str(plan)], repo,
                                   note=f"{scanned.relative_to(repo)}"))
        finally:
            scanned.write_bytes(original)
    return results


def scanned_file(target: Subject) -> Path | None:
    """A file the plan reads only for its imports and the names it holds (not parsed, not read whole): the
    first under the plan's packages, else the first of the tree. None when the plan reads every file whole."""
    done = subprocess.run([PYTHON, "-c", SCANNED_ONLY, str(target.plan), ",".join(target.packages)],
                          cwd=target.repo, capture_output=True, text=True, check=False,
                          env={**os.environ, **SAFE_PATH})
    path = done.stdout.strip()
    return target.repo / path if done.returncode == 0 and path else None


def run(target: Subject, *, libcst_timeout: float, skip_libcst: bool, skip_edits: bool = False) -> list[Measure]:
    repo, plan = target.repo, target.plan
    package = target.top_packages[0]
    results = []
    results.append(measure("floor: read every file", [PYTHON, "-c", FLOOR_READ, str(repo)], repo))
    results.append(measure("floor: ast.parse every file (1 core)", [PYTHON, "-c", FLOOR_AST, str(repo)], repo))
    results += graph_rows(target)
    results += refactor_rows(target)
    if not skip_edits:
        results.append(measure("refactor: edits of the largest stage", [PYTHON, "-c", LARGEST_STAGE, str(plan)],
                               repo, note="includes a warm plan"))
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


def run_real_tree(tree: real_trees.Tree, cache: Path, scratch: Path) -> tuple[str, list[Measure]]:
    """One real tree, fetched the first time, measured with its plan: (its description, its rows)."""
    root = tree.prepare(cache)
    folder = scratch / tree.name
    folder.mkdir()
    target = subject(root, tree.plan, folder)
    rows = graph_rows(target) + refactor_rows(target)
    return f"{tree.name}: {tree.pinned}, {describe(root)}, plan {tree.plan.name}", rows


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


def merged_table(groups: list[tuple[str, list[Measure]]]) -> str:
    """One table for several trees: a row per measurement and tree, the ratio to ruff on the same tree."""
    lines = [f"| {'tree':13} | {'measurement':38} | {'wall s':>8} | {'CPU s':>8} | {'peak MB':>8} | {'vs ruff':>8} | note |",
             f"|{'-' * 15}|{'-' * 40}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|------|"]
    for name, results in groups:
        ruff = next((m for m in results if m.name == "ruff analyze graph"), None)
        for m in results:
            ratio = f"{m.wall / ruff.wall:.2f}x" if ruff and m is not ruff and ruff.wall > 0 else ""
            wall = f">{m.wall:.1f}" if m.timed_out else f"{m.wall:.2f}"
            lines.append(f"| {name:13} | {m.name:38} | {wall:>8} | {m.cpu:8.2f} | {m.rss_mb:8.0f} | {ratio:>8} | "
                         f"{m.note} |")
    return "\n".join(lines)


def describe(repo: Path) -> str:
    files = list(repo.rglob("*.py"))
    return f"{len(files):,} Python files, {sum(p.stat().st_size for p in files) / 1e6:.0f} MB"


def main_real_trees(names: list[str] | None, cache: Path) -> int:
    trees = real_trees.by_name(names)
    print(f"{len(trees)} real trees from {cache}; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    groups = []
    with tempfile.TemporaryDirectory() as scratch:
        for tree in trees:
            try:
                description, rows = run_real_tree(tree, cache, Path(scratch))
            except real_trees.FetchError as error:
                print(f"{tree.name}: not measured: {error}")
                continue
            print(description)
            groups.append((tree.name, rows))
    if groups:
        print(merged_table(groups))
    return 0 if len(groups) == len(trees) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, nargs="?", help="a repository made by generate_repo.py (with plan.toml), "
                        "or a checkout with --plan")
    parser.add_argument("--plan", type=Path, help="a plan for a real tree; its root is set to REPO")
    parser.add_argument("--real-trees", action="store_true", help="measure every tree of real_trees.py, with its "
                        "plan, into one table (no LibCST row)")
    parser.add_argument("--tree", action="append", choices=[tree.name for tree in real_trees.TREES],
                        help="measure this real tree (repeatable; implies --real-trees)")
    parser.add_argument("--cache", type=Path, help="where real_trees.py keeps the real trees (outside this project)")
    parser.add_argument("--libcst-timeout", type=float, default=900)
    parser.add_argument("--skip-libcst", action="store_true")
    parser.add_argument("--skip-edits", action="store_true", help="leave out the largest stage's edits (the "
                        "longest row: minutes on a large tree)")
    args = parser.parse_args()
    if args.real_trees or args.tree:
        if args.repo or args.plan:
            parser.error("--real-trees and --tree measure the trees of real_trees.py: pass no REPO and no --plan")
        if not args.cache:
            parser.error("--real-trees and --tree need --cache DIR (where the trees are fetched and kept)")
        return main_real_trees(args.tree, args.cache.resolve())
    if args.repo is None:
        parser.error("pass REPO (a generated repository, or a checkout with --plan), or --real-trees --cache DIR")
    repo = args.repo.resolve()
    print(f"repository: {repo} ({describe(repo)}); {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    if args.plan and not args.skip_libcst:
        parser.error("--plan measures a real tree: pass --skip-libcst (the LibCST row renames the generated family)")
    with tempfile.TemporaryDirectory() as scratch:
        target = subject(repo, args.plan.resolve() if args.plan else None, Path(scratch))
        results = run(target, libcst_timeout=args.libcst_timeout, skip_libcst=args.skip_libcst,
                      skip_edits=args.skip_edits)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
